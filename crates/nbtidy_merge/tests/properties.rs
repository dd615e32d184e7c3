//! Property tests for the merge: whatever the two sides did to a notebook (edited, inserted,
//! deleted or moved cells, pasted images, re-ran cells, with or without cell ids), the merge
//! returns a notebook, never loses what either side wrote, and merging a side with itself or
//! with the base gives that side's bytes back.

use nbtidy_merge::{Options, merge};
use nbtidy_notebook::Notebook;
use proptest::prelude::*;
use serde_json::{Value, json};

/// What one side does, in order; indices are taken modulo the number of cells at that point.
#[derive(Debug, Clone)]
enum Op {
    /// Append a line with a unique marker to a cell's source.
    Append(usize),
    /// Put a line with a unique marker at the start of a cell's source.
    Prepend(usize),
    /// Insert a new code cell (a unique marker as its source).
    Insert(usize),
    Delete(usize),
    Move(usize, usize),
    /// Paste an image (a uniquely named attachment) into a markdown cell.
    Attach(usize),
    /// Re-run a code cell (new outputs and execution count).
    Run(usize),
    /// Add a cell metadata key.
    Tag(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..16usize).prop_map(Op::Append),
        (0..16usize).prop_map(Op::Prepend),
        (0..16usize).prop_map(Op::Insert),
        (0..16usize).prop_map(Op::Delete),
        (0..16usize, 0..16usize).prop_map(|(a, b)| Op::Move(a, b)),
        (0..16usize).prop_map(Op::Attach),
        (0..16usize).prop_map(Op::Run),
        (0..16usize).prop_map(Op::Tag),
    ]
}

/// Source lines drawn from a small set, so that cells look alike (content matching is tested).
fn base_cells() -> impl Strategy<Value = Vec<(bool, Vec<&'static str>)>> {
    let line = prop_oneof![
        Just("import numpy as np"),
        Just("x = 1"),
        Just("print(x)"),
        Just("# Title"),
        Just(""),
        Just("df.head()"),
    ];
    prop::collection::vec((any::<bool>(), prop::collection::vec(line, 1..4)), 1..7)
}

