//! One module per subcommand, and the per-notebook loop they share.
//!
//! A subcommand that works on notebooks implements [`NotebookCommand`] and calls [`run`]; the
//! loop does the rest, the same way for every subcommand:
//!
//! 1. walk the paths (sorted; each file once);
//! 2. per notebook, in parallel: resolve its settings (an invalid value stops it), skip it when
//!    `nbtidy = off`, let the command prepare (check: the rule selection), read it (regular files
//!    only; a FIFO is passed over, an unreadable file is an error), process it; a panic becomes an
//!    error for that notebook alone;
//! 3. hand each notebook's result to the command's [`NotebookCommand::report`] in path order, as
//!    soon as it and every notebook before it are done (a reorder buffer: notebooks are taken in
//!    path order, so it holds about one result per thread), printing the settings problems it met
//!    once each;
//! 4. count what happened ([`Tally`]) for the command's summary and exit code.

pub mod check;
pub mod config;
pub mod format;
pub mod generate;
pub mod git;
pub mod rule;
pub mod server;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::Result;
use nbtidy_config::{ProblemKind, Resolved, Resolver, SettingProblem};

use crate::{printer, walk};

/// Why a notebook was skipped without an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Skip {
    /// The notebook's language is not Python.
    NotPython,
    /// `nbtidy = off` applies to it.
    Off,
}

impl Skip {
    /// How the summary names the reason.
    fn label(self) -> &'static str {
        match self {
            Skip::NotPython => "not Python",
            Skip::Off => "nbtidy = off",
        }
    }
}

/// Why a notebook was not processed to the end.
#[derive(Debug)]
pub(crate) enum Stop {
    /// Skipped on purpose; `String` says why in more detail (`language julia`).
    Skipped(Skip, String),
    /// The path is not a regular file (a FIFO, a socket): passed over with a warning.
    PassedOver(String),
    /// The file cannot be read, or is not a notebook nbtidy can read (invalid JSON, nbformat 3):
    /// `check` reports it as an `E902` finding too.
    Unreadable(String),
    /// Any other error (invalid settings, a failed write, an internal error).
    Failed(String),
    /// A path that cannot be read or walked (a walk error; the message names the path):
    /// reported like [`Stop::Unreadable`].
    NotWalked(String),
}

/// A settings problem to print once per run, before the first notebook it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Note {
    /// An error (the notebooks it applies to are not processed) or a warning.
    pub is_error: bool,
    /// The message.
    pub text: String,
}

/// One notebook's result, as [`NotebookCommand::report`] receives it.
#[derive(Debug)]
pub(crate) struct Finished<T> {
    /// The path as found or given; empty for a walk error that names no path.
    pub display: String,
    /// What came of it.
    pub outcome: std::result::Result<T, Stop>,
}

/// A subcommand that processes notebooks one by one; [`run`] reports each result, in path order,
/// through the command's own closure (where [`print_stop`] prints errors the common way).
pub(crate) trait NotebookCommand: Sync {
    /// What the command needs besides the settings, decided before the notebook is read.
    type Prepared;
    /// What processing one notebook gives (made on a worker thread).
    type Done: Send;

    /// The settings resolver (with the command line's overrides).
    fn resolver(&self) -> &Resolver;

    /// What the command needs for a notebook with these settings (check: its rule selection);
    /// problems go to `notes`. `Err` stops the notebook.
    fn prepare(
        &self,
        resolved: &Resolved,
        notes: &mut Vec<Note>,
    ) -> std::result::Result<Self::Prepared, Stop>;

    /// Processes one notebook's bytes.
    fn process(
        &self,
        path: &Path,
        bytes: &[u8],
        resolved: &Resolved,
        prepared: &Self::Prepared,
    ) -> std::result::Result<Self::Done, Stop>;
}

/// What happened to the notebooks of a run.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    /// Notebooks processed to the end.
    pub done: usize,
    /// Notebooks skipped on purpose, by reason.
    pub skipped: BTreeMap<Skip, usize>,
    /// Notebooks (and paths) that could not be processed.
    pub errors: usize,
}

impl Tally {
    /// `, 2 skipped (not Python: 1, nbtidy = off: 1)`, or nothing when none was skipped.
    pub fn skipped_text(&self) -> String {
        let total: usize = self.skipped.values().sum();
        if total == 0 {
            return String::new();
        }
        let reasons: Vec<String> = self
            .skipped
            .iter()
            .map(|(reason, count)| format!("{}: {count}", reason.label()))
            .collect();
        format!(", {total} skipped ({})", reasons.join(", "))
    }
}

