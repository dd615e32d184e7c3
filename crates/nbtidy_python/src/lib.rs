//! The Python layer: one cell's code parsed with IPython syntax, never deeper than a stack can
//! hold, and positions in it.
//!
//! Both the formatter and the linter parse cells through this crate, so the guarantees below hold
//! for every front end (CLI, server, git drivers):
//!
//! 1. **Bounded nesting.** ruff's parser, its formatter and nbtidy's own visitors recurse once per
//!    level of nesting. A cell nested deeper than [`MAX_NESTING`] (an estimate computed by
//!    [`nesting`] from the tokens, in one linear pass, before anything recursive runs) is not
//!    parsed: [`parse_cell`] returns [`ParseError::TooDeep`] and the caller leaves the cell as it
//!    is. CPython refuses such code too (`too many nested parentheses` past 200 brackets,
//!    `RecursionError` during compilation for chains of a few thousand operators).
//! 2. **Enough stack for what is accepted.** Threads that parse, format or lint must have at
//!    least [`STACK_SIZE`] bytes of stack (the CLI's main thread and rayon's workers are created
//!    with it): the hostile-input tests run every kind of nesting at the limit in debug builds.
//! 3. **No parser panic escapes.** ruff's parser panics on some invalid IPython code (after
//!    mismatched brackets, `x = [1)` then `, y`); such code is parsed again as plain Python, which
//!    reports the syntax error instead.
//! 4. **Indented cells run.** IPython removes the indentation of a cell's first non-blank line
//!    from every line that starts with it before running it ([`LeadingIndent`]). The parse
//!    functions take code as it is; the formatter and the linter detect the indentation, parse
//!    the dedented code, map positions back and re-indent what they write.

pub mod hostile;
mod indent;
mod nesting;

pub use indent::LeadingIndent;
pub use nesting::{MAX_NESTING, TooDeep, nesting};

use ruff_python_ast::{Mod, PySourceType};
use ruff_python_parser::{ParseOptions, Parsed};

/// The stack size, in bytes, that threads parsing, formatting or linting cells need for code
/// nested up to [`MAX_NESTING`] (debug builds included). It is reserved address space: only the
/// pages a deep cell actually uses are ever touched.
pub const STACK_SIZE: usize = 512 << 20;

/// Why a cell was not parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// The code is nested too deeply to be parsed safely.
    TooDeep(TooDeep),
    /// The code does not parse (the first error).
    Syntax {
        /// Byte offset of the error in the code.
        offset: usize,
        /// The parser's message.
        message: String,
    },
}

impl ParseError {
    /// Byte offset of the problem in the code.
    pub fn offset(&self) -> usize {
        match self {
            ParseError::TooDeep(deep) => deep.offset,
            ParseError::Syntax { offset, .. } => *offset,
        }
    }

    /// The message, without position.
    pub fn message(&self) -> String {
        match self {
            ParseError::TooDeep(deep) => deep.to_string(),
            ParseError::Syntax { message, .. } => message.clone(),
        }
    }
}

/// Parses a cell's code with IPython syntax (`%magic`, `!cmd`, `x?`), keeping syntax errors in
/// the result.
///
/// # Errors
/// [`TooDeep`] when the code is nested deeper than [`MAX_NESTING`].
pub fn parse_cell_unchecked(code: &str) -> Result<Parsed<Mod>, TooDeep> {
    nesting::check(code)?;
    Ok(std::panic::catch_unwind(|| {
        ruff_python_parser::parse_unchecked(code, ParseOptions::from(PySourceType::Ipynb))
    })
    .unwrap_or_else(|_| {
        ruff_python_parser::parse_unchecked(code, ParseOptions::from(PySourceType::Python))
    }))
}

/// Parses a cell's code with IPython syntax.
///
/// # Errors
/// [`ParseError::TooDeep`] when the code is nested deeper than [`MAX_NESTING`],
/// [`ParseError::Syntax`] with the first syntax error.
pub fn parse_cell(code: &str) -> Result<Parsed<Mod>, ParseError> {
    let parsed = parse_cell_unchecked(code).map_err(ParseError::TooDeep)?;
    match parsed.errors().first() {
        None => Ok(parsed),
        Some(error) => Err(ParseError::Syntax {
            offset: error.location.start().to_usize(),
            message: error.error.to_string(),
        }),
    }
}

/// 1-based row and column (in characters) of a byte offset; `\r\n`, `\n` and `\r` end lines.
pub fn row_column(code: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(code.len());
    while !code.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &code[..offset];
    let mut row = 1;
    let mut line_start = 0;
    let bytes = before.as_bytes();
    for at in memchr_lines(bytes) {
        if bytes[at] == b'\n' || bytes.get(at + 1) != Some(&b'\n') {
            row += 1;
            line_start = at + 1;
        }
    }
    (row, before[line_start..].chars().count() + 1)
}

/// Positions of `\n` and `\r` bytes.
fn memchr_lines(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n' || **b == b'\r')
        .map(|(at, _)| at)
}

#[cfg(test)]
mod tests;
