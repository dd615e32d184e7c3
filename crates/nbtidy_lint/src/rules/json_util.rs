//! Helpers shared by the notebook (`NB`) rules: a borrowed JSON scanner that knows byte offsets,
//! object entries with key spans, style-keeping removal edits, decoded output text and
//! deterministic cell ids.
//!
//! The scanner works on text the notebook layer has already accepted as JSON (with Python's
//! `NaN` / `Infinity` / `-Infinity` tokens), so it does not report syntax errors; on anything
//! unexpected it stops instead of panicking.

use std::borrow::Cow;
use std::collections::HashSet;

use nbtidy_diagnostics::Edit;
use nbtidy_notebook::{Span, json_string};

/// The type of a JSON value, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Object,
    Array,
    String,
    /// A number without fraction or exponent.
    Integer,
    /// Any other number, `NaN` and `Infinity` included.
    Float,
    Bool,
    Null,
    /// Not a JSON value (only on malformed input).
    Invalid,
}

impl Kind {
    /// How messages name the type.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Kind::Object => "an object",
            Kind::Array => "a list",
            Kind::String => "a string",
            Kind::Integer => "an integer",
            Kind::Float => "a number",
            Kind::Bool => "a boolean",
            Kind::Null => "null",
            Kind::Invalid => "not a value",
        }
    }
}

/// A forward-only scanner over JSON text that reports byte spans (absolute in `text`).
pub(crate) struct Scanner<'a> {
    text: &'a str,
    pos: usize,
    /// Spans of values already known (sorted by start): skipping one jumps to its end.
    jumps: &'a [Span],
}

impl<'a> Scanner<'a> {
    /// A scanner positioned at `pos` of `text`.
    pub(crate) fn new(text: &'a str, pos: usize) -> Self {
        Scanner {
            text,
            pos,
            jumps: &[],
        }
    }

