//! Never lose a notebook: hostile input, unwritable files, concurrent changes, panics.
//!
//! Every bad-input case runs `format` (and `check`, and `check --fix`) on a directory holding the
//! bad file and an unformatted good notebook, and asserts: the exit code, a message naming the bad
//! file, the bad file's bytes and modification time unchanged, the good notebook still processed,
//! no panic, and no run taking longer than a timeout (nothing may block).

mod common;

use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use common::{Project, Run, code_notebook, nbtidy_command, run_with_timeout};

const GOOD_BEFORE: &[&str] = &["x=1"];
const GOOD_AFTER: &[&str] = &["x = 1"];

fn run(project: &Project, args: &[&str]) -> Run {
    let mut command = nbtidy_command(project.root());
    command.args(args);
    run_with_timeout(command, Duration::from_secs(60))
}

/// Bytes and modification time of a path (following symlinks), or `None` when it cannot be read.
/// Only regular files are read (a FIFO would block the test, `/dev/zero` never end).
fn fingerprint(path: &Path) -> Option<(Vec<u8>, SystemTime)> {
    let metadata = std::fs::metadata(path).ok()?;
    let modified = metadata.modified().ok()?;
    if !metadata.is_file() {
        return Some((Vec::new(), modified));
    }
    let bytes = std::fs::read(path).ok()?;
    Some((bytes, modified))
}

fn assert_no_panic(run: &Run) {
    assert!(
        !run.stderr.contains("panicked") && !run.stderr.contains("RUST_BACKTRACE"),
        "a panic escaped:\n{}",
        run.stderr
    );
}

/// The single stderr line that names `name`.
fn line_naming<'a>(run: &'a Run, name: &str) -> &'a str {
    run.stderr
        .lines()
        .find(|line| line.contains(name))
        .unwrap_or_else(|| panic!("no message names {name}:\n{}", run.stderr))
}

/// Temporary files left in `dir` by an interrupted write.
fn temp_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("list the directory")
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().to_string_lossy().into_owned();
            name.starts_with(".nbtidy-").then_some(name)
        })
        .collect()
}

/// How a bad input is expected to be reported.
struct Expect {
    /// Exit code of `format`.
    format_code: i32,
    /// Exit code of `check --select ALL`.
    check_code: i32,
    /// `error` or `warning`.
    level: &'static str,
    /// Text the message about the file contains.
    message: &'static str,
}

const fn error(message: &'static str) -> Expect {
    Expect {
        format_code: 2,
        check_code: 2,
        level: "error",
        message,
    }
}

/// A damaged cell: `format` refuses the notebook (exit 2); `check` reports it as NB010 (exit 1).
const fn damaged_cell(message: &'static str) -> Expect {
    Expect {
        format_code: 2,
        check_code: 1,
        level: "error",
        message,
    }
}

const fn skipped(message: &'static str) -> Expect {
    Expect {
        format_code: 0,
        check_code: 0,
        level: "warning",
        message,
    }
}

fn notebook_with(cells: &str) -> String {
    format!(
        "{{\"cells\": [{cells}], \"metadata\": {{\"kernelspec\": {{\"name\": \"python3\", \"display_name\": \"Python 3\", \"language\": \"python\"}}}}, \"nbformat\": 4, \"nbformat_minor\": 5}}\n"
    )
}

