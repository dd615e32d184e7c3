//! `nbtidy format`: format the code cells of notebooks.
//!
//! Per notebook: read → settings → skeleton parse → format each Python code cell → splice the new
//! sources into the original bytes → verify → write atomically (or report, for --check/--diff).
//! One bad cell is reported and left as it is; one bad notebook is reported and skipped; the rest
//! goes on. Notebooks are processed in parallel; reports are printed in path order.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use nbtidy_config::{Resolved, Resolver};
use nbtidy_format::FormatError;
use nbtidy_lint::{Selection, SelectionArgs};
use nbtidy_notebook::Notebook;
use nbtidy_pipeline::{FormatNotebookError, SelectionCache, SelectionEntry, format_notebook};

use super::Stop;
use crate::args::FormatArgs;
use crate::{ExitStatus, diff, printer};

/// What to do with a notebook that would change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Write,
    Check,
    Diff,
}

/// What formatting one notebook gave.
#[derive(Debug, Default)]
struct Report {
    /// The notebook changed (or would change).
    changed: bool,
    /// Cells left as they are, with the reason (`path:cell N:ROW:COL: message`).
    skipped_cells: Vec<String>,
    /// Unified diffs of changed cells (--diff).
    diff: String,
}

/// `nbtidy format` as a [`super::NotebookCommand`].
struct Format {
    resolver: Resolver,
    mode: Mode,
    /// `--fix`.
    fix: bool,
    /// Rule selections for `--fix`, by distinct configuration.
    selections: SelectionCache,
}

impl super::NotebookCommand for Format {
    /// The rule selection, when this notebook is fixed before it is formatted.
    type Prepared = Option<SelectionEntry>;
    type Done = Report;

    fn resolver(&self) -> &Resolver {
        &self.resolver
    }

    fn prepare(
        &self,
        resolved: &Resolved,
        notes: &mut Vec<super::Note>,
    ) -> Result<Option<SelectionEntry>, Stop> {
        fix_selection(self.fix, &self.selections, resolved, notes)
    }

    fn process(
        &self,
        path: &Path,
        bytes: &[u8],
        resolved: &Resolved,
        selection: &Option<SelectionEntry>,
    ) -> Result<Report, Stop> {
        let selection = selection.as_ref().map(|entry| &entry.0);
        format_path(path, bytes, resolved, self.mode, selection)
    }
}

/// The rule selection `--fix` (or `nbtidy_format_fix = on`) fixes with: the notebook's, from
/// `.editorconfig`. `None` without fixing. An invalid rule setting stops the notebook, as in
/// `check`.
fn fix_selection(
    fix: bool,
    selections: &SelectionCache,
    resolved: &Resolved,
    notes: &mut Vec<super::Note>,
) -> Result<Option<SelectionEntry>, Stop> {
    if !fix && !resolved.settings.format_fix.value {
        return Ok(None);
    }
    super::selection_for(selections, resolved, &SelectionArgs::default(), notes).map(Some)
}

/// `--fix` before formatting: the safe fixes, then import sorting
/// ([`nbtidy_lint::fix::fix_and_sort`]); the bytes to format and the warnings about fixes that
/// were not applied.
fn fix_bytes(
    path: &Path,
    bytes: &[u8],
    resolved: &Resolved,
    selection: &Selection,
) -> Result<(Option<Vec<u8>>, Vec<String>), Stop> {
    let display = path.display().to_string();
    let fixed = nbtidy_lint::fix::fix_and_sort(path, bytes, resolved, selection)
        .map_err(|err| Stop::Unreadable(err.to_string()))?;
    let warnings = fixed
        .dropped
        .iter()
        .map(|dropped| format!("{display}:{dropped}"))
        .collect();
    Ok((fixed.bytes, warnings))
}

