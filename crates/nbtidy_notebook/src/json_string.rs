//! Decoding and encoding of JSON string literals in a notebook's own escaping style.

use std::borrow::Cow;
use std::fmt::Write as _;

/// How a notebook file writes strings, detected from its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Escaping {
    /// The file is pure ASCII: every non-ASCII character is written as `\uXXXX`
    /// (with surrogate pairs above U+FFFF), as Python's `json.dumps(ensure_ascii=True)` does.
    pub ascii_only: bool,
    /// `\u` escapes use upper-case hex digits (`\u00E9`) rather than lower-case (`\u00e9`).
    pub upper_hex: bool,
}

impl Escaping {
    /// Detects the escaping style of `json` (the file's text without BOM).
    pub fn detect(json: &str) -> Self {
        let ascii_only = json.is_ascii();
        let mut upper_hex = false;
        let bytes = json.as_bytes();
        let mut from = 0;
        while let Some(pos) = memchr_str(&json[from..], "\\u") {
            let at = from + pos;
            // Skip `\\u` (an escaped backslash followed by a `u`).
            let mut backslashes = 0;
            let mut i = at;
            while i > 0 && bytes[i - 1] == b'\\' {
                backslashes += 1;
                i -= 1;
            }
            if backslashes % 2 == 0
                && let Some(hex) = bytes.get(at + 2..at + 6)
                && hex.iter().all(u8::is_ascii_hexdigit)
                && let Some(letter) = hex.iter().find(|b| b.is_ascii_alphabetic())
            {
                upper_hex = letter.is_ascii_uppercase();
                break;
            }
            from = at + 2;
        }
        Escaping {
            ascii_only,
            upper_hex,
        }
    }
}

fn memchr_str(haystack: &str, needle: &str) -> Option<usize> {
    haystack.find(needle)
}

/// Decodes one JSON string literal (with its quotes). Borrows when there is no escape.
///
/// Returns `None` when `raw` is not a string (or holds a lone surrogate, which Rust strings cannot).
pub fn decode(raw: &str) -> Option<Cow<'_, str>> {
    let inner = raw.strip_prefix('"')?.strip_suffix('"')?;
    if next_special(inner.as_bytes(), 0) == inner.len() {
        return Some(Cow::Borrowed(inner));
    }
    let mut out = String::with_capacity(inner.len());
    decode_into(raw, &mut out).then_some(Cow::Owned(out))
}

/// Appends the text of one JSON string literal (with its quotes) to `out`, without an
/// allocation of its own (sources are decoded line by line into one string).
///
/// Returns `false` (with `out` partly written) when `raw` is not exactly one valid JSON string:
/// a raw control character or quote inside, an unknown escape, or a lone surrogate.
pub fn decode_into(raw: &str, out: &mut String) -> bool {
    let Some(inner) = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) else {
        return false;
    };
    let bytes = inner.as_bytes();
    let mut start = 0;
    let mut at = 0;
    loop {
        at = next_special(bytes, at);
        match bytes.get(at) {
            None => break,
            Some(b'\\') => {}
            Some(_) => return false,
        }
        out.push_str(&inner[start..at]);
        let Some(&escape) = bytes.get(at + 1) else {
            return false;
        };
        at += 2;
        let c = match escape {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let Some(unit) = hex4(bytes, at) else {
                    return false;
                };
                at += 4;
                let code = if (0xD800..0xDC00).contains(&unit) {
                    // A high surrogate must be followed by `\uDC00`..`\uDFFF`.
                    if bytes.get(at) != Some(&b'\\') || bytes.get(at + 1) != Some(&b'u') {
                        return false;
                    }
                    let Some(low) = hex4(bytes, at + 2) else {
                        return false;
                    };
                    if !(0xDC00..0xE000).contains(&low) {
                        return false;
                    }
                    at += 6;
                    0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                } else {
                    unit
                };
                let Some(c) = char::from_u32(code) else {
                    return false;
                };
                c
            }
            _ => return false,
        };
        out.push(c);
        start = at;
    }
    out.push_str(&inner[start..]);
    true
}

