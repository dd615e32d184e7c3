//! Fidelity over the shared corpus and the peer tools' fixtures: no-op round trips are
//! byte-identical, formatting changes bytes only inside code-cell sources, a second run changes
//! nothing, and non-Python notebooks are never touched.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::path::Path;

use nbtidy_notebook::{Notebook, NotebookError, SourceShape};
use support::*;

/// `VALIDITY.tsv`: file → (parses as JSON, nbformat).
fn validity() -> BTreeMap<String, (bool, String)> {
    let text = std::fs::read_to_string(shared().join("peer-fixtures/VALIDITY.tsv")).unwrap();
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let mut cols = line.split('\t');
            let file = cols.next()?.to_owned();
            let json = cols.next()? == "yes";
            let nbformat = cols.next().unwrap_or("").to_owned();
            Some((file, (json, nbformat)))
        })
        .collect()
}

#[test]
fn no_op_round_trip_is_byte_identical_everywhere() {
    let shared = shared();
    let validity = validity();
    let mut checked = 0;
    let mut reencoded = 0;
    let mut rejected = Vec::new();
    for root in ["corpus", "peer-fixtures"] {
        for path in notebooks_under(&shared.join(root)) {
            let bytes = std::fs::read(&path).unwrap();
            match Notebook::parse(&bytes) {
                Ok(notebook) => {
                    assert!(
                        notebook.with_sources(&[]).unwrap() == bytes,
                        "no-op write changed {}",
                        path.display()
                    );
                    // Re-encoding every list source split the Jupyter way (one line per
                    // element) with its own text is also a no-op: unchanged lines keep their
                    // bytes and the separators are the original's.
                    let same: Vec<(usize, String)> = (0..notebook.cells().len())
                        .filter_map(|i| {
                            let source = notebook.source(i).ok()?;
                            let SourceShape::Lines(spans) = &source.shape else {
                                return None;
                            };
                            let jupyter_split =
                                nbtidy_notebook::split_lines(&source.text).len() == spans.len();
                            jupyter_split.then(|| (i, source.text.into_owned()))
                        })
                        .collect();
                    reencoded += same.len();
                    assert!(
                        notebook.with_sources(&same).unwrap() == bytes,
                        "re-encoding unchanged sources moved bytes in {}",
                        path.display()
                    );
                    checked += 1;
                }
                Err(err) => {
                    let rel = path.strip_prefix(shared.join(root)).unwrap();
                    rejected.push((root, rel.to_string_lossy().into_owned(), err));
                }
            }
        }
    }
    assert!(checked >= 494 + 280, "only {checked} notebooks parsed");
    assert!(reencoded > 20_000, "only {reencoded} sources re-encoded");
    // Every rejected file is one Jupyter rejects too: not JSON, or not nbformat 4.
    for (root, rel, err) in &rejected {
        assert_eq!(
            *root, "peer-fixtures",
            "a corpus notebook was rejected: {rel}: {err}"
        );
        let (json, nbformat) = validity
            .get(rel)
            .unwrap_or_else(|| panic!("{rel} is not in VALIDITY.tsv: {err}"));
        let explained = match err {
            NotebookError::Json { .. }
            | NotebookError::NotUtf8 { .. }
            | NotebookError::Empty
            | NotebookError::WideEncoding(_) => !json,
            NotebookError::UnsupportedVersion(_) => !nbformat.starts_with('4'),
            NotebookError::NoCells | NotebookError::CellsNotList => true,
        };
        assert!(
            explained,
            "{rel} rejected ({err}) but VALIDITY.tsv says json={json} nbformat={nbformat}"
        );
    }
}

/// Files of non-Python kernels, from the corpus manifest.
fn non_python_corpus_files() -> BTreeSet<String> {
    let text = std::fs::read_to_string(shared().join("corpus/MANIFEST.tsv")).unwrap();
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            let language = cols.get(8)?;
            (!matches!(*language, "python" | "unknown")).then(|| cols[0].to_owned())
        })
        .collect()
}

