//! Which written words count as a form of a glossary word.
//!
//! Rules are chosen per word by its script, not per book: an English book with Russian aliases
//! (or the reverse) inflects each word by its own language.
//!
//! * **English** nouns change only at the end: plural and possessive. Their forms are
//!   generated explicitly (`circuit` → `circuits`, `circuit's`; `study` → `studies`;
//!   `hypothesis` → `hypotheses`; `matrix` → `matrices`), so `universe` can never match
//!   `universal` or `university`, which a stemmer would conflate.
//! * **Russian** nouns and adjectives take six cases in two numbers. Their forms are generated
//!   from the dictionary form by paradigm ([`crate::russian`]), each with the slots (case,
//!   number, gender) it fills, and a multi-word term matches only when its words agree.
//! * Abbreviations are never inflected beyond an English plural or possessive (`SAEs`,
//!   `SAE's`), and are matched case-sensitively.

use crate::russian::{self, Role, Slots};

/// Folds a string for matching: Unicode lowercase and `ё` → `е`. A character whose lowercase
/// has another UTF-8 length (`K` Kelvin sign, `İ`) is kept as is, so folded text has exactly
/// the byte offsets of its source and matches map back without a table.
pub(crate) fn fold_into(text: &str, out: &mut String) {
    out.clear();
    out.reserve(text.len());
    if text.is_ascii() {
        // The common case in English prose: one copy and a vectorised lowercase.
        out.push_str(text);
        out.make_ascii_lowercase();
        return;
    }
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
            continue;
        }
        // Russian letters, without the general Unicode tables: А–Я → а–я, Ё/ё → е.
        match c {
            'А'..='Я' => {
                out.push(char::from_u32(c as u32 + 0x20).unwrap_or(c));
                continue;
            }
            'а'..='я' => {
                out.push(c);
                continue;
            }
            'Ё' | 'ё' => {
                out.push('е');
                continue;
            }
            _ => {}
        }
        let mut lower = c.to_lowercase();
        match (lower.next(), lower.next()) {
            (Some('ё'), None) => out.push('е'),
            (Some(l), None) if l.len_utf8() == c.len_utf8() => out.push(l),
            _ => out.push(c),
        }
    }
}

pub(crate) fn fold(text: &str) -> String {
    let mut out = String::new();
    fold_into(text, &mut out);
    out
}

/// How one word of a term is recognised in text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum WordRule {
    /// Exactly this folded word (stemming off, an inner English word, or a Russian word that
    /// keeps its form, such as `жизни` in `время жизни`).
    Exact(String),
    /// One of these folded forms (English nouns).
    Forms(Vec<String>),
    /// One of these folded Russian forms, each with the slots it fills (see
    /// [`crate::russian`]); the words of a term must share a slot.
    Paradigm(Vec<russian::Form>),
    /// Case-sensitive: exactly this text, or with an English plural/possessive suffix.
    Verbatim(String),
}

impl WordRule {
    /// What the multi-pattern search looks for at a word start: strings one of which every
    /// accepted form starts with (folded). For a Russian word, its forms themselves: their
    /// common prefix can be one letter (`день`, `дня`).
    pub(crate) fn patterns(&self) -> Vec<String> {
        match self {
            WordRule::Exact(w) => vec![w.clone()],
            WordRule::Verbatim(w) => vec![fold(w)],
            WordRule::Forms(forms) => vec![common_prefix(forms.iter().map(String::as_str))],
            WordRule::Paradigm(forms) => {
                // Usually one pattern, the stem all forms share (`отрез` for `отрезок`,
                // `отрезка`); a stem that changes near the start (`день`, `дня`) gives a few.
                let common = common_prefix(forms.iter().map(|f| f.text.as_str()));
                if common.chars().count() >= MIN_PATTERN_CHARS {
                    return vec![common];
                }
                let mut patterns: Vec<String> = forms
                    .iter()
                    .map(|f| f.text.chars().take(MIN_PATTERN_CHARS).collect())
                    .collect();
                patterns.sort_unstable();
                patterns.dedup();
                patterns
            }
        }
    }

