//! `nbtidy check`: lint notebooks, optionally fix them.
//!
//! Per notebook (in parallel; output in path order): settings → rule selection → lint (or fix
//! until stable, then lint what remains) → report. One unreadable notebook is an error for that
//! notebook; the others are still checked. Exit codes: 2 if any notebook or setting could not be
//! read; else 1 if any remaining finding is at or above its notebook's fail level; else 0.

use std::io::IsTerminal as _;
use std::path::Path;

use anyhow::Result;
use nbtidy_config::Resolver;
use nbtidy_diagnostics::{
    Applicability, Document, FileDiagnostics, Piece, RenderOptions, Severity,
};
use nbtidy_lint::fix::fix_notebook;
use nbtidy_lint::{Fixes, Selection, SelectionArgs, check_notebook_for};
use nbtidy_notebook::Notebook;
use nbtidy_pipeline::{SelectionCache, SelectionEntry};

use super::{Note, Stop};
use crate::args::{CheckArgs, ColorChoice, SeverityArg};
use crate::{ExitStatus, diff, printer};

/// What checking one notebook gave: counts, and its findings already rendered.
#[derive(Debug, Default)]
struct Checked {
    /// Findings left.
    found: usize,
    /// Of those, with a safe fix / with an unsafe fix only.
    fixable_safe: usize,
    fixable_unsafe: usize,
    /// With `--fix`/`--diff`: findings before fixing, and how many of them had an allowed fix.
    before: usize,
    fixable_before: usize,
    /// Findings fixed (whose fix was applied, in any round).
    fixed: usize,
    /// A finding at or above the notebook's fail level is left.
    failing: bool,
    /// Fixes dropped because they would break the code (`cell N: ...`).
    dropped: Vec<String>,
    /// Fixes that still apply after the last round of fixing.
    unconverged: usize,
    /// What the fixes change (--diff).
    diff: String,
    /// The findings, rendered or kept for the output document.
    piece: Option<Piece>,
}

/// `nbtidy check` as a [`super::NotebookCommand`].
struct Check<'a> {
    args: &'a CheckArgs,
    resolver: Resolver,
    selections: SelectionCache,
    selection_args: SelectionArgs,
    options: RenderOptions,
}

impl super::NotebookCommand for Check<'_> {
    type Prepared = SelectionEntry;
    type Done = Checked;

    fn resolver(&self) -> &Resolver {
        &self.resolver
    }

    fn prepare(
        &self,
        resolved: &nbtidy_config::Resolved,
        notes: &mut Vec<Note>,
    ) -> Result<Self::Prepared, Stop> {
        super::selection_for(&self.selections, resolved, &self.selection_args, notes)
    }

    fn process(
        &self,
        path: &Path,
        bytes: &[u8],
        resolved: &nbtidy_config::Resolved,
        prepared: &Self::Prepared,
    ) -> Result<Checked, Stop> {
        let mut checked = Checked::default();
        let diagnostics = lint_bytes(path, bytes, resolved, &prepared.0, self.args, &mut checked)?;
        checked.found = diagnostics.diagnostics.len();
        for diagnostic in &diagnostics.diagnostics {
            match diagnostic.fix.as_ref().map(|fix| fix.applicability) {
                Some(Applicability::Safe) => checked.fixable_safe += 1,
                Some(Applicability::Unsafe) => checked.fixable_unsafe += 1,
                None => {}
            }
            checked.failing |= diagnostic.severity >= prepared.0.fail_on;
        }
        if !self.args.diff {
            checked.piece = Document::piece(self.args.output_format, &diagnostics, &self.options);
        }
        Ok(checked)
    }
}

