//! Every form of a Russian glossary word, generated from its dictionary form by paradigm.
//!
//! Matching Russian by stem (Snowball plus guards) missed what a stem cannot see: stems that
//! change (`время` → `времени`, `день` → `дня`, `отрезок` → `отрезка`, `ошибка` → `ошибок`),
//! and linked verbs and participles that share a noun's stem (`перечисленные` as
//! *перечисление*). So each word's forms are written out from its declension class, and text
//! must contain exactly one of them. Each form carries the grammatical slots it can fill
//! ([`Slots`]: case × number × gender), so a multi-word term matches only when its adjectives
//! and noun agree (`разреженного автоэнкодера`, never `разреженная автоэнкодера`).
//!
//! Hand-written, not taken from a crate: the one Rust morphology crate (`rsmorphy`, a port of
//! pymorphy2) has been unmaintained since 2018 and needs a 13 MB dictionary at run time from
//! an absolute path fixed at build time. A glossary word's class shows in its ending, which
//! is all this needs: the tables below are the school grammar's declensions. Where the
//! dictionary form cannot tell (gender of a noun in `-ь`, whether a vowel is fleeting, a
//! stressed or unstressed ending after a sibilant), both readings are generated; the extra
//! one is almost never a word of its own, and the word-form corpus test
//! (`tests/wordforms.rs`) measures what that costs. Everything is folded (`ё` is `е`).

/// A set of grammatical slots, one bit each: 7 cases (the accusative split by animacy, which
/// decides whether it looks like the nominative or the genitive) × singular masculine,
/// feminine, neuter and plural.
pub(crate) type Slots = u32;

/// Every slot: what a word that does not inflect fills.
pub(crate) const ANY: Slots = Slots::MAX;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Case {
    Nom = 0,
    Gen,
    Dat,
    /// Accusative of an inanimate noun (like the nominative).
    AccIn,
    /// Accusative of an animate noun (like the genitive).
    AccAn,
    Ins,
    Loc,
}

use Case::{AccAn, AccIn, Dat, Gen, Ins, Loc, Nom};

/// The accusative whatever the animacy.
const ACC: &[Case] = &[AccIn, AccAn];

/// Singular of one gender, or plural.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Number {
    Masc = 0,
    Fem,
    Neut,
    Plural,
}

fn slot(case: Case, number: Number) -> Slots {
    1 << (case as u32 * 4 + number as u32)
}

fn slots(cases: &[Case], number: Number) -> Slots {
    cases.iter().fold(0, |acc, &c| acc | slot(c, number))
}

/// One generated form: its folded text and the slots it fills.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Form {
    pub(crate) text: String,
    pub(crate) slots: Slots,
}

/// Forms under construction: the same text from two endings merges its slots.
#[derive(Debug, Default)]
struct Forms(Vec<Form>);

impl Forms {
    fn add(&mut self, text: String, slots: Slots) {
        match self.0.iter_mut().find(|f| f.text == text) {
            Some(form) => form.slots |= slots,
            None => self.0.push(Form { text, slots }),
        }
    }

    /// `stem` + each ending, filling `cases` of `number`.
    fn endings(&mut self, stem: &str, number: Number, table: &[(&str, &[Case])]) {
        for (ending, cases) in table {
            self.add(format!("{stem}{ending}"), slots(cases, number));
        }
    }
}

/// What a word of a term is, as far as agreement goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// Agrees with the term's noun (`разреженный` in `разреженный автоэнкодер`).
    Adjective,
    /// The word the others agree with.
    Noun,
    /// A dependent word that keeps its form (`жизни` in `время жизни`).
    Fixed,
}

