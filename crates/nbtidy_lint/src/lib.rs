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
    // Each cell once, with all its sensitive findings: one pass over its text, whatever their
    // number.
    let mut sensitive: std::collections::BTreeMap<usize, Vec<&nbtidy_diagnostics::Location>> =
        std::collections::BTreeMap::new();
    for diagnostic in diagnostics.iter().filter(|d| SENSITIVE.contains(&d.code)) {
        if let Some(number) = diagnostic.location.cell
            && number >= 1
            && number <= cells.len()
        {
            sensitive
                .entry(number - 1)
                .or_default()
                .push(&diagnostic.location);
        }
    }
    for (index, locations) in sensitive {
        let cell = &mut cells[index];
        *cell = mask(cell, &locations);
        // Also what the findings' locations do not cover (a private key's body).
        if let std::borrow::Cow::Owned(redacted) = rules::secret_in_notebook::redact(cell) {
            *cell = redacted;
        }
    }
    FileDiagnostics {
        path: path.display().to_string(),
        cells,
        diagnostics,
    }
}

/// `text` with the characters of each of `locations` (rows and character columns; rows end at
/// `\n`) replaced by `*`, except the first four of each (line breaks are kept). One pass over the
/// text and one over the locations.
fn mask(text: &str, locations: &[&nbtidy_diagnostics::Location]) -> String {
    // Where each row starts, in characters.
    let mut row_starts = vec![0];
    let mut chars = 0;
    for line in text.split_inclusive('\n') {
        chars += line.chars().count();
        row_starts.push(chars);
    }
    let total = chars;
    let index = |position: nbtidy_diagnostics::Position| -> usize {
        let Some(row) = position.row.checked_sub(1) else {
            return 0;
        };
        match (row_starts.get(row), row_starts.get(row + 1)) {
            (Some(&start), Some(&next)) => {
                start + position.column.saturating_sub(1).min(next - start)
            }
            _ => total,
        }
    };
    let characters: Vec<char> = text.chars().collect();
    let is_break = |c: char| c == '\n' || c == '\r';
    // +1 where a masked run starts, -1 where it ends.
    let mut change = vec![0i64; total + 1];
    for location in locations {
        let (start, end) = (index(location.start), index(location.end));
        let mut from = start;
        let mut kept = 0;
        while from < end && kept < 4 {
            if !is_break(characters[from]) {
                kept += 1;
            }
            from += 1;
        }
        if from < end {
            change[from] += 1;
            change[end] -= 1;
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut depth = 0;
    for (at, &c) in characters.iter().enumerate() {
        depth += change[at];
        out.push(if depth > 0 && !is_break(c) { '*' } else { c });
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
            super::mask("x = 1\nkey = 'ABCDEFGH'\ny", &[&location]),
            "x = 1\nkey = 'ABCD****'\ny"
        );
    }

    /// One location at a time, walking every character (the former implementation).
    fn mask_one(text: &str, location: &Location) -> String {
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

    #[test]
    fn masking_all_spans_at_once_equals_masking_one_after_another() {
        let text = "ab\r\ncdéfgh\n\nijklmnop\nqr";
        let positions: Vec<Position> = (0..=6)
            .flat_map(|row| (0..=10).map(move |column| Position::new(row, column)))
            .collect();
        let locations: Vec<Location> = positions
            .iter()
            .flat_map(|&start| {
                positions.iter().map(move |&end| Location {
                    start,
                    end,
                    ..Location::default()
                })
            })
            .collect();
        for (i, a) in locations.iter().enumerate().step_by(7) {
            assert_eq!(super::mask(text, &[a]), mask_one(text, a), "{a:?}");
            let b = &locations[(i * 31 + 5) % locations.len()];
            assert_eq!(
                super::mask(text, &[a, b]),
                mask_one(&mask_one(text, a), b),
                "{a:?} {b:?}"
            );
        }
    }
}
