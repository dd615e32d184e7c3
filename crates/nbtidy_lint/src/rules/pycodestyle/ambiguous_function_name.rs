//! `E743` ambiguous-function-name: a function named `l`, `O` or `I`.

use crate::context::Context;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};
use crate::rules::pycodestyle::ambiguous_variable_name::{Binder, report_ambiguous_names};

crate::declare_rule! {
    /// ## What it does
    /// Checks for functions (also methods and `async def`) named `l`, `O` or `I`.
    ///
    /// ## Why is this bad?
    /// In many fonts these letters look like the digits one and zero (`l` and `1`, `O` and `0`,
    /// `I` and `l`), so calls of the function are hard to read right.
    ///
    /// ## Example
    /// ```python
    /// def l(values):
    ///     return len(values)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// def length(values):
    ///     return len(values)
    /// ```
    ///
    /// ## Fix safety
    /// No fix, as in ruff: a better name is a decision.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct AmbiguousFunctionName {
        code: "E743",
        name: "ambiguous-function-name",
        severity: Warning,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

impl Rule for AmbiguousFunctionName {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        report_ambiguous_names(context, out, &Self::META, Binder::Function);
    }
}
