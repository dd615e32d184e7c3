//! `NB010` (invalid-notebook) against nbformat's own verdict: `../shared/peer-fixtures/VALIDITY.tsv`
//! records what `nbformat.validate` (nbformat 5.11.1) says about every peer fixture. A fixture
//! nbtidy cannot read counts as "invalid" for nbtidy; every other one is invalid exactly when
//! NB010 reports something. The only differences allowed are listed in `KNOWN_DIFFERENCES`.
//!
//! Set `NBTIDY_NB010_REPORT=<file>` to also write every verdict (one line per file) there, and
//! `NBTIDY_NB010_FILES=<file with one path a line>` to check other files (e.g. the corpus, or
//! generated variants) and write only the report.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use nbtidy_config::Overrides;
use nbtidy_lint::{Selection, SelectionArgs, check_notebook};

/// Files where nbtidy and nbformat disagree on purpose, and why.
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[(
    "nbformat/tests__test3.ipynb",
    "a valid nbformat 3 notebook: nbtidy reads only nbformat 4, so NB010 never sees it",
)];

fn peer_fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/peer-fixtures")
}

/// NB010's verdict on one file: `Ok(messages)` (empty = valid) or `Err(why nbtidy cannot read it)`.
fn nb010(path: &Path) -> Result<Vec<String>, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    // Copy to a temporary directory so that no `.editorconfig` around the fixture applies.
    let temp = tempfile::tempdir().unwrap();
    let copy = temp.path().join("notebook.ipynb");
    std::fs::write(temp.path().join(".editorconfig"), "root = true\n").unwrap();
    std::fs::write(&copy, &bytes).unwrap();
    let resolved = nbtidy_lint::resolver(Overrides::default())
        .resolve(&copy)
        .map_err(|e| e.to_string())?;
    let args = SelectionArgs {
        select: Some(vec!["NB010".to_owned()]),
        ..SelectionArgs::default()
    };
    let (selection, _) = Selection::resolve(&resolved, &args);
    let found = check_notebook(Path::new("notebook.ipynb"), &bytes, &resolved, &selection)
        .map_err(|e| e.to_string())?;
    Ok(found
        .diagnostics
        .iter()
        .map(|d| {
            format!(
                "{}{}",
                d.location
                    .cell
                    .map(|c| format!("cell {c}: "))
                    .unwrap_or_default(),
                d.message
            )
        })
        .collect())
}

fn verdict_line(file: &str, verdict: &Result<Vec<String>, String>) -> String {
    match verdict {
        Ok(messages) if messages.is_empty() => format!("{file}\tvalid\t"),
        Ok(messages) => format!("{file}\tinvalid\t{}", messages.join(" | ")),
        Err(error) => format!("{file}\tunreadable\t{error}"),
    }
}

#[test]
fn nb010_agrees_with_nbformat_on_the_peer_fixtures() {
    if let Ok(list) = std::env::var("NBTIDY_NB010_FILES") {
        let mut report = String::new();
        for file in std::fs::read_to_string(list).unwrap().lines() {
            let _ = writeln!(report, "{}", verdict_line(file, &nb010(Path::new(file))));
        }
        let out = std::env::var("NBTIDY_NB010_REPORT").expect("NBTIDY_NB010_REPORT");
        std::fs::write(out, report).unwrap();
        return;
    }
    let root = peer_fixtures();
    let Ok(table) = std::fs::read_to_string(root.join("VALIDITY.tsv")) else {
        // The shared fixtures are not part of the repository; nothing to compare.
        return;
    };
    let mut report = String::new();
    let mut disagreements = Vec::new();
    let (mut agree, mut total) = (0, 0);
    for line in table.lines().skip(1) {
        let columns: Vec<&str> = line.split('\t').collect();
        let [file, _, _, verdict] = columns[..] else {
            continue;
        };
        let nbformat_valid = verdict == "valid";
        let ours = nb010(&root.join(file));
        let nbtidy_valid = matches!(&ours, Ok(messages) if messages.is_empty());
        total += 1;
        if nbformat_valid == nbtidy_valid {
            agree += 1;
        } else if !KNOWN_DIFFERENCES.iter().any(|(known, _)| *known == file) {
            disagreements.push(format!(
                "{}\n    nbformat: {verdict}",
                verdict_line(file, &ours)
            ));
        }
        let _ = writeln!(report, "{}", verdict_line(file, &ours));
    }
    if let Ok(out) = std::env::var("NBTIDY_NB010_REPORT") {
        std::fs::write(out, report).unwrap();
    }
    assert!(total > 300, "VALIDITY.tsv lists {total} files");
    assert!(
        disagreements.is_empty(),
        "NB010 agrees with nbformat on {agree} of {total} peer fixtures; unexplained differences:\n{}",
        disagreements.join("\n")
    );
    assert_eq!(
        agree + KNOWN_DIFFERENCES.len(),
        total,
        "a known difference went away: update KNOWN_DIFFERENCES"
    );
}
