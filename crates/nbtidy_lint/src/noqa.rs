//! Suppression: `# noqa` / `# noqa: CODE[, CODE]` comments on a line of code, and the cell tags
//! `nbtidy-ignore` (everything in the cell) / `nbtidy-ignore:CODE`. Codes match rule codes or
//! names, case-insensitively.

use nbtidy_diagnostics::Diagnostic;
use ruff_python_ast::token::TokenKind;
use ruff_text_size::{Ranged, TextRange};
use rustc_hash::FxHashMap;

use crate::context::{CellView, Context};

fn matches(diagnostic: &Diagnostic, item: &str) -> bool {
    let item = item.trim();
    item.eq_ignore_ascii_case(diagnostic.code) || item.eq_ignore_ascii_case(diagnostic.name)
}

/// Suppression lookups for one notebook's findings: the `# noqa` comments of each line are
/// found once per line (the line's text searched, then the cell's comment tokens found by binary
/// search), so a cell with a finding on every line costs the same per finding as a short one.
pub(crate) struct Suppressions<'c, 'a> {
    context: &'c Context<'a>,
    /// The byte ranges of the `noqa` comments on each (0-based cell, row) asked about.
    comments: FxHashMap<(usize, usize), Vec<TextRange>>,
    /// Whether each cell's text holds `noqa` at all (asked once per cell): most cells do not,
    /// and their findings then cost no per-line lookup.
    has_noqa: Vec<Option<bool>>,
}

/// Whether `text` holds `noqa` in any case, without allocating.
fn holds_noqa(text: &str) -> bool {
    text.as_bytes()
        .windows(4)
        .any(|window| window.eq_ignore_ascii_case(b"noqa"))
}

impl<'c, 'a> Suppressions<'c, 'a> {
    pub(crate) fn new(context: &'c Context<'a>) -> Self {
        Suppressions {
            context,
            comments: FxHashMap::default(),
            has_noqa: vec![None; context.cells().len()],
        }
    }

    /// `true` when the finding is suppressed by a cell tag or a `# noqa` comment.
    pub(crate) fn is_suppressed(&mut self, diagnostic: &Diagnostic) -> bool {
        let Some(number) = diagnostic.location.cell else {
            return false;
        };
        let Some(cell) = self.context.cells().get(number - 1) else {
            return false;
        };
        for tag in &cell.tags {
            if tag == "nbtidy-ignore" {
                return true;
            }
            if let Some(codes) = tag.strip_prefix("nbtidy-ignore:")
                && codes.split(',').any(|code| matches(diagnostic, code))
            {
                return true;
            }
        }
        if !cell.is_python() {
            return false;
        }
        if !*self.has_noqa[number - 1].get_or_insert_with(|| holds_noqa(cell.text())) {
            return false;
        }
        let row = diagnostic.location.start.row;
        let comments = self
            .comments
            .entry((number - 1, row))
            .or_insert_with(|| noqa_comments(cell, row));
        let text = cell.text();
        comments
            .iter()
            .any(|&range| noqa_covers(&text[range], diagnostic))
    }
}

/// The comment tokens on row `row` of a Python cell whose text holds `noqa`.
fn noqa_comments(cell: &CellView<'_>, row: usize) -> Vec<TextRange> {
    let line = cell.line_range(row);
    let text = cell.text();
    // Most lines have no `noqa`: look at the text before asking for the cell's tokens (which
    // would parse the cell, e.g. for a finding about its outputs).
    if !holds_noqa(&text[line.clone()]) {
        return Vec::new();
    }
    let Some(parsed) = cell.parsed() else {
        return Vec::new();
    };
    let tokens = parsed.tokens();
    let first = tokens.partition_point(|token| token.start().to_usize() < line.start);
    tokens[first..]
        .iter()
        .take_while(|token| token.start().to_usize() <= line.end)
        .filter(|token| token.kind() == TokenKind::Comment)
        .map(Ranged::range)
        .collect()
}

/// Whether a comment `# ... noqa[: CODES]` covers the finding.
fn noqa_covers(comment: &str, diagnostic: &Diagnostic) -> bool {
    let lower = comment.to_ascii_lowercase();
    let Some(at) = lower.find("noqa") else {
        return false;
    };
    // `noqa` must start the comment or follow `#` / whitespace, as flake8 requires.
    let before = lower[..at].trim_end();
    if !(before.is_empty() || before.ends_with('#')) {
        return false;
    }
    let rest = comment[at + 4..].trim_start();
    match rest.strip_prefix(':') {
        Some(codes) => codes
            .split([',', ' '])
            .filter(|code| !code.is_empty())
            .take_while(|code| !code.starts_with('#'))
            .any(|code| matches(diagnostic, code)),
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nbtidy_diagnostics::{Location, Severity};

    fn diagnostic() -> Diagnostic {
        Diagnostic {
            code: "F401",
            name: "unused-import",
            severity: Severity::Error,
            message: String::new(),
            fix_title: None,
            location: Location::default(),
            fix: None,
        }
    }

    #[test]
    fn noqa_forms() {
        let d = diagnostic();
        assert!(noqa_covers("# noqa", &d));
        assert!(noqa_covers("# NOQA", &d));
        assert!(noqa_covers("# noqa: F401", &d));
        assert!(noqa_covers("# noqa:F401,E501", &d));
        assert!(noqa_covers("# noqa: E501, F401", &d));
        assert!(noqa_covers("# noqa: unused-import", &d));
        assert!(!noqa_covers("# noqa: E501", &d));
        assert!(!noqa_covers("# this is not noqa", &d));
        assert!(noqa_covers("# type: ignore # noqa", &d));
    }
}
