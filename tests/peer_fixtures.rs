//! The peer tools' own fixtures and expectations: ruff's and black's formatted notebooks, ruff's
//! cell classification cases.

mod support;

use std::ffi::OsStr;
use std::path::Path;

use nbtidy_notebook::{CodeKind, classify_code};
use support::*;

/// Code cell sources of a notebook, via serde_json (independent of nbtidy's parser).
fn code_sources(path: &Path) -> Vec<String> {
    let value: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    value["cells"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|cell| cell["cell_type"] == "code")
        .map(source_text)
        .collect()
}

/// Formats a copy of `input` with default settings and returns the copy's path.
fn format_copy(dir: &Path, input: &Path) -> std::path::PathBuf {
    let copy = dir.join(input.file_name().unwrap());
    support::copy_file(input, &copy);
    let output = nbtidy(&[OsStr::new("format"), copy.as_os_str()]);
    assert!(output.status.success(), "{}", stderr(&output));
    copy
}

#[test]
fn matches_ruffs_formatted_notebooks_except_kept_semicolons() {
    let ruff = shared().join("peer-fixtures/ruff");
    let temp = tempfile::tempdir().unwrap();
    let mut semicolons = 0;
    let mut equal = 0;
    for name in ["trailing_semicolon", "unformatted"] {
        let input = ruff.join(format!(
            "crates__ruff__resources__test__fixtures__{name}.ipynb"
        ));
        let expected = ruff.join(format!(
            "generated/crates__ruff__resources__test__fixtures__{name}.ruff-formatted.ipynb"
        ));
        let ours = code_sources(&format_copy(temp.path(), &input));
        let theirs = code_sources(&expected);
        assert_eq!(ours.len(), theirs.len());
        for (ours, theirs) in ours.iter().zip(&theirs) {
            if ours == theirs {
                equal += 1;
            } else {
                assert!(
                    only_kept_semicolon(ours, theirs),
                    "differs from ruff beyond a kept semicolon:\nours:   {ours:?}\ntheirs: {theirs:?}"
                );
                semicolons += 1;
            }
        }
    }
    // ruff drops the output-silencing semicolon after `x = y = 1;`, `x, y = 1, 2;`, `p.x = 1;`
    // and `data["foo"] = 1;`; nbtidy keeps all four.
    assert_eq!(semicolons, 4);
    assert!(equal > 20);
}

#[test]
fn matches_blacks_formatted_notebooks() {
    let black = shared().join("peer-fixtures/black");
    let temp = tempfile::tempdir().unwrap();
    for name in [
        "notebook_trailing_newline",
        "notebook_no_trailing_newline",
        "notebook_empty_metadata",
    ] {
        let input = black.join(format!("tests__data__jupyter__{name}.ipynb"));
        let expected = black.join(format!(
            "generated/tests__data__jupyter__{name}.black-formatted.ipynb"
        ));
        let formatted = format_copy(temp.path(), &input);
        assert_eq!(code_sources(&formatted), code_sources(&expected), "{name}");
        // black re-indents nothing here either: the whole file matches when black kept the layout.
        let ours = std::fs::read(&formatted).unwrap();
        let theirs = std::fs::read(&expected).unwrap();
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            String::from_utf8(theirs).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn leaves_unchanged_and_non_python_notebooks_byte_identical() {
    let temp = tempfile::tempdir().unwrap();
    for input in [
        "black/tests__data__jupyter__notebook_without_changes.ipynb",
        "black/tests__data__jupyter__non_python_notebook.ipynb",
        "ruff/crates__ruff_notebook__resources__test__fixtures__jupyter__R.ipynb",
        "nbqa/tests__invalid_data__non_python_notebook.ipynb",
    ] {
        let input = shared().join("peer-fixtures").join(input);
        let copy = format_copy(temp.path(), &input);
        assert!(
            std::fs::read(&copy).unwrap() == std::fs::read(&input).unwrap(),
            "{}",
            input.display()
        );
    }
}

#[test]
fn rejects_what_cannot_be_parsed_with_one_clear_message() {
    let temp = tempfile::tempdir().unwrap();
    for input in [
        "black/tests__data__jupyter__notebook_which_cant_be_parsed.ipynb",
        "ruff/crates__ruff_notebook__resources__test__fixtures__jupyter__not_json.ipynb",
        "nbstripout/tests__e2e_notebooks__test_invalid_json.ipynb",
    ] {
        let input = shared().join("peer-fixtures").join(input);
        let copy = temp.path().join(input.file_name().unwrap());
        std::fs::copy(&input, &copy).unwrap();
        let output = nbtidy(&[OsStr::new("format"), copy.as_os_str()]);
        assert_eq!(output.status.code(), Some(2));
        let err = stderr(&output);
        let first = err.lines().next().unwrap();
        assert!(
            first.starts_with(&format!("error: {}: invalid JSON at line ", copy.display())),
            "{err}"
        );
        assert!(std::fs::read(&copy).unwrap() == std::fs::read(&input).unwrap());
    }
}

#[test]
fn vscode_language_cells_are_left_alone() {
    let ruff = shared().join("peer-fixtures/ruff");
    let temp = tempfile::tempdir().unwrap();
    let input = ruff.join(
        "crates__ruff_notebook__resources__test__fixtures__jupyter__vscode_language_id.ipynb",
    );
    let before = code_sources(&input);
    let after = code_sources(&format_copy(temp.path(), &input));
    let value: serde_json::Value = serde_json::from_slice(&std::fs::read(&input).unwrap()).unwrap();
    let languages: Vec<Option<&str>> = value["cells"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["cell_type"] == "code")
        .map(|c| c["metadata"]["vscode"]["languageId"].as_str())
        .collect();
    let mut other = 0;
    for ((before, after), language) in before.iter().zip(&after).zip(languages) {
        if language.is_some_and(|l| l != "python") {
            assert_eq!(before, after);
            other += 1;
        }
    }
    assert!(other > 0);
}

/// ruff's `cell/*.json` cases with ruff's verdict (`is_valid_python_code_cell`); nbtidy agrees.
#[test]
fn classifies_rufs_cell_fixtures_like_ruff() {
    let cases = [
        ("automagic", false),
        ("automagic_after_code", true),
        ("automagic_assignment", true),
        ("automagic_before_code", false),
        ("automagics", false),
        ("cell_magic", false),
        ("code_and_magic", true),
        ("only_code", true),
        ("only_magic", true),
        ("unicode_magic_gh9145", true),
        ("valid_cell_magic", true),
        ("vscode_language_id_javascript", false),
        ("vscode_language_id_python", true),
    ];
    for (name, python) in cases {
        let path = shared().join(format!(
            "peer-fixtures/ruff/crates__ruff_notebook__resources__test__fixtures__jupyter__cell__{name}.json"
        ));
        let cell: serde_json::Value =
            serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        let source = source_text(&cell);
        let language = cell["metadata"]["vscode"]["languageId"].as_str();
        let kind = classify_code(&source, language);
        assert_eq!(kind == CodeKind::Python, python, "{name}: {kind:?}");
    }
}
