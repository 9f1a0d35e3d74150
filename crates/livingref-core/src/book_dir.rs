//! A book read from its folder by mdBook itself, for the subcommands that run without
//! `mdbook build` (`check`, `export`).
//!
//! The loader and the preprocessor run are `mdbook-driver`'s, the library the `mdbook` binary
//! is made of: chapter order, drafts, `{{#include}}`, `README.md` → `index`, the
//! `before`/`after` order, `renderers` lists and `MDBOOK_*` overrides are mdBook's by
//! construction, so a check cannot drift from a build. (An earlier reimplementation did drift:
//! it never expanded includes, and a bad card in an included file passed `check`.)
//!
//! The cost was measured before choosing (see docs/performance.md): the driver adds about 70
//! crates and 40 s to a clean release build of a plugin, and ~1 MB to each stripped binary.
//! Running the user's `mdbook` instead would cost nothing to compile, but mdBook always renders
//! HTML for the `html` output, so a check would take as long as a build and depend on which
//! `mdbook` is on `PATH`.

use crate::diag::{Diagnostic, Location};
use mdbook_driver::MDBook;
use mdbook_driver::config::Config;
use mdbook_preprocessor::book::Book;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// The renderer a subcommand sees the book for: the one every book has.
const RENDERER: &str = "html";

/// The book at `root` exactly as mdBook would hand it to the preprocessor called `name` in
/// `mdbook build` for the HTML renderer: the preprocessors ordered before it have run (mdBook's
/// `links` and `index`, and any external ones), those after it have not. When the book does
/// not list `name`, it is as the last preprocessor would see it.
///
/// Missing chapter files are an error here, not created as `mdbook build` would by default: a
/// check leaves the book's folder as it found it.
pub fn open_for(root: &Path, name: &str) -> Result<(PreprocessorContext, Book), Diagnostic> {
    let toml_path = root.join("book.toml");
    let mut config = config(root)?;
    config.build.create_missing = false;
    // Loading fails on SUMMARY.md or a chapter it lists; mdBook's message names which.
    let summary = root.join(&config.book.src).join("SUMMARY.md");
    let mut book = MDBook::load_with_config(root, config).map_err(|err| {
        Diagnostic::error(format!("mdBook cannot load the book: {err:#}"))
            .at(Location::file(&summary))
            .help("`mdbook build` fails the same way; fix that first")
    })?;
    let seen = Arc::new(Mutex::new(None));
    // Registering under the plugin's own name replaces mdBook's command runner for it in
    // place, keeping its position in the order (the preprocessors are an ordered map).
    book.with_preprocessor(Capture {
        name: name.to_owned(),
        seen: Arc::clone(&seen),
    });
    let outcome = book.preprocess_book(&Html);
    let captured = seen.lock().map(|mut s| s.take()).unwrap_or_default();
    match (captured, outcome) {
        (Some(opened), _) => Ok(opened),
        (None, Err(err)) => Err(Diagnostic::error(format!(
            "a preprocessor that runs before this one failed: {err:#}"
        ))
        .at(Location::file(&toml_path))
        .help("`mdbook build` fails the same way; fix that first")),
        // `renderers` in `[preprocessor.NAME]` leaves it out of HTML builds: there is nothing
        // such a build would show it, so it sees the book as mdBook loaded it.
        (None, Ok((_, ctx))) => Ok((ctx, book.book.clone())),
    }
}

/// The book's `book.toml` as mdBook reads it: parsed by mdBook, `MDBOOK_*` environment
/// overrides applied. Subcommands that need only settings (`add`) read them here.
pub fn config(root: &Path) -> Result<Config, Diagnostic> {
    let toml_path = root.join("book.toml");
    if !toml_path.is_file() {
        return Err(Diagnostic::error(format!(
            "cannot read `{}`: there is no such file, so no book there",
            toml_path.display()
        ))
        .help("run this in a book's folder (the one with book.toml), or pass `--book DIR`"));
    }
    Config::from_disk(&toml_path)
        .and_then(|mut config| {
            config.update_from_env()?;
            Ok(config)
        })
        .map_err(|err| {
            Diagnostic::error(format!("book.toml is not a valid mdBook config: {err:#}"))
                .at(Location::file(&toml_path))
                .help("`mdbook build` reports the same problem; fix it there first")
        })
}

/// Stands in for the plugin inside mdBook's run: keeps the book it is handed, then stops the
/// run, since nothing after the plugin matters to a check.
struct Capture {
    name: String,
    seen: Arc<Mutex<Option<(PreprocessorContext, Book)>>>,
}

impl Preprocessor for Capture {
    fn name(&self) -> &str {
        &self.name
    }

    fn run(&self, ctx: &PreprocessorContext, book: Book) -> anyhow::Result<Book> {
        if let Ok(mut seen) = self.seen.lock() {
            *seen = Some((ctx.clone(), book));
        }
        anyhow::bail!("livingref: the book was captured; the rest of the run is not needed")
    }
}

/// The HTML renderer's name, which is all a preprocessor run asks of a renderer.
struct Html;

impl mdbook_renderer::Renderer for Html {
    fn name(&self) -> &str {
        RENDERER
    }

    fn render(&self, _: &mdbook_renderer::RenderContext) -> anyhow::Result<()> {
        anyhow::bail!("livingref never renders a book itself")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, files: &[(&str, &str)]) {
        for (path, text) in files {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        }
    }

    #[test]
    fn chapters_arrive_in_summary_order_with_includes_expanded() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(
            dir.path(),
            &[
                (
                    "book.toml",
                    "[book]\nsrc = \"pages\"\n[preprocessor.mine]\n",
                ),
                (
                    "pages/SUMMARY.md",
                    "# S\n\n[Intro](README.md)\n\n- [One](sub/one.md)\n  - [Draft]()\n",
                ),
                ("pages/README.md", "\u{feff}# Intro\n"),
                ("pages/sub/one.md", "one {{#include part.md}}"),
                ("pages/sub/part.md", "two"),
            ],
        );
        let (ctx, book) = open_for(dir.path(), "mine").expect("book opens");
        assert_eq!(ctx.renderer, "html");
        let chapters: Vec<(&str, &str, Option<&str>)> = book
            .chapters()
            .map(|c| {
                let path = c.path.as_deref().and_then(Path::to_str);
                (c.name.as_str(), c.content.as_str(), path)
            })
            .collect();
        assert_eq!(
            chapters,
            [
                ("Intro", "# Intro\n", Some("index.md")),
                ("One", "one two", Some("sub/one.md"))
            ]
        );
        assert_eq!(book.iter().count(), 3, "the draft is still in the tree");
    }

    #[test]
    fn a_missing_chapter_is_named_and_not_created() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(
            dir.path(),
            &[("book.toml", ""), ("src/SUMMARY.md", "- [Gone](gone.md)\n")],
        );
        let err = open_for(dir.path(), "mine").expect_err("missing chapter");
        assert!(err.message.contains("gone.md"), "{}", err.message);
        assert!(!dir.path().join("src/gone.md").exists());
        let err = open_for(&dir.path().join("nowhere"), "mine").expect_err("no book");
        assert!(err.message.contains("no book there"), "{}", err.message);
    }
}
