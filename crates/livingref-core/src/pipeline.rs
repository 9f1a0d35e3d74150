//! The one per-chapter pipeline every plugin runs its chapter work through.
//!
//! A plugin's work on a chapter is a pure function from the chapter's text to [`Edits`]: byte
//! ranges to replace, perhaps a tail to append, and whatever the plugin learned (terms used,
//! papers cited, cards read). Everything around it is the same for every plugin and lives
//! here once: chapters on every core, results in reading order; skipping drafts and
//! generated chapters; the name a chapter's diagnostics give its file; appending after
//! whatever the chapter leaves open (with the warning); splicing at byte offsets, so a
//! chapter with nothing to change stays byte-identical; an "internal error" instead of a
//! panic when edits overlap; and every diagnostic mapped back to the file and line on disk
//! ([`crate::sourcemap`]), the included file where the text came from an include.

use crate::diag::{Diagnostic, Diagnostics, Location, display_path};
use crate::markdown::{Edit, OpenAtEnd, append_to_chapter, splice};
use mdbook_preprocessor::PreprocessorContext;
use mdbook_preprocessor::book::Book;
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// One chapter, as a plugin's chapter work sees it.
#[derive(Debug)]
pub struct Chapter<'a> {
    /// Its title in SUMMARY.md.
    pub name: &'a str,
    /// The text as received: includes expanded, earlier plugins' output in place.
    pub content: &'a str,
    /// The page's path relative to `src` (`index.md` for a `README.md`).
    pub path: &'a Path,
    /// The source file relative to `src`.
    pub source: &'a Path,
    /// The source file as diagnostics name it (relative to the book root).
    pub file: &'a Path,
    /// Problems found in this chapter, at places in `content`; they reach the user at the
    /// file and line on disk.
    pub diagnostics: Diagnostics,
}

/// What a plugin's work on one chapter produced.
#[derive(Debug)]
pub struct Edits<T> {
    pub edits: Vec<Edit>,
    pub append: Option<Append>,
    /// What the plugin keeps of the chapter for its book-wide pass.
    pub facts: T,
}

impl<T> Edits<T> {
    /// Nothing to change: only facts.
    pub fn none(facts: T) -> Self {
        Edits {
            edits: Vec::new(),
            append: None,
            facts,
        }
    }
}

/// Text to add at the end of a chapter.
#[derive(Debug)]
pub struct Append {
    pub text: String,
    /// What the text is, for the warning when the chapter leaves a block open ("the papers
    /// section").
    pub what: &'static str,
    /// What the chapter leaves open at its end, from the plugin's own parse: closed first.
    pub open_at_end: Option<OpenAtEnd>,
}

