//! The four targets: what an input is, how inputs are made from seeds and mutated, and the
//! property each input must satisfy.
//!
//! A check returns `Ok(signature)` when the property holds (the signature is a coarse summary
//! of the behaviour, used to keep inputs that did something new) or a [`Failure`] when it does
//! not. Panics are not caught here; the driver catches them.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use nbtidy_config::{
    FormatSettings, IndentStyle, LineLength, MagicTrailingComma, Overrides, PythonVersion,
    QuoteStyle, Resolved, Setting,
};
use nbtidy_format::{CellFormatter, FormatError};
use nbtidy_lint::fix::fix_notebook;
use nbtidy_lint::{Context, Selection, SelectionArgs};
use nbtidy_notebook::{CellType, Notebook, SourceError, SourceShape};
use rand::RngExt;
use rand::seq::IndexedRandom;
use ruff_python_ast::comparable::ComparableMod;
use ruff_python_ast::visitor::transformer::{Transformer, walk_expr, walk_stmt};
use ruff_python_ast::{
    AtomicNodeIndex, Expr, ExprNoneLiteral, FString, FStringFlags, FStringPart, FStringValue,
    InterpolatedStringElement, InterpolatedStringLiteralElement, Mod, PySourceType, Stmt,
};
use ruff_python_parser::ParseOptions;
use ruff_text_size::TextRange;
use serde::Deserialize as _;

use crate::mutate::{self, FuzzRng};
use crate::seeds::Seeds;

/// A fuzz target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// (a) The notebook reader and the no-op writer: arbitrary bytes never panic; an accepted
    /// input is JSON, round-trips byte for byte, and its cells decode as an independent JSON
    /// reader decodes them; a notebook Jupyter can read is accepted.
    Notebook,
    /// (b) Re-encoding one cell's source: the result is JSON, the cell reads back as the new
    /// text in the same shape, every byte outside that cell's `source` is unchanged, and the
    /// file keeps its ASCII-only and single-line styles.
    Splice,
    /// (c) Formatting cell code: no panic, formatting the output again changes nothing, code
    /// that parses is formatted into code that parses with the same syntax tree (docstrings
    /// aside), code that does not parse is refused.
    Format,
    /// (d) Fixing with every rule and unsafe fixes: no panic, no fix refused for breaking code,
    /// the result is a readable JSON notebook, and no Python cell that parsed stops parsing.
    Fix,
}

impl Target {
    /// Every target, in the order `all` runs them.
    pub const ALL: [Target; 4] = [
        Target::Notebook,
        Target::Splice,
        Target::Format,
        Target::Fix,
    ];

    /// The target's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Target::Notebook => "notebook",
            Target::Splice => "splice",
            Target::Format => "format",
            Target::Fix => "fix",
        }
    }

    /// The target called `name`.
    pub fn from_name(name: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.name() == name)
    }

    /// File extension of saved inputs.
    pub fn extension(self) -> &'static str {
        match self {
            Target::Notebook | Target::Fix => "ipynb",
            Target::Splice => "splice",
            Target::Format => "py",
        }
    }

    /// Inputs longer than this are cut.
    pub fn max_len(self) -> usize {
        match self {
            Target::Notebook | Target::Splice => 512 * 1024,
            Target::Format => 64 * 1024,
            Target::Fix => 96 * 1024,
        }
    }
}

/// A broken property (or a caught panic).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// What broke, without input-specific details: failures with the same kind are the same
    /// bug as far as deduplication goes.
    pub kind: String,
    /// The details for this input.
    pub detail: String,
}

impl Failure {
    fn new(kind: impl Into<String>, detail: impl Into<String>) -> Self {
        Failure {
            kind: kind.into(),
            detail: detail.into(),
        }
    }
}

/// The result of one check.
pub type Outcome = Result<u64, Failure>;

fn signature(value: impl Hash) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

/// FNV-1a: a stable hash for choosing per-input settings and naming artifacts.
pub fn fnv(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// A message with digits removed and cut short: the shape of an error, for deduplication.
fn shape_of(message: &str) -> String {
    message
        .chars()
        .filter(|c| !c.is_ascii_digit())
        .take(60)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The JSON oracle.

/// Replaces `NaN`, `Infinity` and `-Infinity` by same-length numbers where Python's `json` module
/// accepts them: as whole values (after `[`, `,` or `:`, before `,`, `]`, `}`, whitespace or the
/// end). Anything else is left for serde_json to reject.
///
/// Deliberately written apart from the reader's own scanner (`nbtidy_notebook::scan`): an
/// oracle that shared the reader's code would share its bugs (this one found `-NaN`, `1NaN`,
/// `NaN1` and `-Infinity0` being accepted).
fn sanitize_python_json(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out: Option<Vec<u8>> = None;
    let mut in_string = false;
    let mut previous = 0u8; // last non-whitespace byte outside strings
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => {
                    in_string = false;
                    previous = b'"';
                }
                _ => {}
            }
            i += 1;
            continue;
        }
        let (token, replacement): (&[u8], &[u8]) = if bytes[i..].starts_with(b"NaN") {
            (b"NaN", b"0.0")
        } else if bytes[i..].starts_with(b"-Infinity") {
            (b"-Infinity", b"-1.000000")
        } else if bytes[i..].starts_with(b"Infinity") {
            (b"Infinity", b"1.000000")
        } else {
            (b"", b"")
        };
        if !token.is_empty() {
            let next = bytes.get(i + token.len()).copied();
            let whole = matches!(previous, b'[' | b',' | b':')
                && next
                    .is_none_or(|n| matches!(n, b',' | b']' | b'}' | b' ' | b'\t' | b'\r' | b'\n'));
            if whole {
                out.get_or_insert_with(|| bytes.to_vec())[i..i + token.len()]
                    .copy_from_slice(replacement);
                previous = b'0';
                i += token.len();
                continue;
            }
        }
        match b {
            b'"' => in_string = true,
            b' ' | b'\t' | b'\r' | b'\n' => {}
            _ => previous = b,
        }
        i += 1;
    }
    match out {
        Some(bytes) => Cow::Owned(String::from_utf8(bytes).expect("ASCII replaced by ASCII")),
        None => Cow::Borrowed(text),
    }
}

