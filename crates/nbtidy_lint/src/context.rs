//! What a rule sees: one notebook, its cells (decoded, classified, Python cells parsed), the
//! settings, and helpers to build locations and findings.

use std::borrow::Cow;
use std::path::Path;

use nbtidy_config::Resolved;
use nbtidy_diagnostics::{Diagnostic, Location, Position};
use nbtidy_notebook::{CellType, CodeKind, Notebook, OffsetMap, Span};
use nbtidy_python::{LeadingIndent, TooDeep};
use ruff_python_ast::ModModule;
use ruff_python_parser::Parsed;
use ruff_text_size::{TextRange, TextSize};

use crate::RuleMeta;
use nbtidy_notebook::scan::{self, Entry};

/// A Python cell's parse, done on first use: rules that never look at Python (`--select NB`)
/// never pay for parsing. A cell nested too deeply to parse safely has no parse
/// ([`LazyParse::get`] is `None`); `E999` reports it.
#[derive(Debug)]
pub struct LazyParse {
    text: Box<str>,
    parsed: std::cell::OnceCell<Result<Parsed<ModModule>, TooDeep>>,
}

impl LazyParse {
    fn new(text: &str) -> Self {
        LazyParse {
            text: text.into(),
            parsed: std::cell::OnceCell::new(),
        }
    }

    fn result(&self) -> &Result<Parsed<ModModule>, TooDeep> {
        self.parsed.get_or_init(|| {
            parse_cell(&self.text).map(|parsed| {
                parsed
                    .try_into_module()
                    .expect("notebook mode parses modules")
            })
        })
    }

    /// The parse result (with or without syntax errors); `None` when the code is nested too
    /// deeply to be parsed.
    pub fn get(&self) -> Option<&Parsed<ModModule>> {
        self.result().as_ref().ok()
    }

    /// Where the code is nested too deeply to be parsed, if it is.
    pub fn too_deep(&self) -> Option<&TooDeep> {
        self.result().as_ref().err()
    }
}

/// Parses cell code with IPython syntax, keeping syntax errors in the result; `Err` when it is
/// nested too deeply (see `nbtidy_python`). An indented cell is parsed without its common
/// indentation, as IPython runs it (ranges are then in the dedented code).
pub(crate) fn parse_cell(code: &str) -> Result<Parsed<ruff_python_ast::Mod>, TooDeep> {
    match LeadingIndent::detect(code) {
        Some(indent) => nbtidy_python::parse_cell_unchecked(indent.dedented()),
        None => nbtidy_python::parse_cell_unchecked(code),
    }
}

/// What kind of cell this is, for linting.
#[derive(Debug)]
pub enum CellKind {
    /// A code cell with Python code (parsed on first use; possibly with syntax errors).
    Python(LazyParse),
    /// A code cell whose code is not Python (cell magic, automagic, another language), or any
    /// code cell of a non-Python notebook.
    OtherCode(Option<CodeKind>),
    /// A markdown cell.
    Markdown,
    /// A raw cell.
    Raw,
    /// A cell of unknown or missing type.
    Unknown,
}

/// One cell as rules see it.
#[derive(Debug)]
pub struct CellView<'a> {
    /// 0-based index among all cells.
    pub index: usize,
    /// The stated cell type.
    pub cell_type: CellType,
    /// The cell's text (its decoded `source`); decoded on first use for non-code cells.
    code: std::cell::OnceCell<Option<Cow<'a, str>>>,
    notebook: &'a Notebook<'a>,
    /// What the cell holds.
    pub kind: CellKind,
    /// The cell's `metadata.tags`.
    pub tags: Vec<String>,
    line_starts: std::cell::OnceCell<Vec<usize>>,
    /// For a Python cell whose first non-blank line is indented: the indentation IPython
    /// removes before running it. Rules then see the dedented code ([`CellView::text`]), and
    /// positions and edits are mapped back to the cell as stored.
    dedent: Option<LeadingIndent>,
    char_counts: std::cell::OnceCell<CharCounts>,
    offset_map: std::cell::OnceCell<Option<OffsetMap<'a>>>,
}

