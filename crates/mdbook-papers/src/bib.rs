//! Loading BibTeX files so that one bad entry never costs the others.
//!
//! The `biblatex` crate parses BibTeX and BibLaTeX faithfully (accents, `@string` with `#`,
//! month macros, dates, crossref) but rejects a whole file at its first problem. So each file
//! is first split into top-level `@…{…}` blocks by brace matching (which needs no knowledge
//! of fields), every entry is parsed on its own with the `@string` blocks seen so far in front
//! of it, and a failing entry becomes a diagnostic at its own line while the rest load. The
//! surviving entries are then parsed together once more, so `crossref` resolves across them.

use crate::paper::Paper;
use livingref_core::span::LineIndex;
use livingref_core::{Diagnostic, Diagnostics, Location};
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Every paper of the configured files, in file order, first definition of a key winning.
#[derive(Debug, Default)]
pub struct Bibliography {
    pub papers: Vec<Paper>,
    by_key: HashMap<String, usize>,
    /// Indexes of `papers`, newest first (ties by key): sorted once, so each recent-papers
    /// section only walks until it has enough.
    newest: Vec<usize>,
}

impl Bibliography {
    pub fn get(&self, key: &str) -> Option<&Paper> {
        self.by_key.get(key).map(|&i| &self.papers[i])
    }

    pub fn index_of(&self, key: &str) -> Option<usize> {
        self.by_key.get(key).copied()
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.papers.iter().map(|p| p.key.as_str())
    }

    /// Papers from newest to oldest.
    pub fn newest_first(&self) -> impl Iterator<Item = &Paper> {
        self.newest.iter().map(|&i| &self.papers[i])
    }
}

/// A top-level block of a `.bib` file.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Block {
    kind: String,
    range: Range<usize>,
}

/// Reads `files` (paths as configured; `root` resolves them, `display` names them in
/// diagnostics) in order. `@string` macros of earlier files serve later ones.
pub fn load(
    files: &[PathBuf],
    root: &Path,
    display: impl Fn(&Path) -> PathBuf,
    diags: &mut Diagnostics,
) -> Bibliography {
    let mut texts = Vec::new();
    for file in files {
        let path = root.join(file);
        let shown = display(&path);
        if livingref_core::input::outside(root, &path) {
            diags.push(
                Diagnostic::warning(format!(
                    "bibliography `{}` is outside the book's folder",
                    shown.display()
                ))
                .at(Location::file("book.toml"))
                .help("keep the .bib files inside the book, so a clone of it builds the same"),
            );
        }
        match livingref_core::input::read_regular(&path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => texts.push((shown, text)),
                Err(err) => diags.push(
                    Diagnostic::error(format!(
                        "bibliography is not valid UTF-8 (byte {})",
                        err.utf8_error().valid_up_to()
                    ))
                    .at(Location::file(&shown))
                    .help("save the file as UTF-8"),
                ),
            },
            Err(err) => diags.push(
                Diagnostic::error(format!(
                    "cannot read bibliography `{}`: {err}",
                    shown.display()
                ))
                .at(Location::file("book.toml"))
                .help("fix the path in `bibliography` (it is relative to the book root)"),
            ),
        }
    }
    parse(texts, diags)
}

/// Parses BibTeX texts, each named as diagnostics should name it, in order (a leading
/// byte-order mark is dropped). `@string` macros of earlier texts serve later ones.
pub fn parse(texts: Vec<(PathBuf, String)>, diags: &mut Diagnostics) -> Bibliography {
    // Files whose text biblatex gets rewritten: a paper's BibTeX (what its copy button holds)
    // stays the bytes the author wrote.
    let mut originals: Vec<(PathBuf, String)> = Vec::new();
    let texts: Vec<(PathBuf, String)> = texts
        .into_iter()
        .map(|(shown, text)| {
            let text = match text.strip_prefix('\u{feff}') {
                Some(rest) => rest.to_owned(),
                None => text,
            };
            match as_biblatex_reads(&shown, &text, diags) {
                Some(read) => {
                    originals.push((shown.clone(), text));
                    (shown, read)
                }
                None => (shown, text),
            }
        })
        .collect();
    let mut bibliography = match at_once(&texts) {
        Some(bibliography) => bibliography,
        None => entry_by_entry(texts, diags),
    };
    if !originals.is_empty() {
        for paper in &mut bibliography.papers {
            if let Some((_, text)) = originals.iter().find(|(shown, _)| *shown == paper.file)
                && let Some(bytes) = text.get(paper.span.clone())
            {
                bytes.clone_into(&mut paper.bibtex);
            }
        }
    }
    bibliography
}

