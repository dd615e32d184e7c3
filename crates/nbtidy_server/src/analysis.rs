//! What the server computes, from a snapshot of a document and its settings: findings as LSP
//! diagnostics, fixes and formatting as text edits, hover text.
//!
//! Everything here calls the pipeline the CLI calls (`nbtidy_lint::check_notebook`,
//! `nbtidy_lint::fix::fix_notebook`, `nbtidy_pipeline::format_notebook` / `format_code`); this
//! module only maps between the notebook's world (cells, byte offsets, rows and columns in
//! characters, `.ipynb` spans) and the protocol's (document URIs, positions in the negotiated
//! encoding, text edits).
//!
//! Notebook documents: the client owns the cells' texts, the linter reads notebooks. The cells
//! are written into a minimal nbformat 4.5 notebook (one JSON string per source, the client's
//! cell and notebook metadata where it has them, no outputs) and that is linted: the engine, its
//! cross-cell semantics (notebook order, markdown cells counted in cell numbers), suppression
//! and fixing are the CLI's, with no second entry point to keep in step. Findings about the
//! file rather than a cell (a missing kernelspec, outputs, ids) do not apply to what the editor
//! shows and are not published for notebook documents; a raw `.ipynb` opened as text gets them.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lsp_types::{
    Diagnostic, DiagnosticSeverity, DiagnosticTag, NumberOrString, Position, TextEdit, Uri,
};
use nbtidy_config::Resolved;
use nbtidy_diagnostics::{EditTarget, FileDiagnostics, Fix};
use nbtidy_notebook::Notebook;
use nbtidy_pipeline::SelectionEntry;
use serde_json::{Map, Value, json};

use crate::text::{Encoding, LineIndex, minimal_edit};

/// One cell of a notebook document (or the one cell of a `.py` document).
#[derive(Debug, Clone)]
pub struct CellSnap {
    /// The cell's text document.
    pub uri: Uri,
    /// A code cell (else markdown).
    pub code: bool,
    /// The cell's language id (`python`, `markdown`, `sql`, ...).
    pub language: String,
    /// The cell's Jupyter metadata, when the client sends it.
    pub metadata: Option<Map<String, Value>>,
    /// The text.
    pub text: Arc<String>,
}

/// A document as the worker sees it: an immutable copy taken when the work was queued.
#[derive(Debug, Clone)]
pub enum Snapshot {
    /// A notebook document, or a `.py` file as one code cell.
    Cells {
        /// The notebook's (or file's) URI.
        uri: Uri,
        /// The path settings are resolved for.
        path: PathBuf,
        /// The notebook's Jupyter metadata, when the client sends it.
        metadata: Option<Map<String, Value>>,
        /// The cells in notebook order.
        cells: Vec<CellSnap>,
    },
    /// A raw `.ipynb` opened as JSON text.
    Ipynb {
        /// The document's URI.
        uri: Uri,
        /// The path settings are resolved for.
        path: PathBuf,
        /// The JSON text.
        text: Arc<String>,
    },
}

impl Snapshot {
    /// The path settings are resolved for.
    pub fn path(&self) -> &Path {
        match self {
            Snapshot::Cells { path, .. } | Snapshot::Ipynb { path, .. } => path,
        }
    }

    /// Every document URI the snapshot publishes diagnostics for (the cells, or the document).
    pub fn uris(&self) -> Vec<Uri> {
        match self {
            Snapshot::Cells { cells, .. } => cells
                .iter()
                .filter(|c| c.code)
                .map(|c| c.uri.clone())
                .collect(),
            Snapshot::Ipynb { uri, .. } => vec![uri.clone()],
        }
    }

    /// The text of the document `uri` (a cell's, or the whole document's).
    pub fn text_of(&self, uri: &Uri) -> Option<&str> {
        match self {
            Snapshot::Cells { cells, .. } => cells
                .iter()
                .find(|c| &c.uri == uri)
                .map(|c| c.text.as_str()),
            Snapshot::Ipynb { text, .. } => Some(text),
        }
    }
}

