//! Renderers: one module per output format. Each turns the findings of all files into one string.
//!
//! 1. Files come in the order given (the CLI sorts them by path); findings in a file come in the
//!    order given (sorted by location).
//! 2. [`render`] masks every secret (`nbtidy_safe_text::redact`) in every string of the findings
//!    (paths, messages, fix titles, cell texts, edit contents) before any renderer sees them,
//!    whatever rules ran and whatever the format: a renderer cannot forget it.
//! 3. Each renderer escapes what it writes with the function for its kind of output:
//!    human-readable text (`full`, `concise`, and the messages of `github`) with
//!    [`nbtidy_safe_text::escape`]; JSON documents (`json`, `gitlab`, `sarif`) with
//!    [`nbtidy_safe_text::escape_json`] on the serialized text; XML (`junit`) with
//!    [`nbtidy_safe_text::escape_xml`]. No control character, bidirectional control or line
//!    separator from a notebook, a path or a setting reaches the output raw.
//! 4. Machine formats (`json`, `github`, `gitlab`, `sarif`, `junit`) are stable: fields are only
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

    /// The output is one document around all the files' findings (a JSON array, a SARIF log, a
    /// GitLab report, a JUnit report) rather than a sequence of per-file texts. [`Document`]
    /// still writes a JSON array as it comes; the other three once every notebook is done.
    pub fn needs_whole_document(self) -> bool {
        match self {
            OutputFormat::Full | OutputFormat::Concise | OutputFormat::Github => false,
            OutputFormat::Json
            | OutputFormat::Gitlab
            | OutputFormat::Sarif
            | OutputFormat::Junit => true,
        }
    }

    /// The output is for programs (CI systems, code scanning, editors), not people: the
    /// command prints no summary line after it, and writes the document even with no findings.
    pub fn is_machine_readable(self) -> bool {
        match self {
            OutputFormat::Full | OutputFormat::Concise => false,
            OutputFormat::Json
            | OutputFormat::Github
            | OutputFormat::Gitlab
            | OutputFormat::Sarif
            | OutputFormat::Junit => true,
        }
    }

    /// The format shows code frames, so a file's cell texts must be kept until it is rendered.
    pub fn shows_code(self) -> bool {
        matches!(self, OutputFormat::Full)
    }

    /// The format prints each fix's edits, not only whether there is one (`[*]`, counts): the
    /// engine must build them (`nbtidy_lint::Fixes`), and they are masked for secrets.
    pub fn shows_fix_edits(self) -> bool {
        matches!(self, OutputFormat::Json)
    }
}

/// What one file contributes to the output, made where the file was processed (in parallel) so
/// that the whole output never has to hold every file's findings: see [`Document`].
#[derive(Debug, Clone)]
pub enum Piece {
    /// Text to write now (full, concise, github).
    Text(String),
    /// A rendered fragment of the document and the number of findings in it (json, junit).
    Fragment(String, usize),
    /// The findings themselves, without cell texts (sarif and gitlab: rule indexes and unique
    /// fingerprints depend on every file).
    Findings(FileDiagnostics),
}

/// The output of a run, assembled file by file in path order.
///
/// 1. [`Document::piece`] renders one file (any thread); [`Document::add`] takes the pieces in
///    path order and returns the text to write at once, if any.
/// 2. [`Document::finish`] returns the rest: the whole document for sarif, gitlab and junit
///    (their headers depend on every file), the closing `]` for json (written as it comes).
///
/// What comes out is byte for byte what [`render`] gives for all the files at once.
#[derive(Debug)]
pub struct Document {
    format: OutputFormat,
    options: RenderOptions,
    /// The junit suites so far.
    fragments: String,
    total: usize,
    files: Vec<FileDiagnostics>,
}

impl Document {
    /// An empty document.
    pub fn new(format: OutputFormat, options: RenderOptions) -> Self {
        Document {
            format,
            options,
            fragments: String::new(),
            total: 0,
            files: Vec::new(),
        }
    }

    /// What `file` contributes, secrets masked; `None` for a file without findings.
    pub fn piece(
        format: OutputFormat,
        file: &FileDiagnostics,
        options: &RenderOptions,
    ) -> Option<Piece> {
        if file.diagnostics.is_empty() {
            return None;
        }
        Some(match format {
            OutputFormat::Full | OutputFormat::Concise | OutputFormat::Github => {
                Piece::Text(render(format, std::slice::from_ref(file), options))
            }
            OutputFormat::Json | OutputFormat::Junit => {
                let files = redacted(format, std::slice::from_ref(file));
                let text = if format == OutputFormat::Json {
                    json::elements(&files[0])
                } else {
                    junit::suite(&files[0])
                };
                Piece::Fragment(text, file.diagnostics.len())
            }
            OutputFormat::Sarif | OutputFormat::Gitlab => Piece::Findings(FileDiagnostics {
                path: file.path.clone(),
                cells: Vec::new(),
                diagnostics: file.diagnostics.clone(),
            }),
        })
    }

