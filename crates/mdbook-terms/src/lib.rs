//! `mdbook-terms`: a glossary defined once, linked everywhere.
//!
//! One run: read the glossary chapter ([`glossary`]), compile every term form into one
//! multi-pattern matcher ([`matcher`], with inflection rules from `inflect`), link each
//! chapter's prose by splicing `<a>` tags at byte offsets ([`link`]), then rewrite the glossary
//! page with anchors and "Used in" backlinks (`page`). Chapters without terms stay
//! byte-identical.

use globset::{Glob, GlobSet, GlobSetBuilder};
use livingref_core::mdbook_preprocessor::book::Book;
use livingref_core::order::{self, Expect};
use livingref_core::pipeline::{self, Append, Edits};
use livingref_core::span::LineIndex;
use livingref_core::{Diagnostic, Lang, Location, Plugin, Run};
use serde::Deserialize;
use std::path::{Path, PathBuf};

// Public only for the fuzz targets (livingref-fuzz); not an API.
#[doc(hidden)]
pub mod glossary;
mod inflect;
mod russian;
// Public only for the fuzz targets (livingref-fuzz); not an API.
#[doc(hidden)]
pub mod link;
// Public only for the fuzz targets (livingref-fuzz); not an API.
#[doc(hidden)]
pub mod matcher;
mod page;

/// The preview script and style, inlined into each page that has glossary links (a few KB;
/// no `book.toml` edits, no files to copy, nothing fetched from a CDN).
static ASSETS: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    livingref_core::assets::inline(
        "terms",
        include_str!("../assets/terms.css"),
        include_str!("../assets/terms.js"),
    )
});

/// The `mdbook-terms` preprocessor.
#[derive(Debug, Clone, Copy, Default)]
pub struct Terms;

/// `[preprocessor.terms]`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, rename_all = "kebab-case")]
pub struct Settings {
    /// The glossary chapter, relative to the book's `src`.
    pub glossary: String,
    /// Globs (relative to `src`) of chapters that are never linked.
    pub exclude: Vec<String>,
    /// How often a term is linked.
    pub link: LinkMode,
    /// Overrides `book.language` for matching (`en`, `ru`).
    pub language: Option<String>,
    /// At most this many section links per chapter in the glossary's "Used in" lists.
    pub backlink_sections: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            glossary: "glossary.md".into(),
            exclude: Vec::new(),
            link: LinkMode::default(),
            language: None,
            backlink_sections: 3,
        }
    }
}

livingref_core::choice! {
    /// Which uses of a term become links.
    pub enum LinkMode {
        #[default]
        FirstPerChapter = "first-per-chapter",
        FirstPerSection = "first-per-section",
        All = "all",
    }
}

impl Plugin for Terms {
    const NAME: &'static str = "terms";
    const BINARY: &'static str = "mdbook-terms";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");
    const ABOUT: &'static str = "glossary terms that link themselves across an mdBook";
    const EXPECTS: &'static [Expect] = order::BEFORE_TERMS;
    type Settings = Settings;

    /// Every renderer: HTML gets tooltips, others plain Markdown links.
    fn supports_renderer(&self, _renderer: &str) -> bool {
        true
    }

    fn run(&self, run: &mut Run<'_, Settings>, mut book: Book) -> Book {
        let glossary_path = PathBuf::from(&run.settings.glossary);
        let Some(glossary_source) = glossary_text(run, &book, &glossary_path) else {
            return book;
        };
        let glossary_file = run.display(&run.src_dir().join(&glossary_path));
        let glossary = glossary::parse(
            &glossary_source,
            &glossary_path,
            &glossary_file,
            &run.markdown,
            &mut run.diagnostics,
        );
        let matcher = matcher::Matcher::new(&glossary);
        let excludes = exclude_globs(&run.settings.exclude, &mut run.diagnostics);
        let target = link::Target {
            glossary: &glossary_path,
            html: run.ctx.renderer == "html",
            mode: run.settings.link,
            parse: run.markdown,
        };
        let lang = page_language(run);

        // Pass 1: link every chapter (in parallel), remembering which terms each one uses.
        // Results come back in reading order, which the "Used in" lists follow.
        let linked_chapters = pipeline::edit_chapters(
            &mut book,
            run.ctx,
            &mut run.diagnostics,
            "linking terms",
            |chapter| {
                if chapter.source == glossary_path || excludes.is_match(chapter.source) {
                    return Edits::none(None);
                }
                let mut linked = link::link_chapter(
                    chapter.content,
                    chapter.path,
                    chapter.file,
                    &glossary,
                    &matcher,
                    &target,
                    &mut chapter.diagnostics,
                );
                let append = (target.html && !linked.linked.is_empty()).then(|| Append {
                    text: definitions(&glossary, &linked.linked),
                    what: "the definitions for term previews",
                    open_at_end: linked.open_at_end.take(),
                });
                Edits {
                    edits: std::mem::take(&mut linked.edits),
                    append,
                    facts: Some((chapter.path.to_path_buf(), chapter.name.to_owned(), linked)),
                }
            },
        );
        let uses: Vec<(PathBuf, String, link::Linked)> =
            linked_chapters.into_iter().flatten().collect();

        // Pass 2: the glossary page, with backlinks; unused terms are reported there.
        let glossary_page = glossary_page(
            run,
            &glossary_source,
            &glossary_file,
            &glossary,
            &uses,
            page::Style {
                lang,
                html: target.html,
                sections_per_chapter: run.settings.backlink_sections,
            },
        );
        book.for_each_chapter_mut(|chapter| {
            if chapter.source_path.as_deref() == Some(glossary_path.as_path()) {
                chapter.content.clone_from(&glossary_page);
            }
        });
        book
    }
}