    /// A scanner that skips the objects and lists whose exact spans are in `jumps` (sorted by
    /// start) without reading them: the spans the notebook layer and earlier scans found.
    pub(crate) fn with_jumps(text: &'a str, pos: usize, jumps: &'a [Span]) -> Self {
        Scanner { text, pos, jumps }
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    fn ws(&mut self) {
        let bytes = self.bytes();
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn fail(&mut self) {
        self.pos = self.text.len();
    }

    /// The kind of the next value (skips whitespace first).
    pub(crate) fn peek(&mut self) -> Kind {
        self.ws();
        let bytes = self.bytes();
        match bytes.get(self.pos) {
            Some(b'{') => Kind::Object,
            Some(b'[') => Kind::Array,
            Some(b'"') => Kind::String,
            Some(b't' | b'f') => Kind::Bool,
            Some(b'n') => Kind::Null,
            Some(b'N' | b'I') => Kind::Float,
            Some(b'-' | b'0'..=b'9') => {
                let rest = &bytes[self.pos..];
                if rest.starts_with(b"-I") {
                    return Kind::Float;
                }
                let end = rest
                    .iter()
                    .position(|b| !matches!(b, b'-' | b'+' | b'0'..=b'9' | b'.' | b'e' | b'E'))
                    .unwrap_or(rest.len());
                if rest[..end].iter().any(|b| matches!(b, b'.' | b'e' | b'E')) {
                    Kind::Float
                } else {
                    Kind::Integer
                }
            }
            _ => Kind::Invalid,
        }
    }

    /// Skips one string (the scanner must be at its opening quote); returns its span.
    pub(crate) fn string(&mut self) -> Span {
        self.ws();
        let start = self.pos;
        let bytes = self.bytes();
        if bytes.get(start) != Some(&b'"') {
            self.fail();
            return start..start;
        }
        // Jump from one `"` or `\` to the next (vectorised); an escape skips the byte after it.
        let mut at = start + 1;
        while let Some(found) = bytes
            .get(at..)
            .and_then(|rest| memchr::memchr2(b'"', b'\\', rest))
        {
            let found = at + found;
            if bytes[found] == b'"' {
                self.pos = found + 1;
                return start..self.pos;
            }
            at = found + 2;
        }
        self.fail();
        start..self.pos
    }

    /// Skips any value; returns its span.
    pub(crate) fn skip(&mut self) -> Span {
        self.ws();
        let start = self.pos;
        let bytes = self.bytes();
        match bytes.get(start) {
            Some(b'"') => self.string(),
            Some(&open @ (b'{' | b'[')) => {
                if let Ok(known) = self.jumps.binary_search_by_key(&start, |span| span.start) {
                    self.pos = self.jumps[known].end;
                    return start..self.pos;
                }
                // Only this container's own bracket pair is counted: in JSON the other pair
                // nests inside it. Strings are jumped over (they may hold brackets).
                let close = if open == b'{' { b'}' } else { b']' };
                let mut depth = 0usize;
                while let Some(found) = memchr::memchr3(b'"', open, close, &bytes[self.pos..]) {
                    self.pos += found;
                    match bytes[self.pos] {
                        b'"' => {
                            self.string();
                            continue;
                        }
                        b if b == open => depth += 1,
                        _ => {
                            depth -= 1;
                            if depth == 0 {
                                self.pos += 1;
                                return start..self.pos;
                            }
                        }
                    }
                    self.pos += 1;
                }
                self.fail();
                start..self.pos
            }
            Some(_) => {
                // A number or a literal (true, false, null, NaN, Infinity, -Infinity).
                let end = bytes[start..]
                    .iter()
                    .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.')))
                    .map_or(bytes.len(), |n| start + n);
                if end == start {
                    self.fail();
                }
                self.pos = end.max(self.pos);
                start..self.pos
            }
            None => start..start,
        }
    }

    /// Walks an object: calls `entry(scanner, key_span)` for each entry, positioned at the value;
    /// `entry` may consume the value (else it is skipped). Returns the object's span, or
    /// `Err(span)` (consuming the value) when the next value is not an object.
    pub(crate) fn object(&mut self, mut entry: impl FnMut(&mut Self, Span)) -> Result<Span, Span> {
        if self.peek() != Kind::Object {
            return Err(self.skip());
        }
        let start = self.pos;
        self.pos += 1;
        loop {
            self.ws();
            match self.bytes().get(self.pos) {
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(start..self.pos);
                }
                Some(b',') => self.pos += 1,
                Some(b'"') => {
                    let key = self.string();
                    self.ws();
                    if self.bytes().get(self.pos) != Some(&b':') {
                        self.fail();
                        return Ok(start..self.pos);
                    }
                    self.pos += 1;
                    self.ws();
                    let before = self.pos;
                    entry(self, key);
                    if self.pos == before {
                        self.skip();
                    }
                }
                _ => {
                    self.fail();
                    return Ok(start..self.pos);
                }
            }
        }
    }

    /// Walks a list: calls `element(scanner, index)` positioned at each element; `element` may
    /// consume it (else it is skipped). Returns the list's span, or `Err(span)` (consuming the
    /// value) when the next value is not a list.
    pub(crate) fn array(
        &mut self,
        mut element: impl FnMut(&mut Self, usize),
    ) -> Result<Span, Span> {
        if self.peek() != Kind::Array {
            return Err(self.skip());
        }
        let start = self.pos;
        self.pos += 1;
        let mut index = 0;
        loop {
            self.ws();
            match self.bytes().get(self.pos) {
                Some(b']') => {
                    self.pos += 1;
                    return Ok(start..self.pos);
                }
                Some(b',') => self.pos += 1,
                Some(_) => {
                    let before = self.pos;
                    element(self, index);
                    if self.pos == before {
                        self.skip();
                    }
                    index += 1;
                }
                None => return Ok(start..self.pos),
            }
        }
    }
}

/// The decoded text of a JSON string span (`None` if it is not a string).
pub(crate) fn decode<'a>(text: &'a str, span: &Span) -> Option<Cow<'a, str>> {
    json_string::decode(text.get(span.clone())?)
}

/// One `"key": value` of an object.
#[derive(Debug, Clone)]
pub(crate) struct Entry<'a> {
    /// The decoded key.
    pub(crate) key: Cow<'a, str>,
    /// The key's span (quotes included).
    pub(crate) key_span: Span,
    /// The value's span.
    pub(crate) value: Span,
}

