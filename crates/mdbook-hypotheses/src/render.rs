//! Cards and summary tables. Statements and notes are Markdown (the chapter author's), so
//! they stay Markdown; titles, tags and labels go into HTML and are escaped. Evidence is
//! written as `{{#cite …}}` for mdbook-papers (which runs next) to resolve.
//!
//! One rule keeps data inert wherever it lands: [`inert`](livingref_core::markdown::inert)
//! must judge exactly the text that is written. So text bound for one line (a table cell,
//! link text, a note, the card's head) has its white space collapsed *before* it is made
//! inert: collapsing afterwards could turn an indented code block, where a link is only text,
//! into a paragraph where it is a link (the fuzzer found that with a statement), and a blank
//! line left in a title would end the card's HTML block and let Markdown resume.

use crate::card::{Card, Stance};
use livingref_core::{Lang, html};
use std::fmt::Write as _;
use std::path::Path;

pub(crate) struct Labels {
    pub for_: &'static str,
    pub against: &'static str,
    pub mentioned: &'static str,
    pub tags: &'static str,
    pub part_of: &'static str,
    pub reviewed: &'static str,
    pub history: &'static str,
    pub no_match: &'static str,
    pub columns: [(&'static str, &'static str); 7],
}

pub(crate) fn labels(lang: Lang) -> Labels {
    match lang {
        Lang::En => Labels {
            for_: "For",
            against: "Against",
            mentioned: "Mentioned",
            tags: "Tags",
            part_of: "Part of",
            reviewed: "Last reviewed",
            history: "Status history",
            no_match: "No hypotheses match this selection.",
            columns: [
                ("title", "Hypothesis"),
                ("status", "Status"),
                ("statement", "Statement"),
                ("for", "For"),
                ("against", "Against"),
                ("chapter", "Chapter"),
                ("id", "Id"),
            ],
        },
        Lang::Ru => Labels {
            for_: "За",
            against: "Против",
            mentioned: "Упоминания",
            tags: "Теги",
            part_of: "Часть гипотезы",
            reviewed: "Проверено",
            history: "История статуса",
            no_match: "Нет гипотез, подходящих под выбор.",
            columns: [
                ("title", "Гипотеза"),
                ("status", "Статус"),
                ("statement", "Утверждение"),
                ("for", "За"),
                ("against", "Против"),
                ("chapter", "Глава"),
                ("id", "Id"),
            ],
        },
    }
}

/// A status's label: the four defaults are translated, custom ones shown as written.
pub(crate) fn status_label(status: &str, lang: Lang) -> String {
    match (lang, status) {
        (Lang::En, s) => s.to_owned(),
        (Lang::Ru, "supported") => "подтверждена".into(),
        (Lang::Ru, "contested") => "оспаривается".into(),
        (Lang::Ru, "open") => "открыта".into(),
        (Lang::Ru, "refuted") => "опровергнута".into(),
        (Lang::Ru, s) => s.to_owned(),
    }
}

fn badge(status: &str, lang: Lang, html_out: bool) -> String {
    if !html_out {
        return format!("*{}*", html::text(&one_line(&status_label(status, lang))));
    }
    format!(
        "<span class='hypothesis-status status-{}'>{}</span>",
        html::attr(status),
        html::text(&one_line(&status_label(status, lang)))
    )
}

/// The link from page `from` to page `to` as a Markdown link target (mdBook turns `.md`
/// into `.html`), percent-encoded.
pub(crate) fn relative(from: &Path, to: &Path) -> String {
    html::chapter_href(from, to, false)
}

