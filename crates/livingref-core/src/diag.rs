//! Diagnostics as data, printed like a compiler's.
//!
//! Every problem a plugin finds in a book — a malformed BibTeX entry, an unknown hypothesis
//! field, a duplicate glossary term, a bad config value — becomes a [`Diagnostic`]: severity,
//! message, an optional `file:line:col` with the offending source line, and a `help` that says
//! how to fix it. Plugins *collect* diagnostics into [`Diagnostics`] and keep going, so one run
//! reports every problem at once; the protocol layer prints them on stderr and turns them into
//! an exit code (see [`Outcome`]).
//!
//! Nothing here panics on odd input: spans are clamped to the text they point into.

use crate::span::LineIndex;
use std::collections::HashMap;
use std::fmt::{self, Write as _};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The book cannot be built correctly; always fails the build.
    Error,
    /// Something is off but the output is still sound; fails the build only with `strict = true`.
    Warning,
}

impl Severity {
    fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// Where a diagnostic points: a file, a 1-based line and column, and the source line itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// Path as the user should read it: relative to the book root when possible.
    pub file: PathBuf,
    pub line: usize,
    pub col: usize,
    /// How many characters to underline (at least one caret is drawn when a line is known).
    pub width: usize,
    /// The offending line, if the text is known, printed under the location with carets. A
    /// long line is cut to a window around the problem (see [`Location::in_text`]).
    pub source_line: Option<String>,
    /// The caret's column within `source_line` (`col` unless the line was cut).
    pub shown_col: usize,
}

/// Characters of a long line kept before and after the start of a problem. A one-line `.bib`
/// file or a minified chapter has lines of megabytes: quoting them whole made 10,000
/// diagnostics on one 400 KB line hold 3.7 GB, and drew a caret past column 65,535, where
/// `format!`'s padding panics.
const CONTEXT_BEFORE: usize = 40;
const CONTEXT_AFTER: usize = 80;

impl Location {
    /// A whole file, no position (e.g. a missing file or a setting from the environment).
    pub fn file(file: impl Into<PathBuf>) -> Self {
        Location {
            file: file.into(),
            line: 0,
            col: 0,
            width: 0,
            source_line: None,
            shown_col: 0,
        }
    }

    /// A byte range inside `index`'s text. Offsets that fall inside a multibyte character or
    /// past the end are clamped, so a wrong span degrades the message, never the process.
    pub fn in_text(file: impl Into<PathBuf>, index: &LineIndex<'_>, range: Range<usize>) -> Self {
        let start = index.line_col(range.start);
        let (line_text, at) = index.line_text_at(range.start);
        let width = if range.end > range.start {
            // Underlined to the end of the span or of its first line, and never further than
            // the excerpt shows: counting a whole long line per diagnostic made 10,000
            // diagnostics on one line quadratic.
            let end = range
                .end
                .min(index.line_end(start.line))
                .max(range.start + 1);
            let span = index.text().get(range.start..end).unwrap_or_default();
            span.chars().take(CONTEXT_AFTER + 1).count()
        } else {
            1
        };
        let (excerpt, shown_col, width) = excerpt(line_text, at, start.col, width.max(1));
        Location {
            file: file.into(),
            line: start.line,
            col: start.col,
            width,
            source_line: Some(excerpt),
            shown_col,
        }
    }

    /// Column `col` (1-based, in characters) of line `line`, whose text is `line_text`.
    pub fn at_line(file: impl Into<PathBuf>, line: usize, col: usize, line_text: &str) -> Self {
        let at = line_text
            .char_indices()
            .nth(col.saturating_sub(1))
            .map_or(line_text.len(), |(i, _)| i);
        let (excerpt, shown_col, width) = excerpt(line_text, at, col, 1);
        Location {
            file: file.into(),
            line,
            col,
            width,
            source_line: Some(excerpt),
            shown_col,
        }
    }
}

