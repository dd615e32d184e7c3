//! `F704` yield-outside-function: `yield` / `yield from` outside a function, and `await` in
//! a class body (top-level `await` is valid in a notebook).

use ruff_python_ast::{AnyNodeRef, NodeKind, Stmt};
use ruff_text_size::Ranged;

use crate::checker::At;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Checks for `yield` and `yield from` outside a function or lambda (at the top level of
    /// a cell, in a class body, in a comprehension at the top level), and for `await` in a
    /// class body.
    ///
    /// Top-level `await` is normal in a notebook: IPython runs a cell that awaits at the top
    /// level in its event loop, comprehensions included (`[await f(x) for x in xs]`), so
    /// neither is reported. ruff 0.16.4 does not report a top-level `await` in a notebook
    /// either, but does report one inside a list, set or dictionary comprehension at the
    /// top level; nbtidy does not (IPython compiles it). `await` directly in a class body
    /// is refused by Python in a notebook too, and is reported.
    ///
    /// ## Why is this bad?
    /// Python refuses to compile it: the whole cell raises `SyntaxError` before any of it runs.
    ///
    /// ## Example
    /// ```python
    /// for batch in loader:
    ///     yield batch
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// def batches(loader):
    ///     for batch in loader:
    ///         yield batch
    /// ```
    ///
    /// ## Fix safety
    /// No fix, as in ruff.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct YieldOutsideFunction {
        code: "F704",
        name: "yield-outside-function",
        severity: Error,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

impl Rule for YieldOutsideFunction {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn visits(&self) -> &'static [NodeKind] {
        &[
            NodeKind::ExprYield,
            NodeKind::ExprYieldFrom,
            NodeKind::ExprAwait,
        ]
    }

    fn visit(&self, node: AnyNodeRef<'_>, at: &At<'_, '_>, out: &mut Diagnostics) {
        if at.lambdas > 0 {
            return;
        }
        let keyword = match (node, at.scope()) {
            (_, Some(Stmt::FunctionDef(_))) => return,
            (AnyNodeRef::ExprYield(_), _) => "yield",
            (AnyNodeRef::ExprYieldFrom(_), _) => "yield from",
            (AnyNodeRef::ExprAwait(_), Some(Stmt::ClassDef(_))) => "await",
            _ => return,
        };
        out.push(at.context.code_diagnostic(
            &Self::META,
            format!("`{keyword}` statement outside of a function"),
            at.cell.index,
            node.range(),
        ));
    }
}