/// The card that replaces a block. `parent` is the parent's card, if any.
/// `html_out`: the HTML renderer (a `<div>` card with its style); other renderers get the
/// same card as plain Markdown.
pub(crate) fn card(
    c: &Card,
    parent: Option<&Card>,
    lang: Lang,
    l: &Labels,
    html_out: bool,
) -> String {
    let mut out = if html_out {
        format!(
            "<div class='hypothesis' id='{}'>\n<div class='hypothesis-head'><span class='hypothesis-title'>{}</span> {}",
            html::attr(&c.id),
            html::text(&one_line(&c.title)),
            badge(&c.status, lang, true)
        )
    } else {
        format!(
            "**{}** · {}",
            html::text(&one_line(&c.title)),
            badge(&c.status, lang, false)
        )
    };
    if c.kind != "hypothesis" {
        if html_out {
            let _ = write!(
                out,
                " <span class='hypothesis-kind'>{}</span>",
                html::text(&one_line(&c.kind))
            );
        } else {
            let _ = write!(out, " · {}", html::text(&one_line(&c.kind)));
        }
    }
    out.push_str(if html_out { "</div>\n\n" } else { "\n\n" });
    let _ = writeln!(out, "{}\n", contained(&inert_md(c.statement.trim())));
    let mut lines = evidence_lines(c, l);
    let meta = meta(c, parent, lang, l, html_out);
    if !meta.is_empty() {
        lines.push(meta.join(" · "));
    }
    for line in lines {
        let _ = writeln!(out, "{line}\n");
    }
    if html_out {
        out.push_str("</div>\n");
    }
    out
}

/// One line per stance: the papers for, against and mentioned, each with its note.
fn evidence_lines(c: &Card, l: &Labels) -> Vec<String> {
    let mut lines = Vec::new();
    for (stance, label) in [
        (Stance::Supports, l.for_),
        (Stance::Contests, l.against),
        (Stance::Mentions, l.mentioned),
    ] {
        let items: Vec<String> = c
            .evidence
            .iter()
            .filter(|e| e.stance == stance)
            .map(|e| match &e.note {
                Some(note) => format!("{{{{#cite {}}}}} — {}", e.cite, inline_md(note)),
                None => format!("{{{{#cite {}}}}}", e.cite),
            })
            .collect();
        if !items.is_empty() {
            lines.push(format!("**{label}:** {}", items.join("; ")));
        }
    }
    lines
}

/// The card's tags, parent, last review and status history, each as `label: value`.
fn meta(c: &Card, parent: Option<&Card>, lang: Lang, l: &Labels, html_out: bool) -> Vec<String> {
    let mut meta = Vec::new();
    // Inline `<code>` rather than backticks: a tag of "`" or " " made an empty code span
    // that paired up with the next one.
    let tags: Vec<String> = c
        .tags
        .iter()
        .map(|t| one_line(t))
        .filter(|t| !t.is_empty())
        .map(|t| {
            if html_out {
                format!("<code>{}</code>", html::text(&t))
            } else {
                format!("`{}`", t.replace('`', "'"))
            }
        })
        .collect();
    if !tags.is_empty() {
        meta.push(format!("{}: {}", l.tags, tags.join(", ")));
    }
    if let Some(p) = parent {
        meta.push(format!(
            "{}: [{}]({}#{})",
            l.part_of,
            escape_link_text(&inline_md(&p.title)),
            relative(&c.chapter, &p.chapter),
            p.id
        ));
    }
    if let Some(day) = c.last_reviewed {
        meta.push(format!("{}: {day}", l.reviewed));
    }
    if !c.status_history.is_empty() {
        let changes: Vec<String> = c
            .status_history
            .iter()
            .map(|h| {
                let date = h.date.map(|d| format!("{d} ")).unwrap_or_default();
                let reason = h
                    .reason
                    .as_deref()
                    .map(|r| format!(" ({})", inline_md(r)))
                    .unwrap_or_default();
                format!(
                    "{date}{}{reason}",
                    inline_md(&status_label(&h.status, lang))
                )
            })
            .collect();
        meta.push(format!("{}: {}", l.history, changes.join(" → ")));
    }
    meta
}

/// Data written into Markdown: emphasis and safe links stay, raw HTML and `javascript:` links
/// are disarmed (cards and tables carry it to other pages).
fn inert_md(text: &str) -> String {
    livingref_core::markdown::inert(text, &livingref_core::markdown::ParseOptions::default())
        .into_owned()
}

/// A multi-line Markdown field closed off so it cannot reach past itself: a code fence it
/// leaves open would otherwise run over the rest of the card and the chapter.
fn contained(text: &str) -> String {
    match livingref_core::markdown::open_at_end(
        text,
        &livingref_core::markdown::ParseOptions::default(),
    ) {
        Some(open) => format!("{text}\n{}", open.closer),
        None => text.to_owned(),
    }
}

/// `text` with every run of white space (line breaks included) made one space, and trimmed.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Data for one line of Markdown, pasted mid-line: collapsed first, then made inert as the
/// middle of a line (see the module docs).
fn inline_md(text: &str) -> String {
    livingref_core::markdown::inert_inline(
        &one_line(text),
        &livingref_core::markdown::ParseOptions::default(),
    )
    .into_owned()
}