impl CellView<'_> {
    /// 1-based cell number, as Jupyter shows it.
    pub fn number(&self) -> usize {
        self.index + 1
    }

    /// The cell's text (its decoded `source`), `None` when it cannot be read.
    pub fn code(&self) -> Option<&str> {
        self.code
            .get_or_init(|| {
                self.notebook
                    .source(self.index)
                    .ok()
                    .map(|source| source.text)
            })
            .as_deref()
    }

    /// The cell's code as rules see it, or `""`: its text, without the common indentation of
    /// an indented Python cell (as IPython runs it; see [`CellView::dedent`]). Parse ranges,
    /// [`CellView::line_range`], [`CellView::lines`] and the offsets rules give
    /// [`Context::code_location`] and `Edit::code` are in this text.
    pub fn text(&self) -> &str {
        match &self.dedent {
            Some(indent) => indent.dedented(),
            None => self.original_text(),
        }
    }

    /// The cell's text as stored in the notebook, or `""`.
    pub fn original_text(&self) -> &str {
        self.code().unwrap_or("")
    }

    /// The indentation removed from an indented Python cell, if any.
    pub fn dedent(&self) -> Option<&LeadingIndent> {
        self.dedent.as_ref()
    }

    /// The offset in [`CellView::original_text`] of byte `offset` of [`CellView::text`].
    pub fn original_offset(&self, offset: usize) -> usize {
        self.dedent
            .as_ref()
            .map_or(offset, |indent| indent.to_original(offset))
    }

    /// The parsed module when this is a Python cell without syntax errors.
    pub fn python(&self) -> Option<&ModModule> {
        match &self.kind {
            CellKind::Python(parsed) => parsed
                .get()
                .filter(|parsed| parsed.errors().is_empty())
                .map(Parsed::syntax),
            _ => None,
        }
    }

    /// The parse result of a Python cell (with or without errors). Parses on first use. `None`
    /// for other cells and for a Python cell nested too deeply to parse.
    pub fn parsed(&self) -> Option<&Parsed<ModModule>> {
        match &self.kind {
            CellKind::Python(parsed) => parsed.get(),
            _ => None,
        }
    }

    /// Where a Python cell is nested too deeply to be parsed, if it is.
    pub fn too_deep(&self) -> Option<&TooDeep> {
        match &self.kind {
            CellKind::Python(parsed) => parsed.too_deep(),
            _ => None,
        }
    }

    /// `true` for a code cell holding Python (without parsing it).
    pub fn is_python(&self) -> bool {
        matches!(self.kind, CellKind::Python(_))
    }

    /// `true` when the cell has the tag.
    pub fn has_tag(&self, tag: &str) -> bool {
        self.tags.iter().any(|t| t == tag)
    }

    /// 1-based row and column (characters) in the stored cell of byte `offset` of
    /// [`CellView::text`].
    pub fn position(&self, offset: usize) -> Position {
        let text = self.text();
        let offset = offset.min(text.len());
        let starts = self.line_starts();
        let row = starts.partition_point(|&start| start <= offset);
        let line_start = starts[row - 1];
        let chars = chars_between(&self.char_counts, text, line_start, offset);
        // Dedenting keeps the rows; a row that lost the indentation gets it back in its column.
        let column = match &self.dedent {
            Some(indent) => indent.original_column(row, chars + 1),
            None => chars + 1,
        };
        Position::new(row, column)
    }

    /// Byte range of row `row` (1-based) without its line ending.
    pub fn line_range(&self, row: usize) -> std::ops::Range<usize> {
        let text = self.text();
        let starts = self.line_starts();
        let start = starts[row - 1];
        let end = starts.get(row).copied().unwrap_or(text.len());
        let line = &text[start..end];
        let trimmed = line.trim_end_matches(['\n', '\r']);
        start..start + trimmed.len()
    }

    /// The lines of the cell's text (without line endings), with their 1-based row.
    pub fn lines(&self) -> impl Iterator<Item = (usize, &str)> {
        let text = self.text();
        (1..=self.line_starts().len()).map(move |row| (row, &text[self.line_range(row)]))
    }

    /// Byte offsets where the cell's lines start, computed on first use.
    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| line_starts(self.text()))
    }
}

