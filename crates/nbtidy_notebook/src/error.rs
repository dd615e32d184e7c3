//! Errors for notebooks that cannot be read.

/// Why a file cannot be read as a notebook. Messages are written for users; the caller adds the
/// path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotebookError {
    /// The bytes are not UTF-8 (Jupyter writes UTF-8 only).
    #[error("not UTF-8: invalid byte at line {line} column {column}")]
    NotUtf8 {
        /// 1-based line.
        line: usize,
        /// 1-based column (bytes).
        column: usize,
    },
    /// The file is empty.
    #[error("the file is empty, not a notebook")]
    Empty,
    /// The bytes are UTF-16 or UTF-32 (they start with that encoding's byte order mark).
    #[error(
        "the file is {0}, not UTF-8 (Jupyter reads and writes UTF-8 notebooks); convert it, e.g. `iconv -f {0} -t UTF-8`"
    )]
    WideEncoding(&'static str),
    /// The text is not JSON (or the top level is not an object), as the checked scan of
    /// [`crate::scan`] found.
    #[error("invalid JSON at line {line} column {column}: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong ([`crate::scan::ScanError::message`], or the type of a top level that
        /// is not an object).
        message: String,
    },
    /// An nbformat other than 4 (or 5).
    #[error(
        "nbformat {0} is not supported: nbtidy reads nbformat 4 (upgrade the file with `jupyter nbconvert --to notebook`)"
    )]
    UnsupportedVersion(String),
    /// No `cells` key.
    #[error("not a notebook: there is no `cells` list")]
    NoCells,
    /// `cells` is not a list.
    #[error("not a notebook: `cells` is not a list")]
    CellsNotList,
}

impl NotebookError {
    /// 1-based `(line, column)` of the problem in the file, when there is one.
    pub fn position(&self) -> Option<(usize, usize)> {
        match self {
            NotebookError::NotUtf8 { line, column } | NotebookError::Json { line, column, .. } => {
                Some((*line, *column))
            }
            _ => None,
        }
    }
}
