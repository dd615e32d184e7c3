//! `NB001` cell-defined-later: a name used in a cell but bound only in a later cell.

use crate::context::Context;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};
use crate::semantic;

crate::declare_rule! {
    /// ## What it does
    /// Checks for names that code executed when a cell runs (module-level statements, class
    /// bodies, decorators, default values) uses, but that the notebook binds only in a later
    /// cell. Uses inside function and lambda bodies are not reported: they run when the function
    /// is called.
    ///
    /// ## Why is this bad?
    /// The notebook works only when its cells are run out of order, as they were while it was
    /// written: "Run All" on a fresh kernel fails with `NameError` at the first such cell, and
    /// nobody else can reproduce the results.
    ///
    /// ## Example
    /// ```python
    /// # cell 1
    /// df.describe()
    ///
    /// # cell 2
    /// df = pd.read_csv("data.csv")
    /// ```
    ///
    /// Use instead: move the definition (cell 2) above its first use, or the use below it.
    ///
    /// ## Fix safety
    /// No fix: reordering cells changes what the notebook computes.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct CellDefinedLater {
        code: "NB001",
        name: "cell-defined-later",
        severity: Error,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

impl Rule for CellDefinedLater {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        let model = semantic::model(context);
        for later in &model.defined_later {
            if !model.is_reportable(later.cell) {
                continue;
            }
            let defined = model.bindings[later.binding].cell;
            out.push(context.code_diagnostic(
                &Self::META,
                format!(
                    "`{}` is used in cell {} but only defined later, in cell {}; the notebook fails when run top to bottom",
                    later.name,
                    later.cell + 1,
                    defined + 1
                ),
                later.cell,
                later.range,
            ));
        }
    }
}
