//! `nbtidy completions SHELL` and `nbtidy man`: shell completion scripts (`clap_complete`) and
//! the manual page (`clap_mangen`), generated from the clap definitions in `args.rs` so they
//! cannot drift from the real arguments.

use anyhow::Result;
use clap::CommandFactory as _;
use clap_mangen::Man;
use clap_mangen::roff::{Roff, bold, roman};

use crate::args::{Args, CompletionsArgs};
use crate::{ExitStatus, printer};

/// Runs `nbtidy completions SHELL`.
pub fn completions(args: &CompletionsArgs) -> Result<ExitStatus> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Args::command(), "nbtidy", &mut script);
    printer::out(&script)?;
    Ok(ExitStatus::Success)
}

/// Runs `nbtidy man`.
pub fn man() -> Result<ExitStatus> {
    printer::out(man_page()?.as_bytes())?;
    Ok(ExitStatus::Success)
}

/// Renders with `render` into a string, without the preamble every rendering starts with
/// (it is needed once, at the top of the page).
fn section(render: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> std::io::Result<String> {
    let mut buf = Vec::new();
    render(&mut buf)?;
    let text = String::from_utf8_lossy(&buf).into_owned();
    let preamble = Roff::new().render();
    Ok(text.strip_prefix(&preamble).unwrap_or(&text).to_owned())
}

/// `.SH SYNOPSIS` → `.SS Synopsis`: a subcommand's sections become subsections of its own
/// section.
fn demote(roff: &str) -> String {
    roff.lines()
        .map(|line| match line.strip_prefix(".SH ") {
            Some(title) => {
                let title = title.trim_matches('"').to_lowercase();
                let mut chars = title.chars();
                let first = chars.next().map(|c| c.to_uppercase().collect::<String>());
                format!(".SS \"{}{}\"\n", first.unwrap_or_default(), chars.as_str())
            }
            None => format!("{line}\n"),
        })
        .collect()
}

/// One page for nbtidy and every subcommand: the top-level sections, a COMMANDS list, then one
/// section per subcommand (synopsis, description, options), exit status, files, environment.
fn man_page() -> std::io::Result<String> {
    let mut command = Args::command();
    command.build();
    let man = Man::new(command.clone());
    let mut page = Roff::new().render();
    page += &section(|w| man.render_title(w))?;
    page += &section(|w| man.render_name_section(w))?;
    page += &section(|w| man.render_synopsis_section(w))?;
    page += &section(|w| man.render_description_section(w))?;
    page += &section(|w| man.render_options_section(w))?;

    let subcommands: Vec<&clap::Command> = command
        .get_subcommands()
        .filter(|sub| !sub.is_hide_set() && sub.get_name() != "help")
        .collect();
    let mut list = Roff::new();
    list.control("SH", ["COMMANDS"]);
    for sub in &subcommands {
        list.control("TP", []);
        list.text([bold(format!("nbtidy {}", sub.get_name()))]);
        list.text([roman(
            sub.get_about().map(|a| a.to_string()).unwrap_or_default(),
        )]);
    }
    page += &section(|w| list.to_writer(w))?;

    for sub in subcommands {
        let title = format!("NBTIDY {}", sub.get_name().to_uppercase());
        page += &section(|w| Roff::new().control("SH", [title.as_str()]).to_writer(w))?;
        let man = Man::new(sub.clone());
        let mut body = section(|w| man.render_synopsis_section(w))?;
        body += &section(|w| man.render_description_section(w))?;
        if sub.get_arguments().any(|arg| !arg.is_hide_set()) {
            body += &section(|w| man.render_options_section(w))?;
        }
        page += &demote(&body);
    }

    let mut tail = Roff::new();
    tail.control("SH", ["EXIT STATUS"]);
    for (code, meaning) in [
        ("0", "Success: nothing to report, or nothing to change."),
        (
            "1",
            "format --check/--diff: a notebook would change. check: findings at or above the \
             fail level.",
        ),
        (
            "2",
            "A notebook, a setting or the command line could not be read; the files concerned \
             are not modified.",
        ),
    ] {
        tail.control("TP", [])
            .text([bold(code)])
            .text([roman(meaning)]);
    }
    tail.control("SH", ["FILES"]);
    tail.control("TP", []).text([bold(".editorconfig")]).text([roman(
        "All settings, read from the notebook's directory upward until a file says root = true. \
         `nbtidy config --init` prints every key with its default; `nbtidy config PATH` shows \
         what applies to a notebook.",
    )]);
    tail.control("SH", ["ENVIRONMENT"]);
    tail.control("TP", []).text([bold("NO_COLOR")]).text([roman(
        "When set to a non-empty value, check --color auto prints no colors.",
    )]);
    page += &section(|w| tail.to_writer(w))?;
    page += &section(|w| man.render_version_section(w))?;
    Ok(page)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_page_has_one_title_and_a_section_per_subcommand() {
        let page = super::man_page().unwrap();
        assert_eq!(
            page.matches("\n.TH ").count() + usize::from(page.starts_with(".TH")),
            1
        );
        for name in ["FORMAT", "CHECK", "RULE", "CONFIG", "COMPLETIONS", "MAN"] {
            assert!(page.contains(&format!(".SH \"NBTIDY {name}\"")), "{name}");
        }
        assert!(!page.contains("NBTIDY HELP"));
    }
}
