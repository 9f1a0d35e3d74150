//! #18: plugin order as users configure it, judged on a real `mdbook build`: cards in
//! included files, and what each plugin says when it runs too early.

use crate::judge::{pages, select};
use crate::support::{mdbook_build, rewrite};
use std::path::Path;

/// A book whose card lives in a file the chapter includes, with all three plugins in the
/// order the README documents.
fn book() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path();
    std::fs::create_dir_all(r.join("src")).unwrap();
    for (file, text) in [
        (
            "book.toml",
            "[book]\ntitle = \"Order\"\n\n[preprocessor.hypotheses]\nafter = [\"links\", \"index\"]\n\n\
             [preprocessor.papers]\nafter = [\"hypotheses\"]\nbibliography = [\"refs.bib\"]\n\n\
             [preprocessor.terms]\nafter = [\"papers\"]\n",
        ),
        (
            "src/SUMMARY.md",
            "- [Chapter](chapter.md)\n- [Glossary](glossary.md)\n",
        ),
        (
            "src/chapter.md",
            "# Chapter\n\n{{#include part.md}}\n\n{{#hypotheses}}\n",
        ),
        (
            "src/part.md",
            "```hypothesis\nid = \"included\"\ntitle = \"Included\"\nstatement = \"A feature, included.\"\n\
             status = \"open\"\nevidence = [{ cite = \"good\", stance = \"supports\" }]\n```\n",
        ),
        ("src/glossary.md", "# Glossary\n\nFeature\n: A property.\n"),
        (
            "refs.bib",
            "@misc{good, title = {Good}, author = {A, B}, year = 2024, keywords = {x}}\n",
        ),
    ] {
        std::fs::write(r.join(file), text).unwrap();
    }
    dir
}

fn chapter_html(root: &Path) -> scraper::Html {
    pages(&root.join("book"))
        .into_iter()
        .find(|(p, _)| p.ends_with("chapter.html"))
        .unwrap()
        .1
}

#[test]
fn the_documented_order_renders_cards_from_included_files() {
    let dir = book();
    let (code, stderr) = mdbook_build(dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("warning["), "{stderr}");
    let doc = chapter_html(dir.path());
    assert_eq!(select(&doc, "div.hypothesis#included").len(), 1);
    assert!(select(&doc, "pre code.language-hypothesis").is_empty());
    assert_eq!(select(&doc, "table a[href='#included']").len(), 1);
    assert_eq!(
        select(&doc, "#included a.cite").len(),
        1,
        "the card's evidence is cited"
    );
    assert_eq!(
        select(&doc, "#included a.term").len(),
        1,
        "terms are linked inside cards"
    );
}

#[test]
fn each_plugin_run_too_early_says_which_key_to_set() {
    // (what to change in book.toml, what the build must say)
    // Each at the place on disk: the include in chapter.md, the card in part.md.
    let cases = [
        (
            ("after = [\"links\", \"index\"]\n", ""),
            "`{{#include` reached mdbook-hypotheses unexpanded: `links` runs after `hypotheses`, so this chapter is not what readers will see\n --> src/chapter.md:3:1",
        ),
        (
            ("after = [\"hypotheses\"]\n", "before = [\"hypotheses\"]\n"),
            "reached mdbook-papers unprocessed: `hypotheses` runs after `papers`, so this chapter is not what readers will see\n --> src/part.md:1:1",
        ),
        (
            (
                "after = [\"papers\"]\n",
                "after = [\"hypotheses\"]\nbefore = [\"papers\"]\n",
            ),
            "`{{#cite}}` reached mdbook-terms unexpanded: `papers` runs after `terms`",
        ),
    ];
    for ((from, to), expected) in cases {
        let dir = book();
        rewrite(&dir.path().join("book.toml"), from, to);
        let (_, stderr) = mdbook_build(dir.path());
        assert!(stderr.contains(expected), "want `{expected}` in:\n{stderr}");
        assert!(stderr.contains("= help: add `after = [\""), "{stderr}");
    }
}

