//! One chapter: citations, directives, an injected recent-papers section, references.

use crate::cite::{self, Citation};
use crate::render::{self, Detail, Strings};
use crate::{CitationStyle, References, Settings};
use livingref_bib::Bibliography;
use livingref_bib::parse_window;
use livingref_bib::{Date, Paper};
use livingref_core::config::did_you_mean;
use livingref_core::markdown::{Directive, Edit, ParseOptions, ScanOptions, Scanned, scan};
use livingref_core::pipeline::{Append, Edits};
use livingref_core::span::LineIndex;
use livingref_core::span::in_sorted;
use livingref_core::{Diagnostic, Diagnostics, Location, html};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::ops::Range;
use std::path::Path;
use std::sync::OnceLock;

pub struct Context<'a> {
    pub bib: &'a Bibliography,
    pub settings: &'a Settings,
    pub strings: Strings,
    pub today: Date,
    /// HTML renderer: add copy buttons and their script.
    pub html: bool,
    pub parse: ParseOptions,
    pub rendered: Rendered,
    /// "Did you mean" for unknown citation keys.
    pub suggest: livingref_core::config::Suggestions<'a>,
    /// For each paper (by index) that a bibliography page lists: that page's URL from the
    /// book root. Compact references link there (see [`full_entries`]).
    pub full_entries: HashMap<usize, String>,
}

/// Each paper's HTML, rendered the first time a page needs it and reused after. A paper is
/// cited in many chapters, so it sits in many reference lists and many citation previews;
/// rendering it afresh for each was most of what a chapter cost. `OnceLock` because chapters
/// are processed on every core at once.
pub struct Rendered {
    /// `<li>` with the `ref-` anchor (reference lists and the bibliography page).
    reference: Vec<OnceLock<String>>,
    /// The compact `<li>` of a reference list, with the offset where the page's root goes.
    compact: Vec<OnceLock<(String, usize)>>,
    /// `<li>` with the `recent-` anchor (recent-papers sections).
    recent: Vec<OnceLock<String>>,
    /// A citation link's attributes: `href="#ref-…" title="…"`.
    cite: Vec<OnceLock<String>>,
}

impl Rendered {
    pub fn new(bib: &Bibliography) -> Self {
        fn slots<T>(bib: &Bibliography) -> Vec<OnceLock<T>> {
            (0..bib.papers.len()).map(|_| OnceLock::new()).collect()
        }
        Rendered {
            reference: slots(bib),
            compact: slots(bib),
            recent: slots(bib),
            cite: slots(bib),
        }
    }
}

/// Which list a paper is in, which decides its anchor and how much it shows.
#[derive(Clone, Copy)]
enum List<'p> {
    /// A chapter's references; `page` is the chapter's URL and `root` leads back to the book
    /// root from it, for links to the bibliography page.
    References {
        page: &'p str,
        root: &'p str,
    },
    Bibliography,
    /// The `nth` recent-papers section of its page (from 0): the first one's items are
    /// rendered once per run and shared, later ones get ids of their own (`recent2-…`), so a
    /// paper in two sections of one page has no id twice.
    Recent {
        nth: usize,
    },
}

