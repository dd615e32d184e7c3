//! End-to-end tests of `nbtidy format` on files: in place, `--check`, `--diff`, what is (not)
//! written and how, and cells that cannot be parsed.

mod common;

use std::os::unix::fs::PermissionsExt as _;
use std::time::{Duration, SystemTime};

use common::{Project, code_notebook, notebook};

/// The whole file, written out by hand, so that nothing in the helpers can hide a change.
const UNFORMATTED: &str = r##"{
 "cells": [
  {
   "cell_type": "markdown",
   "metadata": {},
   "source": [
    "# Title"
   ]
  },
  {
   "cell_type": "code",
   "execution_count": 3,
   "id": "4f1c9a2e",
   "metadata": {
    "tags": [
     "keep"
    ]
   },
   "outputs": [
    {
     "name": "stdout",
     "output_type": "stream",
     "text": [
      "x=1\n"
     ]
    }
   ],
   "source": [
    "x=1"
   ]
  }
 ],
 "metadata": {
  "kernelspec": {
   "display_name": "Python 3",
   "language": "python",
   "name": "python3"
  }
 },
 "nbformat": 4,
 "nbformat_minor": 5
}
"##;

#[test]
fn formats_in_place_changing_only_the_source() {
    let project = Project::new();
    project.write("nb.ipynb", UNFORMATTED);

    let run = project.run(&["format", "nb.ipynb"]);

    run.assert_code(0);
    let expected = UNFORMATTED.replace("    \"x=1\"\n", "    \"x = 1\"\n");
    assert_ne!(expected, UNFORMATTED, "the replacement must hit the source");
    assert_eq!(project.read("nb.ipynb"), expected);
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr, "1 notebook reformatted, 0 left unchanged\n");
}

#[test]
fn formats_every_line_of_a_multi_line_cell() {
    let project = Project::new();
    project.write(
        "nb.ipynb",
        code_notebook(&["import os\ndef f(a,b):\n  return a+b\nx=f(1,2)"]),
    );

    project.run(&["format", "nb.ipynb"]).assert_code(0);

    assert_eq!(
        project.read("nb.ipynb"),
        code_notebook(&["import os\n\n\ndef f(a, b):\n    return a + b\n\n\nx = f(1, 2)"])
    );
    // Formatting is idempotent: a second run changes nothing.
    let again = project.run(&["format", "nb.ipynb"]);
    again.assert_code(0);
    assert_eq!(again.stderr, "0 notebooks reformatted, 1 left unchanged\n");
}

#[test]
fn quiet_prints_no_summary() {
    let project = Project::new();
    project.write("nb.ipynb", code_notebook(&["x=1"]));

    let run = project.run(&["format", "--quiet", "nb.ipynb"]);

    run.assert_code(0);
    assert_eq!(run.stderr, "");
    assert_eq!(project.read("nb.ipynb"), code_notebook(&["x = 1"]));
}

#[test]
fn check_lists_notebooks_that_would_change_and_writes_nothing() {
    let project = Project::new();
    project.write("nb.ipynb", UNFORMATTED);
    project.write("clean.ipynb", code_notebook(&["x = 1"]));

    let run = project.run(&["format", "--check", "nb.ipynb", "clean.ipynb"]);

    run.assert_code(1);
    assert_eq!(run.stdout, "would reformat: nb.ipynb\n");
    assert_eq!(
        run.stderr,
        "1 notebook would be reformatted, 1 already formatted\n"
    );
    assert_eq!(project.read_bytes("nb.ipynb"), UNFORMATTED.as_bytes());
    assert_eq!(project.read("clean.ipynb"), code_notebook(&["x = 1"]));
}

#[test]
fn check_on_a_formatted_notebook_exits_0() {
    let project = Project::new();
    let clean = code_notebook(&["x = 1", "def f():\n    return 2"]);
    project.write("clean.ipynb", &clean);

    let run = project.run(&["format", "--check", "clean.ipynb"]);

    run.assert_code(0);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "0 notebooks would be reformatted, 1 already formatted\n"
    );
    assert_eq!(project.read("clean.ipynb"), clean);
}

#[test]
fn diff_prints_a_unified_diff_per_changed_cell_numbered_among_all_cells() {
    let project = Project::new();
    let original = notebook(&[
        ("markdown", "# Title\nSome text"),
        ("code", "a = 0\nx=1\ny = 2"),
        ("code", "z = 3"),
        ("raw", "raw=1"),
        ("code", "w=[1,2]"),
    ]);
    project.write("nb.ipynb", &original);

    let run = project.run(&["format", "--diff", "nb.ipynb"]);

    run.assert_code(1);
    assert_eq!(
        run.stdout,
        "--- a/nb.ipynb:cell 2\n\
         +++ b/nb.ipynb:cell 2\n\
         @@ -1,3 +1,3 @@\n \
         a = 0\n\
         -x=1\n\
         +x = 1\n \
         y = 2\n\
         --- a/nb.ipynb:cell 5\n\
         +++ b/nb.ipynb:cell 5\n\
         @@ -1 +1 @@\n\
         -w=[1,2]\n\
         +w = [1, 2]\n"
    );
    assert_eq!(
        run.stderr,
        "1 notebook would be reformatted, 0 already formatted\n"
    );
    assert_eq!(project.read("nb.ipynb"), original);
}

