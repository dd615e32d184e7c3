//! `nbtidy git install`, `uninstall` and `status`: the `git config` entries of the three drivers
//! and the attributes line that gives them to `*.ipynb`.
//!
//! 1. Entries are written with `git config` (`--local`, or `--global`), commands naming this
//!    executable by its absolute path (git runs drivers without the user's shell setup).
//! 2. An entry that is already nbtidy's (its command runs `... git clean|filter-process|diff|merge`
//!    of an `nbtidy` executable) is updated; one that is not is left alone and reported (exit 2),
//!    unless `--force`.
//! 3. The attributes line `*.ipynb filter=nbtidy diff=nbtidy merge=nbtidy` is appended once;
//!    other lines giving notebooks another filter, diff or merge driver are named in a warning
//!    (in gitattributes, the last matching line wins).
//! 4. `uninstall` removes only nbtidy's entries and its exact line. Running either twice changes
//!    nothing the second time.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, Result, bail};

use super::InstallArgs;
use crate::{ExitStatus, printer};

/// The line added to the attributes file.
pub const ATTRIBUTES_LINE: &str = "*.ipynb filter=nbtidy diff=nbtidy merge=nbtidy";

/// One `git config` entry nbtidy sets.
struct Entry {
    key: &'static str,
    value: String,
    /// The `nbtidy git` subcommand its value runs (how an entry is recognised as nbtidy's).
    runs: Option<&'static str>,
}

/// This executable, quoted for the shell that runs git's driver commands.
fn executable() -> Result<String> {
    let exe = std::env::current_exe().context("cannot find the nbtidy executable's path")?;
    let text = exe.to_string_lossy().into_owned();
    if text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+:@%".contains(c))
    {
        Ok(text)
    } else {
        Ok(format!("'{}'", text.replace('\'', "'\\''")))
    }
}

fn entries() -> Result<Vec<Entry>> {
    let exe = executable()?;
    Ok(vec![
        Entry {
            key: "filter.nbtidy.clean",
            value: format!("{exe} git clean %f"),
            runs: Some("clean"),
        },
        Entry {
            key: "filter.nbtidy.process",
            value: format!("{exe} git filter-process"),
            runs: Some("filter-process"),
        },
        Entry {
            key: "diff.nbtidy.textconv",
            value: format!("{exe} git diff"),
            runs: Some("diff"),
        },
        Entry {
            key: "merge.nbtidy.name",
            value: "nbtidy: merge notebooks cell by cell".to_owned(),
            runs: None,
        },
        Entry {
            key: "merge.nbtidy.driver",
            value: format!("{exe} git merge %O %A %B %P --marker-size %L"),
            runs: Some("merge"),
        },
    ])
}

/// `true` when `value` is nbtidy's own command for `runs`.
fn is_ours(value: &str, runs: Option<&str>) -> bool {
    match runs {
        None => value.starts_with("nbtidy"),
        Some(sub) => {
            let words: Vec<&str> = value.split_whitespace().collect();
            words.windows(3).any(|w| {
                w[0].trim_matches('\'').ends_with("nbtidy") && w[1] == "git" && w[2] == sub
            })
        }
    }
}

fn scope(args: &InstallArgs) -> &'static str {
    if args.global { "--global" } else { "--local" }
}

/// Runs git; stdout on success.
fn git(arguments: &[&str]) -> Result<std::process::Output> {
    Command::new("git")
        .args(arguments)
        .output()
        .context("cannot run git (is it installed?)")
}

fn config_get(args: &InstallArgs, key: &str) -> Result<Option<String>> {
    let output = git(&["config", scope(args), "--get", key])?;
    match output.status.code() {
        Some(0) => Ok(Some(
            String::from_utf8_lossy(&output.stdout)
                .trim_end()
                .to_owned(),
        )),
        Some(1) => Ok(None),
        _ => bail!(
            "git config {} --get {key} failed: {}",
            scope(args),
            String::from_utf8_lossy(&output.stderr).trim()
        ),
    }
}

