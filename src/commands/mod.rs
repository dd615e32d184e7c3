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
    /// The command writes notebooks (`format`, `check --fix`): every notebook is processed even
    /// when reporting fails (a closed pipe), so that the run does what it was asked to; a
    /// command that only reports stops at the notebooks not started.
    pub writes: bool,
}

/// Walks `paths` (default `.`) and runs `command` on every notebook, in parallel, handing each
/// result to `report` in path order as soon as it and every notebook before it are done; walk
/// errors come last. See the module documentation.
pub(crate) fn run<C: NotebookCommand>(
    command: &C,
    paths: &[PathBuf],
    exclude: &[String],
    options: LoopOptions,
    mut report: impl FnMut(Finished<C::Done>) -> Result<()> + Send,
) -> Result<Tally> {
    let exclude = walk::exclusions(exclude)?;
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    // Started now, so its threads are up by the time a notebook's cells need them (building it
    // where a big notebook's cells first need it put thread start-up on the critical path).
    let pool = nbtidy_pipeline::thread_pool();
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

    // Notebooks are tasks of the pool, queued in path order (FIFO), so results arrive nearly in
    // order and the reorder buffer stays small. No thread waits to print: the worker that
    // finishes the notebook next in path order reports it and every finished one after it (a
    // thread woken once per notebook cost a context switch each, +15% CPU on the corpus).
    let order = std::sync::Mutex::new(Order::<C::Done> {
        waiting: BTreeMap::new(),
        due: 0,
    });
    let reporter = std::sync::Mutex::new(Reporter {
        handle: &mut handle,
        failed: None,
    });
    // Set once reporting failed (a closed pipe): the notebooks not started yet are not processed,
    // unless the command writes them.
    let stopped = std::sync::atomic::AtomicBool::new(false);
    let finish = |index: usize, notes: Vec<Note>, outcome: Result<C::Done, Stop>| {
        lock(&order).waiting.insert(index, (notes, outcome));
        drain(&order, &reporter, notebooks, &stopped);
    };
    let process = |index: usize, path: &PathBuf| {
        if !options.writes && stopped.load(std::sync::atomic::Ordering::Relaxed) {
            return finish(index, Vec::new(), Err(Stop::PassedOver(String::new())));
        }
        let mut notes = Vec::new();
        let outcome = crate::panic::catch(|| one(command, path, &mut notes))
            .unwrap_or_else(|message| Err(Stop::Failed(message)));
        finish(index, notes, outcome);
    };
    if notebooks.len() > 1 && pool {
        rayon::scope_fifo(|tasks| {
            for (index, path) in notebooks.iter().enumerate() {
                let process = &process;
                tasks.spawn_fifo(move |_| process(index, path));
            }
        });
    } else {
        // One notebook, or no thread pool (a tight `ulimit`): this thread does it all.
        for (index, path) in notebooks.iter().enumerate() {
            process(index, path);
        }
    }
    let outcome = match reporter.into_inner() {
        Ok(reporter) => reporter.failed,
        Err(poisoned) => poisoned.into_inner().failed,
    };
    if let Some(err) = outcome {
        return Err(err);
    }
    for error in found.errors {
        handle(error.path, Vec::new(), Err(Stop::NotWalked(error.text)))?;
    }
    Ok(tally)
}

/// Finished notebooks not reported yet, by index, and the index to report next.
struct Order<T> {
    waiting: BTreeMap<usize, (Vec<Note>, std::result::Result<T, Stop>)>,
    due: usize,
}

/// The command's reporting, done by one thread at a time; `failed` keeps its first error.
struct Reporter<H> {
    handle: H,
    failed: Option<anyhow::Error>,
}

fn lock<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding it is caught and reported per notebook; the data stays usable.
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Reports every finished notebook that is next in path order, unless another thread is doing
/// so; rechecks after letting go, so that a result that arrived meanwhile is not left behind.
fn drain<T, H>(
    order: &std::sync::Mutex<Order<T>>,
    reporter: &std::sync::Mutex<Reporter<H>>,
    notebooks: &[PathBuf],
    stopped: &std::sync::atomic::AtomicBool,
) where
    H: FnMut(String, Vec<Note>, std::result::Result<T, Stop>) -> Result<()>,
{
    loop {
        let mut reporting = match reporter.try_lock() {
            Ok(reporting) => reporting,
            Err(std::sync::TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            // Another thread reports; it rechecks after letting go.
            Err(std::sync::TryLockError::WouldBlock) => return,
        };
        loop {
            let next = {
                let mut order = lock(order);
                let due = order.due;
                order.waiting.remove(&due).map(|item| {
                    order.due += 1;
                    (due, item)
                })
            };
            let Some((index, (notes, outcome))) = next else {
                break;
            };
            if reporting.failed.is_none()
                && let Err(err) =
                    (reporting.handle)(notebooks[index].display().to_string(), notes, outcome)
            {
                reporting.failed = Some(err);
                stopped.store(true, std::sync::atomic::Ordering::Relaxed);
            }
        }
        drop(reporting);
        let order = lock(order);
        if !order.waiting.contains_key(&order.due) {
            return;
        }
    }
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
