//! Properties of scanning and splicing over generated Markdown built from the constructs that
//! break naive editors: code, math, currency, directives, HTML, links, CRLF, Cyrillic. That
//! real linking keeps a chapter's structure is checked on the linker itself, in
//! `crates/livingref-fuzz` (its `terms` target and property test).

// Tests fail by panicking; unwrap is the clearest way to say "this must hold".
#![allow(clippy::unwrap_used, clippy::expect_used)]

use livingref_core::markdown::{Edit, ParseOptions, ScanOptions, scan, splice};
use proptest::prelude::*;
use std::borrow::Cow;

fn fragment() -> impl Strategy<Value = &'static str> {
    prop::sample::select(livingref_core::markdown::TRICKY_FRAGMENTS)
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
}