impl Context<'_> {
    /// An `<ol>` of `papers`, each item from [`Rendered`]; a Markdown list for renderers
    /// other than HTML.
    fn list(&self, papers: &[&Paper], class: &str, list: List<'_>) -> String {
        if !self.html {
            let mut out = String::new();
            for (n, paper) in papers.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "{}. {}",
                    n + 1,
                    render::markdown_item(paper, &self.strings, self.forthcoming(paper))
                );
            }
            return out;
        }
        let mut out = format!("<ol class='{class}'>");
        // Copy buttons need the HTML renderer's script.
        let full = Detail::Full {
            interactive: self.html,
        };
        for paper in papers {
            let index = self.bib.index_of(&paper.key);
            let full_entry = match list {
                List::References { page, .. }
                    if self.settings.references == References::Compact =>
                {
                    index
                        .and_then(|i| self.full_entries.get(&i))
                        .filter(|entry_page| entry_page.as_str() != page)
                }
                _ => None,
            };
            match (list, full_entry) {
                (List::References { root, .. }, Some(entry_page)) => {
                    let render = || {
                        render::list_item(
                            paper,
                            &self.strings,
                            Detail::Compact { page: entry_page },
                            "ref",
                            self.forthcoming(paper),
                        )
                    };
                    let owned;
                    let (item, root_at) = match index.and_then(|i| self.rendered.compact.get(i)) {
                        Some(slot) => slot.get_or_init(render),
                        None => {
                            owned = render();
                            &owned
                        }
                    };
                    out.push_str(&item[..*root_at]);
                    out.push_str(root);
                    out.push_str(&item[*root_at..]);
                }
                (List::Recent { nth: 0 }, _) => {
                    out.push_str(&self.cached(&self.rendered.recent, index, paper, "recent", full))
                }
                (List::Recent { nth }, _) => {
                    let prefix = format!("recent{}", nth + 1);
                    out.push_str(
                        &render::list_item(
                            paper,
                            &self.strings,
                            full,
                            &prefix,
                            self.forthcoming(paper),
                        )
                        .0,
                    );
                }
                (List::References { .. } | List::Bibliography, _) => {
                    out.push_str(&self.cached(&self.rendered.reference, index, paper, "ref", full))
                }
            }
        }
        out.push_str("</ol>\n");
        out
    }

    /// Dated after "today": listed, newest first as any paper, and marked as such.
    fn forthcoming(&self, paper: &Paper) -> bool {
        paper.date.is_some_and(|d| d > self.today)
    }

    /// A full list item from `slots`, rendered on first use.
    fn cached<'s>(
        &'s self,
        slots: &'s [OnceLock<String>],
        index: Option<usize>,
        paper: &Paper,
        prefix: &str,
        detail: Detail<'_>,
    ) -> Cow<'s, str> {
        let render = || {
            render::list_item(
                paper,
                &self.strings,
                detail,
                prefix,
                self.forthcoming(paper),
            )
            .0
        };
        match index.and_then(|i| slots.get(i)) {
            Some(slot) => Cow::Borrowed(slot.get_or_init(render)),
            None => Cow::Owned(render()),
        }
    }

    /// `href="#ref-…" title="…"` for a citation of `paper`, from [`Rendered`].
    fn cite_attributes(&self, paper: &Paper) -> Cow<'_, str> {
        let render = || {
            format!(
                "href='#{}' title='{}'",
                html::attr(&html::fragment(&render::anchor("ref", &paper.key))),
                html::attr(&render::plain_reference(paper, &self.strings))
            )
        };
        match self
            .bib
            .index_of(&paper.key)
            .and_then(|i| self.rendered.cite.get(i))
        {
            Some(slot) => Cow::Borrowed(slot.get_or_init(render)),
            None => Cow::Owned(render()),
        }
    }
}

const RECENT_KEYS: &[&str] = &["tags", "limit", "since", "window", "title"];
const BIBLIOGRAPHY_KEYS: &[&str] = &["sort", "tags"];
/// The orders `{{#bibliography sort=…}}` knows: newest first (the default), or by author.
const SORTS: &[&str] = &["year", "author"];

/// The edits to one chapter, and the keys it cites. `page` is the chapter's path relative to
/// `src`; `topic` holds the tags of a `[preprocessor.papers.topics]` glob matching it.
pub fn process(
    content: &str,
    page: &Path,
    topic: Option<&[String]>,
    file: &Path,
    cx: &Context<'_>,
    diags: &mut Diagnostics,
) -> Edits<HashSet<String>> {
    let scanned = scan(content, &cx.parse, &ScanOptions::default());
    let mut index: Option<LineIndex<'_>> = None;
    let mut at = |range: Range<usize>| {
        Location::in_text(
            file,
            index.get_or_insert_with(|| LineIndex::new(content)),
            range,
        )
    };
    let mut placed = directives(content, &scanned, cx, &mut at, diags);
    let (order, cited) = citations(content, &scanned, cx, &mut at, diags, &mut placed.edits);
    let tail = tail(topic, &order, page, &placed, cx);
    Edits {
        edits: placed.edits,
        append: (!tail.is_empty()).then(|| Append {
            text: tail,
            what: "the papers section",
            open_at_end: scanned.open_at_end.clone(),
        }),
        facts: cited,
    }
}

