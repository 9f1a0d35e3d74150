//! mdbook-papers on a real book: citations, recent papers, topics, bibliography, and what a
//! hostile or broken BibTeX file does (and does not) do.

use crate::support::{
    Mode, assert_chapter_unchanged, build_and_compare, chapter, copy_fixture, diagnostics_of,
    edited_book, load, rewrite, run_binary_env, shown,
};
use livingref_core::{Diagnostic, Severity};
use mdbook_driver::MDBook;
use mdbook_preprocessor::PreprocessorContext;

fn diagnostics(edit: impl FnOnce(&std::path::Path)) -> Vec<Diagnostic> {
    diagnostics_of(&mdbook_papers::Papers, "papers", edit)
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
            &"warning: broken2024: expected comma; the entry is skipped @ refs.bib:43:3".to_owned()
        ),
        "{all:#?}"
    );
    assert!(
        all.contains(&"warning: `@string` macro `nosuchjournal` is not defined; it is shown as `nosuchjournal` in 1 entry @ refs.bib:48:13".to_owned()),
        "{all:#?}"
    );
    let duplicate = diags
        .iter()
        .find(|d| d.message.starts_with("duplicate key"))
        .expect("duplicate reported");
    assert_eq!(
        shown(duplicate),
        "warning: duplicate key `elhage2022superposition`; the first definition is used @ refs.bib:62:1"
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
        "warning: citation key `nosuchpaper2099` is not in the bibliography @ src/intro.md:5:15"
    );
}

#[test]
fn hostile_fields_are_escaped_and_unsafe_links_dropped() {
    use crate::judge::{live_markup, pages, select, text_of};
    // Judged on the built pages as a browser parses them: the plugins quote attributes with
    // `'`, so a substring test for `href="javascript:` could never fail.
    let dir = copy_fixture("papers");
    load(dir.path(), Mode::Binaries).build().unwrap();
    let pages = pages(&dir.path().join("book"));
    let mut found = Vec::new();
    for (page, doc) in &pages {
        found.extend(live_markup(page, doc));
        for script in select(doc, "main script") {
            let code: String = script.text().collect();
            assert!(
                !code.contains("alert("),
                "{}: a script from BibTeX",
                page.display()
            );
        }
    }
    assert!(found.is_empty(), "{found:#?}");
    let bibliography = &pages
        .iter()
        .find(|(p, _)| p.ends_with("bibliography.html"))
        .unwrap()
        .1;
    assert!(
        text_of(bibliography, "main").contains("<script>alert(1)</script>"),
        "the hostile title is shown as text"
    );
}

#[test]
fn strict_fails_on_a_broken_entry() {
    let diags = diagnostics(|root| {
        rewrite(
            &root.join("book.toml"),
            "recent-limit = 3",
            "recent-limit = 3\nstrict = true",
        );
    });
    assert!(diags.iter().any(|d| d.message.starts_with("broken2024")));
    let dir = copy_fixture("papers");
    rewrite(
        &dir.path().join("book.toml"),
        "recent-limit = 3",
        "recent-limit = 3\nstrict = true",
    );
    assert!(
        load(dir.path(), Mode::Binaries).build().is_err(),
        "strict turns the warnings into a failed build"
    );
}

#[test]
fn a_chapter_without_papers_is_byte_identical() {
    assert_chapter_unchanged("papers", "plain.md");
}

/// Without `today`, "recent" is measured from SOURCE_DATE_EPOCH: the same input gives the same
/// bytes on any day.
#[test]
fn source_date_epoch_pins_recent() {
    let dir = copy_fixture("papers");
    rewrite(
        &dir.path().join("book.toml"),
        "today = \"2026-11-01\"\n",
        "",
    );
    let md = MDBook::load(dir.path()).unwrap();
    let ctx = PreprocessorContext::new(dir.path().to_path_buf(), md.config.clone(), "html".into());
    let input = serde_json::to_string(&(ctx, md.book.clone())).unwrap();
    // 2023-01-01: the 2023-10 and later papers are "in the future": listed, and marked as
    // forthcoming (#20; they used to vanish until their date came).
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
        chapter(&book, "whats-new.md")
    };
    let early_page = whats_new(&early);
    let at = early_page
        .find("Towards Monosemanticity")
        .expect("a forthcoming paper is listed");
    let item = &early_page[early_page[..at].rfind("<li").unwrap()..at];
    assert!(item.contains("forthcoming"), "{item}");
    let (_, late, _) = run_binary_env(
        "mdbook-papers",
        &input,
        &[("SOURCE_DATE_EPOCH", "1793145600")],
    );
    assert!(
        whats_new(&late).contains("Towards Monosemanticity"),
        "published by 2026-10-28"
    );
    assert!(
        !whats_new(&late).contains("forthcoming"),
        "nothing is forthcoming by then"
    );
}

