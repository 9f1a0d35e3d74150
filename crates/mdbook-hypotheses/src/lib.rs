//! `mdbook-hypotheses`: a field's open questions kept as data.
//!
//! Status: the preprocessor is wired into mdBook and reads its settings; hypothesis cards and
//! summary tables arrive with the hypotheses feature. Until then it passes the book through
//! unchanged.

use livingref_core::mdbook_preprocessor::book::Book;
use livingref_core::{Plugin, Run};
use serde::Deserialize;

/// The `mdbook-hypotheses` preprocessor.
#[derive(Debug, Clone, Copy, Default)]
pub struct Hypotheses;

/// `[preprocessor.hypotheses]`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default, rename_all = "kebab-case")]
pub struct Settings {}

impl Plugin for Hypotheses {
    const NAME: &'static str = "hypotheses";
    const BINARY: &'static str = "mdbook-hypotheses";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");
    const ABOUT: &'static str = "hypothesis cards and summary tables for research books";
    type Settings = Settings;

    /// Every renderer: cards and tables are Markdown and HTML that any renderer passes on.
    fn supports_renderer(&self, _renderer: &str) -> bool {
        true
    }

    fn run(&self, _run: &mut Run<'_, Settings>, book: Book) -> Book {
        book
    }
}
