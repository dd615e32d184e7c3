//! `F701` break-outside-loop and `F702` continue-outside-loop: `break` / `continue` with no
//! loop body around them in the same function or class.

use ruff_python_ast::{AnyNodeRef, NodeKind, Stmt};
use ruff_text_size::{Ranged, TextRange};

use crate::checker::At;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Checks for `break` statements outside the body of a `for` or `while` loop: at the top
    /// level of a cell, in a loop's `else` clause, or in a function or class defined inside a
    /// loop.
    ///
    /// Notebooks behave as `.py` files here: each cell is compiled on its own, so a `break`
    /// at the top level of a cell is an error even when the previous cell ended inside a
    /// loop's indentation.
    ///
    /// ## Why is this bad?
    /// Python refuses to compile it: the whole cell raises `SyntaxError` before any of it runs.
    ///
    /// ## Example
    /// ```python
    /// for path in paths:
    ///     process(path)
    /// break
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// for path in paths:
    ///     process(path)
    ///     break
    /// ```
    ///
    /// ## Fix safety
    /// No fix, as in ruff: where the loop should end is a decision.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct BreakOutsideLoop {
        code: "F701",
        name: "break-outside-loop",
        severity: Error,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

crate::declare_rule! {
    /// ## What it does
    /// Checks for `continue` statements outside the body of a `for` or `while` loop: at the
    /// top level of a cell, in a loop's `else` clause, or in a function or class defined inside
    /// a loop. `continue` in a `finally` clause inside a loop is valid (Python 3.8+).
    ///
    /// Notebooks behave as `.py` files here: each cell is compiled on its own.
    ///
    /// ## Why is this bad?
    /// Python refuses to compile it: the whole cell raises `SyntaxError` before any of it runs.
    ///
    /// ## Example
    /// ```python
    /// def check(row):
    ///     if row is None:
    ///         continue
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// def check(row):
    ///     if row is None:
    ///         return
    /// ```
    ///
    /// ## Fix safety
    /// No fix, as in ruff.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct ContinueOutsideLoop {
        code: "F702",
        name: "continue-outside-loop",
        severity: Error,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

impl Rule for BreakOutsideLoop {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn visits(&self) -> &'static [NodeKind] {
        &[NodeKind::StmtBreak]
    }

    fn visit(&self, node: AnyNodeRef<'_>, at: &At<'_, '_>, out: &mut Diagnostics) {
        if !in_loop_body(node.range(), at.parents) {
            out.push(at.context.code_diagnostic(
                &Self::META,
                "`break` outside loop",
                at.cell.index,
                node.range(),
            ));
        }
    }
}

impl Rule for ContinueOutsideLoop {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn visits(&self) -> &'static [NodeKind] {
        &[NodeKind::StmtContinue]
    }

    fn visit(&self, node: AnyNodeRef<'_>, at: &At<'_, '_>, out: &mut Diagnostics) {
        if !in_loop_body(node.range(), at.parents) {
            out.push(at.context.code_diagnostic(
                &Self::META,
                "`continue` not properly in loop",
                at.cell.index,
                node.range(),
            ));
        }
    }
}

/// Whether `range` is in the body (not the `else`) of the innermost loop enclosing it within
/// the same function or class.
fn in_loop_body(range: TextRange, parents: &[&Stmt]) -> bool {
    for parent in parents.iter().rev() {
        let body = match parent {
            Stmt::For(stmt) => &stmt.body,
            Stmt::While(stmt) => &stmt.body,
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => return false,
            _ => continue,
        };
        if let (Some(first), Some(last)) = (body.first(), body.last())
            && TextRange::new(first.start(), last.end()).contains_range(range)
        {
            return true;
        }
    }
    false
}
