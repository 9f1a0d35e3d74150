//! `@string` macros that biblatex could not expand without overflowing its stack or the
//! page: found by walking them ourselves, without recursion, before biblatex expands any.

use std::collections::HashMap;

/// Longest chain of `@string` macros defined by other macros that is accepted. biblatex
/// expands a macro by recursion with no guard, so `@string{a = a}` (or `a = b`, `b = a`)
/// overflows the stack and kills the process, and so would a very long chain. Real files
/// rarely go beyond one level (`@string{jmlr = "J. Mach. " # learn}`).
pub(crate) const MAX_MACRO_CHAIN: usize = 32;

/// A macro biblatex could not expand.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum MacroTrouble {
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
pub(crate) const MAX_MACRO_LEN: usize = 4096;

/// A macro of the `@string` blocks `strings` that biblatex could not expand. The macros are
/// read with biblatex's own raw parser, a later definition replacing an earlier one as
/// biblatex does, and walked without recursion. `None` when every macro expands (or the text
/// does not parse: that is reported where it is written).
pub(crate) fn unresolvable_macro(strings: &str) -> Option<MacroTrouble> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
