//! Format the Python code of one notebook cell with ruff's formatter.
//!
//! This crate answers "what is this cell's code once formatted with these settings". It knows
//! nothing about JSON or files: the caller hands it one cell's code and gets the new code back.
//!
//! What it adds on top of `ruff_python_formatter` in notebook mode:
//! 1. A semicolon that ends the cell (`plt.plot(x);`, `import math;`, `x = 1;  # hide`) is kept,
//!    whatever the statement: in Jupyter it suppresses the cell's output. ruff keeps it only after
//!    expressions and assignments.
//! 2. The final newline the formatter adds is stripped, as Jupyter stores cells without one.
//! 3. The result is parsed again before it is returned: code that does not parse is never
//!    returned (an error is).

use nbtidy_config::{FormatSettings, IndentStyle, LineLength, MagicTrailingComma, QuoteStyle};
pub use nbtidy_python::row_column;
use nbtidy_python::{LeadingIndent, ParseError, parse_cell};
use ruff_formatter::printer::LineEnding;
use ruff_formatter::{IndentWidth, LineWidth};
use ruff_python_ast::visitor::{Visitor, walk_expr, walk_stmt};
use ruff_python_ast::{Expr, IpyEscapeKind, Mod, PySourceType, PythonVersion, Stmt};
use ruff_python_formatter::{PyFormatOptions, format_module_ast};
use ruff_python_parser::Parsed;
use ruff_python_trivia::{SimpleTokenKind, SimpleTokenizer, TriviaRanges};
use ruff_text_size::Ranged;

