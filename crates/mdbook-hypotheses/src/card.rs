//! One ```` ```hypothesis ```` block: its TOML read into a [`Card`], every mistake reported
//! at the exact line and column inside the chapter.
//!
//! The body is parsed with `toml`'s spanned document (`DeTable`), not deserialized into a
//! struct: that keeps a span for every key and value, so an unknown field, a wrong type or
//! an unknown status points at the very characters to fix.

use livingref_core::config::did_you_mean;
use livingref_core::config::nearest;
use livingref_core::span::LineIndex;
use livingref_core::{Diagnostic, Diagnostics, Location};
use serde::Serialize;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::de::{DeTable, DeValue};

/// A calendar day (`last-reviewed`, history dates): the workspace's one date type.
pub(crate) type Day = livingref_bib::Date;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stance {
    Supports,
    Contests,
    Mentions,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    pub cite: String,
    pub stance: Stance,
    pub note: Option<String>,
    #[serde(skip)]
    pub at: Location,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub date: Option<Day>,
    pub status: String,
    pub reason: Option<String>,
}

/// A hypothesis card, with where it was written.
#[derive(Debug, Clone, Serialize)]
pub struct Card {
    pub id: String,
    pub title: String,
    /// Markdown.
    pub statement: String,
    pub status: String,
    pub kind: String,
    pub parent: Option<String>,
    pub tags: Vec<String>,
    pub last_reviewed: Option<Day>,
    pub evidence: Vec<Evidence>,
    pub status_history: Vec<Change>,
    /// The chapter (relative to `src`) and its title.
    pub chapter: PathBuf,
    pub chapter_name: String,
    /// The whole fenced block, as a byte range of the chapter.
    #[serde(skip)]
    pub block: Range<usize>,
    /// Where `id`, `parent` and `status` are written, for diagnostics of book-wide checks.
    #[serde(skip)]
    pub id_at: Location,
    #[serde(skip)]
    pub parent_at: Location,
    #[serde(skip)]
    pub status_at: Location,
}

const FIELDS: &[&str] = &[
    "id",
    "title",
    "statement",
    "status",
    "kind",
    "parent",
    "tags",
    "last-reviewed",
    "evidence",
    "status-history",
];
const EVIDENCE_FIELDS: &[&str] = &["cite", "stance", "note"];
const HISTORY_FIELDS: &[&str] = &["date", "status", "reason"];
pub(crate) const KINDS: &[&str] = &["hypothesis", "definition", "topic"];
const STANCES: &[&str] = &["supports", "contests", "mentions"];

/// Where a block is: the chapter text, the block's byte range and its body's.
pub(crate) struct Source<'a> {
    pub text: &'a str,
    /// Lines of `text`, built once per chapter: a chapter's cards all point into it.
    pub index: &'a LineIndex<'a>,
    pub block: Range<usize>,
    pub body: Range<usize>,
    pub file: &'a Path,
    pub chapter: &'a Path,
    pub chapter_name: &'a str,
}

