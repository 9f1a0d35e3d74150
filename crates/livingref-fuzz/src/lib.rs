//! The bodies of the fuzz targets, each a function of arbitrary bytes that panics when an
//! invariant breaks.
//!
//! They live in an ordinary workspace crate so that two things run the very same code:
//! `cargo fuzz` (the `fuzz/` package, one three-line target per function, excluded from the
//! workspace because libFuzzer needs its own build flags) and `cargo test`, whose
//! `tests/corpus.rs` replays the committed corpus in `fuzz/corpus/<target>/` on every run.
//!
//! | target | feeds | invariants |
//! |---|---|---|
//! | [`bibtex`] | a `.bib` file | no panic; every paper's BibTeX is its exact source span, keys unique; cited and listed, the papers' HTML holds no element, attribute or link of the data's own, and lists every paper |
//! | [`terms`] | glossary terms + a chapter | edits are insertions at char boundaries outside protected regions; removing them gives the chapter back byte for byte; the Markdown keeps its structure |
//! | [`hypotheses`] | a hypothesis block's TOML | no panic; no output without errors means none was lost; in the rendered card and table, no element, event handler, refused link or link-in-a-link from card data, and no directive but the plugin's own evidence citations |
//! | [`directives`] | text after `{{#`, and any Markdown | spans inside the text on char boundaries; prose never overlaps protected regions |

// A fuzz target reports a broken invariant by panicking; that is the point of these asserts.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use livingref_core::markdown::pulldown_cmark::Event;
use livingref_core::markdown::{Edit, ParseOptions, ScanOptions, scan, splice};
use livingref_core::{Diagnostics, Plugin};

use std::path::{Path, PathBuf};

/// A target body: arbitrary bytes in, a panic if an invariant breaks.
pub type Target = fn(&[u8]);

/// The names of the targets, as `fuzz/fuzz_targets/<name>.rs` and `fuzz/corpus/<name>/`.
pub const TARGETS: &[(&str, Target)] = &[
    ("bibtex", bibtex),
    ("terms", terms),
    ("hypotheses", hypotheses),
    ("directives", directives),
];

/// A bibliography file: parsing never panics, and what it keeps points back at the source.
pub fn bibtex(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut diags = Diagnostics::new();
    let bib = livingref_bib::parse(vec![(PathBuf::from("f.bib"), text.to_owned())], &mut diags);
    let source = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut keys = std::collections::HashSet::new();
    for paper in &bib.papers {
        assert!(
            keys.insert(paper.key.clone()),
            "key `{}` kept twice",
            paper.key
        );
        if !paper.span.is_empty() && source.get(paper.span.clone()) != Some(paper.bibtex.as_str()) {
            // Not the bytes as written: then the entry made self-contained, which must read
            // back on its own as the same paper.
            let mut alone_diags = Diagnostics::new();
            let alone = livingref_bib::parse(
                vec![(PathBuf::from("copy.bib"), paper.bibtex.clone())],
                &mut alone_diags,
            );
            let again = alone.papers.first();
            assert_eq!(
                alone.papers.len(),
                1,
                "paper `{}`: its copy is not one entry: {:?}",
                paper.key,
                paper.bibtex
            );
            assert_eq!(
                again.map(|p| (&p.key, &p.title)),
                Some((&paper.key, &paper.title)),
                "paper `{}`: its copy reads otherwise",
                paper.key
            );
        }
        if !paper.span.is_empty() {
            assert!(paper.bibtex.starts_with('@'));
        }
    }
    rendered_papers_stay_inert(&bib);
    // What `mdbook-papers add` would write must read back.
    if let Some(written) = mdbook_papers::normalize::Written::read(source) {
        let again = mdbook_papers::normalize::to_bibtex(&written);
        assert!(
            mdbook_papers::normalize::Written::read(&again).is_some(),
            "normalized entry does not read back: {again:?}"
        );
    }
}