/// #20: a paper dated by its year alone is within that year, so `since=2024` lists it.
#[test]
fn since_keeps_papers_dated_by_their_year_alone() {
    let book = edited_book("papers", Mode::Binaries, |root| {
        let mut bib = std::fs::read_to_string(root.join("refs.bib")).unwrap();
        bib.push_str("\n@misc{yearonly, title = {Dated by Its Year Alone}, year = 2024, keywords = {superposition}}\n");
        std::fs::write(root.join("refs.bib"), bib).unwrap();
        std::fs::write(
            root.join("src/plain.md"),
            "# Plain\n\n{{#recent-papers since=2024 limit=50}}\n",
        )
        .unwrap();
    });
    assert!(chapter(&book, "plain.md").contains("Dated by Its Year Alone"));
}

#[test]
fn crossref_cycles_are_reported_not_followed() {
    let diags = diagnostics(|root| {
        let mut bib = std::fs::read_to_string(root.join("refs.bib")).unwrap();
        bib.push_str("\n@comment{ignored}\n@preamble{\"\\newcommand{\\x}{y}\"}\n");
        bib.push_str("@inproceedings{loopa, crossref = {loopb}, title = {A}}\n@proceedings{loopb, crossref = {loopa}, title = {B}}\n");
        bib.push_str("@misc{selfish, crossref = {selfish}, title = {S}}\n");
        std::fs::write(root.join("refs.bib"), bib).unwrap();
    });
    let all: Vec<String> = diags.iter().map(shown).collect();
    assert!(
        all.iter().any(|d| d.starts_with(
            "warning: `crossref` cycle between loopa → loopb; these entries are skipped @ refs.bib:"
        )),
        "{all:#?}"
    );
    assert!(
        all.iter()
            .any(|d| d.starts_with("warning: selfish: `crossref` points to the entry itself")),
        "{all:#?}"
    );
}

#[test]
fn warn_unused_lists_uncited_entries() {
    let diags = diagnostics(|root| {
        rewrite(
            &root.join("book.toml"),
            "recent-limit = 3",
            "recent-limit = 3\nwarn-unused = true",
        );
    });
    let unused: Vec<String> = diags
        .iter()
        .filter(|d| d.message.contains("cited nowhere"))
        .map(shown)
        .collect();
    assert!(
        unused.contains(
            &"warning: `timestamped` is cited nowhere in the book @ refs.bib:34:1".to_owned()
        ),
        "{unused:#?}"
    );
    assert!(
        !unused.iter().any(|u| u.contains("elhage2022superposition")),
        "cited entries are not listed"
    );
}

/// Citation previews as a reader meets them, in headless Chromium.
#[test]
fn citation_previews_appear_on_hover_and_focus_in_a_real_browser() {
    use crate::browser::{Browser, StaticServer};
    let dir = copy_fixture("papers");
    load(dir.path(), Mode::Binaries).build().unwrap();
    let server = StaticServer::start(&dir.path().join("book"));
    let mut b = Browser::launch();
    b.open(&format!("{}/intro.html", server.origin));
    b.hover("main a.cite");
    let shown = b.wait_for("document.querySelector('.papers-preview')?.innerText");
    assert!(
        shown
            .as_str()
            .unwrap()
            .contains("Toy Models of Superposition"),
        "{shown}"
    );
    assert_eq!(
        b.eval("document.querySelector('.papers-preview .paper-copy')"),
        serde_json::Value::Null,
        "no copy button in previews"
    );
    b.screenshot("papers-preview-hover");
    b.mouse_move(5.0, 790.0);
    b.wait_for("document.querySelector('.papers-preview') === null");
    b.tab_to("main a.cite");
    b.wait_for("document.querySelector('.papers-preview')?.innerText");
    b.assert_clean(&server.origin);
}

