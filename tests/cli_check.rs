//! End-to-end tests of `nbtidy check`, `nbtidy rule` and `nbtidy config`.

mod common;

/// The rules these tests are about; the others (F401, NB008, ...) are tested in `nbtidy_lint`.
const RULES: &str = "E722,E999,NB013";

use common::{Project, code_notebook, notebook};

/// The 1-based line of `text` that contains `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|line| line.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} not in the file"))
        + 1
}

#[test]
fn github_annotations_land_on_the_ipynb_line_of_the_code() {
    let project = Project::new();
    let text = notebook(&[
        ("markdown", "# Title\nSome text"),
        (
            "code",
            "import os\nx = 1\ntry:\n    pass\nexcept:\n    pass",
        ),
    ]);
    project.write("nb.ipynb", &text);
    let run = project.run(&[
        "check",
        "--select",
        RULES,
        "--output-format",
        "github",
        "nb.ipynb",
    ]);
    run.assert_code(0); // E722 is a warning; the default fail level is error
    let expected_line = line_of(&text, "\"except:\\n\"");
    let annotation = run
        .stdout
        .lines()
        .find(|line| line.contains("E722"))
        .expect("an E722 annotation");
    assert!(
        annotation.starts_with(&format!(
            "::warning title=nbtidy (E722),file=nb.ipynb,line={expected_line},col=6,"
        )),
        "{annotation}"
    );
    assert!(annotation.ends_with("::nb.ipynb:cell 2:5:1: E722 do not use bare `except`"));
}

#[test]
fn sarif_regions_point_at_the_ipynb_line_and_carry_the_cell_position() {
    let project = Project::new();
    let text = code_notebook(&["x = 1", "!pip install pandas"]);
    project.write("nb.ipynb", &text);
    let run = project.run(&[
        "check",
        "--select",
        RULES,
        "--output-format",
        "sarif",
        "nb.ipynb",
    ]);
    run.assert_code(0);
    let sarif: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "NB013");
    assert_eq!(result["level"], "warning");
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        region["startLine"],
        line_of(&text, "!pip install pandas") as u64
    );
    assert_eq!(result["properties"]["cell"], 2);
    assert_eq!(result["properties"]["row"], 1);
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "nb.ipynb"
    );
}

#[test]
fn json_output_has_cell_and_file_positions() {
    let project = Project::new();
    let text = code_notebook(&["try:\n    x = 1\nexcept:\n    pass"]);
    project.write("nb.ipynb", &text);
    let run = project.run(&[
        "check",
        "--select",
        RULES,
        "--output-format",
        "json",
        "nb.ipynb",
    ]);
    let findings: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let finding = &findings[0];
    assert_eq!(finding["code"], "E722");
    assert_eq!(finding["cell"], 1);
    assert_eq!(
        finding["location"],
        serde_json::json!({"row": 3, "column": 1})
    );
    assert_eq!(
        finding["file_location"]["row"],
        line_of(&text, "\"except:\\n\"") as u64
    );
}

#[test]
fn exit_codes_follow_the_fail_level() {
    let project = Project::new();
    project.write("nb.ipynb", code_notebook(&["!pip install x"]));
    project
        .run(&["check", "--select", RULES, "nb.ipynb"])
        .assert_code(0);
    project
        .run(&[
            "check",
            "--select",
            RULES,
            "--fail-on",
            "warning",
            "nb.ipynb",
        ])
        .assert_code(1);
    let strict = Project::with_editorconfig("[*.ipynb]\nnbtidy_fail_on = warning\n");
    strict.write("nb.ipynb", code_notebook(&["!pip install x"]));
    strict
        .run(&["check", "--select", RULES, "nb.ipynb"])
        .assert_code(1);
    strict
        .run(&["check", "--select", RULES, "--fail-on", "error", "nb.ipynb"])
        .assert_code(0);
    // A syntax error is an error.
    project.write("bad.ipynb", code_notebook(&["x = ("]));
    project
        .run(&["check", "--select", RULES, "bad.ipynb"])
        .assert_code(1);
    // A rule raised to error in .editorconfig fails the check.
    let raised = Project::with_editorconfig("[*]\nnbtidy_rule.shell-pip-install = error\n");
    raised.write("nb.ipynb", code_notebook(&["!pip install x"]));
    raised
        .run(&["check", "--select", RULES, "nb.ipynb"])
        .assert_code(1);
    // Without --select, .editorconfig decides: the base set, then per-rule settings.
    let off = Project::with_editorconfig(
        "[*]\nnbtidy_rules = none\nnbtidy_rule.E722 = warning\nnbtidy_rule.NB013 = off\n",
    );
    off.write("nb.ipynb", code_notebook(&["!pip install x"]));
    let run = off.run(&["check", "--fail-on", "warning", "nb.ipynb"]);
    run.assert_code(0);
    let on = Project::with_editorconfig("[*]\nnbtidy_rules = none\nnbtidy_rule.NB013 = warning\n");
    on.write("nb.ipynb", code_notebook(&["!pip install x"]));
    on.run(&["check", "--fail-on", "warning", "nb.ipynb"])
        .assert_code(1);
    assert!(run.stderr.contains("All checks passed!"), "{}", run.stderr);
}