fn deep(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

/// Runs one bad-input case: `setup` creates `name` in the project (beside `good.ipynb`).
fn bad_input_case(name: &str, setup: impl Fn(&Project), expect: &Expect) {
    for (args, code) in [
        (vec!["format", "."], expect.format_code),
        (vec!["format", name, "good.ipynb"], expect.format_code),
        (
            vec![
                "check",
                "--select",
                "ALL",
                "--output-format",
                "concise",
                ".",
            ],
            expect.check_code,
        ),
        (
            vec!["check", "--select", "ALL", "--fix", "--unsafe-fixes", "."],
            expect.check_code,
        ),
    ] {
        let project = Project::new();
        project.write("good.ipynb", code_notebook(GOOD_BEFORE));
        setup(&project);
        let before = fingerprint(&project.path(name));

        let result = run(&project, &args);

        assert_no_panic(&result);
        let context = format!("case {name}, `nbtidy {}`", args.join(" "));
        if args[0] == "format" || code == 2 || expect.level == "warning" {
            let line = line_naming(&result, name);
            assert!(
                line.starts_with(&format!("{}: {name}", expect.level))
                    && line.contains(expect.message),
                "{context}: expected `{}: {name}...{}`, got\n{}",
                expect.level,
                expect.message,
                result.stderr
            );
        }
        if args[0] == "check" && code == 1 {
            // The damage is reported as NB010 findings.
            assert!(
                result.stdout.contains(&format!("{name}:cell 1:1:1: NB010"))
                    || result.stdout.contains("NB010"),
                "{context}: no NB010 finding:\n{}",
                result.stdout
            );
        }
        assert_eq!(
            result.code, code,
            "{context}: exit code\n--- stdout ---\n{}\n--- stderr ---\n{}",
            result.stdout, result.stderr
        );
        if args.contains(&"--fix") {
            // `check --fix` does not format; it may change the good notebook in other ways (ids,
            // outputs), and it must still be a notebook holding the same code.
            let good: serde_json::Value =
                serde_json::from_str(&project.read("good.ipynb")).expect("still JSON");
            assert_eq!(good["cells"][0]["source"][0], "x=1", "{context}");
        } else if args[0] == "format" {
            assert_eq!(
                project.read("good.ipynb"),
                code_notebook(GOOD_AFTER),
                "{context}: the good notebook is formatted"
            );
        }
        if code != 0 || expect.level == "warning" {
            assert_eq!(
                fingerprint(&project.path(name)),
                before,
                "{context}: the bad file's bytes and mtime are unchanged"
            );
        }
        assert!(
            temp_files(project.root()).is_empty(),
            "{context}: no temporary file is left"
        );
    }
}

#[test]
fn empty_file() {
    bad_input_case(
        "empty.ipynb",
        |p| p.write("empty.ipynb", ""),
        &error("the file is empty"),
    );
}

#[test]
fn not_json() {
    bad_input_case(
        "text.ipynb",
        |p| p.write("text.ipynb", "print('hello')\n"),
        &error("invalid JSON at line 1 column 1"),
    );
}

#[test]
fn truncated_json() {
    let full = code_notebook(&["import os"]);
    bad_input_case(
        "truncated.ipynb",
        |p| p.write("truncated.ipynb", &full[..full.len() / 2]),
        &error("invalid JSON at line"),
    );
}

#[test]
fn json_that_is_not_an_object() {
    bad_input_case(
        "list.ipynb",
        |p| p.write("list.ipynb", "[1, 2, 3]\n"),
        &error("expected a notebook (a JSON object)"),
    );
}

#[test]
fn cells_missing() {
    bad_input_case(
        "nocells.ipynb",
        |p| {
            p.write(
                "nocells.ipynb",
                "{\"metadata\": {}, \"nbformat\": 4, \"nbformat_minor\": 5}\n",
            )
        },
        &error("not a notebook: there is no `cells` list"),
    );
}

#[test]
fn cells_not_a_list() {
    bad_input_case(
        "cells.ipynb",
        |p| {
            p.write(
                "cells.ipynb",
                "{\"cells\": {}, \"metadata\": {}, \"nbformat\": 4, \"nbformat_minor\": 5}\n",
            )
        },
        &error("not a notebook: `cells` is not a list"),
    );
}

#[test]
fn cell_without_cell_type() {
    bad_input_case(
        "notype.ipynb",
        |p| {
            p.write(
                "notype.ipynb",
                notebook_with(r#"{"id": "a", "metadata": {}, "source": ["x=1"]}"#),
            )
        },
        &damaged_cell("cell 1 has no `cell_type`"),
    );
}

#[test]
fn cell_without_source() {
    bad_input_case(
        "nosource.ipynb",
        |p| {
            p.write(
                "nosource.ipynb",
                notebook_with(
                    r#"{"cell_type": "code", "execution_count": null, "id": "a", "metadata": {}, "outputs": []}"#,
                ),
            )
        },
        &damaged_cell("cell 1 has no `source`"),
    );
}

#[test]
fn source_of_the_wrong_type() {
    for (name, source) in [
        ("number.ipynb", "42"),
        ("object.ipynb", "{\"x\": 1}"),
        ("numbers.ipynb", "[\"x=1\\n\", 2]"),
    ] {
        bad_input_case(
            name,
            |p| {
                p.write(
                    name,
                    notebook_with(&format!(
                        r#"{{"cell_type": "code", "execution_count": null, "id": "a", "metadata": {{}}, "outputs": [], "source": {source}}}"#
                    )),
                )
            },
            &damaged_cell("`source` is not a string or a list of strings"),
        );
    }
}

#[test]
fn nbformat_3_and_2() {
    for version in [3, 2] {
        let name = format!("v{version}.ipynb");
        bad_input_case(
            &name,
            |p| {
                p.write(
                    &name,
                    format!(
                        "{{\"metadata\": {{}}, \"nbformat\": {version}, \"nbformat_minor\": 0, \"worksheets\": []}}\n"
                    ),
                )
            },
            &Expect {
                message: if version == 3 {
                    "nbformat 3 is not supported: nbtidy reads nbformat 4 (upgrade the file with `jupyter nbconvert --to notebook`)"
                } else {
                    "nbformat 2 is not supported: nbtidy reads nbformat 4 (upgrade the file with `jupyter nbconvert --to notebook`)"
                },
                ..error("")
            },
        );
    }
}

#[test]
fn invalid_utf8() {
    let mut bytes = code_notebook(&["s = 'caf'"]).into_bytes();
    let at = bytes.windows(3).position(|w| w == b"caf").expect("found") + 3;
    bytes.insert(at, 0xE9); // Latin-1 é
    bad_input_case(
        "latin1.ipynb",
        |p| p.write("latin1.ipynb", &bytes),
        &error("not UTF-8: invalid byte at line"),
    );
}

#[test]
fn utf16_with_bom() {
    let text = code_notebook(&["x=1"]);
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    bad_input_case(
        "utf16.ipynb",
        |p| p.write("utf16.ipynb", &bytes),
        &error("the file is UTF-16LE, not UTF-8"),
    );
}

#[test]
fn nesting_ten_thousand_levels_deep() {
    // At the top level: not a notebook.
    bad_input_case(
        "deep.ipynb",
        |p| p.write("deep.ipynb", deep(10_000)),
        &error("expected a notebook (a JSON object)"),
    );
    // As a cell's source: a damaged cell.
    bad_input_case(
        "deepsource.ipynb",
        |p| {
            p.write(
                "deepsource.ipynb",
                notebook_with(&format!(
                    r#"{{"cell_type": "code", "execution_count": null, "id": "a", "metadata": {{}}, "outputs": [], "source": {}}}"#,
                    deep(10_000)
                )),
            )
        },
        &damaged_cell("`source` is not a string or a list of strings"),
    );
    // Inside an output and the metadata: a valid notebook, formatted; outputs untouched.
    let project = Project::new();
    let output = format!(
        r#"{{"output_type": "display_data", "data": {{"application/json": {{"a": {}}}}}, "metadata": {{"deep": {}}}}}"#,
        deep(10_000),
        deep(10_000)
    );
    let before = notebook_with(&format!(
        r#"{{"cell_type": "code", "execution_count": 1, "id": "a", "metadata": {{"deep": {}}}, "outputs": [{output}], "source": ["y=2"]}}"#,
        deep(10_000)
    ));
    project.write("deepoutput.ipynb", &before);
    let result = run(&project, &["format", "."]);
    assert_no_panic(&result);
    result.assert_code(0);
    assert_eq!(
        project.read("deepoutput.ipynb"),
        before.replace("[\"y=2\"]", "[\"y = 2\"]")
    );
    for args in [
        &["check", "--select", "ALL", "."][..],
        &["check", "--select", "ALL", "--fix", "--unsafe-fixes", "."],
    ] {
        let result = run(&project, args);
        assert_no_panic(&result);
        assert!(result.code == 0 || result.code == 1, "{}", result.stderr);
        assert!(project.read("deepoutput.ipynb").contains("y = 2"));
    }
}

#[test]
fn directory_named_like_a_notebook_is_walked_not_read() {
    let project = Project::new();
    project.write("good.ipynb", code_notebook(GOOD_BEFORE));
    project.write("dir.ipynb/inner.ipynb", code_notebook(GOOD_BEFORE));
    for args in [&["format", "."][..], &["format", "dir.ipynb", "good.ipynb"]] {
        let result = run(&project, args);
        assert_no_panic(&result);
        result.assert_code(0);
        assert_eq!(
            project.read("dir.ipynb/inner.ipynb"),
            code_notebook(GOOD_AFTER)
        );
        project.write("dir.ipynb/inner.ipynb", code_notebook(GOOD_BEFORE));
    }
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("run mkfifo");
    assert!(status.success(), "mkfifo failed");
}

#[test]
fn fifo_named_like_a_notebook_is_skipped_without_blocking() {
    // Opening a FIFO for reading waits for a writer: this would hang if nbtidy opened it plainly.
    bad_input_case(
        "pipe.ipynb",
        |p| mkfifo(&p.path("pipe.ipynb")),
        &skipped("not a regular file (a FIFO), skipped"),
    );
}

#[test]
fn device_named_like_a_notebook_is_skipped_without_blocking() {
    // /dev/zero never ends: reading it would fill memory.
    bad_input_case(
        "zero.ipynb",
        |p| std::os::unix::fs::symlink("/dev/zero", p.path("zero.ipynb")).expect("symlink"),
        &skipped("not a regular file (a device), skipped"),
    );
}

#[test]
fn dangling_symlink() {
    bad_input_case(
        "dangling.ipynb",
        |p| std::os::unix::fs::symlink("missing.ipynb", p.path("dangling.ipynb")).expect("link"),
        &error("cannot read: No such file or directory"),
    );
}

#[test]
fn symlink_loop() {
    bad_input_case(
        "loop.ipynb",
        |p| {
            std::os::unix::fs::symlink("loop2.ipynb", p.path("loop.ipynb")).expect("link");
            std::os::unix::fs::symlink("loop.ipynb", p.path("loop2.ipynb")).expect("link");
        },
        &error("Too many levels of symbolic links"),
    );
}

#[test]
fn read_only_file_needing_changes_is_an_error_not_a_silent_skip() {
    let project = Project::new();
    project.write("good.ipynb", code_notebook(GOOD_BEFORE));
    project.write("locked.ipynb", code_notebook(&["y=2"]));
    let locked = project.path("locked.ipynb");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    let before = fingerprint(&locked);

    let result = run(&project, &["format", "."]);

    assert_no_panic(&result);
    result.assert_code(2);
    assert!(
        line_naming(&result, "locked.ipynb")
            .starts_with("error: locked.ipynb: the file is read-only, not modified"),
        "{}",
        result.stderr
    );
    assert_eq!(fingerprint(&locked), before);
    assert_eq!(
        std::fs::metadata(&locked).expect("stat").mode() & 0o777,
        0o444
    );
    assert_eq!(project.read("good.ipynb"), code_notebook(GOOD_AFTER));
    // `--check` does not need to write: a read-only notebook is checked like any other.
    let result = run(&project, &["format", "--check", "locked.ipynb"]);
    result.assert_code(1);
    // `check --fix` needs to write too.
    project.write("good.ipynb", code_notebook(&["import os"]));
    std::fs::set_permissions(
        project.path("good.ipynb"),
        std::fs::Permissions::from_mode(0o444),
    )
    .expect("chmod");
    let result = run(&project, &["check", "--fix", "good.ipynb"]);
    result.assert_code(2);
    assert!(line_naming(&result, "good.ipynb").contains("read-only"));
    assert_eq!(project.read("good.ipynb"), code_notebook(&["import os"]));
}

/// The effective user id (the owner of `/proc/self`).
fn euid() -> u32 {
    std::fs::metadata("/proc/self")
        .expect("stat /proc/self")
        .uid()
}

/// Runs nbtidy as an unprivileged user: permissions do not stop root, so as root the run goes
/// through `setpriv` as `nobody` (uid 65534); `None` when that is not possible here.
fn run_unprivileged(project: &Project, args: &[&str]) -> Option<Run> {
    let mut command = if euid() == 0 {
        if Command::new("setpriv").arg("--version").output().is_err() {
            return None;
        }
        // nobody must own the project (to create temporary files there) and the files it
        // should write.
        give_to_nobody(project.root());
        let mut command = Command::new("setpriv");
        command.args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            env!("CARGO_BIN_EXE_nbtidy"),
        ]);
        command
            .current_dir(project.root())
            .env("HOME", project.root());
        command
    } else {
        nbtidy_command(project.root())
    };
    command.args(args);
    Some(run_with_timeout(command, Duration::from_secs(60)))
}

