//! `F901` raise-not-implemented: `raise NotImplemented` / `raise NotImplemented(...)`.

use nbtidy_diagnostics::{Edit, Fix};
use ruff_python_ast::Expr;
use ruff_python_ast::{AnyNodeRef, NodeKind};
use ruff_text_size::Ranged;

use crate::checker::At;
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

    fn visits(&self) -> &'static [NodeKind] {
        &[NodeKind::StmtRaise]
    }

    fn visit(&self, node: AnyNodeRef<'_>, at: &At<'_, '_>, out: &mut Diagnostics) {
        let AnyNodeRef::StmtRaise(raise) = node else {
            return;
        };
        let Some(exc) = &raise.exc else {
            return;
        };
        let raised = match &**exc {
            Expr::Call(call) => &*call.func,
            other => other,
        };
        let Expr::Name(name) = raised else {
            return;
        };
        if name.id.as_str() != "NotImplemented" {
            return;
        }
        let mut diagnostic = at.context.code_diagnostic(
            &Self::META,
            "`raise NotImplemented` should be `raise NotImplementedError`",
            at.cell.index,
            name.range(),
        );
        let fixable = !semantic::model(at.context)
            .bindings
            .iter()
            .any(|binding| binding.name.as_str() == "NotImplementedError");
        if fixable {
            diagnostic.fix_title = Some("Use `raise NotImplementedError`".to_owned());
            diagnostic.fix = Some(Fix::safe(vec![Edit::code(
                at.cell.index,
                name.start().to_usize()..name.end().to_usize(),
                "NotImplementedError",
            )]));
        }
        out.push(diagnostic);
    }
}
