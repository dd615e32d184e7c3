//! The diff driver's textconv: a notebook as text that diffs well.
//!
//! ```text
//! # cell 3 [code] execution_count=4
//! print(df.head())
//! # output: stream stdout (2 lines, 118 bytes)
//! # output: display_data image/png (45.1 kB), text/plain (21 bytes)
//! ```
//!
//! The work tree's file is shown cleaned (as the clean filter would commit it) when nbtidy's
//! filter applies to it, so that a diff against a cleaned blob shows real changes only.
//!
//! One header per cell (number, type, execution count, tags), the source as it is, one line per
//! output (its type, MIME types and sizes, an error's name and message): never the data itself,
//! so a diff shows which cell changed and how, not base64. A file that is not a notebook nbtidy
//! can read is printed as it is (a warning says why). Text goes through the printer's output
//! boundary (secrets masked, control characters escaped).

use std::collections::BTreeMap;

use anyhow::Result;
use nbtidy_notebook::{CellType, Notebook};
use serde_json::value::RawValue;

use super::DiffArgs;
use crate::{ExitStatus, printer};

/// `nbtidy git diff FILE`.
pub fn run(args: &DiffArgs) -> Result<ExitStatus> {
    let bytes = crate::read::read(&args.file)
        .map_err(|err| anyhow::anyhow!("{}: {err}", args.file.display()))?;
    // A relative path is the work tree's file (git hands a blob over as a temporary file with
    // an absolute path): shown as it would be committed, so the two sides of `git diff` agree.
    let bytes = if args.file.is_relative() && filter_applies(&args.file) {
        super::clean::Cleaner::new()
            .clean(&args.file, &bytes)
            .0
            .into_owned()
    } else {
        bytes
    };
    match Notebook::parse(&bytes) {
        Ok(notebook) => printer::out_text(&textconv(&notebook))?,
        Err(err) => {
            printer::warning(&format!("{}: shown as it is: {err}", args.file.display()));
            printer::out_text(&String::from_utf8_lossy(&bytes))?;
        }
    }
    Ok(ExitStatus::Success)
}

/// `true` when git cleans `path` with nbtidy's filter (its `filter` attribute is `nbtidy` and
/// the filter is configured).
fn filter_applies(path: &std::path::Path) -> bool {
    let git = |args: &[&std::ffi::OsStr]| {
        std::process::Command::new("git")
            .args(args)
            .stderr(std::process::Stdio::null())
            .output()
            .ok()
            .filter(|output| output.status.success())
            .map(|output| String::from_utf8_lossy(&output.stdout).into_owned())
    };
    let attribute = git(&[
        "check-attr".as_ref(),
        "filter".as_ref(),
        "--".as_ref(),
        path.as_os_str(),
    ]);
    attribute.is_some_and(|line| line.trim_end().ends_with(": filter: nbtidy"))
        && git(&[
            "config".as_ref(),
            "--get-regexp".as_ref(),
            "^filter\\.nbtidy\\.(clean|process)$".as_ref(),
        ])
        .is_some()
}

/// The text view of a notebook.
pub fn textconv(notebook: &Notebook<'_>) -> String {
    let mut out = String::with_capacity(notebook.text().len().min(1 << 20));
    for (index, cell) in notebook.cells().iter().enumerate() {
        let kind = match &cell.cell_type {
            CellType::Code => "code",
            CellType::Markdown => "markdown",
            CellType::Raw => "raw",
            CellType::Other(other) => other.as_str(),
            CellType::Missing => "no type",
        };
        out.push_str(&format!("# cell {} [{kind}]", index + 1));
        if let Some(span) = &cell.execution_count {
            let count = notebook.slice(span);
            if count != "null" {
                out.push_str(&format!(" execution_count={count}"));
            }
        }
        if let Some(tags) = cell
            .metadata
            .as_ref()
            .and_then(|span| tags(notebook.slice(span)))
        {
            out.push_str(&format!(" tags: {}", tags.join(", ")));
        }
        out.push('\n');
        match notebook.source(index) {
            Ok(source) => {
                out.push_str(&source.text);
                if !source.text.is_empty() && !source.text.ends_with('\n') {
                    out.push('\n');
                }
            }
            Err(err) => out.push_str(&format!("# ({err})\n")),
        }
        if let Some(span) = &cell.outputs {
            for line in outputs(notebook.slice(span)) {
                out.push_str("# output: ");
                out.push_str(&line);
                out.push('\n');
            }
        }
        out.push('\n');
    }
    out
}

