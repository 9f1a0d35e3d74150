//! The example books under `examples/` build, and show what they promise.

use crate::support::{Mode, chapter, load, repo_root};

/// (term id, linked text) for every term link in `markdown`, as the plugin writes them for
/// renderers other than HTML: `[text](glossary.md#id)`.
fn term_links(markdown: &str) -> Vec<(String, String)> {
    let marker = "](glossary.md#";
    markdown
        .match_indices(marker)
        .map(|(at, _)| {
            let text = &markdown[markdown[..at].rfind('[').unwrap() + 1..at];
            let rest = &markdown[at + marker.len()..];
            (rest[..rest.find(')').unwrap()].to_owned(), text.to_owned())
        })
        .collect()
}

/// The Russian mini-book links terms in the cases and numbers its prose uses them in.
#[test]
fn russian_example_links_inflected_forms() {
    // Renderer-agnostic: read the Markdown links the plugin writes for other renderers.
    let book = crate::support::preprocess_for(
        &load(&repo_root().join("examples/ru"), Mode::InProcess),
        "markdown",
    );
    let mut links = Vec::new();
    for file in ["intro.md", "features.md", "circuits.md"] {
        links.extend(term_links(&chapter(&book, file)));
    }
    let linked = |id: &str, text: &str| links.iter().any(|(i, t)| i == id && t == text);
    for (id, form) in [
        ("feature", "признаки"),            // accusative plural
        ("feature", "признаков"),           // genitive plural
        ("superposition", "суперпозицией"), // instrumental
        ("polysemantic-neuron", "полисемантичным нейроном"),
        ("sae", "разреженный автоэнкодер"), // nominative
        ("induction-head", "индукционная головка"),
        ("attention-head", "головок внимания"), // genitive plural, with the fleeting о
        ("residual-stream", "остаточный поток"),
        ("token", "токен"),
        ("activation-patching", "патчингом активаций"),
        ("in-context-learning", "обучение в контексте"),
    ] {
        assert!(
            linked(id, form),
            "`{form}` → {id} not linked; links: {links:?}"
        );
    }
    // Words that only share a stem with a term stay plain.
    assert!(
        !links
            .iter()
            .any(|(_, t)| t == "признать" || t == "токенизация")
    );
    // The hypothesis card speaks Russian.
    let features = chapter(&book, "features.md");
    assert!(
        features.contains("подтверждена")
            || features.contains("Подтверждена")
            || features.contains("подтверждено"),
        "{features}"
    );
}