/// What the directives of a chapter became.
#[derive(Default)]
struct Placed {
    edits: Vec<Edit>,
    has_recent: bool,
    has_bibliography: bool,
}

/// `{{#recent-papers}}` and `{{#bibliography}}` replaced by their lists; a misspelt papers
/// directive reported and left as written.
fn directives(
    content: &str,
    scanned: &Scanned<'_>,
    cx: &Context<'_>,
    at: &mut impl FnMut(Range<usize>) -> Location,
    diags: &mut Diagnostics,
) -> Placed {
    let mut placed = Placed::default();
    let mut recent_sections = 0;
    for parsed in &scanned.directives {
        if let Ok(d) = parsed
            && matches!(d.name, "recent-papers" | "bibliography")
            && let Some(why) = livingref_core::markdown::misplaced_block(content, scanned, &d.range)
        {
            diags.push(
                livingref_core::markdown::misplaced_block_warning(d.name, why)
                    .at(at(d.range.clone())),
            );
            continue;
        }
        match parsed {
            Ok(d) if d.name == "recent-papers" => {
                placed.has_recent = true;
                check_keys(d, RECENT_KEYS, at, diags);
                let section = recent(d, recent_sections, cx, at, diags);
                recent_sections += 1;
                placed.edits.push(Edit::replace(d.range.clone(), section));
            }
            Ok(d) if d.name == "bibliography" => {
                placed.has_bibliography = true;
                check_keys(d, BIBLIOGRAPHY_KEYS, at, diags);
                if let Some(sort) = d.get("sort").filter(|a| !SORTS.contains(&a.value.as_ref())) {
                    diags.push(
                        Diagnostic::warning(format!(
                            "`sort={}` is not an order `{{{{#bibliography}}}}` knows; entries stay newest first",
                            sort.value
                        ))
                        .at(at(sort.range.clone()))
                        .help(did_you_mean(&sort.value, SORTS, "orders")),
                    );
                }
                placed
                    .edits
                    .push(Edit::replace(d.range.clone(), bibliography(d, cx)));
            }
            Ok(_) => {}
            Err(e) => {
                let written = &content[e.range.start..];
                if ["{{#cite", "{{#recent-papers", "{{#bibliography"]
                    .iter()
                    .any(|p| written.starts_with(p))
                {
                    diags.push(
                        Diagnostic::warning(format!(
                            "{}; the directive is left as written",
                            e.message
                        ))
                        .at(at(e.range.clone()))
                        .help(e.help.clone()),
                    );
                }
            }
        }
    }
    placed
}

/// Every citation replaced (edits go to `edits`); the papers cited, in order of first use
/// (which numbers them in the numeric style), and their keys.
fn citations<'b>(
    content: &str,
    scanned: &Scanned<'_>,
    cx: &Context<'b>,
    at: &mut impl FnMut(Range<usize>) -> Location,
    diags: &mut Diagnostics,
    edits: &mut Vec<Edit>,
) -> (Vec<&'b Paper>, HashSet<String>) {
    let mut order: Vec<&Paper> = Vec::new();
    let mut cited = HashSet::new();
    // Each cited key's number (1-based), so a chapter citing hundreds of papers needs no scan
    // of `order` per citation.
    let mut numbers: HashMap<&str, usize> = HashMap::new();
    let known = |key: &str| cx.bib.get(key).is_some();
    for citation in &cite::find(content, scanned, &known) {
        for item in &citation.items {
            match cx.bib.get(&item.key) {
                Some(paper) => {
                    if !numbers.contains_key(paper.key.as_str()) {
                        cited.insert(paper.key.clone());
                        order.push(paper);
                        numbers.insert(&paper.key, order.len());
                    }
                }
                None => {
                    let help = cx.suggest.help(
                        &item.key,
                        "add the entry to a file listed in `bibliography`, or fix the key",
                    );
                    diags.push(
                        Diagnostic::warning(format!(
                            "citation key `{}` is not in the bibliography",
                            item.key
                        ))
                        .at(at(citation.range.clone()))
                        .help(help),
                    );
                }
            }
        }
        edits.push(Edit::replace(
            citation.range.clone(),
            render_citation(
                citation,
                &numbers,
                cx,
                !in_sorted(&scanned.anchorless, citation.range.start),
            ),
        ));
    }
    (order, cited)
}

