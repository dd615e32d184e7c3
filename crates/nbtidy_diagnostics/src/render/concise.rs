//! `concise`: one line per finding, `path:cell N:ROW:COL: CODE [*] message`.
//!
//! `[*]` marks findings with a safe fix, which `--fix` applies (as ruff does).

use std::fmt::Write as _;

use nbtidy_safe_text::escape;

use super::{RenderOptions, write_location};
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
    let (code_color, reset) = match (color, diagnostic.severity) {
        (false, _) => ("", ""),
        (true, Severity::Error) => ("\x1b[1;31m", "\x1b[0m"),
        (true, Severity::Warning) => ("\x1b[1;33m", "\x1b[0m"),
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
    write_location(out, &file.path, diagnostic);
    let _ = writeln!(
        out,
        ": {code_color}{}{reset}{fixable} {}",
        diagnostic.code,
        escape(&diagnostic.message)
    );
}
