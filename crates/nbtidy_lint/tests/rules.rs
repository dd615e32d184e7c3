//! The rule harness: every rule has `tests/fixtures/<CODE>/valid.*` and `invalid.*` (a notebook,
//! or percent-format cells in a `.py` file: `# %%` starts a code cell, `# %% [markdown]` a
//! markdown cell). For each rule:
//! 1. `valid` gives no finding of that rule;
//! 2. `invalid` gives at least one, and the rendered findings plus the diff its fixes make are a
//!    snapshot (`snapshots/rules__<CODE>.snap`);
//! 3. applying every fix (safe and unsafe) to every fixture never drops a fix for breaking code
//!    and leaves a readable notebook whose Python cells still parse.
//!
//! An optional `tests/fixtures/<CODE>/.editorconfig` (starting with `root = true`) sets options.
//! Fixtures are copied to a temporary directory first.
//!
//! The tests are generated (`harness = false`, libtest-mimic): one per rule, named by its code,
//! so `cargo test -p nbtidy_lint --test rules F401` runs F401's; and two meta-tests: every rule
//! file under `src/rules/<family>/` is registered, and every fixture folder belongs to a rule.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use nbtidy_config::Overrides;
use nbtidy_diagnostics::{FileDiagnostics, OutputFormat, RenderOptions, render};
use nbtidy_lint::fix::fix_notebook;
use nbtidy_lint::{RULES, Rule, Selection, SelectionArgs, check_notebook};
use nbtidy_notebook::Notebook;

/// Converts percent-format cells to a Jupyter-style notebook (1-space JSON, list sources).
fn percent_to_notebook(text: &str) -> String {
    let mut cells: Vec<(String, String)> = Vec::new();
    for line in text.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix("# %%") {
            let kind = if rest.contains("[markdown]") {
                "markdown"
            } else if rest.contains("[raw]") {
                "raw"
            } else {
                "code"
            };
            cells.push((kind.to_owned(), String::new()));
        } else if let Some((kind, source)) = cells.last_mut() {
            let line = if kind == "markdown" {
                line.strip_prefix("# ")
                    .or_else(|| line.strip_prefix('#'))
                    .unwrap_or(line)
            } else {
                line
            };
            source.push_str(line);
        }
    }
    let cells: Vec<serde_json::Value> = cells
        .into_iter()
        .map(|(kind, source)| {
            let source = source.trim_end_matches('\n');
            let lines: Vec<&str> = source.split_inclusive('\n').collect();
            let mut cell = serde_json::json!({"cell_type": kind, "metadata": {}, "source": lines});
            if kind == "code" {
                cell["execution_count"] = serde_json::Value::Null;
                cell["outputs"] = serde_json::json!([]);
            }
            cell
        })
        .collect();
    let notebook = serde_json::json!({
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"}
        },
        "nbformat": 4,
        "nbformat_minor": 5
    });
    // serde_json's pretty printer uses 2 spaces; Jupyter uses 1.
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b" ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    serde::Serialize::serialize(&notebook, &mut serializer).unwrap();
    String::from_utf8(out).unwrap() + "\n"
}

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The fixture `stem` (`valid`/`invalid`) of a rule, as notebook bytes.
fn fixture(code: &str, stem: &str) -> Option<(String, Vec<u8>)> {
    let dir = fixtures_dir().join(code);
    for ext in ["ipynb", "py"] {
        let path = dir.join(format!("{stem}.{ext}"));
        if let Ok(bytes) = std::fs::read(&path) {
            let bytes = if ext == "py" {
                percent_to_notebook(&String::from_utf8(bytes).unwrap()).into_bytes()
            } else {
                bytes
            };
            return Some((format!("{stem}.ipynb"), bytes));
        }
    }
    None
}

struct Checked {
    diagnostics: FileDiagnostics,
    fixed: Option<Vec<u8>>,
    dropped: Vec<String>,
    original: Vec<u8>,
}

