//! `nbtidy format`: format the code cells of notebooks.
//!
//! Per notebook: read → settings → skeleton parse → format each Python code cell → splice the new
//! sources into the original bytes → verify → write atomically (or report, for --check/--diff).
//! One bad cell is reported and left as it is; one bad notebook is reported and skipped; the rest
//! goes on. Notebooks are processed in parallel; reports are printed in path order.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use nbtidy_config::{Resolved, Resolver};
use nbtidy_format::{CellFormatter, FormatError};
use nbtidy_lint::{Selection, SelectionArgs};
use nbtidy_notebook::{CodeKind, Notebook};
use rayon::prelude::*;

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
}

impl super::NotebookCommand for Format {
    /// The rule selection, when this notebook is fixed before it is formatted.
    type Prepared = Option<Selection>;
    type Done = Report;

    fn resolver(&self) -> &Resolver {
        &self.resolver
    }

    fn prepare(
        &self,
        resolved: &Resolved,
        notes: &mut Vec<super::Note>,
    ) -> Result<Option<Selection>, Stop> {
        fix_selection(self.fix, resolved, notes)
    }

    fn process(
        &self,
        path: &Path,
        bytes: &[u8],
        resolved: &Resolved,
        selection: &Option<Selection>,
    ) -> Result<Report, Stop> {
        format_path(path, bytes, resolved, self.mode, selection.as_ref())
    }
}

