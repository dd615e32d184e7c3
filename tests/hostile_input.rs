//! Hostile input, generated (never checked in): whatever a notebook, a file next to it or the
//! file system holds, nbtidy does not abort, hang, report a silent success or lose data.
//!
//! Classes (issue 11; `docs/reliability.md` lists each with its test): code nested deeper than a
//! stack can hold; special files where nbtidy reads settings and ignore files; directories it
//! cannot read; lone surrogates; concurrent edits on large files; owner, extended attributes and
//! hard links kept; signals during a write; CR-only cells.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Project, Run, code_notebook, nbtidy_command, run_paused, run_with_timeout};

fn run(project: &Project, args: &[&str]) -> Run {
    let mut command = nbtidy_command(project.root());
    command.args(args);
    run_with_timeout(command, Duration::from_secs(120))
}

#[track_caller]
fn assert_sane(run: &Run) {
    assert!(
        (0..=2).contains(&run.code),
        "killed or aborted (code {}):\n{}",
        run.code,
        run.stderr
    );
    assert!(
        !run.stderr.contains("panicked") && !run.stderr.contains("stack overflow"),
        "{}",
        run.stderr
    );
}

fn temp_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("list")
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().to_string_lossy().into_owned();
            name.starts_with(".nbtidy-").then_some(name)
        })
        .collect()
}

/// The largest `n` whose code the nesting estimate accepts.
fn largest_accepted(shape: fn(usize) -> String) -> usize {
    let (mut low, mut high) = (1, nbtidy_python::MAX_NESTING * 2);
    while low + 1 < high {
        let mid = (low + high) / 2;
        if nbtidy_python::nesting(&shape(mid)) <= nbtidy_python::MAX_NESTING {
            low = mid;
        } else {
            high = mid;
        }
    }
    low
}

/// Class 1: every kind of nesting, at the limit and past it, in `format`, `check`, `check --fix`
/// and stdin mode: no abort, a clear per-cell message past the limit, the other cells and
/// notebooks processed, nothing left behind.
#[test]
fn deep_nesting_never_aborts() {
    for (name, shape) in nbtidy_python::hostile::shapes() {
        let at_limit = shape(largest_accepted(shape));
        let too_deep = shape(nbtidy_python::MAX_NESTING * 3);
        let project = Project::new();
        project.write("deep.ipynb", code_notebook(&[&at_limit, &too_deep, "x=1"]));
        project.write("good.ipynb", code_notebook(&["y=2"]));
        let before = project.read("deep.ipynb");

        let check = run(&project, &["check", "--select", "ALL", "."]);
        assert_sane(&check);
        assert!(
            check.stdout.contains("deep.ipynb:cell 2:")
                && check.stdout.contains("nested too deeply"),
            "{name}: {}",
            check.stdout
        );

        let format = run(&project, &["format", "."]);
        assert_sane(&format);
        assert_eq!(format.code, 0, "{name}: {}", format.stderr);
        assert!(
            format.stderr.contains("deep.ipynb:cell 2:")
                && format.stderr.contains("nested too deeply")
                && format.stderr.contains("cell left unchanged"),
            "{name}: {}",
            format.stderr
        );
        assert!(project.read("good.ipynb").contains("y = 2"), "{name}");
        let after = project.read("deep.ipynb");
        assert!(
            after.contains("\"x = 1\""),
            "{name}: the shallow cell is formatted"
        );
        let cells = |text: &str| -> Vec<String> {
            let value: serde_json::Value = serde_json::from_str(text).expect("JSON");
            value["cells"]
                .as_array()
                .expect("cells")
                .iter()
                .map(|cell| cell["source"].as_str().unwrap_or_default().to_owned())
                .collect()
        };
        assert_eq!(
            cells(&after)[1],
            cells(&before)[1],
            "{name}: deep cell kept"
        );

        let fix = run(
            &project,
            &["check", "--fix", "--unsafe-fixes", "--select", "ALL", "."],
        );
        assert_sane(&fix);
        assert!(temp_files(project.root()).is_empty(), "{name}");

        let mut stdin = nbtidy_command(project.root());
        stdin.args(["format", "--stdin-filename", "cell.py", "-"]);
        let code = format!("{too_deep}\n");
        let run = run_stdin(stdin, code.as_bytes());
        assert_sane(&run);
        assert_eq!(run.stdout, code, "{name}: stdin echoed unchanged");
        assert!(
            run.stderr.contains("nested too deeply"),
            "{name}: {}",
            run.stderr
        );
    }
}

