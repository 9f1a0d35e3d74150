//! Citations in a chapter: `{{#cite k1, k2}}` (as mdbook-bib writes them, with an optional
//! locator: `{{#cite k, p. 7}}` or `{{#cite k p=7}}`) and pandoc's forms: `[@key]`,
//! `[@k1; @k2]`, `[see @key, p. 3]`, `[-@key]` (the year alone), and the narrative `@key`
//! and `@key [p. 3]` (the author in the sentence). An e-mail address is never a citation:
//! pandoc's `@` must not follow a letter or digit.

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
    /// `[-@key]`: the author is named in the sentence already; only the year is shown.
    pub suppress_author: bool,
}

/// One citation: where it is written and what it cites.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Citation {
    pub range: Range<usize>,
    pub items: Vec<Item>,
    /// `@key` in running text: the author is part of the sentence (`Doe (2020)`).
    pub narrative: bool,
}

/// Every citation of a chapter, in order. `known` tells a bibliography key: a narrative
/// `@name` is a citation only then, so a handle or a decorator in prose stays as written.
pub(crate) fn find(
    text: &str,
    scanned: &Scanned<'_>,
    known: &dyn Fn(&str) -> bool,
) -> Vec<Citation> {
    let mut out: Vec<Citation> = scanned
        .directives
        .iter()
        .filter_map(|d| d.as_ref().ok())
        .filter(|d| d.name == "cite")
        .map(|d| Citation {
            range: d.range.clone(),
            items: directive_items(d),
            narrative: false,
        })
        .collect();
    out.extend(pandoc(text, scanned));
    out.sort_by_key(|c| c.range.start);
    let narrative = narrative(text, scanned, &out, known);
    out.extend(narrative);
    out.sort_by_key(|c| c.range.start);
    out
}

/// The keys of `{{#cite …}}`, each positional argument one key, except that a locator may
/// follow the last (`{{#cite k, p. 7}}`, `{{#cite k1, k2 pp. 3-5}}`), or be given as
/// `p=7`, `pp=3-5` or `locator="ch. 2"`.
fn directive_items(d: &livingref_core::markdown::Directive<'_>) -> Vec<Item> {
    let mut items: Vec<Item> = Vec::new();
    let mut locator: Vec<&str> = Vec::new();
    for arg in d.positional() {
        let value = arg.value.trim();
        if value.is_empty() {
            continue;
        }
        if !items.is_empty() && (!locator.is_empty() || is_locator_word(value)) {
            locator.push(value);
            continue;
        }
        items.push(Item {
            prefix: String::new(),
            key: value.to_owned(),
            locator: String::new(),
            suppress_author: false,
        });
    }
    let named = [("p", "p."), ("pp", "pp."), ("locator", "")]
        .iter()
        .find_map(|(key, label)| {
            let value = d.get(key)?.value.trim().to_owned();
            Some(if label.is_empty() {
                value
            } else {
                format!("{label} {value}")
            })
        });
    if let Some(last) = items.last_mut() {
        last.locator = named.unwrap_or_else(|| locator.join(" "));
    }
    items
}

/// A word that starts a locator rather than naming a key: `p.`, `pp.`, `ch.`, `§`, `fig.`,
/// or a page number.
fn is_locator_word(word: &str) -> bool {
    const LABELS: &[&str] = &[
        "p.", "pp.", "ch.", "chap.", "sec.", "fig.", "vol.", "no.", "§", "с.", "гл.", "рис.",
    ];
    LABELS.contains(&word.to_lowercase().as_str())
        || word
            .chars()
            .all(|c| c.is_ascii_digit() || c == '-' || c == '–')
}

