//! `json`: an array with one object per finding. Stable fields:
//!
//! | field | meaning |
//! | --- | --- |
//! | `filename` | the notebook's path |
//! | `code`, `name` | the rule (`F401`, `unused-import`) |
//! | `severity` | `error` or `warning` |
//! | `message` | what is wrong |
//! | `cell` | 1-based cell number among all cells, or `null` for the whole notebook |
//! | `location`, `end_location` | `{row, column}` inside the cell (1-based; column in characters) |
//! | `file_location`, `file_end_location` | `{row, column}` in the `.ipynb` file |
//! | `fix` | `null`, or `{applicability: "safe"/"unsafe", message, edits: [...]}`; an edit is `{kind: "code", cell (1-based cell number, as in `cell`), range: {start, end} (bytes in the cell's code), content}` or `{kind: "json", span: {start, end} (bytes in the file), content}` |

use serde::Serialize;

use crate::{Applicability, Edit, EditTarget, FileDiagnostics, Position, Severity};

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    filename: &'a str,
    code: &'a str,
    name: &'a str,
    severity: Severity,
    message: &'a str,
    cell: Option<usize>,
    location: Position,
    end_location: Position,
    file_location: Position,
    file_end_location: Position,
    fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    applicability: Applicability,
    message: Option<&'a str>,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum JsonEdit<'a> {
    Code {
        cell: usize,
        range: JsonRange,
        content: &'a str,
    },
    Json {
        span: JsonRange,
        content: &'a str,
    },
}

#[derive(Serialize)]
struct JsonRange {
    start: usize,
    end: usize,
}

fn edit(edit: &Edit) -> JsonEdit<'_> {
    match &edit.target {
        EditTarget::Code { cell, range } => JsonEdit::Code {
            // 1-based, like the finding's `cell` (the data model counts from 0).
            cell: *cell + 1,
            range: JsonRange {
                start: range.start,
                end: range.end,
            },
            content: &edit.content,
        },
        EditTarget::Json { span } => JsonEdit::Json {
            span: JsonRange {
                start: span.start,
                end: span.end,
            },
            content: &edit.content,
        },
    }
}

pub(super) fn render(files: &[FileDiagnostics]) -> String {
    let items: Vec<JsonDiagnostic<'_>> = files
        .iter()
        .flat_map(|file| {
            file.diagnostics.iter().map(|d| JsonDiagnostic {
                filename: &file.path,
                code: d.code,
                name: d.name,
                severity: d.severity,
                message: &d.message,
                cell: d.location.cell,
                location: d.location.start,
                end_location: d.location.end,
                file_location: d.location.file_start,
                file_end_location: d.location.file_end,
                fix: d.fix.as_ref().map(|fix| JsonFix {
                    applicability: fix.applicability,
                    message: d.fix_title.as_deref(),
                    edits: fix.edits.iter().map(edit).collect(),
                }),
            })
        })
        .collect();
    let mut out = nbtidy_safe_text::escape_json(
        serde_json::to_string_pretty(&items).expect("plain data serializes"),
    );
    out.push('\n');
    out
}

/// One file's elements of the array, as [`render`] writes them inside it (empty for a file
/// without findings); `Document` puts them together.
pub(super) fn elements(file: &FileDiagnostics) -> String {
    if file.diagnostics.is_empty() {
        return String::new();
    }
    let whole = render(std::slice::from_ref(file));
    whole
        .strip_prefix("[\n")
        .and_then(|rest| rest.strip_suffix("\n]\n"))
        .expect("a pretty-printed array of objects")
        .to_owned()
}
