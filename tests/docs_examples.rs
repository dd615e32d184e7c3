//! The command lines the documentation shows are real: every `nbtidy ...` command in the docs'
//! fenced `sh` blocks, in the CI examples (`docs/examples/*.yml`) and in the pre-commit hook
//! entries (`.pre-commit-hooks.yaml`) is run through the binary against a copy of `examples/`,
//! and must be accepted (exit code never 2, no `error:`). The editor recipes of
//! `docs/editors.md` are run end to end with their exact command lines, and every `ini` block of
//! the docs is a valid `.editorconfig` for nbtidy.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(relative: &str) -> String {
    std::fs::read_to_string(root().join(relative)).unwrap_or_else(|err| panic!("{relative}: {err}"))
}

/// `README.md` and every Markdown file of `docs/`, as (relative path, text).
fn markdown_files() -> Vec<(String, String)> {
    let mut files = vec![("README.md".to_owned(), read("README.md"))];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    docs.sort();
    for path in docs {
        let relative = format!("docs/{}", path.file_name().unwrap().to_string_lossy());
        files.push((relative.clone(), read(&relative)));
    }
    files
}

/// The fenced code blocks of a Markdown text, as (info string, body).
fn fenced_blocks(text: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in text.lines() {
        match current.as_mut() {
            None => {
                if let Some(info) = line.strip_prefix("```") {
                    current = Some((info.trim().to_owned(), String::new()));
                }
            }
            Some((_, body)) => {
                if line.trim_start() == "```" {
                    blocks.push(current.take().unwrap());
                } else {
                    body.push_str(line);
                    body.push('\n');
                }
            }
        }
    }
    blocks
}

/// The blocks of one language in one Markdown file.
fn blocks_of(relative: &str, language: &str) -> Vec<String> {
    fenced_blocks(&read(relative))
        .into_iter()
        .filter(|(info, _)| info == language)
        .map(|(_, body)| body)
        .collect()
}

/// A shell token: a word (quotes removed) or an operator.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(String),
    Op(String),
}

/// Splits one line of POSIX shell into words and operators (`|`, `||`, `&&`, `;`, `<`, `>`,
/// `>>`, `2>`, `2>&1`), removing quotes and stopping at an unquoted `#` comment.
fn shell_tokens(line: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    let finish = |tokens: &mut Vec<Token>, word: &mut String, in_word: &mut bool| {
        if *in_word {
            tokens.push(Token::Word(std::mem::take(word)));
            *in_word = false;
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    word.push(c);
                }
            }
            '"' => {
                in_word = true;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => {
                            if let Some(next) = chars.next() {
                                if !matches!(next, '"' | '\\' | '$' | '`') {
                                    word.push('\\');
                                }
                                word.push(next);
                            }
                        }
                        _ => word.push(c),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(next) = chars.next() {
                    word.push(next);
                }
            }
            '#' if !in_word => break,
            ' ' | '\t' => finish(&mut tokens, &mut word, &mut in_word),
            '|' | '&' | ';' | '<' | '>' => {
                let descriptor = in_word && (word == "1" || word == "2") && c == '>';
                if descriptor {
                    word.clear();
                    in_word = false;
                } else {
                    finish(&mut tokens, &mut word, &mut in_word);
                }
                let mut op = c.to_string();
                while let Some(&next) = chars.peek() {
                    if matches!(next, '|' | '&' | '>') && !(c == '|' && next == '&') {
                        op.push(next);
                        chars.next();
                    } else {
                        break;
                    }
                }
                if op.ends_with('&') && chars.peek().is_some_and(char::is_ascii_digit) {
                    op.push(chars.next().unwrap());
                }
                tokens.push(Token::Op(op));
            }
            _ => {
                in_word = true;
                word.push(c);
            }
        }
    }
    finish(&mut tokens, &mut word, &mut in_word);
    tokens
}

