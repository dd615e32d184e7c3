//! End-to-end tests of `.editorconfig` settings reaching the code in notebooks through the CLI:
//! which sections speak for notebook code, `unset`, nesting, `nbtidy = off`, command-line flags
//! on top, and invalid values.

mod common;

use common::{Project, code_notebook};

const DEF: &str = "def f():\n    return 1";
const DEF_2: &str = "def f():\n  return 1";
const DEF_3: &str = "def f():\n   return 1";
const DEF_TAB: &str = "def f():\n\treturn 1";
/// 66 columns: fits 88 and 120, not 60.
const LONG: &str = "result = some_function(argument_one, argument_two, argument_three)";
const LONG_AT_60: &str =
    "result = some_function(\n    argument_one, argument_two, argument_three\n)";

/// Formats a notebook holding `codes` under `sections`, with `args` added, and returns its new
/// text after checking that the run succeeded.
#[track_caller]
fn format_with(sections: &str, codes: &[&str], args: &[&str]) -> String {
    let project = Project::with_editorconfig(sections);
    project.write("nb.ipynb", code_notebook(codes));
    let mut all = vec!["format"];
    all.extend_from_slice(args);
    all.push("nb.ipynb");
    let run = project.run(&all);
    run.assert_code(0);
    assert!(
        !run.stderr.contains("warning") && !run.stderr.contains("error"),
        "{}",
        run.stderr
    );
    project.read("nb.ipynb")
}

#[test]
fn py_sections_give_the_indentation_of_notebook_code() {
    assert_eq!(
        format_with("[*.py]\nindent_size = 2\n", &[DEF], &[]),
        code_notebook(&[DEF_2])
    );
    assert_eq!(
        format_with("[*]\nindent_size = 2\n", &[DEF], &[]),
        code_notebook(&[DEF_2])
    );
}

#[test]
fn the_indent_size_of_ipynb_sections_is_for_the_json_not_the_code() {
    // The common `[*.ipynb] indent_size = 1` (Jupyter's JSON indentation) must not reach the
    // code: it stays at the default 4 ...
    assert_eq!(
        format_with("[*.ipynb]\nindent_size = 1\n", &[DEF], &[]),
        code_notebook(&[DEF])
    );
    // ... or at what the `.py` view says.
    assert_eq!(
        format_with(
            "[*]\nindent_size = 2\n[*.ipynb]\nindent_size = 1\nindent_style = tab\n",
            &[DEF],
            &[]
        ),
        code_notebook(&[DEF_2])
    );
}

#[test]
fn nbtidy_indent_keys_in_ipynb_sections_set_the_code_indentation() {
    assert_eq!(
        format_with(
            "[*.py]\nindent_size = 3\n[*.ipynb]\nindent_size = 1\nnbtidy_indent_size = 2\n",
            &[DEF],
            &[]
        ),
        code_notebook(&[DEF_2])
    );
    assert_eq!(
        format_with("[*.ipynb]\nnbtidy_indent_style = tab\n", &[DEF], &[]),
        code_notebook(&[DEF_TAB])
    );
}

#[test]
fn max_line_length_comes_from_the_py_view() {
    assert_eq!(
        format_with("[*.py]\nmax_line_length = 60\n", &[LONG], &[]),
        code_notebook(&[LONG_AT_60])
    );
}

#[test]
fn max_line_length_of_ipynb_sections_beats_py_sections() {
    assert_eq!(
        format_with(
            "[*.ipynb]\nmax_line_length = 60\n[*.py]\nmax_line_length = 120\n",
            &[LONG],
            &[]
        ),
        code_notebook(&[LONG_AT_60])
    );
    assert_eq!(
        format_with(
            "[*.py]\nmax_line_length = 60\n[*.ipynb]\nmax_line_length = 120\n",
            &[LONG],
            &[]
        ),
        code_notebook(&[LONG])
    );
}