/// Byte offsets where lines start (`\n`, `\r\n` and a lone `\r` end lines).
fn line_starts(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    if !text.contains('\r') {
        // The common case, with a vectorised search.
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        return starts;
    }
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            starts.push(i + 1);
        }
    }
    starts
}

/// Bytes per block of [`FileLines`] and [`CharCounts`].
const LINE_BLOCK: usize = 4096;

/// How many characters a UTF-8 byte string holds (its bytes that do not continue a character).
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

/// Characters before each block of [`LINE_BLOCK`] bytes of a text, so that the column of a
/// position far from its line's start costs two lookups and two counts within a block, not a
/// count of the whole line: a line of a megabyte with a finding every few bytes stays linear.
#[derive(Debug)]
struct CharCounts {
    before: Vec<usize>,
}

impl CharCounts {
    fn new(text: &str) -> Self {
        let mut before = Vec::with_capacity(text.len() / LINE_BLOCK + 2);
        let mut count = 0;
        for block in text.as_bytes().chunks(LINE_BLOCK) {
            before.push(count);
            count += count_chars(block);
        }
        before.push(count);
        CharCounts { before }
    }

    /// Characters of `text` before byte `at`.
    fn before(&self, text: &str, at: usize) -> usize {
        let block = at / LINE_BLOCK;
        self.before[block] + count_chars(&text.as_bytes()[block * LINE_BLOCK..at])
    }
}

/// Characters of `text[from..to]`: counted when the range is short, else from the block counts
/// (built on first use).
fn chars_between(
    counts: &std::cell::OnceCell<CharCounts>,
    text: &str,
    from: usize,
    to: usize,
) -> usize {
    if to - from <= LINE_BLOCK {
        return count_chars(&text.as_bytes()[from..to]);
    }
    let counts = counts.get_or_init(|| CharCounts::new(text));
    counts.before(text, to) - counts.before(text, from)
}

/// Line numbers of the file's bytes: how many lines (only `\n` ends a line of a JSON file)
/// start before each block of [`LINE_BLOCK`] bytes, and where the line holding the block's first
/// byte starts. A position counts the newlines of its block only, and finds its line's start in
/// its block or in the index: the index is one vectorised pass over the file, not a list of every
/// line start, and a lookup costs O(block) even on a file written as one line.
struct FileLines {
    newlines_before: Vec<usize>,
    line_start_before: Vec<usize>,
    char_counts: std::cell::OnceCell<CharCounts>,
}

impl FileLines {
    fn new(text: &str) -> Self {
        let blocks = text.len() / LINE_BLOCK + 2;
        let mut newlines_before = Vec::with_capacity(blocks);
        let mut line_start_before = Vec::with_capacity(blocks);
        let mut count = 0;
        let mut line_start = 0;
        for (index, block) in text.as_bytes().chunks(LINE_BLOCK).enumerate() {
            newlines_before.push(count);
            line_start_before.push(line_start);
            count += memchr::memchr_iter(b'\n', block).count();
            if let Some(last) = memchr::memrchr(b'\n', block) {
                line_start = index * LINE_BLOCK + last + 1;
            }
        }
        // For the offset just past the end when the file fills its last block.
        newlines_before.push(count);
        line_start_before.push(line_start);
        FileLines {
            newlines_before,
            line_start_before,
            char_counts: std::cell::OnceCell::new(),
        }
    }

    /// 1-based line and column (characters) of byte `at` of `text`.
    fn position(&self, text: &str, at: usize) -> Position {
        let bytes = text.as_bytes();
        let block = at / LINE_BLOCK;
        let before = self.newlines_before[block];
        let block_start = block * LINE_BLOCK;
        let in_block = &bytes[block_start..at];
        let row = before + memchr::memchr_iter(b'\n', in_block).count() + 1;
        let line_start = memchr::memrchr(b'\n', in_block)
            .map_or(self.line_start_before[block], |i| block_start + i + 1);
        let column = chars_between(&self.char_counts, text, line_start, at) + 1;
        Position::new(row, column)
    }
}

