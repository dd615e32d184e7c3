//! Hostile scale: inputs built to make a per-finding cost grow with the input (a finding on every
//! line of one huge cell, thousands of empty cells, a notebook written as one line, a diff where
//! every line changed). Each case runs at a modest size and checks the result (number of
//! findings, their positions, the fixed notebook, the diff). There is no speed assertion here
//! (speed lives in `bench/stress.py`); the timeout is only a guard against a hang.

mod common;

use std::sync::mpsc;
use std::time::Duration;

use common::{Project, Run, cell, code_notebook, notebook, python_metadata};
use serde_json::Value;

/// A run that does not finish in this time is a hang, not a slow run.
const HANG_GUARD: Duration = Duration::from_secs(120);

/// Lines in the one-cell cases.
const LINES: usize = 2_000;

/// Runs `nbtidy ARGS` in `project`, failing the test if it has not finished after [`HANG_GUARD`].
fn run(project: &Project, args: &[&str]) -> Run {
    let root = project.root().to_owned();
    let args: Vec<String> = args.iter().map(|&arg| arg.to_owned()).collect();
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let output = common::nbtidy_command(&root)
            .args(&args)
            .output()
            .expect("start nbtidy");
        let _ = send.send(Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        });
    });
    receive
        .recv_timeout(HANG_GUARD)
        .expect("nbtidy did not finish: a hang")
}

/// One code cell holding `lines` joined by newlines.
fn one_cell(lines: impl Iterator<Item = String>) -> String {
    code_notebook(&[&lines.collect::<Vec<_>>().join("\n")])
}

/// The findings of `check --output-format json`.
fn json_findings(run: &Run) -> Vec<Value> {
    serde_json::from_str::<Value>(&run.stdout)
        .expect("json output")
        .as_array()
        .expect("an array")
        .clone()
}

/// The code of the only cell of the notebook `path`.
fn cell_code(project: &Project, path: &str, index: usize) -> String {
    let nb: Value = serde_json::from_str(&project.read(path)).expect("a notebook");
    let source = &nb["cells"][index]["source"];
    match source {
        Value::String(text) => text.clone(),
        Value::Array(lines) => lines.iter().map(|l| l.as_str().unwrap()).collect(),
        _ => panic!("no source"),
    }
}

#[test]
fn trailing_whitespace_on_every_line_in_every_output_format() {
    let project = Project::new();
    project.write(
        "nb.ipynb",
        one_cell((0..LINES).map(|i| format!("x{i} = {i}   "))),
    );
    let json = run(
        &project,
        &[
            "check",
            "--select",
            "W291",
            "--output-format",
            "json",
            "nb.ipynb",
        ],
    );
    let findings = json_findings(&json);
    assert_eq!(findings.len(), LINES);
    for (i, finding) in findings.iter().enumerate() {
        let width = format!("x{i} = {i}").len();
        assert_eq!(finding["location"]["row"], i + 1);
        assert_eq!(finding["location"]["column"], width + 1);
        // Jupyter's layout: the cell's line i is on line 9 + i of the file, after `    "`.
        assert_eq!(finding["file_location"]["row"], 9 + i);
        assert_eq!(finding["file_location"]["column"], 5 + width + 1);
    }
    let count = |format: &str, needle: &str| {
        let out = run(
            &project,
            &[
                "check",
                "--select",
                "W291",
                "--output-format",
                format,
                "nb.ipynb",
            ],
        );
        out.stdout.matches(needle).count()
    };
    assert_eq!(count("full", ": W291 [*] trailing whitespace\n"), LINES);
    assert_eq!(count("concise", ": W291 [*] trailing whitespace\n"), LINES);
    assert_eq!(count("github", "::warning title=nbtidy (W291)"), LINES);
    assert_eq!(count("gitlab", "\"check_name\": \"W291\""), LINES);
    assert_eq!(count("sarif", "\"ruleId\": \"W291\""), LINES);
    assert_eq!(count("junit", "<testcase name=\"W291 cell 1:"), LINES);
    // The last finding's frame shows the last row.
    let full = run(&project, &["check", "--select", "W291", "nb.ipynb"]);
    assert!(full.stdout.contains(&format!(
        "{LINES} | x{last} = {last}   \n",
        last = LINES - 1
    )));
}

