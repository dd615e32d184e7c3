//! `F706` return-outside-function: `return` at the top level of a cell or in a class body.

use ruff_python_ast::{AnyNodeRef, NodeKind, Stmt};
use ruff_text_size::Ranged;

use crate::checker::At;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Checks for `return` statements outside a function: at the top level of a cell or
    /// directly in a class body.
    ///
    /// In a notebook this is usually a cell pasted from a function body. Each cell is
    /// compiled on its own, as a module: there is no function to return from.
    ///
    /// ## Why is this bad?
    /// Python refuses to compile it: the whole cell raises `SyntaxError` before any of it runs.
    ///
    /// ## Example
    /// ```python
    /// if df.empty:
    ///     return
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// if df.empty:
    ///     raise ValueError("no rows")
    /// ```
    ///
    /// ## Fix safety
    /// No fix, as in ruff.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct ReturnOutsideFunction {
        code: "F706",
        name: "return-outside-function",
        severity: Error,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

impl Rule for ReturnOutsideFunction {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn visits(&self) -> &'static [NodeKind] {
        &[NodeKind::StmtReturn]
    }

    fn visit(&self, node: AnyNodeRef<'_>, at: &At<'_, '_>, out: &mut Diagnostics) {
        if !matches!(at.scope(), Some(Stmt::FunctionDef(_))) {
            out.push(at.context.code_diagnostic(
                &Self::META,
                "`return` statement outside of a function/method",
                at.cell.index,
                node.range(),
            ));
        }
    }
}
