//! What nbtidy prints is safe to print: escape sequences and other control characters stored in a
//! notebook (or its name) never reach the terminal raw in human-readable output, and a secret that
//! looks like one is never printed in full, in any output format or diff, whatever rules run.

mod common;

use common::{Project, Run, code_notebook, jupyter_json};
use serde_json::{Value, json};

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
            // The cell's only line-ending character is the `\r` in the string: formatted, the
            // cell keeps it (a lone CR is not a line of the diff; it is shown escaped).
            .contains("+title = \"\"\"\\u{1b}]0;owned\\u{7}\\u{1b}[2J\\u{d}+X\\u{8}\"\"\"\n"),
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

// ---------------------------------------------------------------------------------------------
// Every kind of secret, in every place a notebook, a path or a setting can hold it, in every
// output; controls, bidirectional controls and line separators likewise. The secrets are made up
// at run time (this file holds none).

/// `len` characters of `alphabet`, from a fixed pseudo-random sequence seeded by `seed`.
fn random(seed: u64, alphabet: &str, len: usize) -> String {
    let alphabet: Vec<char> = alphabet.chars().collect();
    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            alphabet[(state % alphabet.len() as u64) as usize]
        })
        .collect()
}

const ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const LETTERS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const UPPER_DIGITS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const BASE64: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Made-up secrets of several kinds.
struct Secrets {
    /// GitHub tokens: in code, in a path in `open(...)`, in a file name, in `.editorconfig`.
    github: [String; 4],
    /// Hugging Face tokens: in an error output's `evalue`, in a file name.
    huggingface: [String; 2],
    /// An AWS access key id, in a stream output and in code.
    aws: String,
    /// The body lines of a private key in code.
    key_lines: Vec<String>,
    /// A password in a database URL in code.
    password: String,
}

impl Secrets {
    fn new() -> Self {
        let github = std::array::from_fn(|i| format!("ghp_{}", random(10 + i as u64, ALNUM, 36)));
        let huggingface =
            std::array::from_fn(|i| format!("hf_{}", random(20 + i as u64, LETTERS, 34)));
        Secrets {
            github,
            huggingface,
            aws: format!("AKIA{}", random(30, UPPER_DIGITS, 16)),
            key_lines: (0..4).map(|i| random(40 + i, BASE64, 64)).collect(),
            password: random(50, ALNUM, 14),
        }
    }

    /// Every secret, and the part of it after its prefix (what must not show either).
    fn forbidden(&self) -> Vec<String> {
        let mut out = Vec::new();
        for token in self
            .github
            .iter()
            .chain(&self.huggingface)
            .chain([&self.aws])
        {
            out.push(token.clone());
            out.push(token[4..].to_owned());
            // Any 12 characters of the body.
            out.push(token[token.len() - 12..].to_owned());
        }
        for line in &self.key_lines {
            out.push(line[8..40].to_owned());
        }
        out.push(self.password.clone());
        out
    }

    #[track_caller]
    fn assert_absent(&self, what: &str, run: &Run) {
        for (stream, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
            for secret in self.forbidden() {
                assert!(
                    !text.contains(&secret),
                    "{what}: {stream} shows the secret {secret}:\n{text}"
                );
            }
        }
    }
}

/// A notebook with code and outputs, as Jupyter writes it; `outputs[i]` are cell `i`'s outputs.
fn notebook_with_outputs(codes: &[&str], outputs: &[Value]) -> String {
    let mut notebook: Value = serde_json::from_str(&code_notebook(codes)).expect("valid");
    for (cell, outputs) in notebook["cells"]
        .as_array_mut()
        .expect("cells")
        .iter_mut()
        .zip(outputs)
    {
        cell["outputs"] = outputs.clone();
        cell["execution_count"] = json!(1);
    }
    jupyter_json(&notebook)
}