/// `text` made safe to put between a link's `[` and `]`: every bracket that is not already
/// escaped gets a backslash, and a trailing backslash is doubled so it cannot escape the `]`
/// that follows. (Escaping an escaped bracket again, as this once did, turned `\]` into
/// `\\]`: an escaped backslash and a bare `]` that closed the link early, so text after it
/// such as `(javascript:…)` became the link's destination. The fuzzer found it.)
fn escape_link_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut backslashes = 0usize;
    for c in text.chars() {
        if matches!(c, '[' | ']') && backslashes.is_multiple_of(2) {
            out.push('\\');
        }
        backslashes = if c == '\\' { backslashes + 1 } else { 0 };
        out.push(c);
    }
    if !backslashes.is_multiple_of(2) {
        out.push('\\');
    }
    out
}

/// A summary table over `cards` (already filtered and sorted) for a page at `here`.
pub(crate) fn table(
    cards: &[&Card],
    columns: &[String],
    here: &Path,
    lang: Lang,
    l: &Labels,
    html_out: bool,
) -> String {
    if cards.is_empty() {
        return if html_out {
            format!("<p class='hypotheses-none'>{}</p>\n", l.no_match)
        } else {
            format!("*{}*\n", l.no_match)
        };
    }
    let header: Vec<&str> = columns
        .iter()
        .map(|c| {
            l.columns
                .iter()
                .find(|(k, _)| k == c)
                .map_or(c.as_str(), |(_, label)| label)
        })
        .collect();
    let mut out = format!(
        "| {} |\n|{}\n",
        header.join(" | "),
        "---|".repeat(columns.len())
    );
    for c in cards {
        let cells: Vec<String> = columns
            .iter()
            .map(|col| match col.as_str() {
                "title" => format!(
                    "[{}]({}#{})",
                    cell(&escape_link_text(&inline_md(&c.title))),
                    relative(here, &c.chapter),
                    c.id
                ),
                "status" => badge(&c.status, lang, html_out),
                "statement" => cell(&inline_md(&c.statement)),
                "for" => evidence_cell(c, Stance::Supports),
                "against" => evidence_cell(c, Stance::Contests),
                "chapter" => format!(
                    "[{}]({})",
                    cell(&escape_link_text(&inline_md(&c.chapter_name))),
                    relative(here, &c.chapter)
                ),
                "id" => format!("`{}`", c.id),
                _ => String::new(),
            })
            .collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out
}

/// "2: {{#cite a, b}}", or "0".
fn evidence_cell(c: &Card, stance: Stance) -> String {
    let keys: Vec<&str> = c
        .evidence
        .iter()
        .filter(|e| e.stance == stance)
        .map(|e| e.cite.as_str())
        .collect();
    if keys.is_empty() {
        "0".to_owned()
    } else {
        format!("{}: {{{{#cite {}}}}}", keys.len(), keys.join(", "))
    }
}

/// Markdown fit for one table cell: one line, `|` escaped.
fn cell(text: &str) -> String {
    one_line(text).replace('|', "\\|")
}

/// The cards' style, once per page that shows cards or tables (HTML only).
pub(crate) const STYLE: &str = concat!(
    "<style>\n",
    include_str!("../assets/hypotheses.css"),
    "</style>\n"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_between_chapters() {
        assert_eq!(relative(Path::new("a.md"), Path::new("b/c.md")), "b/c.md");
        assert_eq!(relative(Path::new("x/y.md"), Path::new("a.md")), "../a.md");
        assert_eq!(relative(Path::new("a.md"), Path::new("a.md")), "");
    }

    #[test]
    fn link_text_escapes_each_bracket_once() {
        assert_eq!(escape_link_text("a [b] c"), "a \\[b\\] c");
        assert_eq!(escape_link_text("x\\]y"), "x\\]y", "already escaped");
        assert_eq!(
            escape_link_text("x\\\\]y"),
            "x\\\\\\]y",
            "an escaped backslash"
        );
        assert_eq!(escape_link_text("ends\\"), "ends\\\\");
    }

    #[test]
    fn cells_stay_on_one_line() {
        assert_eq!(cell("a |\n b"), "a \\| b");
    }
}