/// `text` rewritten, byte for byte in place, into the syntax biblatex reads as BibTeX does:
///
/// * `@article(key, …)` and `@string(…)` are valid BibTeX, which biblatex refuses: their
///   outer parentheses become braces;
/// * a field given twice keeps its first value, as BibTeX does (biblatex would keep the
///   last), with a warning at the second, which is blanked out.
///
/// Lengths and line breaks stay, so every offset into the result is one into the file.
/// `None` when the file needs no rewriting (the usual case), so it is not copied.
fn as_biblatex_reads(shown: &Path, text: &str, diags: &mut Diagnostics) -> Option<String> {
    let (blocks, _) = split(text);
    let mut out: Option<Vec<u8>> = None;
    let mut index: Option<LineIndex<'_>> = None;
    for block in &blocks {
        if matches!(block.kind.as_str(), "comment" | "preamble") {
            continue;
        }
        let src = &text[block.range.clone()];
        let open = src.find(['{', '(']).unwrap_or(0);
        if src.as_bytes().get(open) == Some(&b'(') && src.ends_with(')') {
            let bytes = out.get_or_insert_with(|| text.as_bytes().to_vec());
            bytes[block.range.start + open] = b'{';
            bytes[block.range.end - 1] = b'}';
        }
        if block.kind == "string" || !may_repeat_a_field(src) {
            continue;
        }
        let braced: String = match &out {
            Some(bytes) => String::from_utf8_lossy(&bytes[block.range.clone()]).into_owned(),
            None => src.to_owned(),
        };
        let Ok(raw) = biblatex::RawBibliography::parse(&braced) else {
            continue;
        };
        let Some(entry) = raw.entries.first() else {
            continue;
        };
        let mut seen: HashMap<String, usize> = HashMap::new();
        for pair in &entry.v.fields {
            let name = pair.key.v.to_ascii_lowercase();
            let Some(&first) = seen.get(&name) else {
                seen.insert(name, pair.key.span.start);
                continue;
            };
            // From the comma before the field to the end of its value.
            let from = braced[..pair.key.span.start]
                .rfind(',')
                .unwrap_or(pair.key.span.start);
            let to = pair.value.span.end;
            let index = index.get_or_insert_with(|| LineIndex::new(text));
            diags.push(
                Diagnostic::warning(format!(
                    "{}: field `{name}` is given twice; the first value is kept, as BibTeX does",
                    entry.v.key.v
                ))
                .at(Location::in_text(
                    shown,
                    index,
                    block.range.start + pair.key.span.start..block.range.start + pair.key.span.end,
                ))
                .related(
                    Location::in_text(
                        shown,
                        index,
                        block.range.start + first..block.range.start + first + 1,
                    ),
                    "first given here",
                )
                .help("remove one of the two"),
            );
            let bytes = out.get_or_insert_with(|| text.as_bytes().to_vec());
            for b in &mut bytes[block.range.start + from..block.range.start + to] {
                if *b != b'\n' {
                    *b = b' ';
                }
            }
        }
    }
    // Only ASCII bytes were replaced, at ASCII bytes, and whole values blanked: still UTF-8.
    out.and_then(|bytes| String::from_utf8(bytes).ok())
}

/// Whether an entry may name one field twice: a cheap look at the names after each comma,
/// so that only such entries are parsed to find out.
fn may_repeat_a_field(src: &str) -> bool {
    let mut names: Vec<String> = src
        .split(',')
        .skip(1)
        .filter_map(|part| {
            let part = part.trim_start();
            let name: String = part
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
                .collect();
            (!name.is_empty() && part[name.len()..].trim_start().starts_with('='))
                .then(|| name.to_ascii_lowercase())
        })
        .collect();
    let before = names.len();
    names.sort_unstable();
    names.dedup();
    names.len() != before
}

/// The common case, a bibliography with nothing to report: every entry parsed and resolved in
/// one pass. `None` when anything would need a diagnostic; [`entry_by_entry`] then finds and
/// reports it, parsing each entry alone.
fn at_once(texts: &[(PathBuf, String)]) -> Option<Bibliography> {
    let mut strings = String::new();
    let mut good: Vec<(usize, Range<usize>, String)> = Vec::new();
    let mut keys: HashSet<String> = HashSet::new();
    for (file_no, (_, text)) in texts.iter().enumerate() {
        let (blocks, unclosed) = split(text);
        if unclosed.is_some() {
            return None;
        }
        for block in blocks {
            let source = &text[block.range.clone()];
            match block.kind.as_str() {
                "comment" | "preamble" => {}
                "string" if hides_entries(source) => return None,
                "string" => {
                    strings.push_str(source);
                    strings.push('\n');
                }
                _ => good.push((file_no, block.range.clone(), entry_key(source))),
            }
        }
    }
    // Before anything expands a macro (reading links below does), and once for all of them.
    if unresolvable_macro(&strings).is_some() {
        return None;
    }
    // Links are read once every macro is known, as biblatex will read them.
    let mut graph = Vec::with_capacity(good.len());
    for (file, range, key) in &mut good {
        let source = &texts[*file].1[range.clone()];
        let links = links(source, &strings);
        if let Some(exact) = &links.key {
            exact.clone_into(key);
        }
        if key.is_empty() || links.nested || links.leads_to_itself(key) || !keys.insert(key.clone())
        {
            return None;
        }
        graph.push((key.clone(), links));
    }
    let (cycles, too_deep) = unsafe_links(&graph);
    if !cycles.is_empty() || !too_deep.is_empty() || !dangling(&graph).is_empty() {
        return None;
    }
    let independent = graph.iter().all(|(_, links)| links.is_empty());
    assemble(texts, &strings, &good, independent).ok()
}

