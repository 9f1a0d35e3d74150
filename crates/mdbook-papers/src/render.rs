//! HTML for references, citations, recent-papers sections and the bibliography. Every string
//! from BibTeX is escaped here, and only web URLs, DOIs and arXiv ids become links.
//!
//! Output is written as HTML blocks without blank lines inside, so Markdown never resumes in
//! the middle of one.

use livingref_bib::{Paper, web_url};
use livingref_core::{Lang, html};
use std::fmt::Write as _;

pub struct Strings {
    pub recent: &'static str,
    pub references: &'static str,
    pub et_al: &'static str,
    pub abstract_: &'static str,
    pub copy: &'static str,
    pub no_match: &'static str,
    pub undated: &'static str,
    /// After the date of a paper dated after "today".
    pub forthcoming: &'static str,
    /// The badge of a compact reference that leads to the paper's full entry.
    pub full_entry: &'static str,
    /// Its tooltip, for a paper with an abstract and for one without.
    pub full_entry_title: &'static str,
    pub full_entry_title_no_abstract: &'static str,
}

pub fn strings(lang: Lang) -> Strings {
    match lang {
        Lang::En => Strings {
            recent: "Recent papers",
            references: "References",
            et_al: "et al.",
            abstract_: "Abstract",
            copy: "Copy BibTeX",
            no_match: "No papers match this selection yet.",
            undated: "n.d.",
            forthcoming: "forthcoming",
            full_entry: "BibTeX",
            full_entry_title: "The full entry, with its abstract and BibTeX to copy",
            full_entry_title_no_abstract: "The full entry, with BibTeX to copy",
        },
        Lang::Ru => Strings {
            recent: "Свежие статьи",
            references: "Литература",
            et_al: "и др.",
            abstract_: "Аннотация",
            copy: "Скопировать BibTeX",
            no_match: "Подходящих статей пока нет.",
            undated: "б. г.",
            forthcoming: "готовится к выходу",
            full_entry: "BibTeX",
            full_entry_title: "Полная запись: аннотация и BibTeX для копирования",
            full_entry_title_no_abstract: "Полная запись с BibTeX для копирования",
        },
    }
}

/// The anchor of an entry in a list (`ref-elhage2022superposition`); `prefix` keeps the
/// references list and a recent-papers list on one page from sharing ids. The key is kept
/// as written, so the anchor is as unique as the key: mapping `.`, `:` and `-` to one
/// character once gave `a.b`, `a:b` and `a-b` one id. Link to it through
/// [`html::fragment`].
pub fn anchor(prefix: &str, key: &str) -> String {
    format!("{prefix}-{key}")
}

/// "Elhage, Hume, Olsson et al." style list: the first three authors, then "et al.".
pub fn authors(paper: &Paper, s: &Strings) -> String {
    let names: Vec<String> = paper.authors.iter().take(3).map(|a| a.full()).collect();
    let mut out = names.join(", ");
    if paper.authors.len() > 3 || paper.more_authors {
        out.push_str(if out.is_empty() { "" } else { " " });
        out.push_str(s.et_al);
    }
    out
}

/// "Elhage et al., 2022": what an author-year citation shows.
pub fn short_citation(paper: &Paper, s: &Strings) -> String {
    format!("{}, {}", cite_who(paper, s), cite_year(paper, s))
}

/// Who a citation names: one family name, two joined by `&`, or the first and "et al."; the
/// title's start for a paper without authors.
pub(crate) fn cite_who(paper: &Paper, s: &Strings) -> String {
    let family = |i: usize| {
        paper.authors.get(i).map(|a| {
            if a.family.is_empty() {
                a.given.clone()
            } else {
                a.family.clone()
            }
        })
    };
    match (paper.authors.len(), paper.more_authors) {
        (0, _) => paper.title.chars().take(40).collect(),
        (1, false) => family(0).unwrap_or_default(),
        (2, false) => format!(
            "{} & {}",
            family(0).unwrap_or_default(),
            family(1).unwrap_or_default()
        ),
        _ => format!("{} {}", family(0).unwrap_or_default(), s.et_al),
    }
}

/// The year a citation shows, with the letter that tells apart two papers of the same
/// authors and year (`2022a`), or "n.d.".
pub(crate) fn cite_year(paper: &Paper, s: &Strings) -> String {
    paper.year().map_or_else(
        || s.undated.to_owned(),
        |y| match paper.year_suffix {
            Some(letter) => format!("{y}{letter}"),
            None => y.to_string(),
        },
    )
}

/// The full reference as plain text (for `title=` previews).
pub fn plain_reference(paper: &Paper, s: &Strings) -> String {
    let mut out = authors(paper, s);
    if paper.year().is_some() {
        let _ = write!(out, " ({})", cite_year(paper, s));
    }
    let _ = write!(out, ". {}.", paper.title);
    if let Some(v) = &paper.venue {
        let _ = write!(out, " {v}.");
    }
    out
}