/// The entries of the object at `span` of `text`, in file order; `None` if it is not an object.
pub(crate) fn object_entries<'a>(text: &'a str, span: &Span) -> Option<Vec<Entry<'a>>> {
    let mut entries = Vec::new();
    let mut scanner = Scanner::new(text, span.start);
    scanner
        .object(|s, key_span| {
            let value = s.skip();
            entries.push(Entry {
                key: decode(text, &key_span).unwrap_or(Cow::Borrowed("")),
                key_span,
                value,
            });
        })
        .ok()?;
    Some(entries)
}

/// The spans of the elements of the list at `span` of `text`; `None` if it is not a list.
pub(crate) fn array_elements(text: &str, span: &Span) -> Option<Vec<Span>> {
    let mut elements = Vec::new();
    let mut scanner = Scanner::new(text, span.start);
    scanner.array(|s, _| elements.push(s.skip())).ok()?;
    Some(elements)
}

/// The span of the `cells` list of a notebook (`text` is the whole file, BOM included) and the
/// span of each of its entries, found with one scan (no allocation per value) that jumps over
/// the values in `jumps` (see [`Scanner::with_jumps`]).
pub(crate) fn cell_spans(text: &str, jumps: &[Span]) -> Option<(Span, Vec<Span>)> {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut found = None;
    let mut scanner = Scanner::with_jumps(text, bom, jumps);
    scanner
        .object(|s, key| {
            if decode(text, &key).as_deref() != Some("cells") {
                return;
            }
            let mut cells = Vec::new();
            let list = s.array(|s, _| {
                // Entry by entry, so that the known values inside are jumped over.
                let cell = s.object(|_, _| {}).unwrap_or_else(|span| span);
                cells.push(cell);
            });
            if let Ok(list) = list {
                found = Some((list, cells));
            }
        })
        .ok()?;
    found
}

/// `true` when the list or object at `span` has no element (`[]`, `[ ]`, `{}`).
pub(crate) fn is_empty_container(text: &str, span: &Span) -> bool {
    text.get(span.start + 1..span.end.saturating_sub(1))
        .is_some_and(|inner| inner.trim().is_empty())
}

/// The spans to delete to remove items `remove` (indexes, any order) from a container at
/// `container` (an object or a list) whose items span `items` (for objects, from the key to the
/// end of the value), keeping the layout of what stays: an item followed by a kept item goes
/// with the separator after it; a trailing run goes with the separator before it; when every
/// item goes, the container becomes empty (`{}` / `[]`). Adjacent deletions are merged.
pub(crate) fn removal_edits(
    text: &str,
    container: &Span,
    items: &[Span],
    remove: &[usize],
) -> Vec<Edit> {
    // The removed items in order: the cost follows their number, not the container's length
    // (a rule removing one cell of 100,000 calls this once per cell).
    let mut removed: Vec<usize> = remove
        .iter()
        .copied()
        .filter(|&i| i < items.len())
        .collect();
    removed.sort_unstable();
    removed.dedup();
    if items.is_empty() || removed.is_empty() {
        return Vec::new();
    }
    if removed.len() == items.len() {
        let open = &text[container.start..container.start + 1];
        let empty = if open == "{" { "{}" } else { "[]" };
        return vec![Edit::json(container.clone(), empty)];
    }
    // The last item kept: walking back from the end, the first index not removed.
    let mut last_kept = items.len() - 1;
    for &i in removed.iter().rev() {
        if i != last_kept {
            break;
        }
        last_kept -= 1;
    }
    let mut spans: Vec<Span> = Vec::new();
    for &i in &removed {
        let span = if i < last_kept {
            items[i].start..items[i + 1].start
        } else {
            items[i - 1].end..items[i].end
        };
        match spans.last_mut() {
            Some(previous) if previous.end >= span.start => {
                previous.end = previous.end.max(span.end);
            }
            _ => spans.push(span),
        }
    }
    spans.into_iter().map(|span| Edit::json(span, "")).collect()
}