/// The code cells whose source differs between two versions of a notebook:
/// `(cell number, old, new)`.
fn changed_cells(old: &[u8], new: &[u8]) -> Vec<(usize, String, String)> {
    let (Ok(old), Ok(new)) = (Notebook::parse(old), Notebook::parse(new)) else {
        return Vec::new();
    };
    (0..old.cells().len().min(new.cells().len()))
        .filter_map(|index| {
            let before = old.source(index).ok()?.text;
            let after = new.source(index).ok()?.text;
            (before != after).then(|| (index + 1, before.into_owned(), after.into_owned()))
        })
        .collect()
}

/// Runs `nbtidy format`.
pub fn run(args: &FormatArgs) -> Result<ExitStatus> {
    let mode = if args.diff {
        Mode::Diff
    } else if args.check {
        Mode::Check
    } else {
        Mode::Write
    };
    let resolver = nbtidy_lint::resolver(args.overrides());
    let reads_stdin = args.paths.iter().any(|p| p.as_os_str() == "-");
    if reads_stdin || (args.stdin_filename.is_some() && args.paths.is_empty()) {
        let name = args
            .stdin_filename
            .clone()
            .unwrap_or_else(|| PathBuf::from("stdin.ipynb"));
        return run_stdin(&resolver, &name, mode, args.fix);
    }

    let command = Format {
        resolver,
        mode,
        fix: args.fix,
        selections: SelectionCache::default(),
    };
    let (mut changed, mut unchanged, mut skipped_cells) = (0, 0, 0);
    let tally = super::run(
        &command,
        &args.paths,
        &args.exclude,
        super::LoopOptions {
            verbose: args.verbose,
            writes: mode == Mode::Write,
        },
        |finished| {
            let report = match finished.outcome {
                Ok(report) => report,
                Err(stop) => {
                    super::print_stop(&finished.display, &stop);
                    return Ok(());
                }
            };
            for cell in &report.skipped_cells {
                printer::warning(cell);
            }
            skipped_cells += report.skipped_cells.len();
            if report.changed {
                changed += 1;
                match mode {
                    Mode::Check => printer::out_text(&would_reformat(&finished.display))?,
                    Mode::Diff => printer::out_text(&report.diff)?,
                    Mode::Write => {}
                }
            } else {
                unchanged += 1;
            }
            Ok(())
        },
    )?;
    if !args.quiet {
        let mut summary = match mode {
            Mode::Write => format!(
                "{} reformatted, {} left unchanged",
                printer::plural(changed, "notebook"),
                unchanged
            ),
            Mode::Check | Mode::Diff => format!(
                "{} would be reformatted, {} already formatted",
                printer::plural(changed, "notebook"),
                unchanged
            ),
        };
        summary.push_str(&tally.skipped_text());
        if skipped_cells > 0 {
            summary.push_str(&format!(
                ", {} skipped",
                printer::plural(skipped_cells, "cell")
            ));
        }
        if tally.errors > 0 {
            summary.push_str(&format!(", {}", printer::plural(tally.errors, "error")));
        }
        printer::note(&summary);
    }
    Ok(if tally.errors > 0 {
        ExitStatus::Error
    } else if changed > 0 && mode != Mode::Write {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// `would reformat: PATH` and a newline, the path escaped onto one line.
fn would_reformat(display: &str) -> String {
    format!("would reformat: {}\n", nbtidy_safe_text::escape(display))
}

/// Formats one notebook's bytes (fixed first when `selection` is given) and writes the result
/// (or makes the diff).
fn format_path(
    path: &Path,
    bytes: &[u8],
    resolved: &Resolved,
    mode: Mode,
    selection: Option<&Selection>,
) -> Result<Report, Stop> {
    let display = path.display().to_string();
    let mut report = Report::default();
    let (fixed, fix_warnings) = match selection {
        Some(selection) => fix_bytes(path, bytes, resolved, selection)?,
        None => (None, Vec::new()),
    };
    let input = fixed.as_deref().unwrap_or(bytes);
    let mut formatted = format_notebook(input, resolved).map_err(|err| match err {
        FormatNotebookError::Unreadable(_) => Stop::Unreadable(err.to_string()),
        _ => Stop::Failed(err.to_string()),
    })?;
    if let Some(language) = formatted.not_python {
        return Err(Stop::Skipped(
            super::Skip::NotPython,
            format!("the notebook's language is `{language}`"),
        ));
    }
    report.skipped_cells = fix_warnings;
    report.skipped_cells.extend(
        formatted
            .skipped
            .iter()
            .map(|(cell, row, column, message)| {
                format!("{display}:cell {cell}:{row}:{column}: {message}")
            }),
    );
    if fixed.is_some() {
        // Diffs from the file as it was, not from the fixed bytes.
        let new = formatted.new.take().or(fixed);
        if let Some(new) = &new {
            formatted.changes = changed_cells(bytes, new);
        }
        formatted.new = new;
    }
    let Some(new) = formatted.new else {
        return Ok(report);
    };
    report.changed = true;
    match mode {
        Mode::Write => {
            crate::write::write_atomic(path, bytes, &new)
                .map_err(|err| Stop::Failed(format!("{err:#}")))?;
        }
        Mode::Diff => {
            for (cell, old, new) in &formatted.changes {
                report
                    .diff
                    .push_str(&diff::cell_diff(&display, *cell, old, new));
            }
        }
        Mode::Check => {}
    }
    Ok(report)
}

/// `--stdin-filename P -`: format stdin to stdout (fixed first with `--fix` or
/// `nbtidy_format_fix = on`). On any error the input is echoed unchanged.
fn run_stdin(resolver: &Resolver, name: &Path, mode: Mode, fix: bool) -> Result<ExitStatus> {
    let mut input = Vec::new();
    nbtidy_fs::read_limited(std::io::stdin(), nbtidy_fs::NOTEBOOK_LIMIT, &mut input)
        .context("cannot read stdin")?;
    let display = name.display().to_string();
    let echo = |status: ExitStatus| -> Result<ExitStatus> {
        if mode == Mode::Write {
            printer::out(&input)?;
        }
        Ok(status)
    };
    let resolved = match resolver.resolve(name) {
        Ok(resolved) => resolved,
        Err(err) => {
            printer::error(&format!("{display}: {err}"));
            return echo(ExitStatus::Error);
        }
    };
    for problem in &resolved.warnings {
        super::print_problem(problem, super::STOPS_NOTEBOOKS);
    }
    if nbtidy_pipeline::has_invalid_value(&resolved) {
        printer::error(&format!("{display}: {}", super::INVALID_CONFIG));
        return echo(ExitStatus::Error);
    }
    if !resolved.settings.enabled.value {
        return echo(ExitStatus::Success);
    }
    let mut notes = Vec::new();
    let selection = fix_selection(fix, &SelectionCache::default(), &resolved, &mut notes)
        .map(|entry| entry.map(|entry| entry.0.clone()));
    for note in &notes {
        if note.is_error {
            printer::error(&note.text);
        } else {
            printer::warning(&note.text);
        }
    }
    let Ok(selection) = selection else {
        printer::error(&format!("{display}: {}", super::INVALID_CONFIG));
        return echo(ExitStatus::Error);
    };
    let is_cell = name.extension().is_some_and(|ext| ext == "py");
    let (output, changes, skipped) = if is_cell {
        let Ok(code) = String::from_utf8(input.clone()) else {
            printer::error(&format!("{display}: stdin is not UTF-8"));
            return echo(ExitStatus::Error);
        };
        let magics = resolved.settings.python_cell_magics.value.names();
        if !nbtidy_notebook::classify_code_with(&code, None, magics).is_python() {
            return echo(ExitStatus::Success);
        }
        let formatted = crate::panic::catch(|| {
            let mut warnings = Vec::new();
            let mut fixed = None;
            if let Some(selection) = &selection {
                let (new, dropped) =
                    nbtidy_lint::fix::fix_and_sort_code(name, &code, &resolved, selection)
                        .map_err(|err| FormatError::Internal(err.to_string()))?;
                warnings = dropped;
                fixed = new;
            }
            let input = fixed.as_deref().unwrap_or(&code);
            let formatted = nbtidy_pipeline::format_code(input, &resolved)?;
            Ok::<_, FormatError>((formatted.or(fixed), warnings))
        });
        match formatted {
            Ok(Ok((None, warnings))) => (None, Vec::new(), warnings_as_skipped(warnings)),
            Ok(Ok((Some(new), warnings))) => (
                Some(new.clone().into_bytes()),
                vec![(1, code, new)],
                warnings_as_skipped(warnings),
            ),
            Ok(Err(err)) => {
                printer::error(&format!("{display}:{err}"));
                return echo(ExitStatus::Error);
            }
            Err(message) => {
                printer::error(&format!("{display}: {message}"));
                return echo(ExitStatus::Error);
            }
        }
    } else {
        let fixed = match &selection {
            Some(selection) => {
                match crate::panic::catch(|| fix_bytes(name, &input, &resolved, selection)) {
                    Ok(Ok(fixed)) => fixed,
                    Ok(Err(Stop::Unreadable(message) | Stop::Failed(message))) => {
                        printer::error(&format!("{display}: {message}"));
                        return echo(ExitStatus::Error);
                    }
                    Ok(Err(_)) => (None, Vec::new()),
                    Err(message) => {
                        printer::error(&format!("{display}: {message}"));
                        return echo(ExitStatus::Error);
                    }
                }
            }
            None => (None, Vec::new()),
        };
        let (fixed, fix_warnings) = fixed;
        for warning in &fix_warnings {
            printer::warning(warning);
        }
        let to_format = fixed.as_deref().unwrap_or(&input);
        match crate::panic::catch(|| format_notebook(to_format, &resolved)) {
            Ok(Ok(formatted)) if formatted.not_python.is_some() => {
                return echo(ExitStatus::Success);
            }
            Ok(Ok(formatted)) if fixed.is_some() => {
                let new = formatted.new.or(fixed);
                let changes = new
                    .as_deref()
                    .map(|new| changed_cells(&input, new))
                    .unwrap_or_default();
                (new, changes, formatted.skipped)
            }
            Ok(Ok(formatted)) => (formatted.new, formatted.changes, formatted.skipped),
            Ok(Err(err)) => {
                printer::error(&format!("{display}: {err:#}"));
                return echo(ExitStatus::Error);
            }
            Err(message) => {
                printer::error(&format!("{display}: {message}"));
                return echo(ExitStatus::Error);
            }
        }
    };
    for (cell, row, column, message) in &skipped {
        printer::warning(&format!("{display}:cell {cell}:{row}:{column}: {message}"));
    }
    let changed = output.is_some();
    match mode {
        Mode::Write => printer::out(output.as_deref().unwrap_or(&input))?,
        Mode::Diff => {
            for (cell, old, new) in &changes {
                let text = if is_cell {
                    diff::cell_diff(&display, *cell, old, new)
                        .replace(&format!(":cell {cell}\n"), "\n")
                } else {
                    diff::cell_diff(&display, *cell, old, new)
                };
                printer::out_text(&text)?;
            }
        }
        Mode::Check => {
            if changed {
                printer::out_text(&would_reformat(&display))?;
            }
        }
    }
    Ok(if changed && mode != Mode::Write {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// Warnings about fixes not applied, in the shape of skipped cells (`cell 1: ...`).
fn warnings_as_skipped(warnings: Vec<String>) -> Vec<(usize, usize, usize, String)> {
    warnings
        .into_iter()
        .map(|warning| {
            let message = warning
                .split_once(": ")
                .map_or(warning.as_str(), |(_, rest)| rest)
                .to_owned();
            (1, 1, 1, message)
        })
        .collect()
}
