//! `F631` assert-tuple: `assert (x, "message")`, an assertion that always passes.

use ruff_python_ast::Expr;
use ruff_python_ast::{AnyNodeRef, NodeKind};
use ruff_text_size::Ranged;

use crate::checker::At;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Checks for `assert` statements whose test is a non-empty tuple, such as
    /// `assert (x > 0, "x must be positive")`.
    ///
    /// ## Why is this bad?
    /// A non-empty tuple is always true, so the assertion never fails: the parentheses meant
    /// to wrap the condition and its message made one tuple of them. CPython warns
    /// (`SyntaxWarning: assertion is always true`).
    ///
    /// ## Example
    /// ```python
    /// assert (len(df) > 0, "empty frame")
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// assert len(df) > 0, "empty frame"
    /// ```
    ///
    /// ## Fix safety
    /// No fix, as in ruff.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct AssertTuple {
        code: "F631",
        name: "assert-tuple",
        severity: Warning,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

impl Rule for AssertTuple {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn visits(&self) -> &'static [NodeKind] {
        &[NodeKind::StmtAssert]
    }

    fn visit(&self, node: AnyNodeRef<'_>, at: &At<'_, '_>, out: &mut Diagnostics) {
        if let AnyNodeRef::StmtAssert(assert) = node
            && matches!(&*assert.test, Expr::Tuple(tuple) if !tuple.elts.is_empty())
        {
            out.push(at.context.code_diagnostic(
                &Self::META,
                "Assert test is a non-empty tuple, which is always `True`",
                at.cell.index,
                assert.range(),
            ));
        }
    }
}
