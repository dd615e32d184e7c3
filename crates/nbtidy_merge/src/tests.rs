use serde_json::{Value, json};

use super::*;

/// A cell: type, source, and for code cells outputs and execution count.
fn cell(kind: &str, source: &str, id: Option<&str>) -> Value {
    let lines: Vec<&str> = nbtidy_notebook::split_lines(source);
    let mut cell = json!({"cell_type": kind, "metadata": {}, "source": lines});
    if kind == "code" {
        cell["outputs"] = json!([]);
        cell["execution_count"] = Value::Null;
    }
    if let Some(id) = id {
        cell["id"] = json!(id);
    }
    cell
}

fn notebook(cells: Vec<Value>, minor: u64) -> Value {
    json!({
        "cells": cells,
        "metadata": {"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}},
        "nbformat": 4,
        "nbformat_minor": minor,
    })
}

/// Jupyter's layout: one-space indentation, a final newline.
fn write(value: &Value, indent: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(indent);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
    serde::Serialize::serialize(value, &mut ser).unwrap();
    out.push(b'\n');
    out
}

fn sources(bytes: &[u8]) -> Vec<String> {
    let value: Value = serde_json::from_slice(bytes).expect("valid JSON");
    value["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|cell| match &cell["source"] {
            Value::Array(lines) => lines.iter().map(|l| l.as_str().unwrap()).collect(),
            Value::String(s) => s.clone(),
            _ => panic!("no source"),
        })
        .collect()
}

fn run(base: &Value, ours: &Value, theirs: &Value) -> Merged {
    merge(
        &write(base, b" "),
        &write(ours, b" "),
        &write(theirs, b" "),
        &Options::default(),
    )
    .unwrap()
}

fn three(ids: bool) -> Vec<Value> {
    let id = |s| ids.then_some(s);
    vec![
        cell("markdown", "# Title", id("m1")),
        cell("code", "import os\nx = 1", id("c1")),
        cell("code", "print(x)", id("c2")),
    ]
}

#[test]
fn merging_a_notebook_with_itself_returns_the_current_bytes() {
    let ours = write(&notebook(three(true), 5), b" ");
    let merged = merge(&ours, &ours, &ours, &Options::default()).unwrap();
    assert_eq!(merged.bytes, ours);
    assert!(merged.conflicts.is_empty());
}

#[test]
fn edits_to_different_cells_merge_by_id_and_by_content() {
    for (ids, minor, matching) in [(true, 5, Matching::Id), (false, 4, Matching::Content)] {
        let base = notebook(three(ids), minor);
        let mut ours = base.clone();
        ours["cells"][1]["source"] = json!(["import os\n", "x = 2"]);
        let mut theirs = base.clone();
        theirs["cells"][2]["source"] = json!(["print(x + 1)"]);
        let merged = run(&base, &ours, &theirs);
        assert_eq!(merged.matching, matching);
        assert!(merged.conflicts.is_empty(), "{:?}", merged.conflicts);
        assert_eq!(
            sources(&merged.bytes),
            ["# Title", "import os\nx = 2", "print(x + 1)"]
        );
    }
}

#[test]
fn the_same_line_edited_twice_is_a_conflict_inside_the_cell() {
    let base = notebook(three(true), 5);
    let mut ours = base.clone();
    ours["cells"][2]["source"] = json!(["print(x, 1)"]);
    let mut theirs = base.clone();
    theirs["cells"][2]["source"] = json!(["print(x, 2)"]);
    let merged = run(&base, &ours, &theirs);
    assert_eq!(merged.conflicts.len(), 1);
    assert_eq!(merged.conflicts[0].cell, Some(3));
    assert_eq!(
        sources(&merged.bytes)[2],
        "<<<<<<< ours\nprint(x, 1)\n=======\nprint(x, 2)\n>>>>>>> theirs"
    );
}

