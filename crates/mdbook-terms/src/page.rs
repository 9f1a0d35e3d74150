//! The glossary page: entries sorted (Latin, then Cyrillic), a jump bar, aliases and
//! "Used in" backlinks. Term lines and definitions are copied verbatim from the source; only
//! the attribute blocks are left out.

use crate::glossary::{Entry, Glossary, slug};
use crate::inflect::fold;
use crate::link::Use;
use livingref_core::{Lang, html};
use std::fmt::Write as _;
use std::path::Path;

/// A chapter that uses terms, for backlinks.
pub(crate) struct Chapter<'a> {
    pub name: &'a str,
    /// Path relative to `src`.
    pub path: &'a Path,
    pub uses: &'a [Use],
    /// Heading id and text by section index (see [`crate::link::Linked::sections`]).
    pub sections: &'a [Option<(String, String)>],
}

/// For each entry, the chapters using it (in book order) and the sections they use it in;
/// grouped once, so the page costs one pass over all uses however large the glossary.
fn uses_by_entry(entries: usize, chapters: &[Chapter<'_>]) -> Vec<Vec<(usize, Vec<usize>)>> {
    let mut by_entry: Vec<Vec<(usize, Vec<usize>)>> = vec![Vec::new(); entries];
    for (c, chapter) in chapters.iter().enumerate() {
        for u in chapter.uses {
            let Some(list) = by_entry.get_mut(u.entry) else {
                continue;
            };
            if list.last().is_none_or(|(last, _)| *last != c) {
                list.push((c, Vec::new()));
            }
            let sections = &mut list.last_mut().expect("just pushed").1;
            if u.section > 0 && !sections.contains(&u.section) {
                sections.push(u.section);
            }
        }
    }
    by_entry
}

/// How the glossary page is written.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Style {
    pub lang: Lang,
    /// HTML output: anchors, a jump bar and `.html` links (other renderers get Markdown).
    pub html: bool,
    /// At most this many section links per chapter in a "Used in" list; the rest are
    /// counted ("+12 more"); 0 lists chapters only. A term used all over a long chapter would otherwise list every
    /// section, which nobody reads and which made the page the largest in the book.
    pub sections_per_chapter: usize,
}

