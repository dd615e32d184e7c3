//! Command-line arguments (clap derive), validated into typed values.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use nbtidy_config::{IndentStyle, LineLength, Overrides, QuoteStyle};

/// Format and lint the Python code in Jupyter notebooks, changing nothing else.
///
/// Settings come from `.editorconfig` (see `README.md`); command-line flags win over it.
#[derive(Debug, Parser)]
#[command(name = "nbtidy", version, about, max_term_width = 100)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Format the code cells of notebooks in place.
    ///
    /// Only the `source` of code cells whose code changes is rewritten; every other byte of the
    /// file stays as it is. Exit codes: 0 done (or nothing to do), 1 with --check/--diff when a
    /// notebook would change, 2 when a notebook or setting could not be read.
    Format(FormatArgs),
    /// Lint notebooks: code, style from .editorconfig, and notebook hygiene.
    ///
    /// Exit codes: 0 no finding at or above the fail level (`nbtidy_fail_on`, default `error`),
    /// 1 findings at or above it, 2 when a notebook or setting could not be read.
    Check(CheckArgs),
    /// Print a rule's documentation.
    Rule(RuleArgs),
    /// Print every setting and rule severity that applies to a path, and where each came from.
    ///
    /// With --init, print instead an `.editorconfig` block that sets every key nbtidy reads to
    /// its default, with comments.
    Config(ConfigArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell or elvish).
    ///
    /// For example: `nbtidy completions bash > ~/.local/share/bash-completion/completions/nbtidy`.
    Completions(CompletionsArgs),
    /// Run the language server (LSP over stdin/stdout) for editors.
    ///
    /// Serves notebook documents (every cell linted in notebook order), `.py` files and raw
    /// `.ipynb` files opened as JSON text: diagnostics, quick fixes, fix-all, formatting and hover,
    /// with settings from `.editorconfig` as on the command line. See docs/editors.md.
    Server,
    /// Print the manual page (roff) for nbtidy and all its commands.
    ///
    /// For example: `nbtidy man > ~/.local/share/man/man1/nbtidy.1`, or `nbtidy man | man -l -`.
    Man,
    /// Make git understand notebooks: a clean filter, readable diffs, a cell-aware merge driver.
    ///
    /// `nbtidy git install` sets them up for `*.ipynb` (see `docs/git.md`); git runs the others.
    Git(crate::commands::git::GitArgs),
}

/// `--indent-width`: what `.editorconfig`'s `indent_size` takes as a number, with its message.
fn parse_indent_width(text: &str) -> Result<u8, String> {
    text.parse::<u8>()
        .ok()
        .filter(|width| (1..=16).contains(width))
        .ok_or_else(|| "expected a whole number from 1 to 16".to_owned())
}

/// Formatter settings the command line can impose on top of `.editorconfig`.
#[derive(Debug, Clone, clap::Args)]
pub struct OverrideArgs {
    /// Maximum line length (a number from 1 to 320, or `off`).
    #[arg(long, value_name = "N|off")]
    pub line_length: Option<LineLength>,

    /// Width of one indentation level (1 to 16).
    #[arg(long, value_name = "N", value_parser = parse_indent_width)]
    pub indent_width: Option<u8>,

    /// Indent with spaces or tabs.
    #[arg(long, value_name = "space|tab")]
    pub indent_style: Option<IndentStyle>,

    /// Quote style for strings (`auto` keeps each string's quotes).
    #[arg(long, value_name = "single|double|auto")]
    pub quote_style: Option<QuoteStyle>,
}

impl OverrideArgs {
    /// The settings the command line imposes on top of `.editorconfig`.
    pub fn overrides(&self) -> Overrides {
        Overrides {
            indent_style: self.indent_style,
            indent_width: self.indent_width,
            line_length: self.line_length,
            quote_style: self.quote_style,
        }
    }
}

/// When to color text output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum ColorChoice {
    /// When stdout is a terminal and `NO_COLOR` is not set.
    #[default]
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Notebooks or directories to check (default: the current directory).
    pub paths: Vec<PathBuf>,

    /// Apply safe fixes in place.
    #[arg(long)]
    pub fix: bool,

    /// Also apply (or show) unsafe fixes.
    #[arg(long)]
    pub unsafe_fixes: bool,

    /// Write nothing; print the changes the fixes would make.
    #[arg(long)]
    pub diff: bool,

    /// Output format: full, concise, json, github, gitlab, sarif or junit.
    #[arg(long, value_name = "FORMAT", default_value = "full")]
    pub output_format: nbtidy_diagnostics::OutputFormat,

    /// Run exactly these rules: codes, names, code prefixes (`F`, `NB`) or `ALL`, comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Option<Vec<String>>,

    /// Do not run these rules (same forms as --select).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,

    /// Exit 1 on findings at or above this severity (overrides `nbtidy_fail_on`).
    #[arg(long, value_name = "error|warning")]
    pub fail_on: Option<SeverityArg>,

    /// Color text output.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,

    /// Skip files and directories matching this glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// The layout settings `format` takes, so that `check` (E501, W191, ...) judges the code
    /// `format` made with the same flags.
    #[command(flatten)]
    pub overrides: OverrideArgs,

    /// No summary line.
    #[arg(long, short, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Also name every notebook skipped (not Python, `nbtidy = off`) and why.
    #[arg(long, short)]
    pub verbose: bool,
}