/// Each word's role in a Russian term (`words` folded): adjectives up to the head noun, what
/// follows the head keeps its form. A word in an adjective's dictionary form is one only if
/// the next word could be what it agrees with (`скрытый слой`, but `слой сети` has the noun
/// `слой` as its head); a term of one adjective is a noun made from it (`кривая`).
pub(crate) fn roles(words: &[&str]) -> Vec<Role> {
    let head = (0..words.len())
        .find(|&i| {
            !words
                .get(i + 1)
                .is_some_and(|next| adjective_before(words[i], next))
        })
        .unwrap_or(words.len().saturating_sub(1));
    (0..words.len())
        .map(|i| match i.cmp(&head) {
            std::cmp::Ordering::Less => Role::Adjective,
            std::cmp::Ordering::Equal => Role::Noun,
            std::cmp::Ordering::Greater => Role::Fixed,
        })
        .collect()
}

/// Whether `word` is an adjective in its dictionary form that `next` (a noun or another
/// adjective in the dictionary form) could agree with, judged by their endings.
fn adjective_before(word: &str, next: &str) -> bool {
    let Some(gender) = adjective_gender(word).filter(|_| word.chars().count() > 3) else {
        return false;
    };
    let Some(last) = next.chars().next_back() else {
        return false;
    };
    match gender {
        Number::Masc => is_consonant(last) || "йьая".contains(last),
        Number::Fem => "аяь".contains(last),
        Number::Neut => "оея".contains(last),
        Number::Plural => "ыиеа".contains(last),
    }
}

/// Whether a one-word term (or a term's head) is a noun made from an adjective and declines
/// as one (`кривая`, `учёный`, `данные`, `слагаемое`). Endings that nouns share are left to
/// the nouns: `-ой` (`слой`), `-ий` (`критерий`), `-ие` (`значение`), and short words
/// (`стая`).
fn declines_as_adjective(word: &str) -> bool {
    let long = word.chars().count() > 4;
    word.ends_with("ый")
        || word.ends_with("ые")
        || long && ["ая", "яя", "ое", "ее"].iter().any(|e| word.ends_with(e))
        || long && word.ends_with("ий") && ends_with_any(&word[..word.len() - 4], "гкхжшчщ")
}

/// The forms of the head noun `word` (folded). `gender`: the gender its adjectives show, if
/// any, which settles the gender of a noun in `-ь`.
pub(crate) fn noun(word: &str, gender: Option<Number>) -> Vec<Form> {
    if let Some(compound) = hyphenated(word, gender) {
        return compound;
    }
    let mut forms = Forms::default();
    if let Some(closed) = closed_class(word) {
        return closed;
    }
    let (stem, last) = split_last(word);
    match last {
        // A noun made from an adjective (`кривая`, `учёный`, `данные`) declines as one.
        _ if declines_as_adjective(word) => return adjective(word),
        'а' | 'я' => first_declension(&mut forms, word, stem, last),
        'о' => neuter(&mut forms, stem, false),
        'е' if stem.ends_with('и') => {
            let stem = &stem[..stem.len() - 'и'.len_utf8()];
            forms.endings(stem, Number::Neut, IE_SG);
            forms.endings(stem, Number::Plural, IE_PL);
        }
        'е' => neuter(&mut forms, stem, !ends_with_any(stem, "цжшчщ")),
        'й' => second_declension_soft(&mut forms, stem, true),
        'ь' => {
            if gender != Some(Number::Fem) {
                second_declension_soft(&mut forms, word, false);
            }
            if gender != Some(Number::Masc) {
                third_declension(&mut forms, stem);
            }
        }
        // Loanwords in `-у`, `-ю`, `-и`, `-э` do not decline (`меню`, `интервью`, `такси`).
        'у' | 'ю' | 'и' | 'э' => forms.add(word.to_owned(), ANY),
        c if is_consonant(c) => second_declension_hard(&mut forms, word),
        _ => forms.add(word.to_owned(), ANY),
    }
    forms.0
}