fn cell(markdown: bool, lines: &[&str], id: Option<String>) -> Value {
    let mut cell = if markdown {
        json!({"cell_type": "markdown", "metadata": {}, "source": []})
    } else {
        json!({"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [], "source": []})
    };
    set_source(&mut cell, &lines.join("\n"));
    if let Some(id) = id {
        cell["id"] = json!(id);
    }
    cell
}

fn source_text(cell: &Value) -> String {
    match &cell["source"] {
        Value::Array(lines) => lines.iter().filter_map(Value::as_str).collect(),
        Value::String(text) => text.clone(),
        _ => String::new(),
    }
}

fn set_source(cell: &mut Value, text: &str) {
    let lines: Vec<String> = nbtidy_notebook::split_lines(text)
        .into_iter()
        .map(str::to_owned)
        .collect();
    cell["source"] = json!(lines);
}

/// Applies `ops` to `notebook`; the markers (source text and attachment names) it wrote.
fn apply(notebook: &mut Value, ops: &[Op], side: &str, ids: bool) -> Vec<String> {
    let mut markers = Vec::new();
    let cells = notebook["cells"].as_array_mut().unwrap();
    for (n, op) in ops.iter().enumerate() {
        let marker = format!("{side}_{n}");
        let len = cells.len();
        match *op {
            Op::Append(i) if len > 0 => {
                let cell = &mut cells[i % len];
                let mut text = source_text(cell);
                if !text.is_empty() && !text.ends_with('\n') {
                    text.push('\n');
                }
                text.push_str(&format!("# {marker}"));
                set_source(cell, &text);
                markers.push(marker);
            }
            Op::Prepend(i) if len > 0 => {
                let cell = &mut cells[i % len];
                let text = format!("# {marker}\n{}", source_text(cell));
                set_source(cell, &text);
                markers.push(marker);
            }
            Op::Insert(i) => {
                let id = ids.then(|| format!("new-{marker}"));
                let new = cell(false, &[&format!("# {marker}")], id);
                cells.insert(i % (len + 1), new);
                markers.push(marker);
            }
            Op::Delete(i) if len > 1 => {
                cells.remove(i % len);
            }
            Op::Move(a, b) if len > 1 => {
                let moved = cells.remove(a % len);
                cells.insert(b % len, moved);
            }
            Op::Attach(i) if len > 0 => {
                let cell = &mut cells[i % len];
                if cell["cell_type"] == "markdown" {
                    let name = format!("{marker}.png");
                    if cell.get("attachments").is_none() {
                        cell["attachments"] = json!({});
                    }
                    cell["attachments"][&name] = json!({"image/png": "iVBORw0KGgo="});
                    markers.push(name);
                }
            }
            Op::Run(i) if len > 0 => {
                let cell = &mut cells[i % len];
                if cell["cell_type"] == "code" {
                    cell["outputs"] = json!([{"name": "stdout", "output_type": "stream", "text": [format!("{marker}\n")]}]);
                    cell["execution_count"] = json!(n + 1);
                }
            }
            Op::Tag(i) if len > 0 => {
                cells[i % len]["metadata"][format!("{side}_key")] = json!(n);
            }
            _ => {}
        }
    }
    markers
}

/// Jupyter's layout (one-space indentation, LF).
fn write(value: &Value) -> Vec<u8> {
    write_styled(value, b" ", false)
}

fn write_styled(value: &Value, indent: &[u8], crlf: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(indent);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
    serde::Serialize::serialize(value, &mut ser).unwrap();
    out.push(b'\n');
    if crlf {
        let text = String::from_utf8(out).unwrap().replace('\n', "\r\n");
        return text.into_bytes();
    }
    out
}

proptest! {
    // 400 cases in `cargo test`; `PROPTEST_CASES=100000` for a long run.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(400),
        ..ProptestConfig::default()
    })]

    #[test]
    fn merges_keep_everything_either_side_wrote(
        cells in base_cells(),
        ids in any::<bool>(),
        ours_ops in prop::collection::vec(op(), 0..5),
        theirs_ops in prop::collection::vec(op(), 0..5),
        ours_indent in prop_oneof![Just(&b" "[..]), Just(&b"  "[..]), Just(&b"\t"[..])],
        ours_crlf in any::<bool>(),
        upgrades in (any::<bool>(), any::<bool>()),
    ) {
        let base_cells: Vec<Value> = cells
            .iter()
            .enumerate()
            .map(|(i, (markdown, lines))| cell(*markdown, lines, ids.then(|| format!("cell-{i}"))))
            .collect();
        let base = json!({
            "cells": base_cells,
            "metadata": {"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}},
            "nbformat": 4,
            "nbformat_minor": if ids { 5 } else { 4 },
        });
        let (mut ours, mut theirs) = (base.clone(), base.clone());
        let ours_markers = apply(&mut ours, &ours_ops, "ours", ids);
        let theirs_markers = apply(&mut theirs, &theirs_ops, "theirs", ids);
        // A side without ids may have been opened in a newer Jupyter: 4.5, an id on every cell.
        let mut upgraded = ids;
        for (side, upgrade, name) in [(&mut ours, upgrades.0, "o"), (&mut theirs, upgrades.1, "t")] {
            if upgrade && !ids {
                side["nbformat_minor"] = json!(5);
                for (i, cell) in side["cells"].as_array_mut().unwrap().iter_mut().enumerate() {
                    cell["id"] = json!(format!("{name}{i}"));
                }
                upgraded = true;
            }
        }
        // The current side may have its own layout; the base and the other side are Jupyter's.
        let (base, ours, theirs) =
            (write(&base), write_styled(&ours, ours_indent, ours_crlf), write(&theirs));
        // What each side wrote and still has (a side may delete a cell it edited).
        let kept = |markers: Vec<String>, side: &[u8]| -> Vec<String> {
            let side = String::from_utf8_lossy(side).into_owned();
            markers.into_iter().filter(|m| side.contains(m.as_str())).collect()
        };
        let mut markers = kept(ours_markers, &ours);
        markers.extend(kept(theirs_markers, &theirs));

        let merged = merge(&base, &ours, &theirs, &Options::default())
            .map_err(|err| TestCaseError::fail(format!("no merge: {err}")))?;
        let text = String::from_utf8(merged.bytes.clone()).unwrap();
        prop_assert!(Notebook::parse(&merged.bytes).is_ok(), "{}", text);
        let value: Value = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(value["cells"].as_array().unwrap().len(), merged.cells);
        // nbformat 4.5 when either side is, and then an id on every cell, each unique.
        prop_assert_eq!(value["nbformat_minor"].as_u64(), Some(if upgraded { 5 } else { 4 }));
        let cell_ids: Vec<Option<&str>> = value["cells"]
            .as_array()
            .unwrap()
            .iter()
            .map(|cell| cell.get("id").and_then(Value::as_str))
            .collect();
        if upgraded {
            prop_assert!(cell_ids.iter().all(Option::is_some), "{}", text);
            let unique: std::collections::HashSet<_> = cell_ids.iter().collect();
            prop_assert_eq!(unique.len(), cell_ids.len(), "{}", text);
        } else {
            prop_assert!(cell_ids.iter().all(Option::is_none), "{}", text);
        }
        // Nothing either side wrote is lost: in a merged cell, or between conflict markers.
        for marker in &markers {
            prop_assert!(text.contains(marker.as_str()), "{} lost\n{}", marker, text);
        }

        // A side merged with itself, or with the base, is that side, byte for byte.
        let same = merge(&base, &ours, &ours, &Options::default()).unwrap();
        prop_assert_eq!(&same.bytes, &ours);
        let unchanged = merge(&base, &ours, &base, &Options::default()).unwrap();
        prop_assert_eq!(&unchanged.bytes, &ours);
        prop_assert!(unchanged.conflicts.is_empty());
        // The result keeps the current side's line endings.
        prop_assert_eq!(text.contains("\r\n"), ours_crlf, "{}", text);
        if ours_crlf {
            prop_assert!(!text.replace("\r\n", "").contains('\n'), "a bare LF in a CRLF file\n{}", text);
        }
    }
}
