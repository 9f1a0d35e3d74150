//! Diagnostics at the file on disk, whatever ran before.
//!
//! A plugin reads the chapter as mdBook hands it over: with `{{#include}}` expanded by
//! mdBook's `links`, and rewritten by the plugins before it (a hypothesis card's HTML has
//! another number of lines than its TOML). A line number in that text is not a line of any
//! file the author can open: a citation on line 11 of `a.md` was reported at `a.md:13`, one on
//! line 3 of an included `part.md` at `a.md:17`.
//!
//! [`to_disk`] maps them back. It reads the chapter's file, expands its `{{#include}}`s as
//! mdBook does (whole files and line ranges, recursively), remembering which file and line
//! each line came from, and aligns that with the text the plugin received, line by line, with
//! a diff (the `similar` crate). A received line that is in the sources maps to its file and
//! line; one that an earlier plugin wrote maps to the source line it replaced or follows. It
//! runs only for chapters that have diagnostics.

use crate::diag::{Diagnostics, Location, display_path};
use std::path::{Path, PathBuf};

/// How deep includes may nest before the expansion stops (mdBook's own limit).
const MAX_DEPTH: usize = 10;

/// Where one line of the expanded sources came from.
#[derive(Debug, Clone)]
struct Origin {
    file: usize,
    line: usize,
}

struct Expanded {
    /// The files read, as diagnostics name them, and their text.
    files: Vec<(PathBuf, String)>,
    /// Each expanded line: its text and where it came from.
    lines: Vec<(String, Origin)>,
}

/// Rewrites every location in `diags` that points into the chapter `source_path` (relative to
/// `src_dir`, which is under the book `root`) so that it names the file and line on disk.
/// `received` is the text the plugin was given, which the locations were computed in.
pub fn to_disk(
    diags: &mut Diagnostics,
    received: &str,
    root: &Path,
    src_dir: &Path,
    source_path: &Path,
) {
    let shown = display_path(root, &src_dir.join(source_path));
    if !diags.iter().any(|d| {
        d.location
            .as_ref()
            .is_some_and(|l| l.file == shown && l.line > 0)
    }) {
        return;
    }
    if let Some(map) = SourceMap::new(received, root, src_dir, source_path) {
        diags.relocate(|loc| map.relocate(loc));
    }
}

/// [`to_disk`] for diagnostics of a book-wide check, which may point into any chapter of
/// `book` (still the text as received). Only chapters that some diagnostic names are read.
pub fn book_to_disk(
    diags: &mut Diagnostics,
    book: &mdbook_preprocessor::book::Book,
    ctx: &mdbook_preprocessor::PreprocessorContext,
) {
    if diags.is_empty() {
        return;
    }
    let src_dir = ctx.root.join(&ctx.config.book.src);
    for chapter in book.chapters() {
        if let Some(source) = &chapter.source_path {
            to_disk(diags, &chapter.content, &ctx.root, &src_dir, source);
        }
    }
}

/// The lines of one received chapter, each with its place on disk.
pub struct SourceMap {
    shown: PathBuf,
    expanded: Expanded,
    map: Vec<Option<(Origin, bool)>>,
}

impl SourceMap {
    /// `None` when the chapter's file cannot be read, or the plugin received it unchanged
    /// (every location is right already).
    pub fn new(received: &str, root: &Path, src_dir: &Path, source_path: &Path) -> Option<Self> {
        let source = std::fs::read_to_string(src_dir.join(source_path)).ok()?;
        let source = source
            .strip_prefix('\u{feff}')
            .unwrap_or(&source)
            .to_owned();
        if source == received {
            return None;
        }
        let mut expanded = Expanded {
            files: Vec::new(),
            lines: Vec::new(),
        };
        expand(
            &mut expanded,
            root,
            &src_dir.join(source_path),
            source,
            None,
            0,
        );
        let received_lines: Vec<&str> = received.lines().collect();
        let map = align(&expanded, &received_lines);
        Some(SourceMap {
            shown: display_path(root, &src_dir.join(source_path)),
            expanded,
            map,
        })
    }

    /// Moves `loc` to the file and line on disk, if it points into the received chapter.
    pub fn relocate(&self, loc: &mut Location) {
        if loc.file != self.shown || loc.line == 0 {
            return;
        }
        let Some((origin, exact)) = self.map.get(loc.line - 1).cloned().flatten() else {
            return;
        };
        let (file, text) = &self.expanded.files[origin.file];
        let line_text = text.lines().nth(origin.line - 1).unwrap_or_default();
        // An exact line keeps its column; a line an earlier plugin wrote points at the start of
        // the source line it came from.
        let col = if exact { loc.col } else { 1 };
        *loc = Location::at_line(file.clone(), origin.line, col, line_text);
    }
}

