//! The glossary chapter: a Markdown definition list, read into entries.
//!
//! ```markdown
//! Sparse autoencoder (SAE) {#sae aliases="sparse dictionary; разреженный автоэнкодер"}
//! : A dictionary-learning model …
//! ```
//!
//! A trailing `(ABBR)` is an alias matched case-sensitively. The optional attribute block sets
//! `#id` (default: the term as mdBook would slug a heading), `aliases="a; b"`,
//! `case=sensitive|insensitive`, `stem=on|off` and `link=off`.

use crate::inflect::{MatchOptions, fold};
use livingref_core::config::did_you_mean;
use livingref_core::markdown::ParseOptions;
use livingref_core::markdown::pulldown_cmark::{self, Event, Tag, TagEnd};
use livingref_core::span::LineIndex;
use livingref_core::{Diagnostic, Diagnostics, Location, html};
use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

/// One spelling that links to an entry: the term itself, its abbreviation, or an alias.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    pub text: String,
    pub opts: MatchOptions,
    /// Where it is written in the glossary, for diagnostics.
    pub range: Range<usize>,
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub id: String,
    /// The term as shown: the title line without its attribute block.
    pub display: String,
    pub forms: Vec<Form>,
    pub aliases: Vec<String>,
    /// `link=off`: only explicit `[text](term:id)` links reach it.
    pub auto_link: bool,
    /// The title line (without attribute block) and the definition, as byte ranges.
    pub title: Range<usize>,
    pub definition: Range<usize>,
    /// The definition rendered to HTML (for previews) and to plain text (for `title=`).
    pub definition_html: String,
    pub definition_text: String,
    /// ` title="…" data-term="…">`: the escaped tail of every HTML link to this entry,
    /// computed once rather than per use.
    pub link_attrs: String,
}

#[derive(Debug, Clone, Default)]
pub struct Glossary {
    pub entries: Vec<Entry>,
    /// Where the first definition list starts and the last one ends.
    pub lists: Range<usize>,
}

impl Glossary {
    pub fn by_id(&self, id: &str) -> Option<usize> {
        self.entries.iter().position(|e| e.id == id)
    }
}

