//! One house style for entries that `mdbook-papers add` writes, whatever exported them.
//!
//! arXiv, Google Scholar, Zotero and DBLP each export a paper differently: keys
//! (`vaswani2017attention`, `vaswaniAttentionAllYou2017`, `DBLP:conf/nips/…`), field order,
//! indentation, `month = {May}` or `month = 5`, arXiv ids hidden in a URL or a DOI. An added
//! entry is rewritten into one style so the file stays easy to read and to diff:
//!
//! * the key is `familyYEARword` ([`key_for`]);
//! * fields come in [`ORDER`], then the others in the order they were exported, indented by two
//!   spaces with names padded to one column;
//! * values keep their exact BibTeX text (braces, accents, macros), with runs of whitespace
//!   (Scholar's line breaks) made one space;
//! * `month` is a macro (`jan` … `dec`); a DOI is bare (`10.…`, no resolver URL);
//! * an arXiv id found anywhere becomes `eprint` + `archivePrefix`, without its version;
//! * Zotero's `file` (a path on the exporter's disk) is dropped.

use livingref_bib::Paper;

/// Fields first, in this order, when an entry has them.
pub const ORDER: &[&str] = &[
    "author",
    "title",
    "journal",
    "booktitle",
    "year",
    "month",
    "volume",
    "number",
    "pages",
    "publisher",
    "doi",
    "eprint",
    "archiveprefix",
    "primaryclass",
    "url",
    "keywords",
];

/// Fields that never carry over.
const DROPPED: &[&str] = &["file"];

/// Title words skipped when the key takes the title's first word, as Google Scholar does.
const SKIPPED_WORDS: &[&str] = &[
    "a", "an", "the", "on", "of", "in", "to", "for", "and", "from", "with", "at", "by", "towards",
];

/// An entry as written: its type, key, and fields with values exactly as in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub kind: String,
    pub key: String,
    /// (lower-case name, value text as written, delimiters included).
    pub fields: Vec<(String, String)>,
}

