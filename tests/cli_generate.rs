//! End-to-end tests of what nbtidy generates about itself: `config --init` (an `.editorconfig`
//! block with every key at its default), `completions SHELL` and `man`.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::{Project, Run};

const SHELLS: [&str; 5] = ["bash", "zsh", "fish", "powershell", "elvish"];

fn init_block() -> String {
    let run = Project::new().run(&["config", "--init"]);
    run.assert_code(0);
    assert_eq!(run.stderr, "");
    run.stdout
}

/// The subcommands, as `nbtidy --help` lists them (so a new one is covered without editing
/// this file).
fn subcommands() -> Vec<String> {
    let run = Project::new().run(&["--help"]);
    run.assert_code(0);
    let commands = run
        .stdout
        .split("Commands:\n")
        .nth(1)
        .expect("a Commands section");
    let names: Vec<String> = commands
        .lines()
        .take_while(|line| line.starts_with("  "))
        // Wrapped descriptions continue with deeper indentation.
        .filter(|line| !line[2..].starts_with(' '))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect();
    for expected in ["format", "check", "rule", "config", "completions", "man"] {
        assert!(names.iter().any(|n| n == expected), "{expected}: {names:?}");
    }
    names
}

/// `key = value` when `line` is a commented-out property (`# key = value`).
fn commented_property(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("# ")?;
    let (key, value) = rest.split_once(" = ")?;
    let key_like = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    // A value is one word, except for the options whose values are statements
    // (`nbtidy_required_imports = from __future__ import annotations`).
    let value_like = !value.is_empty()
        && (!value.contains(char::is_whitespace) || key.starts_with("nbtidy_required_"));
    (key_like && value_like).then_some(rest)
}

/// The `nbtidy config PATH` report as section → label → (value, origin).
fn report(run: &Run) -> BTreeMap<String, BTreeMap<String, (String, String)>> {
    let codes: Vec<&str> = nbtidy_lint::RULES.iter().map(|r| r.meta().code).collect();
    let mut sections: BTreeMap<String, BTreeMap<String, (String, String)>> = BTreeMap::new();
    let mut current = String::new();
    for line in run.stdout.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if let Some(name) = line.strip_prefix('[') {
            current = name.trim_end_matches(']').to_owned();
            continue;
        }
        let tokens: Vec<&str> = line.split_whitespace().collect();
        let label_len = if codes.contains(&tokens[0]) { 2 } else { 1 };
        let label = tokens[..label_len].join(" ");
        let value = tokens[label_len].to_owned();
        let origin = tokens[label_len + 1..].join(" ");
        sections
            .entry(current.clone())
            .or_default()
            .insert(label, (value, origin));
    }
    sections
}

#[test]
fn init_is_valid_editorconfig() {
    let block = init_block();
    let mut sections = 0;
    for line in block.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if line.starts_with('[') && line.ends_with(']') {
            sections += 1;
            continue;
        }
        let (key, value) = line
            .split_once(" = ")
            .unwrap_or_else(|| panic!("not a comment, section or `key = value`: {line:?}"));
        assert!(
            key.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_.-".contains(c)),
            "{line}"
        );
        // EditorConfig has no trailing comments: `#` or `;` would be part of the value.
        assert!(
            !value.is_empty() && !value.contains(['#', ';', ' ']),
            "{line}"
        );
    }
    assert_eq!(sections, 2, "[*.{{py,ipynb}}] and [*.ipynb]");
    assert!(block.contains("[*.{py,ipynb}]\n") && block.contains("[*.ipynb]\n"));
    assert!(!block.contains("root = true\n"), "a block to add to a file");
}

#[test]
fn init_sets_exactly_the_defaults_without_warnings() {
    let block = init_block();
    let defaults = Project::new().run(&["config", "x.ipynb"]);
    defaults.assert_code(0);
    assert_eq!(defaults.stderr, "");

    let project = Project::with_editorconfig(&block);
    let configured = project.run(&["config", "x.ipynb"]);
    configured.assert_code(0);
    assert_eq!(configured.stderr, "", "the block produces warnings");

    let defaults = report(&defaults);
    let configured = report(&configured);
    for section in ["format", "check"] {
        let values = |report: &BTreeMap<String, BTreeMap<String, (String, String)>>| {
            report[section]
                .iter()
                .map(|(label, (value, _))| (label.clone(), value.clone()))
                .collect::<BTreeMap<_, _>>()
        };
        assert_eq!(values(&configured), values(&defaults), "[{section}]");
    }
    // The keys were read from the block, not defaulted.
    for (section, label) in [
        ("format", "max_line_length"),
        ("format", "indent_width"),
        ("format", "nbtidy_magic_trailing_comma"),
        ("check", "nbtidy_fail_on"),
    ] {
        let (_, origin) = &configured[section][label];
        assert!(origin.contains(".editorconfig:"), "{label}: {origin}");
    }
    assert!(
        configured["check"]["F401 unused-import"]
            .1
            .contains("nbtidy_rules = recommended (/"),
        "{:?}",
        configured["check"]
    );
    // Rule options are set to the documented defaults; those without one stay unset.
    for key in nbtidy_lint::keys::reference()
        .iter()
        .filter(|k| k.group == nbtidy_lint::keys::KeyGroup::RuleOption)
    {
        let set = configured["rule options"]
            .get(&key.key)
            .map(|(value, _)| value);
        assert_eq!(set, key.default.as_ref(), "{}", key.key);
    }
}

