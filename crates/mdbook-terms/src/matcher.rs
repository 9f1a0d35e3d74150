//! Finding glossary terms in prose: one Aho-Corasick pass, then a per-candidate check.
//!
//! Every term form contributes one pattern: the folded prefix that all inflected forms of its
//! first word share (`stud` for *study/studies*, the Snowball stem for Russian words), compiled
//! into one Aho-Corasick DFA. At each word start of the folded prose, an anchored walk of that
//! DFA finds the longest pattern the word begins with, reading only a few bytes, in time linear
//! in the text and independent of the number of terms. Each candidate is then
//! checked word by word against the form's `WordRule`s, at word boundaries, on the original
//! text. Where candidates overlap, the leftmost wins, then the longest ("sparse autoencoder"
//! before "autoencoder").
//!
//! Why anchored walks and not an overlapping search: the overlapping iterator reports every
//! pattern at every position (`ток` inside `поток`, `head` inside `ahead`) and was the largest
//! cost of a run. Terms only start at word starts, and every pattern that matches at a position
//! is a prefix of the longest one there, so the longest match plus the forms of all its
//! prefixes (`Matcher::by_pattern`) is the same set of candidates.

use crate::glossary::Glossary;
use crate::inflect::{WordRule, fold_into, rules_for};
use crate::russian;
use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::nfa::contiguous::NFA as DFA;
use aho_corasick::{Anchored, MatchKind};
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
    automaton: Option<DFA>,
    /// For each pattern id, the forms whose prefix is that pattern or a prefix of it.
    by_pattern: Vec<Vec<usize>>,
    forms: Vec<CompiledForm>,
}

