//! Notebook-aware lint rules: the rule engine, the registry, the checker and fix application.
//!
//! This crate answers "what is wrong with this notebook, and what would fix it". It reads a
//! notebook through `nbtidy_notebook`, settings through `nbtidy_config`, and produces
//! `nbtidy_diagnostics` findings; it never prints.
//!
//! A rule is one file under `rules/` (declared with [`declare_rule!`]), one line in
//! [`registry::RULES`] and one fixture folder under `tests/fixtures/rules/<CODE>/`.
//!
//! Checking one notebook:
//! 1. decode and classify every cell; parse the Python cells (IPython syntax, top-level `await`);
//! 2. run every enabled rule (see [`Selection`]);
//! 3. set each finding's severity from the selection, drop suppressed findings (`# noqa`,
//!    `# noqa: CODE`, cell tags `nbtidy-ignore` / `nbtidy-ignore:CODE`), sort by location.

pub mod context;
pub mod diagnostics;
pub mod fix;
pub mod keys;
mod noqa;
pub mod registry;
pub mod rule;
pub mod rules;
pub mod selection;
pub mod semantic;

use std::path::Path;

use nbtidy_config::Resolved;
use nbtidy_diagnostics::{Diagnostic, FileDiagnostics};
use nbtidy_notebook::{Notebook, NotebookError};

pub use context::{CellKind, CellView, Context};
pub use diagnostics::Diagnostics;
pub use registry::{RULES, find_rule};
pub use rule::{FixAvailability, Rule, RuleMeta};
pub use selection::{Selection, SelectionArgs, SelectionProblem};

/// Checks one notebook's bytes.
///
/// # Errors
/// When the bytes are not a notebook nbtidy can read.
pub fn check_notebook(
    path: &Path,
    bytes: &[u8],
    config: &Resolved,
    selection: &Selection,
) -> Result<FileDiagnostics, NotebookError> {
    let notebook = Notebook::parse(bytes)?;
    let context = Context::new(path, &notebook, config);
    let diagnostics = run_rules(&context, selection);
    Ok(file_diagnostics(path, &context, diagnostics))
}

/// Rules whose findings point at text that must not be printed (secrets): code frames show it
/// masked after its first four characters.
const SENSITIVE: &[&str] = &["NB016"];

/// The findings of a notebook with the texts of the cells they are in (for code frames),
/// sensitive spans masked.
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
            context.cells()[number - 1].text().clone_into(text);
        }
    }
    for diagnostic in diagnostics.iter().filter(|d| SENSITIVE.contains(&d.code)) {
        if let Some(cell) = diagnostic.location.cell.and_then(|n| cells.get_mut(n - 1)) {
            *cell = mask(cell, &diagnostic.location);
            // Also what the finding's location does not cover (a private key's body).
            if let std::borrow::Cow::Owned(redacted) = rules::secret_in_notebook::redact(cell) {
                *cell = redacted;
            }
        }
    }
    FileDiagnostics {
        path: path.display().to_string(),
        cells,
        diagnostics,
    }
}

/// `text` with the characters of `location` (rows and character columns) replaced by `*`,
/// except the first four.
fn mask(text: &str, location: &nbtidy_diagnostics::Location) -> String {
    let (start, end) = (location.start, location.end);
    let mut out = String::with_capacity(text.len());
    let mut kept = 0;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let row = index + 1;
        for (i, c) in line.chars().enumerate() {
            let column = i + 1;
            let inside = (row > start.row || (row == start.row && column >= start.column))
                && (row < end.row || (row == end.row && column < end.column));
            if inside && c != '\n' && c != '\r' {
                if kept < 4 {
                    kept += 1;
                    out.push(c);
                } else {
                    out.push('*');
                }
            } else {
                out.push(c);
            }
        }
    }
    out
}

/// Runs the enabled rules on a prepared notebook; findings sorted, suppressions applied.
pub fn run_rules(context: &Context<'_>, selection: &Selection) -> Vec<Diagnostic> {
    let mut out = Diagnostics::default();
    for rule in selection.rules() {
        rule.check(context, &mut out);
    }
    let mut suppressions = noqa::Suppressions::new(context);
    let mut diagnostics: Vec<Diagnostic> = out
        .into_vec()
        .into_iter()
        .filter_map(|mut diagnostic| {
            diagnostic.severity = selection.severity(diagnostic.code)?;
            (!suppressions.is_suppressed(&diagnostic)).then_some(diagnostic)
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

#[cfg(test)]
mod tests {
    use nbtidy_diagnostics::{Location, Position};

    #[test]
    fn masks_all_but_four_characters_of_a_span() {
        let location = Location {
            cell: Some(1),
            start: Position::new(2, 8),
            end: Position::new(2, 16),
            ..Location::default()
        };
        assert_eq!(
            super::mask("x = 1\nkey = 'ABCDEFGH'\ny", &location),
            "x = 1\nkey = 'ABCD****'\ny"
        );
    }
}
