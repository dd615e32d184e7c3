//! Unified diffs of cell code and of notebook files, safe to print: both sides have their secrets
//! masked before they are compared (so no hunk shows part of one, whatever its context lines),
//! and the path in the headers is masked and escaped onto one line (a newline in a file name
//! cannot forge a line). The body still holds the sides' characters: print it with
//! `printer::out_text`, which escapes them.
//!
//! Lines are compared as `similar` compares them (`TextDiff::from_lines`: Myers, then its
//! compaction and replace steps; unified output with 3 lines of context). Myers costs
//! O((N + M) D), where D counts the lines that differ: a cell whose every line changed
//! (D = N + M; 49 s for 80,000 lines) was quadratic. So, as git's xdiff does, when the lines that
//! occur on one side only (U of them, a lower bound of D) make that cost large
//! ((N + M) U > [`PLAIN_MYERS_COST`]), those lines are set aside before Myers runs and come back
//! as deletions and insertions: a line found on one side only cannot be part of a common
//! subsequence, so the diff stays minimal, and it costs O(N + M) when the common lines are in
//! order. Below the bound, Myers runs on all lines, so ordinary diffs are exactly `similar`'s
//! (the two ways can pair equal lines, such as blank lines, differently). What remains costly
//! (many common lines in a shuffled order) is bounded by a deadline of [`DEADLINE`], after which
//! the rest of a diff is shown as deleted and inserted lines: still a correct unified diff, only
//! a larger one.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use rustc_hash::{FxBuildHasher, FxHashMap};
use similar::algorithms::{Capture, Compact, DiffHook as _, Replace};
use similar::{Algorithm, DiffOp, capture_diff_deadline, group_diff_ops};

/// The most time Myers gets for one diff.
const DEADLINE: Duration = Duration::from_secs(2);

/// The largest lower bound of Myers's cost, (N + M) U, for which it runs on all lines (about a
/// few hundredths of a second at worst).
const PLAIN_MYERS_COST: usize = 1 << 25;

/// A unified diff of one cell, with headers `a/PATH:cell N` and `b/PATH:cell N`.
pub fn cell_diff(path: &str, cell_number: usize, old: &str, new: &str) -> String {
    let path = nbtidy_safe_text::for_terminal(path);
    let (old, new) = (redact(old), redact(new));
    // Both sides end with a newline so that the last line compares as a line.
    let old = with_final_newline(&old);
    let new = with_final_newline(&new);
    text_diff(
        &format!("a/{path}:cell {cell_number}"),
        &format!("b/{path}:cell {cell_number}"),
        &old,
        &new,
    )
}

fn with_final_newline(text: &str) -> std::borrow::Cow<'_, str> {
    if text.is_empty() || text.ends_with('\n') {
        text.into()
    } else {
        format!("{text}\n").into()
    }
}

/// A unified diff of two versions of a file (a notebook's JSON), with headers `a/PATH` and
/// `b/PATH`.
pub fn file_diff(path: &str, old: &str, new: &str) -> String {
    let path = nbtidy_safe_text::for_terminal(path);
    let (old, new) = (redact(old), redact(new));
    text_diff(&format!("a/{path}"), &format!("b/{path}"), &old, &new)
}

fn redact(text: &str) -> std::borrow::Cow<'_, str> {
    nbtidy_safe_text::redact(text)
}

/// A unified diff of two texts, with the given headers (already safe to print).
fn text_diff(old_header: &str, new_header: &str, old: &str, new: &str) -> String {
    let old_lines = lines(old);
    let new_lines = lines(new);
    let ops = line_ops(&old_lines, &new_lines);
    unified(old_header, new_header, &old_lines, &new_lines, ops)
}

/// The unified diff text of `ops`, as `similar`'s `UnifiedDiff` writes it.
fn unified(
    old_header: &str,
    new_header: &str,
    old_lines: &[&str],
    new_lines: &[&str],
    ops: Vec<DiffOp>,
) -> String {
    let mut out = String::new();
    for (index, group) in group_diff_ops(ops, 3).iter().enumerate() {
        if index == 0 {
            let _ = writeln!(out, "--- {old_header}");
            let _ = writeln!(out, "+++ {new_header}");
        }
        let _ = writeln!(out, "{}", similar::udiff::UnifiedHunkHeader::new(group));
        for op in group {
            for change in op.iter_changes(old_lines, new_lines) {
                let line = change.value();
                out.push_str(match change.tag() {
                    similar::ChangeTag::Equal => " ",
                    similar::ChangeTag::Delete => "-",
                    similar::ChangeTag::Insert => "+",
                });
                out.push_str(line);
                if !line.ends_with(['\r', '\n']) {
                    out.push_str("\n\\ No newline at end of file\n");
                }
            }
        }
    }
    out
}

