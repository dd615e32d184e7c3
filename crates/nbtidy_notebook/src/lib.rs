//! Read a Jupyter notebook as a borrowed skeleton and write new cell sources back by splicing
//! them into the original bytes.
//!
//! This crate answers "which bytes are which cell's code" and "what are the new bytes of the file
//! when these cells get new code". It does not format, lint or print. It reads JSON only through
//! its one scanner, [`scan`], which the lint rules use too.
//!
//! Invariants (fidelity is the product):
//! 1. [`Notebook::splice`] with no edits returns the input bytes unchanged.
//! 2. A spliced file differs from the original only inside the byte spans of the values that
//!    were replaced (the `source` of changed cells, or JSON values a fix names).
//! 3. A re-encoded source keeps the original's shape (list of lines or one string; `[]` / `""`
//!    when empty), the element separators and indentation of the original list, the file's
//!    line ending and its escaping style (raw UTF-8 or `\uXXXX`); lines whose text did not
//!    change keep their original JSON bytes.
//! 4. What Jupyter reads, we read: unknown and duplicate keys (last wins), `execution_count` on
//!    any cell, nbformat 4.x and 5, `NaN` / `Infinity` / `-Infinity` as whole values, lone
//!    surrogate escapes, a UTF-8 byte order mark (kept).

pub mod cell_id;
mod classify;
mod encode;
mod error;
pub mod json_string;
pub mod scan;
mod skeleton;

use std::borrow::Cow;
use std::ops::Range;

pub use classify::{CodeKind, NotebookLanguage, classify_code, classify_code_with};
pub use error::NotebookError;
pub use json_string::Escaping;

/// A byte range in the notebook file.
pub type Span = Range<usize>;

const BOM: &str = "\u{feff}";

/// A parsed notebook: the original text plus the spans of the values we care about.
#[derive(Debug)]
pub struct Notebook<'a> {
    /// The whole file, BOM included.
    text: &'a str,
    cells: Vec<Cell>,
    nbformat: (u64, u64),
    /// The span of the `nbformat_minor` value.
    nbformat_minor_span: Option<Span>,
    language: NotebookLanguage,
    metadata: Option<Span>,
    /// The span of the `cells` list.
    cells_span: Option<Span>,
    /// The strings of [`scan::LONG_STRING`] bytes or more, in file order.
    long_strings: Vec<Span>,
    /// The lists of only strings of [`scan::STRING_LIST`] bytes or more, in file order.
    string_lists: Vec<Span>,
}

/// The type of a cell as the notebook states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CellType {
    /// `"code"`
    Code,
    /// `"markdown"`
    Markdown,
    /// `"raw"`
    Raw,
    /// Any other string.
    Other(String),
    /// No `cell_type`, a non-string one, or a cell that is not an object.
    Missing,
}

/// One cell: its type and the spans of its values (absolute byte ranges in the file).
#[derive(Debug, Clone)]
pub struct Cell {
    /// The stated cell type.
    pub cell_type: CellType,
    /// The `source` value (a string or a list of strings, if the notebook is valid).
    pub source: Option<Span>,
    /// The cell's `metadata` value.
    pub metadata: Option<Span>,
    /// The `outputs` value.
    pub outputs: Option<Span>,
    /// The `execution_count` value.
    pub execution_count: Option<Span>,
    /// The `id` value.
    pub id: Option<Span>,
    /// The cell has keys besides `cell_type`, `source`, `metadata`, `outputs`,
    /// `execution_count` and `id` (`attachments`, keys of other tools).
    pub has_other_keys: bool,
}

/// How a `source` value is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceShape {
    /// One JSON string.
    String,
    /// A list of strings, one per line; the spans of the elements (absolute, quotes included).
    Lines(Vec<Span>),
}

/// A decoded `source` value.
#[derive(Debug, Clone)]
pub struct CellSource<'a> {
    /// The code (or text) of the cell: the elements joined.
    pub text: Cow<'a, str>,
    /// The value's shape in the file.
    pub shape: SourceShape,
    /// Span of the whole value.
    pub span: Span,
}

