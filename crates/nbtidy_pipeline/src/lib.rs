//! The per-notebook pipeline that every front end runs: the CLI's `format` and `check`, and
//! `nbtidy server`.
//!
//! This crate answers "what does formatting this notebook (or this one cell) give with these
//! settings" and "which rules run with these settings". It does not read files, walk directories,
//! write, or print: the callers hand it bytes and settings and decide what to do with the result.
//! Linting and fixing are `nbtidy_lint::check_notebook` and `nbtidy_lint::fix::fix_notebook`,
//! which every front end calls directly.
//!
//! 1. [`format_notebook`]: skeleton parse → structure check → decode, classify and format every
//!    Python code cell → splice the new sources into the original bytes (re-encoded in the
//!    file's style; `Notebook::with_sources` verifies every new value decodes back).
//! 2. [`format_code`]: one cell's code given as text (`--stdin-filename x.py`, a `.py` document
//!    of the server): classified with the settings' cell magics, then formatted.
//! 3. [`SelectionCache`]: the rule selection for a set of settings, resolved once per distinct
//!    configuration.
//! 4. [`test_point`]: the panic-isolation test hook, called on every code cell's text.

use std::borrow::Cow;
use std::sync::{Arc, Mutex, PoisonError};

use nbtidy_config::Resolved;
use nbtidy_format::{CellFormatter, FormatError};
use nbtidy_lint::{Selection, SelectionArgs, SettingProblem};
use nbtidy_notebook::{CellType, CodeKind, Notebook, NotebookError, SourceError};
use rayon::prelude::*;

/// The result of formatting one notebook's bytes.
#[derive(Debug, Default)]
pub struct Formatted {
    /// The new bytes, when anything changed.
    pub new: Option<Vec<u8>>,
    /// `(cell number, old code, new code)` of each changed cell.
    pub changes: Vec<(usize, String, String)>,
    /// Cells left unformatted: `(cell number, row, column, message)`, by cell number.
    pub skipped: Vec<(usize, usize, usize, String)>,
    /// The notebook's language, when it is not Python (nothing was formatted).
    pub not_python: Option<String>,
}

