//! Every rule, by family: the families are listed here, each family lists its rules
//! (`rules/<family>/mod.rs`), in the order `nbtidy rule --all` and `docs/rules.md` show them.

use std::sync::LazyLock;

use crate::rule::Rule;
use crate::rules;

/// A family of rules: one folder of `src/rules/`.
pub struct Family {
    /// The folder name (`pyflakes`), as `nbtidy rule --list` shows it.
    pub name: &'static str,
    /// The title for docs (`Pyflakes`).
    pub title: &'static str,
    /// One sentence: what its rules look at.
    pub description: &'static str,
    /// Its rules, in display order.
    pub rules: &'static [&'static dyn Rule],
}

impl std::fmt::Debug for Family {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Family")
            .field("name", &self.name)
            .field("rules", &self.rules.len())
            .finish()
    }
}

/// The families, in display order.
pub static FAMILIES: &[&Family] = &[
    &rules::pyflakes::FAMILY,
    &rules::pycodestyle::FAMILY,
    &rules::isort::FAMILY,
    &rules::notebook::FAMILY,
];

/// All rules, family by family.
pub static RULES: LazyLock<Vec<&'static dyn Rule>> = LazyLock::new(|| {
    FAMILIES
        .iter()
        .flat_map(|family| family.rules.iter().copied())
        .collect()
});

/// The `.editorconfig` keys the linter reads besides the formatter's settings: the engine's own
/// ([`nbtidy_config::LINTER_KEYS`]) and every `nbtidy_*` option a rule declares (a settings key
/// a rule also reads, such as `nbtidy_target_version`, stays the settings layer's). Derived from
/// the registry, so a rule's option is declared once, on the rule.
pub fn linter_keys() -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = nbtidy_config::LINTER_KEYS.to_vec();
    for rule in RULES.iter() {
        for key in rule.meta().keys {
            if key.starts_with("nbtidy_")
                && !keys.contains(key)
                && !nbtidy_config::NBTIDY_KEYS.contains(key)
            {
                keys.push(key);
            }
        }
    }
    keys
}

/// A settings resolver that knows every key the linter reads (see [`linter_keys`]): what every
/// front end (CLI, server, git drivers) should use.
pub fn resolver(overrides: nbtidy_config::Overrides) -> nbtidy_config::Resolver {
    nbtidy_config::Resolver::new(overrides).with_linter_keys(linter_keys())
}

/// The family of a rule.
pub fn family_of(rule: &dyn Rule) -> Option<&'static Family> {
    let code = rule.meta().code;
    FAMILIES
        .iter()
        .copied()
        .find(|family| family.rules.iter().any(|r| r.meta().code == code))
}

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