/// `line` cut to a window around byte `at` (column `col`) when it is long, with `…` where it
/// was cut: (text, the caret's column in it, the caret width that fits). Work is bounded by
/// the window, not the line.
fn excerpt(line: &str, at: usize, col: usize, width: usize) -> (String, usize, usize) {
    if line.len() <= CONTEXT_BEFORE + CONTEXT_AFTER {
        return (line.to_owned(), col, width);
    }
    let at = crate::span::floor_char_boundary(line, at);
    let first = line[..at]
        .char_indices()
        .rev()
        .nth(CONTEXT_BEFORE - 1)
        .map_or(0, |(i, _)| i);
    let last = line[at..]
        .char_indices()
        .nth(CONTEXT_AFTER)
        .map_or(line.len(), |(i, _)| at + i);
    let mut out = String::new();
    if first > 0 {
        out.push('…');
    }
    out.push_str(&line[first..last]);
    if last < line.len() {
        out.push('…');
    }
    let shown_col = line[first..at].chars().count() + 1 + usize::from(first > 0);
    let room = line[at..last].chars().count().max(1);
    (out, shown_col, width.min(room))
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.col)?;
        }
        Ok(())
    }
}

/// One problem found in a book, with everything needed to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    pub location: Option<Location>,
    /// Secondary places, e.g. "first defined here" for a duplicate.
    pub related: Vec<(Location, String)>,
    /// How to fix it, phrased as an instruction.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Self::new(Severity::Error, message)
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, message)
    }

    fn new(severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            message: message.into(),
            location: None,
            related: Vec::new(),
            help: None,
        }
    }

    #[must_use]
    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    #[must_use]
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    #[must_use]
    pub fn related(mut self, location: Location, note: impl Into<String>) -> Self {
        self.related.push((location, note.into()));
        self
    }

    /// The diagnostic as JSON for tools (`check --format json`): `severity`, `message`,
    /// `file`/`line`/`column` (absent when unknown; line and column are 1-based), `help`,
    /// and `related` places with their notes.
    pub fn to_json(&self) -> serde_json::Value {
        fn place(loc: &Location) -> serde_json::Map<String, serde_json::Value> {
            let mut map = serde_json::Map::new();
            map.insert("file".into(), loc.file.to_string_lossy().into());
            if loc.line > 0 {
                map.insert("line".into(), loc.line.into());
                map.insert("column".into(), loc.col.into());
            }
            map
        }
        let mut map = self.location.as_ref().map(place).unwrap_or_default();
        map.insert("severity".into(), self.severity.label().into());
        map.insert("message".into(), self.message.clone().into());
        if let Some(help) = &self.help {
            map.insert("help".into(), help.clone().into());
        }
        let related: Vec<serde_json::Value> = self
            .related
            .iter()
            .map(|(loc, note)| {
                let mut p = place(loc);
                p.insert("message".into(), note.clone().into());
                p.into()
            })
            .collect();
        map.insert("related".into(), related.into());
        map.into()
    }

    /// Renders the diagnostic rustc-style. `origin` names the plugin (`terms`, `papers`, …) so a
    /// reader of mdBook's interleaved output knows which preprocessor spoke.
    pub fn render(&self, origin: &str, style: Style) -> String {
        let mut out = String::new();
        let (head, tail) = style.severity(self.severity);
        let _ = writeln!(
            out,
            "{head}{}[{origin}]{tail}{bold}: {}{reset}",
            self.severity.label(),
            self.message,
            bold = style.bold(),
            reset = style.reset(),
        );
        let gutter = [self.location.as_ref()]
            .into_iter()
            .flatten()
            .chain(self.related.iter().map(|(loc, _)| loc))
            .map(|loc| loc.line.to_string().len())
            .max()
            .unwrap_or(1);
        if let Some(loc) = &self.location {
            render_location(&mut out, loc, None, gutter, style);
        }
        for (loc, note) in &self.related {
            render_location(&mut out, loc, Some(note), gutter, style);
        }
        if let Some(help) = &self.help {
            let _ = writeln!(
                out,
                "{:gutter$} = {}help{}: {help}",
                "",
                style.bold(),
                style.reset()
            );
        }
        out
    }
}

fn render_location(
    out: &mut String,
    loc: &Location,
    note: Option<&str>,
    gutter: usize,
    style: Style,
) {
    let blue = style.blue();
    let reset = style.reset();
    let _ = writeln!(out, "{:gutter$}{blue}-->{reset} {loc}", "");
    let Some(line) = &loc.source_line else {
        if let Some(note) = note {
            let _ = writeln!(out, "{:gutter$} = note: {note}", "");
        }
        return;
    };
    // Tabs would shift the caret; draw them as single spaces on both lines.
    let shown: String = line
        .chars()
        .map(|c| if c == '\t' { ' ' } else { c })
        .collect();
    let _ = writeln!(out, "{:gutter$} {blue}|{reset}", "");
    let _ = writeln!(out, "{blue}{:>gutter$} |{reset} {shown}", loc.line);
    // Padding by `repeat`, not `{:pad$}`: format widths above 65,535 panic.
    let pad = " ".repeat(loc.shown_col.saturating_sub(1));
    let carets = "^".repeat(loc.width.max(1));
    let note = note.map(|n| format!(" {n}")).unwrap_or_default();
    let _ = writeln!(out, "{:gutter$} {blue}|{reset} {pad}{carets}{note}", "");
}

