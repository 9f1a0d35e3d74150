//! Linking one chapter: which uses of terms become links, and the edits that make them.

use crate::LinkMode;
use crate::glossary::{Entry, Glossary};
use crate::matcher::{Hit, Matcher};
use livingref_core::config::nearest;
use livingref_core::markdown::{Edit, ParseOptions, ScanOptions, Scanned, scan};
use livingref_core::span::LineIndex;
use livingref_core::{Diagnostic, Diagnostics, Location, html};
use std::collections::HashSet;
use std::ops::Range;
use std::path::Path;

/// Where links point and how they are written.
pub struct Target<'a> {
    /// The glossary chapter's path relative to `src` (`glossary.md`).
    pub glossary: &'a Path,
    /// HTML renderer: `<a class="term">` with previews; otherwise plain Markdown links.
    pub html: bool,
    pub mode: LinkMode,
    pub parse: ParseOptions,
}

/// A use of a term, for the glossary's "Used in" list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Use {
    pub entry: usize,
    /// Index into [`Linked::sections`].
    pub section: usize,
}

#[derive(Debug, Default)]
pub struct Linked {
    pub edits: Vec<Edit>,
    pub uses: Vec<Use>,
    /// Heading id and text of each section; index 0 (before the first heading) is `None`.
    pub sections: Vec<Option<(String, String)>>,
    /// Entries linked at least once (their definitions go into the page for previews).
    pub linked: Vec<usize>,
    /// What the chapter leaves open at its end, which the previews' definitions must close.
    pub open_at_end: Option<livingref_core::markdown::OpenAtEnd>,
}

/// Finds the terms in `content` (the chapter at `chapter`, relative to `src`; `file` names it
/// in diagnostics) and returns the edits that link them.
pub fn link_chapter(
    content: &str,
    chapter: &Path,
    file: &Path,
    glossary: &Glossary,
    matcher: &Matcher,
    target: &Target<'_>,
    diags: &mut Diagnostics,
) -> Linked {
    let scanned = scan(content, &target.parse, &ScanOptions::default());
    let sections = section_ids(&scanned);
    let off = switched_off(content, &scanned);
    let href = glossary_href(chapter, target.glossary, target.html);
    let mut out = Linked {
        open_at_end: scanned.open_at_end.clone(),
        ..Linked::default()
    };
    let mut hits: Vec<Hit> = Vec::new();
    let mut folded = String::new();
    for prose in &scanned.prose {
        if off
            .iter()
            .any(|r| r.start <= prose.range.start && prose.range.start < r.end)
        {
            continue;
        }
        let before = hits.len();
        matcher.find(content, prose.range.clone(), &mut folded, &mut hits);
        for hit in &hits[before..] {
            out.uses.push(Use {
                entry: hit.entry,
                section: prose.section,
            });
        }
    }
    let section_of = |offset: usize| {
        scanned
            .headings
            .iter()
            .take_while(|h| h.range.start <= offset)
            .count()
    };
    let open = open_declarations(content, &target.parse);
    let mut seen: HashSet<(usize, usize)> = HashSet::new();
    let mut linked: HashSet<usize> = HashSet::new();
    for hit in hits.iter().filter(|h| glossary.entries[h.entry].auto_link) {
        if open.iter().any(|r| r.contains(&hit.range.start)) {
            continue;
        }
        let key = match target.mode {
            LinkMode::FirstPerChapter => (hit.entry, 0),
            LinkMode::FirstPerSection => (hit.entry, section_of(hit.range.start)),
            LinkMode::All => (hit.entry, hit.range.start + 1),
        };
        if !seen.insert(key) {
            continue;
        }
        let entry = &glossary.entries[hit.entry];
        let (open, close) = link_markup(&href, entry, target.html);
        out.edits.push(Edit::insert(hit.range.start, open));
        out.edits.push(Edit::insert(hit.range.end, close));
        linked.insert(hit.entry);
    }
    explicit_links(
        content,
        &scanned,
        glossary,
        &href,
        target.html,
        file,
        &mut out,
        &mut linked,
        diags,
    );
    let mut linked: Vec<usize> = linked.into_iter().collect();
    linked.sort_unstable();
    out.linked = linked;
    out.sections = sections;
    out
}