/// The first lone surrogate escape (`\ud83d` without its pair, or a lone `\udc00`) in raw JSON
/// text (one string literal, or a list of them), as its code unit.
///
/// Python's `json` and Jupyter read such strings; Rust strings cannot hold them, so a source
/// holding one is reported rather than decoded (and never rewritten).
pub fn lone_surrogate(raw: &str) -> Option<u32> {
    let bytes = raw.as_bytes();
    let mut at = 0;
    while let Some(found) = memchr::memchr(b'\\', &bytes[at..]) {
        at += found;
        if bytes.get(at + 1) != Some(&b'u') {
            at += 2;
            continue;
        }
        let Some(unit) = hex4(bytes, at + 2) else {
            at += 2;
            continue;
        };
        at += 6;
        if (0xD800..0xDC00).contains(&unit) {
            let low = (bytes.get(at) == Some(&b'\\') && bytes.get(at + 1) == Some(&b'u'))
                .then(|| hex4(bytes, at + 2))
                .flatten();
            match low {
                Some(low) if (0xDC00..0xE000).contains(&low) => at += 6,
                _ => return Some(unit),
            }
        } else if (0xDC00..0xE000).contains(&unit) {
            return Some(unit);
        }
    }
    None
}

/// The value of four hex digits at `at`.
fn hex4(bytes: &[u8], at: usize) -> Option<u32> {
    let digits = bytes.get(at..at + 4)?;
    let mut value = 0;
    for &d in digits {
        value = value * 16 + char::from(d).to_digit(16)?;
    }
    Some(value)
}