#[test]
fn each_directory_gets_its_own_rule_settings_in_one_run() {
    // Notebooks with different settings in one run: the selection is resolved per distinct
    // configuration (and cached), never carried over from one notebook to another.
    let project = Project::with_editorconfig(
        "[quiet/*.ipynb]\nnbtidy_rule.NB013 = off\n[loud/*.ipynb]\nnbtidy_rule.NB013 = error\n",
    );
    for dir in ["plain", "quiet", "loud", "plain2", "quiet2"] {
        for n in 0..3 {
            project.write(
                &format!("{dir}/nb{n}.ipynb"),
                code_notebook(&["!pip install x"]),
            );
        }
    }
    project.write(
        "quiet2/.editorconfig",
        "[*.ipynb]\nnbtidy_rule.NB013 = off\n",
    );
    // No `--select`: it would override the settings (the command line comes last).
    let run = project.run(&["check", "--output-format", "concise", "."]);
    run.assert_code(1);
    let mut lines: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.contains(": NB013 "))
        .collect();
    lines.sort_unstable();
    let expected: Vec<String> = ["loud", "plain", "plain2"]
        .iter()
        .flat_map(|dir| (0..3).map(move |n| format!("{dir}/nb{n}.ipynb:cell 1:1:1: NB013")))
        .collect();
    assert_eq!(lines.len(), expected.len(), "{}", run.stdout);
    for (line, prefix) in lines.iter().zip(&expected) {
        assert!(line.starts_with(prefix.as_str()), "{line} / {prefix}");
    }
    // Only `loud` raised the rule to an error.
    project
        .run(&["check", "--fail-on", "error", "plain", "quiet", "quiet2"])
        .assert_code(0);
    project
        .run(&["check", "--fail-on", "error", "plain", "loud"])
        .assert_code(1);
}

#[test]
fn invalid_rule_settings_are_errors_naming_the_line() {
    let project = Project::with_editorconfig("[*]\nnbtidy_rule.E722 = loud\n");
    project.write("nb.ipynb", code_notebook(&["x = 1"]));
    let run = project.run(&["check", "--select", RULES, "nb.ipynb"]);
    run.assert_code(2);
    assert!(
        run.stderr
            .contains(".editorconfig:3: nbtidy_rule.e722 = loud"),
        "{}",
        run.stderr
    );
}

#[test]
fn fix_applies_safe_fixes_and_diff_shows_them() {
    let project = Project::new();
    let original = notebook(&[
        ("markdown", "# T"),
        ("code", "!pip install pandas\nimport pandas"),
    ]);
    project.write("nb.ipynb", &original);
    let run = project.run(&["check", "--select", RULES, "--diff", "nb.ipynb"]);
    run.assert_code(1);
    assert_eq!(
        run.stdout,
        "--- a/nb.ipynb:cell 2\n+++ b/nb.ipynb:cell 2\n@@ -1,2 +1,2 @@\n-!pip install pandas\n+%pip install pandas\n import pandas\n"
    );
    assert_eq!(project.read("nb.ipynb"), original, "--diff wrote the file");
    let run = project.run(&["check", "--select", RULES, "--fix", "nb.ipynb"]);
    run.assert_code(0);
    assert!(
        run.stderr.contains("Fixed 1 finding, 0 remaining"),
        "{}",
        run.stderr
    );
    assert_eq!(
        project.read("nb.ipynb"),
        original.replace("!pip install pandas", "%pip install pandas")
    );
}

