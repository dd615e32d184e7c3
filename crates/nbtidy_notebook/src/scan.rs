//! The one JSON scanner of nbtidy: a forward-only walk over JSON text that reports byte spans
//! (absolute in the text it is given) and decodes nothing it is not asked to.
//!
//! Everything that reads a notebook's JSON goes through it: the skeleton parse
//! ([`crate::Notebook::parse`]), source decoding ([`crate::Notebook::source`]), the spans of cell
//! objects ([`crate::Notebook::cell_spans`]) and the lint rules that look at the notebook's JSON
//! (`NB010` walks the whole file with it). It is not a JSON library: it builds no values, and the
//! rules that need a value's text decode that one string ([`decode`]).
//!
//! A scanner works in one of two modes, fixed when it is made:
//! - **checked** ([`Scanner::checked`]): every byte it passes over is checked against the JSON
//!   grammar as Python's `json` module (and so Jupyter) reads it; the first problem is kept
//!   ([`Scanner::error`]) and the scanner jumps to the end of the text, so every walk stops.
//!   The skeleton parse is a checked scan of the whole file.
//! - **trusted** ([`Scanner::trusted`], [`Scanner::with_jumps`]): for text a checked scan has
//!   accepted ([`crate::Notebook::text`]). Strings and containers it skips are jumped over
//!   (`memchr` from quote to quote, bracket counting), and values whose exact spans are known
//!   (`jumps`: containers the skeleton parse found, strings of [`LONG_STRING`] bytes or more
//!   and lists of only strings of [`STRING_LIST`] bytes or more that a checked scan recorded)
//!   are not read at all. On text that is not valid JSON it stops (no panic),
//!   but what it reports is unspecified.
//!
//! Invariants:
//! 1. The JSON accepted by a checked scan is what Python's `json.loads` accepts: RFC 8259 plus
//!    the whole-value tokens `NaN`, `Infinity` and `-Infinity` (never `-NaN`, `1NaN`, `NaN1`),
//!    lone surrogate escapes (`"\ud83d"`) and duplicate keys (every entry is reported; callers
//!    keep the last). A UTF-8 BOM is the caller's to strip.
//! 2. No recursion follows the data: skipping a value uses an explicit stack, so a value nested
//!    10,000 (or 100 million) levels deep costs memory linear in its depth and never overflows
//!    the call stack. [`Scanner::object`] and [`Scanner::array`] call back into the caller, whose
//!    code, not the data, bounds how deep those calls go.
//! 3. Cost is linear in the bytes passed over; a value is read at most once per scan, and not at
//!    all when it is jumped over. Offsets are `usize`, so files of any size the reader accepts
//!    (1 GiB and more) scan the same way.
//! 4. Nothing panics, whatever the text and the starting position: out-of-range positions and
//!    truncated values stop the walk.

use std::borrow::Cow;

use crate::Span;
use crate::json_string;

/// The type of a JSON value, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `{...}`
    Object,
    /// `[...]`
    Array,
    /// `"..."`
    String,
    /// A number without fraction or exponent.
    Integer,
    /// Any other number, `NaN` and `Infinity` included.
    Float,
    /// `true` or `false`.
    Bool,
    /// `null`
    Null,
    /// Not the start of a JSON value.
    Invalid,
}

impl Kind {
    /// How messages name the type ("a list", "an integer", ...).
    pub fn describe(self) -> &'static str {
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

/// Where and why a checked scan found text that is not JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanError {
    /// Byte offset of the problem in the scanned text (its length for a truncated value).
    pub offset: usize,
    /// What is wrong, for users ("expected `,` or `]`").
    pub message: &'static str,
}

/// A forward-only scanner over JSON text (see the module documentation for its two modes).
#[derive(Debug, Clone)]
pub struct Scanner<'a> {
    text: &'a str,
    pos: usize,
    /// Spans of values already known (sorted by start): skipping one jumps to its end.
    jumps: &'a [Span],
    /// The first jump that does not start before the position last looked up (the scanner
    /// only moves forward, so each lookup costs O(1) amortised).
    next_jump: usize,
    checked: bool,
    error: Option<ScanError>,
    /// Checked mode: the spans of the strings of [`LONG_STRING`] bytes or more passed over.
    long_strings: Vec<Span>,
    /// Checked mode: the spans of the lists of strings of [`STRING_LIST`] bytes or more passed
    /// over (inside a skipped value).
    string_lists: Vec<Span>,
}

