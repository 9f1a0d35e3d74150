//! Byte-range edits applied to the original text.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

/// Replace `range` of the original text with `replacement` (an empty range inserts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    pub replacement: String,
}

impl Edit {
    pub fn insert(at: usize, text: impl Into<String>) -> Self {
        Edit {
            range: at..at,
            replacement: text.into(),
        }
    }

    pub fn replace(range: Range<usize>, text: impl Into<String>) -> Self {
        Edit {
            range,
            replacement: text.into(),
        }
    }
}

/// A set of edits that cannot be applied. It is a bug in the plugin that produced them, so it
/// is reported (as an error diagnostic by the caller), never "fixed up" by guessing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpliceError {
    OutOfBounds {
        range: Range<usize>,
        len: usize,
    },
    NotCharBoundary {
        offset: usize,
    },
    Overlap {
        first: Range<usize>,
        second: Range<usize>,
    },
}

impl fmt::Display for SpliceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SpliceError::OutOfBounds { range, len } => {
                write!(f, "edit {range:?} lies outside the text ({len} bytes)")
            }
            SpliceError::NotCharBoundary { offset } => {
                write!(f, "edit boundary {offset} falls inside a UTF-8 character")
            }
            SpliceError::Overlap { first, second } => {
                write!(f, "edits {first:?} and {second:?} overlap")
            }
        }
    }
}

impl std::error::Error for SpliceError {}

/// Applies `edits` to `text`. With no edits the text is borrowed back unchanged, so untouched
/// chapters cost nothing and stay byte-identical.
///
/// Edits may come in any order; insertions at the same offset keep the order they were given
/// in. The result is built in one forward pass (the same outcome as applying edits in reverse
/// with `replace_range`, without its quadratic copying).
pub fn splice<'t>(text: &'t str, mut edits: Vec<Edit>) -> Result<Cow<'t, str>, SpliceError> {
    if edits.is_empty() {
        return Ok(Cow::Borrowed(text));
    }
    // Stable: equal starts keep their given order; an insertion sorts before a replacement
    // starting at the same offset.
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    let mut prev: Option<&Range<usize>> = None;
    for edit in &edits {
        let Range { start, end } = edit.range;
        if start > end || end > text.len() {
            return Err(SpliceError::OutOfBounds {
                range: edit.range.clone(),
                len: text.len(),
            });
        }
        for offset in [start, end] {
            if !text.is_char_boundary(offset) {
                return Err(SpliceError::NotCharBoundary { offset });
            }
        }
        if let Some(p) = prev
            && p.end > start
        {
            return Err(SpliceError::Overlap {
                first: p.clone(),
                second: edit.range.clone(),
            });
        }
        prev = Some(&edit.range);
    }
    let added: usize = edits.iter().map(|e| e.replacement.len()).sum();
    let mut out = String::with_capacity(text.len() + added);
    let mut copied = 0;
    for edit in &edits {
        out.push_str(&text[copied..edit.range.start]);
        out.push_str(&edit.replacement);
        copied = edit.range.end;
    }
    out.push_str(&text[copied..]);
    Ok(Cow::Owned(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_edits_borrows_the_original() {
        assert!(matches!(
            splice("text", vec![]).unwrap(),
            Cow::Borrowed("text")
        ));
    }

    #[test]
    fn edits_apply_in_any_order_and_keep_insert_order() {
        let text = "Суперпозиция и SAE.";
        let sae = text.find("SAE").unwrap();
        let edits = vec![
            Edit::insert(sae + 3, "</a>"),
            Edit::insert(0, "<b>"),
            Edit::insert(0, "<i>"),
            Edit::insert(sae, "<a>"),
            Edit::replace(0.."Суперпозиция".len(), "Superposition"),
        ];
        assert_eq!(
            splice(text, edits).unwrap(),
            "<b><i>Superposition и <a>SAE</a>."
        );
    }

    #[test]
    fn bad_edits_are_errors_not_panics() {
        assert_eq!(
            splice("ab", vec![Edit::insert(3, "x")]),
            Err(SpliceError::OutOfBounds {
                range: 3..3,
                len: 2
            })
        );
        assert_eq!(
            splice("ж", vec![Edit::insert(1, "x")]),
            Err(SpliceError::NotCharBoundary { offset: 1 })
        );
        assert_eq!(
            splice(
                "abcd",
                vec![Edit::replace(0..2, "x"), Edit::replace(1..3, "y")]
            ),
            Err(SpliceError::Overlap {
                first: 0..2,
                second: 1..3
            })
        );
    }
}
