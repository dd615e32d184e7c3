//! Which rules run on a notebook, at which severity, and what makes `check` fail.
//!
//! Precedence, lowest first (later steps override earlier ones):
//! 1. the base set from `nbtidy_rules`: `recommended` (default), `all` or `none`;
//! 2. `nbtidy_rule.<code-or-name> = off | warning | error` in `.editorconfig`, per rule;
//! 3. `--select` on the command line: when given, exactly the selected rules run (at the severity
//!    step 2 gave them, else their own);
//! 4. `--ignore` on the command line removes rules.
//!
//! `E999` (syntax-error) is in every base set and cannot be turned off from `.editorconfig`;
//! only an explicit `--select` that leaves it out drops it.
//! The fail level is `nbtidy_fail_on` (`error` by default), or `--fail-on`.
//!
//! Every invalid value met on the way (a base set, a severity, a fail level, a rule option such
//! as `nbtidy_max_output_size`, a selector) is a [`SettingProblem`], the same type the settings
//! layer gives for `.editorconfig` values (`SOURCE: key = value: expected ...`);
//! [`argument_problems`] checks the command line's selectors alone, once per run.

use std::collections::BTreeMap;

use nbtidy_config::{Origin, Resolved, SettingProblem};
use nbtidy_diagnostics::Severity;

use crate::registry::{RULES, find_rule};
use crate::rule::Rule;

/// What the command line says about rules.
#[derive(Debug, Clone, Default)]
pub struct SelectionArgs {
    /// `--select`: codes, names, code prefixes (`F`, `NB0`) or `ALL`.
    pub select: Option<Vec<String>>,
    /// `--ignore`: the same forms.
    pub ignore: Vec<String>,
    /// `--fail-on`.
    pub fail_on: Option<Severity>,
}

/// The rules that run on one notebook.
#[derive(Debug, Clone)]
pub struct Selection {
    enabled: BTreeMap<&'static str, (Severity, String)>,
    /// Findings at or above this severity make `check` exit 1.
    pub fail_on: Severity,
    /// Where the fail level came from.
    pub fail_on_origin: String,
}

impl Selection {
    /// The severity of an enabled rule, by code; `None` when the rule does not run.
    pub fn severity(&self, code: &str) -> Option<Severity> {
        self.enabled.get(code).map(|(severity, _)| *severity)
    }

    /// The enabled rules, in registry order.
    pub fn rules(&self) -> impl Iterator<Item = &'static dyn Rule> + '_ {
        RULES
            .iter()
            .copied()
            .filter(|rule| self.enabled.contains_key(rule.meta().code))
    }

    /// Every rule with its effective severity (`None` = off) and where that came from.
    pub fn explain(&self) -> Vec<(&'static dyn Rule, Option<Severity>, String)> {
        RULES
            .iter()
            .map(|rule| match self.enabled.get(rule.meta().code) {
                Some((severity, origin)) => (*rule, Some(*severity), origin.clone()),
                None => (*rule, None, String::new()),
            })
            .collect()
    }

    /// Everything [`Selection::resolve`] reads from `config`: the `nbtidy_rules`,
    /// `nbtidy_rule.*` and `nbtidy_fail_on` entries with their origins. Notebooks whose configs
    /// have equal keys get equal selections (for the same arguments), so a caller checking many
    /// notebooks resolves once per distinct key.
    pub fn cache_key(config: &Resolved) -> Vec<(String, String, String)> {
        config
            .raw_entries()
            .into_iter()
            .filter(|(key, _, _)| {
                key == "nbtidy_rules"
                    || key == "nbtidy_fail_on"
                    || key.starts_with("nbtidy_rule.")
                    || rule_options().any(|option| key == option.key)
            })
            .map(|(key, value, origin)| (key, value, origin.to_string()))
            .collect()
    }