/// A checked scan records the lists of only strings at least this long
/// ([`Scanner::take_string_lists`]): multiline text (`source`, output `text` and `data`) that
/// a trusted scan given them as jumps passes over, and that needs no look to know it is text.
pub const STRING_LIST: usize = 256;

/// A checked scan records the strings at least this long ([`Scanner::take_long_strings`]):
/// a trusted scan given them as jumps passes over them without reading them (outputs are mostly
/// long base64 and HTML strings).
pub const LONG_STRING: usize = 1024;

/// One `"key": value` of an object.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    /// The decoded key (empty when it holds a lone surrogate, which Rust strings cannot).
    pub key: Cow<'a, str>,
    /// The key's span (quotes included).
    pub key_span: Span,
    /// The value's span.
    pub value: Span,
}

/// `true` when `bytes` holds a control character (below U+0020), which a JSON string cannot
/// hold raw. Branch-free over blocks of 64 bytes (vectorised), then a word at a time (most
/// strings of a notebook are short: the tail matters).
fn has_control(bytes: &[u8]) -> bool {
    fn block(block: &[u8]) -> bool {
        block.iter().fold(u8::MAX, |least, &b| least.min(b)) < 0x20
    }
    let mut large = bytes.chunks_exact(64);
    if large.any(block) {
        return true;
    }
    let mut small = large.remainder().chunks_exact(8);
    // Any byte below 0x20 in a word ("hasless"; exact as a yes/no answer).
    const ONES: u64 = 0x0101_0101_0101_0101;
    if small.any(|chunk| {
        let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        word.wrapping_sub(ONES * 0x20) & !word & (ONES * 0x80) != 0
    }) {
        return true;
    }
    small.remainder().iter().any(|&b| b < 0x20)
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

impl<'a> Scanner<'a> {
    /// A scanner at `pos` of `text` that checks every byte it passes over (see [`ScanError`]).
    pub fn checked(text: &'a str, pos: usize) -> Self {
        Scanner {
            text,
            pos,
            jumps: &[],
            next_jump: 0,
            checked: true,
            error: None,
            long_strings: Vec::new(),
            string_lists: Vec::new(),
        }
    }

    /// A scanner at `pos` of `text`, which a checked scan has accepted.
    pub fn trusted(text: &'a str, pos: usize) -> Self {
        Self::with_jumps(text, pos, &[])
    }

    /// A trusted scanner that skips the values (objects, lists, strings) whose exact spans are
    /// in `jumps` (sorted by start) without reading them: the spans the skeleton parse and
    /// earlier scans found ([`crate::Notebook::known_spans`]). A jump is taken as given.
    pub fn with_jumps(text: &'a str, pos: usize, jumps: &'a [Span]) -> Self {
        Scanner {
            text,
            pos,
            jumps,
            next_jump: jumps.partition_point(|span| span.start < pos),
            checked: false,
            error: None,
            long_strings: Vec::new(),
            string_lists: Vec::new(),
        }
    }

    /// The spans of the strings of [`LONG_STRING`] bytes or more that a checked scan passed
    /// over, in file order (empty for a trusted scan).
    pub fn take_long_strings(&mut self) -> Vec<Span> {
        std::mem::take(&mut self.long_strings)
    }

    /// The spans of the lists of only strings, of [`STRING_LIST`] bytes or more, that a checked
    /// scan passed over inside the values it skipped, in file order (empty for a trusted scan).
    pub fn take_string_lists(&mut self) -> Vec<Span> {
        std::mem::take(&mut self.string_lists)
    }

    /// The end of the known value starting at `start`, if it is one of the jumps.
    fn known_end(&mut self, start: usize) -> Option<usize> {
        while self.jumps.get(self.next_jump)?.start < start {
            self.next_jump += 1;
        }
        let jump = self.jumps.get(self.next_jump)?;
        (jump.start == start).then_some(jump.end)
    }

    /// The current byte offset.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// The first problem a checked scan found (a trusted scan records where it stopped too).
    pub fn error(&self) -> Option<&ScanError> {
        self.error.as_ref()
    }

    /// Checks that only whitespace follows, and returns the first problem of the scan.
    ///
    /// # Errors
    /// The first [`ScanError`] of the scan, or `trailing characters` after the value.
    pub fn finish(mut self) -> Result<(), ScanError> {
        self.ws();
        if self.error.is_none() && self.pos < self.text.len() {
            self.fail(self.pos, "trailing characters");
        }
        self.error.map_or(Ok(()), Err)
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    fn ws(&mut self) {
        self.pos = self.ws_from(self.pos);
    }

    fn ws_from(&self, mut at: usize) -> usize {
        let bytes = self.bytes();
        while bytes.get(at).is_some_and(|&b| is_ws(b)) {
            at += 1;
        }
        at
    }

    /// Records the first problem and moves to the end, so that every walk stops.
    fn fail(&mut self, at: usize, message: &'static str) {
        if self.error.is_none() {
            self.error = Some(ScanError {
                offset: at.min(self.text.len()),
                message,
            });
        }
        self.pos = self.text.len();
    }

    /// The kind of the next value (skips whitespace first).
    pub fn peek(&mut self) -> Kind {
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

    /// Consumes one string (after whitespace); returns its span, quotes included.
    pub fn string(&mut self) -> Span {
        self.ws();
        let start = self.pos;
        match self.string_end(start) {
            Some(end) => {
                self.pos = end;
                start..end
            }
            None => start..self.pos,
        }
    }

    /// The end of the string whose opening quote is at `start`; `None` (after [`Self::fail`])
    /// when there is no valid string there.
    fn string_end(&mut self, start: usize) -> Option<usize> {
        let bytes = self.bytes();
        if bytes.get(start) != Some(&b'"') {
            let message = if start >= bytes.len() {
                "EOF while parsing a value"
            } else {
                "expected a string"
            };
            self.fail(start, message);
            return None;
        }
        let mut at = start + 1;
        if !self.checked {
            if let Some(end) = self.known_end(start) {
                return Some(end);
            }
            // Jump from one `"` or `\` to the next (vectorised); an escape skips the byte after.
            while let Some(found) = bytes
                .get(at..)
                .and_then(|rest| memchr::memchr2(b'"', b'\\', rest))
            {
                let found = at + found;
                if bytes[found] == b'"' {
                    return Some(found + 1);
                }
                at = found + 2;
            }
            self.fail(bytes.len(), "EOF while parsing a string");
            return None;
        }
        loop {
            // The next `"` or `\` (vectorised), then no control character before it.
            let next = bytes
                .get(at..)
                .and_then(|rest| memchr::memchr2(b'"', b'\\', rest))
                .map_or(bytes.len(), |found| at + found);
            if has_control(&bytes[at..next]) {
                at = json_string::next_special(bytes, at);
            } else {
                at = next;
            }
            match bytes.get(at) {
                Some(b'"') => {
                    if at + 1 - start >= LONG_STRING {
                        self.long_strings.push(start..at + 1);
                    }
                    return Some(at + 1);
                }
                Some(b'\\') => match bytes.get(at + 1) {
                    Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => at += 2,
                    Some(b'u')
                        if bytes
                            .get(at + 2..at + 6)
                            .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit)) =>
                    {
                        at += 6;
                    }
                    Some(_) => {
                        self.fail(at, "invalid escape");
                        return None;
                    }
                    None => {
                        self.fail(bytes.len(), "EOF while parsing a string");
                        return None;
                    }
                },
                Some(_) => {
                    self.fail(
                        at,
                        "control character (\\u0000-\\u001F) found while parsing a string",
                    );
                    return None;
                }
                None => {
                    self.fail(bytes.len(), "EOF while parsing a string");
                    return None;
                }
            }
        }
    }

    /// The end of the number, literal, `NaN` or `Infinity` at `start`.
    fn scalar_end(&mut self, start: usize) -> Option<usize> {
        let bytes = self.bytes();
        let rest = &bytes[start.min(bytes.len())..];
        if !self.checked {
            let end = rest
                .iter()
                .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.')))
                .unwrap_or(rest.len());
            if end == 0 {
                self.fail(start, "expected value");
                return None;
            }
            return Some(start + end);
        }
        for literal in [
            &b"true"[..],
            b"false",
            b"null",
            b"NaN",
            b"Infinity",
            b"-Infinity",
        ] {
            if rest.starts_with(literal) {
                return Some(start + literal.len());
            }
        }
        let digits = |mut at: usize| {
            while bytes.get(at).is_some_and(u8::is_ascii_digit) {
                at += 1;
            }
            at
        };
        let mut at = start;
        match rest.first() {
            None => {
                self.fail(start, "EOF while parsing a value");
                return None;
            }
            Some(b'-' | b'0'..=b'9') => {}
            Some(_) => {
                self.fail(start, "expected value");
                return None;
            }
        }
        if bytes[at] == b'-' {
            at += 1;
        }
        match bytes.get(at) {
            Some(b'0') => at += 1,
            Some(b'1'..=b'9') => at = digits(at + 1),
            _ => {
                self.fail(at, "invalid number");
                return None;
            }
        }
        if bytes.get(at) == Some(&b'.') {
            if !bytes.get(at + 1).is_some_and(u8::is_ascii_digit) {
                self.fail(at + 1, "invalid number");
                return None;
            }
            at = digits(at + 1);
        }
        if matches!(bytes.get(at), Some(b'e' | b'E')) {
            at += 1;
            if matches!(bytes.get(at), Some(b'+' | b'-')) {
                at += 1;
            }
            if !bytes.get(at).is_some_and(u8::is_ascii_digit) {
                self.fail(at, "invalid number");
                return None;
            }
            at = digits(at);
        }
        Some(at)
    }

    /// Skips any value (after whitespace); returns its span.
    pub fn skip(&mut self) -> Span {
        self.ws();
        let start = self.pos;
        let end = match self.bytes().get(start) {
            Some(b'"') => self.string_end(start),
            Some(b'{' | b'[') => {
                if let Some(end) = self.known_end(start) {
                    Some(end)
                } else if self.checked {
                    self.checked_container_end(start)
                } else {
                    self.trusted_container_end(start)
                }
            }
            _ => self.scalar_end(start),
        };
        if let Some(end) = end {
            self.pos = end;
        }
        start..self.pos
    }

    /// Bracket counting: only this container's own pair counts (the other pair nests inside it
    /// in valid JSON); strings are jumped over (they may hold brackets).
    fn trusted_container_end(&mut self, start: usize) -> Option<usize> {
        let bytes = self.bytes();
        let open = bytes[start];
        let close = if open == b'{' { b'}' } else { b']' };
        let mut depth = 0usize;
        let mut at = start;
        while let Some(found) = memchr::memchr3(b'"', open, close, &bytes[at..]) {
            at += found;
            match bytes[at] {
                b'"' => {
                    at = self.string_end(at)?;
                    continue;
                }
                b if b == open => depth += 1,
                _ => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(at + 1);
                    }
                }
            }
            at += 1;
        }
        self.fail(bytes.len(), "EOF while parsing a value");
        None
    }

    /// A checked walk over a container, with an explicit stack of the closing brackets expected.
    fn checked_container_end(&mut self, start: usize) -> Option<usize> {
        let bytes = self.bytes();
        let mut stack: Vec<u8> = Vec::new();
        // The innermost open list while it holds only strings: (its start, only strings so far).
        // A list of strings holds no container, so one is enough.
        let mut list: Option<(usize, bool)> = None;
        let mut at = start;
        'value: loop {
            // At the start of a value.
            at = self.ws_from(at);
            if stack.last() == Some(&b']')
                && bytes.get(at) != Some(&b'"')
                && let Some((_, only_strings)) = &mut list
            {
                *only_strings = false;
            }
            match bytes.get(at) {
                Some(&open @ (b'{' | b'[')) => {
                    let close = if open == b'{' { b'}' } else { b']' };
                    let opened = at;
                    at = self.ws_from(at + 1);
                    if bytes.get(at) == Some(&close) {
                        at += 1;
                    } else {
                        list = (open == b'[').then_some((opened, true));
                        stack.push(close);
                        if close == b'}' {
                            at = self.key_end(at)?;
                        }
                        continue 'value;
                    }
                }
                Some(b'"') => at = self.string_end(at)?,
                _ => at = self.scalar_end(at)?,
            }
            // After a value: commas and closing brackets.
            loop {
                let Some(&close) = stack.last() else {
                    return Some(at);
                };
                at = self.ws_from(at);
                match bytes.get(at) {
                    Some(b',') => {
                        at += 1;
                        if close == b'}' {
                            at = self.key_end(self.ws_from(at))?;
                        }
                        continue 'value;
                    }
                    Some(&b) if b == close => {
                        stack.pop();
                        at += 1;
                        if let Some((opened, true)) = list.take()
                            && close == b']'
                            && at - opened >= STRING_LIST
                        {
                            self.string_lists.push(opened..at);
                        }
                    }
                    None if close == b'}' => {
                        self.fail(at, "EOF while parsing an object");
                        return None;
                    }
                    None => {
                        self.fail(at, "EOF while parsing a list");
                        return None;
                    }
                    Some(_) if close == b'}' => {
                        self.fail(at, "expected `,` or `}`");
                        return None;
                    }
                    Some(_) => {
                        self.fail(at, "expected `,` or `]`");
                        return None;
                    }
                }
            }
        }
    }

    /// At a key (after whitespace): its string, `:` and the whitespace after it; returns where
    /// the value starts.
    fn key_end(&mut self, at: usize) -> Option<usize> {
        self.key(at).map(|(_, value)| value)
    }

    /// [`Self::key_end`], with the end of the key's string: `(key end, value start)`.
    fn key(&mut self, at: usize) -> Option<(usize, usize)> {
        match self.bytes().get(at) {
            Some(b'"') => {}
            None => {
                self.fail(at, "EOF while parsing an object");
                return None;
            }
            Some(_) => {
                self.fail(at, "key must be a string");
                return None;
            }
        }
        let end = self.string_end(at)?;
        let colon = self.ws_from(end);
        match self.bytes().get(colon) {
            Some(b':') => Some((end, self.ws_from(colon + 1))),
            None => {
                self.fail(colon, "EOF while parsing an object");
                None
            }
            Some(_) => {
                self.fail(colon, "expected `:`");
                None
            }
        }
    }

    /// Walks an object: calls `entry(scanner, key_span)` for each entry, positioned at the value;
    /// `entry` may consume the value (else it is skipped). Returns the object's span, or
    /// `Err(span)` (consuming the value) when the next value is not an object.
    ///
    /// # Errors
    /// `Err(span of the value)` when the value is not an object.
    pub fn object(&mut self, mut entry: impl FnMut(&mut Self, Span)) -> Result<Span, Span> {
        if self.peek() != Kind::Object {
            return Err(self.skip());
        }
        let start = self.pos;
        self.pos += 1;
        self.ws();
        if self.bytes().get(self.pos) == Some(&b'}') {
            self.pos += 1;
            return Ok(start..self.pos);
        }
        loop {
            let Some((key_end, value)) = self.key(self.pos) else {
                return Ok(start..self.pos);
            };
            let key = self.pos..key_end;
            self.pos = value;
            entry(self, key);
            if self.pos == value {
                self.skip();
            }
            self.ws();
            match self.bytes().get(self.pos) {
                Some(b',') => {
                    self.pos += 1;
                    self.ws();
                }
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(start..self.pos);
                }
                None if self.error.is_some() => return Ok(start..self.pos),
                None => {
                    self.fail(self.pos, "EOF while parsing an object");
                    return Ok(start..self.pos);
                }
                Some(_) => {
                    self.fail(self.pos, "expected `,` or `}`");
                    return Ok(start..self.pos);
                }
            }
        }
    }

    /// Walks a list: calls `element(scanner, index)` positioned at each element; `element` may
    /// consume it (else it is skipped). Returns the list's span, or `Err(span)` (consuming the
    /// value) when the next value is not a list.
    ///
    /// # Errors
    /// `Err(span of the value)` when the value is not a list.
    pub fn array(&mut self, mut element: impl FnMut(&mut Self, usize)) -> Result<Span, Span> {
        if self.peek() != Kind::Array {
            return Err(self.skip());
        }
        let start = self.pos;
        self.pos += 1;
        self.ws();
        if self.bytes().get(self.pos) == Some(&b']') {
            self.pos += 1;
            return Ok(start..self.pos);
        }
        let mut index = 0;
        loop {
            let before = self.pos;
            if before >= self.text.len() {
                self.fail(before, "EOF while parsing a list");
                return Ok(start..self.pos);
            }
            element(self, index);
            if self.pos == before {
                self.skip();
            }
            index += 1;
            self.ws();
            match self.bytes().get(self.pos) {
                Some(b',') => {
                    self.pos += 1;
                    self.ws();
                }
                Some(b']') => {
                    self.pos += 1;
                    return Ok(start..self.pos);
                }
                None if self.error.is_some() => return Ok(start..self.pos),
                None => {
                    self.fail(self.pos, "EOF while parsing a list");
                    return Ok(start..self.pos);
                }
                Some(_) => {
                    self.fail(self.pos, "expected `,` or `]`");
                    return Ok(start..self.pos);
                }
            }
        }
    }
}

