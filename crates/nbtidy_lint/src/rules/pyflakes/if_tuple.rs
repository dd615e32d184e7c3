//! `F634` if-tuple: `if (a, b):`, `elif (a, b):`, `x if (a, b) else y`, a test that is always
//! true.

use ruff_python_ast::Expr;
use ruff_python_ast::{AnyNodeRef, NodeKind};
use ruff_text_size::Ranged;

use crate::checker::At;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Checks for `if` and `elif` tests, and tests of conditional expressions
    /// (`x if test else y`), that are a non-empty tuple.
    ///
    /// Unlike ruff 0.16.4, which checks `if` and `elif` statements only, nbtidy also reports
    /// the test of a conditional expression, as pyflakes does.
    ///
    /// ## Why is this bad?
    /// A non-empty tuple is always true, so the branch is always taken: a stray comma or
    /// parentheses made one tuple of the conditions. CPython does not warn.
    ///
    /// ## Example
    /// ```python
    /// if (use_gpu, torch.cuda.is_available()):
    ///     model.cuda()
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// if use_gpu and torch.cuda.is_available():
    ///     model.cuda()
    /// ```
    ///
    /// ## Fix safety
    /// No fix, as in ruff: which condition was meant is a decision.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct IfTuple {
        code: "F634",
        name: "if-tuple",
        severity: Warning,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

impl Rule for IfTuple {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn visits(&self) -> &'static [NodeKind] {
        &[NodeKind::StmtIf, NodeKind::ExprIf]
    }

    fn visit(&self, node: AnyNodeRef<'_>, at: &At<'_, '_>, out: &mut Diagnostics) {
        let mut report = |test: &Expr| {
            if is_non_empty_tuple(test) {
                out.push(at.context.code_diagnostic(
                    &Self::META,
                    "If test is a tuple, which is always `True`",
                    at.cell.index,
                    test.range(),
                ));
            }
        };
        match node {
            AnyNodeRef::StmtIf(stmt_if) => {
                report(&stmt_if.test);
                for clause in &stmt_if.elif_else_clauses {
                    if let Some(test) = &clause.test {
                        report(test);
                    }
                }
            }
            AnyNodeRef::ExprIf(if_expr) => report(&if_expr.test),
            _ => {}
        }
    }
}

fn is_non_empty_tuple(expr: &Expr) -> bool {
    matches!(expr, Expr::Tuple(tuple) if !tuple.elts.is_empty())
}
