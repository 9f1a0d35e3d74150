//! `mdbook-NAME check`: every diagnostic a build would print, without building.
//!
//! A book's CI can run `mdbook-papers check --deny-warnings` in a second instead of a full
//! `mdbook build`. The book is loaded and passed through the preprocessors that run before this
//! one by mdBook's own library ([`crate::book_dir`]), includes and all, and given to the plugin's
//! ordinary [`Plugin::run`] with [`Purpose::Check`], so a check can never drift from what the
//! build reports; a plugin may add lints that only make sense for a maintainer (unused
//! bibliography entries, say) when it sees that purpose.

use crate::diag::{Severity, Style};
use crate::protocol::{Exit, Plugin, process_for};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Why a plugin is running.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Purpose {
    /// mdBook is building the book: transform it.
    #[default]
    Build,
    /// `check`: only the diagnostics matter, and maintainer lints are wanted too.
    Check,
}

/// How `check` prints what it found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// rustc-style text on stderr.
    Human,
    /// One JSON document on stdout, for tools.
    Json,
}

/// The options of `check`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub book: PathBuf,
    pub format: Format,
    pub deny_warnings: bool,
}

/// Lines for `--help`.
pub fn help(binary: &str) -> String {
    format!(
        "    {binary} check [--book DIR] [--format human|json] [--deny-warnings]\n        \
         \x20     report every problem a build would, without building (exit 1 on errors)\n"
    )
}

/// Reads `check`'s arguments (everything after the word `check`).
pub fn parse_options(args: &[&str]) -> Result<Options, String> {
    use lexopt::prelude::*;
    let mut options = Options {
        book: PathBuf::from("."),
        format: Format::Human,
        deny_warnings: false,
    };
    let mut parser = lexopt::Parser::from_args(args.iter().map(OsString::from));
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Long("book") => options.book = parser.value().map_err(|e| e.to_string())?.into(),
            Long("format") => {
                let value = parser.value().map_err(|e| e.to_string())?;
                options.format = match value.to_str() {
                    Some("human") => Format::Human,
                    Some("json") => Format::Json,
                    _ => return Err(format!("`--format` is `human` or `json`, not {value:?}")),
                };
            }
            Long("deny-warnings") => options.deny_warnings = true,
            Value(dir) if options.book == Path::new(".") => options.book = dir.into(),
            other => return Err(other.unexpected().to_string()),
        }
    }
    Ok(options)
}

/// Runs `check` and prints its report; the exit code is 1 on errors (or on warnings with
/// `--deny-warnings` or `strict = true`), 2 when the book cannot be read at all.
pub fn command<P: Plugin>(plugin: &P, args: &[&str]) -> ExitCode {
    let options = match parse_options(args) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("error[{}]: {message}\n\n{}", P::NAME, help(P::BINARY));
            return ExitCode::from(Exit::Usage);
        }
    };
    // The chapters as this plugin would get them in a build: after the plugins before it.
    let (ctx, book) = match crate::book_dir::open_for(&options.book, P::NAME) {
        Ok(opened) => opened,
        Err(diagnostic) => {
            eprint!("{}", diagnostic.render(P::NAME, Style::for_stderr()));
            return ExitCode::from(Exit::Usage);
        }
    };
    let processed = process_for(plugin, &ctx, book, Purpose::Check);
    let strict = processed.strict || options.deny_warnings;
    let diagnostics = &processed.diagnostics;
    match options.format {
        Format::Json => {
            let report = serde_json::json!({
                "plugin": P::NAME,
                "book": options.book,
                "errors": diagnostics.count(Severity::Error),
                "warnings": diagnostics.count(Severity::Warning),
                "diagnostics": diagnostics.iter().map(|d| d.to_json()).collect::<Vec<_>>(),
            });
            println!("{report:#}");
        }
        Format::Human if diagnostics.is_empty() => {
            eprintln!("{}: no problems found", P::NAME);
        }
        Format::Human => {
            let report = crate::diag::Report {
                strict,
                strict_because: if options.deny_warnings {
                    "of `--deny-warnings`".to_owned()
                } else {
                    "`strict = true`".to_owned()
                },
                ..crate::diag::Report::default()
            };
            eprint!(
                "{}",
                diagnostics.render_with(P::NAME, &report, Style::for_stderr())
            );
        }
    }
    let failed = diagnostics.has_errors() || (strict && !diagnostics.is_empty());
    ExitCode::from(if failed { Exit::BookErrors } else { Exit::Ok })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_parse_with_defaults_and_errors() {
        let o = parse_options(&[]).expect("defaults");
        assert_eq!(o.book, PathBuf::from("."));
        assert_eq!(o.format, Format::Human);
        assert!(!o.deny_warnings);
        let o = parse_options(&["--format", "json", "--deny-warnings", "--book", "b"])
            .expect("all options");
        assert_eq!((o.format, o.deny_warnings), (Format::Json, true));
        assert_eq!(o.book, PathBuf::from("b"));
        assert_eq!(
            parse_options(&["other"]).expect("positional book").book,
            PathBuf::from("other")
        );
        let err = parse_options(&["--format=xml"]).expect_err("bad format");
        assert!(err.contains("`human` or `json`"), "{err}");
        let err = parse_options(&["--nope"]).expect_err("unknown flag");
        assert!(err.contains("--nope"), "{err}");
    }
}