/// Terminal styling for rendered diagnostics: ANSI colours or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    Ansi,
}

impl Style {
    /// Colours only on a terminal, and never when `NO_COLOR` is set (<https://no-color.org>).
    pub fn for_stderr() -> Self {
        use std::io::IsTerminal;
        if std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal() {
            Style::Ansi
        } else {
            Style::Plain
        }
    }

    fn severity(self, severity: Severity) -> (&'static str, &'static str) {
        match (self, severity) {
            (Style::Plain, _) => ("", ""),
            (Style::Ansi, Severity::Error) => ("\x1b[1;31m", "\x1b[0m"),
            (Style::Ansi, Severity::Warning) => ("\x1b[1;33m", "\x1b[0m"),
        }
    }

    fn bold(self) -> &'static str {
        if self == Style::Ansi { "\x1b[1m" } else { "" }
    }

    fn blue(self) -> &'static str {
        if self == Style::Ansi {
            "\x1b[1;34m"
        } else {
            ""
        }
    }

    fn reset(self) -> &'static str {
        if self == Style::Ansi { "\x1b[0m" } else { "" }
    }
}

/// What a run amounts to once all diagnostics are in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Output is written; warnings (if any) were printed.
    Success,
    /// No output is written and mdBook stops: errors, or warnings under `strict = true`.
    Failure,
}

/// The diagnostics of one run, in the order they were found.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    pub fn extend(&mut self, diagnostics: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(diagnostics);
    }

    /// Applies `f` to every location, main and related (see [`crate::sourcemap`]).
    pub fn relocate(&mut self, mut f: impl FnMut(&mut Location)) {
        for d in &mut self.items {
            if let Some(loc) = d.location.as_mut() {
                f(loc);
            }
            for (loc, _) in &mut d.related {
                f(loc);
            }
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == severity).count()
    }

    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }

    /// Errors always fail; warnings fail only when `strict`.
    pub fn outcome(&self, strict: bool) -> Outcome {
        if self.has_errors() || (strict && self.count(Severity::Warning) > 0) {
            Outcome::Failure
        } else {
            Outcome::Success
        }
    }

    /// All diagnostics followed by a one-line summary, as printed on stderr.
    pub fn render(&self, origin: &str, strict: bool, style: Style) -> String {
        self.render_with(
            origin,
            &Report {
                strict,
                ..Report::default()
            },
            style,
        )
    }

    /// All diagnostics, as `report` asks: every one (`check`), or repeated kinds grouped (a
    /// build, printed again on every `mdbook serve` rebuild), then the one-line summary.
    pub fn render_with(&self, origin: &str, report: &Report, style: Style) -> String {
        let mut out = String::new();
        let kinds: Vec<String> = self.items.iter().map(Diagnostic::kind).collect();
        let mut total: HashMap<&str, usize> = HashMap::new();
        for kind in &kinds {
            *total.entry(kind.as_str()).or_default() += 1;
        }
        let mut shown: HashMap<&str, usize> = HashMap::new();
        for (diagnostic, kind) in self.items.iter().zip(&kinds) {
            let count = total[kind.as_str()];
            let seen = shown.entry(kind.as_str()).or_default();
            *seen += 1;
            let grouped = report.group_after.is_some_and(|n| count > n + 2);
            let first = report.group_after.unwrap_or(usize::MAX);
            if grouped && *seen > first {
                continue;
            }
            out.push_str(&diagnostic.render(origin, style));
            if grouped && *seen == first {
                let (head, tail) = style.severity(diagnostic.severity);
                let _ = writeln!(
                    out,
                    "{head}{}[{origin}]{tail}: {} more like this: {kind}\n  = note: {}",
                    diagnostic.severity.label(),
                    count - first,
                    report.see_all,
                );
            }
            out.push('\n');
        }
        let errors = self.count(Severity::Error);
        let warnings = self.count(Severity::Warning);
        if errors + warnings == 0 {
            return out;
        }
        let summary = match (errors, warnings) {
            (0, w) => plural(w, "warning"),
            (e, 0) => plural(e, "error"),
            (e, w) => format!("{} and {}", plural(e, "error"), plural(w, "warning")),
        };
        let strict = report.strict;
        let verdict = match self.outcome(strict) {
            Outcome::Success => " emitted".to_owned(),
            Outcome::Failure if errors > 0 => "; the build fails".to_owned(),
            Outcome::Failure => format!("; the build fails because {}", report.strict_because),
        };
        let (head, tail) = style.severity(if errors > 0 || strict {
            Severity::Error
        } else {
            Severity::Warning
        });
        let _ = writeln!(out, "{head}{origin}{tail}: {summary}{verdict}");
        out
    }
}

