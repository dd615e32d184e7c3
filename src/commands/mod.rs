//! One module per subcommand, and what they share.

pub mod check;
pub mod config;
pub mod format;
pub mod generate;
pub mod rule;

use std::path::{Path, PathBuf};

use anyhow::Result;
use nbtidy_config::{ConfigWarning, WarningKind};
use rayon::prelude::*;

use crate::{printer, walk};

/// Walks `paths` (default `.`), runs `process` on every notebook in parallel, and returns the
/// results in path order, followed by one `failed(message)` per path that cannot be read.
/// A panic while processing a notebook becomes `failed("PATH: internal error: ...")` for that
/// notebook, in its place; the others are still processed.
pub(crate) fn for_each_notebook<R: Send>(
    paths: &[PathBuf],
    exclude: &[String],
    process: impl Fn(&Path) -> R + Sync,
    failed: impl Fn(String) -> R + Sync,
) -> Result<Vec<R>> {
    let exclude = walk::exclusions(exclude)?;
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let found = walk::notebooks(&paths, &exclude);
    let mut results: Vec<R> = found
        .notebooks
        .par_iter()
        .map(|path| {
            crate::panic::catch(|| process(path))
                .unwrap_or_else(|message| failed(format!("{}: {message}", path.display())))
        })
        .collect();
    results.extend(found.errors.into_iter().map(failed));
    Ok(results)
}

/// Why a notebook governed by an invalid `.editorconfig` value is skipped.
pub(crate) const INVALID_CONFIG: &str =
    "not processed: an `.editorconfig` value that applies to it is invalid";

/// The settings for `path` and the `.editorconfig` problems met on the way. `Err` carries the
/// message that stops the notebook: an unreadable `.editorconfig`, or an invalid value (nothing is
/// done with a setting the user did not mean); unknown keys only warn.
pub(crate) fn resolve_settings(
    resolver: &nbtidy_config::Resolver,
    path: &Path,
) -> (
    Vec<ConfigWarning>,
    std::result::Result<nbtidy_config::Resolved, String>,
) {
    match resolver.resolve(path) {
        Ok(resolved) => {
            let warnings = resolved.warnings.clone();
            if warnings.iter().any(|w| w.kind == WarningKind::InvalidValue) {
                (warnings, Err(INVALID_CONFIG.to_owned()))
            } else {
                (warnings, Ok(resolved))
            }
        }
        Err(err) => (Vec::new(), Err(err.to_string())),
    }
}

/// Prints a problem with an `.editorconfig` value: invalid values are errors (the notebooks they
/// apply to are not processed), the rest are warnings.
pub(crate) fn print_config_warning(warning: &ConfigWarning) {
    match warning.kind {
        WarningKind::InvalidValue => printer::error(&format!(
            "{warning}; the notebooks it applies to are not processed"
        )),
        WarningKind::OverriddenInvalidValue => {
            printer::warning(&format!("{warning} (overridden on the command line)"));
        }
        WarningKind::UnknownKey => printer::warning(&warning.to_string()),
    }
}
