//! Warnings (bad values, unknown keys) and errors (unreadable or unparsable files).

use std::fmt;
use std::path::{Path, PathBuf};

/// A problem with one `key = value` line of an `.editorconfig` file that nbtidy could work
/// around: the value is invalid, or the `nbtidy_*` key is unknown.
///
/// Displays as `{path}:{line}: {key} = {value}: {message}`, e.g.
/// `/repo/.editorconfig:3: indent_size = fuor: expected a whole number from 1 to 16 or `tab``.
///
/// The same line produces the same warning for every notebook it applies to; it is `Eq + Hash`
/// so callers can report each one once.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConfigWarning {
    /// The `.editorconfig` file.
    pub path: PathBuf,
    /// 1-based line number.
    pub line: usize,
    /// The key, lowercased (EditorConfig keys are case-insensitive).
    pub key: String,
    /// The value as written.
    pub value: String,
    /// What was wrong (what the key expects, or that it is unknown).
    pub message: String,
    /// For an invalid value: the value the setting falls back to. Empty for unknown keys.
    pub fallback: String,
    /// Whether the value is invalid or the key unknown.
    pub kind: WarningKind,
}

/// What kind of problem a [`ConfigWarning`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WarningKind {
    /// A known key with a value nbtidy cannot use (the setting falls back).
    InvalidValue,
    /// An invalid value that a command-line flag overrides, so it changes nothing this run.
    OverriddenInvalidValue,
    /// An `nbtidy_*` key nbtidy does not know (a typo, most likely); it is ignored.
    UnknownKey,
}

impl fmt::Display for ConfigWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {} = {}: {}",
            self.path.display(),
            self.line,
            self.key,
            self.value,
            self.message
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