/// Every entry checked alone, so each problem is reported where it is written and every
/// other entry is still used.
fn entry_by_entry(texts: Vec<(PathBuf, String)>, diags: &mut Diagnostics) -> Bibliography {
    let mut strings = String::new();
    let mut sources: Vec<(PathBuf, String)> = Vec::new();
    let mut good: Vec<(usize, Range<usize>, String)> = Vec::new(); // (file, range, key)
    // Each key or `ids` alias taken so far: where, and whether as an alias.
    let mut first_seen: HashMap<String, (usize, Range<usize>, bool)> = HashMap::new();
    let mut graph: Vec<(String, Links)> = Vec::new();
    for (shown, text) in texts {
        let index = LineIndex::new(&text);
        let file_no = sources.len();
        let (blocks, unclosed) = split(&text);
        if let Some(at) = unclosed {
            diags.push(
                Diagnostic::warning(
                    "entry is not closed before the end of the file; it is skipped",
                )
                .at(Location::in_text(&shown, &index, at..at + 1))
                .help("add the missing `}`"),
            );
        }
        for block in blocks {
            let source = &text[block.range.clone()];
            match block.kind.as_str() {
                "comment" | "preamble" => {}
                "string" if hides_entries(source) => diags.push(
                    Diagnostic::warning("`@string` block holds an entry; it is skipped")
                        .at(Location::in_text(
                            &shown,
                            &index,
                            block.range.start..block.range.start + 1,
                        ))
                        .help("close the `@string` before the next `@`"),
                ),
                "string" => {
                    let with = format!("{strings}{source}\n");
                    if let Some(trouble) = unresolvable_macro(&with) {
                        let (name, what) = match &trouble {
                            MacroTrouble::Cycle(name) => (name, "expands into itself"),
                            MacroTrouble::TooDeep(name) => {
                                (name, "expands through too many other macros")
                            }
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
                            format!(
                                "with `@string` macro `{defined}`, macro `{name}` {what}; the block is skipped"
                            )
                        };
                        diags.push(
                            Diagnostic::warning(message)
                            .at(Location::in_text(
                                &shown,
                                &index,
                                block.range.start..block.range.start + 1,
                            ))
                            .help(format!(
                                "define the macro as text, e.g. `@string{{tc = \"Transformer Circuits\"}}`; \
                                 a macro may build on others up to {MAX_MACRO_CHAIN} deep"
                            )),
                        );
                        continue;
                    }
                    // Check it alone first, so a broken macro is reported where it is written.
                    match biblatex::Bibliography::parse(&with) {
                        Ok(_) => {
                            strings.push_str(source);
                            strings.push('\n');
                        }
                        Err(err) => diags.push(entry_error(
                            &shown,
                            &index,
                            &block.range,
                            "@string",
                            &err.kind.to_string(),
                            strings.len(),
                            err.span.start,
                        )),
                    }
                }
                _ => {
                    let key = entry_key(source);
                    let prefix = strings.len();
                    // Entry-level diagnostics point at the entry's `@`.
                    let entry_at = || {
                        Location::in_text(&shown, &index, block.range.start..block.range.start + 1)
                    };
                    // biblatex follows `crossref` and `xdata` recursively, with no guard, even
                    // within the one entry it is given: read the links first.
                    let links = links(source, &strings);
                    let key = links.key.clone().unwrap_or(key);
                    if key.is_empty() {
                        diags.push(
                            Diagnostic::warning("entry without a key; it is skipped")
                                .at(entry_at())
                                .help("write the key after the `{`, e.g. `@article{elhage2022toy, …}`"),
                        );
                        continue;
                    }
                    if links.nested {
                        diags.push(
                            Diagnostic::warning(format!(
                                "{key}: another entry starts inside this one; both are skipped"
                            ))
                            .at(entry_at())
                            .help(
                                "check the braces of the key and the fields before the inner `@`",
                            ),
                        );
                        continue;
                    }
                    if links.leads_to_itself(&key) {
                        diags.push(
                            Diagnostic::warning(format!(
                                "{key}: `crossref` points to the entry itself; the entry is skipped"
                            ))
                            .at(entry_at())
                            .help("point `crossref` at the parent entry's key"),
                        );
                        continue;
                    }
                    match biblatex::Bibliography::parse(&format!("{strings}{source}\n")) {
                        Ok(parsed) if parsed.is_empty() => {}
                        Ok(_) => {
                            // biblatex treats `ids` aliases as keys: a name is taken once,
                            // whether as a key or as an alias.
                            let own_aliases = links.aliases.clone();
                            let clash = std::iter::once(&key)
                                .chain(&own_aliases)
                                .find_map(|name| Some((name, first_seen.get(name)?)));
                            if let Some((name, (f, first, first_is_alias))) = clash {
                                let first_index = LineIndex::new(
                                    sources.get(*f).map_or(text.as_str(), |(_, t)| t.as_str()),
                                );
                                let first_file =
                                    sources.get(*f).map_or(shown.clone(), |(p, _)| p.clone());
                                let (message, note) = match (name == &key, *first_is_alias) {
                                    (true, false) => (
                                        format!(
                                            "duplicate key `{key}`; the first definition is used"
                                        ),
                                        "first defined here",
                                    ),
                                    (true, true) => (
                                        format!(
                                            "key `{key}` is already an `ids` alias of another entry; this entry is skipped"
                                        ),
                                        "the alias is given here",
                                    ),
                                    (false, _) => (
                                        format!(
                                            "{key}: `ids` alias `{name}` is already taken; the entry is skipped"
                                        ),
                                        "taken here",
                                    ),
                                };
                                diags.push(
                                    Diagnostic::warning(message)
                                        .at(entry_at())
                                        .related(
                                            Location::in_text(
                                                &first_file,
                                                &first_index,
                                                first.start..first.start + 1,
                                            ),
                                            note,
                                        )
                                        .help(
                                            "remove one of the entries, or give this one another key",
                                        ),
                                );
                                continue;
                            }
                            first_seen.insert(key.clone(), (file_no, block.range.clone(), false));
                            for alias in own_aliases.into_iter().filter(|a| a != &key) {
                                first_seen.insert(alias, (file_no, block.range.clone(), true));
                            }
                            graph.push((key.clone(), links));
                            good.push((file_no, block.range.clone(), key));
                        }
                        Err(err) => {
                            diags.push(entry_error(
                                &shown,
                                &index,
                                &block.range,
                                &key,
                                &err.kind.to_string(),
                                prefix,
                                err.span.start,
                            ));
                        }
                    }
                }
            }
        }
        sources.push((shown, text));
    }

    // A parent that no entry is (or is an alias of) leaves the child without the fields it
    // meant to inherit: it renders with no venue and "n.d.". Warn at the field.
    for (n, parent) in dangling(&graph) {
        let key = &graph[n].0;
        {
            let (file, range, _) = &good[n];
            let (shown, text) = &sources[*file];
            let block = &text[range.clone()];
            let field = block
                .to_ascii_lowercase()
                .find("crossref")
                .or_else(|| block.to_ascii_lowercase().find("xdata"))
                .unwrap_or(0);
            let at = range.start + field;
            diags.push(
                Diagnostic::warning(format!(
                    "{key}: `crossref` points to `{parent}`, which is not in the bibliography"
                ))
                .at(Location::in_text(shown, &LineIndex::new(text), at..at + 1))
                .help("add the parent entry, or fix the key it names"),
            );
        }
    }

    // Entries biblatex could not resolve (it would overflow its stack): report and drop them.
    let (cycles, too_deep) = unsafe_links(&graph);
    let first_of = |names: &[String]| {
        good.iter()
            .find(|(_, _, k)| names.contains(k))
            .map(|(file, range, _)| {
                let (shown, text) = &sources[*file];
                Location::in_text(shown, &LineIndex::new(text), range.start..range.start + 1)
            })
    };
    for cycle in &cycles {
        if let Some(at) = first_of(cycle) {
            diags.push(
                Diagnostic::warning(format!(
                    "`crossref` cycle between {}; these entries are skipped",
                    cycle.join(" → ")
                ))
                .at(at)
                .help("an entry's `crossref` must lead to a parent that does not lead back"),
            );
        }
    }
    for key in &too_deep {
        if let Some(at) = first_of(std::slice::from_ref(key)) {
            diags.push(
                Diagnostic::warning(format!(
                    "{key}: its `crossref`/`xdata` chain is more than {MAX_CHAIN} entries long; the entry is skipped"
                ))
                .at(at)
                .help("point `crossref` at the parent that holds the shared fields"),
            );
        }
    }
    good.retain(|(_, _, k)| !too_deep.contains(k) && !cycles.iter().any(|c| c.contains(k)));

    let independent = graph.iter().all(|(_, links)| links.is_empty());
    match assemble(&sources, &strings, &good, independent) {
        Ok(bibliography) => bibliography,
        Err(err) => {
            // Only cross-entry problems get here (a crossref cycle or type clash).
            diags.push(
                Diagnostic::error(format!(
                    "the bibliography cannot be resolved as a whole: {}",
                    err.kind
                ))
                .help("check `crossref` fields for cycles and for parents of the wrong type"),
            );
            Bibliography::default()
        }
    }
}

