//! `E501` line-too-long: a line of code longer than `max_line_length`.

use nbtidy_config::LineLength;
use ruff_python_ast::token::TokenKind;
use ruff_python_trivia::is_pragma_comment;
use ruff_text_size::Ranged;

use crate::context::{Context, text_range};
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Checks for lines of Python code longer than `max_line_length` characters (88 unless
    /// configured; `off` turns the rule off). Width is counted in characters: a tab counts as
    /// one.
    ///
    /// As in ruff, some lines are not reported:
    /// 1. a line that is a single "word" (no whitespace inside), such as a long URL or path;
    /// 2. a line that ends with a URL (`://`) starting within the limit, e.g. a comment
    ///    `# see https://...` or a string holding the URL;
    /// 3. a line that is only too long because of a trailing pragma comment (`# type: ignore`,
    ///    `# noqa: F401`, `# pyright: ...`): the line is measured without it;
    /// 4. SPDX license headers (`# SPDX-License-Identifier: ...`);
    /// 5. IPython lines (`!shell command`, `%magic ...`, `obj?`, `files = !ls ...`): they are
    ///    not Python and cannot be wrapped like Python.
    ///
    /// ## Why is this bad?
    /// Long lines are hard to read in a notebook: the cell scrolls sideways, and diffs and
    /// rendered views (GitHub, nbviewer, exported HTML) cut them off or wrap them badly.
    ///
    /// ## Example
    /// ```python
    /// model = train(features, labels, epochs=10, batch_size=32, learning_rate=1e-3, verbose=True, seed=0)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// model = train(
    ///     features, labels, epochs=10, batch_size=32, learning_rate=1e-3, verbose=True, seed=0
    /// )
    /// ```
    ///
    /// ## Fix safety
    /// No fix: `nbtidy format` wraps code where it can; strings and comments need a person.
    /// Silence one line with `# noqa: E501`.
    ///
    /// ## EditorConfig keys
    /// - `max_line_length`: the limit in characters (default 88), or `off`.
    pub struct LineTooLong {
        code: "E501",
        name: "line-too-long",
        severity: Warning,
        recommended: false,
        fix: FixAvailability::None,
        keys: ["max_line_length"],
    }
}

impl Rule for LineTooLong {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        let setting = &context
            .config(&Self::META, "max_line_length")
            .settings
            .format
            .line_length;
        let limit = match setting.value {
            LineLength::Columns(columns) => usize::from(columns),
            LineLength::Off => return,
        };
        for cell in context.cells() {
            let Some(parsed) = cell.parsed() else {
                continue;
            };
            let text = cell.text();
            let tokens = parsed.tokens();
            for (row, line) in cell.lines() {
                let width = line.chars().count();
                if width <= limit {
                    continue;
                }
                let range = cell.line_range(row);
                let on_line = |start: usize| start >= range.start && start < range.end;
                // IPython escape commands: the token may start on an earlier line (`\`
                // continuations), so look for one overlapping this line.
                // Tokens are sorted and do not overlap: the ones touching this line are found by
                // binary search, not by a walk over the cell's tokens for every long line.
                let touching = tokens.partition_point(|token| token.end().to_usize() < range.start);
                let near = tokens[touching..]
                    .iter()
                    .take_while(|token| token.start().to_usize() <= range.end);
                let ipython = near
                    .clone()
                    .any(|token| token.kind() == TokenKind::IpyEscapeCommand);
                if ipython {
                    continue;
                }
                // Measure without a trailing pragma comment.
                let comments: Vec<_> = near
                    .filter(|token| {
                        token.kind() == TokenKind::Comment && on_line(token.start().to_usize())
                    })
                    .collect();
                let line = match comments.as_slice() {
                    [comment] if is_pragma_comment(&text[comment.range()]) => {
                        line[..comment.start().to_usize() - range.start].trim_end()
                    }
                    _ => line,
                };
                if let Some((width, start)) = overlong(line, limit) {
                    out.push(context.code_diagnostic(
                        &Self::META,
                        format!("line too long ({width} > {limit})"),
                        cell.index,
                        text_range(range.start + start, range.start + line.len()),
                    ));
                }
            }
        }
    }
}

/// When `line` is too long and not exempt: its width and the byte offset where it passes the
/// limit.
fn overlong(line: &str, limit: usize) -> Option<(usize, usize)> {
    let width = line.chars().count();
    if width <= limit {
        return None;
    }
    let mut chunks = line.split_whitespace();
    // A single word: no way to make the line shorter.
    let (Some(first), Some(second)) = (chunks.next(), chunks.next()) else {
        return None;
    };
    // Ends with a URL that starts within the limit.
    let last = chunks.last().unwrap_or(second);
    if last.contains("://") && width - last.chars().count() <= limit {
        return None;
    }
    // SPDX headers are machine-read and must stay on one line.
    if first == "#"
        && matches!(
            second,
            "SPDX-License-Identifier:" | "SPDX-FileCopyrightText:"
        )
    {
        return None;
    }
    let start = line
        .char_indices()
        .nth(limit)
        .map_or(line.len(), |(at, _)| at);
    Some((width, start))
}

#[cfg(test)]
mod tests {
    use super::overlong;

    #[test]
    fn exemptions() {
        assert_eq!(overlong("a b c d", 5), Some((7, 5)));
        assert_eq!(overlong("abcdefgh", 5), None);
        assert_eq!(overlong("    abcdefgh", 5), None);
        assert_eq!(overlong("# https://example.com/x", 5), None);
        assert_eq!(overlong("x = 'https://example.com/x'", 5), None);
        assert_eq!(
            overlong("xxxxxxx = 'https://example.com/x'", 5),
            Some((33, 5))
        );
        assert_eq!(overlong("# SPDX-License-Identifier: MIT", 5), None);
        assert_eq!(overlong("é é é é", 5), Some((7, "é é é".len())));
    }
}