/// How much of a paper a list item shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail<'a> {
    /// Authors, date, linked title, venue, badges, the abstract and (`interactive`) a copy-BibTeX
    /// button: recent-papers sections, the bibliography page, and references of papers that
    /// no bibliography page lists.
    Full { interactive: bool },
    /// The same without abstract and copy button, and with a badge that links to the paper's
    /// full entry on a bibliography page. The link's root (`../` for each folder the page is
    /// in) depends on the page, so the item is returned in two parts, to be joined around it.
    Compact {
        /// The bibliography page's URL from the book root (`papers.html`).
        page: &'a str,
    },
}

/// A paper as one line of Markdown, for renderers other than HTML: authors, date, the title
/// linked to the paper, venue, and links to arXiv, the PDF and code. Data is written as
/// [`html::text`] writes it, which Markdown reads as text.
pub fn markdown_item(paper: &Paper, s: &Strings, forthcoming: bool) -> String {
    let mut out = String::new();
    let who = authors(paper, s);
    if !who.is_empty() {
        let _ = write!(out, "{} ", html::text(&who));
    }
    let date = date_text(paper, s);
    if forthcoming {
        let _ = write!(out, "({date}, {}). ", s.forthcoming);
    } else {
        let _ = write!(out, "({date}). ");
    }
    let title = html::text(&paper.title);
    match paper.link() {
        Some(url) => {
            let _ = write!(out, "[{title}]({})", html::markdown_destination(&url));
        }
        None => out.push_str(&title),
    }
    if let Some(v) = &paper.venue {
        let _ = write!(out, ". *{}*", html::text(v));
    }
    out.push('.');
    let mut links = Vec::new();
    if let Some(id) = &paper.arxiv {
        links.push(("arXiv", html::resolver_url("https://arxiv.org/abs/", id)));
        if paper.pdf.is_none() {
            links.push(("PDF", html::resolver_url("https://arxiv.org/pdf/", id)));
        }
    }
    if let Some(pdf) = paper.pdf.as_deref().and_then(web_url) {
        links.push(("PDF", pdf.to_owned()));
    }
    if let Some(code) = paper.code.as_deref().and_then(web_url) {
        links.push(("code", code.to_owned()));
    }
    for (label, url) in links {
        let _ = write!(out, " [{label}]({})", html::markdown_destination(&url));
    }
    out
}

/// One `<li>` of a list: authors, date, linked title, venue, badges, then what `detail` adds.
/// Returns the item and, for [`Detail::Compact`], the byte offset where the page's root goes.
/// `forthcoming`: the paper is dated after the book's "today" (a journal issue dated months
/// after the paper is out), which the date says.
pub fn list_item(
    paper: &Paper,
    s: &Strings,
    detail: Detail<'_>,
    id_prefix: &str,
    forthcoming: bool,
) -> (String, usize) {
    let mut out = format!(
        "<li class='paper' id='{}'>",
        html::attr(&anchor(id_prefix, &paper.key))
    );
    let who = authors(paper, s);
    if !who.is_empty() {
        let _ = write!(
            out,
            "<span class='paper-authors'>{}</span> ",
            html::text(&who)
        );
    }
    out.push_str(&date_html(paper, s, forthcoming));
    match paper.link() {
        Some(url) => {
            let _ = write!(
                out,
                "<a class='paper-title' href='{}'>{}</a>",
                html::attr(&url),
                paper.title_html
            );
        }
        None => {
            let _ = write!(out, "<span class='paper-title'>{}</span>", paper.title_html);
        }
    }
    if let Some(v) = &paper.venue {
        let _ = write!(out, ". <span class='paper-venue'>{}</span>", html::text(v));
    }
    out.push('.');
    let badges = badges(paper);
    let mut root_at = 0;
    let compact = match detail {
        Detail::Compact { page } => Some(page),
        Detail::Full { .. } => None,
    };
    if !badges.is_empty() || compact.is_some() {
        let _ = write!(out, " <span class='paper-badges'>{}", badges.join(" "));
        if let Some(page) = compact {
            if !badges.is_empty() {
                out.push(' ');
            }
            out.push_str("<a class='paper-badge paper-full' href='");
            root_at = out.len();
            let _ = write!(
                out,
                "{}#{}' title='{}'>{}</a>",
                html::attr(page),
                html::attr(&html::fragment(&anchor("ref", &paper.key))),
                if paper.abstract_html.is_some() {
                    s.full_entry_title
                } else {
                    s.full_entry_title_no_abstract
                },
                s.full_entry
            );
        }
        out.push_str("</span>");
    }
    if let Detail::Full { interactive } = detail {
        out.push_str(&abstract_and_copy(paper, s, interactive));
    }
    out.push_str("</li>");
    (out, root_at)
}

