//! Byte offsets to human positions.
//!
//! Every parser in the suite works on byte offsets (pulldown-cmark's offset iterator, TOML
//! spans, BibTeX entry starts). People read `line:column`. [`LineIndex`] converts the first
//! into the second once per file, so a diagnostic never re-scans a chapter from the start.

/// A 1-based line and column. The column counts Unicode scalar values, as rustc does, so a
/// caret under Cyrillic text lands on the right letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub col: usize,
}

/// Line starts of one text, for `O(log n)` offset → line/column lookups.
#[derive(Debug)]
pub struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset at which each line starts; always begins with `0`.
    starts: Vec<usize>,
    /// Characters before every [`CHECKPOINT`]-th byte (moved back to a char boundary), built
    /// the first time a column is asked for far into a long line. Counting characters from
    /// the line start instead made many diagnostics on one long line (a one-line `.bib`, a
    /// card's evidence list) quadratic.
    checkpoints: std::sync::OnceLock<Vec<(usize, usize)>>,
}

/// Bytes between two [`LineIndex`] checkpoints.
const CHECKPOINT: usize = 4096;

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex {
            text,
            starts,
            checkpoints: std::sync::OnceLock::new(),
        }
    }

    /// Position of `offset` (clamped to the text, and moved back to a char boundary).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = floor_char_boundary(self.text, offset);
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let col = if offset - start <= CHECKPOINT {
            self.text[start..offset].chars().count()
        } else {
            self.chars_before(offset) - self.chars_before(start)
        } + 1;
        LineCol {
            line: line + 1,
            col,
        }
    }

    /// How many characters precede byte `offset` (a char boundary).
    fn chars_before(&self, offset: usize) -> usize {
        let checkpoints = self.checkpoints.get_or_init(|| {
            let mut out = vec![(0, 0)];
            let mut chars = 0;
            let mut from = 0;
            while from + CHECKPOINT < self.text.len() {
                let to = floor_char_boundary(self.text, from + CHECKPOINT);
                chars += self.text[from..to].chars().count();
                out.push((to, chars));
                from = to;
            }
            out
        });
        let k = checkpoints.partition_point(|&(b, _)| b <= offset) - 1;
        let (byte, chars) = checkpoints[k];
        chars + self.text[byte..offset].chars().count()
    }

    /// The text of the line holding `offset`, and `offset`'s byte position in it.
    pub fn line_text_at(&self, offset: usize) -> (&'a str, usize) {
        let offset = floor_char_boundary(self.text, offset);
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let text = self.line_text(line + 1);
        (text, (offset - self.starts[line]).min(text.len()))
    }

    /// The byte offset where 1-based `line` ends (before its line break).
    pub fn line_end(&self, line: usize) -> usize {
        let start = self.starts.get(line.wrapping_sub(1)).copied().unwrap_or(0);
        start + self.line_text(line).len()
    }

    /// The text of 1-based `line` without its line ending (`\n` or `\r\n`).
    pub fn line_text(&self, line: usize) -> &'a str {
        let Some(&start) = self.starts.get(line.wrapping_sub(1)) else {
            return "";
        };
        let end = self.starts.get(line).map_or(self.text.len(), |&next| next);
        let text = &self.text[start..end];
        let text = text.strip_suffix('\n').unwrap_or(text);
        text.strip_suffix('\r').unwrap_or(text)
    }

    pub fn text(&self) -> &'a str {
        self.text
    }
}

/// Whether `pos` lies in one of `sorted` (ordered, non-overlapping ranges): a binary search,
/// so a chapter full of candidates stays linear. The one such lookup of the suite.
pub fn in_sorted(sorted: &[std::ops::Range<usize>], pos: usize) -> bool {
    let i = sorted.partition_point(|r| r.end <= pos);
    sorted.get(i).is_some_and(|r| r.start <= pos)
}

/// Largest char boundary `<= offset`, clamped to the text length.
pub(crate) fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_chars_not_bytes() {
        let idx = LineIndex::new("abc\nпривет мир\r\nend");
        assert_eq!(idx.line_col(0), LineCol { line: 1, col: 1 });
        assert_eq!(idx.line_col(4), LineCol { line: 2, col: 1 });
        // "мир" starts after "привет " = 7 chars (13 bytes).
        let mir = "abc\nпривет ".len();
        assert_eq!(idx.line_col(mir), LineCol { line: 2, col: 8 });
        assert_eq!(idx.line_text(2), "привет мир");
        assert_eq!(idx.line_text(3), "end");
        assert_eq!(idx.line_text(9), "");
    }

    #[test]
    fn offsets_inside_a_char_or_past_the_end_are_clamped() {
        let idx = LineIndex::new("ж\n");
        assert_eq!(idx.line_col(1), LineCol { line: 1, col: 1 });
        assert_eq!(idx.line_col(99), LineCol { line: 2, col: 1 });
    }
}
