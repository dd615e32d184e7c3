//! End-to-end tests of how `nbtidy format` reports files it cannot work on: exit code 2, a message
//! naming the file, nothing written to it, and the other notebooks still processed.

mod common;

use common::{Project, code_notebook};

/// Invalid JSON: a stray comma opens line 4.
const BROKEN_JSON: &str = "{\n \"cells\": [\n  {\n   ,\"cell_type\": \"code\"\n  }\n ]\n}\n";

#[test]
fn invalid_json_is_an_error_naming_the_file_and_position_and_the_rest_is_formatted() {
    let project = Project::new();
    project.write("bad.ipynb", BROKEN_JSON);
    project.write("good.ipynb", code_notebook(&["x=1"]));

    let run = project.run(&["format", "."]);

    run.assert_code(2);
    let error_line = run
        .stderr
        .lines()
        .find(|line| line.contains("bad.ipynb"))
        .unwrap_or_else(|| panic!("no error names bad.ipynb:\n{}", run.stderr));
    assert!(error_line.starts_with("error: "), "{error_line}");
    assert!(
        error_line.contains("line 4 column 4"),
        "the error gives the line and column: {error_line}"
    );
    run.assert_stderr_contains("1 notebook reformatted, 0 left unchanged, 1 error\n");
    assert_eq!(project.read("bad.ipynb"), BROKEN_JSON);
    assert_eq!(project.read("good.ipynb"), code_notebook(&["x = 1"]));
}

#[test]
fn invalid_json_named_on_the_command_line_does_not_stop_the_next_file() {
    let project = Project::new();
    project.write("bad.ipynb", BROKEN_JSON);
    project.write("good.ipynb", code_notebook(&["x=1"]));

    let run = project.run(&["format", "--check", "bad.ipynb", "good.ipynb"]);

    // An error outranks "would reformat".
    run.assert_code(2);
    assert_eq!(run.stdout, "would reformat: good.ipynb\n");
    run.assert_stderr_contains("error: bad.ipynb: ");
    assert_eq!(project.read("bad.ipynb"), BROKEN_JSON);
    assert_eq!(project.read("good.ipynb"), code_notebook(&["x=1"]));
}

#[test]
fn nbformat_3_is_rejected_clearly() {
    let project = Project::new();
    let v3 = r#"{
 "metadata": {
  "name": "old"
 },
 "nbformat": 3,
 "nbformat_minor": 0,
 "worksheets": [
  {
   "cells": [
    {
     "cell_type": "code",
     "input": [
      "x=1"
     ],
     "language": "python",
     "metadata": {},
     "outputs": []
    }
   ],
   "metadata": {}
  }
 ]
}
"#;
    project.write("old.ipynb", v3);

    let run = project.run(&["format", "old.ipynb"]);

    run.assert_code(2);
    run.assert_stderr_contains("error: old.ipynb: nbformat 3 is not supported");
    assert_eq!(project.read("old.ipynb"), v3);
}

#[test]
fn a_file_that_is_not_a_notebook_is_an_error() {
    let project = Project::new();
    project.write("list.ipynb", "[1, 2, 3]\n");
    project.write("nocells.ipynb", "{\"metadata\": {}, \"nbformat\": 4}\n");

    let run = project.run(&["format", "list.ipynb", "nocells.ipynb"]);

    run.assert_code(2);
    run.assert_stderr_contains("error: list.ipynb: ");
    run.assert_stderr_contains("error: nocells.ipynb: not a notebook");
    run.assert_stderr_contains("0 notebooks reformatted, 0 left unchanged, 2 errors\n");
    assert_eq!(project.read("list.ipynb"), "[1, 2, 3]\n");
}

#[test]
fn a_notebook_that_is_not_utf8_is_an_error() {
    let project = Project::new();
    let latin1 = b"{\n \"cells\": [],\n \"metadata\": {\"title\": \"caf\xe9\"},\n \"nbformat\": 4,\n \"nbformat_minor\": 5\n}\n";
    project.write("latin1.ipynb", latin1);

    let run = project.run(&["format", "latin1.ipynb"]);

    run.assert_code(2);
    run.assert_stderr_contains("error: latin1.ipynb: ");
    assert_eq!(project.read_bytes("latin1.ipynb"), latin1);
}

#[test]
fn a_nonexistent_path_is_an_error() {
    let project = Project::new();

    let run = project.run(&["format", "missing.ipynb"]);

    run.assert_code(2);
    run.assert_stderr_contains("missing.ipynb");
    assert_eq!(run.stdout, "");
    assert_eq!(project.list(""), [".editorconfig"]);
}

#[test]
fn a_nonexistent_directory_is_an_error() {
    let project = Project::new();

    let run = project.run(&["format", "--check", "nowhere"]);

    run.assert_code(2);
    run.assert_stderr_contains("nowhere");
}

#[test]
fn an_invalid_exclude_glob_is_an_error() {
    let project = Project::new();
    project.write("nb.ipynb", code_notebook(&["x=1"]));

    let run = project.run(&["format", "--exclude", "a[", "."]);

    run.assert_code(2);
    run.assert_stderr_contains("a[");
    assert_eq!(project.read("nb.ipynb"), code_notebook(&["x=1"]));
}

#[test]
fn invalid_command_line_values_are_rejected() {
    let project = Project::new();
    project.write("nb.ipynb", code_notebook(&["x=1"]));

    for args in [
        ["format", "--indent-width", "0", "nb.ipynb"],
        ["format", "--indent-width", "17", "nb.ipynb"],
        ["format", "--line-length", "wide", "nb.ipynb"],
        ["format", "--quote-style", "backtick", "nb.ipynb"],
        ["format", "--indent-style", "both", "nb.ipynb"],
    ] {
        let run = project.run(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("error"), "{args:?}: {}", run.stderr);
    }
    assert_eq!(project.read("nb.ipynb"), code_notebook(&["x=1"]));
}

#[test]
fn a_nonexistent_path_does_not_stop_the_other_paths() {
    let project = Project::new();
    project.write("good.ipynb", code_notebook(&["x=1"]));

    let run = project.run(&["format", "missing.ipynb", "good.ipynb"]);

    run.assert_code(2);
    run.assert_stderr_contains("missing.ipynb");
    assert_eq!(project.read("good.ipynb"), code_notebook(&["x = 1"]));
}