/// The index of the first byte at or after `at` that a JSON string cannot hold as is (`"`, `\`
/// or a control character), or `bytes.len()`. Eight bytes at a time, as serde_json does: the
/// lowest flagged byte of each word is exact (false flags only appear above a true one).
pub(crate) fn next_special(bytes: &[u8], mut at: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        let quote = word ^ (ONES * u64::from(b'"'));
        let backslash = word ^ (ONES * u64::from(b'\\'));
        let flags = ((word.wrapping_sub(ONES * 0x20) & !word)
            | (quote.wrapping_sub(ONES) & !quote)
            | (backslash.wrapping_sub(ONES) & !backslash))
            & HIGH;
        if flags != 0 {
            return at + (flags.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    while let Some(&b) = bytes.get(at) {
        if b < 0x20 || b == b'"' || b == b'\\' {
            return at;
        }
        at += 1;
    }
    bytes.len()
}

/// Appends `text` as a JSON string literal (with quotes) to `out`, in the given style.
///
/// Matches Python's `json.dumps`: `\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f`, other control
/// characters as `\u00XX`; in ASCII-only mode also DEL and every non-ASCII character as `\uXXXX`.
pub fn encode_into(out: &mut String, text: &str, escaping: Escaping) {
    out.push('"');
    let mut start = 0;
    for (i, c) in text.char_indices() {
        let escape: Option<&str> = match c {
            '"' => Some("\\\""),
            '\\' => Some("\\\\"),
            '\n' => Some("\\n"),
            '\r' => Some("\\r"),
            '\t' => Some("\\t"),
            '\u{8}' => Some("\\b"),
            '\u{c}' => Some("\\f"),
            _ => None,
        };
        let needs_unicode = (c as u32) < 0x20 || (escaping.ascii_only && (c as u32) >= 0x7f);
        if escape.is_none() && !needs_unicode {
            continue;
        }
        out.push_str(&text[start..i]);
        start = i + c.len_utf8();
        if let Some(escape) = escape {
            out.push_str(escape);
            continue;
        }
        let mut units = [0u16; 2];
        for unit in c.encode_utf16(&mut units) {
            if escaping.upper_hex {
                let _ = write!(out, "\\u{unit:04X}");
            } else {
                let _ = write!(out, "\\u{unit:04x}");
            }
        }
    }
    out.push_str(&text[start..]);
    out.push('"');
}

/// `text` as a JSON string literal in the given style.
pub fn encode(text: &str, escaping: Escaping) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    encode_into(&mut out, text, escaping);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const RAW: Escaping = Escaping {
        ascii_only: false,
        upper_hex: false,
    };
    const ASCII: Escaping = Escaping {
        ascii_only: true,
        upper_hex: false,
    };

    #[test]
    fn encodes_like_python_json_dumps() {
        assert_eq!(encode("a\"b\\c\n\t\r", RAW), r#""a\"b\\c\n\t\r""#);
        assert_eq!(
            encode("\u{1}\u{8}\u{c}\u{7f}", RAW),
            "\"\\u0001\\b\\f\u{7f}\""
        );
        assert_eq!(encode("é😀/", RAW), "\"é😀/\"");
        assert_eq!(encode("é😀\u{7f}", ASCII), r#""\u00e9\ud83d\ude00\u007f""#);
        let upper = Escaping {
            ascii_only: true,
            upper_hex: true,
        };
        assert_eq!(encode("é", upper), r#""\u00E9""#);
    }

    #[test]
    fn decode_agrees_with_serde_json() {
        let cases = [
            r#""""#,
            r#""plain""#,
            r#""a\nb\t\"q\" \\ \/ \b\f\r""#,
            r#""\u00e9\u00E9 \ud83d\ude00 caf\u00e9""#,
            r#""\ud83d""#,
            r#""\ude00x""#,
            r#""\ud83dx""#,
            r#""\ud83d\u0041""#,
            r#""\x""#,
            r#""\u12""#,
            r#""\u12g4""#,
            r#""tab\there""#,
            "\"raw\ttab\"",
            "\"raw\nnewline\"",
            r#""a"b""#,
            r#""trailing\""#,
            r#""unterminated"#,
            r#"noquote"#,
        ];
        for raw in cases {
            let ours = decode(raw).map(Cow::into_owned);
            let theirs = serde_json::from_str::<String>(raw).ok();
            assert_eq!(ours, theirs, "{raw}");
        }
    }

    proptest::proptest! {
        #[test]
        fn next_special_finds_the_first_special_byte(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..80), from in 0usize..90) {
            let naive = (from..bytes.len())
                .find(|&i| bytes[i] < 0x20 || bytes[i] == b'"' || bytes[i] == b'\\')
                .unwrap_or(bytes.len());
            proptest::prop_assert_eq!(next_special(&bytes, from), naive.max(from.min(bytes.len())));
        }

        #[test]
        fn decode_of_any_literal_agrees_with_serde_json(inner in r#"([a-z"\\/\x00-\x1f\u{e9}]|\\["\\/bfnrtux]|\\u[0-9a-fA-F]{4}|\\ud8[0-9a-f]{2}\\udc[0-9a-f]{2}){0,24}"#) {
            let raw = format!("\"{inner}\"");
            let ours = decode(&raw).map(Cow::into_owned);
            let theirs = serde_json::from_str::<String>(&raw).ok();
            proptest::prop_assert_eq!(&ours, &theirs);
            let mut out = String::from("x");
            let ok = decode_into(&raw, &mut out);
            proptest::prop_assert_eq!(ok, theirs.is_some());
            if let Some(text) = theirs {
                proptest::prop_assert_eq!(out, format!("x{text}"));
                proptest::prop_assert_eq!(crate::scan::Scanner::checked(&raw, 0).string(), 0..raw.len());
            }
        }

        #[test]
        fn decode_inverts_encode(text in "\\PC*|[\\x00-\\x7f\u{e9}\u{1f600}]*", ascii in proptest::bool::ANY, upper in proptest::bool::ANY) {
            let escaping = Escaping { ascii_only: ascii, upper_hex: upper };
            let raw = encode(&text, escaping);
            let ours = decode(&raw).map(Cow::into_owned);
            let theirs = serde_json::from_str::<String>(&raw).ok();
            proptest::prop_assert_eq!(ours.as_deref(), Some(text.as_str()));
            proptest::prop_assert_eq!(theirs.as_deref(), Some(text.as_str()));
        }
    }

    #[test]
    fn decodes_with_and_without_escapes() {
        assert!(matches!(decode(r#""plain""#), Some(Cow::Borrowed("plain"))));
        assert_eq!(decode(r#""a\nb\u00e9""#).unwrap(), "a\nbé");
        assert_eq!(decode("12"), None);
        assert_eq!(decode(r#""\ud800""#), None);
    }

    #[test]
    fn detects_escaping() {
        assert_eq!(Escaping::detect(r#"{"a": "\u00e9"}"#), ASCII);
        assert!(Escaping::detect(r#"{"a": "\u00E9"}"#).upper_hex);
        assert!(!Escaping::detect(r#"{"a": "\\uABCD \u00e9"}"#).upper_hex);
        assert!(!Escaping::detect("{\"a\": \"é\"}").ascii_only);
    }
}

/// The byte offset inside the raw JSON string literal `raw` (quotes included) where decoded byte
/// `decoded_offset` begins. Escapes count as the characters they stand for.
pub fn raw_offset(raw: &str, decoded_offset: usize) -> usize {
    raw_offset_from(raw, (1, 0), decoded_offset)
}

/// [`raw_offset`], walking from a checkpoint `(raw offset, decoded offset)` of `raw` (one of
/// [`raw_checkpoints`], or `(1, 0)` just after the opening quote) whose decoded offset is at most
/// `decoded_offset`: the same result as a walk from the start.
pub fn raw_offset_from(
    raw: &str,
    (start, decoded): (usize, usize),
    decoded_offset: usize,
) -> usize {
    let bytes = raw.as_bytes();
    let mut i = start;
    let mut decoded = decoded;
    while i < bytes.len().saturating_sub(1) && decoded < decoded_offset {
        if bytes[i] == b'\\' {
            let (raw_len, decoded_len) = escape_lengths(&bytes[i..]);
            i += raw_len;
            decoded += decoded_len;
        } else {
            let len = utf8_len(bytes[i]);
            i += len;
            decoded += len;
        }
    }
    i
}

/// Points `(raw offset, decoded offset)` of the raw JSON string literal `raw` where the walk of
/// [`raw_offset`] passes, about every `every` raw bytes, starting with `(1, 0)`: a later
/// [`raw_offset_from`] the last checkpoint at or before its target walks at most about `every`
/// bytes, so mapping many offsets of a long string stays linear.
pub fn raw_checkpoints(raw: &str, every: usize) -> Vec<(usize, usize)> {
    let bytes = raw.as_bytes();
    let mut checkpoints = vec![(1, 0)];
    let (mut i, mut decoded, mut last) = (1, 0, 1);
    while i < bytes.len().saturating_sub(1) {
        if i - last >= every {
            checkpoints.push((i, decoded));
            last = i;
        }
        if bytes[i] == b'\\' {
            let (raw_len, decoded_len) = escape_lengths(&bytes[i..]);
            i += raw_len;
            decoded += decoded_len;
        } else {
            let len = utf8_len(bytes[i]);
            i += len;
            decoded += len;
        }
    }
    checkpoints
}

fn utf8_len(first: u8) -> usize {
    match first {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    }
}

/// `(raw length, decoded UTF-8 length)` of the escape at the start of `bytes`.
fn escape_lengths(bytes: &[u8]) -> (usize, usize) {
    if bytes.get(1) != Some(&b'u') {
        return (2, 1);
    }
    let unit = |at: usize| -> Option<u32> {
        let hex = std::str::from_utf8(bytes.get(at..at + 4)?).ok()?;
        u32::from_str_radix(hex, 16).ok()
    };
    let Some(first) = unit(2) else {
        return (2, 1);
    };
    if (0xd800..0xdc00).contains(&first)
        && bytes.get(6) == Some(&b'\\')
        && bytes.get(7) == Some(&b'u')
        && unit(8).is_some_and(|low| (0xdc00..0xe000).contains(&low))
    {
        return (12, 4);
    }
    let len = char::from_u32(first).map_or(3, char::len_utf8);
    (6, len)
}

#[cfg(test)]
mod raw_offset_tests {
    use super::raw_offset;

    #[test]
    fn maps_decoded_offsets_through_escapes() {
        let raw = r#""a\nb\u00e9c\ud83d\ude00d""#;
        // decoded: a \n b é(2) c 😀(4) d
        assert_eq!(raw_offset(raw, 0), 1);
        assert_eq!(raw_offset(raw, 1), 2);
        assert_eq!(raw_offset(raw, 2), 4);
        assert_eq!(raw_offset(raw, 3), 5);
        assert_eq!(raw_offset(raw, 5), 11);
        assert_eq!(raw_offset(raw, 6), 12);
        assert_eq!(raw_offset(raw, 10), 24);
        assert_eq!(&raw[raw_offset(raw, 10)..], "d\"");
        let plain = "\"héllo\"";
        assert_eq!(raw_offset(plain, 3), 4);
    }

    #[test]
    fn walks_from_checkpoints_land_where_walks_from_the_start_do() {
        let raw = format!("\"{}\"", r"a\nb\u00e9c\ud83d\ude00dé€".repeat(50));
        for every in [1, 3, 7, 64] {
            let checkpoints = super::raw_checkpoints(&raw, every);
            assert_eq!(checkpoints[0], (1, 0));
            for target in 0..400 {
                let at = checkpoints.partition_point(|&(_, decoded)| decoded <= target) - 1;
                assert_eq!(
                    super::raw_offset_from(&raw, checkpoints[at], target),
                    raw_offset(&raw, target),
                    "every {every}, target {target}"
                );
            }
        }
    }
}
