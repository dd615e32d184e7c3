//! `nbtidy rule CODE|NAME|--all|--list`: print a rule's documentation (its doc comment), every
//! rule's, or a compact table of every rule by family.

use anyhow::{Result, bail};
use nbtidy_lint::registry::{FAMILIES, describe};
use nbtidy_lint::{RULES, find_rule};

use crate::args::RuleArgs;
use crate::{ExitStatus, printer};

/// Runs `nbtidy rule`.
pub fn run(args: &RuleArgs) -> Result<ExitStatus> {
    let text = if args.list {
        list()
    } else if args.all {
        RULES
            .iter()
            .map(|rule| describe(*rule))
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        let Some(selector) = &args.rule else {
            bail!("give a rule code or name, or --all, or --list");
        };
        let Some(rule) = find_rule(selector) else {
            bail!("no rule has the code or name `{selector}` (`nbtidy rule --list` lists them)");
        };
        describe(rule)
    };
    printer::out(text.as_bytes())?;
    Ok(ExitStatus::Success)
}

/// One line per rule, grouped by family:
/// `  F401   unused-import              warning  recommended  fix: sometimes`.
fn list() -> String {
    use std::fmt::Write as _;
    let width = RULES
        .iter()
        .map(|rule| rule.meta().name.len())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for family in FAMILIES {
        let _ = writeln!(
            out,
            "{} ({} rules): {}",
            family.name,
            family.rules.len(),
            family.description
        );
        for rule in family.rules {
            let meta = rule.meta();
            let _ = writeln!(
                out,
                "  {:<6} {:<width$}  {:<7}  {:<11}  {}",
                meta.code,
                meta.name,
                meta.severity.to_string(),
                if meta.recommended { "recommended" } else { "" },
                meta.fix
            );
        }
        out.push('\n');
    }
    out.trim_end().to_owned() + "\n"
}