/// Where each byte of a cell's decoded code sits in the file (see [`Notebook::offset_map`]).
#[derive(Debug, Clone)]
pub struct OffsetMap<'a> {
    text: &'a str,
    /// The offset every code offset maps to when the source is `[]`.
    empty_at: usize,
    strings: Vec<MappedString>,
}

/// One JSON string of a `source` value: its span, the decoded offset where its text starts in the
/// cell's code, its decoded length and the checkpoints of its raw text.
#[derive(Debug, Clone)]
struct MappedString {
    span: Span,
    start: usize,
    len: usize,
    checkpoints: Vec<(usize, usize)>,
}

impl OffsetMap<'_> {
    /// Raw bytes between checkpoints of a string.
    pub const EVERY: usize = 1024;

    /// Byte offset in the file of byte `offset` of the code (as [`Notebook::file_offset`]).
    pub fn file_offset(&self, offset: usize) -> usize {
        // The first string holding the offset (empty strings hold nothing), else the last.
        let found = self
            .strings
            .partition_point(|string| string.start + string.len <= offset);
        let Some(string) = self.strings.get(found).or(self.strings.last()) else {
            return self.empty_at;
        };
        let remaining = (offset - string.start.min(offset)).min(string.len);
        let raw = &self.text[string.span.clone()];
        let at = string
            .checkpoints
            .partition_point(|&(_, decoded)| decoded <= remaining)
            - 1;
        string.span.start + json_string::raw_offset_from(raw, string.checkpoints[at], remaining)
    }
}

/// Why a cell's `source` cannot be read as text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    /// The cell has no `source` key.
    #[error("the cell has no `source`")]
    Missing,
    /// The `source` is neither a string nor a list of strings.
    #[error("the cell's `source` is not a string or a list of strings")]
    NotText,
    /// The `source` holds a lone surrogate escape (`\ud83d` without its pair): Python's `json`
    /// reads it, but it is not Unicode text (Jupyter cannot save it either). The code unit.
    #[error(
        "the cell's `source` holds a lone surrogate escape (`\\u{0:04x}`): Python reads it, but it is not Unicode text (Jupyter cannot save it)"
    )]
    LoneSurrogate(u32),
    /// The re-encoded source does not decode back to the intended text (a bug; nothing written).
    #[error("internal error: the new source of cell {0} does not round-trip")]
    RoundTrip(usize),
}