/// One `nbtidy` invocation found in the docs.
#[derive(Debug, Clone)]
struct Invocation {
    /// Where it was found, for messages.
    source: String,
    /// The arguments after `nbtidy`.
    args: Vec<String>,
    /// A file given with `< FILE`.
    stdin_file: Option<String>,
}

/// The `nbtidy` invocations of one shell line: in every pipeline or list element whose command
/// (after `xargs ...`, if any) is `nbtidy`.
fn invocations(line: &str, source: &str) -> Vec<Invocation> {
    let tokens = shell_tokens(line);
    let mut found = Vec::new();
    for segment in tokens
        .split(|t| matches!(t, Token::Op(op) if ["|", "||", "&&", ";"].contains(&op.as_str())))
    {
        let Some(start) = segment
            .iter()
            .position(|t| *t == Token::Word("nbtidy".to_owned()))
        else {
            continue;
        };
        // `nbtidy` must be the command, or the command `xargs` runs.
        let before: Vec<&Token> = segment[..start].iter().collect();
        let is_command =
            before.is_empty() || matches!(before.first(), Some(Token::Word(w)) if w == "xargs");
        if !is_command {
            continue;
        }
        let mut args = Vec::new();
        let mut stdin_file = None;
        let mut rest = segment[start + 1..].iter();
        while let Some(token) = rest.next() {
            match token {
                Token::Word(word) => args.push(word.clone()),
                Token::Op(op) if op == "<" => {
                    if let Some(Token::Word(file)) = rest.next() {
                        stdin_file = Some(file.clone());
                    }
                }
                Token::Op(op) if op.ends_with("&1") || op.ends_with("&2") => {}
                // `>`, `>>`: skip the target.
                Token::Op(_) => {
                    rest.next();
                }
            }
        }
        found.push(Invocation {
            source: source.to_owned(),
            args,
            stdin_file,
        });
    }
    found
}

/// Shell lines of a fenced `sh` block, with `\`-continued lines joined.
fn shell_lines(body: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut pending = String::new();
    for line in body.lines() {
        if let Some(head) = line.strip_suffix('\\') {
            pending.push_str(head);
            pending.push(' ');
            continue;
        }
        pending.push_str(line);
        lines.push(std::mem::take(&mut pending));
    }
    lines
}

/// The command lines of a YAML file (`run:` values, `script:` items, their block lines).
fn yaml_command_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.starts_with('#'))
        .map(|line| {
            let line = line.strip_prefix("- ").unwrap_or(line);
            let line = line.strip_prefix("run: ").unwrap_or(line);
            line.strip_prefix("entry: ").unwrap_or(line).to_owned()
        })
        .collect()
}

fn docs_invocations() -> Vec<Invocation> {
    let mut all = Vec::new();
    for (path, text) in markdown_files() {
        for (info, body) in fenced_blocks(&text) {
            if info == "sh" {
                for line in shell_lines(&body) {
                    all.extend(invocations(&line, &path));
                }
            }
        }
    }
    all
}

fn ci_invocations(relative: &str) -> Vec<Invocation> {
    yaml_command_lines(&read(relative))
        .iter()
        .flat_map(|line| invocations(line, relative))
        .collect()
}

/// The pre-commit hooks' entries, with the notebooks pre-commit would append.
fn hook_invocations() -> Vec<Invocation> {
    read(".pre-commit-hooks.yaml")
        .lines()
        .filter_map(|line| line.trim().strip_prefix("entry:"))
        .flat_map(|entry| invocations(entry.trim(), ".pre-commit-hooks.yaml"))
        .map(|mut invocation| {
            invocation.args.push("r_notebook.ipynb".to_owned());
            invocation.args.push("sales_analysis.ipynb".to_owned());
            invocation
        })
        .collect()
}

/// A temporary project: `.editorconfig` with `root = true` and a copy of `examples/*.ipynb`.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".editorconfig"), "root = true\n").unwrap();
    for entry in std::fs::read_dir(root().join("examples")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|ext| ext == "ipynb") {
            std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    dir
}

