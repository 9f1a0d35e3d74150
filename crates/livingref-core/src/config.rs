//! Typed `[preprocessor.NAME]` tables with helpful errors.
//!
//! A plugin declares its settings as a `serde` struct (kebab-case, every field defaulted). This
//! module reads the table mdBook hands over, and turns every mistake into a diagnostic that
//! points into `book.toml`:
//!
//! * an unknown key is a *warning* that names the nearest known key (a typo must not silently
//!   disable a feature, but must not break a build either);
//! * a value of the wrong type is an *error* naming the key and the expected type.
//!
//! mdBook's own keys (`command`, `before`, `after`, `optional`, `renderers`) and the suite's
//! shared `strict` key are taken out before the plugin's struct sees the table.

use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::span::LineIndex;
use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use std::path::{Path, PathBuf};

/// Keys mdBook itself reads from every `[preprocessor.NAME]` table.
pub const MDBOOK_KEYS: &[&str] = &["command", "before", "after", "optional", "renderers"];

/// Keys every livingref plugin understands, whatever its own settings.
pub const SHARED_KEYS: &[&str] = &["strict"];

/// A plugin's settings plus the suite-wide ones.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Loaded<C> {
    pub settings: C,
    /// `strict = true`: warnings fail the build.
    pub strict: bool,
}

/// Reads `[preprocessor.<name>]` from `table` (what `ctx.config.get("preprocessor.<name>")`
/// returns; `None` when the book has no such table). `book_toml` is the path of the book's
/// `book.toml`, read only to point diagnostics at the right line.
///
/// Returns `None` after pushing an error when the table cannot be used at all.
pub fn load<C: DeserializeOwned + Default>(
    name: &str,
    table: Option<toml::Table>,
    book_toml: &Path,
    diags: &mut Diagnostics,
) -> Option<Loaded<C>> {
    let mut table = table.unwrap_or_default();
    let locator = KeyLocator::read(book_toml, name);
    for key in MDBOOK_KEYS {
        table.remove(*key);
    }
    let strict = match table.remove("strict") {
        None => false,
        Some(toml::Value::Boolean(b)) => b,
        Some(other) => {
            diags.push(type_error(
                name,
                "strict",
                "a boolean (`true` or `false`)",
                &other,
                &locator,
            ));
            return None;
        }
    };

    let known = struct_fields::<C>();
    let mut unknown: Vec<String> = Vec::new();
    let value = toml::Value::Table(table);
    let mut on_ignored = |path: serde_ignored::Path<'_>| unknown.push(path.to_string());
    let deserializer = serde_ignored::Deserializer::new(value, &mut on_ignored);
    let result = serde_path_to_error::deserialize::<_, C>(deserializer);
    for key in unknown {
        let mut d = Diagnostic::warning(format!(
            "unknown key `{key}` in `[preprocessor.{name}]` is ignored"
        ))
        .at(locator.locate(&key));
        let all_keys: Vec<&str> = known
            .iter()
            .chain(SHARED_KEYS)
            .chain(MDBOOK_KEYS)
            .copied()
            .collect();
        d = d.help(did_you_mean(&key, &all_keys, "known keys"));
        diags.push(d);
    }
    let settings = match result {
        Ok(settings) => settings,
        Err(err) => {
            let key = err.path().to_string();
            let inner = err.into_inner();
            diags.push(
                Diagnostic::error(format!(
                    "invalid value for `{key}` in `[preprocessor.{name}]`: {}",
                    inner.message()
                ))
                .at(locator.locate(&key))
                .help(format!(
                    "see the `[preprocessor.{name}]` reference in the README for accepted values"
                )),
            );
            return None;
        }
    };
    Some(Loaded { settings, strict })
}

fn type_error(
    name: &str,
    key: &str,
    expected: &str,
    got: &toml::Value,
    locator: &KeyLocator,
) -> Diagnostic {
    Diagnostic::error(format!(
        "`{key}` in `[preprocessor.{name}]` must be {expected}, found {}",
        got.type_str()
    ))
    .at(locator.locate(key))
}