impl<'a> Notebook<'a> {
    /// Parses a notebook from the bytes of a `.ipynb` file.
    ///
    /// # Errors
    /// Returns a [`NotebookError`] (with line and column where there is one) when the bytes are
    /// not UTF-8, not JSON, not a JSON object, or not an nbformat 4 notebook.
    pub fn parse(bytes: &'a [u8]) -> Result<Notebook<'a>, NotebookError> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(NotebookError::Empty);
        }
        for (bom, name) in [
            (&[0xFF, 0xFE, 0, 0][..], "UTF-32LE"),
            (&[0, 0, 0xFE, 0xFF][..], "UTF-32BE"),
            (&[0xFF, 0xFE][..], "UTF-16LE"),
            (&[0xFE, 0xFF][..], "UTF-16BE"),
        ] {
            if bytes.starts_with(bom) {
                return Err(NotebookError::WideEncoding(name));
            }
        }
        let text = std::str::from_utf8(bytes).map_err(|err| {
            let (line, column) = line_col(bytes, err.valid_up_to());
            NotebookError::NotUtf8 { line, column }
        })?;
        let bom = if text.starts_with(BOM) { BOM.len() } else { 0 };
        let json = &text[bom..];
        let raw = skeleton::parse(json).map_err(|err| {
            let (offset, message) = match err {
                skeleton::ParseError::Json(err) => (err.offset, err.message.to_owned()),
                skeleton::ParseError::NotObject { offset, kind } => (
                    offset,
                    format!(
                        "invalid type: {}, expected a notebook (a JSON object)",
                        kind.describe()
                    ),
                ),
            };
            let (line, column) = line_col(bytes, bom + offset);
            NotebookError::Json {
                line,
                column,
                message,
            }
        })?;
        Self::from_raw(text, bom, raw)
    }

    fn from_raw(
        text: &'a str,
        bom: usize,
        raw: skeleton::RawNotebook,
    ) -> Result<Notebook<'a>, NotebookError> {
        let shift = |span: Span| span.start + bom..span.end + bom;
        let number = |span: &Option<Span>| -> Option<String> {
            span.as_ref().map(|s| {
                text[s.start + bom..s.end + bom]
                    .trim_matches('"')
                    .to_owned()
            })
        };
        let major_text = number(&raw.nbformat);
        let minor_text = number(&raw.nbformat_minor);
        let major = match &major_text {
            None => {
                if raw.worksheets && raw.cells.is_none() {
                    return Err(NotebookError::UnsupportedVersion("3 or older".to_owned()));
                }
                4
            }
            Some(value) => match value.parse::<u64>() {
                Ok(major @ (4 | 5)) => major,
                _ => {
                    return Err(NotebookError::UnsupportedVersion(value.clone()));
                }
            },
        };
        let minor = minor_text.and_then(|m| m.parse::<u64>().ok()).unwrap_or(0);
        if raw.cells_not_list {
            return Err(NotebookError::CellsNotList);
        }
        let Some(raw_cells) = raw.cells else {
            return Err(NotebookError::NoCells);
        };
        let cells = raw_cells
            .into_iter()
            .map(|cell| Cell {
                cell_type: match cell.cell_type.as_deref() {
                    _ if cell.not_object => CellType::Missing,
                    Some("code") => CellType::Code,
                    Some("markdown") => CellType::Markdown,
                    Some("raw") => CellType::Raw,
                    Some(other) => CellType::Other(other.to_owned()),
                    None => CellType::Missing,
                },
                source: cell.source.map(shift),
                metadata: cell.metadata.map(shift),
                outputs: cell.outputs.map(shift),
                execution_count: cell.execution_count.map(shift),
                id: cell.id.map(shift),
                has_other_keys: cell.other_keys,
            })
            .collect();
        let language = NotebookLanguage::decide(
            raw.language_info_name.as_deref(),
            raw.kernelspec_language.as_deref(),
            raw.kernelspec_name.as_deref(),
        );
        Ok(Notebook {
            text,
            cells,
            nbformat: (major, minor),
            nbformat_minor_span: raw.nbformat_minor.clone().map(shift),
            language,
            metadata: raw.metadata.map(shift),
            cells_span: raw.cells_span.map(shift),
            long_strings: raw.long_strings.into_iter().map(shift).collect(),
            string_lists: raw.string_lists.into_iter().map(shift).collect(),
        })
    }

    /// The original text of the file (BOM included).
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// The cells, in notebook order.
    pub fn cells(&self) -> &[Cell] {
        &self.cells
    }

    /// `(nbformat, nbformat_minor)`; a missing `nbformat` reads as 4, a missing minor as 0.
    pub fn nbformat(&self) -> (u64, u64) {
        self.nbformat
    }

    /// Span of the `nbformat_minor` value.
    pub fn nbformat_minor_span(&self) -> Option<Span> {
        self.nbformat_minor_span.clone()
    }

    /// `true` for nbformat 4.5 and later 4.x, where every cell has an `id`.
    pub fn has_cell_ids(&self) -> bool {
        let (major, minor) = self.nbformat;
        major == 4 && minor >= 5
    }

    /// The notebook's language.
    pub fn language(&self) -> &NotebookLanguage {
        &self.language
    }

    /// Span of the notebook-level `metadata` value.
    pub fn metadata_span(&self) -> Option<Span> {
        self.metadata.clone()
    }

    /// The raw JSON text of a span.
    pub fn slice(&self, span: &Span) -> &'a str {
        &self.text[span.clone()]
    }

    /// Decodes the `source` of cell `index`.
    ///
    /// # Errors
    /// [`SourceError`] when the cell has no source or it is not text.
    ///
    /// # Panics
    /// When `index` is out of range.
    pub fn source(&self, index: usize) -> Result<CellSource<'a>, SourceError> {
        let span = self.cells[index]
            .source
            .clone()
            .ok_or(SourceError::Missing)?;
        self.decode_source(span.clone()).map_err(|err| match err {
            SourceError::NotText => json_string::lone_surrogate(&self.text[span])
                .map_or(SourceError::NotText, SourceError::LoneSurrogate),
            other => other,
        })
    }

    fn decode_source(&self, span: Span) -> Result<CellSource<'a>, SourceError> {
        let raw = &self.text[span.clone()];
        if raw.starts_with('"') {
            let text = json_string::decode(raw).ok_or(SourceError::NotText)?;
            return Ok(CellSource {
                text,
                shape: SourceShape::String,
                span,
            });
        }
        if !raw.starts_with('[') {
            return Err(SourceError::NotText);
        }
        // A list of strings: scanned here (the skeleton parse has checked it is valid JSON), and
        // decoded line by line into one string (one line alone is borrowed).
        let mut spans = Vec::new();
        let mut all_strings = true;
        let mut scanner = scan::Scanner::trusted(self.text, span.start);
        let list = scanner.array(|s, _| {
            if s.peek() == scan::Kind::String {
                spans.push(s.string());
            } else {
                all_strings = false;
                s.skip();
            }
        });
        if !all_strings || list != Ok(span.clone()) {
            return Err(SourceError::NotText);
        }
        let text = match spans.as_slice() {
            [] => Cow::Borrowed(""),
            [one] => json_string::decode(&self.text[one.clone()]).ok_or(SourceError::NotText)?,
            _ => {
                let mut text = String::with_capacity(span.len());
                for element in &spans {
                    if !json_string::decode_into(&self.text[element.clone()], &mut text) {
                        return Err(SourceError::NotText);
                    }
                }
                Cow::Owned(text)
            }
        };
        Ok(CellSource {
            text,
            shape: SourceShape::Lines(spans),
            span,
        })
    }

    /// The VS Code language id of cell `index` (`metadata.vscode.languageId`), if any.
    ///
    /// # Panics
    /// When `index` is out of range.
    pub fn vscode_language(&self, index: usize) -> Option<String> {
        let span = self.cells[index].metadata.as_ref()?;
        let raw = &self.text[span.clone()];
        if !raw.contains("languageId") {
            return None;
        }
        // `metadata.vscode.languageId`; the last of each key wins.
        let text = self.text;
        let mut language = None;
        let _ = scan::Scanner::trusted(text, span.start).object(|s, key| {
            if scan::key_is(text, &key, "vscode") {
                language = None;
                let _ = s.object(|s, key| {
                    if scan::key_is(text, &key, "languageId") {
                        language = (s.peek() == scan::Kind::String)
                            .then(|| scan::decode(text, &s.string()))
                            .flatten()
                            .map(Cow::into_owned);
                    }
                });
            }
        });
        language
    }

    /// Classifies cell `index`: `None` when it is not a code cell of a Python notebook, else what
    /// its code is. `text` is the cell's decoded source.
    pub fn classify(&self, index: usize, text: &str) -> Option<CodeKind> {
        self.classify_with(index, text, &[])
    }

    /// [`Notebook::classify`], with custom cell magics whose body is Python
    /// (`nbtidy_python_cell_magics`; names without `%%`). Format and check both classify
    /// through this, so they agree on which cells are Python.
    pub fn classify_with(
        &self,
        index: usize,
        text: &str,
        python_cell_magics: &[String],
    ) -> Option<CodeKind> {
        if self.cells[index].cell_type != CellType::Code || !self.language.is_python() {
            return None;
        }
        Some(classify_code_with(
            text,
            self.vscode_language(index).as_deref(),
            python_cell_magics,
        ))
    }

    /// The file's layout conventions, detected from its bytes.
    pub fn style(&self) -> encode::FileStyle {
        encode::FileStyle::detect(&self.text[self.bom_len()..])
    }

    fn bom_len(&self) -> usize {
        if self.text.starts_with(BOM) {
            BOM.len()
        } else {
            0
        }
    }

    /// Encodes `new_text` as the new JSON value for the `source` of cell `index`, in the shape
    /// and style of the original value.
    ///
    /// # Errors
    /// [`SourceError`] when the original source cannot be read.
    pub fn encode_source(
        &self,
        index: usize,
        new_text: &str,
        style: &encode::FileStyle,
    ) -> Result<String, SourceError> {
        let source = self.source(index)?;
        Ok(encode::encode_source(self.text, &source, new_text, style))
    }

    /// Returns the file with each `(span, replacement)` spliced in; every other byte is kept.
    ///
    /// # Panics
    /// When spans overlap or lie outside the file.
    pub fn splice(&self, mut edits: Vec<(Span, String)>) -> Vec<u8> {
        edits.sort_by_key(|(span, _)| span.start);
        let extra: usize = edits.iter().map(|(_, text)| text.len()).sum();
        let mut out = Vec::with_capacity(self.text.len() + extra);
        let mut at = 0;
        for (span, replacement) in edits {
            assert!(span.start >= at, "overlapping edits");
            out.extend_from_slice(&self.text.as_bytes()[at..span.start]);
            out.extend_from_slice(replacement.as_bytes());
            at = span.end;
        }
        out.extend_from_slice(&self.text.as_bytes()[at..]);
        out
    }

    /// Replaces the sources of the given cells (`(cell index, new code)`) and returns the new file.
    ///
    /// Each new value is decoded back and compared with the intended text before anything is
    /// spliced; every other byte is the original's, so the result is valid JSON whenever the input
    /// was.
    ///
    /// # Errors
    /// [`SourceError`] when an original source cannot be read, or a new value does not round-trip.
    pub fn with_sources(&self, sources: &[(usize, String)]) -> Result<Vec<u8>, SourceError> {
        if sources.is_empty() {
            return Ok(self.text.as_bytes().to_vec());
        }
        let style = self.style();
        let mut edits = Vec::with_capacity(sources.len());
        for (index, text) in sources {
            let source = self.source(*index)?;
            let encoded = encode::encode_source(self.text, &source, text, &style);
            if !round_trips(&encoded, text) {
                return Err(SourceError::RoundTrip(index + 1));
            }
            edits.push((source.span, encoded));
        }
        Ok(self.splice(edits))
    }
}

