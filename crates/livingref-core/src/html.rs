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

/// Escapes text from data for any place a plugin writes it: inside an HTML element or block,
/// or in Markdown prose between inline tags, in a heading or a table cell.
///
/// HTML escaping alone is not enough there. Between inline tags the text is still Markdown, so
/// `[x](javascript:…)` in a BibTeX author or an alias would become a live link, an image a
/// request to another site; `{{#cite …}}` would be expanded by a later plugin; a line break
/// could end the HTML block it sits in and let Markdown resume. So besides `<`, `>` and `&`,
/// every ASCII character that Markdown, mdBook's `{{#…}}` or a later plugin could read as
/// syntax is written as a numeric character reference, and so are line breaks. Markdown,
/// HTML and the browser all decode a reference to its character and never to markup, so the
/// reader sees the text exactly as written. Letters, digits, spaces and `$` (math in titles
/// is rendered on purpose) stay as they are, so terms can still be found in it.
///
/// Hand-written: `html_escape` covers HTML only, and no crate targets Markdown-inert text.
pub fn text(s: &str) -> Cow<'_, str> {
    let special = |b: u8| {
        matches!(
            b,
            b'<' | b'>'
                | b'&'
                | b'\\'
                | b'`'
                | b'*'
                | b'_'
                | b'['
                | b']'
                | b'('
                | b')'
                | b'!'
                | b'{'
                | b'}'
                | b'|'
                | b'~'
                | b'#'
                | b'@'
                | b'"'
                | b'\''
                | b'\n'
                | b'\r'
        )
    };
    if !s.bytes().any(special) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    let mut last = 0;
    for (i, b) in s.bytes().enumerate() {
        if special(b) {
            out.push_str(&s[last..i]);
            match b {
                b'<' => out.push_str("&lt;"),
                b'>' => out.push_str("&gt;"),
                b'&' => out.push_str("&amp;"),
                _ => {
                    use std::fmt::Write as _;
                    let _ = write!(out, "&#{b};");
                }
            }
            last = i + 1;
        }
    }
    out.push_str(&s[last..]);
    Cow::Owned(out)
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
/// separators, as `.html` for the HTML renderer (other renderers keep Markdown paths), each
/// segment percent-encoded (see `PATH_SEGMENT`).
pub fn page_url(page: &Path, html: bool) -> String {
    let path = page.to_string_lossy().replace('\\', "/");
    let path = match path.strip_suffix(".md") {
        Some(stem) if html => format!("{stem}.html"),
        _ => path,
    };
    let segments: Vec<String> = path
        .split('/')
        .map(|segment| percent_encoding::utf8_percent_encode(segment, PATH_SEGMENT).to_string())
        .collect();
    segments.join("/")
}

/// Characters left as they are in a path segment of a generated URL: RFC 3986's unreserved
/// set. Everything else, `:`, `%`, spaces, brackets and parentheses included, is
/// percent-encoded, so a chapter file named `javascript:alert(1).md` or `my chapter.md`
/// gives a relative URL that is one Markdown link destination and starts no scheme.
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The link from page `from` to page `to` (both chapter paths relative to `src`): `../` for
/// each folder `from` is in, then `to`'s path, percent-encoded segment by segment, as
/// `.html` for the HTML renderer or `.md` for others (mdBook rewrites `.md` links itself).
/// The same page gives `""`, so `#id` stays on it. Every plugin builds links between pages
/// here and nowhere else.
pub fn chapter_href(from: &Path, to: &Path, html: bool) -> String {
    if from == to {
        return String::new();
    }
    let mut href = page_root(from);
    href.push_str(&page_url(to, html));
    href
}

/// Characters percent-encoded in a `#fragment` we write: controls, space, quotes, `<>`,
/// `` ` ``, `{}|\^`, `#` and `%` itself (the WHATWG fragment set, plus what would end or
/// confuse the attribute). Ids keep the raw text; only the link to them is encoded, and the
/// browser decodes it back when it looks the id up.
const FRAGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'\'')
    .add(b'<')
    .add(b'>')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'|')
    .add(b'\\')
    .add(b'^')
    .add(b'#')
    .add(b'%');

/// What is percent-encoded when an identifier (a DOI, an arXiv id) becomes the path of a
/// resolver's URL: controls, space, quotes, `<>`, `` ` ``, `{}|\^[]`, and `#`, `?`, `%`,
/// which would end the path or start an escape (the DOI Handbook asks for the same).
const IDENTIFIER: &percent_encoding::AsciiSet = &FRAGMENT.add(b'?').add(b'[').add(b']');

/// The link to identifier `id` at a resolver (`https://doi.org/`, `https://arxiv.org/abs/`).
pub fn resolver_url(base: &str, id: &str) -> String {
    format!(
        "{base}{}",
        percent_encoding::utf8_percent_encode(id, IDENTIFIER)
    )
}

/// `url` (already allowed by [`safe_url`]) as a Markdown link destination, for renderers
/// other than HTML: in angle brackets, with what could end it (`<`, `>`, white space)
/// percent-encoded.
pub fn markdown_destination(url: &str) -> String {
    const ENDS: &percent_encoding::AsciiSet =
        &percent_encoding::CONTROLS.add(b' ').add(b'<').add(b'>');
    format!("<{}>", percent_encoding::utf8_percent_encode(url, ENDS))
}

/// `id` as the fragment of a link (`#` not included). Letters outside ASCII stay as they are
/// (`#введение`, as mdBook writes its own header links; browsers accept both forms), so only
/// the ASCII characters of `FRAGMENT` are encoded, one by one: `percent_encoding` alone
/// would encode every non-ASCII byte.
pub fn fragment(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    let mut buf = [0; 4];
    for c in id.chars() {
        if c.is_ascii() {
            out.extend(percent_encoding::utf8_percent_encode(
                c.encode_utf8(&mut buf),
                FRAGMENT,
            ));
        } else {
            out.push(c);
        }
    }
    out
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
        assert_eq!(text("Elhage et al., 2022"), "Elhage et al., 2022");
        assert_eq!(
            text("[x](javascript:a)"),
            "&#91;x&#93;&#40;javascript:a&#41;"
        );
        assert_eq!(text("{{#cite k}}"), "&#123;&#123;&#35;cite k&#125;&#125;");
        assert_eq!(text("a\n\nb"), "a&#10;&#10;b");
        assert_eq!(attr("\" onerror='x'"), "&quot; onerror=&#x27;x&#x27;");
        assert_eq!(attr("a | b"), "a &#124; b");
    }

    #[test]
    fn chapter_links_are_relative_and_encoded() {
        let href = |from: &str, to: &str, html| chapter_href(Path::new(from), Path::new(to), html);
        assert_eq!(href("a.md", "b/c.md", true), "b/c.html");
        assert_eq!(href("x/y.md", "a.md", false), "../a.md");
        assert_eq!(href("a.md", "a.md", true), "");
        assert_eq!(href("a.md", "my chapter.md", false), "my%20chapter.md");
        assert_eq!(
            href("a.md", "javascript:alert(1)%2F.md", true),
            "javascript%3Aalert%281%29%252F.html"
        );
        assert_eq!(
            href("a.md", "глава.md", true),
            "%D0%B3%D0%BB%D0%B0%D0%B2%D0%B0.html"
        );
        assert!(safe_url(&href("a.md", "javascript:x.md", true)).is_some());
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
