//! The mdBook 0.5 preprocessor protocol, shared by all three binaries.
//!
//! mdBook runs a preprocessor twice per renderer: `mdbook-X supports <renderer>` (exit code 0
//! means yes) and then `mdbook-X` with `[context, book]` JSON on stdin, expecting the book JSON
//! on stdout. A plugin implements [`Plugin`]; [`main`] does the rest:
//!
//! * the **version gate** reads `mdbook_version` before the book is parsed, so mdBook 0.4's JSON
//!   gets one clear sentence instead of serde's "missing field";
//! * the plugin's settings are loaded through [`crate::config`];
//! * diagnostics are printed on stderr and become the exit code; on failure nothing is written
//!   to stdout, so mdBook never renders a half-processed book.
//!
//! [`InProcess`] runs the same code as an in-process [`Preprocessor`] (used by tests through
//! `mdbook-driver`).

use crate::check::Purpose;
use crate::config::{self, Loaded};
use crate::diag::{Diagnostic, Diagnostics, Location, Outcome, Style, display_path};
use crate::i18n::Lang;
use crate::markdown::ParseOptions;
use mdbook_preprocessor::book::Book;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// How every binary and subcommand of the suite exits (the README's table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Success; warnings may have been printed.
    Ok = 0,
    /// The book has errors (or warnings under `strict = true`); nothing was written. For
    /// `supports`: the renderer is not supported.
    BookErrors = 1,
    /// Bad command line, unreadable input, no book, or an mdBook version outside 0.5.
    Usage = 2,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit as u8)
    }
}

/// The mdBook versions this suite speaks to.
pub const SUPPORTED_MDBOOK: &str = "^0.5";

/// One livingref preprocessor.
pub trait Plugin {
    /// The `[preprocessor.NAME]` table this plugin reads, and the name mdBook knows it by.
    const NAME: &'static str;
    /// The binary, for messages: `mdbook-NAME`.
    const BINARY: &'static str;
    /// The plugin's version, for `--version`.
    const VERSION: &'static str;
    /// One line for `--help`.
    const ABOUT: &'static str;

    /// The plugin's own keys of `[preprocessor.NAME]`: a kebab-case, all-defaulted struct.
    type Settings: DeserializeOwned + Default;

    /// Whether the plugin runs for `renderer` (`supports <renderer>`). Plugins that emit HTML
    /// still run for other renderers when they have a plain-text fallback.
    fn supports_renderer(&self, renderer: &str) -> bool;

    /// Transforms the book. Problems go into `run.diagnostics`; the returned book is written
    /// only if the run's outcome is a success.
    fn run(&self, run: &mut Run<'_, Self::Settings>, book: Book) -> Book;

    /// Extra subcommands (`mdbook-hypotheses export`, …): `Some(exit code)` if `args` named
    /// one. The default knows none.
    fn command(&self, _args: &[&str]) -> Option<ExitCode> {
        None
    }

    /// Lines for `--help` describing [`Plugin::command`]'s subcommands.
    const COMMANDS_HELP: &'static str = "";

    /// The preprocessors that must run before this one, and the signs that they did not
    /// (see [`crate::order`]).
    const EXPECTS: &'static [crate::order::Expect] = &[];
}

/// Everything a plugin needs during one run.
pub struct Run<'a, S> {
    pub ctx: &'a PreprocessorContext,
    /// The plugin's `[preprocessor.NAME]`.
    pub name: &'static str,
    pub settings: S,
    pub strict: bool,
    /// `book.language` (en or ru; others fall back to en).
    pub lang: Lang,
    /// The Markdown options the HTML renderer will parse with.
    pub markdown: ParseOptions,
    pub diagnostics: Diagnostics,
    /// A build, or `check` (which wants maintainer lints too).
    pub purpose: Purpose,
}

impl<S> Run<'_, S> {
    /// Where this plugin's setting `key` is written in `book.toml`.
    pub fn setting_at(&self, key: &str) -> Location {
        config::setting_location(&self.ctx.root.join("book.toml"), self.name, key)
    }

    /// The book's source folder (`book.src`, usually `src`).
    pub fn src_dir(&self) -> PathBuf {
        self.ctx.root.join(&self.ctx.config.book.src)
    }

    /// How diagnostics name a file: relative to the book root when it is inside it.
    pub fn display(&self, path: &Path) -> PathBuf {
        display_path(&self.ctx.root, path)
    }
}