/// The text of `bytes` without a UTF-8 BOM, if it is UTF-8.
fn json_text(bytes: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(bytes).ok()?;
    Some(text.strip_prefix('\u{feff}').unwrap_or(text))
}

/// `true` when `bytes` is one JSON value as Python's `json` module (and so Jupyter) reads it,
/// within serde_json's nesting limit: a UTF-8 BOM, lone surrogates and whole-value `NaN` /
/// `Infinity` / `-Infinity` allowed.
pub fn is_python_json(bytes: &[u8]) -> bool {
    let Some(text) = json_text(bytes) else {
        return false;
    };
    let sanitized = sanitize_python_json(text);
    let mut de = serde_json::Deserializer::from_str(&sanitized);
    serde::de::IgnoredAny::deserialize(&mut de).is_ok() && de.end().is_ok()
}

/// The notebook as a `serde_json::Value` (duplicate keys: the last wins), when serde_json can
/// represent it (no lone surrogates, no out-of-range numbers).
fn json_value(bytes: &[u8]) -> Option<serde_json::Value> {
    let text = json_text(bytes)?;
    serde_json::from_str(&sanitize_python_json(text)).ok()
}

// ---------------------------------------------------------------------------------------------
// The checker: shared state of the checks.

/// First line of a format input that pins its settings: `# nbtidy-fuzz settings=N`.
pub const FORMAT_HEADER: &str = "# nbtidy-fuzz settings=";

/// What the checks need besides the input: formatter settings and a lint configuration.
pub struct Checker {
    formatters: Vec<(&'static str, CellFormatter)>,
    config: Resolved,
    selection: Selection,
    path: PathBuf,
    _dir: tempfile::TempDir,
}

impl std::fmt::Debug for Checker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Checker").finish_non_exhaustive()
    }
}

fn settings(edit: impl FnOnce(&mut FormatSettings)) -> FormatSettings {
    let mut settings = FormatSettings::default();
    edit(&mut settings);
    settings
}

impl Checker {
    /// Builds the checker: formatter variants, and a lint configuration resolved in an empty
    /// temporary directory (`root = true`, every rule selected).
    ///
    /// # Panics
    /// When the temporary directory cannot be created or the configuration does not resolve.
    pub fn new() -> Self {
        let line = |columns| Setting::default_value(LineLength::Columns(columns));
        let formatters = vec![
            ("default", settings(|_| {})),
            ("line-length=40", settings(|s| s.line_length = line(40))),
            ("line-length=1", settings(|s| s.line_length = line(1))),
            (
                "tabs, indent-width=8",
                settings(|s| {
                    s.indent_style = Setting::default_value(IndentStyle::Tab);
                    s.indent_width = Setting::default_value(8);
                }),
            ),
            (
                "indent-width=2, single quotes, magic-trailing-comma=ignore",
                settings(|s| {
                    s.indent_width = Setting::default_value(2);
                    s.quote_style = Setting::default_value(QuoteStyle::Single);
                    s.magic_trailing_comma = Setting::default_value(MagicTrailingComma::Ignore);
                }),
            ),
            (
                "quotes=auto, docstring-code=on, line-length=120",
                settings(|s| {
                    s.quote_style = Setting::default_value(QuoteStyle::Auto);
                    s.docstring_code = Setting::default_value(true);
                    s.line_length = line(120);
                }),
            ),
            (
                "target-version=3.7",
                settings(|s| {
                    s.target_version =
                        Setting::default_value(Some(PythonVersion { major: 3, minor: 7 }));
                }),
            ),
            (
                "line-length=off",
                settings(|s| s.line_length = Setting::default_value(LineLength::Off)),
            ),
        ]
        .into_iter()
        .map(|(name, settings)| (name, CellFormatter::new(&settings)))
        .collect();
        let dir = tempfile::tempdir().expect("a temporary directory");
        std::fs::write(dir.path().join(".editorconfig"), "root = true\n")
            .expect("write .editorconfig");
        let path = dir.path().join("fuzz.ipynb");
        let config = nbtidy_lint::resolver(Overrides::default())
            .resolve(&path)
            .expect("the configuration resolves");
        let args = SelectionArgs {
            select: Some(vec!["ALL".to_owned()]),
            ..SelectionArgs::default()
        };
        let (selection, problems) = Selection::resolve(&config, &args);
        assert!(problems.is_empty(), "{problems:?}");
        Checker {
            formatters,
            config,
            selection,
            path,
            _dir: dir,
        }
    }

    /// The index of the formatter settings for `code` when the input does not pin them: chosen
    /// from its hash, half the inputs get the defaults.
    fn settings_index(&self, code: &str) -> usize {
        let hash = fnv(code.as_bytes());
        if hash.is_multiple_of(2) {
            0
        } else {
            1 + (hash / 2) as usize % (self.formatters.len() - 1)
        }
    }