fn format_tree_and_check(orig: &Path, work: &Path) {
    let first = nbtidy(&[OsStr::new("format"), work.as_os_str()]);
    assert!(
        matches!(first.status.code(), Some(0 | 2)),
        "format crashed: {}",
        stderr(&first)
    );
    assert!(!stderr(&first).contains("panicked"), "{}", stderr(&first));
    let checked = same_outside_tree(orig, work);
    assert!(
        checked.status.success(),
        "bytes changed outside code sources:\n{}{}",
        stdout(&checked),
        stderr(&checked)
    );
    let after_first = snapshot_tree(work);
    let second = nbtidy(&[OsStr::new("format"), work.as_os_str()]);
    assert_eq!(
        snapshot_tree(work),
        after_first,
        "a second run changed files"
    );
    assert!(
        stderr(&second).contains("0 notebooks reformatted"),
        "{}",
        stderr(&second)
    );
    let check = nbtidy(&[
        OsStr::new("format"),
        OsStr::new("--check"),
        work.as_os_str(),
    ]);
    assert_eq!(
        check.status.code(),
        first.status.code(),
        "{}",
        stderr(&check)
    );
    assert_eq!(
        stdout(&check),
        "",
        "--check after format still lists notebooks"
    );
}

#[test]
fn format_corpus_changes_only_code_and_is_idempotent() {
    let temp = tempfile::tempdir().unwrap();
    let orig = shared().join("corpus");
    let work = temp.path().join("corpus");
    copy_tree(&orig, &work);
    let before = snapshot_tree(&work);
    format_tree_and_check(&orig, &work);
    let after = snapshot_tree(&work);

    let non_python = non_python_corpus_files();
    assert!(non_python.len() >= 49, "{non_python:?}");
    let mut changed = 0;
    for ((path, old), (_, new)) in before.iter().zip(&after) {
        let name = path.to_string_lossy().replace('\\', "/");
        if non_python.contains(&name) {
            assert_eq!(old, new, "non-Python notebook {name} changed");
        }
        changed += usize::from(old != new);
    }
    // Most Python notebooks of the corpus are not ruff-formatted.
    assert!(changed > 350, "only {changed} notebooks changed");
}

#[test]
fn format_peer_fixtures_without_crashing() {
    let temp = tempfile::tempdir().unwrap();
    let orig = shared().join("peer-fixtures");
    let work = temp.path().join("peer-fixtures");
    copy_tree(&orig, &work);
    format_tree_and_check(&orig, &work);
}

/// Re-encodings of a sample of corpus notebooks in the styles other writers use.
#[test]
fn format_preserves_re_encoded_variants() {
    let corpus = shared().join("corpus");
    let non_python = non_python_corpus_files();
    let sample: Vec<_> = notebooks_under(&corpus)
        .into_iter()
        .filter(|p| {
            let rel = p
                .strip_prefix(&corpus)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            !non_python.contains(&rel)
        })
        .step_by(12)
        .collect();
    assert!(sample.len() >= 30);
    let temp = tempfile::tempdir().unwrap();
    let orig = temp.path().join("orig");
    let status = std::process::Command::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/make_variants.py"))
        .arg(&orig)
        .args(&sample)
        .status()
        .unwrap();
    assert!(status.success());
    let work = temp.path().join("work");
    copy_tree(&orig, &work);
    format_tree_and_check(&orig, &work);

    let mut changed = BTreeMap::<String, usize>::new();
    for (rel, new) in snapshot_tree(&work) {
        let old = std::fs::read(orig.join(&rel)).unwrap();
        let variant = rel.iter().next().unwrap().to_string_lossy().into_owned();
        *changed.entry(variant.clone()).or_default() += usize::from(old != new);
        let text = String::from_utf8(new).unwrap();
        match variant.as_str() {
            "crlf" => assert!(
                !text.replace("\r\n", "").contains('\n'),
                "{} has a bare LF",
                rel.display()
            ),
            "ascii" => assert!(text.is_ascii(), "{} is no longer ASCII", rel.display()),
            "compact" | "compact_spaced" => {
                assert!(!text.contains('\n'), "{} gained a newline", rel.display());
            }
            "string_sources" => {
                let value: serde_json::Value = serde_json::from_str(&text).unwrap();
                for cell in value["cells"].as_array().unwrap() {
                    assert!(
                        cell["source"].is_string(),
                        "{} got a list source",
                        rel.display()
                    );
                }
            }
            _ => {}
        }
    }
    // Every variant had real formatting work, not a vacuous pass.
    for (variant, count) in &changed {
        assert!(
            *count > 10,
            "variant {variant}: only {count} notebooks changed"
        );
    }
    assert_eq!(changed.len(), 8, "{changed:?}");
}