/// A hyphenated noun: the last part declines (`альфа-канал` → `альфа-канала`), and so may
/// both, together (`ввод-вывод` → `ввода-вывода`, `вводом-выводом`), which the spelling cannot
/// tell apart; both readings are generated.
fn hyphenated(word: &str, gender: Option<Number>) -> Option<Vec<Form>> {
    let (first, last) = word.split_once('-')?;
    if first.is_empty() || last.is_empty() {
        return None;
    }
    let mut forms = Forms::default();
    let tails = noun(last, gender);
    for tail in &tails {
        forms.add(format!("{first}-{}", tail.text), tail.slots);
    }
    for head in noun(first, None) {
        for tail in &tails {
            let shared = head.slots & tail.slots;
            if shared != 0 {
                forms.add(format!("{}-{}", head.text, tail.text), shared);
            }
        }
    }
    Some(forms.0)
}

/// The forms of an adjective (or of a noun made from one) in its own gender and in the
/// plural: the dictionary form names the gender (`разреженный` masculine, `языковая`
/// feminine, `скрытое` neuter, `данные` plural only).
pub(crate) fn adjective(word: &str) -> Vec<Form> {
    let mut forms = Forms::default();
    let Some(gender) = adjective_gender(word) else {
        forms.add(word.to_owned(), ANY);
        return forms.0;
    };
    let stem = &word[..word.len() - 4]; // two Cyrillic letters
    let soft = word.ends_with("ий") && !ends_with_any(stem, "гкхжшчщ")
        || word.ends_with("яя")
        || word.ends_with("ее") && !ends_with_any(stem, "жшчщ");
    // After г/к/х the plural and the masculine instrumental take `и`; after ж/ш/ч/щ an
    // unstressed `о` is written `е`, and the stress is unknown, so both are generated.
    let velar = ends_with_any(stem, "гкх");
    let sibilant = ends_with_any(stem, "жшчщ");
    let y = if soft || velar || sibilant {
        "и"
    } else {
        "ы"
    };
    let (o, e) = if soft { ("е", "е") } else { ("о", "о") };
    let mut table: Vec<(String, Number, &[Case])> = Vec::new();
    let mut both = |ending_o: String, number: Number, cases: &'static [Case]| {
        table.push((ending_o.clone(), number, cases));
        if sibilant && ending_o.contains('о') {
            table.push((ending_o.replacen('о', "е", 1), number, cases));
        }
    };
    match gender {
        Number::Masc => {
            both(word[stem.len()..].to_owned(), Number::Masc, &[Nom, AccIn]);
            both(format!("{o}го"), Number::Masc, &[Gen, AccAn]);
            both(format!("{o}му"), Number::Masc, &[Dat]);
            both(format!("{y}м"), Number::Masc, &[Ins]);
            both(format!("{e}м"), Number::Masc, &[Loc]);
        }
        Number::Neut => {
            both(format!("{e}е"), Number::Neut, &[Nom, AccIn, AccAn]);
            both(format!("{o}го"), Number::Neut, &[Gen]);
            both(format!("{o}му"), Number::Neut, &[Dat]);
            both(format!("{y}м"), Number::Neut, &[Ins]);
            both(format!("{e}м"), Number::Neut, &[Loc]);
        }
        Number::Fem => {
            let (nom, acc) = if soft {
                ("яя", "юю")
            } else {
                ("ая", "ую")
            };
            both(nom.to_owned(), Number::Fem, &[Nom]);
            both(format!("{o}й"), Number::Fem, &[Gen, Dat, Ins, Loc]);
            both(format!("{o}ю"), Number::Fem, &[Ins]);
            both(acc.to_owned(), Number::Fem, ACC);
        }
        Number::Plural => {}
    }
    both(format!("{y}е"), Number::Plural, &[Nom, AccIn]);
    both(format!("{y}х"), Number::Plural, &[Gen, AccAn, Loc]);
    both(format!("{y}м"), Number::Plural, &[Dat]);
    both(format!("{y}ми"), Number::Plural, &[Ins]);
    // After два/три/четыре/оба the noun is in the genitive singular and its adjective in the
    // plural (`два файловых дескриптора`, `четыре файловые дескриптора`): a pairing found
    // only there, so the plural forms also agree with a genitive singular noun.
    let after_numeral = slot(Gen, Number::Masc) | slot(Gen, Number::Fem) | slot(Gen, Number::Neut);
    for (ending, number, cases) in table {
        let mut filled = slots(cases, number);
        if number == Number::Plural && (cases.contains(&Gen) || cases.contains(&Nom)) {
            filled |= after_numeral;
        }
        forms.add(format!("{stem}{ending}"), filled);
    }
    forms.0
}

