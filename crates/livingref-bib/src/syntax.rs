//! The surface of a `.bib` file, read before biblatex sees it: top-level blocks found by
//! brace matching (which needs no knowledge of fields), entry keys for messages, and the
//! rewrite that makes biblatex read a file the way BibTeX does.

use livingref_core::span::LineIndex;
use livingref_core::{Diagnostic, Diagnostics, Location};
use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

/// A top-level block of a `.bib` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Block {
    pub(crate) kind: String,
    pub(crate) range: Range<usize>,
}

/// Top-level `@type{…}` / `@type(…)` blocks with their byte ranges, and the offset of a block
/// left open at the end of the file. Text between blocks is a comment in BibTeX.
pub(crate) fn split(text: &str) -> (Vec<Block>, Option<usize>) {
    let b = text.as_bytes();
    let mut blocks = Vec::new();
    let mut i = 0;
    while let Some(n) = memchr_at(b, b'@', i) {
        let start = n;
        let mut j = n + 1;
        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
            j += 1;
        }
        let kind = text[n + 1..j].to_ascii_lowercase();
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        let Some(&open) = b.get(j).filter(|c| **c == b'{' || **c == b'(') else {
            i = n + 1;
            continue;
        };
        if kind.is_empty() {
            i = j;
            continue;
        }
        let close = if open == b'{' { b'}' } else { b')' };
        let mut depth = 0usize;
        let mut end = None;
        for (k, &c) in b.iter().enumerate().skip(j) {
            if c == b'\\' {
                continue;
            }
            if c == open || (open == b'(' && c == b'{') {
                depth += 1;
            } else if c == close || (open == b'(' && c == b'}') {
                depth = depth.saturating_sub(1);
                if depth == 0 && c == close {
                    end = Some(k + 1);
                    break;
                }
            }
        }
        let Some(end) = end else {
            return (blocks, Some(start));
        };
        blocks.push(Block {
            kind,
            range: start..end,
        });
        i = end;
    }
    (blocks, None)
}

pub(crate) fn memchr_at(b: &[u8], needle: u8, from: usize) -> Option<usize> {
    b.get(from..)?
        .iter()
        .position(|&c| c == needle)
        .map(|n| from + n)
}

/// The citation key of an entry's source (`@article{key, …`), for messages.
pub(crate) fn entry_key(source: &str) -> String {
    source
        .split_once(['{', '('])
        .map(|(_, rest)| {
            rest.split([',', '}', ')'])
                .next()
                .unwrap_or("")
                .trim()
                .to_owned()
        })
        .filter(|k| !k.is_empty())
        .unwrap_or_else(|| "(entry without a key)".to_owned())
}

/// Whether biblatex reads an entry inside the `@string` block `source`: parsed along with
/// every entry, it would be resolved with them, unchecked.
pub(crate) fn hides_entries(source: &str) -> bool {
    biblatex::RawBibliography::parse(source).is_ok_and(|raw| !raw.entries.is_empty())
}

/// `text` rewritten, byte for byte in place, into the syntax biblatex reads as BibTeX does:
///
/// * `@article(key, …)` and `@string(…)` are valid BibTeX, which biblatex refuses: their
///   outer parentheses become braces;
/// * a field given twice keeps its first value, as BibTeX does (biblatex would keep the
///   last), with a warning at the second, which is blanked out;
/// * TeX that biblatex resolves wrongly is written as TeX it resolves right ([`tex_fixes`]).
///
/// Lengths and line breaks stay, so every offset into the result is one into the file.
/// `None` when the file needs no rewriting (the usual case), so it is not copied.
pub(crate) fn as_biblatex_reads(
    shown: &Path,
    text: &str,
    diags: &mut Diagnostics,
) -> Option<String> {
    let (blocks, _) = split(text);
    let mut out: Option<Vec<u8>> = None;
    let mut index: Option<LineIndex<'_>> = None;
    for block in &blocks {
        if matches!(block.kind.as_str(), "comment" | "preamble") {
            continue;
        }
        let src = &text[block.range.clone()];
        let open = src.find(['{', '(']).unwrap_or(0);
        if src.as_bytes().get(open) == Some(&b'(') && src.ends_with(')') {
            let bytes = out.get_or_insert_with(|| text.as_bytes().to_vec());
            bytes[block.range.start + open] = b'{';
            bytes[block.range.end - 1] = b'}';
        }
        if block.kind == "string" || !may_repeat_a_field(src) {
            continue;
        }
        let braced: String = match &out {
            Some(bytes) => String::from_utf8_lossy(&bytes[block.range.clone()]).into_owned(),
            None => src.to_owned(),
        };
        let Ok(raw) = biblatex::RawBibliography::parse(&braced) else {
            continue;
        };
        let Some(entry) = raw.entries.first() else {
            continue;
        };
        let mut seen: HashMap<String, usize> = HashMap::new();
        for pair in &entry.v.fields {
            let name = pair.key.v.to_ascii_lowercase();
            let Some(&first) = seen.get(&name) else {
                seen.insert(name, pair.key.span.start);
                continue;
            };
            // From the comma before the field to the end of its value.
            let from = braced[..pair.key.span.start]
                .rfind(',')
                .unwrap_or(pair.key.span.start);
            let to = pair.value.span.end;
            let index = index.get_or_insert_with(|| LineIndex::new(text));
            diags.push(
                Diagnostic::warning(format!(
                    "{}: field `{name}` is given twice; the first value is kept, as BibTeX does",
                    entry.v.key.v
                ))
                .at(Location::in_text(
                    shown,
                    index,
                    block.range.start + pair.key.span.start..block.range.start + pair.key.span.end,
                ))
                .related(
                    Location::in_text(
                        shown,
                        index,
                        block.range.start + first..block.range.start + first + 1,
                    ),
                    "first given here",
                )
                .help("remove one of the two"),
            );
            let bytes = out.get_or_insert_with(|| text.as_bytes().to_vec());
            for b in &mut bytes[block.range.start + from..block.range.start + to] {
                if *b != b'\n' {
                    *b = b' ';
                }
            }
        }
    }
    tex_fixes(text, &mut out);
    // Only ASCII bytes were replaced, at ASCII bytes, whole values blanked, and whole TeX
    // commands replaced by whole characters: still UTF-8.
    out.and_then(|bytes| String::from_utf8(bytes).ok())
}