/// One notebook, ready for the rules.
pub struct Context<'a> {
    path: &'a Path,
    notebook: &'a Notebook<'a>,
    cells: Vec<CellView<'a>>,
    config: &'a Resolved,
    file_lines: std::cell::OnceCell<FileLines>,
    semantic: std::cell::OnceCell<std::rc::Rc<crate::semantic::SemanticModel>>,
    metadata_entries: std::cell::OnceCell<Option<Vec<Entry<'a>>>>,
    jumps: std::cell::OnceCell<Vec<Span>>,
    cell_spans: std::cell::OnceCell<Option<(Span, Vec<Span>)>>,
    fixes: Fixes,
}

/// What the caller needs of the fixes a check finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fixes {
    /// Every fix with its edits: to apply them (`--fix`, `--diff`, a server's code actions) or
    /// to show them (JSON output).
    WithEdits,
    /// Only whether a finding has a fix and how safe it is (`[*]`, the fixable counts of a
    /// listing): a rule whose edits are costly to build may leave them out (`edits` empty).
    AvailabilityOnly,
}

impl<'a> Context<'a> {
    /// Decodes, classifies and parses every cell.
    pub fn new(path: &'a Path, notebook: &'a Notebook<'a>, config: &'a Resolved) -> Self {
        let python_notebook = notebook.language().is_python();
        let cells = notebook
            .cells()
            .iter()
            .enumerate()
            .map(|(index, cell)| {
                // Code cells are decoded now (classification reads them); others on first use.
                let code = std::cell::OnceCell::new();
                if cell.cell_type == CellType::Code {
                    let _ = code.set(notebook.source(index).ok().map(|source| source.text));
                }
                let mut dedent = None;
                let kind = match (&cell.cell_type, code.get()) {
                    (CellType::Code, Some(Some(text))) if python_notebook => {
                        match notebook.classify_with(
                            index,
                            text,
                            config.settings.python_cell_magics.value.names(),
                        ) {
                            Some(CodeKind::Python) => {
                                dedent = LeadingIndent::detect(text);
                                let code = dedent.as_ref().map_or(&**text, LeadingIndent::dedented);
                                CellKind::Python(LazyParse::new(code))
                            }
                            other => CellKind::OtherCode(other),
                        }
                    }
                    (CellType::Code, _) => CellKind::OtherCode(None),
                    (CellType::Markdown, _) => CellKind::Markdown,
                    (CellType::Raw, _) => CellKind::Raw,
                    (CellType::Other(_) | CellType::Missing, _) => CellKind::Unknown,
                };
                let tags = cell
                    .metadata
                    .as_ref()
                    .map(|span| tags_of(notebook.slice(span)))
                    .unwrap_or_default();
                CellView {
                    index,
                    cell_type: cell.cell_type.clone(),
                    line_starts: std::cell::OnceCell::new(),
                    char_counts: std::cell::OnceCell::new(),
                    offset_map: std::cell::OnceCell::new(),
                    code,
                    notebook,
                    kind,
                    tags,
                    dedent,
                }
            })
            .collect();
        Context {
            path,
            notebook,
            cells,
            config,
            file_lines: std::cell::OnceCell::new(),
            semantic: std::cell::OnceCell::new(),
            metadata_entries: std::cell::OnceCell::new(),
            jumps: std::cell::OnceCell::new(),
            cell_spans: std::cell::OnceCell::new(),
            fixes: Fixes::WithEdits,
        }
    }

    /// The same context, for a caller that needs `fixes` of the fixes (default: with edits).
    #[must_use]
    pub fn with_fixes(mut self, fixes: Fixes) -> Self {
        self.fixes = fixes;
        self
    }

    /// What the caller needs of fixes: a rule whose fix is costly to build (NB018 sorts the first
    /// cell) builds its edits only for [`Fixes::WithEdits`], and otherwise attaches a fix of the
    /// same applicability without edits, so the finding is marked and counted the same.
    pub fn fixes(&self) -> Fixes {
        self.fixes
    }

