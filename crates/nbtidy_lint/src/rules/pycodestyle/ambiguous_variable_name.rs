//! `E741` ambiguous-variable-name: `l`, `O` or `I` bound as a variable.
//!
//! Also home of the search shared with `E742` (ambiguous-class-name) and `E743`
//! (ambiguous-function-name).

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{ExceptHandler, Expr, ExprContext, ModModule, Parameter, Stmt};
use ruff_text_size::{Ranged, TextRange};

use crate::context::Context;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Checks for the names `l`, `O` and `I` bound as variables: assignment targets
    /// (also augmented and annotated ones, `for` and comprehension targets, `:=`, `with ... as`,
    /// `type` aliases), function and lambda parameters, `global` / `nonlocal` declarations
    /// and `except ... as` names.
    ///
    /// As in ruff, imports (`import numpy as l`), match captures and type parameters are not
    /// reported, and the statement of a `%time` / `%timeit` line is not checked (it is an
    /// IPython command, not Python, to the parser).
    ///
    /// ## Why is this bad?
    /// In many fonts these letters look like the digits one and zero (`l` and `1`, `O` and `0`,
    /// `I` and `l`): `l = 1` followed by `x = l + 1` is hard to read right, in a notebook's
    /// proportional or small rendering even more.
    ///
    /// ## Example
    /// ```python
    /// l = [row for row in rows if row]
    /// for I in range(3):
    ///     print(l[I])
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// lines = [row for row in rows if row]
    /// for i in range(3):
    ///     print(lines[i])
    /// ```
    ///
    /// ## Fix safety
    /// No fix, as in ruff: a better name is a decision.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct AmbiguousVariableName {
        code: "E741",
        name: "ambiguous-variable-name",
        severity: Warning,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

impl Rule for AmbiguousVariableName {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        report_ambiguous_names(context, out, &Self::META, Binder::Variable);
    }
}

/// What binds an ambiguous name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Binder {
    /// A variable (`E741`).
    Variable,
    /// A class statement (`E742`).
    Class,
    /// A function statement (`E743`).
    Function,
}

/// `l`, `O` or `I`.
fn is_ambiguous(name: &str) -> bool {
    matches!(name, "l" | "I" | "O")
}

/// Reports the ambiguous names bound by `binder` in every Python cell for `meta`'s rule.
pub(crate) fn report_ambiguous_names(
    context: &Context<'_>,
    out: &mut Diagnostics,
    meta: &RuleMeta,
    binder: Binder,
) {
    for (cell, module) in context.python_cells() {
        for (name, range) in ambiguous_names(module, binder) {
            let message = match binder {
                Binder::Variable => format!("ambiguous variable name: `{name}`"),
                Binder::Class => format!("ambiguous class name: `{name}`"),
                Binder::Function => format!("ambiguous function name: `{name}`"),
            };
            out.push(context.code_diagnostic(meta, message, cell.index, range));
        }
    }
}

/// The ambiguous names `binder` binds in `module`, with their ranges.
fn ambiguous_names(module: &ModModule, binder: Binder) -> Vec<(&str, TextRange)> {
    let mut finder = Finder {
        binder,
        found: Vec::new(),
    };
    finder.visit_body(&module.body);
    finder.found
}

struct Finder<'a> {
    binder: Binder,
    found: Vec<(&'a str, TextRange)>,
}

impl<'a> Finder<'a> {
    fn name(&mut self, binder: Binder, name: &'a str, range: TextRange) {
        if binder == self.binder && is_ambiguous(name) {
            self.found.push((name, range));
        }
    }
}

impl<'a> Visitor<'a> for Finder<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::ClassDef(class) => {
                self.name(Binder::Class, class.name.as_str(), class.name.range());
            }
            Stmt::FunctionDef(function) => {
                self.name(
                    Binder::Function,
                    function.name.as_str(),
                    function.name.range(),
                );
            }
            Stmt::Global(global) => {
                for name in &global.names {
                    self.name(Binder::Variable, name.as_str(), name.range());
                }
            }
            Stmt::Nonlocal(nonlocal) => {
                for name in &nonlocal.names {
                    self.name(Binder::Variable, name.as_str(), name.range());
                }
            }
            _ => {}
        }
        visitor::walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Name(name) = expr
            && name.ctx == ExprContext::Store
        {
            self.name(Binder::Variable, name.id.as_str(), name.range());
        }
        visitor::walk_expr(self, expr);
    }

    fn visit_parameter(&mut self, parameter: &'a Parameter) {
        self.name(
            Binder::Variable,
            parameter.name.as_str(),
            parameter.name.range(),
        );
        visitor::walk_parameter(self, parameter);
    }

    fn visit_except_handler(&mut self, handler: &'a ExceptHandler) {
        let ExceptHandler::ExceptHandler(inner) = handler;
        if let Some(name) = &inner.name {
            self.name(Binder::Variable, name.as_str(), name.range());
        }
        visitor::walk_except_handler(self, handler);
    }
}
