//! Escaping and URL allow-listing for everything a plugin writes into a page.
//!
//! Glossary definitions, BibTeX fields and hypothesis cards arrive through pull requests; the
//! suite treats them as hostile. Text goes through [`text`], attribute values through
//! [`attr`], and a URL becomes an `href` only if [`safe_url`] accepts it.
//!
//! Plugins quote the attributes they write with `'`, not `"`. The page is the same either
//! way (mdBook 0.5 parses each page's HTML and writes it out again with `"`), but the
//! chapter text travels as JSON from one preprocessor to the next, where every `"` becomes
//! `\"`, and mdBook writes each piece between escapes with its own `write(2)`: on the 20 MB
//! benchmark book, double quotes made 1.5 million of them on the way to the last plugin.

use std::borrow::Cow;
use std::path::Path;

/// Escapes text content (`<`, `>`, `&`) for HTML context: inside an HTML element or block
/// that a plugin emits. It does not neutralise Markdown (`[x](…)`, `*`), so never splice its
/// output into Markdown prose.
pub fn text(s: &str) -> Cow<'_, str> {
    html_escape::encode_text(s)
}

/// Escapes a quoted attribute value (`"` and `'` both, so the value can never end the
/// attribute, whatever quote the surrounding markup uses). `|` is escaped too: inline HTML
/// inside a Markdown table cell would otherwise split the cell at it.
pub fn attr(s: &str) -> Cow<'_, str> {
    match html_escape::encode_quoted_attribute(s) {
        Cow::Owned(s) if s.contains('|') => Cow::Owned(s.replace('|', "&#124;")),
        Cow::Borrowed(s) if s.contains('|') => Cow::Owned(s.replace('|', "&#124;")),
        other => other,
    }
}

/// `../` once per folder that `page` (relative to the book's `src`) sits in: what leads from
/// the page's HTML back to the book root, where a link to another page starts.
pub fn page_root(page: &Path) -> String {
    "../".repeat(page.parent().map_or(0, |p| p.components().count()))
}

/// The URL of chapter `page` (relative to `src`) from the book root: its `.md` path with `/`
/// separators, as `.html` for the HTML renderer (other renderers keep Markdown paths).
pub fn page_url(page: &Path, html: bool) -> String {
    let url = page.to_string_lossy().replace('\\', "/");
    match url.strip_suffix(".md") {
        Some(stem) if html => format!("{stem}.html"),
        _ => url,
    }
}

/// Returns the URL if it may become a link: `http`, `https`, `mailto`, or a relative URL
/// (path, `#fragment`, `?query`). Everything else — `javascript:`, `data:`, `vbscript:`,
/// schemes hidden by control characters — gives `None`. Always write the result through
/// [`attr`].
pub fn safe_url(url: &str) -> Option<&str> {
    let url = url.trim();
    if url.is_empty() || url.chars().any(|c| c.is_control()) {
        return None;
    }
    // A scheme is what precedes the first ':' if that comes before any '/', '?' or '#'
    // (RFC 3986, section 4.2: otherwise the colon belongs to a relative path).
    let scheme_end = url.find(':');
    let path_start = url.find(['/', '?', '#']).unwrap_or(url.len());
    match scheme_end {
        Some(end) if end < path_start => {
            let scheme = url[..end].to_ascii_lowercase();
            matches!(scheme.as_str(), "http" | "https" | "mailto").then_some(url)
        }
        // Relative, or `//host/path` (scheme-relative). Entity tricks such as
        // `javascript&#58;…` cannot revive a scheme: the caller escapes the value with
        // [`attr`], so `&` stays a literal ampersand.
        _ => Some(url),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(text("<script>&"), "&lt;script&gt;&amp;");
        assert_eq!(attr("\" onerror='x'"), "&quot; onerror=&#x27;x&#x27;");
        assert_eq!(attr("a | b"), "a &#124; b");
    }

    #[test]
    fn allows_web_and_relative_urls_only() {
        for ok in [
            "https://arxiv.org/abs/2209.10652",
            "HTTP://x.org",
            "mailto:a@b.c",
            "glossary.html#sae",
            "../a.html",
            "#top",
            "?q=1",
            "a/b:c",
        ] {
            assert_eq!(safe_url(ok), Some(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            " JavaScript:alert(1)",
            "java\tscript:alert(1)",
            "data:text/html,x",
            "vbscript:x",
            "file:///etc/passwd",
            "",
        ] {
            assert_eq!(safe_url(bad), None, "{bad}");
        }
    }
}