/// Narrative citations: `@key` in running text where `key` is in the bibliography, with an
/// optional `[locator]` right after (`@doe2020 [p. 3]`).
fn narrative(
    text: &str,
    scanned: &Scanned<'_>,
    bracketed: &[Citation],
    known: &dyn Fn(&str) -> bool,
) -> Vec<Citation> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    for (at, _) in text.match_indices('@') {
        // After a letter, digit or another key character it is an address or part of a word.
        let before = text[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || "_@.-+/\\".contains(c)) {
            continue;
        }
        // `bracketed` is sorted and its citations do not overlap: the last one starting at or
        // before `at` is the only one that can hold it.
        let before_at = bracketed.partition_point(|c| c.range.start <= at);
        if in_sorted(&scanned.protected, at)
            || in_link(scanned, at)
            || before_at > 0 && bracketed[before_at - 1].range.end > at
        {
            continue;
        }
        let key = key_at(&text[at + 1..]);
        if key.is_empty() || !known(key) {
            continue;
        }
        let mut end = at + 1 + key.len();
        let mut locator = String::new();
        // `@key [p. 3]`: a bracket right after, with no `@` in it and not a link.
        if b.get(end) == Some(&b' ') && b.get(end + 1) == Some(&b'[') {
            let open = end + 1;
            if let Some(len) = text[open + 1..].find([']', '[', '@', '\n'])
                && b[open + 1 + len] == b']'
                && !matches!(b.get(open + 2 + len), Some(b'(' | b'[' | b':'))
            {
                locator = text[open + 1..open + 1 + len].trim().to_owned();
                end = open + 2 + len;
            }
        }
        out.push(Citation {
            range: at..end,
            items: vec![Item {
                prefix: String::new(),
                key: key.to_owned(),
                locator,
                suppress_author: false,
            }],
            narrative: true,
        });
    }
    out
}

/// The citation key at the start of `rest` (after its `@`), as pandoc reads one: letters,
/// digits and `_`, with inner punctuation `:.#$%&-+?<>~/`; a key never ends in punctuation.
fn key_at(rest: &str) -> &str {
    let len = rest
        .find(|c: char| !(c.is_alphanumeric() || "_:.#$%&+?<>~/-".contains(c)))
        .unwrap_or(rest.len());
    rest[..len].trim_end_matches(|c: char| !(c.is_alphanumeric() || c == '_'))
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
                narrative: false,
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
            let before = part[..at.0].trim_end();
            let suppress_author = before.ends_with('-');
            let prefix = before.trim_end_matches('-').trim().to_owned();
            let rest = &part[at.0 + 1..];
            let key = key_at(rest);
            if key.is_empty() {
                return None;
            }
            let locator = rest[key.len()..].trim_start_matches(',').trim().to_owned();
            Some(Item {
                prefix,
                key: key.to_owned(),
                locator,
                suppress_author,
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
        find(text, &scanned, &|k| k.starts_with("doe") || k == "a")
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
        // An e-mail address, a handle nobody cites, and code are not citations.
        assert!(keys("Write to doe2020@example.com or @someone, or `@doe2020`.").is_empty());
    }

    #[test]
    fn narrative_suppressed_and_located() {
        let t = |p: &str, k: &str, l: &str| (p.to_owned(), k.to_owned(), l.to_owned());
        assert_eq!(
            keys("As @doe2020 shows, and @doe2021 [p. 3] too; (@a)."),
            [
                vec![t("", "doe2020", "")],
                vec![t("", "doe2021", "p. 3")],
                vec![t("", "a", "")]
            ]
        );
        let scanned = scan(
            "Doe says so [-@doe2020].",
            &ParseOptions::default(),
            &ScanOptions::default(),
        );
        let found = find("Doe says so [-@doe2020].", &scanned, &|_| true);
        assert!(found[0].items[0].suppress_author && !found[0].narrative);
        assert_eq!(
            keys("{{#cite a, p. 7}} {{#cite a doe1 pp. 3-5}} {{#cite a p=9}}"),
            [
                vec![t("", "a", "p. 7")],
                vec![t("", "a", ""), t("", "doe1", "pp. 3-5")],
                vec![t("", "a", "p. 9")]
            ]
        );
    }
}
