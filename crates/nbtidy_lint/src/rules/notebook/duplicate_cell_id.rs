//! `NB009` duplicate-cell-id: two cells with the same `id`.

use std::collections::{HashMap, HashSet};

use nbtidy_diagnostics::{Applicability, Edit, Fix};

use crate::context::Context;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};
use nbtidy_notebook::cell_id::new_cell_id;
use nbtidy_notebook::scan::decode;

crate::declare_rule! {
    /// ## What it does
    /// Reports cells whose `id` was already used by a cell above them (nbformat 4.5 or later;
    /// older notebooks have no ids). Ids are compared as decoded strings.
    ///
    /// ## Why is this bad?
    /// Cell ids must be unique within a notebook. Tools that address cells by id (JupyterLab's
    /// collaboration, nbdime, papermill, links to a cell) pick the wrong cell, and `nbformat`
    /// silently gives the later cells new random ids when it reads the file, so the next save
    /// changes them. Duplicates usually come from copying cells between notebooks or merging
    /// branches.
    ///
    /// ## Example
    /// Cells 2 and 5 both have `"id": "a1b2c3d4"`.
    ///
    /// ## Fix safety
    /// The fix gives each later duplicate a new id (8 hex digits derived from the cell's
    /// position and source: deterministic, and unique within the notebook), editing only the
    /// id's value. The first cell keeps its id, so links to it keep working. The fix is safe.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct DuplicateCellId {
        code: "NB009",
        name: "duplicate-cell-id",
        severity: Error,
        recommended: true,
        fix: FixAvailability::Always(Applicability::Safe),
        keys: [],
    }
}

impl Rule for DuplicateCellId {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        let notebook = context.notebook();
        if !notebook.has_cell_ids() {
            return;
        }
        let text = notebook.text();
        let ids: Vec<Option<String>> = notebook
            .cells()
            .iter()
            .map(|cell| {
                cell.id
                    .as_ref()
                    .and_then(|span| decode(text, span))
                    .map(|id| id.into_owned())
            })
            .collect();
        let mut taken: HashSet<String> = ids.iter().flatten().cloned().collect();
        if taken.len() == ids.iter().flatten().count() {
            return;
        }
        let mut first_use: HashMap<&str, usize> = HashMap::new();
        for (index, id) in ids.iter().enumerate() {
            let Some(id) = id else {
                continue;
            };
            let Some(&first) = first_use.get(id.as_str()) else {
                first_use.insert(id, index);
                continue;
            };
            let span = notebook.cells()[index]
                .id
                .clone()
                .expect("the cell has an id");
            let view = &context.cells()[index];
            let new_id = new_cell_id(index, view.text(), &mut taken);
            let mut diagnostic = context.diagnostic(
                &Self::META,
                format!(
                    "cell {} has the same id {} as cell {}",
                    index + 1,
                    notebook.slice(&span),
                    first + 1
                ),
                context.json_location(Some(index), &span),
            );
            diagnostic.fix_title = Some(format!("Change the id to \"{new_id}\""));
            diagnostic.fix = Some(Fix::safe(vec![Edit::json(span, format!("\"{new_id}\""))]));
            out.push(diagnostic);
        }
    }
}