    /// The slots `word` (as written; `folded` is its folded form) fills as a form of this
    /// word: [`russian::ANY`] for a word that does not inflect, `None` if it is no form.
    pub(crate) fn accepts(&self, word: &str, folded: &str) -> Option<Slots> {
        let accepted = match self {
            WordRule::Exact(w) => folded == w,
            WordRule::Forms(forms) => forms.iter().any(|f| f == folded),
            WordRule::Paradigm(forms) => {
                return forms.iter().find(|f| f.text == folded).map(|f| f.slots);
            }
            WordRule::Verbatim(w) => {
                word == w
                    || word
                        .strip_prefix(w.as_str())
                        .is_some_and(|rest| matches!(rest, "s" | "'s" | "’s"))
            }
        };
        accepted.then_some(russian::ANY)
    }
}

/// How long a search pattern for a Russian word is at least (or the whole form): shorter
/// ones make the search stop at too many words to check them.
const MIN_PATTERN_CHARS: usize = 4;

/// The longest prefix all of `words` share.
fn common_prefix<'w>(mut words: impl Iterator<Item = &'w str>) -> String {
    let Some(mut prefix) = words.next() else {
        return String::new();
    };
    for f in words {
        let common = prefix
            .char_indices()
            .zip(f.chars())
            .take_while(|((_, a), b)| a == b)
            .count();
        let end = prefix
            .char_indices()
            .nth(common)
            .map_or(prefix.len(), |(i, _)| i);
        prefix = &prefix[..end];
    }
    prefix.to_owned()
}

/// Options a glossary entry sets on how its words match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MatchOptions {
    pub case_sensitive: bool,
    pub stem: bool,
}

/// The rules for each word of a term form (`words` as written in the glossary).
pub(crate) fn rules_for(words: &[&str], opts: MatchOptions) -> Vec<WordRule> {
    let folded: Vec<String> = words.iter().map(|w| fold(w)).collect();
    let folded: Vec<&str> = folded.iter().map(String::as_str).collect();
    // Russian words inflect together: adjectives agree with the head noun, whose gender they
    // show; words after the head keep their form.
    let roles = russian::roles(&folded);
    let gender = roles
        .iter()
        .position(|r| *r == Role::Adjective)
        .and_then(|i| russian::adjective_gender(folded[i]));
    let last = words.len().saturating_sub(1);
    words
        .iter()
        .zip(&folded)
        .zip(&roles)
        .enumerate()
        .map(|(i, ((word, folded), role))| {
            if opts.case_sensitive {
                return WordRule::Verbatim((*word).to_owned());
            }
            if !opts.stem {
                return WordRule::Exact((*folded).to_owned());
            }
            if is_cyrillic(folded) {
                return match role {
                    Role::Adjective => WordRule::Paradigm(russian::adjective(folded)),
                    Role::Noun => WordRule::Paradigm(russian::noun(folded, gender)),
                    Role::Fixed => WordRule::Exact((*folded).to_owned()),
                };
            }
            if i == last {
                WordRule::Forms(english_forms(folded))
            } else {
                WordRule::Exact((*folded).to_owned())
            }
        })
        .collect()
}

fn is_cyrillic(word: &str) -> bool {
    word.chars().any(|c| matches!(c, '\u{0400}'..='\u{04FF}'))
}

/// Singular and plural, each bare and possessive. Only the final hyphen-separated part of a
/// compound changes (`key-value memory` → `key-value memories`).
/// English plurals no rule gives: Latin and Greek ones, `-f`/`-fe` → `-ves`, and the common
/// irregulars. A closed list on purpose: a rule such as "-f becomes -ves" would make the verb
/// `believes` a form of `belief`. The regular plural is kept beside each (`formulas` and
/// `formulae` are both in use).
const IRREGULAR_PLURALS: &[(&str, &str)] = &[
    ("criterion", "criteria"),
    ("phenomenon", "phenomena"),
    ("automaton", "automata"),
    ("nucleus", "nuclei"),
    ("radius", "radii"),
    ("stimulus", "stimuli"),
    ("focus", "foci"),
    ("locus", "loci"),
    ("formula", "formulae"),
    ("antenna", "antennae"),
    ("corpus", "corpora"),
    ("genus", "genera"),
    ("appendix", "appendices"),
    ("leaf", "leaves"),
    ("half", "halves"),
    ("life", "lives"),
    ("knife", "knives"),
    ("wife", "wives"),
    ("wolf", "wolves"),
    ("shelf", "shelves"),
    ("self", "selves"),
    ("calf", "calves"),
    ("loaf", "loaves"),
    ("thief", "thieves"),
    ("elf", "elves"),
    ("scarf", "scarves"),
    ("child", "children"),
    ("man", "men"),
    ("woman", "women"),
    ("person", "people"),
    ("mouse", "mice"),
    ("foot", "feet"),
    ("tooth", "teeth"),
    ("goose", "geese"),
    ("ox", "oxen"),
];