/// TeX commands biblatex gets wrong, rewritten in place into equal-length text it reads
/// right (checked against biblatex 0.12, command by command, in the tests):
///
/// * `\i` and `\j`, the dotless letters accents go on: biblatex put `{\'\i}` before the
///   `i` (`Garc\u{301}ia`) and dropped `\j`. They become `ı` and `ȷ` (two bytes each, as
///   the commands), which biblatex composes with an accent (`{\'ı}` is `í`).
/// * `\o{}` and `\O{}`: read as an overlay accent on nothing (a stray `\u{338}`). They
///   become `{\o}` and `{\O}`, which it reads as `ø` and `Ø`.
/// * `\t{oo}`, the tie accent, which it drops: `{o͡o}`.
fn tex_fixes(text: &str, out: &mut Option<Vec<u8>>) {
    let b = text.as_bytes();
    let mut from = 0;
    while let Some(n) = memchr_at(b, b'\\', from) {
        from = n + 1;
        let next = b.get(n + 1).copied();
        let after = b.get(n + 2).copied();
        let replacement: Option<&[u8]> = match (next, after) {
            (Some(b'i'), a) if !a.is_some_and(|c| c.is_ascii_alphabetic()) => Some("ı".as_bytes()),
            (Some(b'j'), a) if !a.is_some_and(|c| c.is_ascii_alphabetic()) => Some("ȷ".as_bytes()),
            (Some(b'o'), Some(b'{')) if b.get(n + 3) == Some(&b'}') => Some(b"{\\o}"),
            (Some(b'O'), Some(b'{')) if b.get(n + 3) == Some(&b'}') => Some(b"{\\O}"),
            (Some(b't'), Some(b'{'))
                if b.get(n + 5) == Some(&b'}')
                    && b[n + 3..n + 5].iter().all(u8::is_ascii_alphabetic) =>
            {
                let tied = format!("{{{}\u{361}{}}}", b[n + 3] as char, b[n + 4] as char);
                let bytes = out.get_or_insert_with(|| b.to_vec());
                bytes[n..n + 6].copy_from_slice(tied.as_bytes());
                continue;
            }
            _ => None,
        };
        if let Some(replacement) = replacement {
            let bytes = out.get_or_insert_with(|| b.to_vec());
            bytes[n..n + replacement.len()].copy_from_slice(replacement);
        }
    }
}

/// Whether an entry may name one field twice: a cheap look at the names after each comma,
/// so that only such entries are parsed to find out.
pub(crate) fn may_repeat_a_field(src: &str) -> bool {
    let mut names: Vec<String> = src
        .split(',')
        .skip(1)
        .filter_map(|part| {
            let part = part.trim_start();
            let name: String = part
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
                .collect();
            (!name.is_empty() && part[name.len()..].trim_start().starts_with('='))
                .then(|| name.to_ascii_lowercase())
        })
        .collect();
    let before = names.len();
    names.sort_unstable();
    names.dedup();
    names.len() != before
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_blocks_and_skips_text_between() {
        let text = "junk @article{a, title={x {y}}}\n% c\n@string(s = \"v\")\n@misc{b, note={\\}}}";
        let (blocks, open) = split(text);
        let kinds: Vec<&str> = blocks.iter().map(|b| b.kind.as_str()).collect();
        assert_eq!(kinds, ["article", "string", "misc"]);
        assert_eq!(&text[blocks[0].range.clone()], "@article{a, title={x {y}}}");
        assert_eq!(open, None);
        assert_eq!(split("@article{a, title={x}").1, Some(0));
    }

    #[test]
    fn keys_for_messages() {
        assert_eq!(entry_key("@article{ elhage2022 , title={x}}"), "elhage2022");
        assert_eq!(entry_key("@article{, title={x}}"), "(entry without a key)");
    }
}
