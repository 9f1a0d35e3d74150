//! Integration tests: real books built with mdBook 0.5, with the plugins both in-process
//! (`mdbook-driver`) and as compiled binaries over the JSON protocol.
//!
//! Expected `<main>` fragments live in `tests/expected/`; regenerate them with
//! `LIVINGREF_BLESS=1 cargo test` and review the diff.

// Tests fail by panicking; unwrap is the clearest way to say "this must hold".
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod browser;
mod examples;
mod flagship;
mod hostile;
mod hypotheses;
mod judge;
mod maintainer;
mod order;
mod papers;
mod passthrough;
mod protocol;
mod support;
mod terms;
