//! `E712` true-false-comparison: `== True`, `== False`, `!= True`, `!= False`.

use ruff_python_ast::{AnyNodeRef, NodeKind};

use crate::checker::At;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};
use crate::rules::pycodestyle::none_comparison::{Literal, report_literal_comparisons};

crate::declare_rule! {
    /// ## What it does
    /// Checks for equality and inequality comparisons to `True` and `False`.
    ///
    /// ## Why is this bad?
    /// `if done == True:` says the same as `if done:` with more words, and is subtly different:
    /// `1 == True` is true but `2 == True` is not, so a count or a non-empty list fails the
    /// check. To test for the `bool` object itself, `is True` states that intent.
    ///
    /// ## Example
    /// ```python
    /// if converged == True:
    ///     break
    /// if use_gpu == False:
    ///     device = "cpu"
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// if converged:
    ///     break
    /// if not use_gpu:
    ///     device = "cpu"
    /// ```
    ///
    /// ## Fix safety
    /// The fix is unsafe, as in ruff: `x == True` becomes `x`, `x == False` and `x != True`
    /// become `not x`, and `x != False` becomes `x`; in a chained comparison the operator
    /// becomes `is` / `is not`. This changes the result when `x` is not a `bool` (`y = x ==
    /// True` then stores `x` itself) or when `x` overrides `__eq__` (pandas and NumPy compare
    /// element-wise: `df[df["flag"] == True]` must stay as it is).
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct TrueFalseComparison {
        code: "E712",
        name: "true-false-comparison",
        severity: Warning,
        recommended: true,
        fix: FixAvailability::Always(nbtidy_diagnostics::Applicability::Unsafe),
        keys: [],
    }
}

impl Rule for TrueFalseComparison {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn visits(&self) -> &'static [NodeKind] {
        &[NodeKind::ExprCompare]
    }

    fn visit(&self, node: AnyNodeRef<'_>, at: &At<'_, '_>, out: &mut Diagnostics) {
        report_literal_comparisons(node, at, out, &Self::META, Literal::Bool);
    }
}