    /// A format input's settings index and code: a first line `# nbtidy-fuzz settings=N` pins
    /// the settings (saved inputs have it); without it they come from the code's hash.
    fn format_input<'i>(&self, input: &'i str) -> (usize, &'i str) {
        if let Some(rest) = input.strip_prefix(FORMAT_HEADER)
            && let Some((number, code)) = rest.split_once('\n')
            && let Ok(index) = number.trim().parse::<usize>()
            && index < self.formatters.len()
        {
            return (index, code);
        }
        (self.settings_index(input), input)
    }

    /// The formatter settings (name, formatter) a format input runs with, and its code.
    pub fn formatter_for<'i>(&self, input: &'i str) -> (&'static str, &CellFormatter, &'i str) {
        let (index, code) = self.format_input(input);
        let (name, formatter) = &self.formatters[index];
        (name, formatter, code)
    }

    /// `input` with everything that decides its check written into it: a format input gets the
    /// header pinning its settings (so that a saved or shrunk input replays the same way).
    pub fn pin(&self, target: Target, input: &[u8]) -> Vec<u8> {
        match (target, std::str::from_utf8(input)) {
            (Target::Format, Ok(text)) if !text.starts_with(FORMAT_HEADER) => {
                format!("{FORMAT_HEADER}{}\n{text}", self.settings_index(text)).into_bytes()
            }
            _ => input.to_vec(),
        }
    }

    /// Checks one input of `target`.
    pub fn check(&self, target: Target, input: &[u8]) -> Outcome {
        match target {
            Target::Notebook => check_notebook(input),
            Target::Splice => check_splice(input),
            Target::Format => self.check_format(input),
            Target::Fix => self.check_fix(input),
        }
    }
}

impl Default for Checker {
    fn default() -> Self {
        Checker::new()
    }
}

// ---------------------------------------------------------------------------------------------
// (a) notebook

fn shape_code(shape: &SourceShape) -> u8 {
    match shape {
        SourceShape::String => 1,
        SourceShape::Lines(lines) if lines.is_empty() => 2,
        SourceShape::Lines(_) => 3,
    }
}

fn check_notebook(input: &[u8]) -> Outcome {
    let notebook = match Notebook::parse(input) {
        Ok(notebook) => notebook,
        Err(error) => {
            check_rejection(input, &error)?;
            return Ok(signature(("rejected", shape_of(&error.to_string()))));
        }
    };
    if notebook.with_sources(&[]).ok().as_deref() != Some(input) {
        return Err(Failure::new(
            "no-op write differs from the input",
            "with_sources(&[]) did not return the input bytes",
        ));
    }
    if !is_python_json(input) {
        return Err(Failure::new(
            "accepted a file that is not JSON",
            "Notebook::parse accepted bytes that Python's json module rejects",
        ));
    }
    let mut summary = Vec::new();
    for index in 0..notebook.cells().len() {
        let cell = &notebook.cells()[index];
        let source = notebook.source(index);
        let _ = notebook.vscode_language(index);
        if let Ok(source) = &source {
            let _ = notebook.classify(index, &source.text);
            check_file_offsets(&notebook, index, &source.text, &source.span)?;
        }
        if summary.len() < 8 {
            summary.push((
                format!("{:?}", cell.cell_type)
                    .chars()
                    .take(8)
                    .collect::<String>(),
                source
                    .as_ref()
                    .map(|s| shape_code(&s.shape))
                    .map_err(ToString::to_string),
            ));
        }
    }
    if let Some((_, spans)) = notebook.cell_spans()
        && spans.len() != notebook.cells().len()
    {
        return Err(Failure::new(
            "cell_spans disagrees with the cells",
            format!(
                "{} cell spans for {} cells",
                spans.len(),
                notebook.cells().len()
            ),
        ));
    }
    if let Some(value) = json_value(input) {
        compare_with_value(&notebook, &value)?;
    }
    let text = notebook.text();
    Ok(signature((
        "accepted",
        summary,
        notebook.nbformat(),
        text.starts_with('\u{feff}'),
        text.is_ascii(),
        text.contains("\r\n"),
        text.contains('\n'),
        notebook.language().is_python(),
    )))
}

/// A file Jupyter reads (JSON object, `cells` a list, `nbformat` 4 or 5 or missing) must be
/// accepted.
fn check_rejection(input: &[u8], error: &nbtidy_notebook::NotebookError) -> Result<(), Failure> {
    let Some(value) = json_value(input) else {
        return Ok(());
    };
    let Some(object) = value.as_object() else {
        return Ok(());
    };
    let version_ok = match object.get("nbformat") {
        None => true,
        Some(serde_json::Value::Number(n)) => matches!(n.as_u64(), Some(4 | 5)),
        Some(serde_json::Value::String(s)) => s == "4" || s == "5",
        Some(_) => false,
    };
    if version_ok && object.get("cells").is_some_and(serde_json::Value::is_array) {
        return Err(Failure::new(
            format!(
                "rejected a readable notebook: {}",
                shape_of(&error.to_string())
            ),
            format!("Notebook::parse: {error}"),
        ));
    }
    Ok(())
}

/// `file_offset` maps code offsets into the cell's `source` value.
fn check_file_offsets(
    notebook: &Notebook<'_>,
    index: usize,
    text: &str,
    span: &std::ops::Range<usize>,
) -> Result<(), Failure> {
    let mut middle = text.len() / 2;
    while !text.is_char_boundary(middle) {
        middle -= 1;
    }
    for offset in [0, middle, text.len()] {
        match notebook.file_offset(index, offset) {
            Some(at) if span.start < at && at < span.end => {}
            other => {
                return Err(Failure::new(
                    "file_offset outside the source value",
                    format!(
                        "cell {index}: offset {offset} of {} maps to {other:?}, source span {span:?}",
                        text.len()
                    ),
                ));
            }
        }
    }
    let _ = notebook.file_position(span.start);
    Ok(())
}

