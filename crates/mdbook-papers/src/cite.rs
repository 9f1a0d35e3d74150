//! Citations in a chapter: `{{#cite k1, k2}}` (as mdbook-bib writes them) and pandoc's
//! `[@key]`, `[@k1; @k2]`, `[see @key, p. 3]`.

use livingref_core::markdown::Scanned;
use livingref_core::span::in_sorted;
use std::ops::Range;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Item {
    /// Text before the key (`see`), if any.
    pub prefix: String,
    pub key: String,
    /// Text after the key (`p. 3`), if any.
    pub locator: String,
}

/// One citation: where it is written and what it cites.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Citation {
    pub range: Range<usize>,
    pub items: Vec<Item>,
}

/// Every citation of a chapter, in order.
pub(crate) fn find(text: &str, scanned: &Scanned<'_>) -> Vec<Citation> {
    let mut out: Vec<Citation> = scanned
        .directives
        .iter()
        .filter_map(|d| d.as_ref().ok())
        .filter(|d| d.name == "cite")
        .map(|d| Citation {
            range: d.range.clone(),
            items: d
                .positional()
                .map(|a| Item {
                    prefix: String::new(),
                    key: a.value.trim().to_owned(),
                    locator: String::new(),
                })
                .filter(|i| !i.key.is_empty())
                .collect(),
        })
        .collect();
    out.extend(pandoc(text, scanned));
    out.sort_by_key(|c| c.range.start);
    out
}

/// `[…@key…]` outside code, math, HTML, links and images.
fn pandoc(text: &str, scanned: &Scanned<'_>) -> Vec<Citation> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(n) = b.get(i..).and_then(|rest| memchr::memchr(b'[', rest)) {
        let open = i + n;
        i = open + 1;
        if open > 0 && matches!(b[open - 1], b'\\' | b'!') {
            continue;
        }
        let Some(len) = b[open + 1..]
            .iter()
            .take(400)
            .position(|&c| matches!(c, b']' | b'['))
        else {
            continue;
        };
        let close = open + 1 + len;
        if b[close] != b']' || matches!(b.get(close + 1), Some(b'(' | b'[')) {
            continue;
        }
        // `[@alice]: https://…` at the start of a line is a link reference definition, not a
        // citation: Markdown keeps its label for links elsewhere.
        if b.get(close + 1) == Some(&b':') && starts_line(text, open) {
            continue;
        }
        let body = &text[open + 1..close];
        if !body.contains('@') || body.contains("\n\n") {
            continue;
        }
        if in_sorted(&scanned.protected, open) || in_link(scanned, open) {
            continue;
        }
        if let Some(items) = parse_items(body) {
            out.push(Citation {
                range: open..close + 1,
                items,
            });
            i = close + 1;
        }
    }
    out
}

/// Whether only up to three spaces (or a blockquote's `>`) stand between the line start and
/// `pos`, where a link reference definition can begin.
fn starts_line(text: &str, pos: usize) -> bool {
    let line = text[..pos].rsplit('\n').next().unwrap_or_default();
    let rest = line.trim_start_matches(['>', ' ']);
    rest.is_empty() && line.len() - line.trim_start_matches(' ').len() <= 3
}

/// Links come in document order and never nest, so the last one starting at or before `pos`
/// is the only one that can contain it.
fn in_link(scanned: &Scanned<'_>, pos: usize) -> bool {
    let i = scanned.links.partition_point(|l| l.range.start <= pos);
    i > 0 && scanned.links[i - 1].range.end > pos
}

/// `see @a, p. 3; @b` → items; `None` unless every part has a key.
fn parse_items(body: &str) -> Option<Vec<Item>> {
    body.split(';')
        .map(|part| {
            let at = part.char_indices().find(|&(i, c)| {
                c == '@'
                    && part[..i]
                        .chars()
                        .next_back()
                        .is_none_or(|p| p.is_whitespace() || p == '-')
            })?;
            let prefix = part[..at.0].trim().trim_end_matches('-').trim().to_owned();
            let rest = &part[at.0 + 1..];
            let key_len = rest
                .find(|c: char| !(c.is_alphanumeric() || "_:.#$%&+?<>~/-".contains(c)))
                .unwrap_or(rest.len());
            let key = rest[..key_len].trim_end_matches(['.', ':', '?']);
            if key.is_empty() {
                return None;
            }
            let locator = rest[key.len()..].trim_start_matches(',').trim().to_owned();
            Some(Item {
                prefix,
                key: key.to_owned(),
                locator,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use livingref_core::markdown::{ParseOptions, ScanOptions, scan};

    fn keys(text: &str) -> Vec<Vec<(String, String, String)>> {
        let scanned = scan(text, &ParseOptions::default(), &ScanOptions::default());
        find(text, &scanned)
            .into_iter()
            .map(|c| {
                c.items
                    .into_iter()
                    .map(|i| (i.prefix, i.key, i.locator))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn pandoc_and_directive_forms() {
        let t = |p: &str, k: &str, l: &str| (p.to_owned(), k.to_owned(), l.to_owned());
        assert_eq!(
            keys("A {{#cite a, b}} and [@c] and [see @d, p. 3; @e] end."),
            [
                vec![t("", "a", ""), t("", "b", "")],
                vec![t("", "c", "")],
                vec![t("see", "d", "p. 3"), t("", "e", "")]
            ]
        );
    }

    #[test]
    fn not_citations() {
        assert!(
            keys("Mail me at [a@b.org] or `[@code]` or [@link](x.md) or ![@img](i.png).")
                .is_empty()
        );
        assert!(keys("```\n[@fenced]\n```\n").is_empty());
        assert!(keys("An escaped \\[@x] stays.").is_empty());
        assert!(keys("[@alice]: https://example.org/alice\n").is_empty());
        assert_eq!(keys("See [@alice]: it says so.").len(), 1);
    }
}
