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
///
/// Every plugin pays for this on every build, so each chapter is read once for `{{#` and
/// once per fence word with memchr's substring search, and parsed only when a sign that
/// needs the parser (a fence, a directive outside code) is there in writing.
pub fn check(
    book: &Book,
    ctx: &mdbook_preprocessor::PreprocessorContext,
    me: &str,
    expects: &[Expect],
    parse: &ParseOptions,
    diagnostics: &mut Diagnostics,
) {
    let (root, src) = (&ctx.root, &ctx.config.book.src);
    let configured = |name: &str| ctx.config.contains_key(&format!("preprocessor.{name}"));
    let expects: Vec<&Expect> = expects
        .iter()
        .filter(|e| e.builtin || configured(e.name))
        .collect();
    let mut pending: Vec<&Expect> = expects.clone();
    let mut found: Vec<(&Expect, Location)> = Vec::new();
    for chapter in book.chapters() {
        if pending.is_empty() {
            break;
        }
        let content = chapter.content.as_str();
        let directives = written_directives(content);
        pending.retain(|expect| {
            // Where the sign is written, if it is: a byte offset (`None` for the whole file).
            let seen: Option<Option<usize>> = match expect.sign {
                Sign::Text(text) => {
                    let name = text.trim_start_matches("{{#");
                    directives
                        .iter()
                        .find(|d| d.name == name && d.argument && !d.escaped)
                        .map(|d| Some(d.at))
                }
                Sign::Directive(name) => directives
                    .iter()
                    .any(|d| d.name == name && !d.escaped)
                    .then(|| {
                        crate::markdown::scan(
                            content,
                            parse,
                            &crate::markdown::ScanOptions::default(),
                        )
                        .directives
                        .iter()
                        .flatten()
                        .find(|d| d.name == name)
                        .map(|d| Some(d.range.start))
                    })
                    .flatten(),
                // The info word alone is common prose; only a fence written out is parsed.
                Sign::Fence(word) => {
                    let finder = memchr::memmem::Finder::new(word);
                    let written = finder.find_iter(content.as_bytes()).any(|at| {
                        let before = &content.as_bytes()[..at];
                        before.ends_with(b"```") || before.ends_with(b"~~~")
                    });
                    if written {
                        fenced_blocks(content, word, parse)
                            .first()
                            .map(|b| Some(b.block.start))
                    } else {
                        None
                    }
                }
                Sign::Readme => chapter
                    .path
                    .as_ref()
                    .and_then(|p| p.file_name())
                    .is_some_and(|n| n == "README.md")
                    .then_some(None),
            };
            let Some(at) = seen else { return true };
            let file = src.join(chapter.source_path.clone().unwrap_or_default());
            let location = match at {
                Some(at) => {
                    let index = crate::span::LineIndex::new(content);
                    // In the text as received: an included file's lines map to that file.
                    let mut d = Diagnostics::new();
                    d.push(Diagnostic::warning("").at(Location::in_text(
                        &file,
                        &index,
                        at..at + 3,
                    )));
                    if let Some(source) = &chapter.source_path {
                        crate::sourcemap::to_disk(&mut d, content, root, &root.join(src), source);
                    }
                    d.iter()
                        .next()
                        .and_then(|d| d.location.clone())
                        .unwrap_or_else(|| Location::file(&file))
                }
                None => Location::file(&file),
            };
            found.push((expect, location));
            false
        });
    }
    let mut warned: Vec<&str> = Vec::new();
    for (expect, location) in found {
        // One warning per missing preprocessor, whichever of its signs was seen first.
        if warned.contains(&expect.name) {
            continue;
        }
        warned.push(expect.name);
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
            .at(location)
            .help(format!(
                "add `after = [\"{}\"]` to `[preprocessor.{me}]` in book.toml (keep any names already there)",
                expect.name
            )),
        );
    }
}

/// A `{{#name` written in a chapter.
struct Written<'t> {
    /// Where `{{#` is.
    at: usize,
    name: &'t str,
    /// White space and an argument follow the name, as mdBook's links preprocessor requires
    /// of its directives (`{{#include}}` alone is left as text).
    argument: bool,
    /// A backslash stands before it.
    escaped: bool,
}

fn written_directives(content: &str) -> Vec<Written<'_>> {
    memchr::memmem::find_iter(content.as_bytes(), b"{{#")
        .map(|at| {
            let rest = &content[at + 3..];
            let len = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
                .unwrap_or(rest.len());
            let after = &rest[len..];
            Written {
                at,
                name: &rest[..len],
                argument: after.starts_with(char::is_whitespace)
                    && after.trim_start().chars().next().is_some_and(|c| c != '}'),
                escaped: content[..at].ends_with('\\'),
            }
        })
        .collect()
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

/// The hypotheses plugin has not run: a card block is still there.
pub const HYPOTHESES: Expect = Expect {
    name: "hypotheses",
    builtin: false,
    sign: Sign::Fence("hypothesis"),
};

/// The papers plugin has not run: its directives are still there.
pub const PAPERS: [Expect; 3] = [
    Expect {
        name: "papers",
        builtin: false,
        sign: Sign::Directive("cite"),
    },
    Expect {
        name: "papers",
        builtin: false,
        sign: Sign::Directive("recent-papers"),
    },
    Expect {
        name: "papers",
        builtin: false,
        sign: Sign::Directive("bibliography"),
    },
];

/// The suite's order, in one place: mdBook's `links` and `index`, then hypotheses, papers,
/// terms. What must have run before each plugin:
pub const BEFORE_HYPOTHESES: &[Expect] = &[LINKS[0], LINKS[1], LINKS[2], INDEX];
pub const BEFORE_PAPERS: &[Expect] = &[LINKS[0], LINKS[1], LINKS[2], INDEX, HYPOTHESES];
pub const BEFORE_TERMS: &[Expect] = &[
    LINKS[0], LINKS[1], LINKS[2], INDEX, HYPOTHESES, PAPERS[0], PAPERS[1], PAPERS[2],
];