#[test]
fn additions_deletions_and_a_reordering_merge() {
    let base = notebook(three(false), 4);
    // Ours deletes the markdown cell and adds one at the end.
    let mut ours = base.clone();
    let mut cells = base["cells"].as_array().unwrap().clone();
    cells.remove(0);
    cells.push(cell("code", "ours_new()", None));
    ours["cells"] = json!(cells);
    // Theirs swaps the two code cells and adds one at the start.
    let mut theirs = base.clone();
    let b = base["cells"].as_array().unwrap();
    theirs["cells"] = json!([cell("code", "theirs_new()", None), b[0], b[2], b[1]]);
    let merged = run(&base, &ours, &theirs);
    assert!(merged.conflicts.is_empty(), "{:?}", merged.conflicts);
    assert_eq!(
        sources(&merged.bytes),
        ["theirs_new()", "print(x)", "import os\nx = 1", "ours_new()"]
    );
}

#[test]
fn outputs_never_conflict_and_come_from_the_side_that_ran() {
    let base = notebook(three(true), 5);
    let mut ours = base.clone();
    ours["cells"][1]["outputs"] =
        json!([{"output_type": "stream", "name": "stdout", "text": ["a\n"]}]);
    ours["cells"][1]["execution_count"] = json!(1);
    let mut theirs = base.clone();
    theirs["cells"][1]["outputs"] =
        json!([{"output_type": "stream", "name": "stdout", "text": ["b\n"]}]);
    theirs["cells"][1]["execution_count"] = json!(7);
    theirs["cells"][2]["outputs"] =
        json!([{"output_type": "stream", "name": "stdout", "text": ["1\n"]}]);
    let merged = run(&base, &ours, &theirs);
    assert!(merged.conflicts.is_empty());
    let value: Value = serde_json::from_slice(&merged.bytes).unwrap();
    assert_eq!(value["cells"][1]["execution_count"], json!(1));
    assert_eq!(value["cells"][2]["outputs"][0]["text"], json!(["1\n"]));
    let cleared = merge(
        &write(&base, b" "),
        &write(&ours, b" "),
        &write(&theirs, b" "),
        &Options {
            outputs: OutputPolicy::Clear,
            ..Options::default()
        },
    )
    .unwrap();
    let value: Value = serde_json::from_slice(&cleared.bytes).unwrap();
    assert_eq!(value["cells"][1]["outputs"], json!([]));
    assert_eq!(value["cells"][1]["execution_count"], Value::Null);
}

#[test]
fn a_cell_deleted_on_one_side_and_edited_on_the_other_is_kept_between_markers() {
    let base = notebook(three(true), 5);
    let mut ours = base.clone();
    ours["cells"][2]["source"] = json!(["print(x * 2)"]);
    let mut theirs = base.clone();
    theirs["cells"].as_array_mut().unwrap().remove(2);
    let merged = run(&base, &ours, &theirs);
    assert_eq!(merged.conflicts.len(), 1);
    assert_eq!(
        sources(&merged.bytes)[2],
        "<<<<<<< ours (edited)\nprint(x * 2)\n=======\n>>>>>>> theirs (deleted this cell)"
    );
}

#[test]
fn a_cell_from_the_other_side_takes_the_current_layout() {
    let base = notebook(three(true), 5);
    let ours = base.clone();
    let mut theirs = base.clone();
    theirs["cells"]
        .as_array_mut()
        .unwrap()
        .push(cell("code", "added()", Some("c3")));
    let ours_bytes = String::from_utf8(write(&ours, b" "))
        .unwrap()
        .replace('\n', "\r\n");
    let merged = merge(
        &write(&base, b"  "),
        ours_bytes.as_bytes(),
        &write(&theirs, b"  "),
        &Options::default(),
    )
    .unwrap();
    let text = String::from_utf8(merged.bytes).unwrap();
    assert!(
        !text.replace("\r\n", "").contains('\n'),
        "only CRLF: {text}"
    );
    assert!(text.contains("\r\n  {\r\n   \"cell_type\": \"code\",\r\n   \"execution_count\": null,\r\n   \"id\": \"c3\""));
    // Everything before the added cell is the current side's.
    let end = ours_bytes.find("\r\n  }\r\n ]").unwrap();
    assert_eq!(&text[..end], &ours_bytes[..end]);
}

