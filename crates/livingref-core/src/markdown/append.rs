//! Appending to the end of a chapter (References, recent papers, the plugins' styles and
//! scripts) without landing inside something the chapter left open.
//!
//! A chapter may end inside a fenced code block that was never closed, an HTML comment
//! without `-->`, or a `<pre>`/`<script>` block without its end tag. Markdown runs such a
//! construct to the end of the document, so whatever a plugin appends would show as code, or
//! vanish in the comment. [`open_at_end`] finds such a construct; [`append`] closes it before
//! the appended text, and the plugin warns at the construct, which the author surely did not
//! mean to leave open.

use super::{Edit, ParseOptions, pulldown_cmark};
use pulldown_cmark::{CodeBlockKind, Event, Tag, TagEnd};
use std::ops::Range;

/// A construct still open where the chapter ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenAtEnd {
    /// Where it opens (its first line).
    pub range: Range<usize>,
    /// What it is, for the warning: "code block", "HTML comment", "`<pre>` block".
    pub what: String,
    /// The text that closes it, on lines of its own.
    pub closer: String,
}

/// The top-level block the chapter ends in, if it is one that a blank line does not close.
/// One parse; [`scan`](super::scan) does the same on its own parse, as `Scanned::open_at_end`.
pub fn open_at_end(text: &str, parse: &ParseOptions) -> Option<OpenAtEnd> {
    let mut tracker = EndTracker::default();
    for (event, range) in parse.parser(text).into_offset_iter() {
        tracker.observe(&event, range);
    }
    tracker.finish(text)
}

/// Follows the top-level blocks of a parse, to tell at the end what is left open.
#[derive(Debug, Default)]
pub(crate) struct EndTracker {
    containers: usize,
    /// The last top-level fenced code block or HTML block, and whether it is code.
    last: Option<(Range<usize>, bool)>,
}

impl EndTracker {
    pub(crate) fn observe(&mut self, event: &Event<'_>, range: Range<usize>) {
        match event {
            Event::Start(
                Tag::BlockQuote(_) | Tag::List(_) | Tag::Item | Tag::FootnoteDefinition(_),
            ) => self.containers += 1,
            Event::End(
                TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Item | TagEnd::FootnoteDefinition,
            ) => self.containers = self.containers.saturating_sub(1),
            // Inside a container, the unindented text a plugin appends ends the container,
            // and with it the block.
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_))) if self.containers == 0 => {
                self.last = Some((range, true));
            }
            Event::Start(Tag::HtmlBlock) if self.containers == 0 => {
                self.last = Some((range, false))
            }
            _ => {}
        }
    }

    pub(crate) fn finish(self, text: &str) -> Option<OpenAtEnd> {
        let end = text.trim_end().len();
        let (range, fenced) = self.last?;
        if range.end < end {
            return None;
        }
        let block = &text[range.clone()];
        let first_line = block.lines().next().unwrap_or_default();
        let opening = range.start..range.start + first_line.len();
        if fenced {
            let trimmed = first_line.trim_start();
            let mark = trimmed.chars().next()?;
            let run = trimmed.chars().take_while(|&c| c == mark).count();
            let closed = block.lines().count() > 1
                && block.lines().last().is_some_and(|l| {
                    let l = l.trim();
                    l.len() >= run && l.chars().all(|c| c == mark)
                });
            return (!closed).then(|| OpenAtEnd {
                range: opening,
                what: "code block".to_owned(),
                closer: mark.to_string().repeat(run),
            });
        }
        // HTML blocks of CommonMark's kinds 1 to 5 run until their end marker, not a blank line.
        let lower = first_line.trim_start().to_ascii_lowercase();
        // (what, closer, length of the opener, which is ASCII)
        let (what, closer, opener) = if lower.starts_with("<!--") {
            ("HTML comment", "-->".to_owned(), 4)
        } else if lower.starts_with("<![cdata[") {
            ("CDATA section", "]]>".to_owned(), 9)
        } else if lower.starts_with("<?") {
            ("processing instruction", "?>".to_owned(), 2)
        } else if lower.starts_with("<!") {
            ("HTML declaration", ">".to_owned(), 2)
        } else if let Some(tag) = ["pre", "script", "style", "textarea"]
            .into_iter()
            .find(|t| {
                lower[1..].starts_with(t)
                    && lower[1 + t.len()..]
                        .chars()
                        .next()
                        .is_none_or(|c| c == '>' || c.is_whitespace())
            })
        {
            return (!block.to_ascii_lowercase().contains(&format!("</{tag}>"))).then(|| {
                OpenAtEnd {
                    range: opening,
                    what: format!("`<{tag}>` block"),
                    closer: format!("</{tag}>"),
                }
            });
        } else {
            return None;
        };
        // The closer anywhere after the opener; slicing after ASCII bytes stays on a char
        // boundary (a fixed offset did not: found by the `directives` fuzz target).
        let indent = first_line.len() - first_line.trim_start().len();
        let closed = block
            .get(indent + opener..)
            .is_some_and(|rest| rest.contains(&closer));
        (!closed).then(|| OpenAtEnd {
            range: opening,
            what: what.to_owned(),
            closer,
        })
    }
}