fn give_to_nobody(path: &Path) {
    if euid() == 0 {
        std::os::unix::fs::chown(path, Some(65534), Some(65534)).expect("chown");
    }
}

#[test]
fn unreadable_file() {
    let project = Project::new();
    project.write("good.ipynb", code_notebook(GOOD_BEFORE));
    give_to_nobody(&project.path("good.ipynb"));
    project.write("secret.ipynb", code_notebook(&["y=2"]));
    let secret = project.path("secret.ipynb");
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    let before = fingerprint(&secret);

    let Some(result) = run_unprivileged(&project, &["format", "."]) else {
        eprintln!("skipped: running as root without setpriv, permissions cannot be tested");
        return;
    };

    assert_no_panic(&result);
    result.assert_code(2);
    assert!(
        line_naming(&result, "secret.ipynb")
            .starts_with("error: secret.ipynb: cannot read: Permission denied"),
        "{}",
        result.stderr
    );
    assert_eq!(fingerprint(&secret), before);
    assert_eq!(project.read("good.ipynb"), code_notebook(GOOD_AFTER));
}

#[test]
fn file_in_a_read_only_directory() {
    let project = Project::new();
    project.write("good.ipynb", code_notebook(GOOD_BEFORE));
    give_to_nobody(&project.path("good.ipynb"));
    project.write("frozen/nb.ipynb", code_notebook(&["y=2"]));
    let notebook = project.path("frozen/nb.ipynb");
    // The notebook itself is writable; its directory is not, so no temporary file can be made.
    give_to_nobody(&notebook);
    std::fs::set_permissions(
        project.path("frozen"),
        std::fs::Permissions::from_mode(0o555),
    )
    .expect("chmod");
    let before = fingerprint(&notebook);

    let result = run_unprivileged(&project, &["format", "."]);
    std::fs::set_permissions(
        project.path("frozen"),
        std::fs::Permissions::from_mode(0o755),
    )
    .expect("chmod back");
    let Some(result) = result else {
        eprintln!("skipped: running as root without setpriv, permissions cannot be tested");
        return;
    };

    assert_no_panic(&result);
    result.assert_code(2);
    let line = line_naming(&result, "nb.ipynb");
    assert!(
        line.starts_with("error: frozen/nb.ipynb: cannot create a temporary file in ")
            && line.contains("(the notebook is not modified)")
            && line.contains("Permission denied"),
        "{}",
        result.stderr
    );
    assert_eq!(fingerprint(&notebook), before);
    assert_eq!(project.read("good.ipynb"), code_notebook(GOOD_AFTER));
    assert!(temp_files(&project.path("frozen")).is_empty());
}

