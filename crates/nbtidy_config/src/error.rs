//! Problems with values (invalid, unknown keys, ignored; from any source) and errors
//! (unreadable or unparsable `.editorconfig` files).

use std::fmt;
use std::path::{Path, PathBuf};

use crate::settings::Origin;

/// A setting nbtidy cannot use as written, from any source: an `.editorconfig` line, a
/// command-line flag, a rule option or a rule severity. The one kind of error (or warning) for
/// values, whoever reads the key (this crate, the linter's rule selection, the argument parser).
///
/// Displays as `{origin}: {key} = {value}: {message}`, e.g.
/// `/repo/.editorconfig:3: indent_size = fuor: expected a whole number from 1 to 16 or `tab``
/// or `command line: --select = F4O1: expected a rule code (`F401`), ...`.
///
/// The same line produces the same problem for every notebook it applies to; it is `Eq + Hash`
/// so callers can report each one once.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SettingProblem {
    /// Where the value was written: [`Origin::EditorConfig`] (file and line) or [`Origin::Cli`].
    pub origin: Origin,
    /// The key, lowercased for `.editorconfig` keys (they are case-insensitive), or the flag
    /// (`--select`).
    pub key: String,
    /// The value as written.
    pub value: String,
    /// What was wrong: what the key expects (`expected ...`), or that it is unknown or ignored.
    pub message: String,
    /// For an invalid value read by this crate: the value the setting falls back to. Empty
    /// otherwise.
    pub fallback: String,
    /// Whether the value is invalid (an error), or the key unknown or the value ignored.
    pub kind: ProblemKind,
}

impl SettingProblem {
    /// An invalid value: an error for whatever it applies to.
    pub fn invalid(
        origin: Origin,
        key: impl Into<String>,
        value: impl Into<String>,
        expected: impl Into<String>,
    ) -> Self {
        Self {
            origin,
            key: key.into(),
            value: value.into(),
            message: expected.into(),
            fallback: String::new(),
            kind: ProblemKind::InvalidValue,
        }
    }

    /// A value that is valid but ignored, or a key nothing reads ([`ProblemKind::Ignored`]).
    pub fn ignored(
        origin: Origin,
        key: impl Into<String>,
        value: impl Into<String>,
        why: impl Into<String>,
    ) -> Self {
        Self {
            kind: ProblemKind::Ignored,
            ..Self::invalid(origin, key, value, why)
        }
    }

    /// `true` for an invalid value that applies: the notebooks (or the run) it concerns stop.
    pub fn is_error(&self) -> bool {
        self.kind == ProblemKind::InvalidValue
    }

    /// The `.editorconfig` line, when the value comes from one.
    pub fn line(&self) -> Option<usize> {
        match &self.origin {
            Origin::EditorConfig { line, .. } => Some(*line),
            _ => None,
        }
    }
}

/// What kind of problem a [`SettingProblem`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProblemKind {
    /// A known key with a value nbtidy cannot use: an error for what it applies to.
    InvalidValue,
    /// An invalid value that a command-line flag overrides, so it changes nothing this run.
    OverriddenInvalidValue,
    /// An `nbtidy_*` key nbtidy does not know (a typo, most likely); it is ignored.
    UnknownKey,
    /// A value nbtidy reads and ignores (`nbtidy_rule.E999 = off`, a rule name no rule has).
    Ignored,
}

impl fmt::Display for SettingProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} = {}: {}",
            self.origin, self.key, self.value, self.message
        )
    }
}

/// An `.editorconfig` file that applies to a notebook could not be used at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The notebook path is relative and the current directory is unavailable.
    #[error(
        "cannot determine the current directory, needed to find the `.editorconfig` files for a relative path: {error}"
    )]
    CurrentDir {
        /// The underlying error.
        error: std::io::Error,
    },
    /// An `.editorconfig` file exists but could not be read.
    #[error("cannot read {}: {error}", path.display())]
    Read {
        /// The `.editorconfig` file.
        path: PathBuf,
        /// The underlying error.
        error: std::io::Error,
    },
    /// An `.editorconfig` file is not valid EditorConfig syntax.
    #[error("{}:{line}: cannot parse this `.editorconfig` file: {reason}", path.display())]
    Parse {
        /// The `.editorconfig` file.
        path: PathBuf,
        /// 1-based number of the offending line.
        line: usize,
        /// What is wrong with the line.
        reason: String,
    },
}

impl ConfigError {
    /// The `.editorconfig` file concerned, if the error is about one.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Self::CurrentDir { .. } => None,
            Self::Read { path, .. } | Self::Parse { path, .. } => Some(path),
        }
    }
}
