//! `F633` invalid-print-syntax: `print >> sys.stderr, "message"`, Python 2's print statement.

use ruff_python_ast::{AnyNodeRef, NodeKind};
use ruff_python_ast::{Expr, Operator};
use ruff_text_size::Ranged;

use crate::checker::At;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};
use crate::semantic;

crate::declare_rule! {
    /// ## What it does
    /// Checks for `>>` applied to the builtin `print` (`print >> sys.stderr, "message"`). A
    /// name `print` the notebook binds itself (a parameter, an assignment) is left alone.
    ///
    /// ## Why is this bad?
    /// It is Python 2's way to print to a file. In Python 3 `print` is a function: the line
    /// fails with `TypeError: unsupported operand type(s) for >>`, and prints nothing.
    ///
    /// ## Example
    /// ```python
    /// import sys
    ///
    /// print >> sys.stderr, "loading failed"
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import sys
    ///
    /// print("loading failed", file=sys.stderr)
    /// ```
    ///
    /// ## Fix safety
    /// No fix, as in ruff.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct InvalidPrintSyntax {
        code: "F633",
        name: "invalid-print-syntax",
        severity: Error,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

impl Rule for InvalidPrintSyntax {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn visits(&self) -> &'static [NodeKind] {
        &[NodeKind::ExprBinOp]
    }

    fn visit(&self, node: AnyNodeRef<'_>, at: &At<'_, '_>, out: &mut Diagnostics) {
        let AnyNodeRef::ExprBinOp(bin_op) = node else {
            return;
        };
        if bin_op.op != Operator::RShift {
            return;
        }
        let Expr::Name(name) = &*bin_op.left else {
            return;
        };
        if name.id.as_str() != "print" {
            return;
        }
        // The model is built once per notebook (on first use): most notebooks have no candidate.
        let model = semantic::model(at.context);
        let rebound = model
            .reference_at(at.cell.index, name.start())
            .is_some_and(|reference| reference.binding.is_some());
        if !rebound {
            out.push(at.context.code_diagnostic(
                &Self::META,
                "Use of `>>` is invalid with `print` function",
                at.cell.index,
                name.range(),
            ));
        }
    }
}