/// The gender an adjective's dictionary form shows, `Plural` for a plural-only one.
pub(crate) fn adjective_gender(word: &str) -> Option<Number> {
    let ending = word.char_indices().rev().nth(1).map(|(i, _)| &word[i..])?;
    match ending {
        "ый" | "ий" | "ой" => Some(Number::Masc),
        "ая" | "яя" => Some(Number::Fem),
        "ое" | "ее" => Some(Number::Neut),
        "ые" | "ие" => Some(Number::Plural),
        _ => None,
    }
}

// Endings by declension, each with the cases it fills. Folded: `ё` is `е`.

const HARD_MASC_SG: &[(&str, &[Case])] = &[
    ("", &[Nom, AccIn]),
    ("а", &[Gen, AccAn]),
    ("у", &[Dat]),
    ("ом", &[Ins]),
    ("е", &[Loc]),
];
const IE_SG: &[(&str, &[Case])] = &[
    ("ие", &[Nom, AccIn, AccAn]),
    ("ия", &[Gen]),
    ("ию", &[Dat]),
    ("ием", &[Ins]),
    ("ии", &[Loc]),
];
const IE_PL: &[(&str, &[Case])] = &[
    ("ия", &[Nom, AccIn]),
    ("ий", &[Gen, AccAn]),
    ("иям", &[Dat]),
    ("иями", &[Ins]),
    ("иях", &[Loc]),
];

/// Masculine nouns in a consonant (`нейрон`, `признак`, `ключ`, `отрезок`).
fn second_declension_hard(forms: &mut Forms, word: &str) {
    let sibilant = ends_with_any(word, "жшчщ");
    let y = if ends_with_any(word, "гкхжшчщ") {
        "и"
    } else {
        "ы"
    };
    forms.add(word.to_owned(), slots(&[Nom, AccIn], Number::Masc));
    for stem in oblique_stems(word) {
        forms.endings(&stem, Number::Masc, &HARD_MASC_SG[1..]);
        if ends_with_any(&stem, "жшчщц") {
            // Unstressed `о` after a sibilant or `ц` is `е`: `образцом` but `месяцем`.
            forms.add(format!("{stem}ем"), slots(&[Ins], Number::Masc));
        }
        forms.add(format!("{stem}{y}"), slots(&[Nom, AccIn], Number::Plural));
        let genitive = if sibilant { "ей" } else { "ов" };
        forms.add(
            format!("{stem}{genitive}"),
            slots(&[Gen, AccAn], Number::Plural),
        );
        if stem.ends_with('ц') {
            forms.add(format!("{stem}ев"), slots(&[Gen, AccAn], Number::Plural));
        }
        forms.endings(
            &stem,
            Number::Plural,
            &[("ам", &[Dat]), ("ами", &[Ins]), ("ах", &[Loc])],
        );
    }
}

