//! The only place that prints. stdout carries results (diffs, formatted code, lists of files);
//! stderr carries warnings, errors and the summary.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::Write as _;

/// Prints `error: MESSAGE` to stderr (control characters escaped).
pub fn error(message: &str) {
    let _ = writeln!(std::io::stderr().lock(), "error: {}", escape(message));
}

/// Prints `warning: MESSAGE` to stderr (control characters escaped).
pub fn warning(message: &str) {
    let _ = writeln!(std::io::stderr().lock(), "warning: {}", escape(message));
}

/// `text` with control characters other than tab written as `\u{..}`, so that a path, a cell's
/// code or a parser message quoting it cannot drive the terminal (ANSI/OSC sequences, `\r`
/// overwriting the line, ...). Used for every human-readable message.
pub fn escape(text: &str) -> Cow<'_, str> {
    escape_with(text, |_, _| false)
}

/// Like [`escape`], for multi-line text such as diffs: line endings (`\n`, and `\r` before `\n`)
/// are kept as they are.
pub fn escape_lines(text: &str) -> Cow<'_, str> {
    escape_with(text, |c, next| {
        c == '\n' || (c == '\r' && next == Some('\n'))
    })
}

fn escape_with(text: &str, keep: impl Fn(char, Option<char>) -> bool) -> Cow<'_, str> {
    let needs = |c: char| c.is_control() && c != '\t';
    if !text.chars().any(needs) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if needs(c) && !keep(c, chars.peek().copied()) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Prints a line to stderr, as it is (for text nbtidy wrote itself).
pub fn note(message: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{message}");
}

/// Writes to stdout; a closed pipe becomes an error that `main` turns into a quiet exit.
pub fn out(bytes: &[u8]) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(bytes)?;
    stdout.flush()
}

/// `true` when the error chain holds a broken pipe.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// `1 notebook` / `3 notebooks`.
pub fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("{count} {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_writes_control_characters_as_escapes() {
        assert_eq!(
            escape("a\u{1b}]8;;x\u{7}b\tc\r\n"),
            "a\\u{1b}]8;;x\\u{7}b\tc\\u{d}\\u{a}"
        );
        assert!(matches!(escape("plain\ttext"), Cow::Borrowed(_)));
    }

    #[test]
    fn escape_lines_keeps_line_endings_only() {
        assert_eq!(
            escape_lines("x = 1\r\ny\rz\u{1b}[2J\n"),
            "x = 1\r\ny\\u{d}z\\u{1b}[2J\n"
        );
    }
}
