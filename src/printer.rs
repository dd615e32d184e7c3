//! The only place that prints. stdout carries results (diffs, formatted code, lists of files);
//! stderr carries warnings, errors and the summary.

use std::io::Write as _;

/// Prints `error: MESSAGE` to stderr (secrets masked, unsafe characters escaped: one line).
pub fn error(message: &str) {
    let _ = writeln!(
        std::io::stderr().lock(),
        "error: {}",
        nbtidy_safe_text::for_terminal(message)
    );
}

/// Prints `warning: MESSAGE` to stderr (secrets masked, unsafe characters escaped: one line).
pub fn warning(message: &str) {
    let _ = writeln!(
        std::io::stderr().lock(),
        "warning: {}",
        nbtidy_safe_text::for_terminal(message)
    );
}

/// Writes human-readable text that may hold text from a notebook, a path or a setting (diffs,
/// `would reformat:` lines, listings) to stdout: secrets masked, unsafe characters escaped, line
/// breaks kept. A piece that must stay on one line (a path in a header) must be passed through
/// [`nbtidy_safe_text::escape`] first, so that a newline in it cannot forge a line.
pub fn out_text(text: &str) -> std::io::Result<()> {
    out(nbtidy_safe_text::for_terminal_lines(text).as_bytes())
}

/// Prints an argument error (clap's text, quoted values already on one line) to stderr: secrets
/// masked, unsafe characters escaped, line breaks kept.
pub fn argument_error(text: &str) {
    let _ = write!(
        std::io::stderr().lock(),
        "{}",
        nbtidy_safe_text::for_terminal_lines(text)
    );
}

/// Prints a line to stderr, as it is (for text nbtidy wrote itself).
pub fn note(message: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{message}");
}

/// Writes bytes to stdout as they are: formatted notebooks and code, and text that is already safe
/// (rendered findings: the renderers mask and escape). A closed pipe becomes an error that `main`
/// turns into a quiet exit.
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
