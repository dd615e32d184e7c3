//! `NB007` empty-cell: a code or markdown cell with nothing but whitespace.

use nbtidy_diagnostics::{Applicability, Fix};
use nbtidy_notebook::CellType;

use crate::context::Context;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};
use crate::rules::json_util::{is_empty_container, removal_edits};

crate::declare_rule! {
    /// ## What it does
    /// Reports code and markdown cells whose source is empty or only whitespace. Raw cells are
    /// left alone (they are sometimes kept empty on purpose for nbconvert), and so are cells
    /// tagged `parameters` or `injected-parameters` (papermill's injection points).
    ///
    /// ## Why is this bad?
    /// Empty cells are leftovers: they add noise to the notebook and to its diffs.
    ///
    /// ## Example
    /// A code cell with `"source": []` or `"source": ["\n"]` between two others.
    ///
    /// ## Fix safety
    /// The fix removes the cell from the `cells` list, together with one separator, so that the
    /// JSON keeps its layout. It is safe when the cell has no outputs and no tags; otherwise
    /// (saved outputs, tags another tool may look for) it is unsafe. A notebook is never left
    /// without cells: when every cell is empty, the last one gets no fix (Jupyter opens a
    /// notebook with `"cells": []` but some tools reject it, and it is rarely what was meant).
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct EmptyCell {
        code: "NB007",
        name: "empty-cell",
        severity: Warning,
        recommended: true,
        fix: FixAvailability::Sometimes(Applicability::Safe),
        keys: [],
    }
}

impl Rule for EmptyCell {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        let notebook = context.notebook();
        let text = notebook.text();
        let is_empty = |view: &crate::context::CellView<'_>| {
            view.code().is_some()
                && view.text().trim().is_empty()
                && !view.has_tag("parameters")
                && !view.has_tag("injected-parameters")
        };
        // Never remove the last remaining cell: when every cell is an empty code or markdown
        // cell (whose fixes could all apply in one round), the last one keeps no fix.
        let keep = context
            .cells()
            .iter()
            .all(|view| {
                matches!(view.cell_type, CellType::Code | CellType::Markdown) && is_empty(view)
            })
            .then(|| context.cells().len().checked_sub(1))
            .flatten();
        for (view, cell) in context.cells().iter().zip(notebook.cells()) {
            let kind = match cell.cell_type {
                CellType::Code => "code",
                CellType::Markdown => "markdown",
                _ => continue,
            };
            if !is_empty(view) {
                continue;
            }
            let has_outputs = cell
                .outputs
                .as_ref()
                .is_some_and(|span| !is_empty_container(text, span));
            let mut diagnostic = context.diagnostic(
                &Self::META,
                format!("{kind} cell {} is empty", view.number()),
                context.json_location(
                    Some(view.index),
                    cell.source.as_ref().expect("the cell has a source"),
                ),
            );
            if let Some((list, items)) = context.cell_spans()
                && items.len() == notebook.cells().len()
                && keep != Some(view.index)
            {
                let edits = removal_edits(text, list, items, &[view.index]);
                diagnostic.fix_title = Some("Remove the cell".to_owned());
                diagnostic.fix = Some(if has_outputs || !view.tags.is_empty() {
                    Fix::unsafe_(edits)
                } else {
                    Fix::safe(edits)
                });
            }
            out.push(diagnostic);
        }
    }
}