#[test]
fn numeric_style_numbers_by_first_citation() {
    let book = edited_book("papers", Mode::Binaries, |root| {
        rewrite(
            &root.join("book.toml"),
            "recent-limit = 3",
            "recent-limit = 3\ncitation-style = \"numeric\"",
        );
    });
    let intro = chapter(&book, "intro.md");
    let labels: Vec<&str> = intro
        .split("<a class='cite'")
        .skip(1)
        .map(|a| a.split('>').nth(1).unwrap().trim_end_matches("</a"))
        .collect();
    assert_eq!(labels, ["1", "2", "3"]);
    // Brackets as references, so they pair with nothing the author writes next.
    assert!(intro.contains(">1</a>&#93;"), "{intro}");
    assert!(intro.contains("&#91;see <a class='cite'"), "{intro}");
    // The references keep citation order in the numeric style.
    let refs = &intro[intro.find("papers-references").unwrap()..];
    let first = refs.find("ref-elhage2022superposition").unwrap();
    let second = refs.find("ref-bricken2023monosemanticity").unwrap();
    assert!(first < second);
}

/// A chapter's references are compact and link to the full entry on the bibliography page;
/// they are full where no bibliography page lists the paper, or with `references = "full"`.
#[test]
fn references_point_to_the_full_entry_on_the_bibliography_page() {
    // The reference lists of a top-level and a nested chapter, after one `rewrite` of a file
    // (relative to the book root), if any.
    let references = |change: Option<(&str, &str, &str)>| {
        let book = edited_book("papers", Mode::Binaries, |root| {
            std::fs::write(
                root.join("src/topics/superposition.md"),
                "# Superposition\n\nSee [@elhage2022superposition].\n",
            )
            .unwrap();
            if let Some((file, from, to)) = change {
                rewrite(&root.join(file), from, to);
            }
        });
        // The HTML renderer: compact entries link to the bibliography page's `.html`.
        ["intro.md", "topics/superposition.md"].map(|page| {
            let text = chapter(&book, page);
            text[text.find("papers-references").expect("references")..].to_owned()
        })
    };
    let full_entry = "class='paper-badge paper-full' href='";
    let abstract_ = "<details class='paper-abstract'>";

    let [intro, nested] = references(None);
    assert!(
        intro.contains(&format!(
            "{full_entry}bibliography.html#ref-elhage2022superposition'"
        )),
        "{intro}"
    );
    assert!(
        nested.contains(&format!(
            "{full_entry}../bibliography.html#ref-elhage2022superposition'"
        )),
        "a page in a folder links up to the book root: {nested}"
    );
    assert!(!intro.contains(abstract_), "{intro}");

    let [intro, _] = references(Some((
        "book.toml",
        "recent-limit = 3",
        "recent-limit = 3\nreferences = \"full\"",
    )));
    assert!(
        intro.contains(abstract_) && !intro.contains(full_entry),
        "{intro}"
    );

    let [intro, _] = references(Some((
        "src/bibliography.md",
        "{{#bibliography}}",
        "{{#bibliography tags=\"circuits\"}}",
    )));
    assert!(
        intro.contains(abstract_),
        "a paper the bibliography page leaves out is shown in full: {intro}"
    );
    assert!(
        intro.contains(&format!(
            "{full_entry}bibliography.html#ref-olah2020zoomin'"
        )),
        "{intro}"
    );
}

/// An entry's `ids` are keys it used to have (Zotero and biblatex keep them when a key
/// changes): a citation written with one finds the entry under its current key.
#[test]
fn a_citation_by_an_ids_alias_finds_its_entry() {
    let edit = |root: &std::path::Path| {
        rewrite(
            &root.join("refs.bib"),
            "@article{elhage2022superposition,\n",
            "@article{elhage2022superposition,\n  ids      = {elhage2022toy, toymodels},\n",
        );
        std::fs::write(
            root.join("src/plain.md"),
            "# Plain\n\nOld keys: [@toymodels; @elhage2022toy].\n",
        )
        .unwrap();
    };
    let text = chapter(&edited_book("papers", Mode::Binaries, edit), "plain.md");
    assert_eq!(
        text.matches("href='#ref-elhage2022superposition'").count(),
        2,
        "{text}"
    );
    assert_eq!(
        text.matches("<li class='paper' id='ref-elhage2022superposition'>")
            .count(),
        1,
        "one reference for both: {text}"
    );
    let diags = diagnostics_of(&mdbook_papers::Papers, "papers", edit);
    assert!(
        !diags.iter().any(|d| d.message.contains("toymodels")),
        "{:#?}",
        diags.iter().map(shown).collect::<Vec<_>>()
    );
}

