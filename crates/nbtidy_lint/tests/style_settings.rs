//! Style rules under settings the fixture folders cannot cover (one `.editorconfig` per rule):
//! `trim_trailing_whitespace = false`, the default `indent_style = space`, `max_line_length =
//! off` and the default limit; and the safety of the trailing-whitespace fixes, which the
//! rendered snapshots do not show.

use nbtidy_config::Overrides;
use nbtidy_diagnostics::{Applicability, Diagnostic};
use nbtidy_lint::{Selection, SelectionArgs, check_notebook};

/// A notebook with one code cell per entry of `cells`.
fn notebook(cells: &[&str]) -> String {
    let cells: Vec<serde_json::Value> = cells
        .iter()
        .map(|source| {
            serde_json::json!({
                "cell_type": "code",
                "execution_count": null,
                "metadata": {},
                "outputs": [],
                "source": source.split_inclusive('\n').collect::<Vec<_>>(),
            })
        })
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"}
        },
        "nbformat": 4,
        "nbformat_minor": 5
    }))
    .unwrap()
}

/// Findings of rule `code` on `cells` with `.editorconfig` properties `properties` (for `[*]`).
fn lint(code: &str, properties: &str, cells: &[&str]) -> Vec<Diagnostic> {
    let temp = tempfile::tempdir().unwrap();
    std::fs::write(
        temp.path().join(".editorconfig"),
        format!("root = true\n\n[*]\n{properties}\n"),
    )
    .unwrap();
    let path = temp.path().join("notebook.ipynb");
    let bytes = notebook(cells).into_bytes();
    std::fs::write(&path, &bytes).unwrap();
    let resolved = nbtidy_lint::resolver(Overrides::default())
        .resolve(&path)
        .unwrap();
    assert!(resolved.warnings.is_empty(), "{:?}", resolved.warnings);
    let args = SelectionArgs {
        select: Some(vec![code.to_owned()]),
        ..SelectionArgs::default()
    };
    let (selection, problems) = Selection::resolve(&resolved, &args);
    assert!(problems.is_empty(), "{problems:?}");
    check_notebook(&path, &bytes, &resolved, &selection)
        .unwrap()
        .diagnostics
}

/// `(row, column, message)` of each finding.
fn positions(diagnostics: &[Diagnostic]) -> Vec<(usize, usize, String)> {
    diagnostics
        .iter()
        .map(|d| {
            (
                d.location.start.row,
                d.location.start.column,
                d.message.clone(),
            )
        })
        .collect()
}

fn applicability(diagnostic: &Diagnostic) -> Applicability {
    diagnostic.fix.as_ref().expect("a fix").applicability
}

#[test]
fn trailing_whitespace_off_reports_nothing() {
    let cells = ["x = 1  \n    \ny = 2\t"];
    assert_eq!(lint("W291", "", &cells).len(), 2);
    assert_eq!(lint("W293", "", &cells).len(), 1);
    let off = "trim_trailing_whitespace = false";
    assert!(lint("W291", off, &cells).is_empty());
    assert!(lint("W293", off, &cells).is_empty());
}

#[test]
fn trailing_whitespace_in_multiline_strings_is_an_unsafe_fix() {
    let cells = ["s = \"\"\"a  \n  \nb\"\"\"  \nt = f\"\"\"{s}  \n\"\"\"\nu = 1 "];
    let w291 = lint("W291", "", &cells);
    let found: Vec<_> = w291
        .iter()
        .map(|d| (d.location.start.row, applicability(d)))
        .collect();
    assert_eq!(
        found,
        [
            (1, Applicability::Unsafe),
            (3, Applicability::Safe),
            (4, Applicability::Unsafe),
            (6, Applicability::Safe),
        ]
    );
    let w293 = lint("W293", "", &cells);
    assert_eq!(w293.len(), 1);
    assert_eq!(w293[0].location.start.row, 2);
    assert_eq!(applicability(&w293[0]), Applicability::Unsafe);
}

