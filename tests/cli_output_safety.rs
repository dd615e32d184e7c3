//! What nbtidy prints is safe to print: escape sequences and other control characters stored in a
//! notebook (or its name) never reach the terminal raw in human-readable output, and a secret that
//! NB016 finds is never printed in full, in any output format or diff.

mod common;

use common::{Project, Run, code_notebook};

/// A terminal title change (OSC), a screen clear (CSI), a bell, a carriage return that would
/// overwrite the line, and a backspace.
const HOSTILE: &str = "\u{1b}]0;owned\u{7}\u{1b}[2J\rX\u{8}";

fn raw_controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|&c| c.is_control() && c != '\n' && c != '\t')
        .collect()
}

fn assert_no_raw_controls(what: &str, run: &Run) {
    for (stream, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        let found = raw_controls(text);
        assert!(
            found.is_empty(),
            "{what}: {stream} has raw control characters {found:?}:\n{text:?}"
        );
    }
}

#[test]
fn control_characters_in_code_are_escaped_in_format_output() {
    let project = Project::new();
    // Formatting changes the line holding the escape sequence, so the diff shows it.
    let code = format!("title='''{HOSTILE}'''");
    project.write("nb.ipynb", code_notebook(&[&code]));
    // A syntax error whose message may quote the code.
    project.write(
        "broken.ipynb",
        code_notebook(&[&format!("def f({HOSTILE}")]),
    );

    for args in [
        &["format", "--diff", "."][..],
        &["format", "--check", "."],
        &["format", "."],
    ] {
        let run = project.run(args);
        assert_no_raw_controls(&args.join(" "), &run);
    }
    project.write("nb.ipynb", code_notebook(&[&code]));
    let run = project.run(&["format", "--diff", "nb.ipynb"]);
    assert!(
        run.stdout
            .contains("+title = \"\"\"\\u{1b}]0;owned\\u{7}\\u{1b}[2J\n"),
        "{}",
        run.stdout
    );
    let run = project.run_with_stdin(
        &["format", "--diff", "--stdin-filename", "cell.py", "-"],
        code.as_bytes(),
    );
    assert_no_raw_controls("stdin --diff", &run);
    assert!(run.stdout.contains("\\u{1b}]0;owned"), "{}", run.stdout);
}

#[test]
fn control_characters_in_file_names_are_escaped() {
    let project = Project::new();
    let name = "evil\u{1b}[31m\r.ipynb";
    project.write(name, "not json");
    project.write("ok.ipynb", code_notebook(&["x=1"]));
    for args in [
        &["format", "."][..],
        &["format", "--check", "."],
        &["check", "."],
        &["check", "--output-format", "concise", "."],
    ] {
        let run = project.run(args);
        assert_no_raw_controls(&args.join(" "), &run);
        assert!(
            run.stderr
                .contains("error: evil\\u{1b}[31m\\u{d}.ipynb: invalid JSON"),
            "{}",
            run.stderr
        );
    }
    // A name that is fine as JSON but hostile in a terminal, with findings to report.
    let project = Project::new();
    project.write(
        "bell\u{7}.ipynb",
        code_notebook(&["try:\n    x=1\nexcept:\n    pass"]),
    );
    for format in ["full", "concise", "github"] {
        let run = project.run(&["check", "--output-format", format, "."]);
        assert_no_raw_controls(format, &run);
        assert!(run.stdout.contains("E722"), "{}", run.stdout);
    }
    let run = project.run(&["format", "--check", "."]);
    assert_no_raw_controls("format --check", &run);
    assert!(
        run.stdout.contains("would reformat: bell\\u{7}.ipynb"),
        "{}",
        run.stdout
    );
}

#[test]
fn control_characters_reach_machine_formats_only_as_json_escapes() {
    let project = Project::new();
    project.write(
        "nb.ipynb",
        code_notebook(&[&format!("try:\n    x = 1\nexcept:  # {HOSTILE}\n    pass")]),
    );
    for format in [
        "json", "sarif", "gitlab", "junit", "github", "full", "concise",
    ] {
        let run = project.run(&["check", "--output-format", format, "nb.ipynb"]);
        run.assert_code(1);
        assert_no_raw_controls(format, &run);
    }
}