/// Every paper cited once and listed by `{{#bibliography}}`, through the papers plugin's
/// chapter work and then Markdown as mdBook renders it: nothing the BibTeX holds may become
/// an element, attribute or link of its own, and no entry may be lost.
fn rendered_papers_stay_inert(bib: &livingref_bib::Bibliography) {
    use mdbook_papers::{chapter, render};
    let settings = mdbook_papers::Settings::default();
    let cx = chapter::Context {
        bib,
        settings: &settings,
        strings: render::strings(livingref_core::Lang::En),
        today: livingref_bib::Date {
            year: 2026,
            month: 12,
            day: 4,
        },
        html: true,
        parse: ParseOptions::default(),
        rendered: chapter::Rendered::new(bib),
        suggest: livingref_core::config::Suggestions::new(bib.keys()),
        full_entries: std::collections::HashMap::new(),
    };
    // Keys a directive can name; the others are still listed by the bibliography.
    let citable: Vec<&str> = bib
        .keys()
        .filter(|k| {
            k.chars()
                .all(|c| c.is_alphanumeric() || "_:.-/".contains(c))
        })
        .collect();
    let cites: String = citable
        .iter()
        .map(|k| format!("{{{{#cite {k}}}}} "))
        .collect();
    let content = format!("# P\n\nSee {cites}\n\n{{{{#bibliography}}}}\n");
    let mut diags = Diagnostics::new();
    let edits = chapter::process(
        &content,
        Path::new("p.md"),
        None,
        Path::new("p.md"),
        &cx,
        &mut diags,
    );
    let (out, _cited) = livingref_core::pipeline::apply(
        &content,
        Path::new("p.md"),
        "placing papers",
        edits,
        &mut diags,
    );
    // The plugin's own style and script come last; they are not data.
    let out = match out.find(render::ASSETS.as_str()) {
        Some(at) => &out[..at],
        None => &out,
    };
    let mut page = String::new();
    livingref_core::markdown::pulldown_cmark::html::push_html(
        &mut page,
        ParseOptions::default().parser(out),
    );
    let problems = live_markup(&page, PAPER_ELEMENTS);
    assert!(problems.is_empty(), "{problems:#?}\n{page}");
    let doc = scraper::Html::parse_fragment(&page);
    for paper in &bib.papers {
        let id = render::anchor("ref", &paper.key);
        let listed = doc
            .select(&scraper::Selector::parse("li.paper").unwrap())
            .any(|li| li.value().id() == Some(id.as_str()));
        assert!(
            listed,
            "paper `{}` is missing from the bibliography",
            paper.key
        );
    }
}

/// The elements a rendered card and summary table may hold: the plugin's own, and the
/// Markdown a statement or note may use (emphasis, code, safe links and images, lists).
const CARD_ELEMENTS: &[&str] = &[
    "html",
    "head",
    "body",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "p",
    "div",
    "span",
    "a",
    "img",
    "em",
    "strong",
    "del",
    "code",
    "pre",
    "br",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "ul",
    "ol",
    "li",
    "blockquote",
    "sup",
    "sub",
    "dl",
    "dt",
    "dd",
    "input",
    "style",
    "script",
];

/// The elements a rendered citation or paper list may hold: the plugin's own, and what the
/// harness's chapter and TeX formatting (`\emph`, sub/superscripts) make.
const PAPER_ELEMENTS: &[&str] = &[
    "html", "head", "body", "h1", "h2", "h3", "p", "ol", "li", "span", "a", "details", "summary",
    "div", "button", "em", "strong", "i", "b", "sub", "sup", "code", "br",
];

