//! Markdown fragments from data (a hypothesis statement, an evidence note) made inert.
//!
//! Such fragments are copied into generated cards and into summary tables on other pages, so
//! they may keep Markdown's emphasis, code and safe links, but never raw HTML or a link to
//! `javascript:`, and never a `{{#…}}` directive that a later plugin would expand inside the
//! card (a `{{#bibliography}}` in a statement would put the whole bibliography in every
//! summary table). Rather than rendering the fragment (which would hide its words from the
//! terms plugin), the source is edited in place: raw HTML becomes escaped text, a link or
//! image with an unsafe destination becomes its literal, escaped source, and the `{` of each
//! `{{` outside math becomes a character reference.

use super::{Edit, ParseOptions, math_spans, pulldown_cmark, splice};
use crate::html;
use pulldown_cmark::{Event, Tag};
use std::borrow::Cow;

/// `text` with raw HTML escaped and unsafe links and images disarmed; unchanged (borrowed)
/// when there is nothing to disarm.
pub fn inert<'t>(text: &'t str, markdown: &ParseOptions) -> Cow<'t, str> {
    let mut edits = Vec::new();
    let mut skip_until = 0;
    // `{{` inside math is TeX (`x^{{2}}`), which mdbook-katex reads raw; it opens no directive.
    let math = if text.contains("{{") {
        math_spans(text, &[])
    } else {
        Vec::new()
    };
    let in_math = |at: usize| crate::span::in_sorted(&math, at);
    let mut events = markdown.parser(text).into_offset_iter();
    for (event, range) in events.by_ref() {
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
            let first = edits.len();
            for (i, _) in text[range.clone()].match_indices('<') {
                let at = range.start + i;
                let backslashes = text[..at].bytes().rev().take_while(|&b| b == b'\\').count();
                if backslashes % 2 == 0 {
                    edits.push(Edit::replace(at..at + 1, "&lt;"));
                }
            }
            for (i, _) in text[range.clone()].match_indices("{{") {
                let at = range.start + i;
                if !in_math(at) {
                    edits.push(Edit::replace(at..at + 1, "&#123;"));
                }
            }
            edits[first..].sort_by_key(|e| e.range.start);
            continue;
        }
        if unsafe_target || matches!(event, Event::Html(_) | Event::InlineHtml(_)) {
            // `html::text` writes brackets, parentheses and braces as references too, so the
            // literal can start no link, tag or directive wherever it is pasted. Its line
            // breaks stay: the rest of the fragment was judged with them (a blank line after
            // an HTML block keeps an indented line after it a code block).
            let literal = text[range.clone()]
                .split('\n')
                .map(|line| {
                    let (line, cr) = line.strip_suffix('\r').map_or((line, ""), |l| (l, "\r"));
                    format!("{}{cr}", html::text(line))
                })
                .collect::<Vec<_>>()
                .join("\n");
            skip_until = range.end;
            edits.push(Edit::replace(range, literal));
        }
    }
    // A link reference definition renders nothing where it stands, but its label is the
    // page's: `[a]: javascript:…` in a card statement made `[a]` in a summary-table cell on
    // the same page a live link, though the cell's own text, judged alone, had no link
    // (found by the `hypotheses` fuzz target). Data defines no labels: each definition's `[`
    // becomes a character reference, and the line is text.
    for (_, def) in events.reference_definitions().iter() {
        if let Some(i) = text.get(def.span.clone()).and_then(|d| d.find('[')) {
            let at = def.span.start + i;
            edits.push(Edit::replace(at..at + 1, "&#91;"));
        }
    }
    edits.sort_by_key(|e| e.range.start);
    // Edits come from one parse in document order and never overlap, so splicing cannot fail;
    // if it somehow did, escaping everything is the safe answer.
    splice(text, edits).unwrap_or_else(|_| Cow::Owned(html::text(text).into_owned()))
}

/// [`inert`] for text pasted in the middle of a line (a table cell, link text, after a label):
/// judged there, where a leading `~~~`, `#` or `>` starts no block. Judged as a document of
/// its own, `~~~parent <ript>` was a code fence whose text needed no escaping, and became a
/// live tag in the cell (found by the `hypotheses` fuzz target).
pub fn inert_inline<'t>(text: &'t str, markdown: &ParseOptions) -> Cow<'t, str> {
    let padded = format!("x{text}");
    match inert(&padded, markdown) {
        Cow::Borrowed(_) => Cow::Borrowed(text),
        Cow::Owned(out) => Cow::Owned(out[1..].to_owned()),
    }
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
            "see &#91;x&#93;&#40;javascript:alert&#40;1&#41;&#41; and &lt;javascript:alert&#40;2&#41;&gt;"
        );
        assert_eq!(
            check("![i](data:text/html,x)"),
            "&#33;&#91;i&#93;&#40;data:text/html,x&#41;"
        );
        assert_eq!(
            check("<img src=x onerror=alert(1)>"),
            "&lt;img src=x onerror=alert&#40;1&#41;&gt;"
        );
        assert_eq!(
            check("a {{#bibliography}} and $x^{{2}}$"),
            "a &#123;{#bibliography}} and $x^{{2}}$"
        );
        // Not a tag on its own, but it could become one next to other markup.
        assert_eq!(check("<span title='x"), "&lt;span title='x");
        assert_eq!(check("[a]: https://x.org\n"), "&#91;a]: https://x.org\n");
        assert_eq!(
            check("See [a].\n\n[a]: javascript:alert(1)\n"),
            "See &#91;a&#93;.\n\n&#91;a]: javascript:alert(1)\n",
            "data defines no link labels"
        );
        assert_eq!(
            inert_inline("~~~a <b>x</b>", &ParseOptions::default()),
            "~~~a &lt;b&gt;x&lt;/b&gt;"
        );
        assert_eq!(
            check("<script>x</script>\n\n    [x](javascript:y)"),
            "&lt;script&gt;x&lt;/script&gt;\n\n    [x](javascript:y)",
            "the blank line keeps the indented line a code block"
        );
        assert_eq!(check("a \\< b"), "a \\< b");
        assert_eq!(check("a \\\\<b"), "a \\\\&lt;b");
    }
}