#[test]
fn fixes_with_a_finding_on_every_line() {
    let project = Project::new();
    let lines = || (0..LINES).map(|i| format!("x{i} = {i}"));
    project.write("w.ipynb", one_cell(lines().map(|line| format!("{line}  "))));
    project.write(
        "e.ipynb",
        one_cell(
            lines()
                .map(|line| format!("{line};"))
                .chain(["x0".to_owned()]),
        ),
    );
    project.write(
        "f.ipynb",
        one_cell((0..LINES).map(|i| format!("import x{i}"))),
    );
    project.write(
        "diff.ipynb",
        one_cell(lines().map(|line| format!("{line}  "))),
    );

    let diff = run(
        &project,
        &["check", "--select", "W291", "--diff", "diff.ipynb"],
    );
    diff.assert_code(1);
    assert_eq!(diff.stdout.matches("\n-x").count(), LINES);
    assert_eq!(diff.stdout.matches("\n+x").count(), LINES);
    assert_eq!(diff.stdout.matches("@@ ").count(), 1);

    run(&project, &["check", "--select", "W291", "--fix", "w.ipynb"]).assert_code(0);
    assert_eq!(
        cell_code(&project, "w.ipynb", 0),
        lines().collect::<Vec<_>>().join("\n")
    );

    run(&project, &["check", "--select", "E703", "--fix", "e.ipynb"]).assert_code(0);
    let expected: Vec<String> = lines().chain(["x0".to_owned()]).collect();
    assert_eq!(cell_code(&project, "e.ipynb", 0), expected.join("\n"));

    let fixed = run(
        &project,
        &[
            "check",
            "--select",
            "F401",
            "--fix",
            "--unsafe-fixes",
            "f.ipynb",
        ],
    );
    fixed.assert_code(0);
    assert!(
        fixed.stderr.contains(&format!("Fixed {LINES} findings")),
        "{}",
        fixed.stderr
    );
    assert_eq!(cell_code(&project, "f.ipynb", 0), "");
}

#[test]
fn unused_imports_long_lines_and_noqa_on_every_line() {
    let project = Project::new();
    project.write(
        "f.ipynb",
        one_cell((0..LINES).map(|i| format!("import x{i}"))),
    );
    project.write(
        "noqa.ipynb",
        one_cell((0..LINES).map(|i| format!("import x{i}  # noqa: F401"))),
    );
    project.write(
        "other.ipynb",
        one_cell((0..LINES).map(|i| format!("import x{i}  # noqa: E501"))),
    );
    let long = format!("y = '{}'", "a b ".repeat(30));
    project.write("long.ipynb", one_cell((0..LINES).map(|_| long.clone())));
    // All imports on one line: every finding on the same (long) row.
    let names: Vec<String> = (0..LINES).map(|i| format!("x{i}")).collect();
    project.write(
        "one.ipynb",
        code_notebook(&[&format!("import {}", names.join(", "))]),
    );

    let count = |path: &str, select: &str| {
        let out = run(
            &project,
            &["check", "--select", select, "--output-format", "json", path],
        );
        json_findings(&out)
    };
    assert_eq!(count("f.ipynb", "F401").len(), LINES);
    assert_eq!(count("noqa.ipynb", "F401").len(), 0);
    assert_eq!(count("other.ipynb", "F401").len(), LINES);
    assert_eq!(count("long.ipynb", "E501").len(), LINES);
    let one = count("one.ipynb", "F401");
    assert_eq!(one.len(), LINES);
    let last = one.last().expect("findings");
    let column = "import ".len() + names[..LINES - 1].join(", ").len() + ", ".len() + 1;
    assert_eq!(last["location"]["row"], 1);
    assert_eq!(last["location"]["column"], column);
}

#[test]
fn thousands_of_empty_cells_are_found_and_removed() {
    const CELLS: usize = 5_000;
    let project = Project::new();
    let cells: Vec<(&str, &str)> = (0..CELLS).map(|_| ("code", "")).collect();
    let mut with_code = cells.clone();
    with_code.push(("code", "x = 1"));
    project.write("nb.ipynb", notebook(&with_code));
    let found = run(
        &project,
        &[
            "check",
            "--select",
            "NB007",
            "--output-format",
            "json",
            "nb.ipynb",
        ],
    );
    let findings = json_findings(&found);
    assert_eq!(findings.len(), CELLS);
    assert!(findings.iter().all(|f| f["code"] == "NB007"));
    run(
        &project,
        &["check", "--select", "NB007", "--fix", "nb.ipynb"],
    )
    .assert_code(0);
    let nb: Value = serde_json::from_str(&project.read("nb.ipynb")).expect("a notebook");
    let cells = nb["cells"].as_array().expect("cells");
    assert_eq!(cells.len(), 1);
    assert_eq!(cells[0]["source"], serde_json::json!(["x = 1"]));
}

