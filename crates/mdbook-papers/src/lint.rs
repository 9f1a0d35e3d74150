//! Book-wide checks of the bibliography.
//!
//! [`duplicates`] runs on every build: the same paper under two keys would be listed twice in
//! every recent-papers section. [`maintainer`] runs for `mdbook-papers check` only, because
//! unused and untagged entries are the maintainer's business, not a reader's.

use crate::identity::{Identity, Index, Same};
use livingref_bib::Bibliography;
use livingref_bib::Paper;
use livingref_core::{Diagnostic, Diagnostics, Location};
use std::collections::HashSet;

/// Where an entry starts, for diagnostics.
pub(crate) fn location(paper: &Paper) -> Location {
    paper.at.clone().unwrap_or_else(|| {
        Location::at_line(
            paper.file.clone(),
            paper.line,
            1,
            paper.bibtex.lines().next().unwrap_or_default(),
        )
    })
}

/// Entries that are the same paper as an earlier one by DOI, arXiv id or title (duplicate keys
/// are reported while loading, where the second entry is dropped).
pub(crate) fn duplicates(bib: &Bibliography, diags: &mut Diagnostics) {
    let mut index = Index::default();
    for (n, paper) in bib.papers.iter().enumerate() {
        let identity = Identity::of(paper);
        if let Some((first, same)) = index.find(&identity)
            && same != Same::Key
        {
            let earlier = &bib.papers[first];
            diags.push(
                Diagnostic::warning(format!(
                    "`{}` has {} as `{}`: the paper is in the bibliography twice",
                    paper.key,
                    same.describe(),
                    earlier.key
                ))
                .at(location(paper))
                .related(location(earlier), "the same paper")
                .help("keep one entry and cite it under one key"),
            );
        }
        index.insert(&identity, n);
    }
}

/// `check`'s extra warnings: entries without a topic tag (they appear in no recent-papers
/// section) and entries nothing in the book cites.
pub(crate) fn maintainer(bib: &Bibliography, cited: &HashSet<String>, diags: &mut Diagnostics) {
    for paper in &bib.papers {
        if paper.keywords.is_empty() {
            diags.push(
                Diagnostic::warning(format!(
                    "`{}` has no topic tags, so no recent-papers section lists it",
                    paper.key
                ))
                .at(location(paper))
                .help("add `keywords = {tag, …}` with tags from `[preprocessor.papers.topics]`"),
            );
        }
    }
    unused(bib, cited, diags);
}

/// Entries no chapter and no hypothesis card cites.
pub(crate) fn unused(bib: &Bibliography, cited: &HashSet<String>, diags: &mut Diagnostics) {
    for paper in bib.papers.iter().filter(|p| !cited.contains(&p.key)) {
        diags.push(
            Diagnostic::warning(format!("`{}` is cited nowhere in the book", paper.key))
                .at(location(paper))
                .help("cite it with {{#cite key}} or [@key], or remove it"),
        );
    }
}
