//! Unified diffs of cell code.

use std::fmt::Write as _;

use similar::TextDiff;

/// A unified diff of one cell, with headers `a/PATH:cell N` and `b/PATH:cell N`.
pub fn cell_diff(path: &str, cell_number: usize, old: &str, new: &str) -> String {
    // Both sides end with a newline so that the last line compares as a line.
    let old = with_final_newline(old);
    let new = with_final_newline(new);
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

/// A unified diff of two texts (e.g. a notebook's JSON), with the given headers.
pub fn text_diff(old_header: &str, new_header: &str, old: &str, new: &str) -> String {
    let diff = TextDiff::from_lines(old, new);
    let mut out = String::new();
    let _ = write!(
        out,
        "{}",
        diff.unified_diff()
            .context_radius(3)
            .header(old_header, new_header)
    );
    out
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
}
