//! `concise`: one line per finding, `path:cell N:ROW:COL: CODE [*] message`.
//!
//! `[*]` marks findings with a safe fix, which `--fix` applies (as ruff does).

use std::fmt::Write as _;

use super::{RenderOptions, display_location, escape_control};
use crate::{Applicability, Diagnostic, FileDiagnostics, Severity};

pub(super) fn render(files: &[FileDiagnostics], options: &RenderOptions) -> String {
    let mut out = String::new();
    for file in files {
        for diagnostic in &file.diagnostics {
            header(&mut out, file, diagnostic, options.color);
        }
    }
    out
}

/// `path:cell N:ROW:COL: CODE [*] message` and a newline (also the header of `full`).
pub(super) fn header(
    out: &mut String,
    file: &FileDiagnostics,
    diagnostic: &Diagnostic,
    color: bool,
) {
    let code = if color {
        let code_color = match diagnostic.severity {
            Severity::Error => "\x1b[1;31m",
            Severity::Warning => "\x1b[1;33m",
        };
        format!("{code_color}{}\x1b[0m", diagnostic.code)
    } else {
        diagnostic.code.to_owned()
    };
    let fixable = if diagnostic
        .fix
        .as_ref()
        .is_some_and(|fix| fix.applicability == Applicability::Safe)
    {
        " [*]"
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "{}: {code}{fixable} {}",
        display_location(&file.path, diagnostic),
        escape_control(&diagnostic.message)
    );
}
