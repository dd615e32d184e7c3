//! Suppression: `# noqa` / `# noqa: CODE[, CODE]` comments on a line of code, and the cell tags
//! `nbtidy-ignore` (everything in the cell) / `nbtidy-ignore:CODE`. Codes match rule codes or
//! names, case-insensitively.

use nbtidy_diagnostics::Diagnostic;
use ruff_python_ast::token::TokenKind;
use ruff_text_size::Ranged;

use crate::context::Context;

fn matches(diagnostic: &Diagnostic, item: &str) -> bool {
    let item = item.trim();
    item.eq_ignore_ascii_case(diagnostic.code) || item.eq_ignore_ascii_case(diagnostic.name)
}

/// `true` when the finding is suppressed by a cell tag or a `# noqa` comment.
pub(crate) fn is_suppressed(context: &Context<'_>, diagnostic: &Diagnostic) -> bool {
    let Some(number) = diagnostic.location.cell else {
        return false;
    };
    let Some(cell) = context.cells().get(number - 1) else {
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
    let row = diagnostic.location.start.row;
    let line = cell.line_range(row);
    let text = cell.text();
    // Most lines have no `noqa`: look at the text before asking for the cell's tokens (which
    // would parse the cell, e.g. for a finding about its outputs).
    if !text[line.clone()].to_ascii_lowercase().contains("noqa") {
        return false;
    }
    let Some(parsed) = cell.parsed() else {
        return false;
    };
    parsed
        .tokens()
        .iter()
        .filter(|token| token.kind() == TokenKind::Comment)
        .filter(|token| {
            let start = token.start().to_usize();
            start >= line.start && start <= line.end
        })
        .any(|token| noqa_covers(&text[token.range()], diagnostic))
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
