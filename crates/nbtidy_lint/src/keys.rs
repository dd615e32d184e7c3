//! Every `.editorconfig` key nbtidy reads, as data, and the `.editorconfig` block that sets each
//! one to its default (`nbtidy config --init`, and the example in `docs/configuration.md`).
//!
//! The list is assembled from the real metadata, not written out by hand:
//! 1. the settings layer's keys, values and defaults ([`nbtidy_config::settings_keys`]);
//! 2. the rule-selection keys `nbtidy_rules` and `nbtidy_fail_on` (read by [`crate::Selection`];
//!    the tests below check every listed value is accepted and the defaults are the selection's);
//! 3. one `nbtidy_rule.<code>` severity key per rule in [`crate::RULES`], its default the rule's
//!    own severity when the default set enables it, else `off`;
//! 4. the rules' options: every key a rule declares ([`crate::RuleMeta::keys`]) that belongs to
//!    the linter ([`crate::linter_keys`]), described by the rule's own
//!    `## EditorConfig keys` bullet, whose text must say `default X` (or, for a key whose
//!    absence means something no value spells, `no default` and `example X`).
//!
//! It is not the parser: the settings layer and [`crate::Selection`] read the keys.

use std::fmt::Write as _;

use nbtidy_config::{KeyScope, settings_keys};
use nbtidy_diagnostics::Severity;

use crate::registry::RULES;

/// What a key configures; the groups of `docs/configuration.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyGroup {
    /// Formatter and file settings read by the settings layer.
    Settings,
    /// Which rules run and what fails `check` (`nbtidy_rules`, `nbtidy_fail_on`).
    Selection,
    /// An option of one or more rules (`nbtidy_max_output_size`).
    RuleOption,
    /// One rule's severity (`nbtidy_rule.F401`).
    RuleSeverity,
}

/// One `.editorconfig` key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyDoc {
    /// The key, as written in `.editorconfig`.
    pub key: String,
    /// What the key configures.
    pub group: KeyGroup,
    /// What it does (Markdown, one paragraph).
    pub summary: String,
    /// The accepted values in words (Markdown); empty when the summary says it.
    pub values: String,
    /// The default as `.editorconfig` text; `None` when leaving the key unset means something
    /// no value spells (the summary says what).
    pub default: Option<String>,
    /// A valid value, for keys without a default.
    pub example: String,
    /// Which sections it is read from.
    pub scope: KeyScope,
    /// Command-line flags that win over it, with the subcommands that take them.
    pub flags: Option<String>,
    /// Codes of the rules that read it.
    pub rules: Vec<&'static str>,
}

const SELECTION_SCOPE: KeyScope = KeyScope::NotebookFirst;