/// Starts `nbtidy ARGS` with the before-replace hook, waits until it has written its temporary
/// file, runs `meanwhile`, lets it go on, and returns its result.
fn run_paused_before_replace(project: &Project, args: &[&str], meanwhile: impl FnOnce()) -> Run {
    common::run_paused(project, args, "NBTIDY_TEST_HOOK_BEFORE_REPLACE", |_| {
        meanwhile()
    })
}

#[test]
fn a_notebook_changed_on_disk_during_the_run_is_not_overwritten() {
    for args in [
        &["format", "nb.ipynb"][..],
        &["check", "--fix", "--select", "E703", "nb.ipynb"],
    ] {
        let project = Project::new();
        project.write("nb.ipynb", code_notebook(&["x=1;\ny=2"]));
        // What the editor's autosave writes while nbtidy works.
        let autosaved = code_notebook(&["x=1;\ny=2\nz=3"]);

        let result = run_paused_before_replace(&project, args, || {
            project.write("nb.ipynb", &autosaved);
        });

        assert_no_panic(&result);
        result.assert_code(2);
        assert!(
            line_naming(&result, "nb.ipynb").starts_with(
                "error: nb.ipynb: the file changed on disk while nbtidy was working on it"
            ),
            "{}",
            result.stderr
        );
        assert_eq!(project.read("nb.ipynb"), autosaved, "the autosave is kept");
        assert!(temp_files(project.root()).is_empty());
        // Without interference the same run writes.
        let result = run_paused_before_replace(&project, args, || {});
        result.assert_code(0);
        assert_ne!(project.read("nb.ipynb"), autosaved);
    }
}