/// A markdown cell with `attachments` (file name → base64 PNG), or none.
fn markdown(source: &str, id: &str, attachments: &[(&str, &str)]) -> Value {
    let mut cell = cell("markdown", source, Some(id));
    if !attachments.is_empty() {
        let mut map = serde_json::Map::new();
        for (name, data) in attachments {
            map.insert((*name).to_owned(), json!({"image/png": data}));
        }
        cell["attachments"] = Value::Object(map);
    }
    cell
}

fn merged_value(merged: &Merged) -> Value {
    serde_json::from_slice(&merged.bytes).expect("valid JSON")
}

#[test]
fn an_attachment_added_on_one_side_is_kept() {
    let base = notebook(vec![markdown("Intro\n", "m1", &[])], 5);
    let ours = base.clone();
    // Only the attachments change (an image added and its reference not written yet).
    let theirs = notebook(vec![markdown("Intro\n", "m1", &[("a.png", "QUFB")])], 5);
    for (o, t) in [(&ours, &theirs), (&theirs, &ours)] {
        let merged = run(&base, o, t);
        assert!(merged.conflicts.is_empty(), "{:?}", merged.conflicts);
        let value = merged_value(&merged);
        assert_eq!(
            value["cells"][0]["attachments"]["a.png"]["image/png"],
            "QUFB"
        );
    }
}

#[test]
fn an_image_pasted_on_one_side_and_text_edited_on_the_other_keeps_both() {
    let base = notebook(vec![markdown("Title\n\nBody\n", "m1", &[])], 5);
    let ours = notebook(vec![markdown("Title, edited\n\nBody\n", "m1", &[])], 5);
    let theirs = notebook(
        vec![markdown(
            "Title\n\nBody\n![plot](attachment:plot.png)",
            "m1",
            &[("plot.png", "UExPVA==")],
        )],
        5,
    );
    let merged = run(&base, &ours, &theirs);
    assert!(merged.conflicts.is_empty(), "{:?}", merged.conflicts);
    assert_eq!(
        sources(&merged.bytes),
        ["Title, edited\n\nBody\n![plot](attachment:plot.png)"]
    );
    let value = merged_value(&merged);
    assert_eq!(
        value["cells"][0]["attachments"]["plot.png"]["image/png"],
        "UExPVA=="
    );
    // Jupyter's key order: `attachments` first; the rest of the file is the current side's.
    let text = String::from_utf8(merged.bytes.clone()).unwrap();
    let cell_start = text.find("\"attachments\"").unwrap();
    assert!(cell_start < text.find("\"cell_type\"").unwrap(), "{text}");
    let ours_text = String::from_utf8(write(&ours, b" ")).unwrap();
    let after_cells = |text: &str| text[text.find("\n ],\n").unwrap()..].to_owned();
    assert_eq!(after_cells(&text), after_cells(&ours_text));
    assert!(text.starts_with("{\n \"cells\": [\n  {\n   \"attachments\": {\n    \"plot.png\": {\n     \"image/png\": \"UExPVA==\"\n    }\n   },\n   \"cell_type\": \"markdown\",\n"), "{text}");
}

