//! Which written words count as a form of a glossary word.
//!
//! Rules are chosen per word by its script, not per book: an English book with Russian aliases
//! (or the reverse) inflects each word by its own language.
//!
//! * **English** nouns change only at the end: plural and possessive. Their forms are
//!   generated explicitly (`circuit` → `circuits`, `circuit's`; `study` → `studies`;
//!   `hypothesis` → `hypotheses`; `matrix` → `matrices`), so `universe` can never match
//!   `universal` or `university`, which a stemmer would conflate.
//! * **Russian** nouns and adjectives take six cases in two numbers. A Snowball stem
//!   (`rust-stemmers`) finds the base; a guard then accepts a written word only if it starts
//!   with the glossary word's stem, the rest is a plausible case ending, and its own stem does
//!   not run longer (`цепь` accepts `цепью`, `цепей`, but not `цепной` or `цепочка`).
//! * Abbreviations are never inflected beyond an English plural or possessive (`SAEs`,
//!   `SAE's`), and are matched case-sensitively.

use rust_stemmers::{Algorithm, Stemmer};

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
    /// Exactly this folded word (stemming off, or an inner English word).
    Exact(String),
    /// One of these folded forms (English nouns).
    Forms(Vec<String>),
    /// Russian: the folded stem plus a case ending (see the module docs). `noun`: the glossary
    /// word is clearly a noun, so only noun endings are accepted (`нейрон` takes `нейронами`
    /// but not the adjective `нейронная`, which Snowball stems the same).
    Stem { stem: String, noun: bool },
    /// Case-sensitive: exactly this text, or with an English plural/possessive suffix.
    Verbatim(String),
}

