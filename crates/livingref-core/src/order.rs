//! Whether the preprocessors that must run before a plugin did, told from the signs they
//! leave when they did not.
//!
//! mdBook orders preprocessors by their `before`/`after` keys and breaks ties by name, so
//! without `after = ["links", "index"]` the hypotheses plugin runs before mdBook's own
//! `links` (`hypotheses` < `links`): a card in an `{{#include}}`d file then stays a TOML code
//! block, with no word. Each plugin declares what it expects to have run
//! ([`Plugin::EXPECTS`](crate::Plugin::EXPECTS)) and what that preprocessor would have left
//! unexpanded; finding such a sign in its input is a warning naming the key to set.

use crate::markdown::{ParseOptions, fenced_blocks};
use crate::{Diagnostic, Diagnostics, Location};
use mdbook_preprocessor::book::Book;

/// A preprocessor expected to have run before, and what its absence leaves in a chapter.
#[derive(Debug, Clone, Copy)]
pub struct Expect {
    /// Its name in `[preprocessor.NAME]` (`links`, `index`, `hypotheses`, …).
    pub name: &'static str,
    /// mdBook's own (`links`, `index`): always there, whatever `book.toml` says.
    pub builtin: bool,
    pub sign: Sign,
}

/// What an unprocessed chapter shows.
#[derive(Debug, Clone, Copy)]
pub enum Sign {
    /// This directive opener followed by an argument, not escaped with a backslash (mdBook's
    /// links preprocessor expands its directives even inside code, so any such occurrence
    /// counts).
    Text(&'static str),
    /// A fenced code block with this info word, as the parser sees it.
    Fence(&'static str),
    /// A `{{#name …}}` directive outside code, as the plugins read directives.
    Directive(&'static str),
    /// A chapter file named `README.md`, which mdBook's `index` renames to `index.md`.
    Readme,
}

/// Warns once per expected preprocessor whose sign `book` shows, for plugin `me`.
pub fn check(
    book: &Book,
    src: &std::path::Path,
    me: &str,
    expects: &[Expect],
    configured: impl Fn(&str) -> bool,
    parse: &ParseOptions,
    diagnostics: &mut Diagnostics,
) {
    for expect in expects {
        if !expect.builtin && !configured(expect.name) {
            continue;
        }
        let found = book.chapters().find_map(|chapter| {
            let seen = match expect.sign {
                Sign::Text(text) => chapter.content.match_indices(text).any(|(at, _)| {
                    // As mdBook's links preprocessor matches its directives: white space and
                    // an argument after the name (`{{#include}}` alone is left as text).
                    let rest = &chapter.content[at + text.len()..];
                    !chapter.content[..at].ends_with('\\')
                        && rest.starts_with(char::is_whitespace)
                        && rest.trim_start().chars().next().is_some_and(|c| c != '}')
                }),
                // Gated on the fence written out (the info word alone is common prose), so a
                // book without such blocks is not parsed again.
                Sign::Fence(word) => {
                    (chapter.content.contains(&format!("```{word}"))
                        || chapter.content.contains(&format!("~~~{word}")))
                        && !fenced_blocks(&chapter.content, word, parse).is_empty()
                }
                Sign::Directive(name) => {
                    chapter.content.contains(&format!("{{{{#{name}"))
                        && crate::markdown::scan(
                            &chapter.content,
                            parse,
                            &crate::markdown::ScanOptions::default(),
                        )
                        .directives
                        .iter()
                        .flatten()
                        .any(|d| d.name == name)
                }
                Sign::Readme => chapter
                    .path
                    .as_ref()
                    .and_then(|p| p.file_name())
                    .is_some_and(|n| n == "README.md"),
            };
            seen.then(|| src.join(chapter.source_path.clone().unwrap_or_default()))
        });
        let Some(file) = found else { continue };
        let what = match expect.sign {
            Sign::Text(text) => format!("`{text}` reached mdbook-{me} unexpanded"),
            Sign::Fence(word) => {
                format!("a ```` ```{word} ```` block reached mdbook-{me} unprocessed")
            }
            Sign::Directive(name) => format!("`{{{{#{name}}}}}` reached mdbook-{me} unexpanded"),
            Sign::Readme => format!("`README.md` reached mdbook-{me} before mdBook renamed it"),
        };
        diagnostics.push(
            Diagnostic::warning(format!(
                "{what}: `{}` runs after `{me}`, so this chapter is not what readers will see",
                expect.name
            ))
            .at(Location::file(file))
            .help(format!(
                "add `after = [\"{}\"]` to `[preprocessor.{me}]` in book.toml (keep any names already there)",
                expect.name
            )),
        );
    }
}

/// mdBook's `links` has not run: its directives are still there.
pub const LINKS: [Expect; 3] = [
    Expect {
        name: "links",
        builtin: true,
        sign: Sign::Text("{{#include"),
    },
    Expect {
        name: "links",
        builtin: true,
        sign: Sign::Text("{{#rustdoc_include"),
    },
    Expect {
        name: "links",
        builtin: true,
        sign: Sign::Text("{{#playground"),
    },
];

/// mdBook's `index` has not run: a `README.md` chapter has not become `index.md`.
pub const INDEX: Expect = Expect {
    name: "index",
    builtin: true,
    sign: Sign::Readme,
};
