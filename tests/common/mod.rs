//! Helpers shared by the end-to-end CLI tests: temporary projects, notebooks written the way
//! Jupyter writes them, and running the `nbtidy` binary.

// Each `tests/cli_*.rs` file is its own crate and uses a different subset of these helpers.
#![allow(
    dead_code,
    reason = "each test crate uses a different subset of the helpers"
)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The metadata Jupyter writes for a Python 3 notebook.
pub fn python_metadata() -> Value {
    json!({
        "kernelspec": {
            "display_name": "Python 3",
            "language": "python",
            "name": "python3"
        },
        "language_info": {
            "name": "python",
            "version": "3.12.0"
        }
    })
}

/// One cell of a notebook built by [`build`].
#[derive(Debug, Clone)]
pub struct Cell {
    kind: String,
    text: String,
    metadata: Value,
}

/// A cell of type `kind` (`code`, `markdown`, `raw`) whose source is `text`.
pub fn cell(kind: &str, text: &str) -> Cell {
    Cell {
        kind: kind.to_owned(),
        text: text.to_owned(),
        metadata: json!({}),
    }
}

impl Cell {
    /// The same cell with this cell metadata.
    pub fn with_metadata(mut self, metadata: Value) -> Self {
        self.metadata = metadata;
        self
    }
}

/// The `source` list Jupyter writes for `text`: one string per line, each but the last ending
/// with `\n`.
pub fn source_lines(text: &str) -> Value {
    Value::Array(
        text.split_inclusive('\n')
            .map(|line| Value::String(line.to_owned()))
            .collect(),
    )
}

/// A notebook with the given cells and notebook metadata, serialized exactly as Jupyter does
/// (`json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False)` plus a final newline).
pub fn build(cells: &[Cell], metadata: Value) -> String {
    let cells: Vec<Value> = cells
        .iter()
        .map(|cell| {
            if cell.kind == "code" {
                json!({
                    "cell_type": "code",
                    "execution_count": null,
                    "metadata": cell.metadata,
                    "outputs": [],
                    "source": source_lines(&cell.text),
                })
            } else {
                json!({
                    "cell_type": cell.kind,
                    "metadata": cell.metadata,
                    "source": source_lines(&cell.text),
                })
            }
        })
        .collect();
    let notebook = json!({
        "cells": cells,
        "metadata": metadata,
        "nbformat": 4,
        "nbformat_minor": 5,
    });
    jupyter_json(&notebook)
}

/// `value` as Jupyter writes JSON: 1-space indentation, sorted keys, raw UTF-8, final newline.
pub fn jupyter_json(value: &Value) -> String {
    let mut out = String::new();
    write_json(&mut out, value, 0);
    out.push('\n');
    out
}

fn write_json(out: &mut String, value: &Value, depth: usize) {
    let indent = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&" ".repeat(depth));
    };
    match value {
        Value::Array(items) if !items.is_empty() => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                indent(out, depth + 1);
                write_json(out, item, depth + 1);
            }
            indent(out, depth);
            out.push(']');
        }
        Value::Object(map) if !map.is_empty() => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                indent(out, depth + 1);
                out.push_str(&Value::String(key.clone()).to_string());
                out.push_str(": ");
                write_json(out, item, depth + 1);
            }
            indent(out, depth);
            out.push('}');
        }
        // Scalars, `[]` and `{}` print the same in compact form.
        _ => out.push_str(&value.to_string()),
    }
}

/// A Python notebook whose cells are `(cell_type, source text)` pairs.
pub fn notebook(cells: &[(&str, &str)]) -> String {
    let cells: Vec<Cell> = cells.iter().map(|(kind, text)| cell(kind, text)).collect();
    build(&cells, python_metadata())
}

/// A Python notebook with one code cell per entry of `codes`.
pub fn code_notebook(codes: &[&str]) -> String {
    let cells: Vec<(&str, &str)> = codes.iter().map(|code| ("code", *code)).collect();
    notebook(&cells)
}

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    /// The exit code (`-1` when killed by a signal).
    pub code: i32,
    /// Everything written to stdout.
    pub stdout: String,
    /// Everything written to stderr.
    pub stderr: String,
}