/// What in `html` could act for someone other than the reader: an element outside
/// `allowed`, an event-handler attribute, a link or source whose scheme the allow-list
/// refuses, a link inside a link. Judged on the parsed document, as a browser reads it.
pub fn live_markup(html: &str, allowed: &[&str]) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let mut found = Vec::new();
    for node in doc.tree.nodes() {
        let Some(element) = node.value().as_element() else {
            continue;
        };
        let tag = element.name();
        if !allowed.contains(&tag) {
            found.push(format!("element <{tag}>"));
        }
        for (attr, value) in element.attrs() {
            if attr.starts_with("on") {
                found.push(format!("<{tag} {attr}>"));
            }
            // An empty link is the page itself (a table row linking to its own chapter).
            if matches!(attr, "href" | "src" | "action" | "formaction")
                && !value.is_empty()
                && livingref_core::html::safe_url(value).is_none()
            {
                found.push(format!("<{tag} {attr}={value:?}>"));
            }
        }
    }
    if doc
        .select(&scraper::Selector::parse("a a").unwrap())
        .next()
        .is_some()
    {
        found.push("a link inside a link".to_owned());
    }
    found
}

/// Terms (one per line, up to the first blank line) and a chapter (the rest): linking only
/// ever inserts markup, never inside code, math, links, HTML or headings, and the chapter
/// comes back byte for byte when the markup is taken out.
pub fn terms(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (head, chapter) = text.split_once("\n\n").unwrap_or((text, ""));
    let mut glossary = String::from("# Glossary\n\n");
    for name in head
        .lines()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .take(16)
    {
        glossary.push_str(&format!("{name}\n: A definition.\n\n"));
    }
    let opts = ParseOptions::default();
    let mut diags = Diagnostics::new();
    let page = Path::new("glossary.md");
    let g = mdbook_terms::glossary::parse(&glossary, page, page, &opts, &mut diags);
    let matcher = mdbook_terms::matcher::Matcher::new(&g);
    let target = mdbook_terms::link::Target {
        glossary: page,
        html: true,
        mode: mdbook_terms::LinkMode::All,
        parse: opts,
    };
    let linked = mdbook_terms::link::link_chapter(
        chapter,
        Path::new("ch.md"),
        Path::new("src/ch.md"),
        &g,
        &matcher,
        &target,
        &mut diags,
    );
    if chapter.contains("term:") {
        // Explicit `[x](term:id)` links are rewritten, not wrapped: the properties below are
        // about automatic linking.
        return;
    }
    let scanned = scan(chapter, &opts, &ScanOptions::default());
    for edit in &linked.edits {
        let at = edit.range.start;
        assert!(
            edit.range.is_empty(),
            "automatic linking replaced {:?}",
            edit.range
        );
        assert!(chapter.is_char_boundary(at));
        for guard in &scanned.protected {
            assert!(
                !(guard.start < at && at < guard.end),
                "markup inserted at {at}, inside protected {guard:?} of {chapter:?}"
            );
        }
    }
    let out = splice(chapter, linked.edits.clone()).expect("edits apply");
    assert_eq!(remove_insertions(&out, &linked.edits), chapter);
    assert_eq!(
        structure(chapter, &opts),
        structure(&out, &opts),
        "structure changed: {out:?}"
    );
}

/// `out` (the result of splicing `edits`, all insertions) with the inserted text taken out.
fn remove_insertions(out: &str, edits: &[Edit]) -> String {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| e.range.start);
    let (mut back, mut o, mut c) = (String::new(), 0, 0);
    for e in sorted {
        let gap = e.range.start - c;
        back.push_str(&out[o..o + gap]);
        o += gap;
        c = e.range.start;
        assert!(
            out[o..].starts_with(&e.replacement),
            "insertion missing at {o}"
        );
        o += e.replacement.len();
    }
    back.push_str(&out[o..]);
    back
}

