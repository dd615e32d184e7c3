//! `E999` syntax-error: code cells whose Python does not parse.

use ruff_text_size::{Ranged, TextRange};

use crate::context::Context;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Reports code cells whose Python does not parse (IPython syntax such as `!cmd`, `%magic`
    /// and `obj?` is understood), and cells nested too deeply to be parsed safely (more than
    /// 2,000 levels of brackets, operators or blocks: CPython refuses them too). No other rule
    /// checks such a cell.
    ///
    /// A cell whose first non-blank line is indented is read as IPython runs it: without that
    /// indentation on every line that starts with it (IPython's `leading_indent`). So
    /// `    x = 1` / `    print(x)` is not an error (every rule checks it, positions and fixes
    /// are in the cell as stored), while a line indented less than the first still is.
    ///
    /// ## Why is this bad?
    /// A cell that does not parse fails when run, and no other rule can check it.
    ///
    /// ## Example
    /// ```python
    /// for x in range(3)
    ///     print(x)
    /// ```
    ///
    /// ## Fix safety
    /// No fix.
    ///
    /// ## EditorConfig keys
    /// None. This rule is always on.
    pub struct SyntaxError {
        code: "E999",
        name: "syntax-error",
        severity: Error,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

impl Rule for SyntaxError {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        for cell in context.cells() {
            if let Some(deep) = cell.too_deep() {
                let at = ruff_text_size::TextSize::try_from(deep.offset).unwrap_or_default();
                out.push(context.code_diagnostic(
                    &Self::META,
                    format!("syntax error: {deep}"),
                    cell.index,
                    TextRange::at(at, 0.into()),
                ));
                continue;
            }
            let Some(parsed) = cell.parsed() else {
                continue;
            };
            if let Some(error) = parsed.errors().first() {
                let range = if error.range().is_empty() {
                    TextRange::at(error.range().start(), 0.into())
                } else {
                    error.range()
                };
                out.push(context.code_diagnostic(
                    &Self::META,
                    format!("syntax error: {}", error.error),
                    cell.index,
                    range,
                ));
            }
        }
    }
}