/// The settings of a document, or why it is not processed.
pub enum Settings {
    /// Lint and format with these.
    Use(Box<Resolved>, SelectionEntry),
    /// `nbtidy = off` applies.
    Off,
    /// A setting is invalid (the message names it): nothing is linted or changed, as on the
    /// command line.
    Invalid(String),
}

/// The notebook bytes the engine reads for a snapshot (the text itself for a raw `.ipynb`).
pub fn notebook_bytes(snapshot: &Snapshot) -> std::borrow::Cow<'_, [u8]> {
    match snapshot {
        Snapshot::Ipynb { text, .. } => text.as_bytes().into(),
        Snapshot::Cells {
            metadata, cells, ..
        } => synthesize(metadata.as_ref(), cells).into(),
    }
}

/// A minimal nbformat 4.5 notebook holding the cells (see the module doc).
fn synthesize(metadata: Option<&Map<String, Value>>, cells: &[CellSnap]) -> Vec<u8> {
    let notebook_metadata = metadata
        .and_then(|m| {
            m.get("metadata")
                .or_else(|| m.get("custom").and_then(|c| c.get("metadata")))
                .and_then(Value::as_object)
                .cloned()
                .or_else(|| {
                    (m.contains_key("kernelspec") || m.contains_key("language_info"))
                        .then(|| m.clone())
                })
        })
        .unwrap_or_else(|| {
            let mut m = Map::new();
            m.insert("language_info".to_owned(), json!({"name": "python"}));
            m
        });
    let cells: Vec<Value> = cells
        .iter()
        .enumerate()
        .map(|(index, cell)| {
            let mut metadata = cell
                .metadata
                .as_ref()
                .map(|m| match m.get("metadata").and_then(Value::as_object) {
                    Some(inner) => inner.clone(),
                    None => m.clone(),
                })
                .unwrap_or_default();
            if cell.code && cell.language != "python" {
                metadata.insert("vscode".to_owned(), json!({"languageId": cell.language}));
            }
            let id = format!("cell-{}", index + 1);
            if cell.code {
                json!({"cell_type": "code", "execution_count": null, "id": id,
                       "metadata": metadata, "outputs": [], "source": cell.text.as_str()})
            } else {
                json!({"cell_type": "markdown", "id": id, "metadata": metadata,
                       "source": cell.text.as_str()})
            }
        })
        .collect();
    serde_json::to_vec(&json!({
        "cells": cells,
        "metadata": notebook_metadata,
        "nbformat": 4,
        "nbformat_minor": 5,
    }))
    .unwrap_or_default()
}

/// What linting a snapshot gave.
pub struct Linted {
    /// The findings (cell numbers and fixes as the engine gives them).
    pub file: FileDiagnostics,
    /// When the `.ipynb` text is not a notebook nbtidy can read: the problem and where.
    pub unreadable: Option<(String, Position)>,
}

/// Lints a snapshot.
pub fn lint(snapshot: &Snapshot, resolved: &Resolved, selection: &SelectionEntry) -> Linted {
    let bytes = notebook_bytes(snapshot);
    for text in cell_texts(snapshot) {
        nbtidy_pipeline::test_point(text);
    }
    match nbtidy_lint::check_notebook(snapshot.path(), &bytes, resolved, &selection.0) {
        Ok(file) => Linted {
            file,
            unreadable: None,
        },
        Err(err) => {
            // serde_json's columns count bytes; close enough to show where the JSON breaks.
            let position = err
                .position()
                .map_or(Position::new(0, 0), |(line, column)| {
                    Position::new(
                        crate::text::to_u32(line.saturating_sub(1)),
                        crate::text::to_u32(column.saturating_sub(1)),
                    )
                });
            Linted {
                file: FileDiagnostics::default(),
                unreadable: Some((err.to_string(), position)),
            }
        }
    }
}

