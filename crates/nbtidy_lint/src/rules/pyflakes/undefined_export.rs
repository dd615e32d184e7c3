//! `F822` undefined-export: a name in `__all__` that the notebook never binds.

use crate::context::Context;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};
use crate::semantic;

crate::declare_rule! {
    /// ## What it does
    /// Checks for names listed in `__all__` (`__all__ = [...]`, `__all__ += [...]`) that are
    /// not bound at module level at the end of the notebook (a name bound in a later cell
    /// counts: `__all__` is read when the module is imported, after all of it ran). Builtins
    /// are not reported. With a module-level `from module import *` the names may come from
    /// it: `undefined-local-with-import-star-usage` (F405) reports them instead, as in ruff.
    /// Names added with `__all__.extend(...)` / `.append(...)` are not checked, as in ruff.
    ///
    /// `__all__` matters for notebooks exported as modules (nbdev, `jupyter nbconvert --to
    /// script`).
    ///
    /// ## Why is this bad?
    /// `from module import *` of the exported module raises `AttributeError`.
    ///
    /// ## Example
    /// ```python
    /// __all__ = ["load_data", "train"]
    ///
    /// def load_data(): ...
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// __all__ = ["load_data"]
    ///
    /// def load_data(): ...
    /// ```
    ///
    /// ## Fix safety
    /// No fix, as in ruff.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct UndefinedExport {
        code: "F822",
        name: "undefined-export",
        severity: Warning,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

impl Rule for UndefinedExport {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        let model = semantic::model(context);
        if model.first_module_star.is_some() {
            return;
        }
        for export in &model.undefined_exports {
            out.push(context.code_diagnostic(
                &Self::META,
                format!("Undefined name `{}` in `__all__`", export.name),
                export.cell,
                export.range,
            ));
        }
    }
}