#[test]
fn init_with_every_commented_key_uncommented_is_still_valid() {
    let block = init_block();
    let uncommented: String = block
        .lines()
        .map(|line| commented_property(line).unwrap_or(line).to_owned() + "\n")
        .collect();
    assert!(uncommented.contains("\nnbtidy_rule.F401 = warning\n"));
    assert!(uncommented.contains("\ntab_width = "));
    let run = Project::with_editorconfig(&uncommented).run(&["config", "x.ipynb"]);
    run.assert_code(0);
    assert_eq!(run.stderr, "", "an example value is invalid");
}

#[test]
fn init_lists_every_key_the_config_layer_knows() {
    let block = init_block();
    let listed = |key: &str| {
        block.lines().any(|line| {
            let line = commented_property(line).unwrap_or(line);
            line.starts_with(&format!("{key} = "))
        })
    };
    let mut known: Vec<String> = nbtidy_config::settings_keys()
        .iter()
        .map(|k| k.key.to_owned())
        .collect();
    known.extend(nbtidy_config::LAYOUT_KEYS.iter().map(|k| (*k).to_owned()));
    known.extend(nbtidy_config::LINTER_KEYS.iter().map(|k| (*k).to_owned()));
    for rule in nbtidy_lint::RULES.iter() {
        let meta = rule.meta();
        known.push(format!("{}{}", nbtidy_config::LINTER_KEY_PREFIX, meta.code));
        known.extend(meta.keys.iter().map(|k| (*k).to_owned()));
    }
    for key in &known {
        assert!(listed(key), "`{key}` is missing from `config --init`");
    }
}

#[test]
fn init_changes_nothing_check_reports() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let check = |project: &Project| {
        for entry in std::fs::read_dir(&examples).unwrap() {
            let path = entry.unwrap().path();
            project.write(
                path.file_name().unwrap().to_str().unwrap(),
                std::fs::read(&path).unwrap(),
            );
        }
        project.run(&[
            "check",
            "--output-format",
            "concise",
            "--color",
            "never",
            ".",
        ])
    };
    let without = check(&Project::new());
    let with = check(&Project::with_editorconfig(&init_block()));
    assert_eq!(with.code, without.code);
    assert_eq!(with.stdout, without.stdout);
    assert!(!without.stdout.is_empty(), "the examples have findings");
}

#[test]
fn config_needs_a_path_or_init() {
    let project = Project::new();
    project
        .run(&["config"])
        .assert_code(2)
        .assert_stderr_contains("<PATH>");
    project
        .run(&["config", "--init", "x.ipynb"])
        .assert_code(2)
        .assert_stderr_contains("cannot be used with");
}

#[test]
fn completions_for_every_shell_mention_every_subcommand() {
    let project = Project::new();
    let subcommands = subcommands();
    for shell in SHELLS {
        let run = project.run(&["completions", shell]);
        run.assert_code(0);
        assert_eq!(run.stderr, "");
        assert!(run.stdout.len() > 500, "{shell}: {}", run.stdout);
        for sub in &subcommands {
            assert!(run.stdout.contains(sub.as_str()), "{shell}: no `{sub}`");
        }
        // fish spells long options `-l stdin-filename`.
        for flag in ["stdin-filename", "output-format", "init"] {
            assert!(run.stdout.contains(flag), "{shell}: no `{flag}`");
        }
    }
    project
        .run(&["completions", "tcsh"])
        .assert_code(2)
        .assert_stderr_contains("possible values");
}

/// Runs `shell -n FILE` (a syntax check) when the shell is installed; `None` when it is not.
fn syntax_check(shell: &str, script: &str) -> Option<std::process::Output> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("completion");
    std::fs::write(&file, script).unwrap();
    Command::new(shell).arg("-n").arg(&file).output().ok()
}

#[test]
fn completion_scripts_parse() {
    let project = Project::new();
    // bash is required (the tests run on Linux); zsh and fish are checked where installed.
    for (shell, required) in [("bash", true), ("zsh", false), ("fish", false)] {
        let script = project.run(&["completions", shell]).stdout;
        match syntax_check(shell, &script) {
            Some(output) => assert!(
                output.status.success(),
                "{shell} -n: {}",
                String::from_utf8_lossy(&output.stderr)
            ),
            None => assert!(!required, "{shell} is not installed"),
        }
    }
}

#[test]
fn man_page_has_a_title_and_every_subcommand() {
    let run = Project::new().run(&["man"]);
    run.assert_code(0);
    assert_eq!(run.stderr, "");
    let page = &run.stdout;
    assert!(
        page.lines().any(|line| line.starts_with(".TH nbtidy 1 ")),
        "{page}"
    );
    for sub in subcommands() {
        assert!(
            page.contains(&format!(".SH \"NBTIDY {}\"", sub.to_uppercase())),
            "no section for {sub}"
        );
        assert!(page.contains(&format!("nbtidy {sub}")), "{sub}");
    }
    for section in ["NAME", "SYNOPSIS", "COMMANDS", "\"EXIT STATUS\"", "FILES"] {
        assert!(page.contains(&format!(".SH {section}\n")), "{section}");
    }
    assert!(
        page.contains("stdin\\-filename"),
        "format's options are listed"
    );
}

#[test]
fn man_renders_without_warnings() {
    let available = Command::new("man")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !available {
        eprintln!("skipped: `man` is not installed");
        return;
    }
    let page = Project::new().run(&["man"]).stdout;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("nbtidy.1");
    std::fs::write(&file, page).unwrap();
    let output = Command::new("man")
        .args(["--warnings", "-l"])
        .arg(&file)
        .env("MANWIDTH", "100")
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "man -l failed: {stderr}");
    assert_eq!(stderr, "", "man -l warnings");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("NBTIDY FORMAT") && text.contains("--stdin-filename"));
}