/// The closest candidate to `word` within a small edit distance, for "did you mean" hints.
pub fn nearest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a &'a str>,
) -> Option<&'a str> {
    closest(word, candidates.into_iter().copied())
}

/// The help for `word`, which is none of the names `known` (a short, closed list the user
/// picks from): the nearest name, or else every name, after `label` ("options: a, b"). Every
/// "unknown option / field / key" message takes its help from here, so they all read alike.
pub fn did_you_mean(word: &str, known: &[&str], label: &str) -> String {
    match nearest(word, known) {
        Some(near) => format!("did you mean `{near}`?"),
        None => format!(
            "{label}: {}",
            known
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The candidate nearest to `word` within the distance "did you mean" accepts: a third of the
/// candidate's length, at least 2; ties go to the smaller name.
fn closest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (strsim::osa_distance(word, c), c))
        .filter(|(dist, c)| *dist <= (c.chars().count() / 3).max(2))
        .min()
        .map(|(_, c)| c)
}

/// Most names one "did you mean" query compares. Keys that all start alike and have one
/// length (`entry1` … `entry50000`) would otherwise make every unknown key cost the whole
/// bibliography again.
const MAX_COMPARED: usize = 500;

/// "Did you mean" over a large set of names (bibliography keys, card ids), asked many times.
///
/// [`nearest`] compares a word with every candidate; 8,000 unknown citation keys against
/// 50,000 entries took a minute that way. This index buckets the candidates by first
/// character and length, so a query compares only names that start alike and are no further
/// apart in length than the distance allowed, at most `MAX_COMPARED` of them, and
/// remembers each answer.
pub struct Suggestions<'a> {
    candidates: Vec<&'a str>,
    /// Built on the first question: a book with no unknown name pays nothing.
    buckets: std::sync::OnceLock<std::collections::HashMap<(char, usize), Vec<&'a str>>>,
    answers: std::sync::Mutex<std::collections::HashMap<String, Option<&'a str>>>,
}

impl<'a> Suggestions<'a> {
    pub fn new(candidates: impl IntoIterator<Item = &'a str>) -> Self {
        Suggestions {
            candidates: candidates.into_iter().collect(),
            buckets: std::sync::OnceLock::new(),
            answers: std::sync::Mutex::new(std::collections::HashMap::new()),
        }
    }

    fn buckets(&self) -> &std::collections::HashMap<(char, usize), Vec<&'a str>> {
        self.buckets.get_or_init(|| {
            let mut buckets: std::collections::HashMap<(char, usize), Vec<&'a str>> =
                std::collections::HashMap::new();
            for &c in &self.candidates {
                let Some(first) = c.chars().next() else {
                    continue;
                };
                buckets
                    .entry((first.to_ascii_lowercase(), c.chars().count()))
                    .or_default()
                    .push(c);
            }
            for names in buckets.values_mut() {
                names.sort_unstable();
                names.dedup();
            }
            buckets
        })
    }

    /// The help for `word`, which is none of the names: the nearest one, or else `otherwise`.
    pub fn help(&self, word: &str, otherwise: &str) -> String {
        match self.nearest(word) {
            Some(near) => format!("did you mean `{near}`?"),
            None => otherwise.to_owned(),
        }
    }

    /// The closest name to `word`, as [`nearest`] would choose among names starting with the
    /// same character.
    pub fn nearest(&self, word: &str) -> Option<&'a str> {
        if let Ok(answers) = self.answers.lock()
            && let Some(answer) = answers.get(word)
        {
            return *answer;
        }
        let first = word.chars().next()?.to_ascii_lowercase();
        let len = word.chars().count();
        // `nearest` accepts a distance of up to a third of the candidate's length (at least
        // 2), and a distance is at least the difference in length.
        let reach = (len + 2) / 2 + 2;
        // Lengths nearest to the word's first; each bucket is sorted, so which names fit
        // under the cap is decided by the input alone.
        let mut lengths: Vec<usize> = (len.saturating_sub(reach)..=len + reach).collect();
        lengths.sort_by_key(|&l| l.abs_diff(len));
        let names = lengths
            .into_iter()
            .filter_map(|l| self.buckets().get(&(first, l)))
            .flatten()
            .copied()
            .take(MAX_COMPARED);
        let answer = closest(word, names);
        if let Ok(mut answers) = self.answers.lock() {
            answers.insert(word.to_owned(), answer);
        }
        answer
    }
}

