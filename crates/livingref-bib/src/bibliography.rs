//! The loaded bibliography: papers in file order, looked up by key or `ids` alias, and sorted
//! once newest first.

use crate::paper::Paper;
use crate::validate::{Checked, Good};
use livingref_core::Location;
use livingref_core::span::LineIndex;
use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;

/// Every paper of the configured files, in file order, first definition of a key winning.
#[derive(Debug, Default)]
pub struct Bibliography {
    /// In file order.
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

    /// Letters the years of papers that a citation would otherwise not tell apart: same
    /// `who` (the names a citation shows) and same year become `2022a`, `2022b`, … in the
    /// order of their titles (then keys), so the letters stay put across builds and do not
    /// depend on which chapter cites first.
    pub fn disambiguate_years(&mut self, who: impl Fn(&Paper) -> String) {
        let mut groups: HashMap<(String, i32), Vec<usize>> = HashMap::new();
        for (i, paper) in self.papers.iter().enumerate() {
            if let Some(year) = paper.year() {
                groups.entry((who(paper), year)).or_default().push(i);
            }
        }
        for mut same in groups.into_values().filter(|g| g.len() > 1) {
            same.sort_by_cached_key(|&i| {
                (
                    self.papers[i].title.to_lowercase(),
                    self.papers[i].key.clone(),
                )
            });
            for (n, i) in same.into_iter().enumerate() {
                // Past `z`, letters repeat; 26 papers of one author in one year is beyond any
                // bibliography this serves.
                self.papers[i].year_suffix = char::from_u32(u32::from(b'a') + (n % 26) as u32);
            }
        }
    }

    /// Papers from newest to oldest.
    pub fn newest_first(&self) -> impl Iterator<Item = &Paper> {
        self.newest.iter().map(|&i| &self.papers[i])
    }
}

/// The good entries parsed with the `@string`s, so macros and `crossref` resolve across
/// files; each paper keeps its file, line and the BibTeX as written. When no entry links to
/// another (`independent`: no `crossref`, `xdata` or `ids`, the usual case), each core
/// parses its own run of entries; otherwise they are parsed together.
pub(crate) fn assemble(
    sources: &[(PathBuf, String)],
    checked: &Checked,
) -> Result<Bibliography, biblatex::ParseError> {
    let Checked {
        strings,
        good,
        independent,
    } = checked;
    let origin: HashMap<String, (usize, Range<usize>)> = good
        .iter()
        .map(|g| (g.key.to_lowercase(), (g.file, g.range.clone())))
        .collect();
    let indexes: Vec<LineIndex<'_>> = sources
        .iter()
        .map(|(_, text)| LineIndex::new(text))
        .collect();
    let parse = |run: &[Good]| {
        let mut combined = strings.to_owned();
        for g in run {
            combined.push_str(&sources[g.file].1[g.range.clone()]);
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
        // Copy-BibTeX gives the entry as the maintainer wrote it, unless that would not stand
        // on its own in another file: then the entry as resolved, macros expanded and the
        // fields it inherits written in.
        match text.get(range.clone()) {
            Some(original) if !range.is_empty() => {
                paper.bibtex = crate::copy::for_copy(original, entry);
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
    let papers: Vec<Option<Paper>> = if *independent {
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
