//! `nbtidy check`: lint notebooks, optionally fix them.
//!
//! Per notebook (in parallel; output in path order): settings → rule selection → lint (or fix
//! until stable, then lint what remains) → report. One unreadable notebook is an error for that
//! notebook; the others are still checked. Exit codes: 2 if any notebook or setting could not be
//! read; else 1 if any remaining finding is at or above its notebook's fail level; else 0.

use std::collections::BTreeSet;
use std::io::IsTerminal as _;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use anyhow::Result;
use nbtidy_config::Resolver;
use nbtidy_diagnostics::{
    Applicability, FileDiagnostics, OutputFormat, RenderOptions, Severity, render,
};
use nbtidy_lint::fix::fix_notebook;
use nbtidy_lint::{Selection, SelectionArgs, SelectionProblem, check_notebook};
use nbtidy_notebook::Notebook;

use crate::args::{CheckArgs, ColorChoice, SeverityArg};
use crate::{ExitStatus, diff, printer};

#[derive(Debug, Default)]
struct Report {
    display: String,
    error: Option<String>,
    /// Why the path was passed over without an error (not a regular file).
    passed_over: Option<String>,
    config_warnings: Vec<nbtidy_config::ConfigWarning>,
    problems: Vec<nbtidy_lint::SelectionProblem>,
    diagnostics: FileDiagnostics,
    fail_on: Option<Severity>,
    fixed: usize,
    dropped: Vec<String>,
    diff: String,
    /// The findings, rendered (full and concise formats).
    rendered: String,
}

