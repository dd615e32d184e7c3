//! Text that is safe to print.
//!
//! Everything nbtidy prints that came from a notebook, a path or a configuration value goes
//! through this crate first:
//!
//! 1. [`redact`] masks every secret [`find_secrets`] knows (tokens, API keys, private keys,
//!    passwords in URLs) and every string literal given to a password-like name
//!    ([`find_password_literals`]), whatever rules were selected. The `secret-in-notebook` rule
//!    (NB016) and the `hardcoded-password` rule (NB017) find them with the same finders.
//! 2. Then one escaping function per kind of output:
//!    - human-readable text (terminal, CI logs): [`escape`] (one line: line breaks escaped too)
//!      or [`escape_keeping_lines`] (diffs and other multi-line text);
//!    - JSON-based formats: [`escape_json`], on the serialized document;
//!    - XML: [`escape_xml`].
//!
//! [`for_terminal`] and [`for_terminal_lines`] do both steps for human-readable text.
//!
//! This crate does not decide what is printed or where (that is the renderers' and the CLI
//! printer's job), and it does not report findings (that is `nbtidy_lint`). It sits below both so
//! that neither reaches into the other: `nbtidy_diagnostics` (renderers), `nbtidy_lint` (NB016)
//! and the CLI depend on it, and it depends on nothing of nbtidy's.

use std::borrow::Cow;

mod escape;
mod secrets;

pub use escape::{escape, escape_json, escape_keeping_lines, escape_xml, is_unsafe};
pub use secrets::{
    Secret, find_password_literals, find_secrets, is_password_name, may_hold_secret, redact,
};

/// One line of human-readable output: secrets masked, then every unsafe character (line breaks
/// included) written as `\u{..}`, so the text stays on one line and cannot drive the terminal.
pub fn for_terminal(text: &str) -> Cow<'_, str> {
    match redact(text) {
        Cow::Borrowed(text) => escape(text),
        Cow::Owned(text) => Cow::Owned(escape(&text).into_owned()),
    }
}

/// Multi-line human-readable output (diffs, listings): like [`for_terminal`], but `\n` (and `\r`
/// right before it) are kept as line breaks.
pub fn for_terminal_lines(text: &str) -> Cow<'_, str> {
    match redact(text) {
        Cow::Borrowed(text) => escape_keeping_lines(text),
        Cow::Owned(text) => Cow::Owned(escape_keeping_lines(&text).into_owned()),
    }
}

#[cfg(test)]
mod tests;
