//! Unified diffs of cell code and of notebook files, safe to print: both sides have their secrets
//! masked before they are compared (so no hunk shows part of one, whatever its context lines),
//! and the path in the headers is masked and escaped onto one line (a newline in a file name
//! cannot forge a line). The body still holds the sides' characters: print it with
//! `printer::out_text`, which escapes them.

use std::fmt::Write as _;

use similar::TextDiff;

/// A unified diff of one cell, with headers `a/PATH:cell N` and `b/PATH:cell N`.
pub fn cell_diff(path: &str, cell_number: usize, old: &str, new: &str) -> String {
    let path = nbtidy_safe_text::for_terminal(path);
    let (old, new) = (redact(old), redact(new));
    // Both sides end with a newline so that the last line compares as a line.
    let old = with_final_newline(&old);
    let new = with_final_newline(&new);
    let diff = TextDiff::from_lines(old.as_ref(), new.as_ref());
    let mut out = String::new();
    let _ = write!(
        out,
        "{}",
        diff.unified_diff().context_radius(3).header(
            &format!("a/{path}:cell {cell_number}"),
            &format!("b/{path}:cell {cell_number}"),
        )
    );
    out
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
    let (old_header, new_header) = (format!("a/{path}"), format!("b/{path}"));
    let (old, new) = (redact(old), redact(new));
    let diff = TextDiff::from_lines(old.as_ref(), new.as_ref());
    let mut out = String::new();
    let _ = write!(
        out,
        "{}",
        diff.unified_diff()
            .context_radius(3)
            .header(&old_header, &new_header)
    );
    out
}

fn redact(text: &str) -> std::borrow::Cow<'_, str> {
    nbtidy_safe_text::redact(text)
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
}