/// What goes at the end of the chapter: the topic's recent papers (unless a directive placed
/// them), the references of what it cites (unless it lists the bibliography), and the
/// assets those lists need.
fn tail(
    topic: Option<&[String]>,
    order: &[&Paper],
    page: &Path,
    placed: &Placed,
    cx: &Context<'_>,
) -> String {
    let mut tail = String::new();
    let mut lists = placed.has_recent || placed.has_bibliography;
    if let Some(tags) = topic.filter(|_| !placed.has_recent) {
        lists = true;
        tail.push_str(&recent_section(tags, cx.settings.recent_limit, None, None, None, 0, cx).0);
    }
    if !order.is_empty() && !placed.has_bibliography {
        lists = true;
        let mut refs = order.to_vec();
        if cx.settings.citation_style == CitationStyle::AuthorYear {
            refs.sort_by_cached_key(|p| (sort_author(p), p.date));
        }
        let _ = write!(
            tail,
            "\n\n## {}\n\n{}",
            cx.strings.references,
            cx.list(
                &refs,
                "papers-references",
                List::References {
                    page: &html::page_url(page, cx.html),
                    root: &html::page_root(page),
                }
            )
        );
    }
    if lists && cx.html {
        tail.push('\n');
        tail.push_str(&render::ASSETS);
    }
    tail
}

fn sort_author(p: &Paper) -> String {
    p.authors
        .first()
        .map_or_else(|| p.title.to_lowercase(), |a| a.family.to_lowercase())
}

fn check_keys(
    d: &Directive<'_>,
    known: &[&str],
    at: &mut impl FnMut(Range<usize>) -> Location,
    diags: &mut Diagnostics,
) {
    for arg in &d.args {
        if let Some(key) = arg.key
            && !known.contains(&key)
        {
            let diag = Diagnostic::warning(format!(
                "unknown option `{key}` in `{{{{#{}}}}}` is ignored",
                d.name
            ))
            .at(at(arg.range.clone()));
            diags.push(diag.help(did_you_mean(key, known, "options")));
        }
    }
}

/// `{{#recent-papers tags="a, b" limit=N since=YYYY[-MM] window="24 months" title="…"}}`.
fn recent(
    d: &Directive<'_>,
    nth: usize,
    cx: &Context<'_>,
    at: &mut impl FnMut(Range<usize>) -> Location,
    diags: &mut Diagnostics,
) -> String {
    let tags: Vec<String> = d.list("tags").iter().map(|t| t.to_lowercase()).collect();
    let limit = option(
        d,
        "limit",
        "a number of papers, at least 1",
        "limit=5",
        |v| v.parse().ok().filter(|&n: &usize| n > 0),
        at,
        diags,
    )
    .unwrap_or(cx.settings.recent_limit);
    let title = d.get("title").filter(|a| {
        let blank = a.value.trim().is_empty();
        if blank {
            diags.push(
                Diagnostic::warning(
                    "`title=\"\"` would make an empty heading; the default title is used",
                )
                .at(at(a.range.clone()))
                .help("write a title, or leave the option out"),
            );
        }
        !blank
    });
    let since = option(
        d,
        "since",
        "a date",
        "since=2024 or since=2024-05",
        Date::parse_day,
        at,
        diags,
    );
    let window = option(
        d,
        "window",
        "a duration",
        "window=\"24 months\" or window=\"2 years\"",
        parse_window,
        at,
        diags,
    );
    let (section, listed) = recent_section(
        &tags,
        limit,
        since,
        window,
        title.map(|a| a.value.as_ref()),
        nth,
        cx,
    );
    if listed == 0 {
        diags.push(
            Diagnostic::warning("no paper matches this recent-papers section")
                .at(at(d.range.clone()))
                .help("check the tags against the `keywords` of your BibTeX entries"),
        );
    }
    section
}

