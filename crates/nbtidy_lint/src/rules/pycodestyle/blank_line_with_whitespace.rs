//! `W293` blank-line-with-whitespace: a line of code that holds only whitespace.

use crate::context::Context;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};
use crate::rules::pycodestyle::trailing_whitespace::report_trailing_whitespace;

crate::declare_rule! {
    /// ## What it does
    /// Checks for blank lines in Python code that contain spaces or tabs (whitespace after
    /// code is `W291`, trailing-whitespace).
    ///
    /// ## Why is this bad?
    /// The whitespace is invisible, yet it shows up in diffs of the notebook; editors that
    /// strip it on save turn every such line into noise in the next person's commit. Jupyter
    /// leaves indentation behind on empty lines, so notebooks collect a lot of it.
    ///
    /// ## Example
    /// ```python
    /// def f():
    ///     x = 1
    /// ␠␠␠␠
    ///     return x
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// def f():
    ///     x = 1
    ///
    ///     return x
    /// ```
    ///
    /// ## Fix safety
    /// The fix empties the line (and, as in ruff, removes `\` continuations right before it,
    /// which would otherwise run into the empty line). It is safe, except when the line is
    /// inside a multi-line string: removing the whitespace changes the string's value, so there
    /// the fix is unsafe.
    ///
    /// ## EditorConfig keys
    /// - `trim_trailing_whitespace`: with `false`, this rule reports nothing.
    pub struct BlankLineWithWhitespace {
        code: "W293",
        name: "blank-line-with-whitespace",
        severity: Warning,
        recommended: false,
        fix: FixAvailability::Always(nbtidy_diagnostics::Applicability::Safe),
        keys: ["trim_trailing_whitespace"],
    }
}

impl Rule for BlankLineWithWhitespace {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        report_trailing_whitespace(context, out, &Self::META, true);
    }
}
