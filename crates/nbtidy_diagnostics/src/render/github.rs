//! `github`: GitHub Actions workflow commands, one line per finding, so that each finding shows as
//! an annotation on the pull request:
//!
//! ```text
//! ::error title=nbtidy (F401),file=a.ipynb,line=12,col=12,endLine=12,endColumn=14::a.ipynb:cell 2:1:8: F401 `os` imported but unused
//! ```
//!
//! `line`/`col`/`endLine`/`endColumn` are the position in the `.ipynb` file where the finding's
//! text sits (its JSON string), so the annotation lands on the right line of the notebook file;
//! the message keeps the `cell N:ROW:COL` location users read. Warnings use `::warning`.
//!
//! Escaping follows GitHub's rules: in the message `%`, `\r`, `\n` become `%25`, `%0D`, `%0A`; in
//! property values `:` and `,` also become `%3A`, `%2C`. Every other character that
//! [`nbtidy_safe_text::is_unsafe`] names (controls, bidirectional controls, line separators) is
//! written as `\u{..}`, as [`nbtidy_safe_text::escape`] writes it for the text formats, so nothing
//! from a notebook can drive the log viewer or forge a line.

use std::fmt::Write as _;

use crate::{FileDiagnostics, Severity};

pub(super) fn render(files: &[FileDiagnostics]) -> String {
    let mut out = String::new();
    for file in files {
        let path_property = escape(&file.path, true);
        for diagnostic in &file.diagnostics {
            let location = &diagnostic.location;
            let command = match diagnostic.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let start = location.file_start;
            let end = location.file_end.max(start);
            let place = match location.cell {
                Some(cell) => format!(
                    "{}:cell {cell}:{}:{}",
                    file.path, location.start.row, location.start.column
                ),
                None => format!("{}:{}:{}", file.path, start.row, start.column),
            };
            let _ = writeln!(
                out,
                "::{command} title={},file={path_property},line={},col={},endLine={},endColumn={}::{}",
                escape(&format!("nbtidy ({})", diagnostic.code), true),
                start.row.max(1),
                start.column.max(1),
                end.row.max(1),
                end.column.max(1),
                escape(
                    &format!("{place}: {} {}", diagnostic.code, diagnostic.message),
                    false
                ),
            );
        }
    }
    out
}

/// Escapes `text` for a workflow command: the message (`property = false`) or a property value.
fn escape(text: &str, property: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' if property => out.push_str("%3A"),
            ',' if property => out.push_str("%2C"),
            c if nbtidy_safe_text::is_unsafe(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}
