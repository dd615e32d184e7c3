//! Inputs found by the fuzzer (`crates/nbtidy_fuzz`, target `fix`), kept in `tests/fuzz/fix/`.
//! `crates/nbtidy_fuzz/tests/regressions.rs` also runs the fuzz target's property on them.

use std::path::Path;

use nbtidy_config::{Overrides, Resolved};
use nbtidy_lint::fix::fix_notebook;
use nbtidy_lint::{Selection, SelectionArgs, check_notebook};
use nbtidy_notebook::Notebook;

/// A fixture of `tests/fuzz/fix/`, its path in a temporary directory with `root = true`, the
/// configuration there and every rule selected.
fn setup(
    name: &str,
) -> (
    Vec<u8>,
    tempfile::TempDir,
    std::path::PathBuf,
    Resolved,
    Selection,
) {
    let bytes = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fuzz/fix")
            .join(name),
    )
    .unwrap();
    let temp = tempfile::tempdir().unwrap();
    std::fs::write(temp.path().join(".editorconfig"), "root = true\n").unwrap();
    let path = temp.path().join(name);
    let config = nbtidy_lint::resolver(Overrides::default())
        .resolve(&path)
        .unwrap();
    let args = SelectionArgs {
        select: Some(vec!["ALL".to_owned()]),
        ..SelectionArgs::default()
    };
    let (selection, problems) = Selection::resolve(&config, &args);
    assert!(problems.is_empty(), "{problems:?}");
    (bytes, temp, path, config, selection)
}

/// ruff_python_parser 0.0.10 reaches `unreachable!` in notebook mode when, after mismatched
/// brackets, a line starts with an IPython escape other than `%`/`!` (here `, y`). The cell is
/// a syntax error (E999); the other cells are checked and fixed as usual.
#[test]
fn an_escape_after_mismatched_brackets_is_a_syntax_error_not_a_panic() {
    let (bytes, _temp, path, config, selection) = setup("escape-after-mismatched-brackets.ipynb");
    let found = check_notebook(&path, &bytes, &config, &selection).unwrap();
    let syntax: Vec<_> = found
        .diagnostics
        .iter()
        .filter(|d| d.code == "E999")
        .map(|d| d.location.cell)
        .collect();
    assert_eq!(syntax, [Some(1)], "{:#?}", found.diagnostics);
    assert!(
        found
            .diagnostics
            .iter()
            .any(|d| d.code == "F401" && d.location.cell == Some(2))
    );

    let outcome = fix_notebook(&path, &bytes, &config, &selection, true).unwrap();
    assert!(outcome.dropped.is_empty(), "{:?}", outcome.dropped);
    let fixed = outcome
        .bytes
        .expect("the unused import in cell 2 is removed");
    let notebook = Notebook::parse(&fixed).unwrap();
    assert_eq!(notebook.source(1).unwrap().text, "print(1)");
    assert_eq!(notebook.source(0).unwrap().text, "import os\nx = [1)\n, y");
}

/// Every statement of a block is an unused import: each F401 fix alone is right, together they
/// leave `def f():` empty. The fix loop refused both ("the fix would make the code unparsable");
/// it now applies them one at a time, and the last one becomes `pass`.
#[test]
fn unused_imports_filling_a_block_are_removed_one_at_a_time() {
    let (bytes, _temp, path, config, selection) = setup("unused-imports-filling-a-block.ipynb");
    let outcome = fix_notebook(&path, &bytes, &config, &selection, true).unwrap();
    assert!(outcome.dropped.is_empty(), "{:?}", outcome.dropped);
    let fixed = outcome.bytes.expect("the imports are removed");
    let notebook = Notebook::parse(&fixed).unwrap();
    assert_eq!(
        notebook.source(0).unwrap().text,
        "def f():\n    pass\n\n\nclass C:\n    pass\nf()"
    );
    assert!(
        !outcome
            .remaining
            .diagnostics
            .iter()
            .any(|d| d.code == "F401"),
        "{:#?}",
        outcome.remaining.diagnostics
    );
}

/// The fixed cells of a fixture, with every rule and unsafe fixes; no fix may be refused.
fn fixed_cells(name: &str) -> Vec<String> {
    let (bytes, _temp, path, config, selection) = setup(name);
    let outcome = fix_notebook(&path, &bytes, &config, &selection, true).unwrap();
    assert!(outcome.dropped.is_empty(), "{:?}", outcome.dropped);
    let fixed = outcome.bytes.unwrap_or(bytes);
    let notebook = Notebook::parse(&fixed).unwrap();
    (0..notebook.cells().len())
        .map(|i| notebook.source(i).unwrap().text.into_owned())
        .collect()
}

/// F401 deleted an import's line but not a lone `\` continuing into it, nor kept the line ending
/// of a line continued into it: the `\` then continued into the end of the cell, and the fix was
/// refused for breaking the code.
#[test]
fn unused_imports_after_line_continuations_are_removed_cleanly() {
    assert_eq!(
        fixed_cells("unused-import-after-continuations.ipynb"),
        ["print(1)", "x = 1\ny = x", "def o(): n\\\n\n"]
    );
}

/// F841 turned `def f(): r = !ls` into `def f(): !ls`, which does not parse (an escape is a
/// statement only at the start of a logical line; `def k():\` then `t = !ls` neither); it
/// offers no fix there now. At the start of a line the fix still keeps the escape.
#[test]
fn an_unused_variable_assigned_an_escape_mid_line_has_no_fix() {
    assert_eq!(
        fixed_cells("unused-variable-assigned-an-escape.ipynb"),
        ["def f(): r = !ls\ndef g():\n    !ls\n    %time f()\ndef k():\\\n    t = !ls"]
    );
}

/// `%timeit %timeit x` at the start of a cell: the semantic model looked the inner magic up by a
/// position relative to the outer one's statement, found the outer magic again and recursed until
/// the stack overflowed (the process aborted: `nbtidy check` died, not just the notebook).
#[test]
fn a_timed_magic_inside_a_timed_magic_is_checked() {
    let (bytes, _temp, path, config, selection) = setup("nested-timeit.ipynb");
    let found = check_notebook(&path, &bytes, &config, &selection).unwrap();
    assert!(
        found
            .diagnostics
            .iter()
            .all(|d| d.code != "E999" && d.code != "F401"),
        "{:#?}",
        found.diagnostics
    );
    assert_eq!(
        fixed_cells("nested-timeit.ipynb"),
        ["%timeit %timeit x", "%time %timeit -n 3 sum(range(10))"]
    );
}

/// F841 removed `x=` but not the form feed after it (`x=\f[0,]`): the form feed then sat in
/// the statement's indentation, where Python resets the column, and the body no longer parsed.
/// (`[0,]` has no side effects, so the whole statement goes now; the value-keeping path is
/// tested by `value_start_skips_form_feeds` in `rules/unused_variable.rs`.)
#[test]
fn an_unused_variable_with_a_form_feed_before_its_value_is_fixed() {
    assert_eq!(
        fixed_cells("unused-variable-form-feed-before-value.ipynb"),
        ["def f():\n pass\n(x())"]
    );
}