/// Masculine nouns in `-й` (`слой`; `critерий` with `ий`) and in `-ь` (`словарь`, `день`).
/// `stem` is the word without `й`; for `-ь`, the whole word.
fn second_declension_soft(forms: &mut Forms, stem: &str, short_i: bool) {
    let word_stems: Vec<String> = if short_i {
        vec![stem.to_owned()]
    } else {
        let base = stem.strip_suffix('ь').unwrap_or(stem);
        // `день` → `дня`, `уровень` → `уровня`: the `е` may drop before the final `нь`/`ль`.
        let mut stems = vec![base.to_owned()];
        stems.extend(drop_fleeting(base, &["ень", "ель"], stem));
        stems
    };
    let nominative = if short_i {
        format!("{stem}й")
    } else {
        stem.to_owned()
    };
    forms.add(nominative, slots(&[Nom, AccIn], Number::Masc));
    for s in &word_stems {
        let ii = short_i && s.ends_with('и');
        forms.endings(
            s,
            Number::Masc,
            &[
                ("я", &[Gen, AccAn]),
                ("ю", &[Dat]),
                ("ем", &[Ins]),
                (if ii { "и" } else { "е" }, &[Loc]),
            ],
        );
        let genitive = if short_i { "ев" } else { "ей" };
        forms.endings(
            s,
            Number::Plural,
            &[
                ("и", &[Nom, AccIn]),
                (genitive, &[Gen, AccAn]),
                ("ям", &[Dat]),
                ("ями", &[Ins]),
                ("ях", &[Loc]),
            ],
        );
    }
}

/// Feminine nouns in `-ь` (`модель`, `сеть`, `мышь`); `stem` is the word without `ь`.
fn third_declension(forms: &mut Forms, stem: &str) {
    let sibilant = ends_with_any(stem, "жшчщ");
    let (am, ami, ah) = if sibilant {
        ("ам", "ами", "ах")
    } else {
        ("ям", "ями", "ях")
    };
    forms.endings(
        stem,
        Number::Fem,
        &[
            ("ь", &[Nom, AccIn, AccAn]),
            ("и", &[Gen, Dat, Loc]),
            ("ью", &[Ins]),
        ],
    );
    forms.endings(
        stem,
        Number::Plural,
        &[
            ("и", &[Nom, AccIn]),
            ("ей", &[Gen, AccAn]),
            (am, &[Dat]),
            (ami, &[Ins]),
            (ah, &[Loc]),
        ],
    );
}

/// Nouns in `-а`/`-я` (`матрица`, `ошибка`, `доля`, `функция`, `статья`).
fn first_declension(forms: &mut Forms, word: &str, stem: &str, last: char) {
    let soft = last == 'я';
    let (nom, acc) = if soft { ("я", "ю") } else { ("а", "у") };
    // `функция`, `статья`: the `и`/`ь` before `я` stays in every form but the genitive
    // plural, which ends in `й` (`функций`) or `ей` (`статей`).
    let y = if soft || ends_with_any(stem, "гкхжшчщ") {
        "и"
    } else {
        "ы"
    };
    let loc = if soft && stem.ends_with('и') {
        "и"
    } else {
        "е"
    };
    forms.endings(
        stem,
        Number::Fem,
        &[
            (nom, &[Nom]),
            (y, &[Gen]),
            (loc, &[Dat, Loc]),
            (acc, &[AccIn, AccAn]),
        ],
    );
    let ins: &[&str] = if soft {
        &["ей", "ею"]
    } else if ends_with_any(stem, "жшчщц") {
        &["ой", "ою", "ей", "ею"]
    } else {
        &["ой", "ою"]
    };
    for ending in ins {
        forms.add(format!("{stem}{ending}"), slots(&[Ins], Number::Fem));
    }
    forms.add(format!("{stem}{y}"), slots(&[Nom, AccIn], Number::Plural));
    let (am, ami, ah) = if soft {
        ("ям", "ями", "ях")
    } else {
        ("ам", "ами", "ах")
    };
    forms.endings(
        stem,
        Number::Plural,
        &[(am, &[Dat]), (ami, &[Ins]), (ah, &[Loc])],
    );
    for genitive in first_declension_genitive_plural(word, stem, soft) {
        forms.add(genitive, slots(&[Gen, AccAn], Number::Plural));
    }
}