#[test]
fn attachments_merge_name_by_name_and_conflicts_keep_the_current_one() {
    let base = notebook(vec![markdown("x\n", "m1", &[("same.png", "QkFTRQ==")])], 5);
    let ours = notebook(
        vec![markdown(
            "x, ours\n",
            "m1",
            &[("same.png", "T1VSUw=="), ("ours.png", "T08=")],
        )],
        5,
    );
    let theirs = notebook(
        vec![markdown(
            "x\n",
            "m1",
            &[("same.png", "VEhFSVJT"), ("theirs.png", "VFQ=")],
        )],
        5,
    );
    let merged = run(&base, &ours, &theirs);
    let value = merged_value(&merged);
    let attachments = &value["cells"][0]["attachments"];
    assert_eq!(attachments["ours.png"]["image/png"], "T08=");
    assert_eq!(attachments["theirs.png"]["image/png"], "VFQ=");
    assert_eq!(attachments["same.png"]["image/png"], "T1VSUw==");
    assert_eq!(merged.conflicts.len(), 1, "{:?}", merged.conflicts);
    assert!(
        merged.conflicts[0].message.contains("attachments.same.png"),
        "{:?}",
        merged.conflicts
    );
    assert_eq!(sources(&merged.bytes), ["x, ours\n"]);
}

#[test]
fn an_attachment_deleted_on_one_side_while_the_other_edits_the_text_goes() {
    let base = notebook(vec![markdown("a\nb\n", "m1", &[("old.png", "T0xE")])], 5);
    let ours = notebook(vec![markdown("a\nb\n", "m1", &[])], 5);
    let theirs = notebook(
        vec![markdown("a\nb, theirs\n", "m1", &[("old.png", "T0xE")])],
        5,
    );
    let merged = run(&base, &ours, &theirs);
    assert!(merged.conflicts.is_empty(), "{:?}", merged.conflicts);
    let value = merged_value(&merged);
    assert!(value["cells"][0].get("attachments").is_none(), "{value}");
    assert_eq!(sources(&merged.bytes), ["a\nb, theirs\n"]);
}

