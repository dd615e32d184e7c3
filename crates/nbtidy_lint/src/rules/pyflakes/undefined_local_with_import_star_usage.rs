//! `F405` undefined-local-with-import-star-usage: a name bound nowhere the notebook shows,
//! used after a `from module import *`.

use crate::context::Context;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};
use crate::semantic;

crate::declare_rule! {
    /// ## What it does
    /// Checks for names that are bound nowhere the notebook shows but may come from a
    /// `from module import *` that ran before the use (in notebook order: a star import in
    /// cell 4 does not explain a name used in cell 2; a function body runs when called, so
    /// any star import counts), and for names of `__all__` in the same case.
    ///
    /// Without a star import the same names are `undefined-name` (F821). A name bound only in
    /// a later cell is `cell-defined-later` (NB001), star import or not. After a `%run` or
    /// `%load` without a star import nbtidy reports nothing, as for F821.
    ///
    /// ## Why is this bad?
    /// Whether the name exists depends on what the star-imported module happens to export: a
    /// reader cannot tell where it comes from, and a typo looks the same as a real name.
    ///
    /// ## Example
    /// ```python
    /// from pylab import *
    ///
    /// plot(linspace(0, 1))
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// from pylab import linspace, plot
    ///
    /// plot(linspace(0, 1))
    /// ```
    ///
    /// ## Fix safety
    /// No fix, as in ruff.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct UndefinedLocalWithImportStarUsage {
        code: "F405",
        name: "undefined-local-with-import-star-usage",
        severity: Warning,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

impl Rule for UndefinedLocalWithImportStarUsage {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        let model = semantic::model(context);
        let message =
            |name: &str| format!("`{name}` may be undefined, or defined from star imports");
        for undefined in &model.undefined {
            if undefined.star && model.is_reportable(undefined.cell) {
                out.push(context.code_diagnostic(
                    &Self::META,
                    message(&undefined.name),
                    undefined.cell,
                    undefined.range,
                ));
            }
        }
        if model.first_module_star.is_some() {
            for export in &model.undefined_exports {
                out.push(context.code_diagnostic(
                    &Self::META,
                    message(&export.name),
                    export.cell,
                    export.range,
                ));
            }
        }
    }
}