impl Run {
    /// Asserts the exit code, showing the output on failure.
    #[track_caller]
    pub fn assert_code(&self, expected: i32) -> &Self {
        assert_eq!(
            self.code, expected,
            "unexpected exit code\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Asserts that stderr contains `needle`.
    #[track_caller]
    pub fn assert_stderr_contains(&self, needle: &str) -> &Self {
        assert!(
            self.stderr.contains(needle),
            "stderr does not contain {needle:?}\n--- stderr ---\n{}",
            self.stderr
        );
        self
    }
}

/// A temporary directory holding a test project. Its `.editorconfig` starts with `root = true`,
/// so the settings of the directories above it (this repository's own) never leak in.
pub struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    /// A project whose `.editorconfig` is only `root = true`.
    pub fn new() -> Self {
        Self::with_editorconfig("")
    }

    /// A project whose `.editorconfig` is `root = true` followed by `sections`.
    pub fn with_editorconfig(sections: &str) -> Self {
        let dir = tempfile::Builder::new()
            .prefix("nbtidy-cli-")
            .tempdir()
            .expect("create a temporary directory");
        let project = Self { dir };
        project.write(".editorconfig", format!("root = true\n{sections}"));
        project
    }

    /// The project's directory.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// The absolute path of `relative`.
    pub fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    /// Writes `contents` to `relative`, creating directories as needed.
    pub fn write(&self, relative: &str, contents: impl AsRef<[u8]>) {
        let path = self.path(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create directories");
        }
        std::fs::write(&path, contents).expect("write a test file");
    }

    /// The bytes of `relative`.
    pub fn read_bytes(&self, relative: &str) -> Vec<u8> {
        std::fs::read(self.path(relative)).expect("read a test file")
    }

    /// The text of `relative`.
    pub fn read(&self, relative: &str) -> String {
        String::from_utf8(self.read_bytes(relative)).expect("test files are UTF-8")
    }

    /// Runs `nbtidy ARGS` in the project directory with an empty stdin.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with_stdin(args, b"")
    }

    /// Runs `nbtidy ARGS` in the project directory with `stdin` on its standard input.
    pub fn run_with_stdin(&self, args: &[&str], stdin: &[u8]) -> Run {
        let mut child = nbtidy_command(self.root())
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start nbtidy");
        {
            let mut pipe = child.stdin.take().expect("stdin is piped");
            // nbtidy may exit before reading everything (bad arguments); that is not our concern.
            let _ = pipe.write_all(stdin);
        }
        let output = child.wait_with_output().expect("wait for nbtidy");
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        }
    }

    /// Names of the entries of directory `relative` (`""` for the project root), sorted.
    pub fn list(&self, relative: &str) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.path(relative))
            .expect("read a test directory")
            .map(|entry| {
                entry
                    .expect("read a directory entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        names.sort();
        names
    }
}

/// A `nbtidy` command run in `dir`, isolated from the user's global git configuration.
pub fn nbtidy_command(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_nbtidy"));
    command
        .current_dir(dir)
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir.join(".config"))
        .env_remove("GIT_DIR")
        // nbtidy prints a backtrace on an internal error when this is set.
        .env_remove("RUST_BACKTRACE")
        .env_remove("GIT_WORK_TREE");
    command
}

/// Runs `command` to completion, failing the test (not hanging it) past `timeout`. Its output is
/// read while it runs (a child writing more than a pipe holds must not block on a full pipe).
pub fn run_with_timeout(mut command: Command, timeout: Duration) -> Run {
    use std::io::Read as _;
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start nbtidy");
    let drain = |mut pipe: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("piped")));
    let stderr = drain(Box::new(child.stderr.take().expect("piped")));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("poll nbtidy") {
            break status;
        }
        if started.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "nbtidy blocked for more than {timeout:?}\n--- stderr ---\n{}",
                stderr.join().unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
    }
}

/// Starts `nbtidy ARGS` with the write hook `hook` set, waits until it is paused there, runs
/// `meanwhile` with the child, then lets it go on (if it is still alive) and collects it.
pub fn run_paused(
    project: &Project,
    args: &[&str],
    hook: &str,
    meanwhile: impl FnOnce(&std::process::Child),
) -> Run {
    let base = project.root().join("hook");
    let ready = std::path::PathBuf::from(format!("{}.ready", base.display()));
    let go = std::path::PathBuf::from(format!("{}.go", base.display()));
    let mut command = nbtidy_command(project.root());
    command
        .args(args)
        .env(hook, &base)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let child = command.spawn().expect("start nbtidy");
    let started = Instant::now();
    while !ready.exists() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "nbtidy never reached {hook}"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    meanwhile(&child);
    std::fs::write(&go, b"").expect("release nbtidy");
    let output = child.wait_with_output().expect("wait for nbtidy");
    let _ = std::fs::remove_file(ready);
    let _ = std::fs::remove_file(go);
    use std::os::unix::process::ExitStatusExt as _;
    Run {
        code: output
            .status
            .code()
            .unwrap_or_else(|| 128 + output.status.signal().unwrap_or(0)),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}
