//! The links between entries that biblatex follows (`crossref`, `xdata`, `ids`), read before
//! it follows them, and the graph checks that keep it from looping: cycles, chains too long,
//! parents that are not there.

use std::collections::{HashMap, HashSet};

/// Longest `crossref`/`xdata` chain accepted: biblatex resolves one link per level of
/// recursion and copies each parent for every child, so a long hostile chain would exhaust the
/// stack or the clock. Real bibliographies use one or two levels.
pub(crate) const MAX_CHAIN: usize = 10;

/// What biblatex follows when it resolves an entry: the keys its `crossref` and `xdata` fields
/// name (`parents`) and the extra keys its `ids` field registers (`aliases`), read exactly as
/// biblatex reads them, macros and TeX resolved, before biblatex resolves anything.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Links {
    /// The key as biblatex reads it, when the entry had to be parsed to find its links.
    pub(crate) key: Option<String>,
    /// biblatex reads more than one entry in the block (an `@` inside an unbalanced key, say):
    /// their links cannot be told apart, so the block is unusable.
    pub(crate) nested: bool,
    pub(crate) parents: Vec<String>,
    pub(crate) aliases: Vec<String>,
}

impl Links {
    /// No entry is reached from this one and no alias registered: it resolves on its own.
    pub(crate) fn is_empty(&self) -> bool {
        self.parents.is_empty() && self.aliases.is_empty()
    }

    /// Whether resolving the entry alone would already loop: a parent is the entry itself.
    pub(crate) fn leads_to_itself(&self, key: &str) -> bool {
        self.parents
            .iter()
            .any(|p| p == key || self.aliases.contains(p))
    }
}

/// The [`Links`] of the entry `source`, with the `@string` macros `strings`.
pub(crate) fn links(source: &str, strings: &str) -> Links {
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

/// (entry index, parent) for each `crossref`/`xdata` parent that no entry's key or alias
/// names.
pub(crate) fn dangling(graph: &[(String, Links)]) -> Vec<(usize, &str)> {
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
pub(crate) fn unsafe_links(entries: &[(String, Links)]) -> (Vec<Vec<String>>, Vec<String>) {
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
pub(crate) fn cycles(links: &HashMap<String, Vec<String>>) -> Vec<Vec<String>> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
