//! Finding glossary terms in prose: one Aho-Corasick pass, then a per-candidate check.
//!
//! Every term form contributes one pattern: the folded prefix that all inflected forms of its
//! first word share (`stud` for *study/studies*, the Snowball stem for Russian words). One
//! overlapping pass over the folded prose finds every place a term *might* start, in time
//! linear in the text and nearly independent of the number of terms. Each candidate is then
//! checked word by word against the form's [`WordRule`]s, at word boundaries, on the original
//! text. Where candidates overlap, the leftmost wins, then the longest ("sparse autoencoder"
//! before "autoencoder").

use crate::glossary::Glossary;
use crate::inflect::{Stemmers, WordRule, fold_into, rules_for};
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use std::ops::Range;

/// A use of a glossary term in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub range: Range<usize>,
    pub entry: usize,
}

struct CompiledForm {
    entry: usize,
    rules: Vec<WordRule>,
}

pub struct Matcher {
    automaton: Option<AhoCorasick>,
    /// For each pattern id, the forms starting with that prefix.
    by_pattern: Vec<Vec<usize>>,
    forms: Vec<CompiledForm>,
    stemmers: Stemmers,
}

impl Matcher {
    /// Compiles every form of the glossary (`link=off` entries too: their uses still count
    /// for backlinks; the linker decides what becomes a link).
    pub fn new(glossary: &Glossary) -> Self {
        let stemmers = Stemmers::default();
        let mut prefixes: Vec<String> = Vec::new();
        let mut by_pattern: Vec<Vec<usize>> = Vec::new();
        let mut index = std::collections::HashMap::new();
        let mut forms = Vec::new();
        for (entry_id, entry) in glossary.entries.iter().enumerate() {
            for form in &entry.forms {
                let words: Vec<&str> = form.text.split_whitespace().collect();
                if words.is_empty() {
                    continue;
                }
                let rules = rules_for(&words, form.opts, &stemmers);
                let prefix = rules[0].prefix();
                if prefix.is_empty() {
                    continue;
                }
                let slot = *index.entry(prefix.clone()).or_insert_with(|| {
                    prefixes.push(prefix);
                    by_pattern.push(Vec::new());
                    by_pattern.len() - 1
                });
                by_pattern[slot].push(forms.len());
                forms.push(CompiledForm {
                    entry: entry_id,
                    rules,
                });
            }
        }
        let automaton = (!prefixes.is_empty()).then(|| {
            // A DFA trades memory (a few MB for thousands of terms) for the fastest scan.
            AhoCorasick::builder()
                .kind(Some(AhoCorasickKind::DFA))
                .match_kind(MatchKind::Standard)
                .build(&prefixes)
                .expect("glossary prefixes are plain strings")
        });
        Matcher {
            automaton,
            by_pattern,
            forms,
            stemmers,
        }
    }

    /// Appends the term uses in `text[region]` to `out`, non-overlapping and in order.
    /// `folded` is a scratch buffer reused across calls.
    pub fn find(&self, text: &str, region: Range<usize>, folded: &mut String, out: &mut Vec<Hit>) {
        let Some(automaton) = &self.automaton else {
            return;
        };
        let original = &text[region.clone()];
        fold_into(original, folded);
        let mut candidates: Vec<(usize, usize, usize)> = Vec::new();
        for m in automaton.find_overlapping_iter(folded.as_str()) {
            let start = m.start();
            if !is_word_start(folded, start) {
                continue;
            }
            for &form in &self.by_pattern[m.pattern().as_usize()] {
                if let Some(end) = self.check(&self.forms[form].rules, original, folded, start) {
                    candidates.push((start, end, self.forms[form].entry));
                }
            }
        }
        candidates.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let mut taken_until = 0;
        for (start, end, entry) in candidates {
            if start >= taken_until {
                out.push(Hit {
                    range: region.start + start..region.start + end,
                    entry,
                });
                taken_until = end;
            }
        }
    }