#[test]
fn bad_recent_papers_options_are_warnings_at_their_place() {
    let diags = diagnostics(|root| {
        std::fs::write(
            root.join("src/whats-new.md"),
            "# New\n\n{{#recent-papers limit=many since=soon window=\"forever\" tgas=sae}}\n",
        )
        .unwrap();
    });
    let all: Vec<String> = diags
        .iter()
        .map(shown)
        .filter(|d| d.contains("whats-new"))
        .collect();
    assert_eq!(
        all,
        [
            "warning: unknown option `tgas` in `{{#recent-papers}}` is ignored @ src/whats-new.md:3:57",
            "warning: `limit=many` is not a number of papers, at least 1 @ src/whats-new.md:3:18",
            "warning: `since=soon` is not a date @ src/whats-new.md:3:29",
            "warning: `window=forever` is not a duration @ src/whats-new.md:3:40",
        ]
    );
}

/// #15, findings 15 and 24: numeric citations pair with nothing that follows; `\\{{#cite}}`
/// (mdBook removes one backslash) stays literal; a reference definition is no citation.
#[test]
fn citations_never_pair_with_what_the_author_wrote_next() {
    use crate::judge::{select, text_of};
    let dir = copy_fixture("papers");
    let root = dir.path();
    rewrite(
        &root.join("book.toml"),
        "recent-limit = 3",
        "recent-limit = 3\ncitation-style = \"numeric\"",
    );
    std::fs::write(
        root.join("src/intro.md"),
        "# Citations\n\nToy models {{#cite elhage2022superposition}}(Fig. 2) and \
         {{#cite olah2020zoomin}}[note].\n\n{{#cite elhage2022superposition}}: https://example.org/x\n\n\
         A literal \\\\{{#cite olah2020zoomin}} stays.\n\n[@alice]: https://example.org/alice\n\nSee [Alice][@alice].\n",
    )
    .unwrap();
    let doc = &built_page(root, "intro.html");
    // Text nodes joined without spaces: what a reader reads, whatever the element borders.
    let text: String = text_of(doc, "main").split_whitespace().collect();
    assert!(text.contains("[1](Fig.2)"), "{text}");
    assert!(text.contains("[2][note]"), "{text}");
    assert!(text.contains("[1]:https://example.org/x"), "{text}");
    assert!(
        text.contains("Aliteral{{#citeolah2020zoomin}}stays."),
        "{text}"
    );
    // The only links in the paragraphs are the citations and Alice's reference link.
    let hrefs: Vec<&str> = select(doc, "main p a")
        .iter()
        .map(|a| a.value().attr("href").unwrap())
        .collect();
    assert!(
        hrefs
            .iter()
            .all(|h| h.starts_with("#ref-") || *h == "https://example.org/alice"),
        "{hrefs:?}"
    );
    assert_eq!(select(doc, "main p a.cite").len(), 3, "{hrefs:?}");
}

