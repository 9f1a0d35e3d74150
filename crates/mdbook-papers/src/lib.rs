//! `mdbook-papers`: a BibTeX file that keeps a book current.
//!
//! One run: load the configured `.bib` files with [`livingref_bib`] (one bad entry never
//! costing the others) into [`Paper`](livingref_bib::Paper)s; then, per chapter through
//! core's pipeline (`chapter`), replace citations (`cite`) and `{{#recent-papers}}` /
//! `{{#bibliography}}` directives with HTML (`render`), append recent papers to topic chapters
//! and a references list to chapters that cite. "Recent" is measured from a pinned date
//! ([`livingref_bib::today`]).

use globset::{Glob, GlobSet, GlobSetBuilder};
use livingref_core::check::Purpose;
use livingref_core::mdbook_preprocessor::book::Book;
use livingref_core::order::{self, Expect};
use livingref_core::pipeline;
use livingref_core::{Diagnostic, Location, Plugin, Run};
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

mod add;
// Public only for the fuzz targets (livingref-fuzz); not an API.
#[doc(hidden)]
pub mod chapter;
mod cite;
mod identity;
mod lint;
// Public only for the fuzz targets (livingref-fuzz); not an API.
#[doc(hidden)]
pub mod normalize;
// Public only for the fuzz targets (livingref-fuzz); not an API.
#[doc(hidden)]
pub mod render;

/// The `mdbook-papers` preprocessor.
#[derive(Debug, Clone, Copy, Default)]
pub struct Papers;

/// `[preprocessor.papers]`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, rename_all = "kebab-case")]
pub struct Settings {
    /// BibTeX files, relative to the book root, read in order.
    pub bibliography: Vec<PathBuf>,
    /// The date "recent" is measured from (`YYYY-MM-DD`); else `SOURCE_DATE_EPOCH`, else today.
    pub today: Option<String>,
    /// How many papers a recent-papers section lists.
    pub recent_limit: usize,
    pub citation_style: CitationStyle,
    /// Warn about entries no chapter cites.
    pub warn_unused: bool,
    /// Chapter path glob → topic tags whose recent papers that chapter shows.
    pub topics: BTreeMap<String, Vec<String>>,
    /// How much a chapter's reference list shows of papers that a bibliography page lists.
    pub references: References,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            bibliography: vec![PathBuf::from(livingref_bib::DEFAULT_FILE)],
            today: None,
            recent_limit: 5,
            citation_style: CitationStyle::default(),
            warn_unused: false,
            topics: BTreeMap::new(),
            references: References::default(),
        }
    }
}

livingref_core::choice! {
    /// How citations render.
    pub enum CitationStyle {
        #[default]
        AuthorYear = "author-year",
        Numeric = "numeric",
    }
}

livingref_core::choice! {
    /// How much of a paper a chapter's "References" list shows.
    pub enum References {
        /// Authors, date, title, venue and links, plus a "BibTeX" link to the paper's full
        /// entry (abstract, copy button) on the bibliography page. Papers that no
        /// bibliography page lists are shown in full.
        #[default]
        Compact = "compact",
        /// Everything, abstract and copy button included, on every page that cites the paper.
        Full = "full",
    }
}

impl Plugin for Papers {
    const NAME: &'static str = "papers";
    const BINARY: &'static str = "mdbook-papers";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");
    const ABOUT: &'static str = "recent papers, citations and bibliographies from BibTeX";
    const EXPECTS: &'static [Expect] = order::BEFORE_PAPERS;
    type Settings = Settings;
    const COMMANDS_HELP: &'static str = add::HELP;

    fn command(&self, args: &[&str]) -> Option<std::process::ExitCode> {
        match args {
            ["add", rest @ ..] => Some(add::command(rest)),
            _ => None,
        }
    }

    /// Every renderer: all output is HTML that renderers pass through; the copy buttons and
    /// their script are added for the HTML renderer only.
    fn supports_renderer(&self, _renderer: &str) -> bool {
        true
    }

