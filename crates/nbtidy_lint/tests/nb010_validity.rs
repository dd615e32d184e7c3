//! `NB010` (invalid-notebook) against nbformat's own verdict (`nbformat.validate(json.load(f))`,
//! nbformat 5.11.1, as `scripts/nbformat-verdicts` computes it):
//!
//! 1. every peer fixture, with the verdicts of `../shared/peer-fixtures/VALIDITY.tsv`;
//! 2. every corpus notebook, with the verdicts recorded in `tests/nbformat/corpus-verdicts.tsv`;
//! 3. with nbformat itself (`NBTIDY_NBFORMAT_PYTHON`, which `.ci/run` sets, else the venv
//!    `target/nbformat-venv`, made with pip the first time): the recorded verdicts and the
//!    checked-in schema copies (`tests/nbformat/`) are what that nbformat says and ships, and
//!    NB010 agrees with it on ~10,000 notebooks made by breaking a valid one at every place, in
//!    every minor version (a key removed, a value of each wrong type, an extra key). Only
//!    `NBTIDY_NBFORMAT_SKIP=1` skips these two tests, and they say so loudly.
//!
//! A file nbtidy cannot read counts as "invalid" for nbtidy; every other one is invalid exactly
//! when NB010 reports something. The only differences allowed are the files listed in
//! `KNOWN_DIFFERENCES`; on the broken notebooks there is none.
//!
//! Set `NBTIDY_NB010_REPORT=<file>` to also write every verdict of the peer fixtures (one line
//! per file) there, and `NBTIDY_NB010_FILES=<file with one path a line>` to check other files
//! and write only the report.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use nbtidy_config::{Overrides, Resolved};
use nbtidy_lint::{Selection, SelectionArgs, check_notebook};
use serde_json::{Value as Json, json};

/// Files where nbtidy and nbformat disagree on purpose, and why.
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[(
    "nbformat/tests__test3.ipynb",
    "a valid nbformat 3 notebook: nbtidy reads only nbformat 4, so NB010 never sees it",
)];

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn shared() -> PathBuf {
    manifest().join("../../../shared")
}

/// Settings and an NB010-only selection for a notebook with no `.editorconfig` around it.
fn config() -> &'static (tempfile::TempDir, Resolved, Selection) {
    static CONFIG: OnceLock<(tempfile::TempDir, Resolved, Selection)> = OnceLock::new();
    CONFIG.get_or_init(|| {
        let temp = tempfile::tempdir().unwrap();
        std::fs::write(temp.path().join(".editorconfig"), "root = true\n").unwrap();
        let resolved = nbtidy_lint::resolver(Overrides::default())
            .resolve(&temp.path().join("notebook.ipynb"))
            .unwrap();
        let args = SelectionArgs {
            select: Some(vec!["NB010".to_owned()]),
            ..SelectionArgs::default()
        };
        let (selection, _) = Selection::resolve(&resolved, &args);
        (temp, resolved, selection)
    })
}

/// NB010's verdict on a notebook's bytes: `Ok(messages)` (empty = valid) or `Err(why nbtidy
/// cannot read it)`.
fn nb010_bytes(bytes: &[u8]) -> Result<Vec<String>, String> {
    let (_, resolved, selection) = config();
    let found = check_notebook(Path::new("notebook.ipynb"), bytes, resolved, selection)
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

fn nb010(path: &Path) -> Result<Vec<String>, String> {
    nb010_bytes(&std::fs::read(path).map_err(|e| e.to_string())?)
}

fn verdict_line(file: &str, verdict: &Result<Vec<String>, String>) -> String {
    match verdict {
        Ok(messages) if messages.is_empty() => format!("{file}\tvalid\t"),
        Ok(messages) => format!("{file}\tinvalid\t{}", messages.join(" | ")),
        Err(error) => format!("{file}\tunreadable\t{error}"),
    }
}

/// `(file, nbformat's verdict)` rows of a verdict table (a header line first).
fn recorded(table: &Path, column: usize) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(table).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (../shared must sit beside the repository)",
            table.display()
        )
    });
    text.lines()
        .skip(1)
        .map(|line| {
            let columns: Vec<&str> = line.split('\t').collect();
            (columns[0].to_owned(), columns[column].to_owned())
        })
        .collect()
}