fn run_stdin(mut command: Command, input: &[u8]) -> Run {
    use std::io::Write as _;
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start nbtidy");
    let mut pipe = child.stdin.take().expect("piped");
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let output = child.wait_with_output().expect("wait");
    writer.join().expect("writer");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn euid() -> u32 {
    use std::os::unix::fs::MetadataExt as _;
    // The owner of a file we just created is our effective user.
    let dir = tempfile::tempdir().expect("tempdir");
    let probe = dir.path().join("probe");
    std::fs::write(&probe, b"").expect("write");
    std::fs::metadata(&probe).expect("stat").uid()
}

/// `command` (an nbtidy run in `dir`) as the unprivileged user `nobody` when we are root (through
/// `setpriv`, which CI has: a missing `setpriv` fails the test rather than skipping it).
fn unprivileged(dir: &Path, args: &[&str]) -> Command {
    let mut command = if euid() == 0 {
        let mut command = Command::new("setpriv");
        command.args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            env!("CARGO_BIN_EXE_nbtidy"),
        ]);
        command.current_dir(dir).env("HOME", dir);
        command
    } else {
        nbtidy_command(dir)
    };
    command.args(args);
    command
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(status.success());
}

/// Class 3: every file nbtidy (or the `ignore` crate for it) reads, as a FIFO or as a symlink to
/// `/dev/zero`, in the project or in a subdirectory: a clear error naming it, exit 2, the rest
/// of the tree still processed, never a hang.
#[test]
fn special_files_where_settings_and_ignore_rules_are_read_never_hang() {
    for name in [".editorconfig", ".gitignore", ".ignore", ".git"] {
        for special in ["fifo", "/dev/zero", "socket"] {
            let project = Project::new();
            project.write("sub/bad.ipynb", code_notebook(&["x=1"]));
            project.write("good.ipynb", code_notebook(&["y=2"]));
            let path = project.path(&format!("sub/{name}"));
            let _socket;
            match special {
                "fifo" => mkfifo(&path),
                "socket" => {
                    _socket = std::os::unix::net::UnixListener::bind(&path).expect("bind");
                }
                device => std::os::unix::fs::symlink(device, &path).expect("symlink"),
            }
            let before = project.read("sub/bad.ipynb");
            for args in [
                vec!["format", "."],
                vec!["check", "."],
                vec!["check", "--fix", "."],
            ] {
                let run = run(&project, &args);
                assert_sane(&run);
                assert_eq!(run.code, 2, "{name} {special} {args:?}: {}", run.stderr);
                assert!(
                    run.stderr.contains(&format!("sub/{name}"))
                        && run.stderr.contains("not a regular file"),
                    "{name} {special} {args:?}: {}",
                    run.stderr
                );
                assert_eq!(project.read("sub/bad.ipynb"), before, "{name} {special}");
            }
            assert!(
                project.read("good.ipynb").contains("y = 2"),
                "{name} {special}"
            );
        }
    }
    // In the directory walked, and named on the command line.
    let project = Project::new();
    project.write("good.ipynb", code_notebook(&["y=2"]));
    mkfifo(&project.path(".gitignore"));
    let run = run(&project, &["format", "."]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains(".gitignore: not a regular file (a FIFO)"),
        "{}",
        run.stderr
    );
}