/// The result of processing a book: the new book if the run succeeded, and every diagnostic.
pub struct Processed {
    pub book: Option<Book>,
    pub diagnostics: Diagnostics,
    pub strict: bool,
}

/// Loads settings and runs `plugin` on `book`; pure apart from reading `book.toml` for
/// diagnostic positions. Both [`main`] and [`InProcess`] go through here.
pub fn process<P: Plugin>(plugin: &P, ctx: &PreprocessorContext, book: Book) -> Processed {
    process_for(plugin, ctx, book, Purpose::Build)
}

/// [`process`] for a given [`Purpose`] (`check` runs the same code as a build).
pub fn process_for<P: Plugin>(
    plugin: &P,
    ctx: &PreprocessorContext,
    book: Book,
    purpose: Purpose,
) -> Processed {
    let mut diagnostics = Diagnostics::new();
    let table = match ctx
        .config
        .get::<toml::Table>(&format!("preprocessor.{}", P::NAME))
    {
        Ok(table) => table,
        Err(err) => {
            diagnostics.push(
                Diagnostic::error(format!(
                    "`[preprocessor.{}]` must be a table: {err:#}",
                    P::NAME
                ))
                .at(Location::file("book.toml")),
            );
            return Processed {
                book: None,
                diagnostics,
                strict: false,
            };
        }
    };
    let Some(Loaded { settings, strict }) = config::load::<P::Settings>(
        P::NAME,
        table,
        &ctx.root.join("book.toml"),
        &mut diagnostics,
    ) else {
        return Processed {
            book: None,
            diagnostics,
            strict: false,
        };
    };
    if let Some(tag) = &ctx.config.book.language
        && Lang::from_tag(tag).is_none()
    {
        diagnostics.push(
            Diagnostic::warning(format!(
                "`language = \"{tag}\"`: {} has no labels in that language and uses English",
                P::BINARY
            ))
            .at(config::book_setting_location(
                &ctx.root.join("book.toml"),
                "language",
            ))
            .help(format!(
                "supported languages: {}",
                Lang::SUPPORTED.join(", ")
            )),
        );
    }
    let mut run = Run {
        ctx,
        name: P::NAME,
        settings,
        strict,
        lang: Lang::of_book(&ctx.config),
        markdown: ParseOptions::from_config(&ctx.config),
        diagnostics,
        purpose,
    };
    crate::order::check(
        &book,
        ctx,
        P::NAME,
        P::EXPECTS,
        &run.markdown,
        &mut run.diagnostics,
    );
    let book = plugin.run(&mut run, book);
    let book = (run.diagnostics.outcome(strict) == Outcome::Success).then_some(book);
    Processed {
        book,
        diagnostics: run.diagnostics,
        strict,
    }
}

/// The entry point of every binary: `fn main() -> ExitCode { protocol::main(Terms) }`.
pub fn main<P: Plugin>(plugin: P) -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["supports", renderer] => {
            let code = if plugin.supports_renderer(renderer) {
                Exit::Ok
            } else {
                Exit::BookErrors
            };
            ExitCode::from(code)
        }
        ["--version" | "-V"] => {
            println!(
                "{} {} (for mdBook {SUPPORTED_MDBOOK})",
                P::BINARY,
                P::VERSION
            );
            ExitCode::SUCCESS
        }
        ["--help" | "-h"] => {
            print!("{}", help::<P>());
            ExitCode::SUCCESS
        }
        [] if io::stdin().is_terminal() => {
            // Run by hand with nothing piped in: explain instead of waiting for JSON forever.
            eprint!("{}", help::<P>());
            ExitCode::from(Exit::Usage)
        }
        [] => ExitCode::from(run_stdio(&plugin)),
        ["check", rest @ ..] => crate::check::command(&plugin, rest),
        other => plugin.command(other).unwrap_or_else(|| {
            eprintln!(
                "error: unexpected arguments `{}`\n\n{}",
                other.join(" "),
                help::<P>()
            );
            ExitCode::from(Exit::Usage)
        }),
    }
}

