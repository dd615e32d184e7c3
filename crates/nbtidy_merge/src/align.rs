//! Which cell of a side is which cell of the base.
//!
//! 1. When the three notebooks are nbformat 4.5 or later and every cell of each has an `id`,
//!    unique in its notebook, cells are matched by `id` (a cell is the same cell however much it
//!    changed, wherever it moved).
//! 2. Otherwise by content: the sequences of `(cell type, source)` are diffed (Myers); equal cells
//!    match; inside a replaced stretch, a side's cell matches the next base cell of the same type
//!    whose source is at least half the same by lines, or for short cells by characters (an
//!    edited cell), in order; a cell left over that equals a base cell left over is that cell,
//!    moved.

use std::collections::HashMap;

use similar::{Algorithm, DiffTag, capture_diff_slices_deadline};

/// What alignment sees of a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct CellKey<'a> {
    pub kind: u8,
    pub source: &'a str,
}

/// For each cell of `side`, the base cell with the same id.
pub(crate) fn by_id(base: &[&str], side: &[&str]) -> Vec<Option<usize>> {
    let index: HashMap<&str, usize> = base.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    side.iter().map(|id| index.get(id).copied()).collect()
}

/// How far ahead a replaced stretch is searched for an edited cell.
const WINDOW: usize = 16;

/// At least this share of lines in common makes two cells one edited cell.
const SAME_CELL: f32 = 0.5;

/// For each cell of `side`, the base cell it is, by content.
pub(crate) fn by_content(base: &[CellKey<'_>], side: &[CellKey<'_>]) -> Vec<Option<usize>> {
    let mut matched = vec![None; side.len()];
    for op in capture_diff_slices_deadline(Algorithm::Myers, base, side, Some(crate::deadline())) {
        let (tag, old, new) = op.as_tag_tuple();
        match tag {
            DiffTag::Equal => {
                for (o, n) in old.zip(new) {
                    matched[n] = Some(o);
                }
            }
            DiffTag::Replace => {
                let mut next = new.start;
                for o in old {
                    let end = new.end.min(next + WINDOW);
                    let found = (next..end).find(|&n| {
                        base[o].kind == side[n].kind
                            && similarity(base[o].source, side[n].source) >= SAME_CELL
                    });
                    if let Some(n) = found {
                        matched[n] = Some(o);
                        next = n + 1;
                    }
                }
            }
            DiffTag::Delete | DiffTag::Insert => {}
        }
    }
    // Moved cells: a side's cell left unmatched that equals a base cell left unmatched.
    let mut taken = vec![false; base.len()];
    for o in matched.iter().flatten() {
        taken[*o] = true;
    }
    let mut free: HashMap<CellKey<'_>, Vec<usize>> = HashMap::new();
    for (o, key) in base.iter().enumerate().rev() {
        if !taken[o] {
            free.entry(*key).or_default().push(o);
        }
    }
    for (n, slot) in matched.iter_mut().enumerate() {
        if slot.is_none()
            && let Some(o) = free.get_mut(&side[n]).and_then(Vec::pop)
        {
            *slot = Some(o);
        }
    }
    matched
}

/// Texts up to this many bytes are also compared character by character.
const SHORT: usize = 400;

/// The share of lines two texts have in common (0 to 1); two empty texts are the same. Short
/// texts (a cell of a line or two, the common case) are compared by characters too, else any
/// edit of a one-line cell would make it another cell (`df.head()` → `df.head(10)`).
fn similarity(a: &str, b: &str) -> f32 {
    if a == b {
        return 1.0;
    }
    if a.trim().is_empty() || b.trim().is_empty() {
        return 0.0;
    }
    let diff = || {
        let mut config = similar::TextDiff::configure();
        config
            .algorithm(Algorithm::Myers)
            .deadline(crate::deadline());
        config
    };
    let lines = diff().diff_lines(a, b).ratio();
    if lines >= SAME_CELL || a.len() > SHORT || b.len() > SHORT {
        return lines;
    }
    lines.max(diff().diff_chars(a, b).ratio())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys<'a>(sources: &[&'a str]) -> Vec<CellKey<'a>> {
        sources
            .iter()
            .map(|source| CellKey { kind: 0, source })
            .collect()
    }

    #[test]
    fn edited_moved_and_new_cells_are_told_apart() {
        let base = keys(&["import os", "x = 1\ny = 2\nz = 3", "print(x)"]);
        let side = keys(&["import os", "new()", "x = 1\ny = 5\nz = 3", "print(x)"]);
        assert_eq!(by_content(&base, &side), [Some(0), None, Some(1), Some(2)]);
    }

    #[test]
    fn an_edited_one_line_cell_is_the_same_cell() {
        let base = keys(&["import pandas as pd", "df.head()", "df.describe()"]);
        let side = keys(&["import pandas as pd", "df.head(10)", "df.describe()"]);
        assert_eq!(by_content(&base, &side), [Some(0), Some(1), Some(2)]);
        // Another cell altogether is not.
        let side = keys(&["import pandas as pd", "plt.show()", "df.describe()"]);
        assert_eq!(by_content(&base, &side), [Some(0), None, Some(2)]);
    }

    #[test]
    fn ids_match_wherever_cells_are() {
        assert_eq!(
            by_id(&["a", "b"], &["b", "c", "a"]),
            [Some(1), None, Some(0)]
        );
    }
}