/// The good entries parsed with the `@string`s, so macros and `crossref` resolve across
/// files; each paper keeps its file, line and the BibTeX as written. When no entry links to
/// another (`independent`: no `crossref`, `xdata` or `ids`, the usual case), each core
/// parses its own run of entries; otherwise they are parsed together.
fn assemble(
    sources: &[(PathBuf, String)],
    strings: &str,
    good: &[(usize, Range<usize>, String)],
    independent: bool,
) -> Result<Bibliography, biblatex::ParseError> {
    let origin: HashMap<String, (usize, Range<usize>)> = good
        .iter()
        .map(|(file, range, key)| (key.to_lowercase(), (*file, range.clone())))
        .collect();
    let indexes: Vec<LineIndex<'_>> = sources
        .iter()
        .map(|(_, text)| LineIndex::new(text))
        .collect();
    let parse = |run: &[(usize, Range<usize>, String)]| {
        let mut combined = strings.to_owned();
        for (file, range, _) in run {
            combined.push_str(&sources[*file].1[range.clone()]);
            combined.push('\n');
        }
        biblatex::Bibliography::parse(&combined)
    };
    let to_paper = |entry: &biblatex::Entry| {
        let (file, range) = origin
            .get(&entry.key.to_lowercase())
            .cloned()
            .unwrap_or((0, 0..0));
        let (shown, text) = sources.get(file)?;
        let line = indexes[file].line_col(range.start).line;
        let mut paper = Paper::from_entry(entry, shown.clone(), line);
        // Copy-BibTeX gives the entry as the maintainer wrote it, not a re-serialization.
        match text.get(range.clone()) {
            Some(original) if !range.is_empty() => {
                paper.bibtex = original.to_owned();
                paper.at = Some(Location::in_text(
                    shown,
                    &indexes[file],
                    range.start..range.start + 1,
                ));
                paper.span = range;
            }
            _ => {
                paper.bibtex = entry
                    .to_bibtex_string()
                    .unwrap_or_else(|_| entry.to_biblatex_string());
            }
        }
        Some(paper)
    };
    let papers: Vec<Option<Paper>> = if independent {
        let runs = livingref_core::parallel::runs(good, |run| {
            parse(run).map(|parsed| parsed.iter().map(to_paper).collect::<Vec<_>>())
        });
        let mut papers = Vec::with_capacity(good.len());
        for run in runs {
            papers.extend(run?);
        }
        papers
    } else {
        let parsed = parse(good)?;
        let entries: Vec<&biblatex::Entry> = parsed.iter().collect();
        livingref_core::parallel::slice(&entries, |entry| to_paper(entry))
    };
    let mut bibliography = Bibliography::default();
    for paper in papers.into_iter().flatten() {
        bibliography
            .by_key
            .insert(paper.key.clone(), bibliography.papers.len());
        bibliography.papers.push(paper);
    }
    // `ids` aliases after every key, so a key always means its own entry. A clash between
    // names was reported (and the later entry skipped) while the entries were checked.
    for (i, paper) in bibliography.papers.iter().enumerate() {
        for alias in &paper.aliases {
            bibliography.by_key.entry(alias.clone()).or_insert(i);
        }
    }
    let mut newest: Vec<usize> = (0..bibliography.papers.len()).collect();
    newest.sort_by(|&a, &b| Paper::newest_first(&bibliography.papers[a], &bibliography.papers[b]));
    bibliography.newest = newest;
    Ok(bibliography)
}

fn entry_error(
    file: &Path,
    index: &LineIndex<'_>,
    block: &Range<usize>,
    key: &str,
    message: &str,
    prefix: usize,
    at: usize,
) -> Diagnostic {
    // The parser saw `strings + entry`; map its offset back into the entry.
    let inside = at.saturating_sub(prefix).min(block.len());
    let pos = block.start + inside;
    let end = (pos + 1).min(block.end.max(pos + 1));
    Diagnostic::warning(format!("{key}: {message}; the entry is skipped"))
        .at(Location::in_text(file, index, pos..end))
        .help("fix the entry; every other entry is still used")
}