pub(crate) fn english_forms(word: &str) -> Vec<String> {
    let mut plurals = Vec::new();
    let ends = |s: &str| word.ends_with(s);
    let stem = |n: usize| &word[..word.len() - n];
    if word.len() > 3 && ends("is") {
        plurals.push(format!("{}es", stem(2))); // hypothesis → hypotheses
    }
    if word.len() > 3 && (ends("ix") || ends("ex")) {
        plurals.push(format!("{}ices", stem(2))); // matrix → matrices, vertex → vertices
    }
    if word.len() > 3 && ends("um") {
        plurals.push(format!("{}a", stem(2))); // datum → data
    }
    if ends("y") && !word[..word.len() - 1].ends_with(['a', 'e', 'i', 'o', 'u']) {
        plurals.push(format!("{}ies", stem(1))); // study → studies
    } else if ends("s") || ends("x") || ends("z") || ends("ch") || ends("sh") {
        plurals.push(format!("{word}es"));
    } else {
        plurals.push(format!("{word}s"));
    }
    // `leaf` → `leaves`, also as the end of a compound (`tree-leaf` → `tree-leaves`).
    let irregular = IRREGULAR_PLURALS.iter().find_map(|(one, many)| {
        let head = word.strip_suffix(one)?;
        (head.is_empty() || head.ends_with('-')).then(|| format!("{head}{many}"))
    });
    plurals.extend(irregular);
    let mut forms = vec![word.to_owned(), format!("{word}'s"), format!("{word}’s")];
    for p in plurals {
        forms.push(format!("{p}'"));
        forms.push(format!("{p}’"));
        forms.push(p);
    }
    forms
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether the text words are a form of the term, as the matcher judges them: each word
    /// accepted, and all of them sharing a slot.
    fn accepts(term: &[&str], text_words: &[&str]) -> bool {
        let opts = MatchOptions {
            case_sensitive: false,
            stem: true,
        };
        let rules = rules_for(term, opts);
        rules.len() == text_words.len()
            && rules
                .iter()
                .zip(text_words)
                .try_fold(russian::ANY, |shared, (r, w)| {
                    Some(shared & r.accepts(w, &fold(w))?)
                })
                .is_some_and(|shared| shared != 0)
    }

    #[test]
    fn english_plurals_and_possessives() {
        for (term, form) in [
            ("circuit", "circuits"),
            ("circuit", "Circuit's"),
            ("study", "studies"),
            ("hypothesis", "hypotheses"),
            ("matrix", "matrices"),
            ("head", "heads"),
            ("bias", "biases"),
            ("key", "keys"),
        ] {
            assert!(accepts(&[term], &[form]), "{term} → {form}");
        }
    }

    #[test]
    fn english_never_over_stems() {
        for (term, other) in [
            ("universe", "universal"),
            ("universe", "university"),
            ("feature", "featured"),
            ("probe", "probing"),
        ] {
            assert!(!accepts(&[term], &[other]), "{term} must not match {other}");
        }
    }

    #[test]
    fn russian_cases_and_numbers() {
        for form in [
            "суперпозиция",
            "суперпозиции",
            "суперпозицию",
            "суперпозицией",
            "суперпозиций",
            "суперпозициях",
            "Суперпозициями",
        ] {
            assert!(accepts(&["суперпозиция"], &[form]), "{form}");
        }
        for form in ["цепь", "цепи", "цепью", "цепей", "цепям"] {
            assert!(accepts(&["цепь"], &[form]), "{form}");
        }
        assert!(
            accepts(&["голова"], &["голов"]),
            "genitive plural that Snowball stems shorter"
        );
        assert!(accepts(
            &["разреженный", "автоэнкодер"],
            &["разреженного", "автоэнкодера"]
        ));
        assert!(accepts(
            &["разреженный", "автоэнкодер"],
            &["разреженными", "автоэнкодерами"]
        ));
        assert!(accepts(&["ёмкость"], &["емкости"]), "ё folds to е");
    }

    #[test]
    fn russian_guard_rejects_other_words() {
        for other in ["цепной", "цепочка"] {
            assert!(!accepts(&["цепь"], &[other]), "{other}");
        }
        assert!(!accepts(&["модель"], &["моделирование"]));
        // A noun does not take the adjective made from it.
        for adjective in ["нейронная", "нейронной", "нейронные"] {
            assert!(!accepts(&["нейрон"], &[adjective]), "{adjective}");
        }
        for noun in ["нейроны", "нейронов", "нейронами", "нейроне"] {
            assert!(accepts(&["нейрон"], &[noun]), "{noun}");
        }
        // A stemmer read `токен` as `ток` with a verb ending; forms cannot.
        for noun in ["токен", "токена", "токенами", "токенов"] {
            assert!(accepts(&["токен"], &[noun]), "{noun}");
        }
        for other in ["ток", "токенизация", "тока"] {
            assert!(!accepts(&["токен"], &[other]), "{other}");
        }
    }

    #[test]
    fn abbreviations_are_verbatim_with_english_plural() {
        let rules = rules_for(
            &["SAE"],
            MatchOptions {
                case_sensitive: true,
                stem: false,
            },
        );
        assert!(rules[0].accepts("SAEs", "saes").is_some());
        assert!(rules[0].accepts("SAE's", "sae's").is_some());
        assert!(rules[0].accepts("sae", "sae").is_none());
        assert!(rules[0].accepts("SAEX", "saex").is_none());
    }

    #[test]
    fn folding_keeps_byte_offsets() {
        for s in ["Ёлка ÄÖ KELVIN \u{212A} İstanbul", "ΣΑΕ"] {
            assert_eq!(fold(s).len(), s.len(), "{s}");
        }
        assert_eq!(fold("Ёжик SAE"), "ежик sae");
    }

    #[test]
    fn prefix_is_common_to_all_forms() {
        let prefix = |w| WordRule::Forms(english_forms(w)).patterns();
        assert_eq!(prefix("study"), ["stud"]);
        assert_eq!(prefix("hypothesis"), ["hypothes"]);
        assert_eq!(prefix("circuit"), ["circuit"]);
    }

    #[test]
    fn irregular_plurals_from_a_closed_list() {
        for (one, many) in [
            ("criterion", "criteria"),
            ("phenomenon", "phenomena"),
            ("leaf", "leaves"),
            ("vertex", "vertices"),
            ("child", "children"),
            ("tree-leaf", "tree-leaves"),
        ] {
            assert!(
                english_forms(one).contains(&many.to_owned()),
                "{one} → {many}"
            );
        }
        assert!(!english_forms("belief").contains(&"believes".to_owned()));
        assert!(!english_forms("human").contains(&"humen".to_owned()));
    }

    #[test]
    fn russian_nouns_whose_stem_changes() {
        for form in [
            "время",
            "времени",
            "временем",
            "времена",
            "времен",
            "временами",
            "временах",
        ] {
            assert!(accepts(&["время"], &[form]), "{form}");
        }
        assert!(!accepts(&["время"], &["временный"]));
        assert!(accepts(&["семя"], &["семян"]));
        assert!(accepts(&["путь"], &["путём"]));
        for (term, form) in [
            ("отрезок", "отрезка"),
            ("день", "дня"),
            ("ошибка", "ошибок"),
            ("узел", "узлов"),
        ] {
            assert!(accepts(&[term], &[form]), "{term} → {form}");
        }
    }

    #[test]
    fn multi_word_terms_agree() {
        let term = ["разреженный", "автоэнкодер"];
        for ok in [
            ["разреженного", "автоэнкодера"],
            ["разреженными", "автоэнкодерами"],
            ["разреженный", "автоэнкодер"],
        ] {
            assert!(accepts(&term, &ok), "{ok:?}");
        }
        for wrong in [
            ["разреженная", "автоэнкодера"],
            ["разреженного", "автоэнкодер"],
            ["разреженных", "автоэнкодеру"],
        ] {
            assert!(!accepts(&term, &wrong), "{wrong:?}");
        }
        assert!(accepts(&["время", "жизни"], &["времени", "жизни"]));
        assert!(!accepts(&["время", "жизни"], &["времени", "жизнью"]));
        assert!(accepts(&["языковая", "модель"], &["языковой", "модели"]));
        assert!(!accepts(&["языковая", "модель"], &["языковой", "модель"]));
    }
}
