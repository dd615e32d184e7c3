//! Differential test of import sorting against ruff 0.16.4 over the whole corpus: for the code
//! cells that either tool changes, the cell after `nbtidy check --select I001 --fix` equals the
//! cell after `ruff check --select I --fix --isolated` (run from the notebook's directory, so
//! both take the modules next to the notebook as first party) in at least 99% of them.
//!
//! Compared: the notebooks ruff fixes. Ruff skips a notebook without `language_info` whose
//! kernelspec names no language (most Colab notebooks), which nbtidy reads as Python: ruff's
//! copy gets `"language": "python"` in such a kernelspec, as `bench/compare_ruff_check.py` does.
//! Not compared, and counted: notebooks that are not Python, and notebooks with a cell ruff
//! cannot parse (ruff then sorts none of their cells; nbtidy sorts the cells that parse).
//!
//! Needs ruff 0.16.4, found or installed as the formatter parity test does (`NBTIDY_RUFF`,
//! `target/ci-tools`, `NBTIDY_SKIP_RUFF_PARITY=1` to skip on purpose, loudly).

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use support::*;

fn code_cells(path: &Path) -> Option<(serde_json::Value, Vec<Option<String>>)> {
    let value: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    let cells = value["cells"]
        .as_array()?
        .iter()
        .map(|cell| (cell["cell_type"] == "code").then(|| source_text(cell)))
        .collect();
    Some((value, cells))
}