/// Longest `crossref`/`xdata` chain accepted: biblatex resolves one link per level of
/// recursion and copies each parent for every child, so a long hostile chain would exhaust the
/// stack or the clock. Real bibliographies use one or two levels.
const MAX_CHAIN: usize = 10;

/// What biblatex follows when it resolves an entry: the keys its `crossref` and `xdata` fields
/// name (`parents`) and the extra keys its `ids` field registers (`aliases`), read exactly as
/// biblatex reads them, macros and TeX resolved, before biblatex resolves anything.
#[derive(Debug, Default, PartialEq)]
struct Links {
    /// The key as biblatex reads it, when the entry had to be parsed to find its links.
    key: Option<String>,
    /// biblatex reads more than one entry in the block (an `@` inside an unbalanced key, say):
    /// their links cannot be told apart, so the block is unusable.
    nested: bool,
    parents: Vec<String>,
    aliases: Vec<String>,
}

impl Links {
    /// No entry is reached from this one and no alias registered: it resolves on its own.
    fn is_empty(&self) -> bool {
        self.parents.is_empty() && self.aliases.is_empty()
    }

    /// Whether resolving the entry alone would already loop: a parent is the entry itself.
    fn leads_to_itself(&self, key: &str) -> bool {
        self.parents
            .iter()
            .any(|p| p == key || self.aliases.contains(p))
    }
}

/// The [`Links`] of the entry `source`, with the `@string` macros `strings`.
fn links(source: &str, strings: &str) -> Links {
    // Most entries have none of the three fields: skip the parse for them.
    let mentions = |field: &[u8]| {
        source
            .as_bytes()
            .windows(field.len())
            .any(|w| w.eq_ignore_ascii_case(field))
    };
    if !mentions(b"crossref") && !mentions(b"xdata") && !mentions(b"ids") {
        return Links::default();
    }
    let Ok(raw) = biblatex::RawBibliography::parse(source) else {
        return Links::default();
    };
    let mut out = Links {
        key: raw.entries.first().map(|e| e.v.key.v.to_owned()),
        nested: raw.entries.len() > 1,
        ..Links::default()
    };
    for pair in raw.entries.iter().flat_map(|entry| &entry.v.fields) {
        let field = pair.key.v.to_ascii_lowercase();
        if !matches!(field.as_str(), "crossref" | "xdata" | "ids") {
            continue;
        }
        let Some(written) = source.get(pair.value.span.clone()) else {
            continue;
        };
        // biblatex reads these fields after resolving macros and TeX; the same text in an
        // ordinary field of a probe entry is read the same way, without any resolution.
        let probe = format!("{strings}@misc{{livingref-probe, note = {written}}}\n");
        let Ok(parsed) = biblatex::Bibliography::parse(&probe) else {
            continue;
        };
        let Some(entry) = parsed.get("livingref-probe") else {
            continue;
        };
        let values: Vec<String> = if field == "crossref" {
            entry.get_as::<String>("note").into_iter().collect()
        } else {
            entry.get_as::<Vec<String>>("note").unwrap_or_default()
        };
        if field == "ids" {
            out.aliases.extend(values);
        } else {
            out.parents.extend(values);
        }
    }
    out
}

/// Longest chain of `@string` macros defined by other macros that is accepted. biblatex
/// expands a macro by recursion with no guard, so `@string{a = a}` (or `a = b`, `b = a`)
/// overflows the stack and kills the process, and so would a very long chain. Real files
/// rarely go beyond one level (`@string{jmlr = "J. Mach. " # learn}`).
const MAX_MACRO_CHAIN: usize = 32;

/// A macro biblatex could not expand.
#[derive(Debug, PartialEq, Eq)]
enum MacroTrouble {
    /// It reaches itself.
    Cycle(String),
    /// It is more than [`MAX_MACRO_CHAIN`] expansions deep.
    TooDeep(String),
    /// It expands to more than [`MAX_MACRO_LEN`] characters.
    TooLong(String),
}

/// Longest expansion of one `@string` macro that is accepted. `s1 = s0 # s0`, `s2 = s1 # s1`,
/// … doubles with every line: 26 lines made a 268 MB page in 20 s. A real macro is a journal
/// or conference name, well under this.
const MAX_MACRO_LEN: usize = 4096;

/// A macro of the `@string` blocks `strings` that biblatex could not expand. The macros are
/// read with biblatex's own raw parser, a later definition replacing an earlier one as
/// biblatex does, and walked without recursion. `None` when every macro expands (or the text
/// does not parse: that is reported where it is written).
fn unresolvable_macro(strings: &str) -> Option<MacroTrouble> {
    let raw = biblatex::RawBibliography::parse(strings).ok()?;
    // Characters of text each macro holds itself, besides the macros it uses.
    let own: HashMap<&str, usize> = raw
        .abbreviations
        .iter()
        .map(|pair| {
            let text = pair
                .value
                .v
                .iter()
                .map(|chunk| match chunk.v {
                    biblatex::RawChunk::Normal(text) => text.len(),
                    biblatex::RawChunk::Abbreviation(_) => 0,
                })
                .sum();
            (pair.key.v, text)
        })
        .collect();
    let mut length: HashMap<&str, usize> = HashMap::new();
    let uses: HashMap<&str, Vec<&str>> = raw
        .abbreviations
        .iter()
        .map(|pair| {
            let used = pair
                .value
                .v
                .iter()
                .filter_map(|chunk| match chunk.v {
                    biblatex::RawChunk::Abbreviation(name) => Some(name),
                    biblatex::RawChunk::Normal(_) => None,
                })
                .collect();
            (pair.key.v, used)
        })
        .collect();
    // Expansion depth of each macro: 0 for text only; `None` while it is being expanded.
    let mut depth: HashMap<&str, Option<usize>> = HashMap::new();
    let mut names: Vec<&str> = uses.keys().copied().collect();
    names.sort_unstable();
    for start in names {
        let mut stack = vec![(start, false)];
        while let Some((name, expanded)) = stack.pop() {
            let inner = uses.get(name).map_or(&[][..], Vec::as_slice);
            if expanded {
                let deepest = inner
                    .iter()
                    .filter_map(|n| depth.get(n).copied().flatten())
                    .max()
                    .map_or(0, |d| d + 1);
                if deepest > MAX_MACRO_CHAIN {
                    return Some(MacroTrouble::TooDeep(name.to_owned()));
                }
                // A name that is no macro here (a month, or undefined) expands to itself.
                let total = inner
                    .iter()
                    .fold(own.get(name).copied().unwrap_or(0), |sum, n| {
                        sum.saturating_add(length.get(n).copied().unwrap_or(n.len()))
                    });
                if total > MAX_MACRO_LEN {
                    return Some(MacroTrouble::TooLong(name.to_owned()));
                }
                length.insert(name, total);
                depth.insert(name, Some(deepest));
                continue;
            }
            match depth.get(name) {
                Some(Some(_)) => continue,
                Some(None) => return Some(MacroTrouble::Cycle(name.to_owned())),
                None => {}
            }
            depth.insert(name, None);
            stack.push((name, true));
            for &next in inner {
                match depth.get(next) {
                    Some(Some(_)) => {}
                    // Being expanded further up this walk: a cycle.
                    Some(None) => return Some(MacroTrouble::Cycle(next.to_owned())),
                    None => stack.push((next, false)),
                }
            }
        }
    }
    None
}