fn example_notebook() -> Vec<u8> {
    std::fs::read(root().join("examples/sales_analysis.ipynb")).unwrap()
}

/// Creates the notebooks (`*.ipynb`) and directories (`*/`) an invocation names.
fn create_named_paths(dir: &Path, invocation: &Invocation) {
    let names = invocation.args.iter().chain(&invocation.stdin_file);
    for name in names.filter(|name| !name.starts_with('-')) {
        let path = dir.join(name);
        if name.ends_with(".ipynb") && !path.exists() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, example_notebook()).unwrap();
        } else if name.ends_with('/') && !path.exists() {
            std::fs::create_dir_all(&path).unwrap();
            std::fs::write(path.join("analysis.ipynb"), example_notebook()).unwrap();
        }
    }
}

fn run(dir: &Path, program: &mut Command, stdin: &[u8]) -> Output {
    let mut child = program
        .current_dir(dir)
        .env("HOME", dir)
        .env("PATH", path_with_nbtidy())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the command");
    let _ = child.stdin.take().unwrap().write_all(stdin);
    child.wait_with_output().unwrap()
}

/// `PATH` with the directory of the binary under test first.
fn path_with_nbtidy() -> std::ffi::OsString {
    let bin = Path::new(env!("CARGO_BIN_EXE_nbtidy")).parent().unwrap();
    let mut paths = vec![bin.to_path_buf()];
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(paths).unwrap()
}

/// Runs one invocation in a fresh project and checks the parser accepted it.
fn check_accepted(invocation: &Invocation) {
    let dir = project();
    create_named_paths(dir.path(), invocation);
    let stdin = match (
        &invocation.stdin_file,
        invocation.args.iter().any(|a| a == "-"),
    ) {
        (Some(file), _) => std::fs::read(dir.path().join(file)).unwrap(),
        (None, true) => {
            let cell = invocation
                .args
                .windows(2)
                .any(|w| w[0] == "--stdin-filename" && w[1].ends_with(".py"));
            if cell {
                b"x=[1,2 ,3]\n".to_vec()
            } else {
                example_notebook()
            }
        }
        (None, false) => Vec::new(),
    };
    let output = run(
        dir.path(),
        Command::new(env!("CARGO_BIN_EXE_nbtidy")).args(&invocation.args),
        &stdin,
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    let code = output.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 1,
        "{}: `nbtidy {}` exited with {code}\n{stderr}",
        invocation.source,
        invocation.args.join(" ")
    );
    assert!(
        !stderr.contains("error:") && !stderr.contains("Usage:"),
        "{}: `nbtidy {}`:\n{stderr}",
        invocation.source,
        invocation.args.join(" ")
    );
}

#[test]
fn shell_tokens_follow_posix_quoting() {
    assert_eq!(
        shell_tokens(r#"nbtidy check "a b" 'c d' e\ f > out.json 2>&1 # note"#),
        [
            Token::Word("nbtidy".into()),
            Token::Word("check".into()),
            Token::Word("a b".into()),
            Token::Word("c d".into()),
            Token::Word("e f".into()),
            Token::Op(">".into()),
            Token::Word("out.json".into()),
            Token::Op(">&1".into()),
        ]
    );
    let found = invocations(
        "git diff --name-only | xargs --no-run-if-empty nbtidy check . || status=$?",
        "t",
    );
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].args, ["check", "."]);
    let found = invocations("nbtidy format --stdin-filename a.ipynb - < a.ipynb", "t");
    assert_eq!(found[0].stdin_file.as_deref(), Some("a.ipynb"));
    assert!(invocations("echo nbtidy format", "t").is_empty());
}

