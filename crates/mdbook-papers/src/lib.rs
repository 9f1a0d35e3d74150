//! `mdbook-papers`: a BibTeX file that keeps a book current.
//!
//! Status: the preprocessor is wired into mdBook and reads its settings; BibTeX loading,
//! citations and recent-papers sections arrive with the papers feature. Until then it passes
//! the book through unchanged.

use livingref_core::mdbook_preprocessor::book::Book;
use livingref_core::{Plugin, Run};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

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
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            bibliography: vec![PathBuf::from("papers.bib")],
            today: None,
            recent_limit: 5,
            citation_style: CitationStyle::default(),
            warn_unused: false,
            topics: BTreeMap::new(),
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

impl Plugin for Papers {
    const NAME: &'static str = "papers";
    const BINARY: &'static str = "mdbook-papers";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");
    const ABOUT: &'static str = "recent papers, citations and bibliographies from BibTeX";
    type Settings = Settings;

    /// Every renderer: HTML gets previews and copy buttons, others plain Markdown.
    fn supports_renderer(&self, _renderer: &str) -> bool {
        true
    }

    fn run(&self, _run: &mut Run<'_, Settings>, book: Book) -> Book {
        book
    }
}
