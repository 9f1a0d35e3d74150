//! `{{#name key=value key="quoted value" bare, bare}}` directives with byte positions.
//!
//! The syntax extends mdBook's own `{{#include …}}`: a name, then arguments separated by white
//! space or commas. An argument is `key=value`, `key="quoted value"` or a bare value (so
//! `{{#cite k1, k2}}` reads as two positional keys, the same syntax as mdbook-bib). Inside
//! quotes, `\"` and `\\` escape. A directive may wrap lines but never crosses a blank line.

use std::borrow::Cow;
use std::ops::Range;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive<'t> {
    pub name: &'t str,
    /// From `{{` to `}}` inclusive.
    pub range: Range<usize>,
    pub args: Vec<Arg<'t>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arg<'t> {
    /// `None` for a positional (bare) argument.
    pub key: Option<&'t str>,
    pub value: Cow<'t, str>,
    /// The whole argument, key included.
    pub range: Range<usize>,
}

impl<'t> Directive<'t> {
    /// The last `key=…` argument with this key (later ones override earlier ones).
    pub fn get(&self, key: &str) -> Option<&Arg<'t>> {
        self.args.iter().rev().find(|a| a.key == Some(key))
    }

    /// The items of a list argument (`tags="a, b; c"`): split at `,` or `;`, trimmed, empty
    /// items dropped. Every directive reads its lists this way.
    pub fn list(&self, key: &str) -> Vec<String> {
        self.get(key).map_or_else(Vec::new, |a| {
            a.value
                .split([',', ';'])
                .map(str::trim)
                .filter(|item| !item.is_empty())
                .map(str::to_owned)
                .collect()
        })
    }

    pub fn positional(&self) -> impl Iterator<Item = &Arg<'t>> {
        self.args.iter().filter(|a| a.key.is_none())
    }
}

/// Why a `{{#…` could not be read; `range` points at the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectiveError {
    pub range: Range<usize>,
    pub message: String,
    pub help: String,
}

/// Parses the directive starting at `at`, where `text[at..]` begins with `{{#`.
pub fn parse_directive(text: &str, at: usize) -> Result<Directive<'_>, DirectiveError> {
    let b = text.as_bytes();
    debug_assert!(text[at..].starts_with("{{#"));
    let mut i = at + 3;
    let name = ident(text, i);
    if name.is_empty() {
        return Err(DirectiveError {
            range: at..i,
            message: "expected a directive name after `{{#`".into(),
            help: "write e.g. `{{#cite key}}`, or `\\\\{{#` for a literal `{{#` (mdBook removes one backslash)".into(),
        });
    }
    i += name.len();
    let unclosed = |upto: usize| DirectiveError {
        range: at..upto,
        message: format!("directive `{{{{#{name}` is not closed"),
        help: "end it with `}}` before the end of the paragraph".into(),
    };
    let mut args = Vec::new();
    loop {
        // Separators: white space (not a blank line) and commas.
        while i < b.len() && (b[i] == b',' || b[i].is_ascii_whitespace()) {
            if b[i] == b'\n' && is_blank_line_after(b, i + 1) {
                return Err(unclosed(i));
            }
            i += 1;
        }
        if i >= b.len() {
            return Err(unclosed(i));
        }
        if text[i..].starts_with("}}") {
            return Ok(Directive {
                name,
                range: at..i + 2,
                args,
            });
        }
        let start = i;
        let key = ident(text, i);
        let key = if !key.is_empty() && b.get(i + key.len()) == Some(&b'=') {
            i += key.len() + 1;
            Some(key)
        } else {
            None
        };
        let value = if b.get(i) == Some(&b'"') {
            let (value, end) = quoted(text, i).ok_or_else(|| DirectiveError {
                range: i..text.len().min(i + 1),
                message: "unterminated quoted value".into(),
                help: "close the value with `\"` (write `\\\"` for a quote inside it)".into(),
            })?;
            i = end;
            value
        } else {
            // One scan to the first separator, quote or `}}`: linear however long the text.
            let end = b[i..]
                .iter()
                .enumerate()
                .position(|(n, &c)| {
                    c.is_ascii_whitespace()
                        || c == b','
                        || c == b'"'
                        || b[i + n..].starts_with(b"}}")
                })
                .map_or(text.len(), |n| i + n);
            let value = Cow::Borrowed(&text[i..end]);
            if b.get(end) == Some(&b'"') {
                return Err(DirectiveError {
                    range: end..end + 1,
                    message: "a quote inside an unquoted value".into(),
                    help: "quote the whole value: key=\"a value\"".into(),
                });
            }
            i = end;
            value
        };
        args.push(Arg {
            key,
            value,
            range: start..i,
        });
    }
}

