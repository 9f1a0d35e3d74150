//! The shared core of the livingref mdBook preprocessors (`mdbook-terms`, `mdbook-papers`,
//! `mdbook-hypotheses`). It knows nothing about glossaries, papers or hypotheses; it knows how
//! to be a well-behaved mdBook 0.5 preprocessor:
//!
//! | module | holds |
//! |---|---|
//! | [`check`] | `mdbook-NAME check`: a build's diagnostics without building |
//! | [`book_dir`] | a book loaded and preprocessed by mdBook's own library, for subcommands |
//! | [`pipeline`] | the one per-chapter pipeline: chapter work as edits, spliced, diagnostics on disk |
//! | [`parallel`] | per-chapter (and per-entry) work spread over the cores, results in order |
//! | [`protocol`] | the [`Plugin`] trait, `supports`, the JSON run loop, the version gate, exit codes |
//! | [`config`] | typed `[preprocessor.NAME]` settings; unknown keys and wrong types as diagnostics |
//! | [`diag`] | [`Diagnostic`]s with `file:line:col`, rendered like rustc; `strict` |
//! | [`span`] | byte offset → line/column |
//! | `stdio` | mdBook's JSON in and the book out, batched so mdBook's side stays cheap |
//! | [`markdown`] | prose regions, math, directives, and byte-preserving [`markdown::splice`] |
//! | [`html`] | escaping and URL allow-listing for everything a plugin emits |
//! | [`assets`] | the inline style and script blocks, with the shared preview widget |
//! | `i18n` ([`Lang`]) | the book's language |

pub mod assets;
pub mod book_dir;
pub mod check;
pub mod config;
pub mod diag;
pub mod html;
mod i18n;
pub mod input;
pub mod markdown;
pub mod order;
pub mod parallel;
pub mod pipeline;
pub mod protocol;
pub mod sourcemap;
pub mod span;
mod stdio;

pub use diag::{Diagnostic, Diagnostics, Location, Severity};
pub use i18n::Lang;
pub use protocol::{InProcess, Plugin, Run};

/// Re-exported so plugins use exactly the mdBook types the protocol is built on.
pub use mdbook_preprocessor;