/// The glossary chapter's new Markdown. `chapters` come in book order.
pub(crate) fn render(
    source: &str,
    glossary: &Glossary,
    here: &Path,
    chapters: &[Chapter<'_>],
    style: Style,
) -> String {
    let html_out = style.html;
    let mut order: Vec<usize> = (0..glossary.entries.len()).collect();
    order.sort_by_cached_key(|&i| sort_key(&glossary.entries[i].display));
    let mut out = String::with_capacity(source.len() * 2);
    out.push_str(&source[..glossary.lists.start]);
    let groups = group_by_letter(&order, glossary);
    let by_entry = uses_by_entry(glossary.entries.len(), chapters);
    if html_out {
        out.push_str("<nav class='terms-jump'>");
        for (letter, _) in &groups {
            let _ = write!(
                out,
                "<a href='#{}'>{}</a>",
                letter_id(letter),
                html::text(letter)
            );
        }
        out.push_str("</nav>\n\n");
    }
    for (letter, entries) in &groups {
        if html_out {
            let _ = writeln!(
                out,
                "<h2 class='terms-letter' id='{}'>{}</h2>\n",
                letter_id(letter),
                html::text(letter)
            );
        }
        for &i in entries {
            render_entry(
                &mut out,
                source,
                &glossary.entries[i],
                &by_entry[i],
                here,
                chapters,
                style,
            );
        }
    }
    out.push_str(&source[glossary.lists.end.min(source.len())..]);
    out
}

fn render_entry(
    out: &mut String,
    source: &str,
    entry: &Entry,
    uses: &[(usize, Vec<usize>)],
    here: &Path,
    chapters: &[Chapter<'_>],
    style: Style,
) {
    let title = source[entry.title.clone()].trim();
    // mdBook 0.5 gives each `<dt>` an id slugged from its text; add an anchor only when the
    // entry's id differs, so no id appears twice on the page.
    if style.html && entry.id != slug(&entry.display) {
        let _ = write!(out, "<span id='{}'></span>", html::attr(&entry.id));
    }
    let _ = writeln!(out, "{title}");
    let definition = source[entry.definition.clone()].trim_end();
    let _ = writeln!(out, "{definition}\n");
    if entry.aliases.is_empty() && uses.is_empty() {
        return;
    }
    // Other renderers get the same line as Markdown: emphasis for the labels, Markdown links.
    out.push_str(if style.html {
        "  <span class='terms-meta'>"
    } else {
        "  "
    });
    if !entry.aliases.is_empty() {
        let _ = write!(out, "{}: ", label(style.lang, Label::Aliases));
        for (n, alias) in entry.aliases.iter().enumerate() {
            if n > 0 {
                out.push_str("; ");
            }
            out.push_str(&html::text(alias));
        }
        if !uses.is_empty() {
            out.push_str(" · ");
        }
    }
    if !uses.is_empty() {
        let _ = write!(out, "{}: ", label(style.lang, Label::UsedIn));
        used_in(out, uses, here, chapters, style);
    }
    out.push_str(if style.html { "</span>\n\n" } else { "\n\n" });
}

/// A link in the "Used in" list: an `<a>` for the HTML renderer, Markdown for others.
fn link(out: &mut String, href: &str, text: &str, html_out: bool) {
    if html_out {
        let _ = write!(
            out,
            "<a href='{}'>{}</a>",
            html::attr(href),
            html::text(text)
        );
    } else {
        let _ = write!(
            out,
            "[{}]({})",
            html::text(text),
            html::markdown_destination(href)
        );
    }
}

/// The "Used in" list: each chapter, then up to [`Style::sections_per_chapter`] of its
/// sections in parentheses.
fn used_in(
    out: &mut String,
    uses: &[(usize, Vec<usize>)],
    here: &Path,
    chapters: &[Chapter<'_>],
    style: Style,
) {
    for (n, (c, sections)) in uses.iter().enumerate() {
        if n > 0 {
            out.push_str("; ");
        }
        let chapter = &chapters[*c];
        let href = html::chapter_href(here, chapter.path, style.html);
        link(out, &href, chapter.name, style.html);
        let named: Vec<&(String, String)> = sections
            .iter()
            .filter_map(|&s| chapter.sections.get(s).and_then(Option::as_ref))
            .collect();
        if named.is_empty() || style.sections_per_chapter == 0 {
            continue;
        }
        out.push_str(" (");
        let shown = named.len().min(style.sections_per_chapter);
        for (k, (id, text)) in named[..shown].iter().enumerate() {
            if k > 0 {
                out.push_str(", ");
            }
            link(
                out,
                &format!("{href}#{}", html::fragment(id)),
                text,
                style.html,
            );
        }
        if shown < named.len() {
            out.push_str(", ");
            out.push_str(&more(style.lang, named.len() - shown));
        }
        out.push(')');
    }
}

/// Latin letters first, then Cyrillic, then anything else; alphabetical within a script
/// (folding makes `ё` sort as `е`, as Russian dictionaries do).
fn sort_key(display: &str) -> (u8, String) {
    let folded = fold(display);
    let rank = match folded.chars().find(|c| c.is_alphanumeric()) {
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() || matches!(c, '\u{00C0}'..='\u{024F}') => 1,
        Some('\u{0400}'..='\u{04FF}') => 2,
        _ => 3,
    };
    (rank, folded)
}

fn group_by_letter(order: &[usize], glossary: &Glossary) -> Vec<(String, Vec<usize>)> {
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    for &i in order {
        let letter = fold(&glossary.entries[i].display)
            .chars()
            .find(|c| c.is_alphanumeric())
            .map_or_else(|| "#".to_owned(), |c| c.to_uppercase().collect());
        match groups.last_mut() {
            Some((l, v)) if *l == letter => v.push(i),
            _ => groups.push((letter, vec![i])),
        }
    }
    groups
}

fn letter_id(letter: &str) -> String {
    let mut id = String::from("terms-letter-");
    for c in letter.chars() {
        if c.is_alphanumeric() {
            id.extend(c.to_lowercase());
        } else {
            let _ = write!(id, "u{:x}", c as u32);
        }
    }
    id
}

enum Label {
    Aliases,
    UsedIn,
}

/// "+3 more" for sections left out of a "Used in" list.
fn more(lang: Lang, n: usize) -> String {
    match lang {
        Lang::En => format!("+{n} more"),
        Lang::Ru => format!("ещё {n}"),
    }
}

fn label(lang: Lang, label: Label) -> &'static str {
    match (lang, label) {
        (Lang::En, Label::Aliases) => "Also",
        (Lang::En, Label::UsedIn) => "Used in",
        (Lang::Ru, Label::Aliases) => "Также",
        (Lang::Ru, Label::UsedIn) => "Встречается в",
    }
}

/// Entries that no chapter uses, for the "used nowhere" warning.
pub(crate) fn unused(glossary: &Glossary, chapters: &[Chapter<'_>]) -> Vec<usize> {
    let mut used = vec![false; glossary.entries.len()];
    for u in chapters.iter().flat_map(|c| c.uses) {
        if let Some(flag) = used.get_mut(u.entry) {
            *flag = true;
        }
    }
    (0..used.len()).filter(|&i| !used[i]).collect()
}
