//! The fuzz targets' invariants over generated inputs, on every `cargo test`: chapters built
//! from the constructs that trip naive linkers, glossaries built from words that occur in them.

use proptest::prelude::*;

/// Words the generated glossaries hold, in inflected forms and near misses, and the markup a
/// linker must not break; mixed with the shared tricky constructs.
const LINKER_FRAGMENTS: &[&str] = &[
    "head ",
    "heads ",
    "Head's ",
    "pre-head ",
    "sparse autoencoder ",
    "SAEs ",
    "суперпозицией ",
    "токенов ",
    "поток ",
    "`head`",
    "$head$",
    "{{#cite head}}",
    "[head](x.md)",
    "<a href=\"x\">",
    "</a>",
    "<!-- terms:off -->",
    "<!-- terms:on -->",
    "<!x ",
];

fn fragment() -> impl Strategy<Value = &'static str> {
    let all: Vec<&'static str> = LINKER_FRAGMENTS
        .iter()
        .chain(livingref_core::markdown::TRICKY_FRAGMENTS)
        .copied()
        .collect();
    prop::sample::select(all)
}

fn term() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "Head",
        "Sparse autoencoder (SAE)",
        "Суперпозиция",
        "Токен",
        "Поток",
        "Term",
        "B",
        "Autoencoder",
    ])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// Linking inserts markup only outside protected regions, taking it out gives the chapter
    /// back byte for byte, and the chapter's Markdown structure is unchanged.
    #[test]
    fn linking_is_pure_insertion(
        terms in prop::collection::vec(term(), 1..5),
        parts in prop::collection::vec(fragment(), 0..50),
    ) {
        let input = format!("{}\n\n{}", terms.join("\n"), parts.concat());
        livingref_fuzz::terms(input.as_bytes());
    }

    /// Hypothesis blocks from fragments of valid and invalid TOML never panic or lose content.
    #[test]
    fn cards_never_panic(parts in prop::collection::vec(prop::sample::select(vec![
        "id = \"a\"\n", "title = \"<script>x</script>\"\n", "statement = \"[a](javascript:x)\"\n",
        "status = \"open\"\n", "status = \"nope\"\n", "tags = [\"a\", 1]\n", "evidence = [{ cite = \"k\", stance = \"supports\" }]\n",
        "[[history]]\n", "date = 2026-01-01\n", "last-reviewed = 2026-13-40\n", "x = ", "\"", "{", "]\n",
    ]), 0..12)) {
        livingref_fuzz::hypotheses(parts.concat().as_bytes());
    }
}
