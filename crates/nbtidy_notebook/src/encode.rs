//! Re-encoding a cell's `source` in the original's shape and the file's style.

use rustc_hash::FxHashMap;

use crate::json_string::{self, Escaping};
use crate::{CellSource, SourceShape};

/// The layout conventions of one notebook file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileStyle {
    /// How strings are escaped.
    pub escaping: Escaping,
    /// The file's line ending between JSON tokens: `"\n"` or `"\r\n"`.
    pub newline: &'static str,
    /// One level of JSON indentation (the leading whitespace of the file's second line), e.g.
    /// `" "` (Jupyter), `"  "`, `"    "` or `"\t"`. Empty for a one-line file.
    pub indent_unit: String,
    /// Separator between items in a one-line file: `","` or `", "`.
    pub compact_separator: &'static str,
}

impl FileStyle {
    /// Detects the style of `json` (the file without BOM).
    pub fn detect(json: &str) -> Self {
        let newline = if json.contains("\r\n") { "\r\n" } else { "\n" };
        let indent_unit = json
            .split_once('\n')
            .map(|(_, rest)| {
                rest.chars()
                    .take_while(|c| *c == ' ' || *c == '\t')
                    .collect::<String>()
            })
            .unwrap_or_default();
        let compact_separator = match json.find("\",") {
            Some(pos) if json[pos + 2..].starts_with(' ') => ", ",
            _ => ",",
        };
        FileStyle {
            escaping: Escaping::detect(json),
            newline,
            indent_unit,
            compact_separator,
        }
    }
}

/// Splits code into Jupyter source lines: each line keeps its terminator (`\n`, `\r\n` or a lone
/// `\r`); no empty element at the end.
pub fn split_lines(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut lines = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                lines.push(&text[start..=i]);
                start = i + 1;
            }
            b'\r' if bytes.get(i + 1) != Some(&b'\n') => {
                lines.push(&text[start..=i]);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if start < text.len() {
        lines.push(&text[start..]);
    }
    lines
}

/// Encodes `new_text` as the JSON value replacing `source` (found in `file`).
pub(crate) fn encode_source(
    file: &str,
    source: &CellSource<'_>,
    new_text: &str,
    style: &FileStyle,
) -> String {
    let spans = match &source.shape {
        SourceShape::String => return json_string::encode(new_text, style.escaping),
        SourceShape::Lines(spans) => spans,
    };
    let lines = split_lines(new_text);
    if lines.is_empty() {
        return "[]".to_owned();
    }
    // Lines that did not change keep their original bytes, whatever their escaping. A line's
    // bytes are what `encode` writes for its text unless the file escaped it otherwise (`\/`,
    // `\u00e9` in a UTF-8 file, ...): only those lines are remembered, by text. (A map of every
    // line cost a hash and a cache miss per line, more per line as a huge cell grows.)
    let mut original: FxHashMap<std::borrow::Cow<'_, str>, &str> = FxHashMap::default();
    let mut scratch = String::new();
    for span in spans {
        let raw = &file[span.clone()];
        let inner = raw.get(1..raw.len().saturating_sub(1)).unwrap_or_default();
        let plain = json_string::next_special(inner.as_bytes(), 0) == inner.len()
            && (!style.escaping.ascii_only || inner.bytes().all(|b| b.is_ascii() && b != 0x7f));
        if plain {
            continue;
        }
        if let Some(text) = json_string::decode(raw) {
            scratch.clear();
            json_string::encode_into(&mut scratch, &text, style.escaping);
            if scratch != raw {
                original.insert(text, raw);
            }
        }
    }
    let (open, separator, close) = list_layout(file, source, spans, style);
    let mut out = String::with_capacity(new_text.len() + lines.len() * (separator.len() + 4));
    out.push('[');
    out.push_str(&open);
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            out.push_str(&separator);
        }
        match original.get(*line) {
            Some(raw) => out.push_str(raw),
            None => json_string::encode_into(&mut out, line, style.escaping),
        }
    }
    out.push_str(&close);
    out.push(']');
    out
}

/// The whitespace after `[`, between elements (comma included) and before `]`.
fn list_layout(
    file: &str,
    source: &CellSource<'_>,
    spans: &[crate::Span],
    style: &FileStyle,
) -> (String, String, String) {
    let value = &source.span;
    match spans {
        [first, second, ..] => {
            let last = spans.last().expect("two or more elements");
            (
                file[value.start + 1..first.start].to_owned(),
                file[first.end..second.start].to_owned(),
                file[last.end..value.end - 1].to_owned(),
            )
        }
        [only] => {
            let open = &file[value.start + 1..only.start];
            let close = &file[only.end..value.end - 1];
            let separator = if open.is_empty() {
                style.compact_separator.to_owned()
            } else {
                format!(",{open}")
            };
            (open.to_owned(), separator, close.to_owned())
        }
        [] => {
            // `"source": []`: indent one level deeper than the `"source"` key's line.
            match key_indent(file, value.start) {
                Some(indent) => {
                    let open = format!("{}{indent}{}", style.newline, style.indent_unit);
                    let close = format!("{}{indent}", style.newline);
                    (open.clone(), format!(",{open}"), close)
                }
                None => (
                    String::new(),
                    style.compact_separator.to_owned(),
                    String::new(),
                ),
            }
        }
    }
}

/// The indentation of the line holding the key of the value starting at `value_start`, or
/// `None` when the key does not start a line (a one-line file).
fn key_indent(file: &str, value_start: usize) -> Option<&str> {
    let bytes = file.as_bytes();
    let mut i = value_start;
    let skip_ws_back = |mut i: usize| {
        while i > 0 && matches!(bytes[i - 1], b' ' | b'\t' | b'\r' | b'\n') {
            i -= 1;
        }
        i
    };
    i = skip_ws_back(i);
    if i == 0 || bytes[i - 1] != b':' {
        return None;
    }
    i = skip_ws_back(i - 1);
    if i == 0 || bytes[i - 1] != b'"' {
        return None;
    }
    // The key is `"source"`: find its opening quote.
    let key_end = i - 1;
    let key_start = file[..key_end].rfind('"')?;
    // Back over the indentation only (not to the start of the line, which on a file written as
    // one line is the start of the file): the key starts a line when a newline comes before it.
    let indent_start = file[..key_start].trim_end_matches([' ', '\t']).len();
    (indent_start > 0 && bytes[indent_start - 1] == b'\n').then(|| &file[indent_start..key_start])
}