#[test]
fn check_runs_over_corpus_and_peer_fixtures_without_crashing() {
    let shared = shared();
    for root in ["corpus", "peer-fixtures"] {
        let temp = tempfile::tempdir().unwrap();
        let work = temp.path().join(root);
        copy_tree(&shared.join(root), &work);
        let run = nbtidy(&[
            OsStr::new("check"),
            OsStr::new("--select"),
            OsStr::new("ALL"),
            OsStr::new("--output-format"),
            OsStr::new("json"),
            work.as_os_str(),
        ]);
        let err = stderr(&run);
        assert!(!err.contains("panicked"), "{err}");
        let code = run.status.code();
        // The corpus has notebooks with findings; the peer fixtures also hold unreadable files.
        let expected = if root == "corpus" { Some(1) } else { Some(2) };
        assert_eq!(code, expected, "{err}");
        let findings: serde_json::Value = serde_json::from_str(&stdout(&run)).unwrap();
        let findings = findings.as_array().unwrap();
        assert!(findings.len() > 100, "{root}");
        // JSON prints every fix's edits: each fix has some.
        let fix_of = |finding: &serde_json::Value| -> Option<String> {
            let fix = finding.get("fix").filter(|fix| !fix.is_null())?;
            let edits = fix["edits"].as_array().map_or(0, Vec::len);
            assert!(edits > 0, "a fix without edits in JSON output: {finding}");
            Some(fix["applicability"].as_str().unwrap().to_owned())
        };
        let fixes: Vec<String> = findings.iter().filter_map(fix_of).collect();
        let safe = fixes.iter().filter(|a| *a == "safe").count();
        let unsafe_ = fixes.iter().filter(|a| *a == "unsafe").count();
        assert!(unsafe_ > 100, "{root}: {unsafe_} unsafe fixes");
        // A listing builds no edits (`Fixes::AvailabilityOnly`: NB018 leaves its sorting out),
        // and still marks and counts the same findings and fixes.
        let listing = nbtidy(&[
            OsStr::new("check"),
            OsStr::new("--select"),
            OsStr::new("ALL"),
            OsStr::new("--output-format"),
            OsStr::new("concise"),
            work.as_os_str(),
        ]);
        let lines: Vec<String> = stdout(&listing).lines().map(str::to_owned).collect();
        let findings_lines = lines.iter().filter(|line| line.contains(": E902 ")).count();
        assert_eq!(
            lines.len(),
            findings.len(),
            "{root}: concise and JSON list different findings ({findings_lines} E902)"
        );
        assert_eq!(
            lines.iter().filter(|line| line.contains(" [*] ")).count(),
            safe,
            "{root}"
        );
        let summary = stderr(&listing);
        let expected = format!("({safe} fixable with --fix, {unsafe_} more with --unsafe-fixes)");
        assert!(summary.contains(&expected), "{root}: {summary}");
    }
}