#[test]
fn every_command_line_in_the_docs_is_accepted() {
    let all = docs_invocations();
    for page in [
        "docs/getting-started.md",
        "docs/editors.md",
        "docs/ci.md",
        "docs/configuration.md",
        "docs/coming-from-nbstripout.md",
        "docs/coming-from-nb-clean.md",
    ] {
        assert!(
            all.iter().any(|i| i.source == page),
            "no nbtidy command found in {page}"
        );
    }
    assert!(all.len() >= 20, "only {} commands found", all.len());
    for invocation in &all {
        check_accepted(invocation);
    }
}

#[test]
fn every_command_line_in_the_ci_examples_is_accepted() {
    let github = ci_invocations("docs/examples/github-actions.yml");
    let gitlab = ci_invocations("docs/examples/gitlab-ci.yml");
    let formats = |found: &[Invocation]| -> Vec<String> {
        found
            .iter()
            .filter_map(|i| {
                let at = i.args.iter().position(|a| a == "--output-format")?;
                i.args.get(at + 1).cloned()
            })
            .collect()
    };
    assert_eq!(formats(&github), ["github", "sarif"]);
    assert_eq!(formats(&gitlab), ["gitlab"]);
    for found in [&github, &gitlab] {
        assert!(
            found
                .iter()
                .any(|i| i.args.starts_with(&["format".into(), "--check".into()])),
            "{found:?}"
        );
        for invocation in found {
            check_accepted(invocation);
        }
    }
}

#[test]
fn every_pre_commit_hook_entry_is_accepted() {
    let hooks = hook_invocations();
    assert!(hooks.len() >= 2, "{hooks:?}");
    for invocation in &hooks {
        check_accepted(invocation);
    }
}

/// The CI snippets in ci.md are excerpts of the example files, so the two cannot drift.
#[test]
fn ci_doc_snippets_are_excerpts_of_the_example_files() {
    let examples = read("docs/examples/github-actions.yml") + &read("docs/examples/gitlab-ci.yml");
    let snippets: Vec<String> = blocks_of("docs/ci.md", "yaml")
        .into_iter()
        .filter(|block| !block.contains("repos:"))
        .collect();
    assert!(snippets.len() >= 3);
    for snippet in snippets {
        assert!(
            examples.contains(&snippet),
            "docs/ci.md snippet is not in docs/examples/*.yml:\n{snippet}"
        );
    }
}

