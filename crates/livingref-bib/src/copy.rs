//! What a paper's "Copy BibTeX" button holds.
//!
//! The entry as the maintainer wrote it, byte for byte, when it stands on its own. One that
//! leans on the rest of its file (an `@string` macro such as `booktitle = neurips`, or fields
//! inherited through `crossref`) would be broken pasted into another file, so it is made
//! self-contained: its fields still as written, macros replaced by their text, the inherited
//! fields written in, and the `crossref`/`xdata` links dropped. A copy is kept only if it
//! reads back, through the same checks and biblatex, as the same entry; otherwise the button
//! holds the entry as written.

use crate::paper::render_chunks;
use biblatex::{ChunksExt, RawBibliography, RawChunk};
use std::collections::HashMap;
use std::path::PathBuf;

/// Fields that point at other entries: meaningless in a copy on its own.
const LINKS: &[&str] = &["crossref", "xdata", "xref"];

/// BibTeX's month macros, which every style defines: kept as written.
const MONTHS: &[&str] = &[
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// How deep a macro may be built from other macros (validation refused deeper ones).
const MAX_DEPTH: usize = 32;

/// The copy button's text for the entry written as `source`, with the file's `@string`
/// blocks `strings`, which biblatex resolved as `resolved`.
pub(crate) fn for_copy(source: &str, strings: &str, resolved: &biblatex::Entry) -> String {
    if !leans_on_others(source) {
        return source.to_owned();
    }
    self_contained(source, strings, resolved)
        .filter(|copy| reads_back_as(copy, resolved))
        .unwrap_or_else(|| source.to_owned())
}

/// Whether an entry as written needs other entries or `@string`s to mean anything: it names
/// a `crossref`/`xdata` parent, or a field's value is a macro or joins one with `#` (the
/// month macros aside).
fn leans_on_others(source: &str) -> bool {
    let lower = source.to_ascii_lowercase();
    if lower.contains("crossref") || lower.contains("xdata") {
        return true;
    }
    // `=` between fields only: at depth 1 (inside the entry's own braces), outside quotes,
    // so a URL's `?a=b` or a title's `x = y` does not count.
    let b = source.as_bytes();
    let (mut depth, mut quoted) = (0usize, false);
    for (at, &c) in b.iter().enumerate() {
        match c {
            b'{' | b'(' if !quoted => depth += 1,
            b'}' | b')' if !quoted => depth = depth.saturating_sub(1),
            b'"' if depth == 1 => quoted = !quoted,
            b'#' if depth == 1 && !quoted => return true,
            b'=' if depth == 1 && !quoted => {
                let field = source[..at]
                    .trim_end()
                    .rsplit([',', '{', '(', '\n', ' ', '\t'])
                    .next()
                    .unwrap_or_default();
                let value = b[at + 1..].iter().find(|c| !c.is_ascii_whitespace());
                if !field.eq_ignore_ascii_case("month")
                    && value.is_some_and(u8::is_ascii_alphabetic)
                {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// The entry rewritten to stand alone; `None` if its source does not parse on its own.
fn self_contained(source: &str, strings: &str, resolved: &biblatex::Entry) -> Option<String> {
    let raw = RawBibliography::parse(source).ok()?;
    let entry = raw.entries.first()?;
    let macros_raw = RawBibliography::parse(strings).ok();
    let macros: HashMap<&str, &Vec<biblatex::Spanned<RawChunk<'_>>>> = macros_raw
        .iter()
        .flat_map(|m| &m.abbreviations)
        .map(|pair| (pair.key.v, &pair.value.v))
        .collect();
    let mut lines: Vec<String> = Vec::new();
    let mut written: Vec<String> = Vec::new();
    for pair in &entry.v.fields {
        let name = pair.key.v;
        let lower = name.to_ascii_lowercase();
        if LINKS.contains(&lower.as_str()) {
            continue;
        }
        written.push(lower);
        let chunks = &pair.value.v;
        let value = match chunks.as_slice() {
            // As written (with its braces or quotes) when nothing in it is a macro.
            _ if chunks.iter().all(|c| matches!(c.v, RawChunk::Normal(_))) => {
                source.get(pair.value.span.clone())?.trim().to_owned()
            }
            [one] if matches!(one.v, RawChunk::Abbreviation(m) if MONTHS.contains(&m) && !macros.contains_key(m)) => {
                source.get(pair.value.span.clone())?.trim().to_owned()
            }
            _ => format!("{{{}}}", expand(chunks, &macros, 0)?),
        };
        lines.push(format!("  {name} = {value}"));
    }
    // What the entry inherits: the fields biblatex resolved that it does not write itself.
    for (name, chunks) in &resolved.fields {
        let written_as = match name.as_str() {
            "journaltitle" => "journal",
            "location" => "address",
            other => other,
        };
        if LINKS.contains(&name.as_str())
            || written.iter().any(|w| w == name || w == written_as)
            || (name == "date" && written.iter().any(|w| w == "year"))
        {
            continue;
        }
        lines.push(format!(
            "  {written_as} = {}",
            chunks.to_biblatex_string(false)
        ));
    }
    Some(format!(
        "@{}{{{},\n{}\n}}",
        entry.v.kind.v,
        entry.v.key.v,
        lines.join(",\n")
    ))
}

/// A field's text with every macro replaced by its definition's text, as TeX.
fn expand(
    chunks: &[biblatex::Spanned<RawChunk<'_>>],
    macros: &HashMap<&str, &Vec<biblatex::Spanned<RawChunk<'_>>>>,
    depth: usize,
) -> Option<String> {
    if depth > MAX_DEPTH {
        return None;
    }
    let mut out = String::new();
    for chunk in chunks {
        match chunk.v {
            RawChunk::Normal(text) => out.push_str(text),
            RawChunk::Abbreviation(name) => match macros.get(name) {
                Some(definition) => out.push_str(&expand(definition, macros, depth + 1)?),
                // A month, which a braced value cannot name: biblatex's long form.
                None => out.push_str(name),
            },
        }
    }
    Some(out)
}

/// Whether `copy`, alone in a file, reads as one entry whose every field shows as the
/// resolved entry's does (the links to parents aside).
fn reads_back_as(copy: &str, resolved: &biblatex::Entry) -> bool {
    let file = [(PathBuf::from("copy.bib"), copy.to_owned())];
    let Some(checked) = crate::validate::check(&file, None) else {
        return false;
    };
    let Ok(back) = biblatex::Bibliography::parse(copy) else {
        return false;
    };
    let Some(again) = back
        .get(&resolved.key)
        .filter(|_| checked.good.len() == 1 && back.len() == 1)
    else {
        return false;
    };
    let shown = |e: &biblatex::Entry, field: &str| {
        e.fields.get(field).map(|chunks| {
            let chunks: Vec<biblatex::Chunk> = chunks.iter().map(|c| c.v.clone()).collect();
            render_chunks(&chunks).0
        })
    };
    resolved
        .fields
        .keys()
        .filter(|f| !LINKS.contains(&f.as_str()))
        .all(|field| shown(resolved, field) == shown(again, field))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse;
    use livingref_core::Diagnostics;

    fn copies(bib: &str) -> Vec<(String, String)> {
        let mut diags = Diagnostics::new();
        let parsed = parse(vec![(PathBuf::from("a.bib"), bib.to_owned())], &mut diags);
        parsed
            .papers
            .iter()
            .map(|p| (p.key.clone(), p.bibtex.clone()))
            .collect()
    }

    /// #20: a copy pasted into an empty file parses, and shows what the page shows.
    #[test]
    fn a_copy_stands_on_its_own() {
        let bib = "@string{neurips = {Advances in Neural Information Processing Systems}}\n\
                   @proceedings{procs2024, title = {Proceedings 2024}, publisher = {Curran}, year = 2024}\n\
                   @inproceedings{child, title = {T\\'el\\'ecom {S}tudies}, author = {Doe, J.}, \
                   booktitle = neurips, crossref = {procs2024}, month = sep}\n\
                   @article{plain, title = {Plain}, year = {2020}, url = {https://x.org/?a=b}}\n";
        let all = copies(bib);
        let (_, plain) = all.iter().find(|(k, _)| k == "plain").unwrap();
        assert_eq!(
            plain,
            "@article{plain, title = {Plain}, year = {2020}, url = {https://x.org/?a=b}}"
        );
        let (_, child) = all.iter().find(|(k, _)| k == "child").unwrap();
        assert!(
            child.contains("title = {T\\'el\\'ecom {S}tudies}"),
            "{child}"
        );
        assert!(
            child.contains("booktitle = {Advances in Neural Information Processing Systems}"),
            "{child}"
        );
        assert!(child.contains("month = sep"), "{child}");
        assert!(child.contains("publisher = {Curran}"), "{child}");
        assert!(!child.to_lowercase().contains("crossref"), "{child}");
        // Pasted into an empty file: one entry, the same paper.
        let again = copies(child);
        assert_eq!(again.len(), 1);
        let mut diags = Diagnostics::new();
        let original = parse(vec![(PathBuf::from("a.bib"), bib.to_owned())], &mut diags);
        let pasted = parse(vec![(PathBuf::from("b.bib"), child.clone())], &mut diags);
        let (a, b) = (original.get("child").unwrap(), pasted.get("child").unwrap());
        assert_eq!(
            (&a.title, &a.venue, a.year()),
            (&b.title, &b.venue, b.year())
        );
    }
}
