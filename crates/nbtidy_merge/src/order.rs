//! The order of the merged cells.
//!
//! 1. The side that reordered the cells both sides kept sets the order (the current side when
//!    neither or both did; both differently is an order conflict, reported, the current side's
//!    order kept).
//! 2. Cells are dropped where either side deleted them (unless `keep` says otherwise: a cell
//!    deleted on one side and edited on the other stays).
//! 3. Each cell only the other side has goes after the cell that precedes it on that side (and
//!    after the cells the leading side added there), so additions of both sides at one place
//!    are all kept: the leading side's first. Cells after the last cell both sides have go at
//!    the end.

use std::collections::HashSet;
use std::hash::Hash;

/// The merged order, and whether both sides reordered the same cells differently.
pub(crate) fn merge_order<K: Copy + Eq + Hash>(
    base: &[K],
    ours: &[K],
    theirs: &[K],
    keep: impl Fn(K) -> bool,
) -> (Vec<K>, bool) {
    let in_ours: HashSet<K> = ours.iter().copied().collect();
    let in_theirs: HashSet<K> = theirs.iter().copied().collect();
    let both = |k: &K| in_ours.contains(k) && in_theirs.contains(k);
    let common = |seq: &[K]| -> Vec<K> { seq.iter().copied().filter(|k| both(k)).collect() };
    let base_common = common(base);
    let ours_common = common(ours);
    let theirs_common = common(theirs);
    let ours_moved = ours_common != base_common;
    let theirs_moved = theirs_common != base_common;
    let conflict = ours_moved && theirs_moved && ours_common != theirs_common;
    let (lead, follow, follow_set) = if theirs_moved && !ours_moved {
        (theirs, ours, &in_ours)
    } else {
        (ours, theirs, &in_theirs)
    };
    let mut merged: Vec<K> = lead.iter().copied().filter(|k| keep(*k)).collect();
    let mut placed: HashSet<K> = merged.iter().copied().collect();
    let mut anchor: Option<K> = None;
    // Past this index, `follow` adds cells only: they go at the end.
    let last_placed = follow.iter().rposition(|k| placed.contains(k));
    for (n, &k) in follow.iter().enumerate() {
        if placed.contains(&k) {
            anchor = Some(k);
            continue;
        }
        if !keep(k) {
            continue;
        }
        let mut at = match anchor {
            _ if last_placed.is_none_or(|last| n > last) => merged.len(),
            Some(a) => merged.iter().position(|m| *m == a).map_or(0, |p| p + 1),
            None => 0,
        };
        // After what the leading side alone added there.
        while at < merged.len() && !follow_set.contains(&merged[at]) {
            at += 1;
        }
        merged.insert(at, k);
        placed.insert(k);
        anchor = Some(k);
    }
    (merged, conflict)
}

#[cfg(test)]
mod tests {
    use super::merge_order;

    #[test]
    fn additions_of_both_sides_at_one_place_are_kept_in_order() {
        let (merged, conflict) = merge_order(&[1, 2], &[1, 10, 2], &[1, 20, 2], |_| true);
        assert_eq!(merged, [1, 10, 20, 2]);
        assert!(!conflict);
    }

    #[test]
    fn a_reordering_side_leads() {
        let (merged, conflict) = merge_order(&[1, 2, 3], &[1, 2, 3, 4], &[3, 1, 2], |_| true);
        assert_eq!(merged, [3, 1, 2, 4]);
        assert!(!conflict);
        let (_, conflict) = merge_order(&[1, 2, 3], &[2, 1, 3], &[3, 1, 2], |_| true);
        assert!(conflict);
    }

    #[test]
    fn deletions_apply() {
        let (merged, _) = merge_order(&[1, 2, 3], &[1, 3], &[1, 2, 3, 4], |k| k != 2);
        assert_eq!(merged, [1, 3, 4]);
    }
}
