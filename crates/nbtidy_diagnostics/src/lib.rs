//! Diagnostics and fixes, and the renderers that print them.
//!
//! This crate answers "what was found, where, and how can it be fixed" as plain data, and turns a
//! list of findings into text in one of the output formats (one module per format under
//! [`render`](mod@render)). It does not find anything (that is `nbtidy_lint`) and it does not
//! print (the renderers return strings; the CLI writes them).
//!
//! A location is given twice: as `cell N:ROW:COL` inside the notebook (N counts all cells,
//! 1-based, as Jupyter shows them) and as the line and column of the `.ipynb` file where that text
//! sits, so that formats which can only carry a file position (github, gitlab, sarif, junit) land
//! on the right line.

use std::fmt;
use std::ops::Range;

use serde::Serialize;

pub mod render;

pub use render::{Document, OutputFormat, Piece, RenderOptions, render};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth fixing; fails `check` only with `nbtidy_fail_on = warning`.
    Warning,
    /// Fails `check` by default.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// Whether a fix can be applied without review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// May change behaviour or remove something the user wanted: applied with `--unsafe-fixes`.
    Unsafe,
    /// Keeps the code's behaviour: applied with `--fix`.
    Safe,
}

/// What an edit replaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum EditTarget {
    /// A byte range of one cell's code (its decoded `source`).
    Code {
        /// 0-based index of the cell among all cells.
        cell: usize,
        /// Byte range in the cell's code.
        range: Range<usize>,
    },
    /// A byte range of the `.ipynb` file (a JSON value, or a run of JSON text).
    Json {
        /// Byte range in the file.
        span: Range<usize>,
    },
}

/// Replace a range with new text (empty text deletes; an empty range inserts).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Edit {
    /// What is replaced.
    pub target: EditTarget,
    /// The new text (code for [`EditTarget::Code`], JSON for [`EditTarget::Json`]).
    pub content: String,
}

impl Edit {
    /// Replace `range` of cell `cell`'s code with `content`.
    pub fn code(cell: usize, range: Range<usize>, content: impl Into<String>) -> Self {
        Edit {
            target: EditTarget::Code { cell, range },
            content: content.into(),
        }
    }

    /// Replace `span` of the file with `content` (JSON).
    pub fn json(span: Range<usize>, content: impl Into<String>) -> Self {
        Edit {
            target: EditTarget::Json { span },
            content: content.into(),
        }
    }
}

/// A set of edits that fixes one finding, applied together or not at all.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Fix {
    /// Safe or unsafe.
    pub applicability: Applicability,
    /// The edits; they do not overlap.
    pub edits: Vec<Edit>,
}

impl Fix {
    /// A safe fix.
    pub fn safe(edits: Vec<Edit>) -> Self {
        Fix {
            applicability: Applicability::Safe,
            edits,
        }
    }

    /// An unsafe fix.
    pub fn unsafe_(edits: Vec<Edit>) -> Self {
        Fix {
            applicability: Applicability::Unsafe,
            edits,
        }
    }
}

/// A 1-based row and column (columns count characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct Position {
    /// 1-based line.
    pub row: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl Position {
    /// A position.
    pub const fn new(row: usize, column: usize) -> Self {
        Position { row, column }
    }
}

/// Where a finding is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct Location {
    /// 1-based cell number among all cells; `None` for the notebook as a whole.
    pub cell: Option<usize>,
    /// Start inside the cell's code (1:1 for notebook-level and JSON findings).
    pub start: Position,
    /// End inside the cell's code (exclusive column).
    pub end: Position,
    /// Start in the `.ipynb` file (where that text's JSON sits).
    pub file_start: Position,
    /// End in the `.ipynb` file.
    pub file_end: Position,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The rule's code, e.g. `F401` or `NB003`.
    pub code: &'static str,
    /// The rule's kebab-case name, e.g. `unused-import`.
    pub name: &'static str,
    /// Severity after configuration.
    pub severity: Severity,
    /// What is wrong, for users.
    pub message: String,
    /// What the fix does, when there is one.
    pub fix_title: Option<String>,
    /// Where.
    pub location: Location,
    /// The fix, if the rule offers one here.
    pub fix: Option<Fix>,
}

/// The findings of one notebook, with what the renderers need to show code frames.
#[derive(Debug, Clone, Default)]
pub struct FileDiagnostics {
    /// The path as the user should read it.
    pub path: String,
    /// Each cell's text (index = cell number - 1), for code frames; may be empty for cells
    /// without findings.
    pub cells: Vec<String>,
    /// The findings, sorted by location.
    pub diagnostics: Vec<Diagnostic>,
}

impl FileDiagnostics {
    /// The text of row `row` (1-based) of cell `cell` (1-based), without its line ending.
    pub fn cell_line(&self, cell: usize, row: usize) -> Option<&str> {
        let text = self.cells.get(cell.checked_sub(1)?)?;
        text.split('\n')
            .nth(row.checked_sub(1)?)
            .map(|line| line.strip_suffix('\r').unwrap_or(line))
    }
}