/// The genitive plural of a noun in `-а`/`-я`, which has no ending and so shows every
/// quirk of the stem: `матриц`, `ошибок` (a vowel appears between two consonants), `цепочек`,
/// `петель`, `долей`, `функций`, `статей`. Which one a word takes is not in its spelling,
/// so each that can apply is generated.
fn first_declension_genitive_plural(word: &str, stem: &str, soft: bool) -> Vec<String> {
    if let Some(base) = stem.strip_suffix('и')
        && soft
    {
        return vec![format!("{base}ий")]; // функция → функций
    }
    if let Some(base) = stem.strip_suffix('ь')
        && soft
    {
        return vec![format!("{base}ей")]; // статья → статей
    }
    let mut out = Vec::new();
    if soft {
        out.push(format!("{stem}ь"));
        out.push(format!("{stem}ей"));
    } else {
        out.push(stem.to_owned());
    }
    let _ = word;
    // A vowel between the last two consonants: `ошибк` → `ошибок`, `цепочк` → `цепочек`,
    // `петл` → `петель`, `копейк` → `копеек`.
    let chars: Vec<char> = stem.chars().collect();
    if let [.., before, c1, c2] = chars[..]
        && is_consonant(c2)
        && (is_consonant(c1) || c1 == 'й')
    {
        let head: String = chars[..chars.len() - 2].iter().collect();
        let tail = if soft { "ь" } else { "" };
        let c1s = if c1 == 'й' {
            String::new()
        } else {
            c1.to_string()
        };
        let vowels: &[&str] = if c1 == 'й' || "жшчщц".contains(c1) || soft {
            &["е"]
        } else {
            &["о", "е"]
        };
        let _ = before;
        for v in vowels {
            out.push(format!("{head}{c1s}{v}{c2}{tail}"));
        }
    }
    out
}

/// Neuter nouns in `-о`/`-е` (`окно`, `слово`, `поле`, `сердце`); `soft`: `-е` after a
/// soft consonant (`поле`), which takes `я`/`ю`/`ей`.
fn neuter(forms: &mut Forms, stem: &str, soft: bool) {
    let (nom, genitive_sg, dat, ins) = if soft {
        ("е", "я", "ю", "ем")
    } else if ends_with_any(stem, "цжшчщ") {
        ("е", "а", "у", "ем")
    } else {
        ("о", "а", "у", "ом")
    };
    forms.endings(
        stem,
        Number::Neut,
        &[
            (nom, &[Nom, AccIn, AccAn]),
            (genitive_sg, &[Gen]),
            (dat, &[Dat]),
            (ins, &[Ins]),
            ("е", &[Loc]),
        ],
    );
    let (pl, am, ami, ah) = if soft {
        ("я", "ям", "ями", "ях")
    } else {
        ("а", "ам", "ами", "ах")
    };
    forms.endings(
        stem,
        Number::Plural,
        &[
            (pl, &[Nom, AccIn]),
            (am, &[Dat]),
            (ami, &[Ins]),
            (ah, &[Loc]),
        ],
    );
    let genitive = slots(&[Gen, AccAn], Number::Plural);
    if soft {
        forms.add(format!("{stem}ей"), genitive);
        return;
    }
    forms.add(stem.to_owned(), genitive); // слово → слов
    // окно → окон, письмо → писем, сердце → сердец.
    let chars: Vec<char> = stem.chars().collect();
    if let [.., c1, c2] = chars[..]
        && is_consonant(c1)
        && is_consonant(c2)
    {
        let head: String = chars[..chars.len() - 1].iter().collect();
        forms.add(format!("{head}о{c2}"), genitive);
        forms.add(format!("{head}е{c2}"), genitive);
    }
}

/// The stems the oblique forms of a masculine noun in a consonant can have: the word itself,
/// and without a fleeting vowel (`отрезок` → `отрезк-`, `образец` → `образц-`, `узел` →
/// `узл-`, `боец` → `бойц-`), which the spelling cannot tell from a fixed one (`поток` →
/// `поток-`).
fn oblique_stems(word: &str) -> Vec<String> {
    let mut stems = vec![word.to_owned()];
    stems.extend(drop_fleeting(word, &["ок", "ек", "ец", "ел"], word));
    stems
}

