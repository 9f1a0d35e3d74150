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
        match std::fs::read(&path) {
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
    let texts: Vec<(PathBuf, String)> = texts
        .into_iter()
        .map(|(shown, text)| match text.strip_prefix('\u{feff}') {
            Some(rest) => (shown, rest.to_owned()),
            None => (shown, text),
        })
        .collect();
    if let Some(bibliography) = at_once(&texts) {
        return bibliography;
    }
    entry_by_entry(texts, diags)
}

/// The common case, a bibliography with nothing to report: every entry parsed and resolved in
/// one pass. `None` when anything would need a diagnostic; [`entry_by_entry`] then finds and
/// reports it, parsing each entry alone.
fn at_once(texts: &[(PathBuf, String)]) -> Option<Bibliography> {
    let mut strings = String::new();
    let mut good: Vec<(usize, Range<usize>, String)> = Vec::new();
    let mut keys: HashSet<String> = HashSet::new();
    let mut links_of: HashMap<String, Vec<String>> = HashMap::new();
    for (file_no, (_, text)) in texts.iter().enumerate() {
        let (blocks, unclosed) = split(text);
        if unclosed.is_some() {
            return None;
        }
        for block in blocks {
            let source = &text[block.range.clone()];
            match block.kind.as_str() {
                "comment" | "preamble" => {}
                "string" => {
                    strings.push_str(source);
                    strings.push('\n');
                }
                _ => {
                    let key = entry_key(source);
                    let links = parents(source);
                    if links.iter().any(|p| p.eq_ignore_ascii_case(&key))
                        || !keys.insert(key.clone())
                    {
                        return None;
                    }
                    links_of.insert(key.to_lowercase(), links);
                    good.push((file_no, block.range.clone(), key));
                }
            }
        }
    }
    if !cycles(&links_of).is_empty() {
        return None;
    }
    assemble(texts, &strings, &good).ok()
}

/// Every entry checked alone, so each problem is reported where it is written and every
/// other entry is still used.
fn entry_by_entry(texts: Vec<(PathBuf, String)>, diags: &mut Diagnostics) -> Bibliography {
    let mut strings = String::new();
    let mut sources: Vec<(PathBuf, String)> = Vec::new();
    let mut good: Vec<(usize, Range<usize>, String)> = Vec::new(); // (file, range, key)
    // Each key or `ids` alias taken so far: where, and whether as an alias.
    let mut first_seen: HashMap<String, (usize, Range<usize>, bool)> = HashMap::new();
    let mut links_of: HashMap<String, Vec<String>> = HashMap::new();
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
                "string" => {
                    // Check it alone first, so a broken macro is reported where it is written.
                    match biblatex::Bibliography::parse(&format!("{strings}{source}\n")) {
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
                    // `biblatex` follows `crossref`/`xdata` recursively and overflows its stack on
                    // a cycle, so links are read from the raw entry (no resolution) first.
                    let links = parents(source);
                    if links.iter().any(|p| p.eq_ignore_ascii_case(&key)) {
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
                            let own_aliases = aliases(source);
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
                            links_of.insert(key.to_lowercase(), links);
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

    // Entries on a crossref cycle would overflow the resolver's stack: report and drop them.
    for cycle in cycles(&links_of) {
        let on_cycle: Vec<&(usize, Range<usize>, String)> = good
            .iter()
            .filter(|(_, _, k)| cycle.contains(&k.to_lowercase()))
            .collect();
        if let Some((file, range, _)) = on_cycle.first() {
            let (shown, text) = &sources[*file];
            diags.push(
                Diagnostic::warning(format!(
                    "`crossref` cycle between {}; these entries are skipped",
                    cycle.join(" → ")
                ))
                .at(Location::in_text(
                    shown,
                    &LineIndex::new(text),
                    range.start..range.start + 1,
                ))
                .help("an entry's `crossref` must lead to a parent that does not lead back"),
            );
        }
        good.retain(|(_, _, k)| !cycle.contains(&k.to_lowercase()));
    }

    match assemble(&sources, &strings, &good) {
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
/// another (no `crossref` or `xdata`, the usual case), entries are independent and each core
/// parses its own run of them; otherwise they are parsed together.
fn assemble(
    sources: &[(PathBuf, String)],
    strings: &str,
    good: &[(usize, Range<usize>, String)],
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
    let independent = good.iter().all(|(file, range, _)| {
        let source = &sources[*file].1[range.clone()];
        parents(source).is_empty() && !has_aliases(source)
    });
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

/// The keys an entry's `crossref` and `xdata` fields point to (lower-case), read without
/// resolving anything.
fn parents(source: &str) -> Vec<String> {
    // Most entries have neither field: skip the parse for them.
    let mentions = |field: &str| {
        source
            .as_bytes()
            .windows(field.len())
            .any(|w| w.eq_ignore_ascii_case(field.as_bytes()))
    };
    if !mentions("crossref") && !mentions("xdata") {
        return Vec::new();
    }
    raw_list(source, &["crossref", "xdata"])
        .into_iter()
        .map(|k| k.to_lowercase())
        .collect()
}

/// The comma-separated values of the fields `names` in `source`, read with biblatex's raw
/// parser: no macro, `crossref` or `xdata` is resolved.
fn raw_list(source: &str, names: &[&str]) -> Vec<String> {
    let Ok(raw) = biblatex::RawBibliography::parse(source) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for pair in raw.entries.iter().flat_map(|entry| &entry.v.fields) {
        if !names.iter().any(|n| pair.key.v.eq_ignore_ascii_case(n)) {
            continue;
        }
        let value: String = pair
            .value
            .v
            .iter()
            .map(|c| match c.v {
                biblatex::RawChunk::Normal(s) | biblatex::RawChunk::Abbreviation(s) => s,
            })
            .collect();
        out.extend(
            value
                .split(',')
                .map(|k| k.trim().to_owned())
                .filter(|k| !k.is_empty()),
        );
    }
    out
}

/// The keys an entry's `ids` field adds (biblatex registers them as aliases, so a later entry
/// with one of them as its key clashes), read without resolving anything.
fn aliases(source: &str) -> Vec<String> {
    // `ids`, then `=` after optional white space, as any field is written; only then parse.
    let bytes = source.as_bytes();
    let written = (0..bytes.len().saturating_sub(2)).any(|i| {
        bytes[i..i + 3].eq_ignore_ascii_case(b"ids")
            && bytes[i + 3..]
                .iter()
                .find(|b| !b.is_ascii_whitespace())
                .is_some_and(|&b| b == b'=')
    });
    if !written {
        return Vec::new();
    }
    raw_list(source, &["ids"])
}

fn has_aliases(source: &str) -> bool {
    !aliases(source).is_empty()
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
        assert_eq!(
            parents("@misc{x, crossref = {Parent}, xdata = {d1, d2}}"),
            ["parent", "d1", "d2"]
        );
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
        assert!(bib.get("last").is_none());
        assert!(has_aliases("@misc{a, IDS = {b}}"));
        assert!(!has_aliases(
            "@misc{a, title = {Grids and kids}, abstract = {ids}}"
        ));
    }
}
