//! The JSON protocol as mdBook speaks it, through the compiled binaries.

use crate::support::{PLUGINS, assert_expected, run_binary};
use mdbook_driver::book::{Book, BookItem, Chapter};
use mdbook_driver::config::Config;
use mdbook_preprocessor::PreprocessorContext;
use std::path::PathBuf;
use std::str::FromStr;

/// `[context, book]` as mdBook 0.5 serializes it, for a book with the given `book.toml`.
fn input(book_toml: &str) -> String {
    let config = Config::from_str(book_toml).unwrap();
    let ctx = PreprocessorContext::new(PathBuf::from("/nonexistent/book"), config, "html".into());
    let mut chapter = Chapter::new(
        "Intro",
        "# Intro\r\n\r\nSome *text* with `code`.\n".into(),
        "intro.md",
        vec![],
    );
    chapter.sub_items.push(BookItem::Chapter(Chapter::new(
        "Вложенная",
        "Текст — $x$.\n".into(),
        "nested/ru.md",
        vec!["Intro".into()],
    )));
    let glossary = Chapter::new(
        "Glossary",
        "# Glossary\n\nZyzzyva\n: A word no chapter uses.\n".into(),
        "glossary.md",
        vec![],
    );
    let book = Book::new_with_items(vec![
        BookItem::Chapter(chapter),
        BookItem::Chapter(glossary),
        BookItem::Separator,
        BookItem::PartTitle("Part".into()),
    ]);
    serde_json::to_string(&(ctx, book)).unwrap()
}

const BOOK_TOML: &str = "[book]\ntitle = \"Golden\"\n\n[preprocessor.terms]\n[preprocessor.papers]\nbibliography = []\n[preprocessor.hypotheses]\n";

#[test]
fn golden_protocol_round_trip() {
    let input = input(BOOK_TOML);
    // The input pins what mdBook 0.5.4 sends; a change here means mdBook changed the protocol.
    assert_expected("protocol/input.json", &input);
    for plugin in PLUGINS {
        let (code, stdout, stderr) = run_binary(&format!("mdbook-{plugin}"), &[], &input);
        assert_eq!(code, 0, "{plugin}: {stderr}");
        assert!(!stderr.contains("error"), "{plugin}: {stderr}");
        assert_expected(&format!("protocol/{plugin}-output.json"), &stdout);
    }
}

#[test]
fn supports_version_and_help() {
    for plugin in PLUGINS {
        let bin = format!("mdbook-{plugin}");
        for renderer in ["html", "markdown", "epub"] {
            assert_eq!(
                run_binary(&bin, &["supports", renderer], "").0,
                0,
                "{bin} supports {renderer}"
            );
        }
        let (code, stdout, _) = run_binary(&bin, &["--version"], "");
        assert_eq!(code, 0);
        assert_eq!(
            stdout,
            format!("{bin} {} (for mdBook ^0.5)\n", env!("CARGO_PKG_VERSION"))
        );
        let (code, stdout, _) = run_binary(&bin, &["--help"], "");
        assert_eq!(code, 0);
        assert!(
            stdout.contains(&format!("[preprocessor.{plugin}]")),
            "{stdout}"
        );
        assert!(stdout.contains("Exit codes:"), "{stdout}");
        let (code, _, stderr) = run_binary(&bin, &["frobnicate"], "");
        assert_eq!(code, 2);
        assert!(
            stderr.starts_with("error: unexpected arguments `frobnicate`"),
            "{stderr}"
        );
    }
}

#[test]
fn mdbook_0_4_input_fails_with_both_versions_named() {
    let input =
        std::fs::read_to_string(crate::support::fixture("protocol/mdbook-0.4.json")).unwrap();
    for plugin in PLUGINS {
        let (code, stdout, stderr) = run_binary(&format!("mdbook-{plugin}"), &[], &input);
        assert_eq!(code, 2, "{stderr}");
        assert_eq!(stdout, "", "no partial output");
        assert!(
            stderr.contains(&format!(
                "mdbook-{plugin} {} works with mdBook 0.5, but was run by mdBook 0.4.40",
                env!("CARGO_PKG_VERSION")
            )),
            "{stderr}"
        );
        assert!(!stderr.contains("missing field"), "{stderr}");
    }
}

#[test]
fn garbage_input_is_a_protocol_error() {
    let (code, stdout, stderr) = run_binary("mdbook-terms", &[], "not json");
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert!(
        stderr.starts_with("error[terms]: the input is not mdBook preprocessor JSON"),
        "{stderr}"
    );
}

#[test]
fn wrong_config_type_fails_without_output() {
    let bad_type = input("[preprocessor.terms]\nlink = 5\n");
    let (code, stdout, stderr) = run_binary("mdbook-terms", &[], &bad_type);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stdout, "", "no partial output");
    assert!(
        stderr.starts_with(
            "error[terms]: invalid value for `link` in `[preprocessor.terms]`: invalid type: integer `5`, expected a string"
        ),
        "{stderr}"
    );
    assert!(
        stderr.ends_with("terms: 1 error; the build fails\n"),
        "{stderr}"
    );

    let (code, stdout, stderr) = run_binary(
        "mdbook-terms",
        &[],
        &input("[preprocessor.terms]\nlink = \"sometimes\"\n"),
    );
    assert_eq!((code, stdout.as_str()), (1, ""), "{stderr}");
    assert!(
        stderr.contains("unknown value `sometimes`, expected one of `first-per-chapter`, `first-per-section`, `all`"),
        "{stderr}"
    );
}

#[test]
fn unknown_key_warns_and_strict_fails() {
    let (code, stdout, stderr) = run_binary(
        "mdbook-papers",
        &[],
        &input("[preprocessor.papers]\nbibliography = []\nrecent-limt = 3\n"),
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(!stdout.is_empty());
    assert!(
        stderr.starts_with(
            "warning[papers]: unknown key `recent-limt` in `[preprocessor.papers]` is ignored"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("= help: did you mean `recent-limit`?"),
        "{stderr}"
    );

    let strict = "[preprocessor.papers]\nbibliography = []\nstrict = true\nrecent-limt = 3\n";
    let (code, stdout, stderr) = run_binary("mdbook-papers", &[], &input(strict));
    assert_eq!((code, stdout.as_str()), (1, ""), "{stderr}");
    assert!(
        stderr.ends_with("papers: 1 warning; the build fails because `strict = true`\n"),
        "{stderr}"
    );
}