/// The warning for a construct left open, at `at` (its first line), naming what the plugin
/// appended after closing it.
fn open_at_end_warning(open: &OpenAtEnd, at: crate::Location, appended: &str) -> crate::Diagnostic {
    crate::Diagnostic::warning(format!(
        "this {} is never closed: the chapter ends inside it",
        open.what
    ))
    .at(at)
    .help(format!(
        "close it with `{}`; {appended} was placed after a closing `{}` so it stays visible",
        open.closer, open.closer
    ))
}

/// [`append`], and the warning at what `text` leaves open (`file` names `text`, `appended`
/// what the plugin adds, for the message). Every plugin appends through this.
pub fn append_to_chapter(
    text: &str,
    open: Option<&OpenAtEnd>,
    tail: &str,
    file: &std::path::Path,
    appended: &str,
) -> (Edit, Option<crate::Diagnostic>) {
    let warning = open.map(|open| {
        let index = crate::span::LineIndex::new(text);
        open_at_end_warning(
            open,
            crate::Location::in_text(file, &index, open.range.clone()),
            appended,
        )
    });
    (append(text, open, tail), warning)
}

/// The edit that appends `tail` to `text`: the closer of whatever is left open first, then a
/// blank line, so the tail starts a block of its own.
pub fn append(text: &str, open: Option<&OpenAtEnd>, tail: &str) -> Edit {
    let mut out = String::new();
    if let Some(open) = open {
        if !text.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&open.closer);
        out.push('\n');
    }
    if !tail.starts_with("\n\n") {
        out.push_str("\n\n");
    }
    out.push_str(tail);
    Edit::insert(text.len(), out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(text: &str) -> Option<String> {
        open_at_end(text, &ParseOptions::default()).map(|o| o.closer)
    }

    #[test]
    fn finds_what_a_chapter_leaves_open() {
        assert_eq!(open("# A\n\n```rust\nfn x() {}\n"), Some("```".into()));
        assert_eq!(open("~~~~\ncode"), Some("~~~~".into()));
        assert_eq!(open("text\n\n<!-- a note\nmore\n"), Some("-->".into()));
        assert_eq!(open("<pre>\nx\n"), Some("</pre>".into()));
        assert_eq!(open("```\ncode\n```\n"), None);
        assert_eq!(open("<!-- closed -->\n"), None);
        assert_eq!(open("<div>\nx\n"), None, "a blank line closes it");
        assert_eq!(open("- item\n\n  ```\n  code\n"), None, "the list ends it");
        assert_eq!(open("plain text\n"), None);
    }

    #[test]
    fn appended_text_lands_after_the_closer() {
        let text = "# A\n\n```\ncode";
        let o = open_at_end(text, &ParseOptions::default());
        let edit = append(text, o.as_ref(), "## References\n");
        assert_eq!(edit.replacement, "\n```\n\n\n## References\n");
    }
}