/// Whether biblatex reads an entry inside the `@string` block `source`: parsed along with
/// every entry, it would be resolved with them, unchecked.
fn hides_entries(source: &str) -> bool {
    biblatex::RawBibliography::parse(source).is_ok_and(|raw| !raw.entries.is_empty())
}

/// (entry index, parent) for each `crossref`/`xdata` parent that no entry's key or alias
/// names.
fn dangling(graph: &[(String, Links)]) -> Vec<(usize, &str)> {
    let names: HashSet<&str> = graph
        .iter()
        .flat_map(|(key, links)| {
            std::iter::once(key.as_str()).chain(links.aliases.iter().map(String::as_str))
        })
        .collect();
    graph
        .iter()
        .enumerate()
        .flat_map(|(n, (_, links))| {
            links
                .parents
                .iter()
                .filter(|p| !names.contains(p.as_str()))
                .map(move |p| (n, p.as_str()))
        })
        .collect()
}

/// Entries biblatex cannot resolve, given each entry's key and [`Links`] in file order: the
/// cycles of the `crossref`/`xdata` graph, and the keys more than [`MAX_CHAIN`] links from the
/// end of their chain.
fn unsafe_links(entries: &[(String, Links)]) -> (Vec<Vec<String>>, Vec<String>) {
    // Which entry a name reaches, registered as `Bibliography::insert` does: the key, then
    // each alias, a later registration replacing an earlier one.
    let mut owner: HashMap<&str, &str> = HashMap::new();
    for (key, links) in entries {
        owner.insert(key, key);
        for alias in &links.aliases {
            owner.insert(alias, key);
        }
    }
    let edges: HashMap<String, Vec<String>> = entries
        .iter()
        .map(|(key, links)| {
            let to = links
                .parents
                .iter()
                .filter_map(|p| owner.get(p.as_str()).map(|k| (*k).to_owned()))
                .collect();
            (key.clone(), to)
        })
        .collect();
    let found = cycles(&edges);
    let on_cycle: HashSet<&str> = found.iter().flatten().map(String::as_str).collect();
    // Chain length from each entry, children first (iterative: chains may be long).
    let mut depth: HashMap<&str, usize> = HashMap::new();
    for (start, _) in entries {
        let mut stack = vec![(start.as_str(), false)];
        while let Some((node, children_done)) = stack.pop() {
            if depth.contains_key(node) || on_cycle.contains(node) {
                continue;
            }
            let children = edges.get(node).map_or(&[][..], Vec::as_slice);
            if children_done {
                let deepest = children
                    .iter()
                    .filter_map(|c| depth.get(c.as_str()))
                    .max()
                    .map_or(0, |d| d + 1);
                depth.insert(node, deepest);
            } else {
                stack.push((node, true));
                stack.extend(children.iter().map(|c| (c.as_str(), false)));
            }
        }
    }
    let too_deep = entries
        .iter()
        .filter(|(key, _)| depth.get(key.as_str()).is_some_and(|&d| d > MAX_CHAIN))
        .map(|(key, _)| key.clone())
        .collect();
    (found, too_deep)
}

/// Cycles in the crossref graph, each as the keys on it (depth-first, colours by state).
fn cycles(links: &HashMap<String, Vec<String>>) -> Vec<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Open,
        Done,
    }
    let mut state: HashMap<&str, State> = HashMap::new();
    let mut found = Vec::new();
    let mut keys: Vec<&String> = links.keys().collect();
    keys.sort();
    for start in keys {
        if state.contains_key(start.as_str()) {
            continue;
        }
        // Iterative DFS: (node, index of the next child) with the current path.
        let mut stack: Vec<(&str, usize)> = vec![(start.as_str(), 0)];
        state.insert(start, State::Open);
        while let Some((node, next)) = stack.pop() {
            let children = links.get(node).map_or(&[][..], Vec::as_slice);
            if let Some(child) = children.get(next) {
                stack.push((node, next + 1));
                match state.get(child.as_str()) {
                    Some(State::Open) => {
                        let from = stack.iter().position(|(n, _)| *n == child).unwrap_or(0);
                        found.push(stack[from..].iter().map(|(n, _)| (*n).to_owned()).collect());
                    }
                    Some(State::Done) => {}
                    None if links.contains_key(child.as_str()) => {
                        state.insert(child, State::Open);
                        stack.push((child, 0));
                    }
                    None => {}
                }
            } else {
                state.insert(node, State::Done);
            }
        }
    }
    found
}