/// The skeleton's view of the cells matches an independent decoding of the whole file.
fn compare_with_value(notebook: &Notebook<'_>, value: &serde_json::Value) -> Result<(), Failure> {
    let Some(cells) = value.get("cells").and_then(serde_json::Value::as_array) else {
        return Ok(());
    };
    if cells.len() != notebook.cells().len() {
        return Err(Failure::new(
            "cell count differs from the JSON",
            format!("{} cells, JSON has {}", notebook.cells().len(), cells.len()),
        ));
    }
    for (index, cell) in cells.iter().enumerate() {
        let expected_type = match cell.as_object() {
            None => CellType::Missing,
            Some(object) => match object.get("cell_type").and_then(serde_json::Value::as_str) {
                Some("code") => CellType::Code,
                Some("markdown") => CellType::Markdown,
                Some("raw") => CellType::Raw,
                Some(other) => CellType::Other(other.to_owned()),
                None => CellType::Missing,
            },
        };
        if notebook.cells()[index].cell_type != expected_type {
            return Err(Failure::new(
                "cell type differs from the JSON",
                format!(
                    "cell {index}: {:?}, JSON says {expected_type:?}",
                    notebook.cells()[index].cell_type
                ),
            ));
        }
        let expected: Result<(String, bool), SourceError> = match cell.get("source") {
            None if cell.is_object() => Err(SourceError::Missing),
            None => Err(SourceError::Missing),
            Some(serde_json::Value::String(s)) => Ok((s.clone(), false)),
            Some(serde_json::Value::Array(items)) => items
                .iter()
                .map(|item| item.as_str().ok_or(SourceError::NotText))
                .collect::<Result<String, _>>()
                .map(|text| (text, true)),
            Some(_) => Err(SourceError::NotText),
        };
        let actual = notebook.source(index).map(|s| {
            (
                s.text.into_owned(),
                matches!(s.shape, SourceShape::Lines(_)),
            )
        });
        if actual != expected {
            return Err(Failure::new(
                "source differs from the JSON",
                format!("cell {index}: decoded {actual:?}, JSON says {expected:?}"),
            ));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// (b) splice

/// An input of the splice target: a notebook, the cell to change (modulo the number of cells
/// with a readable source) and its new text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpliceInput {
    /// The notebook's bytes.
    pub notebook: Vec<u8>,
    /// Which readable cell (modulo their number).
    pub cell: u32,
    /// The new source.
    pub text: String,
}

const SPLICE_HEADER: &str = "nbtidy-fuzz-splice";

impl SpliceInput {
    /// The saved form: a header line `nbtidy-fuzz-splice cell=N notebook-bytes=M`, the notebook
    /// (M bytes), then the new text.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = format!(
            "{SPLICE_HEADER} cell={} notebook-bytes={}\n",
            self.cell,
            self.notebook.len()
        )
        .into_bytes();
        out.extend_from_slice(&self.notebook);
        out.extend_from_slice(self.text.as_bytes());
        out
    }

    /// Reads the saved form; `None` when the header is malformed.
    pub fn from_bytes(bytes: &[u8]) -> Option<SpliceInput> {
        let newline = bytes.iter().position(|&b| b == b'\n')?;
        let header = std::str::from_utf8(&bytes[..newline]).ok()?;
        let mut parts = header.split(' ');
        if parts.next()? != SPLICE_HEADER {
            return None;
        }
        let cell = parts.next()?.strip_prefix("cell=")?.parse().ok()?;
        let length: usize = parts
            .next()?
            .strip_prefix("notebook-bytes=")?
            .parse()
            .ok()?;
        let rest = &bytes[newline + 1..];
        let notebook = rest.get(..length)?.to_vec();
        let text = String::from_utf8_lossy(&rest[length..]).into_owned();
        Some(SpliceInput {
            notebook,
            cell,
            text,
        })
    }
}

fn check_splice(input: &[u8]) -> Outcome {
    let Some(input) = SpliceInput::from_bytes(input) else {
        return Ok(signature("malformed"));
    };
    let bytes = &input.notebook;
    let Ok(notebook) = Notebook::parse(bytes) else {
        return Ok(signature("rejected"));
    };
    let readable: Vec<usize> = (0..notebook.cells().len())
        .filter(|&i| notebook.source(i).is_ok())
        .collect();
    if readable.is_empty() {
        return Ok(signature("no readable cell"));
    }
    let index = readable[input.cell as usize % readable.len()];
    let old = notebook.source(index).expect("readable");
    let old_span = old.span.clone();
    let text = &input.text;
    let new = notebook
        .with_sources(&[(index, text.clone())])
        .map_err(|err| Failure::new(format!("with_sources failed: {err}"), format!("{err:?}")))?;
    let fail = |kind: &str, detail: String| Failure::new(kind, format!("cell {index}: {detail}"));
    if is_python_json(bytes) && !is_python_json(&new) {
        return Err(fail(
            "spliced file is not JSON",
            String::from_utf8_lossy(&new[old_span.start..])
                .chars()
                .take(300)
                .collect(),
        ));
    }
    let reread = Notebook::parse(&new)
        .map_err(|err| fail("spliced file is not a readable notebook", err.to_string()))?;
    if reread.cells().len() != notebook.cells().len() {
        return Err(fail("spliced file has another cell count", String::new()));
    }
    let Some(new_span) = reread.cells()[index].source.clone() else {
        return Err(fail("spliced cell lost its source", String::new()));
    };
    if new_span.start != old_span.start
        || new[..new_span.start] != bytes[..old_span.start]
        || new[new_span.end..] != bytes[old_span.end..]
    {
        return Err(fail(
            "bytes outside the spliced source changed",
            format!("old span {old_span:?}, new span {new_span:?}"),
        ));
    }
    let source = reread
        .source(index)
        .map_err(|err| fail("spliced source is not readable", err.to_string()))?;
    if source.text != *text {
        return Err(fail(
            "spliced source reads back differently",
            format!("wrote {text:?}, read {:?}", source.text),
        ));
    }
    let was_list = matches!(old.shape, SourceShape::Lines(_));
    if matches!(source.shape, SourceShape::Lines(_)) != was_list {
        return Err(fail("spliced source changed shape", String::new()));
    }
    let body = |b: &[u8]| b.strip_prefix("\u{feff}".as_bytes()).unwrap_or(b).to_vec();
    let (old_body, new_body) = (body(bytes), body(&new));
    if old_body.is_ascii() && !new_body.is_ascii() {
        return Err(fail(
            "ASCII-only file got raw non-ASCII bytes",
            String::new(),
        ));
    }
    if !old_body.contains(&b'\n') && new_body.contains(&b'\n') {
        return Err(fail("one-line file got a line break", String::new()));
    }
    if !old_body.contains(&b'\r') && new_body.contains(&b'\r') {
        return Err(fail("LF file got a carriage return", String::new()));
    }
    Ok(signature((
        "spliced",
        shape_code(&old.shape),
        shape_code(&source.shape),
        text.is_empty(),
        text.contains('\r'),
        text.is_ascii(),
        old_body.is_ascii(),
        old_body.contains(&b'\n'),
        text.lines().count().min(4),
    )))
}

