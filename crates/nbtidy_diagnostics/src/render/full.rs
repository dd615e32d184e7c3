//! `full` (the default): a header line per finding, then a code frame of the cell, then the fix.
//!
//! ```text
//! analysis.ipynb:cell 2:1:8: F401 [*] `os` imported but unused
//!  --> analysis.ipynb:cell 2:1:8
//!   |
//! 1 | import os
//!   |        ^^
//!   |
//! help: Remove unused import: `os`
//!
//! ```
//!
//! The header is the `concise` line (`[*]` marks a safe fix). The frame comes from annotate-snippets;
//! its line numbers are rows of the cell, and its origin is `path:cell N`. A span over several
//! rows shows them all, up to [`MAX_ROWS`]; a note says how many more there are. Notebook-level
//! findings (no cell) have a header with the `.ipynb` line and column and no frame.
//!
//! Every piece of notebook text (paths, messages, fix titles, cell lines; secrets already masked by
//! [`super::render`]) goes through
//! [`nbtidy_safe_text::escape`] first, so the only escape sequences in the output are the renderer's own
//! colors, and only when [`RenderOptions::color`] is set.

use annotate_snippets::{AnnotationKind, Group, Level, Padding, Renderer, Snippet};

use super::concise::header;
use nbtidy_safe_text::escape;

use super::RenderOptions;
use crate::{Diagnostic, FileDiagnostics, Position, Severity};

/// The most rows of a cell one code frame shows.
const MAX_ROWS: usize = 10;

/// Rows longer than this (in bytes) are handed to the renderer as a window around the span: it
/// cuts rows to the terminal's width anyway, and giving it whole rows made a row holding
/// thousands of findings cost time quadratic in its length.
const LONG_ROW: usize = 4096;

/// Characters kept on each side of the span in such a window (more than any terminal shows).
const WINDOW_CONTEXT: usize = 512;

/// Every this many characters of a long row, its byte offset is recorded.
const CHECKPOINT: usize = 256;

pub(super) fn render(files: &[FileDiagnostics], options: &RenderOptions) -> String {
    let renderer = if options.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for file in files {
        let rows = CellRows::new(file);
        for diagnostic in &file.diagnostics {
            header(&mut out, file, diagnostic, options.color);
            let groups = frame(file, &rows, diagnostic)
                .into_iter()
                .chain(
                    diagnostic
                        .fix_title
                        .as_deref()
                        .map(|title| Group::with_title(Level::HELP.secondary_title(escape(title)))),
                )
                .collect::<Vec<_>>();
            if !groups.is_empty() {
                out.push_str(&renderer.render(&groups));
                out.push('\n');
            }
            out.push('\n');
        }
    }
    out
}