    fn run(&self, run: &mut Run<'_, Settings>, mut book: Book) -> Book {
        let today = match livingref_bib::today(run.settings.today.as_deref()) {
            Ok(date) => date,
            Err(message) => {
                let at = run.setting_at("today");
                run.diagnostics.push(Diagnostic::error(message).at(at));
                return book;
            }
        };
        let root = run.ctx.root.clone();
        let shown = |p: &std::path::Path| livingref_core::diag::display_path(&root, p);
        let mut bibliography = livingref_bib::load(
            &run.settings.bibliography,
            &root,
            shown,
            &mut run.diagnostics,
        );
        if run.settings.citation_style == CitationStyle::AuthorYear {
            let strings = render::strings(run.lang);
            bibliography.disambiguate_years(|p| render::cite_who(p, &strings));
        }
        lint::duplicates(&bibliography, &mut run.diagnostics);
        let checking = run.purpose == Purpose::Check;
        if checking {
            unwatched_bibliographies(run);
        }
        let topics = match topic_globs(&run.settings.topics) {
            Ok(t) => t,
            Err(message) => {
                run.diagnostics
                    .push(Diagnostic::error(message).at(Location::file("book.toml")));
                return book;
            }
        };
        let cx = chapter::Context {
            bib: &bibliography,
            settings: &run.settings,
            strings: render::strings(run.lang),
            today,
            html: run.ctx.renderer == "html",
            parse: run.markdown,
            rendered: chapter::Rendered::new(&bibliography),
            suggest: livingref_core::config::Suggestions::new(bibliography.keys()),
            full_entries: chapter::full_entries(
                book.chapters()
                    .filter_map(|c| Some((c.path.as_deref()?, c.content.as_str()))),
                &bibliography,
                &run.markdown,
                run.ctx.renderer == "html",
            ),
        };
        // Chapters are independent given the bibliography: render them in parallel, then
        // merge what each one cited, in reading order.
        let cited: HashSet<String> = pipeline::edit_chapters(
            &mut book,
            run.ctx,
            &mut run.diagnostics,
            "placing papers",
            |ch| {
                let tags: Vec<String> = topics
                    .iter()
                    .filter(|(set, _)| set.is_match(ch.source))
                    .flat_map(|(_, tags)| tags.iter().cloned())
                    .collect();
                let topic = (!tags.is_empty()).then_some(tags.as_slice());
                chapter::process(
                    ch.content,
                    ch.path,
                    topic,
                    ch.file,
                    &cx,
                    &mut ch.diagnostics,
                )
            },
        )
        .into_iter()
        .flatten()
        .collect();
        if checking {
            lint::maintainer(&bibliography, &cited, &mut run.diagnostics);
        } else if run.settings.warn_unused {
            lint::unused(&bibliography, &cited, &mut run.diagnostics);
        }
        book
    }
}

/// `[preprocessor.papers.topics]` as compiled globs with their (lower-case) tags.
fn topic_globs(
    topics: &BTreeMap<String, Vec<String>>,
) -> Result<Vec<(GlobSet, Vec<String>)>, String> {
    topics
        .iter()
        .map(|(pattern, tags)| {
            let glob = Glob::new(pattern)
                .map_err(|e| format!("invalid chapter glob `{pattern}` in `topics`: {e}"))?;
            let set = GlobSetBuilder::new()
                .add(glob)
                .build()
                .map_err(|e| e.to_string())?;
            Ok((set, tags.iter().map(|t| t.trim().to_lowercase()).collect()))
        })
        .collect()
}

/// `check`: a bibliography that `mdbook serve` does not watch. mdBook rebuilds on changes
/// under `src` and `build.extra-watch-dirs` only, so editing a `.bib` at the book root left
/// the served book stale with no word (#18).
fn unwatched_bibliographies(run: &mut Run<'_, Settings>) {
    let root = &run.ctx.root;
    let mut watched = vec![root.join(&run.ctx.config.book.src)];
    watched.extend(
        run.ctx
            .config
            .build
            .extra_watch_dirs
            .iter()
            .map(|d| root.join(d)),
    );
    let resolve = |p: &std::path::Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let watched: Vec<_> = watched.iter().map(|d| resolve(d)).collect();
    for file in run.settings.bibliography.clone() {
        let path = resolve(&root.join(&file));
        if watched.iter().any(|d| path.starts_with(d)) {
            continue;
        }
        // Watching the book root would watch the build output too; a folder of its own is
        // the clean way.
        let folder = file
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| "bib".to_owned(), |p| p.display().to_string());
        let at = run.setting_at("bibliography");
        run.diagnostics.push(
            Diagnostic::warning(format!(
                "`mdbook serve` does not watch `{}`: editing it will not rebuild the book",
                file.display()
            ))
            .at(at)
            .help(format!(
                "move it under `src`, or into a folder listed in `[build]` as `extra-watch-dirs = [\"{folder}\"]`"
            )),
        );
    }
}
