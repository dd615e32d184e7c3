//! Renderers: one module per output format. Each turns the findings of all files into one string.
//!
//! 1. Files come in the order given (the CLI sorts them by path); findings in a file come in the
//!    order given (sorted by location).
//! 2. Text formats (`full`, `concise`) escape control characters of notebook text and paths, so no
//!    terminal escape sequence from a notebook reaches the terminal.
//! 3. Machine formats (`json`, `github`, `gitlab`, `sarif`, `junit`) are stable: fields are only
//!    added, never renamed.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::str::FromStr;

use crate::FileDiagnostics;

mod concise;
mod full;
mod github;
mod gitlab;
mod json;
mod junit;
mod sarif;

/// The output formats of `nbtidy check --output-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    /// Code frames (annotate-snippets), `path:cell N:ROW:COL`.
    #[default]
    Full,
    /// One line per finding.
    Concise,
    /// A JSON array of findings (see `json.rs` for the fields).
    Json,
    /// GitHub Actions workflow commands, on the `.ipynb` line.
    Github,
    /// GitLab Code Quality report.
    Gitlab,
    /// SARIF 2.1.0.
    Sarif,
    /// JUnit XML.
    Junit,
}

impl OutputFormat {
    /// All formats, by name.
    pub const ALL: [(&'static str, OutputFormat); 7] = [
        ("full", OutputFormat::Full),
        ("concise", OutputFormat::Concise),
        ("json", OutputFormat::Json),
        ("github", OutputFormat::Github),
        ("gitlab", OutputFormat::Gitlab),
        ("sarif", OutputFormat::Sarif),
        ("junit", OutputFormat::Junit),
    ];
}

impl FromStr for OutputFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(s))
            .map(|(_, format)| *format)
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|(name, _)| *name).collect();
                format!("expected one of {}", names.join(", "))
            })
    }
}

/// Options for rendering.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Use ANSI colors (text formats only).
    pub color: bool,
    /// The tool's version, for formats that record it (SARIF).
    pub version: String,
}

/// Renders the findings of `files` in `format`.
pub fn render(format: OutputFormat, files: &[FileDiagnostics], options: &RenderOptions) -> String {
    match format {
        OutputFormat::Full => full::render(files, options),
        OutputFormat::Concise => concise::render(files, options),
        OutputFormat::Json => json::render(files),
        OutputFormat::Github => github::render(files),
        OutputFormat::Gitlab => gitlab::render(files),
        OutputFormat::Sarif => sarif::render(files, options),
        OutputFormat::Junit => junit::render(files),
    }
}

/// Makes text safe to print on a terminal: control characters (other than tab) are written as
/// `\u{..}` escapes, so an escape sequence stored in a notebook cannot drive the terminal.
pub fn escape_control(text: &str) -> Cow<'_, str> {
    // Control characters are bytes below 0x20, DEL, and U+0080..U+009F (UTF-8 `C2 80..9F`).
    if !text
        .bytes()
        .any(|b| (b < 0x20 && b != b'\t') || b == 0x7f || b == 0xc2)
        || !text.chars().any(|c| c.is_control() && c != '\t')
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() && c != '\t' {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `path:cell N:ROW:COL` (or `path:LINE:COL` in the file for notebook-level findings).
pub fn display_location(path: &str, diagnostic: &crate::Diagnostic) -> String {
    let mut out = String::new();
    write_location(&mut out, path, diagnostic);
    out
}

/// Appends [`display_location`] to `out`.
pub(crate) fn write_location(out: &mut String, path: &str, diagnostic: &crate::Diagnostic) {
    let location = &diagnostic.location;
    let path = escape_control(path);
    let _ = match location.cell {
        Some(cell) => write!(
            out,
            "{path}:cell {cell}:{}:{}",
            location.start.row, location.start.column
        ),
        None => write!(
            out,
            "{path}:{}:{}",
            location.file_start.row, location.file_start.column
        ),
    };
}

#[cfg(test)]
pub(crate) mod tests;