/// Declares a settings enum written as kebab-case strings in `book.toml`.
///
/// serde's derived messages for enums are poor through TOML (`link = 5` reads "invalid type:
/// unit variant, expected string only"). Going through `String` gives "expected a string" for
/// a wrong type and "expected one of `a`, `b`" for an unknown value. The calling crate must
/// depend on `serde`.
#[macro_export]
macro_rules! choice {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
        #[serde(try_from = "String")]
        $vis enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every accepted spelling, in declaration order.
            pub const CHOICES: &'static [&'static str] = &[$($text),+];

            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(value: String) -> Result<Self, String> {
                match value.as_str() {
                    $($text => Ok(Self::$variant),)+
                    _ => Err(format!(
                        "unknown value `{value}`, expected one of {}",
                        Self::CHOICES.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
                    )),
                }
            }
        }
    };
}

/// Where `[preprocessor.<name>]`'s `key` is written in `book_toml` (the file alone when the
/// setting came from the environment), for diagnostics about a value that is well-typed but
/// wrong.
pub fn setting_location(book_toml: &Path, name: &str, key: &str) -> Location {
    KeyLocator::read(book_toml, name).locate(key)
}

/// Where `[book]`'s `key` is written in `book_toml`.
pub fn book_setting_location(book_toml: &Path, key: &str) -> Location {
    let file = book_toml
        .file_name()
        .map_or_else(|| book_toml.to_path_buf(), PathBuf::from);
    let Ok(text) = std::fs::read_to_string(book_toml) else {
        return Location::file(file);
    };
    let Ok(doc) = toml::de::DeTable::parse(&text) else {
        return Location::file(file);
    };
    let span = doc
        .get_ref()
        .iter()
        .find(|(k, _)| k.get_ref() == "book")
        .and_then(|(_, v)| v.get_ref().as_table())
        .and_then(|t| t.iter().find(|(k, _)| k.get_ref() == key))
        .map(|(k, _)| k.span());
    match span {
        Some(span) => Location::in_text(&file, &LineIndex::new(&text), span),
        None => Location::file(file),
    }
}

/// Finds where `preprocessor.NAME.KEY` is written in `book.toml`, for diagnostics. Settings
/// can also come from `MDBOOK_PREPROCESSOR__…` environment variables; those have no line, so
/// the location degrades to the file name.
struct KeyLocator {
    path: PathBuf,
    text: Option<String>,
    name: String,
}

impl KeyLocator {
    fn read(path: &Path, name: &str) -> Self {
        KeyLocator {
            path: path
                .file_name()
                .map_or_else(|| path.to_path_buf(), PathBuf::from),
            text: std::fs::read_to_string(path).ok(),
            name: name.to_owned(),
        }
    }

    fn locate(&self, dotted_key: &str) -> Location {
        let Some(text) = &self.text else {
            return Location::file(&self.path);
        };
        let Ok(doc) = toml::de::DeTable::parse(text) else {
            return Location::file(&self.path);
        };
        let mut path = vec!["preprocessor", self.name.as_str()];
        path.extend(dotted_key.split('.').filter(|s| !s.is_empty()));
        let mut table = doc.get_ref();
        let mut span = None;
        for (i, segment) in path.iter().enumerate() {
            let Some((key, value)) = table.iter().find(|(k, _)| k.get_ref() == segment) else {
                break;
            };
            if i >= 2 {
                span = Some(key.span());
            }
            match value.get_ref().as_table() {
                Some(inner) => table = inner,
                None => break,
            }
        }
        match span {
            Some(span) => Location::in_text(&self.path, &LineIndex::new(text), span),
            None => Location::file(&self.path),
        }
    }
}