/// Every key nbtidy reads: settings, rule selection, rule options, then one severity key per
/// rule (registry order).
pub fn reference() -> Vec<KeyDoc> {
    let read_by = |key: &str| -> Vec<&'static str> {
        RULES
            .iter()
            .map(|rule| rule.meta())
            .filter(|meta| meta.keys.contains(&key))
            .map(|meta| meta.code)
            .collect()
    };
    let mut keys: Vec<KeyDoc> = settings_keys()
        .into_iter()
        .map(|info| KeyDoc {
            key: info.key.to_owned(),
            group: KeyGroup::Settings,
            summary: info.summary.to_owned(),
            values: info.values.to_owned(),
            default: info.default,
            example: info.example.to_owned(),
            scope: info.scope,
            flags: info
                .overridden_by
                .map(|field| format!("`--{}` (format, check, config)", field.replace('_', "-"))),
            rules: read_by(info.key),
        })
        .collect();

    keys.push(KeyDoc {
        key: "nbtidy_rules".to_owned(),
        group: KeyGroup::Selection,
        summary: "The base set of rules `check` runs: `recommended` (the rules marked so in \
                  docs/rules.md), `all`, or `none`. `syntax-error` (E999) is in every set."
            .to_owned(),
        values: "`recommended`, `all` or `none`".to_owned(),
        default: Some("recommended".to_owned()),
        example: "recommended".to_owned(),
        scope: SELECTION_SCOPE,
        flags: Some("`--select`, `--ignore` (check)".to_owned()),
        rules: Vec::new(),
    });
    keys.push(KeyDoc {
        key: "nbtidy_fail_on".to_owned(),
        group: KeyGroup::Selection,
        summary: "Findings at or above this severity make `check` exit 1.".to_owned(),
        values: "`error` or `warning`".to_owned(),
        default: Some(Severity::Error.to_string()),
        example: "error".to_owned(),
        scope: SELECTION_SCOPE,
        flags: Some("`--fail-on` (check)".to_owned()),
        rules: Vec::new(),
    });

    for (key, rules, text) in rule_options() {
        let (default, example) = if text.to_ascii_lowercase().contains("no default") {
            let example = option_example(&text).unwrap_or_else(|| {
                panic!("{key}: a bullet saying `no default` must give an `example X`")
            });
            (None, example)
        } else {
            let default = option_default(&text).unwrap_or_else(|| {
                panic!(
                    "{key}: the rule's `## EditorConfig keys` bullet must say `default X` \
                     (or `no default` and `example X`)"
                )
            });
            (Some(default), String::new())
        };
        keys.push(KeyDoc {
            default,
            example,
            key,
            group: KeyGroup::RuleOption,
            summary: text,
            values: String::new(),
            scope: SELECTION_SCOPE,
            flags: None,
            rules,
        });
    }

    for rule in RULES.iter() {
        let meta = rule.meta();
        keys.push(KeyDoc {
            key: format!("nbtidy_rule.{}", meta.code),
            group: KeyGroup::RuleSeverity,
            summary: format!(
                "`{}`{}",
                meta.name,
                if meta.code == "E999" {
                    " (cannot be turned off)"
                } else if meta.recommended {
                    ""
                } else {
                    " (not in the recommended set)"
                }
            ),
            values: if meta.code == "E999" {
                "`warning` or `error` (the rule's name works in place of its code)"
            } else {
                "`off`, `warning` or `error` (the rule's name works in place of its code)"
            }
            .to_owned(),
            default: Some(if meta.recommended || meta.code == "E999" {
                meta.severity.to_string()
            } else {
                "off".to_owned()
            }),
            example: meta.severity.to_string(),
            scope: SELECTION_SCOPE,
            flags: Some("`--select`, `--ignore` (check)".to_owned()),
            rules: vec![meta.code],
        });
    }
    keys
}

