//! `F842` unused-annotation: a local variable of a function annotated (`x: int`) and never
//! assigned or used.

use ruff_python_ast::statement_visitor::{self, StatementVisitor};
use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, ExprName, Stmt, StmtFunctionDef};
use ruff_text_size::{Ranged, TextSize};
use rustc_hash::FxHashSet;

use crate::context::Context;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};
use crate::semantic::is_dummy;

crate::declare_rule! {
    /// ## What it does
    /// Checks for local variables of a function that are annotated without a value
    /// (`x: int`) and never assigned or used: the name appears nowhere else in the function
    /// (nor in the functions nested in it), and is not declared `global` or `nonlocal`.
    /// Dummy names (`_`, `_unused`) are left alone. A name annotated twice is reported once,
    /// at its first annotation.
    ///
    /// nbtidy reads this from the function's code, where ruff 0.16.4 uses its semantic model:
    /// the findings are the same on the fixtures, but a name bound only by something other
    /// than a name expression (`import x`, `def x()`, `except E as x`) counts as unused here.
    ///
    /// ## Why is this bad?
    /// An annotation without a value binds nothing: the line has no effect at run time. It is
    /// a leftover, or a sign that the assignment was forgotten (reading the name would then
    /// fail with `UnboundLocalError`).
    ///
    /// ## Example
    /// ```python
    /// def summarize(frame):
    ///     total: float
    ///     return frame.sum()
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// def summarize(frame):
    ///     return frame.sum()
    /// ```
    ///
    /// ## Fix safety
    /// No fix, as in ruff.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct UnusedAnnotation {
        code: "F842",
        name: "unused-annotation",
        severity: Warning,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

impl Rule for UnusedAnnotation {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        for (cell, module) in context.python_cells() {
            let mut functions = Functions::default();
            functions.visit_body(&module.body);
            for function in functions.found {
                let mut annotations = Annotations::default();
                annotations.visit_body(&function.body);
                if annotations.found.is_empty() {
                    continue;
                }
                let targets: FxHashSet<TextSize> =
                    annotations.found.iter().map(|name| name.start()).collect();
                let mut uses = Uses {
                    targets: &targets,
                    names: FxHashSet::default(),
                };
                uses.visit_body(&function.body);
                let mut reported = FxHashSet::default();
                for name in annotations.found {
                    let id = name.id.as_str();
                    if is_dummy(id) || uses.names.contains(id) || !reported.insert(id) {
                        continue;
                    }
                    out.push(context.code_diagnostic(
                        &Self::META,
                        format!("Local variable `{id}` is annotated but never used"),
                        cell.index,
                        name.range(),
                    ));
                }
            }
        }
    }
}

/// Every function definition, at any depth.
#[derive(Default)]
struct Functions<'a> {
    found: Vec<&'a StmtFunctionDef>,
}

impl<'a> Visitor<'a> for Functions<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if let Stmt::FunctionDef(function) = stmt {
            self.found.push(function);
        }
        visitor::walk_stmt(self, stmt);
    }
}

/// The names annotated without a value in a function's own scope (not in nested functions
/// or classes), in order.
#[derive(Default)]
struct Annotations<'a> {
    found: Vec<&'a ExprName>,
}

impl<'a> StatementVisitor<'a> for Annotations<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
            Stmt::AnnAssign(ann) if ann.value.is_none() => {
                if let Expr::Name(name) = &*ann.target {
                    self.found.push(name);
                }
            }
            _ => statement_visitor::walk_stmt(self, stmt),
        }
    }
}

/// The names used, assigned or declared anywhere in a function's body, apart from the
/// annotation targets.
struct Uses<'a, 'b> {
    targets: &'b FxHashSet<TextSize>,
    names: FxHashSet<&'a str>,
}

impl<'a> Visitor<'a> for Uses<'a, '_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::Global(global) => self.names.extend(global.names.iter().map(|n| n.as_str())),
            Stmt::Nonlocal(nonlocal) => {
                self.names.extend(nonlocal.names.iter().map(|n| n.as_str()));
            }
            _ => {}
        }
        visitor::walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Name(name) = expr
            && !self.targets.contains(&name.start())
        {
            self.names.insert(name.id.as_str());
        }
        visitor::walk_expr(self, expr);
    }
}