#[test]
fn a_kill_before_the_rename_leaves_the_old_file_and_only_a_hidden_temporary_file() {
    let project = Project::new();
    let before = code_notebook(&["x=1"]);
    project.write("nb.ipynb", &before);
    let hook = project.root().join("hook");
    let ready = PathBuf::from(format!("{}.ready", hook.display()));
    let mut child = nbtidy_command(project.root())
        .args(["format", "nb.ipynb"])
        .env("NBTIDY_TEST_HOOK_BEFORE_REPLACE", &hook)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start nbtidy");
    while !ready.exists() {
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().expect("kill nbtidy");
    child.wait().expect("reap nbtidy");

    assert_eq!(project.read("nb.ipynb"), before);
    // The new content was complete in the temporary file, which the walk never picks up.
    let temps = temp_files(project.root());
    assert_eq!(temps.len(), 1, "{temps:?}");
    assert_eq!(
        project.read(&temps[0]),
        code_notebook(&["x = 1"]),
        "the temporary file held the whole new notebook"
    );
    let result = run(&project, &["format", "."]);
    result.assert_code(0);
    assert_eq!(project.read("nb.ipynb"), code_notebook(&["x = 1"]));
}

#[test]
fn a_panic_in_one_notebook_is_an_error_for_it_and_the_run_goes_on() {
    for args in [
        &["format", "."][..],
        &["check", "--fix", "--select", "E703", "."],
        &["check", "."],
    ] {
        let project = Project::new();
        let bomb = code_notebook(&["import os", "BOOM_MARKER = 1;"]);
        project.write("a.ipynb", &bomb);
        project.write("b.ipynb", code_notebook(&["x=1;\ny=2"]));
        let before = fingerprint(&project.path("a.ipynb"));
        let mut command = nbtidy_command(project.root());
        command.args(args).env("NBTIDY_TEST_PANIC", "BOOM_MARKER");

        let result = run_with_timeout(command, Duration::from_secs(60));

        assert_no_panic(&result);
        result.assert_code(2);
        let line = line_naming(&result, "a.ipynb");
        assert!(
            line.starts_with(
                "error: a.ipynb: internal error: NBTIDY_TEST_PANIC marker found in a cell at crates/nbtidy_pipeline/src/"
            ) && line.contains("nothing was written. This is a bug in nbtidy"),
            "{}",
            result.stderr
        );
        assert_eq!(fingerprint(&project.path("a.ipynb")), before);
        if args[0] == "format" {
            assert_eq!(project.read("b.ipynb"), code_notebook(&["x = 1\ny = 2"]));
        } else if args.contains(&"--fix") {
            assert_eq!(project.read("b.ipynb"), code_notebook(&["x=1\ny=2"]));
        } else {
            assert!(result.stdout.contains("b.ipynb"), "{}", result.stdout);
        }
    }
}

#[test]
fn a_panic_on_stdin_echoes_the_input_unchanged() {
    let project = Project::new();
    for (name, input) in [
        ("x.ipynb", code_notebook(&["BOOM_MARKER=1"])),
        ("x.py", "BOOM_MARKER=1\n".to_owned()),
    ] {
        let mut command = nbtidy_command(project.root());
        command
            .args(["format", "--stdin-filename", name, "-"])
            .env("NBTIDY_TEST_PANIC", "BOOM_MARKER")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("start nbtidy");
        {
            use std::io::Write as _;
            let mut stdin = child.stdin.take().expect("piped");
            stdin.write_all(input.as_bytes()).expect("write stdin");
        }
        let output = child.wait_with_output().expect("wait");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert_eq!(String::from_utf8_lossy(&output.stdout), input);
        assert!(
            stderr.starts_with(&format!("error: {name}: internal error:")),
            "{stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

/// A notebook of about `megabytes` MB: `cells` code cells needing formatting, each with a large
/// stream output.
fn large_notebook(cells: usize, megabytes: usize) -> String {
    let output_line = "0123456789abcdef".repeat(4);
    let lines_per_cell = megabytes * 1_000_000 / cells / (output_line.len() + 8);
    let output: Vec<String> = (0..lines_per_cell)
        .map(|_| format!("\"{output_line}\\n\""))
        .collect();
    let output = output.join(",\n    ");
    let cells: Vec<String> = (0..cells)
        .map(|i| {
            format!(
                r#"{{"cell_type": "code", "execution_count": {i}, "id": "c{i}", "metadata": {{}}, "outputs": [{{"name": "stdout", "output_type": "stream", "text": [
    {output}]}}], "source": ["value_{i}={i}+1"]}}"#
            )
        })
        .collect();
    notebook_with(&cells.join(",\n"))
}

