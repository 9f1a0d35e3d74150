//! `mdbook-terms`: a glossary defined once, linked everywhere.
//!
//! Status: the preprocessor is wired into mdBook and reads its settings; linking arrives with
//! the glossary feature. Until then it passes the book through unchanged.

use livingref_core::mdbook_preprocessor::book::Book;
use livingref_core::{Plugin, Run};
use serde::Deserialize;

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
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            glossary: "glossary.md".into(),
            exclude: Vec::new(),
            link: LinkMode::default(),
            language: None,
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
    type Settings = Settings;

    /// Every renderer: HTML gets tooltips, others plain Markdown links.
    fn supports_renderer(&self, _renderer: &str) -> bool {
        true
    }

    fn run(&self, _run: &mut Run<'_, Settings>, book: Book) -> Book {
        book
    }
}