/// The lines of `text`, each with its line ending (`\n`, `\r\n` or a lone `\r`), as `similar`
/// splits them.
fn lines(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                out.push(&text[start..=i]);
                start = i + 1;
            }
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                out.push(&text[start..i + 2]);
                i += 1;
                start = i + 1;
            }
            b'\r' => {
                out.push(&text[start..=i]);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// The diff operations turning `old` into `new` (see the module documentation).
fn line_ops(old: &[&str], new: &[&str]) -> Vec<DiffOp> {
    line_ops_with(old, new, PLAIN_MYERS_COST)
}

/// [`line_ops`] with the bound of plain Myers given (for tests of both ways).
fn line_ops_with(old: &[&str], new: &[&str], plain_myers_cost: usize) -> Vec<DiffOp> {
    // Each distinct line gets a number; lines found on one side only are set aside.
    let mut ids: FxHashMap<&str, (u32, bool, bool)> =
        FxHashMap::with_capacity_and_hasher(old.len().max(new.len()), FxBuildHasher);
    for line in old {
        let next = u32::try_from(ids.len()).unwrap_or(u32::MAX);
        ids.entry(line).or_insert((next, false, false)).1 = true;
    }
    for line in new {
        let next = u32::try_from(ids.len()).unwrap_or(u32::MAX);
        ids.entry(line).or_insert((next, false, false)).2 = true;
    }
    let common = |lines: &[&str]| -> (Vec<usize>, Vec<u32>) {
        lines
            .iter()
            .enumerate()
            .filter_map(|(index, line)| {
                let (id, in_old, in_new) = ids[line];
                (in_old && in_new).then_some((index, id))
            })
            .unzip()
    };
    let (old_at, old_ids) = common(old);
    let (new_at, new_ids) = common(new);
    let one_side_only = old.len() - old_at.len() + new.len() - new_at.len();
    let deadline = Some(Instant::now() + DEADLINE);
    if (old.len() + new.len()).saturating_mul(one_side_only) <= plain_myers_cost {
        let mut hook = Compact::new(Replace::new(Capture::new()), old, new);
        let _ = similar::algorithms::diff_deadline(
            Algorithm::Myers,
            &mut hook,
            old,
            0..old.len(),
            new,
            0..new.len(),
            deadline,
        );
        return hook.into_inner().into_inner().into_ops();
    }
    let common_ops = capture_diff_deadline(
        Algorithm::Myers,
        &old_ids[..],
        0..old_ids.len(),
        &new_ids[..],
        0..new_ids.len(),
        deadline,
    );

    // The common lines matched, in order, as runs `(old index, new index, length)`.
    let mut runs: Vec<(usize, usize, usize)> = Vec::new();
    for op in common_ops {
        if let DiffOp::Equal {
            old_index,
            new_index,
            len,
        } = op
        {
            for k in 0..len {
                let (o, n) = (old_at[old_index + k], new_at[new_index + k]);
                match runs.last_mut() {
                    Some((run_old, run_new, run_len))
                        if *run_old + *run_len == o && *run_new + *run_len == n =>
                    {
                        *run_len += 1;
                    }
                    _ => runs.push((o, n, 1)),
                }
            }
        }
    }

    // Back to the full sequences, through the steps `similar` applies after Myers: what lies
    // between two runs is deleted (old side) and inserted (new side).
    let mut hook = Compact::new(Replace::new(Capture::new()), old, new);
    let (mut old_done, mut new_done) = (0, 0);
    for (o, n, len) in runs.into_iter().chain([(old.len(), new.len(), 0)]) {
        if o > old_done {
            let _ = hook.delete(old_done, o - old_done, new_done);
        }
        if n > new_done {
            let _ = hook.insert(o, new_done, n - new_done);
        }
        if len > 0 {
            let _ = hook.equal(o, n, len);
        }
        (old_done, new_done) = (o + len, n + len);
    }
    let _ = hook.finish();
    hook.into_inner().into_inner().into_ops()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_has_cell_headers() {
        let diff = cell_diff("nb.ipynb", 3, "x=1\ny = 2", "x = 1\ny = 2");
        assert_eq!(
            diff,
            "--- a/nb.ipynb:cell 3\n+++ b/nb.ipynb:cell 3\n@@ -1,2 +1,2 @@\n-x=1\n+x = 1\n y = 2\n"
        );
    }

    #[test]
    fn headers_stay_on_one_line() {
        let diff = cell_diff("x\n+++ b/forged\u{202e}.ipynb", 1, "x=1", "x = 1");
        assert_eq!(
            diff.lines().take(2).collect::<Vec<_>>(),
            [
                "--- a/x\\u{a}+++ b/forged\\u{202e}.ipynb:cell 1",
                "+++ b/x\\u{a}+++ b/forged\\u{202e}.ipynb:cell 1"
            ]
        );
        let diff = file_diff("a\rb", "{}\n", "{ }\n");
        assert!(
            diff.starts_with("--- a/a\\u{d}b\n+++ b/a\\u{d}b\n"),
            "{diff}"
        );
    }

    /// `similar`'s own unified diff, as `text_diff` was written before.
    fn similar_diff(old: &str, new: &str) -> String {
        similar::TextDiff::from_lines(old, new)
            .unified_diff()
            .context_radius(3)
            .header("a", "b")
            .to_string()
    }

    /// Applies a unified diff with 3 lines of context to `old`.
    fn apply(old: &str, diff: &str) -> String {
        let old_lines = lines(old);
        let mut out = String::new();
        let mut at = 0;
        let mut diff_lines = diff.split_inclusive('\n').skip(2).peekable();
        while let Some(header) = diff_lines.next() {
            let start: usize = header[4..]
                .split([',', ' '])
                .next()
                .unwrap()
                .parse()
                .unwrap();
            let start = if header.starts_with("@@ -0,0") {
                0
            } else {
                start - 1
            };
            out.extend(old_lines[at..start].iter().copied());
            at = start;
            while let Some(line) = diff_lines.next_if(|line| !line.starts_with("@@")) {
                let mut text = line[1..].to_owned();
                if diff_lines.peek() == Some(&"\\ No newline at end of file\n") {
                    diff_lines.next();
                    text.pop();
                }
                match &line[..1] {
                    " " => {
                        out.push_str(&text);
                        at += 1;
                    }
                    "-" => at += 1,
                    _ => out.push_str(&text),
                }
            }
        }
        out.extend(old_lines[at..].iter().copied());
        out
    }

    fn samples() -> Vec<(String, String)> {
        let mut out = vec![
            ("a\nb\nc\n".to_owned(), "a\nc\nd".to_owned()),
            ("x\r\ny\rz".to_owned(), "x\r\nq\rz\n".to_owned()),
            (String::new(), "new\n".to_owned()),
            ("old\n".to_owned(), String::new()),
        ];
        // Varied edits of a text with repeated lines (blank lines, brackets).
        let base: Vec<String> = (0..200)
            .map(|i| match i % 7 {
                0 => String::new(),
                1 => ")".to_owned(),
                _ => format!("x{} = {}", i % 13, i % 5),
            })
            .collect();
        for seed in 0..20usize {
            let new: Vec<String> = base
                .iter()
                .enumerate()
                .filter(|(i, _)| (i * 31 + seed * 17) % 11 != 0)
                .map(|(i, line)| {
                    if (i + seed) % 9 == 0 {
                        format!("{line} # changed")
                    } else {
                        line.clone()
                    }
                })
                .collect();
            out.push((base.join("\n"), new.join("\n") + "\n"));
        }
        out
    }

    #[test]
    fn ordinary_diffs_are_similars() {
        for (old, new) in samples() {
            assert_eq!(text_diff("a", "b", &old, &new), similar_diff(&old, &new));
        }
    }

    #[test]
    fn diffs_without_the_lines_found_on_one_side_apply() {
        // (The test's patch reader splits the diff at `\n` only: no lone `\r` here.)
        for (old, new) in samples().into_iter().filter(|(old, _)| !old.contains('\r')) {
            let (old_lines, new_lines) = (lines(&old), lines(&new));
            for limit in [0, usize::MAX] {
                let ops = line_ops_with(&old_lines, &new_lines, limit);
                let diff = unified("a", "b", &old_lines, &new_lines, ops);
                assert_eq!(apply(&old, &diff), new, "limit {limit}\n{diff}");
            }
        }
    }

    #[test]
    fn a_diff_where_every_line_changed_is_one_hunk() {
        let old: String = (0..50_000).map(|i| format!("x{i}=1\n")).collect();
        let new: String = (0..50_000).map(|i| format!("x{i} = 1\n")).collect();
        let diff = text_diff("a", "b", &old, &new);
        assert!(diff.starts_with("--- a\n+++ b\n@@ -1,50000 +1,50000 @@\n-x0=1\n"));
        assert_eq!(diff.lines().count(), 3 + 100_000);
        assert_eq!(apply(&old, &diff), new);
    }
}
