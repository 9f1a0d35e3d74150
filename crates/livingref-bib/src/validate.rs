//! The one validation pass: which blocks of which files are usable entries and macros, and a
//! diagnostic at its own line for every one that is not.
//!
//! It runs in two depths over the same code. The quick depth (no [`Diagnostics`] given) is the
//! common case, a bibliography with nothing to report: it reads no line numbers, parses no
//! entry on its own, and gives up at the first problem. The thorough depth reports every
//! problem and also parses each entry alone with biblatex, so a syntax error costs only its own
//! entry; [`crate::parse`] runs it when the quick one gave up, or when the entries it passed do
//! not parse together.

use crate::links::{Links, MAX_CHAIN, dangling, links, unsafe_links};
use crate::macros::{MAX_MACRO_CHAIN, MacroTrouble, unresolvable_macro};
use crate::syntax::{entry_key, hides_entries, split};
use livingref_core::span::LineIndex;
use livingref_core::{Diagnostic, Diagnostics, Location};
use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::PathBuf;

/// A usable entry: its file (index into the texts), its bytes there and its key.
#[derive(Debug, Clone)]
pub(crate) struct Good {
    pub(crate) file: usize,
    pub(crate) range: Range<usize>,
    pub(crate) key: String,
}

/// What the pass found usable.
#[derive(Debug, Default)]
pub(crate) struct Checked {
    /// Every usable `@string` block, in order, one per line: put in front of entries so their
    /// macros resolve.
    pub(crate) strings: String,
    pub(crate) good: Vec<Good>,
    /// No entry links to another (no `crossref`, `xdata` or `ids`): entries may be parsed in
    /// independent runs.
    pub(crate) independent: bool,
}

/// Each usable entry's key and links, in the order of [`Checked::good`].
type Graph = Vec<(String, Links)>;

/// Where problems go: nowhere in the quick depth, which stops at the first.
struct Problems<'t, 'd> {
    texts: &'t [(PathBuf, String)],
    diags: Option<&'d mut Diagnostics>,
    /// Line indexes, built the first time a file needs one.
    indexes: Vec<OnceCell<LineIndex<'t>>>,
}

impl<'t> Problems<'t, '_> {
    fn thorough(&self) -> bool {
        self.diags.is_some()
    }

    /// The one-byte place `at` in file `file`.
    fn at(&self, file: usize, at: Range<usize>) -> Location {
        let (shown, text) = &self.texts[file];
        let index = self.indexes[file].get_or_init(|| LineIndex::new(text));
        Location::in_text(shown, index, at)
    }

    /// Records a problem; `false` in the quick depth, where the caller stops.
    #[must_use]
    fn report(&mut self, make: impl FnOnce(&Self) -> Diagnostic) -> bool {
        if self.diags.is_none() {
            return false;
        }
        let diagnostic = make(self);
        if let Some(diags) = self.diags.as_mut() {
            diags.push(diagnostic);
        }
        true
    }
}

/// Checks every block of `texts` (already as biblatex should read them). With `diags`, every
/// problem is reported there and `Some` is returned; without, `None` at the first problem.
pub(crate) fn check(
    texts: &[(PathBuf, String)],
    diags: Option<&mut Diagnostics>,
) -> Option<Checked> {
    let mut problems = Problems {
        texts,
        diags,
        indexes: texts.iter().map(|_| OnceCell::new()).collect(),
    };
    let mut entries: Vec<Good> = Vec::new();
    let mut strings = String::new();
    for (file, (_, text)) in texts.iter().enumerate() {
        let (blocks, unclosed) = split(text);
        if let Some(at) = unclosed
            && !problems.report(|p| {
                Diagnostic::warning("entry is not closed before the end of the file; it is skipped")
                    .at(p.at(file, at..at + 1))
                    .help("add the missing `}`")
            })
        {
            return None;
        }
        for block in blocks {
            let source = &text[block.range.clone()];
            let start = block.range.start;
            match block.kind.as_str() {
                "comment" | "preamble" => {}
                "string" => {
                    if usable_macro(&mut problems, &strings, file, &block.range)? {
                        strings.push_str(source);
                        strings.push('\n');
                    }
                }
                _ => entries.push(Good {
                    file,
                    range: start..block.range.end,
                    key: entry_key(source),
                }),
            }
        }
    }
    // The quick depth checks the macros once, all together, before anything expands one.
    if !problems.thorough() && unresolvable_macro(&strings).is_some() {
        return None;
    }
    if problems.thorough() {
        define_missing_macros(&mut problems, &mut strings, &entries);
    }
    let (good, graph) = usable_entries(&mut problems, &strings, entries)?;
    let good = resolvable(&mut problems, good, &graph)?;
    let independent = graph.iter().all(|(_, links)| links.is_empty());
    Some(Checked {
        strings,
        good,
        independent,
    })
}

