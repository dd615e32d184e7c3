//! Escaping: one function per kind of output (terminal text, JSON, XML), one set of characters
//! that must never reach a reader raw ([`is_unsafe`]).

use std::borrow::Cow;
use std::fmt::Write as _;

/// Characters that must not be printed raw: they can drive a terminal or a log viewer, forge a
/// line, or make text read differently from what it is.
///
/// 1. C0 controls (U+0000..U+001F) except tab: escape sequences (ESC), `\r` overwriting a line,
///    `\n` forging one, bell, backspace, ...;
/// 2. DEL (U+007F) and the C1 controls (U+0080..U+009F; U+009B is a one-character CSI for some
///    terminals, U+0085 a line break for some viewers);
/// 3. bidirectional controls (U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069), which
///    reorder what is shown ("Trojan Source");
/// 4. the Unicode line and paragraph separators (U+2028, U+2029), line breaks for JavaScript and
///    some editors and viewers;
/// 5. the interlinear annotation characters (U+FFF9..U+FFFB), which hide text.
pub fn is_unsafe(c: char) -> bool {
    matches!(
        c,
        '\u{0}'..='\u{8}'
            | '\u{a}'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{61c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
            | '\u{fff9}'..='\u{fffb}'
    )
}

/// A cheap test on bytes: `false` means `text` holds no [`is_unsafe`] character. Every such
/// character is a byte below 0x20 or 0x7F, or starts with 0xC2 (U+0080..), 0xD8 (U+061C),
/// 0xE2 (U+2000..) or 0xEF (U+F000..) in UTF-8.
fn may_be_unsafe(text: &str) -> bool {
    text.bytes()
        .any(|b| (b < 0x20 && b != b'\t') || matches!(b, 0x7f | 0xc2 | 0xd8 | 0xe2 | 0xef))
        && text.chars().any(is_unsafe)
}

/// Human-readable text on one line: every [`is_unsafe`] character, line breaks included, written
/// as a Rust-style escape (`\u{1b}`, `\u{a}`, `\u{202e}`), so what is printed is what was there,
/// visibly, and nothing else.
pub fn escape(text: &str) -> Cow<'_, str> {
    escape_with(text, |_, _| false)
}

/// Like [`escape`], for multi-line text (diffs, listings): `\n`, and `\r` right before `\n`, are
/// kept as line breaks. Use [`escape`] for every piece that must stay on one line (a path in a
/// header) before putting it into such text.
pub fn escape_keeping_lines(text: &str) -> Cow<'_, str> {
    escape_with(text, |c, next| {
        c == '\n' || (c == '\r' && next == Some('\n'))
    })
}

fn escape_with(text: &str, keep: impl Fn(char, Option<char>) -> bool) -> Cow<'_, str> {
    if !may_be_unsafe(text) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if is_unsafe(c) && !keep(c, chars.peek().copied()) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A serialized JSON document (from `serde_json`) with every [`is_unsafe`] character that JSON
/// allows raw (DEL, C1, bidirectional controls, U+2028/U+2029, ...) written as a `\uXXXX`
/// escape: still valid JSON, the same values once decoded, and nothing a terminal or a viewer
/// acts on. `serde_json` already escapes C0 controls inside strings; outside strings a serialized
/// document holds only ASCII punctuation, digits, letters and whitespace, so every character
/// replaced here is inside a string.
pub fn escape_json(serialized: String) -> String {
    let needs = |c: char| is_unsafe(c) && c >= '\u{7f}';
    if !may_be_unsafe(&serialized) || !serialized.chars().any(needs) {
        return serialized;
    }
    let mut out = String::with_capacity(serialized.len() + 16);
    for c in serialized.chars() {
        if needs(c) {
            // All of them are in the Basic Multilingual Plane: one `\uXXXX` each.
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

/// Text for XML element content, or an attribute value (`attribute = true`): `& < > " '` as
/// entities; `\r` as `&#13;`, and in attributes tab and `\n` as `&#9;`/`&#10;` (attribute
/// parsing would otherwise turn them into spaces); every other [`is_unsafe`] character, and
/// U+FFFE/U+FFFF that XML 1.0 cannot carry, written as `\u{..}` as [`escape`] does, so the
/// document stays well-formed and shows what was there.
pub fn escape_xml(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            c if is_unsafe(c) || c == '\u{fffe}' || c == '\u{ffff}' => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}