/// `[text](term:id)`: always a link, and an error if `id` is not in the glossary.
#[allow(clippy::too_many_arguments)]
fn explicit_links(
    content: &str,
    scanned: &Scanned<'_>,
    glossary: &Glossary,
    href: &str,
    html: bool,
    file: &Path,
    out: &mut Linked,
    linked: &mut HashSet<usize>,
    diags: &mut Diagnostics,
) {
    let mut index = None;
    for link in &scanned.links {
        let Some(id) = link.dest.strip_prefix("term:") else {
            continue;
        };
        let source = &content[link.range.clone()];
        let Some(entry) = glossary.by_id(id) else {
            let index = index.get_or_insert_with(|| LineIndex::new(content));
            let ids: Vec<&str> = glossary.entries.iter().map(|e| e.id.as_str()).collect();
            let mut d = Diagnostic::error(format!("unknown glossary id `{id}` in `{source}`"))
                .at(Location::in_text(file, index, link.range.clone()));
            if let Some(near) = nearest(id, ids.iter()) {
                d = d.help(format!("did you mean `term:{near}`?"));
            }
            diags.push(d);
            continue;
        };
        let tail = format!("](term:{id})");
        let e = &glossary.entries[entry];
        if source.starts_with('[') && source.ends_with(&tail) {
            let (open, close) = link_markup(href, e, html);
            out.edits
                .push(Edit::replace(link.range.start..link.range.start + 1, open));
            out.edits.push(Edit::replace(
                link.range.end - tail.len()..link.range.end,
                close,
            ));
        } else if source.starts_with('<') && source.ends_with('>') {
            // `<term:id>`: an autolink with a scheme no browser knows; it becomes a link
            // showing the term.
            let (open, close) = link_markup(href, e, html);
            out.edits.push(Edit::replace(
                link.range.clone(),
                format!("{open}{}{close}", html::text(&e.display)),
            ));
        } else if source.starts_with('[') && source.ends_with(']') {
            // Reference style, `[text][r]` or `[text]` with `[r]: term:id` defined elsewhere:
            // the destination is not in the link, so the whole link is rewritten around its
            // text (the definition itself renders nothing).
            let text_end = source.rfind("][").unwrap_or(source.len() - 1);
            let (open, close) = link_markup(href, e, html);
            out.edits
                .push(Edit::replace(link.range.start..link.range.start + 1, open));
            out.edits.push(Edit::replace(
                link.range.start + text_end..link.range.end,
                close,
            ));
        } else if let Some(at) = source.rfind(&format!("term:{id}")) {
            let start = link.range.start + at;
            out.edits.push(Edit::replace(
                start..start + 5 + id.len(),
                format!("{href}#{id}"),
            ));
        }
        out.uses.push(Use { entry, section: 0 });
        linked.insert(entry);
    }
}

/// The markup around a linked term.
fn link_markup(href: &str, entry: &Entry, html: bool) -> (String, String) {
    if html {
        // `href` is a relative path we built; the rest is escaped once per entry.
        (
            format!(
                "<a class='term' href='{}{}",
                html::attr(href),
                entry.link_attrs
            ),
            "</a>".to_owned(),
        )
    } else {
        ("[".to_owned(), format!("]({href}#{})", entry.id))
    }
}

/// Relative URL of the glossary page from `chapter` (both relative to `src`).
pub fn glossary_href(chapter: &Path, glossary: &Path, html: bool) -> String {
    html::chapter_href(chapter, glossary, html)
}

