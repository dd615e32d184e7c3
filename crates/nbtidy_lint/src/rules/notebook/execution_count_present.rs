//! `NB004` execution-count-present: code cells with a saved execution count (off by default).

use nbtidy_diagnostics::{Applicability, Edit, Fix};
use nbtidy_notebook::CellType;

use crate::context::Context;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Reports code cells whose `execution_count` is not `null`. Off by default: turn it on
    /// for repositories that keep notebooks "clean" (`nbtidy_rule.execution-count-present =
    /// warning`). Only the cell's own count is checked, not the `execution_count` of its
    /// `execute_result` outputs.
    ///
    /// ## Why is this bad?
    /// Execution counts change every time the notebook runs, so they make diffs and merge
    /// conflicts out of nothing.
    ///
    /// ## Example
    /// ```json
    /// {"cell_type": "code", "execution_count": 12, ...}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"cell_type": "code", "execution_count": null, ...}
    /// ```
    ///
    /// ## Fix safety
    /// The fix sets the count to `null` and is safe: Jupyter shows `[ ]` instead of `[12]`,
    /// nothing else changes.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct ExecutionCountPresent {
        code: "NB004",
        name: "execution-count-present",
        severity: Warning,
        recommended: false,
        fix: FixAvailability::Always(Applicability::Safe),
        keys: [],
    }
}

impl Rule for ExecutionCountPresent {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        let notebook = context.notebook();
        for (index, cell) in notebook.cells().iter().enumerate() {
            if cell.cell_type != CellType::Code {
                continue;
            }
            let Some(span) = &cell.execution_count else {
                continue;
            };
            let value = notebook.slice(span);
            if value == "null" {
                continue;
            }
            let mut diagnostic = context.diagnostic(
                &Self::META,
                format!("cell {} has a saved execution count ({value})", index + 1),
                context.json_location(Some(index), span),
            );
            diagnostic.fix_title = Some("Set the execution count to null".to_owned());
            diagnostic.fix = Some(Fix::safe(vec![Edit::json(span.clone(), "null")]));
            out.push(diagnostic);
        }
    }
}