/// How [`Diagnostics::render_with`] reports.
#[derive(Debug, Clone)]
pub struct Report {
    /// Warnings fail the run.
    pub strict: bool,
    /// What made it strict, for the closing line: `` `strict = true` `` or `--deny-warnings`.
    pub strict_because: String,
    /// Show this many diagnostics of one kind, then one line counting the rest; `None` shows
    /// every one. Kinds with only a few more than this are shown whole.
    pub group_after: Option<usize>,
    /// Where to see them all, for that line.
    pub see_all: String,
}

impl Default for Report {
    fn default() -> Self {
        Report {
            strict: false,
            strict_because: "`strict = true`".to_owned(),
            group_after: None,
            see_all: String::new(),
        }
    }
}

impl Diagnostic {
    /// The message with its quoted parts (names, keys, values) left out: diagnostics of one
    /// kind share it, whatever they quote.
    pub fn kind(&self) -> String {
        let mut out = String::new();
        let mut quoted = false;
        for piece in self.message.split('`') {
            if quoted {
                out.push_str("`…`");
            } else {
                out.push_str(piece);
            }
            quoted = !quoted;
        }
        out
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Path to show for `path`: relative to `root` when it lies inside it, as written otherwise.
pub fn display_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_rustc_with_caret_under_the_span() {
        let text = "intro\nСуперпозиция {aliases=\"x\"\n";
        let index = LineIndex::new(text);
        let start = text.find('{').unwrap();
        let d = Diagnostic::error("unterminated attribute block")
            .at(Location::in_text(
                "book/glossary.md",
                &index,
                start..text.len() - 1,
            ))
            .help("close the block with `}`");
        let shown = d.render("terms", Style::Plain);
        assert_eq!(
            shown,
            "error[terms]: unterminated attribute block\n \
             --> book/glossary.md:2:14\n  \
             |\n\
             2 | Суперпозиция {aliases=\"x\"\n  \
             |              ^^^^^^^^^^^^\n  \
             = help: close the block with `}`\n"
        );
    }

    #[test]
    fn related_locations_are_listed_with_their_note() {
        let text = "a\nb\n";
        let index = LineIndex::new(text);
        let d = Diagnostic::warning("duplicate")
            .at(Location::in_text("g.md", &index, 2..3))
            .related(
                Location::in_text("g.md", &index, 0..1),
                "first defined here",
            );
        let shown = d.render("terms", Style::Plain);
        assert!(shown.contains("--> g.md:2:1"), "{shown}");
        assert!(shown.contains("1 | a\n  | ^ first defined here"), "{shown}");
    }

    #[test]
    fn strict_turns_warnings_into_failure() {
        let mut diags = Diagnostics::new();
        diags.push(Diagnostic::warning("w"));
        assert_eq!(diags.outcome(false), Outcome::Success);
        assert_eq!(diags.outcome(true), Outcome::Failure);
        let summary = diags.render("papers", true, Style::Plain);
        assert!(summary.ends_with("papers: 1 warning; the build fails because `strict = true`\n"));
        diags.push(Diagnostic::error("e"));
        assert_eq!(diags.outcome(false), Outcome::Failure);
    }

    #[test]
    fn a_span_on_a_crlf_line_ending_never_underflows() {
        let index = LineIndex::new("a\r\nb");
        let loc = Location::in_text("f.md", &index, 2..4);
        assert_eq!((loc.line, loc.width), (1, 1));
    }

    #[test]
    fn a_location_without_text_prints_file_only() {
        let d = Diagnostic::error("missing").at(Location::file("book/papers.bib"));
        assert_eq!(
            d.render("papers", Style::Plain),
            "error[papers]: missing\n --> book/papers.bib\n"
        );
    }
}