/// How the loop prints and counts.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct LoopOptions {
    /// Print a line per skipped notebook.
    pub verbose: bool,
}

/// Walks `paths` (default `.`) and runs `command` on every notebook, in parallel, handing each
/// result to `report` in path order as soon as it and every notebook before it are done; walk
/// errors come last. See the module documentation.
pub(crate) fn run<C: NotebookCommand>(
    command: &C,
    paths: &[PathBuf],
    exclude: &[String],
    options: LoopOptions,
    mut report: impl FnMut(Finished<C::Done>) -> Result<()>,
) -> Result<Tally> {
    let exclude = walk::exclusions(exclude)?;
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let found = walk::notebooks(&paths, &exclude);
    let notebooks = &found.notebooks;
    let mut tally = Tally::default();
    let mut printed = HashSet::new();
    let mut handle = |display: String, notes: Vec<Note>, outcome: Result<C::Done, Stop>| {
        for note in notes {
            if !printed.contains(&note) {
                if note.is_error {
                    printer::error(&note.text);
                } else {
                    printer::warning(&note.text);
                }
                printed.insert(note);
            }
        }
        match &outcome {
            Ok(_) => tally.done += 1,
            Err(Stop::Skipped(reason, detail)) => {
                *tally.skipped.entry(*reason).or_default() += 1;
                if options.verbose {
                    printer::note(&format!(
                        "{}: skipped: {detail}",
                        nbtidy_safe_text::for_terminal(&display)
                    ));
                }
            }
            Err(Stop::PassedOver(_)) => {}
            Err(Stop::Unreadable(_) | Stop::Failed(_) | Stop::NotWalked(_)) => tally.errors += 1,
        }
        report(Finished { display, outcome })
    };

    type Message<T> = (usize, Vec<Note>, Result<T, Stop>);
    type Waiting<T> = BTreeMap<usize, (Vec<Note>, Result<T, Stop>)>;
    let (sender, receiver) = std::sync::mpsc::channel::<Message<C::Done>>();
    let outcome = std::thread::scope(|scope| -> Result<()> {
        // Notebooks are tasks of the pool, queued in path order (FIFO), so results arrive nearly
        // in order and the reorder buffer below stays small; a task waiting on its own cells'
        // parallel work steals queued ones instead of blocking a thread. A thread of its own
        // queues them and waits; this one prints as results come.
        let spawned = std::thread::Builder::new()
            .name("nbtidy-queue".to_owned())
            .stack_size(nbtidy_python::STACK_SIZE)
            .spawn_scoped(scope, move || {
                rayon::scope_fifo(|tasks| {
                    for (index, path) in notebooks.iter().enumerate() {
                        let sender = sender.clone();
                        tasks.spawn_fifo(move |_| {
                            let mut notes = Vec::new();
                            let outcome = crate::panic::catch(|| one(command, path, &mut notes))
                                .unwrap_or_else(|message| Err(Stop::Failed(message)));
                            // The receiver is gone when reporting failed (a closed pipe).
                            let _ = sender.send((index, notes, outcome));
                        });
                    }
                    drop(sender);
                });
            });
        if spawned.is_err() {
            // No thread (a tight `ulimit`): this thread does it all.
            for path in notebooks {
                let mut notes = Vec::new();
                let outcome = crate::panic::catch(|| one(command, path, &mut notes))
                    .unwrap_or_else(|message| Err(Stop::Failed(message)));
                handle(path.display().to_string(), notes, outcome)?;
            }
            return Ok(());
        }
        let mut waiting: Waiting<C::Done> = BTreeMap::new();
        let mut due = 0;
        for (index, notes, outcome) in receiver {
            waiting.insert(index, (notes, outcome));
            while let Some((notes, outcome)) = waiting.remove(&due) {
                handle(notebooks[due].display().to_string(), notes, outcome)?;
                due += 1;
            }
        }
        Ok(())
    });
    outcome?;
    for error in found.errors {
        handle(error.path, Vec::new(), Err(Stop::NotWalked(error.text)))?;
    }
    Ok(tally)
}