/// Why a notebook could not be formatted at all.
#[derive(Debug, thiserror::Error)]
pub enum FormatNotebookError {
    /// The bytes are not a notebook nbtidy can read (invalid JSON, nbformat 3, ...).
    #[error(transparent)]
    Unreadable(#[from] NotebookError),
    /// A cell Jupyter itself would reject (no `cell_type`, no `source`, a `source` that is not
    /// text): the file is damaged and is not modified.
    #[error("{0}")]
    Damaged(String),
    /// A new source does not round-trip (a bug; nothing is written).
    #[error(transparent)]
    Source(#[from] SourceError),
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
    Python(Cow<'a, str>, Result<Option<String>, FormatError>),
}

/// Builds rayon's global thread pool the first time it is asked for, with the stack every thread
/// that parses needs ([`nbtidy_python::STACK_SIZE`]); `false` when it cannot be built (no threads
/// under a tight `ulimit`): the caller then works on its own thread. Not at start-up: a run on one
/// small notebook or one cell (an editor's save action) never starts the threads.
pub fn thread_pool() -> bool {
    static BUILT: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *BUILT.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .stack_size(nbtidy_python::STACK_SIZE)
            .build_global()
            .is_ok()
    })
}

/// Formats every Python code cell of a notebook.
///
/// # Errors
/// When the bytes are not a notebook, or the notebook is damaged (see [`FormatNotebookError`]).
pub fn format_notebook(
    bytes: &[u8],
    resolved: &Resolved,
) -> Result<Formatted, FormatNotebookError> {
    let notebook = Notebook::parse(bytes)?;
    let mut result = Formatted::default();
    if let nbtidy_notebook::NotebookLanguage::Other(language) = notebook.language() {
        result.not_python = Some(language.clone());
        return Ok(result);
    }
    check_structure(&notebook)?;
    let formatter = CellFormatter::new(&resolved.settings.format);
    // Cells are independent: decode, classify and format the code cells in parallel (an editor
    // waits on one big notebook). Markdown and raw cells are never decoded.
    let code_cells: Vec<usize> = (0..notebook.cells().len())
        .filter(|&index| notebook.cells()[index].cell_type == CellType::Code)
        .collect();
    let decode = |&index: &usize| -> Decoded<'_> {
        let source = match notebook.source(index) {
            Ok(source) => source,
            Err(err @ SourceError::LoneSurrogate(_)) => {
                return Decoded::Unreadable(err.to_string());
            }
            Err(_) => return Decoded::Damaged,
        };
        let magics = resolved.settings.python_cell_magics.value.names();
        if notebook.classify_with(index, &source.text, magics) != Some(CodeKind::Python) {
            return Decoded::NotPython;
        }
        test_point(&source.text);
        let outcome = formatter.format(&source.text);
        Decoded::Python(source.text, outcome)
    };
    // In parallel only for notebooks with many code cells (an editor waiting on one big
    // notebook): the CLI already formats notebooks in parallel, and a worker waiting on the pool
    // for a small notebook's cells costs more in thread switches than it saves.
    let decoded: Vec<Decoded<'_>> = if code_cells.len() >= PARALLEL_CELLS && thread_pool() {
        code_cells.par_iter().map(decode).collect()
    } else {
        code_cells.iter().map(decode).collect()
    };
    let mut python_cells = Vec::new();
    let mut outcomes = Vec::new();
    for (&index, cell) in code_cells.iter().zip(decoded) {
        match cell {
            // A list holding something other than strings.
            Decoded::Damaged => {
                return Err(FormatNotebookError::Damaged(damaged_source(index + 1)));
            }
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
            Err(err) => {
                let (row, column) = error_position(&err);
                result
                    .skipped
                    .push((number, row, column, skip_message(&err)));
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

/// Where in the cell a formatting error is (1:1 for an internal error).
pub fn error_position(err: &FormatError) -> (usize, usize) {
    match err {
        FormatError::Syntax { row, column, .. } | FormatError::TooDeep { row, column, .. } => {
            (*row, *column)
        }
        FormatError::Internal(_) => (1, 1),
    }
}

/// Why a cell is left unformatted, as `format` reports it.
pub fn skip_message(err: &FormatError) -> String {
    match err {
        FormatError::Syntax { message, .. } => {
            format!("syntax error, cell left unchanged: {message}")
        }
        FormatError::TooDeep { .. } => format!("{}; cell left unchanged", err.message()),
        FormatError::Internal(_) => format!("{err}, cell left unchanged"),
    }
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
fn check_structure(notebook: &Notebook<'_>) -> Result<(), FormatNotebookError> {
    for (index, cell) in notebook.cells().iter().enumerate() {
        let number = index + 1;
        if cell.cell_type == CellType::Missing {
            return Err(FormatNotebookError::Damaged(format!(
                "cell {number} has no `cell_type` (or is not a JSON object): the notebook is damaged, not modified"
            )));
        }
        let Some(span) = &cell.source else {
            return Err(FormatNotebookError::Damaged(format!(
                "cell {number} has no `source`: the notebook is damaged, not modified"
            )));
        };
        // A list's elements are checked when the code cells are decoded (once).
        if !matches!(notebook.slice(span).as_bytes().first(), Some(b'"' | b'[')) {
            return Err(FormatNotebookError::Damaged(damaged_source(number)));
        }
    }
    Ok(())
}

/// Formats one cell's code given as text: `Ok(None)` when it is unchanged or not Python (a cell
/// magic other than the Python ones), `Ok(Some(new))` when formatting changes it.
///
/// # Errors
/// When the code does not parse, is too deep, or the formatter fails.
pub fn format_code(code: &str, resolved: &Resolved) -> Result<Option<String>, FormatError> {
    let magics = resolved.settings.python_cell_magics.value.names();
    if !nbtidy_notebook::classify_code_with(code, None, magics).is_python() {
        return Ok(None);
    }
    test_point(code);
    CellFormatter::new(&resolved.settings.format).format(code)
}

/// [`format_code`] restricted to the statements that overlap `range` (byte offsets in `code`):
/// an editor's "format selection" (see `nbtidy_format::CellFormatter::format_range`).
///
/// # Errors
/// As [`format_code`].
pub fn format_code_range(
    code: &str,
    range: std::ops::Range<usize>,
    resolved: &Resolved,
) -> Result<Option<String>, FormatError> {
    let magics = resolved.settings.python_cell_magics.value.names();
    if !nbtidy_notebook::classify_code_with(code, None, magics).is_python() {
        return Ok(None);
    }
    test_point(code);
    CellFormatter::new(&resolved.settings.format).format_range(code, range)
}

/// `true` when an `.editorconfig` value that applies is invalid: the CLI and the server then
/// leave the notebook alone (bad input modifies nothing).
pub fn has_invalid_value(resolved: &Resolved) -> bool {
    resolved.warnings.iter().any(SettingProblem::is_error)
}

/// A rule selection with the problems met resolving it (an invalid `nbtidy_rule.*` value is an
/// error for the notebooks it applies to, an unknown rule name a warning).
pub type SelectionEntry = Arc<(Selection, Vec<SettingProblem>)>;

/// Rule selections already resolved, by [`Selection::cache_key`]: most runs have one or a few
/// distinct configurations for many notebooks.
#[derive(Debug, Default)]
pub struct SelectionCache {
    resolved: Mutex<Vec<CacheItem>>,
}

/// A cache key (the settings the selection depends on) and its selection.
type CacheItem = (Vec<(String, String, String)>, SelectionEntry);

impl SelectionCache {
    /// The selection for these settings and arguments (the same `args` on every call).
    pub fn get(&self, config: &Resolved, args: &SelectionArgs) -> SelectionEntry {
        let key = Selection::cache_key(config);
        if let Some((_, found)) = self.lock().iter().find(|(k, _)| *k == key) {
            return Arc::clone(found);
        }
        let resolved = Arc::new(Selection::resolve(config, args));
        self.lock().push((key, Arc::clone(&resolved)));
        resolved
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<CacheItem>> {
        self.resolved.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// For the panic-isolation tests: panics when `NBTIDY_TEST_PANIC` is set and `text` contains its
/// value. Called on every code cell's text by `format`, `check` and the server.
pub fn test_point(text: &str) {
    if let Some(marker) = test_marker()
        && text.contains(marker)
    {
        panic!("NBTIDY_TEST_PANIC marker found in a cell");
    }
}

/// The `NBTIDY_TEST_PANIC` marker, read once.
pub fn test_marker() -> Option<&'static str> {
    static MARKER: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    MARKER
        .get_or_init(|| {
            std::env::var("NBTIDY_TEST_PANIC")
                .ok()
                .filter(|m| !m.is_empty())
        })
        .as_deref()
}
