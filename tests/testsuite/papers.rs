//! mdbook-papers on a real book: citations, recent papers, topics, bibliography, and what a
//! hostile or broken BibTeX file does (and does not) do.

use crate::support::{
    Mode, build_and_compare, chapters, copy_fixture, diagnostics_of, load, preprocess,
    run_binary_env,
};
use livingref_core::{Diagnostic, Severity};
use mdbook_driver::MDBook;
use mdbook_preprocessor::PreprocessorContext;

fn diagnostics(edit: impl FnOnce(&std::path::Path)) -> Vec<Diagnostic> {
    diagnostics_of(&mdbook_papers::Papers, "papers", edit)
}

fn shown(d: &Diagnostic) -> String {
    format!(
        "{} @ {}",
        d.message,
        d.location
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default()
    )
}

#[test]
fn papers_book_renders_citations_recent_papers_and_bibliography() {
    build_and_compare(
        "papers",
        &[
            "intro",
            "topics/superposition",
            "whats-new",
            "bibliography",
            "plain",
        ],
    );
}

#[test]
fn one_bad_entry_costs_only_itself() {
    let diags = diagnostics(|_| {});
    let all: Vec<String> = diags.iter().map(shown).collect();
    assert!(
        all.contains(
            &"broken2024: expected comma; the entry is skipped @ refs.bib:43:3".to_owned()
        ),
        "{all:#?}"
    );
    assert!(
        all.contains(&"unknownmacro2024: unknown abbreviation \"nosuchjournal\"; the entry is skipped @ refs.bib:48:13".to_owned()),
        "{all:#?}"
    );
    let duplicate = diags
        .iter()
        .find(|d| d.message.starts_with("duplicate key"))
        .expect("duplicate reported");
    assert_eq!(
        shown(duplicate),
        "duplicate key `elhage2022superposition`; the first definition is used @ refs.bib:62:1"
    );
    assert_eq!(duplicate.related[0].0.to_string(), "refs.bib:5:1");
    assert!(
        diags.iter().all(|d| d.severity == Severity::Warning),
        "{all:#?}"
    );
}

#[test]
fn undefined_citation_points_at_the_chapter_line() {
    let diags = diagnostics(|_| {});
    let missing = diags
        .iter()
        .find(|d| d.message.contains("nosuchpaper2099"))
        .expect("reported");
    assert_eq!(
        shown(missing),
        "citation key `nosuchpaper2099` is not in the bibliography @ src/intro.md:5:15"
    );
}

#[test]
fn hostile_fields_are_escaped_and_unsafe_links_dropped() {
    let dir = copy_fixture("papers");
    let book = preprocess(&load(dir.path(), Mode::Binaries));
    let all: String = chapters(&book).into_iter().map(|(_, c)| c).collect();
    assert!(
        all.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "title is escaped"
    );
    assert!(!all.contains("<script>alert"), "no live script from BibTeX");
    assert!(!all.contains("<img src=x"), "no live tag from BibTeX");
    assert!(!all.contains("href=\"javascript:"), "no javascript: link");
    assert!(!all.contains("href=\"data:"), "no data: link");
}

#[test]
fn strict_fails_on_a_broken_entry() {
    let diags = diagnostics(|root| {
        let toml = std::fs::read_to_string(root.join("book.toml")).unwrap();
        std::fs::write(
            root.join("book.toml"),
            toml.replace("recent-limit = 3", "recent-limit = 3\nstrict = true"),
        )
        .unwrap();
    });
    assert!(diags.iter().any(|d| d.message.starts_with("broken2024")));
    let dir = copy_fixture("papers");
    let toml = std::fs::read_to_string(dir.path().join("book.toml")).unwrap();
    std::fs::write(
        dir.path().join("book.toml"),
        toml.replace("recent-limit = 3", "recent-limit = 3\nstrict = true"),
    )
    .unwrap();
    assert!(
        load(dir.path(), Mode::Binaries).build().is_err(),
        "strict turns the warnings into a failed build"
    );
}

#[test]
fn a_chapter_without_papers_is_byte_identical() {
    let dir = copy_fixture("papers");
    let book = preprocess(&load(dir.path(), Mode::Binaries));
    let (_, plain) = chapters(&book)
        .into_iter()
        .find(|(p, _)| p.ends_with("plain.md"))
        .unwrap();
    assert_eq!(
        plain,
        std::fs::read_to_string(dir.path().join("src/plain.md")).unwrap()
    );
}

/// Without `today`, "recent" is measured from SOURCE_DATE_EPOCH: the same input gives the same
/// bytes on any day.
#[test]
fn source_date_epoch_pins_recent() {
    let dir = copy_fixture("papers");
    let toml = std::fs::read_to_string(dir.path().join("book.toml")).unwrap();
    std::fs::write(
        dir.path().join("book.toml"),
        toml.replace("today = \"2026-11-01\"\n", ""),
    )
    .unwrap();
    let md = MDBook::load(dir.path()).unwrap();
    let ctx = PreprocessorContext::new(dir.path().to_path_buf(), md.config.clone(), "html".into());
    let input = serde_json::to_string(&(ctx, md.book.clone())).unwrap();
    // 2023-01-01: the 2023-10 and later papers are "in the future" and not listed yet.
    let (code, early, stderr) = run_binary_env(
        "mdbook-papers",
        &input,
        &[("SOURCE_DATE_EPOCH", "1672531200")],
    );
    assert_eq!(code, 0, "{stderr}");
    let (_, again, _) = run_binary_env(
        "mdbook-papers",
        &input,
        &[("SOURCE_DATE_EPOCH", "1672531200")],
    );
    assert_eq!(early, again, "deterministic");
    let whats_new = |json: &str| {
        let book: mdbook_driver::book::Book = serde_json::from_str(json).unwrap();
        chapters(&book)
            .into_iter()
            .find(|(p, _)| p.ends_with("whats-new.md"))
            .unwrap()
            .1
    };
    assert!(
        !whats_new(&early).contains("Towards Monosemanticity"),
        "not yet published on 2023-01-01"
    );
    let (_, late, _) = run_binary_env(
        "mdbook-papers",
        &input,
        &[("SOURCE_DATE_EPOCH", "1793145600")],
    );
    assert!(
        whats_new(&late).contains("Towards Monosemanticity"),
        "published by 2026-10-28"
    );
}