/// The linter's option keys the rules declare, each with the rules that read it and the text of
/// its `## EditorConfig keys` bullet (from the first rule that documents it).
fn rule_options() -> Vec<(String, Vec<&'static str>, String)> {
    let mut options: Vec<(String, Vec<&'static str>, String)> = Vec::new();
    for rule in RULES.iter() {
        let meta = rule.meta();
        for key in meta
            .keys
            .iter()
            .filter(|key| crate::linter_keys().contains(key))
        {
            if let Some(option) = options.iter_mut().find(|(k, _, _)| k == key) {
                option.1.push(meta.code);
                continue;
            }
            let text = option_bullet(meta.doc, key).unwrap_or_else(|| {
                panic!(
                    "{}: `{key}` has no bullet under `## EditorConfig keys`",
                    meta.code
                )
            });
            options.push(((*key).to_owned(), vec![meta.code], text));
        }
    }
    options
}

/// The text of the bullet `` - `key`: text `` (continuation lines joined) in a rule's
/// `## EditorConfig keys` section.
fn option_bullet(doc: &str, key: &str) -> Option<String> {
    let section = &doc[doc.find("## EditorConfig keys")?..];
    let lines: Vec<&str> = section.lines().map(str::trim).collect();
    let marker = format!("- `{key}`:");
    let start = lines.iter().position(|line| line.starts_with(&marker))?;
    let mut text = lines[start][marker.len()..].trim().to_owned();
    for line in &lines[start + 1..] {
        if line.is_empty() || line.starts_with("- ") || line.starts_with('#') {
            break;
        }
        text.push(' ');
        text.push_str(line);
    }
    let mut chars = text.chars();
    let first = chars.next()?.to_uppercase().collect::<String>();
    Some(first + chars.as_str())
}

/// `X` in "default X" / "Default `X`" (case-insensitive) in an option's description.
fn option_default(text: &str) -> Option<String> {
    let at = text.to_ascii_lowercase().find("default ")? + "default ".len();
    let value: String = text[at..]
        .trim_start_matches('`')
        .chars()
        .take_while(|c| !c.is_whitespace() && !matches!(c, '`' | ':' | ')' | ',' | ';'))
        .collect();
    let value = value.trim_end_matches('.').to_owned();
    (!value.is_empty()).then_some(value)
}

/// `X` in "example `X`" (case-insensitive) in an option's description: the value shown,
/// commented out, for an option without a default.
fn option_example(text: &str) -> Option<String> {
    let at = text.to_ascii_lowercase().find("example `")? + "example `".len();
    let value = &text[at..];
    let value = &value[..value.find('`')?];
    (!value.is_empty()).then(|| value.to_owned())
}

/// Wraps `text` into `# ` comment lines of at most 96 columns, never inside a `code span`.
fn comment(out: &mut String, text: &str) {
    let mut words: Vec<String> = Vec::new();
    let mut open = false;
    for word in text.split_whitespace() {
        match words.last_mut() {
            Some(last) if open => {
                last.push(' ');
                last.push_str(word);
            }
            _ => words.push(word.to_owned()),
        }
        if word.matches('`').count() % 2 == 1 {
            open = !open;
        }
    }
    let mut line = String::from("#");
    for word in &words {
        if line.len() > 1 && line.len() + 1 + word.len() > 96 {
            out.push_str(&line);
            out.push('\n');
            line = String::from("#");
        }
        line.push(' ');
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
}

/// One key: its description as a comment, then `key = default`, or `# key = example` when it
/// has no default.
fn entry(out: &mut String, key: &KeyDoc) {
    let mut text = key.summary.clone();
    if !key.values.is_empty() {
        let _ = write!(text, " Values: {}.", key.values);
    }
    comment(out, &text);
    match &key.default {
        Some(default) => {
            let _ = writeln!(out, "{} = {default}", key.key);
        }
        None => {
            let _ = writeln!(out, "# {} = {}", key.key, key.example);
        }
    }
}

/// An `.editorconfig` block (no `root = true`: it is meant to be added to a file) that lists
/// every key nbtidy reads with its default value, so that as written it changes nothing. Keys
/// without a default and the per-rule severities are commented out.
pub fn init_editorconfig() -> String {
    let keys = reference();
    let mut out = String::new();
    comment(
        &mut out,
        "nbtidy: every .editorconfig key it reads, set to its default (`nbtidy config --init`). \
         As written this block changes nothing; edit what you want different. Keys without a \
         default, and the per-rule severities, are commented out.",
    );
    comment(
        &mut out,
        "Add it to the .editorconfig at the root of your repository (that file should start \
         with `root = true`). Command-line flags win over these keys. `nbtidy config PATH` \
         shows the settings a notebook gets and where each came from.",
    );
    out.push('\n');
    comment(
        &mut out,
        "Code layout and style. nbtidy reads indent_style, indent_size, tab_width and \
         trim_trailing_whitespace from the sections a .py file in the notebook's place would \
         get, so an `[*.ipynb] indent_size = 1` describing Jupyter's JSON never reaches the \
         code.",
    );
    out.push_str("[*.{py,ipynb}]\n");
    let settings = || keys.iter().filter(|k| k.group == KeyGroup::Settings);
    for key in settings().filter(|k| !k.key.starts_with("nbtidy")) {
        entry(&mut out, key);
    }
    out.push('\n');
    comment(
        &mut out,
        "nbtidy's own keys. They are read from notebook sections such as [*.ipynb] or \
         [notebooks/**.ipynb] first, then from the .py sections above.",
    );
    out.push_str("[*.ipynb]\n");
    for key in settings().filter(|k| k.key.starts_with("nbtidy")) {
        entry(&mut out, key);
    }
    out.push('\n');
    comment(
        &mut out,
        "nbtidy check: which rules run and what makes it fail (docs/rules.md lists the rules).",
    );
    for key in keys.iter().filter(|k| k.group == KeyGroup::Selection) {
        entry(&mut out, key);
    }
    out.push('\n');
    comment(&mut out, "Rule options.");
    for key in keys.iter().filter(|k| k.group == KeyGroup::RuleOption) {
        let mut key = key.clone();
        key.summary = format!("{}: {}", key.rules.join(", "), key.summary);
        entry(&mut out, &key);
    }
    out.push('\n');
    comment(
        &mut out,
        "Per-rule severity: off, warning or error, by code or name (nbtidy_rule.F401 = off, \
         nbtidy_rule.unused-import = off). Shown with each rule's default. An explicit line \
         overrides nbtidy_rules, so uncomment only the rules you change. `nbtidy rule CODE` \
         explains a rule.",
    );
    for key in keys.iter().filter(|k| k.group == KeyGroup::RuleSeverity) {
        let code = key.rules[0];
        let _ = writeln!(out, "# {code} {}", key.summary.replace('`', ""));
        let _ = writeln!(
            out,
            "# {} = {}",
            key.key,
            key.default.as_deref().unwrap_or("off")
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use nbtidy_config::{Overrides, Resolved};

    use super::*;
    use crate::{Selection, SelectionArgs};

    fn resolve(editorconfig: &str) -> (tempfile::TempDir, Resolved) {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join(".editorconfig"), editorconfig).expect("write");
        let resolved = crate::resolver(Overrides::default())
            .resolve(&dir.path().join("a.ipynb"))
            .expect("resolve");
        (dir, resolved)
    }

    fn selection(editorconfig: &str) -> (Selection, Vec<crate::SettingProblem>) {
        let (_dir, resolved) = resolve(editorconfig);
        assert!(resolved.warnings.is_empty(), "{:?}", resolved.warnings);
        Selection::resolve(&resolved, &SelectionArgs::default())
    }

    /// The backticked words of a values description.
    fn listed_values(values: &str) -> Vec<&str> {
        values.split('`').skip(1).step_by(2).collect()
    }

    #[test]
    fn every_linter_key_is_described() {
        let described: BTreeSet<String> = reference().into_iter().map(|k| k.key).collect();
        for key in crate::linter_keys() {
            assert!(described.contains(key), "{key} is not in reference()");
        }
        for rule in RULES.iter() {
            assert!(described.contains(&format!("nbtidy_rule.{}", rule.meta().code)));
            for key in rule.meta().keys {
                assert!(described.contains(*key), "{key} is not in reference()");
            }
        }
    }

    #[test]
    fn option_defaults_are_read_from_the_rule_docs() {
        assert_eq!(
            option_default("Default `1MB`. An unreadable").as_deref(),
            Some("1MB")
        );
        assert_eq!(
            option_default("allowed (default 0: none).").as_deref(),
            Some("0")
        );
        assert_eq!(option_default("no such word"), None);
        assert_eq!(
            option_example("No default. Example `a,b.c`.").as_deref(),
            Some("a,b.c")
        );
        let options: Vec<_> = reference()
            .into_iter()
            .filter(|k| k.group == KeyGroup::RuleOption)
            .collect();
        assert!(!options.is_empty());
        for option in options {
            assert!(!option.rules.is_empty() && !option.summary.is_empty());
        }
    }

    /// Every value the selection keys list is accepted; anything else is an error, so the key
    /// really is read.
    #[test]
    fn selection_values_are_accepted_and_others_are_errors() {
        for key in reference()
            .iter()
            .filter(|k| matches!(k.group, KeyGroup::Selection | KeyGroup::RuleSeverity))
        {
            let values = listed_values(&key.values);
            assert!(values.len() >= 2, "{}: {}", key.key, key.values);
            for value in values {
                let (_, problems) =
                    selection(&format!("root = true\n[*]\n{} = {value}\n", key.key));
                assert!(problems.is_empty(), "{} = {value}: {problems:?}", key.key);
            }
            let (_, problems) = selection(&format!("root = true\n[*]\n{} = bogus\n", key.key));
            assert!(
                problems.iter().any(|p| p.is_error()),
                "{} = bogus is not an error",
                key.key
            );
        }
    }

    /// `key = value` when `line` is a commented-out property (`# key = value`).
    pub(crate) fn commented_property(line: &str) -> Option<&str> {
        let rest = line.strip_prefix("# ")?;
        let (key, value) = rest.split_once(" = ")?;
        let key_like = key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
        (key_like && !value.is_empty() && !value.contains(char::is_whitespace)).then_some(rest)
    }

    /// The block, uncommented or not, selects the same rules at the same severities and fail
    /// level as no configuration at all.
    #[test]
    fn the_init_block_is_the_default_selection() {
        let (default, _) = selection("root = true\n");
        let summary = |s: &Selection| {
            s.explain()
                .into_iter()
                .map(|(rule, severity, _)| (rule.meta().code, severity))
                .collect::<Vec<_>>()
        };
        let init = init_editorconfig();
        let uncommented: String = init
            .lines()
            .map(|line| commented_property(line).unwrap_or(line))
            .map(|line| format!("{line}\n"))
            .collect();
        for text in [init.clone(), uncommented] {
            let (selection, problems) = selection(&format!("root = true\n{text}"));
            assert!(problems.is_empty(), "{problems:?}");
            assert_eq!(summary(&selection), summary(&default));
            assert_eq!(selection.fail_on, default.fail_on);
        }
        assert!(init.lines().all(|line| line.len() <= 100), "{init}");
    }
}