impl WordRule {
    /// The longest prefix every accepted form starts with (folded): what the multi-pattern
    /// search looks for.
    pub(crate) fn prefix(&self) -> String {
        match self {
            WordRule::Exact(w) | WordRule::Stem { stem: w, .. } => w.clone(),
            WordRule::Verbatim(w) => fold(w),
            WordRule::Forms(forms) => {
                let mut prefix = forms[0].as_str();
                for f in &forms[1..] {
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
        }
    }

    /// Whether `word` (as written; `folded` is its folded form) is accepted.
    pub(crate) fn accepts(&self, word: &str, folded: &str, stemmer: &Stemmers) -> bool {
        match self {
            WordRule::Exact(w) => folded == w,
            WordRule::Forms(forms) => forms.iter().any(|f| f == folded),
            WordRule::Verbatim(w) => {
                word == w
                    || word
                        .strip_prefix(w.as_str())
                        .is_some_and(|rest| matches!(rest, "s" | "'s" | "’s"))
            }
            WordRule::Stem { stem, noun } => {
                let Some(rest) = folded.strip_prefix(stem.as_str()) else {
                    return false;
                };
                let ending_ok = if *noun {
                    RUSSIAN_NOUN_ENDINGS.contains(&rest)
                } else {
                    rest.chars().count() <= 5
                        && rest.chars().all(|c| RUSSIAN_ENDING_LETTERS.contains(c))
                };
                let own = stemmer.russian.stem(folded);
                ending_ok && (own == stem.as_str() || stem.starts_with(own.as_ref()))
            }
        }
    }
}

/// Letters that Russian noun and adjective endings are made of (including the `н`/`нн` that
/// Snowball strips with adjectival suffixes, as in `разреженного`).
const RUSSIAN_ENDING_LETTERS: &str = "аяоеыиуюьймхвгнъ";

/// What can follow a Russian noun's Snowball stem in its six cases and two numbers (folded:
/// `ё` is `е`). Snowball leaves a noun's stem short of the ending (`активац|ия`), so the
/// `и`/`ь` forms are listed whole.
const RUSSIAN_NOUN_ENDINGS: &[&str] = &[
    "", "а", "я", "о", "е", "ы", "и", "у", "ю", "ь", "ой", "ей", "ою", "ею", "ом", "ем", "ам",
    "ям", "ами", "ями", "ах", "ях", "ью", "ов", "ев", "ия", "ии", "ию", "ие", "ий", "ией", "ием",
    "иям", "иями", "иях", "ья", "ьи", "ье", "ью", "ьев", "ьям", "ьями", "ьях", "ьей", "ьем",
];

/// Endings that mark a Russian dictionary form as an adjective or an adjectival noun (and
/// also `-ие`/`-ий` nouns such as `обучение`, which keep the permissive rule).
const ADJECTIVAL: &[&str] = &["ый", "ий", "ой", "ая", "яя", "ое", "ее", "ые", "ие"];

/// The stemmers, built once per run.
pub(crate) struct Stemmers {
    russian: Stemmer,
}

impl Default for Stemmers {
    fn default() -> Self {
        Stemmers {
            russian: Stemmer::create(Algorithm::Russian),
        }
    }
}

/// Options a glossary entry sets on how its words match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MatchOptions {
    pub case_sensitive: bool,
    pub stem: bool,
}

/// The rules for each word of a term form (`words` as written in the glossary).
pub(crate) fn rules_for(words: &[&str], opts: MatchOptions, stemmers: &Stemmers) -> Vec<WordRule> {
    let last = words.len().saturating_sub(1);
    words
        .iter()
        .enumerate()
        .map(|(i, word)| {
            if opts.case_sensitive {
                return WordRule::Verbatim((*word).to_owned());
            }
            let folded = fold(word);
            if !opts.stem {
                return WordRule::Exact(folded);
            }
            if is_cyrillic(&folded) {
                if let Some(forms) = russian_closed_class(&folded) {
                    return WordRule::Forms(forms);
                }
                // Adjectives agree with their noun, so every Russian word inflects.
                let stem = stemmers.russian.stem(&folded).into_owned();
                let noun = !ADJECTIVAL.iter().any(|e| folded.ends_with(e));
                // Snowball sometimes reads the end of a noun as a verb ending (`токен` → `ток`);
                // a noun keeps every letter up to its final vowel in all its forms.
                let kept = folded.trim_end_matches(|c| "аяоеыиуюьй".contains(c));
                let stem = if noun && kept.len() > stem.len() && kept.starts_with(&stem) {
                    kept.to_owned()
                } else {
                    stem
                };
                return if stem.is_empty() {
                    WordRule::Exact(folded)
                } else {
                    WordRule::Stem { stem, noun }
                };
            }
            if i == last {
                WordRule::Forms(english_forms(&folded))
            } else {
                WordRule::Exact(folded)
            }
        })
        .collect()
}

/// Every form of a Russian noun whose stem changes, which no stem-and-ending rule can
/// match: the ten neuter nouns in `-мя` (`время` → `времени`, `времена`, `времён`), and
/// `путь`, which declines as a third-declension noun but for its instrumental. Folded, so
/// `ё` is `е`. Written out because the class is closed; a compound such as `время-жизни`
/// is not one word here.
fn russian_closed_class(word: &str) -> Option<Vec<String>> {
    const MYA: &[&str] = &[
        "время",
        "имя",
        "знамя",
        "пламя",
        "семя",
        "племя",
        "стремя",
        "бремя",
        "вымя",
        "темя",
    ];
    if MYA.contains(&word) {
        let stem = word.strip_suffix("мя")?;
        // The genitive plural: `семян`, `стремян`; the rest `времен`, `имен`, `знамен`.
        let genitive_plural = if matches!(word, "семя" | "стремя") {
            "мян"
        } else {
            "мен"
        };
        let forms = [
            "мя",
            "мени",
            "менем",
            "мена",
            genitive_plural,
            "менам",
            "менами",
            "менах",
        ];
        return Some(forms.iter().map(|e| format!("{stem}{e}")).collect());
    }
    if word == "путь" {
        let forms = ["путь", "пути", "путем", "путей", "путям", "путями", "путях"];
        return Some(forms.iter().map(|f| (*f).to_owned()).collect());
    }
    None
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

    fn accepts(term: &[&str], text_words: &[&str]) -> bool {
        let st = Stemmers::default();
        let opts = MatchOptions {
            case_sensitive: false,
            stem: true,
        };
        let rules = rules_for(term, opts, &st);
        rules.len() == text_words.len()
            && rules
                .iter()
                .zip(text_words)
                .all(|(r, w)| r.accepts(w, &fold(w), &st))
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
        // A noun does not take the adjective made from it, though Snowball stems both alike.
        for adjective in ["нейронная", "нейронной", "нейронные"] {
            assert!(!accepts(&["нейрон"], &[adjective]), "{adjective}");
        }
        for noun in ["нейроны", "нейронов", "нейронами", "нейроне"] {
            assert!(accepts(&["нейрон"], &[noun]), "{noun}");
        }
        // Snowball stems `токен` to `ток`, as if `-ен` were a verb ending.
        for noun in ["токен", "токена", "токенами", "токенов"] {
            assert!(accepts(&["токен"], &[noun]), "{noun}");
        }
        for other in ["ток", "токенизация", "тока"] {
            assert!(!accepts(&["токен"], &[other]), "{other}");
        }
    }

    #[test]
    fn abbreviations_are_verbatim_with_english_plural() {
        let st = Stemmers::default();
        let rules = rules_for(
            &["SAE"],
            MatchOptions {
                case_sensitive: true,
                stem: false,
            },
            &st,
        );
        assert!(rules[0].accepts("SAEs", "saes", &st));
        assert!(rules[0].accepts("SAE's", "sae's", &st));
        assert!(!rules[0].accepts("sae", "sae", &st));
        assert!(!rules[0].accepts("SAEX", "saex", &st));
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
        assert_eq!(WordRule::Forms(english_forms("study")).prefix(), "stud");
        assert_eq!(
            WordRule::Forms(english_forms("hypothesis")).prefix(),
            "hypothes"
        );
        assert_eq!(
            WordRule::Forms(english_forms("circuit")).prefix(),
            "circuit"
        );
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
        let stemmers = Stemmers::default();
        let opts = MatchOptions {
            case_sensitive: false,
            stem: true,
        };
        let rule = |w: &str| rules_for(&[w], opts, &stemmers).remove(0);
        let time = rule("время");
        for form in [
            "время",
            "времени",
            "временем",
            "времена",
            "времен",
            "временами",
            "временах",
        ] {
            assert!(time.accepts(form, &fold(form), &stemmers), "{form}");
        }
        assert!(!time.accepts("временный", "временный", &stemmers));
        assert!(rule("семя").accepts("семян", "семян", &stemmers));
        assert!(rule("путь").accepts("путем", &fold("путём"), &stemmers));
    }
}