/// The notebooks and `.editorconfig` of the secrets test: every secret in a place it may be
/// printed from (code, paths in code, outputs, file names).
fn secrets_project(secrets: &Secrets) -> Project {
    let project = Project::new();
    let key = format!(
        "KEY = '''-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----'''",
        secrets.key_lines.join("\n")
    );
    let codes = [
        // Unformatted, with trailing whitespace (W291) and an unused import (F401), so that the
        // cells show up in both kinds of diff.
        format!(
            "import os\ntoken='{}'   \nheaders = {{'Authorization': token}}",
            secrets.github[0]
        ),
        // NB015 quotes the path.
        format!("df = open( '/home/{}/data.csv' )", secrets.github[1]),
        format!("{key}\nprint( KEY )"),
        format!(
            "import sqlalchemy\nengine=sqlalchemy.create_engine('postgresql://admin:{}@db.internal:5432/sales')\naws_key='{}'",
            secrets.password, secrets.aws
        ),
        "login()".to_owned(),
    ];
    let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
    let outputs = [
        json!([]),
        json!([]),
        json!([]),
        json!([{"name": "stdout", "output_type": "stream", "text": [format!("key {}\n", secrets.aws)]}]),
        // NB005 quotes the error value.
        json!([{
            "ename": "HTTPError",
            "evalue": format!("401 Unauthorized for token {}", secrets.huggingface[0]),
            "output_type": "error",
            "traceback": ["HTTPError: 401"],
        }]),
    ];
    project.write("nb.ipynb", notebook_with_outputs(&codes, &outputs));
    // File names holding tokens, with findings and unformatted code.
    let named = code_notebook(&["import sys\ntry:\n    x=1\nexcept:\n    pass"]);
    project.write(&format!("{}.ipynb", secrets.huggingface[1]), &named);
    project.write(&format!("{}/nb.ipynb", secrets.github[2]), &named);
    project
}

const FORMATS: [&str; 7] = [
    "full", "concise", "json", "github", "gitlab", "sarif", "junit",
];