pub use encode::{FileStyle, split_lines};

/// `true` when the JSON value `encoded` (a string or a list of strings) decodes to `text`.
fn round_trips(encoded: &str, text: &str) -> bool {
    if encoded.starts_with('"') {
        return json_string::decode(encoded).is_some_and(|decoded| decoded == text);
    }
    // A checked scan: the new value must be valid JSON on its own.
    let mut scanner = scan::Scanner::checked(encoded, 0);
    let mut rest = Some(text);
    let list = scanner.array(|s, _| {
        let decoded = (s.peek() == scan::Kind::String)
            .then(|| scan::decode(encoded, &s.string()))
            .flatten();
        rest = match (rest, decoded) {
            (Some(rest), Some(decoded)) => rest.strip_prefix(decoded.as_ref()),
            _ => None,
        };
    });
    list.is_ok() && scanner.finish().is_ok() && rest == Some("")
}

/// 1-based line and column (in bytes) of byte offset `at`.
fn line_col(bytes: &[u8], at: usize) -> (usize, usize) {
    let before = &bytes[..at.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = at
        - before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1)
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests;

/// Maps positions in cells' code to positions in the file.
impl<'a> Notebook<'a> {
    /// Byte offset in the file of byte `offset` of cell `index`'s decoded code: inside the JSON
    /// string that holds that text (escapes counted as the characters they stand for). An offset at
    /// the very end maps just before the closing quote of the last string. `None` when the cell's
    /// source cannot be read.
    ///
    /// Each call reads the cell's source again: to map many offsets of one cell, build its
    /// [`Notebook::offset_map`] once.
    pub fn file_offset(&self, index: usize, offset: usize) -> Option<usize> {
        Some(self.offset_map(index)?.file_offset(offset))
    }

    /// The map from byte offsets of cell `index`'s decoded code to byte offsets of the file (see
    /// [`Notebook::file_offset`]), built in one pass over the cell's `source`; each lookup then
    /// costs O(log n) plus a walk of at most [`OffsetMap::EVERY`] bytes. `None` when the cell's
    /// source cannot be read.
    pub fn offset_map(&self, index: usize) -> Option<OffsetMap<'a>> {
        let source = self.source(index).ok()?;
        let strings: Vec<Span> = match &source.shape {
            SourceShape::String => vec![source.span.clone()],
            SourceShape::Lines(spans) if spans.is_empty() => {
                return Some(OffsetMap {
                    text: self.text,
                    empty_at: source.span.start + 1,
                    strings: Vec::new(),
                });
            }
            SourceShape::Lines(spans) => spans.clone(),
        };
        let mut mapped = Vec::with_capacity(strings.len());
        let mut start = 0;
        for span in strings {
            let raw = &self.text[span.clone()];
            let len = json_string::decode(raw)?.len();
            let checkpoints = json_string::raw_checkpoints(raw, OffsetMap::EVERY);
            mapped.push(MappedString {
                span,
                start,
                len,
                checkpoints,
            });
            start += len;
        }
        Some(OffsetMap {
            text: self.text,
            empty_at: 0,
            strings: mapped,
        })
    }

    /// 1-based line and column (in characters) of byte offset `at` of the file.
    pub fn file_position(&self, at: usize) -> (usize, usize) {
        let at = at.min(self.text.len());
        let before = &self.text[..at];
        let line_start = before.rfind('\n').map_or(0, |p| p + 1);
        let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
        (line, before[line_start..].chars().count() + 1)
    }
}

