//! One module per subcommand, and what they share.

pub mod check;
pub mod config;
pub mod format;
pub mod rule;

use nbtidy_config::{ConfigWarning, WarningKind};

use crate::printer;

/// Why a notebook governed by an invalid `.editorconfig` value is skipped.
pub(crate) const INVALID_CONFIG: &str =
    "not processed: an `.editorconfig` value that applies to it is invalid";

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
