//! `E742` ambiguous-class-name: a class named `l`, `O` or `I`.

use crate::context::Context;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};
use crate::rules::pycodestyle::ambiguous_variable_name::{Binder, report_ambiguous_names};

crate::declare_rule! {
    /// ## What it does
    /// Checks for classes named `l`, `O` or `I`.
    ///
    /// ## Why is this bad?
    /// In many fonts these letters look like the digits one and zero (`l` and `1`, `O` and `0`,
    /// `I` and `l`), so code using the class is hard to read right.
    ///
    /// ## Example
    /// ```python
    /// class I:
    ///     pass
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// class Identity:
    ///     pass
    /// ```
    ///
    /// ## Fix safety
    /// No fix, as in ruff: a better name is a decision.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct AmbiguousClassName {
        code: "E742",
        name: "ambiguous-class-name",
        severity: Warning,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

impl Rule for AmbiguousClassName {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        report_ambiguous_names(context, out, &Self::META, Binder::Class);
    }
}