/// A GitHub token that looks real (random body, right length).
const TOKEN: &str = "ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d";
/// The body lines of a private key.
const KEY_LINES: [&str; 4] = [
    "Ol72YCAxtAsVIz/P/4E1ZqQHdXx0Y36SMeXUZxZ8O8IFs0SFaHnm6WG5HalCGP3Q",
    "EGKe1GAbqQ5WPLAWf+emhOY1lM4kmxCK8gl9szEl8tyUdLqV4XFJjlva4G0iKMOZ",
    "GIiwULNb86TXfoCfMk8mW4dIgqgSzufbgemzizhYPugDS1c4RAhsQWBM1bTkaiyo",
    "ZR0q7qna+QYz+cQpTB0Dy8NhV9YrkW/nOyNokHJoahSWEUm3GAgVqRvDhYZcJ87v",
];

fn secret_notebook() -> String {
    let key = format!(
        "KEY = '''-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----'''",
        KEY_LINES.join("\n")
    );
    // Unformatted (`token=`), with trailing whitespace (W291, fixable) and an unused import
    // (F401, fixable) so that formatting and fixing both show these cells in diffs.
    code_notebook(&[
        &format!("import os\ntoken='{TOKEN}'   \nheaders = {{'Authorization': token}}"),
        &format!("{key}\nprint( KEY )"),
    ])
}

fn assert_no_secret(what: &str, run: &Run) {
    for (stream, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        assert!(
            !text.contains(TOKEN),
            "{what}: {stream} shows the token:\n{text}"
        );
        // Neither the token's body alone (e.g. after a prefix was split off).
        assert!(
            !text.contains(&TOKEN[4..]),
            "{what}: {stream} shows the token body:\n{text}"
        );
        for line in KEY_LINES {
            assert!(
                !text.contains(line) && !text.contains(&line[8..40]),
                "{what}: {stream} shows the private key:\n{text}"
            );
        }
    }
}

#[test]
fn secrets_are_never_printed_in_full() {
    let project = Project::new();
    project.write("nb.ipynb", secret_notebook());
    // The token also appears in a saved output.
    let with_output = secret_notebook().replacen(
        "\"outputs\": []",
        &format!(
            "\"outputs\": [{{\"name\": \"stdout\", \"output_type\": \"stream\", \"text\": [\"{TOKEN}\\n\"]}}]"
        ),
        1,
    );
    assert_ne!(with_output, secret_notebook());
    project.write("out.ipynb", &with_output);

    let mut runs = Vec::new();
    for format in [
        "full", "concise", "json", "github", "gitlab", "sarif", "junit",
    ] {
        let run = project.run(&["check", "--select", "ALL", "--output-format", format, "."]);
        assert!(
            run.stdout.contains("NB016") || format == "junit" && run.stdout.contains("secret"),
            "{format}: NB016 is reported:\n{}",
            run.stdout
        );
        runs.push((format!("check --output-format {format}"), run));
    }
    for args in [
        &["check", "--diff", "--select", "ALL", "--unsafe-fixes", "."][..],
        &["format", "--diff", "."],
        &["format", "--check", "."],
    ] {
        runs.push((args.join(" "), project.run(args)));
    }
    let run = project.run_with_stdin(
        &["format", "--diff", "--stdin-filename", "x.py", "-"],
        format!("token='{TOKEN}'\n").as_bytes(),
    );
    runs.push(("format --diff on stdin".to_owned(), run));
    for (what, run) in &runs {
        assert_no_secret(what, run);
    }
    // The diffs did show the changed lines, masked.
    let diff = &runs
        .iter()
        .find(|(what, _)| what == "format --diff .")
        .expect("ran")
        .1
        .stdout;
    assert!(diff.contains("+token = \"ghp_****"), "{diff}");
    let full = &runs[0].1.stdout;
    assert!(
        full.contains("ghp_"),
        "the frame shows the start of the token:\n{full}"
    );
}