#[test]
fn diff_on_a_formatted_notebook_prints_nothing_and_exits_0() {
    let project = Project::new();
    project.write("clean.ipynb", code_notebook(&["x = 1"]));

    let run = project.run(&["format", "--diff", "clean.ipynb"]);

    run.assert_code(0);
    assert_eq!(run.stdout, "");
}

fn mtime(project: &Project, relative: &str) -> SystemTime {
    std::fs::metadata(project.path(relative))
        .expect("stat")
        .modified()
        .expect("mtime")
}

fn set_mtime(project: &Project, relative: &str, time: SystemTime) {
    std::fs::File::options()
        .write(true)
        .open(project.path(relative))
        .expect("open for setting the mtime")
        .set_modified(time)
        .expect("set the mtime");
}

#[test]
fn unchanged_notebooks_are_never_rewritten() {
    let project = Project::new();
    let clean = notebook(&[("markdown", "# x=1"), ("code", "x = 1")]);
    project.write("clean.ipynb", &clean);
    project.write("dirty.ipynb", code_notebook(&["x=1"]));
    let old = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    set_mtime(&project, "clean.ipynb", old);
    set_mtime(&project, "dirty.ipynb", old);

    let run = project.run(&["format", "."]);

    run.assert_code(0);
    assert_eq!(run.stderr, "1 notebook reformatted, 1 left unchanged\n");
    assert_eq!(mtime(&project, "clean.ipynb"), old);
    assert_eq!(project.read("clean.ipynb"), clean);
    // The other one was written (so the run did do something).
    assert_ne!(mtime(&project, "dirty.ipynb"), old);
    assert_eq!(project.read("dirty.ipynb"), code_notebook(&["x = 1"]));
}

#[test]
fn writes_atomically_keeping_permissions_and_leaving_no_temporary_files() {
    let project = Project::new();
    project.write("nb.ipynb", code_notebook(&["x=1"]));
    std::fs::set_permissions(
        project.path("nb.ipynb"),
        std::fs::Permissions::from_mode(0o640),
    )
    .expect("chmod");

    project.run(&["format", "nb.ipynb"]).assert_code(0);

    assert_eq!(project.read("nb.ipynb"), code_notebook(&["x = 1"]));
    let mode = std::fs::metadata(project.path("nb.ipynb"))
        .expect("stat")
        .permissions()
        .mode();
    assert_eq!(mode & 0o7777, 0o640);
    assert_eq!(project.list(""), [".editorconfig", "nb.ipynb"]);
}

#[test]
fn writes_through_a_symlink_keeping_the_link() {
    let project = Project::new();
    project.write("real/target.ipynb", code_notebook(&["x=1"]));
    std::os::unix::fs::symlink("real/target.ipynb", project.path("link.ipynb")).expect("symlink");

    let run = project.run(&["format", "link.ipynb"]);

    run.assert_code(0);
    assert_eq!(run.stderr, "1 notebook reformatted, 0 left unchanged\n");
    let link = std::fs::symlink_metadata(project.path("link.ipynb")).expect("lstat");
    assert!(link.file_type().is_symlink(), "link.ipynb is still a link");
    assert_eq!(
        std::fs::read_link(project.path("link.ipynb")).expect("readlink"),
        std::path::Path::new("real/target.ipynb")
    );
    assert_eq!(project.read("real/target.ipynb"), code_notebook(&["x = 1"]));
    assert_eq!(project.list("real"), ["target.ipynb"]);
    assert_eq!(project.list(""), [".editorconfig", "link.ipynb", "real"]);
}

#[test]
fn a_cell_with_a_syntax_error_is_left_alone_and_the_others_are_formatted() {
    let project = Project::new();
    project.write("nb.ipynb", code_notebook(&["x = (", "y=2"]));

    let run = project.run(&["format", "nb.ipynb"]);

    run.assert_code(0);
    assert_eq!(project.read("nb.ipynb"), code_notebook(&["x = (", "y = 2"]));
    run.assert_stderr_contains("warning: nb.ipynb:cell 1:1:6: ");
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "one warning and the summary: {lines:?}");
    assert_eq!(
        lines[1],
        "1 notebook reformatted, 0 left unchanged, 1 cell skipped"
    );
}

#[test]
fn check_reports_a_skipped_cell_but_does_not_fail_because_of_it() {
    let project = Project::new();
    project.write("nb.ipynb", code_notebook(&["def f(:\n    pass", "y = 2"]));

    let run = project.run(&["format", "--check", "nb.ipynb"]);

    run.assert_code(0);
    assert_eq!(run.stdout, "");
    run.assert_stderr_contains("warning: nb.ipynb:cell 1:1:7: ");
    run.assert_stderr_contains(
        "0 notebooks would be reformatted, 1 already formatted, 1 cell skipped\n",
    );
}

#[test]
fn a_closed_stdout_ends_the_run_quietly() {
    let project = Project::new();
    let codes: Vec<String> = (0..5000).map(|i| format!("x={i}\ny={i}")).collect();
    let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
    project.write("big.ipynb", code_notebook(&codes));

    let mut child = common::nbtidy_command(project.root())
        .args(["format", "--diff", "big.ipynb"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start nbtidy");
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let mut first = [0_u8; 25];
    std::io::Read::read_exact(&mut stdout, &mut first).expect("read the start of the diff");
    assert_eq!(&first, b"--- a/big.ipynb:cell 1\n++");
    // The diff is far bigger than a pipe buffer: nbtidy is still writing when the reader goes.
    drop(stdout);
    let output = child.wait_with_output().expect("wait for nbtidy");

    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{:?}",
        output.status
    );
}