/// Reads one block. Every problem is pushed to `diags`; `None` if the card cannot be used.
pub(crate) fn parse(
    src: &Source<'_>,
    statuses: &[String],
    diags: &mut Diagnostics,
) -> Option<Card> {
    let index = src.index;
    let body = &src.text[src.body.clone()];
    let base = src.body.start;
    let at =
        |span: Range<usize>| Location::in_text(src.file, index, base + span.start..base + span.end);
    let doc = toml_table(body, &at, diags)?;
    let table = doc.get_ref();
    let mut ok = true;
    unknown_keys(table, FIELDS, "hypothesis", &at, diags);

    let field = |name: &str| {
        table
            .iter()
            .find(|(k, _)| k.get_ref() == name)
            .map(|(_, v)| v)
    };
    let block_start = Location::in_text(src.file, index, src.block.start..src.block.start + 3);
    let ([id, title, statement, status], present) = required(table, &block_start, &at, diags);
    ok &= present;
    // Everything present is still checked, so one run reports every mistake of a block.
    if let Some((id, span)) = &id {
        ok &= slug_id(id, span, &at, diags);
    }
    let (status, status_span) = status.unwrap_or_default();
    if !status.is_empty() {
        ok &= known_status(&status, &status_span, statuses, &at, diags);
    }
    let kind = match field("kind") {
        Some(v) => string(v, "kind", &at, diags).map_or_else(String::new, |k| {
            ok &= known_kind(&k, v.span(), &at, diags);
            k
        }),
        None => "hypothesis".to_owned(),
    };
    let (parent, parent_span) = match field("parent") {
        Some(v) => (string(v, "parent", &at, diags), v.span()),
        None => (None, 0..0),
    };
    let tags = field("tags").map_or_else(Vec::new, |v| {
        strings(
            v,
            "tags",
            "a list of strings, e.g. `tags = [\"sae\"]`",
            &at,
            diags,
        )
    });
    let last_reviewed = field("last-reviewed").and_then(|v| day(v, "last-reviewed", &at, diags));
    let (evidence, status_history) = (
        evidence_of(field("evidence"), &at, diags),
        history_of(field("status-history"), &at, diags),
    );
    let (Some((id, id_span)), Some((title, _)), Some((statement, _))) = (id, title, statement)
    else {
        return None;
    };
    (ok && !status.is_empty()).then(|| Card {
        id,
        title,
        statement,
        status,
        kind,
        parent,
        tags,
        last_reviewed,
        evidence,
        status_history,
        chapter: src.chapter.to_path_buf(),
        chapter_name: src.chapter_name.to_owned(),
        block: src.block.clone(),
        id_at: at(id_span),
        parent_at: at(parent_span),
        status_at: at(status_span),
    })
}

/// A string field's value and its span in the block.
type Spanned = (String, Range<usize>);

/// The four fields every card has (`id`, `title`, `statement`, `status`), each with its span,
/// and whether all are there; an error at the block for each one missing.
fn required(
    table: &DeTable<'_>,
    block_start: &Location,
    at: &impl Fn(Range<usize>) -> Location,
    diags: &mut Diagnostics,
) -> ([Option<Spanned>; 4], bool) {
    let names = ["id", "title", "statement", "status"];
    let mut present = true;
    let values = names.map(|name| {
        let Some((_, v)) = table.iter().find(|(k, _)| k.get_ref() == name) else {
            present = false;
            diags.push(
                Diagnostic::error(format!("hypothesis block without `{name}`"))
                    .at(block_start.clone())
                    .help(format!(
                        "add `{name} = \"…\"`; required fields: id, title, statement, status"
                    )),
            );
            return None;
        };
        string(v, name, at, diags).map(|s| (s, v.span()))
    });
    (values, present)
}

/// The `evidence` records, each checked.
fn evidence_of(
    field: Option<&toml::Spanned<DeValue<'_>>>,
    at: &impl Fn(Range<usize>) -> Location,
    diags: &mut Diagnostics,
) -> Vec<Evidence> {
    field.map_or_else(Vec::new, |v| {
        records(v, "evidence", EVIDENCE_FIELDS, at, diags)
            .into_iter()
            .filter_map(|(t, span)| evidence(t, span, at, diags))
            .collect()
    })
}

/// The `status-history` records, each checked.
fn history_of(
    field: Option<&toml::Spanned<DeValue<'_>>>,
    at: &impl Fn(Range<usize>) -> Location,
    diags: &mut Diagnostics,
) -> Vec<Change> {
    field.map_or_else(Vec::new, |v| {
        records(v, "status-history", HISTORY_FIELDS, at, diags)
            .into_iter()
            .filter_map(|(t, _)| change(t, at, diags))
            .collect()
    })
}

fn unknown_keys(
    table: &DeTable<'_>,
    known: &[&str],
    what: &str,
    at: &impl Fn(Range<usize>) -> Location,
    diags: &mut Diagnostics,
) {
    for (key, _) in table.iter() {
        let name = key.get_ref().as_ref();
        if !known.contains(&name) {
            let d =
                Diagnostic::error(format!("unknown field `{name}` in a {what}")).at(at(key.span()));
            diags.push(d.help(did_you_mean(name, known, "fields")));
        }
    }
}