/// The decoded text of the JSON string at `span` of `text` (`None` if it is not a string, or
/// holds a lone surrogate).
pub fn decode<'a>(text: &'a str, span: &Span) -> Option<Cow<'a, str>> {
    json_string::decode(text.get(span.clone())?)
}

/// `true` when the JSON string at `span` of `text` (a key) decodes to `name`; no allocation when
/// the key has no escape.
pub fn key_is(text: &str, span: &Span, name: &str) -> bool {
    let Some(raw) = text.get(span.clone()) else {
        return false;
    };
    match raw.get(1..raw.len().saturating_sub(1)) {
        Some(inner) if inner == name => true,
        Some(inner) if inner.contains('\\') => decode(text, span).as_deref() == Some(name),
        _ => false,
    }
}

/// The entries of the object at `span` of trusted `text`, in file order (duplicates included);
/// `None` if it is not an object.
pub fn object_entries<'a>(text: &'a str, span: &Span) -> Option<Vec<Entry<'a>>> {
    let mut entries = Vec::new();
    let mut scanner = Scanner::trusted(text, span.start);
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

/// The spans of the elements of the list at `span` of trusted `text`; `None` if it is not a list.
pub fn array_elements(text: &str, span: &Span) -> Option<Vec<Span>> {
    let mut elements = Vec::new();
    let mut scanner = Scanner::trusted(text, span.start);
    scanner.array(|s, _| elements.push(s.skip())).ok()?;
    Some(elements)
}

/// The span of the `cells` list of a notebook (`text` is the whole file, BOM included, trusted)
/// and the span of each of its entries, found with one scan (no allocation per value) that jumps
/// over the values in `jumps` (see [`Scanner::with_jumps`]). The last `cells` key wins.
pub fn cell_spans(text: &str, jumps: &[Span]) -> Option<(Span, Vec<Span>)> {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut found = None;
    let mut scanner = Scanner::with_jumps(text, bom, jumps);
    scanner
        .object(|s, key| {
            if !key_is(text, &key, "cells") {
                return;
            }
            let mut cells = Vec::new();
            let list = s.array(|s, _| {
                // Entry by entry, so that the known values inside are jumped over.
                let cell = s.object(|_, _| {}).unwrap_or_else(|span| span);
                cells.push(cell);
            });
            found = list.ok().map(|list| (list, cells));
        })
        .ok()?;
    found
}

#[cfg(test)]
mod tests;
