//! `NB008` missing-cell-id: a cell without `id` in an nbformat 4.5+ notebook.

use std::collections::HashSet;

use nbtidy_diagnostics::{Applicability, Edit, Fix};

use crate::context::Context;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};
use nbtidy_notebook::cell_id::{insert_id, new_cell_id};
use nbtidy_notebook::scan::{decode, object_entries};

crate::declare_rule! {
    /// ## What it does
    /// Reports cells without an `id` in notebooks of nbformat 4.5 or later, where every cell
    /// must have one. Older notebooks (4.0 to 4.4) must not have ids, so they are not checked.
    ///
    /// ## Why is this bad?
    /// Cell ids let tools (JupyterLab's collaboration, nbdime, links to a cell) follow a cell
    /// across edits. `nbformat` adds random ids when it reads such a file, so the next save
    /// by Jupyter changes every cell and the diff is noise.
    ///
    /// ## Example
    /// ```json
    /// {"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [], "source": []}
    /// ```
    ///
    /// ## Fix safety
    /// The fix adds `"id": "<8 hex digits>"`: derived from the cell's position and source, so
    /// the same notebook always gets the same ids, and unique within the notebook. The key goes
    /// where Jupyter would write it when the cell's keys are in alphabetical order (Jupyter's
    /// own layout, so a later save by Jupyter changes nothing), else first; indentation, line
    /// ending and spacing are copied from the cell's other keys. The fix is safe.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct MissingCellId {
        code: "NB008",
        name: "missing-cell-id",
        severity: Warning,
        recommended: true,
        fix: FixAvailability::Always(Applicability::Safe),
        keys: [],
    }
}

impl Rule for MissingCellId {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        let notebook = context.notebook();
        if !notebook.has_cell_ids() {
            return;
        }
        let (_, minor) = notebook.nbformat();
        let missing: Vec<usize> = notebook
            .cells()
            .iter()
            .enumerate()
            .filter(|(_, cell)| cell.id.is_none())
            .map(|(index, _)| index)
            .collect();
        if missing.is_empty() {
            return;
        }
        let text = notebook.text();
        let mut taken: HashSet<String> = notebook
            .cells()
            .iter()
            .filter_map(|cell| cell.id.as_ref().and_then(|span| decode(text, span)))
            .map(|id| id.into_owned())
            .collect();
        let spans = context
            .cell_spans()
            .map(|(_, spans)| spans)
            .filter(|spans| spans.len() == notebook.cells().len());
        for index in missing {
            let view = &context.cells()[index];
            let cell_span = spans.as_ref().map(|spans| spans[index].clone());
            let location_span = cell_span
                .clone()
                .or_else(|| notebook.cells()[index].source.clone())
                .unwrap_or(0..0);
            let mut diagnostic = context.diagnostic(
                &Self::META,
                format!(
                    "cell {} has no `id` (nbformat 4.{minor} requires one for every cell)",
                    view.number()
                ),
                context.json_location(Some(index), &location_span),
            );
            if let Some(cell_span) = cell_span
                && let Some(entries) = object_entries(text, &cell_span)
            {
                let id = new_cell_id(index, view.text(), &mut taken);
                if let Some((span, content)) = insert_id(text, &cell_span, &entries, &id) {
                    diagnostic.fix_title = Some(format!("Add `\"id\": \"{id}\"`"));
                    diagnostic.fix = Some(Fix::safe(vec![Edit::json(span, content)]));
                }
            }
            out.push(diagnostic);
        }
    }
}
