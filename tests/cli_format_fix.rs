//! End-to-end tests of `nbtidy format --fix` (and `nbtidy_format_fix = on`): the safe fixes of
//! the selected rules, then import sorting, then formatting, in file mode and both stdin modes.

mod common;

use common::{Project, code_notebook};

/// A cell with an unused import, unsorted imports and code to format: F401 removes `os`
/// (safe), sorting orders the rest, formatting spaces `x=np.zeros(3)`.
const MESSY: &str = "import sys\nimport pandas as pd\nimport numpy as np\nimport os\nx=np.zeros(3)\nprint(sys.argv, pd)";
const CLEAN: &str =
    "import sys\n\nimport numpy as np\nimport pandas as pd\n\nx = np.zeros(3)\nprint(sys.argv, pd)";

fn code_cells(json: &str) -> Vec<String> {
    let value: serde_json::Value = serde_json::from_str(json).expect("a notebook");
    value["cells"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|cell| cell["cell_type"] == "code")
        .map(|cell| match &cell["source"] {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Array(lines) => lines.iter().filter_map(|l| l.as_str()).collect(),
            _ => String::new(),
        })
        .collect()
}

#[test]
fn fix_applies_safe_fixes_sorts_imports_then_formats_a_file() {
    let project = Project::new();
    project.write(
        "nb.ipynb",
        code_notebook(&[MESSY, "import b\nimport a\nprint(a, b)"]),
    );

    project.run(&["format", "--fix", "nb.ipynb"]).assert_code(0);

    assert_eq!(
        code_cells(&project.read("nb.ipynb")),
        [CLEAN, "import a\nimport b\n\nprint(a, b)"]
    );
    // Nothing left to do: a second run changes nothing.
    let before = project.read_bytes("nb.ipynb");
    project.run(&["format", "--fix", "nb.ipynb"]).assert_code(0);
    assert_eq!(project.read_bytes("nb.ipynb"), before);
}

#[test]
fn without_fix_format_only_formats() {
    let project = Project::new();
    project.write("nb.ipynb", code_notebook(&[MESSY]));

    project.run(&["format", "nb.ipynb"]).assert_code(0);

    assert_eq!(
        code_cells(&project.read("nb.ipynb")),
        [
            "import sys\nimport pandas as pd\nimport numpy as np\nimport os\n\nx = np.zeros(3)\nprint(sys.argv, pd)"
        ]
    );
}

#[test]
fn the_editorconfig_key_turns_fixing_on() {
    let project = Project::with_editorconfig("[*.ipynb]\nnbtidy_format_fix = on\n");
    project.write("nb.ipynb", code_notebook(&[MESSY]));

    project.run(&["format", "nb.ipynb"]).assert_code(0);

    assert_eq!(code_cells(&project.read("nb.ipynb")), [CLEAN]);
}

#[test]
fn an_invalid_format_fix_value_modifies_nothing() {
    let project = Project::with_editorconfig("[*.ipynb]\nnbtidy_format_fix = sometimes\n");
    let input = code_notebook(&[MESSY]);
    project.write("nb.ipynb", &input);

    project
        .run(&["format", "nb.ipynb"])
        .assert_code(2)
        .assert_stderr_contains("nbtidy_format_fix = sometimes");

    assert_eq!(project.read("nb.ipynb"), input);
}

#[test]
fn sorting_can_be_turned_off_and_rules_still_decide_the_fixes() {
    // I001 off: no sorting. F401 off: the unused import stays.
    let project = Project::with_editorconfig(
        "[*.ipynb]\nnbtidy_rule.unsorted-imports = off\nnbtidy_rule.F401 = off\n",
    );
    project.write("nb.ipynb", code_notebook(&[MESSY]));

    project.run(&["format", "--fix", "nb.ipynb"]).assert_code(0);

    assert_eq!(
        code_cells(&project.read("nb.ipynb")),
        [
            "import sys\nimport pandas as pd\nimport numpy as np\nimport os\n\nx = np.zeros(3)\nprint(sys.argv, pd)"
        ]
    );
}

#[test]
fn check_and_diff_show_the_fixed_and_formatted_result_and_write_nothing() {
    let project = Project::new();
    let input = code_notebook(&[MESSY]);
    project.write("nb.ipynb", &input);

    let check = project.run(&["format", "--fix", "--check", "nb.ipynb"]);
    check.assert_code(1);
    assert!(
        check.stdout.contains("would reformat: nb.ipynb"),
        "{}",
        check.stdout
    );

    let diff = project.run(&["format", "--fix", "--diff", "nb.ipynb"]);
    diff.assert_code(1);
    assert!(diff.stdout.contains("-import os\n"), "{}", diff.stdout);
    assert!(
        diff.stdout.contains("+x = np.zeros(3)\n"),
        "{}",
        diff.stdout
    );
    assert_eq!(project.read("nb.ipynb"), input);
}

#[test]
fn a_cell_on_stdin_is_fixed_sorted_and_formatted() {
    let project = Project::new();

    let run = project.run_with_stdin(
        &["format", "--fix", "--stdin-filename", "cell.py", "-"],
        MESSY.as_bytes(),
    );

    run.assert_code(0);
    assert_eq!(run.stdout, CLEAN);
    assert_eq!(project.list(""), [".editorconfig"]);
}

#[test]
fn a_notebook_on_stdin_is_fixed_sorted_and_formatted() {
    let project = Project::new();
    let input = code_notebook(&[MESSY]);

    let run = project.run_with_stdin(
        &["format", "--fix", "--stdin-filename", "nb.ipynb", "-"],
        input.as_bytes(),
    );

    run.assert_code(0);
    assert_eq!(code_cells(&run.stdout), [CLEAN]);
    // The check mode on stdin reports the change and prints no notebook.
    let check = project.run_with_stdin(
        &[
            "format",
            "--fix",
            "--check",
            "--stdin-filename",
            "nb.ipynb",
            "-",
        ],
        input.as_bytes(),
    );
    check.assert_code(1);
    assert!(check.stdout.contains("would reformat"), "{}", check.stdout);
}

#[test]
fn magics_stay_barriers_and_cells_stay_apart() {
    let project = Project::new();
    let cell = "%matplotlib inline\nimport sys\nimport os\nprint(os, sys)";
    project.write(
        "nb.ipynb",
        code_notebook(&[cell, "import json\nprint(json)"]),
    );

    project.run(&["format", "--fix", "nb.ipynb"]).assert_code(0);

    assert_eq!(
        code_cells(&project.read("nb.ipynb")),
        [
            "%matplotlib inline\nimport os\nimport sys\n\nprint(os, sys)",
            "import json\n\nprint(json)"
        ]
    );
}
