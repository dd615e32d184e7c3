//! Meta-tests over the registry: every rule is registered once, uniquely coded and named, and
//! documented in the fixed sections; its `nbtidy_*` keys are known to the settings layer.

use std::collections::HashSet;

use nbtidy_lint::{RULES, find_rule};

const SECTIONS: [&str; 5] = [
    "## What it does",
    "## Why is this bad?",
    "## Example",
    "## Fix safety",
    "## EditorConfig keys",
];

#[test]
fn codes_and_names_are_unique_and_well_formed() {
    let mut codes = HashSet::new();
    let mut names = HashSet::new();
    for rule in RULES.iter() {
        let meta = rule.meta();
        assert!(codes.insert(meta.code), "duplicate code {}", meta.code);
        assert!(names.insert(meta.name), "duplicate name {}", meta.name);
        assert!(
            meta.code
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_uppercase())
                && meta.code.chars().any(|c| c.is_ascii_digit()),
            "bad code {}",
            meta.code
        );
        assert!(
            meta.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !meta.name.starts_with('-')
                && !meta.name.ends_with('-')
                && !meta.name.contains("--"),
            "name {} is not kebab-case",
            meta.name
        );
        assert!(find_rule(meta.code).is_some() && find_rule(meta.name).is_some());
    }
}

#[test]
fn every_rule_is_documented_in_the_fixed_sections() {
    for rule in RULES.iter() {
        let meta = rule.meta();
        let mut at = 0;
        for section in SECTIONS {
            let Some(found) = meta.doc[at..].find(section) else {
                panic!("{}: missing or misplaced section `{section}`", meta.code);
            };
            at += found + section.len();
        }
        for key in meta.keys {
            assert!(
                meta.doc.contains(&format!("`{key}`")),
                "{}: key `{key}` is not documented",
                meta.code
            );
        }
    }
}

#[test]
fn rule_keys_are_known_to_the_settings_layer() {
    let formatter_keys = [
        "max_line_length",
        "indent_style",
        "indent_size",
        "tab_width",
        "trim_trailing_whitespace",
    ];
    for rule in RULES.iter() {
        for key in rule.meta().keys {
            assert!(
                formatter_keys.contains(key)
                    || nbtidy_config::NBTIDY_KEYS.contains(key)
                    || nbtidy_lint::linter_keys().contains(key),
                "{}: key `{key}` is neither a formatter key nor an `nbtidy_*` option (it would warn as unknown)",
                rule.meta().code
            );
        }
    }
}

/// Every `nbtidy_*` option a rule reads is typed on the rule (`options`), so an invalid value is
/// an error and not silently the default; and every typed option is among the rule's keys.
#[test]
fn every_rule_option_is_typed() {
    for rule in RULES.iter() {
        let meta = rule.meta();
        // Settings keys (`nbtidy_target_version`) are validated by the settings layer.
        for key in meta
            .keys
            .iter()
            .filter(|key| key.starts_with("nbtidy_") && !nbtidy_config::NBTIDY_KEYS.contains(key))
        {
            assert!(
                meta.options.iter().any(|option| option.key == *key),
                "{}: option `{key}` has no RuleOption (how is an invalid value reported?)",
                meta.code
            );
        }
        for option in meta.options {
            assert!(
                meta.keys.contains(&option.key),
                "{}: option `{}` is not among its keys",
                meta.code,
                option.key
            );
        }
    }
}