#[test]
fn max_line_length_off_keeps_long_lines() {
    let long_list = format!(
        "values = [{}]",
        (1000..1025)
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    assert!(long_list.len() > 150);
    assert_eq!(
        format_with("[*.py]\nmax_line_length = off\n", &[&long_list], &[]),
        code_notebook(&[&long_list])
    );
    // Without the setting the same line is split.
    assert_ne!(
        format_with("", &[&long_list], &[]),
        code_notebook(&[&long_list])
    );
}

#[test]
fn quote_type_sets_the_quote_style() {
    let code = "s = \"a\"\nt = 'b'";
    assert_eq!(
        format_with("[*.py]\nquote_type = single\n", &[code], &[]),
        code_notebook(&["s = 'a'\nt = 'b'"])
    );
    assert_eq!(
        format_with("[*.ipynb]\nquote_type = single\n", &[code], &[]),
        code_notebook(&["s = 'a'\nt = 'b'"])
    );
    assert_eq!(
        format_with("[*.py]\nquote_type = auto\n", &[code], &[]),
        code_notebook(&[code])
    );
    assert_eq!(
        format_with("", &[code], &[]),
        code_notebook(&["s = \"a\"\nt = \"b\""])
    );
}

#[test]
fn indent_style_tab_indents_with_tabs() {
    assert_eq!(
        format_with("[*.py]\nindent_style = tab\n", &[DEF], &[]),
        code_notebook(&[DEF_TAB])
    );
}

#[test]
fn unset_goes_back_to_the_default() {
    assert_eq!(
        format_with(
            "[*]\nindent_size = 2\n[*.py]\nindent_size = unset\n",
            &[DEF_2],
            &[]
        ),
        code_notebook(&[DEF])
    );
}

#[test]
fn later_sections_win() {
    assert_eq!(
        format_with(
            "[*.py]\nindent_size = 3\n[*]\nindent_size = 2\n",
            &[DEF],
            &[]
        ),
        code_notebook(&[DEF_2])
    );
}

#[test]
fn a_nested_editorconfig_wins() {
    let project = Project::with_editorconfig("[*.py]\nindent_size = 2\n");
    project.write("sub/.editorconfig", "[*.py]\nindent_size = 3\n");
    project.write("top.ipynb", code_notebook(&[DEF]));
    project.write("sub/nested.ipynb", code_notebook(&[DEF]));

    project.run(&["format", "."]).assert_code(0);

    assert_eq!(project.read("top.ipynb"), code_notebook(&[DEF_2]));
    assert_eq!(project.read("sub/nested.ipynb"), code_notebook(&[DEF_3]));
}

#[test]
fn nbtidy_off_leaves_notebooks_byte_identical() {
    let project = Project::with_editorconfig("[skip/*.ipynb]\nnbtidy = off\n");
    project.write("skip/nb.ipynb", code_notebook(&["x=1"]));
    project.write("keep/nb.ipynb", code_notebook(&["x=1"]));

    let run = project.run(&["format", "."]);

    run.assert_code(0);
    assert_eq!(project.read("skip/nb.ipynb"), code_notebook(&["x=1"]));
    assert_eq!(project.read("keep/nb.ipynb"), code_notebook(&["x = 1"]));

    // Named explicitly, it is still off; --check agrees.
    let run = project.run(&["format", "--check", "skip/nb.ipynb"]);
    run.assert_code(0);
    assert_eq!(run.stdout, "");
}

#[test]
fn command_line_flags_beat_the_editorconfig() {
    let sections = "[*.py]\nindent_size = 2\nindent_style = space\nmax_line_length = 120\nquote_type = double\n";
    let code = "def f():\n    return \"a\"";
    assert_eq!(
        format_with(sections, &[code, LONG], &[]),
        code_notebook(&["def f():\n  return \"a\"", LONG])
    );
    assert_eq!(
        format_with(sections, &[code, LONG], &["--indent-width", "3"]),
        code_notebook(&["def f():\n   return \"a\"", LONG])
    );
    assert_eq!(
        format_with(sections, &[code, LONG], &["--indent-style", "tab"]),
        code_notebook(&["def f():\n\treturn \"a\"", LONG])
    );
    assert_eq!(
        format_with(sections, &[code, LONG], &["--quote-style", "single"]),
        code_notebook(&["def f():\n  return 'a'", LONG])
    );
    assert_eq!(
        format_with(sections, &[code, LONG], &["--line-length", "60"]),
        code_notebook(&[
            "def f():\n  return \"a\"",
            "result = some_function(\n  argument_one, argument_two, argument_three\n)"
        ])
    );
    assert_eq!(
        format_with(
            "[*.py]\nmax_line_length = 60\n",
            &[LONG],
            &["--line-length", "off"]
        ),
        code_notebook(&[LONG])
    );
}

#[test]
fn command_line_flags_beat_nbtidy_keys_in_ipynb_sections() {
    assert_eq!(
        format_with(
            "[*.ipynb]\nnbtidy_indent_size = 2\n",
            &[DEF_2],
            &["--indent-width", "4"]
        ),
        code_notebook(&[DEF])
    );
}

#[test]
fn an_invalid_value_is_reported_once_and_the_notebooks_it_applies_to_are_not_modified() {
    let project = Project::with_editorconfig("[*.py]\nindent_size = fuor\n");
    project.write("a.ipynb", code_notebook(&["x=1"]));
    project.write("b.ipynb", code_notebook(&["y=2"]));

    let run = project.run(&["format", "."]);

    run.assert_code(2);
    let needle = ".editorconfig:3: indent_size = fuor";
    assert_eq!(
        run.stderr.matches(needle).count(),
        1,
        "the warning is printed once:\n{}",
        run.stderr
    );
    let line = run
        .stderr
        .lines()
        .find(|line| line.contains(needle))
        .expect("found above");
    assert!(line.starts_with("error: "), "{line}");
    let expected_path = project.path(".editorconfig");
    assert!(
        line.contains(&format!("{}:3:", expected_path.display())),
        "{line}"
    );
    run.assert_stderr_contains("a.ipynb");
    run.assert_stderr_contains("b.ipynb");
    run.assert_stderr_contains("0 notebooks reformatted, 0 left unchanged, 2 errors\n");
    assert_eq!(project.read("a.ipynb"), code_notebook(&["x=1"]));
    assert_eq!(project.read("b.ipynb"), code_notebook(&["y=2"]));
}

#[test]
fn an_invalid_value_only_stops_the_notebooks_it_applies_to() {
    let project = Project::with_editorconfig("[bad/*.py]\nmax_line_length = wide\n");
    project.write("bad/a.ipynb", code_notebook(&["x=1"]));
    project.write("good/b.ipynb", code_notebook(&["y=2"]));

    let run = project.run(&["format", "."]);

    run.assert_code(2);
    run.assert_stderr_contains(".editorconfig:3: max_line_length = wide");
    assert_eq!(project.read("bad/a.ipynb"), code_notebook(&["x=1"]));
    assert_eq!(project.read("good/b.ipynb"), code_notebook(&["y = 2"]));
}

#[test]
fn an_invalid_value_overridden_on_the_command_line_is_harmless() {
    // The flag decides the setting, so the bad value is never used.
    let project = Project::with_editorconfig("[*.py]\nindent_size = fuor\n");
    project.write("a.ipynb", code_notebook(&[DEF]));

    let run = project.run(&["format", "--indent-width", "2", "a.ipynb"]);

    run.assert_code(0);
    assert_eq!(project.read("a.ipynb"), code_notebook(&[DEF_2]));
}

#[test]
fn an_unknown_nbtidy_key_warns_and_formatting_goes_on() {
    let project = Project::with_editorconfig("[*.ipynb]\nnbtidy_colour = blue\n");
    project.write("a.ipynb", code_notebook(&["x=1"]));

    let run = project.run(&["format", "a.ipynb"]);

    run.assert_code(0);
    run.assert_stderr_contains("warning: ");
    run.assert_stderr_contains(".editorconfig:3: nbtidy_colour = blue");
    assert_eq!(project.read("a.ipynb"), code_notebook(&["x = 1"]));
}

#[test]
fn an_unparsable_editorconfig_is_an_error() {
    let project = Project::with_editorconfig("[*.py\nindent_size = 2\n");
    project.write("a.ipynb", code_notebook(&["x=1"]));

    let run = project.run(&["format", "a.ipynb"]);

    run.assert_code(2);
    run.assert_stderr_contains(".editorconfig:2");
    assert_eq!(project.read("a.ipynb"), code_notebook(&["x=1"]));
}

/// `nbtidy_python_cell_magics`: cells under a custom cell magic whose body is Python are
/// formatted and checked (the notebook layer's classification, shared by both commands);
/// without the key they are left alone by both.
#[test]
fn python_cell_magics_are_formatted_and_checked() {
    let cell = "%%timer -n 3\nimport os\nx=compute( 1 )";
    // Without the key: not Python, so nothing to format and nothing to report.
    let project = Project::with_editorconfig("");
    project.write("nb.ipynb", code_notebook(&[cell]));
    project
        .run(&["format", "--check", "nb.ipynb"])
        .assert_code(0);
    project
        .run(&["check", "--select", "F401,F821", "nb.ipynb"])
        .assert_code(0);
    // With it (a leading `%%` is allowed).
    let project =
        Project::with_editorconfig("[*.ipynb]\nnbtidy_python_cell_magics = %%timer, other\n");
    project.write("nb.ipynb", code_notebook(&[cell]));
    let check = project.run(&["check", "--select", "F401,F821", "nb.ipynb"]);
    check.assert_code(1);
    assert!(check.stdout.contains("F401"), "{}", check.stdout);
    assert!(
        check.stdout.contains("undefined name `compute`"),
        "{}",
        check.stdout
    );
    project.run(&["format", "nb.ipynb"]).assert_code(0);
    assert_eq!(
        project.read("nb.ipynb"),
        code_notebook(&["%%timer -n 3\nimport os\n\nx = compute(1)"])
    );
    let config = project.run(&["config", "nb.ipynb"]);
    assert!(config.stdout.contains("timer,other"), "{}", config.stdout);
    // An invalid name is an error for the notebooks it applies to.
    let project = Project::with_editorconfig("[*.ipynb]\nnbtidy_python_cell_magics = bad-name\n");
    project.write("nb.ipynb", code_notebook(&[cell]));
    project.run(&["format", "nb.ipynb"]).assert_code(2);
}
