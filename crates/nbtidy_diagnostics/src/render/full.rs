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
        let line = rows.line(cell, row)?;
        if row > start.row {
            source.push('\n');
        }
        if row == start.row {
            span.start = source.len() + byte_offset(line, start.column);
        }
        if row == end.row {
            span.end = source.len() + byte_offset(line, end.column);
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
}

impl<'a> CellRows<'a> {
    fn new(file: &'a FileDiagnostics) -> Self {
        CellRows {
            file,
            cells: (0..file.cells.len())
                .map(|_| std::cell::OnceCell::new())
                .collect(),
        }
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