/// NB010 against recorded verdicts for the files under `root`: `(agreements, disagreements)`.
fn compare(root: &Path, rows: &[(String, String)], report: &mut String) -> (usize, Vec<String>) {
    let mut agree = 0;
    let mut disagreements = Vec::new();
    for (file, verdict) in rows {
        let nbformat_valid = verdict == "valid";
        let ours = nb010(&root.join(file));
        let nbtidy_valid = matches!(&ours, Ok(messages) if messages.is_empty());
        if nbformat_valid == nbtidy_valid {
            agree += 1;
        } else if !KNOWN_DIFFERENCES.iter().any(|(known, _)| known == file) {
            disagreements.push(format!(
                "{}\n    nbformat: {verdict}",
                verdict_line(file, &ours)
            ));
        }
        let _ = writeln!(report, "{}", verdict_line(file, &ours));
    }
    (agree, disagreements)
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
    let root = shared().join("peer-fixtures");
    let rows = recorded(&root.join("VALIDITY.tsv"), 3);
    let mut report = String::new();
    let (agree, disagreements) = compare(&root, &rows, &mut report);
    if let Ok(out) = std::env::var("NBTIDY_NB010_REPORT") {
        std::fs::write(out, report).unwrap();
    }
    let total = rows.len();
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

#[test]
fn nb010_agrees_with_nbformat_on_the_corpus() {
    let root = shared().join("corpus");
    let rows = recorded(&manifest().join("tests/nbformat/corpus-verdicts.tsv"), 1);
    // The table covers the whole corpus.
    let mut files: Vec<String> = Vec::new();
    for entry in std::fs::read_dir(&root).unwrap() {
        let folder = entry.unwrap().path();
        if folder.is_dir() {
            for file in std::fs::read_dir(&folder).unwrap() {
                let path = file.unwrap().path();
                if path.extension().is_some_and(|e| e == "ipynb") {
                    files.push(path.strip_prefix(&root).unwrap().display().to_string());
                }
            }
        }
    }
    files.sort();
    let mut listed: Vec<String> = rows.iter().map(|(file, _)| file.clone()).collect();
    listed.sort();
    assert_eq!(listed, files, "corpus-verdicts.tsv lists the corpus");
    let invalid = rows.iter().filter(|(_, v)| v != "valid").count();
    assert!(invalid > 5, "the corpus has invalid notebooks to agree on");
    let (agree, disagreements) = compare(&root, &rows, &mut String::new());
    assert!(
        disagreements.is_empty(),
        "NB010 agrees with nbformat on {agree} of {} corpus notebooks; differences:\n{}",
        rows.len(),
        disagreements.join("\n")
    );
}

/// A Python with nbformat 5.11.1: `NBTIDY_NBFORMAT_PYTHON`, else `target/nbformat-venv` (made
/// with `python3 -m venv` and pip the first time). `None`, said loudly, only when
/// `NBTIDY_NBFORMAT_SKIP=1`; any other failure to get one fails the test.
fn nbformat_python(test: &str) -> Option<PathBuf> {
    static PYTHON: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    if std::env::var("NBTIDY_NBFORMAT_SKIP").as_deref() == Ok("1") {
        #[expect(clippy::print_stderr, reason = "a skipped comparison must be visible")]
        {
            eprintln!(
                "\n*** {test} SKIPPED (NBTIDY_NBFORMAT_SKIP=1): NB010 was not checked against nbformat. ***\n"
            );
        }
        return None;
    }
    let python = PYTHON.get_or_init(|| {
        if let Ok(python) = std::env::var("NBTIDY_NBFORMAT_PYTHON") {
            return Ok(PathBuf::from(python));
        }
        let venv = manifest().join("../../target/nbformat-venv");
        let python = venv.join("bin/python");
        let has_nbformat = |python: &Path| {
            Command::new(python)
                .args(["-c", "import nbformat; assert nbformat.__version__ == '5.11.1'"])
                .output()
                .is_ok_and(|o| o.status.success())
        };
        if has_nbformat(&python) {
            return Ok(python);
        }
        let run = |command: &mut Command| {
            let output = command.output().map_err(|e| e.to_string())?;
            if output.status.success() {
                Ok(())
            } else {
                Err(String::from_utf8_lossy(&output.stderr).into_owned())
            }
        };
        run(Command::new("python3").arg("-m").arg("venv").arg(&venv))
            .and_then(|()| {
                run(Command::new(&python).args(["-m", "pip", "install", "--quiet", "nbformat==5.11.1"]))
            })
            .map(|()| python)
            .map_err(|error| {
                format!(
                    "could not install nbformat 5.11.1 in {}: {error}; set NBTIDY_NBFORMAT_PYTHON to a Python that has it (or NBTIDY_NBFORMAT_SKIP=1 to skip, loudly)",
                    venv.display()
                )
            })
    });
    match python {
        Ok(python) => Some(python.clone()),
        Err(error) => panic!("{test}: {error}"),
    }
}

/// `(file, verdict)` from `scripts/nbformat-verdicts`.
fn live_verdicts(python: &Path, root: &Path, files: &[String]) -> Vec<(String, String)> {
    let script = manifest().join("../../scripts/nbformat-verdicts");
    let mut verdicts = Vec::new();
    // In chunks, to stay far below the command-line limit.
    for chunk in files.chunks(2000) {
        let output = Command::new(python)
            .arg(&script)
            .arg(root)
            .args(chunk)
            .output()
            .expect("run scripts/nbformat-verdicts");
        assert!(
            output.status.success(),
            "scripts/nbformat-verdicts: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        for line in String::from_utf8(output.stdout).unwrap().lines() {
            let (file, verdict) = line.split_once('\t').expect("FILE\tVERDICT");
            verdicts.push((file.to_owned(), verdict.to_owned()));
        }
    }
    verdicts
}

#[test]
fn recorded_verdicts_and_schemas_are_nbformats() {
    let Some(python) = nbformat_python("recorded_verdicts_and_schemas_are_nbformats") else {
        return;
    };
    let script = manifest().join("../../scripts/nbformat-verdicts");
    let version = Command::new(&python)
        .arg(&script)
        .arg("--version")
        .output()
        .expect("run scripts/nbformat-verdicts --version");
    assert_eq!(String::from_utf8_lossy(&version.stdout).trim(), "5.11.1");
    // The schema copies are the package's own files.
    let output = Command::new(&python)
        .args([
            "-c",
            "import nbformat, os; print(os.path.dirname(nbformat.__file__))",
        ])
        .output()
        .unwrap();
    let package = PathBuf::from(String::from_utf8(output.stdout).unwrap().trim());
    for minor in 0..=5 {
        let name = format!("nbformat.v4.{minor}.schema.json");
        assert_eq!(
            std::fs::read(manifest().join("tests/nbformat").join(&name)).unwrap(),
            std::fs::read(package.join("v4").join(&name)).unwrap(),
            "tests/nbformat/{name} is not nbformat's"
        );
    }
    // The recorded verdicts are what nbformat says today.
    for (root, table, column) in [
        (
            shared().join("corpus"),
            manifest().join("tests/nbformat/corpus-verdicts.tsv"),
            1,
        ),
        (
            shared().join("peer-fixtures"),
            shared().join("peer-fixtures/VALIDITY.tsv"),
            3,
        ),
    ] {
        let rows = recorded(&table, column);
        let files: Vec<String> = rows.iter().map(|(file, _)| file.clone()).collect();
        let live = live_verdicts(&python, &root, &files);
        let kind = |verdict: &str| verdict.split(':').next().unwrap_or_default().to_owned();
        let recorded: Vec<(String, String)> =
            rows.iter().map(|(f, v)| (f.clone(), kind(v))).collect();
        let live: Vec<(String, String)> = live.iter().map(|(f, v)| (f.clone(), kind(v))).collect();
        assert_eq!(
            recorded,
            live,
            "{}: recorded verdicts are stale",
            table.display()
        );
    }
}

/// A notebook of nbformat 4.`minor` with a value at every place the schema describes: cells of
/// every type (with `attachments`, every cell metadata key), outputs of every type, the
/// notebook metadata keys.
fn complete_notebook(minor: u64) -> Json {
    let mut notebook = json!({
        "cells": [
            {
                "cell_type": "code",
                "execution_count": 1,
                "metadata": {
                    "collapsed": false, "scrolled": "auto", "tags": ["a", "b"], "name": "n",
                    "jupyter": {"source_hidden": true, "outputs_hidden": false},
                    "execution": {"iopub.status.busy": "2024-01-01T00:00:00Z", "x": "y"}
                },
                "outputs": [
                    {"output_type": "stream", "name": "stdout", "text": ["a\n", "b"]},
                    {"output_type": "display_data", "metadata": {},
                     "data": {"text/plain": ["x"], "application/json": {"a": 1}}},
                    {"output_type": "execute_result", "execution_count": 1, "metadata": {},
                     "data": {"text/plain": "y", "image/png": "AAAA"}},
                    {"output_type": "error", "ename": "E", "evalue": "v", "traceback": ["t"]}
                ],
                "source": ["x = 1\n", "y"]
            },
            {
                "cell_type": "markdown",
                "metadata": {"tags": [], "name": "m", "jupyter": {"source_hidden": false}},
                "attachments": {"a.png": {"image/png": "AAAA"}},
                "source": "# title"
            },
            {
                "cell_type": "raw",
                "metadata": {"format": "text/plain", "tags": ["r"], "jupyter": {}},
                "attachments": {},
                "source": ""
            }
        ],
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {
                "name": "python", "codemirror_mode": {"name": "ipython", "version": 3},
                "file_extension": ".py", "mimetype": "text/x-python", "pygments_lexer": "ipython3"
            },
            "title": "T",
            "authors": [{"name": "a"}],
            "orig_nbformat": 4
        },
        "nbformat": 4,
        "nbformat_minor": minor
    });
    if minor >= 5 {
        for (index, cell) in notebook["cells"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .enumerate()
        {
            cell["id"] = json!(format!("cell-{index}"));
        }
    }
    notebook
}

/// Values of every JSON type and the strings the schema's patterns care about.
fn wrong_values() -> Vec<Json> {
    vec![
        json!(null),
        json!(true),
        json!(0),
        json!(-1),
        json!(1.5),
        json!(""),
        json!("s"),
        json!("a,b"),
        json!("auto"),
        json!("a\nb"),
        json!([]),
        json!(["s"]),
        json!([1]),
        json!({}),
        json!({"k": 1}),
    ]
}

/// Every notebook made by one change at one place of `base`: each key removed, each value (of
/// an object or a list) replaced by each of [`wrong_values`], an extra key in each object.
fn mutations(base: &Json) -> Vec<(String, Json)> {
    fn walk(base: &Json, at: &mut Vec<Json>, path: String, out: &mut Vec<(String, Json)>) {
        let node = at.last().unwrap().clone();
        let pointer_set = |root: &Json, pointer: &str, value: Option<Json>| -> Json {
            let mut root = root.clone();
            let (parent, key) = pointer.rsplit_once('/').unwrap();
            let target = if parent.is_empty() {
                &mut root
            } else {
                root.pointer_mut(parent).unwrap()
            };
            match (target, value) {
                (Json::Object(map), Some(value)) => {
                    map.insert(key.replace("~1", "/").replace("~0", "~"), value);
                }
                (Json::Object(map), None) => {
                    map.remove(&key.replace("~1", "/").replace("~0", "~"));
                }
                (Json::Array(items), Some(value)) => items[key.parse::<usize>().unwrap()] = value,
                _ => {}
            }
            root
        };
        match &node {
            Json::Object(map) => {
                out.push((
                    format!("{path}/zzz added"),
                    pointer_set(base, &format!("{path}/zzz"), Some(json!(1))),
                ));
                for (key, value) in map {
                    let child = format!("{path}/{}", key.replace('~', "~0").replace('/', "~1"));
                    out.push((format!("{child} removed"), pointer_set(base, &child, None)));
                    for wrong in wrong_values() {
                        out.push((
                            format!("{child} = {wrong}"),
                            pointer_set(base, &child, Some(wrong)),
                        ));
                    }
                    at.push(value.clone());
                    walk(base, at, child, out);
                    at.pop();
                }
            }
            Json::Array(items) => {
                for (index, value) in items.iter().enumerate() {
                    let child = format!("{path}/{index}");
                    for wrong in wrong_values() {
                        out.push((
                            format!("{child} = {wrong}"),
                            pointer_set(base, &child, Some(wrong)),
                        ));
                    }
                    at.push(value.clone());
                    walk(base, at, child, out);
                    at.pop();
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(base, &mut vec![base.clone()], String::new(), &mut out);
    out
}

#[test]
fn nb010_agrees_with_nbformat_on_broken_notebooks() {
    let Some(python) = nbformat_python("nb010_agrees_with_nbformat_on_broken_notebooks") else {
        return;
    };
    let temp = tempfile::tempdir().unwrap();
    let mut cases = Vec::new();
    for minor in 0..=6 {
        let base = complete_notebook(minor);
        for (what, notebook) in
            std::iter::once(("unchanged".to_owned(), base.clone())).chain(mutations(&base))
        {
            let file = format!("{}.ipynb", cases.len());
            let bytes = serde_json::to_vec_pretty(&notebook).unwrap();
            std::fs::write(temp.path().join(&file), &bytes).unwrap();
            cases.push((minor, what, file, bytes));
        }
    }
    let files: Vec<String> = cases.iter().map(|(_, _, file, _)| file.clone()).collect();
    let verdicts = live_verdicts(&python, temp.path(), &files);
    assert_eq!(verdicts.len(), cases.len());
    let mut disagreements = Vec::new();
    let mut counts = [0usize; 2];
    for ((minor, what, file, bytes), (verdict_file, verdict)) in cases.iter().zip(&verdicts) {
        assert_eq!(file, verdict_file);
        let ours = nb010_bytes(bytes);
        let nbtidy_valid = matches!(&ours, Ok(messages) if messages.is_empty());
        let nbformat_valid = verdict == "valid";
        counts[usize::from(nbformat_valid)] += 1;
        if what == "unchanged" {
            assert!(
                nbformat_valid && nbtidy_valid,
                "4.{minor}: the base notebook: {verdict} / {ours:?}"
            );
        }
        if nbtidy_valid == nbformat_valid {
            continue;
        }
        disagreements.push(format!(
            "4.{minor}: {what}\n    nbformat: {verdict}\n    nbtidy:   {}",
            verdict_line("", &ours).trim_start()
        ));
    }
    #[expect(clippy::print_stderr, reason = "how many notebooks were compared")]
    {
        eprintln!(
            "{} broken notebooks: nbformat says {} valid, {} invalid",
            cases.len(),
            counts[1],
            counts[0]
        );
    }
    assert!(
        counts[0] > 1000 && counts[1] > 1000,
        "enough valid ({}) and invalid ({}) variants",
        counts[1],
        counts[0]
    );
    assert!(
        disagreements.is_empty(),
        "NB010 and nbformat.validate disagree on {} of {} broken notebooks:\n{}",
        disagreements.len(),
        cases.len(),
        disagreements
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
