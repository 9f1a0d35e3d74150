//! A book read from its folder the way mdBook reads it, for the subcommands that run without
//! mdBook (`check`, `add`).
//!
//! `SUMMARY.md` is parsed by `mdbook-summary`, the parser mdBook itself uses, so chapter order,
//! nesting, draft chapters and part titles are exactly mdBook's. What this does not do is run
//! mdBook's own `links` and `index` preprocessors: `{{#include}}` stays unexpanded, so text
//! pulled in from other files is not checked.

use crate::diag::{Diagnostic, Location};
use mdbook_preprocessor::PreprocessorContext;
use mdbook_preprocessor::book::{Book, BookItem, Chapter};
use mdbook_preprocessor::config::Config;
use mdbook_summary::{Link, SummaryItem};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// Reads `root/book.toml` and every chapter `SUMMARY.md` lists, as mdBook would hand them to a
/// preprocessor for `renderer`.
pub fn open(root: &Path, renderer: &str) -> Result<(PreprocessorContext, Book), Diagnostic> {
    let toml_path = root.join("book.toml");
    let text = std::fs::read_to_string(&toml_path).map_err(|err| {
        Diagnostic::error(format!("cannot read `{}`: {err}", toml_path.display()))
            .help("run this in a book's folder (the one with book.toml), or pass `--book DIR`")
    })?;
    let config = Config::from_str(&text).map_err(|err| {
        Diagnostic::error(format!("book.toml is not a valid mdBook config: {err:#}"))
            .at(Location::file(&toml_path))
            .help("`mdbook build` reports the same problem; fix it there first")
    })?;
    let src = root.join(&config.book.src);
    let summary_path = src.join("SUMMARY.md");
    let summary_text = std::fs::read_to_string(&summary_path).map_err(|err| {
        Diagnostic::error(format!("cannot read `{}`: {err}", summary_path.display()))
            .help("check `src` under `[book]` in book.toml")
    })?;
    let summary = mdbook_summary::parse_summary(&summary_text).map_err(|err| {
        Diagnostic::error(format!("SUMMARY.md cannot be parsed: {err:#}"))
            .at(Location::file(&summary_path))
    })?;
    let mut items = Vec::new();
    for item in summary
        .prefix_chapters
        .iter()
        .chain(&summary.numbered_chapters)
        .chain(&summary.suffix_chapters)
    {
        items.extend(load_item(item, &src, &[])?);
    }
    let root = root.to_path_buf();
    let ctx = PreprocessorContext::new(root, config, renderer.to_owned());
    Ok((ctx, Book::new_with_items(items)))
}

fn load_item(
    item: &SummaryItem,
    src: &Path,
    parents: &[String],
) -> Result<Option<BookItem>, Diagnostic> {
    Ok(match item {
        SummaryItem::Link(link) => Some(BookItem::Chapter(load_chapter(link, src, parents)?)),
        SummaryItem::Separator => Some(BookItem::Separator),
        SummaryItem::PartTitle(title) => Some(BookItem::PartTitle(title.clone())),
        // `SummaryItem` is non-exhaustive; an item kind mdBook adds later has no chapter text.
        _ => None,
    })
}

fn load_chapter(link: &Link, src: &Path, parents: &[String]) -> Result<Chapter, Diagnostic> {
    let mut chapter = match &link.location {
        Some(location) => {
            let path: PathBuf = src.join(location);
            let mut content = std::fs::read_to_string(&path).map_err(|err| {
                Diagnostic::error(format!(
                    "cannot read chapter `{}`: {err}",
                    location.display()
                ))
                .at(Location::file(src.join("SUMMARY.md")))
                .help("create the file, or fix its link in SUMMARY.md")
            })?;
            // mdBook drops a UTF-8 byte-order mark before preprocessors see the chapter.
            if content.starts_with('\u{feff}') {
                content.drain(..3);
            }
            Chapter::new(&link.name, content, location, parents.to_vec())
        }
        None => Chapter::new_draft(&link.name, parents.to_vec()),
    };
    chapter.number = link.number.clone();
    let mut inner = parents.to_vec();
    inner.push(link.name.clone());
    for item in &link.nested_items {
        chapter.sub_items.extend(load_item(item, src, &inner)?);
    }
    Ok(chapter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_chapters_in_summary_order_without_bom() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::write(root.join("book.toml"), "[book]\nsrc = \"pages\"\n").expect("write");
        std::fs::create_dir_all(root.join("pages/sub")).expect("mkdir");
        std::fs::write(
            root.join("pages/SUMMARY.md"),
            "# S\n\n[Intro](intro.md)\n\n- [One](sub/one.md)\n  - [Draft]()\n",
        )
        .expect("write");
        std::fs::write(root.join("pages/intro.md"), "\u{feff}# Intro\n").expect("write");
        std::fs::write(root.join("pages/sub/one.md"), "one").expect("write");
        let (ctx, book) = open(root, "html").expect("book opens");
        assert_eq!(ctx.renderer, "html");
        let chapters: Vec<(&str, &str)> = book
            .chapters()
            .map(|c| (c.name.as_str(), c.content.as_str()))
            .collect();
        // `chapters()` skips drafts, as it does inside mdBook; the draft is still in the tree.
        assert_eq!(chapters, [("Intro", "# Intro\n"), ("One", "one")]);
        assert_eq!(book.iter().count(), 3);
    }

    #[test]
    fn a_missing_chapter_is_named() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::write(root.join("book.toml"), "").expect("write");
        std::fs::create_dir_all(root.join("src")).expect("mkdir");
        std::fs::write(root.join("src/SUMMARY.md"), "- [Gone](gone.md)\n").expect("write");
        let err = open(root, "html").expect_err("missing chapter");
        assert!(
            err.message.contains("cannot read chapter `gone.md`"),
            "{}",
            err.message
        );
    }
}
