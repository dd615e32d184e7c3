//! `F823` undefined-local: a function uses a name before binding it locally, while the name
//! also exists outside the function.

use crate::context::Context;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};
use crate::semantic;

crate::declare_rule! {
    /// ## What it does
    /// Checks for function bodies that read a name before binding it, when the name also
    /// exists outside the function (a notebook variable, an import, a builtin): the
    /// binding makes the name local to the whole function, so the earlier read does not see
    /// the outer value.
    ///
    /// In a notebook this is the classic cell-to-function refactoring slip: code that read
    /// and then updated a notebook variable (`total = total + x`) moved into a function.
    /// Function bodies are read as at the end of the notebook (they run when called).
    ///
    /// ## Why is this bad?
    /// Calling the function raises `UnboundLocalError`.
    ///
    /// ## Example
    /// ```python
    /// total = 0
    ///
    /// def add(x):
    ///     total = total + x
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// total = 0
    ///
    /// def add(x):
    ///     global total
    ///     total = total + x
    /// ```
    ///
    /// ## Fix safety
    /// No fix, as in ruff: `global`, a parameter or a new name are all possible.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct UndefinedLocal {
        code: "F823",
        name: "undefined-local",
        severity: Error,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

impl Rule for UndefinedLocal {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        let model = semantic::model(context);
        for local in &model.undefined_locals {
            out.push(context.code_diagnostic(
                &Self::META,
                format!(
                    "Local variable `{}` referenced before assignment",
                    local.name
                ),
                local.cell,
                local.range,
            ));
        }
    }
}