#[test]
fn corpus_images_pasted_on_one_side_survive_the_other_sides_edit_of_the_cell() {
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    let mut files: Vec<std::path::PathBuf> = Vec::new();
    let mut stack = vec![corpus.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "ipynb") {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut cells_checked = 0;
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        if !text.contains("\"attachments\"") {
            continue;
        }
        let Ok(base) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        let with: Vec<usize> = base["cells"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
            .filter(|(_, cell)| {
                cell.get("attachments")
                    .is_some_and(|a| a.as_object().is_some_and(|a| !a.is_empty()))
            })
            .map(|(i, _)| i)
            .collect();
        if with.is_empty() {
            continue;
        }
        // The other branch pasted the images (the corpus cells as they are); the base had
        // none, and the current branch tagged the same cells.
        let theirs = base.clone();
        let mut base = base;
        for &i in &with {
            base["cells"][i]
                .as_object_mut()
                .unwrap()
                .remove("attachments");
        }
        let mut ours = base.clone();
        for &i in &with {
            ours["cells"][i]["metadata"]["tags"] = json!(["reviewed"]);
        }
        let merged = run(&base, &ours, &theirs);
        let name = path.display();
        assert!(
            merged.conflicts.is_empty(),
            "{name}: {:?}",
            merged.conflicts
        );
        let value = merged_value(&merged);
        for &i in &with {
            let cell = &value["cells"][i];
            assert_eq!(
                cell["attachments"], theirs["cells"][i]["attachments"],
                "{name}: cell {i}"
            );
            assert_eq!(
                cell["metadata"]["tags"],
                json!(["reviewed"]),
                "{name}: cell {i}"
            );
            assert_eq!(
                cell["source"], theirs["cells"][i]["source"],
                "{name}: cell {i}"
            );
            cells_checked += 1;
        }
    }
    // 7 cells of 17 notebooks hold images (the others an empty `attachments`).
    assert!(
        cells_checked >= 7,
        "only {cells_checked} cells with attachments in the corpus"
    );
}

/// The cell ids of a merged notebook, and its `nbformat_minor`.
fn ids_and_minor(bytes: &[u8]) -> (Vec<Option<String>>, u64) {
    let value: Value = serde_json::from_slice(bytes).unwrap();
    let ids = value["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|cell| cell.get("id").and_then(Value::as_str).map(str::to_owned))
        .collect();
    (ids, value["nbformat_minor"].as_u64().unwrap())
}

#[test]
fn a_side_upgraded_to_4_5_gives_the_result_4_5_and_every_cell_an_id() {
    let base = notebook(
        vec![
            cell("code", "a\nx\ny\n", None),
            cell("code", "b\nx\nz\n", None),
        ],
        4,
    );
    let old = notebook(
        vec![
            cell("code", "a, ours\nx\ny\n", None),
            cell("code", "b\nx\nz\n", None),
        ],
        4,
    );
    // Jupyter opened it on the other branch: ids added, 4.5; one cell edited, one added.
    let upgraded = notebook(
        vec![
            cell("code", "a\nx\ny\n", Some("i1")),
            cell("code", "b, theirs\nx\nz\n", Some("i2")),
            cell("code", "c\n", Some("i3")),
        ],
        5,
    );
    for (ours, theirs) in [(&old, &upgraded), (&upgraded, &old)] {
        let merged = run(&base, ours, theirs);
        assert!(merged.conflicts.is_empty(), "{:?}", merged.conflicts);
        assert_eq!(
            sources(&merged.bytes),
            ["a, ours\nx\ny\n", "b, theirs\nx\nz\n", "c\n"]
        );
        let (ids, minor) = ids_and_minor(&merged.bytes);
        assert_eq!(minor, 5);
        let ids: Vec<String> = ids
            .into_iter()
            .map(|id| id.expect("every cell has an id"))
            .collect();
        let unique: std::collections::HashSet<&String> = ids.iter().collect();
        assert_eq!(unique.len(), 3, "{ids:?}");
        // The upgraded side's ids are kept, on the cells it gave them to.
        assert_eq!(ids, ["i1", "i2", "i3"]);
        // Merging again gives the same ids (they are derived, not random).
        assert_eq!(run(&base, ours, theirs).bytes, merged.bytes);
    }
}

#[test]
fn two_notebooks_without_ids_stay_without() {
    let base = notebook(vec![cell("code", "a\n", None)], 4);
    let ours = notebook(vec![cell("code", "a, ours\n", None)], 4);
    let theirs = notebook(
        vec![cell("code", "a\n", None), cell("code", "b\n", None)],
        4,
    );
    let merged = run(&base, &ours, &theirs);
    let (ids, minor) = ids_and_minor(&merged.bytes);
    assert_eq!(minor, 4);
    assert!(ids.iter().all(Option::is_none), "{ids:?}");
}

#[test]
fn one_line_cells_edited_on_each_side_merge_in_place_without_ids() {
    let base = notebook(
        vec![
            cell("code", "df = load()", None),
            cell("code", "df.head()", None),
            cell("code", "df.describe()", None),
        ],
        4,
    );
    let ours = notebook(
        vec![
            cell("code", "df = load(cache=True)", None),
            cell("code", "df.head()", None),
            cell("code", "df.describe()", None),
        ],
        4,
    );
    let theirs = notebook(
        vec![
            cell("code", "df = load()", None),
            cell("code", "df.head(10)", None),
            cell("code", "df.describe()", None),
        ],
        4,
    );
    let merged = run(&base, &ours, &theirs);
    assert!(merged.conflicts.is_empty(), "{:?}", merged.conflicts);
    assert_eq!(
        sources(&merged.bytes),
        ["df = load(cache=True)", "df.head(10)", "df.describe()"]
    );
    // Both sides edit the same one-line cell: one cell, a conflict inside it (not two cells).
    let mut theirs_too = theirs.clone();
    theirs_too["cells"][0]["source"] = json!(["df = load(fresh=True)"]);
    let merged = run(&base, &ours, &theirs_too);
    assert_eq!(
        merged.cells,
        3,
        "{}",
        String::from_utf8_lossy(&merged.bytes)
    );
    assert_eq!(merged.conflicts.len(), 1, "{:?}", merged.conflicts);
    let first = &sources(&merged.bytes)[0];
    assert!(
        first.contains("load(cache=True)") && first.contains("load(fresh=True)"),
        "{first}"
    );
}
