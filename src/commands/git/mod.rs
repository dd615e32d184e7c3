//! `nbtidy git`: the drivers that make git understand notebooks, and their setup.
//!
//! - `clean` and `filter-process`: the clean filter (what is committed has no outputs, execution
//!   counts or metadata noise; the working file keeps them), see [`clean`];
//! - `diff`: the diff driver's textconv (cells, sources, outputs summarized), see [`diff`];
//! - `merge`: the merge driver (cell by cell, [`nbtidy_merge`]), see [`merge`];
//! - `install`, `uninstall`, `status`: the `git config` entries and the attributes line, see
//!   [`install`].
//!
//! Git drivers never lose a user's content: the clean filter passes what it cannot clean through
//! unchanged (with a warning), and the merge driver leaves the current version with a conflict
//! when it cannot merge.

pub mod clean;
pub mod diff;
pub mod install;
pub mod merge;

use std::path::PathBuf;

use anyhow::Result;
use clap::Subcommand;

use crate::ExitStatus;

/// `nbtidy git` arguments.
#[derive(Debug, clap::Args)]
pub struct GitArgs {
    #[command(subcommand)]
    pub command: GitCommand,
}

#[derive(Debug, Subcommand)]
pub enum GitCommand {
    /// Configure the clean filter, diff driver and merge driver for `*.ipynb`.
    ///
    /// Writes `filter.nbtidy.*`, `diff.nbtidy.*` and `merge.nbtidy.*` to the repository's git
    /// config (`--global`: yours) and `*.ipynb filter=nbtidy diff=nbtidy merge=nbtidy` to
    /// `.git/info/attributes` (`--global`: your global attributes file; `--attributes FILE`: that
    /// file, e.g. `.gitattributes` to share it). Running it again changes nothing.
    Install(InstallArgs),
    /// Remove what `install` configured (only nbtidy's own entries and line).
    Uninstall(InstallArgs),
    /// Say what is configured, and which drivers git uses for notebooks here.
    Status(InstallArgs),
    /// The clean filter: read a notebook on stdin, write it without outputs, execution counts and
    /// metadata noise to stdout.
    ///
    /// Git runs it as `nbtidy git clean %f`. `.editorconfig` decides per path what is stripped:
    /// `nbtidy_rule.outputs-present = off` keeps outputs, `nbtidy_rule.execution-count-present =
    /// off` counts, `nbtidy_rule.notebook-metadata-noise = off` metadata; cells tagged
    /// `keep-output` and `nbtidy_outputs_allowed_size` are honoured; `nbtidy = off` passes the
    /// file through. A notebook it cannot read is passed through unchanged, with a warning.
    Clean(CleanArgs),
    /// The clean filter as a long-running process (git's `filter.<driver>.process` protocol): one
    /// process for a whole `git status` or `git add`.
    FilterProcess,
    /// The diff driver's textconv: print a notebook as text (cell headers, sources, outputs
    /// summarized).
    ///
    /// Git runs it as `nbtidy git diff FILE`.
    Diff(DiffArgs),
    /// The merge driver: merge two versions of a notebook cell by cell into CURRENT.
    ///
    /// Git runs it as `nbtidy git merge %O %A %B %P`. Exit codes: 0 merged cleanly, 1 conflicts
    /// (written inside the cells' sources with markers; the notebook stays valid JSON), 2 when a
    /// version cannot be read (CURRENT is left as it was, and git reports a conflict).
    Merge(MergeArgs),
}

/// Where `install`, `uninstall` and `status` work.
#[derive(Debug, Clone, clap::Args)]
pub struct InstallArgs {
    /// Your global git config and global attributes file instead of the repository's.
    #[arg(long)]
    pub global: bool,

    /// The attributes file to write (default: `.git/info/attributes`, with --global your
    /// `core.attributesFile` or `~/.config/git/attributes`).
    #[arg(long, value_name = "FILE")]
    pub attributes: Option<PathBuf>,

    /// Replace `filter.nbtidy`, `diff.nbtidy` or `merge.nbtidy` entries that are not nbtidy's.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, clap::Args)]
pub struct CleanArgs {
    /// The notebook's path in the repository (git's `%f`), for its `.editorconfig` settings.
    pub path: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The file to show (git passes a temporary copy).
    pub file: PathBuf,
}

/// What the merge driver does with outputs and execution counts that differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputsArg {
    /// Take the side that ran the cell.
    Ran,
    /// Clear them.
    Clear,
}

#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// The common ancestor (`%O`).
    pub base: PathBuf,
    /// The current version (`%A`); the result is written here.
    pub current: PathBuf,
    /// The other version (`%B`).
    pub other: PathBuf,
    /// The notebook's path in the repository (`%P`), for messages.
    pub path: Option<PathBuf>,

    /// Outputs and execution counts that differ: take the side that ran, or clear them.
    #[arg(long, value_name = "ran|clear", default_value = "ran")]
    pub outputs: OutputsArg,

    /// Size of conflict markers (git's `%L`).
    #[arg(long, value_name = "N", default_value_t = 7)]
    pub marker_size: usize,

    /// Label after `<<<<<<<` (git's `%X` where available).
    #[arg(long, value_name = "TEXT", default_value = "ours")]
    pub ours_label: String,

    /// Label after `>>>>>>>` (git's `%Y` where available).
    #[arg(long, value_name = "TEXT", default_value = "theirs")]
    pub theirs_label: String,
}

/// Runs `nbtidy git ...`.
pub fn run(args: &GitArgs) -> Result<ExitStatus> {
    match &args.command {
        GitCommand::Install(install) => install::install(install),
        GitCommand::Uninstall(install) => install::uninstall(install),
        GitCommand::Status(install) => install::status(install),
        GitCommand::Clean(clean) => clean::run(clean),
        GitCommand::FilterProcess => clean::filter_process(),
        GitCommand::Diff(diff) => diff::run(diff),
        GitCommand::Merge(merge) => merge::run(merge),
    }
}
