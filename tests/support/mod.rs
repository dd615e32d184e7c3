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