/// The citation key of an entry's source (`@article{key, …`), for messages.
fn entry_key(source: &str) -> String {
    source
        .split_once(['{', '('])
        .map(|(_, rest)| {
            rest.split([',', '}', ')'])
                .next()
                .unwrap_or("")
                .trim()
                .to_owned()
        })
        .filter(|k| !k.is_empty())
        .unwrap_or_else(|| "(entry without a key)".to_owned())
}

/// Top-level `@type{…}` / `@type(…)` blocks with their byte ranges, and the offset of a block
/// left open at the end of the file. Text between blocks is a comment in BibTeX.
fn split(text: &str) -> (Vec<Block>, Option<usize>) {
    let b = text.as_bytes();
    let mut blocks = Vec::new();
    let mut i = 0;
    while let Some(n) = memchr_at(b, b'@', i) {
        let start = n;
        let mut j = n + 1;
        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
            j += 1;
        }
        let kind = text[n + 1..j].to_ascii_lowercase();
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        let Some(&open) = b.get(j).filter(|c| **c == b'{' || **c == b'(') else {
            i = n + 1;
            continue;
        };
        if kind.is_empty() {
            i = j;
            continue;
        }
        let close = if open == b'{' { b'}' } else { b')' };
        let mut depth = 0usize;
        let mut end = None;
        for (k, &c) in b.iter().enumerate().skip(j) {
            if c == b'\\' {
                continue;
            }
            if c == open || (open == b'(' && c == b'{') {
                depth += 1;
            } else if c == close || (open == b'(' && c == b'}') {
                depth = depth.saturating_sub(1);
                if depth == 0 && c == close {
                    end = Some(k + 1);
                    break;
                }
            }
        }
        let Some(end) = end else {
            return (blocks, Some(start));
        };
        blocks.push(Block {
            kind,
            range: start..end,
        });
        i = end;
    }
    (blocks, None)
}