fn check(rule: &dyn Rule, stem: &str) -> Option<Checked> {
    let code = rule.meta().code;
    let (name, bytes) = fixture(code, stem)?;
    let temp = tempfile::tempdir().unwrap();
    let editorconfig = fixtures_dir().join(code).join(".editorconfig");
    let config_text =
        std::fs::read_to_string(&editorconfig).unwrap_or_else(|_| "root = true\n".into());
    assert!(
        config_text.starts_with("root = true"),
        "{code}: .editorconfig must start with root = true"
    );
    std::fs::write(temp.path().join(".editorconfig"), config_text).unwrap();
    let path = temp.path().join(&name);
    std::fs::write(&path, &bytes).unwrap();
    let resolved = nbtidy_lint::resolver(Overrides::default())
        .resolve(&path)
        .unwrap();
    let args = SelectionArgs {
        select: Some(vec![code.to_owned()]),
        ..SelectionArgs::default()
    };
    let (selection, problems) = Selection::resolve(&resolved, &args);
    assert!(problems.is_empty(), "{problems:?}");
    let display = Path::new(&name);
    let mut diagnostics = check_notebook(display, &bytes, &resolved, &selection).unwrap();
    diagnostics.path = name.clone();
    let outcome = fix_notebook(display, &bytes, &resolved, &selection, true).unwrap();
    Some(Checked {
        diagnostics,
        fixed: outcome.bytes,
        dropped: outcome.dropped,
        original: bytes,
    })
}

/// Cell-by-cell diff of what the fixes changed, plus the raw JSON diff when more than code moved.
fn fix_diff(original: &[u8], fixed: &[u8]) -> String {
    let old = Notebook::parse(original).unwrap();
    let new = Notebook::parse(fixed).unwrap();
    let mut out = String::new();
    let count = old.cells().len().max(new.cells().len());
    for index in 0..count {
        let text_of = |nb: &Notebook<'_>| {
            if index < nb.cells().len() {
                nb.source(index)
                    .map(|s| s.text.into_owned())
                    .unwrap_or_default()
            } else {
                String::new()
            }
        };
        let (before, after) = (text_of(&old), text_of(&new));
        if before != after {
            let _ = write!(
                out,
                "{}",
                similar::TextDiff::from_lines(&format!("{before}\n"), &format!("{after}\n"))
                    .unified_diff()
                    .header(
                        &format!("a/cell {}", index + 1),
                        &format!("b/cell {}", index + 1)
                    )
            );
        }
    }
    let (old_text, new_text) = (
        String::from_utf8_lossy(original).into_owned(),
        String::from_utf8_lossy(fixed).into_owned(),
    );
    let only_code = old.cells().len() == new.cells().len()
        && (0..old.cells().len())
            .all(|i| old.cells()[i].source.is_some() && new.cells()[i].source.is_some())
        && {
            // Same bytes outside the sources?
            let strip = |nb: &Notebook<'_>, text: &str| {
                let mut rest = String::new();
                let mut at = 0;
                for cell in nb.cells() {
                    let span = cell.source.clone().unwrap();
                    rest.push_str(&text[at..span.start]);
                    at = span.end;
                }
                rest.push_str(&text[at..]);
                rest
            };
            strip(&old, &old_text) == strip(&new, &new_text)
        };
    if !only_code {
        let _ = write!(
            out,
            "{}",
            similar::TextDiff::from_lines(&old_text, &new_text)
                .unified_diff()
                .context_radius(2)
                .header("a/notebook.ipynb", "b/notebook.ipynb")
        );
    }
    out
}

/// The fixtures of one rule behave: `valid` has no finding of it, `invalid` has some (a reviewed
/// snapshot, with the diff of every fix), and no fix breaks code.
fn rule_fixtures_behave(rule: &'static dyn Rule) -> Result<(), String> {
    let mut failures = Vec::new();
    let code = rule.meta().code;
    let Some(valid) = check(rule, "valid") else {
        return Err(format!("{code}: no tests/fixtures/{code}/valid.(py|ipynb)"));
    };
    let Some(invalid) = check(rule, "invalid") else {
        return Err(format!(
            "{code}: no tests/fixtures/{code}/invalid.(py|ipynb)"
        ));
    };
    if !valid.diagnostics.diagnostics.is_empty() {
        failures.push(format!(
            "{code}: valid fixture has findings:\n{}",
            render(
                OutputFormat::Concise,
                std::slice::from_ref(&valid.diagnostics),
                &RenderOptions::default()
            )
        ));
    }
    if invalid.diagnostics.diagnostics.is_empty() {
        failures.push(format!("{code}: invalid fixture has no finding"));
    }
    for checked in [&valid, &invalid] {
        if !checked.dropped.is_empty() {
            failures.push(format!("{code}: fixes dropped: {:?}", checked.dropped));
        }
        if let Some(fixed) = &checked.fixed
            && Notebook::parse(fixed).is_err()
        {
            failures.push(format!("{code}: the fixed notebook does not parse"));
        }
    }
    let mut snapshot = render(
        OutputFormat::Full,
        std::slice::from_ref(&invalid.diagnostics),
        &RenderOptions::default(),
    );
    if let Some(fixed) = &invalid.fixed {
        snapshot.push_str("\n--- fixes (safe and unsafe) ---\n");
        snapshot.push_str(&fix_diff(&invalid.original, fixed));
    }
    insta::with_settings!({snapshot_path => "snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!(code, snapshot);
    });
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n\n"))
    }
}

