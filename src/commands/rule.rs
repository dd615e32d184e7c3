//! `nbtidy rule CODE|NAME|--all`: print a rule's documentation (its doc comment).

use anyhow::{Result, bail};
use nbtidy_lint::registry::describe;
use nbtidy_lint::{RULES, find_rule};

use crate::args::RuleArgs;
use crate::{ExitStatus, printer};

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