fn memchr_at(b: &[u8], needle: u8, from: usize) -> Option<usize> {
    b.get(from..)?
        .iter()
        .position(|&c| c == needle)
        .map(|n| from + n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_blocks_and_skips_text_between() {
        let text = "junk @article{a, title={x {y}}}\n% c\n@string(s = \"v\")\n@misc{b, note={\\}}}";
        let (blocks, open) = split(text);
        let kinds: Vec<&str> = blocks.iter().map(|b| b.kind.as_str()).collect();
        assert_eq!(kinds, ["article", "string", "misc"]);
        assert_eq!(&text[blocks[0].range.clone()], "@article{a, title={x {y}}}");
        assert_eq!(open, None);
        assert_eq!(split("@article{a, title={x}").1, Some(0));
    }

    /// biblatex expands macros by unguarded recursion: a macro that reaches itself, or a
    /// very long chain of them, would overflow the stack (found by the `bibtex` fuzz target).
    #[test]
    fn macros_that_cannot_expand_are_found_before_biblatex_expands_them() {
        let loops = |s: &str| unresolvable_macro(s);
        let cycle = |name: &str| Some(MacroTrouble::Cycle(name.into()));
        assert_eq!(loops("@string{tc = tc}"), cycle("tc"));
        assert_eq!(
            loops("@string{a = \"x\" # b}\n@string{b = c}\n@string{c = a}"),
            cycle("a")
        );
        assert_eq!(
            loops("@string{a = \"x\"}\n@string{b = a # a}\n@string{c = b # a}"),
            None
        );
        // A later definition replaces an earlier one, as in biblatex.
        assert_eq!(
            loops("@string{a = b}\n@string{b = \"x\"}\n@string{b = a}"),
            cycle("a")
        );
        assert_eq!(
            loops("@string{a = b}\n@string{b = a}\n@string{b = \"x\"}"),
            None
        );
        let chain = |n: usize| {
            let mut s = String::from("@string{m0 = \"x\"}\n");
            for i in 1..=n {
                s.push_str(&format!("@string{{m{i} = m{}}}\n", i - 1));
            }
            s
        };
        assert_eq!(loops(&chain(MAX_MACRO_CHAIN)), None);
        assert!(matches!(
            loops(&chain(MAX_MACRO_CHAIN + 1)),
            Some(MacroTrouble::TooDeep(_))
        ));
        assert!(
            loops(&chain(100_000)).is_some(),
            "no recursion of our own either"
        );
    }

    #[test]
    fn a_macro_loop_costs_only_its_own_block() {
        let mut diags = Diagnostics::new();
        let bib = parse(
            vec![(
                PathBuf::from("refs.bib"),
                "@string{tc = \"Thread\"}\n@string{loop = loop}\n\
                 @article{a, title = {A}, journal = tc, year = 2020}\n\
                 @article{b, title = {B}, journal = loop, year = 2020}\n"
                    .into(),
            )],
            &mut diags,
        );
        let shown: Vec<String> = diags
            .iter()
            .map(|d| {
                format!(
                    "{} @ {}",
                    d.message,
                    d.location
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default()
                )
            })
            .collect();
        assert!(
            shown.iter().any(
                |d| d.starts_with("`@string` macro `loop` expands into itself")
                    && d.ends_with("refs.bib:2:1")
            ),
            "{shown:#?}"
        );
        assert!(bib.get("a").is_some(), "{shown:#?}");
        assert!(bib.get("b").is_none(), "its macro is unknown: {shown:#?}");
    }

    #[test]
    fn crossref_cycles_are_found_without_recursion() {
        let links: HashMap<String, Vec<String>> = [
            ("a", vec!["b"]),
            ("b", vec!["c"]),
            ("c", vec!["a"]),
            ("d", vec!["a"]),
            ("e", vec![]),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.into_iter().map(str::to_owned).collect()))
        .collect();
        let found = cycles(&links);
        assert_eq!(found.len(), 1);
        let mut cycle = found[0].clone();
        cycle.sort();
        assert_eq!(cycle, ["a", "b", "c"]);
        let l = super::links(
            "@misc{x, crossref = {Par{en}t}, xdata = {d1, d2}, ids = m}",
            "@string{m = \"old\"}",
        );
        assert_eq!(l.parents, ["Parent", "d1", "d2"]);
        assert_eq!(l.aliases, ["old"]);
        assert_eq!(l.key.as_deref(), Some("x"));
    }

    #[test]
    fn keys_for_messages() {
        assert_eq!(entry_key("@article{ elhage2022 , title={x}}"), "elhage2022");
        assert_eq!(entry_key("@article{, title={x}}"), "(entry without a key)");
    }

    /// `head`, then 1,200 five-line entries `p0`… in the journal `tc`: enough to be split into
    /// runs parsed on separate threads.
    fn many_entries(head: &str) -> String {
        let mut text = head.to_owned();
        for i in 0..1_200 {
            text.push_str(&format!(
                "@article{{p{i},\n  title = {{Paper {i}}},\n  journal = tc,\n  year = {{2020}}\n}}\n"
            ));
        }
        text
    }

    /// Every entry, in file order, with its line, and a macro defined at the top resolved in
    /// the last run too.
    #[test]
    fn a_large_bibliography_parsed_in_runs_loses_nothing() {
        let text = many_entries("@string{tc = \"Transformer Circuits\"}\n");
        let mut diags = Diagnostics::new();
        let bib = parse(vec![(PathBuf::from("big.bib"), text)], &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(bib.papers.len(), 1_200);
        for (i, paper) in bib.papers.iter().enumerate() {
            assert_eq!(paper.key, format!("p{i}"));
            assert_eq!(paper.line, 2 + 5 * i);
            assert_eq!(
                paper.venue.as_deref(),
                Some("Transformer Circuits"),
                "{}",
                paper.key
            );
        }
    }

    /// An `ids` alias that a later entry uses as its key: biblatex rejects the bibliography as
    /// a whole, so it must be found however entries are split into runs, and reported at the
    /// later entry, which alone is skipped.
    #[test]
    fn an_alias_clash_is_found_however_entries_are_split() {
        let mut text = many_entries(
            "@string{tc = \"T\"}\n@article{first, ids = {last}, title = {F}, year = {2020}}\n",
        );
        text.push_str("@article{last, title = {L}, year = {2021}}\n");
        let mut diags = Diagnostics::new();
        let bib = parse(vec![(PathBuf::from("a.bib"), text.clone())], &mut diags);
        assert!(
            biblatex::Bibliography::parse(&text).is_err(),
            "biblatex itself rejects the clash"
        );
        let messages: Vec<String> = diags.iter().map(|d| d.message.clone()).collect();
        assert_eq!(
            messages,
            ["key `last` is already an `ids` alias of another entry; this entry is skipped"]
        );
        assert_eq!(bib.papers.len(), 1_201, "every other entry is kept");
        assert_eq!(
            bib.get("last").map(|p| p.key.as_str()),
            Some("first"),
            "the name is the alias of the entry that claimed it first"
        );
        assert_eq!(links("@misc{a, IDS = {b}}", "").aliases, ["b"]);
        assert!(
            links("@misc{a, title = {Grids and kids}, abstract = {ids}}", "")
                .aliases
                .is_empty()
        );
    }

    /// Loops biblatex would follow until its stack overflows, whichever way they are written:
    /// through an `ids` alias, through a macro, from an entry without a key; and a chain too
    /// long to follow. Each is reported and skipped; the rest loads.
    #[test]
    fn every_way_to_a_crossref_loop_is_caught() {
        let parse_one = |text: &str| {
            let mut diags = Diagnostics::new();
            let bib = parse(vec![(PathBuf::from("a.bib"), text.to_owned())], &mut diags);
            let messages: Vec<String> = diags.iter().map(|d| d.message.clone()).collect();
            (bib.papers.len(), messages)
        };
        let (n, messages) = parse_one(
            "@misc{x, crossref = {y}}\n@misc{z, ids = {y}, crossref = {x}}\n@misc{ok, title = {T}}\n",
        );
        assert_eq!(n, 1);
        assert_eq!(
            messages,
            ["`crossref` cycle between x → z; these entries are skipped"]
        );

        let (n, messages) =
            parse_one("@string{p = \"a\"}\n@misc{a, crossref = p}\n@misc{ok, title = {T}}\n");
        assert_eq!(n, 1);
        assert_eq!(
            messages,
            ["a: `crossref` points to the entry itself; the entry is skipped"]
        );

        let (_, messages) = parse_one("@a{,crossref={}}\n");
        assert_eq!(messages, ["entry without a key; it is skipped"]);

        let (n, messages) =
            parse_one("@r{a{,}@c{self, crossref={self}}}\n@misc{ok, title = {T}}\n");
        assert_eq!(n, 1);
        assert_eq!(messages.len(), 1);
        assert!(messages[0].ends_with("another entry starts inside this one; both are skipped"));

        let (n, messages) =
            parse_one("@string{a{,}@c{self, crossref={self}}}\n@misc{ok, title = {T}}\n");
        assert_eq!(n, 1);
        assert_eq!(messages.len(), 1);
        assert!(messages[0].ends_with("is skipped"), "{messages:?}");

        let chain: String = (0..5_000)
            .map(|i| format!("@misc{{c{i}, title = {{T}}, crossref = {{c{}}}}}\n", i + 1))
            .chain(["@misc{c5000, title = {End}}\n".to_owned()])
            .collect();
        let (n, messages) = parse_one(&chain);
        assert_eq!(n, MAX_CHAIN + 1, "the last links of the chain load");
        assert_eq!(messages.len(), 5_000 - MAX_CHAIN);
        assert!(messages[0].starts_with("c0: its `crossref`/`xdata` chain is more than 10"));
    }
}