/// #15, finding 16: BibTeX's parenthesised blocks are read, and a repeated field keeps its
/// first value with a warning, as BibTeX does.
#[test]
fn bibtex_syntax_is_read_as_bibtex_reads_it() {
    use crate::judge::text_of;
    let dir = copy_fixture("papers");
    let root = dir.path();
    let mut bib = std::fs::read_to_string(root.join("refs.bib")).unwrap();
    bib.push_str(
        "\n@string(tcj = \"Journal of Parentheses\")\n\
         @article(paren2020, title = {Written (with) Parentheses}, author = {Doe, Jane}, year = 2020, journal = tcj)\n\
         @misc{twice2021, title = {First Title}, title = {Second Title}, year = 2021}\n",
    );
    std::fs::write(root.join("refs.bib"), bib).unwrap();
    std::fs::write(
        root.join("src/intro.md"),
        "# Citations\n\nSee [@paren2020] and [@twice2021].\n",
    )
    .unwrap();
    let (code, _, stderr) = crate::support::run_binary(
        "mdbook-papers",
        &["check", "--book", root.to_str().unwrap()],
        "",
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("expected opening brace"), "{stderr}");
    assert!(
        stderr.contains("twice2021: field `title` is given twice; the first value is kept"),
        "{stderr}"
    );
    let doc = &built_page(root, "intro.html");
    let refs = text_of(doc, "ol.papers-references");
    assert!(refs.contains("Written (with) Parentheses"), "{refs}");
    assert!(refs.contains("Journal of Parentheses"), "{refs}");
    assert!(
        refs.contains("First Title") && !refs.contains("Second Title"),
        "{refs}"
    );
}

/// A recent-papers section that lists nothing is a warning for every renderer (it was
/// decided by a class in the generated HTML, which other renderers no longer get; #17).
#[test]
fn an_empty_recent_section_warns_for_other_renderers_too() {
    let dir = copy_fixture("papers");
    std::fs::write(
        dir.path().join("src/plain.md"),
        "# Plain\n\n{{#recent-papers tags=\"nosuchtag\"}}\n",
    )
    .unwrap();
    let md = MDBook::load(dir.path()).unwrap();
    for renderer in ["html", "markdown"] {
        let ctx =
            PreprocessorContext::new(dir.path().to_path_buf(), md.config.clone(), renderer.into());
        let input = serde_json::to_string(&(ctx, md.book.clone())).unwrap();
        let (code, _, stderr) = run_binary_env("mdbook-papers", &input, &[]);
        assert_eq!(code, 0, "{stderr}");
        assert!(
            stderr.contains("no paper matches this recent-papers section"),
            "{renderer}: {stderr}"
        );
    }
}

/// Builds the book at `root` through the binaries and parses the page whose path ends with
/// `name`.
fn built_page(root: &std::path::Path, name: &str) -> scraper::Html {
    load(root, Mode::Binaries).build().unwrap();
    crate::judge::pages(&root.join("book"))
        .into_iter()
        .find(|(p, _)| p.ends_with(name))
        .unwrap()
        .1
}

/// #20: pandoc's citation forms as pandoc renders them, through a real build: narrative
/// `@key`, `[-@key]`, locators in both syntaxes, e-mail addresses left alone, and two papers
/// by the same authors in one year told apart as `2022a` / `2022b` everywhere.
#[test]
fn pandoc_citation_forms_and_year_letters() {
    use crate::judge::select;
    let dir = copy_fixture("papers");
    let root = dir.path();
    std::fs::write(
        root.join("twins.bib"),
        "@article{smithB, title = {Beta results}, author = {Smith, Ann and Jones, Bo}, year = 2022}\n\
         @article{smithA, title = {Alpha results}, author = {Smith, Ann and Jones, Bo}, year = 2022}\n",
    )
    .unwrap();
    rewrite(
        &root.join("book.toml"),
        "bibliography = [\"refs.bib\", \"more.bib\"]",
        "bibliography = [\"refs.bib\", \"more.bib\", \"twins.bib\"]",
    );
    std::fs::write(
        root.join("src/intro.md"),
        "# Citations\n\nAs @smithB argues, and @smithA [p. 3] too. Smith says so [-@smithA]. \
         Both [@smithA; @smithB]. With a locator {{#cite smithB, p. 7}} and {{#cite smithA pp=2-4}}.\n\n\
         Write to smithA@example.org or @nobody.\n",
    )
    .unwrap();
    let doc = &built_page(root, "intro.html");
    let cites: Vec<String> = select(doc, "main p a.cite")
        .iter()
        .map(|a| a.text().collect::<String>())
        .collect();
    assert_eq!(
        cites,
        [
            "Smith & Jones (2022b)",
            "Smith & Jones (2022a, p. 3)",
            "2022a",
            "Smith & Jones, 2022a",
            "Smith & Jones, 2022b",
            "Smith & Jones, 2022b",
            "Smith & Jones, 2022a",
        ]
    );
    let para: String = select(doc, "main p")
        .iter()
        .map(|p| p.text().collect::<String>())
        .collect();
    assert!(para.contains("Smith says so (2022a)."), "{para}");
    assert!(para.contains("(Smith & Jones, 2022b, p. 7)"), "{para}");
    assert!(para.contains("(Smith & Jones, 2022a, pp. 2-4)"), "{para}");
    assert!(
        para.contains("Write to smithA@example.org or @nobody."),
        "{para}"
    );
    // The references under the chapter carry the same letters.
    let refs: Vec<String> = select(doc, "li.paper .paper-date")
        .iter()
        .map(|d| d.text().collect::<String>())
        .collect();
    assert!(
        refs.contains(&"(2022a)".to_owned()) && refs.contains(&"(2022b)".to_owned()),
        "{refs:?}"
    );
}