#[test]
fn unsafe_fixes_need_the_flag() {
    let project = Project::new();
    let text = r#"{
 "cells": [
  {
   "cell_type": "code",
   "execution_count": 1,
   "metadata": {},
   "outputs": [
    {
     "name": "stdout",
     "output_type": "stream",
     "text": [
      "hi\n"
     ]
    }
   ],
   "source": [
    "print('hi')"
   ]
  }
 ],
 "metadata": {"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}},
 "nbformat": 4,
 "nbformat_minor": 5
}
"#;
    project.write("nb.ipynb", text);
    let run = project.run(&["check", "--select", "NB003", "--fix", "nb.ipynb"]);
    assert!(
        run.stderr.contains("Fixed 0 findings, 1 remaining"),
        "{}",
        run.stderr
    );
    assert_eq!(project.read("nb.ipynb"), text);
    let run = project.run(&[
        "check",
        "--select",
        "outputs-present",
        "--fix",
        "--unsafe-fixes",
        "nb.ipynb",
    ]);
    run.assert_code(0);
    let fixed = project.read("nb.ipynb");
    assert!(fixed.contains("\"outputs\": [],\n   \"source\""), "{fixed}");
    assert!(!fixed.contains("\"hi\\n\""));
}

#[test]
fn suppression_by_noqa_and_cell_tags() {
    let project = Project::new();
    let text = common::build(
        &[
            common::cell("code", "try:\n    x = 1\nexcept:  # noqa: E722\n    pass"),
            common::cell("code", "try:\n    x = 1\nexcept:\n    pass")
                .with_metadata(serde_json::json!({"tags": ["nbtidy-ignore:bare-except"]})),
            common::cell("code", "!pip install x")
                .with_metadata(serde_json::json!({"tags": ["nbtidy-ignore"]})),
            common::cell("code", "try:\n    x = 1\nexcept:\n    pass"),
        ],
        common::python_metadata(),
    );
    project.write("nb.ipynb", text);
    let run = project.run(&[
        "check",
        "--select",
        RULES,
        "--output-format",
        "concise",
        "nb.ipynb",
    ]);
    assert_eq!(
        run.stdout, "nb.ipynb:cell 4:3:1: E722 do not use bare `except`\n",
        "{}",
        run.stderr
    );
}

