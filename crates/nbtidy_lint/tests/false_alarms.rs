//! False alarms and wrong fixes found on real notebooks (issue 12): each case as a small
//! notebook, checked with one rule selection, then fixed.

use std::path::Path;

use nbtidy_config::Overrides;
use nbtidy_diagnostics::Applicability;
use nbtidy_lint::fix::fix_notebook;
use nbtidy_lint::{Selection, SelectionArgs, check_notebook};
use nbtidy_notebook::Notebook;
use serde_json::{Value, json};

/// A code cell.
fn code(source: &str) -> Value {
    json!({"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [], "source": source})
}

/// A markdown cell.
fn markdown(source: &str) -> Value {
    json!({"cell_type": "markdown", "metadata": {}, "source": source})
}

fn notebook(cells: &[Value]) -> Vec<u8> {
    serde_json::to_vec_pretty(&json!({
        "cells": cells,
        "metadata": {"language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5
    }))
    .unwrap()
}

/// What checking and fixing a notebook gave.
struct Outcome {
    /// `CODE cell:row:col message [safe|unsafe fix]`.
    findings: Vec<String>,
    /// The cells' sources after applying every fix (safe and unsafe); `None` when nothing changed.
    fixed: Option<Vec<String>>,
    /// The cells' sources after applying the safe fixes only.
    fixed_safe: Option<Vec<String>>,
}

fn sources(bytes: &[u8]) -> Vec<String> {
    let parsed = Notebook::parse(bytes).unwrap();
    (0..parsed.cells().len())
        .map(|i| parsed.source(i).unwrap().text.into_owned())
        .collect()
}

/// Checks `bytes` with the rules `select` (comma-separated), `.editorconfig` lines `config`.
fn run_bytes(bytes: &[u8], select: &str, config: &str) -> Outcome {
    let temp = tempfile::tempdir().unwrap();
    std::fs::write(
        temp.path().join(".editorconfig"),
        format!("root = true\n\n[*]\n{config}\n"),
    )
    .unwrap();
    let path = temp.path().join("n.ipynb");
    std::fs::write(&path, bytes).unwrap();
    let resolved = nbtidy_lint::resolver(Overrides::default())
        .resolve(&path)
        .unwrap();
    assert!(resolved.warnings.is_empty(), "{:?}", resolved.warnings);
    let args = SelectionArgs {
        select: Some(select.split(',').map(str::to_owned).collect()),
        ..SelectionArgs::default()
    };
    let (selection, problems) = Selection::resolve(&resolved, &args);
    assert!(problems.is_empty(), "{problems:?}");
    let display = Path::new("n.ipynb");
    let checked = check_notebook(display, bytes, &resolved, &selection).unwrap();
    let findings = checked
        .diagnostics
        .iter()
        .map(|d| {
            let fix = match d.fix.as_ref().map(|f| f.applicability) {
                Some(Applicability::Safe) => " [safe fix]",
                Some(_) => " [unsafe fix]",
                None => "",
            };
            format!(
                "{} {}:{}:{} {}{fix}",
                d.code,
                d.location.cell.unwrap_or(0),
                d.location.start.row,
                d.location.start.column,
                d.message
            )
        })
        .collect();
    let fixed = fix_notebook(display, bytes, &resolved, &selection, true).unwrap();
    assert!(fixed.dropped.is_empty(), "{:?}", fixed.dropped);
    let fixed_safe = fix_notebook(display, bytes, &resolved, &selection, false).unwrap();
    Outcome {
        findings,
        fixed: fixed.bytes.as_deref().map(sources),
        fixed_safe: fixed_safe.bytes.as_deref().map(sources),
    }
}

fn run(cells: &[Value], select: &str, config: &str) -> Outcome {
    run_bytes(&notebook(cells), select, config)
}

// ----- NB002 -----

#[test]
fn nb002_colab_zero_counts_are_not_runs() {
    // Colab saves `"execution_count": 0` on every cell of a notebook never run.
    let cell = |source: &str| {
        let mut cell = code(source);
        cell["execution_count"] = json!(0);
        cell
    };
    let outcome = run(&[cell("a = 1"), cell("b = 2"), cell("c = 3")], "NB002", "");
    assert!(outcome.findings.is_empty(), "{:?}", outcome.findings);
    // Zeros among real counts are skipped; the real counts are still compared.
    let mut ran = code("x = 1");
    ran["execution_count"] = json!(3);
    let mut earlier = code("y = 1");
    earlier["execution_count"] = json!(2);
    let outcome = run(&[ran, cell("z"), earlier], "NB002", "");
    assert_eq!(outcome.findings.len(), 1, "{:?}", outcome.findings);
}

// ----- NB007 -----

#[test]
fn nb007_never_removes_the_last_cell() {
    let mut with_outputs = code("");
    with_outputs["outputs"] = json!([{"output_type": "stream", "name": "stdout", "text": "x"}]);
    // The only cell: reported, no fix.
    let outcome = run(std::slice::from_ref(&with_outputs), "NB007", "");
    assert_eq!(outcome.findings, ["NB007 1:1:1 code cell 1 is empty"]);
    assert!(outcome.fixed.is_none());
    // Every cell empty: all but the last go.
    let outcome = run(&[code(""), markdown("  "), with_outputs], "NB007", "");
    assert_eq!(outcome.findings.len(), 3);
    assert!(
        outcome.findings[2].ends_with("is empty"),
        "{:?}",
        outcome.findings
    );
    assert_eq!(outcome.fixed.unwrap(), [""]);
    // With a non-empty cell left, every empty cell goes.
    let outcome = run(&[code(""), code("x = 1"), code("\n")], "NB007", "");
    assert_eq!(outcome.fixed.unwrap(), ["x = 1"]);
}

// ----- F821 -----

#[test]
fn f821_global_bound_by_a_later_function() {
    let cells = [
        code("def use():\n    return sess.run(1)"),
        code("def reset():\n    global sess\n    sess = 1\n\nreset()"),
        code("use()"),
    ];
    let outcome = run(&cells, "F821,NB001", "");
    assert!(outcome.findings.is_empty(), "{:?}", outcome.findings);
    // Still reported without the `global`.
    let cells = [
        code("def use():\n    return sess.run(1)"),
        code("def reset():\n    sess = 1"),
    ];
    let outcome = run(&cells, "F821", "");
    assert_eq!(outcome.findings, ["F821 1:2:12 undefined name `sess`"]);
}

#[test]
fn f821_nbtidy_builtins_are_defined_everywhere() {
    let cells = [
        code("df = spark.read.table('t')\ndisplayHTML(df)\nprint(dbutils, sc, other)"),
        code("def f():\n    return spark"),
    ];
    let config = "nbtidy_builtins = spark, sc,dbutils , displayHTML";
    let outcome = run(&cells, "F821,NB001", config);
    assert_eq!(outcome.findings, ["F821 1:3:20 undefined name `other`"]);
    let outcome = run(&cells, "F821", "");
    assert_eq!(outcome.findings.len(), 6, "{:?}", outcome.findings);
}

// ----- F841 -----

#[test]
fn f841_removes_statements_without_side_effects() {
    let cells = [code(
        "def f(x):\n    reformatted_segments = []\n    pair = (x, 'a', -1, {'k': [None]})\n    kept = g(x)\n    y = x[0]\n    return x\n\ndef h():\n    only = {}",
    )];
    let outcome = run(&cells, "F841", "");
    assert_eq!(outcome.findings.len(), 5, "{:?}", outcome.findings);
    assert!(
        outcome.findings.iter().all(|f| f.ends_with("[unsafe fix]")),
        "{:?}",
        outcome.findings
    );
    assert_eq!(
        outcome.fixed.unwrap(),
        ["def f(x):\n    g(x)\n    x[0]\n    return x\n\ndef h():\n    pass"]
    );
    assert!(outcome.fixed_safe.is_none());
    // On one line with another statement.
    let outcome = run(&[code("def f():\n    a = 1; return 2")], "F841", "");
    assert_eq!(outcome.fixed.unwrap(), ["def f():\n    return 2"]);
}

// ----- F401 -----

#[test]
fn f401_fix_is_unsafe_on_a_commented_line() {
    let cells = [code(
        "import tensorflow_text as text  # Imports TF ops for preprocessing.\nimport os\nimport a, b  # a: plugins\nb.x()",
    )];
    let outcome = run(&cells, "F401", "");
    assert_eq!(
        outcome.findings,
        [
            "F401 1:1:8 `tensorflow_text` imported as `text` but unused [unsafe fix]",
            "F401 1:2:8 `os` imported but unused [safe fix]",
            "F401 1:3:8 `a` imported but unused [unsafe fix]",
        ]
    );
    assert_eq!(
        outcome.fixed_safe.unwrap(),
        [
            "import tensorflow_text as text  # Imports TF ops for preprocessing.\nimport a, b  # a: plugins\nb.x()"
        ]
    );
}

#[test]
fn f401_allowed_unused_imports() {
    let cells = [code(
        "import tensorflow_text as text\nimport tensorflow_textual\nimport hvplot.pandas\nfrom hvplot import pandas\nimport hvplot\nfrom hvplot.pandas import plot",
    )];
    let outcome = run(
        &cells,
        "F401",
        "nbtidy_allowed_unused_imports = tensorflow_text, hvplot.pandas",
    );
    assert_eq!(
        outcome.findings,
        [
            "F401 1:2:8 `tensorflow_textual` imported but unused [safe fix]",
            "F401 1:5:8 `hvplot` imported but unused [safe fix]",
        ]
    );
}

// ----- Indented cells (IPython's leading_indent) -----

#[test]
fn indented_cells_are_checked_as_ipython_runs_them() {
    let cells = [
        code(
            "    import os\n    import sys\n    x = sys.argv   \n    if x:\n        print(undefined_here)",
        ),
        code("  def f():\n      y = []\n      return 1"),
    ];
    let outcome = run(&cells, "E999,F401,F821,F841,W291", "");
    // Positions are in the cell as stored: the indentation counts.
    assert_eq!(
        outcome.findings,
        [
            "F401 1:1:12 `os` imported but unused [safe fix]",
            "W291 1:3:17 trailing whitespace [safe fix]",
            "F821 1:5:15 undefined name `undefined_here`",
            "F841 2:2:7 local variable `y` is assigned to but never used [unsafe fix]",
        ]
    );
    // Fixes keep the cell's indentation.
    assert_eq!(
        outcome.fixed.unwrap(),
        [
            "    import sys\n    x = sys.argv\n    if x:\n        print(undefined_here)",
            "  def f():\n      return 1",
        ]
    );
    // A cell indented unevenly still fails, where IPython fails.
    let outcome = run(&[code("    x = 1\n  y = 2")], "E999", "");
    assert_eq!(outcome.findings.len(), 1, "{:?}", outcome.findings);
    assert!(
        outcome.findings[0].starts_with("E999 1:2:"),
        "{:?}",
        outcome.findings
    );
}

#[test]
fn a_fix_inserting_lines_in_an_indented_cell_indents_them() {
    // F401 on the only statement of a block inserts `pass`; the whole import goes from the top.
    let cells = [code("    if True:\n        import os\n    import sys")];
    let outcome = run(&cells, "F401", "");
    assert_eq!(outcome.fixed.unwrap(), ["    if True:\n        pass"]);
}