fn run_stdio<P: Plugin>(plugin: &P) -> Exit {
    let input = match crate::stdio::read_all() {
        Ok(input) => input,
        Err(err) => {
            eprintln!(
                "error[{}]: cannot read mdBook's JSON from stdin: {err}",
                P::NAME
            );
            return Exit::Usage;
        }
    };
    let (ctx, book) = match parse_input(&input, P::BINARY, P::VERSION) {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("error[{}]: {message}", P::NAME);
            return Exit::Usage;
        }
    };
    drop(input);
    let processed = process(plugin, &ctx, book);
    report::<P>(&processed);
    let Some(book) = processed.book else {
        return Exit::BookErrors;
    };
    let mut out = crate::stdio::book_writer();
    if let Err(err) = serde_json::to_writer(&mut out, &book)
        .map_err(io::Error::from)
        .and_then(|()| out.flush())
    {
        eprintln!("error[{}]: cannot write the book to stdout: {err}", P::NAME);
        return Exit::Usage;
    }
    Exit::Ok
}

fn report<P: Plugin>(processed: &Processed) {
    if !processed.diagnostics.is_empty() {
        // A build prints its report on every `mdbook serve` rebuild: 990 unused terms made
        // 4,954 lines each time. A few of each kind, then a count; `check` lists them all.
        let text = processed.diagnostics.render_with(
            P::NAME,
            &crate::diag::Report {
                strict: processed.strict,
                group_after: Some(3),
                see_all: format!(
                    "run `{} check` to list them all, or `{} check --format json`",
                    P::BINARY,
                    P::BINARY
                ),
                ..crate::diag::Report::default()
            },
            Style::for_stderr(),
        );
        let _ = io::stderr().lock().write_all(text.as_bytes());
    }
}

/// Parses mdBook's `[context, book]` input, checking `mdbook_version` *before* the book, so
/// input from another mdBook generation fails with one sentence naming both versions.
///
/// One pass over the text: the context (small) is taken as raw JSON and checked first, then
/// the book is parsed straight from the same deserializer, or skipped unread if the version
/// is wrong. (An earlier version split the input into two raw values first, which cost a
/// whole extra pass over every chapter.)
pub fn parse_input(
    json: &str,
    binary: &str,
    version: &str,
) -> Result<(PreprocessorContext, Book), String> {
    let not_mdbook = |err: serde_json::Error| {
        format!(
            "the input is not mdBook preprocessor JSON (`[context, book]`): {err}\n  \
             = help: mdBook runs `{binary}` itself; see `{binary} --help`"
        )
    };
    let mut de = serde_json::Deserializer::from_str(json);
    let input = serde::Deserializer::deserialize_tuple(&mut de, 2, InputVisitor)
        .and_then(|input| de.end().map(|()| input))
        .map_err(not_mdbook)?;
    match input {
        Input::Book(ctx, book) => Ok((*ctx, book)),
        Input::OtherVersion(mdbook) => Err(format!(
            "{binary} {version} works with mdBook 0.5, but was run by mdBook {mdbook}\n  \
             = help: install mdBook 0.5 (`cargo install mdbook --version 0.5.4 --locked`), \
             or remove `[preprocessor.{}]` from book.toml to build without it",
            binary.trim_start_matches("mdbook-"),
        )),
    }
}

enum Input {
    Book(Box<PreprocessorContext>, Book),
    /// The `mdbook_version` of input we do not speak.
    OtherVersion(String),
}

struct InputVisitor;

impl<'de> serde::de::Visitor<'de> for InputVisitor {
    type Value = Input;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a `[context, book]` array")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Input, A::Error> {
        use serde::de::Error;
        #[derive(Deserialize)]
        struct VersionProbe {
            mdbook_version: Option<String>,
        }
        let ctx: &RawValue = seq
            .next_element()?
            .ok_or_else(|| A::Error::invalid_length(0, &self))?;
        let probe: VersionProbe = serde_json::from_str(ctx.get()).map_err(A::Error::custom)?;
        let mdbook = probe.mdbook_version.unwrap_or_else(|| "unknown".into());
        if !version_supported(&mdbook) {
            seq.next_element::<serde::de::IgnoredAny>()?;
            return Ok(Input::OtherVersion(mdbook));
        }
        let ctx = serde_json::from_str(ctx.get()).map_err(A::Error::custom)?;
        let book = seq
            .next_element()?
            .ok_or_else(|| A::Error::invalid_length(1, &self))?;
        if seq.next_element::<serde::de::IgnoredAny>()?.is_some() {
            return Err(A::Error::invalid_length(3, &self));
        }
        Ok(Input::Book(Box::new(ctx), book))
    }
}

/// `^0.5`: 0.5.x including pre-releases of 0.5 (mdBook's own betas speak the 0.5 protocol).
fn version_supported(version: &str) -> bool {
    let mut parts = version.split(['.', '-', '+']);
    matches!((parts.next(), parts.next()), (Some("0"), Some("5")))
}

