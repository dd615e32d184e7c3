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

#[test]
fn text_documents_raw_ipynb_py_and_pull_diagnostics() {
    run_pytest("test_text.py");
}

#[test]
fn robustness() {
    run_pytest("test_robustness.py");
}

/// docs/editors.md's Neovim snippet, run in headless Neovim on a notebook opened as JSON: the
/// diagnostics arrive at the `.ipynb` line, and formatting through LSP gives what
/// `nbtidy format` writes, byte for byte.
#[test]
fn neovim_headless_with_the_documented_snippet() {
    let nvim = Command::new("nvim").arg("--version").output();
    assert!(
        nvim.is_ok_and(|out| out.status.success()),
        "the Neovim test needs `nvim` on PATH (Debian: `apt-get install -y neovim`, as .ci/run does)"
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let docs = std::fs::read_to_string(root.join("docs/editors.md")).unwrap();
    let start = docs
        .find("```lua\n-- nbtidy's language server")
        .expect("the Neovim snippet")
        + 7;
    let snippet = &docs[start..start + docs[start..].find("```").unwrap()];
    assert!(snippet.contains(r#"cmd = { "nbtidy", "server" }"#));
    let binary = env!("CARGO_BIN_EXE_nbtidy");
    let init = snippet.replace(
        r#"cmd = { "nbtidy", "server" }"#,
        &format!(r#"cmd = {{ "{binary}", "server" }}"#),
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".editorconfig"), "root = true\n").unwrap();
    std::fs::write(dir.path().join("init.lua"), init).unwrap();
    let notebook = "{\n \"cells\": [\n  {\n   \"cell_type\": \"code\",\n   \"execution_count\": null,\n   \"id\": \"a\",\n   \"metadata\": {},\n   \"outputs\": [],\n   \"source\": [\n    \"import os\\n\",\n    \"import sys\\n\",\n    \"x=[1,2]\"\n   ]\n  },\n  {\n   \"cell_type\": \"markdown\",\n   \"id\": \"b\",\n   \"metadata\": {},\n   \"source\": [\"# Title\"]\n  },\n  {\n   \"cell_type\": \"code\",\n   \"execution_count\": null,\n   \"id\": \"c\",\n   \"metadata\": {},\n   \"outputs\": [],\n   \"source\": [\"print(os.sep,x)\"]\n  }\n ],\n \"metadata\": {\"language_info\": {\"name\": \"python\"}},\n \"nbformat\": 4,\n \"nbformat_minor\": 5\n}\n";
    std::fs::write(dir.path().join("nb.ipynb"), notebook).unwrap();
    std::fs::write(dir.path().join("cli.ipynb"), notebook).unwrap();
    let cli = Command::new(binary)
        .args(["format", "cli.ipynb"])
        .current_dir(dir.path())
        .status()
        .unwrap();
    assert!(cli.success());
    let out_base = dir.path().join("out");
    let status = Command::new("nvim")
        .args([
            "--headless",
            "-n",
            "-i",
            "NONE",
            "-u",
            "init.lua",
            "nb.ipynb",
            "-c",
        ])
        .arg(format!(
            "luafile {}",
            root.join("tests/lsp/neovim_driver.lua").display()
        ))
        .env("NBTIDY_NVIM_OUT", &out_base)
        .env("XDG_CONFIG_HOME", dir.path())
        .env("XDG_DATA_HOME", dir.path())
        .env("XDG_STATE_HOME", dir.path())
        .current_dir(dir.path())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let diagnostics =
        std::fs::read_to_string(out_base.with_extension("diagnostics")).unwrap_or_default();
    // `import sys` is on line 11 of the file (0-based 10), `sys` at column 12.
    assert!(
        diagnostics.lines().any(|line| line == "F401 10 12"),
        "diagnostics: {diagnostics:?}\n{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let formatted = std::fs::read(dir.path().join("out.formatted.ipynb")).unwrap_or_default();
    let expected = std::fs::read(dir.path().join("cli.ipynb")).unwrap();
    assert_ne!(
        expected,
        notebook.as_bytes(),
        "the notebook needs formatting"
    );
    assert_eq!(
        String::from_utf8_lossy(&formatted),
        String::from_utf8_lossy(&expected)
    );
}

#[test]
fn helix_and_jupyterlab_setups() {
    run_pytest("test_editors.py");
}

/// `editors/vscode/build.sh` builds the extension and packages it to a `.vsix` holding the
/// compiled extension and the language client it starts the server with.
#[test]
fn vscode_extension_builds_to_a_vsix() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/vscode");
    let npm = Command::new("npm").arg("--version").output();
    assert!(
        npm.is_ok_and(|out| out.status.success()),
        "the VS Code extension test needs Node.js and npm (Debian: apt-get install -y nodejs npm)"
    );
    let out = Command::new(dir.join("build.sh"))
        .current_dir(&dir)
        .output()
        .expect("build.sh runs");
    assert!(
        out.status.success(),
        "editors/vscode/build.sh failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let vsix = dir.join("nbtidy-0.1.0.vsix");
    let listing = Command::new("python3")
        .args([
            "-c",
            "import sys, zipfile; print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))",
        ])
        .arg(&vsix)
        .output()
        .expect("python3 lists the vsix");
    let listing = String::from_utf8_lossy(&listing.stdout);
    for wanted in [
        "extension/out/extension.js",
        "extension/package.json",
        "extension/node_modules/vscode-languageclient/package.json",
    ] {
        assert!(
            listing.lines().any(|l| l == wanted),
            "{wanted} not in the vsix:\n{listing}"
        );
    }
    let js = std::fs::read_to_string(dir.join("out/extension.js")).unwrap();
    assert!(js.contains("\"server\"") && js.contains("jupyter-notebook"));
}