// ---------------------------------------------------------------------------------------------
// (c) format

/// `code` as IPython compiles a cell: with a newline added when it does not end with one
/// (`TransformerManager.transform_cell`; a cell that ends with a newline gets no second one, so
/// a line continuation ending it continues nothing).
fn with_newline(code: &str) -> String {
    let mut input = code.to_owned();
    if !code.ends_with('\n') {
        let crlf = code.contains("\r\n") && !code.ends_with('\r');
        input.push_str(if crlf { "\r\n" } else { "\n" });
    }
    input
}

/// The code IPython runs for a cell, written from IPython's `inputtransformer2` independently of
/// `nbtidy_python::LeadingIndent` (this is the oracle): `leading_empty_lines` finds the first
/// line that is not blank, `leading_indent` removes that line's leading spaces and tabs from
/// every line starting with them.
fn ipython_dedent(code: &str) -> std::borrow::Cow<'_, str> {
    let lines: Vec<&str> = code.split_inclusive(['\n', '\r']).collect();
    // `\r\n` was split in two above: glue the pairs back (Python's `splitlines(keepends=True)`).
    let mut joined: Vec<String> = Vec::new();
    for piece in lines {
        match joined.last_mut() {
            Some(last) if last.ends_with('\r') && piece == "\n" => last.push('\n'),
            _ => joined.push(piece.to_owned()),
        }
    }
    let Some(first) = joined.iter().find(|line| !line.trim().is_empty()) else {
        return code.into();
    };
    let space: String = first
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    if space.is_empty() {
        return code.into();
    }
    joined
        .iter()
        .map(|line| line.strip_prefix(space.as_str()).unwrap_or(line))
        .collect::<String>()
        .into()
}

/// Whether `code` parses as a cell (as IPython runs it). ruff's parser panics on some invalid
/// code (see `nbtidy_format`'s `parse_cell`): that code does not parse.
fn parses(code: &str) -> bool {
    let input = with_newline(&ipython_dedent(code));
    std::panic::catch_unwind(|| {
        ruff_python_parser::parse_unchecked(&input, ParseOptions::from(PySourceType::Ipynb))
            .errors()
            .is_empty()
    })
    .unwrap_or(false)
}

/// Normalizes what the formatter may legitimately change in the tree (as ruff's own test
/// normalizer does): statement-level strings (docstrings, which it re-indents, and whose code
/// examples it may format) become `None`; `del (a, b)` becomes `del a, b`; implicitly
/// concatenated f-strings (which it may join) become one, empty literal parts dropped.
struct Normalize;

/// One f-string with the elements of every part of `value`; adjacent literals merged, empty
/// ones dropped.
fn joined_fstring(value: &FStringValue) -> FString {
    let mut elements: Vec<InterpolatedStringElement> = Vec::new();
    let push_literal = |elements: &mut Vec<InterpolatedStringElement>, text: &str| {
        if text.is_empty() {
            return;
        }
        if let Some(InterpolatedStringElement::Literal(last)) = elements.last_mut() {
            last.value = format!("{}{text}", last.value).into_boxed_str();
        } else {
            elements.push(InterpolatedStringElement::Literal(
                InterpolatedStringLiteralElement {
                    range: TextRange::default(),
                    node_index: AtomicNodeIndex::NONE,
                    value: text.into(),
                },
            ));
        }
    };
    for part in value {
        match part {
            FStringPart::Literal(literal) => push_literal(&mut elements, &literal.value),
            FStringPart::FString(fstring) => {
                for element in &fstring.elements {
                    match element {
                        InterpolatedStringElement::Literal(literal) => {
                            push_literal(&mut elements, &literal.value);
                        }
                        InterpolatedStringElement::Interpolation(_) => {
                            elements.push(element.clone());
                        }
                    }
                }
            }
        }
    }
    FString {
        range: TextRange::default(),
        node_index: AtomicNodeIndex::NONE,
        elements: elements.into(),
        flags: FStringFlags::empty(),
    }
}

impl Transformer for Normalize {
    fn visit_expr(&self, expr: &mut Expr) {
        if let Expr::FString(fstring) = expr
            && fstring.value.is_implicit_concatenated()
        {
            fstring.value = FStringValue::single(joined_fstring(&fstring.value));
        }
        walk_expr(self, expr);
    }

    fn visit_stmt(&self, stmt: &mut Stmt) {
        match stmt {
            Stmt::Expr(statement) if statement.value.is_string_literal_expr() => {
                *statement.value = Expr::NoneLiteral(ExprNoneLiteral::default());
            }
            Stmt::Delete(delete) => {
                if let [Expr::Tuple(tuple)] = delete.targets.as_slice() {
                    delete.targets = tuple.elts.clone();
                }
            }
            _ => {}
        }
        walk_stmt(self, stmt);
    }
}

/// The syntax tree of `code`, normalized; `None` when it does not parse.
fn normalized_ast(code: &str) -> Option<Mod> {
    let input = with_newline(code);
    let parsed = std::panic::catch_unwind(|| {
        ruff_python_parser::parse(&input, ParseOptions::from(PySourceType::Ipynb)).ok()
    })
    .ok()??;
    let mut syntax = parsed.into_syntax();
    if let Mod::Module(module) = &mut syntax {
        for statement in &mut module.body {
            Normalize.visit_stmt(statement);
        }
    }
    Some(syntax)
}