#[test]
fn killing_a_large_rewrite_at_any_moment_leaves_the_old_or_the_new_file() {
    let project = Project::new();
    let old = large_notebook(100, 24);
    project.write("big.ipynb", &old);
    // The new file, and how long a whole run takes.
    let started = Instant::now();
    run(&project, &["format", "big.ipynb"]).assert_code(0);
    let full = started.elapsed();
    let new = project.read_bytes("big.ipynb");
    assert_ne!(new, old.as_bytes());

    let rounds = 40;
    let (mut saw_old, mut saw_new) = (0, 0);
    for round in 0..rounds {
        project.write("big.ipynb", &old);
        for temp in temp_files(project.root()) {
            std::fs::remove_file(project.root().join(temp)).expect("clean up");
        }
        let mut child = nbtidy_command(project.root())
            .args(["format", "big.ipynb"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start nbtidy");
        // Kill moments spread from the start to twice a whole run's time (runs are slower on a
        // busy machine than the one measured above).
        std::thread::sleep(full.mul_f64(2.0 * f64::from(round) / f64::from(rounds - 1)));
        let _ = child.kill();
        child.wait().expect("reap nbtidy");

        let now = project.read_bytes("big.ipynb");
        if now == old.as_bytes() {
            saw_old += 1;
        } else if now == new {
            saw_new += 1;
        } else {
            panic!(
                "round {round}: the file is neither the old nor the new notebook ({} bytes)",
                now.len()
            );
        }
    }
    eprintln!(
        "{rounds} kills over {full:?} runs: {saw_old} left the old file, {saw_new} the new one"
    );
    // Whether any kill landed after the rename depends on the machine's load; a kill at the
    // start always leaves the old file.
    assert!(saw_old > 0, "old {saw_old}, new {saw_new}");
}