/// Class 4: a directory nbtidy cannot read, and a path longer than the system allows, are
/// errors (exit 2), never "All checks passed!".
#[test]
fn unreadable_directories_and_long_paths_are_errors() {
    let project = Project::new();
    project.write("good.ipynb", code_notebook(&["y = 2"]));
    project.write("locked/hidden.ipynb", code_notebook(&["x=1"]));
    project.write("noexec/hidden.ipynb", code_notebook(&["x=1"]));
    use std::os::unix::fs::PermissionsExt as _;
    // nobody must be able to read the project itself.
    if euid() == 0 {
        Command::new("chown")
            .args(["-R", "65534:65534"])
            .arg(project.root())
            .status()
            .expect("chown");
    }
    std::fs::set_permissions(
        project.path("locked"),
        std::fs::Permissions::from_mode(0o000),
    )
    .expect("chmod");
    std::fs::set_permissions(
        project.path("noexec"),
        std::fs::Permissions::from_mode(0o644),
    )
    .expect("chmod");
    for args in [vec!["check", "."], vec!["format", "--check", "."]] {
        let run = run_with_timeout(unprivileged(project.root(), &args), Duration::from_secs(60));
        assert_sane(&run);
        assert_eq!(run.code, 2, "{args:?}: {}\n{}", run.stdout, run.stderr);
        assert!(run.stderr.contains("locked"), "{}", run.stderr);
        assert!(run.stderr.contains("noexec"), "{}", run.stderr);
        assert!(!run.stdout.contains("All checks passed"), "{}", run.stdout);
        assert!(!run.stderr.contains("All checks passed"), "{}", run.stderr);
    }

    // A path longer than PATH_MAX (4096): 20 levels of 250-character names, made one level at
    // a time (relative to the previous one).
    let project = Project::new();
    project.write("good.ipynb", code_notebook(&["y = 2"]));
    let script = "import os\nfor _ in range(20):\n    os.mkdir('d' * 250)\n    os.chdir('d' * 250)\nopen('n.ipynb', 'w').write('{\"cells\": [], \"metadata\": {}, \"nbformat\": 4, \"nbformat_minor\": 5}')\n";
    let status = Command::new("python3")
        .args(["-c", script])
        .current_dir(project.root())
        .status()
        .expect("python3");
    assert!(status.success());
    let run = run(&project, &["check", "."]);
    assert_sane(&run);
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("File name too long"), "{}", run.stderr);
    // The path is too long for one call: remove it from the inside out.
    let cleanup = "import os, shutil\nos.rename('d' * 250, 'x')\nos.chdir('x')\nwhile os.path.isdir('d' * 250):\n    os.rename('d' * 250, 'x')\n    os.chdir('x')\nfor _ in range(25):\n    os.chdir('..')\n    shutil.rmtree('x', ignore_errors=True)\n    if not os.path.isdir('x'):\n        break\n";
    let _ = Command::new("python3")
        .args(["-c", cleanup])
        .current_dir(project.root())
        .status();
}