/// Runs `nbtidy check`.
pub fn run(args: &CheckArgs) -> Result<ExitStatus> {
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    };
    let options = RenderOptions {
        color,
        version: env!("CARGO_PKG_VERSION").to_owned(),
    };
    let command = Check {
        args,
        resolver: nbtidy_lint::resolver(args.overrides.overrides()),
        selections: SelectionCache::default(),
        selection_args: SelectionArgs {
            select: args.select.clone(),
            ignore: args.ignore.clone(),
            fail_on: args.fail_on.map(|level| match level {
                SeverityArg::Error => Severity::Error,
                SeverityArg::Warning => Severity::Warning,
            }),
        },
        options: options.clone(),
    };
    // `--select`/`--ignore` apply to every notebook: a bad one stops the run before it starts.
    let problems = nbtidy_lint::selection::argument_problems(&command.selection_args);
    if !problems.is_empty() {
        for problem in &problems {
            super::print_problem(problem, "no notebook is checked");
        }
        return Ok(ExitStatus::Error);
    }
    let format = args.output_format;
    let mut document = Document::new(format, options.clone());
    let mut failing = false;
    let mut changes = false;
    let mut counts = Counts::default();
    let tally = super::run(
        &command,
        &args.paths,
        &args.exclude,
        super::LoopOptions {
            verbose: args.verbose,
            writes: args.fix && !args.diff,
        },
        |finished| {
            let checked = match finished.outcome {
                Ok(checked) => checked,
                Err(stop) => {
                    super::print_stop(&finished.display, &stop);
                    if let Stop::Unreadable(message) | Stop::NotWalked(message) = &stop
                        && !args.diff
                    {
                        let file = io_error(&finished.display, message);
                        if let Some(piece) = Document::piece(format, &file, &options)
                            && let Some(text) = document.add(piece)
                        {
                            printer::out(text.as_bytes())?;
                        }
                    }
                    return Ok(());
                }
            };
            for dropped in &checked.dropped {
                printer::warning(&format!("{}:{dropped}", finished.display));
            }
            if checked.unconverged > 0 {
                printer::warning(&format!(
                    "{}: {} left after {} rounds of fixing; run the command again",
                    finished.display,
                    printer::plural(checked.unconverged, "fixable finding"),
                    nbtidy_lint::fix::MAX_ROUNDS
                ));
            }
            counts.add(&checked);
            failing |= checked.failing;
            if args.diff {
                changes |= !checked.diff.is_empty();
                printer::out_text(&checked.diff)?;
            } else if let Some(piece) = checked.piece
                && let Some(text) = document.add(piece)
            {
                printer::out(text.as_bytes())?;
            }
            Ok(())
        },
    )?;
    if !args.diff
        && let Some(text) = document.finish()
    {
        printer::out(text.as_bytes())?;
    }
    if !args.quiet && (!format.is_machine_readable() || args.diff) {
        printer::note(&summary(args, &counts, &tally));
    }
    Ok(if tally.errors > 0 {
        ExitStatus::Error
    } else if (failing && !args.diff) || (args.diff && changes) {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// A notebook that cannot be read, as an `E902` (io-error) finding on its first line, so that
/// every output format (a CI annotation, a SARIF result) points at it.
fn io_error(display: &str, message: &str) -> FileDiagnostics {
    let start = nbtidy_diagnostics::Position::new(1, 1);
    let message = message
        .strip_prefix(display)
        .and_then(|rest| rest.strip_prefix(": "))
        .unwrap_or(message);
    FileDiagnostics {
        path: display.to_owned(),
        cells: Vec::new(),
        diagnostics: vec![nbtidy_diagnostics::Diagnostic {
            code: "E902",
            name: "io-error",
            severity: Severity::Error,
            message: message.to_owned(),
            fix_title: None,
            location: nbtidy_diagnostics::Location {
                cell: None,
                start,
                end: start,
                file_start: start,
                file_end: start,
            },
            fix: None,
        }],
    }
}

/// What the summary counts, over every notebook checked.
#[derive(Debug, Default)]
struct Counts {
    /// Findings left.
    found: usize,
    /// Of those, with a safe fix / with an unsafe fix only.
    fixable_safe: usize,
    fixable_unsafe: usize,
    /// With `--fix`/`--diff`: findings before fixing, of those with an allowed fix, and fixed.
    before: usize,
    fixable_before: usize,
    fixed: usize,
}

impl Counts {
    fn add(&mut self, checked: &Checked) {
        self.found += checked.found;
        self.fixable_safe += checked.fixable_safe;
        self.fixable_unsafe += checked.fixable_unsafe;
        self.before += checked.before;
        self.fixable_before += checked.fixable_before;
        self.fixed += checked.fixed;
    }

    /// With `--fix`/`--diff`, when the counts do not speak for themselves (`before` is not
    /// `fixed + remaining`, or `fixed` is not the fixable count `check` printed): ` (B before,
    /// N with a fix, K others went away with the changes)` or ` (..., K appeared with the
    /// changes)`, so that `B = fixed + remaining + K went away - K appeared` (net figures).
    ///
    /// `fixed` counts every finding whose fix was applied, also findings that appeared while
    /// fixing (an import left unused once its redefinition is removed, a cell emptied by
    /// removing its imports); a finding whose fix was refused (it would not parse, or the
    /// rounds ran out: warned above) is not fixed; a finding that went away with another one's
    /// fix (the code it was in was removed), or because the code changed (a line shortened by
    /// removing its trailing whitespace), counts among the others.
    fn fix_accounting(&self) -> String {
        let after = self.fixed + self.found;
        if self.before == after && self.fixed == self.fixable_before {
            return String::new();
        }
        let mut text = format!(
            " ({} before, {} with a fix",
            self.before, self.fixable_before
        );
        // Net: findings that appeared while fixing and were not fixed count against those
        // that went away without a fix of their own.
        if self.before > after {
            text.push_str(&format!(
                ", {} other{} went away with the changes",
                self.before - after,
                if self.before - after == 1 { "" } else { "s" }
            ));
        } else if after > self.before {
            text.push_str(&format!(
                ", {} appeared with the changes",
                after - self.before
            ));
        }
        text.push(')');
        text
    }
}

fn summary(args: &CheckArgs, counts: &Counts, tally: &super::Tally) -> String {
    let Counts {
        found,
        fixed,
        fixable_safe,
        fixable_unsafe,
        ..
    } = *counts;
    let mut text = if args.diff {
        format!(
            "{} would be fixed{}",
            printer::plural(fixed, "finding"),
            counts.fix_accounting()
        )
    } else if found == 0 && fixed == 0 && tally.errors == 0 && tally.skipped.is_empty() {
        "All checks passed!".to_owned()
    } else if found == 0 && fixed == 0 {
        "No findings in the notebooks that could be checked".to_owned()
    } else if args.fix {
        format!(
            "Fixed {}, {} remaining{}",
            printer::plural(fixed, "finding"),
            found,
            counts.fix_accounting()
        )
    } else {
        let mut text = format!("Found {}", printer::plural(found, "finding"));
        if fixable_safe > 0 {
            text.push_str(&format!(" ({fixable_safe} fixable with --fix"));
            if fixable_unsafe > 0 && !args.unsafe_fixes {
                text.push_str(&format!(", {fixable_unsafe} more with --unsafe-fixes"));
            }
            text.push(')');
        } else if fixable_unsafe > 0 {
            text.push_str(&format!(
                " ({fixable_unsafe} fixable with --fix --unsafe-fixes)"
            ));
        }
        text
    };
    text.push_str(&tally.skipped_text());
    if tally.errors > 0 {
        text.push_str(&format!(", {}", printer::plural(tally.errors, "error")));
    }
    text
}

/// Lints (or fixes) one notebook's bytes: the findings left, and into `checked` what was fixed.
fn lint_bytes(
    path: &Path,
    bytes: &[u8],
    resolved: &nbtidy_config::Resolved,
    selection: &Selection,
    args: &CheckArgs,
    checked: &mut Checked,
) -> Result<FileDiagnostics, Stop> {
    let display = path.display().to_string();
    if nbtidy_pipeline::test_marker().is_some() {
        for text in Notebook::parse(bytes)
            .iter()
            .flat_map(|nb| (0..nb.cells().len()).filter_map(|i| nb.source(i).ok()))
        {
            nbtidy_pipeline::test_point(&text.text);
        }
    }
    if args.fix || args.diff {
        let outcome = fix_notebook(path, bytes, resolved, selection, args.unsafe_fixes)
            .map_err(|err| Stop::Unreadable(err.to_string()))?;
        checked.fixed = outcome.fixed;
        checked.before = outcome.before;
        checked.fixable_before = outcome.fixable;
        checked.dropped = outcome.dropped;
        checked.unconverged = outcome.unconverged;
        let mut diagnostics = outcome.remaining;
        diagnostics.path.clone_from(&display);
        if let Some(new) = outcome.bytes {
            if args.diff {
                checked.diff = notebook_diff(&display, bytes, &new);
            } else {
                crate::write::write_atomic(path, bytes, &new)
                    .map_err(|err| Stop::Failed(format!("{err:#}")))?;
            }
        }
        return Ok(diagnostics);
    }
    // A listing needs a fix's edits only when the output format prints them.
    let fixes = if args.output_format.shows_fix_edits() {
        Fixes::WithEdits
    } else {
        Fixes::AvailabilityOnly
    };
    let mut diagnostics = check_notebook_for(path, bytes, resolved, selection, fixes)
        .map_err(|err| Stop::Unreadable(err.to_string()))?;
    diagnostics.path.clone_from(&display);
    Ok(diagnostics)
}

/// What fixes change: a diff per cell whose code changed, and a diff of the file's JSON when
/// anything outside code sources changed (outputs removed, ids added, ...).
fn notebook_diff(display: &str, old: &[u8], new: &[u8]) -> String {
    let (Ok(before), Ok(after)) = (Notebook::parse(old), Notebook::parse(new)) else {
        return String::new();
    };
    let mut out = String::new();
    let same_cells = before.cells().len() == after.cells().len();
    if same_cells {
        for index in 0..before.cells().len() {
            let (Ok(a), Ok(b)) = (before.source(index), after.source(index)) else {
                continue;
            };
            if a.text != b.text {
                out.push_str(&diff::cell_diff(display, index + 1, &a.text, &b.text));
            }
        }
    }
    // Bytes outside the sources.
    let outside = |nb: &Notebook<'_>| -> Vec<u8> {
        let text = nb.text().as_bytes();
        let mut rest = Vec::new();
        let mut at = 0;
        for cell in nb.cells() {
            if let Some(span) = &cell.source {
                rest.extend_from_slice(&text[at..span.start]);
                at = span.end;
            }
        }
        rest.extend_from_slice(&text[at..]);
        rest
    };
    if !same_cells || outside(&before) != outside(&after) {
        out.push_str(&diff::file_diff(display, before.text(), after.text()));
    }
    out
}