/// The block's body as a TOML table; an error at the first syntax error.
fn toml_table<'b>(
    body: &'b str,
    at: &impl Fn(Range<usize>) -> Location,
    diags: &mut Diagnostics,
) -> Option<toml::Spanned<DeTable<'b>>> {
    DeTable::parse(body)
        .map_err(|err| {
            diags.push(
                Diagnostic::error(format!(
                    "invalid TOML in a hypothesis block: {}",
                    err.message().trim()
                ))
                .at(at(err.span().unwrap_or(0..0)))
                .help("the block is TOML: `key = \"value\"`, lists in `[…]`, one field per line"),
            );
        })
        .ok()
}

/// Whether `kind` is one of [`KINDS`]; an error at it if not.
fn known_kind(
    kind: &str,
    span: Range<usize>,
    at: &impl Fn(Range<usize>) -> Location,
    diags: &mut Diagnostics,
) -> bool {
    let known = KINDS.contains(&kind);
    if !known {
        diags.push(
            Diagnostic::error(format!("unknown kind `{kind}`"))
                .at(at(span))
                .help(format!("kinds: {}", KINDS.join(", "))),
        );
    }
    known
}

/// Whether `id` is a slug; an error at it if not.
fn slug_id(
    id: &str,
    span: &Range<usize>,
    at: &impl Fn(Range<usize>) -> Location,
    diags: &mut Diagnostics,
) -> bool {
    let slug = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !slug {
        diags.push(
            Diagnostic::error(format!("hypothesis id `{id}` is not a slug"))
                .at(at(span.clone()))
                .help("use lower-case letters, digits and `-`, e.g. `linear-representation`"),
        );
    }
    slug
}

/// Whether `status` is one of the book's `statuses`; an error at it if not.
fn known_status(
    status: &str,
    span: &Range<usize>,
    statuses: &[String],
    at: &impl Fn(Range<usize>) -> Location,
    diags: &mut Diagnostics,
) -> bool {
    if statuses.iter().any(|s| s == status) {
        return true;
    }
    let known: Vec<&str> = statuses.iter().map(String::as_str).collect();
    let help = match nearest(status, known.iter()) {
        Some(near) => format!("did you mean `{near}`? statuses: {}", known.join(", ")),
        None => format!(
            "statuses: {} (set `statuses` in `[preprocessor.hypotheses]` to change them)",
            known.join(", ")
        ),
    };
    diags.push(
        Diagnostic::error(format!("unknown status `{status}`"))
            .at(at(span.clone()))
            .help(help),
    );
    false
}

/// A list of strings (`tags`); a type error, and no items, if it is something else.
fn strings(
    v: &toml::Spanned<DeValue<'_>>,
    name: &str,
    expected: &str,
    at: &impl Fn(Range<usize>) -> Location,
    diags: &mut Diagnostics,
) -> Vec<String> {
    match v.get_ref().as_array() {
        Some(items) => items
            .iter()
            .filter_map(|t| string(t, name, at, diags))
            .collect(),
        None => {
            type_error(name, expected, v, at, diags);
            Vec::new()
        }
    }
}

