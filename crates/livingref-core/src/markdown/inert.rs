//! Markdown fragments from data (a hypothesis statement, an evidence note) made inert.
//!
//! Such fragments are copied into generated cards and into summary tables on other pages, so
//! they may keep Markdown's emphasis, code and safe links, but never raw HTML or a link to
//! `javascript:`. Rather than rendering the fragment (which would hide its words from the
//! terms plugin), the source is edited in place: raw HTML becomes escaped text, and a link or
//! image with an unsafe destination becomes its literal, escaped source.

use super::{Edit, ParseOptions, pulldown_cmark, splice};
use crate::html;
use pulldown_cmark::{Event, Tag};
use std::borrow::Cow;

/// `text` with raw HTML escaped and unsafe links and images disarmed; unchanged (borrowed)
/// when there is nothing to disarm.
pub fn inert<'t>(text: &'t str, markdown: &ParseOptions) -> Cow<'t, str> {
    let mut edits = Vec::new();
    let mut skip_until = 0;
    for (event, range) in markdown.parser(text).into_offset_iter() {
        if range.start < skip_until {
            continue;
        }
        let unsafe_target = match &event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                html::safe_url(dest_url).is_none()
            }
            _ => false,
        };
        if let Event::Text(_) = event {
            // A literal `<` is text here, but the string is pasted into other Markdown (a
            // table cell, a link's text) where it could start a tag with what follows; as
            // `&lt;` it renders the same and can start nothing. An escaped `\<` already can't.
            for (i, _) in text[range.clone()].match_indices('<') {
                let at = range.start + i;
                let backslashes = text[..at].bytes().rev().take_while(|&b| b == b'\\').count();
                if backslashes % 2 == 0 {
                    edits.push(Edit::replace(at..at + 1, "&lt;"));
                }
            }
            continue;
        }
        if unsafe_target || matches!(event, Event::Html(_) | Event::InlineHtml(_)) {
            let literal = html::text(&text[range.clone()])
                .replace('[', "\\[")
                .replace(']', "\\]");
            skip_until = range.end;
            edits.push(Edit::replace(range, literal));
        }
    }
    // Edits come from one parse in document order and never overlap, so splicing cannot fail;
    // if it somehow did, escaping everything is the safe answer.
    splice(text, edits).unwrap_or_else(|_| Cow::Owned(html::text(text).into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str) -> String {
        inert(input, &ParseOptions::default()).into_owned()
    }

    #[test]
    fn markdown_stays_and_html_and_bad_links_go() {
        assert!(matches!(
            inert("*plain* [ok](https://x.org)", &ParseOptions::default()),
            Cow::Borrowed(_)
        ));
        assert_eq!(
            check("a <script>alert(1)</script> b"),
            "a &lt;script&gt;alert(1)&lt;/script&gt; b"
        );
        assert_eq!(
            check("see [x](javascript:alert(1)) and <javascript:alert(2)>"),
            "see \\[x\\](javascript:alert(1)) and &lt;javascript:alert(2)&gt;"
        );
        assert_eq!(
            check("![i](data:text/html,x)"),
            "!\\[i\\](data:text/html,x)"
        );
        assert_eq!(
            check("<img src=x onerror=alert(1)>"),
            "&lt;img src=x onerror=alert(1)&gt;"
        );
        // Not a tag on its own, but it could become one next to other markup.
        assert_eq!(check("<span title='x"), "&lt;span title='x");
        assert_eq!(check("a \\< b"), "a \\< b");
        assert_eq!(check("a \\\\<b"), "a \\\\&lt;b");
    }
}
