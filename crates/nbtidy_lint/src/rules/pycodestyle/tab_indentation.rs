//! `W191` tab-indentation: indentation that contradicts `indent_style` (tabs where spaces are
//! configured, or spaces where tabs are).

use nbtidy_config::IndentStyle;
use ruff_python_ast::token::TokenKind;
use ruff_text_size::Ranged;

use crate::context::{Context, text_range};
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Checks the indentation of each line of Python code that starts a statement (or is a
    /// comment line between statements) against `indent_style`:
    /// - with `indent_style = space` (the default), indentation containing a tab is reported;
    /// - with `indent_style = tab`, indentation containing a space is reported.
    ///
    /// Continuation lines (inside brackets, after a `\`, inside a multi-line string) are not
    /// checked: their indentation is alignment, not block structure.
    ///
    /// ## Why is this bad?
    /// Mixing the style a project asked for with the other one makes the code look different in
    /// every editor (tabs have no fixed width), and Python rejects blocks that mix tabs and
    /// spaces inconsistently (`TabError`). Code pasted into a notebook from elsewhere is the
    /// usual source.
    ///
    /// ## Example
    /// With `indent_style = space`:
    /// ```python
    /// for batch in loader:
    /// →   train(batch)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// for batch in loader:
    ///     train(batch)
    /// ```
    ///
    /// ## Fix safety
    /// No fix: `nbtidy format` re-indents code in the configured style.
    ///
    /// ## EditorConfig keys
    /// - `indent_style`: `space` (default) or `tab`; also `nbtidy_indent_style`, which
    ///   overrides it for notebooks.
    pub struct TabIndentation {
        code: "W191",
        name: "tab-indentation",
        severity: Warning,
        recommended: false,
        fix: FixAvailability::None,
        keys: ["indent_style"],
    }
}

impl Rule for TabIndentation {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        let style = context
            .config(&Self::META, "indent_style")
            .settings
            .format
            .indent_style
            .value;
        let (wrong, message) = match style {
            IndentStyle::Space => ('\t', "indentation contains tabs"),
            IndentStyle::Tab => (' ', "indentation contains spaces, but `indent_style = tab`"),
        };
        for cell in context.cells() {
            let Some(parsed) = cell.parsed() else {
                continue;
            };
            let text = cell.text();
            let mut at_line_start = true;
            let mut tokens = parsed.tokens().iter_with_context();
            while let Some(token) = tokens.next() {
                match token.kind() {
                    TokenKind::Newline => at_line_start = true,
                    // A blank or comment line between statements, not inside brackets.
                    TokenKind::NonLogicalNewline if !tokens.in_parenthesized_context() => {
                        at_line_start = true;
                    }
                    TokenKind::NonLogicalNewline | TokenKind::Indent | TokenKind::Dedent => {}
                    _ if at_line_start => {
                        at_line_start = false;
                        let start = token.start().to_usize();
                        let line_start = cell.line_range(cell.position(start).row).start;
                        let indent = &text[line_start..start];
                        if indent.contains(wrong)
                            && indent.chars().all(|c| matches!(c, ' ' | '\t' | '\x0c'))
                        {
                            out.push(context.code_diagnostic(
                                &Self::META,
                                message,
                                cell.index,
                                text_range(line_start, start),
                            ));
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}
