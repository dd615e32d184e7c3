//! `W291` trailing-whitespace: whitespace at the end of a line of code.
//!
//! Also home of the line scan shared with `W293` (blank-line-with-whitespace).

use nbtidy_diagnostics::{Edit, Fix};
use ruff_python_ast::token::{Token, TokenKind};
use ruff_text_size::Ranged;

use crate::context::{CellView, Context, text_range};
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Checks for whitespace at the end of a line of Python code (lines that are only
    /// whitespace are `W293`, blank-line-with-whitespace).
    ///
    /// ## Why is this bad?
    /// Trailing whitespace is invisible, yet it shows up in diffs of the notebook and makes
    /// reviewers hunt for a change that is not there. Most editors remove it on save, so it also
    /// produces noise in the next person's commit.
    ///
    /// ## Example
    /// ```python
    /// df = load()␠␠
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// df = load()
    /// ```
    ///
    /// ## Fix safety
    /// The fix removes the whitespace. It is safe, except when the whitespace is inside a
    /// multi-line string (for example a triple-quoted SQL query): removing it changes the
    /// string's value, so there the fix is unsafe.
    ///
    /// ## EditorConfig keys
    /// - `trim_trailing_whitespace`: with `false`, this rule reports nothing.
    pub struct TrailingWhitespace {
        code: "W291",
        name: "trailing-whitespace",
        severity: Warning,
        recommended: false,
        fix: FixAvailability::Always(nbtidy_diagnostics::Applicability::Safe),
        keys: ["trim_trailing_whitespace"],
    }
}

impl Rule for TrailingWhitespace {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        report_trailing_whitespace(context, out, &Self::META, false);
    }
}

/// Reports trailing whitespace for `meta`'s rule: on blank lines (`blank`, `W293`) or on lines
/// with code (`W291`).
pub(crate) fn report_trailing_whitespace(
    context: &Context<'_>,
    out: &mut Diagnostics,
    meta: &RuleMeta,
    blank: bool,
) {
    let trim = context
        .config(meta, "trim_trailing_whitespace")
        .settings
        .trim_trailing_whitespace
        .value;
    if !trim {
        return;
    }
    for cell in context.cells() {
        let Some(parsed) = cell.parsed() else {
            continue;
        };
        let tokens: &[Token] = parsed.tokens();
        for (row, line) in cell.lines() {
            let trimmed = line.trim_end_matches(char::is_whitespace);
            if trimmed.len() == line.len() || trimmed.is_empty() != blank {
                continue;
            }
            let range = cell.line_range(row);
            let start = range.start + trimmed.len();
            let end = range.end;
            let in_string = inside_string(tokens, start, end);
            let (message, title) = if blank {
                (
                    "blank line contains whitespace",
                    "Remove whitespace from blank line",
                )
            } else {
                ("trailing whitespace", "Remove trailing whitespace")
            };
            // A blank line right after `\` continuations: remove them too, else the logical
            // line would end at the now empty line (a syntax error at the end of a cell).
            let edit_start = if blank && !in_string {
                preceded_by_continuations(cell, tokens, start).unwrap_or(start)
            } else {
                start
            };
            let mut diagnostic =
                context.code_diagnostic(meta, message, cell.index, text_range(start, end));
            let edits = vec![Edit::code(cell.index, edit_start..end, "")];
            diagnostic.fix_title = Some(title.to_owned());
            diagnostic.fix = Some(if in_string {
                Fix::unsafe_(edits)
            } else {
                Fix::safe(edits)
            });
            out.push(diagnostic);
        }
    }
}

/// The token containing `offset` (strictly inside, or at its start).
pub(crate) fn token_at(tokens: &[Token], offset: usize) -> Option<&Token> {
    let after = tokens.partition_point(|token| token.start().to_usize() <= offset);
    let token = tokens.get(after.checked_sub(1)?)?;
    (offset < token.end().to_usize()).then_some(token)
}

/// `true` when `start..end` is inside the text of a string (or f-/t-string) token.
fn inside_string(tokens: &[Token], start: usize, end: usize) -> bool {
    token_at(tokens, start).is_some_and(|token| {
        matches!(
            token.kind(),
            TokenKind::String | TokenKind::FStringMiddle | TokenKind::TStringMiddle
        ) && end <= token.end().to_usize()
    })
}

/// When only whitespace precedes `offset` on its line and the line(s) before end with `\`
/// continuations: the offset of the first of those backslashes, before the whitespace that
/// precedes it.
pub(crate) fn preceded_by_continuations(
    cell: &CellView<'_>,
    tokens: &[Token],
    offset: usize,
) -> Option<usize> {
    let text = cell.text();
    let mut at = offset;
    let mut found = None;
    loop {
        let row = cell.position(at).row;
        let line_start = cell.line_range(row).start;
        if row == 1
            || !text[line_start..at]
                .chars()
                .all(|c| matches!(c, ' ' | '\t' | '\x0c'))
        {
            break;
        }
        let previous = cell.line_range(row - 1);
        let Some(backslash) = previous.end.checked_sub(1) else {
            break;
        };
        if previous.is_empty()
            || text.as_bytes()[backslash] != b'\\'
            || token_at(tokens, backslash).is_some()
        {
            break;
        }
        found = Some(backslash);
        at = backslash;
    }
    // Also the whitespace before the first backslash: `x = 1 \` becomes `x = 1`.
    found.map(|backslash| {
        text[..backslash]
            .trim_end_matches([' ', '\t', '\x0c'])
            .len()
    })
}