/// A cell's tags, when it has some.
fn tags(metadata: &str) -> Option<Vec<String>> {
    if !metadata.contains("\"tags\"") {
        return None;
    }
    let entries: BTreeMap<String, &RawValue> = serde_json::from_str(metadata).ok()?;
    let tags: Vec<String> = serde_json::from_str(entries.get("tags")?.get()).ok()?;
    (!tags.is_empty()).then_some(tags)
}

/// One line per output: its type and what it holds, with sizes.
fn outputs(json: &str) -> Vec<String> {
    let Ok(list) = serde_json::from_str::<Vec<BTreeMap<String, &RawValue>>>(json) else {
        return vec![format!(
            "({} of outputs that are not a list of objects)",
            size(json.len())
        )];
    };
    list.iter().map(output).collect()
}

fn string(value: Option<&&RawValue>) -> Option<String> {
    serde_json::from_str::<String>(value?.get()).ok()
}

/// The length of a string or list of strings' text, and its number of lines.
fn text_size(value: &RawValue) -> (usize, usize) {
    let text = match serde_json::from_str::<String>(value.get()) {
        Ok(text) => text,
        Err(_) => serde_json::from_str::<Vec<String>>(value.get())
            .map(|lines| lines.concat())
            .unwrap_or_default(),
    };
    (text.len(), text.lines().count())
}

fn output(fields: &BTreeMap<String, &RawValue>) -> String {
    let kind = string(fields.get("output_type")).unwrap_or_else(|| "output".to_owned());
    match kind.as_str() {
        "stream" => {
            let name = string(fields.get("name")).unwrap_or_default();
            let (bytes, lines) = fields.get("text").map_or((0, 0), |text| text_size(text));
            format!(
                "stream {name} ({}, {})",
                printer::plural(lines, "line"),
                size(bytes)
            )
        }
        "error" => {
            let name = string(fields.get("ename")).unwrap_or_default();
            let value = string(fields.get("evalue")).unwrap_or_default();
            format!("error {name}: {}", value.lines().next().unwrap_or_default())
        }
        _ => {
            let data: BTreeMap<String, &RawValue> = fields
                .get("data")
                .and_then(|data| serde_json::from_str(data.get()).ok())
                .unwrap_or_default();
            let types: Vec<String> = data
                .iter()
                .map(|(mime, value)| {
                    let bytes = if mime.starts_with("text/") || mime.contains("json") {
                        text_size(value).0
                    } else {
                        value.get().len()
                    };
                    format!("{mime} ({})", size(bytes))
                })
                .collect();
            format!("{kind} {}", types.join(", "))
        }
    }
}

/// `118 bytes`, `45.1 kB`.
fn size(bytes: usize) -> String {
    if bytes == 1 {
        return "1 byte".to_owned();
    }
    if bytes < 1000 {
        return format!("{bytes} bytes");
    }
    let (value, unit) = if bytes < 1_000_000 {
        (bytes as f64 / 1e3, "kB")
    } else {
        (bytes as f64 / 1e6, "MB")
    };
    format!("{value:.1} {unit}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_are_summarized_never_shown() {
        let notebook = br#"{"cells": [{"cell_type": "code", "execution_count": 3, "metadata": {"tags": ["keep-output"]}, "source": ["x = 1\n", "x"], "outputs": [
            {"output_type": "stream", "name": "stdout", "text": ["a\n", "b\n"]},
            {"output_type": "execute_result", "execution_count": 3, "metadata": {}, "data": {"image/png": "iVBORw0KGgo=", "text/plain": ["1"]}},
            {"output_type": "error", "ename": "ValueError", "evalue": "bad", "traceback": []}]}],
            "metadata": {}, "nbformat": 4, "nbformat_minor": 5}"#;
        let notebook = Notebook::parse(notebook).unwrap();
        assert_eq!(
            textconv(&notebook),
            "# cell 1 [code] execution_count=3 tags: keep-output\nx = 1\nx\n\
             # output: stream stdout (2 lines, 4 bytes)\n\
             # output: execute_result image/png (14 bytes), text/plain (1 byte)\n\
             # output: error ValueError: bad\n\n"
        );
    }
}
