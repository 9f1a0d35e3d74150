//! Checks that need the whole book: unique ids, parents that exist and never loop, citations
//! that the bibliography knows, and statuses that agree with their evidence.

use crate::card::{Card, Stance};
use livingref_bib::Bibliography;
use livingref_core::{Diagnostic, Diagnostics};
use std::collections::HashMap;

pub(crate) fn book(cards: &[Card], bibliography: Option<&Bibliography>, diags: &mut Diagnostics) {
    let mut first: HashMap<&str, &Card> = HashMap::new();
    for c in cards {
        match first.get(c.id.as_str()) {
            Some(f) => diags.push(
                Diagnostic::error(format!("duplicate hypothesis id `{}`", c.id))
                    .at(c.id_at.clone())
                    .related(f.id_at.clone(), "first used here")
                    .help("ids must be unique across the book; rename one of them"),
            ),
            None => {
                first.insert(&c.id, c);
            }
        }
    }
    let ids = livingref_core::config::Suggestions::new(first.keys().copied());
    for c in cards {
        if let Some(p) = &c.parent
            && !first.contains_key(p.as_str())
        {
            diags.push(
                Diagnostic::error(format!("unknown parent `{p}`"))
                    .at(c.parent_at.clone())
                    .help(ids.help(p, "`parent` names the `id` of another card")),
            );
        }
    }
    parent_cycles(cards, &first, diags);
    // Status against evidence needs no bibliography: a book without mdbook-papers is
    // checked too (it was not, so `strict` passed a "supported" card with no support).
    for c in cards {
        consistency(c, bibliography, diags);
    }
    let Some(bib) = bibliography else { return };
    let keys = livingref_core::config::Suggestions::new(bib.keys());
    for c in cards {
        for e in &c.evidence {
            if bib.get(&e.cite).is_none() {
                diags.push(
                    Diagnostic::error(format!("`{}` is not in the bibliography", e.cite))
                        .at(e.at.clone())
                        .help(keys.help(
                            &e.cite,
                            "add the entry to the `[preprocessor.papers]` bibliography",
                        )),
                );
            }
        }
    }
}

/// Warnings where a card's status and its evidence disagree.
fn consistency(c: &Card, bib: Option<&Bibliography>, diags: &mut Diagnostics) {
    let has = |stance: Stance| c.evidence.iter().any(|e| e.stance == stance);
    if c.status == "supported" && !has(Stance::Supports) {
        diags.push(
            Diagnostic::warning(format!("`{}` is marked supported but cites no supporting evidence", c.id))
                .at(c.status_at.clone())
                .help("add `{ cite = \"key\", stance = \"supports\" }` to `evidence`, or change the status"),
        );
    }
    if c.status == "refuted" && !has(Stance::Contests) {
        diags.push(
            Diagnostic::warning(format!("`{}` is marked refuted but cites no contesting evidence", c.id))
                .at(c.status_at.clone())
                .help("add `{ cite = \"key\", stance = \"contests\" }` to `evidence`, or change the status"),
        );
    }
    if let Some(reviewed) = c.last_reviewed
        && let Some(bib) = bib
    {
        for e in c.evidence.iter().filter(|e| e.stance == Stance::Contests) {
            let Some(date) = bib.get(&e.cite).and_then(|p| p.date) else {
                continue;
            };
            let newer = date.is_after(&reviewed);
            if newer {
                diags.push(
                    Diagnostic::warning(format!(
                        "`{}` contests `{}` and is newer ({}) than its last review ({reviewed})",
                        e.cite,
                        c.id,
                        if date.month > 0 {
                            format!("{}-{:02}", date.year, date.month)
                        } else {
                            date.year.to_string()
                        }
                    ))
                    .at(e.at.clone())
                    .help("review the card against the new evidence and update `last-reviewed`"),
                );
            }
        }
    }
}

/// Reports each `parent` cycle once, in time linear in the number of cards: every card has at
/// most one parent, so each chain is walked until it reaches a card an earlier walk finished
/// (no cycle ahead) or one of its own (a cycle). Following every chain from every card, as
/// this once did, took minutes on 10,000 cards.
fn parent_cycles(cards: &[Card], first: &HashMap<&str, &Card>, diags: &mut Diagnostics) {
    /// How many ids of a long cycle the message names before it counts the rest.
    const SHOWN: usize = 12;
    // For each id: the walk that reached it (walks are numbered from 1).
    let mut walk_of: HashMap<&str, usize> = HashMap::new();
    for (n, c) in cards.iter().enumerate() {
        let walk = n + 1;
        let mut path: Vec<&Card> = Vec::new();
        let mut at = c;
        loop {
            match walk_of.get(at.id.as_str()) {
                Some(&w) if w == walk => {
                    let pos = path.iter().position(|p| p.id == at.id).unwrap_or(0);
                    let cycle = &path[pos..];
                    let mut names: Vec<&str> =
                        cycle.iter().take(SHOWN).map(|p| p.id.as_str()).collect();
                    let more = cycle.len().saturating_sub(SHOWN);
                    let closing = if more > 0 {
                        format!("… ({more} more) → {}", at.id)
                    } else {
                        at.id.clone()
                    };
                    names.push(&closing);
                    let last = cycle.last().copied().unwrap_or(at);
                    diags.push(
                        Diagnostic::error(format!("`parent` cycle: {}", names.join(" → ")))
                            .at(last.parent_at.clone())
                            .help("a parent must be a broader hypothesis that does not lead back"),
                    );
                    break;
                }
                Some(_) => break,
                None => {}
            }
            walk_of.insert(&at.id, walk);
            path.push(at);
            match at.parent.as_deref().and_then(|p| first.get(p)) {
                Some(next) => at = next,
                None => break,
            }
        }
    }
}