/// Reads the entries of `text`, the glossary chapter at `page` (relative to `src`; `file`
/// names it in diagnostics). Problems go to `diags`.
pub fn parse(
    text: &str,
    page: &Path,
    file: &Path,
    opts: &ParseOptions,
    diags: &mut Diagnostics,
) -> Glossary {
    let index = LineIndex::new(text);
    let at = |range: Range<usize>| Location::in_text(file, &index, range);
    let mut glossary = Glossary {
        entries: Vec::new(),
        lists: text.len()..text.len(),
    };
    let events: Vec<(Event<'_>, Range<usize>)> = opts.parser(text).into_offset_iter().collect();
    let mut i = 0;
    while i < events.len() {
        match &events[i].0 {
            Event::Start(Tag::DefinitionList) => {
                let list = &events[i].1;
                glossary.lists = match glossary.entries.is_empty()
                    && glossary.lists.start == text.len()
                {
                    true => list.clone(),
                    false => glossary.lists.start.min(list.start)..glossary.lists.end.max(list.end),
                };
            }
            Event::Start(Tag::DefinitionListTitle) => {
                let title = events[i].1.clone();
                // Skip to the definition that follows.
                let Some(def_start) = events[i..]
                    .iter()
                    .position(|(e, _)| matches!(e, Event::Start(Tag::DefinitionListDefinition)))
                else {
                    i += 1;
                    continue;
                };
                let def_start = i + def_start;
                let def_end = events[def_start..]
                    .iter()
                    .position(|(e, _)| matches!(e, Event::End(TagEnd::DefinitionListDefinition)))
                    .map_or(events.len() - 1, |n| def_start + n);
                let body = &events[def_start + 1..def_end];
                if let Some(entry) = read_entry(
                    text,
                    page,
                    title,
                    events[def_start].1.clone(),
                    body,
                    &at,
                    diags,
                ) {
                    glossary.entries.push(entry);
                }
                i = def_end;
            }
            _ => {}
        }
        i += 1;
    }
    check_duplicates(&glossary, &at, diags);
    glossary
}

fn read_entry(
    text: &str,
    page: &Path,
    title: Range<usize>,
    definition: Range<usize>,
    body: &[(Event<'_>, Range<usize>)],
    at: &impl Fn(Range<usize>) -> Location,
    diags: &mut Diagnostics,
) -> Option<Entry> {
    let line = text[title.clone()].trim_end();
    let (head, attrs) = split_attributes(line);
    let head_range = title.start..title.start + head.len();
    let attrs = match attrs {
        Some(Ok(body)) => parse_attributes(body, title.start + head.len(), at, diags)?,
        Some(Err(())) => {
            diags.push(
                Diagnostic::error("unterminated attribute block in a glossary term")
                    .at(at(title.start + head.len()..title.start + line.len()))
                    .help("close it with `}`, e.g. `Term {#id aliases=\"a; b\"}`"),
            );
            return None;
        }
        None => Attributes::default(),
    };
    let display = head.trim().to_owned();
    if display.is_empty() {
        diags.push(Diagnostic::error("glossary entry without a term").at(at(title.clone())));
        return None;
    }
    let (term, abbr) = split_abbreviation(&display);
    let forms = term_forms(term, abbr, &attrs, &head_range);
    let definition_html = preview_html(body, page);
    let definition_text = plain_text(body);
    let id = attrs.id.unwrap_or_else(|| slug(term));
    let title = match definition_text.char_indices().nth(300) {
        Some((at, _)) => format!("{}…", &definition_text[..at]),
        None => definition_text.clone(),
    };
    let link_attrs = format!(
        "#{}' title='{}' data-term='{}'>",
        html::attr(&id),
        html::attr(&title),
        html::attr(&id)
    );
    Some(Entry {
        id,
        link_attrs,
        display,
        forms,
        aliases: attrs.aliases,
        auto_link: attrs.link,
        title: head_range,
        definition,
        definition_html,
        definition_text,
    })
}

/// Every spelling an entry is found by: the term, its `(ABBR)`, its aliases and its extra
/// `forms`, each with how it matches.
fn term_forms(
    term: &str,
    abbr: Option<&str>,
    attrs: &Attributes,
    head_range: &Range<usize>,
) -> Vec<Form> {
    let mut forms = Vec::new();
    let all_caps = |s: &str| {
        s.chars().filter(|c| c.is_alphabetic()).count() >= 2 && !s.chars().any(char::is_lowercase)
    };
    let opts_for = |s: &str| MatchOptions {
        case_sensitive: attrs.case.unwrap_or(all_caps(s)),
        stem: attrs.stem.unwrap_or(true) && !all_caps(s),
    };
    forms.push(Form {
        text: term.to_owned(),
        opts: opts_for(term),
        range: head_range.clone(),
    });
    if let Some(abbr) = abbr {
        forms.push(Form {
            text: abbr.to_owned(),
            opts: MatchOptions {
                case_sensitive: attrs.case.unwrap_or(true),
                stem: false,
            },
            range: head_range.clone(),
        });
    }
    for alias in &attrs.aliases {
        forms.push(Form {
            text: alias.clone(),
            opts: opts_for(alias),
            range: attrs.range.clone(),
        });
    }
    // `forms="…"`: spellings the paradigms miss (a rare or irregular form), matched exactly
    // and never shown on the glossary page.
    for extra in &attrs.forms {
        forms.push(Form {
            text: extra.clone(),
            opts: MatchOptions {
                case_sensitive: attrs.case.unwrap_or(false),
                stem: false,
            },
            range: attrs.range.clone(),
        });
    }
    forms
}

/// A definition as the HTML its previews on other pages show.
fn preview_html(body: &[(Event<'_>, Range<usize>)], page: &Path) -> String {
    let mut definition_html = String::new();
    // Previews copy this HTML into other pages: raw HTML in a definition is shown as text
    // there, so a glossary entry can never inject markup or handlers beyond its own page.
    // Links are re-based for previews on other pages, and only safe URLs survive.
    let safe = body.iter().map(|(e, _)| match e {
        Event::Html(h) | Event::InlineHtml(h) => Event::Text(h.clone()),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type: *link_type,
            dest_url: preview_url(dest_url, page).into(),
            title: title.clone(),
            id: id.clone(),
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type: *link_type,
            dest_url: preview_url(dest_url, page).into(),
            title: title.clone(),
            id: id.clone(),
        }),
        other => other.clone(),
    });
    pulldown_cmark::html::push_html(&mut definition_html, safe);
    definition_html
}

/// A definition's link target as a preview must write it: absolute URLs unchanged, relative
/// ones (written from the glossary page) from the book root, `.md` turned into `.html`;
/// anything [`html::safe_url`] rejects becomes `#`. The preview script puts the page's way
/// back to the root (mdBook's `path_to_root`) in front, so one copy of a definition serves
/// every page; no marker has to be found and replaced in HTML made from the glossary.
fn preview_url(dest: &str, page: &Path) -> String {
    let Some(url) = html::safe_url(dest) else {
        return "#".to_owned();
    };
    if url.contains("://") || url.starts_with("mailto:") || url.starts_with('/') {
        return url.to_owned();
    }
    let page = page.to_string_lossy().replace('\\', "/");
    let html_page = page
        .strip_suffix(".md")
        .map_or_else(|| page.clone(), |p| format!("{p}.html"));
    if url.starts_with('#') {
        return format!("{html_page}{url}");
    }
    let dir = page.rfind('/').map_or("", |i| &page[..=i]);
    let (path, fragment) = url.split_at(url.find('#').unwrap_or(url.len()));
    let path = path
        .strip_suffix(".md")
        .map_or_else(|| path.to_owned(), |p| format!("{p}.html"));
    format!("{dir}{path}{fragment}")
}

/// mdBook's heading-id rule, so `#id` defaults agree with what readers see elsewhere.
pub fn slug(text: &str) -> String {
    livingref_core::markdown::heading_slug(text)
}

/// `Sparse autoencoder (SAE)` → (`Sparse autoencoder`, `Some("SAE")`).
fn split_abbreviation(display: &str) -> (&str, Option<&str>) {
    if let Some(inner) = display.strip_suffix(')')
        && let Some(open) = inner.rfind(" (")
    {
        let abbr = &inner[open + 2..];
        if !abbr.is_empty()
            && !abbr.contains(char::is_whitespace)
            && abbr.chars().any(char::is_uppercase)
        {
            return (inner[..open].trim_end(), Some(abbr));
        }
    }
    (display, None)
}

/// Splits `Term {…}` into the term and the attribute block's body; `Err` if a block opens but
/// never closes.
fn split_attributes(line: &str) -> (&str, Option<Result<&str, ()>>) {
    if let Some(body) = line.strip_suffix('}')
        && let Some(open) = body.rfind('{')
    {
        return (&line[..open], Some(Ok(&body[open + 1..])));
    }
    match line.rfind('{') {
        Some(open) if line[open..].contains('#') || line[open..].contains('=') => {
            (&line[..open], Some(Err(())))
        }
        _ => (line, None),
    }
}

#[derive(Debug)]
struct Attributes {
    id: Option<String>,
    aliases: Vec<String>,
    /// Extra spellings matched exactly (`forms="…"`).
    forms: Vec<String>,
    case: Option<bool>,
    stem: Option<bool>,
    link: bool,
    range: Range<usize>,
}

impl Default for Attributes {
    fn default() -> Self {
        Attributes {
            id: None,
            aliases: Vec::new(),
            forms: Vec::new(),
            case: None,
            stem: None,
            link: true,
            range: 0..0,
        }
    }
}

const ATTRIBUTE_KEYS: &[&str] = &["aliases", "forms", "case", "stem", "link"];

fn parse_attributes(
    body: &str,
    offset: usize,
    at: &impl Fn(Range<usize>) -> Location,
    diags: &mut Diagnostics,
) -> Option<Attributes> {
    let base = offset + 1; // after `{`
    let mut attrs = Attributes {
        range: offset..offset + body.len() + 2,
        ..Attributes::default()
    };
    let bytes = body.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        if bytes[i] == b'#' {
            let end = body[i..]
                .find(char::is_whitespace)
                .map_or(body.len(), |n| i + n);
            attrs.id = Some(slug_id(&body[i + 1..end], base + i..base + end, at, diags)?);
            i = end;
            continue;
        }
        let Some(eq) = body[i..].find('=').map(|n| i + n) else {
            diags.push(
                Diagnostic::error(format!(
                    "malformed attribute `{}`",
                    body[i..].split_whitespace().next().unwrap_or_default()
                ))
                .at(at(base + i..base + body.len()))
                .help("write `#id` or `key=value`, e.g. `{#sae aliases=\"SAE; dictionary\"}`"),
            );
            return None;
        };
        let key = body[i..eq].trim();
        let (value, end) = attribute_value(body, eq, base, at, diags)?;
        let span = base + start..base + end;
        let flag = |on: &str, off: &str, diags: &mut Diagnostics| match value {
            v if v == on => Some(true),
            v if v == off => Some(false),
            _ => {
                diags.push(
                    Diagnostic::error(format!(
                        "`{key}` must be `{on}` or `{off}`, found `{value}`"
                    ))
                    .at(at(span.clone())),
                );
                None
            }
        };
        match key {
            "aliases" | "forms" => {
                let list = value
                    .split(';')
                    .map(str::trim)
                    .filter(|a| !a.is_empty())
                    .map(str::to_owned)
                    .collect();
                if key == "aliases" {
                    attrs.aliases = list;
                } else {
                    attrs.forms = list;
                }
            }
            "case" => attrs.case = Some(flag("sensitive", "insensitive", diags)?),
            "stem" => attrs.stem = Some(flag("on", "off", diags)?),
            "link" => attrs.link = flag("on", "off", diags)?,
            _ => {
                diags.push(
                    Diagnostic::warning(format!("unknown glossary attribute `{key}` is ignored"))
                        .at(at(span))
                        .help(did_you_mean(key, ATTRIBUTE_KEYS, "attributes")),
                );
            }
        }
        i = end;
    }
    Some(attrs)
}

/// A glossary `{#id}`, which must be a slug: it lands in `href`s and in Markdown link
/// destinations of other renderers, where `{#sae)[pwn](https://evil.example}` would close
/// one link and open another.
fn slug_id(
    id: &str,
    span: Range<usize>,
    at: &impl Fn(Range<usize>) -> Location,
    diags: &mut Diagnostics,
) -> Option<String> {
    if !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    {
        return Some(id.to_owned());
    }
    diags.push(
        Diagnostic::error(format!("glossary id `#{id}` is not a slug"))
            .at(at(span))
            .help("use letters, digits, `-` and `_` only, e.g. `{#sparse-autoencoder}`"),
    );
    None
}

/// The value after the `=` at `eq` in an attribute block: quoted, or up to white space; and
/// where it ends.
fn attribute_value<'b>(
    body: &'b str,
    eq: usize,
    base: usize,
    at: &impl Fn(Range<usize>) -> Location,
    diags: &mut Diagnostics,
) -> Option<(&'b str, usize)> {
    if body.as_bytes().get(eq + 1) != Some(&b'"') {
        let end = body[eq + 1..]
            .find(char::is_whitespace)
            .map_or(body.len(), |n| eq + 1 + n);
        return Some((&body[eq + 1..end], end));
    }
    match body[eq + 2..].find('"') {
        Some(n) => Some((&body[eq + 2..eq + 2 + n], eq + 3 + n)),
        None => {
            diags.push(
                Diagnostic::error("unterminated quoted value in an attribute block")
                    .at(at(base + eq + 1..base + body.len()))
                    .help("close the value with `\"`"),
            );
            None
        }
    }
}

fn plain_text(body: &[(Event<'_>, Range<usize>)]) -> String {
    let mut out = String::new();
    for (event, _) in body {
        match event {
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) => out.push_str(t),
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph) => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Duplicate ids, and one spelling claimed by two entries: both places are reported.
fn check_duplicates(
    glossary: &Glossary,
    at: &impl Fn(Range<usize>) -> Location,
    diags: &mut Diagnostics,
) {
    let mut ids: HashMap<&str, usize> = HashMap::new();
    let mut forms: HashMap<String, (usize, Range<usize>)> = HashMap::new();
    for (n, entry) in glossary.entries.iter().enumerate() {
        if let Some(&first) = ids.get(entry.id.as_str()) {
            diags.push(
                Diagnostic::error(format!("duplicate glossary id `{}`", entry.id))
                    .at(at(entry.title.clone()))
                    .related(
                        at(glossary.entries[first].title.clone()),
                        "first defined here",
                    )
                    .help("give one of them another `{#id}`"),
            );
        } else {
            ids.insert(&entry.id, n);
        }
        for form in &entry.forms {
            let key = fold(&form.text);
            match forms.get(&key) {
                Some((owner, first)) if *owner != n => diags.push(
                    Diagnostic::error(format!(
                        "`{}` is claimed by two glossary terms: `{}` and `{}`",
                        form.text, glossary.entries[*owner].display, entry.display
                    ))
                    .at(at(form.range.clone()))
                    .related(at(first.clone()), "first claimed here")
                    .help("remove the alias from one of them"),
                ),
                Some(_) => {}
                None => {
                    forms.insert(key, (n, form.range.clone()));
                }
            }
        }
    }
}