fn config_set(args: &InstallArgs, key: &str, value: &str) -> Result<()> {
    let output = git(&["config", scope(args), key, value])?;
    if !output.status.success() {
        bail!(
            "git config {} {key} failed: {}",
            scope(args),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(())
}

fn config_unset(args: &InstallArgs, key: &str) -> Result<()> {
    let output = git(&["config", scope(args), "--unset-all", key])?;
    // 5: the key was not set.
    if !output.status.success() && output.status.code() != Some(5) {
        bail!(
            "git config {} --unset-all {key} failed: {}",
            scope(args),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(())
}

/// The attributes file `install` writes.
fn attributes_file(args: &InstallArgs) -> Result<PathBuf> {
    if let Some(path) = &args.attributes {
        return Ok(path.clone());
    }
    if args.global {
        let output = git(&[
            "config",
            "--global",
            "--path",
            "--get",
            "core.attributesFile",
        ])?;
        if output.status.success() {
            let path = String::from_utf8_lossy(&output.stdout)
                .trim_end()
                .to_owned();
            if !path.is_empty() {
                return Ok(PathBuf::from(path));
            }
        }
        let config = std::env::var_os("XDG_CONFIG_HOME")
            .filter(|dir| !dir.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".config")))
            .context("neither XDG_CONFIG_HOME nor HOME is set")?;
        return Ok(config.join("git").join("attributes"));
    }
    let output = git(&["rev-parse", "--git-path", "info/attributes"])?;
    if !output.status.success() {
        bail!("not in a git repository (use --global to set nbtidy up for all your repositories)");
    }
    Ok(PathBuf::from(
        String::from_utf8_lossy(&output.stdout).trim_end(),
    ))
}

fn read_text(path: &Path) -> Result<Option<String>> {
    match nbtidy_fs::read_regular(path, nbtidy_fs::SETTINGS_LIMIT) {
        Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
        Err(nbtidy_fs::ReadError::Io(err)) if err.kind() == std::io::ErrorKind::NotFound => {
            Ok(None)
        }
        Err(err) => Err(anyhow::anyhow!("{}: {err}", path.display())),
    }
}

/// Lines of an attributes file (other than nbtidy's) that give a pattern matching notebooks
/// another filter, diff or merge driver: `(line number, line)`.
fn other_driver_lines(text: &str) -> Vec<(usize, String)> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| {
            let line = line.trim();
            let mut words = line.split_whitespace();
            let pattern = words.next().unwrap_or_default();
            line != ATTRIBUTES_LINE
                && (pattern.ends_with(".ipynb") || pattern == "*")
                && words.any(|attr| {
                    ["filter=", "diff=", "merge="]
                        .iter()
                        .any(|prefix| attr.starts_with(prefix) && !attr.ends_with("=nbtidy"))
                })
        })
        .map(|(n, line)| (n + 1, line.to_owned()))
        .collect()
}

