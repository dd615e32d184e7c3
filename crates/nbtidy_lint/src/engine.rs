//! The lint engine: checking one notebook.
//!
//! 1. decode and classify every cell; parse the Python cells (IPython syntax, top-level `await`);
//! 2. run every enabled rule (see [`crate::Selection`]): its notebook-level check, and its node
//!    visits in one shared walk of each parsed cell ([`crate::checker`]);
//! 3. set each finding's severity from the selection, drop suppressed findings (`# noqa`,
//!    `# noqa: CODE`, cell tags `nbtidy-ignore` / `nbtidy-ignore:CODE`), map the edits of
//!    indented cells back to the cell as stored, sort by location.
//!
//! Every front end (the CLI's `check`, the fix loop, a server) runs rules through here.

use std::path::Path;

use nbtidy_config::Resolved;
use nbtidy_diagnostics::{Diagnostic, FileDiagnostics};
use nbtidy_notebook::{Notebook, NotebookError};

use crate::checker::Dispatch;
use crate::context::{Context, Fixes};
use crate::diagnostics::Diagnostics;
use crate::noqa;
use crate::selection::Selection;

/// Checks one notebook's bytes; every fix comes with its edits.
///
/// # Errors
/// When the bytes are not a notebook nbtidy can read.
pub fn check_notebook(
    path: &Path,
    bytes: &[u8],
    config: &Resolved,
    selection: &Selection,
) -> Result<FileDiagnostics, NotebookError> {
    check_notebook_for(path, bytes, config, selection, Fixes::WithEdits)
}

/// [`check_notebook`] for a caller that needs only `fixes` of the fixes: with
/// [`Fixes::AvailabilityOnly`] the findings are the same, but a fix's edits may be left out.
///
/// # Errors
/// When the bytes are not a notebook nbtidy can read.
pub fn check_notebook_for(
    path: &Path,
    bytes: &[u8],
    config: &Resolved,
    selection: &Selection,
    fixes: Fixes,
) -> Result<FileDiagnostics, NotebookError> {
    let notebook = Notebook::parse(bytes)?;
    let context = Context::new(path, &notebook, config).with_fixes(fixes);
    let diagnostics = run_rules(&context, selection);
    Ok(file_diagnostics(path, &context, diagnostics))
}

/// The findings of a notebook with the texts of the cells they are in (for code frames). The
/// texts are as they are: the renderers mask secrets (`nbtidy_safe_text::redact`) in everything
/// they print, whatever rules ran.
pub(crate) fn file_diagnostics(
    path: &Path,
    context: &Context<'_>,
    diagnostics: Vec<Diagnostic>,
) -> FileDiagnostics {
    // Only cells with findings are shown in code frames; the others stay empty.
    let mut cells = vec![String::new(); context.cells().len()];
    for number in diagnostics.iter().filter_map(|d| d.location.cell) {
        if let Some(text) = cells.get_mut(number - 1)
            && text.is_empty()
        {
            context.cells()[number - 1].original_text().clone_into(text);
        }
    }
    FileDiagnostics {
        path: path.display().to_string(),
        cells,
        diagnostics,
    }
}

/// Runs the enabled rules on a prepared notebook; findings sorted, suppressions applied.
pub fn run_rules(context: &Context<'_>, selection: &Selection) -> Vec<Diagnostic> {
    let mut out = Diagnostics::default();
    for rule in selection.rules() {
        rule.check(context, &mut out);
    }
    Dispatch::new(selection.rules()).run(context, &mut out);
    let mut suppressions = noqa::Suppressions::new(context);
    let mut diagnostics: Vec<Diagnostic> = out
        .into_vec()
        .into_iter()
        .filter_map(|mut diagnostic| {
            diagnostic.severity = selection.severity(diagnostic.code)?;
            if suppressions.is_suppressed(&diagnostic) {
                return None;
            }
            to_original_edits(context, &mut diagnostic);
            Some(diagnostic)
        })
        .collect();
    diagnostics.sort_by(|a, b| {
        (
            a.location.cell.unwrap_or(0),
            a.location.start,
            a.location.file_start,
            a.code,
        )
            .cmp(&(
                b.location.cell.unwrap_or(0),
                b.location.start,
                b.location.file_start,
                b.code,
            ))
    });
    diagnostics.dedup();
    diagnostics
}

/// Rules edit the code of an indented Python cell as IPython runs it (without its common
/// indentation, see [`context::CellView::text`]): their edits are mapped back to the cell as
/// stored, the indentation put back after the line breaks they insert.
fn to_original_edits(context: &Context<'_>, diagnostic: &mut Diagnostic) {
    let Some(fix) = &mut diagnostic.fix else {
        return;
    };
    for edit in &mut fix.edits {
        let nbtidy_diagnostics::EditTarget::Code { cell, range } = &mut edit.target else {
            continue;
        };
        let Some(view) = context.cells().get(*cell) else {
            continue;
        };
        let Some(indent) = view.dedent() else {
            continue;
        };
        let original = view.original_text();
        *range = indent.to_original(range.start)..indent.to_original(range.end);
        let after = original.get(range.end..).unwrap_or_default();
        edit.content = indent.reindent_fragment(&edit.content, after);
    }
}