/// A severity on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SeverityArg {
    /// Only errors fail.
    Error,
    /// Warnings fail too.
    Warning,
}

#[derive(Debug, clap::Args)]
pub struct RuleArgs {
    /// A rule code (`F401`) or name (`unused-import`).
    pub rule: Option<String>,

    /// Every rule's documentation.
    #[arg(long, conflicts_with = "rule")]
    pub all: bool,

    /// A compact table of every rule, by family: code, name, severity, recommended, fix.
    #[arg(long, conflicts_with_all = ["rule", "all"])]
    pub list: bool,
}

#[derive(Debug, clap::Args)]
pub struct ConfigArgs {
    /// The notebook path to show settings for (it need not exist).
    #[arg(required_unless_present = "init")]
    pub path: Option<PathBuf>,

    /// Print an `.editorconfig` block with every key nbtidy reads, set to its default.
    #[arg(long, conflicts_with_all = ["path", "line_length", "indent_width", "indent_style", "quote_style"])]
    pub init: bool,

    #[command(flatten)]
    pub overrides: OverrideArgs,
}

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to print the completion script for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, clap::Args)]
pub struct FormatArgs {
    /// Notebooks or directories to format (default: the current directory). `-` reads stdin.
    pub paths: Vec<PathBuf>,

    /// Write nothing; exit 1 and list the notebooks that would change.
    #[arg(long)]
    pub check: bool,

    /// Write nothing; print a unified diff of every cell that would change (exit 1 if any).
    #[arg(long)]
    pub diff: bool,

    /// Before formatting, apply the safe fixes of the selected rules, then sort imports (I001's
    /// fix, selected or not, unless `nbtidy_rule.I001 = off`): one command for a save action.
    /// `nbtidy_format_fix = on` does the same.
    #[arg(long)]
    pub fix: bool,

    /// Read one notebook on stdin and write the result to stdout; P picks the settings. When P
    /// ends in `.py`, stdin is the code of one cell.
    #[arg(long, value_name = "P")]
    pub stdin_filename: Option<PathBuf>,

    /// Skip files and directories matching this glob (repeatable). Files named on the command
    /// line are always formatted.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    #[command(flatten)]
    pub overrides: OverrideArgs,

    /// Print only errors and warnings, no summary.
    #[arg(long, short, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Also name every notebook skipped (not Python, `nbtidy = off`) and why.
    #[arg(long, short)]
    pub verbose: bool,
}

impl FormatArgs {
    /// The settings the command line imposes on top of `.editorconfig`.
    pub fn overrides(&self) -> Overrides {
        self.overrides.overrides()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_overrides() {
        let args = Args::try_parse_from([
            "nbtidy",
            "format",
            "--line-length",
            "off",
            "--indent-style",
            "tab",
            "--quote-style",
            "single",
            "--indent-width",
            "2",
            "a.ipynb",
        ])
        .unwrap();
        let Command::Format(format) = args.command else {
            panic!("parsed as format")
        };
        let overrides = format.overrides();
        assert_eq!(overrides.line_length, Some(LineLength::Off));
        assert_eq!(overrides.indent_style, Some(IndentStyle::Tab));
        assert_eq!(overrides.quote_style, Some(QuoteStyle::Single));
        assert_eq!(overrides.indent_width, Some(2));
        assert!(Args::try_parse_from(["nbtidy", "format", "--indent-width", "0"]).is_err());
        assert!(Args::try_parse_from(["nbtidy", "format", "--line-length", "wide"]).is_err());
    }

    #[test]
    fn config_takes_a_path_or_init() {
        assert!(Args::try_parse_from(["nbtidy", "config", "a.ipynb"]).is_ok());
        assert!(Args::try_parse_from(["nbtidy", "config", "--init"]).is_ok());
        assert!(Args::try_parse_from(["nbtidy", "config"]).is_err());
        assert!(Args::try_parse_from(["nbtidy", "config", "--init", "a.ipynb"]).is_err());
        assert!(
            Args::try_parse_from(["nbtidy", "config", "--init", "--line-length", "9"]).is_err()
        );
    }

    #[test]
    fn clap_definitions_are_consistent() {
        use clap::CommandFactory as _;
        Args::command().debug_assert();
    }
}