/// Every rule file under `src/rules/<family>/` declares a rule that is registered in that
/// family, and every registered rule's family is the folder its file is in.
fn every_rule_file_is_registered() -> Result<(), String> {
    let rules_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules");
    let mut failures = Vec::new();
    let mut seen = 0;
    for family in std::fs::read_dir(&rules_dir).map_err(|e| e.to_string())? {
        let family = family.map_err(|e| e.to_string())?.path();
        if !family.is_dir() {
            continue;
        }
        let family_name = family
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        for file in std::fs::read_dir(&family).map_err(|e| e.to_string())? {
            let path = file.map_err(|e| e.to_string())?.path();
            if path.file_name().is_some_and(|n| n == "mod.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
            let codes: Vec<&str> = text
                .lines()
                .filter_map(|line| line.trim().strip_prefix("code: \""))
                .filter_map(|rest| rest.split('"').next())
                .collect();
            for code in codes {
                seen += 1;
                let registered = nbtidy_lint::registry::FAMILIES
                    .iter()
                    .find(|f| f.rules.iter().any(|r| r.meta().code == code));
                match registered {
                    None => failures.push(format!("{}: {code} is not registered", path.display())),
                    Some(f) if f.name != family_name => failures.push(format!(
                        "{}: {code} is in folder {family_name} but registered in family {}",
                        path.display(),
                        f.name
                    )),
                    Some(_) => {}
                }
            }
        }
    }
    if seen != RULES.len() {
        failures.push(format!(
            "{seen} rules declared in src/rules/*/, {} registered",
            RULES.len()
        ));
    }
    // Every fixture folder belongs to a registered rule.
    for entry in std::fs::read_dir(fixtures_dir()).map_err(|e| e.to_string())? {
        let name = entry.map_err(|e| e.to_string())?.file_name();
        let name = name.to_string_lossy();
        if !RULES.iter().any(|rule| rule.meta().code == name) {
            failures.push(format!("tests/fixtures/{name} belongs to no rule"));
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n"))
    }
}

fn main() -> std::process::ExitCode {
    use libtest_mimic::{Arguments, Trial};
    let arguments = Arguments::from_args();
    let mut trials: Vec<Trial> = RULES
        .iter()
        .map(|rule| {
            let rule: &'static dyn Rule = *rule;
            Trial::test(rule.meta().code, move || {
                rule_fixtures_behave(rule).map_err(Into::into)
            })
        })
        .collect();
    trials.push(Trial::test("every_rule_file_is_registered", || {
        every_rule_file_is_registered().map_err(Into::into)
    }));
    trials.push(Trial::test("percent_format_becomes_cells", || {
        percent_format_becomes_cells();
        Ok(())
    }));
    libtest_mimic::run(&arguments, trials).exit_code()
}

fn percent_format_becomes_cells() {
    let nb = percent_to_notebook("# %%\nimport os\n\n# %% [markdown]\n# Title\n# %%\nx = 1\n");
    let parsed = Notebook::parse(nb.as_bytes()).unwrap();
    assert_eq!(parsed.cells().len(), 3);
    assert_eq!(parsed.source(0).unwrap().text, "import os");
    assert_eq!(parsed.source(1).unwrap().text, "Title");
    assert_eq!(parsed.source(2).unwrap().text, "x = 1");
}
