//! The passthrough guarantee: a chapter with nothing for a plugin to change comes out
//! byte-identical, whichever way mdBook runs the plugins.

use crate::support::{
    Mode, build_and_compare, chapter, chapters, copy_fixture, edited_book, load, preprocess,
};
use mdbook_driver::MDBook;
use mdbook_driver::config::Config;

/// The same book with every livingref plugin switched off (`renderers = []`): what mdBook
/// alone makes of it, `{{#include}}` and `README.md` handling included.
fn baseline(root: &std::path::Path) -> MDBook {
    let mut config = Config::from_disk(root.join("book.toml")).unwrap();
    for name in crate::support::PLUGINS {
        config
            .set(
                format!("preprocessor.{name}.renderers"),
                Vec::<String>::new(),
            )
            .unwrap();
    }
    MDBook::load_with_config(root, config).unwrap()
}

#[test]
fn tricky_chapters_are_byte_identical_in_process_and_as_binaries() {
    let dir = copy_fixture("tricky");
    // The glossary page is the one chapter a plugin rewrites on purpose.
    let not_glossary = |(p, _): &(std::path::PathBuf, String)| !p.ends_with("glossary.md");
    let expected: Vec<_> = chapters(&preprocess(&baseline(dir.path())))
        .into_iter()
        .filter(not_glossary)
        .collect();
    assert_eq!(expected.len(), 8, "fixture chapters");
    for mode in [Mode::InProcess, Mode::Binaries] {
        let actual: Vec<_> = chapters(&preprocess(&load(dir.path(), mode)))
            .into_iter()
            .filter(not_glossary)
            .collect();
        assert_eq!(actual.len(), expected.len());
        for ((path, want), (_, got)) in expected.iter().zip(&actual) {
            assert!(
                want == got,
                "{mode:?}: {} changed:\n--- before\n{want:?}\n--- after\n{got:?}",
                path.display()
            );
        }
    }
}

#[test]
fn crlf_survives_the_json_round_trip() {
    let ru = chapter(&edited_book("tricky", Mode::Binaries, |_| {}), "ru.md");
    assert!(
        ru.contains("Строка с переносом\r\nи продолжением."),
        "{ru:?}"
    );
}

#[test]
fn tricky_book_renders_the_same_main_both_ways() {
    let pages = [
        "intro",
        "code",
        "math",
        "html",
        "structure",
        "nested/deep",
        "frontmatter",
        "ru",
    ];
    build_and_compare("tricky", &pages);
}
