//! Properties of scanning and splicing over generated Markdown built from the constructs that
//! break naive editors: code, math, currency, directives, HTML, links, CRLF, Cyrillic.

// Tests fail by panicking; unwrap is the clearest way to say "this must hold".
#![allow(clippy::unwrap_used, clippy::expect_used)]

use livingref_core::markdown::pulldown_cmark::Event;
use livingref_core::markdown::{Edit, ParseOptions, ScanOptions, scan, splice};
use proptest::prelude::*;
use std::borrow::Cow;

fn fragment() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "word ",
        "суперпозиция ",
        "Ёж ",
        "SAE",
        " ",
        "\n",
        "\r\n",
        "\n\n",
        "# ",
        "## Heading\n",
        "`code`",
        "```\n",
        "    ",
        "$",
        "$$",
        "\\\\(",
        "\\\\)",
        "\\",
        "{{#cite k}}",
        "{{#",
        "}}",
        "\"",
        "=",
        "[link](x.md)",
        "![img](i.png)",
        "<span>",
        "</span>",
        "<!-- c -->",
        "<div>\n",
        "*",
        "_",
        "> ",
        "> [!NOTE]\n",
        "- ",
        "1. ",
        "| a | b |\n|---|---|\n",
        "[^1]",
        "[^1]: ",
        "---\n",
        "&amp;",
        "Term\n: def\n",
        "<",
        ">",
        "$5 ",
        "\u{feff}",
    ])
}

fn markdown() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..60).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 5000, ..ProptestConfig::default() })]

    /// Prose regions are well-formed and never overlap a protected range.
    #[test]
    fn prose_is_well_formed(text in markdown(), headings in any::<bool>()) {
        let scanned = scan(&text, &ParseOptions::default(), &ScanOptions { headings_are_prose: headings });
        let mut last_end = 0;
        for p in &scanned.prose {
            prop_assert!(p.range.start < p.range.end, "empty region {:?}", p.range);
            prop_assert!(p.range.start >= last_end, "regions out of order");
            prop_assert!(text.is_char_boundary(p.range.start) && text.is_char_boundary(p.range.end));
            for guard in &scanned.protected {
                prop_assert!(p.range.end <= guard.start || p.range.start >= guard.end,
                    "prose {:?} overlaps protected {:?} in {:?}", p.range, guard, text);
            }
            last_end = p.range.end;
        }
    }

    /// Wrapping every prose region in markup and taking the markup out again gives back the
    /// input byte for byte; with no edits, the very same string comes back.
    #[test]
    fn splicing_is_reversible(text in markdown()) {
        let scanned = scan(&text, &ParseOptions::default(), &ScanOptions::default());
        prop_assert!(matches!(splice(&text, Vec::new()).unwrap(), Cow::Borrowed(t) if t == text));
        let edits: Vec<Edit> = scanned.prose.iter().flat_map(|p| {
            [Edit::insert(p.range.start, "\u{1}"), Edit::insert(p.range.end, "\u{2}")]
        }).collect();
        let wrapped = splice(&text, edits).unwrap();
        let unwrapped: String = wrapped.chars().filter(|c| !matches!(c, '\u{1}' | '\u{2}')).collect();
        prop_assert_eq!(unwrapped, text);
    }

    /// What a plugin really does — wrap a stretch of prose in inline HTML — never changes the
    /// document's structure: same blocks, same emphasis, same links, same code.
    #[test]
    fn wrapping_prose_keeps_structure(text in markdown()) {
        let opts = ParseOptions::default();
        let scanned = scan(&text, &opts, &ScanOptions::default());
        let edits: Vec<Edit> = scanned.prose.iter().flat_map(|p| words(&text, p.range.clone())).flat_map(|w| {
            [Edit::insert(w.start, "<a class=\"t\">"), Edit::insert(w.end, "</a>")]
        }).collect();
        let wrapped = splice(&text, edits).unwrap();
        prop_assert_eq!(structure(&text, &opts), structure(&wrapped, &opts), "wrapped: {:?}", wrapped);
    }
}

/// Maximal runs of letters and digits in `range`: what a glossary linker wraps.
fn words(text: &str, range: std::ops::Range<usize>) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text[range.clone()].char_indices() {
        let at = range.start + i;
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(at),
            (false, Some(s)) => {
                out.push(s..at);
                start = None;
            }
            _ => {}
        }
    }
    out.extend(start.map(|s| s..range.end));
    out
}

/// The parse of `text` with text content blanked and our own inserted tags removed.
fn structure(text: &str, opts: &ParseOptions) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for event in opts.parser(text) {
        let token = match event {
            Event::Text(_) => "text".to_string(),
            Event::InlineHtml(h) if h.as_ref() == "<a class=\"t\">" || h.as_ref() == "</a>" => {
                continue;
            }
            other => format!("{other:?}"),
        };
        if token == "text" && out.last().is_some_and(|t| t == "text") {
            continue;
        }
        out.push(token);
    }
    out
}
