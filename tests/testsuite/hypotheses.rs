//! mdbook-hypotheses on a real book: cards, tables with filters and sorts, citations resolved
//! by mdbook-papers, every diagnostic at its line, Russian labels, and the JSON export.

use crate::support::{
    Mode, build_and_compare, chapter, copy_fixture, diagnostics_of, edited_book, rewrite,
    run_binary, shown,
};

fn diagnostics(chapter: &str) -> Vec<String> {
    diagnostics_of(&mdbook_hypotheses::Hypotheses, "hypotheses", |root| {
        std::fs::write(root.join("src/summary.md"), chapter).unwrap();
    })
    .iter()
    .map(shown)
    .collect()
}

#[test]
fn cards_and_tables_render() {
    build_and_compare(
        "hypotheses",
        &["features", "nested/representations", "summary"],
    );
}

#[test]
fn every_field_mistake_is_reported_at_its_line() {
    let chapter = "# Bad\n\n```hypothesis\nid = \"Bad Id\"\ntitle = \"T\"\nstatemnt = \"typo\"\nstatus = \"suported\"\nkind = \"theory\"\nevidence = [{ cite = \"nokey\", stance = \"agrees\" }]\n```\n\n```hypothesis\ntitle = \"No id\"\nstatement = \"s\"\nstatus = \"open\"\n```\n\n```hypothesis\nid = = broken\n```\n";
    let all = diagnostics(chapter);
    for expected in [
        "error: hypothesis id `Bad Id` is not a slug @ src/summary.md:4:6",
        "error: unknown field `statemnt` in a hypothesis @ src/summary.md:6:1",
        "error: unknown status `suported` @ src/summary.md:7:10",
        "error: unknown kind `theory` @ src/summary.md:8:8",
        "error: unknown stance `agrees` @ src/summary.md:9:40",
        "error: hypothesis block without `statement` @ src/summary.md:3:1",
        "error: hypothesis block without `id` @ src/summary.md:12:1",
    ] {
        assert!(
            all.iter().any(|d| d == expected),
            "missing {expected:?} in {all:#?}"
        );
    }
    assert!(
        all.iter().any(
            |d| d.starts_with("error: invalid TOML in a hypothesis block")
                && d.ends_with("@ src/summary.md:19:6")
        ),
        "{all:#?}"
    );
}

#[test]
fn book_wide_checks() {
    let chapter = "# X\n\n```hypothesis\nid = \"superposition\"\ntitle = \"Again\"\nstatement = \"s\"\nstatus = \"refuted\"\nparent = \"featurs\"\n```\n\n```hypothesis\nid = \"a\"\ntitle = \"A\"\nstatement = \"s\"\nstatus = \"open\"\nparent = \"b\"\nevidence = [{ cite = \"elhage2022superpositon\", stance = \"mentions\" }]\n```\n\n```hypothesis\nid = \"b\"\ntitle = \"B\"\nstatement = \"s\"\nstatus = \"open\"\nparent = \"a\"\n```\n";
    let all = diagnostics(chapter);
    for expected in [
        "error: duplicate hypothesis id `superposition` @ src/summary.md:4:6",
        "error: unknown parent `featurs` @ src/summary.md:8:10",
        "error: `parent` cycle: a → b → a @ src/summary.md:25:10",
        "error: `elhage2022superpositon` is not in the bibliography @ src/summary.md:17:13",
        "warning: `superposition` is marked refuted but cites no contesting evidence @ src/summary.md:7:10",
        "warning: `engels2024notlinear` contests `superposition` and is newer (2024-05) than its last review (2024-01-01) @ src/features.md:22:3",
        "warning: `superposition` is marked supported but cites no supporting evidence @ src/summary.md:7:10",
    ] {
        if expected.contains("marked supported") {
            assert!(
                !all.iter().any(|d| d == expected),
                "the original supported card has support: {all:#?}"
            );
            continue;
        }
        assert!(
            all.iter().any(|d| d == expected),
            "missing {expected:?} in {all:#?}"
        );
    }
}

#[test]
fn russian_labels() {
    let book = edited_book("hypotheses", Mode::InProcess, |root| {
        rewrite(
            &root.join("book.toml"),
            "language = \"en\"",
            "language = \"ru\"",
        );
    });
    let features = chapter(&book, "features.md");
    assert!(features.contains(">подтверждена</span>"), "{features}");
    assert!(features.contains("**За:**"), "{features}");
    let summary = chapter(&book, "summary.md");
    assert!(
        summary.contains("| Гипотеза | Статус | Утверждение | За | Против | Глава |"),
        "{summary}"
    );
}