/// The code frame of a finding in a cell, or `None` for notebook-level findings and locations
/// that are not in the cell's text.
fn frame<'a>(
    file: &FileDiagnostics,
    rows: &CellRows<'_>,
    diagnostic: &'a Diagnostic,
) -> Option<Group<'a>> {
    let cell = diagnostic.location.cell?;
    let start = diagnostic.location.start;
    let mut end = diagnostic.location.end.max(start);
    // A span that ends at the start of a row (after a newline) ends at the end of the row before.
    if end.row > start.row && end.column <= 1 {
        let row = end.row - 1;
        let width = rows.line(cell, row)?.chars().count();
        end = Position::new(row, width + 1);
    }
    let last_row = end.row.min(start.row + MAX_ROWS - 1);

    // The shown rows, escaped, and the span's byte range in that text.
    let mut source = String::new();
    let mut span = 0..0;
    for row in start.row..=last_row {
        let full_line = rows.line(cell, row)?;
        // The columns of the span on this row, and the part of the row shown.
        let from = if row == start.row { start.column } else { 1 };
        let to = if row == end.row {
            end.column
        } else {
            usize::MAX
        };
        let (line, first) = if full_line.len() > LONG_ROW {
            let first = from.saturating_sub(WINDOW_CONTEXT).max(1);
            let last = to
                .saturating_add(WINDOW_CONTEXT)
                .min(from + 2 * WINDOW_CONTEXT);
            let begin = rows.char_to_byte(cell, row, first);
            let end_byte = rows.char_to_byte(cell, row, last);
            (&full_line[begin..end_byte.max(begin)], first)
        } else {
            (full_line, 1)
        };
        if row > start.row {
            source.push('\n');
        }
        if row == start.row {
            span.start = source.len() + byte_offset(line, start.column + 1 - first);
        }
        if row == end.row {
            span.end = source.len() + byte_offset(line, (end.column + 1).saturating_sub(first));
        } else if row == last_row {
            span.end = source.len() + byte_offset(line, usize::MAX);
        }
        source.push_str(&escape(line));
    }
    span.end = span.end.max(span.start);

    let level = match diagnostic.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let snippet = Snippet::source(source)
        .path(escape(&file.path).into_owned())
        .section(format!("cell {cell}"))
        .line_start(start.row)
        .fold(false)
        .annotation(AnnotationKind::Primary.span(span));
    let mut group = Group::with_level(level).element(snippet);
    if end.row > last_row {
        let more = end.row - last_row;
        let rows = if more == 1 { "row" } else { "rows" };
        group = group.element(Level::NOTE.message(format!(
            "the span goes on for {more} more {rows}, to row {}",
            end.row
        )));
    }
    // Close the frame with a `|` line whether or not a `help:` follows.
    Some(group.element(Padding))
}

/// The rows of each cell of a file, split on first use: a frame finds its rows by index, not by
/// walking the cell from its start (a cell with a finding on each of its many rows stays linear).
struct CellRows<'a> {
    file: &'a FileDiagnostics,
    cells: Vec<std::cell::OnceCell<Vec<&'a str>>>,
    /// For long rows: the byte offset of every [`CHECKPOINT`]-th character, by (cell, row).
    checkpoints: std::cell::RefCell<std::collections::HashMap<(usize, usize), Vec<usize>>>,
}

impl<'a> CellRows<'a> {
    fn new(file: &'a FileDiagnostics) -> Self {
        CellRows {
            file,
            cells: (0..file.cells.len())
                .map(|_| std::cell::OnceCell::new())
                .collect(),
            checkpoints: std::cell::RefCell::default(),
        }
    }

    /// The byte offset of 1-based character column `column` of a row (its end past the end),
    /// from checkpoints computed once per row: O(1) per call after one pass over the row.
    fn char_to_byte(&self, cell: usize, row: usize, column: usize) -> usize {
        let Some(line) = self.line(cell, row) else {
            return 0;
        };
        let mut checkpoints = self.checkpoints.borrow_mut();
        let marks = checkpoints.entry((cell, row)).or_insert_with(|| {
            line.char_indices()
                .step_by(CHECKPOINT)
                .map(|(at, _)| at)
                .collect()
        });
        let index = column.saturating_sub(1);
        let Some(&mark) = marks.get(index / CHECKPOINT) else {
            return line.len();
        };
        line[mark..]
            .char_indices()
            .nth(index % CHECKPOINT)
            .map_or(line.len(), |(at, _)| mark + at)
    }

    /// What [`FileDiagnostics::cell_line`] returns, by index.
    fn line(&self, cell: usize, row: usize) -> Option<&'a str> {
        let index = cell.checked_sub(1)?;
        let text: &'a str = self.file.cells.get(index)?;
        let rows = self.cells[index].get_or_init(|| {
            text.split('\n')
                .map(|line| line.strip_suffix('\r').unwrap_or(line))
                .collect()
        });
        rows.get(row.checked_sub(1)?).copied()
    }
}

/// The byte offset, in `escape(line)`, of 1-based character column `column` of `line`.
/// Columns past the end land at the end.
fn byte_offset(line: &str, column: usize) -> usize {
    line.chars()
        .take(column.saturating_sub(1))
        .map(|c| escape(c.encode_utf8(&mut [0; 4])).len())
        .sum()
}
