//! `F634` if-tuple: `if (a, b):`, `elif (a, b):`, `x if (a, b) else y`, a test that is always
//! true.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

use crate::context::Context;
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

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        for (cell, module) in context.python_cells() {
            let mut finder = Finder::default();
            finder.visit_body(&module.body);
            for range in finder.found {
                out.push(context.code_diagnostic(
                    &Self::META,
                    "If test is a tuple, which is always `True`",
                    cell.index,
                    range,
                ));
            }
        }
    }
}

fn is_non_empty_tuple(expr: &Expr) -> bool {
    matches!(expr, Expr::Tuple(tuple) if !tuple.elts.is_empty())
}

/// The ranges of the tuple tests to report (as ruff, which reports the test).
#[derive(Default)]
struct Finder {
    found: Vec<TextRange>,
}

impl<'a> Visitor<'a> for Finder {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if let Stmt::If(stmt_if) = stmt {
            if is_non_empty_tuple(&stmt_if.test) {
                self.found.push(stmt_if.test.range());
            }
            for clause in &stmt_if.elif_else_clauses {
                if let Some(test) = &clause.test
                    && is_non_empty_tuple(test)
                {
                    self.found.push(test.range());
                }
            }
        }
        visitor::walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::If(if_expr) = expr
            && is_non_empty_tuple(&if_expr.test)
        {
            self.found.push(if_expr.test.range());
        }
        visitor::walk_expr(self, expr);
    }
}