/// Appends the lines of `text` (the file `path`, or lines `range` of it) to `out`, expanding
/// `{{#include …}}` lines.
fn expand(
    out: &mut Expanded,
    root: &Path,
    path: &Path,
    text: String,
    range: Option<(usize, usize)>,
    depth: usize,
) {
    let file = out.files.len();
    out.files.push((display_path(root, path), text));
    let text = out.files[file].1.clone();
    let dir = path.parent().unwrap_or(Path::new("."));
    for (n, line) in text.lines().enumerate() {
        let number = n + 1;
        if range.is_some_and(|(from, to)| number < from || number > to) {
            continue;
        }
        if depth < MAX_DEPTH
            && let Some((target, lines)) = include_of(line)
        {
            let target = dir.join(target);
            if let Ok(included) = std::fs::read_to_string(&target) {
                expand(out, root, &target, included, lines, depth + 1);
                continue;
            }
        }
        out.lines
            .push((line.to_owned(), Origin { file, line: number }));
    }
}

/// `{{#include path}}` or `{{#include path:from:to}}` standing alone on `line`: the path and
/// the 1-based inclusive line range (anchors and partial lines map by the diff alone).
fn include_of(line: &str) -> Option<(&str, Option<(usize, usize)>)> {
    let inner = line
        .trim()
        .strip_prefix("{{#include")?
        .strip_suffix("}}")?
        .trim();
    let mut parts = inner.split(':');
    let path = parts.next()?.trim();
    if path.is_empty() {
        return None;
    }
    let from = parts.next().map(str::trim);
    let to = parts.next().map(str::trim);
    let range = match (from, to) {
        (None, _) => None,
        (Some(a), b) => {
            let Ok(start) = (if a.is_empty() {
                Ok(1)
            } else {
                a.parse::<usize>()
            }) else {
                // An anchor: the whole file; the diff finds the lines.
                return Some((path, None));
            };
            let end = match b {
                None => start,
                Some("") => usize::MAX,
                Some(b) => b.parse().unwrap_or(usize::MAX),
            };
            Some((start.max(1), end))
        }
    };
    Some((path, range))
}

/// For each received line: where it came from, and whether it is that line exactly.
fn align(expanded: &Expanded, received: &[&str]) -> Vec<Option<(Origin, bool)>> {
    use similar::{Algorithm, DiffOp, capture_diff_slices};
    let old: Vec<&str> = expanded.lines.iter().map(|(t, _)| t.as_str()).collect();
    let mut out: Vec<Option<(Origin, bool)>> = vec![None; received.len()];
    let mut last: Option<Origin> = expanded.lines.first().map(|(_, o)| o.clone());
    for op in capture_diff_slices(Algorithm::Myers, &old, received) {
        match op {
            DiffOp::Equal {
                old_index,
                new_index,
                len,
            } => {
                for i in 0..len {
                    let origin = expanded.lines[old_index + i].1.clone();
                    out[new_index + i] = Some((origin.clone(), true));
                    last = Some(origin);
                }
            }
            DiffOp::Replace {
                old_index,
                new_index,
                new_len,
                ..
            } => {
                let origin = expanded.lines.get(old_index).map(|(_, o)| o.clone());
                for i in 0..new_len {
                    out[new_index + i] =
                        origin.clone().or_else(|| last.clone()).map(|o| (o, false));
                }
            }
            DiffOp::Insert {
                new_index, new_len, ..
            } => {
                for i in 0..new_len {
                    out[new_index + i] = last.clone().map(|o| (o, false));
                }
            }
            DiffOp::Delete { .. } => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn include_lines_and_ranges() {
        assert_eq!(include_of("{{#include part.md}}"), Some(("part.md", None)));
        assert_eq!(
            include_of("  {{#include code.rs:2:4}} "),
            Some(("code.rs", Some((2, 4))))
        );
        assert_eq!(
            include_of("{{#include a.rs:3:}}"),
            Some(("a.rs", Some((3, usize::MAX))))
        );
        assert_eq!(include_of("{{#include a.rs:anchor}}"), Some(("a.rs", None)));
        assert_eq!(include_of("text {{#include a.md}}"), None);
    }
}