/// Macros that entries use and no `@string` defines, each defined as its own name and
/// reported once, with how many entries use it and where first. BibTeX and biber keep such
/// entries and warn; dropping them lost 1,118 of 1,367 entries of a real bibliography whose
/// macros live in a companion file (`abbrev.bib`) that was not listed.
fn define_missing_macros(problems: &mut Problems<'_, '_>, strings: &mut String, entries: &[Good]) {
    // BibTeX's predefined month macros, which biblatex knows too.
    const MONTHS: &[&str] = &[
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let defined: HashSet<String> = biblatex::RawBibliography::parse(strings)
        .map(|raw| {
            raw.abbreviations
                .iter()
                .map(|p| p.key.v.to_owned())
                .collect()
        })
        .unwrap_or_default();
    // name → (entries using it, file and byte range of the first use)
    let mut missing: Vec<(String, usize, usize, Range<usize>)> = Vec::new();
    for entry in entries {
        let source = &problems.texts[entry.file].1[entry.range.clone()];
        if !source.contains('=') {
            continue;
        }
        let Ok(raw) = biblatex::RawBibliography::parse(source) else {
            continue;
        };
        let mut seen_here: HashSet<&str> = HashSet::new();
        for chunk in raw
            .entries
            .iter()
            .flat_map(|e| &e.v.fields)
            .flat_map(|pair| &pair.value.v)
        {
            let biblatex::RawChunk::Abbreviation(name) = chunk.v else {
                continue;
            };
            if defined.contains(name)
                || MONTHS.contains(&name.to_ascii_lowercase().as_str())
                || !seen_here.insert(name)
            {
                continue;
            }
            let at = entry.range.start + chunk.span.start..entry.range.start + chunk.span.end;
            match missing.iter_mut().find(|m| m.0 == name) {
                Some(m) => m.1 += 1,
                None => missing.push((name.to_owned(), 1, entry.file, at)),
            }
        }
    }
    for (name, uses, file, at) in missing {
        let entries = if uses == 1 {
            "1 entry".to_owned()
        } else {
            format!("{uses} entries")
        };
        let _ = problems.report(|p| {
            Diagnostic::warning(format!(
                "`@string` macro `{name}` is not defined; it is shown as `{name}` in {entries}"
            ))
            .at(p.at(file, at))
            .help(format!(
                "list the .bib file that defines it (often `abbrev.bib`) before this one in \
                 `bibliography`, or define it: `@string{{{name} = \"…\"}}`"
            ))
        });
        // Shown as its name, as BibTeX shows an undefined macro's name.
        strings.push_str(&format!("@string{{{name} = {{{name}}}}}\n"));
    }
}

/// Whether the `@string` block at `range` of `file` can join the macros `strings`: `None`
/// in the quick depth when it cannot.
fn usable_macro(
    problems: &mut Problems<'_, '_>,
    strings: &str,
    file: usize,
    range: &Range<usize>,
) -> Option<bool> {
    let source = &problems.texts[file].1[range.clone()];
    let here = range.start..range.start + 1;
    if hides_entries(source) {
        let reported = problems.report(|p| {
            Diagnostic::warning("`@string` block holds an entry; it is skipped")
                .at(p.at(file, here.clone()))
                .help("close the `@string` before the next `@`")
        });
        return reported.then_some(false);
    }
    if !problems.thorough() {
        return Some(true);
    }
    // Thorough: each block alone, so a broken macro is reported where it is written.
    let with = format!("{strings}{source}\n");
    if let Some(trouble) = unresolvable_macro(&with) {
        let (name, what) = match &trouble {
            MacroTrouble::Cycle(name) => (name, "expands into itself"),
            MacroTrouble::TooDeep(name) => (name, "expands through too many other macros"),
            MacroTrouble::TooLong(name) => (
                name,
                "expands to more than 4,096 characters (macros that repeat each other grow exponentially)",
            ),
        };
        let defined = biblatex::RawBibliography::parse(source)
            .ok()
            .and_then(|raw| raw.abbreviations.first().map(|p| p.key.v.to_owned()))
            .unwrap_or_default();
        let message = if &defined == name {
            format!("`@string` macro `{name}` {what}; the block is skipped")
        } else {
            format!("with `@string` macro `{defined}`, macro `{name}` {what}; the block is skipped")
        };
        let _ =
            problems.report(|p| {
                Diagnostic::warning(message).at(p.at(file, here)).help(format!(
                "define the macro as text, e.g. `@string{{tc = \"Transformer Circuits\"}}`; \
                 a macro may build on others up to {MAX_MACRO_CHAIN} deep"
            ))
            });
        return Some(false);
    }
    match biblatex::Bibliography::parse(&with) {
        Ok(_) => Some(true),
        Err(err) => {
            let at = syntax_error_at(range, strings.len(), err.span.start);
            let _ = problems.report(|p| skipped(p.at(file, at), "@string", &err.kind.to_string()));
            Some(false)
        }
    }
}

/// The entries that stand on their own: a key, no entry inside, no `crossref` to itself, a
/// name no earlier entry took, and (thorough depth) biblatex reads them. Each with its links.
fn usable_entries(
    problems: &mut Problems<'_, '_>,
    strings: &str,
    entries: Vec<Good>,
) -> Option<(Vec<Good>, Graph)> {
    let mut good: Vec<Good> = Vec::with_capacity(entries.len());
    let mut graph: Graph = Vec::with_capacity(entries.len());
    // Each key or `ids` alias taken so far: which entry of `good`, and whether as an alias.
    let mut first_seen: HashMap<String, (usize, bool)> = HashMap::new();
    for mut entry in entries {
        let texts = problems.texts;
        let source = &texts[entry.file].1[entry.range.clone()];
        let (file, start) = (entry.file, entry.range.start);
        // Entry-level problems point at the entry's `@`.
        let here = start..start + 1;
        // biblatex follows `crossref` and `xdata` recursively, with no guard, even within
        // the one entry it is given: read the links first.
        let links = links(source, strings);
        if let Some(exact) = &links.key {
            exact.clone_into(&mut entry.key);
        }
        let key = entry.key.clone();
        let trouble: Option<(String, &str)> = if key.is_empty() {
            Some((
                "entry without a key; it is skipped".to_owned(),
                "write the key after the `{`, e.g. `@article{elhage2022toy, …}`",
            ))
        } else if links.nested {
            Some((
                format!("{key}: another entry starts inside this one; both are skipped"),
                "check the braces of the key and the fields before the inner `@`",
            ))
        } else if links.leads_to_itself(&key) {
            Some((
                format!("{key}: `crossref` points to the entry itself; the entry is skipped"),
                "point `crossref` at the parent entry's key",
            ))
        } else {
            None
        };
        if let Some((message, help)) = trouble {
            if !problems.report(|p| Diagnostic::warning(message).at(p.at(file, here)).help(help)) {
                return None;
            }
            continue;
        }
        if problems.thorough() {
            match biblatex::Bibliography::parse(&format!("{strings}{source}\n")) {
                Ok(parsed) if parsed.is_empty() => continue,
                Ok(_) => {}
                Err(err) => {
                    let at = syntax_error_at(&entry.range, strings.len(), err.span.start);
                    let _ =
                        problems.report(|p| skipped(p.at(file, at), &key, &err.kind.to_string()));
                    continue;
                }
            }
        }
        // biblatex treats `ids` aliases as keys: a name is taken once, as a key or an alias.
        let clash = std::iter::once(&key)
            .chain(&links.aliases)
            .find_map(|name| Some((name.clone(), *first_seen.get(name)?)));
        if let Some((name, (first, first_is_alias))) = clash {
            let (message, note) = match (name == key, first_is_alias) {
                (true, false) => (
                    format!("duplicate key `{key}`; the first definition is used"),
                    "first defined here",
                ),
                (true, true) => (
                    format!(
                        "key `{key}` is already an `ids` alias of another entry; this entry is skipped"
                    ),
                    "the alias is given here",
                ),
                (false, _) => (
                    format!("{key}: `ids` alias `{name}` is already taken; the entry is skipped"),
                    "taken here",
                ),
            };
            let first = &good[first];
            let (first_file, first_at) = (first.file, first.range.start);
            if !problems.report(|p| {
                Diagnostic::warning(message)
                    .at(p.at(file, here))
                    .related(p.at(first_file, first_at..first_at + 1), note)
                    .help("remove one of the entries, or give this one another key")
            }) {
                return None;
            }
            continue;
        }
        first_seen.insert(key.clone(), (good.len(), false));
        for alias in links.aliases.iter().filter(|a| **a != key) {
            first_seen.insert(alias.clone(), (good.len(), true));
        }
        graph.push((key, links));
        good.push(entry);
    }
    Some((good, graph))
}

/// `good` without the entries biblatex could not resolve: those on a `crossref` cycle or at
/// the end of a chain too long (it would overflow its stack). A parent that is not there is
/// a warning only: the child renders, without what it meant to inherit.
fn resolvable(
    problems: &mut Problems<'_, '_>,
    mut good: Vec<Good>,
    graph: &[(String, Links)],
) -> Option<Vec<Good>> {
    for (n, parent) in dangling(graph) {
        let entry = &good[n];
        let block = problems.texts[entry.file].1[entry.range.clone()].to_ascii_lowercase();
        let field = block
            .find("crossref")
            .or_else(|| block.find("xdata"))
            .unwrap_or(0);
        let (file, at, key) = (entry.file, entry.range.start + field, &graph[n].0);
        if !problems.report(|p| {
            Diagnostic::warning(format!(
                "{key}: `crossref` points to `{parent}`, which is not in the bibliography"
            ))
            .at(p.at(file, at..at + 1))
            .help("add the parent entry, or fix the key it names")
        }) {
            return None;
        }
    }
    let (cycles, too_deep) = unsafe_links(graph);
    let first_of = |names: &[String]| {
        good.iter()
            .find(|g| names.contains(&g.key))
            .map(|g| (g.file, g.range.start..g.range.start + 1))
    };
    // (file and place, message, help)
    type Found<'h> = ((usize, Range<usize>), String, &'h str);
    let mut found: Vec<Found<'_>> = Vec::new();
    for cycle in &cycles {
        if let Some(at) = first_of(cycle) {
            found.push((
                at,
                format!(
                    "`crossref` cycle between {}; these entries are skipped",
                    cycle.join(" → ")
                ),
                "an entry's `crossref` must lead to a parent that does not lead back",
            ));
        }
    }
    for key in &too_deep {
        if let Some(at) = first_of(std::slice::from_ref(key)) {
            found.push((
                at,
                format!(
                    "{key}: its `crossref`/`xdata` chain is more than {MAX_CHAIN} entries long; the entry is skipped"
                ),
                "point `crossref` at the parent that holds the shared fields",
            ));
        }
    }
    for ((file, at), message, help) in found {
        if !problems.report(|p| Diagnostic::warning(message).at(p.at(file, at)).help(help)) {
            return None;
        }
    }
    good.retain(|g| !too_deep.contains(&g.key) && !cycles.iter().any(|c| c.contains(&g.key)));
    Some(good)
}

/// Where in its block biblatex's error is: it parsed `prefix` bytes of macros, then the block.
fn syntax_error_at(block: &Range<usize>, prefix: usize, at: usize) -> Range<usize> {
    let pos = block.start + at.saturating_sub(prefix).min(block.len());
    pos..(pos + 1).min(block.end.max(pos + 1))
}

fn skipped(at: Location, key: &str, message: &str) -> Diagnostic {
    Diagnostic::warning(format!("{key}: {message}; the entry is skipped"))
        .at(at)
        .help("fix the entry; every other entry is still used")
}
