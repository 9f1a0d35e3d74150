//! BibTeX and BibLaTeX files read the way BibTeX reads them, for the livingref plugins: one
//! bad entry never costs the others, and every problem is a diagnostic at its own line.
//!
//! The `biblatex` crate parses faithfully (accents, `@string` with `#`, month macros, dates,
//! `crossref`) but rejects a whole file at its first problem, and follows macros and
//! `crossref` by unguarded recursion. So a file goes through four steps, each a module:
//!
//! | step | module |
//! |---|---|
//! | top-level blocks by brace matching, and the rewrite that makes biblatex read BibTeX's syntax | `syntax` |
//! | `@string` macros that could not expand, found before biblatex expands any | `macros` |
//! | `crossref`/`xdata`/`ids` links, and the cycles and chains biblatex could not follow | `links` |
//! | one validation pass, quick or thorough, then the surviving entries parsed together | `validate`, [`Bibliography`] |
//!
//! What a page shows of an entry is a [`Paper`], dated by a [`Date`]; what its copy button
//! holds is the entry as written, or made self-contained (`copy`). Nothing here renders
//! HTML pages; that is the plugins' business.

mod bibliography;
mod copy;
mod date;
mod links;
mod macros;
mod paper;
mod syntax;
mod validate;

pub use bibliography::Bibliography;
pub use date::{Date, parse_window, today};
pub use paper::{Author, Paper, UNTITLED, web_url};

use livingref_core::{Diagnostic, Diagnostics, Location};
use std::path::{Path, PathBuf};

/// The bibliography file of a book that names none in `[preprocessor.papers]`.
pub const DEFAULT_FILE: &str = "papers.bib";

/// The `.bib` files a `[preprocessor.papers]` table lists in `bibliography`, as every plugin
/// and subcommand reads them: [`DEFAULT_FILE`] when it names none. A value of the wrong type
/// is mdbook-papers' to report (its settings loader does); here it counts as none.
pub fn files_of(papers: &toml::Table) -> Vec<PathBuf> {
    match papers.get("bibliography").and_then(toml::Value::as_array) {
        Some(list) => list
            .iter()
            .filter_map(|v| v.as_str().map(PathBuf::from))
            .collect(),
        None => vec![PathBuf::from(DEFAULT_FILE)],
    }
}

/// Reads `files` (paths as configured; `root` resolves them, `display` names them in
/// diagnostics) in order. `@string` macros of earlier files serve later ones.
pub fn load(
    files: &[PathBuf],
    root: &Path,
    display: impl Fn(&Path) -> PathBuf,
    diags: &mut Diagnostics,
) -> Bibliography {
    let mut texts = Vec::new();
    for file in files {
        let path = root.join(file);
        let shown = display(&path);
        if livingref_core::input::outside(root, &path) {
            diags.push(
                Diagnostic::warning(format!(
                    "bibliography `{}` is outside the book's folder",
                    shown.display()
                ))
                .at(Location::file("book.toml"))
                .help("keep the .bib files inside the book, so a clone of it builds the same"),
            );
        }
        match livingref_core::input::read_regular(&path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => texts.push((shown, text)),
                Err(err) => diags.push(
                    Diagnostic::error(format!(
                        "bibliography is not valid UTF-8 (byte {})",
                        err.utf8_error().valid_up_to()
                    ))
                    .at(Location::file(&shown))
                    .help("save the file as UTF-8"),
                ),
            },
            Err(err) => diags.push(
                Diagnostic::error(format!(
                    "cannot read bibliography `{}`: {err}",
                    shown.display()
                ))
                .at(Location::file("book.toml"))
                .help("fix the path in `bibliography` (it is relative to the book root)"),
            ),
        }
    }
    parse(texts, diags)
}