#[test]
fn unreadable_notebooks_are_errors_and_the_rest_is_checked() {
    let project = Project::new();
    project.write("bad.ipynb", "{ not json");
    project.write(
        "good.ipynb",
        code_notebook(&["try:\n    pass\nexcept:\n    pass"]),
    );
    let run = project.run(&[
        "check",
        "--select",
        RULES,
        "--output-format",
        "concise",
        ".",
    ]);
    run.assert_code(2);
    assert!(
        run.stderr
            .contains("error: bad.ipynb: invalid JSON at line 1"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("good.ipynb:cell 1:3:1: E722"),
        "{}",
        run.stdout
    );
}

#[test]
fn control_characters_in_notebooks_do_not_reach_the_terminal() {
    let project = Project::new();
    project.write(
        "nb.ipynb",
        code_notebook(&["try:\n    x = 1\nexcept:  # '\u{1b}[2J'\n    pass"]),
    );
    for format in ["full", "concise"] {
        let run = project.run(&[
            "check",
            "--select",
            RULES,
            "--output-format",
            format,
            "--color",
            "never",
            "nb.ipynb",
        ]);
        assert!(!run.stdout.contains('\u{1b}'), "{format}: {:?}", run.stdout);
    }
    let run = project.run(&["check", "--select", RULES, "--color", "always", "nb.ipynb"]);
    assert!(run.stdout.contains("\\u{1b}[2J"), "{}", run.stdout);
}

#[test]
fn rule_prints_the_docs() {
    let project = Project::new();
    let run = project.run(&["rule", "bare-except"]);
    run.assert_code(0);
    assert!(run.stdout.starts_with("# bare-except (E722)\n"));
    assert!(run.stdout.contains("## Why is this bad?"));
    let all = project.run(&["rule", "--all"]);
    all.assert_code(0);
    for code in ["E999", "E722", "NB003", "NB013"] {
        assert!(all.stdout.contains(&format!("({code})")), "{code}");
    }
    project.run(&["rule", "X999"]).assert_code(2);
}

#[test]
fn config_shows_values_and_origins() {
    let project = Project::with_editorconfig(
        "[*.py]\nindent_size = 2\n[*.ipynb]\nindent_size = 1\nmax_line_length = 100\nnbtidy_rule.E722 = error\nnbtidy_fail_on = warning\n",
    );
    let run = project.run(&["config", "nb.ipynb"]);
    run.assert_code(0);
    let editorconfig = project.path(".editorconfig").display().to_string();
    let find = |key: &str| {
        run.stdout
            .lines()
            .find(|line| line.starts_with(key))
            .unwrap_or_else(|| panic!("{key} missing:\n{}", run.stdout))
            .to_owned()
    };
    assert!(find("indent_width ").contains(&format!("2            ({editorconfig}:3)")));
    assert!(find("max_line_length ").contains(&format!("100          ({editorconfig}:6)")));
    assert!(find("quote_type ").contains("double       (default)"));
    assert!(find("nbtidy_fail_on ").contains(&format!("warning      ({editorconfig}:8)")));
    assert!(find("E722 bare-except ").contains(&format!(
        "error        (nbtidy_rule.e722 ({editorconfig}:7))"
    )));
    assert!(find("NB003 outputs-present ").contains("off"));
    let cli = project.run(&["config", "--line-length", "60", "nb.ipynb"]);
    assert!(
        cli.stdout
            .contains("max_line_length                60           (command line)"),
        "{}",
        cli.stdout
    );
}

#[test]
fn rule_list_is_one_line_per_rule_grouped_by_family_as_the_docs() {
    let project = Project::new();
    let run = project.run(&["rule", "--list"]);
    run.assert_code(0);
    // Family by family: a header `NAME (N rules): description`, then N lines `  CODE name ...`.
    let mut families: Vec<(String, Vec<String>)> = Vec::new();
    for line in run.stdout.lines().filter(|line| !line.is_empty()) {
        if let Some(rule) = line.strip_prefix("  ") {
            let code = rule.split_whitespace().next().unwrap().to_owned();
            families.last_mut().expect("a family first").1.push(code);
        } else {
            let (name, rest) = line.split_once(" (").expect(line);
            let count: usize = rest.split_once(' ').unwrap().0.parse().unwrap();
            families.push((name.to_owned(), Vec::with_capacity(count)));
            assert!(rest.contains(" rules): "), "{line}");
        }
    }
    let names: Vec<&str> = families.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["pyflakes", "pycodestyle", "isort", "notebook"]);
    // Every rule once (`rule --all` documents each), and the docs list the same rules under the
    // same families in the same order.
    let all = project.run(&["rule", "--all"]).stdout;
    let documented = all
        .lines()
        .filter(|line| {
            line.starts_with("# ")
                && line.rsplit_once(" (").is_some_and(|(_, code)| {
                    code.ends_with(')')
                        && code[..code.len() - 1]
                            .chars()
                            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
                })
        })
        .count();
    let listed: Vec<&String> = families.iter().flat_map(|(_, codes)| codes).collect();
    assert_eq!(listed.len(), documented);
    let unique: std::collections::BTreeSet<&String> = listed.iter().copied().collect();
    assert_eq!(unique.len(), listed.len());
    let docs = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md"),
    )
    .unwrap();
    for (name, codes) in &families {
        let heading = format!("(`{name}`)\n");
        let section = docs
            .split("\n## ")
            .find(|s| s.contains(&heading))
            .expect(name);
        let in_docs: Vec<&str> = section
            .lines()
            .filter_map(|line| line.strip_prefix("| [")?.split(']').next())
            .collect();
        assert_eq!(in_docs, *codes, "{name}");
    }
    let header = run.stdout.lines().next().unwrap();
    assert!(header.starts_with(&format!("pyflakes ({} rules): ", families[0].1.len())));
}
