//! One bibliography entry, reduced to what a page shows: display text, people, a date that
//! can be sorted, and links that are safe to emit.

use crate::date::Date;
use biblatex::{Chunk, Entry, PermissiveType};
use livingref_core::html;
use std::cmp::Ordering;
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    pub given: String,
    pub family: String,
}

impl Author {
    pub fn full(&self) -> String {
        match (self.given.is_empty(), self.family.is_empty()) {
            (true, _) => self.family.clone(),
            (false, true) => self.given.clone(),
            (false, false) => format!("{} {}", self.given, self.family),
        }
    }
}

/// The title shown for an entry without one.
pub const UNTITLED: &str = "(untitled)";

#[derive(Debug, Clone)]
pub struct Paper {
    pub key: String,
    /// Other keys the entry answers to (its `ids` field), so citations written with an old
    /// key still find it.
    pub aliases: Vec<String>,
    pub kind: String,
    /// Title as plain text (math kept as `$…$`), and as safe HTML (`\emph` → `<em>`).
    pub title: String,
    pub title_html: String,
    pub authors: Vec<Author>,
    /// The entry said "and others".
    pub more_authors: bool,
    pub venue: Option<String>,
    pub date: Option<Date>,
    pub doi: Option<String>,
    pub arxiv: Option<String>,
    pub url: Option<String>,
    pub pdf: Option<String>,
    pub code: Option<String>,
    pub abstract_html: Option<String>,
    /// Lower-case topic tags from `keywords`.
    pub keywords: Vec<String>,
    /// The entry as written in its file, for the copy button.
    pub bibtex: String,
    pub file: PathBuf,
    pub line: usize,
    /// Where the entry starts, line, column and a window of its line, for diagnostics about
    /// the whole entry (in a one-line `.bib`, most entries start past column 1).
    pub at: Option<livingref_core::Location>,
    /// Byte range of the entry in its file (after a byte-order mark, if any).
    pub span: std::ops::Range<usize>,
    /// The letter after the year that tells this paper from another by the same authors in
    /// the same year (`2022a`, `2022b`); set by [`crate::Bibliography::disambiguate_years`].
    pub year_suffix: Option<char>,
}