/// `true` when `before` and `after` have the same syntax tree (positions, parentheses, quotes,
/// comments and docstring layout aside). Line endings are unified first, as Python reads source
/// (a raw `\r` inside a triple-quoted string is a `\n` to Python, not to ruff's tree).
fn same_ast(before: &str, after: &str) -> bool {
    let unify = |code: &str| code.replace("\r\n", "\n").replace('\r', "\n");
    match (
        normalized_ast(&unify(&ipython_dedent(before))),
        normalized_ast(&unify(&ipython_dedent(after))),
    ) {
        (Some(a), Some(b)) => ComparableMod::from(&a) == ComparableMod::from(&b),
        _ => false,
    }
}

impl Checker {
    fn check_format(&self, input: &[u8]) -> Outcome {
        let Ok(input) = std::str::from_utf8(input) else {
            return Ok(signature("not UTF-8"));
        };
        let (name, formatter, code) = self.formatter_for(input);
        let fail =
            |kind: &str, detail: String| Failure::new(kind, format!("settings: {name}\n{detail}"));
        let parsed = parses(code);
        match formatter.format(code) {
            Ok(None) => {
                if !parsed {
                    return Err(fail("unparsable code reported as formatted", String::new()));
                }
                Ok(signature((name, "unchanged", code.lines().count().min(3))))
            }
            Ok(Some(output)) => {
                if !parsed {
                    return Err(fail("unparsable code was formatted", output));
                }
                if !parses(&output) {
                    return Err(fail("formatted code does not parse", output));
                }
                if !same_ast(code, &output) {
                    return Err(fail(
                        "formatting changed the syntax tree",
                        format!("before:\n{code}\n--- after:\n{output}"),
                    ));
                }
                match formatter.format(&output) {
                    Ok(None) => {}
                    Ok(Some(again)) => {
                        return Err(fail(
                            "formatting is not idempotent",
                            format!("first:\n{output}\n--- second:\n{again}"),
                        ));
                    }
                    Err(err) => {
                        return Err(fail(
                            "formatted code fails to format again",
                            format!("{err}\n--- first output:\n{output}"),
                        ));
                    }
                }
                Ok(signature((name, "changed", output.lines().count().min(3))))
            }
            Err(FormatError::Syntax { message, .. }) => {
                if parsed {
                    return Err(fail(
                        "parsable code refused as a syntax error",
                        message.clone(),
                    ));
                }
                Ok(signature((name, "syntax", shape_of(&message))))
            }
            Err(FormatError::TooDeep { message, .. }) => {
                // Only code the estimate refuses (or whose formatted form it would refuse).
                if nbtidy_python::nesting(code) <= nbtidy_python::MAX_NESTING
                    && !message.starts_with("formatted")
                {
                    return Err(fail("shallow code refused as too deep", message.clone()));
                }
                Ok(signature((name, "too deep")))
            }
            Err(FormatError::Internal(message)) => {
                // The kind: the message up to the first quoted or parenthesized detail.
                let head = message.split(['\'', '"', '(']).next().unwrap_or("");
                Err(fail(
                    &format!("internal formatter error: {}", shape_of(head).trim_end()),
                    format!("{message}\n--- input:\n{code}"),
                ))
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Known bugs of the pinned ruff crates.

/// The physical lines of `text` (split at `\n`, `\r\n` and `\r`).
fn physical_lines(text: &str) -> Vec<String> {
    text.replace("\r\n", "\n")
        .split(['\n', '\r'])
        .map(str::to_owned)
        .collect()
}

/// The IPython escapes of `text` continued over several lines with a final `\`: for each, whether
/// its last line (the one the last `\` continues into) is blank; a cell's last line continues
/// into the newline it is formatted with. An escape is a logical line that starts with `!`, `%`,
/// `?`, `,`, `;` or `/`, assigns one (`x = !ls`), or ends with `?`.
fn continued_escapes(text: &str) -> Vec<bool> {
    let mut lines = physical_lines(text);
    if lines.last().is_some_and(|l| l.ends_with('\\')) {
        lines.push(String::new());
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let start = i;
        while i + 1 < lines.len() && lines[i].ends_with('\\') {
            i += 1;
        }
        let logical = lines[start..=i].join("\n");
        let trimmed = logical.trim();
        let is_escape = trimmed.starts_with(['!', '%', '?', ',', ';', '/'])
            || trimmed.ends_with('?')
            || ["= !", "=!", "= %", "=%"]
                .iter()
                .any(|p| logical.contains(p));
        if i > start && is_escape {
            out.push(lines[i].trim().is_empty());
        }
        i += 1;
    }
    out
}

/// The name of the known upstream bug `failure` is, if it is one (see `fuzz/README.md`). Such
/// failures are counted apart from new ones, so that long runs and `cargo test` report only what
/// is new; each has a regression test showing how nbtidy copes with it. The tests are
/// heuristics on the input: they may file a new bug under a known one when both show.
pub fn known_upstream(target: Target, input: &[u8], failure: &Failure) -> Option<&'static str> {
    if target != Target::Format {
        return None;
    }
    let text = String::from_utf8_lossy(input);
    let escapes = continued_escapes(&text);
    let internal = failure.kind.starts_with("internal formatter error");
    let unstable = failure.kind == "formatting is not idempotent";
    // ruff_formatter: an escape continued with `\` before a `\r` (CR or CRLF line endings) trips
    // `debug_assert_no_newlines` (debug builds) or prints code that does not parse (release).
    // nbtidy makes it an internal error for the cell.
    if !escapes.is_empty()
        && text.contains('\r')
        && (internal || failure.detail.contains("unsupported '\\r' line terminator"))
    {
        return Some("ruff: an escape continued with a backslash before a CR line ending");
    }
    // ruff_python_formatter mishandles a blank line after an escape continued with `\`: it drops
    // it (the next line joins the escape: nbtidy refuses the result, which does not parse or
    // changes the escape), or, when the line holds spaces, adds a blank line on every run.
    if (internal || unstable) && escapes.iter().any(|&blank_end| blank_end) {
        return Some("ruff: the blank line after an escape continued with a backslash");
    }
    // ruff_python_formatter: a starred assignment value (`x = *a`, which CPython refuses anyway)
    // is parenthesized at small line lengths (`x = (*a)`), which does not parse; the re-parse
    // refuses it.
    if internal
        && failure
            .detail
            .contains("Starred expression cannot be used here")
    {
        return Some("ruff: a starred assignment value is parenthesized");
    }
    // ruff_python_formatter: a replacement field in an f-string's format spec (`f"{x:{w}}"`) is
    // split further on the second run at small line lengths: not idempotent.
    let fstring = ["f\"", "f'", "F\"", "F'"].iter().any(|p| text.contains(p));
    let nested_spec = text
        .match_indices(':')
        .any(|(at, _)| text[at + 1..].chars().take(6).any(|c| c == '{'));
    if unstable && fstring && nested_spec {
        return Some("ruff: a replacement field in an f-string format spec is not stable");
    }
    // ruff_python_formatter: a comment right before the brackets or the `.` that continue an
    // expression (`(a * b  # c`, `())`) is moved on the first run and the code joined on the
    // second: formatting is not idempotent (nothing is lost; `format --check` fails after
    // `format`).
    let lines = physical_lines(&text);
    if unstable
        && lines
            .windows(2)
            .any(|pair| pair[0].contains('#') && pair[1].trim_start().starts_with(['(', '[', '.']))
    {
        return Some("ruff: a comment before a continuing bracket or dot is not stable");
    }
    // ruff_python_formatter, in a `# fmt: off` region: blank lines after a line continued with
    // `\` are dropped one per run; once none is left the next line joins it, which does not
    // parse (the re-parse refuses it).
    let again = failure.kind == "formatted code fails to format again";
    if (unstable || again || internal)
        && (text.contains("fmt: off") || text.contains("fmt:off"))
        && lines
            .windows(2)
            .any(|pair| pair[0].ends_with('\\') && pair[1].trim().is_empty())
    {
        return Some("ruff: blank lines after a continued line in a fmt: off region");
    }
    // ruff_python_formatter: an implicitly concatenated docstring (`":" ""`) is joined and quoted
    // as an expression on the first run (`':'` with single quotes) and as a docstring on the
    // second (`":"`): the two results differ only in quote characters.
    if unstable
        && let Some((first, second)) = failure
            .detail
            .split_once("first:\n")
            .and_then(|(_, rest)| rest.split_once("\n--- second:\n"))
        && first.replace('\'', "\"") == second.replace('\'', "\"")
    {
        return Some("ruff: an implicitly concatenated docstring changes quotes");
    }
    // ruff_python_formatter: a byte order mark at the start of the code is dropped on the first
    // run, and the blank lines after a leading comment change on the second.
    if unstable && text.contains('\u{feff}') {
        return Some("ruff: a byte order mark in the code is not stable");
    }
    // ruff_python_formatter: a parenthesized multi-line string argument (`t(("""` ... `"""))`) is
    // hugged on the first run and split on the second.
    if unstable && ["((\"\"\"", "(('''"].iter().any(|p| text.contains(p)) {
        return Some("ruff: a parenthesized multi-line string argument is not stable");
    }
    None
}

// ---------------------------------------------------------------------------------------------
// (d) fix

/// Per cell: `None` when it is not a Python cell, else whether its code parses.
fn python_cells(path: &Path, notebook: &Notebook<'_>, config: &Resolved) -> Vec<Option<bool>> {
    let context = Context::new(path, notebook, config);
    context
        .cells()
        .iter()
        .map(|cell| {
            cell.is_python()
                .then(|| cell.parsed().is_some_and(|p| p.errors().is_empty()))
        })
        .collect()
}

impl Checker {
    fn check_fix(&self, input: &[u8]) -> Outcome {
        let Ok(notebook) = Notebook::parse(input) else {
            return Ok(signature("rejected"));
        };
        let before = python_cells(&self.path, &notebook, &self.config);
        let outcome = fix_notebook(&self.path, input, &self.config, &self.selection, true)
            .map_err(|err| Failure::new("fixing made the notebook unreadable", err.to_string()))?;
        if let Some(dropped) = outcome.dropped.first() {
            let code = dropped.split(": ").nth(1).unwrap_or("?");
            return Err(Failure::new(
                format!("fix refused for breaking code: {code}"),
                outcome.dropped.join("\n"),
            ));
        }
        let codes: BTreeSet<&str> = outcome
            .remaining
            .diagnostics
            .iter()
            .map(|d| d.code)
            .collect();
        let Some(new) = &outcome.bytes else {
            return Ok(signature(("unchanged", codes)));
        };
        if is_python_json(input) && !is_python_json(new) {
            return Err(Failure::new("fixed file is not JSON", String::new()));
        }
        let fixed = Notebook::parse(new).map_err(|err| {
            Failure::new("fixed file is not a readable notebook", err.to_string())
        })?;
        let after = python_cells(&self.path, &fixed, &self.config);
        let broken = |cells: &[Option<bool>]| cells.iter().filter(|c| **c == Some(false)).count();
        let mut detail = String::new();
        if before.len() == after.len() {
            for (index, (old, new)) in before.iter().zip(&after).enumerate() {
                if *new == Some(false) && *old != Some(false) {
                    let code = fixed.source(index).map(|s| s.text.into_owned());
                    let _ = writeln!(detail, "cell {}: {old:?} -> {new:?}: {code:?}", index + 1);
                }
            }
        } else if broken(&after) > broken(&before) {
            let _ = write!(
                detail,
                "{} cells ({} unparsable) became {} cells ({} unparsable)",
                before.len(),
                broken(&before),
                after.len(),
                broken(&after)
            );
        }
        if !detail.is_empty() {
            return Err(Failure::new("fixed code does not parse", detail));
        }
        Ok(signature(("fixed", outcome.fixed.min(8), codes)))
    }
}

// ---------------------------------------------------------------------------------------------
// Inputs: seeds and mutation.

/// A small notebook made of some seed cells, written in a random JSON style.
fn synthesize_notebook(rng: &mut FuzzRng, cells: &[String]) -> Vec<u8> {
    let count = rng.random_range(1..=6);
    let with_ids = rng.random_bool(0.5);
    let as_lists = rng.random_bool(0.7);
    let cells: Vec<serde_json::Value> = (0..count)
        .map(|i| {
            let code = cells.choose(rng).cloned().unwrap_or_default();
            let source = if as_lists {
                serde_json::json!(code.split_inclusive('\n').collect::<Vec<_>>())
            } else {
                serde_json::json!(code)
            };
            let mut cell = if rng.random_bool(0.85) {
                serde_json::json!({
                    "cell_type": "code",
                    "execution_count": if rng.random_bool(0.5) { serde_json::json!(i + 1) } else { serde_json::Value::Null },
                    "metadata": {},
                    "outputs": [],
                    "source": source,
                })
            } else {
                serde_json::json!({"cell_type": "markdown", "metadata": {}, "source": source})
            };
            if with_ids {
                cell["id"] = serde_json::json!(format!("cell-{i}"));
            }
            cell
        })
        .collect();
    let notebook = serde_json::json!({
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"}
        },
        "nbformat": 4,
        "nbformat_minor": if with_ids { 5 } else { 4 },
    });
    let mut out = Vec::new();
    let indent = *[&b" "[..], b"  ", b"    "]
        .choose(rng)
        .unwrap_or(&&b" "[..]);
    let formatter = serde_json::ser::PrettyFormatter::with_indent(indent);
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    serde::Serialize::serialize(&notebook, &mut serializer).expect("a Value serializes");
    out.push(b'\n');
    out
}

impl Target {
    /// The initial inputs of this target.
    pub fn seed_inputs(self, seeds: &Seeds, rng: &mut FuzzRng) -> Vec<Vec<u8>> {
        match self {
            Target::Notebook => seeds.notebooks.clone(),
            Target::Format => seeds.cells.iter().map(|c| c.clone().into_bytes()).collect(),
            Target::Splice => {
                let count = seeds.notebooks.len().max(1) * 2;
                (0..count)
                    .filter_map(|_| {
                        let notebook = seeds.notebooks.choose(rng)?.clone();
                        let text = seeds.cells.choose(rng).cloned().unwrap_or_default();
                        Some(
                            SpliceInput {
                                notebook,
                                cell: rng.random(),
                                text,
                            }
                            .to_bytes(),
                        )
                    })
                    .collect()
            }
            Target::Fix => {
                let mut inputs = seeds.small_notebooks.clone();
                let synthesized = (seeds.small_notebooks.len() / 2).max(50);
                for _ in 0..synthesized {
                    inputs.push(synthesize_notebook(rng, &seeds.cells));
                }
                inputs
            }
        }
    }

    /// A mutant of `input`: a few stacked mutations; `other` is a second input for splicing,
    /// `cells` seed cells to splice code from.
    pub fn mutate(
        self,
        rng: &mut FuzzRng,
        input: &[u8],
        other: &[u8],
        cells: &[String],
    ) -> Vec<u8> {
        let rounds = 1 << rng.random_range(0..4);
        let mut out = match self {
            Target::Notebook => {
                let mut data = input.to_vec();
                for _ in 0..rounds {
                    match rng.random_range(0..10) {
                        0..=3 => mutate::notebook_bytes(rng, &mut data, other),
                        4..=8 => mutate::json(rng, &mut data, other),
                        _ => mutate::cell_code(rng, &mut data, cells),
                    }
                }
                data
            }
            Target::Format => {
                let mut code = String::from_utf8_lossy(input).into_owned();
                for _ in 0..rounds {
                    mutate::python(rng, &mut code, cells);
                }
                code.into_bytes()
            }
            Target::Splice => {
                let Some(mut splice) = SpliceInput::from_bytes(input) else {
                    return input.to_vec();
                };
                for _ in 0..rounds {
                    match rng.random_range(0..10) {
                        0..=5 => mutate::text(rng, &mut splice.text, cells),
                        6 => splice.cell = rng.random(),
                        7 | 8 => mutate::json(rng, &mut splice.notebook, other),
                        _ => mutate::notebook_bytes(rng, &mut splice.notebook, other),
                    }
                }
                splice.to_bytes()
            }
            Target::Fix => {
                let mut data = input.to_vec();
                for _ in 0..rounds {
                    match rng.random_range(0..10) {
                        0..=5 => mutate::cell_code(rng, &mut data, cells),
                        6..=8 => mutate::json(rng, &mut data, other),
                        _ => mutate::notebook_bytes(rng, &mut data, other),
                    }
                }
                data
            }
        };
        if out.len() > self.max_len() && self != Target::Splice {
            out.truncate(self.max_len());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_json_accepts_what_python_accepts() {
        assert!(is_python_json(
            b"{\"a\": NaN, \"b\": [Infinity, -Infinity]}"
        ));
        assert!(is_python_json("\u{feff}{\"a\": \"\\ud800\"}".as_bytes()));
        assert!(!is_python_json(b"{\"a\": 1NaN}"));
        assert!(!is_python_json(b"{\"a\": -NaN}"));
        assert!(!is_python_json(b"{\"a\": NaNa}"));
        assert!(!is_python_json(b"{\"a\": 1} x"));
        assert!(is_python_json(b"{\"a\": \"NaN 1NaN\"}"));
    }

    #[test]
    fn splice_inputs_round_trip() {
        let input = SpliceInput {
            notebook: b"{\n}".to_vec(),
            cell: 3,
            text: "x\n".to_owned(),
        };
        assert_eq!(SpliceInput::from_bytes(&input.to_bytes()), Some(input));
    }
}