#[test]
fn ci_examples_are_valid_yaml() {
    let probe = Command::new("python3").args(["-c", "import yaml"]).output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: python3 with PyYAML is not available");
        return;
    }
    for file in [
        "docs/examples/github-actions.yml",
        "docs/examples/gitlab-ci.yml",
    ] {
        let output = Command::new("python3")
            .args(["-c", "import sys, yaml; yaml.safe_load(open(sys.argv[1]))"])
            .arg(root().join(file))
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{file}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// Every `ini` block of the docs is an `.editorconfig` nbtidy reads without a warning.
#[test]
fn every_editorconfig_example_is_valid() {
    let mut count = 0;
    for (path, text) in markdown_files() {
        for (info, body) in fenced_blocks(&text) {
            if info != "ini" {
                continue;
            }
            count += 1;
            let dir = project();
            let config = if body.contains("root = true") {
                body.clone()
            } else {
                format!("root = true\n{body}")
            };
            std::fs::write(dir.path().join(".editorconfig"), config).unwrap();
            let output = run(
                dir.path(),
                Command::new(env!("CARGO_BIN_EXE_nbtidy")).args(["config", "x.ipynb"]),
                b"",
            );
            assert!(
                output.status.success() && output.stderr.is_empty(),
                "{path}: ini block\n{body}\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }
    assert!(count >= 5, "{count} ini blocks");
}

// ---------------------------------------------------------------- editor recipes

fn sh(dir: &Path, script: &str, stdin: &[u8]) -> Output {
    run(dir, Command::new("sh").args(["-c", script]), stdin)
}

/// What `nbtidy format` makes of the example notebook.
fn formatted_example() -> Vec<u8> {
    let dir = project();
    let output = run(
        dir.path(),
        Command::new(env!("CARGO_BIN_EXE_nbtidy")).args(["format", "-q", "sales_analysis.ipynb"]),
        b"",
    );
    assert!(output.status.success());
    let formatted = std::fs::read(dir.path().join("sales_analysis.ipynb")).unwrap();
    assert_ne!(
        formatted,
        example_notebook(),
        "the example needs formatting"
    );
    formatted
}

/// The JSON block of editors.md that holds `key`.
fn json_block(key: &str) -> serde_json::Value {
    let block = blocks_of("docs/editors.md", "json")
        .into_iter()
        .find(|block| block.contains(key))
        .unwrap_or_else(|| panic!("no json block with {key}"));
    serde_json::from_str(&block).unwrap_or_else(|err| panic!("{key} block: {err}"))
}

#[test]
fn stdin_contract_examples_behave_as_documented() {
    let dir = project();
    std::fs::create_dir_all(dir.path().join("notebooks")).unwrap();
    std::fs::write(
        dir.path().join("notebooks/analysis.ipynb"),
        example_notebook(),
    )
    .unwrap();
    let lines: Vec<String> = blocks_of("docs/editors.md", "sh")
        .iter()
        .flat_map(|block| shell_lines(block))
        .collect();
    let line = |needle: &str| {
        lines
            .iter()
            .find(|line| line.contains(needle))
            .unwrap_or_else(|| panic!("no command with {needle}"))
            .clone()
    };

    // One cell: the documented output, without a final newline.
    let output = sh(dir.path(), &line("cell.py"), b"");
    assert!(output.status.success());
    assert_eq!(String::from_utf8_lossy(&output.stdout), "x = [1, 2, 3]");

    // A whole notebook: the same bytes `nbtidy format` writes.
    let command = line("--stdin-filename notebooks/analysis.ipynb - <");
    let output = sh(dir.path(), &command, b"");
    assert!(output.status.success());
    assert_eq!(output.stdout, formatted_example());
    assert!(String::from_utf8_lossy(&output.stderr).contains("cell 10"));

    // On error the input comes back unchanged, exit code 2.
    let broken = b"{\"cells\": [oops";
    std::fs::write(dir.path().join("notebooks/analysis.ipynb"), broken).unwrap();
    let output = sh(dir.path(), &command, b"");
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(output.stdout, broken);
    assert!(String::from_utf8_lossy(&output.stderr).contains("error:"));

    // --check prints and exits 1, writes no result.
    std::fs::write(
        dir.path().join("notebooks/analysis.ipynb"),
        example_notebook(),
    )
    .unwrap();
    let output = sh(dir.path(), &line("format --check --stdin-filename"), b"");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "would reformat: notebooks/analysis.ipynb\n"
    );
}

#[test]
fn vscode_run_on_save_recipe_formats_the_saved_notebook() {
    let settings = json_block("emeraldwalk.runonsave");
    let command = &settings["emeraldwalk.runonsave"]["commands"][0];
    let pattern = command["match"].as_str().unwrap();
    assert_eq!(pattern, "\\.ipynb$");
    let dir = project();
    let file = dir.path().join("sales_analysis.ipynb");
    let cmd = command["cmd"]
        .as_str()
        .unwrap()
        .replace("${file}", file.to_str().unwrap());
    let output = sh(dir.path(), &cmd, b"");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(std::fs::read(&file).unwrap(), formatted_example());
}

#[test]
fn vscode_custom_formatter_recipe_formats_cells_and_passes_other_files() {
    let settings = json_block("customLocalFormatters.formatters");
    let formatter = &settings["customLocalFormatters.formatters"][0];
    assert_eq!(formatter["languages"], serde_json::json!(["python"]));
    assert_eq!(
        settings["[python]"]["editor.defaultFormatter"],
        "jkillian.custom-local-formatters"
    );
    let template = formatter["command"].as_str().unwrap();
    let dir = project();
    // As the extension does: `${file}` replaced, run by a shell in the workspace root.
    let for_file =
        |file: &str| template.replace("${file}", &dir.path().join(file).to_string_lossy());

    // A notebook cell: `${file}` is the notebook.
    let output = sh(
        dir.path(),
        &for_file("sales_analysis.ipynb"),
        b"x=[1,2 ,3]\n",
    );
    assert!(output.status.success());
    assert_eq!(String::from_utf8_lossy(&output.stdout), "x = [1, 2, 3]");
    // IPython syntax goes through.
    let output = sh(
        dir.path(),
        &for_file("sales_analysis.ipynb"),
        b"%matplotlib inline\nplt.plot(x) ;",
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "%matplotlib inline\nplt.plot(x);"
    );
    // A cell that does not parse: non-zero exit, so the extension leaves it alone.
    let output = sh(dir.path(), &for_file("sales_analysis.ipynb"), b"def f(:\n");
    assert_eq!(output.status.code(), Some(2));
    // A plain Python file comes back as it was.
    let script = b"x=[1,2 ,3]\n";
    let output = sh(dir.path(), &for_file("script.py"), script);
    assert!(output.status.success());
    assert_eq!(output.stdout, script);
}

#[test]
fn conform_nvim_recipe_formats_the_notebook_buffer() {
    let lua = blocks_of("docs/editors.md", "lua").join("\n");
    assert!(lua.contains("command = \"nbtidy\"") && lua.contains("stdin = true"));
    assert!(lua.contains("%.ipynb$"), "only notebooks");
    let args_at = lua.find("args = {").expect("an args list");
    let args_text = &lua[args_at..args_at + lua[args_at..].find('}').unwrap()];
    let dir = project();
    let file = dir.path().join("sales_analysis.ipynb");
    let args: Vec<String> = args_text
        .split('"')
        .skip(1)
        .step_by(2)
        .map(|arg| arg.replace("$FILENAME", file.to_str().unwrap()))
        .collect();
    assert_eq!(args.len(), 4, "{args:?}");
    let output = run(
        dir.path(),
        Command::new(env!("CARGO_BIN_EXE_nbtidy")).args(&args),
        &example_notebook(),
    );
    assert!(output.status.success());
    assert_eq!(output.stdout, formatted_example());
    // A buffer that is not valid JSON: exit code 2, so conform keeps the buffer.
    let output = run(
        dir.path(),
        Command::new(env!("CARGO_BIN_EXE_nbtidy")).args(&args),
        b"{",
    );
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(output.stdout, b"{");
}

#[test]
fn ale_recipe_formats_the_notebook_buffer() {
    let vim = blocks_of("docs/editors.md", "vim").join("\n");
    assert!(vim.contains("!=# 'ipynb'"), "only notebooks");
    let start = vim.find("'command': '").expect("a command") + "'command': '".len();
    let template = &vim[start..start + vim[start..].find('\'').unwrap()];
    let dir = project();
    // ALE replaces `%s` with the buffer's file name, shell-escaped.
    let file = dir.path().join("sales_analysis.ipynb");
    let command = template.replace("%s", &format!("'{}'", file.display()));
    let output = sh(dir.path(), &command, &example_notebook());
    assert!(output.status.success());
    assert_eq!(output.stdout, formatted_example());
}

#[test]
fn jupyterlab_formatter_recipe_formats_a_cell() {
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("skipped: python3 is not installed");
        return;
    }
    let recipe = blocks_of("docs/editors.md", "python")
        .into_iter()
        .find(|block| block.contains("SERVER_FORMATTERS"))
        .expect("the formatter class");
    let dir = project();
    // A stand-in for the extension's module: the two names the recipe imports.
    let package = dir.path().join("jupyterlab_code_formatter");
    std::fs::create_dir_all(&package).unwrap();
    std::fs::write(package.join("__init__.py"), "").unwrap();
    std::fs::write(
        package.join("formatters.py"),
        "import abc\n\nclass BaseFormatter(abc.ABC):\n    @property\n    @abc.abstractmethod\n    def label(self): ...\n\n    @property\n    @abc.abstractmethod\n    def importable(self): ...\n\n    @abc.abstractmethod\n    def format_code(self, code, notebook, **options): ...\n\nSERVER_FORMATTERS = {}\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("jupyter_server_config.py"), &recipe).unwrap();
    let driver = r#"
import runpy, sys
sys.path.insert(0, ".")
runpy.run_path("jupyter_server_config.py")
from jupyterlab_code_formatter.formatters import SERVER_FORMATTERS
formatter = SERVER_FORMATTERS["nbtidy"]
assert formatter.importable
sys.stdout.write(formatter.format_code("x=[1,2 ,3]", notebook=True) + "|")
sys.stdout.write(formatter.format_code("!pip list\ny  =  2;", notebook=True) + "|")
try:
    formatter.format_code("def f(:", notebook=True)
except RuntimeError as err:
    sys.stdout.write("error: " + str(err).splitlines()[0])
"#;
    let output = run(
        dir.path(),
        Command::new("python3").args(["-c", driver]),
        b"",
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        stdout,
        "x = [1, 2, 3]|!pip list\ny = 2;|error: error: cell.py:1:7: Expected a parameter or the end of the parameter list"
    );
}

/// Relative links between the docs point at files that exist (`reliability.md` is written
/// separately and may not be there yet).
#[test]
fn relative_links_resolve() {
    for (path, text) in markdown_files() {
        let dir = root().join(&path).parent().unwrap().to_path_buf();
        for (at, _) in text.match_indices("](") {
            let rest = &text[at + 2..];
            let target = &rest[..rest.find(')').unwrap()];
            if target.contains("://") || target.starts_with('#') || target.starts_with("mailto:") {
                continue;
            }
            let file = target.split('#').next().unwrap();
            if file == "reliability.md" {
                continue;
            }
            assert!(
                dir.join(file).exists(),
                "{path}: link to {target} does not resolve"
            );
        }
    }
}

/// What a newcomer copies must work as written: every `cargo install` builds with `--locked`
/// (the versions `Cargo.lock` was tested with), a pre-commit `rev:` names `main` or a commit,
/// not a release tag that does not exist (none is tagged yet), and the README says what
/// `../shared`, which the tests need, is.
#[test]
fn install_commands_are_locked_and_hook_revisions_exist() {
    let mut texts = markdown_files();
    texts.push(("CONTRIBUTING.md".to_owned(), read("CONTRIBUTING.md")));
    for example in [
        "docs/examples/github-actions.yml",
        "docs/examples/gitlab-ci.yml",
    ] {
        texts.push((example.to_owned(), read(example)));
    }
    let mut installs = 0;
    let mut revisions = 0;
    for (file, text) in &texts {
        for line in text.lines() {
            if let Some(at) = line.find("cargo install") {
                installs += 1;
                assert!(line[at..].contains(" --locked"), "{file}: {line}");
            }
            if let Some(revision) = line.trim_start().strip_prefix("rev: ") {
                revisions += 1;
                let revision = revision.split_whitespace().next().unwrap_or_default();
                let is_commit =
                    revision.len() == 40 && revision.bytes().all(|b| b.is_ascii_hexdigit());
                assert!(
                    revision == "main" || is_commit,
                    "{file}: {line}: no such tag"
                );
            }
        }
    }
    assert!(installs >= 4 && revisions >= 2, "{installs} {revisions}");
    let readme = read("README.md");
    assert!(
        readme.contains("`../shared` is the project's shared test data"),
        "the README must say what ../shared is"
    );
}