/// The value of directive option `key`, parsed; a value that does not parse is a warning
/// (saying it is not `what`, with an `example`) and counts as absent.
fn option<T>(
    d: &Directive<'_>,
    key: &str,
    what: &str,
    example: &str,
    parse: impl Fn(&str) -> Option<T>,
    at: &mut impl FnMut(Range<usize>) -> Location,
    diags: &mut Diagnostics,
) -> Option<T> {
    let arg = d.get(key)?;
    let parsed = parse(&arg.value);
    if parsed.is_none() {
        diags.push(
            Diagnostic::warning(format!("`{key}={}` is not {what}", arg.value))
                .at(at(arg.range.clone()))
                .help(format!("write e.g. {example}")),
        );
    }
    parsed
}

/// A recent-papers section, and how many papers it lists: the caller warns when it lists
/// none, which it once decided by looking for a class in the generated HTML (and so never
/// for renderers that get Markdown).
#[allow(clippy::too_many_arguments)]
pub fn recent_section(
    tags: &[String],
    limit: usize,
    since: Option<Date>,
    window: Option<i64>,
    title: Option<&str>,
    nth: usize,
    cx: &Context<'_>,
) -> (String, usize) {
    let papers: Vec<&Paper> = cx
        .bib
        .newest_first()
        .filter(|p| tags.is_empty() || p.keywords.iter().any(|k| tags.contains(k)))
        .filter(|p| {
            // A date of a year alone is within that year: `since=2024` keeps it.
            since.is_none_or(|s| {
                p.date.is_some_and(|d| {
                    d.year > s.year || (d.year == s.year && (d.month == 0 || d.month >= s.month))
                })
            })
        })
        .filter(|p| {
            window.is_none_or(|w| p.date.is_some_and(|d| cx.today.months() - d.months() <= w))
        })
        .take(limit)
        .collect();
    let title = title.map_or(cx.strings.recent, str::trim);
    let body = if papers.is_empty() && !cx.html {
        format!("*{}*\n", cx.strings.no_match)
    } else if papers.is_empty() {
        format!("<p class='papers-none'>{}</p>\n", cx.strings.no_match)
    } else {
        cx.list(&papers, "papers-recent", List::Recent { nth })
    };
    let section = format!("\n\n## {}\n\n{body}", html::text(&title.replace('\n', " ")));
    (section, papers.len())
}

/// The papers a `{{#bibliography}}` directive lists, newest first.
fn bibliography_papers<'b>(d: &Directive<'_>, bib: &'b Bibliography) -> Vec<&'b Paper> {
    let tags: Vec<String> = d.list("tags").iter().map(|t| t.to_lowercase()).collect();
    bib.newest_first()
        .filter(|p| tags.is_empty() || p.keywords.iter().any(|k| tags.contains(k)))
        .collect()
}

/// Where each paper's full entry is: the first page, in reading order, whose
/// `{{#bibliography}}` lists it (its URL from the book root). `chapters` are (path relative to
/// `src`, content). Only chapters that mention the directive are parsed.
pub fn full_entries<'c>(
    chapters: impl Iterator<Item = (&'c Path, &'c str)>,
    bib: &Bibliography,
    parse: &ParseOptions,
    html: bool,
) -> HashMap<usize, String> {
    let mut out = HashMap::new();
    for (page, content) in chapters {
        if !content.contains("{{#bibliography") {
            continue;
        }
        let url = html::page_url(page, html);
        let scanned = scan(content, parse, &ScanOptions::default());
        for d in scanned.directives.iter().flatten().filter(|d| {
            d.name == "bibliography"
                && livingref_core::markdown::misplaced_block(content, &scanned, &d.range).is_none()
        }) {
            for paper in bibliography_papers(d, bib) {
                if let Some(i) = bib.index_of(&paper.key) {
                    out.entry(i).or_insert_with(|| url.clone());
                }
            }
        }
    }
    out
}