/// Why a cell could not be formatted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    /// The cell's code does not parse; the cell is left as it is.
    #[error("{row}:{column}: {message}")]
    Syntax {
        /// 1-based line in the cell.
        row: usize,
        /// 1-based column (in characters) in the line.
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// The cell's code is nested too deeply to be parsed safely (see [`nbtidy_python::MAX_NESTING`]);
    /// the cell is left as it is.
    #[error("{row}:{column}: {message}")]
    TooDeep {
        /// 1-based line in the cell.
        row: usize,
        /// 1-based column (in characters) in the line.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The formatter failed, or produced code that does not parse (a formatter bug; the cell is
    /// left as it is).
    #[error("internal formatter error: {0}")]
    Internal(String),
}

impl FormatError {
    /// The message, without the position.
    pub fn message(&self) -> &str {
        match self {
            FormatError::Syntax { message, .. }
            | FormatError::TooDeep { message, .. }
            | FormatError::Internal(message) => message,
        }
    }
}

/// The largest line width the formatter supports; `max_line_length = off` maps to it.
pub const MAX_LINE_WIDTH: u16 = 320;

/// Formatter options for notebook cells, built from resolved settings.
#[derive(Debug, Clone)]
pub struct CellFormatter {
    options: PyFormatOptions,
}

impl CellFormatter {
    /// Options from settings (out-of-range values are clamped to what the formatter supports).
    pub fn new(settings: &FormatSettings) -> Self {
        let indent_width =
            IndentWidth::try_from(settings.indent_width.value.clamp(1, 16)).unwrap_or_default();
        let line_width = match settings.line_length.value {
            LineLength::Columns(columns) => columns.clamp(1, MAX_LINE_WIDTH),
            LineLength::Off => MAX_LINE_WIDTH,
        };
        let mut options = PyFormatOptions::from_source_type(PySourceType::Ipynb)
            .with_indent_style(match settings.indent_style.value {
                IndentStyle::Space => ruff_formatter::IndentStyle::Space,
                IndentStyle::Tab => ruff_formatter::IndentStyle::Tab,
            })
            .with_indent_width(indent_width)
            .with_line_width(LineWidth::try_from(line_width).unwrap_or_default())
            .with_quote_style(match settings.quote_style.value {
                QuoteStyle::Single => ruff_python_formatter::QuoteStyle::Single,
                QuoteStyle::Double => ruff_python_formatter::QuoteStyle::Double,
                QuoteStyle::Auto => ruff_python_formatter::QuoteStyle::Preserve,
            })
            .with_magic_trailing_comma(match settings.magic_trailing_comma.value {
                MagicTrailingComma::Respect => ruff_python_formatter::MagicTrailingComma::Respect,
                MagicTrailingComma::Ignore => ruff_python_formatter::MagicTrailingComma::Ignore,
            })
            .with_docstring_code(if settings.docstring_code.value {
                ruff_python_formatter::DocstringCode::Enabled
            } else {
                ruff_python_formatter::DocstringCode::Disabled
            });
        if let Some(version) = settings.target_version.value {
            options = options.with_target_version(PythonVersion {
                major: version.major,
                minor: version.minor,
            });
        }
        CellFormatter { options }
    }

    /// Formats one cell's code. Returns `Ok(None)` when the code is already formatted.
    ///
    /// # Errors
    /// [`FormatError::Syntax`] when the code does not parse, [`FormatError::Internal`] when the
    /// formatter fails or its output would not parse.
    pub fn format(&self, code: &str) -> Result<Option<String>, FormatError> {
        // IPython runs an indented cell without its common indentation: format that code, and
        // write it back indented (see `nbtidy_python::LeadingIndent`).
        let Some(indent) = LeadingIndent::detect(code) else {
            return self.format_dedented(code);
        };
        let original_position =
            |row: usize, column: usize| (row, indent.original_column(row, column));
        match self.format_dedented(indent.dedented()) {
            Ok(None) => Ok(None),
            Ok(Some(formatted)) => {
                let output = indent.reindent(&formatted);
                let round_trips = match LeadingIndent::detect(&output) {
                    Some(again) => again.dedented() == formatted,
                    // Only blank lines (` \` continuing nothing): nothing to indent.
                    None => output == formatted && formatted.trim().is_empty(),
                };
                if !round_trips {
                    return Err(FormatError::Internal(
                        "the formatted code could not be indented like the cell".to_owned(),
                    ));
                }
                Ok((output != code).then_some(output))
            }
            Err(FormatError::Syntax {
                row,
                column,
                message,
            }) => {
                let (row, column) = original_position(row, column);
                Err(FormatError::Syntax {
                    row,
                    column,
                    message,
                })
            }
            Err(FormatError::TooDeep {
                row,
                column,
                message,
            }) => {
                let (row, column) = original_position(row, column);
                Err(FormatError::TooDeep {
                    row,
                    column,
                    message,
                })
            }
            Err(err) => Err(err),
        }
    }

    /// The cell's code with only the statements that overlap `range` (byte offsets in `code`)
    /// formatted, as ruff's range formatting does (an editor's "format selection"); `None` when
    /// nothing changes. The result is checked: formatting it whole must give what formatting
    /// `code` whole gives, else (and for an indented cell, or a range ruff cannot format alone)
    /// the whole cell is formatted, as [`CellFormatter::format`].
    ///
    /// # Errors
    /// As [`CellFormatter::format`].
    pub fn format_range(
        &self,
        code: &str,
        range: std::ops::Range<usize>,
    ) -> Result<Option<String>, FormatError> {
        let whole = self.format(code)?;
        let Some(full) = whole.as_deref() else {
            return Ok(None);
        };
        if LeadingIndent::detect(code).is_some() {
            return Ok(whole);
        }
        let (start, end) = (range.start.min(code.len()), range.end.min(code.len()));
        if start > end || !code.is_char_boundary(start) || !code.is_char_boundary(end) {
            return Ok(whole);
        }
        // As `format_dedented` reads the cell: with a final line ending.
        let ending = cell_line_ending(code);
        let input = format!("{code}{}", ending.as_str());
        let options = self.options.clone().with_line_ending(ending);
        let to_size = |n: usize| ruff_text_size::TextSize::try_from(n).ok();
        let (Some(from), Some(to)) = (to_size(start), to_size(end)) else {
            return Ok(whole);
        };
        let printed = std::panic::catch_unwind(|| {
            ruff_python_formatter::format_range(
                &input,
                ruff_text_size::TextRange::new(from, to),
                options,
            )
        });
        let Ok(Ok(printed)) = printed else {
            return Ok(whole);
        };
        let source = printed.source_range();
        let (mut replace_start, mut replace_end) =
            (source.start().to_usize(), source.end().to_usize());
        let mut text = printed.as_code().to_owned();
        if replace_end > code.len() {
            // The range reached the added line ending: it is not the cell's.
            replace_end = code.len();
            if let Some(stripped) = text.strip_suffix(ending.as_str()) {
                text.truncate(stripped.len());
            }
        }
        replace_start = replace_start.min(replace_end);
        let mut new = String::with_capacity(code.len() + text.len());
        new.push_str(&code[..replace_start]);
        new.push_str(&text);
        new.push_str(&code[replace_end..]);
        if new == code {
            return Ok(None);
        }
        // The same program as formatting it whole would give: else the whole cell.
        match self.format(&new) {
            Ok(again) if again.as_deref().unwrap_or(&new) == full => Ok(Some(new)),
            _ => Ok(whole),
        }
    }

    /// [`CellFormatter::format`] for code without a common leading indentation.
    fn format_dedented(&self, code: &str) -> Result<Option<String>, FormatError> {
        // As ruff does for notebooks, each cell is formatted as if it ended with a newline.
        // Each cell keeps its own line ending.
        let ending = cell_line_ending(code);
        // IPython adds a final newline only to a cell that has none: a line continuation that
        // ends the code continues nothing then (`unexpected EOF`), which the newline added here
        // would hide (`x = 1 \` + newline is valid, with one more newline).
        if code.ends_with(['\n', '\r'])
            && code
                .trim_end_matches([' ', '\t', '\n', '\r', '\x0c'])
                .ends_with('\\')
        {
            parse_cell(code).map_err(|err| format_error(err, code))?;
        }
        let mut input = String::with_capacity(code.len() + 2);
        input.push_str(code);
        input.push_str(ending.as_str());

        let parsed = parse_cell(&input).map_err(|err| format_error(err, code))?;
        let keep_semicolon = ends_with_semicolon(&parsed, &input);

        let options = self.options.clone().with_line_ending(ending);
        // A panic of the formatter (a debug assertion of ruff's, say) is an internal error for
        // this cell, not for the notebook.
        let printed = std::panic::catch_unwind(|| {
            let trivia = TriviaRanges::from(parsed.tokens());
            let formatted = format_module_ast(&parsed, &trivia, &input, options)
                .map_err(|err| FormatError::Internal(err.to_string()))?;
            formatted
                .print()
                .map_err(|err| FormatError::Internal(err.to_string()))
        })
        .map_err(|payload| {
            FormatError::Internal(format!(
                "the formatter panicked: {}",
                panic_message(&*payload)
            ))
        })??;
        let mut output = printed.into_code();
        if output.ends_with(ending.as_str()) {
            output.truncate(output.len() - ending.as_str().len());
        }
        if output == code {
            return Ok(None);
        }

        let reparsed = parse_cell(&output).map_err(|err| match err {
            // Wrapping can add parentheses: a cell just under the limit may come out over it.
            ParseError::TooDeep(deep) => FormatError::TooDeep {
                row: 1,
                column: 1,
                message: format!("formatted, the code would be {deep}"),
            },
            ParseError::Syntax { message, .. } => {
                FormatError::Internal(format!("the formatted code does not parse ({message})"))
            }
        })?;
        let escapes = escape_commands(&parsed);
        if !escapes.is_empty() {
            // Read the result as the input was read: with the final newline.
            let mut as_read = output.clone();
            as_read.push_str(ending.as_str());
            if parse_cell(&as_read).map(|p| escape_commands(&p)).ok() != Some(escapes) {
                return Err(FormatError::Internal(
                    "the formatted code would change an IPython escape command".to_owned(),
                ));
            }
        }
        if keep_semicolon && !ends_with_semicolon(&reparsed, &output) {
            let Some(last) = last_statement(&reparsed) else {
                return Err(FormatError::Internal("lost the last statement".to_owned()));
            };
            output.insert(last.end().to_usize(), ';');
            parse_cell(&output).map_err(|err| {
                FormatError::Internal(format!(
                    "restoring the trailing semicolon broke the code ({})",
                    err.message()
                ))
            })?;
        }
        if output == code {
            Ok(None)
        } else {
            Ok(Some(output))
        }
    }
}

/// Checks that `code` parses as a notebook cell (IPython syntax allowed; an indented cell as
/// IPython runs it, without its common indentation).
///
/// # Errors
/// [`FormatError::Syntax`] with the first parse error.
pub fn check_parses(code: &str) -> Result<(), FormatError> {
    let Some(indent) = LeadingIndent::detect(code) else {
        return parse_cell(code)
            .map(|_| ())
            .map_err(|err| format_error(err, code));
    };
    // As IPython runs it: without the common indentation (positions in `code`).
    parse_cell(indent.dedented()).map(|_| ()).map_err(|err| {
        let offset = indent.to_original(err.offset());
        format_error_at(err, code, offset)
    })
}

/// The line ending the formatted cell gets: `\r\n` when the cell has one, else `\r` when it has
/// a lone one (old Mac files), else `\n`.
fn cell_line_ending(code: &str) -> LineEnding {
    if code.contains("\r\n") {
        LineEnding::CarriageReturnLineFeed
    } else if code.contains('\r') {
        LineEnding::CarriageReturn
    } else {
        LineEnding::LineFeed
    }
}

/// A parse error as a [`FormatError`] with its row and column in `code`.
fn format_error(err: ParseError, code: &str) -> FormatError {
    let offset = err.offset();
    format_error_at(err, code, offset)
}

/// A parse error as a [`FormatError`] placed at byte `offset` of `code`.
fn format_error_at(err: ParseError, code: &str, offset: usize) -> FormatError {
    let (row, column) = row_column(code, offset);
    match err {
        ParseError::TooDeep(deep) => FormatError::TooDeep {
            row,
            column,
            message: deep.to_string(),
        },
        ParseError::Syntax { message, .. } => FormatError::Syntax {
            row,
            column,
            message,
        },
    }
}

/// The message of a panic payload.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned())
}

