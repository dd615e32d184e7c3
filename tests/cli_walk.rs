//! End-to-end tests of which notebooks `nbtidy format` finds: directories are walked with
//! `.gitignore` respected and hidden directories skipped, `--exclude` prunes, files named on the
//! command line are always taken, and output is sorted.

mod common;

use common::{Project, code_notebook};

/// A tree with notebooks that all need formatting, in every kind of place.
fn tree() -> Project {
    let project = Project::new();
    let dirty = code_notebook(&["x=1"]);
    // Created in reverse order, so that creation order is not sorted order.
    project.write("proj/notes.txt", "x=1\n");
    project.write("proj/ignored/e.ipynb", &dirty);
    project.write("proj/.hidden/d.ipynb", &dirty);
    project.write("proj/.ipynb_checkpoints/c.ipynb", &dirty);
    project.write("proj/sub/b.ipynb", &dirty);
    project.write("proj/a.ipynb", &dirty);
    project.write("proj/.gitignore", "ignored/\n");
    project
}

#[test]
fn check_walks_the_directory_skipping_hidden_and_ignored_files() {
    let project = tree();

    let run = project.run(&["format", "--check", "proj"]);

    run.assert_code(1);
    assert_eq!(
        run.stdout,
        "would reformat: proj/a.ipynb\nwould reformat: proj/sub/b.ipynb\n"
    );
    assert_eq!(
        run.stderr,
        "2 notebooks would be reformatted, 0 already formatted\n"
    );
}

#[test]
fn the_default_path_is_the_current_directory() {
    let project = tree();

    let run = project.run(&["format", "--check"]);

    run.assert_code(1);
    let listed: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert!(listed[0].ends_with("proj/a.ipynb"), "{listed:?}");
    assert!(listed[1].ends_with("proj/sub/b.ipynb"), "{listed:?}");
}

#[test]
fn format_writes_only_the_walked_notebooks() {
    let project = tree();

    let run = project.run(&["format", "proj"]);

    run.assert_code(0);
    assert_eq!(run.stderr, "2 notebooks reformatted, 0 left unchanged\n");
    let clean = code_notebook(&["x = 1"]);
    let dirty = code_notebook(&["x=1"]);
    assert_eq!(project.read("proj/a.ipynb"), clean);
    assert_eq!(project.read("proj/sub/b.ipynb"), clean);
    assert_eq!(project.read("proj/.ipynb_checkpoints/c.ipynb"), dirty);
    assert_eq!(project.read("proj/.hidden/d.ipynb"), dirty);
    assert_eq!(project.read("proj/ignored/e.ipynb"), dirty);
    assert_eq!(project.read("proj/notes.txt"), "x=1\n");
}

#[test]
fn output_is_sorted_whatever_the_thread_timing() {
    let project = Project::new();
    let dirty = code_notebook(&["x=1"]);
    let mut expected = String::new();
    for dir in ["d0", "d1", "d2", "d3"] {
        for file in ["n0", "n1", "n2", "n3", "n4"] {
            project.write(&format!("proj/{dir}/{file}.ipynb"), &dirty);
            expected.push_str(&format!("would reformat: proj/{dir}/{file}.ipynb\n"));
        }
    }

    for _ in 0..3 {
        let run = project.run(&["format", "--check", "proj"]);
        run.assert_code(1);
        assert_eq!(run.stdout, expected);
    }
}

#[test]
fn exclude_removes_a_directory() {
    let project = tree();

    let run = project.run(&["format", "--check", "--exclude", "sub", "proj"]);

    run.assert_code(1);
    assert_eq!(run.stdout, "would reformat: proj/a.ipynb\n");
}

#[test]
fn exclude_accepts_globs() {
    let project = tree();

    let run = project.run(&["format", "--check", "--exclude", "sub/*.ipynb", "proj"]);
    run.assert_code(1);
    assert_eq!(run.stdout, "would reformat: proj/a.ipynb\n");

    let run = project.run(&["format", "--check", "--exclude", "a.*", "proj"]);
    run.assert_code(1);
    assert_eq!(run.stdout, "would reformat: proj/sub/b.ipynb\n");
}

#[test]
fn a_file_named_on_the_command_line_is_always_processed() {
    let project = tree();

    let run = project.run(&["format", "--check", "proj/ignored/e.ipynb"]);
    run.assert_code(1);
    assert_eq!(run.stdout, "would reformat: proj/ignored/e.ipynb\n");

    let run = project.run(&[
        "format",
        "--check",
        "--exclude",
        "sub",
        "proj/sub/b.ipynb",
        "proj/.ipynb_checkpoints/c.ipynb",
    ]);
    run.assert_code(1);
    assert_eq!(
        run.stdout,
        "would reformat: proj/.ipynb_checkpoints/c.ipynb\nwould reformat: proj/sub/b.ipynb\n"
    );
}

#[test]
fn a_notebook_named_twice_is_processed_once() {
    let project = tree();

    let run = project.run(&["format", "proj/a.ipynb", "proj/a.ipynb", "proj"]);

    run.assert_code(0);
    assert_eq!(run.stderr, "2 notebooks reformatted, 0 left unchanged\n");
}

#[test]
fn an_ignore_file_is_respected_too() {
    let project = tree();
    project.write("proj/.ignore", "sub/\n");

    let run = project.run(&["format", "--check", "proj"]);

    run.assert_code(1);
    assert_eq!(run.stdout, "would reformat: proj/a.ipynb\n");
}

#[test]
fn a_directory_without_notebooks_is_fine() {
    let project = Project::new();
    project.write("empty/readme.md", "# x=1\n");

    let run = project.run(&["format", "--check", "empty"]);

    run.assert_code(0);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "0 notebooks would be reformatted, 0 already formatted\n"
    );
}

#[test]
fn a_notebook_reached_twice_through_different_spellings_is_processed_once() {
    let project = tree();

    let run = project.run(&["format", "--check", "proj/a.ipynb", "."]);

    run.assert_code(1);
    assert_eq!(run.stdout.lines().count(), 2, "{}", run.stdout);
    assert_eq!(
        run.stderr,
        "2 notebooks would be reformatted, 0 already formatted\n"
    );
}
