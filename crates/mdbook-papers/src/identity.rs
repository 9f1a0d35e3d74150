//! When two bibliography entries are the same paper, even under different keys.
//!
//! The same paper reaches a bibliography from arXiv, from Google Scholar and from Zotero with
//! three keys, and with versions (`2404.14082v3`), DOI spellings (`https://doi.org/10.…`) and
//! title casing (`{T}oy {M}odels`) that differ. An entry is the same paper as another when they
//! share a key (ignoring case, as BibTeX does), a DOI (ignoring case), an arXiv id (without its
//! version), or a normalized title.

use livingref_bib::Paper;
use std::collections::HashMap;

/// Why two entries are the same paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Same {
    Key,
    Doi,
    Arxiv,
    Title,
}

impl Same {
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Same::Key => "the same key",
            Same::Doi => "the same DOI",
            Same::Arxiv => "the same arXiv id",
            Same::Title => "the same title",
        }
    }
}

/// The normalized identifiers of a paper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Identity {
    pub key: String,
    pub doi: Option<String>,
    pub arxiv: Option<String>,
    pub title: Option<String>,
}

impl Identity {
    pub(crate) fn of(paper: &Paper) -> Identity {
        Identity {
            key: paper.key.to_lowercase(),
            doi: paper
                .doi
                .as_deref()
                .map(normalize_doi)
                .filter(|d| !d.is_empty()),
            arxiv: paper.arxiv.clone(),
            // Very short titles ("Notes") and the placeholder of untitled entries say nothing.
            title: Some(normalize_title(&paper.title))
                .filter(|t| t.len() >= 8 && paper.title != livingref_bib::UNTITLED),
        }
    }
}

/// `https://doi.org/10.1/X` and `doi:10.1/x` are both `10.1/x`: DOIs are case-insensitive.
pub(crate) fn normalize_doi(doi: &str) -> String {
    let doi = doi.trim();
    let lower = doi.to_lowercase();
    let start = lower.find("10.").unwrap_or(0);
    lower[start..].to_owned()
}

/// A title reduced to its ASCII letters and digits: braces, accents, punctuation, spacing and
/// case differ between exports of one paper; the words do not.
pub(crate) fn normalize_title(title: &str) -> String {
    deunicode::deunicode(title)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Papers indexed by each identifier, to find the one a new entry duplicates.
#[derive(Debug, Default)]
pub(crate) struct Index {
    by: HashMap<(Same, String), usize>,
}

impl Index {
    /// Remembers `identity` as paper number `n`; the first paper with an identifier keeps it.
    pub(crate) fn insert(&mut self, identity: &Identity, n: usize) {
        for (same, value) in parts(identity) {
            self.by.entry((same, value.to_owned())).or_insert(n);
        }
    }

    /// The first paper `identity` duplicates, and why (key, DOI, arXiv id, then title).
    pub(crate) fn find(&self, identity: &Identity) -> Option<(usize, Same)> {
        parts(identity)
            .find_map(|(same, value)| self.by.get(&(same, value.to_owned())).map(|&n| (n, same)))
    }
}

fn parts(identity: &Identity) -> impl Iterator<Item = (Same, &str)> {
    [
        Some((Same::Key, identity.key.as_str())),
        identity.doi.as_deref().map(|d| (Same::Doi, d)),
        identity.arxiv.as_deref().map(|a| (Same::Arxiv, a)),
        identity.title.as_deref().map(|t| (Same::Title, t)),
    ]
    .into_iter()
    .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_paper_normalize_alike() {
        assert_eq!(
            normalize_doi("https://doi.org/10.23915/Distill.00024"),
            "10.23915/distill.00024"
        );
        assert_eq!(normalize_doi("doi:10.1/x"), "10.1/x");
        assert_eq!(
            normalize_title("{T}oy {M}odels of {S}uperposition"),
            normalize_title("Toy models of superposition.")
        );
        assert_eq!(normalize_title("Über Façade"), "uberfacade");
    }

    #[test]
    fn the_first_matching_identifier_names_the_reason() {
        let mut index = Index::default();
        let a = Identity {
            key: "a".into(),
            doi: Some("10.1/x".into()),
            arxiv: Some("2404.14082".into()),
            title: Some("toymodels".into()),
        };
        index.insert(&a, 0);
        let by_arxiv = Identity {
            key: "b".into(),
            doi: None,
            arxiv: Some("2404.14082".into()),
            title: Some("other".into()),
        };
        assert_eq!(index.find(&by_arxiv), Some((0, Same::Arxiv)));
        let unrelated = Identity {
            key: "c".into(),
            doi: Some("10.1/y".into()),
            arxiv: None,
            title: None,
        };
        assert_eq!(index.find(&unrelated), None);
    }
}
