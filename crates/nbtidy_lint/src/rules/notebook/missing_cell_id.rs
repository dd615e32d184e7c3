//! `NB008` missing-cell-id: a cell without `id` in an nbformat 4.5+ notebook.

use std::collections::HashSet;

use nbtidy_diagnostics::{Applicability, Edit, Fix};

use crate::context::Context;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};
use crate::rules::json_util::new_cell_id;
use nbtidy_notebook::scan::{Entry, decode, object_entries};

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

/// The edit inserting `"id": "<id>"` into a cell object with these entries.
fn insert_id(
    text: &str,
    object: &nbtidy_notebook::Span,
    entries: &[Entry<'_>],
    id: &str,
) -> Option<Edit> {
    let first = entries.first()?;
    // Whitespace after a comma between two entries (else after `{`).
    let separator = match entries.get(1) {
        Some(second) => {
            let between = &text[first.value.end..second.key_span.start];
            between.split_once(',').map_or(between, |(_, after)| after)
        }
        None => &text[object.start + 1..first.key_span.start],
    };
    let colon = &text[first.key_span.end..first.value.start];
    let pair = format!("\"id\"{colon}\"{id}\"");
    let sorted = entries.windows(2).all(|w| w[0].key <= w[1].key);
    let at = if sorted {
        entries.iter().position(|e| e.key.as_ref() > "id")
    } else {
        Some(0)
    };
    Some(match at {
        Some(index) => {
            let start = entries[index].key_span.start;
            Edit::json(start..start, format!("{pair},{separator}"))
        }
        None => {
            let end = entries.last()?.value.end;
            Edit::json(end..end, format!(",{separator}{pair}"))
        }
    })
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
                if let Some(edit) = insert_id(text, &cell_span, &entries, &id) {
                    diagnostic.fix_title = Some(format!("Add `\"id\": \"{id}\"`"));
                    diagnostic.fix = Some(Fix::safe(vec![edit]));
                }
            }
            out.push(diagnostic);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inserted(text: &str) -> String {
        let span = 0..text.len();
        let entries = object_entries(text, &span).unwrap();
        let edit = insert_id(text, &span, &entries, "abc").unwrap();
        let nbtidy_diagnostics::EditTarget::Json { span } = edit.target else {
            unreachable!()
        };
        let out = format!(
            "{}{}{}",
            &text[..span.start],
            edit.content,
            &text[span.end..]
        );
        serde_json::from_str::<serde_json::Value>(&out).unwrap();
        out
    }

    #[test]
    fn inserts_where_jupyter_would() {
        assert_eq!(
            inserted("{\n   \"cell_type\": \"code\",\n   \"metadata\": {}\n  }"),
            "{\n   \"cell_type\": \"code\",\n   \"id\": \"abc\",\n   \"metadata\": {}\n  }"
        );
        assert_eq!(
            inserted(r#"{"source": [], "cell_type": "markdown"}"#),
            r#"{"id": "abc", "source": [], "cell_type": "markdown"}"#
        );
        assert_eq!(
            inserted(r#"{"cell_type":"raw","execution_count":null}"#),
            r#"{"cell_type":"raw","execution_count":null,"id":"abc"}"#
        );
        assert_eq!(
            inserted("{\r\n\t\"metadata\": {}\r\n}"),
            "{\r\n\t\"id\": \"abc\",\r\n\t\"metadata\": {}\r\n}"
        );
    }
}