fn cell_texts(snapshot: &Snapshot) -> Vec<&str> {
    match snapshot {
        Snapshot::Cells { cells, .. } => cells
            .iter()
            .filter(|c| c.code)
            .map(|c| c.text.as_str())
            .collect(),
        Snapshot::Ipynb { .. } => Vec::new(),
    }
}

/// The LSP diagnostics of every document of the snapshot (every code cell gets an entry, empty
/// when it has no findings, so that fixed findings disappear).
pub fn to_lsp(
    snapshot: &Snapshot,
    linted: &Linted,
    encoding: Encoding,
) -> Vec<(Uri, Vec<Diagnostic>)> {
    let mut out: Vec<(Uri, Vec<Diagnostic>)> = snapshot
        .uris()
        .into_iter()
        .map(|uri| (uri, Vec::new()))
        .collect();
    if let (Snapshot::Ipynb { .. }, Some((message, position))) = (snapshot, &linted.unreadable) {
        out[0].1.push(Diagnostic {
            range: lsp_types::Range::new(*position, *position),
            severity: Some(DiagnosticSeverity::ERROR),
            code: Some(NumberOrString::String("E902".to_owned())),
            source: Some("nbtidy".to_owned()),
            message: format!(
                "not a notebook nbtidy can read: {}",
                nbtidy_safe_text::redact(message)
            ),
            ..Diagnostic::default()
        });
    }
    for (target, diagnostic) in locate_all(snapshot, linted, encoding) {
        if let Some(target) = target
            && let Some((_, list)) = out.iter_mut().find(|(uri, _)| *uri == target)
        {
            list.push(diagnostic);
        }
    }
    out
}

/// Each finding of `linted` (in order) as an LSP diagnostic, with the document it is in: a
/// cell's (`None` for findings about a notebook document's file rather than a cell) or the raw
/// `.ipynb`'s, at the `.ipynb` line of the code.
pub fn locate_all(
    snapshot: &Snapshot,
    linted: &Linted,
    encoding: Encoding,
) -> Vec<(Option<Uri>, Diagnostic)> {
    match snapshot {
        Snapshot::Cells { cells, .. } => {
            let mut indexes: HashMap<usize, LineIndex> = HashMap::new();
            linted
                .file
                .diagnostics
                .iter()
                .map(|diagnostic| {
                    let cell = diagnostic
                        .location
                        .cell
                        .and_then(|number| Some((number, cells.get(number.checked_sub(1)?)?)))
                        .filter(|(_, cell)| cell.code);
                    let Some((number, cell)) = cell else {
                        return (
                            None,
                            lsp_diagnostic(diagnostic, lsp_types::Range::default()),
                        );
                    };
                    let text = cell.text.as_str();
                    let index = indexes
                        .entry(number)
                        .or_insert_with(|| LineIndex::new(text));
                    let (start, end) = (diagnostic.location.start, diagnostic.location.end);
                    let range = lsp_types::Range::new(
                        index.row_column(text, start.row, start.column, encoding),
                        index.row_column(text, end.row, end.column, encoding),
                    );
                    (Some(cell.uri.clone()), lsp_diagnostic(diagnostic, range))
                })
                .collect()
        }
        Snapshot::Ipynb { uri, text, .. } => {
            let index = LineIndex::new(text);
            linted
                .file
                .diagnostics
                .iter()
                .map(|diagnostic| {
                    let (start, end) =
                        (diagnostic.location.file_start, diagnostic.location.file_end);
                    let range = lsp_types::Range::new(
                        index.row_column(text, start.row, start.column, encoding),
                        index.row_column(text, end.row, end.column, encoding),
                    );
                    (Some(uri.clone()), lsp_diagnostic(diagnostic, range))
                })
                .collect()
        }
    }
}