/// One notebook, from its settings to the command's result; settings problems go to `notes`.
fn one<C: NotebookCommand>(
    command: &C,
    path: &Path,
    notes: &mut Vec<Note>,
) -> std::result::Result<C::Done, Stop> {
    let resolved = match command.resolver().resolve(path) {
        Ok(resolved) => resolved,
        Err(err) => return Err(Stop::Failed(err.to_string())),
    };
    notes.extend(
        resolved
            .warnings
            .iter()
            .map(|problem| problem_note(problem, STOPS_NOTEBOOKS)),
    );
    let invalid = resolved.warnings.iter().any(SettingProblem::is_error);
    if !invalid && !resolved.settings.enabled.value {
        return Err(Stop::Skipped(
            Skip::Off,
            format!("nbtidy = off ({})", resolved.settings.enabled.origin),
        ));
    }
    // Even when a setting is invalid already, so that every invalid value that applies (a rule
    // severity, a rule option) is reported in the same run.
    let prepared = command.prepare(&resolved, notes);
    if invalid {
        return Err(Stop::Failed(INVALID_CONFIG.to_owned()));
    }
    let prepared = prepared?;
    match crate::read::with_file(path, |bytes| {
        command.process(path, bytes, &resolved, &prepared)
    }) {
        Ok(outcome) => outcome,
        Err(err @ crate::read::ReadError::NotRegular(_)) => {
            Err(Stop::PassedOver(format!("{err}, skipped")))
        }
        Err(err) => Err(Stop::Unreadable(err.to_string())),
    }
}

/// Prints why a notebook stopped the way every command does: `error: PATH: message`, or
/// `warning: PATH: reason` for a path passed over; skips are counted, not printed here.
pub(crate) fn print_stop(display: &str, stop: &Stop) {
    match stop {
        Stop::Unreadable(error) | Stop::Failed(error) => {
            printer::error(&format!("{display}: {error}"));
        }
        Stop::NotWalked(error) => printer::error(error),
        Stop::PassedOver(reason) => printer::warning(&format!("{display}: {reason}")),
        Stop::Skipped(..) => {}
    }
}

/// Why a notebook governed by an invalid value is not processed (the value is printed above).
pub(crate) const INVALID_CONFIG: &str =
    "not processed: an `.editorconfig` value that applies to it is invalid";

/// What an invalid value in an `.editorconfig` file stops.
pub(crate) const STOPS_NOTEBOOKS: &str = "the notebooks it applies to are not processed";

/// The rule selection of a notebook's settings (resolved once per distinct configuration, through
/// `selections`), its problems added to `notes`: an invalid rule setting stops the notebook.
/// `check` and `format --fix` both prepare notebooks with it.
pub(crate) fn selection_for(
    selections: &nbtidy_pipeline::SelectionCache,
    resolved: &Resolved,
    args: &nbtidy_lint::SelectionArgs,
    notes: &mut Vec<Note>,
) -> Result<nbtidy_pipeline::SelectionEntry, Stop> {
    let selection = selections.get(resolved, args);
    notes.extend(
        selection
            .1
            .iter()
            .map(|problem| problem_note(problem, STOPS_NOTEBOOKS)),
    );
    if selection.1.iter().any(SettingProblem::is_error) {
        return Err(Stop::Failed(INVALID_CONFIG.to_owned()));
    }
    Ok(selection)
}

/// A problem with a value, from any source (an `.editorconfig` line, a flag, a rule option or
/// severity), as a [`Note`]: `SOURCE: key = value: expected ...`, then for an error `; ` and
/// what it stops (`stops`, e.g. [`STOPS_NOTEBOOKS`]; nothing when empty). Invalid values are
/// errors; overridden invalid values, unknown keys and ignored values are warnings. Every
/// problem with a value is printed through here ([`print_problem`], or the loop's notes).
pub(crate) fn problem_note(problem: &SettingProblem, stops: &str) -> Note {
    match problem.kind {
        ProblemKind::InvalidValue => Note {
            is_error: true,
            text: if stops.is_empty() {
                problem.to_string()
            } else {
                format!("{problem}; {stops}")
            },
        },
        ProblemKind::OverriddenInvalidValue => Note {
            is_error: false,
            text: format!("{problem} (overridden on the command line)"),
        },
        ProblemKind::UnknownKey | ProblemKind::Ignored => Note {
            is_error: false,
            text: problem.to_string(),
        },
    }
}

/// Prints a problem with a value now (see [`problem_note`]).
pub(crate) fn print_problem(problem: &SettingProblem, stops: &str) {
    let note = problem_note(problem, stops);
    if note.is_error {
        printer::error(&note.text);
    } else {
        printer::warning(&note.text);
    }
}
