//! What a paper's "Copy BibTeX" button holds.
//!
//! The entry as the maintainer wrote it, byte for byte, when it stands on its own. One that
//! leans on the rest of its file (an `@string` macro such as `booktitle = neurips`, or fields
//! inherited through `crossref`) would be broken pasted into another file, so it is made
//! self-contained: its fields still as written, macros replaced by their resolved text, the inherited
//! fields written in, and the `crossref`/`xdata` links dropped. An entry whose key BibTeX
//! could not write back (a hostile one, with braces or an `@`) keeps the bytes as written.
//! That a copy reads back alone as the same paper is checked by the tests and by the
//! `bibtex` fuzz target rather than on every build: it would parse every entry twice more
//! (a 10,000-entry bibliography whose entries all use a journal macro took twice as long).

use biblatex::ChunksExt;

/// Fields that point at other entries: meaningless in a copy on its own.
const LINKS: &[&str] = &["crossref", "xdata", "xref"];

/// BibTeX's month macros, which every style defines: kept as written (a file that redefines
/// one is rare enough to copy as written too).
const MONTHS: &[&str] = &[
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// The copy button's text for the entry written as `source`, which biblatex resolved as
/// `resolved` (macros expanded, parents' fields inherited).
pub(crate) fn for_copy(source: &str, resolved: &biblatex::Entry) -> String {
    let writable_key = resolved
        .key
        .chars()
        .all(|c| c.is_alphanumeric() || "_:.-/+".contains(c));
    if !writable_key {
        return source.to_owned();
    }
    self_contained(source, resolved).unwrap_or_else(|| source.to_owned())
}

/// One `name = value` of an entry as written: byte ranges into its source.
struct Written {
    name: std::ops::Range<usize>,
    value: std::ops::Range<usize>,
    /// From the name to the start of the next field (its comma included), for removal.
    whole: std::ops::Range<usize>,
    /// The value is one braced or quoted text or a number: no macro in it.
    plain: bool,
}

/// The fields of an entry's source, read at brace depth 1 without a full parse (a copy is
/// made for every entry that uses a journal macro, so this runs thousands of times); `None`
/// for anything unusual, which then keeps the bytes as written.
fn written_fields(source: &str) -> Option<Vec<Written>> {
    let b = source.as_bytes();
    let name_char = |c: u8| c.is_ascii_alphanumeric() || b"_:.-+".contains(&c);
    let skip_ws = |mut i: usize| {
        while b.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        i
    };
    let open = source.find(['{', '('])?;
    let mut i = open + 1;
    // The key, up to its comma.
    while *b.get(i)? != b',' {
        if matches!(b[i], b'{' | b'}' | b'(' | b')' | b'"' | b'=') {
            return None;
        }
        i += 1;
    }
    let mut fields = Vec::new();
    loop {
        i = skip_ws(i + 1);
        match b.get(i)? {
            b'}' | b')' => break,
            b',' => continue,
            _ => {}
        }
        let name_start = i;
        while b.get(i).is_some_and(|&c| name_char(c)) {
            i += 1;
        }
        let name = name_start..i;
        i = skip_ws(i);
        if name.is_empty() || *b.get(i)? != b'=' {
            return None;
        }
        i = skip_ws(i + 1);
        let value_start = i;
        let mut parts = 0;
        let mut plain = true;
        loop {
            parts += 1;
            let (next, text) = value_part(b, i)?;
            plain &= text;
            i = next;
            let value_end = i;
            i = skip_ws(i);
            if b.get(i) == Some(&b'#') {
                i = skip_ws(i + 1);
                continue;
            }
            plain &= parts == 1;
            let whole_end = if b.get(i) == Some(&b',') {
                skip_ws(i + 1)
            } else {
                i
            };
            fields.push(Written {
                name,
                value: value_start..value_end,
                whole: name_start..whole_end,
                plain,
            });
            break;
        }
        match *b.get(i)? {
            b',' => {}
            b'}' | b')' => break,
            _ => return None,
        }
    }
    Some(fields)
}

/// The end of one part of a field value starting at `i` (a braced or quoted text, or a bare
/// word: a macro or a number), and whether it is text rather than a macro.
fn value_part(b: &[u8], mut i: usize) -> Option<(usize, bool)> {
    let name_char = |c: u8| c.is_ascii_alphanumeric() || b"_:.-+".contains(&c);
    match *b.get(i)? {
        b'{' => {
            let mut depth = 0usize;
            loop {
                match *b.get(i)? {
                    b'\\' => i += 1,
                    b'{' => depth += 1,
                    b'}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            Some((i + 1, true))
        }
        b'"' => {
            i += 1;
            let mut depth = 0usize;
            while *b.get(i)? != b'"' || depth > 0 {
                match b[i] {
                    b'\\' => i += 1,
                    b'{' => depth += 1,
                    b'}' => depth = depth.checked_sub(1)?,
                    _ => {}
                }
                i += 1;
            }
            Some((i + 1, true))
        }
        c if name_char(c) => {
            let number = c.is_ascii_digit();
            while b.get(i).is_some_and(|&c| name_char(c)) {
                i += 1;
            }
            Some((i, number))
        }
        _ => None,
    }
}

/// The entry rewritten to stand alone: each macro-valued field replaced by its resolved text,
/// the links to parents removed, and what it inherits appended. `None` when the entry is not
/// one that this can rewrite safely.
fn self_contained(source: &str, resolved: &biblatex::Entry) -> Option<String> {
    // Most entries write every value as text: nothing to do, and no allocation.
    if !source.contains('=') {
        return None;
    }
    let fields = written_fields(source)?;
    let is_link = |f: &Written| {
        let name = &source[f.name.clone()];
        LINKS.iter().any(|l| l.eq_ignore_ascii_case(name))
    };
    let is_month = |f: &Written| {
        source[f.name.clone()].eq_ignore_ascii_case("month")
            && MONTHS
                .iter()
                .any(|m| m.eq_ignore_ascii_case(&source[f.value.clone()]))
    };
    // The common case costs one scan: nothing links and every value is text or a month.
    if fields
        .iter()
        .all(|f| !is_link(f) && (f.plain || is_month(f)))
    {
        return None;
    }
    let canonical = |name: &str| match name {
        "journal" => "journaltitle".to_owned(),
        "address" => "location".to_owned(),
        other => other.to_owned(),
    };
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    let mut written: Vec<String> = Vec::new();
    for field in &fields {
        let name = source[field.name.clone()].to_ascii_lowercase();
        if LINKS.contains(&name.as_str()) {
            edits.push((field.whole.clone(), String::new()));
            continue;
        }
        written.push(canonical(&name));
        written.push(name.clone());
        let value = &source[field.value.clone()];
        let month = name == "month" && MONTHS.contains(&value.to_ascii_lowercase().as_str());
        if field.plain || month {
            continue;
        }
        let chunks = resolved
            .fields
            .get(&name)
            .or_else(|| resolved.fields.get(&canonical(&name)))?;
        edits.push((field.value.clone(), chunks.to_biblatex_string(false)));
    }
    let linked = edits.iter().any(|(_, r)| r.is_empty());
    if edits.is_empty() {
        return None;
    }
    // What the entry inherits: the fields biblatex resolved that it does not write itself.
    let mut inherited = String::new();
    for (name, chunks) in resolved.fields.iter().filter(|_| linked) {
        let shown_as = match name.as_str() {
            "journaltitle" => "journal",
            "location" => "address",
            other => other,
        };
        if LINKS.contains(&name.as_str())
            || written.iter().any(|w| w == name)
            || (name == "date" && written.iter().any(|w| w == "year"))
        {
            continue;
        }
        inherited.push_str(&format!(
            ",\n  {shown_as} = {}",
            chunks.to_biblatex_string(false)
        ));
    }
    // The entry's closing brace: the last byte, as the block splitter found it.
    let close = source.len().checked_sub(1)?;
    let mut out = String::with_capacity(source.len() + inherited.len());
    let mut at = 0;
    for (range, replacement) in edits {
        out.push_str(&source[at..range.start]);
        out.push_str(&replacement);
        at = range.end;
    }
    let body = source[at..close].trim_end();
    let body = body.strip_suffix(',').unwrap_or(body);
    out.push_str(body);
    out.push_str(&inherited);
    out.push('\n');
    out.push_str(&source[close..]);
    // Inherited fields come from another entry, perhaps a hostile one: a copy that has them
    // (rare: `crossref` children) must read back alone as this one entry.
    if !inherited.is_empty() && !stands_alone(&out, &resolved.key) {
        return None;
    }
    Some(out)
}

/// Whether `copy`, alone in a file, passes the loader's checks as one entry with `key`.
fn stands_alone(copy: &str, key: &str) -> bool {
    let file = [(std::path::PathBuf::from("copy.bib"), copy.to_owned())];
    crate::validate::check(&file, None).is_some_and(|c| c.good.len() == 1)
        && biblatex::Bibliography::parse(copy)
            .is_ok_and(|back| back.len() == 1 && back.get(key).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paper::render_chunks;
    use crate::parse;
    use livingref_core::Diagnostics;
    use std::path::PathBuf;

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
        // Every field, as biblatex resolves it, reads the same.
        let resolved = biblatex::Bibliography::parse(bib).unwrap();
        assert!(reads_back_as(child, resolved.get("child").unwrap()));
    }
}