impl Paper {
    pub fn from_entry(entry: &Entry, file: PathBuf, line: usize) -> Paper {
        let field = |name: &str| {
            entry
                .get(name)
                .map(|chunks| chunks.iter().map(|c| c.v.clone()).collect::<Vec<Chunk>>())
        };
        let text = |name: &str| {
            field(name)
                .map(|c| render_chunks(&c).0)
                .filter(|s| !s.trim().is_empty())
        };
        let (title, title_html) = field("title")
            .map(|c| render_chunks(&c))
            .unwrap_or_else(|| (UNTITLED.into(), UNTITLED.into()));
        let (authors, more_authors) = match entry.author() {
            Ok(people) => {
                let more = people
                    .iter()
                    .any(|p| p.name.eq_ignore_ascii_case("others") && p.given_name.is_empty());
                let list = people
                    .into_iter()
                    .filter(|p| !(p.name.eq_ignore_ascii_case("others") && p.given_name.is_empty()))
                    .map(|p| Author {
                        given: p.given_name,
                        family: [p.prefix, p.name]
                            .iter()
                            .filter(|s| !s.is_empty())
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(" "),
                    })
                    .collect();
                (list, more)
            }
            Err(_) => (Vec::new(), false),
        };
        let venue = [
            "journal",
            "journaltitle",
            "booktitle",
            "publisher",
            "institution",
            "school",
            "howpublished",
            "organization",
        ]
        .iter()
        .find_map(|f| text(f));
        let arxiv = arxiv_id(
            &text("eprint"),
            &text("archiveprefix").or_else(|| text("eprinttype")),
            &text("url"),
            &text("doi"),
            &venue,
        );
        let date = entry_date(entry)
            .or_else(|| arxiv.as_deref().and_then(arxiv_date))
            .or_else(|| {
                ["timestamp", "added", "creationdate", "urldate"]
                    .iter()
                    .find_map(|f| text(f).and_then(|t| Date::loose(&t)))
            });
        let keywords = text("keywords")
            .map(|k| {
                k.split([',', ';'])
                    .map(|t| t.trim().to_lowercase())
                    .filter(|t| !t.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        let abstract_html = field("abstract")
            .map(|c| render_chunks(&c).1)
            .filter(|s| !s.trim().is_empty());
        let aliases = entry
            .get_as::<Vec<String>>("ids")
            .unwrap_or_default()
            .into_iter()
            .map(|a| a.trim().to_owned())
            .filter(|a| !a.is_empty() && *a != entry.key)
            .collect();
        Paper {
            key: entry.key.clone(),
            aliases,
            kind: entry.entry_type.to_string().to_lowercase(),
            title,
            title_html,
            authors,
            more_authors,
            venue,
            date,
            doi: text("doi").map(|d| d.trim().trim_start_matches("https://doi.org/").to_owned()),
            arxiv,
            url: text("url"),
            pdf: text("pdf")
                .or_else(|| text("file").filter(|f| f.ends_with(".pdf") && f.starts_with("http"))),
            code: text("code")
                .or_else(|| text("github"))
                .or_else(|| text("repository")),
            abstract_html,
            keywords,
            // Filled by the caller with the entry as written in the file.
            bibtex: String::new(),
            file,
            line,
            at: None,
            span: 0..0,
            year_suffix: None,
        }
    }

    /// The main link: DOI, else arXiv, else the entry's URL (only `http(s)`).
    pub fn link(&self) -> Option<String> {
        if let Some(doi) = &self.doi {
            return Some(html::resolver_url("https://doi.org/", doi));
        }
        if let Some(id) = &self.arxiv {
            return Some(html::resolver_url("https://arxiv.org/abs/", id));
        }
        self.url.as_deref().and_then(web_url).map(str::to_owned)
    }

    /// Newest first; equal dates by key, so output never depends on file order.
    pub fn newest_first(a: &Paper, b: &Paper) -> Ordering {
        b.date.cmp(&a.date).then_with(|| a.key.cmp(&b.key))
    }

    pub fn year(&self) -> Option<i32> {
        self.date.map(|d| d.year)
    }
}

/// Only absolute web URLs may become links from bibliography data.
pub fn web_url(url: &str) -> Option<&str> {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        .then_some(url)
        .and_then(html::safe_url)
}

fn entry_date(entry: &Entry) -> Option<Date> {
    match entry.date().ok()? {
        PermissiveType::Typed(date) => {
            let dt = match date.value {
                biblatex::DateValue::At(d)
                | biblatex::DateValue::After(d)
                | biblatex::DateValue::Before(d) => d,
                biblatex::DateValue::Between(d, _) => d,
            };
            Some(Date {
                year: dt.year,
                month: dt.month.map_or(0, |m| m + 1),
                day: dt.day.map_or(0, |d| d + 1),
            })
        }
        PermissiveType::Chunks(chunks) => {
            let text: String = chunks.iter().map(|c| c.v.get()).collect();
            text.trim().get(..4)?.parse().ok().map(|year| Date {
                year,
                month: 0,
                day: 0,
            })
        }
    }
}

/// `2404.14082v3` → 2024-04 (new-style arXiv ids start with YYMM).
fn arxiv_date(id: &str) -> Option<Date> {
    let yymm = id.get(..4)?;
    if !yymm.bytes().all(|b| b.is_ascii_digit()) || id.as_bytes().get(4) != Some(&b'.') {
        return None;
    }
    let year: i32 = yymm[..2].parse().ok()?;
    let month: u8 = yymm[2..].parse().ok()?;
    (1..=12).contains(&month).then_some(Date {
        year: 2000 + year,
        month,
        day: 0,
    })
}

/// The arXiv id of an entry, from `eprint` (with an arXiv prefix, or shaped like one), a URL,
/// a DataCite DOI, or a journal field such as "arXiv preprint arXiv:2209.10652".
fn arxiv_id(
    eprint: &Option<String>,
    prefix: &Option<String>,
    url: &Option<String>,
    doi: &Option<String>,
    venue: &Option<String>,
) -> Option<String> {
    let clean = |id: &str| {
        let id = id
            .trim()
            .trim_start_matches("arXiv:")
            .trim_start_matches("arxiv:");
        let id = id
            .split('v')
            .next()
            .filter(|_| id.contains('.'))
            .unwrap_or(id);
        (!id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '/' | '-')))
        .then(|| id.to_owned())
    };
    if let Some(e) = eprint
        && (prefix
            .as_deref()
            .is_some_and(|p| p.eq_ignore_ascii_case("arxiv"))
            || arxiv_date(e.trim()).is_some())
    {
        return clean(e);
    }
    if let Some(u) = url
        && let Some(at) = u
            .find("arxiv.org/abs/")
            .or_else(|| u.find("arxiv.org/pdf/"))
    {
        return clean(u[at + 14..].trim_end_matches(".pdf"));
    }
    if let Some(d) = doi
        && let Some(rest) = d
            .to_ascii_lowercase()
            .find("10.48550/arxiv.")
            .map(|at| &d[at + 15..])
    {
        return clean(rest);
    }
    venue
        .as_deref()
        .and_then(|v| v.find("arXiv:").map(|at| &v[at + 6..]))
        .and_then(|rest| clean(rest.split_whitespace().next().unwrap_or("")))
}

/// Chunks as (plain text, safe HTML). `\emph{…}`/`\textit{…}` become emphasis, `\textbf{…}`
/// strong, other commands give their argument; math stays `$…$` for the book's math renderer.
pub(crate) fn render_chunks(chunks: &[Chunk]) -> (String, String) {
    let mut plain = String::new();
    let mut out = String::new();
    for chunk in chunks {
        match chunk {
            Chunk::Normal(s) | Chunk::Verbatim(s) => {
                let (p, h) = latex_to_html(s);
                plain.push_str(&p);
                out.push_str(&h);
            }
            Chunk::Math(m) => {
                plain.push('$');
                plain.push_str(m);
                plain.push('$');
                out.push('$');
                out.push_str(&html::text(m));
                out.push('$');
            }
        }
    }
    // ASCII white space only: `~` is a no-break space, and stays one.
    let tidy = |s: String| s.split_ascii_whitespace().collect::<Vec<_>>().join(" ");
    (tidy(plain), tidy(out))
}

/// The LaTeX that survives `biblatex`'s own resolution (it already turns accents, `\ss`,
/// `\aa`, `\&`, dashes and the like into Unicode; `syntax::tex_fixes` covers what it gets
/// wrong): font commands, braces, `~` and TeX quotes. Hand-written because it is this small.
fn latex_to_html(s: &str) -> (String, String) {
    let mut plain = String::new();
    let mut out = String::new();
    let mut close: Vec<&'static str> = Vec::new();
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                let name: String = s[i + 1..]
                    .chars()
                    .take_while(char::is_ascii_alphabetic)
                    .collect();
                for _ in 0..name.chars().count() {
                    chars.next();
                }
                if name.is_empty() {
                    if let Some((_, escaped)) = chars.next() {
                        plain.push(escaped);
                        out.push_str(&html::text(&escaped.to_string()));
                    }
                    continue;
                }
                let tag = match name.as_str() {
                    "emph" | "textit" | "textsl" => Some(("<em>", "</em>")),
                    "textbf" => Some(("<strong>", "</strong>")),
                    "texttt" => Some(("<code>", "</code>")),
                    _ => None,
                };
                if chars.peek().is_some_and(|&(_, c)| c == '{') {
                    chars.next();
                    match tag {
                        Some((open, end)) => {
                            out.push_str(open);
                            close.push(end);
                        }
                        None => close.push(""),
                    }
                }
            }
            '{' => close.push(""),
            '}' => out.push_str(close.pop().unwrap_or("")),
            '~' => {
                plain.push('\u{a0}');
                out.push('\u{a0}');
            }
            // TeX quotes, which biblatex leaves as written: ``…'' and `…'.
            '`' | '\'' => {
                let double = chars.peek().is_some_and(|&(_, n)| n == c);
                if double {
                    chars.next();
                }
                let quote = match (c, double) {
                    ('`', true) => '“',
                    ('`', false) => '‘',
                    (_, true) => '”',
                    // A lone `'` is an apostrophe as often as a closing quote: `’` is right
                    // for both.
                    _ => '’',
                };
                plain.push(quote);
                out.push(quote);
            }
            _ => {
                plain.push(c);
                match c {
                    '<' => out.push_str("&lt;"),
                    '>' => out.push_str("&gt;"),
                    '&' => out.push_str("&amp;"),
                    '"' => out.push_str("&quot;"),
                    _ => out.push(c),
                }
            }
        }
    }
    while let Some(end) = close.pop() {
        out.push_str(end);
    }
    (plain, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latex_commands_become_html() {
        let (plain, html) = latex_to_html("The \\emph{Sparse} \\textbf{b} <script> & \\unknown{x}");
        assert_eq!(plain, "The Sparse b <script> & x");
        assert_eq!(
            html,
            "The <em>Sparse</em> <strong>b</strong> &lt;script&gt; &amp; x"
        );
        assert_eq!(latex_to_html("unclosed \\emph{a").1, "unclosed <em>a</em>");
    }

    #[test]
    fn arxiv_ids_from_every_place_they_hide() {
        let s = |v: &str| Some(v.to_owned());
        assert_eq!(
            arxiv_id(&s("2404.14082v3"), &None, &None, &None, &None).as_deref(),
            Some("2404.14082")
        );
        assert_eq!(
            arxiv_id(
                &None,
                &None,
                &s("https://arxiv.org/abs/2209.10652"),
                &None,
                &None
            )
            .as_deref(),
            Some("2209.10652")
        );
        assert_eq!(
            arxiv_id(&None, &None, &None, &s("10.48550/arXiv.2301.05217"), &None).as_deref(),
            Some("2301.05217")
        );
        assert_eq!(
            arxiv_id(
                &None,
                &None,
                &None,
                &None,
                &s("arXiv preprint arXiv:2309.08600")
            )
            .as_deref(),
            Some("2309.08600")
        );
        assert_eq!(
            arxiv_date("2404.14082"),
            Some(Date {
                year: 2024,
                month: 4,
                day: 0
            })
        );
    }

    #[test]
    fn only_web_urls_become_links() {
        assert_eq!(web_url(" https://x.org/a "), Some("https://x.org/a"));
        assert_eq!(web_url("javascript:alert(1)"), None);
        assert_eq!(web_url("data:text/html,x"), None);
        assert_eq!(web_url("relative/path"), None);
    }
}