/// Class 4: a lone surrogate escape in a source (Python's `json` and Jupyter read it).
#[test]
fn lone_surrogates_are_named_and_left_alone() {
    let project = Project::new();
    let notebook = r#"{"cells": [{"cell_type": "code", "execution_count": null, "id": "a", "metadata": {}, "outputs": [], "source": ["x=\"\ud83d\"\n", "y=1"]}, {"cell_type": "code", "execution_count": null, "id": "b", "metadata": {}, "outputs": [], "source": "z=1"}], "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}, "nbformat": 4, "nbformat_minor": 5}
"#;
    project.write("s.ipynb", notebook);
    let check = run(
        &project,
        &[
            "check",
            "--select",
            "ALL",
            "--output-format",
            "concise",
            ".",
        ],
    );
    assert_eq!(check.code, 1, "{}", check.stderr);
    assert!(
        check.stdout.contains("s.ipynb:cell 1:1:1: NB010")
            && check.stdout.contains("lone surrogate escape (`\\ud83d`)"),
        "{}",
        check.stdout
    );
    let format = run(&project, &["format", "."]);
    assert_eq!(format.code, 0, "{}", format.stderr);
    assert!(
        format
            .stderr
            .contains("s.ipynb:cell 1:1:1: the cell's `source` holds a lone surrogate escape"),
        "{}",
        format.stderr
    );
    let after = project.read("s.ipynb");
    assert_eq!(after, notebook.replace("\"z=1\"", "\"z = 1\""));
    let fix = run(
        &project,
        &["check", "--select", "ALL", "--fix", "--unsafe-fixes", "."],
    );
    assert_sane(&fix);
    assert!(project.read("s.ipynb").contains(r#""x=\"\ud83d\"\n""#));
}

/// Class 5: a same-length write in place *during* the final comparison (after the compared
/// bytes were read) is not overwritten: the identity and times are checked again right before the
/// rename. Large notebook, as in the attack.
#[test]
fn a_write_during_the_final_comparison_is_not_overwritten() {
    let project = Project::new();
    let filler = "#".repeat(1 << 20);
    let cells: Vec<String> = (0..8).map(|i| format!("x{i}=1\n{filler}")).collect();
    let refs: Vec<&str> = cells.iter().map(String::as_str).collect();
    project.write("nb.ipynb", code_notebook(&refs));
    let original = project.read_bytes("nb.ipynb");
    let mut edited = original.clone();
    // Same length, far from the start: as an editor's in-place save of one character.
    let at = edited.len() - 200;
    edited[at] = if edited[at] == b'#' { b'+' } else { b'#' };
    for args in [
        &["format", "nb.ipynb"][..],
        &["check", "--fix", "--select", "ALL", "nb.ipynb"],
    ] {
        project.write("nb.ipynb", &original);
        let run = run_paused(&project, args, "NBTIDY_TEST_HOOK_AFTER_COMPARE", |_| {
            use std::io::{Seek as _, SeekFrom, Write as _};
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .open(project.path("nb.ipynb"))
                .expect("open");
            file.seek(SeekFrom::Start(at as u64)).expect("seek");
            file.write_all(&edited[at..=at]).expect("write");
        });
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("the file changed on disk"),
            "{}",
            run.stderr
        );
        assert_eq!(
            project.read_bytes("nb.ipynb"),
            edited,
            "{args:?}: the edit survives"
        );
        assert!(temp_files(project.root()).is_empty());
    }
}

/// Class 9: SIGINT, SIGTERM or SIGHUP while a write is under way leave no temporary file and the
/// old notebook, and nbtidy dies of the signal.
#[test]
fn signals_during_a_write_leave_nothing_behind() {
    for signal in ["INT", "TERM", "HUP"] {
        let project = Project::new();
        project.write("nb.ipynb", code_notebook(&["x=1"]));
        let before = project.read("nb.ipynb");
        let run = run_paused(
            &project,
            &["format", "nb.ipynb"],
            "NBTIDY_TEST_HOOK_BEFORE_REPLACE",
            |child| {
                assert_eq!(
                    temp_files(project.root()).len(),
                    1,
                    "the temporary file exists"
                );
                let status = Command::new("kill")
                    .args([format!("-{signal}"), child.id().to_string()])
                    .status()
                    .expect("kill");
                assert!(status.success());
                let started = Instant::now();
                while !temp_files(project.root()).is_empty()
                    && started.elapsed() < Duration::from_secs(10)
                {
                    std::thread::sleep(Duration::from_millis(5));
                }
            },
        );
        let number = match signal {
            "INT" => 2,
            "TERM" => 15,
            _ => 1,
        };
        assert_eq!(run.code, 128 + number, "SIG{signal}: {}", run.stderr);
        assert!(temp_files(project.root()).is_empty(), "SIG{signal}");
        assert_eq!(project.read("nb.ipynb"), before, "SIG{signal}");
    }
}

/// Class 8: formatting keeps the file what it is: its owner and group (as root: a file of
/// another user stays that user's), its extended attributes, and its hard links (every name
/// sees the new content; the file stays one inode).
#[test]
fn owner_extended_attributes_and_hard_links_are_kept() {
    use std::os::unix::fs::MetadataExt as _;
    // Owner and group.
    if euid() == 0 {
        let project = Project::new();
        project.write("nb.ipynb", code_notebook(&["x=1"]));
        std::os::unix::fs::chown(project.path("nb.ipynb"), Some(65534), Some(65534))
            .expect("chown");
        run(&project, &["format", "nb.ipynb"]).assert_code(0);
        let metadata = std::fs::metadata(project.path("nb.ipynb")).expect("stat");
        assert_eq!((metadata.uid(), metadata.gid()), (65534, 65534));
        assert_eq!(project.read("nb.ipynb"), code_notebook(&["x = 1"]));
    }
    // Another user's file that we may write (group-writable), as an unprivileged user: the owner
    // cannot be given to a new file, so the file is written in place.
    {
        let project = Project::new();
        project.write("nb.ipynb", code_notebook(&["x=1"]));
        if euid() == 0 {
            Command::new("chown")
                .args(["65534:65534"])
                .arg(project.root())
                .status()
                .expect("chown");
            std::os::unix::fs::chown(project.path("nb.ipynb"), Some(0), Some(65534))
                .expect("chown");
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(
                project.path("nb.ipynb"),
                std::fs::Permissions::from_mode(0o664),
            )
            .expect("chmod");
            let run = run_with_timeout(
                unprivileged(project.root(), &["format", "nb.ipynb"]),
                Duration::from_secs(60),
            );
            run.assert_code(0);
            let metadata = std::fs::metadata(project.path("nb.ipynb")).expect("stat");
            assert_eq!((metadata.uid(), metadata.gid()), (0, 65534), "owner kept");
            assert_eq!(project.read("nb.ipynb"), code_notebook(&["x = 1"]));
            assert!(temp_files(project.root()).is_empty());
        }
    }
    // Extended attributes (user.*), where the file system has them.
    {
        let project = Project::new();
        project.write("nb.ipynb", code_notebook(&["x=1"]));
        let set = Command::new("python3")
            .args([
                "-c",
                "import os, sys; os.setxattr(sys.argv[1], 'user.origin', b'lab-42')",
            ])
            .arg(project.path("nb.ipynb"))
            .status()
            .expect("python3");
        if set.success() {
            run(&project, &["format", "nb.ipynb"]).assert_code(0);
            let get = Command::new("python3")
                .args([
                    "-c",
                    "import os, sys; print(os.getxattr(sys.argv[1], 'user.origin').decode())",
                ])
                .arg(project.path("nb.ipynb"))
                .output()
                .expect("python3");
            assert_eq!(String::from_utf8_lossy(&get.stdout).trim(), "lab-42");
            assert_eq!(project.read("nb.ipynb"), code_notebook(&["x = 1"]));
        } else {
            // tmpfs without user xattrs: the attack's file system had them; say so loudly.
            panic!("this file system has no user extended attributes: cannot test them here");
        }
    }
    // Hard links.
    {
        let project = Project::new();
        project.write("nb.ipynb", code_notebook(&["x=1"]));
        std::fs::hard_link(project.path("nb.ipynb"), project.path("other-name.ipynb"))
            .expect("link");
        let inode = std::fs::metadata(project.path("nb.ipynb"))
            .expect("stat")
            .ino();
        run(&project, &["format", "nb.ipynb"]).assert_code(0);
        assert_eq!(project.read("nb.ipynb"), code_notebook(&["x = 1"]));
        assert_eq!(
            project.read("other-name.ipynb"),
            code_notebook(&["x = 1"]),
            "link kept"
        );
        let metadata = std::fs::metadata(project.path("nb.ipynb")).expect("stat");
        assert_eq!((metadata.ino(), metadata.nlink()), (inode, 2));
        assert!(temp_files(project.root()).is_empty());
        // A longer and a shorter rewrite in place both leave exactly the new bytes.
        project.write("nb.ipynb", code_notebook(&["x=1;y=2;z=3"]));
        run(&project, &["format", "nb.ipynb"]).assert_code(0);
        assert_eq!(
            project.read("other-name.ipynb"),
            code_notebook(&["x = 1\ny = 2\nz = 3"])
        );
        project.write("nb.ipynb", code_notebook(&["x  =  [ 1 ]"]));
        run(&project, &["format", "nb.ipynb"]).assert_code(0);
        assert_eq!(
            project.read("other-name.ipynb"),
            code_notebook(&["x = [1]"])
        );
    }
}

/// Class 10: a socket named `x.ipynb` is passed over like a FIFO (it was an error, a FIFO a
/// warning), in every command.
#[test]
fn sockets_and_fifos_named_ipynb_are_passed_over_alike() {
    for kind in ["socket", "fifo"] {
        let project = Project::new();
        project.write("good.ipynb", code_notebook(&["y=2"]));
        let path = project.path("x.ipynb");
        let _socket;
        if kind == "socket" {
            _socket = std::os::unix::net::UnixListener::bind(&path).expect("bind");
        } else {
            mkfifo(&path);
        }
        let what = if kind == "socket" {
            "a socket"
        } else {
            "a FIFO"
        };
        for args in [
            vec!["format", "."],
            vec!["format", "x.ipynb", "good.ipynb"],
            vec!["check", "--select", "ALL", "."],
        ] {
            let run = run(&project, &args);
            assert_sane(&run);
            assert!(
                run.stderr.contains(&format!(
                    "warning: x.ipynb: not a regular file ({what}), skipped"
                )),
                "{kind} {args:?}: {}",
                run.stderr
            );
            assert_ne!(run.code, 2, "{kind} {args:?}: {}", run.stderr);
        }
    }
}

/// Class 10: fixing that needs more rounds than the fix loop runs says how many fixable findings
/// are left (a chain of assignments: each removal makes the previous variable unused), and a
/// second run finishes the job.
#[test]
fn fixing_says_what_is_left_when_it_does_not_converge() {
    let project = Project::new();
    let mut code = String::from("def f():\n    a0 = 1\n");
    for i in 1..15 {
        code.push_str(&format!("    a{i} = a{}\n", i - 1));
    }
    code.push_str("    return 0");
    project.write("chain.ipynb", code_notebook(&[&code]));
    let args = ["check", "--select", "F841", "--fix", "--unsafe-fixes", "."];
    let first = run(&project, &args);
    assert_sane(&first);
    assert!(
        first.stderr.contains(
            "chain.ipynb: 1 fixable finding left after 10 rounds of fixing; run the command again"
        ),
        "{}",
        first.stderr
    );
    let second = run(&project, &args);
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert!(!second.stderr.contains("left after"), "{}", second.stderr);
    let after = project.read("chain.ipynb");
    assert!(!after.contains("a0 = 1"), "{after}");
}