    /// Where the notebook's semantic model is kept once built (see [`crate::semantic::model`]).
    pub(crate) fn semantic_cell(
        &self,
    ) -> &std::cell::OnceCell<std::rc::Rc<crate::semantic::SemanticModel>> {
        &self.semantic
    }

    /// The entries of the notebook's `metadata` object, scanned once for all rules (`None`
    /// without metadata or when it is not an object).
    pub(crate) fn metadata_entries(&self) -> Option<&[Entry<'a>]> {
        self.metadata_entries
            .get_or_init(|| {
                let span = self.notebook.metadata_span()?;
                scan::object_entries(self.notebook.text(), &span)
            })
            .as_deref()
    }

    /// The spans of values already known, sorted by start (for [`scan::Scanner::with_jumps`]):
    /// the notebook metadata and its values, and each cell's `source`, `metadata` and `outputs`.
    pub(crate) fn jumps(&self) -> &[Span] {
        self.jumps.get_or_init(|| {
            let mut spans = self.notebook.known_spans();
            spans.extend(
                self.metadata_entries()
                    .unwrap_or_default()
                    .iter()
                    .map(|entry| entry.value.clone()),
            );
            spans.sort_by_key(|span| span.start);
            spans.dedup_by_key(|span| span.start);
            spans
        })
    }

    /// The span of the `cells` list and of each cell object, scanned once (jumping over the
    /// known values).
    pub(crate) fn cell_spans(&self) -> Option<&(Span, Vec<Span>)> {
        self.cell_spans
            .get_or_init(|| scan::cell_spans(self.notebook.text(), self.jumps()))
            .as_ref()
    }

    /// The notebook's path.
    pub fn path(&self) -> &Path {
        self.path
    }

    /// The notebook.
    pub fn notebook(&self) -> &Notebook<'a> {
        self.notebook
    }

    /// All cells, in notebook order.
    pub fn cells(&self) -> &[CellView<'a>] {
        &self.cells
    }

    /// The Python cells without syntax errors, in notebook order, with their modules.
    pub fn python_cells(&self) -> impl Iterator<Item = (&CellView<'a>, &ModModule)> {
        self.cells
            .iter()
            .filter_map(|cell| cell.python().map(|module| (cell, module)))
    }

    /// The settings, for a rule that declared `key` in its metadata.
    ///
    /// # Panics
    /// When the rule did not declare `key`: the documentation of keys must not drift.
    pub fn config(&self, meta: &RuleMeta, key: &str) -> &Resolved {
        assert!(
            meta.keys.contains(&key),
            "rule {} reads `.editorconfig` key `{key}` without declaring it",
            meta.code
        );
        self.config
    }

    /// The raw `.editorconfig` value of a declared key (see [`Context::config`]).
    pub fn option(&self, meta: &RuleMeta, key: &str) -> Option<&str> {
        self.config(meta, key).raw(key).map(|(value, _)| value)
    }

    /// 1-based line and column of a byte offset of the file.
    pub fn file_position(&self, at: usize) -> Position {
        let text = self.notebook.text();
        let at = at.min(text.len());
        // Indexed on the first finding: many notebooks have none.
        self.file_lines
            .get_or_init(|| FileLines::new(text))
            .position(text, at)
    }

    /// The location of `range` of cell `cell`'s code.
    pub fn code_location(&self, cell: usize, range: TextRange) -> Location {
        let view = &self.cells[cell];
        let start = range.start().to_usize();
        let end = range.end().to_usize();
        // Mapped through the cell's offset map, built once for all its findings.
        let map = view
            .offset_map
            .get_or_init(|| self.notebook.offset_map(cell));
        let file_at = |offset: usize| {
            map.as_ref()
                .map(|map| map.file_offset(view.original_offset(offset)))
                .or_else(|| self.notebook.cells()[cell].source.as_ref().map(|s| s.start))
                .unwrap_or(0)
        };
        Location {
            cell: Some(view.number()),
            start: view.position(start),
            end: view.position(end),
            file_start: self.file_position(file_at(start)),
            file_end: self.file_position(file_at(end)),
        }
    }

    /// The location of a JSON value of the file; `cell` is the 0-based cell it belongs to.
    pub fn json_location(&self, cell: Option<usize>, span: &Span) -> Location {
        Location {
            cell: cell.map(|c| c + 1),
            start: Position::new(1, 1),
            end: Position::new(1, 1),
            file_start: self.file_position(span.start),
            file_end: self.file_position(span.end),
        }
    }

    /// A finding of `meta`'s rule with its default severity.
    pub fn diagnostic(
        &self,
        meta: &RuleMeta,
        message: impl Into<String>,
        location: Location,
    ) -> Diagnostic {
        Diagnostic {
            code: meta.code,
            name: meta.name,
            severity: meta.severity,
            message: message.into(),
            fix_title: None,
            location,
            fix: None,
        }
    }

    /// A finding on `range` of cell `cell`'s code.
    pub fn code_diagnostic(
        &self,
        meta: &RuleMeta,
        message: impl Into<String>,
        cell: usize,
        range: TextRange,
    ) -> Diagnostic {
        self.diagnostic(meta, message, self.code_location(cell, range))
    }
}

