//! `NB012` notebook-metadata-noise: editor state and timings saved in metadata (off by default).

use nbtidy_diagnostics::{Applicability, Fix};
use nbtidy_notebook::Span;

use crate::context::Context;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};
use crate::rules::json_util::{entry_spans, removal_edits};
use nbtidy_notebook::scan::object_entries;

crate::declare_rule! {
    /// ## What it does
    /// Reports metadata that records how a notebook was last run or viewed rather than what
    /// it is. Off by default.
    /// - in cell metadata: `ExecuteTime` (the ExecuteTime extension), `execution` (JupyterLab's
    ///   `record_timing`), `collapsed` and `scrolled` (output display state);
    /// - in notebook metadata: `widgets` (saved ipywidgets state).
    ///
    /// ## Why is this bad?
    /// These keys change whenever someone runs the notebook or clicks on an output, so they make
    /// diffs and merge conflicts about nothing; `widgets` state can be megabytes.
    ///
    /// ## Example
    /// ```json
    /// "metadata": {"ExecuteTime": {"end_time": "2024-05-01T10:00:01Z", "start_time": "2024-05-01T10:00:00Z"}, "scrolled": true}
    /// ```
    ///
    /// ## Fix safety
    /// The fix removes the keys (with the separator next to them, keeping the layout; an object
    /// left empty becomes `{}`). It is safe: the code, outputs and tags stay. Without `widgets`
    /// state, saved widget outputs show a placeholder until the notebook runs again, as they do
    /// after `nbstripout` or `nb-clean`.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct NotebookMetadataNoise {
        code: "NB012",
        name: "notebook-metadata-noise",
        severity: Warning,
        recommended: false,
        fix: FixAvailability::Always(Applicability::Safe),
        keys: [],
    }
}

const CELL_KEYS: [&str; 4] = ["ExecuteTime", "execution", "collapsed", "scrolled"];
const NOTEBOOK_KEYS: [&str; 1] = ["widgets"];
/// The keys as they appear in the JSON text, for a cheap pre-check.
const CELL_NEEDLES: [&str; 4] = [
    "\"ExecuteTime\"",
    "\"execution\"",
    "\"collapsed\"",
    "\"scrolled\"",
];
const NOTEBOOK_NEEDLES: [&str; 1] = ["\"widgets\""];

impl NotebookMetadataNoise {
    /// A finding (with its fix) for the noisy `keys` of the metadata object at `span`.
    fn report(
        context: &Context<'_>,
        cell: Option<usize>,
        span: &Span,
        keys: &[&str],
        needles: &[&str],
        out: &mut Diagnostics,
    ) {
        let text = context.notebook().text();
        let raw = context.notebook().slice(span);
        if !needles.iter().any(|needle| raw.contains(needle)) {
            return;
        }
        let scanned;
        let entries = if cell.is_none() {
            // The notebook metadata, scanned once for all rules.
            match context.metadata_entries() {
                Some(entries) => entries,
                None => return,
            }
        } else {
            match object_entries(text, span) {
                Some(entries) => {
                    scanned = entries;
                    &scanned[..]
                }
                None => return,
            }
        };
        let remove: Vec<usize> = entries
            .iter()
            .enumerate()
            .filter(|(_, entry)| keys.contains(&entry.key.as_ref()))
            .map(|(index, _)| index)
            .collect();
        let Some(&first) = remove.first() else {
            return;
        };
        let mut names: Vec<String> = Vec::new();
        for &index in &remove {
            let name = format!("`{}`", entries[index].key);
            if !names.contains(&name) {
                names.push(name);
            }
        }
        let whose = match cell {
            Some(index) => format!("cell {}'s metadata", index + 1),
            None => "the notebook metadata".to_owned(),
        };
        let last = *remove.last().expect("not empty");
        let location = entries[first].key_span.start..entries[last].value.end;
        let mut diagnostic = context.diagnostic(
            &NotebookMetadataNoise::META,
            format!("{whose} records run or view state: {}", names.join(", ")),
            context.json_location(cell, &location),
        );
        diagnostic.fix_title = Some(format!("Remove {}", names.join(", ")));
        diagnostic.fix = Some(Fix::safe(removal_edits(
            text,
            span,
            &entry_spans(entries),
            &remove,
        )));
        out.push(diagnostic);
    }
}

impl Rule for NotebookMetadataNoise {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        let notebook = context.notebook();
        if let Some(span) = notebook.metadata_span() {
            Self::report(context, None, &span, &NOTEBOOK_KEYS, &NOTEBOOK_NEEDLES, out);
        }
        for (index, cell) in notebook.cells().iter().enumerate() {
            if let Some(span) = &cell.metadata {
                Self::report(context, Some(index), span, &CELL_KEYS, &CELL_NEEDLES, out);
            }
        }
    }
}
