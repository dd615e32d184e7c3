//! `F633` invalid-print-syntax: `print >> sys.stderr, "message"`, Python 2's print statement.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, ExprName, Operator};
use ruff_text_size::Ranged;

use crate::context::Context;
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

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        // Built on the first candidate only: most notebooks have none.
        let mut model = None;
        for (cell, module) in context.python_cells() {
            let mut finder = Finder::default();
            finder.visit_body(&module.body);
            for name in finder.found {
                let model = model.get_or_insert_with(|| semantic::model(context));
                let rebound = model.references.iter().any(|reference| {
                    reference.cell == cell.index
                        && reference.range.start() == name.start()
                        && reference.binding.is_some()
                });
                if !rebound {
                    out.push(context.code_diagnostic(
                        &Self::META,
                        "Use of `>>` is invalid with `print` function",
                        cell.index,
                        name.range(),
                    ));
                }
            }
        }
    }
}

/// The names `print` on the left of a `>>`.
#[derive(Default)]
struct Finder<'a> {
    found: Vec<&'a ExprName>,
}

impl<'a> Visitor<'a> for Finder<'a> {
    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::BinOp(bin_op) = expr
            && bin_op.op == Operator::RShift
            && let Expr::Name(name) = &*bin_op.left
            && name.id.as_str() == "print"
        {
            self.found.push(name);
        }
        visitor::walk_expr(self, expr);
    }
}