/// One `evidence` record (`{ cite, stance, note }`), or `None` with an error per problem.
fn evidence(
    t: &DeTable<'_>,
    span: Range<usize>,
    at: &impl Fn(Range<usize>) -> Location,
    diags: &mut Diagnostics,
) -> Option<Evidence> {
    let get = |name: &str| t.iter().find(|(k, _)| k.get_ref() == name).map(|(_, v)| v);
    let cite = get("cite").and_then(|v| {
        let key = string(v, "cite", at, diags)?;
        // Cite keys end up inside `{{#cite …}}`: only characters a key can have.
        if !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_alphanumeric() || "_:.-/+".contains(c))
        {
            return Some(key);
        }
        diags.push(
            Diagnostic::error(format!("`{key}` is not a citation key"))
                .at(at(v.span()))
                .help("keys are letters, digits and `_:.-/+`"),
        );
        None
    });
    let stance = get("stance").and_then(|v| {
        let s = string(v, "stance", at, diags)?;
        match s.as_str() {
            "supports" => Some(Stance::Supports),
            "contests" => Some(Stance::Contests),
            "mentions" => Some(Stance::Mentions),
            _ => {
                let d = Diagnostic::error(format!("unknown stance `{s}`")).at(at(v.span()));
                diags.push(d.help(did_you_mean(&s, STANCES, "stances")));
                None
            }
        }
    });
    let note = get("note").and_then(|v| string(v, "note", at, diags));
    match (cite, stance) {
        (Some(cite), Some(stance)) => Some(Evidence {
            cite,
            stance,
            note,
            at: at(span),
        }),
        (None, _) => {
            diags.push(
                Diagnostic::error("evidence without `cite`")
                    .at(at(span))
                    .help("write `{ cite = \"key\", stance = \"supports\" }`"),
            );
            None
        }
        (_, None) => {
            if get("stance").is_none() {
                diags.push(
                    Diagnostic::error("evidence without `stance`")
                        .at(at(span))
                        .help(format!(
                            "add `stance = …` with one of: {}",
                            STANCES.join(", ")
                        )),
                );
            }
            None
        }
    }
}

/// One `status-history` record (`{ date, status, reason }`); `None` without a status.
fn change(
    t: &DeTable<'_>,
    at: &impl Fn(Range<usize>) -> Location,
    diags: &mut Diagnostics,
) -> Option<Change> {
    let get = |name: &str| t.iter().find(|(k, _)| k.get_ref() == name).map(|(_, v)| v);
    Some(Change {
        date: get("date").and_then(|v| day(v, "date", at, diags)),
        status: get("status").and_then(|v| string(v, "status", at, diags))?,
        reason: get("reason").and_then(|v| string(v, "reason", at, diags)),
    })
}

fn string(
    v: &toml::Spanned<DeValue<'_>>,
    name: &str,
    at: &impl Fn(Range<usize>) -> Location,
    diags: &mut Diagnostics,
) -> Option<String> {
    match v.get_ref().as_str() {
        Some(s) => Some(s.to_owned()),
        None => {
            type_error(name, "a string in quotes", v, at, diags);
            None
        }
    }
}

fn type_error(
    name: &str,
    expected: &str,
    v: &toml::Spanned<DeValue<'_>>,
    at: &impl Fn(Range<usize>) -> Location,
    diags: &mut Diagnostics,
) {
    diags.push(
        Diagnostic::error(format!(
            "`{name}` must be {expected}, found {}",
            v.get_ref().type_str()
        ))
        .at(at(v.span())),
    );
}

fn day(
    v: &toml::Spanned<DeValue<'_>>,
    name: &str,
    at: &impl Fn(Range<usize>) -> Location,
    diags: &mut Diagnostics,
) -> Option<Day> {
    let parsed = match v.get_ref() {
        DeValue::Datetime(dt) => dt.date.map(|d| Day {
            year: i32::from(d.year),
            month: d.month,
            day: d.day,
        }),
        DeValue::String(s) if s.len() == 10 => Day::parse_day(s),
        _ => None,
    };
    if parsed.is_none() {
        diags.push(
            Diagnostic::error(format!("`{name}` must be a date such as 2026-05-01"))
                .at(at(v.span())),
        );
    }
    parsed
}

/// An array of inline tables (`[{ … }, { … }]`), each with its span; unknown keys reported.
fn records<'a>(
    v: &'a toml::Spanned<DeValue<'a>>,
    name: &str,
    known: &[&str],
    at: &impl Fn(Range<usize>) -> Location,
    diags: &mut Diagnostics,
) -> Vec<(&'a DeTable<'a>, Range<usize>)> {
    let Some(items) = v.get_ref().as_array() else {
        type_error(name, "a list of `{ … }` tables", v, at, diags);
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| match item.get_ref().as_table() {
            Some(t) => {
                unknown_keys(t, known, &format!("`{name}` entry"), at, diags);
                Some((t, item.span()))
            }
            None => {
                type_error(name, "a list of `{ … }` tables", item, at, diags);
                None
            }
        })
        .collect()
}