    /// Takes the next file's piece (in path order); returns the text to write now.
    pub fn add(&mut self, piece: Piece) -> Option<String> {
        match piece {
            Piece::Text(text) => Some(text),
            // The array is written as it comes: `[`, the elements with `,` between, then `]`.
            Piece::Fragment(text, count) if self.format == OutputFormat::Json => {
                let separator = if self.total == 0 { "[\n" } else { ",\n" };
                self.total += count;
                Some(format!("{separator}{text}"))
            }
            Piece::Fragment(text, count) => {
                self.total += count;
                self.fragments.push_str(&text);
                None
            }
            Piece::Findings(file) => {
                self.files.push(file);
                None
            }
        }
    }

    /// The rest of the output: the whole document for formats that need one (json: its end);
    /// `None` for the others.
    pub fn finish(self) -> Option<String> {
        match self.format {
            OutputFormat::Full | OutputFormat::Concise | OutputFormat::Github => None,
            OutputFormat::Json if self.total == 0 => Some("[]\n".to_owned()),
            OutputFormat::Json => Some("\n]\n".to_owned()),
            OutputFormat::Junit => Some(junit::document(self.total, &self.fragments)),
            OutputFormat::Sarif | OutputFormat::Gitlab => {
                Some(render(self.format, &self.files, &self.options))
            }
        }
    }
}

impl FromStr for OutputFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(s))
            .map(|(_, format)| *format)
            .ok_or_else(|| {
                let names: Vec<String> = Self::ALL
                    .iter()
                    .map(|(name, _)| format!("`{name}`"))
                    .collect();
                let (last, rest) = names.split_last().expect("formats exist");
                format!("expected {} or {last}", rest.join(", "))
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

/// Renders the findings of `files` in `format`, secrets masked.
pub fn render(format: OutputFormat, files: &[FileDiagnostics], options: &RenderOptions) -> String {
    let files = redacted(format, files);
    let files = files.as_ref();
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

/// `files` with every secret masked in every string `format` prints (copied only when something
/// is masked): cell texts only when it shows code, fix edits only when it shows them. Masking
/// keeps the number of characters and the line breaks, so locations still point at the same
/// rows and columns.
fn redacted(format: OutputFormat, files: &[FileDiagnostics]) -> Cow<'_, [FileDiagnostics]> {
    let (code, edits) = (format.shows_code(), format.shows_fix_edits());
    /// Every string of `file` a renderer may print.
    fn strings(
        file: &mut FileDiagnostics,
        code: bool,
        edits: bool,
    ) -> impl Iterator<Item = &mut String> {
        let cells = if code { &mut file.cells[..] } else { &mut [] };
        std::iter::once(&mut file.path)
            .chain(cells)
            .chain(file.diagnostics.iter_mut().flat_map(move |diagnostic| {
                std::iter::once(&mut diagnostic.message)
                    .chain(&mut diagnostic.fix_title)
                    .chain(
                        diagnostic
                            .fix
                            .iter_mut()
                            .filter(move |_| edits)
                            .flat_map(|fix| fix.edits.iter_mut().map(|edit| &mut edit.content)),
                    )
            }))
    }
    let has_secret = |file: &FileDiagnostics| {
        let cells = if code { &file.cells[..] } else { &[] };
        std::iter::once(&file.path)
            .chain(cells)
            .chain(file.diagnostics.iter().flat_map(|diagnostic| {
                std::iter::once(&diagnostic.message)
                    .chain(&diagnostic.fix_title)
                    .chain(
                        diagnostic
                            .fix
                            .iter()
                            .filter(|_| edits)
                            .flat_map(|fix| fix.edits.iter().map(|edit| &edit.content)),
                    )
            }))
            .any(|text| matches!(nbtidy_safe_text::redact(text), Cow::Owned(_)))
    };
    if !files.iter().any(has_secret) {
        return Cow::Borrowed(files);
    }
    let mut files = files.to_vec();
    for file in &mut files {
        for text in strings(file, code, edits) {
            if let Cow::Owned(masked) = nbtidy_safe_text::redact(text) {
                *text = masked;
            }
        }
    }
    Cow::Owned(files)
}

/// `path:cell N:ROW:COL` (or `path:LINE:COL` in the file for notebook-level findings), the path
/// masked and escaped.
pub fn display_location(path: &str, diagnostic: &crate::Diagnostic) -> String {
    let mut out = String::new();
    write_location(&mut out, &nbtidy_safe_text::redact(path), diagnostic);
    out
}

/// Appends [`display_location`] to `out`.
pub(crate) fn write_location(out: &mut String, path: &str, diagnostic: &crate::Diagnostic) {
    let location = &diagnostic.location;
    let path = nbtidy_safe_text::escape(path);
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