/// Parses BibTeX texts, each named as diagnostics should name it, in order (a leading
/// byte-order mark is dropped). `@string` macros of earlier texts serve later ones.
pub fn parse(texts: Vec<(PathBuf, String)>, diags: &mut Diagnostics) -> Bibliography {
    // Files whose text biblatex gets rewritten: a paper's BibTeX (what its copy button holds)
    // stays the bytes the author wrote.
    let mut originals: Vec<(PathBuf, String)> = Vec::new();
    let texts: Vec<(PathBuf, String)> = texts
        .into_iter()
        .map(|(shown, text)| {
            let text = match text.strip_prefix('\u{feff}') {
                Some(rest) => rest.to_owned(),
                None => text,
            };
            match syntax::as_biblatex_reads(&shown, &text, diags) {
                Some(read) => {
                    originals.push((shown.clone(), text));
                    (shown, read)
                }
                None => (shown, text),
            }
        })
        .collect();
    // The quick pass, and the one parse of every entry together, are all a clean
    // bibliography costs; anything else is found and reported by the thorough pass.
    let quick = validate::check(&texts, None)
        .and_then(|checked| bibliography::assemble(&texts, &checked).ok());
    let mut bibliography = match quick {
        Some(bibliography) => bibliography,
        None => {
            let checked = validate::check(&texts, Some(diags)).unwrap_or_default();
            bibliography::assemble(&texts, &checked).unwrap_or_else(|err| {
                // Only cross-entry problems get here (a crossref cycle or type clash).
                diags.push(
                    Diagnostic::error(format!(
                        "the bibliography cannot be resolved as a whole: {}",
                        err.kind
                    ))
                    .help("check `crossref` fields for cycles and for parents of the wrong type"),
                );
                Bibliography::default()
            })
        }
    };
    if !originals.is_empty() {
        for paper in &mut bibliography.papers {
            let read = texts
                .iter()
                .find(|(shown, _)| *shown == paper.file)
                .and_then(|(_, text)| text.get(paper.span.clone()));
            // An entry copied as written (not one made self-contained) gets its own bytes.
            if let Some((_, text)) = originals.iter().find(|(shown, _)| *shown == paper.file)
                && let Some(bytes) = text.get(paper.span.clone())
                && read == Some(paper.bibtex.as_str())
            {
                bytes.clone_into(&mut paper.bibtex);
            }
        }
    }
    bibliography
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::links::{MAX_CHAIN, links};

    /// #20: a bibliography used without the file that defines its macros (`abbrev.bib`)
    /// keeps every entry, with one warning per macro rather than one per entry.
    #[test]
    fn missing_macro_files_cost_no_entries() {
        let text: String = (0..1_000)
            .map(|i| {
                format!(
                    "@inproceedings{{p{i}, title = {{Paper {i}}}, author = {{Doe, Jane}}, \
                     booktitle = conf{} # {{ 2024}}, publisher = pub{}, year = 2024, month = may}}\n",
                    i % 40,
                    i % 10
                )
            })
            .collect();
        let mut diags = Diagnostics::new();
        let bib = parse(vec![(PathBuf::from("group.bib"), text)], &mut diags);
        assert_eq!(bib.papers.len(), 1_000);
        assert_eq!(diags.iter().count(), 50, "one per macro: {diags:?}");
        assert!(diags.iter().all(|d| d.message.contains("is not defined")));
        let first = diags.iter().next().unwrap();
        assert_eq!(
            first.message,
            "`@string` macro `conf0` is not defined; it is shown as `conf0` in 25 entries"
        );
        assert_eq!(
            bib.get("p1").and_then(|p| p.venue.as_deref()),
            Some("conf1 2024")
        );
    }

    /// #20: every TeX command a bibliography uses for a letter, an accent, a quote or a
    /// symbol, as the title a page shows.
    #[test]
    fn tex_renders_as_unicode() {
        let cases: &[(&str, &str)] = &[
            (r#"Garc{\'\i}a"#, "García"),
            (r#"Garc\'{\i}a"#, "García"),
            (r#"Na{\"\i}ve"#, "Naïve"),
            (r#"{\^\j}"#, "ĵ"),
            (r#"\i\j"#, "ıȷ"),
            (r#"\o{}ster, {\o}ster, \O{}rsted"#, "øster, øster, Ørsted"),
            (r#"\l{}ódź \L{}ukasz"#, "łódź Łukasz"),
            (r#"{\aa}ngstr{\"o}m \AA{}"#, "ångström Å"),
            (
                r#"\ae{} \AE{} \oe{}uvre \OE{} Stra{\ss}e"#,
                "æ Æ œuvre Œ Straße",
            ),
            (
                r#"\'e \'{e} \`a \^o \~n \=a \.z \u{g} \v{s} \H{o} \c{c} \k{a} \r{u} \d{s}"#,
                "é é à ô ñ ā ż ğ š ő ç ą ů ṣ",
            ),
            (r#"\"{o} \"o G{\"o}del"#, "ö ö Gödel"),
            (r#"\t{oo}"#, "o\u{361}o"),
            (r#"``quoted'' and `single'"#, "“quoted” and ‘single’"),
            (r#"A \& B, 5\%, \$3, \#1, \_x"#, "A & B, 5%, $3, #1, _x"),
            (r#"en--dash, em---dash"#, "en–dash, em—dash"),
            (r#"a~b"#, "a\u{a0}b"),
            (r#"\textit{it} \emph{em} \textbf{bf}"#, "it em bf"),
            (r#"Law of $x^2$"#, "Law of $x^2$"),
        ];
        let mut wrong = Vec::new();
        for (tex, want) in cases {
            let mut diags = Diagnostics::new();
            let bib = parse(
                vec![(
                    PathBuf::from("a.bib"),
                    format!("@misc{{k, title = {{{tex}}}}}"),
                )],
                &mut diags,
            );
            let got = bib
                .papers
                .first()
                .map(|p| p.title.as_str())
                .unwrap_or("(lost)");
            if got != *want {
                wrong.push(format!("{tex} → {got:?}, want {want:?}"));
            }
        }
        assert!(wrong.is_empty(), "{wrong:#?}");
        // What the copy button holds stays as written.
        let mut diags = Diagnostics::new();
        let bib = parse(
            vec![(
                PathBuf::from("a.bib"),
                r#"@misc{k, title = {Garc{\'\i}a}}"#.to_owned(),
            )],
            &mut diags,
        );
        assert_eq!(bib.papers[0].bibtex, r#"@misc{k, title = {Garc{\'\i}a}}"#);
    }

    #[test]
    fn a_macro_loop_costs_only_its_own_block() {
        let mut diags = Diagnostics::new();
        let bib = parse(
            vec![(
                PathBuf::from("refs.bib"),
                "@string{tc = \"Thread\"}\n@string{loop = loop}\n\
                 @article{a, title = {A}, journal = tc, year = 2020}\n\
                 @article{b, title = {B}, journal = loop, year = 2020}\n"
                    .into(),
            )],
            &mut diags,
        );
        let shown: Vec<String> = diags
            .iter()
            .map(|d| {
                format!(
                    "{} @ {}",
                    d.message,
                    d.location
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default()
                )
            })
            .collect();
        assert!(
            shown.iter().any(
                |d| d.starts_with("`@string` macro `loop` expands into itself")
                    && d.ends_with("refs.bib:2:1")
            ),
            "{shown:#?}"
        );
        assert!(bib.get("a").is_some(), "{shown:#?}");
        // Its macro was skipped, so it is undefined: the entry stays and shows the name.
        assert_eq!(
            bib.get("b").and_then(|p| p.venue.as_deref()),
            Some("loop"),
            "{shown:#?}"
        );
        assert!(
            shown
                .iter()
                .any(|d| d.starts_with("`@string` macro `loop` is not defined")),
            "{shown:#?}"
        );
    }

    fn many_entries(head: &str) -> String {
        let mut text = head.to_owned();
        for i in 0..1_200 {
            text.push_str(&format!(
                "@article{{p{i},\n  title = {{Paper {i}}},\n  journal = tc,\n  year = {{2020}}\n}}\n"
            ));
        }
        text
    }

    #[test]
    fn a_large_bibliography_parsed_in_runs_loses_nothing() {
        let text = many_entries("@string{tc = \"Transformer Circuits\"}\n");
        let mut diags = Diagnostics::new();
        let bib = parse(vec![(PathBuf::from("big.bib"), text)], &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(bib.papers.len(), 1_200);
        for (i, paper) in bib.papers.iter().enumerate() {
            assert_eq!(paper.key, format!("p{i}"));
            assert_eq!(paper.line, 2 + 5 * i);
            assert_eq!(
                paper.venue.as_deref(),
                Some("Transformer Circuits"),
                "{}",
                paper.key
            );
        }
    }

    #[test]
    fn an_alias_clash_is_found_however_entries_are_split() {
        let mut text = many_entries(
            "@string{tc = \"T\"}\n@article{first, ids = {last}, title = {F}, year = {2020}}\n",
        );
        text.push_str("@article{last, title = {L}, year = {2021}}\n");
        let mut diags = Diagnostics::new();
        let bib = parse(vec![(PathBuf::from("a.bib"), text.clone())], &mut diags);
        assert!(
            biblatex::Bibliography::parse(&text).is_err(),
            "biblatex itself rejects the clash"
        );
        let messages: Vec<String> = diags.iter().map(|d| d.message.clone()).collect();
        assert_eq!(
            messages,
            ["key `last` is already an `ids` alias of another entry; this entry is skipped"]
        );
        assert_eq!(bib.papers.len(), 1_201, "every other entry is kept");
        assert_eq!(
            bib.get("last").map(|p| p.key.as_str()),
            Some("first"),
            "the name is the alias of the entry that claimed it first"
        );
        assert_eq!(links("@misc{a, IDS = {b}}", "").aliases, ["b"]);
        assert!(
            links("@misc{a, title = {Grids and kids}, abstract = {ids}}", "")
                .aliases
                .is_empty()
        );
    }

    #[test]
    fn every_way_to_a_crossref_loop_is_caught() {
        let parse_one = |text: &str| {
            let mut diags = Diagnostics::new();
            let bib = parse(vec![(PathBuf::from("a.bib"), text.to_owned())], &mut diags);
            let messages: Vec<String> = diags.iter().map(|d| d.message.clone()).collect();
            (bib.papers.len(), messages)
        };
        let (n, messages) = parse_one(
            "@misc{x, crossref = {y}}\n@misc{z, ids = {y}, crossref = {x}}\n@misc{ok, title = {T}}\n",
        );
        assert_eq!(n, 1);
        assert_eq!(
            messages,
            ["`crossref` cycle between x → z; these entries are skipped"]
        );

        let (n, messages) =
            parse_one("@string{p = \"a\"}\n@misc{a, crossref = p}\n@misc{ok, title = {T}}\n");
        assert_eq!(n, 1);
        assert_eq!(
            messages,
            ["a: `crossref` points to the entry itself; the entry is skipped"]
        );

        let (_, messages) = parse_one("@a{,crossref={}}\n");
        assert_eq!(messages, ["entry without a key; it is skipped"]);

        let (n, messages) =
            parse_one("@r{a{,}@c{self, crossref={self}}}\n@misc{ok, title = {T}}\n");
        assert_eq!(n, 1);
        assert_eq!(messages.len(), 1);
        assert!(messages[0].ends_with("another entry starts inside this one; both are skipped"));

        let (n, messages) =
            parse_one("@string{a{,}@c{self, crossref={self}}}\n@misc{ok, title = {T}}\n");
        assert_eq!(n, 1);
        assert_eq!(messages.len(), 1);
        assert!(messages[0].ends_with("is skipped"), "{messages:?}");

        let chain: String = (0..5_000)
            .map(|i| format!("@misc{{c{i}, title = {{T}}, crossref = {{c{}}}}}\n", i + 1))
            .chain(["@misc{c5000, title = {End}}\n".to_owned()])
            .collect();
        let (n, messages) = parse_one(&chain);
        assert_eq!(n, MAX_CHAIN + 1, "the last links of the chain load");
        assert_eq!(messages.len(), 5_000 - MAX_CHAIN);
        assert!(messages[0].starts_with("c0: its `crossref`/`xdata` chain is more than 10"));
    }
}
