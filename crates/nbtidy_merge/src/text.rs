//! A line-based three-way merge of one cell's text (diff3, as `git merge-file` does).
//!
//! 1. Diff the base against each side (lines with their terminators, Myers).
//! 2. Changes of the two sides that overlap or touch in the base form one region; a region
//!    changed by one side takes that side's lines; by both, the same way, those lines once;
//!    by both differently, a conflict: `<<<<<<< ours`, the current side's lines, `=======`,
//!    the other side's lines, `>>>>>>> theirs`.

use std::ops::Range;

use nbtidy_notebook::split_lines;
use similar::{Algorithm, DiffTag, capture_diff_slices};

/// Labels and size of conflict markers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Markers {
    /// After `<<<<<<<`: the current side (`%A`).
    pub ours: String,
    /// After `>>>>>>>`: the other side (`%B`).
    pub theirs: String,
    /// How many `<`, `=`, `>` (git's `%L`, 7 by default).
    pub size: usize,
}

impl Default for Markers {
    fn default() -> Self {
        Markers {
            ours: "ours".to_owned(),
            theirs: "theirs".to_owned(),
            size: 7,
        }
    }
}

impl Markers {
    /// `<<<<<<< ours`, `=======`, `>>>>>>> theirs` (without line breaks).
    pub(crate) fn lines(&self) -> (String, String, String) {
        let size = self.size.clamp(1, 64);
        (
            format!("{} {}", "<".repeat(size), self.ours),
            "=".repeat(size),
            format!("{} {}", ">".repeat(size), self.theirs),
        )
    }
}

/// The merged text and how many conflicting regions it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TextMerge {
    pub text: String,
    pub conflicts: usize,
}

/// One change of one side: base lines replaced by side lines.
#[derive(Debug, Clone)]
struct Hunk {
    base: Range<usize>,
    side: Range<usize>,
    ours: bool,
}

fn hunks(base: &[&str], side: &[&str], ours: bool) -> Vec<Hunk> {
    capture_diff_slices(Algorithm::Myers, base, side)
        .iter()
        .map(similar::DiffOp::as_tag_tuple)
        .filter(|(tag, _, _)| *tag != DiffTag::Equal)
        .map(|(_, base, side)| Hunk { base, side, ours })
        .collect()
}

/// `base` lines `start..end` with `side`'s hunks (all inside that range) applied.
fn region<'a>(
    base: &[&'a str],
    side: &[&'a str],
    hunks: &[&Hunk],
    start: usize,
    end: usize,
) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut at = start;
    for hunk in hunks {
        out.extend_from_slice(&base[at..hunk.base.start]);
        out.extend_from_slice(&side[hunk.side.clone()]);
        at = hunk.base.end;
    }
    out.extend_from_slice(&base[at..end]);
    out
}

/// Merges `ours` and `theirs`, two edits of `base`.
pub(crate) fn merge_text(base: &str, ours: &str, theirs: &str, markers: &Markers) -> TextMerge {
    let b = split_lines(base);
    let o = split_lines(ours);
    let t = split_lines(theirs);
    let mut all = hunks(&b, &o, true);
    all.extend(hunks(&b, &t, false));
    all.sort_by_key(|hunk| (hunk.base.start, hunk.base.end, !hunk.ours));
    let (open, middle, close) = markers.lines();
    let mut out = String::with_capacity(ours.len().max(theirs.len()));
    let mut conflicts = 0;
    let mut at = 0;
    let mut i = 0;
    while i < all.len() {
        let start = all[i].base.start;
        let mut end = all[i].base.end;
        let mut j = i + 1;
        while j < all.len() && all[j].base.start <= end {
            end = end.max(all[j].base.end);
            j += 1;
        }
        let group = &all[i..j];
        for line in &b[at..start] {
            out.push_str(line);
        }
        let ours_hunks: Vec<&Hunk> = group.iter().filter(|h| h.ours).collect();
        let theirs_hunks: Vec<&Hunk> = group.iter().filter(|h| !h.ours).collect();
        let ours_lines = region(&b, &o, &ours_hunks, start, end);
        let theirs_lines = region(&b, &t, &theirs_hunks, start, end);
        if theirs_hunks.is_empty() || ours_lines == theirs_lines {
            ours_lines.iter().for_each(|line| out.push_str(line));
        } else if ours_hunks.is_empty() {
            theirs_lines.iter().for_each(|line| out.push_str(line));
        } else {
            conflicts += 1;
            for (marker, lines) in [(&open, &ours_lines), (&middle, &theirs_lines)] {
                if !out.is_empty() && !out.ends_with('\n') && !out.ends_with('\r') {
                    out.push('\n');
                }
                out.push_str(marker);
                out.push('\n');
                lines.iter().for_each(|line| out.push_str(line));
            }
            if !out.ends_with('\n') && !out.ends_with('\r') {
                out.push('\n');
            }
            out.push_str(&close);
            out.push('\n');
        }
        at = end;
        i = j;
    }
    for line in &b[at..] {
        out.push_str(line);
    }
    // A conflict at the very end: no line break after the last marker unless the sides had one.
    if conflicts > 0
        && out.ends_with(&format!("{close}\n"))
        && !ours.ends_with('\n')
        && !theirs.ends_with('\n')
    {
        out.pop();
    }
    TextMerge {
        text: out,
        conflicts,
    }
}

/// The whole text of a cell edited on one side and deleted on the other, between markers: the
/// edited text on its side, nothing on the other.
pub(crate) fn modify_delete(text: &str, edited_is_ours: bool, markers: &Markers) -> String {
    let (open, middle, close) = markers.lines();
    let mut body = text.to_owned();
    if !body.is_empty() && !body.ends_with('\n') {
        body.push('\n');
    }
    if edited_is_ours {
        format!("{open} (edited)\n{body}{middle}\n{close} (deleted this cell)")
    } else {
        format!("{open} (deleted this cell)\n{middle}\n{body}{close} (edited)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn merge(base: &str, ours: &str, theirs: &str) -> TextMerge {
        merge_text(base, ours, theirs, &Markers::default())
    }

    #[test]
    fn edits_to_different_lines_merge() {
        let merged = merge(
            "a = 1\nb = 2\nc = 3",
            "a = 10\nb = 2\nc = 3",
            "a = 1\nb = 2\nc = 30",
        );
        assert_eq!(merged.text, "a = 10\nb = 2\nc = 30");
        assert_eq!(merged.conflicts, 0);
    }

    #[test]
    fn the_same_edit_on_both_sides_is_taken_once() {
        let merged = merge("a\nb", "a\nB", "a\nB");
        assert_eq!(merged.text, "a\nB");
        assert_eq!(merged.conflicts, 0);
    }

    #[test]
    fn different_edits_of_one_line_conflict() {
        let merged = merge("x = 1\ny = 2", "x = 1\ny = 3", "x = 1\ny = 4");
        assert_eq!(
            merged.text,
            "x = 1\n<<<<<<< ours\ny = 3\n=======\ny = 4\n>>>>>>> theirs"
        );
        assert_eq!(merged.conflicts, 1);
    }

    #[test]
    fn modify_delete_keeps_the_edit_between_markers() {
        assert_eq!(
            modify_delete("x = 2", true, &Markers::default()),
            "<<<<<<< ours (edited)\nx = 2\n=======\n>>>>>>> theirs (deleted this cell)"
        );
    }
}