/// `base` with the vowel of its last syllable dropped, when `word` ends with one of
/// `suffixes` and enough is left: `отрезок` → `отрезк`, `день` (`дн`), `боец` → `бойц`.
fn drop_fleeting(base: &str, suffixes: &[&str], word: &str) -> Option<String> {
    let suffix = suffixes.iter().find(|s| word.ends_with(*s))?;
    let chars: Vec<char> = base.chars().collect();
    // The vowel is the second to last letter of `base` (`отрез|о|к`, `д|е|н`).
    let n = chars.len();
    if n < 3 {
        return None;
    }
    let before = chars[n - 3];
    let _ = suffix;
    let head: String = chars[..n - 2].iter().collect();
    let last = chars[n - 1];
    if is_vowel(before) {
        // `боец` → `бойц`, `паёк` → `пайк`.
        Some(format!("{head}й{last}"))
    } else {
        Some(format!("{head}{last}"))
    }
}

/// Nouns no ending table covers, written out whole: the ten neuters in `-мя` and `путь`.
fn closed_class(word: &str) -> Option<Vec<Form>> {
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
    let mut forms = Forms::default();
    if MYA.contains(&word) {
        let stem = word.strip_suffix("мя")?;
        forms.endings(
            stem,
            Number::Neut,
            &[
                ("мя", &[Nom, AccIn, AccAn]),
                ("мени", &[Gen, Dat, Loc]),
                ("менем", &[Ins]),
            ],
        );
        // The genitive plural: `семян`, `стремян`; the rest `времён`, `имён`, `знамён`.
        let genitive = if matches!(word, "семя" | "стремя") {
            "мян"
        } else {
            "мен"
        };
        forms.endings(
            stem,
            Number::Plural,
            &[
                ("мена", &[Nom, AccIn]),
                (genitive, &[Gen, AccAn]),
                ("менам", &[Dat]),
                ("менами", &[Ins]),
                ("менах", &[Loc]),
            ],
        );
        return Some(forms.0);
    }
    if word == "путь" {
        forms.endings(
            "пут",
            Number::Masc,
            &[
                ("ь", &[Nom, AccIn]),
                ("и", &[Gen, Dat, Loc]),
                ("ем", &[Ins]),
            ],
        );
        forms.endings(
            "пут",
            Number::Plural,
            &[
                ("и", &[Nom, AccIn]),
                ("ей", &[Gen, AccAn]),
                ("ям", &[Dat]),
                ("ями", &[Ins]),
                ("ях", &[Loc]),
            ],
        );
        return Some(forms.0);
    }
    None
}

fn split_last(word: &str) -> (&str, char) {
    match word.char_indices().next_back() {
        Some((i, c)) => (&word[..i], c),
        None => ("", ' '),
    }
}

fn ends_with_any(word: &str, letters: &str) -> bool {
    word.chars()
        .next_back()
        .is_some_and(|c| letters.contains(c))
}

fn is_vowel(c: char) -> bool {
    "аеиоуыэюяё".contains(c)
}