    /// End of the form starting at `start`, if every word is accepted.
    fn check(
        &self,
        rules: &[WordRule],
        original: &str,
        folded: &str,
        start: usize,
    ) -> Option<usize> {
        let mut pos = start;
        for (i, rule) in rules.iter().enumerate() {
            let end = word_end(folded, pos);
            if end == pos || !rule.accepts(&original[pos..end], &folded[pos..end], &self.stemmers) {
                return None;
            }
            if i + 1 == rules.len() {
                return Some(end);
            }
            // Words of a term are separated by white space (a line break included).
            let gap = folded[end..]
                .find(|c: char| !c.is_whitespace())
                .map_or(folded.len() - end, |n| n);
            if gap == 0 {
                return None;
            }
            pos = end + gap;
        }
        None
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn is_word_start(text: &str, at: usize) -> bool {
    text[..at]
        .chars()
        .next_back()
        .is_none_or(|c| !is_word_char(c) && c != '-')
}

/// End of the word at `from`: letters and digits, with inner `-`, `'` or `’` joining parts
/// (`key-value`, `SAE's`). A trailing hyphen or apostrophe is not part of the word.
fn word_end(text: &str, from: usize) -> usize {
    let mut end = from;
    let mut chars = text[from..].char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if is_word_char(c) {
            end = from + i + c.len_utf8();
        } else if matches!(c, '-' | '\'' | '’')
            && chars.peek().is_some_and(|&(_, n)| is_word_char(n))
        {
            continue;
        } else {
            break;
        }
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::glossary;
    use livingref_core::Diagnostics;
    use livingref_core::markdown::ParseOptions;
    use std::path::Path;

    fn hits(glossary_md: &str, text: &str) -> Vec<(String, String)> {
        let mut diags = Diagnostics::new();
        let g = glossary::parse(
            glossary_md,
            Path::new("g.md"),
            Path::new("g.md"),
            &ParseOptions::default(),
            &mut diags,
        );
        assert!(diags.is_empty(), "{diags:?}");
        let m = Matcher::new(&g);
        let mut out = Vec::new();
        m.find(text, 0..text.len(), &mut String::new(), &mut out);
        out.into_iter()
            .map(|h| (text[h.range].to_owned(), g.entries[h.entry].id.clone()))
            .collect()
    }

    const GLOSSARY: &str = "Sparse autoencoder (SAE) {#sae aliases=\"разреженный автоэнкодер\"}\n: A model.\n\n\
                            Autoencoder\n: Encodes.\n\nSuperposition {aliases=\"суперпозиция\"}\n: Many.\n\n\
                            Universe\n: All.\n\nAttention head\n: A head.\n";

    #[test]
    fn longest_match_wins_and_words_are_whole() {
        assert_eq!(
            hits(
                GLOSSARY,
                "Sparse autoencoders beat an autoencoder; SAEs and the SAE's loss."
            ),
            [
                ("Sparse autoencoders".into(), "sae".into()),
                ("autoencoder".into(), "autoencoder".into()),
                ("SAEs".into(), "sae".into()),
                ("SAE's".into(), "sae".into())
            ]
        );
        assert!(hits(GLOSSARY, "superpositional universal universities sae").is_empty());
    }

    #[test]
    fn russian_inflection_and_agreement() {
        assert_eq!(
            hits(
                GLOSSARY,
                "Свойства разреженного автоэнкодера и суперпозицией."
            ),
            [
                ("разреженного автоэнкодера".into(), "sae".into()),
                ("суперпозицией".into(), "superposition".into())
            ]
        );
    }

    #[test]
    fn multi_word_terms_cross_line_breaks_but_not_words() {
        assert_eq!(
            hits(GLOSSARY, "two attention\nheads"),
            [("attention\nheads".into(), "attention-head".into())]
        );
        assert!(hits(GLOSSARY, "pre-attention heads").is_empty());
    }
}
