//! End to end: the real `nbtidy server` driven by a real LSP client library (pytest-lsp, on
//! pygls, which speaks notebook documents), and by headless Neovim (Debian's `neovim`).
//!
//! The Python suites are in `tests/lsp/` (see `tests/lsp/conftest.py`). Their tools are
//! installed into the venv `target/ci-tools` (as `.ci/run` does: `pip install pytest-lsp==1.0.1`)
//! when missing; a test that cannot get its tools fails and says why, it never passes silently.

use std::path::{Path, PathBuf};
use std::process::Command;

const PYTEST_LSP: &str = "pytest-lsp==1.0.1";

/// The venv's Python with pytest-lsp, installed if missing.
fn python_with_pytest_lsp() -> PathBuf {
    let tools = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ci-tools");
    let python = tools.join("bin/python");
    let has = |python: &Path| {
        Command::new(python)
            .args(["-c", "import pytest_lsp, lsprotocol"])
            .output()
            .is_ok_and(|out| out.status.success())
    };
    if !has(&python) {
        if !python.exists() {
            let venv = Command::new("python3")
                .args(["-m", "venv"])
                .arg(&tools)
                .status();
            assert!(
                venv.is_ok_and(|s| s.success()),
                "the LSP end-to-end tests need python3 with venv: `python3 -m venv target/ci-tools` failed"
            );
        }
        // `python -m pip`, not `bin/pip`: a venv copied from elsewhere keeps a stale shebang.
        let pip = Command::new(&python)
            .args(["-m", "pip", "install", "--quiet", PYTEST_LSP])
            .status();
        assert!(
            pip.is_ok_and(|s| s.success()) && has(&python),
            "the LSP end-to-end tests need {PYTEST_LSP}: `target/ci-tools/bin/python -m pip install \
             {PYTEST_LSP}` failed (no network?); install it there, as .ci/run does"
        );
    }
    python
}

fn run_pytest(suite: &str) {
    let python = python_with_pytest_lsp();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lsp");
    let out = Command::new(python)
        .args(["-m", "pytest", "-q", "-c"])
        .arg(dir.join("pytest.ini"))
        .arg("--rootdir")
        .arg(&dir)
        .arg(dir.join(suite))
        .env("NBTIDY", env!("CARGO_BIN_EXE_nbtidy"))
        .current_dir(&dir)
        .output()
        .expect("python runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "pytest {suite} failed:\n{stdout}\n{stderr}"
    );
    // No test may be skipped: a skip would pass without checking anything.
    assert!(
        !stdout.contains("skipped") && stdout.contains("passed"),
        "pytest {suite}:\n{stdout}"
    );
}

#[test]
fn notebook_documents() {
    run_pytest("test_notebook.py");
}
