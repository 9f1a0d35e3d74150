//! Where a chapter holds TeX math, which mdBook's parser does not know about.
//!
//! mdBook 0.5 leaves `$…$` to preprocessors such as mdbook-katex, and MathJax reads `\\(…\\)`
//! and `\\[…\\]` from the rendered text. To pulldown-cmark all of these are ordinary text (even
//! `*` inside `$a*b*c$` becomes emphasis), so plugins must find math themselves or they would
//! link a glossary term inside a formula. No crate finds these spans with byte offsets, hence
//! this small scanner. Its rules follow pandoc's `tex_math_dollars`, which mdbook-katex shares:
//!
//! * `$$…$$` is display math; `$…$` is inline math when the opening `$` is not followed by
//!   white space and the closing `$` is not preceded by white space nor followed by a digit,
//!   so "costs $5 and $10" is not math;
//! * `\$` is a literal dollar;
//! * `\\(…\\)`, `\\[…\\]` (and the single-backslash forms) are math;
//! * no math span crosses a blank line.

use std::ops::Range;

/// Byte ranges of math spans (delimiters included), in order. `skip` holds sorted,
/// non-overlapping ranges (code, raw HTML) whose bytes can neither open nor close math.
///
/// Runs in linear time: an opener that finds no closer before the end of its paragraph marks
/// that kind of opener dead for the rest of the paragraph.
pub fn math_spans(text: &str, skip: &[Range<usize>]) -> Vec<Range<usize>> {
    let b = text.as_bytes();
    let mut spans = Vec::new();
    let in_skip = |pos: usize| crate::span::in_sorted(skip, pos);
    let mut para_end = 0;
    // Per closer: the offset up to which it is known not to occur (validly).
    let mut dead = [0usize; 6];
    let mut i = 0;
    let mut next_skip = 0;
    while i < b.len() {
        // Only `$` and `\` can start math: jump straight to the next one.
        match memchr::memchr2(b'$', b'\\', &b[i..]) {
            Some(n) => i += n,
            None => break,
        }
        while next_skip < skip.len() && skip[next_skip].end <= i {
            next_skip += 1;
        }
        if let Some(r) = skip.get(next_skip)
            && r.start <= i
        {
            i = r.end;
            continue;
        }
        if i >= para_end {
            para_end = paragraph_end(b, i);
        }
        let (kind, open_len, close): (usize, usize, &[u8]) = match b[i] {
            b'$' if b.get(i + 1) == Some(&b'$') => (0, 2, b"$$"),
            b'$' => (1, 1, b"$"),
            b'\\' => match (b.get(i + 1), b.get(i + 2)) {
                (Some(b'\\'), Some(b'(')) => (2, 3, b"\\\\)"),
                (Some(b'\\'), Some(b'[')) => (3, 3, b"\\\\]"),
                (Some(b'('), _) => (4, 2, b"\\)"),
                (Some(b'['), _) => (5, 2, b"\\]"),
                // Any other backslash escapes the next character (`\$` is a literal dollar).
                (Some(c), _) if c.is_ascii() => {
                    i += 2;
                    continue;
                }
                _ => {
                    i += 1;
                    continue;
                }
            },
            _ => {
                i += 1;
                continue;
            }
        };
        if dead[kind] > i {
            i += open_len;
            continue;
        }
        let body = i + open_len;
        if kind == 1 && b.get(body).is_none_or(|c| c.is_ascii_whitespace()) {
            i += 1;
            continue;
        }
        match find_closer(b, body, para_end, close, kind == 1, &in_skip) {
            Ok(end) => {
                spans.push(i..end);
                i = end;
            }
            Err(searched_to) => {
                dead[kind] = searched_to;
                i += open_len;
            }
        }
    }
    spans
}

