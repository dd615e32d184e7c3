//! Every rule, one line each, in the order `nbtidy rule --all` lists them.

use crate::rule::Rule;
use crate::rules;

/// All rules.
pub static RULES: &[&dyn Rule] = &[
    // --- code: syntax and pyflakes-style semantics (notebook order) ---
    &rules::syntax_error::SyntaxError,
    // --- code: single-cell checks (pycodestyle / pyflakes codes) ---
    &rules::bare_except::BareExcept,
    // --- style from .editorconfig ---
    // --- notebook (NB codes) ---
    &rules::outputs_present::OutputsPresent,
    &rules::shell_pip_install::ShellPipInstall,
];

/// The rule with this code or name (case-insensitive).
pub fn find_rule(selector: &str) -> Option<&'static dyn Rule> {
    let selector = selector.trim();
    RULES.iter().copied().find(|rule| {
        let meta = rule.meta();
        meta.code.eq_ignore_ascii_case(selector) || meta.name.eq_ignore_ascii_case(selector)
    })
}

/// A rule's documentation as `nbtidy rule` prints it (Markdown): title, metadata, doc comment.
pub fn describe(rule: &dyn Rule) -> String {
    let meta = rule.meta();
    let keys = if meta.keys.is_empty() {
        "none".to_owned()
    } else {
        meta.keys
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "# {} ({})\n\nDefault severity: {}. {}. {}. Reads .editorconfig keys: {}.\nConfigure with `nbtidy_rule.{} = off | warning | error`.\n\n{}",
        meta.name,
        meta.code,
        meta.severity,
        if meta.recommended {
            "In the recommended set"
        } else {
            "Off by default"
        },
        capitalize(&meta.fix.to_string()),
        keys,
        meta.name,
        meta.doc
            .lines()
            .map(|line| line.strip_prefix(' ').unwrap_or(line))
            .collect::<Vec<_>>()
            .join("\n")
    )
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().collect::<String>() + chars.as_str()
    })
}

