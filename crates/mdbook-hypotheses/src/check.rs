//! Checks that need the whole book: unique ids, parents that exist and never loop, citations
//! that the bibliography knows, and statuses that agree with their evidence.

use crate::card::{Card, Stance};
use livingref_core::config::nearest;
use livingref_core::{Diagnostic, Diagnostics};
use mdbook_papers::bib::Bibliography;
use std::collections::{HashMap, HashSet};

pub fn book(cards: &[Card], bibliography: Option<&Bibliography>, diags: &mut Diagnostics) {
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
    let ids: Vec<&str> = first.keys().copied().collect();
    for c in cards {
        if let Some(p) = &c.parent
            && !first.contains_key(p.as_str())
        {
            let mut d = Diagnostic::error(format!("unknown parent `{p}`")).at(c.parent_at.clone());
            if let Some(near) = nearest(p, ids.iter()) {
                d = d.help(format!("did you mean `{near}`?"));
            }
            diags.push(d);
        }
    }
    // Parent cycles: follow each chain; a chain that meets itself is reported once.
    let mut reported: HashSet<&str> = HashSet::new();
    for c in cards {
        let mut seen: Vec<&str> = vec![c.id.as_str()];
        let mut at = c;
        while let Some(next) = at.parent.as_deref().and_then(|p| first.get(p)) {
            if let Some(pos) = seen.iter().position(|s| *s == next.id) {
                let cycle = &seen[pos..];
                if cycle.iter().all(|id| !reported.contains(id)) {
                    reported.extend(cycle.iter().copied());
                    diags.push(
                        Diagnostic::error(format!(
                            "`parent` cycle: {} → {}",
                            cycle.join(" → "),
                            next.id
                        ))
                        .at(at.parent_at.clone())
                        .help("a parent must be a broader hypothesis that does not lead back"),
                    );
                }
                break;
            }
            seen.push(&next.id);
            at = next;
        }
    }
    let Some(bib) = bibliography else { return };
    let keys: Vec<&str> = bib.keys().collect();
    for c in cards {
        for e in &c.evidence {
            if bib.get(&e.cite).is_none() {
                let mut d = Diagnostic::error(format!("`{}` is not in the bibliography", e.cite))
                    .at(e.at.clone());
                d = match nearest(&e.cite, keys.iter()) {
                    Some(near) => d.help(format!("did you mean `{near}`?")),
                    None => d.help("add the entry to the `[preprocessor.papers]` bibliography"),
                };
                diags.push(d);
            }
        }
        consistency(c, bib, diags);
    }
}

/// Warnings where a card's status and its evidence disagree.
fn consistency(c: &Card, bib: &Bibliography, diags: &mut Diagnostics) {
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
    if let Some(reviewed) = c.last_reviewed {
        for e in c.evidence.iter().filter(|e| e.stance == Stance::Contests) {
            let Some(date) = bib.get(&e.cite).and_then(|p| p.date) else {
                continue;
            };
            let newer = (date.year, date.month, date.day)
                > (reviewed.year, reviewed.month, reviewed.day)
                && date.month > 0
                || (date.month == 0 && date.year > reviewed.year);
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
