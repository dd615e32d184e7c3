//! End-to-end tests of how `format` and `check` account for every notebook: skipped notebooks in
//! the summaries, Python dialect kernels, read errors as `E902` findings in every output format,
//! output in path order.

mod common;

use common::{Project, build, cell, code_notebook, nbtidy_command, python_metadata};
use serde_json::json;

/// A notebook in `language` (as `language_info.name`) holding `code`.
fn notebook_in(language: &str, code: &str) -> String {
    build(
        &[cell("code", code)],
        json!({ "language_info": { "name": language } }),
    )
}

/// A project with one notebook to format, one Julia notebook, and one under `nbtidy = off`.
fn mixed_project() -> Project {
    let project = Project::with_editorconfig("[off/**]\nnbtidy = off\n");
    project.write("a.ipynb", code_notebook(&["x=1"]));
    project.write("b.ipynb", code_notebook(&["y = 2"]));
    project.write("julia.ipynb", notebook_in("julia", "x=1"));
    project.write("off/c.ipynb", code_notebook(&["x=1"]));
    project
}

#[test]
fn format_counts_and_names_skipped_notebooks() {
    let project = mixed_project();
    let run = project.run(&["format", "--check", "."]);
    run.assert_code(1);
    assert_eq!(
        run.stderr.trim_end(),
        "1 notebook would be reformatted, 1 already formatted, 2 skipped (not Python: 1, nbtidy = off: 1)"
    );
    assert_eq!(run.stdout, "would reformat: a.ipynb\n");

    let run = project.run(&["format", "--check", "--verbose", "."]);
    assert!(
        run.stderr
            .contains("julia.ipynb: skipped: the notebook's language is `julia`\n"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("off/c.ipynb: skipped: nbtidy = off ("),
        "{}",
        run.stderr
    );

    let run = project.run(&["format", "."]);
    run.assert_code(0);
    assert!(
        run.stderr.ends_with(
            "1 notebook reformatted, 1 left unchanged, 2 skipped (not Python: 1, nbtidy = off: 1)\n"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(project.read("off/c.ipynb"), code_notebook(&["x=1"]));
    assert_eq!(project.read("julia.ipynb"), notebook_in("julia", "x=1"));
}

#[test]
fn check_counts_notebooks_turned_off() {
    let project = Project::with_editorconfig("[*.ipynb]\nnbtidy = off\n");
    project.write("a.ipynb", code_notebook(&["import os"]));
    let run = project.run(&["check", "."]);
    run.assert_code(0);
    assert_eq!(
        run.stderr,
        "No findings in the notebooks that could be checked, 1 skipped (nbtidy = off: 1)\n"
    );
    let run = project.run(&["check", "-v", "."]);
    assert!(
        run.stderr.contains("a.ipynb: skipped: nbtidy = off ("),
        "{}",
        run.stderr
    );
}

#[test]
fn python_dialect_kernels_are_formatted_as_python() {
    let project = Project::new();
    for language in ["pyspark", "python2", "ipython"] {
        project.write(&format!("{language}.ipynb"), notebook_in(language, "x=1"));
    }
    // sparkmagic's Spark kernel is Scala.
    project.write(
        "scala.ipynb",
        build(
            &[cell("code", "val x=1")],
            json!({ "kernelspec": { "name": "sparkkernel" } }),
        ),
    );
    let run = project.run(&["format", "."]);
    run.assert_code(0);
    assert!(
        run.stderr
            .ends_with("3 notebooks reformatted, 0 left unchanged, 1 skipped (not Python: 1)\n"),
        "{}",
        run.stderr
    );
    for language in ["pyspark", "python2", "ipython"] {
        assert_eq!(
            project.read(&format!("{language}.ipynb")),
            notebook_in(language, "x = 1")
        );
    }
}

/// A project with a good notebook between two that cannot be read.
fn unreadable_project() -> Project {
    let project = Project::new();
    project.write("a_bad.ipynb", "{not json");
    project.write(
        "b_good.ipynb",
        build(&[cell("code", "x = 1")], python_metadata()),
    );
    project.write(
        "c_old.ipynb",
        r#"{"nbformat": 3, "nbformat_minor": 0, "worksheets": []}"#,
    );
    project
}

#[test]
fn read_errors_are_e902_findings_in_every_output_format() {
    let project = unreadable_project();
    for format in [
        "full", "concise", "json", "github", "gitlab", "sarif", "junit",
    ] {
        let run = project.run(&["check", "--select", "E722", "--output-format", format, "."]);
        run.assert_code(2);
        for name in ["a_bad.ipynb", "c_old.ipynb"] {
            assert!(run.stdout.contains("E902"), "{format}: {}", run.stdout);
            assert!(
                run.stdout.contains(name),
                "{format}: {name}\n{}",
                run.stdout
            );
            assert!(
                run.stderr.contains(&format!("error: {name}: ")),
                "{format}: {}",
                run.stderr
            );
        }
        assert!(!run.stdout.contains("b_good"), "{format}: {}", run.stdout);
    }
    let run = project.run(&[
        "check",
        "--select",
        "E722",
        "--output-format",
        "github",
        ".",
    ]);
    assert!(
        run.stdout.starts_with(
            "::error title=nbtidy (E902),file=a_bad.ipynb,line=1,col=1,endLine=1,endColumn=1::a_bad.ipynb:1:1: E902 "
        ),
        "{}",
        run.stdout
    );
    let run = project.run(&["check", "--select", "E722", "--output-format", "json", "."]);
    let findings: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let findings = findings.as_array().unwrap();
    assert_eq!(findings.len(), 2);
    assert_eq!(findings[0]["code"], "E902");
    assert_eq!(findings[0]["name"], "io-error");
    assert_eq!(findings[0]["severity"], "error");
    assert_eq!(findings[1]["filename"], "c_old.ipynb");
    let run = project.run(&["check", "--select", "E722", "."]);
    assert!(
        run.stderr
            .ends_with("No findings in the notebooks that could be checked, 2 errors\n"),
        "{}",
        run.stderr
    );
}

#[test]
fn findings_come_in_path_order_as_many_notebooks_finish() {
    let project = Project::new();
    let mut expected = Vec::new();
    for index in 0..60 {
        let name = format!("nb{index:03}.ipynb");
        // Some notebooks much bigger than others, so that they finish out of order.
        let cells = if index % 7 == 0 { 400 } else { 1 };
        let codes: Vec<String> = (0..cells).map(|i| format!("import os{i}")).collect();
        let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
        project.write(&name, code_notebook(&codes));
        expected.push(name);
    }
    for format in ["concise", "json", "github", "junit"] {
        let run = project.run(&["check", "--select", "F401", "--output-format", format, "."]);
        run.assert_code(0); // F401 is a warning
        let positions: Vec<usize> = expected
            .iter()
            .map(|name| run.stdout.find(name.as_str()).expect(name))
            .collect();
        assert!(positions.is_sorted(), "{format}: not in path order");
    }
}

/// Runs nbtidy with `args` in `project`, reads the first 64 bytes of its output and closes the
/// pipe (`| head -c 64`): those bytes, and how the run ended.
fn read_a_little_then_close(project: &Project, args: &[&str]) -> (String, std::process::Output) {
    let mut child = nbtidy_command(project.root())
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let first = String::from_utf8_lossy(&first).into_owned();
    (first, child.wait_with_output().unwrap())
}

#[test]
fn a_reader_that_stops_reading_ends_the_run_quietly() {
    // `nbtidy check | head -1`: once writing fails, the notebooks not started are not
    // processed, and the run ends without an error or a panic.
    let project = Project::new();
    for index in 0..200 {
        let codes: Vec<String> = (0..20).map(|i| format!("import os{i}")).collect();
        let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
        project.write(&format!("nb{index:03}.ipynb"), code_notebook(&codes));
    }
    let (first, output) = read_a_little_then_close(
        &project,
        &[
            "check",
            "--select",
            "F401",
            "--output-format",
            "concise",
            ".",
        ],
    );
    assert!(first.contains("nb000.ipynb:cell 1:"), "{first}");
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(output.status.code(), Some(0), "{err}");
}

#[test]
fn a_reader_that_stops_reading_does_not_stop_fixes_from_being_written() {
    // `nbtidy check --fix | head -1`: the remaining findings no longer reach anyone, but every
    // notebook is still fixed, as asked.
    let project = Project::new();
    let mut code = vec!["import os".to_owned()];
    for i in 0..20 {
        code.push(format!("try:\n    x{i} = 1\nexcept:\n    pass"));
    }
    let code: Vec<&str> = code.iter().map(String::as_str).collect();
    for index in 0..150 {
        project.write(&format!("nb{index:03}.ipynb"), code_notebook(&code));
    }
    let (_, output) = read_a_little_then_close(
        &project,
        &[
            "check",
            "--select",
            "F401,E722",
            "--fix",
            "--output-format",
            "concise",
            ".",
        ],
    );
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(!err.contains("panicked"), "{err}");
    for index in 0..150 {
        let text = project.read(&format!("nb{index:03}.ipynb"));
        assert!(
            !text.contains("import os"),
            "nb{index:03}.ipynb was not fixed"
        );
    }
}

#[test]
fn check_takes_the_layout_flags_format_takes() {
    let project = Project::new();
    let long = format!(
        "x = [{}]",
        (0..26)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    assert!(long.len() > 88 && long.len() <= 100);
    project.write("a.ipynb", code_notebook(&[&long]));
    project
        .run(&["format", "--line-length", "100", "a.ipynb"])
        .assert_code(0);
    let run = project.run(&[
        "check",
        "--select",
        "E501",
        "--fail-on",
        "warning",
        "a.ipynb",
    ]);
    run.assert_code(1);
    let run = project.run(&[
        "check",
        "--select",
        "E501",
        "--fail-on",
        "warning",
        "--line-length",
        "100",
        "a.ipynb",
    ]);
    run.assert_code(0);
    project
        .run(&[
            "check",
            "--indent-width",
            "2",
            "--indent-style",
            "tab",
            "a.ipynb",
        ])
        .assert_code(0);
}

#[test]
fn json_fix_edits_number_cells_from_one_like_findings() {
    let project = Project::new();
    project.write("a.ipynb", code_notebook(&["x = 1", "import os"]));
    let run = project.run(&[
        "check",
        "--select",
        "F401",
        "--output-format",
        "json",
        "a.ipynb",
    ]);
    let findings: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(findings[0]["cell"], 2);
    assert_eq!(findings[0]["fix"]["edits"][0]["kind"], "code");
    assert_eq!(findings[0]["fix"]["edits"][0]["cell"], 2);
}

#[test]
fn a_bad_select_is_one_error_naming_the_command_line() {
    let project = Project::new();
    project.write("a.ipynb", code_notebook(&["x = 1"]));
    project.write("b.ipynb", code_notebook(&["x = 1"]));
    let run = project.run(&["check", "--select", "F4O1", "."]);
    run.assert_code(2);
    assert_eq!(
        run.stderr,
        "error: command line: --select = F4O1: expected a rule code (`F401`), a rule name \
         (`unused-import`), a code prefix (`F`) or `ALL`; no notebook is checked\n"
    );
    assert!(!run.stderr.contains(".editorconfig"));
    let run = project.run(&["check", "--ignore", "nope", "."]);
    run.assert_code(2);
    assert!(
        run.stderr
            .starts_with("error: command line: --ignore = nope: expected")
    );
}

#[test]
fn every_invalid_value_is_reported_once_whatever_its_kind() {
    let project = Project::with_editorconfig(
        "[*.ipynb]\nmax_line_length = lots\nnbtidy_rule.F401 = of\nnbtidy_max_output_size = lots\n",
    );
    project.write("a.ipynb", code_notebook(&["x = 1"]));
    project.write("b.ipynb", code_notebook(&["x = 1"]));
    let run = project.run(&["check", "."]);
    run.assert_code(2);
    for expected in [
        "max_line_length = lots: expected",
        "nbtidy_rule.f401 = of: expected `off`, `warning` or `error`",
        "nbtidy_max_output_size = lots: expected a size in bytes",
    ] {
        assert_eq!(
            run.stderr.matches(expected).count(),
            1,
            "{expected}:\n{}",
            run.stderr
        );
    }
    // Each notebook it applies to is named once; nothing else is done.
    assert_eq!(run.stderr.matches("a.ipynb: not processed").count(), 1);
    assert_eq!(run.stdout, "");
}

#[test]
fn an_invalid_rule_option_stops_check_and_config_shows_it() {
    let project = Project::with_editorconfig("[*.ipynb]\nnbtidy_max_output_size = lots\n");
    project.write("a.ipynb", code_notebook(&["x = 1"]));
    let run = project.run(&["check", "a.ipynb"]);
    run.assert_code(2);
    assert!(
        run.stderr
            .contains(".editorconfig:3: nbtidy_max_output_size = lots: expected a size"),
        "{}",
        run.stderr
    );
    let run = project.run(&["config", "a.ipynb"]);
    run.assert_code(2);
    let line = run
        .stdout
        .lines()
        .find(|line| line.starts_with("nbtidy_max_output_size"))
        .unwrap();
    assert!(line.ends_with(" invalid"), "{line}");
    // Valid sizes are accepted.
    let project = Project::with_editorconfig(
        "[*.ipynb]\nnbtidy_max_output_size = 500kB\nnbtidy_outputs_allowed_size = 100\n",
    );
    project.write("a.ipynb", code_notebook(&["x = 1"]));
    project.run(&["check", "a.ipynb"]).assert_code(0);
}

/// The last line of `check`'s stderr after `args`.
fn summary_of(project: &Project, args: &[&str]) -> String {
    let run = project.run(args);
    run.stderr.lines().last().unwrap_or_default().to_owned()
}

#[test]
fn fix_counts_add_up_and_say_what_else_changed() {
    let project = Project::new();
    // Findings that share one fix (the names of one import) are each fixed.
    project.write(
        "a.ipynb",
        code_notebook(&["from os import path, sep\nx = 1"]),
    );
    assert_eq!(
        summary_of(&project, &["check", "--select", "F401", "a.ipynb"]),
        "Found 2 findings (2 fixable with --fix)"
    );
    assert_eq!(
        summary_of(
            &project,
            &["check", "--select", "F401", "--diff", "a.ipynb"]
        ),
        "2 findings would be fixed"
    );
    assert_eq!(
        summary_of(&project, &["check", "--select", "F401", "--fix", "a.ipynb"]),
        "Fixed 2 findings, 0 remaining"
    );
    assert_eq!(project.read("a.ipynb"), code_notebook(&["x = 1"]));

    // A line too long only because of its trailing whitespace: removing it removes both.
    let long = format!("x = 1  # {}   ", "a".repeat(78));
    assert_eq!(long.trim_end().len(), 87);
    project.write("b.ipynb", code_notebook(&[&long]));
    assert_eq!(
        summary_of(&project, &["check", "--select", "E501,W291", "b.ipynb"]),
        "Found 2 findings (1 fixable with --fix)"
    );
    assert_eq!(
        summary_of(
            &project,
            &["check", "--select", "E501,W291", "--fix", "b.ipynb"]
        ),
        "Fixed 1 finding, 0 remaining (2 before, 1 with a fix, 1 other went away with the changes)"
    );

    // Removing a cell's only statement empties it: NB007 appears, and is fixed in turn.
    project.write("c.ipynb", code_notebook(&["import os", "x = 1"]));
    assert_eq!(
        summary_of(&project, &["check", "--select", "F401,NB007", "c.ipynb"]),
        "Found 1 finding (1 fixable with --fix)"
    );
    assert_eq!(
        summary_of(
            &project,
            &["check", "--select", "F401,NB007", "--fix", "c.ipynb"]
        ),
        "Fixed 2 findings, 0 remaining (1 before, 1 with a fix, 1 appeared with the changes)"
    );
    assert_eq!(project.read("c.ipynb"), code_notebook(&["x = 1"]));
}

#[test]
fn an_invalid_value_has_one_shape_whatever_its_source() {
    // Command-line flags: the argument parser's values, and the rule selectors.
    let project = Project::new();
    project.write("a.ipynb", code_notebook(&["x = 1"]));
    for (command, flag, value, expected) in [
        (
            "check",
            "--line-length",
            "lots",
            "a whole number from 1 to 320 or `off`",
        ),
        (
            "format",
            "--line-length",
            "lots",
            "a whole number from 1 to 320 or `off`",
        ),
        (
            "format",
            "--indent-width",
            "0",
            "a whole number from 1 to 16",
        ),
        (
            "format",
            "--quote-style",
            "backtick",
            "`single`, `double` or `auto`",
        ),
        ("check", "--fail-on", "nope", "`error` or `warning`"),
        (
            "check",
            "--output-format",
            "jsn",
            "`full`, `concise`, `json`, ",
        ),
        (
            "check",
            "--select",
            "F4O1",
            "a rule code (`F401`), a rule name",
        ),
        (
            "check",
            "--ignore",
            "nope",
            "a rule code (`F401`), a rule name",
        ),
    ] {
        let run = project.run(&[command, flag, value, "a.ipynb"]);
        run.assert_code(2);
        let shape = format!("error: command line: {flag} = {value}: expected {expected}");
        assert!(run.stderr.starts_with(&shape), "{shape}\n{}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        assert_eq!(run.stdout, "");
    }

    // `.editorconfig` values: a layout key, a rule severity, a rule option, the fail level, the
    // base set; the same shape for `format`, `check` and `config`.
    let project = Project::with_editorconfig(
        "[*.ipynb]\nmax_line_length = lots\nnbtidy_rule.F401 = of\n\
         nbtidy_max_output_size = lots\nnbtidy_fail_on = sometimes\nnbtidy_rules = most\n",
    );
    project.write("a.ipynb", code_notebook(&["x = 1"]));
    let file = project.path(".editorconfig");
    let file = file.display();
    let expected = [
        format!("error: {file}:3: max_line_length = lots: expected a whole number"),
        format!("error: {file}:4: nbtidy_rule.f401 = of: expected `off`, `warning` or `error`"),
        format!("error: {file}:5: nbtidy_max_output_size = lots: expected a size in bytes"),
        format!("error: {file}:6: nbtidy_fail_on = sometimes: expected `error` or `warning`"),
        format!("error: {file}:7: nbtidy_rules = most: expected `recommended`, `all` or `none`"),
    ];
    for command in ["check", "config"] {
        let run = project.run(&[command, "a.ipynb"]);
        run.assert_code(2);
        for shape in &expected {
            assert_eq!(
                run.stderr
                    .lines()
                    .filter(|line| line.starts_with(shape.as_str()))
                    .count(),
                1,
                "{command}: {shape}\n{}",
                run.stderr
            );
        }
    }
    // `format` reads the layout key only.
    let run = project.run(&["format", "a.ipynb"]);
    run.assert_code(2);
    assert!(run.stderr.starts_with(&expected[0]), "{}", run.stderr);
}

#[test]
fn python_dialect_kernels_are_checked_as_python() {
    let project = Project::new();
    for language in ["pyspark", "python2", "ipython"] {
        project.write(
            &format!("{language}.ipynb"),
            notebook_in(language, "import os\nprint(spark_name)"),
        );
    }
    let run = project.run(&[
        "check",
        "--select",
        "F401,F821",
        "--output-format",
        "concise",
        ".",
    ]);
    run.assert_code(1); // F821 is an error
    for language in ["pyspark", "python2", "ipython"] {
        for code in ["F401", "F821"] {
            assert!(
                run.stdout.contains(&format!("{language}.ipynb:cell 1:")),
                "{language}: {}",
                run.stdout
            );
            assert_eq!(
                run.stdout
                    .lines()
                    .filter(|line| line.starts_with(&format!("{language}.ipynb:"))
                        && line.contains(code))
                    .count(),
                1,
                "{language} {code}: {}",
                run.stdout
            );
        }
    }
    assert!(
        run.stderr
            .ends_with("Found 6 findings (3 fixable with --fix)\n"),
        "{}",
        run.stderr
    );
}