/// #20: what "Copy BibTeX" holds, pasted alone into an empty `.bib`, parses and is the paper
/// the page shows, though the entry uses a macro (`journal = tc`) and inherits through
/// `crossref`; and without a clipboard API (plain http from another machine) the button
/// shows the entry selected instead of doing nothing.
#[test]
fn copied_bibtex_stands_alone_and_falls_back_to_a_selection() {
    use crate::browser::{Browser, StaticServer};
    use crate::judge::select;
    let dir = copy_fixture("papers");
    let root = dir.path();
    std::fs::write(
        root.join("more.bib"),
        std::fs::read_to_string(root.join("more.bib")).unwrap()
            + "\n@proceedings{procs2024, title = {Proceedings of Things 2024}, publisher = {Curran}, year = 2024}\n\
               @inproceedings{child2024, title = {A Child}, author = {Doe, Jane}, crossref = {procs2024}, keywords = {superposition}}\n\
               @misc{tex2024, title = {Na{\\\"\\i}ve ``quoted'' \\o{}ster \\t{oo}~x}, author = {Garc{\\'\\i}a, Jos{\\'e}}, year = 2024}\n",
    )
    .unwrap();
    let doc = &built_page(root, "bibliography.html");
    for key in ["elhage2022superposition", "child2024"] {
        let li = select(doc, &format!("li#ref-{key}"));
        let li = li.first().unwrap_or_else(|| panic!("{key} is listed"));
        let copy = li
            .select(&scraper::Selector::parse("button.paper-copy").unwrap())
            .next()
            .unwrap()
            .value()
            .attr("data-bibtex")
            .unwrap()
            .to_owned();
        assert!(!copy.to_lowercase().contains("crossref"), "{copy}");
        let mut diags = livingref_core::Diagnostics::new();
        let alone = livingref_bib::parse(vec![("empty.bib".into(), copy.clone())], &mut diags);
        assert!(diags.is_empty(), "{key}: {diags:?}\n{copy}");
        assert_eq!(alone.papers.len(), 1, "{copy}");
        let pasted = &alone.papers[0];
        let shown: String = li.text().collect();
        for part in [&pasted.title, pasted.venue.as_ref().unwrap()] {
            assert!(
                shown.contains(part.as_str()),
                "{key}: `{part}` not in `{shown}`"
            );
        }
    }

    // TeX that biblatex alone got wrong renders as a reader expects (#20).
    let tex: String = select(doc, "li#ref-tex2024")[0].text().collect();
    assert!(tex.contains("José García"), "{tex}");
    assert!(
        tex.contains("Naïve “quoted” øster o\u{361}o\u{a0}x"),
        "{tex}"
    );

    let server = StaticServer::start(&root.join("book"));
    let mut b = Browser::launch();
    b.open(&format!("{}/bibliography.html", server.origin));
    // What a page served over plain http from another host has: no clipboard API.
    b.eval("Object.defineProperty(navigator, 'clipboard', { value: undefined }); true");
    b.click("li#ref-child2024 button.paper-copy");
    let selected = b.wait_for(
        "(function () { var t = document.querySelector('li#ref-child2024 textarea.paper-bibtex-text'); \
         return t && document.activeElement === t && t.selectionEnd - t.selectionStart === t.value.length \
         && t.value === document.querySelector('li#ref-child2024 button.paper-copy').getAttribute('data-bibtex'); })()",
    );
    assert_eq!(selected, serde_json::Value::Bool(true));
    b.assert_clean(&server.origin);
}