/// An identifier: ASCII letter, then letters, digits, `-` or `_`.
fn ident(text: &str, at: usize) -> &str {
    let rest = &text[at..];
    if !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return "";
    }
    let len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(rest.len());
    &rest[..len]
}

/// A `"…"` string at `at`; returns the unescaped value and the offset after the closing quote.
fn quoted(text: &str, at: usize) -> Option<(Cow<'_, str>, usize)> {
    let body = at + 1;
    let mut owned: Option<String> = None;
    let mut chars = text[body..].char_indices();
    while let Some((n, c)) = chars.next() {
        match c {
            '"' => {
                let value = match owned {
                    Some(s) => Cow::Owned(s),
                    None => Cow::Borrowed(&text[body..body + n]),
                };
                return Some((value, body + n + 1));
            }
            '\\' => {
                let (_, next) = chars.next()?;
                let s = owned.get_or_insert_with(|| text[body..body + n].to_owned());
                if !matches!(next, '"' | '\\') {
                    s.push('\\');
                }
                s.push(next);
            }
            '\n' if is_blank_line_after(text.as_bytes(), body + n + 1) => return None,
            _ => {
                if let Some(s) = owned.as_mut() {
                    s.push(c);
                }
            }
        }
    }
    None
}

fn is_blank_line_after(b: &[u8], line_start: usize) -> bool {
    let rest = &b[line_start.min(b.len())..];
    let line = rest.split(|&c| c == b'\n').next().unwrap_or_default();
    line.iter().all(|c| c.is_ascii_whitespace()) && line_start < b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Directive<'_> {
        parse_directive(text, text.find("{{#").unwrap()).unwrap()
    }

    #[test]
    fn keys_quotes_and_bare_values() {
        let text = r#"x {{#recent-papers tags="superposition, sae" limit=3 title="Свежие \"статьи\"" compact}} y"#;
        let d = parse(text);
        assert_eq!(d.name, "recent-papers");
        assert_eq!(&text[d.range.clone()], &text[2..text.len() - 2]);
        assert_eq!(d.get("tags").unwrap().value, "superposition, sae");
        assert_eq!(d.get("limit").unwrap().value, "3");
        assert_eq!(d.get("title").unwrap().value, "Свежие \"статьи\"");
        let bare: Vec<_> = d.positional().map(|a| a.value.as_ref()).collect();
        assert_eq!(bare, ["compact"]);
        assert_eq!(&text[d.get("limit").unwrap().range.clone()], "limit=3");
    }

    #[test]
    fn commas_separate_positional_keys() {
        let d = parse("{{#cite elhage2022superposition, bricken2023monosemanticity}}");
        let keys: Vec<_> = d.positional().map(|a| a.value.as_ref()).collect();
        assert_eq!(
            keys,
            ["elhage2022superposition", "bricken2023monosemanticity"]
        );
        assert!(parse("{{#bibliography}}").args.is_empty());
        assert_eq!(parse("{{#cite k}}").positional().next().unwrap().value, "k");
    }

    #[test]
    fn directives_may_wrap_lines_but_not_paragraphs() {
        assert_eq!(parse("{{#cite a,\n  b}}").args.len(), 2);
        let err = parse_directive("{{#cite a\n\nb}}", 0).unwrap_err();
        assert_eq!(err.message, "directive `{{#cite` is not closed");
        assert!(parse_directive("{{#cite a", 0).is_err());
    }

    #[test]
    fn many_directives_without_spaces_parse_in_linear_time() {
        let text = "{{#a=b}}".repeat(200_000);
        let mut at = 0;
        let mut n = 0;
        while at < text.len() {
            at = parse_directive(&text, at).unwrap().range.end;
            n += 1;
        }
        assert_eq!(n, 200_000);
    }

    #[test]
    fn malformed_directives_explain_themselves() {
        assert_eq!(
            parse_directive("{{# cite}}", 0).unwrap_err().message,
            "expected a directive name after `{{#`"
        );
        assert_eq!(
            parse_directive("{{#x t=\"open}}", 0).unwrap_err().message,
            "unterminated quoted value"
        );
        assert_eq!(
            parse_directive("{{#x t=a\"b\"}}", 0).unwrap_err().message,
            "a quote inside an unquoted value"
        );
    }
}