/// `nbtidy check --select RULES --fix --unsafe-fixes` on `dir`: no crash, no fix dropped for
/// breaking code.
fn fix_all(dir: &Path, rules: &str) {
    let run = nbtidy(&[
        OsStr::new("check"),
        OsStr::new("--select"),
        OsStr::new(rules),
        OsStr::new("--fix"),
        OsStr::new("--unsafe-fixes"),
        OsStr::new("-q"),
        OsStr::new("--output-format"),
        OsStr::new("concise"),
        dir.as_os_str(),
    ]);
    let err = stderr(&run);
    assert!(!err.contains("panicked"), "{err}");
    assert!(!err.contains("would make the code unparsable"), "{err}");
}

#[test]
fn fixes_over_the_corpus_keep_notebooks_readable() {
    let temp = tempfile::tempdir().unwrap();
    let orig = shared().join("corpus");
    let work = temp.path().join("corpus");
    copy_tree(&orig, &work);
    // Code fixes only: everything outside code sources stays byte-identical.
    fix_all(&work, "E,W,F");
    let checked = same_outside_tree(&orig, &work);
    assert!(checked.status.success(), "{}", stdout(&checked));
    // All fixes, JSON ones included: every notebook still reads as a notebook and as JSON.
    fix_all(&work, "ALL");
    for path in notebooks_under(&work) {
        let bytes = std::fs::read(&path).unwrap();
        assert!(Notebook::parse(&bytes).is_ok(), "{}", path.display());
        let original = std::fs::read(orig.join(path.strip_prefix(&work).unwrap())).unwrap();
        if serde_json::from_slice::<serde_json::Value>(&original).is_ok() {
            assert!(
                serde_json::from_slice::<serde_json::Value>(&bytes).is_ok(),
                "{} is no longer JSON",
                path.display()
            );
        }
    }
}

/// The numbers in `text` (a summary line), in order: `Fixed 1,338 findings` is not written (no
/// thousands separators), so a run of digits is a number.
fn numbers(text: &str) -> Vec<usize> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|part| !part.is_empty())
        .map(|part| part.parse().unwrap())
        .collect()
}

/// `check`, `check --diff`, `check --fix` and `check` again over a copy of the corpus: the
/// counts of one summary are the counts of the others. `Found B findings (N fixable with
/// --fix, ...)` before; `Fixed X findings, Y remaining (B before, N with a fix, K others went
/// away with the changes)` after, with `B = X + Y + K` (the accounting is printed whenever
/// `B != X + Y` or `X != N`; docs/getting-started.md says what moves the counts); `--diff`
/// says `X findings would be fixed` with the same accounting; the next `check` finds `Y`
/// findings, none with a safe fix.
#[test]
fn fix_counts_add_up_over_the_corpus() {
    let temp = tempfile::tempdir().unwrap();
    let work = temp.path().join("corpus");
    copy_tree(&shared().join("corpus"), &work);
    let summary = |args: &[&str]| -> String {
        let mut all: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
        all.push(work.as_os_str());
        let run = nbtidy(&all);
        let err = stderr(&run);
        assert!(!err.contains("panicked"), "{err}");
        assert!(!err.contains("error:"), "{err}");
        err.lines().last().unwrap().to_owned()
    };

    let found = summary(&["check"]);
    assert!(found.starts_with("Found "), "{found}");
    assert!(found.contains(" fixable with --fix, "), "{found}");
    let (before, fixable) = match numbers(&found)[..] {
        [before, fixable, _unsafe_only] => (before, fixable),
        _ => panic!("{found}"),
    };

    // The same counts in the JSON output, whose cells number from 1 everywhere.
    let findings = json_findings(&work);
    assert_eq!(findings.len(), before);
    let safe = findings
        .iter()
        .filter(|f| f["fix"]["applicability"] == "safe")
        .count();
    assert_eq!(safe, fixable);

    let would = summary(&["check", "--diff"]);
    let fixed_text = summary(&["check", "--fix"]);
    let (fixed, remaining) = match numbers(&fixed_text)[..] {
        [fixed, remaining] => {
            // No accounting: the counts speak for themselves.
            assert_eq!(before, fixed + remaining, "{fixed_text}");
            assert_eq!(fixed, fixable, "{fixed_text}");
            (fixed, remaining)
        }
        [fixed, remaining, said_before, said_fixable, other] => {
            assert_eq!(said_before, before, "{fixed_text}");
            assert_eq!(said_fixable, fixable, "{fixed_text}");
            if fixed_text.ends_with(" others went away with the changes)")
                || fixed_text.ends_with(" other went away with the changes)")
            {
                assert_eq!(before, fixed + remaining + other, "{fixed_text}");
            } else {
                assert!(
                    fixed_text.ends_with(" appeared with the changes)"),
                    "{fixed_text}"
                );
                assert_eq!(before + other, fixed + remaining, "{fixed_text}");
            }
            (fixed, remaining)
        }
        _ => panic!("{fixed_text}"),
    };
    assert!(fixed_text.starts_with(&format!("Fixed {fixed} findings, {remaining} remaining")));
    assert_eq!(
        would,
        fixed_text.replace(
            &format!("Fixed {fixed} findings, {remaining} remaining"),
            &format!("{fixed} findings would be fixed")
        )
    );
    // Most fixable findings of the corpus have a fix of their own, nothing broke: every one of
    // them was fixed (`fixed` also counts the ones that appeared while fixing).
    assert!(fixed >= fixable, "{fixed_text}");

    let after = summary(&["check"]);
    assert!(
        after.starts_with(&format!("Found {remaining} findings")),
        "{after}"
    );
    assert!(!after.contains("fixable with --fix,"), "{after}");
    assert!(!after.contains("fixable with --fix)"), "{after}");
    assert_eq!(json_findings(&work).len(), remaining);
}