#[test]
fn a_notebook_on_one_line_reports_columns_of_that_line() {
    const CELLS: usize = 300;
    let log: Vec<String> = (0..40)
        .map(|i| format!("line {i} of the log: é€\n"))
        .collect();
    let make_cells = || -> Vec<Value> {
        (0..CELLS)
            .map(|i| {
                serde_json::json!({
                    "cell_type": "code",
                    "execution_count": i + 1,
                    "id": format!("cell-{i}"),
                    "metadata": {},
                    "outputs": [{"name": "stdout", "output_type": "stream", "text": log}],
                    "source": [format!("import os\n"), format!("x{i} = 1   \n"), format!("print(x{i});")],
                })
            })
            .collect()
    };
    let nb = serde_json::json!({
        "cells": make_cells(),
        "metadata": python_metadata(),
        "nbformat": 4,
        "nbformat_minor": 5,
    });
    let compact = serde_json::to_string(&nb).expect("serialize");
    assert!(!compact.contains('\n'));
    let project = Project::new();
    project.write("compact.ipynb", &compact);
    project.write("pretty.ipynb", common::jupyter_json(&nb));
    let findings = |path: &str| {
        json_findings(&run(
            &project,
            &["check", "--select", "ALL", "--output-format", "json", path],
        ))
    };
    let (compact_findings, pretty) = (findings("compact.ipynb"), findings("pretty.ipynb"));
    assert!(
        compact_findings.len() >= 3 * CELLS,
        "{}",
        compact_findings.len()
    );
    assert_eq!(compact_findings.len(), pretty.len());
    let place = |f: &Value| (f["code"].clone(), f["cell"].clone(), f["location"].clone());
    for (a, b) in compact_findings.iter().zip(&pretty) {
        assert_eq!(place(a), place(b));
        // Every position of the one-line file is on line 1, at the character where it is.
        assert_eq!(a["file_location"]["row"], 1);
        let column = a["file_location"]["column"].as_u64().expect("column") as usize;
        assert!(column >= 1 && column <= compact.chars().count() + 1);
    }
    // A finding in the code of cell i points into that cell's source on the line.
    let w291: Vec<&Value> = compact_findings
        .iter()
        .filter(|f| f["code"] == "W291")
        .collect();
    assert_eq!(w291.len(), CELLS);
    for (i, finding) in w291.iter().enumerate() {
        let column = finding["file_location"]["column"].as_u64().unwrap() as usize;
        let before: String = compact.chars().take(column - 1).collect();
        assert!(before.ends_with(&format!("\"x{i} = 1")), "cell {i}");
    }
}

#[test]
fn a_diff_where_every_line_changed() {
    const BIG: usize = 20_000;
    let project = Project::new();
    project.write(
        "nb.ipynb",
        one_cell((0..BIG).map(|i| format!("x{i}=[{i},{i}]"))),
    );
    let diff = run(&project, &["format", "--diff", "nb.ipynb"]);
    diff.assert_code(1);
    let lines: Vec<&str> = diff.stdout.lines().collect();
    assert_eq!(lines[0], "--- a/nb.ipynb:cell 1");
    assert_eq!(lines[1], "+++ b/nb.ipynb:cell 1");
    assert_eq!(lines[2], format!("@@ -1,{BIG} +1,{BIG} @@"));
    assert_eq!(lines.len(), 3 + 2 * BIG);
    for i in 0..BIG {
        assert_eq!(lines[3 + i], format!("-x{i}=[{i},{i}]"));
        assert_eq!(lines[3 + BIG + i], format!("+x{i} = [{i}, {i}]"));
    }
}

#[test]
fn secrets_on_every_line_are_found_and_masked() {
    const SECRETS: usize = 500;
    let token = "ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5A";
    let project = Project::new();
    let text: Vec<String> = (0..SECRETS).map(|i| format!("t{i} = '{token}'")).collect();
    project.write(
        "nb.ipynb",
        common::build(&[cell("code", &text.join("\n"))], python_metadata()),
    );
    let full = run(&project, &["check", "--select", "NB016", "nb.ipynb"]);
    full.assert_code(1);
    assert_eq!(full.stdout.matches(": NB016 ").count(), SECRETS);
    assert!(!full.stdout.contains(&token[4..12]));
    assert_eq!(full.stdout.matches("'ghp_*****").count(), SECRETS);
}