/// The IPython escape commands (`%magic`, `!shell`, `x?`, ...) of a cell, in order, line endings
/// unified.
///
/// The formatter copies them verbatim, so formatting must not change them. ruff_python_formatter
/// 0.0.10 can: an escape continued with `\` and followed by a blank line (`!cmd \`, ``, `f()`)
/// loses the blank line, and `f()` becomes part of the shell command. Comparing them turns that
/// into an internal error for the cell instead of code that does something else.
fn escape_commands(parsed: &Parsed<Mod>) -> Vec<(IpyEscapeKind, String)> {
    struct Collect(Vec<(IpyEscapeKind, String)>);
    fn unify(value: &str) -> String {
        value.replace("\r\n", "\n").replace('\r', "\n")
    }
    impl<'a> Visitor<'a> for Collect {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if let Stmt::IpyEscapeCommand(command) = stmt {
                self.0.push((command.kind, unify(&command.value)));
            }
            walk_stmt(self, stmt);
        }
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::IpyEscapeCommand(command) = expr {
                self.0.push((command.kind, unify(&command.value)));
            }
            walk_expr(self, expr);
        }
    }
    let mut collect = Collect(Vec::new());
    if let Mod::Module(module) = parsed.syntax() {
        collect.visit_body(&module.body);
    }
    collect.0
}

fn last_statement(parsed: &Parsed<Mod>) -> Option<&Stmt> {
    match parsed.syntax() {
        Mod::Module(module) => module.body.last(),
        Mod::Expression(_) => None,
    }
}

/// `true` when the last top-level statement is followed by `;` (then only comments and
/// whitespace): the semicolon that silences a cell's output.
fn ends_with_semicolon(parsed: &Parsed<Mod>, source: &str) -> bool {
    let Some(last) = last_statement(parsed) else {
        return false;
    };
    let mut tokens = SimpleTokenizer::starts_at(last.end(), source)
        .take_while(|token| !token.kind().is_comment())
        .filter(|token| !token.kind().is_trivia());
    matches!(tokens.next(), Some(token) if token.kind() == SimpleTokenKind::Semi)
}

#[cfg(test)]
mod tests;