/// `nbtidy git install`.
pub fn install(args: &InstallArgs) -> Result<ExitStatus> {
    let attributes = attributes_file(args)?;
    let entries = entries()?;
    // Check every entry before writing any.
    let mut foreign = Vec::new();
    for entry in &entries {
        if let Some(value) = config_get(args, entry.key)?
            && value != entry.value
            && !is_ours(&value, entry.runs)
        {
            foreign.push((entry.key, value));
        }
    }
    if !foreign.is_empty() && !args.force {
        for (key, value) in &foreign {
            printer::error(&format!(
                "git config {}: {key} is already set to `{value}`, which is not nbtidy's; nothing changed (--force replaces it)",
                scope(args)
            ));
        }
        return Ok(ExitStatus::Error);
    }
    let mut changed = Vec::new();
    for entry in &entries {
        let current = config_get(args, entry.key)?;
        if current.as_deref() == Some(entry.value.as_str()) {
            continue;
        }
        if let Some(old) = &current
            && !is_ours(old, entry.runs)
        {
            printer::warning(&format!("{}: replacing `{old}` (--force)", entry.key));
        }
        config_set(args, entry.key, &entry.value)?;
        changed.push(format!(
            "git config {} {} \"{}\"",
            scope(args),
            entry.key,
            entry.value
        ));
    }
    let text = read_text(&attributes)?.unwrap_or_default();
    if !text.lines().any(|line| line.trim() == ATTRIBUTES_LINE) {
        let mut new = text.clone();
        if !new.is_empty() && !new.ends_with('\n') {
            new.push('\n');
        }
        new.push_str(ATTRIBUTES_LINE);
        new.push('\n');
        if let Some(dir) = attributes
            .parent()
            .filter(|dir| !dir.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        if text.is_empty() && !attributes.exists() {
            std::fs::write(&attributes, new.as_bytes())
                .with_context(|| format!("cannot write {}", attributes.display()))?;
        } else {
            crate::write::write_atomic(&attributes, text.as_bytes(), new.as_bytes())?;
        }
        changed.push(format!("{}: {ATTRIBUTES_LINE}", attributes.display()));
    }
    for (number, line) in other_driver_lines(&text) {
        printer::warning(&format!(
            "{}:{number}: `{line}` also sets a driver for notebooks; the last matching line wins",
            attributes.display()
        ));
    }
    if changed.is_empty() {
        printer::note("nbtidy's git drivers are already installed; nothing changed");
    } else {
        for line in &changed {
            printer::out_text(&format!("set {line}\n"))?;
        }
    }
    Ok(ExitStatus::Success)
}

/// `nbtidy git uninstall`.
pub fn uninstall(args: &InstallArgs) -> Result<ExitStatus> {
    let mut status = ExitStatus::Success;
    let mut removed = Vec::new();
    for entry in entries()? {
        let Some(value) = config_get(args, entry.key)? else {
            continue;
        };
        if !is_ours(&value, entry.runs) && !args.force {
            printer::warning(&format!(
                "{} is `{value}`, which is not nbtidy's: left as it is",
                entry.key
            ));
            status = ExitStatus::Failure;
            continue;
        }
        config_unset(args, entry.key)?;
        removed.push(format!("git config {} {}", scope(args), entry.key));
    }
    let attributes = attributes_file(args)?;
    if let Some(text) = read_text(&attributes)?
        && text.lines().any(|line| line.trim() == ATTRIBUTES_LINE)
    {
        let mut new = String::with_capacity(text.len());
        for line in text.split_inclusive('\n') {
            if line.trim() != ATTRIBUTES_LINE {
                new.push_str(line);
            }
        }
        crate::write::write_atomic(&attributes, text.as_bytes(), new.as_bytes())?;
        removed.push(format!("{}: {ATTRIBUTES_LINE}", attributes.display()));
    }
    if removed.is_empty() {
        printer::note("nbtidy's git drivers are not installed; nothing changed");
    }
    for line in &removed {
        printer::out_text(&format!("removed {line}\n"))?;
    }
    Ok(status)
}

/// `nbtidy git status`: exit 0 when everything is installed, 1 when not.
pub fn status(args: &InstallArgs) -> Result<ExitStatus> {
    let mut complete = true;
    let mut out = String::new();
    for entry in entries()? {
        let state = match config_get(args, entry.key)? {
            Some(value) if value == entry.value => "installed".to_owned(),
            Some(value) if is_ours(&value, entry.runs) => {
                format!("installed (another nbtidy: `{value}`)")
            }
            Some(value) => {
                complete = false;
                format!("set to `{value}`, not nbtidy's")
            }
            None => {
                complete = false;
                "not set".to_owned()
            }
        };
        out.push_str(&format!(
            "git config {} {}: {state}\n",
            scope(args),
            entry.key
        ));
    }
    let attributes = attributes_file(args)?;
    let text = read_text(&attributes)?.unwrap_or_default();
    let has_line = text.lines().any(|line| line.trim() == ATTRIBUTES_LINE);
    complete &= has_line;
    out.push_str(&format!(
        "{}: {}\n",
        attributes.display(),
        if has_line {
            format!("`{ATTRIBUTES_LINE}`")
        } else {
            "no nbtidy line".to_owned()
        }
    ));
    // What git uses for a notebook here, all attribute files considered.
    let check = git(&[
        "check-attr",
        "filter",
        "diff",
        "merge",
        "--",
        "notebook.ipynb",
    ])?;
    if check.status.success() {
        for line in String::from_utf8_lossy(&check.stdout).lines() {
            out.push_str(&format!("git check-attr: {line}\n"));
        }
    }
    printer::out_text(&out)?;
    Ok(if complete {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}