/// `{{#bibliography}}`: every entry, by year (newest first) or `sort=author`.
fn bibliography(d: &Directive<'_>, cx: &Context<'_>) -> String {
    // `newest` is already newest first, so the default order needs no sort.
    let mut papers = bibliography_papers(d, cx.bib);
    if d.get("sort").is_some_and(|a| a.value == "author") {
        // Stable, so equal authors stay newest first.
        papers.sort_by_cached_key(|p| sort_author(p));
        return cx.list(&papers, "papers-bibliography", List::Bibliography);
    }
    let mut out = String::new();
    let mut start = 0;
    while start < papers.len() {
        let year = papers[start].year();
        let end = papers[start..]
            .iter()
            .position(|p| p.year() != year)
            .map_or(papers.len(), |n| start + n);
        let heading = year.map_or_else(|| cx.strings.undated.to_owned(), |y| y.to_string());
        let _ = write!(
            out,
            "\n\n### {heading}\n\n{}",
            cx.list(
                &papers[start..end],
                "papers-bibliography",
                List::Bibliography
            )
        );
        start = end;
    }
    out
}

/// A citation's text; `linked` is false where a link would nest in another (a heading, a
/// definition-list term, link text) or show as raw HTML (image alt text): the label is
/// then plain text, still pointing at the References list by its words.
fn render_citation(
    citation: &Citation,
    numbers: &HashMap<&str, usize>,
    cx: &Context<'_>,
    linked: bool,
) -> String {
    let numeric = cx.settings.citation_style == CitationStyle::Numeric;
    let parts: Vec<String> = citation
        .items
        .iter()
        .map(|item| {
            let Some(paper) = cx.bib.get(&item.key) else {
                if !linked || !cx.html {
                    return format!("?{}", html::text(&item.key));
                }
                return format!(
                    "<span class='cite-missing'>?{}</span>",
                    html::text(&item.key)
                );
            };
            let (label, locator) = cite_label(citation, item, paper, numbers, cx);
            let mut out = String::new();
            if !item.prefix.is_empty() {
                let _ = write!(out, "{} ", html::text(&item.prefix));
            }
            if linked && !cx.html {
                // Other renderers: a Markdown link to the paper itself, where there is one.
                match paper.link() {
                    Some(url) => {
                        let _ = write!(
                            out,
                            "[{}]({})",
                            html::text(&label),
                            html::markdown_destination(&url)
                        );
                    }
                    None => out.push_str(&html::text(&label)),
                }
            } else if linked {
                let _ = write!(
                    out,
                    "<a class='cite' {}>{}</a>",
                    cx.cite_attributes(paper),
                    html::text(&label)
                );
            } else {
                out.push_str(&html::text(&label));
            }
            out.push_str(&html::text(&locator));
            out
        })
        .collect();
    if citation.narrative {
        return parts.concat();
    }
    // Brackets and parentheses as references: a literal `[1]` pairs with what the author
    // wrote next (`{{#cite k}}(Fig. 2)` became a link, `{{#cite k}}: https://…` at the start
    // of a line a link reference definition that vanished).
    if numeric {
        format!("&#91;{}&#93;", parts.join(", "))
    } else {
        format!("&#40;{}&#41;", parts.join("; "))
    }
}

/// What one cited item reads: the link text, and the locator that follows it outside the
/// link (inside it for a narrative citation, `Doe (2020, p. 3)`).
fn cite_label(
    citation: &Citation,
    item: &cite::Item,
    paper: &Paper,
    numbers: &HashMap<&str, usize>,
    cx: &Context<'_>,
) -> (String, String) {
    let numeric = cx.settings.citation_style == CitationStyle::Numeric;
    let number = || {
        numbers
            .get(paper.key.as_str())
            .copied()
            .unwrap_or(1)
            .to_string()
    };
    let (who, year) = (
        render::cite_who(paper, &cx.strings),
        render::cite_year(paper, &cx.strings),
    );
    let locator = if item.locator.is_empty() {
        String::new()
    } else {
        format!(", {}", item.locator)
    };
    // A narrative citation is the whole link (`Doe (2020)`); its locator is inside.
    let label = match (citation.narrative, numeric) {
        (true, true) => format!("{who} [{}{locator}]", number()),
        (true, false) => format!("{who} ({year}{locator})"),
        (false, true) => number(),
        (false, false) if item.suppress_author => year,
        (false, false) => format!("{who}, {year}"),
    };
    let locator = if citation.narrative {
        String::new()
    } else {
        locator
    };
    (label, locator)
}
