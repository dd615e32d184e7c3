//! End-to-end tests of `nbtidy format --stdin-filename P -`: a notebook (or, for `.py`, one
//! cell's code) on stdin, the result on stdout, settings picked by P.

mod common;

use common::{Project, code_notebook, notebook};

#[test]
fn formats_a_notebook_from_stdin_to_stdout() {
    let project = Project::new();
    let input = notebook(&[("markdown", "# x=1"), ("code", "x=1\ny=[1,2]")]);

    let run = project.run_with_stdin(
        &["format", "--stdin-filename", "nb.ipynb", "-"],
        input.as_bytes(),
    );

    run.assert_code(0);
    assert_eq!(
        run.stdout,
        notebook(&[("markdown", "# x=1"), ("code", "x = 1\ny = [1, 2]")])
    );
    // Nothing is written to disk, not even to the name given.
    assert_eq!(project.list(""), [".editorconfig"]);
}

#[test]
fn a_formatted_notebook_on_stdin_comes_back_byte_identical() {
    let project = Project::new();
    let input = code_notebook(&["x = 1"]);

    let run = project.run_with_stdin(
        &["format", "--stdin-filename", "nb.ipynb", "-"],
        input.as_bytes(),
    );

    run.assert_code(0);
    assert_eq!(run.stdout, input);
}

#[test]
fn formats_one_cell_of_code_when_the_name_ends_in_py() {
    let project = Project::new();

    let run = project.run_with_stdin(&["format", "--stdin-filename", "cell.py", "-"], b"x=1");

    run.assert_code(0);
    // A cell's source has no final newline, and none is added.
    assert_eq!(run.stdout, "x = 1");
}

#[test]
fn a_cell_on_stdin_may_use_ipython_syntax() {
    let project = Project::new();

    let run = project.run_with_stdin(
        &["format", "--stdin-filename", "cell.py", "-"],
        b"%matplotlib inline\n!ls -la\nx=1\nx?",
    );

    run.assert_code(0);
    assert_eq!(run.stdout, "%matplotlib inline\n!ls -la\nx = 1\nx?");
}

#[test]
fn a_cell_that_does_not_parse_is_echoed_with_an_error() {
    let project = Project::new();
    let input = "def f(:\n  x=1";

    let run = project.run_with_stdin(
        &["format", "--stdin-filename", "cell.py", "-"],
        input.as_bytes(),
    );

    run.assert_code(2);
    assert_eq!(run.stdout, input);
    run.assert_stderr_contains("error: cell.py:1:7:");
}

#[test]
fn invalid_json_on_stdin_is_echoed_with_an_error() {
    let project = Project::new();
    let input = "{\n \"cells\": [\n";

    let run = project.run_with_stdin(
        &["format", "--stdin-filename", "nb.ipynb", "-"],
        input.as_bytes(),
    );

    run.assert_code(2);
    assert_eq!(run.stdout, input);
    run.assert_stderr_contains("error: nb.ipynb: invalid JSON at line 3");
}

#[test]
fn check_and_diff_work_on_stdin() {
    let project = Project::new();

    let check = project.run_with_stdin(
        &["format", "--check", "--stdin-filename", "nb.ipynb", "-"],
        code_notebook(&["x=1"]).as_bytes(),
    );
    check.assert_code(1);
    assert_eq!(check.stdout, "would reformat: nb.ipynb\n");

    let clean = project.run_with_stdin(
        &["format", "--check", "--stdin-filename", "nb.ipynb", "-"],
        code_notebook(&["x = 1"]).as_bytes(),
    );
    clean.assert_code(0);
    assert_eq!(clean.stdout, "");

    let diff = project.run_with_stdin(
        &["format", "--diff", "--stdin-filename", "nb.ipynb", "-"],
        notebook(&[("markdown", "# T"), ("code", "x=1")]).as_bytes(),
    );
    diff.assert_code(1);
    assert_eq!(
        diff.stdout,
        "--- a/nb.ipynb:cell 2\n+++ b/nb.ipynb:cell 2\n@@ -1 +1 @@\n-x=1\n+x = 1\n"
    );

    let cell_diff = project.run_with_stdin(
        &["format", "--diff", "--stdin-filename", "cell.py", "-"],
        b"x=1",
    );
    cell_diff.assert_code(1);
    assert_eq!(
        cell_diff.stdout,
        "--- a/cell.py\n+++ b/cell.py\n@@ -1 +1 @@\n-x=1\n+x = 1\n"
    );
}

#[test]
fn the_stdin_filename_picks_the_editorconfig_settings() {
    let project = Project::with_editorconfig("[*.py]\nindent_size = 2\n");
    let code = "def f():\n    return 1";
    let two_spaces = "def f():\n  return 1";

    let cell = project.run_with_stdin(
        &["format", "--stdin-filename", "src/cell.py", "-"],
        code.as_bytes(),
    );
    cell.assert_code(0);
    assert_eq!(cell.stdout, two_spaces);

    let nb = project.run_with_stdin(
        &["format", "--stdin-filename", "src/nb.ipynb", "-"],
        code_notebook(&[code]).as_bytes(),
    );
    nb.assert_code(0);
    assert_eq!(nb.stdout, code_notebook(&[two_spaces]));
}

#[test]
fn a_stdin_filename_outside_the_editorconfig_section_gets_the_defaults() {
    let project = Project::with_editorconfig("[sub/*.py]\nindent_size = 2\n");

    let run = project.run_with_stdin(
        &["format", "--stdin-filename", "other/cell.py", "-"],
        b"def f():\n  return 1",
    );

    run.assert_code(0);
    assert_eq!(run.stdout, "def f():\n    return 1");
}

#[test]
fn nbtidy_off_echoes_stdin_unchanged() {
    let project = Project::with_editorconfig("[*.ipynb]\nnbtidy = off\n");
    let input = code_notebook(&["x=1"]);

    let run = project.run_with_stdin(
        &["format", "--stdin-filename", "nb.ipynb", "-"],
        input.as_bytes(),
    );

    run.assert_code(0);
    assert_eq!(run.stdout, input);
}