/// The parse of `text` with text merged and the linker's own tags removed.
fn structure(text: &str, opts: &ParseOptions) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for event in opts.parser(text) {
        let token = match event {
            Event::Text(_) => "text".to_owned(),
            Event::InlineHtml(h) if h.starts_with("<a class='term'") || h.as_ref() == "</a>" => {
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

/// A hypothesis block's TOML in a chapter with a summary table, through the whole plugin.
pub fn hypotheses(data: &[u8]) {
    let Ok(body) = std::str::from_utf8(data) else {
        return;
    };
    if body.contains("```") {
        // A fence inside would end the block: that is the author's own Markdown, not card data.
        return;
    }
    let chapter = format!("# H\n\n```hypothesis\n{body}\n```\n\n{{{{#hypotheses}}}}\n");
    let input = serde_json::json!([
        {"root": "/nonexistent-livingref-fuzz", "config": {"book": {"src": "src"}},
         "renderer": "html", "mdbook_version": "0.5.4"},
        {"items": [{"Chapter": {"name": "H", "content": chapter, "number": [1], "sub_items": [],
                    "path": "h.md", "source_path": "h.md", "parent_names": []}}]}
    ]);
    let (ctx, book) = livingref_core::protocol::parse_input(
        &input.to_string(),
        mdbook_hypotheses::Hypotheses::BINARY,
        mdbook_hypotheses::Hypotheses::VERSION,
    )
    .expect("the harness's own JSON is valid");
    let processed = livingref_core::protocol::process(&mdbook_hypotheses::Hypotheses, &ctx, book);
    match processed.book {
        None => assert!(
            processed.diagnostics.has_errors(),
            "no book and no error: content lost silently"
        ),
        Some(book) => {
            // Card data is the only thing between the fences, so in the page mdBook renders,
            // any script tag other than the plugin's own preview script, or a `javascript:`
            // link, came from it.
            let ours = format!("<script>\n{}", &livingref_core::assets::PREVIEW_JS[..32]);
            for c in book.chapters() {
                let mut page = String::new();
                let markdown = ParseOptions::default();
                livingref_core::markdown::pulldown_cmark::html::push_html(
                    &mut page,
                    markdown.parser(&c.content),
                );
                let lower = page.to_ascii_lowercase();
                for (i, _) in lower.match_indices("<script") {
                    assert!(
                        page[i..].starts_with(&ours),
                        "a script tag from card data: {:?}",
                        &page[i..]
                    );
                }
                assert!(!lower.contains("href=\"javascript:"), "{page:?}");
                let problems = live_markup(&page, CARD_ELEMENTS);
                assert!(problems.is_empty(), "{problems:#?}\n{page}");
                // The only directives left are the evidence citations the plugin writes for
                // mdbook-papers; one from card data would be expanded by it.
                for (i, _) in c.content.match_indices("{{#") {
                    assert!(
                        c.content[i..].starts_with("{{#cite "),
                        "a directive from card data: {:?}",
                        &c.content[i..]
                    );
                }
            }
        }
    }
}

/// A directive (`{{#` + the bytes) and the same bytes as Markdown.
pub fn directives(data: &[u8]) {
    let Ok(rest) = std::str::from_utf8(data) else {
        return;
    };
    let text = format!("{{{{#{rest}");
    match livingref_core::markdown::parse_directive(&text, 0) {
        Ok(d) => {
            assert!(d.range.start == 0 && d.range.end <= text.len());
            assert!(text.is_char_boundary(d.range.end));
            for arg in &d.args {
                assert!(arg.range.end <= d.range.end && text.is_char_boundary(arg.range.start));
            }
        }
        Err(e) => {
            assert!(e.range.start <= e.range.end && e.range.end <= text.len());
            assert!(text.is_char_boundary(e.range.start) && text.is_char_boundary(e.range.end));
        }
    }
    let scanned = scan(rest, &ParseOptions::default(), &ScanOptions::default());
    let mut last = 0;
    for p in &scanned.prose {
        assert!(p.range.start >= last && p.range.start < p.range.end && p.range.end <= rest.len());
        assert!(rest.is_char_boundary(p.range.start) && rest.is_char_boundary(p.range.end));
        for g in &scanned.protected {
            assert!(
                p.range.end <= g.start || p.range.start >= g.end,
                "prose {:?} overlaps {g:?}",
                p.range
            );
        }
        last = p.range.end;
    }
}