#[test]
fn sorted_cells_equal_ruff_0_16_4() {
    let Some(ruff) = ruff_or_skip("the import-sorting parity test") else {
        return;
    };
    let temp = tempfile::tempdir().unwrap();
    let orig = shared().join("corpus");
    let ours_dir = temp.path().join("ours");
    let ruff_dir = temp.path().join("ruff");
    copy_tree(&orig, &ours_dir);
    copy_tree(&orig, &ruff_dir);
    let patched = patch_kernelspecs(&ruff_dir);

    let ours_run = nbtidy(&[
        OsStr::new("check"),
        OsStr::new("-q"),
        OsStr::new("--select"),
        OsStr::new("I001"),
        OsStr::new("--fix"),
        ours_dir.as_os_str(),
    ]);
    assert!(
        matches!(ours_run.status.code(), Some(0 | 1)),
        "{}",
        stderr(&ours_run)
    );

    // ruff, from each notebook's directory; first the notebooks it will not fix because a cell
    // does not parse.
    let mut by_dir: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    for path in notebooks_under(&ruff_dir) {
        let dir = path.parent().unwrap().to_path_buf();
        by_dir.entry(dir).or_default().push(path);
    }
    let mut unparsable: BTreeSet<PathBuf> = BTreeSet::new();
    for (dir, paths) in &by_dir {
        let names: Vec<&OsStr> = paths.iter().map(|p| p.file_name().unwrap()).collect();
        let report = Command::new(&ruff)
            .args([
                "check",
                "--isolated",
                "--no-cache",
                "--select",
                "I",
                "--exit-zero",
            ])
            .args(["--output-format", "json"])
            .args(&names)
            .current_dir(dir)
            .output()
            .unwrap();
        let findings: serde_json::Value = serde_json::from_slice(&report.stdout)
            .unwrap_or_else(|_| panic!("{}", stderr(&report)));
        for finding in findings.as_array().unwrap() {
            if finding["code"] == "invalid-syntax" || finding["code"].is_null() {
                let file = PathBuf::from(finding["filename"].as_str().unwrap());
                unparsable.insert(file.strip_prefix(&ruff_dir).unwrap().to_path_buf());
            }
        }
        let fixed = Command::new(&ruff)
            .args([
                "check",
                "--isolated",
                "--no-cache",
                "--select",
                "I",
                "--fix",
                "--exit-zero",
            ])
            .args(&names)
            .current_dir(dir)
            .output()
            .unwrap();
        assert!(fixed.status.success(), "{}", stderr(&fixed));
    }

    let (mut changed, mut equal, mut not_python) = (0, 0, 0);
    let mut differences = Vec::new();
    for path in notebooks_under(&orig) {
        let rel = path.strip_prefix(&orig).unwrap();
        let Some((_, before)) = code_cells(&path) else {
            continue;
        };
        if unparsable.contains(rel) {
            continue;
        }
        let (patched_value, _) = code_cells(&ruff_dir.join(rel)).unwrap();
        if ruff_skips(&patched_value["metadata"]) {
            not_python += 1;
            continue;
        }
        let (_, ours) = code_cells(&ours_dir.join(rel)).unwrap();
        let (_, theirs) = code_cells(&ruff_dir.join(rel)).unwrap();
        for (i, ((before, ours), theirs)) in before.iter().zip(&ours).zip(&theirs).enumerate() {
            let (Some(before), Some(ours), Some(theirs)) = (before, ours, theirs) else {
                continue;
            };
            if ours == before && theirs == before {
                continue;
            }
            changed += 1;
            if ours == theirs {
                equal += 1;
            } else {
                differences.push(format!(
                    "{} cell {}:\nours: {ours:?}\nruff: {theirs:?}",
                    rel.display(),
                    i + 1
                ));
            }
        }
    }
    #[expect(clippy::print_stderr, reason = "the figure the issue asks for")]
    {
        eprintln!(
            "import sorting vs ruff 0.16.4: {equal} of {changed} changed cells equal; not compared: \
             {} notebooks ruff cannot parse, {not_python} not Python; {patched} Colab-style \
             kernelspecs given a language for ruff",
            unparsable.len()
        );
    }
    assert!(
        changed > 500,
        "only {changed} cells changed: did the tools run?"
    );
    assert!(
        equal * 100 >= changed * 99,
        "{equal} of {changed} equal; first differences:\n{}",
        differences
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// Adds `"language": "python"` to the kernelspec of the notebooks under `dir` that have no
/// `language_info` and a kernelspec without a language; how many.
fn patch_kernelspecs(dir: &Path) -> usize {
    let mut patched = 0;
    for path in notebooks_under(dir) {
        let Ok(mut value) =
            serde_json::from_slice::<serde_json::Value>(&std::fs::read(&path).unwrap())
        else {
            continue;
        };
        let metadata = &mut value["metadata"];
        if metadata.get("language_info").is_some() {
            continue;
        }
        let Some(kernelspec) = metadata
            .get_mut("kernelspec")
            .and_then(|k| k.as_object_mut())
        else {
            continue;
        };
        if kernelspec.contains_key("language") {
            continue;
        }
        kernelspec.insert("language".to_owned(), "python".into());
        std::fs::write(&path, serde_json::to_string(&value).unwrap()).unwrap();
        patched += 1;
    }
    patched
}

/// Cells built to hit the sorter's corners (comments above, on and inside imports, `isort:`
/// directives, relative and `__future__` imports, star imports, nested blocks, continuation
/// lines, `%time import`, CRLF, blocks before a decorated `def`, ...): each equals ruff's.
#[test]
fn corner_cases_equal_ruff_0_16_4() {
    let Some(ruff) = ruff_or_skip("the import-sorting corner cases") else {
        return;
    };
    let cells = [
        "# top comment\nimport b  # inline b\n# above a\nimport a\n\n\n\nx = 1",
        "try:\n    import ujson as json\nexcept ImportError:\n    import json\nimport z, y",
        "from a import (\n    b,  # comment b\n    # above c\n    c,\n)\nfrom a import d",
        "from . import x\nfrom .. import y\nfrom .a import z\nfrom ..b import w\nimport os",
        "import os.path as osp, sys as system\nfrom os import path, sep as s, getcwd as g",
        "from x import *\nfrom x import a\nimport x",
        "from m import CONST, Class, func, _private, __dunder__, A1, a10, a2",
        "if True:\n    import b\n    import a\n\n    x = 1",
        "class C:\n    import b\n    import a\n    def f(self): pass",
        "import a\n# isort: split\nimport c\nimport b",
        "import b  # noqa: F401\nfrom c import d  # type: ignore\nimport a",
        "from __future__ import annotations\nimport os\nfrom __future__ import division",
        "import numpy as np\n@decorator\ndef f(): pass",
        "import numpy as np\n\n# comment\n\ndef f(): pass",
        "from very_long_module_name_here.submodule import something_long, another_thing, third_thing_here\nimport a",
        "import a\\\n    .b\nimport c",
        "%time import b\nimport a",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from b import B\n    from a import A",
        "import b\n\n\n\nimport a\n",
        "import b;import a",
        "from a import b as b, c\nimport x as x",
        "import b\r\nimport a\r\nx = 1",
        "import a\n# isort: off\nimport c\nimport b\n# isort: on\nimport e\nimport d",
        "def f():\n    import b\n    import a\n    return a, b",
        "import b, a  # both",
        "from a import (b, c)  # trailing\nimport z",
        "%matplotlib inline\nimport sys\nimport os\n!ls\nimport b\nimport a",
    ];
    let notebook = serde_json::json!({
        "cells": cells.iter().map(|code| serde_json::json!({
            "cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [],
            "source": code,
        })).collect::<Vec<_>>(),
        "metadata": {"language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    })
    .to_string();
    let temp = tempfile::tempdir().unwrap();
    let ours = temp.path().join("ours.ipynb");
    let theirs = temp.path().join("theirs.ipynb");
    std::fs::write(&ours, &notebook).unwrap();
    std::fs::write(&theirs, &notebook).unwrap();
    let run = nbtidy(&[
        OsStr::new("check"),
        OsStr::new("-q"),
        OsStr::new("--select"),
        OsStr::new("I001"),
        OsStr::new("--fix"),
        ours.as_os_str(),
    ]);
    assert!(matches!(run.status.code(), Some(0 | 1)), "{}", stderr(&run));
    let fixed = Command::new(&ruff)
        .args([
            "check",
            "--isolated",
            "--no-cache",
            "--select",
            "I",
            "--fix",
            "--exit-zero",
        ])
        .arg(&theirs)
        .output()
        .unwrap();
    assert!(fixed.status.success(), "{}", stderr(&fixed));
    let (_, ours) = code_cells(&ours).unwrap();
    let (_, theirs) = code_cells(&theirs).unwrap();
    let mut changed = 0;
    for (i, ((code, ours), theirs)) in cells.iter().zip(&ours).zip(&theirs).enumerate() {
        assert_eq!(ours, theirs, "cell {}: {code:?}", i + 1);
        changed += usize::from(ours.as_deref() != Some(*code));
    }
    assert!(
        changed >= 20,
        "ruff changed only {changed} cells: did it run?"
    );
}
