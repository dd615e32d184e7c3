//! `F901` raise-not-implemented: `raise NotImplemented` / `raise NotImplemented(...)`.

use nbtidy_diagnostics::{Edit, Fix};
use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, ExprName, Stmt};
use ruff_text_size::Ranged;

use crate::context::Context;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};
use crate::semantic;

crate::declare_rule! {
    /// ## What it does
    /// Checks for `raise NotImplemented` and `raise NotImplemented(...)`.
    ///
    /// ## Why is this bad?
    /// `NotImplemented` is the value binary methods such as `__eq__` return to let Python
    /// try the other operand; it is not an exception. Raising it fails with
    /// `TypeError: exceptions must derive from BaseException` (calling it, with
    /// `TypeError: 'NotImplementedType' object is not callable`) instead of the
    /// `NotImplementedError` that was meant.
    ///
    /// ## Example
    /// ```python
    /// class Model:
    ///     def predict(self, x):
    ///         raise NotImplemented
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// class Model:
    ///     def predict(self, x):
    ///         raise NotImplementedError
    /// ```
    ///
    /// ## Fix safety
    /// The fix (`NotImplemented` → `NotImplementedError`) is safe, as in ruff 0.16.4: the
    /// statement could only fail with a `TypeError`. It is not offered when the notebook binds
    /// the name `NotImplementedError` itself.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct RaiseNotImplemented {
        code: "F901",
        name: "raise-not-implemented",
        severity: Error,
        recommended: true,
        fix: FixAvailability::Sometimes(nbtidy_diagnostics::Applicability::Safe),
        keys: [],
    }
}

impl Rule for RaiseNotImplemented {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        // Looked up on the first finding only: most notebooks have none.
        let mut fixable: Option<bool> = None;
        for (cell, module) in context.python_cells() {
            let mut finder = Finder::default();
            finder.visit_body(&module.body);
            for name in finder.found {
                let mut diagnostic = context.code_diagnostic(
                    &Self::META,
                    "`raise NotImplemented` should be `raise NotImplementedError`",
                    cell.index,
                    name.range(),
                );
                let fixable = *fixable.get_or_insert_with(|| {
                    !semantic::model(context)
                        .bindings
                        .iter()
                        .any(|binding| binding.name.as_str() == "NotImplementedError")
                });
                if fixable {
                    diagnostic.fix_title = Some("Use `raise NotImplementedError`".to_owned());
                    diagnostic.fix = Some(Fix::safe(vec![Edit::code(
                        cell.index,
                        name.start().to_usize()..name.end().to_usize(),
                        "NotImplementedError",
                    )]));
                }
                out.push(diagnostic);
            }
        }
    }
}

/// The `NotImplemented` names raised (`raise NotImplemented`, `raise NotImplemented(...)`).
#[derive(Default)]
struct Finder<'a> {
    found: Vec<&'a ExprName>,
}

impl<'a> Visitor<'a> for Finder<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if let Stmt::Raise(raise) = stmt
            && let Some(exc) = &raise.exc
        {
            let raised = match &**exc {
                Expr::Call(call) => &*call.func,
                other => other,
            };
            if let Expr::Name(name) = raised
                && name.id.as_str() == "NotImplemented"
            {
                self.found.push(name);
            }
        }
        visitor::walk_stmt(self, stmt);
    }
}