/// `check --output-format json` over `dir`, each finding checked against its notebook: `cell`
/// and a code edit's `cell` are 1-based numbers of cells that exist, the finding's row is a row
/// of that cell, and an edit's byte range lies in that cell's code.
fn json_findings(dir: &Path) -> Vec<serde_json::Value> {
    let run = nbtidy(&[
        OsStr::new("check"),
        OsStr::new("--output-format"),
        OsStr::new("json"),
        dir.as_os_str(),
    ]);
    let findings: serde_json::Value = serde_json::from_str(&stdout(&run)).unwrap();
    let findings = findings.as_array().unwrap().clone();
    let mut cells: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for finding in &findings {
        let filename = finding["filename"].as_str().unwrap().to_owned();
        let sources = cells.entry(filename.clone()).or_insert_with(|| {
            let bytes = std::fs::read(&filename).unwrap();
            let notebook = Notebook::parse(&bytes).unwrap();
            (0..notebook.cells().len())
                .map(|i| {
                    notebook
                        .source(i)
                        .map(|s| s.text.into_owned())
                        .unwrap_or_default()
                })
                .collect()
        });
        let Some(cell) = finding["cell"].as_u64() else {
            assert!(finding["cell"].is_null(), "{finding}");
            continue;
        };
        assert!((1..=sources.len()).contains(&(cell as usize)), "{finding}");
        let text = &sources[cell as usize - 1];
        let rows = text.split('\n').count();
        let row = finding["location"]["row"].as_u64().unwrap() as usize;
        assert!((1..=rows).contains(&row), "{finding}");
        for edit in finding["fix"]["edits"].as_array().into_iter().flatten() {
            if edit["kind"] != "code" {
                continue;
            }
            let edit_cell = edit["cell"].as_u64().unwrap() as usize;
            assert!((1..=sources.len()).contains(&edit_cell), "{finding}");
            let end = edit["range"]["end"].as_u64().unwrap() as usize;
            assert!(end <= sources[edit_cell - 1].len(), "{finding}");
        }
    }
    findings
}