impl Written {
    /// Reads one entry's text; `None` if it is not a single parsable entry.
    pub fn read(source: &str) -> Option<Written> {
        let raw = biblatex::RawBibliography::parse(source).ok()?;
        let entry = &raw.entries.first()?.v;
        let fields = entry
            .fields
            .iter()
            .filter_map(|pair| {
                let value = source.get(pair.value.span.clone())?;
                Some((pair.key.v.to_ascii_lowercase(), value.trim().to_owned()))
            })
            .collect();
        Some(Written {
            kind: entry.kind.v.to_ascii_lowercase(),
            key: entry.key.v.to_owned(),
            fields,
        })
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn set(&mut self, name: &str, value: String) {
        match self.fields.iter_mut().find(|(n, _)| n == name) {
            Some(field) => field.1 = value,
            None => self.fields.push((name.to_owned(), value)),
        }
    }
}

/// `paper` (parsed from `written`) in the house style under `key`; `keywords` replaces the
/// entry's own tags when given.
pub fn normalize(
    written: &Written,
    paper: &Paper,
    key: &str,
    keywords: Option<&[String]>,
) -> Written {
    let mut out = Written {
        kind: written.kind.clone(),
        key: key.to_owned(),
        fields: written
            .fields
            .iter()
            .filter(|(name, _)| !DROPPED.contains(&name.as_str()))
            .map(|(name, value)| (name.clone(), collapse_whitespace(value)))
            .collect(),
    };
    if let Some(month) = out.get("month").and_then(month_macro) {
        out.set("month", month.to_owned());
    }
    if let Some(doi) = out.get("doi").map(bare_doi) {
        out.set("doi", doi);
    }
    if let Some(id) = &paper.arxiv {
        out.set("eprint", format!("{{{id}}}"));
        if out.get("archiveprefix").is_none() && out.get("eprinttype").is_none() {
            out.set("archiveprefix", "{arXiv}".to_owned());
        }
    }
    if let Some(tags) = keywords {
        out.set("keywords", format!("{{{}}}", tags.join(", ")));
    }
    out.fields
        .sort_by_key(|(name, _)| ORDER.iter().position(|o| o == name).unwrap_or(ORDER.len()));
    out
}

/// Fields that name other entries by key. When `add` writes an input entry under a new key
/// (or finds it already in the bibliography under another), the entries of the same input
/// that point at it must follow, or a child would lose its parent's fields.
const LINK_FIELDS: &[&str] = &["crossref", "xdata", "xref", "ids", "related"];

/// Rewrites the keys in `entry`'s link fields that `renamed` (lower-case old key → new key)
/// maps.
pub fn follow_renames(entry: &mut Written, renamed: &std::collections::BTreeMap<String, String>) {
    if renamed.is_empty() {
        return;
    }
    for (name, value) in &mut entry.fields {
        if !LINK_FIELDS.contains(&name.as_str()) {
            continue;
        }
        let inner = value.trim();
        let (open, body, close) = match (inner.chars().next(), inner.chars().last()) {
            (Some('{'), Some('}')) | (Some('"'), Some('"')) if inner.len() >= 2 => (
                &inner[..1],
                &inner[1..inner.len() - 1],
                &inner[inner.len() - 1..],
            ),
            _ => ("", inner, ""),
        };
        let keys: Vec<&str> = body.split(',').map(str::trim).collect();
        if !keys.iter().any(|k| renamed.contains_key(&k.to_lowercase())) {
            continue;
        }
        let keys: Vec<&str> = keys
            .into_iter()
            .map(|k| renamed.get(&k.to_lowercase()).map_or(k, String::as_str))
            .collect();
        *value = format!("{open}{}{close}", keys.join(", "));
    }
}

/// The entry as BibTeX text (no trailing newline).
pub fn to_bibtex(entry: &Written) -> String {
    let width = entry
        .fields
        .iter()
        .map(|(n, _)| display_name(n).len())
        .max()
        .unwrap_or(0);
    let mut out = format!("@{}{{{},\n", entry.kind, entry.key);
    let last = entry.fields.len().saturating_sub(1);
    for (i, (name, value)) in entry.fields.iter().enumerate() {
        let comma = if i == last { "" } else { "," };
        out.push_str(&format!(
            "  {:width$} = {value}{comma}\n",
            display_name(name)
        ));
    }
    out.push('}');
    out
}

/// Field names are written lower-case, but for arXiv's own two (as arXiv exports them).
pub fn display_name(name: &str) -> &str {
    match name {
        "archiveprefix" => "archivePrefix",
        "primaryclass" => "primaryClass",
        other => other,
    }
}

/// The key scheme: first author's family name, year, first title word that is not a small
/// word — all lower-case ASCII (`Ольга` → `olga`, `Müller` → `muller`). `Vaswani et al. 2017,
/// "Attention Is All You Need"` is `vaswani2017attention`, as Google Scholar and arXiv name it.
/// A family name with a particle uses its last word (`van den Oord` → `oord`).
pub fn key_for(paper: &Paper) -> String {
    let ascii = |s: &str| -> String {
        deunicode::deunicode(s)
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let family = paper
        .authors
        .first()
        .and_then(|a| a.family.split_whitespace().last())
        .map(ascii)
        .filter(|f| !f.is_empty())
        .unwrap_or_else(|| "anon".to_owned());
    let year = paper
        .year()
        .map_or_else(|| "nd".to_owned(), |y| y.to_string());
    let title = deunicode::deunicode(&paper.title);
    let word = title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .map(str::to_ascii_lowercase)
        .find(|w| !w.is_empty() && !SKIPPED_WORDS.contains(&w.as_str()))
        .unwrap_or_else(|| "untitled".to_owned());
    format!("{family}{year}{word}")
}

/// `key` made unique against `taken` (lower-case keys): a second paper gets `a`, a third `b`,
/// and so on, as Better BibTeX does.
pub fn unique_key(key: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(&key.to_lowercase()) {
        return key.to_owned();
    }
    let mut n = 0usize;
    loop {
        let mut suffix = String::new();
        let mut k = n;
        loop {
            suffix.insert(0, char::from(b'a' + (k % 26) as u8));
            if k < 26 {
                break;
            }
            k = k / 26 - 1;
        }
        let candidate = format!("{key}{suffix}");
        if !taken(&candidate.to_lowercase()) {
            return candidate;
        }
        n += 1;
    }
}

/// A month as BibTeX's macro, from `{May}`, `"may"`, `5`, `{05}` or `{September}`.
fn month_macro(value: &str) -> Option<&'static str> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let inner = value
        .trim()
        .trim_matches(|c| c == '{' || c == '}' || c == '"')
        .trim()
        .to_ascii_lowercase();
    if let Ok(n) = inner.parse::<usize>() {
        return (1..=12).contains(&n).then(|| MONTHS[n - 1]);
    }
    MONTHS
        .iter()
        .find(|m| inner.len() >= 3 && inner.starts_with(**m))
        .copied()
}

/// `{https://doi.org/10.1/X}` → `{10.1/X}` (the DOI's own case is kept).
fn bare_doi(value: &str) -> String {
    let inner = value
        .trim()
        .trim_matches(|c| c == '{' || c == '}' || c == '"')
        .trim();
    let start = inner.find("10.").unwrap_or(0);
    format!("{{{}}}", &inner[start..])
}

fn collapse_whitespace(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for (i, word) in value.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_become_macros() {
        for (input, expected) in [
            ("{May}", Some("may")),
            ("\"september\"", Some("sep")),
            ("5", Some("may")),
            ("{05}", Some("may")),
            ("{13}", None),
            ("{Spring}", None),
        ] {
            assert_eq!(month_macro(input), expected, "{input}");
        }
    }

    #[test]
    fn collision_suffixes_run_a_to_z_then_aa() {
        assert_eq!(unique_key("k", |_| false), "k");
        assert_eq!(unique_key("k", |k| k == "k"), "ka");
        assert_eq!(unique_key("k", |k| k == "k" || k == "ka"), "kb");
        let taken = |k: &str| k.len() == 2 || k == "k";
        assert_eq!(unique_key("k", taken), "kaa");
    }

    #[test]
    fn written_fields_keep_their_text() {
        let w = Written::read("@Article{X1,\n  Title = {A {B}},\n  month = may,\n  year = 2024 }")
            .expect("parses");
        assert_eq!(w.kind, "article");
        assert_eq!(w.key, "X1");
        assert_eq!(
            w.fields,
            [
                ("title".to_owned(), "{A {B}}".to_owned()),
                ("month".to_owned(), "may".to_owned()),
                ("year".to_owned(), "2024".to_owned()),
            ]
        );
    }
}