#[test]
fn tab_indentation_with_the_default_space_style() {
    let cells = [
        "if True:\n\tx = [\n\t\t1,\n\t]\n\t# comment\ns = \"\"\"\n\tin a string\n\"\"\"\n",
        "def f():\n    return 1\n",
    ];
    let found = lint("W191", "", &cells);
    assert_eq!(
        positions(&found),
        [
            (2, 1, "indentation contains tabs".to_owned()),
            (5, 1, "indentation contains tabs".to_owned()),
        ]
    );
    assert!(lint("W191", "indent_style = space", &cells[1..]).is_empty());
    let tab = lint("W191", "indent_style = tab", &cells);
    assert_eq!(
        positions(&tab),
        [(
            2,
            1,
            "indentation contains spaces, but `indent_style = tab`".to_owned()
        )]
    );
}

#[test]
fn line_too_long_default_and_off() {
    let long = format!("x = [{}]", "1, ".repeat(30));
    let short = format!("x = [{}]", "1, ".repeat(27));
    assert_eq!(long.chars().count(), 96);
    assert_eq!(short.chars().count(), 87);
    let cells = [long.as_str(), short.as_str()];
    let found = lint("E501", "", &cells);
    assert_eq!(
        positions(&found),
        [(1, 89, "line too long (96 > 88)".to_owned())]
    );
    assert!(lint("E501", "max_line_length = off", &cells).is_empty());
}

#[test]
fn odd_cells_do_not_break_the_rules() {
    let cells = [
        "",
        "   ",
        "x = (1,\r\n\t2)  \r\nif x == None :  \r\n\tpass;\r\n",
        "def f(:\n\tx = f'a'  \n",
        "é = 'ü' ; \n\t\n",
        "s = '''\t\n''';\ny = 1 \\\n\t;\n%time x = 1;  \n",
        "a = 1 \\\n  \\\n  ",
    ];
    let codes = [
        "F541", "F632", "E711", "E712", "E703", "E501", "W191", "W291", "W293",
    ];
    let temp = tempfile::tempdir().unwrap();
    std::fs::write(
        temp.path().join(".editorconfig"),
        "root = true\n\n[*]\nmax_line_length = 10\n",
    )
    .unwrap();
    let path = temp.path().join("notebook.ipynb");
    let bytes = notebook(&cells).into_bytes();
    std::fs::write(&path, &bytes).unwrap();
    let resolved = nbtidy_lint::resolver(Overrides::default())
        .resolve(&path)
        .unwrap();
    let args = SelectionArgs {
        select: Some(codes.iter().map(|c| (*c).to_owned()).collect()),
        ..SelectionArgs::default()
    };
    let (selection, _) = Selection::resolve(&resolved, &args);
    let found = check_notebook(&path, &bytes, &resolved, &selection).unwrap();
    assert!(!found.diagnostics.is_empty());
    let outcome =
        nbtidy_lint::fix::fix_notebook(&path, &bytes, &resolved, &selection, true).unwrap();
    assert!(outcome.dropped.is_empty(), "{:?}", outcome.dropped);
    let fixed = outcome.bytes.expect("something was fixed");
    let notebook = nbtidy_notebook::Notebook::parse(&fixed).unwrap();
    // Unsafe fixes included: the tab inside the string goes too.
    let sources: Vec<String> = (0..notebook.cells().len())
        .map(|i| notebook.source(i).unwrap().text.into_owned())
        .collect();
    assert_eq!(
        sources,
        [
            "",
            "",
            "x = (1,\r\n\t2)\r\nif x is None :\r\n\tpass\r\n",
            "def f(:\n\tx = f'a'\n",
            "é = 'ü' ;\n\n",
            "s = '''\n'''\ny = 1\n%time x = 1;\n",
            "a = 1",
        ]
    );
}