fn is_consonant(c: char) -> bool {
    matches!(c, 'а'..='я') && !is_vowel(c) && !matches!(c, 'ь' | 'ъ' | 'й')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(forms: &[Form]) -> Vec<&str> {
        let mut t: Vec<&str> = forms.iter().map(|f| f.text.as_str()).collect();
        t.sort_unstable();
        t
    }

    fn has(word: &str, expected: &[&str]) {
        let forms = noun(word, None);
        let got = texts(&forms);
        for e in expected {
            assert!(got.contains(e), "{word}: no `{e}` in {got:?}");
        }
    }

    #[test]
    fn nouns_of_every_class() {
        has(
            "нейрон",
            &[
                "нейрона",
                "нейрону",
                "нейроном",
                "нейроне",
                "нейроны",
                "нейронов",
                "нейронами",
            ],
        );
        has("признак", &["признаки", "признаков"]);
        has("ключ", &["ключа", "ключом", "ключи", "ключей"]);
        has("отрезок", &["отрезка", "отрезков", "отрезком"]);
        has("образец", &["образца", "образцом", "образцов"]);
        has("узел", &["узла", "узлы", "узлов"]);
        has(
            "день",
            &["дня", "дню", "днем", "дне", "дни", "дней", "днями"],
        );
        has("уровень", &["уровня", "уровнем", "уровней"]);
        has("слой", &["слоя", "слою", "слоем", "слое", "слои", "слоев"]);
        has(
            "матрица",
            &["матрицы", "матрице", "матрицу", "матрицей", "матриц"],
        );
        has("ошибка", &["ошибки", "ошибок", "ошибкой"]);
        has("цепочка", &["цепочек"]);
        has("петля", &["петли", "петлю", "петлей", "петель"]);
        has(
            "функция",
            &["функции", "функцию", "функцией", "функций", "функциями"],
        );
        has(
            "статья",
            &["статьи", "статью", "статьей", "статей", "статьям"],
        );
        has("окно", &["окна", "окну", "окном", "окне", "окон", "окнами"]);
        has("поле", &["поля", "полю", "полем", "полей", "полями"]);
        has(
            "значение",
            &["значения", "значению", "значением", "значении", "значений"],
        );
        has("модель", &["модели", "моделью", "моделей", "моделям"]);
        has("мышь", &["мыши", "мышью", "мышей", "мышам"]);
        has(
            "время",
            &["времени", "временем", "времена", "времен", "временами"],
        );
        has("семя", &["семян"]);
        has("путь", &["пути", "путем", "путей"]);
        has("меню", &["меню"]);
        assert_eq!(texts(&noun("такси", None)), ["такси"]);
        has(
            "ввод-вывод",
            &[
                "ввода-вывода",
                "вводом-выводом",
                "вводе-выводе",
                "ввод-вывода",
            ],
        );
        has("альфа-канал", &["альфа-канала", "альфа-каналов"]);
        assert!(!texts(&noun("ввод-вывод", None)).contains(&"ввода-выводом"));
    }

    #[test]
    fn a_noun_never_takes_a_participle_or_adjective() {
        let forms = noun("перечисление", None);
        for other in ["перечисленные", "перечислены", "перечисленный"]
        {
            assert!(!texts(&forms).contains(&other), "{other}");
        }
        assert!(!texts(&noun("нейрон", None)).contains(&"нейронная"));
    }

    #[test]
    fn adjectives_in_their_gender_and_the_plural() {
        let masc = adjective("разреженный");
        assert_eq!(
            texts(&masc),
            [
                "разреженного",
                "разреженное",
                "разреженной",
                "разреженном",
                "разреженному",
                "разреженные",
                "разреженный",
                "разреженным",
                "разреженными",
                "разреженных"
            ]
            .into_iter()
            .filter(|f| !matches!(*f, "разреженное" | "разреженной"))
            .collect::<Vec<_>>()
        );
        let fem = adjective("языковая");
        assert!(texts(&fem).contains(&"языковую"));
        assert!(texts(&fem).contains(&"языковой"));
        assert!(!texts(&fem).contains(&"языкового"));
        let plural = adjective("данные");
        assert_eq!(texts(&plural), ["данные", "данным", "данными", "данных"]);
    }

    #[test]
    fn roles_in_a_term() {
        assert_eq!(
            roles(&["разреженный", "автоэнкодер"]),
            [Role::Adjective, Role::Noun]
        );
        assert_eq!(roles(&["время", "жизни"]), [Role::Noun, Role::Fixed]);
        assert_eq!(roles(&["кривая"]), [Role::Noun]);
        assert_eq!(roles(&["скрытый", "слой"]), [Role::Adjective, Role::Noun]);
    }
}