/// The rule selection `--fix` (or `nbtidy_format_fix = on`) fixes with: the notebook's, from
/// `.editorconfig`. `None` without fixing. An invalid rule setting stops the notebook, as in
/// `check`.
fn fix_selection(
    fix: bool,
    resolved: &Resolved,
    notes: &mut Vec<super::Note>,
) -> Result<Option<Selection>, Stop> {
    if !fix && !resolved.settings.format_fix.value {
        return Ok(None);
    }
    let (selection, problems) = Selection::resolve(resolved, &SelectionArgs::default());
    for problem in &problems {
        notes.push(super::Note {
            is_error: problem.is_error,
            text: if problem.is_error {
                format!("{problem}; the notebooks it applies to are not formatted")
            } else {
                problem.to_string()
            },
        });
    }
    if problems.iter().any(|p| p.is_error) {
        return Err(Stop::Failed(super::INVALID_CONFIG.to_owned()));
    }
    Ok(Some(selection))
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

/// The result of formatting one notebook's bytes.
struct Formatted {
    /// The new bytes, when anything changed.
    new: Option<Vec<u8>>,
    /// `(cell number, old code, new code)` of each changed cell.
    changes: Vec<(usize, String, String)>,
    /// Cells left unformatted: `(cell number, row, column, message)`.
    skipped: Vec<(usize, usize, usize, String)>,
    /// The notebook's language, when it is not Python (nothing was formatted).
    not_python: Option<String>,
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
    };
    let (mut changed, mut unchanged, mut skipped_cells) = (0, 0, 0);
    let tally = super::run(
        &command,
        &args.paths,
        &args.exclude,
        super::LoopOptions {
            verbose: args.verbose,
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
    let mut formatted = format_notebook(input, resolved).map_err(|err| {
        if err.is::<nbtidy_notebook::NotebookError>() {
            Stop::Unreadable(format!("{err:#}"))
        } else {
            Stop::Failed(format!("{err:#}"))
        }
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

/// Notebooks with at least this many code cells have them formatted in parallel.
const PARALLEL_CELLS: usize = 64;

/// One code cell, decoded and (when it is Python) formatted.
enum Decoded<'a> {
    /// `source` is a list holding something other than strings: the notebook is damaged.
    Damaged,
    /// Not Python: left alone.
    NotPython,
    /// Jupyter reads the source, but it is not Unicode text (a lone surrogate): left as it is.
    Unreadable(String),
    /// The code and what formatting it gave.
    Python(
        std::borrow::Cow<'a, str>,
        Result<Option<String>, FormatError>,
    ),
}

/// Formats every Python code cell of a notebook.
fn format_notebook(bytes: &[u8], resolved: &Resolved) -> Result<Formatted> {
    let notebook = Notebook::parse(bytes)?;
    let mut result = Formatted {
        new: None,
        changes: Vec::new(),
        skipped: Vec::new(),
        not_python: None,
    };
    if let nbtidy_notebook::NotebookLanguage::Other(language) = notebook.language() {
        result.not_python = Some(language.clone());
        return Ok(result);
    }
    check_structure(&notebook)?;
    let formatter = CellFormatter::new(&resolved.settings.format);
    // Cells are independent: decode, classify and format the code cells in parallel (an editor
    // waits on one big notebook). Markdown and raw cells are never decoded.
    let code_cells: Vec<usize> = (0..notebook.cells().len())
        .filter(|&index| notebook.cells()[index].cell_type == nbtidy_notebook::CellType::Code)
        .collect();
    let decode = |&index: &usize| -> Decoded<'_> {
        let source = match notebook.source(index) {
            Ok(source) => source,
            Err(err @ nbtidy_notebook::SourceError::LoneSurrogate(_)) => {
                return Decoded::Unreadable(err.to_string());
            }
            Err(_) => return Decoded::Damaged,
        };
        let magics = resolved.settings.python_cell_magics.value.names();
        if notebook.classify_with(index, &source.text, magics) != Some(CodeKind::Python) {
            return Decoded::NotPython;
        }
        crate::panic::test_point(&source.text);
        let outcome = formatter.format(&source.text);
        Decoded::Python(source.text, outcome)
    };
    // In parallel only for notebooks with many code cells (an editor waiting on one big
    // notebook): the CLI already formats notebooks in parallel, and a worker waiting on the pool
    // for a small notebook's cells costs more in thread switches than it saves.
    let decoded: Vec<Decoded<'_>> = if code_cells.len() >= PARALLEL_CELLS {
        code_cells.par_iter().map(decode).collect()
    } else {
        code_cells.iter().map(decode).collect()
    };
    let mut python_cells = Vec::new();
    let mut outcomes = Vec::new();
    for (&index, cell) in code_cells.iter().zip(decoded) {
        match cell {
            // A list holding something other than strings.
            Decoded::Damaged => anyhow::bail!("{}", damaged_source(index + 1)),
            Decoded::NotPython => {}
            Decoded::Unreadable(reason) => {
                result
                    .skipped
                    .push((index + 1, 1, 1, format!("{reason}; cell left unchanged")));
            }
            Decoded::Python(text, outcome) => {
                python_cells.push((index, text));
                outcomes.push(outcome);
            }
        }
    }
    let mut sources = Vec::new();
    for ((index, old), outcome) in python_cells.into_iter().zip(outcomes) {
        let number = index + 1;
        match outcome {
            Ok(None) => {}
            Ok(Some(new)) => {
                result.changes.push((number, old.into_owned(), new.clone()));
                sources.push((index, new));
            }
            Err(
                err @ (FormatError::Syntax { row, column, .. }
                | FormatError::TooDeep { row, column, .. }),
            ) => {
                let message = match err {
                    FormatError::Syntax { message, .. } => {
                        format!("syntax error, cell left unchanged: {message}")
                    }
                    other => format!("{}; cell left unchanged", other.message()),
                };
                result.skipped.push((number, row, column, message));
            }
            Err(err @ FormatError::Internal(_)) => {
                result
                    .skipped
                    .push((number, 1, 1, format!("{err}, cell left unchanged")));
            }
        }
    }
    result.skipped.sort_by_key(|(number, ..)| *number);
    if sources.is_empty() {
        return Ok(result);
    }
    // `with_sources` decodes every new value back before splicing it.
    result.new = Some(notebook.with_sources(&sources)?);
    Ok(result)
}

fn damaged_source(number: usize) -> String {
    format!(
        "cell {number}: `source` is not a string or a list of strings: the notebook is damaged, not modified"
    )
}

/// Refuses a notebook whose cells Jupyter itself would reject (a cell that is not an object, has
/// no `cell_type`, or has no `source` or one that is neither a string nor a list of strings):
/// such a file is damaged, and is reported rather than half-formatted. `check` reports the same
/// problems as `NB010` findings.
fn check_structure(notebook: &Notebook<'_>) -> Result<()> {
    for (index, cell) in notebook.cells().iter().enumerate() {
        let number = index + 1;
        if cell.cell_type == nbtidy_notebook::CellType::Missing {
            anyhow::bail!(
                "cell {number} has no `cell_type` (or is not a JSON object): the notebook is damaged, not modified"
            );
        }
        let Some(span) = &cell.source else {
            anyhow::bail!("cell {number} has no `source`: the notebook is damaged, not modified");
        };
        // A list's elements are checked when the code cells are decoded (once) below.
        if !matches!(notebook.slice(span).as_bytes().first(), Some(b'"' | b'[')) {
            anyhow::bail!("{}", damaged_source(number));
        }
    }
    Ok(())
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
    for warning in &resolved.warnings {
        super::print_config_warning(warning);
    }
    if resolved
        .warnings
        .iter()
        .any(|w| w.kind == nbtidy_config::WarningKind::InvalidValue)
    {
        printer::error(&format!("{display}: {}", super::INVALID_CONFIG));
        return echo(ExitStatus::Error);
    }
    if !resolved.settings.enabled.value {
        return echo(ExitStatus::Success);
    }
    let mut notes = Vec::new();
    let selection = fix_selection(fix, &resolved, &mut notes);
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
            crate::panic::test_point(&code);
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
            let formatted = CellFormatter::new(&resolved.settings.format).format(input)?;
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