/// #17 item 3 and #15 finding 29: every plugin reports at the file and line on disk, after an
/// earlier plugin rewrote the chapter and inside an included file.
#[test]
fn diagnostics_point_at_the_file_on_disk() {
    let dir = book();
    let r = dir.path();
    std::fs::write(
        r.join("src/chapter.md"),
        "# Chapter\n\n```hypothesis\nid = \"top\"\ntitle = \"Top\"\nstatement = \"A feature.\"\n\
         status = \"open\"\n```\n\nSome text.\n\nA citation [@nosuchkey] on line 12.\n\n\
         {{#include part.md}}\n\n{{#hypotheses}}\n",
    )
    .unwrap();
    std::fs::write(
        r.join("src/part.md"),
        "## Part\n\nAnother [@missingtoo] on line 3.\n\n```hypothesis\nid = \"included\"\n\
         title = \"Included\"\nstatement = \"S.\"\nstatus = \"supported\"\n```\n",
    )
    .unwrap();
    let (code, stderr) = mdbook_build(r);
    assert_eq!(code, 0, "{stderr}");
    for expected in [
        "citation key `nosuchkey` is not in the bibliography\n  --> src/chapter.md:12:12",
        "citation key `missingtoo` is not in the bibliography\n --> src/part.md:3:9",
        "`included` is marked supported but cites no supporting evidence\n --> src/part.md:9:10",
    ] {
        assert!(stderr.contains(expected), "want `{expected}` in:\n{stderr}");
    }
    // terms, last in line, in the included file.
    std::fs::write(
        r.join("src/part.md"),
        "## Part\n\nText.\n\nA [broken](term:nope) link on line 5.\n",
    )
    .unwrap();
    let (code, stderr) = mdbook_build(r);
    assert_ne!(code, 0);
    assert!(
        stderr.contains("unknown glossary id `nope`") && stderr.contains("--> src/part.md:5:3"),
        "{stderr}"
    );
}

/// #17 item 4: `check` sees the book through mdBook's own loader and preprocessors, so it
/// reports a problem in an included file at the included file, as the build does.
#[test]
fn check_reports_problems_in_included_files() {
    let dir = book();
    let r = dir.path();
    std::fs::write(
        r.join("src/part.md"),
        "## Part\n\nAnother [@missingtoo] on line 3.\n\n```hypothesis\nid = \"included\"\n\
         title = \"Included\"\nstatement = \"S.\"\nstatus = \"supported\"\n```\n\n\
         A [broken](term:nope) link on line 12.\n",
    )
    .unwrap();
    // The plugins that run first are found the way `mdbook build` finds them.
    let commands: Vec<(String, String)> = ["hypotheses", "papers"]
        .iter()
        .map(|name| {
            let binary = crate::support::binary(&format!("mdbook-{name}"));
            (
                format!(
                    "MDBOOK_PREPROCESSOR__{}__COMMAND",
                    name.to_ascii_uppercase()
                ),
                binary.to_str().unwrap().to_owned(),
            )
        })
        .collect();
    let check = |plugin: &str| {
        let out = std::process::Command::new(crate::support::binary(plugin))
            .args(["check", "--deny-warnings", "--book", r.to_str().unwrap()])
            .envs(commands.iter().map(|(k, v)| (k, v)))
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        (out.status.code(), stderr)
    };
    for (plugin, expected) in [
        (
            "mdbook-hypotheses",
            "`included` is marked supported but cites no supporting evidence\n --> src/part.md:9:10",
        ),
        (
            "mdbook-papers",
            "citation key `missingtoo` is not in the bibliography\n --> src/part.md:3:9",
        ),
        (
            "mdbook-terms",
            "unknown glossary id `nope` in `[broken](term:nope)`\n  --> src/part.md:12:3",
        ),
    ] {
        let (code, stderr) = check(plugin);
        assert_eq!(code, Some(1), "{plugin}: {stderr}");
        assert!(
            stderr.contains(expected),
            "{plugin}: want `{expected}` in:\n{stderr}"
        );
    }
    assert!(
        !r.join("book").exists(),
        "a check renders nothing and writes nothing"
    );
}

/// #18: renderers other than HTML get plain Markdown from every plugin (cards, citations,
/// recent papers, the bibliography, tables, the glossary's "Used in"), never raw HTML.
#[test]
fn other_renderers_get_markdown_only() {
    use livingref_core::markdown::pulldown_cmark::Event;
    let dir = book();
    let r = dir.path();
    std::fs::write(
        r.join("src/chapter.md"),
        "# Chapter\n\nA feature, cited [@good] and {{#cite good}}.\n\n{{#include part.md}}\n\n\
         {{#hypotheses}}\n\n{{#recent-papers}}\n\n## All\n\n{{#bibliography}}\n",
    )
    .unwrap();
    let md = crate::support::load(r, crate::support::Mode::Binaries);
    let book = crate::support::preprocess_for(&md, "markdown");
    let parse = livingref_core::markdown::ParseOptions::default();
    let mut html = Vec::new();
    for (path, content) in crate::support::chapters(&book) {
        for (event, range) in parse.parser(&content).into_offset_iter() {
            if let Event::Html(_) | Event::InlineHtml(_) = event {
                html.push(format!("{}: {}", path.display(), &content[range]));
            }
        }
    }
    assert!(html.is_empty(), "{html:#?}");
    let chapter = crate::support::chapter(&book, "chapter.md");
    assert!(chapter.contains("**Included** · *open*"), "{chapter}");
    assert!(chapter.contains("1. B A (2024). Good."), "{chapter}");
    let glossary = crate::support::chapter(&book, "glossary.md");
    assert!(
        glossary.contains("Used in: [Chapter](<chapter.md>)"),
        "{glossary}"
    );
}