#[test]
fn export_prints_every_card_as_json() {
    let dir = copy_fixture("hypotheses");
    let (code, stdout, stderr) = run_binary(
        "mdbook-hypotheses",
        &["export", dir.path().to_str().unwrap()],
        "",
    );
    assert_eq!(code, 0, "{stderr}");
    let cards: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let ids: Vec<&str> = cards
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["features", "superposition", "linear-representation"]);
    assert_eq!(cards[1]["evidence"][0]["stance"], "supports");
    assert_eq!(cards[1]["last_reviewed"]["year"], 2024);
}

#[test]
fn table_filters_and_sorts() {
    let titles = |directive: &str| -> Vec<String> {
        let book = edited_book("hypotheses", Mode::InProcess, |root| {
            std::fs::write(root.join("src/summary.md"), format!("# S\n\n{directive}\n")).unwrap();
        });
        let summary = chapter(&book, "summary.md");
        summary
            .lines()
            .filter(|l| l.starts_with("| ["))
            .map(|l| l[3..].split(']').next().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        titles("{{#hypotheses}}"),
        ["Features", "Superposition", "Linear representation"],
        "book order"
    );
    assert_eq!(
        titles("{{#hypotheses sort=title}}"),
        ["Features", "Linear representation", "Superposition"]
    );
    assert_eq!(
        titles("{{#hypotheses sort=id}}"),
        ["Features", "Linear representation", "Superposition"]
    );
    assert_eq!(
        titles("{{#hypotheses sort=status}}"),
        ["Superposition", "Features", "Linear representation"]
    );
    assert_eq!(titles("{{#hypotheses kind=definition}}"), ["Features"]);
    assert_eq!(titles("{{#hypotheses tags=sae}}"), ["Superposition"]);
    assert_eq!(
        titles("{{#hypotheses status=open}}"),
        ["Linear representation"]
    );
    let links = chapter(
        &edited_book("hypotheses", Mode::InProcess, |_| {}),
        "summary.md",
    );
    assert!(
        links.contains("[Linear representation](nested/representations.md#linear-representation)"),
        "{links}"
    );
}

/// Chapters without the word `hypothesis` are not parsed for cards; a card whose info word is
/// spelled with a character reference (CommonMark decodes it) must still be found.
#[test]
fn a_card_fenced_with_a_character_reference_is_still_read() {
    let book = edited_book("hypotheses", Mode::InProcess, |root| {
        std::fs::write(
            root.join("src/summary.md"),
            "# S\n\n```&#104;ypothes&#x69;s\nid = \"encoded\"\ntitle = \"Encoded\"\nstatement = \"s\"\nstatus = \"open\"\n```\n",
        )
        .unwrap();
    });
    let summary = chapter(&book, "summary.md");
    assert!(
        summary.contains("id='encoded'") && !summary.contains("```"),
        "{summary}"
    );
}

/// #15 finding 22 and #17: `export` reads the book as the build does (SUMMARY.md, not every
/// file under `src`), with the book's own `statuses`, and a missing book is an error.
#[test]
fn export_reads_the_book_as_the_build_does() {
    let dir = copy_fixture("hypotheses");
    let root = dir.path();
    // A file no SUMMARY.md entry names is not part of the book.
    std::fs::write(
        root.join("src/orphan.md"),
        "```hypothesis\nid = \"orphan\"\ntitle = \"O\"\nstatement = \"S.\"\nstatus = \"open\"\n```\n",
    )
    .unwrap();
    rewrite(
        &root.join("book.toml"),
        "[preprocessor.hypotheses]",
        "[preprocessor.hypotheses]\nstatuses = [\"supported\", \"contested\", \"open\", \"refuted\", \"retired\"]",
    );
    let mut features = std::fs::read_to_string(root.join("src/features.md")).unwrap();
    features.push_str(
        "\n```hypothesis\nid = \"old-idea\"\ntitle = \"Old\"\nstatement = \"S.\"\nstatus = \"retired\"\n```\n",
    );
    std::fs::write(root.join("src/features.md"), features).unwrap();
    let (code, stdout, stderr) =
        run_binary("mdbook-hypotheses", &["export", root.to_str().unwrap()], "");
    assert_eq!(code, 0, "{stderr}");
    let cards: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let ids: Vec<&str> = cards
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"old-idea"), "{ids:?}");
    assert!(!ids.contains(&"orphan"), "{ids:?}");
    let (code, stdout, stderr) =
        run_binary("mdbook-hypotheses", &["export", "/nonexistent-book"], "");
    assert_eq!(code, 2, "{stdout}");
    assert!(stderr.contains("cannot read"), "{stderr}");
}