fn help<P: Plugin>() -> String {
    let (bin, name) = (P::BINARY, P::NAME);
    format!(
        "{bin} {version} — {about}\n\n\
         mdBook runs this program as a preprocessor. Enable it in book.toml:\n\n    \
         [preprocessor.{name}]\n\n\
         Usage:\n    \
         {bin}                      read mdBook's [context, book] JSON on stdin, write the book to stdout\n    \
         {bin} supports <renderer>  exit 0 if <renderer> is supported, 1 if not\n    \
         {bin} --help | --version\n{check}{commands}\n\
         Exit codes:\n    \
         0  success (warnings, if any, are printed on stderr)\n    \
         1  the book has errors, or warnings with `strict = true`; nothing is written\n    \
         2  bad arguments, unreadable input, or an mdBook version other than 0.5\n",
        version = P::VERSION,
        about = P::ABOUT,
        commands = P::COMMANDS_HELP,
        check = crate::check::help(bin),
    )
}

/// Runs a [`Plugin`] inside the mdBook process (through `mdbook-driver`), with the same
/// settings, diagnostics and failure rules as the binary.
pub struct InProcess<P>(pub P);

impl<P: Plugin> Preprocessor for InProcess<P> {
    fn name(&self) -> &str {
        P::NAME
    }

    fn run(&self, ctx: &PreprocessorContext, book: Book) -> anyhow::Result<Book> {
        let processed = process(&self.0, ctx, book);
        report::<P>(&processed);
        match processed.book {
            Some(book) => Ok(book),
            None => Err(anyhow::anyhow!(
                "{}: the book has errors (see the diagnostics above)",
                P::BINARY
            )),
        }
    }

    fn supports_renderer(&self, renderer: &str) -> anyhow::Result<bool> {
        Ok(self.0.supports_renderer(renderer))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_gate_accepts_only_0_5() {
        assert!(version_supported("0.5.4"));
        assert!(version_supported("0.5.0-beta.1"));
        assert!(!version_supported("0.4.52"));
        assert!(!version_supported("1.0.0"));
        assert!(!version_supported("unknown"));
    }

    #[test]
    fn mdbook_0_4_input_names_both_versions() {
        // The shape mdBook 0.4 sends: `sections` instead of `items`.
        let json = r#"[{"root":"/b","config":{"book":{}},"renderer":"html","mdbook_version":"0.4.40"},
                      {"sections":[],"__non_exhaustive":null}]"#;
        let err = parse_input(json, "mdbook-terms", "0.1.0").unwrap_err();
        assert!(
            err.starts_with(
                "mdbook-terms 0.1.0 works with mdBook 0.5, but was run by mdBook 0.4.40"
            ),
            "{err}"
        );
        assert!(!err.contains("missing field"), "{err}");
    }

    #[test]
    fn a_book_parses_in_one_pass_and_nothing_may_follow_it() {
        let ctx =
            r#"{"root":"/b","config":{"book":{}},"renderer":"html","mdbook_version":"0.5.4"}"#;
        let book = r#"{"items":[{"Chapter":{"name":"A","content":"x\ny","number":null,
                      "sub_items":[],"path":"a.md","source_path":"a.md","parent_names":[]}}]}"#;
        let (parsed_ctx, parsed) =
            parse_input(&format!("[{ctx},{book}]"), "mdbook-terms", "0.1.0").expect("parses");
        assert_eq!(parsed_ctx.renderer, "html");
        assert_eq!(
            parsed
                .chapters()
                .map(|c| c.content.as_str())
                .collect::<Vec<_>>(),
            ["x\ny"]
        );
        for broken in [
            format!("[{ctx}]"),
            format!("[{ctx},{book},{{}}]"),
            format!("[{ctx},{book}] trailing"),
        ] {
            let err = parse_input(&broken, "mdbook-terms", "0.1.0").unwrap_err();
            assert!(
                err.starts_with("the input is not mdBook preprocessor JSON"),
                "{broken}: {err}"
            );
        }
    }

    #[test]
    fn garbage_input_is_named_as_such() {
        let err = parse_input("{\"not\": \"a book\"}", "mdbook-papers", "0.1.0").unwrap_err();
        assert!(
            err.starts_with("the input is not mdBook preprocessor JSON"),
            "{err}"
        );
    }
}
