//! `nbtidy rule CODE|NAME|--all`: print a rule's documentation (its doc comment).

use anyhow::{Result, bail};
use nbtidy_lint::{RULES, Rule, find_rule};

use crate::args::RuleArgs;
use crate::{ExitStatus, printer};

fn describe(rule: &dyn Rule) -> String {
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

/// Runs `nbtidy rule`.
pub fn run(args: &RuleArgs) -> Result<ExitStatus> {
    let text = if args.all {
        RULES
            .iter()
            .map(|rule| describe(*rule))
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        let Some(selector) = &args.rule else {
            bail!("give a rule code or name, or --all");
        };
        let Some(rule) = find_rule(selector) else {
            bail!("no rule has the code or name `{selector}` (`nbtidy rule --all` lists them)");
        };
        describe(rule)
    };
    printer::out(text.as_bytes())?;
    Ok(ExitStatus::Success)
}