/// Heading ids as mdBook's HTML renderer assigns them, with each heading's text, indexed by
/// section number (0 = before the first heading).
fn section_ids(scanned: &Scanned<'_>) -> Vec<Option<(String, String)>> {
    let ids = livingref_core::markdown::heading_ids(&scanned.headings);
    std::iter::once(None)
        .chain(
            ids.into_iter()
                .zip(&scanned.headings)
                .map(|(id, h)| Some((id, h.text.clone()))),
        )
        .collect()
}

/// Stretches where a link would turn text into raw HTML: after an HTML declaration opener
/// (`<!` and a letter) that the text never closes, the `>` of an inserted `<a …>` would close
/// it, and Markdown would then pass the words between, link included, as one raw declaration
/// that browsers hide. Each stretch runs to the end of its paragraph (the next blank line),
/// as far as inline HTML can reach. Found by fuzzing (`fuzz/corpus/terms`).
fn open_declarations(content: &str, parse: &ParseOptions) -> Vec<Range<usize>> {
    let opens_declaration =
        |i: usize| content[i + 2..].starts_with(|c: char| c.is_ascii_alphabetic());
    // Comments (`<!--`) are common and harmless; parse again only for a possible declaration.
    if !content
        .match_indices("<!")
        .any(|(i, _)| opens_declaration(i))
    {
        return Vec::new();
    }
    // Only a `<!` that Markdown itself reads as text is open. Our own protected regions are
    // no guide here: a directive or math span is text to Markdown.
    let texts: Vec<Range<usize>> = parse
        .parser(content)
        .into_offset_iter()
        .filter_map(|(event, range)| {
            matches!(
                event,
                livingref_core::markdown::pulldown_cmark::Event::Text(_)
            )
            .then_some(range)
        })
        .collect();
    let mut out = Vec::new();
    for (i, _) in content.match_indices("<!") {
        let literal = texts.iter().any(|r| r.contains(&i));
        if literal && opens_declaration(i) {
            out.push(i..paragraph_end(content, i));
        }
    }
    out
}

/// The start of the first blank line after `from`, or the end of the text.
fn paragraph_end(content: &str, from: usize) -> usize {
    let mut at = from;
    for line in content[from..].split_inclusive('\n') {
        if at > from && line.trim().is_empty() {
            return at;
        }
        at += line.len();
    }
    content.len()
}

/// Byte ranges between `<!-- terms:off -->` and `<!-- terms:on -->` (or the end).
fn switched_off(content: &str, scanned: &Scanned<'_>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut off_from = None;
    for r in &scanned.html_comments {
        let body = content[r.clone()]
            .trim()
            .trim_start_matches("<!--")
            .trim_end_matches("-->")
            .trim();
        match body {
            "terms:off" if off_from.is_none() => off_from = Some(r.end),
            "terms:on" => out.extend(off_from.take().map(|from| from..r.start)),
            _ => {}
        }
    }
    out.extend(off_from.map(|from| from..content.len()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_declarations_reach_to_the_end_of_the_paragraph() {
        let text = "a <!x b c\nd e\n\nf <!-- g --> h `<!y`\n";
        let stretches = |text: &str| open_declarations(text, &ParseOptions::default());
        assert_eq!(
            stretches(text),
            vec![(2, 14)]
                .into_iter()
                .map(|(a, b)| a..b)
                .collect::<Vec<_>>()
        );
        assert_eq!(
            stretches("x {{#cite a<!b}} y\n"),
            vec![(11, 19)]
                .into_iter()
                .map(|(a, b)| a..b)
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn hrefs_are_relative_to_the_chapter() {
        assert_eq!(
            glossary_href(Path::new("intro.md"), Path::new("glossary.md"), true),
            "glossary.html"
        );
        assert_eq!(
            glossary_href(Path::new("a/b/deep.md"), Path::new("glossary.md"), true),
            "../../glossary.html"
        );
        assert_eq!(
            glossary_href(Path::new("a/x.md"), Path::new("ref/glossary.md"), false),
            "../ref/glossary.md"
        );
    }
}