impl Matcher {
    /// Compiles every form of the glossary (`link=off` entries too: their uses still count
    /// for backlinks; the linker decides what becomes a link).
    pub fn new(glossary: &Glossary) -> Self {
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
                let rules = rules_for(&words, form.opts);
                for prefix in rules[0].patterns() {
                    if prefix.is_empty() {
                        continue;
                    }
                    let slot = *index.entry(prefix.clone()).or_insert_with(|| {
                        prefixes.push(prefix);
                        by_pattern.push(Vec::new());
                        by_pattern.len() - 1
                    });
                    by_pattern[slot].push(forms.len());
                }
                forms.push(CompiledForm {
                    entry: entry_id,
                    rules,
                });
            }
        }
        // Close each pattern's list over its own prefixes (see the module docs).
        let by_pattern = prefixes
            .iter()
            .map(|p| {
                p.char_indices()
                    .skip(1)
                    .map(|(i, _)| i)
                    .chain([p.len()])
                    .filter_map(|end| index.get(&p[..end]))
                    .flat_map(|&slot: &usize| by_pattern[slot].iter().copied())
                    .collect::<Vec<usize>>()
            })
            .map(|mut forms: Vec<usize>| {
                // A form registered under two patterns that prefix each other (`дня`, `дням`)
                // is checked once.
                forms.sort_unstable();
                forms.dedup();
                forms
            })
            .collect();
        let automaton = (!prefixes.is_empty()).then(|| {
            // A DFA trades memory (a few MB for thousands of terms) for the fastest walk.
            DFA::builder()
                .match_kind(MatchKind::Standard)
                .build(&prefixes)
                .expect("glossary prefixes are plain strings")
        });
        Matcher {
            automaton,
            by_pattern,
            forms,
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
        let bytes = folded.as_bytes();
        let Ok(start_state) = automaton.start_state(Anchored::Yes) else {
            return;
        };
        // A byte loop rather than `char_indices`: this walk touches every byte of the book's
        // prose, and decoding and classifying each character through `char` was most of a run.
        let mut at = 0;
        let mut word_start = true;
        while at < bytes.len() {
            if word_start
                && let Some(pattern) = longest_prefix_at(automaton, start_state, &bytes[at..])
            {
                for &form in &self.by_pattern[pattern] {
                    if let Some(end) = self.check(&self.forms[form].rules, original, folded, at) {
                        candidates.push((at, end, self.forms[form].entry));
                    }
                }
            }
            let (len, boundary) = classify(bytes, at);
            word_start = boundary;
            at += len;
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

    /// End of the form starting at `start`, if every word is accepted and they agree (share a
    /// grammatical slot). The last word may end at a hyphen: a term is linked as the first
    /// part of a compound (`SAE-based`, `circuit-level`), never as a later one.
    fn check(
        &self,
        rules: &[WordRule],
        original: &str,
        folded: &str,
        start: usize,
    ) -> Option<usize> {
        let mut pos = start;
        let mut shared = russian::ANY;
        for (i, rule) in rules.iter().enumerate() {
            let end = word_end(folded, pos);
            if end == pos {
                return None;
            }
            let last = i + 1 == rules.len();
            let (end, slots) = match rule.accepts(&original[pos..end], &folded[pos..end]) {
                Some(slots) => (end, slots),
                None if last => hyphen_parts(folded, pos, end).find_map(|part| {
                    Some((
                        part,
                        rule.accepts(&original[pos..part], &folded[pos..part])?,
                    ))
                })?,
                None => return None,
            };
            shared &= slots;
            if shared == 0 {
                return None;
            }
            if last {
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

/// The ends of the leading parts of the hyphenated word `text[from..end]`, longest first:
/// `sae-based-x` gives the ends of `sae-based` and `sae`.
fn hyphen_parts(text: &str, from: usize, end: usize) -> impl Iterator<Item = usize> + '_ {
    text[from..end]
        .rmatch_indices('-')
        .map(move |(i, _)| from + i)
        .filter(move |&at| at > from)
}

/// The longest pattern that `text` starts with: an anchored walk of the automaton that stops
/// as soon as no pattern can match, so it reads only the first few bytes of a word.
fn longest_prefix_at(dfa: &DFA, start: StateID, text: &[u8]) -> Option<usize> {
    let mut state = start;
    let mut longest = None;
    for (read, &byte) in text.iter().enumerate() {
        state = dfa.next_state(Anchored::Yes, state, byte);
        if dfa.is_dead(state) {
            break;
        }
        if dfa.is_match(state) {
            // A match state also lists the patterns that are suffixes of what was read;
            // only the one as long as the walk starts here.
            longest = (0..dfa.match_len(state))
                .map(|i| dfa.match_pattern(state, i))
                .find(|&p| dfa.pattern_len(p) == read + 1)
                .map(|p| p.as_usize())
                .or(longest);
        }
    }
    longest
}

const WORD: u8 = 0;
const BOUNDARY: u8 = 1;
const NOT_ASCII: u8 = 2;

/// [`classify`] for one byte, by table: most of a book's prose is ASCII.
static ASCII_CLASS: [u8; 256] = {
    let mut table = [NOT_ASCII; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = if c.is_ascii_alphanumeric() || c == b'_' || c == b'-' {
            WORD
        } else {
            BOUNDARY
        };
        b += 1;
    }
    table
};

/// The length of the character at `bytes[at]` and whether a word can start after it (it is
/// neither a word character nor `-`). Two-byte sequences, Cyrillic among them, are decoded by
/// hand; longer ones go through `str`, which is rarer in prose and keeps this exact.
fn classify(bytes: &[u8], at: usize) -> (usize, bool) {
    let b = bytes[at];
    match ASCII_CLASS[usize::from(b)] {
        WORD => return (1, false),
        BOUNDARY => return (1, true),
        _ => {}
    }
    if b & 0xE0 == 0xC0
        && let Some(&next) = bytes.get(at + 1)
        && let Some(c) = char::from_u32(u32::from(b & 0x1F) << 6 | u32::from(next & 0x3F))
    {
        return (2, !is_word_char(c));
    }
    let len = if b >= 0xF0 { 4 } else { 3 };
    match std::str::from_utf8(&bytes[at..bytes.len().min(at + len)])
        .ok()
        .and_then(|s| s.chars().next())
    {
        Some(c) => (len, !is_word_char(c)),
        // Unreachable for a `str`'s bytes; stepping one byte keeps the loop going regardless.
        None => (1, true),
    }
}

fn is_word_char(c: char) -> bool {
    // ASCII and Russian letters first: `char::is_alphanumeric` searches Unicode tables for
    // every non-ASCII character, which showed up in profiles of Russian books.
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || c == '_'
    } else {
        matches!(c, 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё') || c.is_alphanumeric()
    }
}

/// Whether a word can start at `at`: what [`Matcher::find`] decides as it walks the text.
#[cfg(test)]
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

    /// #19: a term is linked as the first part of a hyphenated compound, never a later one.
    #[test]
    fn a_term_may_start_a_compound() {
        assert_eq!(
            hits(
                GLOSSARY,
                "SAE-based and superposition-level, attention head-wise"
            ),
            [
                ("SAE".into(), "sae".into()),
                ("superposition".into(), "superposition".into()),
                ("attention head".into(), "attention-head".into())
            ]
        );
        assert!(hits(GLOSSARY, "non-SAE anti-superposition").is_empty());
    }

    /// The straightforward search the matcher replaced: every form tried at every word start.
    fn reference(m: &Matcher, text: &str) -> Vec<Hit> {
        let mut folded = String::new();
        fold_into(text, &mut folded);
        let mut candidates = Vec::new();
        for start in (0..=folded.len()).filter(|&i| folded.is_char_boundary(i)) {
            if !is_word_start(&folded, start) {
                continue;
            }
            for form in &m.forms {
                if !form.rules[0]
                    .patterns()
                    .iter()
                    .any(|p| !p.is_empty() && folded[start..].starts_with(p.as_str()))
                {
                    continue;
                }
                if let Some(end) = m.check(&form.rules, text, &folded, start) {
                    candidates.push((start, end, form.entry));
                }
            }
        }
        candidates.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let mut out = Vec::new();
        let mut taken_until = 0;
        for (start, end, entry) in candidates {
            if start >= taken_until {
                out.push(Hit {
                    range: start..end,
                    entry,
                });
                taken_until = end;
            }
        }
        out
    }

    fn word() -> impl proptest::strategy::Strategy<Value = &'static str> {
        proptest::sample::select(vec![
            "sparse",
            "Sparse",
            "autoencoder",
            "autoencoders",
            "SAE",
            "SAE's",
            "SAEs",
            "sae",
            "superposition",
            "superpositional",
            "attention",
            "heads",
            "head",
            "ahead",
            "разреженного",
            "автоэнкодера",
            "суперпозицией",
            "суперпозиция",
            "поток",
            "токен",
            "токенов",
            "ток",
            "-",
            "'",
            "’",
            " ",
            "  ",
            "\n",
            ",",
            ".",
            "(",
            ")",
            "pre-",
            "l'",
            "Ё",
            "ё",
            "_",
            "1",
            "—",
            "«",
            "é",
            "\u{212A}",
            "中文",
            "🙂",
        ])
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 3000, ..Default::default() })]

        /// The leftmost-longest search finds exactly what trying every form at every word
        /// start finds.
        #[test]
        fn same_hits_as_trying_every_word_start(
            parts in proptest::collection::vec(word(), 0..40),
            glue in proptest::collection::vec(proptest::sample::select(vec!["", " ", "-"]), 40),
        ) {
            let text: String = parts.iter().zip(&glue).flat_map(|(p, g)| [*p, *g]).collect();
            let glossary_md = format!("{GLOSSARY}\nТокен\n: Unit.\n\nHead\n: A head.\n\nPre\n: Prefix.\n");
            let mut diags = Diagnostics::new();
            let g = glossary::parse(&glossary_md, Path::new("g.md"), Path::new("g.md"),
                &ParseOptions::default(), &mut diags);
            let m = Matcher::new(&g);
            let mut found = Vec::new();
            m.find(&text, 0..text.len(), &mut String::new(), &mut found);
            proptest::prop_assert_eq!(found, reference(&m, &text), "text: {:?}", text);
        }
    }
}
