//! `NB003` outputs-present: code cells with saved outputs (off by default).

use nbtidy_diagnostics::{Edit, Fix};
use nbtidy_notebook::CellType;

use crate::context::Context;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Reports code cells with saved outputs. Off by default: turn it on for repositories that
    /// keep notebooks without outputs (`nbtidy_rule.outputs-present = error`).
    ///
    /// ## Why is this bad?
    /// Saved outputs make diffs noisy, bloat the repository, and can leak data (tables, images,
    /// paths, tokens printed by accident).
    ///
    /// ## Example
    /// A code cell whose `"outputs"` list is not empty.
    ///
    /// ## Fix safety
    /// The fix empties the cell's `outputs` list (the code is untouched). It is unsafe: the
    /// outputs are gone unless the notebook is run again.
    ///
    /// ## EditorConfig keys
    /// - `nbtidy_outputs_allowed_size`: outputs whose JSON is at most this many bytes are allowed
    ///   (default 0: none).
    ///
    /// Cells tagged `keep-output` are always allowed.
    pub struct OutputsPresent {
        code: "NB003",
        name: "outputs-present",
        severity: Warning,
        recommended: false,
        fix: FixAvailability::Always(nbtidy_diagnostics::Applicability::Unsafe),
        keys: ["nbtidy_outputs_allowed_size"],
        options: [crate::RuleOption {
            key: "nbtidy_outputs_allowed_size",
            valid: |value| value.trim().parse::<usize>().is_ok(),
            expected: "expected a whole number of bytes",
        }],
    }
}

impl Rule for OutputsPresent {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        let allowed = context
            .option(&Self::META, "nbtidy_outputs_allowed_size")
            .and_then(|value| value.trim().parse::<usize>().ok())
            .unwrap_or(0);
        for (cell, raw) in context.cells().iter().zip(context.notebook().cells()) {
            if cell.cell_type != CellType::Code || cell.has_tag("keep-output") {
                continue;
            }
            let Some(span) = &raw.outputs else {
                continue;
            };
            let json = context.notebook().slice(span);
            let empty = json
                .strip_prefix('[')
                .and_then(|rest| rest.strip_suffix(']'))
                .is_some_and(|inner| inner.trim().is_empty());
            if empty || json.len() <= allowed {
                continue;
            }
            let mut diagnostic = context.diagnostic(
                &Self::META,
                format!(
                    "cell {} has saved outputs ({} bytes of JSON)",
                    cell.number(),
                    json.len()
                ),
                context.json_location(Some(cell.index), span),
            );
            diagnostic.fix_title = Some("Remove the outputs".to_owned());
            diagnostic.fix = Some(Fix::unsafe_(vec![Edit::json(span.clone(), "[]")]));
            out.push(diagnostic);
        }
    }
}