/// The field names a `#[derive(Deserialize)]` struct accepts, read from serde itself so the list
/// of known keys can never drift from the struct. (Hand-written: the only crate offering this,
/// `serde-aux`, would pull in `chrono` for twenty lines.)
pub fn struct_fields<T: DeserializeOwned>() -> &'static [&'static str] {
    struct Probe<'a>(&'a mut &'static [&'static str]);

    #[derive(Debug)]
    struct Stop;
    impl std::fmt::Display for Stop {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("field probe")
        }
    }
    impl std::error::Error for Stop {}
    impl de::Error for Stop {
        fn custom<M: std::fmt::Display>(_: M) -> Self {
            Stop
        }
    }

    impl<'de> Deserializer<'de> for Probe<'_> {
        type Error = Stop;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            fields: &'static [&'static str],
            _visitor: V,
        ) -> Result<V::Value, Stop> {
            *self.0 = fields;
            Err(Stop)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }

    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Probe(&mut fields));
    fields
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Default, Deserialize, PartialEq)]
    #[serde(default, rename_all = "kebab-case")]
    struct Demo {
        glossary: String,
        recent_limit: u32,
    }

    fn book_toml(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("book.toml");
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    fn table(text: &str) -> Option<toml::Table> {
        let doc: toml::Table = toml::from_str(text).unwrap();
        doc.get("preprocessor")?.get("demo")?.as_table().cloned()
    }

    #[test]
    fn reads_fields_and_strips_mdbook_keys() {
        let text = "[preprocessor.demo]\ncommand = \"x\"\nafter = [\"links\"]\nrecent-limit = 3\nstrict = true\n";
        let (_dir, path) = book_toml(text);
        let mut diags = Diagnostics::new();
        let loaded = load::<Demo>("demo", table(text), &path, &mut diags).unwrap();
        assert_eq!(loaded.settings.recent_limit, 3);
        assert!(loaded.strict);
        assert!(diags.is_empty(), "{diags:?}");
    }

    #[test]
    fn unknown_key_warns_with_nearest_and_line() {
        let text = "[book]\ntitle = \"t\"\n\n[preprocessor.demo]\nglosary = \"g.md\"\n";
        let (_dir, path) = book_toml(text);
        let mut diags = Diagnostics::new();
        let loaded = load::<Demo>("demo", table(text), &path, &mut diags).unwrap();
        assert_eq!(loaded.settings, Demo::default());
        let d = diags.iter().next().unwrap();
        assert_eq!(d.severity, crate::diag::Severity::Warning);
        assert_eq!(
            d.message,
            "unknown key `glosary` in `[preprocessor.demo]` is ignored"
        );
        assert_eq!(d.help.as_deref(), Some("did you mean `glossary`?"));
        let loc = d.location.as_ref().unwrap();
        assert_eq!(
            (loc.file.as_path(), loc.line, loc.col),
            (Path::new("book.toml"), 5, 1)
        );
    }

    #[test]
    fn wrong_type_is_an_error_naming_key_and_type() {
        let text = "[preprocessor.demo]\nrecent-limit = \"five\"\n";
        let (_dir, path) = book_toml(text);
        let mut diags = Diagnostics::new();
        assert!(load::<Demo>("demo", table(text), &path, &mut diags).is_none());
        let d = diags.iter().next().unwrap();
        assert_eq!(
            d.message,
            "invalid value for `recent-limit` in `[preprocessor.demo]`: invalid type: string \"five\", expected u32"
        );
        assert_eq!(d.location.as_ref().unwrap().line, 2);
    }

    #[test]
    fn strict_must_be_boolean() {
        let text = "[preprocessor.demo]\nstrict = \"yes\"\n";
        let (_dir, path) = book_toml(text);
        let mut diags = Diagnostics::new();
        assert!(load::<Demo>("demo", table(text), &path, &mut diags).is_none());
        assert!(
            diags
                .iter()
                .next()
                .unwrap()
                .message
                .contains("must be a boolean")
        );
    }

    #[test]
    fn missing_table_gives_defaults() {
        let mut diags = Diagnostics::new();
        let loaded = load::<Demo>(
            "demo",
            None,
            Path::new("/nonexistent/book.toml"),
            &mut diags,
        )
        .unwrap();
        assert_eq!(loaded, Loaded::default());
    }

    #[test]
    fn struct_fields_come_from_serde() {
        assert_eq!(struct_fields::<Demo>(), &["glossary", "recent-limit"]);
    }
}
