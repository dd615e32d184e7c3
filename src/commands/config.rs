//! `nbtidy config PATH`: every effective setting and rule severity for a notebook path, with where
//! each came from (`file:line`, command line, default). `nbtidy config --init`: an `.editorconfig`
//! block with every key at its default (`nbtidy_lint::keys`).

use std::fmt::Write as _;

use anyhow::{Context as _, Result, bail};
use nbtidy_config::Setting;
use nbtidy_lint::{Selection, SelectionArgs};

use crate::args::ConfigArgs;
use crate::{ExitStatus, printer};

fn line<T: std::fmt::Display>(out: &mut String, key: &str, setting: &Setting<T>) {
    let _ = writeln!(
        out,
        "{key:<30} {:<12} ({})",
        setting.value.to_string(),
        one_line(&setting.origin)
    );
}

/// An origin (`path:line`), a value or a path, escaped onto one line (the whole listing is then
/// printed with `printer::out_text`, which masks secrets and escapes the rest).
fn one_line(text: &impl std::fmt::Display) -> String {
    nbtidy_safe_text::escape(&text.to_string()).into_owned()
}

/// Runs `nbtidy config`.
pub fn run(args: &ConfigArgs) -> Result<ExitStatus> {
    if args.init {
        printer::out(nbtidy_lint::keys::init_editorconfig().as_bytes())?;
        return Ok(ExitStatus::Success);
    }
    let Some(path) = &args.path else {
        bail!("give a notebook path, or --init");
    };
    let resolver = nbtidy_lint::resolver(args.overrides.overrides());
    let resolved = resolver
        .resolve(path)
        .with_context(|| format!("{}: cannot resolve settings", path.display()))?;
    let s = &resolved.settings;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Settings for {}",
        nbtidy_safe_text::escape(&path.display().to_string())
    );
    if resolved.editorconfig_files().is_empty() {
        let _ = writeln!(out, "# no .editorconfig applies");
    }
    for file in resolved.editorconfig_files() {
        let _ = writeln!(
            out,
            "# from {}",
            nbtidy_safe_text::escape(&file.display().to_string())
        );
    }
    let _ = writeln!(out, "\n[format]");
    line(
        &mut out,
        "nbtidy",
        &Setting {
            value: if s.enabled.value { "on" } else { "off" },
            origin: s.enabled.origin.clone(),
        },
    );
    line(&mut out, "indent_style", &s.format.indent_style);
    line(&mut out, "indent_width", &s.format.indent_width);
    line(&mut out, "max_line_length", &s.format.line_length);
    line(&mut out, "quote_type", &s.format.quote_style);
    line(
        &mut out,
        "nbtidy_magic_trailing_comma",
        &s.format.magic_trailing_comma,
    );
    line(
        &mut out,
        "nbtidy_docstring_code",
        &Setting {
            value: if s.format.docstring_code.value {
                "on"
            } else {
                "off"
            },
            origin: s.format.docstring_code.origin.clone(),
        },
    );
    line(
        &mut out,
        "nbtidy_target_version",
        &Setting {
            value: s
                .format
                .target_version
                .value
                .map_or_else(|| "default".to_owned(), |v| v.to_string()),
            origin: s.format.target_version.origin.clone(),
        },
    );
    line(
        &mut out,
        "trim_trailing_whitespace",
        &s.trim_trailing_whitespace,
    );
    line(&mut out, "nbtidy_python_cell_magics", &s.python_cell_magics);

    let (selection, problems) = Selection::resolve(&resolved, &SelectionArgs::default());
    let _ = writeln!(out, "\n[check]");
    let _ = writeln!(
        out,
        "{:<30} {:<12} ({})",
        "nbtidy_fail_on",
        selection.fail_on.to_string(),
        one_line(&selection.fail_on_origin)
    );
    for (rule, severity, origin) in selection.explain() {
        let meta = rule.meta();
        let label = format!("{} {}", meta.code, meta.name);
        match severity {
            Some(severity) => {
                let _ = writeln!(
                    out,
                    "{label:<30} {:<12} ({})",
                    severity.to_string(),
                    one_line(&origin)
                );
            }
            None => {
                let _ = writeln!(out, "{label:<30} {:<12}", "off");
            }
        }
    }
    let linter_keys = nbtidy_lint::linter_keys();
    let options: Vec<_> = resolved
        .raw_entries()
        .into_iter()
        .filter(|(key, _, _)| linter_keys.contains(&key.as_str()))
        .collect();
    if !options.is_empty() {
        let _ = writeln!(out, "\n[rule options]");
        for (key, value, origin) in options {
            // An option the rules cannot use is shown as such (and reported below).
            let invalid = problems.iter().any(|p| p.is_error() && p.key == key);
            let _ = writeln!(
                out,
                "{:<30} {:<12} ({}){}",
                nbtidy_safe_text::escape(&key),
                nbtidy_safe_text::escape(&value),
                one_line(&origin),
                if invalid { " invalid" } else { "" }
            );
        }
    }
    // Values and paths come from `.editorconfig` files: secrets masked, unsafe characters escaped.
    printer::out_text(&out)?;
    let mut status = ExitStatus::Success;
    for problem in resolved.warnings.iter().chain(&problems) {
        super::print_problem(problem, super::STOPS_NOTEBOOKS);
        if problem.is_error() {
            status = ExitStatus::Error;
        }
    }
    Ok(status)
}
