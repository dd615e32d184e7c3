//! Shared helpers for the corpus and fixture tests: where `../shared` is, copying trees, running
//! the binary and the independent checker.

#![allow(
    dead_code,
    reason = "each test crate uses a different subset of the helpers"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `../shared`, next to the repository (CI has it too).
pub fn shared() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    assert!(
        dir.join("corpus").is_dir(),
        "../shared/corpus is missing: these tests need the shared corpus beside the repository"
    );
    dir
}

/// Every `.ipynb` under `dir`, sorted.
pub fn notebooks_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "ipynb") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Copies a file and makes the copy writable: `../shared` is read-only, the notebooks in a user's
/// checkout are not (and nbtidy refuses to replace a read-only file).
pub fn copy_file(from: &Path, to: &Path) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::copy(from, to).unwrap();
    std::fs::set_permissions(to, std::fs::Permissions::from_mode(0o644)).unwrap();
}

/// Copies a directory tree (files only), writable.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            copy_file(&entry.path(), &target);
        }
    }
}

/// Runs `nbtidy ARGS...`.
pub fn nbtidy(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nbtidy"))
        .args(args)
        .output()
        .expect("the nbtidy binary runs")
}

/// `nbspans.py same-outside-tree ORIG NEW`: the independent fidelity checker.
pub fn same_outside_tree(orig: &Path, new: &Path) -> Output {
    Command::new("python3")
        .arg(shared().join("tools/nbspans.py"))
        .arg("same-outside-tree")
        .arg(orig)
        .arg(new)
        .output()
        .expect("python3 runs ../shared/tools/nbspans.py")
}

/// Reads every file under `dir` into (relative path, bytes), sorted.
pub fn snapshot_tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                files.push((path.strip_prefix(dir).unwrap().to_path_buf(), bytes));
            }
        }
    }
    files.sort();
    files
}

/// Text of a process's stderr.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Text of a process's stdout.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A cell's `source` (string or list of strings) joined into one text, read with serde_json
/// (independent of nbtidy's own parser). Anything else reads as `""`.
pub fn source_text(cell: &serde_json::Value) -> String {
    match &cell["source"] {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(lines) => lines.iter().filter_map(|l| l.as_str()).collect(),
        _ => String::new(),
    }
}

/// `ours` is `theirs` plus one semicolon: the cell-ending semicolon nbtidy keeps on purpose.
pub fn only_kept_semicolon(ours: &str, theirs: &str) -> bool {
    ours.rmatch_indices(';').any(|(at, _)| {
        let mut without = ours.to_owned();
        without.remove(at);
        without == theirs
    })
}

/// ruff 0.16.4 in `target/ci-tools` (where `.ci/run` puts it), installed there if missing.
pub fn install_ruff() -> PathBuf {
    let tools = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ci-tools");
    let ruff = tools.join("bin/ruff");
    let installed = Command::new(&ruff)
        .arg("--version")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "ruff 0.16.4");
    if !installed {
        let venv = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&tools)
            .status();
        let pip = Command::new(tools.join("bin/pip"))
            .args(["install", "--quiet", "ruff==0.16.4"])
            .status();
        assert!(
            venv.is_ok_and(|s| s.success()) && pip.is_ok_and(|s| s.success()),
            "the ruff parity test needs ruff 0.16.4: set NBTIDY_RUFF to it, or let this test \
             install it (python3 -m venv and pip install ruff==0.16.4 into target/ci-tools \
             failed), or skip it on purpose with NBTIDY_SKIP_RUFF_PARITY=1"
        );
    }
    ruff
}

/// ruff 0.16.4 for a differential test: `NBTIDY_RUFF`, else installed by [`install_ruff`];
/// `None` (said on stderr, loudly) when `NBTIDY_SKIP_RUFF_PARITY` is set.
pub fn ruff_or_skip(test: &str) -> Option<PathBuf> {
    if std::env::var_os("NBTIDY_SKIP_RUFF_PARITY").is_some() {
        #[expect(clippy::print_stderr, reason = "a skipped comparison must be visible")]
        {
            eprintln!("SKIPPED: {test} (NBTIDY_SKIP_RUFF_PARITY is set): nothing was compared");
        }
        return None;
    }
    Some(std::env::var_os("NBTIDY_RUFF").map_or_else(install_ruff, PathBuf::from))
}

/// ruff skips notebooks whose `language_info.name` is not "python", or, without `language_info`,
/// whose kernelspec does not say `"language": "python"`.
pub fn ruff_skips(metadata: &serde_json::Value) -> bool {
    if let Some(info) = metadata.get("language_info") {
        return info["name"] != "python";
    }
    if let Some(kernelspec) = metadata.get("kernelspec") {
        return kernelspec["language"] != "python";
    }
    false
}