/// Characters that must never reach the output raw (an oracle written apart from the escaping
/// code): controls other than tab and newline, bidirectional controls, line separators.
fn is_raw_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(
            c,
            '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

#[track_caller]
fn assert_nothing_raw(what: &str, run: &Run) {
    for (stream, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        let found: Vec<char> = text.chars().filter(|&c| is_raw_unsafe(c)).collect();
        assert!(
            found.is_empty(),
            "{what}: {stream} has raw characters {found:?}:\n{text:?}"
        );
    }
}

/// Machine output stays valid: JSON for json/gitlab/sarif, well-formed XML for junit (checked by
/// Python's parser).
#[track_caller]
fn assert_valid_machine_output(format: &str, run: &Run) -> Option<Value> {
    match format {
        "json" | "gitlab" | "sarif" => Some(
            serde_json::from_str(&run.stdout)
                .unwrap_or_else(|err| panic!("{format}: not JSON ({err}):\n{}", run.stdout)),
        ),
        "junit" => {
            let mut child = std::process::Command::new("python3")
                .args([
                    "-c",
                    "import sys, xml.dom.minidom; xml.dom.minidom.parseString(sys.stdin.buffer.read())",
                ])
                .stdin(std::process::Stdio::piped())
                .spawn()
                .expect("python3 runs");
            std::io::Write::write_all(
                &mut child.stdin.take().expect("piped"),
                run.stdout.as_bytes(),
            )
            .expect("write");
            assert!(
                child.wait().expect("python3 exits").success(),
                "junit: not well-formed XML:\n{}",
                run.stdout
            );
            None
        }
        _ => None,
    }
}

#[test]
fn no_secret_of_any_kind_is_printed_in_any_output() {
    let secrets = Secrets::new();
    let project = secrets_project(&secrets);
    for format in FORMATS {
        for select in [
            &["--select", "ALL"][..],
            &["--select", "ALL", "--ignore", "NB016"],
            &[],
            &["--select", "NB005,NB015,E722"],
        ] {
            let mut args = vec!["check", "--output-format", format];
            args.extend_from_slice(select);
            args.push(".");
            let run = project.run(&args);
            let what = args.join(" ");
            assert!(
                run.code == 1 || select.len() == 2 && select[1] != "ALL" && run.code == 0,
                "{what}: exit {}\n{}",
                run.code,
                run.stderr
            );
            secrets.assert_absent(&what, &run);
            assert_nothing_raw(&what, &run);
            assert_valid_machine_output(format, &run);
            // The findings that quote a secret were reported, masked.
            if select.len() == 2 && format == "concise" {
                assert!(
                    run.stdout.contains("NB015") && run.stdout.contains("NB005"),
                    "{what}:\n{}",
                    run.stdout
                );
                assert!(
                    run.stdout.contains("hf_") && run.stdout.contains("****"),
                    "{what}:\n{}",
                    run.stdout
                );
            }
        }
    }
    for args in [
        &["check", "--diff", "--select", "ALL", "--unsafe-fixes", "."][..],
        &[
            "check",
            "--diff",
            "--select",
            "ALL",
            "--ignore",
            "NB016",
            "--unsafe-fixes",
            ".",
        ],
        &["format", "--diff", "."],
        &["format", "--check", "."],
    ] {
        let run = project.run(args);
        let what = args.join(" ");
        run.assert_code(1);
        secrets.assert_absent(&what, &run);
        assert_nothing_raw(&what, &run);
        assert!(!run.stdout.is_empty(), "{what}: shows something");
    }
    // The diffs show the changed lines, masked.
    let run = project.run(&["format", "--diff", "."]);
    assert!(
        run.stdout
            .contains(&format!("+token = \"ghp_{}", "*".repeat(36))),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("postgresql://admin:**************@db"));
    assert!(run.stdout.contains("--- a/hf_"), "{}", run.stdout);
    // Fixing writes; what it prints is masked too.
    for args in [
        &[
            "check",
            "--fix",
            "--unsafe-fixes",
            "--select",
            "ALL",
            "--ignore",
            "NB016",
            ".",
        ][..],
        &["format", "."],
        &["check", "--select", "ALL", "."],
    ] {
        let run = project.run(args);
        secrets.assert_absent(&args.join(" "), &run);
        assert_nothing_raw(&args.join(" "), &run);
    }
}

#[test]
fn secrets_in_editorconfig_values_and_arguments_are_masked() {
    let secrets = Secrets::new();
    let project = Project::with_editorconfig(&format!(
        "[*.ipynb]\nmax_line_length = {}\nnbtidy_rules = {}\nquote_type = postgres://u:{}@h\nnbtidy_rule.F401 = {}\n",
        secrets.github[3], secrets.huggingface[0], secrets.password, secrets.aws
    ));
    project.write("nb.ipynb", code_notebook(&["x=1"]));
    for args in [
        &["format", "."][..],
        &["format", "--check", "."],
        &["check", "."],
        &["check", "--output-format", "json", "."],
        &["config", "nb.ipynb"],
    ] {
        let run = project.run(args);
        let what = args.join(" ");
        assert_eq!(run.code, 2, "{what}: {}", run.stderr);
        assert!(run.stderr.contains("ghp_****"), "{what}:\n{}", run.stderr);
        secrets.assert_absent(&what, &run);
    }
    // A secret given as an argument value.
    let project = Project::new();
    let token = &secrets.github[0];
    for args in [
        vec!["check", "--output-format", token, "."],
        vec!["check", &format!("--{token}")],
        vec!["check", "--select", token, "."],
        vec!["format", "--stdin-filename", token, "-"],
    ] {
        let run = project.run_with_stdin(&args, b"x=1");
        secrets.assert_absent(&args.join(" "), &run);
    }
}

const FORGED: &str = "x.ipynb\n+++ b/forged.ipynb\n@@ -1 +1 @@\nwould reformat: forged.ipynb";
const BIDI: &str = "\u{202e}\u{2066}\u{2069}\u{200f}\u{61c}";

#[test]
fn a_newline_in_a_file_name_forges_no_line() {
    let project = Project::new();
    let unformatted = code_notebook(&["x=1\ntry:\n    y=2\nexcept:\n    pass"]);
    project.write(FORGED, &unformatted);
    project.write(&format!("bidi{BIDI}\u{2028}.ipynb"), &unformatted);
    for args in [
        &["format", "--check", "."][..],
        &["format", "--diff", "."],
        &["check", "--diff", "--select", "ALL", "--unsafe-fixes", "."],
        &["check", "."],
        &["check", "--output-format", "concise", "."],
        &["check", "--output-format", "github", "."],
    ] {
        let run = project.run(args);
        let what = args.join(" ");
        assert_nothing_raw(&what, &run);
        for line in run.stdout.lines().chain(run.stderr.lines()) {
            assert!(
                !line.starts_with("+++ b/forged")
                    && !line.starts_with("would reformat: forged")
                    && !line.starts_with("@@ -1 +1 @@"),
                "{what}: forged line {line:?}:\n{}",
                run.stdout
            );
        }
    }
    let run = project.run(&["format", "--check", "."]);
    assert_eq!(
        run.stdout.lines().count(),
        2,
        "one line per notebook:\n{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "x.ipynb\\u{a}+++ b/forged.ipynb\\u{a}@@ -1 +1 @@\\u{a}would reformat: forged.ipynb\n"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("bidi\\u{202e}\\u{2066}\\u{2069}\\u{200f}\\u{61c}\\u{2028}.ipynb"),
        "{}",
        run.stdout
    );
    // Machine formats: valid, and the same name once decoded.
    for format in ["json", "gitlab", "sarif", "junit"] {
        let run = project.run(&["check", "--output-format", format, "."]);
        assert_nothing_raw(format, &run);
        let Some(value) = assert_valid_machine_output(format, &run) else {
            continue;
        };
        let text = value.to_string();
        if format == "json" {
            assert!(text.contains("forged.ipynb"), "{text}");
            let names: Vec<&str> = value
                .as_array()
                .expect("array")
                .iter()
                .filter_map(|finding| finding["filename"].as_str())
                .collect();
            assert!(names.iter().any(|name| name.contains(BIDI)), "{names:?}");
            assert!(names.iter().any(|name| name.ends_with(FORGED)), "{names:?}");
        }
    }
}

#[test]
fn bidi_controls_c1_and_line_separators_in_cells_are_escaped_everywhere() {
    let project = Project::new();
    let code = format!(
        "access='user'\nif access != 'none{BIDI} && x': # \u{2028}\u{2029}\u{85}\u{9b}31m\n    pass\ntry:\n    y=1\nexcept:\n    pass"
    );
    let outputs = [json!([{
        "ename": "ValueError",
        "evalue": format!("bad {BIDI}\u{85}\u{2028}value"),
        "output_type": "error",
        "traceback": [],
    }])];
    project.write("nb.ipynb", notebook_with_outputs(&[&code], &outputs));
    for format in FORMATS {
        let run = project.run(&["check", "--select", "ALL", "--output-format", format, "."]);
        assert_nothing_raw(format, &run);
        assert!(run.stdout.contains("NB005"), "{format}: {}", run.stdout);
        if let Some(value) = assert_valid_machine_output(format, &run) {
            // Escaped as JSON: the decoded message is the original text.
            assert!(
                value
                    .to_string()
                    .contains(&format!("bad {BIDI}\u{85}\u{2028}value")),
                "{format}: {value}"
            );
            assert!(run.stdout.contains("\\u202e"), "{format}");
        }
    }
    for args in [
        &["format", "--diff", "."][..],
        &["check", "--diff", "--select", "ALL", "--unsafe-fixes", "."],
        &["check", "--fix", "--select", "ALL", "--unsafe-fixes", "."],
    ] {
        assert_nothing_raw(&args.join(" "), &project.run(args));
    }
}

#[test]
fn argument_errors_escape_the_values_they_quote() {
    let project = Project::new();
    for args in [
        vec![
            "check",
            "--output-format",
            "js\u{1b}[31mon\nerror: forged",
            ".",
        ],
        vec!["check", "--output-format", "\u{202e}nosj"],
        vec!["check", "--bogus\u{2028}\u{85}"],
        vec!["format", "--line-length", "9\u{1b}]0;owned\u{7}"],
        vec!["check", "--select", "F401,X\u{202e}\nerror: forged", "."],
        vec!["check", "--exclude", "[\u{1b}", "."],
    ] {
        let run = project.run(&args);
        let what = format!("{args:?}");
        assert_nothing_raw(&what, &run);
        assert!(
            !run.stderr
                .lines()
                .any(|line| line.starts_with("error: forged")),
            "{what}: {}",
            run.stderr
        );
    }
    let run = project.run(&[
        "check",
        "--output-format",
        "js\u{1b}[31mon\nerror: forged",
        ".",
    ]);
    run.assert_code(2);
    run.assert_stderr_contains(
        "error: command line: --output-format = js\\u{1b}[31mon\\u{a}error: forged: expected `full`,",
    );
}

#[test]
fn no_password_of_either_form_is_printed_in_any_output() {
    // Made up at run time: a password in a URL (code and a saved output) and passwords given to
    // password-like names (assignment, keyword argument on its own line, dict, comparison,
    // parameter default), in unformatted code (so diffs show them) on lines longer than 88
    // characters (so E501 frames show them).
    let passwords: Vec<String> = (0..7).map(|i| random(60 + i, ALNUM, 14)).collect();
    let pad = "x".repeat(60);
    let codes = [
        format!(
            "import sqlalchemy\nengine=sqlalchemy.create_engine('postgresql://analyst:{}@db.internal:5432/sales_{pad}')",
            passwords[0]
        ),
        format!(
            "password='{}'   # {pad}\nconn = connect(host='db',\n    passwd='{}')\nsettings={{'db_password': '{}', 'note': '{pad}'}}",
            passwords[2], passwords[3], passwords[4]
        ),
        format!(
            "def login(user, pwd='{}'):  # {pad}\n    return user\nif token=='{}': print('{pad}')",
            passwords[5], passwords[6]
        ),
    ];
    let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
    let outputs = [
        json!([{"name": "stdout", "output_type": "stream", "text": [format!("connected to mysql://etl:{}@warehouse:3306/raw\n", passwords[1])]}]),
        json!([]),
        json!([]),
    ];
    let project = Project::new();
    project.write("nb.ipynb", notebook_with_outputs(&codes, &outputs));
    let assert_absent = |what: &str, run: &Run| {
        for (stream, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
            for password in &passwords {
                assert!(
                    !text.contains(password.as_str()) && !text.contains(&password[..8]),
                    "{what}: {stream} shows the password {password}:\n{text}"
                );
            }
        }
    };
    for format in FORMATS {
        for select in [
            &["--select", "ALL"][..],
            &["--select", "ALL", "--ignore", "NB016,NB017"],
            &[],
            &["--select", "E501"],
            &["--select", "NB016,NB017"],
        ] {
            let mut args = vec!["check", "--output-format", format];
            args.extend_from_slice(select);
            args.push(".");
            let run = project.run(&args);
            let what = args.join(" ");
            assert_absent(&what, &run);
            assert_nothing_raw(&what, &run);
            assert_valid_machine_output(format, &run);
            if format == "concise" && select == ["--select", "NB016,NB017"] {
                assert_eq!(run.stdout.matches("NB016").count(), 2, "{}", run.stdout);
                assert_eq!(run.stdout.matches("NB017").count(), 5, "{}", run.stdout);
                assert!(
                    run.stdout.contains("postgresql://analyst:****@db.internal")
                        && run.stdout.contains("mysql://etl:****@warehouse"),
                    "{}",
                    run.stdout
                );
            }
            if format == "full" && select == ["--select", "E501"] {
                // The frames show the lines, masked.
                assert!(
                    run.stdout.contains("password='**************'"),
                    "{}",
                    run.stdout
                );
            }
        }
    }
    for args in [
        &["check", "--diff", "--select", "ALL", "--unsafe-fixes", "."][..],
        &[
            "check",
            "--diff",
            "--select",
            "ALL",
            "--ignore",
            "NB016,NB017",
            "--unsafe-fixes",
            ".",
        ],
        &["format", "--diff", "."],
        &["format", "--check", "."],
    ] {
        let run = project.run(args);
        let what = args.join(" ");
        assert_absent(&what, &run);
        assert_nothing_raw(&what, &run);
        assert!(!run.stdout.is_empty(), "{what}: shows something");
    }
    let run = project.run(&["format", "--diff", "."]);
    assert!(
        run.stdout
            .contains("+conn = connect(host=\"db\", passwd=\"**************\")"),
        "{}",
        run.stdout
    );
}