impl Notebook<'_> {
    /// The lists of only strings of [`scan::STRING_LIST`] bytes or more (multiline text inside
    /// cells: sources, output texts and data), sorted by start: a reader that only needs to
    /// know that such a value is text need not look into it.
    pub fn string_lists(&self) -> &[Span] {
        &self.string_lists
    }

    /// Byte spans of every cell object (`{...}`) and of the `cells` list itself, computed on
    /// demand by a second, trusted scan ([`scan::cell_spans`]) that jumps over the values whose
    /// spans are known ([`Notebook::known_spans`]); only fixes that remove or extend cells need
    /// them.
    pub fn cell_spans(&self) -> Option<(Span, Vec<Span>)> {
        scan::cell_spans(self.text, &self.known_spans())
    }

    /// The spans the skeleton parse found, sorted by start, for [`scan::Scanner::with_jumps`]:
    /// the notebook `metadata`, the `cells` list, each cell's `source`, `metadata` and
    /// `outputs`, every string of [`scan::LONG_STRING`] bytes or more and every list of only
    /// strings of [`scan::STRING_LIST`] bytes or more.
    pub fn known_spans(&self) -> Vec<Span> {
        let mut spans: Vec<Span> = self.metadata.iter().cloned().collect();
        spans.extend(self.long_strings.iter().cloned());
        spans.extend(self.string_lists.iter().cloned());
        spans.extend(self.cells_span.iter().cloned());
        for cell in &self.cells {
            spans.extend(
                [&cell.source, &cell.metadata, &cell.outputs]
                    .into_iter()
                    .flatten()
                    .cloned(),
            );
        }
        spans.sort_by_key(|span| span.start);
        spans.dedup_by_key(|span| span.start);
        spans
    }
}