/// A paper's date as a list shows it: `2022-05`, `2022`, `2022a` when a letter tells it from
/// the same authors' other paper that year, or "n.d.".
fn date_text(paper: &Paper, s: &Strings) -> String {
    match paper.date {
        Some(_) if paper.year_suffix.is_some() => cite_year(paper, s),
        Some(d) if d.month > 0 => format!("{}-{:02}", d.year, d.month),
        Some(d) => d.year.to_string(),
        None => s.undated.to_owned(),
    }
}

/// The date of a list item: `(2022-05)`, `(2022a)`, or marked forthcoming.
fn date_html(paper: &Paper, s: &Strings, forthcoming: bool) -> String {
    let date = date_text(paper, s);
    if forthcoming {
        format!(
            "<span class='paper-date'>({date}, <span class='paper-forthcoming'>{}</span>)</span> ",
            s.forthcoming
        )
    } else {
        format!("<span class='paper-date'>({date})</span> ")
    }
}

/// The arXiv, PDF and code badges a paper has links for.
fn badges(paper: &Paper) -> Vec<String> {
    let mut badges = Vec::new();
    if let Some(id) = &paper.arxiv {
        badges.push(badge(
            &html::resolver_url("https://arxiv.org/abs/", id),
            "arXiv",
        ));
    }
    if let Some(pdf) = paper.pdf.as_deref().and_then(web_url) {
        badges.push(badge(pdf, "PDF"));
    } else if let Some(id) = &paper.arxiv {
        badges.push(badge(
            &html::resolver_url("https://arxiv.org/pdf/", id),
            "PDF",
        ));
    }
    if let Some(code) = paper.code.as_deref().and_then(web_url) {
        badges.push(badge(code, "code"));
    }
    badges
}

/// A full entry's folded abstract and (where `interactive`) its copy button.
fn abstract_and_copy(paper: &Paper, s: &Strings, interactive: bool) -> String {
    let mut out = String::new();
    if let Some(abs) = &paper.abstract_html {
        let _ = write!(
            out,
            "<details class='paper-abstract'><summary>{}</summary>{abs}</details>",
            s.abstract_
        );
    }
    if interactive {
        let _ = write!(
            out,
            " <button type='button' class='paper-copy' data-bibtex='{}'>{}</button>",
            html::attr(&paper.bibtex).replace('\n', "&#10;"),
            s.copy
        );
    }
    out
}

fn badge(url: &str, label: &str) -> String {
    format!(
        "<a class='paper-badge' href='{}'>{label}</a>",
        html::attr(url)
    )
}

/// The page's style, citation previews and copy-button script, once per page that lists
/// papers (HTML only).
pub static ASSETS: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    livingref_core::assets::inline(
        "papers",
        include_str!("../assets/papers.css"),
        include_str!("../assets/papers.js"),
    )
});

#[cfg(test)]
mod tests {
    use super::*;
    use livingref_bib::{Author, Date};
    use std::path::PathBuf;

    fn paper(authors: &[(&str, &str)], more: bool) -> Paper {
        Paper {
            key: "k".into(),
            aliases: vec![],
            kind: "article".into(),
            title: "T".into(),
            title_html: "T".into(),
            authors: authors
                .iter()
                .map(|(g, f)| Author {
                    given: (*g).into(),
                    family: (*f).into(),
                })
                .collect(),
            more_authors: more,
            venue: None,
            date: Some(Date {
                year: 2022,
                month: 9,
                day: 0,
            }),
            doi: None,
            arxiv: None,
            url: Some("javascript:alert(1)".into()),
            pdf: None,
            code: None,
            abstract_html: None,
            keywords: vec![],
            bibtex: String::new(),
            file: PathBuf::new(),
            line: 1,
            at: None,
            span: 0..0,
            year_suffix: None,
        }
    }

    #[test]
    fn author_year_forms() {
        let s = strings(Lang::En);
        assert_eq!(
            short_citation(&paper(&[("Nelson", "Elhage")], false), &s),
            "Elhage, 2022"
        );
        assert_eq!(
            short_citation(&paper(&[("A", "One"), ("B", "Two")], false), &s),
            "One & Two, 2022"
        );
        assert_eq!(
            short_citation(&paper(&[("A", "One")], true), &s),
            "One et al., 2022"
        );
        assert_eq!(
            short_citation(&paper(&[("A", "One")], true), &strings(Lang::Ru)),
            "One и др., 2022"
        );
    }

    #[test]
    fn unsafe_urls_never_become_links() {
        let (item, _) = list_item(
            &paper(&[("A", "B")], false),
            &strings(Lang::En),
            Detail::Full { interactive: false },
            "ref",
            false,
        );
        assert!(!item.contains("javascript:"), "{item}");
        assert!(
            item.contains("<span class='paper-title'>T</span>"),
            "{item}"
        );
    }
}