/// The glossary chapter's text as received; an error when the book does not list it.
fn glossary_text(run: &mut Run<'_, Settings>, book: &Book, glossary: &Path) -> Option<String> {
    let found = book
        .chapters()
        .find(|c| c.source_path.as_deref() == Some(glossary))
        .map(|c| c.content.clone());
    if found.is_none() {
        let tried = run.display(&run.src_dir().join(glossary));
        run.diagnostics.push(
            Diagnostic::error(format!("glossary chapter `{}` is not in the book", tried.display()))
                .at(Location::file("book.toml"))
                .help("create it and list it in SUMMARY.md, or point `glossary` in `[preprocessor.terms]` at it"),
        );
    }
    found
}

/// `exclude` compiled; a bad pattern is an error at book.toml and excludes nothing.
fn exclude_globs(patterns: &[String], diagnostics: &mut livingref_core::Diagnostics) -> GlobSet {
    let mut excludes = GlobSetBuilder::new();
    for pattern in patterns {
        match Glob::new(pattern) {
            Ok(glob) => {
                excludes.add(glob);
            }
            Err(err) => diagnostics.push(
                Diagnostic::error(format!("invalid glob `{pattern}` in `exclude`: {err}"))
                    .at(Location::file("book.toml")),
            ),
        }
    }
    excludes.build().unwrap_or_else(|_| GlobSet::empty())
}

/// The language of the glossary page's labels: `language` if set and supported, else the
/// book's.
fn page_language(run: &mut Run<'_, Settings>) -> Lang {
    let Some(tag) = run.settings.language.clone() else {
        return run.lang;
    };
    Lang::from_tag(&tag).unwrap_or_else(|| {
        let at = run.setting_at("language");
        run.diagnostics.push(
            Diagnostic::warning(format!(
                "`language = \"{tag}\"` has no glossary labels; the book's language is used"
            ))
            .at(at)
            .help(format!(
                "supported languages: {}",
                Lang::SUPPORTED.join(", ")
            )),
        );
        run.lang
    })
}

/// The glossary page with its "Used in" backlinks, and a warning for each term no chapter
/// uses.
fn glossary_page(
    run: &mut Run<'_, Settings>,
    glossary_source: &str,
    glossary_file: &std::path::Path,
    glossary: &glossary::Glossary,
    uses: &[(PathBuf, String, link::Linked)],
    style: page::Style,
) -> String {
    let glossary_path = PathBuf::from(&run.settings.glossary);
    let chapters: Vec<page::Chapter<'_>> = uses
        .iter()
        .map(|(path, name, l)| page::Chapter {
            name,
            path,
            uses: &l.uses,
            sections: &l.sections,
        })
        .collect();
    let index = LineIndex::new(glossary_source);
    for entry in page::unused(glossary, &chapters) {
        let e = &glossary.entries[entry];
        run.diagnostics.push(
            Diagnostic::warning(format!(
                "glossary term `{}` is used nowhere in the book",
                e.display
            ))
            .at(Location::in_text(glossary_file, &index, e.title.clone()))
            .help(
                "use it in a chapter, add the spelling used there as an alias, or remove the entry",
            ),
        );
    }
    page::render(glossary_source, glossary, &glossary_path, &chapters, style)
}

/// The definitions that previews read, plus the preview assets.
///
/// They travel in a `<script type='text/html'>`, which browsers neither run nor show, rather
/// than a hidden `<div>`: mdBook's search indexes all text of a page except scripts and
/// styles, so hidden definitions made every page that uses a term a search hit for its
/// definition (filed under the page's last heading), and made the index grow with every use.
fn definitions(glossary: &glossary::Glossary, linked: &[usize]) -> String {
    let mut out = String::from("\n\n<script type='text/html' class='terms-defs'>");
    for &i in linked {
        let e = &glossary.entries[i];
        // One line, so the JSON between preprocessors needs no `\n` escapes; `&#10;` keeps
        // line breaks (they matter in `<pre>`) once the preview parses the definition.
        let definition = e.definition_html.trim_end().replace('\n', "&#10;");
        out.push_str(&format!(
            "<div data-term-def='{}'><div class='terms-preview-title'>{}</div>{}</div>",
            livingref_core::html::attr(&e.id),
            livingref_core::html::text(&e.display),
            script_safe(&definition)
        ));
    }
    out.push_str("</script>\n\n");
    out.push_str(&ASSETS);
    out
}

/// `html` with anything that could end or confuse a `<script>` element (`</script`, `<!--`)
/// written as text. Definitions are rendered with raw HTML escaped, so neither can occur;
/// this keeps it so if that ever changes.
fn script_safe(html: &str) -> std::borrow::Cow<'_, str> {
    let lower = html.to_ascii_lowercase();
    if !lower.contains("</script") && !lower.contains("<!--") {
        return std::borrow::Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len() + 8);
    for (i, c) in html.char_indices() {
        if c == '<' && (lower[i..].starts_with("</script") || lower[i..].starts_with("<!--")) {
            out.push_str("&lt;");
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn nothing_in_a_definition_can_end_its_script() {
        assert_eq!(super::script_safe("<em>a</em>"), "<em>a</em>");
        assert_eq!(
            super::script_safe("x</SCRIPT><script>alert(1)</script><!-- y"),
            "x&lt;/SCRIPT><script>alert(1)&lt;/script>&lt;!-- y"
        );
    }
}