    /// Resolves the selection for one notebook.
    pub fn resolve(config: &Resolved, args: &SelectionArgs) -> (Selection, Vec<SettingProblem>) {
        let mut problems = Vec::new();

        // 1. Base set.
        let (base, base_origin) = match config.raw("nbtidy_rules") {
            Some((value, origin)) => match value.to_ascii_lowercase().as_str() {
                "recommended" => ("recommended", origin.to_string()),
                "all" => ("all", origin.to_string()),
                "none" => ("none", origin.to_string()),
                _ => {
                    problems.push(SettingProblem::invalid(
                        origin,
                        "nbtidy_rules",
                        value,
                        "expected `recommended`, `all` or `none`",
                    ));
                    ("recommended", "default".to_owned())
                }
            },
            None => ("recommended", "default".to_owned()),
        };
        let mut enabled: BTreeMap<&'static str, (Severity, String)> = RULES
            .iter()
            .map(|rule| rule.meta())
            .filter(|meta| match base {
                "all" => true,
                "none" => meta.code == "E999",
                _ => meta.recommended || meta.code == "E999",
            })
            .map(|meta| {
                (
                    meta.code,
                    (
                        meta.severity,
                        format!("nbtidy_rules = {base} ({base_origin})"),
                    ),
                )
            })
            .collect();

        // 2. Per-rule settings.
        let mut explicit: BTreeMap<&'static str, Severity> = BTreeMap::new();
        for (key, value, origin) in config.raw_entries() {
            let Some(selector) = key.strip_prefix("nbtidy_rule.") else {
                continue;
            };
            let Some(rule) = find_rule(selector) else {
                problems.push(SettingProblem::ignored(
                    origin,
                    key,
                    value,
                    "no rule has this code or name; ignored",
                ));
                continue;
            };
            let meta = rule.meta();
            match value.to_ascii_lowercase().as_str() {
                "off" | "false" | "none" if meta.code == "E999" => {
                    problems.push(SettingProblem::ignored(
                        origin,
                        key,
                        value,
                        "syntax-error cannot be turned off",
                    ));
                }
                "off" | "false" | "none" => {
                    enabled.remove(meta.code);
                }
                level @ ("warning" | "error") => {
                    let severity = if level == "error" {
                        Severity::Error
                    } else {
                        Severity::Warning
                    };
                    explicit.insert(meta.code, severity);
                    enabled.insert(meta.code, (severity, format!("{key} ({origin})")));
                }
                _ => problems.push(SettingProblem::invalid(
                    origin,
                    key,
                    value,
                    "expected `off`, `warning` or `error`",
                )),
            }
        }

        // 3. --select.
        if let Some(select) = &args.select {
            let mut selected = BTreeMap::new();
            for selector in select {
                let matched = match_selector(selector);
                if matched.is_empty() {
                    problems.push(SettingProblem::invalid(
                        Origin::Cli,
                        "--select",
                        selector,
                        SELECTOR_EXPECTED,
                    ));
                }
                for rule in matched {
                    let meta = rule.meta();
                    let severity = explicit.get(meta.code).copied().unwrap_or(meta.severity);
                    selected.insert(meta.code, (severity, format!("--select {selector}")));
                }
            }
            enabled = selected;
        }

        // 4. --ignore.
        for selector in &args.ignore {
            let matched = match_selector(selector);
            if matched.is_empty() {
                problems.push(SettingProblem::invalid(
                    Origin::Cli,
                    "--ignore",
                    selector,
                    SELECTOR_EXPECTED,
                ));
            }
            for rule in matched {
                enabled.remove(rule.meta().code);
            }
        }

        problems.extend(option_problems(config));

        let (fail_on, fail_on_origin) = match args.fail_on {
            Some(level) => (level, "command line".to_owned()),
            None => match config.raw("nbtidy_fail_on") {
                Some((value, origin)) => match value.to_ascii_lowercase().as_str() {
                    "error" => (Severity::Error, origin.to_string()),
                    "warning" => (Severity::Warning, origin.to_string()),
                    _ => {
                        problems.push(SettingProblem::invalid(
                            origin,
                            "nbtidy_fail_on",
                            value,
                            "expected `error` or `warning`",
                        ));
                        (Severity::Error, "default".to_owned())
                    }
                },
                None => (Severity::Error, "default".to_owned()),
            },
        };
        (
            Selection {
                enabled,
                fail_on,
                fail_on_origin,
            },
            problems,
        )
    }
}

/// What `--select` and `--ignore` accept.
const SELECTOR_EXPECTED: &str =
    "expected a rule code (`F401`), a rule name (`unused-import`), a code prefix (`F`) or `ALL`";

/// Problems with the command line's rule selectors alone (`--select`, `--ignore`): they apply to
/// every notebook, so a caller can report them once before doing anything.
pub fn argument_problems(args: &SelectionArgs) -> Vec<SettingProblem> {
    let select = args.select.iter().flatten().map(|s| ("--select", s));
    let ignore = args.ignore.iter().map(|s| ("--ignore", s));
    select
        .chain(ignore)
        .filter(|(_, selector)| match_selector(selector).is_empty())
        .map(|(flag, selector)| {
            SettingProblem::invalid(Origin::Cli, flag, selector.as_str(), SELECTOR_EXPECTED)
        })
        .collect()
}

/// Every rule's typed options (declared on the rule, `RuleMeta::options`), each key once.
fn rule_options() -> impl Iterator<Item = &'static crate::RuleOption> {
    let mut seen = Vec::new();
    RULES
        .iter()
        .flat_map(|rule| rule.meta().options.iter())
        .filter(move |option| {
            let first = !seen.contains(&option.key);
            seen.push(option.key);
            first
        })
}

/// Invalid rule options among `config`'s entries (`SOURCE: key = value: expected ...`): checked
/// with the parser each rule declares for its options, so an invalid value is an error for the
/// notebooks it applies to, like any other invalid value, instead of the rule silently using its
/// default.
pub fn option_problems(config: &Resolved) -> Vec<SettingProblem> {
    rule_options()
        .filter_map(|option| {
            let (value, origin) = config.raw(option.key)?;
            (!(option.valid)(value))
                .then(|| SettingProblem::invalid(origin, option.key, value, option.expected))
        })
        .collect()
}

/// Rules matching a selector: `ALL`, an exact code or name, or a code prefix.
pub fn match_selector(selector: &str) -> Vec<&'static dyn Rule> {
    let selector = selector.trim();
    if selector.eq_ignore_ascii_case("all") {
        return RULES.to_vec();
    }
    if let Some(rule) = find_rule(selector) {
        return vec![rule];
    }
    RULES
        .iter()
        .copied()
        .filter(|rule| {
            let code = rule.meta().code;
            !selector.is_empty()
                && code.len() > selector.len()
                && code[..selector.len()].eq_ignore_ascii_case(selector)
        })
        .collect()
}