/// Runs `work` on every chapter of `book` that has a source file (not drafts, not chapters a
/// plugin generated), on every core, and applies its edits. Returns each chapter's facts in
/// reading order; its diagnostics go to `diagnostics`, in the same order, at the file on disk.
/// `doing` names the work for an internal error ("linking terms").
pub fn edit_chapters<T, F>(
    book: &mut Book,
    ctx: &PreprocessorContext,
    diagnostics: &mut Diagnostics,
    doing: &str,
    work: F,
) -> Vec<T>
where
    T: Send,
    F: Fn(&mut Chapter<'_>) -> Edits<T> + Sync,
{
    let root = &ctx.root;
    let src_dir: PathBuf = root.join(&ctx.config.book.src);
    let results = crate::parallel::chapters(book, |chapter| {
        let (Some(path), Some(source)) = (chapter.path, chapter.source_path) else {
            return None;
        };
        let file = display_path(root, &src_dir.join(source));
        let mut cx = Chapter {
            name: chapter.name,
            content: chapter.content,
            path,
            source,
            file: &file,
            diagnostics: Diagnostics::new(),
        };
        let edits = work(&mut cx);
        let mut diags = cx.diagnostics;
        let (new, facts) = apply(chapter.content, &file, doing, edits, &mut diags);
        // Locations are in the text as received; map them before that text is replaced.
        crate::sourcemap::to_disk(&mut diags, chapter.content, root, &src_dir, source);
        if let Cow::Owned(new) = new {
            *chapter.content = new;
        }
        Some((facts, diags))
    });
    let mut facts = Vec::with_capacity(results.len());
    for (chapter_facts, diags) in results.into_iter().flatten() {
        diagnostics.extend(diags);
        facts.push(chapter_facts);
    }
    facts
}

/// Applies one chapter's [`Edits`] to its `text` (named `file` in diagnostics): the tail
/// appended after whatever the text leaves open, with the warning, then every edit spliced at
/// its byte offsets. The text comes back borrowed when nothing changes. Overlapping edits
/// are an internal error in `diags` (`doing` names the work) and leave the text as it was.
pub fn apply<'t, T>(
    text: &'t str,
    file: &Path,
    doing: &str,
    edits: Edits<T>,
    diags: &mut Diagnostics,
) -> (Cow<'t, str>, T) {
    let Edits {
        mut edits,
        append,
        facts,
    } = edits;
    if let Some(append) = append {
        let (edit, warning) = append_to_chapter(
            text,
            append.open_at_end.as_ref(),
            &append.text,
            file,
            append.what,
        );
        edits.push(edit);
        diags.extend(warning);
    }
    match splice(text, edits) {
        Ok(new) => (new, facts),
        Err(err) => {
            diags.push(
                Diagnostic::error(format!("internal error while {doing}: {err}"))
                    .at(Location::file(file))
                    .help("please report this with the chapter; the chapter is left unchanged"),
            );
            (Cow::Borrowed(text), facts)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mdbook_preprocessor::book::{BookItem, Chapter as BookChapter};

    fn book(chapters: &[(&str, &str)]) -> Book {
        let items = chapters
            .iter()
            .map(|(path, text)| {
                BookItem::Chapter(BookChapter::new(path, (*text).to_owned(), path, Vec::new()))
            })
            .chain([BookItem::Chapter(BookChapter::new_draft(
                "Draft",
                Vec::new(),
            ))])
            .collect();
        Book::new_with_items(items)
    }

    fn ctx() -> PreprocessorContext {
        PreprocessorContext::new(
            PathBuf::from("/nowhere"),
            mdbook_preprocessor::config::Config::default(),
            "html".to_owned(),
        )
    }

    #[test]
    fn edits_apply_facts_come_back_in_order_and_untouched_chapters_stay() {
        let mut book = book(&[("a.md", "one two"), ("b.md", "three"), ("c.md", "```\nx")]);
        let mut diags = Diagnostics::new();
        let facts = edit_chapters(&mut book, &ctx(), &mut diags, "testing", |ch| {
            let edits = match ch.content.find("two") {
                Some(at) => vec![Edit::replace(at..at + 3, "2".to_owned())],
                None => Vec::new(),
            };
            let append = ch.content.starts_with("```").then(|| Append {
                text: "tail".to_owned(),
                what: "the tail",
                open_at_end: crate::markdown::open_at_end(ch.content, &Default::default()),
            });
            Edits {
                edits,
                append,
                facts: ch.path.to_owned(),
            }
        });
        assert_eq!(facts, ["a.md", "b.md", "c.md"].map(PathBuf::from));
        let texts: Vec<&str> = book.chapters().map(|c| c.content.as_str()).collect();
        assert_eq!(texts, ["one 2", "three", "```\nx\n```\n\n\ntail"]);
        let messages: Vec<String> = diags.iter().map(|d| d.message.clone()).collect();
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert!(messages[0].contains("code block"), "{messages:?}");
    }

    #[test]
    fn overlapping_edits_are_an_internal_error_not_a_panic() {
        let mut book = book(&[("a.md", "abcdef")]);
        let mut diags = Diagnostics::new();
        edit_chapters(&mut book, &ctx(), &mut diags, "testing", |_| Edits {
            edits: vec![
                Edit::replace(0..4, "x".to_owned()),
                Edit::replace(2..5, "y".to_owned()),
            ],
            append: None,
            facts: (),
        });
        assert_eq!(
            book.chapters().next().map(|c| c.content.as_str()),
            Some("abcdef")
        );
        let d = diags.iter().next().expect("a diagnostic");
        assert!(
            d.message.starts_with("internal error while testing"),
            "{}",
            d.message
        );
        assert_eq!(
            d.location.as_ref().map(|l| l.file.clone()),
            Some(PathBuf::from("src/a.md"))
        );
    }
}