/// Runs `nbtidy check`.
pub fn run(args: &CheckArgs) -> Result<ExitStatus> {
    let resolver = Resolver::new(nbtidy_config::Overrides::default());
    let selections = SelectionCache::default();
    let selection_args = SelectionArgs {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        fail_on: args.fail_on.map(|level| match level {
            SeverityArg::Error => Severity::Error,
            SeverityArg::Warning => Severity::Warning,
        }),
    };
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

    // Text formats are rendered file by file in the workers, in parallel; the others need all
    // files at once.
    let render_in_workers = !args.diff
        && matches!(
            args.output_format,
            OutputFormat::Full | OutputFormat::Concise
        );
    let mut reports = super::for_each_notebook(
        &args.paths,
        &args.exclude,
        |path| {
            let mut report = check_path(&resolver, &selections, &selection_args, path, args);
            if render_in_workers && !report.diagnostics.diagnostics.is_empty() {
                report.rendered = render(
                    args.output_format,
                    std::slice::from_ref(&report.diagnostics),
                    &options,
                );
            }
            report
        },
        |error| Report {
            error: Some(error),
            ..Report::default()
        },
    )?;

    let mut seen = BTreeSet::new();
    let mut seen_problems = BTreeSet::new();
    let mut errors = 0;
    let mut failing = false;
    let (mut found_count, mut fixed, mut fixable_safe, mut fixable_unsafe) = (0, 0, 0, 0);
    let mut files = Vec::new();
    for report in &mut reports {
        for warning in &report.config_warnings {
            if seen.insert(warning.clone()) {
                super::print_config_warning(warning);
            }
        }
        for problem in &report.problems {
            if seen_problems.insert(problem.clone()) {
                if problem.is_error {
                    printer::error(&format!(
                        "{problem}; the notebooks it applies to are not checked"
                    ));
                } else {
                    printer::warning(&problem.to_string());
                }
            }
        }
        if let Some(error) = &report.error {
            errors += 1;
            if report.display.is_empty() {
                printer::error(error);
            } else {
                printer::error(&format!("{}: {error}", report.display));
            }
            continue;
        }
        if let Some(reason) = &report.passed_over {
            printer::warning(&format!("{}: {reason}", report.display));
            continue;
        }
        for dropped in &report.dropped {
            printer::warning(&format!("{}:{dropped}", report.display));
        }
        fixed += report.fixed;
        found_count += report.diagnostics.diagnostics.len();
        for diagnostic in &report.diagnostics.diagnostics {
            match diagnostic.fix.as_ref().map(|fix| fix.applicability) {
                Some(Applicability::Safe) => fixable_safe += 1,
                Some(Applicability::Unsafe) => fixable_unsafe += 1,
                None => {}
            }
            if report
                .fail_on
                .is_some_and(|level| diagnostic.severity >= level)
            {
                failing = true;
            }
        }
        if args.diff {
            printer::out_text(&report.diff)?;
        } else if !report.diagnostics.diagnostics.is_empty() {
            files.push(std::mem::take(&mut report.diagnostics));
        }
    }
    if !args.diff {
        let text = if render_in_workers {
            reports.iter().map(|r| r.rendered.as_str()).collect()
        } else {
            render(args.output_format, &files, &options)
        };
        if !text.is_empty()
            || matches!(
                args.output_format,
                OutputFormat::Json
                    | OutputFormat::Sarif
                    | OutputFormat::Gitlab
                    | OutputFormat::Junit
            )
        {
            printer::out(text.as_bytes())?;
        }
    }
    let text_format = matches!(
        args.output_format,
        OutputFormat::Full | OutputFormat::Concise
    );
    if !args.quiet && (text_format || args.diff) {
        printer::note(&summary(
            args,
            found_count,
            fixed,
            fixable_safe,
            fixable_unsafe,
            errors,
        ));
    }
    Ok(if errors > 0 {
        ExitStatus::Error
    } else if (failing && !args.diff) || (args.diff && reports.iter().any(|r| !r.diff.is_empty())) {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

fn summary(
    args: &CheckArgs,
    found: usize,
    fixed: usize,
    fixable_safe: usize,
    fixable_unsafe: usize,
    errors: usize,
) -> String {
    let mut text = if args.diff {
        format!("{} would be fixed", printer::plural(fixed, "finding"))
    } else if found == 0 && fixed == 0 && errors == 0 {
        "All checks passed!".to_owned()
    } else if found == 0 && fixed == 0 {
        "No findings in the notebooks that could be checked".to_owned()
    } else if args.fix {
        format!(
            "Fixed {}, {} remaining",
            printer::plural(fixed, "finding"),
            found
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
    if errors > 0 {
        text.push_str(&format!(", {}", printer::plural(errors, "error")));
    }
    text
}

/// Rule selections already resolved, by [`Selection::cache_key`]: most runs have one or a few
/// distinct configurations for many notebooks.
#[derive(Default)]
struct SelectionCache {
    resolved: Mutex<Vec<SelectionCacheEntry>>,
}

type SelectionCacheEntry = (
    Vec<(String, String, String)>,
    Arc<(Selection, Vec<SelectionProblem>)>,
);

impl SelectionCache {
    fn get(
        &self,
        config: &nbtidy_config::Resolved,
        args: &SelectionArgs,
    ) -> Arc<(Selection, Vec<SelectionProblem>)> {
        let key = Selection::cache_key(config);
        if let Some((_, found)) = self.lock().iter().find(|(k, _)| *k == key) {
            return Arc::clone(found);
        }
        let resolved = Arc::new(Selection::resolve(config, args));
        self.lock().push((key, Arc::clone(&resolved)));
        resolved
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<SelectionCacheEntry>> {
        self.resolved.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn check_path(
    resolver: &Resolver,
    selections: &SelectionCache,
    selection_args: &SelectionArgs,
    path: &Path,
    args: &CheckArgs,
) -> Report {
    let display = path.display().to_string();
    let mut report = Report {
        display: display.clone(),
        ..Report::default()
    };
    let (warnings, resolved) = super::resolve_settings(resolver, path);
    report.config_warnings = warnings;
    let resolved = match resolved {
        Ok(resolved) => resolved,
        Err(error) => {
            report.error = Some(error);
            return report;
        }
    };
    if !resolved.settings.enabled.value {
        return report;
    }
    let resolved_selection = selections.get(&resolved, selection_args);
    let (selection, problems) = (&resolved_selection.0, resolved_selection.1.clone());
    let invalid = problems.iter().any(|p| p.is_error);
    report.problems = problems;
    if invalid {
        report.error = Some(super::INVALID_CONFIG.to_owned());
        return report;
    }
    report.fail_on = Some(selection.fail_on);
    let result = crate::read::with_file(path, |bytes| {
        lint_bytes(path, bytes, &resolved, selection, args, &mut report);
    });
    match result {
        Ok(()) => {}
        Err(err @ crate::read::ReadError::NotRegular(_)) => {
            report.passed_over = Some(format!("{err}, skipped"));
        }
        Err(err) => report.error = Some(err.to_string()),
    }
    report
}

/// Lints (or fixes) one notebook's bytes into `report`.
fn lint_bytes(
    path: &Path,
    bytes: &[u8],
    resolved: &nbtidy_config::Resolved,
    selection: &Selection,
    args: &CheckArgs,
    report: &mut Report,
) {
    let display = report.display.clone();
    if crate::panic::test_marker().is_some() {
        for text in Notebook::parse(bytes)
            .iter()
            .flat_map(|nb| (0..nb.cells().len()).filter_map(|i| nb.source(i).ok()))
        {
            crate::panic::test_point(&text.text);
        }
    }
    if args.fix || args.diff {
        match fix_notebook(path, bytes, resolved, selection, args.unsafe_fixes) {
            Ok(outcome) => {
                report.fixed = outcome.fixed;
                report.dropped = outcome.dropped;
                report.diagnostics = outcome.remaining;
                report.diagnostics.path.clone_from(&display);
                if let Some(new) = outcome.bytes {
                    if args.diff {
                        report.diff = notebook_diff(&display, bytes, &new);
                    } else if let Err(err) = crate::write::write_atomic(path, bytes, &new) {
                        report.error = Some(format!("{err:#}"));
                    }
                }
            }
            Err(err) => report.error = Some(err.to_string()),
        }
        return;
    }
    match check_notebook(path, bytes, resolved, selection) {
        Ok(mut diagnostics) => {
            diagnostics.path.clone_from(&display);
            report.diagnostics = diagnostics;
        }
        Err(err) => report.error = Some(err.to_string()),
    }
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