/// A text range from byte offsets.
pub fn text_range(start: usize, end: usize) -> TextRange {
    TextRange::new(
        TextSize::try_from(start).unwrap_or_default(),
        TextSize::try_from(end).unwrap_or_default(),
    )
}

/// `metadata.tags` of a cell's metadata JSON.
fn tags_of(metadata: &str) -> Vec<String> {
    if !metadata.contains("\"tags\"") {
        return Vec::new();
    }
    serde_json::from_str::<serde_json::Value>(metadata)
        .ok()
        .and_then(|value| {
            value.get("tags")?.as_array().map(|tags| {
                tags.iter()
                    .filter_map(|t| t.as_str().map(str::to_owned))
                    .collect()
            })
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::{FileLines, LINE_BLOCK, chars_between};
    use nbtidy_diagnostics::Position;

    /// Line and column by walking the text from the start.
    fn naive(text: &str, at: usize) -> Position {
        let before = &text[..at];
        let row = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Position::new(row, text[line_start..at].chars().count() + 1)
    }

    #[test]
    fn file_positions_match_a_walk_from_the_start() {
        // Lines of varied lengths (some longer than a block), multi-byte characters, and a file
        // that ends exactly on a block boundary.
        let mut text = String::new();
        for i in 0..300 {
            text.push_str(&"é".repeat(i % 7));
            text.push_str(&"x".repeat((i * 37) % 300));
            if i % 97 == 0 {
                text.push_str(&"y".repeat(LINE_BLOCK + 5));
            }
            text.push('\n');
        }
        let filled = {
            let mut t = "ab\n".repeat(LINE_BLOCK);
            t.truncate(2 * LINE_BLOCK);
            t
        };
        // One line of several blocks, with multi-byte characters (a file written as one line).
        let one_line = "aé€😀,".repeat(3 * LINE_BLOCK / 10);
        for text in [
            text.as_str(),
            filled.as_str(),
            one_line.as_str(),
            "",
            "\n",
            "a",
        ] {
            let lines = FileLines::new(text);
            for at in (0..=text.len()).filter(|&at| text.is_char_boundary(at)) {
                assert_eq!(lines.position(text, at), naive(text, at), "offset {at}");
            }
        }
    }

    #[test]
    fn character_counts_match_a_count_of_the_range() {
        let text = "aé€😀,\n".repeat(LINE_BLOCK) + &"x".repeat(3 * LINE_BLOCK);
        let counts = std::cell::OnceCell::new();
        let boundaries: Vec<usize> = (0..=text.len())
            .filter(|&at| text.is_char_boundary(at))
            .step_by(997)
            .chain([text.len()])
            .collect();
        for &from in &boundaries {
            for &to in boundaries.iter().filter(|&&to| to >= from) {
                assert_eq!(
                    chars_between(&counts, &text, from, to),
                    text[from..to].chars().count(),
                    "{from}..{to}"
                );
            }
        }
    }
}
