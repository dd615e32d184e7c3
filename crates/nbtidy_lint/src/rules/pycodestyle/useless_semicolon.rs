//! `E703` useless-semicolon: a statement ending with a semicolon that does nothing (not the one
//! that ends a cell, which hides the cell's output).

use nbtidy_diagnostics::{Edit, Fix};
use ruff_python_ast::token::{Token, TokenKind};
use ruff_text_size::{Ranged, TextRange};

use crate::context::Context;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};
use crate::rules::pycodestyle::trailing_whitespace::preceded_by_continuations;

crate::declare_rule! {
    /// ## What it does
    /// Checks for statements that end with a semicolon.
    ///
    /// A semicolon after the last top-level statement of a cell (possibly followed by comments
    /// and blank lines) is not reported: in Jupyter it hides the cell's output, as in
    /// `plt.plot(x);`. As in ruff, a semicolon ending an indented statement is reported even at
    /// the end of a cell: only the top-level value of a cell is displayed.
    ///
    /// ## Why is this bad?
    /// Python does not need semicolons; inside a cell they do nothing but make the code look
    /// like another language, and readers may wonder whether they hide output.
    ///
    /// ## Example
    /// ```python
    /// import numpy as np;
    /// x = np.arange(10);
    /// plt.plot(x);
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import numpy as np
    /// x = np.arange(10)
    /// plt.plot(x);
    /// ```
    ///
    /// ## Fix safety
    /// The fix removes the semicolon (and the whitespace before it); it is safe.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct UselessSemicolon {
        code: "E703",
        name: "useless-semicolon",
        severity: Warning,
        recommended: true,
        fix: FixAvailability::Always(nbtidy_diagnostics::Applicability::Safe),
        keys: [],
    }
}

impl Rule for UselessSemicolon {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        for (cell, _) in context.python_cells() {
            let Some(parsed) = cell.parsed() else {
                continue;
            };
            let all: &[Token] = parsed.tokens();
            let text = cell.text();
            let mut semi: Option<TextRange> = None;
            let mut indent = 0u32;
            let mut nesting = 0u32;
            for (index, token) in all.iter().enumerate() {
                match token.kind() {
                    TokenKind::Indent => indent += 1,
                    TokenKind::Dedent => indent = indent.saturating_sub(1),
                    TokenKind::Lpar | TokenKind::Lsqb | TokenKind::Lbrace => nesting += 1,
                    TokenKind::Rpar | TokenKind::Rsqb | TokenKind::Rbrace => {
                        nesting = nesting.saturating_sub(1);
                    }
                    _ => {}
                }
                if nesting > 0 {
                    continue;
                }
                match token.kind() {
                    TokenKind::Newline => {
                        if let Some(range) = semi.take() {
                            let ends_cell = indent == 0
                                && all[index + 1..].iter().all(|token| {
                                    matches!(
                                        token.kind(),
                                        TokenKind::Newline
                                            | TokenKind::NonLogicalNewline
                                            | TokenKind::Comment
                                    )
                                });
                            if !ends_cell {
                                let start = range.start().to_usize();
                                let before = text[..start].trim_end_matches([' ', '\t', '\x0c']);
                                let delete_from =
                                    preceded_by_continuations(cell, all, before.len())
                                        .unwrap_or(before.len());
                                let mut diagnostic = context.code_diagnostic(
                                    &Self::META,
                                    "statement ends with an unnecessary semicolon",
                                    cell.index,
                                    range,
                                );
                                diagnostic.fix_title =
                                    Some("Remove unnecessary semicolon".to_owned());
                                diagnostic.fix = Some(Fix::safe(vec![Edit::code(
                                    cell.index,
                                    delete_from..range.end().to_usize(),
                                    "",
                                )]));
                                out.push(diagnostic);
                            }
                        }
                    }
                    TokenKind::Semi => semi = Some(token.range()),
                    TokenKind::Comment
                    | TokenKind::Indent
                    | TokenKind::Dedent
                    | TokenKind::NonLogicalNewline => {}
                    // Another statement follows on the same line (`a; b`): not this rule.
                    _ => semi = None,
                }
            }
        }
    }
}