/// End (exclusive) of the closing delimiter, searching `b[from..limit]`; on failure, how far
/// the search got (no opener of this kind before that point can succeed either).
///
/// An inline `$…$` gives up at a `$` that follows white space: that `$` cannot close, and,
/// as in pandoc, it ends the attempt, so `$5 and $$x$$` leaves the display math intact.
fn find_closer(
    b: &[u8],
    from: usize,
    limit: usize,
    close: &[u8],
    inline_dollar: bool,
    in_skip: &impl Fn(usize) -> bool,
) -> Result<usize, usize> {
    let mut j = from;
    while j + close.len() <= limit {
        if inline_dollar
            && b[j] == b'$'
            && j > from
            && b[j - 1].is_ascii_whitespace()
            && !in_skip(j)
        {
            return Err(j);
        }
        if &b[j..j + close.len()] == close && !in_skip(j) {
            let escaped = j > from && b[j - 1] == b'\\' && close[0] == b'$';
            let ok = if inline_dollar {
                j > from
                    && !b[j - 1].is_ascii_whitespace()
                    && !escaped
                    && !b.get(j + 1).is_some_and(u8::is_ascii_digit)
            } else {
                !escaped
            };
            if ok {
                return Ok(j + close.len());
            }
        }
        j += 1;
    }
    Err(limit)
}

/// Offset of the first blank line at or after `from` (or the end of the text).
fn paragraph_end(b: &[u8], from: usize) -> usize {
    let mut line_start = from;
    let mut saw_text = false;
    let mut i = from;
    while i < b.len() {
        match b[i] {
            b'\n' => {
                if !saw_text && line_start != from {
                    return line_start;
                }
                line_start = i + 1;
                saw_text = false;
            }
            b' ' | b'\t' | b'\r' => {}
            _ => saw_text = true,
        }
        i += 1;
    }
    b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(text: &str) -> Vec<&str> {
        math_spans(text, &[])
            .into_iter()
            .map(|r| &text[r])
            .collect()
    }

    #[test]
    fn inline_and_display_dollars() {
        assert_eq!(
            spans("a $x^2$ b $$\\sum_i x_i$$ c"),
            ["$x^2$", "$$\\sum_i x_i$$"]
        );
        assert_eq!(
            spans("$$\nW_{QK} = W_Q^T W_K\n$$\n"),
            ["$$\nW_{QK} = W_Q^T W_K\n$$"]
        );
        assert_eq!(spans("emphasis inside $a*b*c$ stays math"), ["$a*b*c$"]);
    }

    #[test]
    fn currency_is_not_math() {
        assert!(spans("It costs $5 and $10 today.").is_empty());
        assert!(spans("Pay $ 5 or $ 6.").is_empty());
        assert!(spans("A lone $ sign.").is_empty());
        assert!(spans("Escaped \\$x\\$ dollars.").is_empty());
    }

    #[test]
    fn backslash_delimiters() {
        assert_eq!(
            spans(r"MathJax \\(x_1\\) and \\[y\\]"),
            [r"\\(x_1\\)", r"\\[y\\]"]
        );
        assert_eq!(spans(r"single \(z\)"), [r"\(z\)"]);
    }

    #[test]
    fn currency_before_display_math_keeps_the_math() {
        assert_eq!(spans("costs $5, see $$term$$"), ["$$term$$"]);
        assert_eq!(spans("$5 and $x$"), ["$x$"]);
    }

    #[test]
    fn an_unclosed_delimiter_does_not_hide_another_kind() {
        assert_eq!(
            spans(r"Escape \[ like this; then \\(term\\)"),
            [r"\\(term\\)"]
        );
    }

    #[test]
    fn math_never_crosses_a_blank_line() {
        assert!(spans("open $x\n\nclose$ later").is_empty());
        assert_eq!(spans("$a\nb$"), ["$a\nb$"]);
    }

    #[test]
    fn skipped_ranges_neither_open_nor_close() {
        let text = "code `$x` then $y$ and `z$`";
        let first = text.find("`$x`").unwrap();
        let last = text.find("`z$`").unwrap();
        let skip = [first..first + 4, last..last + 4];
        let found: Vec<&str> = math_spans(text, &skip)
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(found, ["$y$"]);
    }

    #[test]
    fn many_unclosed_dollars_stay_linear() {
        let text = "$1 ".repeat(200_000);
        assert!(math_spans(&text, &[]).is_empty());
    }
}