/// The item spans (key start to value end) of object entries.
pub(crate) fn entry_spans(entries: &[Entry<'_>]) -> Vec<Span> {
    entries
        .iter()
        .map(|entry| entry.key_span.start..entry.value.end)
        .collect()
}

/// Decoded text of a `multiline_string` value (a string or a list of strings); `None` for any
/// other value.
pub(crate) fn multiline_text<'a>(text: &'a str, span: &Span) -> Option<Cow<'a, str>> {
    let raw = text.get(span.clone())?;
    if raw.starts_with('"') {
        return json_string::decode(raw);
    }
    let elements = array_elements(text, span)?;
    let mut out: Cow<'a, str> = Cow::Borrowed("");
    for (i, element) in elements.iter().enumerate() {
        let decoded = decode(text, element)?;
        if i == 0 {
            out = decoded;
        } else {
            out.to_mut().push_str(&decoded);
        }
    }
    Some(out)
}

/// 64-bit FNV-1a.
fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in *part {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        // Separate parts so that ("ab", "c") and ("a", "bc") differ.
        hash ^= 0xff;
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// A new cell id: 8 lower-case hex digits derived from the cell's index and source, not in
/// `taken` (which it is added to). The same notebook always gets the same ids.
pub(crate) fn new_cell_id(index: usize, source: &str, taken: &mut HashSet<String>) -> String {
    let index = index.to_le_bytes();
    let mut attempt: u32 = 0;
    loop {
        let hash = fnv1a(&[&index, source.as_bytes(), &attempt.to_le_bytes()]);
        let id = format!("{:08x}", (hash >> 32) ^ (hash & 0xffff_ffff));
        if taken.insert(id.clone()) {
            return id;
        }
        attempt += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str, edits: &[Edit]) -> String {
        let mut spans: Vec<(Span, &str)> = edits
            .iter()
            .map(|edit| match &edit.target {
                nbtidy_diagnostics::EditTarget::Json { span } => {
                    (span.clone(), edit.content.as_str())
                }
                nbtidy_diagnostics::EditTarget::Code { .. } => unreachable!(),
            })
            .collect();
        spans.sort_by_key(|(span, _)| span.start);
        let mut out = String::new();
        let mut at = 0;
        for (span, content) in spans {
            out.push_str(&text[at..span.start]);
            out.push_str(content);
            at = span.end;
        }
        out.push_str(&text[at..]);
        out
    }

    fn remove_keys(text: &str, keys: &[&str]) -> String {
        let span = 0..text.len();
        let entries = object_entries(text, &span).unwrap();
        let remove: Vec<usize> = entries
            .iter()
            .enumerate()
            .filter(|(_, e)| keys.contains(&e.key.as_ref()))
            .map(|(i, _)| i)
            .collect();
        let edits = removal_edits(text, &span, &entry_spans(&entries), &remove);
        let out = apply(text, &edits);
        serde_json::from_str::<serde_json::Value>(&out).expect("still JSON");
        out
    }

    #[test]
    fn scans_kinds_and_spans() {
        let text =
            r#"{"a": [1, 2.5, -3e2, "x\"]", null, true], "b\u0041": {"c": NaN}, "d": -Infinity}"#;
        let entries = object_entries(text, &(0..text.len())).unwrap();
        let keys: Vec<&str> = entries.iter().map(|e| e.key.as_ref()).collect();
        assert_eq!(keys, ["a", "bA", "d"]);
        assert_eq!(
            &text[entries[0].value.clone()],
            r#"[1, 2.5, -3e2, "x\"]", null, true]"#
        );
        assert_eq!(&text[entries[1].value.clone()], r#"{"c": NaN}"#);
        assert_eq!(&text[entries[2].value.clone()], "-Infinity");
        let elements = array_elements(text, &entries[0].value).unwrap();
        let kinds: Vec<Kind> = elements
            .iter()
            .map(|span| Scanner::new(text, span.start).peek())
            .collect();
        assert_eq!(
            kinds,
            [
                Kind::Integer,
                Kind::Float,
                Kind::Float,
                Kind::String,
                Kind::Null,
                Kind::Bool
            ]
        );
        assert_eq!(
            Scanner::new(text, entries[2].value.start).peek(),
            Kind::Float
        );
    }

    #[test]
    fn finds_cell_spans() {
        let text = "\u{feff}{\"metadata\": {\"cells\": 1}, \"cells\": [{\"a\": \"}\"}, {}]}";
        let (list, cells) = cell_spans(text, &[]).unwrap();
        assert_eq!(&text[list], "[{\"a\": \"}\"}, {}]");
        assert_eq!(cells.len(), 2);
        assert_eq!(&text[cells[0].clone()], "{\"a\": \"}\"}");
        assert_eq!(&text[cells[1].clone()], "{}");
    }

    #[test]
    fn known_spans_are_jumped_over() {
        let text =
            r#"{"cells": [{"outputs": [{"x": "]"}], "source": "a"}, [1, [2]]], "m": {"k": [3]}}"#;
        let outputs = text.find("[{\"x").unwrap()..text.find("], \"source").unwrap() + 1;
        let inner = text.find("[2]").unwrap()..text.find("[2]").unwrap() + 3;
        let plain = cell_spans(text, &[]).unwrap();
        assert_eq!(cell_spans(text, &[outputs.clone(), inner]), Some(plain));
        // A jump is taken as given: a wrong end shows that the scan did not read the value.
        let short = outputs.start..outputs.start + 1;
        let mut scanner = Scanner::with_jumps(text, outputs.start, std::slice::from_ref(&short));
        assert_eq!(scanner.skip(), short);
        let mut scanner = Scanner::with_jumps(text, 0, std::slice::from_ref(&short));
        assert_eq!(scanner.skip(), 0..text.len());
    }

    #[test]
    fn malformed_input_does_not_panic() {
        for text in ["{", "{\"a\"", "{\"a\": [1,", "[\"abc", "{\"a\" 1}", "", "}"] {
            let _ = object_entries(text, &(0..text.len()));
            let _ = array_elements(text, &(0..text.len()));
            let _ = Scanner::new(text, 0).skip();
        }
    }

    #[test]
    fn removes_keys_keeping_layout() {
        let pretty = "{\n \"a\": 1,\n \"b\": {\n  \"x\": 2\n },\n \"c\": 3\n}";
        assert_eq!(
            remove_keys(pretty, &["a"]),
            "{\n \"b\": {\n  \"x\": 2\n },\n \"c\": 3\n}"
        );
        assert_eq!(remove_keys(pretty, &["b"]), "{\n \"a\": 1,\n \"c\": 3\n}");
        assert_eq!(
            remove_keys(pretty, &["c"]),
            "{\n \"a\": 1,\n \"b\": {\n  \"x\": 2\n }\n}"
        );
        assert_eq!(remove_keys(pretty, &["b", "c"]), "{\n \"a\": 1\n}");
        assert_eq!(
            remove_keys(pretty, &["a", "c"]),
            "{\n \"b\": {\n  \"x\": 2\n }\n}"
        );
        assert_eq!(remove_keys(pretty, &["a", "b", "c"]), "{}");
        let compact = r#"{"a":1,"b":2,"c":3}"#;
        assert_eq!(remove_keys(compact, &["b"]), r#"{"a":1,"c":3}"#);
        assert_eq!(remove_keys(compact, &["a", "b"]), r#"{"c":3}"#);
    }

    #[test]
    fn ids_are_deterministic_and_unique() {
        let mut taken = HashSet::new();
        let a = new_cell_id(0, "x = 1", &mut taken);
        let b = new_cell_id(0, "x = 1", &mut taken);
        assert_ne!(a, b);
        assert_eq!(a.len(), 8);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        let mut again = HashSet::new();
        assert_eq!(new_cell_id(0, "x = 1", &mut again), a);
    }

    #[test]
    fn multiline_text_joins_lines() {
        let text = r#"["a\n", "b"]"#;
        assert_eq!(multiline_text(text, &(0..text.len())).unwrap(), "a\nb");
        let text = r#""one""#;
        assert_eq!(multiline_text(text, &(0..text.len())).unwrap(), "one");
        let text = "[1]";
        assert!(multiline_text(text, &(0..text.len())).is_none());
    }
}