fn lsp_diagnostic(
    diagnostic: &nbtidy_diagnostics::Diagnostic,
    range: lsp_types::Range,
) -> Diagnostic {
    let unnecessary = matches!(diagnostic.code, "F401" | "F841" | "F842" | "F811");
    Diagnostic {
        range,
        severity: Some(match diagnostic.severity {
            nbtidy_diagnostics::Severity::Error => DiagnosticSeverity::ERROR,
            nbtidy_diagnostics::Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(diagnostic.code.to_owned())),
        source: Some("nbtidy".to_owned()),
        message: nbtidy_safe_text::redact(&diagnostic.message).into_owned(),
        tags: unnecessary.then(|| vec![DiagnosticTag::UNNECESSARY]),
        ..Diagnostic::default()
    }
}

/// A document's edits, by URI.
pub type Changes = HashMap<Uri, Vec<TextEdit>>;

/// The text edits of one finding's fix, or `None` when the fix cannot be expressed as edits of
/// the documents the client holds (a fix of the JSON around a notebook document's cells).
pub fn fix_edits(snapshot: &Snapshot, fix: &Fix, encoding: Encoding) -> Option<Changes> {
    let mut changes = Changes::new();
    match snapshot {
        Snapshot::Cells { cells, .. } => {
            for edit in &fix.edits {
                let EditTarget::Code { cell, range } = &edit.target else {
                    return None;
                };
                let cell = cells.get(*cell)?;
                let text = cell.text.as_str();
                let index = LineIndex::new(text);
                changes
                    .entry(cell.uri.clone())
                    .or_default()
                    .push(TextEdit::new(
                        index.range(text, range.clone(), encoding),
                        edit.content.clone(),
                    ));
            }
        }
        Snapshot::Ipynb { uri, text, .. } => {
            let notebook = Notebook::parse(text.as_bytes()).ok()?;
            let mut by_cell: HashMap<usize, Vec<(Range<usize>, &str)>> = HashMap::new();
            let mut spans: Vec<(Range<usize>, String)> = Vec::new();
            for edit in &fix.edits {
                match &edit.target {
                    EditTarget::Code { cell, range } => by_cell
                        .entry(*cell)
                        .or_default()
                        .push((range.clone(), edit.content.as_str())),
                    EditTarget::Json { span } => spans.push((span.clone(), edit.content.clone())),
                }
            }
            let style = notebook.style();
            for (cell, mut edits) in by_cell {
                let source = notebook.source(cell).ok()?;
                edits.sort_by_key(|(range, _)| range.start);
                let mut code = String::with_capacity(source.text.len());
                let mut at = 0;
                for (range, content) in edits {
                    code.push_str(source.text.get(at..range.start)?);
                    code.push_str(content);
                    at = range.end;
                }
                code.push_str(source.text.get(at..)?);
                let encoded = notebook.encode_source(cell, &code, &style).ok()?;
                spans.push((source.span.clone(), encoded));
            }
            let index = LineIndex::new(text);
            changes.insert(
                uri.clone(),
                spans
                    .into_iter()
                    .map(|(span, content)| {
                        TextEdit::new(index.range(text, span, encoding), content)
                    })
                    .collect(),
            );
        }
    }
    Some(changes)
}

/// The edits that turn a snapshot's documents into the notebook `new` (fixed or formatted):
/// for notebook documents, one edit per cell whose code changed; for a raw `.ipynb`, one edit
/// per `source` value that changed, byte-exact as the CLI writes the file (and, should anything
/// outside the sources differ, the smallest single edit of the text).
pub fn edits_to(snapshot: &Snapshot, new: &[u8], encoding: Encoding) -> Changes {
    let mut changes = Changes::new();
    match snapshot {
        Snapshot::Cells { cells, .. } => {
            let Ok(notebook) = Notebook::parse(new) else {
                return changes;
            };
            for (index, cell) in cells.iter().enumerate() {
                let Ok(source) = notebook.source(index) else {
                    continue;
                };
                if let Some(edit) = minimal_edit(&cell.text, &source.text, encoding) {
                    changes.insert(cell.uri.clone(), vec![edit]);
                }
            }
        }
        Snapshot::Ipynb { uri, text, .. } => {
            let edits = json_edits(text, new, encoding);
            if !edits.is_empty() {
                changes.insert(uri.clone(), edits);
            }
        }
    }
    changes
}

/// Edits of the JSON text `old` that give `new`: one per changed `source` value when that is
/// all that differs, else the smallest single edit.
pub fn json_edits(old: &str, new: &[u8], encoding: Encoding) -> Vec<TextEdit> {
    let Ok(new_text) = std::str::from_utf8(new) else {
        return Vec::new();
    };
    if old == new_text {
        return Vec::new();
    }
    let index = LineIndex::new(old);
    if let (Ok(before), Ok(after)) = (Notebook::parse(old.as_bytes()), Notebook::parse(new))
        && before.cells().len() == after.cells().len()
    {
        let mut spans: Vec<(Range<usize>, &str)> = Vec::new();
        for (a, b) in before.cells().iter().zip(after.cells()) {
            if let (Some(a), Some(b)) = (&a.source, &b.source)
                && before.slice(a) != after.slice(b)
            {
                spans.push((a.clone(), after.slice(b)));
            }
        }
        // Only the sources differ: check by rebuilding the new text from the old one.
        let mut rebuilt = String::with_capacity(new_text.len());
        let mut at = 0;
        for (span, content) in &spans {
            rebuilt.push_str(&old[at..span.start]);
            rebuilt.push_str(content);
            at = span.end;
        }
        rebuilt.push_str(&old[at..]);
        if rebuilt == new_text {
            return spans
                .into_iter()
                .map(|(span, content)| {
                    TextEdit::new(index.range(old, span, encoding), content.to_owned())
                })
                .collect();
        }
    }
    minimal_edit(old, new_text, encoding).into_iter().collect()
}

/// Fixes every finding with a safe fix, over the whole notebook.
pub fn fix_all(
    snapshot: &Snapshot,
    resolved: &Resolved,
    selection: &SelectionEntry,
    encoding: Encoding,
) -> Changes {
    let bytes = notebook_bytes(snapshot);
    for text in cell_texts(snapshot) {
        nbtidy_pipeline::test_point(text);
    }
    match nbtidy_lint::fix::fix_notebook(snapshot.path(), &bytes, resolved, &selection.0, false) {
        Ok(outcome) => match outcome.bytes {
            Some(new) => edits_to(snapshot, &new, encoding),
            None => Changes::new(),
        },
        Err(_) => Changes::new(),
    }
}

/// Formats the document `uri`: a cell or a `.py` file (with `range`, only the statements it
/// touches), or a raw `.ipynb` (with `range`, the cells whose `source` it overlaps). `Err` says
/// why nothing is formatted.
pub fn format(
    snapshot: &Snapshot,
    uri: &Uri,
    range: Option<lsp_types::Range>,
    resolved: &Resolved,
    encoding: Encoding,
) -> Result<Vec<TextEdit>, String> {
    match snapshot {
        Snapshot::Cells { cells, .. } => {
            let Some(cell) = cells.iter().find(|c| &c.uri == uri) else {
                return Ok(Vec::new());
            };
            if !cell.code || cell.language != "python" {
                return Ok(Vec::new());
            }
            let formatted = match range {
                // Format selection: the statements the range touches.
                Some(range) => {
                    let index = LineIndex::new(&cell.text);
                    let mut clamped = false;
                    let start = index.offset(&cell.text, range.start, encoding, &mut clamped);
                    let end = index.offset(&cell.text, range.end, encoding, &mut clamped);
                    nbtidy_pipeline::format_code_range(&cell.text, start..end, resolved)
                }
                None => nbtidy_pipeline::format_code(&cell.text, resolved),
            };
            match formatted {
                Ok(Some(new)) => Ok(minimal_edit(&cell.text, &new, encoding)
                    .into_iter()
                    .collect()),
                Ok(None) => Ok(Vec::new()),
                Err(err) => {
                    let (row, column) = nbtidy_pipeline::error_position(&err);
                    Err(format!(
                        "{row}:{column}: {}",
                        nbtidy_pipeline::skip_message(&err)
                    ))
                }
            }
        }
        Snapshot::Ipynb { text, .. } => {
            let formatted = nbtidy_pipeline::format_notebook(text.as_bytes(), resolved)
                .map_err(|err| err.to_string())?;
            let problems: Vec<String> = formatted
                .skipped
                .iter()
                .map(|(cell, row, column, message)| {
                    format!("cell {cell}:{row}:{column}: {message}")
                })
                .collect();
            let Some(new) = formatted.new else {
                return if problems.is_empty() {
                    Ok(Vec::new())
                } else {
                    Err(problems.join("; "))
                };
            };
            let mut edits = json_edits(text, &new, encoding);
            if let Some(range) = range {
                edits.retain(|edit| edit.range.start <= range.end && range.start <= edit.range.end);
            }
            Ok(edits)
        }
    }
}

/// The rule code a hover at `position` of `text` is about: a code in a `# noqa: ...` comment
/// under the cursor.
pub fn noqa_code_at(text: &str, position: Position, encoding: Encoding) -> Option<String> {
    let index = LineIndex::new(text);
    let (start, line) = index.line(text, position.line as usize)?;
    let mut clamped = false;
    let offset = index.offset(text, position, encoding, &mut clamped) - start;
    let lower = line.to_ascii_lowercase();
    let noqa = lower.find("noqa")?;
    let mut at = noqa + 4;
    // Codes are runs of letters and digits after the colon.
    for token in line[at..].split(|c: char| !c.is_ascii_alphanumeric()) {
        let token_start = at;
        at += token.len() + 1;
        if token.is_empty() || token_start > offset || offset > token_start + token.len() {
            continue;
        }
        if nbtidy_lint::find_rule(token).is_some() {
            return Some(token.to_ascii_uppercase());
        }
    }
    None
}

/// The hover text of a rule: its code, name and documentation.
pub fn rule_doc(code: &str) -> Option<String> {
    let rule = nbtidy_lint::find_rule(code)?;
    let meta = rule.meta();
    Some(format!("**{}** `{}`\n\n{}", meta.code, meta.name, meta.doc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_edits_replace_only_changed_sources() {
        let old = "{\n \"cells\": [\n  {\"cell_type\": \"code\", \"metadata\": {}, \"source\": [\"x=1\"], \"outputs\": [], \"execution_count\": null},\n  {\"cell_type\": \"code\", \"metadata\": {}, \"source\": [\"y = 2\"], \"outputs\": [], \"execution_count\": null}\n ],\n \"metadata\": {},\n \"nbformat\": 4,\n \"nbformat_minor\": 2\n}\n";
        let new = old.replace("[\"x=1\"]", "[\"x = 1\"]");
        let edits = json_edits(old, new.as_bytes(), Encoding::Utf16);
        assert_eq!(edits.len(), 1);
        assert_eq!(edits[0].new_text, "[\"x = 1\"]");
        assert_eq!(edits[0].range.start.line, 2);
    }

    #[test]
    fn a_noqa_code_under_the_cursor_is_found() {
        let text = "import os  # noqa: F401, E501";
        let at = |column| Position::new(0, column);
        assert_eq!(
            noqa_code_at(text, at(20), Encoding::Utf16).as_deref(),
            Some("F401")
        );
        assert_eq!(
            noqa_code_at(text, at(27), Encoding::Utf16).as_deref(),
            Some("E501")
        );
        assert_eq!(noqa_code_at(text, at(3), Encoding::Utf16), None);
    }
}
