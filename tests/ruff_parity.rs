//! Differential test against ruff 0.16.4's formatter (the release whose crates nbtidy uses) over
//! the whole corpus: every code cell nbtidy formats equals ruff's result, except where nbtidy
//! deliberately differs (a kept cell-ending semicolon; CRLF kept in code written with CRLF).
//!
//! Needs ruff 0.16.4: `NBTIDY_RUFF` names it (`.ci/run` sets it); otherwise the test installs it
//! itself into `target/ci-tools` (a venv, `pip install ruff==0.16.4`, as `.ci/run` does). If that
//! is impossible it fails, saying why: a comparison that did not run never passes. Set
//! `NBTIDY_SKIP_RUFF_PARITY=1` to skip it on purpose (it then says so on stderr).

mod support;

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::path::Path;
use std::process::Command;

use support::*;

fn code_cells(path: &Path) -> Option<(serde_json::Value, Vec<String>)> {
    let value: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    let cells = value["cells"].as_array()?.iter().map(source_text).collect();
    Some((value, cells))
}

/// A notebook with CRLF code: ruff applies the first line ending it finds to every cell and
/// leaves a stray `\r` at the end of each; nbtidy keeps each cell's own line ending. Equal once
/// both are normalised.
fn lf(code: &str) -> String {
    code.replace("\r\n", "\n").trim_end_matches('\r').to_owned()
}

#[test]
fn formatted_cells_equal_ruff_0_16_4() {
    let Some(ruff) = ruff_or_skip("the ruff parity test") else {
        return;
    };
    let version = Command::new(&ruff).arg("--version").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&version.stdout).trim(),
        "ruff 0.16.4"
    );

    let temp = tempfile::tempdir().unwrap();
    let orig = shared().join("corpus");
    let ours_dir = temp.path().join("ours");
    let ruff_dir = temp.path().join("ruff");
    copy_tree(&orig, &ours_dir);
    copy_tree(&orig, &ruff_dir);
    let ours_run = nbtidy(&[OsStr::new("format"), OsStr::new("-q"), ours_dir.as_os_str()]);
    assert_eq!(ours_run.status.code(), Some(0), "{}", stderr(&ours_run));
    let ruff_run = Command::new(&ruff)
        .args(["format", "--isolated", "--no-cache", "."])
        .current_dir(&ruff_dir)
        .output()
        .unwrap();
    // Notebooks ruff refused ("Failed to read": schema) or skipped whole ("Failed to parse": one
    // cell does not parse, so ruff formats none of its cells).
    let ruff_failed: BTreeSet<String> = stderr(&ruff_run)
        .lines()
        .filter_map(|line| {
            line.strip_prefix("error: Failed to read ")
                .or_else(|| line.strip_prefix("error: Failed to parse "))
        })
        .filter_map(|rest| rest.split_once(".ipynb:"))
        .map(|(path, _)| format!("{}.ipynb", path.trim_start_matches("./")))
        .collect();
    assert!(ruff_failed.len() >= 15, "{ruff_failed:?}");

    let (mut compared, mut equal, mut semicolons, mut crlf) = (0, 0, 0, 0);
    for path in notebooks_under(&orig) {
        let rel = path.strip_prefix(&orig).unwrap();
        let rel_name = rel.to_string_lossy().into_owned();
        let original = std::fs::read(&path).unwrap();
        let ruff_bytes = std::fs::read(ruff_dir.join(rel)).unwrap();
        let (value, before) = code_cells(&path).unwrap();
        let (_, ours) = code_cells(&ours_dir.join(rel)).unwrap();
        let (_, theirs) = code_cells(&ruff_dir.join(rel)).unwrap();
        if ruff_bytes == original
            && (ruff_failed.contains(&rel_name) || ruff_skips(&value["metadata"]))
        {
            continue;
        }
        for (i, cell) in value["cells"].as_array().unwrap().iter().enumerate() {
            if cell["cell_type"] != "code" {
                continue;
            }
            compared += 1;
            let (ours, theirs) = (&ours[i], &theirs[i]);
            if ours == theirs {
                equal += 1;
            } else if only_kept_semicolon(ours, theirs) {
                semicolons += 1;
            } else if before.iter().any(|c| c.contains("\r\n")) && lf(ours) == lf(theirs) {
                crlf += 1;
            } else {
                panic!(
                    "{rel_name} cell {}: nbtidy and ruff differ\nours:   {ours:?}\nruff:   {theirs:?}",
                    i + 1
                );
            }
        }
    }
    assert!(compared > 7000, "only {compared} cells compared");
    assert!(equal > compared - 20, "{equal} of {compared}");
    // The corpus has one cell-ending semicolon ruff drops and one CRLF notebook.
    assert!(
        semicolons >= 1 && crlf >= 1,
        "semicolons {semicolons}, crlf {crlf}"
    );
}
