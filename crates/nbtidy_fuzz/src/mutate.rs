//! Mutations: byte-level (flips, inserts, deletes, truncation, splicing two inputs), JSON-aware
//! (duplicate keys, a `source` switched between list and string form, `\uXXXX` escapes and
//! surrogates, CRLF, BOM, `NaN`/`Infinity`, deep nesting, restyling) and Python-aware (tokens
//! such as `;` `:` `\` `#` quotes, indentation, line moves, IPython magics `%` `!` `?`).
//!
//! Every mutation is a pure function of its inputs and the random generator, so a run is
//! reproducible from its seed.

use rand::RngExt;
use rand::rngs::Xoshiro256PlusPlus;
use rand::seq::IndexedRandom;
use serde_json::value::RawValue;

/// The random generator of a run (deterministic for a given seed).
pub type FuzzRng = Xoshiro256PlusPlus;

/// Tokens worth inserting into notebook JSON.
const JSON_TOKENS: &[&str] = &[
    "\"source\"",
    "\"source\": ",
    "\"cells\"",
    "\"cell_type\"",
    "\"code\"",
    "\"markdown\"",
    "\"raw\"",
    "\"metadata\"",
    "\"outputs\"",
    "\"execution_count\"",
    "\"id\"",
    "\"nbformat\"",
    "\"nbformat_minor\"",
    "\"language_info\"",
    "\"kernelspec\"",
    "\"name\"",
    "\"language\"",
    "\"python\"",
    "\"R\"",
    "\"vscode\"",
    "\"languageId\"",
    "\"tags\"",
    "\"worksheets\"",
    "NaN",
    "Infinity",
    "-Infinity",
    "-NaN",
    "null",
    "true",
    "false",
    "\\u0000",
    "\\ud83d\\ude00",
    "\\ud800",
    "\\udc00",
    "\\u00e9",
    "\\u00E9",
    "\\u2028",
    "\\\\",
    "\\\"",
    "\\n",
    "\\r\\n",
    "\\r",
    "\\/",
    "\u{feff}",
    "é",
    "😀",
    "\r\n",
    "\n",
    "[]",
    "{}",
    "\"\"",
    "1e400",
    "-0",
    "4",
    "5",
    "\"4\"",
    "3",
    ",",
    ":",
    "[",
    "]",
    "{",
    "}",
    "\"",
];

/// Tokens worth inserting into Python cell code.
const PY_TOKENS: &[&str] = &[
    ";",
    ":",
    "\\",
    "\\\n",
    "#",
    "# ",
    "# noqa",
    "  # noqa: F401",
    "# fmt: off\n",
    "# fmt: on\n",
    "  # fmt: skip",
    "# type: ignore",
    "'",
    "\"",
    "'''",
    "\"\"\"",
    "f\"",
    "f'{x}'",
    "f\"{x!r:>{w}}\"",
    "t'{x}'",
    "b'",
    "r'",
    "u'",
    "rb\"",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ".",
    "=",
    "==",
    " is ",
    " is not ",
    " not ",
    " in ",
    "lambda: ",
    "lambda x, /, *a, k=1, **kw: ",
    "if ",
    "if x:\n    ",
    "else:\n",
    "elif ",
    " if x else ",
    "await ",
    "yield ",
    "yield from ",
    "async ",
    "def f():\n",
    "def f(a, b=1, *args, c, **kw) -> int:\n    ",
    "class A:\n",
    "class A(B, metaclass=M):\n    ",
    "return ",
    "*",
    "**",
    "@",
    "@decorator\n",
    "->",
    ":=",
    "(y := 1)",
    " ",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "\n\n\n",
    "\x0c",
    "\0",
    "\u{a0}",
    "\u{feff}",
    "\u{2028}",
    "é",
    "😀",
    "%",
    "%%",
    "!",
    "?",
    "??",
    "%matplotlib inline\n",
    "!pip install numpy\n",
    "%pip install -q pandas\n",
    "%%time\n",
    "%%timeit\n",
    "%%capture\n",
    "%%bash\n",
    "%timeit ",
    "%load_ext autoreload\n",
    "x?\n",
    "x??\n",
    "?x\n",
    "!ls\n",
    "files = !ls\n",
    "cd ..\n",
    "ls\n",
    "import os\n",
    "import os, sys\n",
    "from x import *\n",
    "from . import (a,\n b,)\n",
    "import numpy as np\n",
    "x = 1\n",
    "print(x)\n",
    "x\n",
    "x;\n",
    "x = 1;  # hide\n",
    "None",
    "True",
    "== None",
    "!= False",
    "1_000",
    "0x",
    "1e",
    "1j",
    "...",
    "pass\n",
    "    ",
    "        ",
    "global ",
    "nonlocal ",
    "del ",
    "try:\n    ",
    "except:\n    ",
    "except Exception as e:\n    ",
    "except* ValueError:\n    ",
    "finally:\n    ",
    "with open(p) as f, open(q) as g:\n    ",
    "match x:\n    case [a, *b] if a:\n        ",
    "case _:\n",
    "type X = int\n",
    "def f[T](x: T) -> T: ...\n",
    "\"\"\"docstring\n\n    >>> x = 1\n    \"\"\"\n",
    ">>> ",
    "x = (\n",
    "x = [\n    1,\n]\n",
    "print(*a, **k, sep='')\n",
    "assert x, 'msg'\n",
    "raise\n",
    "for i in range(3):\n    ",
    "while True:\n    break\n",
    "API_KEY = 'sk-abcdefghijklmnopqrstuvwxyz012345'\n",
    "open('/home/user/data.csv')\n",
    "# %%\n",
];

/// Characters that stress JSON string encoding.
const TEXT_CHARS: &[char] = &[
    '\0',
    '\u{1}',
    '\u{8}',
    '\t',
    '\n',
    '\u{b}',
    '\u{c}',
    '\r',
    '\u{1b}',
    '\u{1f}',
    '"',
    '\\',
    '/',
    '\u{7f}',
    '\u{80}',
    '\u{9f}',
    '\u{a0}',
    'é',
    '\u{301}',
    '\u{2028}',
    '\u{2029}',
    '\u{feff}',
    '\u{fffd}',
    '\u{ffff}',
    '😀',
    '\u{10ffff}',
    '\u{d7ff}',
    '\u{e000}',
    'u',
];

fn pick_str<'a>(rng: &mut FuzzRng, items: &[&'a str]) -> &'a str {
    items.choose(rng).copied().unwrap_or("")
}

/// A position in `len + 1` slots.
fn pos(rng: &mut FuzzRng, len: usize) -> usize {
    rng.random_range(0..=len)
}

/// A position biased towards `"source"` values, where the interesting bytes are.
fn json_pos(rng: &mut FuzzRng, data: &[u8]) -> usize {
    if rng.random_bool(0.5) {
        let starts = find_all(data, b"\"source\"");
        if let Some(&start) = starts.choose(rng) {
            return (start + rng.random_range(0..200usize)).min(data.len());
        }
    }
    pos(rng, data.len())
}

fn find_all(haystack: &[u8], needle: &[u8]) -> Vec<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return Vec::new();
    }
    haystack
        .windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| i)
        .collect()
}

fn small_len(rng: &mut FuzzRng) -> usize {
    // Mostly short, sometimes longer.
    match rng.random_range(0..10) {
        0..=6 => rng.random_range(1..=4),
        7 | 8 => rng.random_range(1..=32),
        _ => rng.random_range(1..=256),
    }
}

/// One byte-level mutation of `data`; `other` is a second input for splicing.
pub fn bytes(rng: &mut FuzzRng, data: &mut Vec<u8>, other: &[u8], dictionary: &[&str]) {
    let len = data.len();
    match rng.random_range(0..11) {
        0 if len > 0 => {
            let at = rng.random_range(0..len);
            data[at] ^= 1 << rng.random_range(0..8);
        }
        1 if len > 0 => {
            let at = rng.random_range(0..len);
            data[at] = rng.random();
        }
        2 => {
            let at = pos(rng, len);
            let count = rng.random_range(1..=8);
            let new: Vec<u8> = (0..count).map(|_| rng.random()).collect();
            data.splice(at..at, new);
        }
        3 | 4 => {
            let at = if rng.random_bool(0.5) {
                json_pos(rng, data)
            } else {
                pos(rng, len)
            };
            let token = pick_str(rng, dictionary).as_bytes().to_vec();
            data.splice(at..at, token);
        }
        5 if len > 0 => {
            let at = rng.random_range(0..len);
            let end = (at + small_len(rng)).min(len);
            data.drain(at..end);
        }
        6 if len > 0 => {
            let at = rng.random_range(0..len);
            let end = (at + small_len(rng)).min(len);
            let chunk = data[at..end].to_vec();
            let to = pos(rng, len);
            data.splice(to..to, chunk);
        }
        7 if len > 0 => {
            let at = rng.random_range(0..len);
            data.truncate(at);
        }
        8 if !other.is_empty() => {
            // Splice: a prefix of this input and a suffix of the other.
            let at = pos(rng, len);
            let from = rng.random_range(0..other.len());
            data.truncate(at);
            data.extend_from_slice(&other[from..]);
        }
        9 if !other.is_empty() => {
            let from = rng.random_range(0..other.len());
            let end = (from + small_len(rng) * 4).min(other.len());
            let at = pos(rng, len);
            data.splice(at..at, other[from..end].iter().copied());
        }
        _ => {
            let specials = [
                b'"', b'\\', b'{', b'}', b'[', b']', b',', b':', b'\n', b'\r', 0, 0x7f, 0xff, 0xc3,
                0xa9, 0xed, 0xa0, b' ', b'\t', b'u',
            ];
            let byte = *specials.choose(rng).unwrap_or(&b'"');
            if len > 0 && rng.random_bool(0.5) {
                let at = rng.random_range(0..len);
                data[at] = byte;
            } else {
                let at = pos(rng, len);
                data.insert(at, byte);
            }
        }
    }
}

/// One byte-level mutation with the notebook dictionary.
pub fn notebook_bytes(rng: &mut FuzzRng, data: &mut Vec<u8>, other: &[u8]) {
    bytes(rng, data, other, JSON_TOKENS);
}

/// The span of the JSON value that starts at or after `from` (whitespace skipped), if one
/// parses there.
fn value_at(text: &str, from: usize) -> Option<std::ops::Range<usize>> {
    let rest = text.get(from..)?;
    let trimmed = rest.trim_start();
    let start = from + (rest.len() - trimmed.len());
    let mut stream = serde_json::Deserializer::from_str(trimmed).into_iter::<&RawValue>();
    let raw = stream.next()?.ok()?;
    let offset = raw.get().as_ptr() as usize - trimmed.as_ptr() as usize;
    Some(start + offset..start + offset + raw.get().len())
}

/// Positions of `"key":` in `text` whose key is `key` (or any key when `None`): (key start, byte
/// after the colon). A cheap scan; values are parsed only for the member picked.
fn keys(text: &str, key: Option<&str>) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut in_string = false;
    let mut string_start = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            if b == b'\\' {
                i += 1;
            } else if b == b'"' {
                in_string = false;
                let key_text = &text[string_start + 1..i];
                let mut j = i + 1;
                while j < bytes.len() && matches!(bytes[j], b' ' | b'\t' | b'\r' | b'\n') {
                    j += 1;
                }
                if j < bytes.len() && bytes[j] == b':' && key.is_none_or(|k| k == key_text) {
                    out.push((string_start, j + 1));
                }
            }
        } else if b == b'"' {
            in_string = true;
            string_start = i;
        }
        i += 1;
    }
    out
}

/// A random `"key": value` member (key start, value span) whose key is `key` (any when `None`).
fn pick_member(
    rng: &mut FuzzRng,
    text: &str,
    key: Option<&str>,
) -> Option<(usize, std::ops::Range<usize>)> {
    let found = keys(text, key);
    for _ in 0..4 {
        let &(key_start, after_colon) = found.choose(rng)?;
        if let Some(value) = value_at(text, after_colon) {
            return Some((key_start, value));
        }
    }
    None
}

/// Spans of the JSON string literals (quotes included) in `text`.
fn strings(text: &str) -> Vec<std::ops::Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut start = None;
    while i < bytes.len() {
        match (start, bytes[i]) {
            (Some(_), b'\\') => i += 1,
            (Some(s), b'"') => {
                out.push(s..i + 1);
                start = None;
            }
            (None, b'"') => start = Some(i),
            _ => {}
        }
        i += 1;
    }
    out
}

fn json_string(text: &str, ascii: bool) -> String {
    let json = serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_owned());
    if ascii { json_ascii(&json) } else { json }
}

/// Jupyter's split of a source into lines (each keeps its `\n`).
fn jupyter_lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// `source` written as a list of lines, in a random layout.
fn source_list(rng: &mut FuzzRng, text: &str, ascii: bool, indent: &str) -> String {
    let lines = jupyter_lines(text);
    if lines.is_empty() {
        return "[]".to_owned();
    }
    let items: Vec<String> = lines.iter().map(|l| json_string(l, ascii)).collect();
    match rng.random_range(0..3) {
        0 => format!("[{}]", items.join(",")),
        1 => format!("[{}]", items.join(", ")),
        _ => format!(
            "[\n{indent}{}\n{}]",
            items.join(&format!(",\n{indent}")),
            &indent[..indent.len().saturating_sub(1)]
        ),
    }
}

/// One JSON-aware mutation of a notebook's text. Falls back to a byte mutation when the bytes
/// are not UTF-8 or the mutation does not apply.
pub fn json(rng: &mut FuzzRng, data: &mut Vec<u8>, other: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        notebook_bytes(rng, data, other);
        return;
    };
    let text = text.to_owned();
    let new: Option<String> = match rng.random_range(0..13) {
        0 | 1 => toggle_source_shape(rng, &text),
        2 => duplicate_key(rng, &text),
        3 | 4 => escape_in_string(rng, &text),
        5 => Some(match rng.random_range(0..4) {
            0 => text.replace("\r\n", "\n").replace('\n', "\r\n"),
            1 => text.replace("\r\n", "\n"),
            2 => {
                let at = newline_pos(rng, &text);
                format!("{}\r{}", &text[..at], &text[at..])
            }
            _ => text.replace('\n', "\r"),
        }),
        6 => Some(match text.strip_prefix('\u{feff}') {
            Some(rest) if rng.random_bool(0.7) => rest.to_owned(),
            _ => format!("\u{feff}{text}"),
        }),
        7 => non_finite(rng, &text),
        8 => deep_nesting(rng, &text),
        9 => restyle(rng, &text),
        10 => replace_member_value(rng, &text),
        11 => remove_member(rng, &text),
        _ => {
            // Splice a member of the other notebook in.
            let other = String::from_utf8_lossy(other);
            pick_member(rng, &other, None).and_then(|(key_start, value)| {
                let member = &other[key_start..value.end];
                let (_, at) = pick_member(rng, &text, None)?;
                Some(format!("{}, {member}{}", &text[..at.end], &text[at.end..]))
            })
        }
    };
    match new {
        Some(new) => *data = new.into_bytes(),
        None => notebook_bytes(rng, data, other),
    }
}

fn newline_pos(rng: &mut FuzzRng, text: &str) -> usize {
    let newlines: Vec<usize> = text.match_indices('\n').map(|(i, _)| i).collect();
    newlines.choose(rng).copied().unwrap_or(0)
}

fn toggle_source_shape(rng: &mut FuzzRng, text: &str) -> Option<String> {
    let (_, value) = pick_member(rng, text, Some("source"))?;
    let raw = &text[value.clone()];
    let ascii = text.is_ascii();
    let replacement = if raw.starts_with('"') {
        let decoded: String = serde_json::from_str(raw).ok()?;
        let indent = indent_before(text, value.start);
        source_list(rng, &decoded, ascii, &indent)
    } else {
        let lines: Vec<String> = serde_json::from_str(raw).ok()?;
        json_string(&lines.concat(), ascii)
    };
    Some(format!(
        "{}{replacement}{}",
        &text[..value.start],
        &text[value.end..]
    ))
}

/// The indentation one level deeper than the line holding byte `at`.
fn indent_before(text: &str, at: usize) -> String {
    let line_start = text[..at].rfind('\n').map_or(0, |p| p + 1);
    let indent: String = text[line_start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    format!("{indent} ")
}

fn duplicate_key(rng: &mut FuzzRng, text: &str) -> Option<String> {
    let (key_start, value) = pick_member(rng, text, None)?;
    let member = &text[key_start..value.end];
    let key_end = member.find(':')?;
    let key = &member[..key_end];
    let other_value = pick_str(
        rng,
        &[
            "null",
            "[]",
            "{}",
            "\"\"",
            "\"x = 1\"",
            "[\"y = 2\\n\", \"z\"]",
            "\"code\"",
            "\"markdown\"",
            "4",
            "5",
            "NaN",
        ],
    );
    let duplicate = if rng.random_bool(0.5) {
        member.to_owned()
    } else {
        format!("{key}: {other_value}")
    };
    Some(if rng.random_bool(0.5) {
        format!("{}, {duplicate}{}", &text[..value.end], &text[value.end..])
    } else {
        format!("{}{duplicate}, {}", &text[..key_start], &text[key_start..])
    })
}

fn escape_in_string(rng: &mut FuzzRng, text: &str) -> Option<String> {
    let spans = strings(text);
    let span = spans.choose(rng)?.clone();
    let inner = &text[span.start + 1..span.end - 1];
    // A char boundary inside the string, not inside an escape.
    let boundaries: Vec<usize> = inner
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(inner.len()))
        .filter(|&i| !inner[..i].ends_with('\\'))
        .collect();
    let at = *boundaries.choose(rng)?;
    let insertion: String = match rng.random_range(0..7) {
        0 => {
            // Escape the next character as `\uXXXX` (surrogate pair above U+FFFF).
            let c = inner[at..].chars().next()?;
            if c == '\\' {
                return None;
            }
            let upper = rng.random_bool(0.3);
            let mut units = [0u16; 2];
            let escaped: String = c
                .encode_utf16(&mut units)
                .iter()
                .map(|u| {
                    if upper {
                        format!("\\u{u:04X}")
                    } else {
                        format!("\\u{u:04x}")
                    }
                })
                .collect();
            let end = span.start + 1 + at + c.len_utf8();
            return Some(format!(
                "{}{escaped}{}",
                &text[..span.start + 1 + at],
                &text[end..]
            ));
        }
        1 => pick_str(
            rng,
            &["\\ud800", "\\udfff", "\\ud83d", "\\ude00", "\\ud83d\\u0041"],
        )
        .into(),
        2 => pick_str(
            rng,
            &[
                "\\ud83d\\ude00",
                "\\u00e9",
                "\\u00E9",
                "\\u2028",
                "\\u0000",
                "\\u001b",
                "\\u007f",
                "\\ufeff",
            ],
        )
        .into(),
        3 => pick_str(
            rng,
            &[
                "\\n", "\\r\\n", "\\r", "\\t", "\\b", "\\f", "\\/", "\\\\", "\\\"",
            ],
        )
        .into(),
        4 => TEXT_CHARS
            .iter()
            .filter(|c| **c as u32 >= 0x20 && **c != '"' && **c != '\\')
            .copied()
            .collect::<Vec<char>>()
            .choose(rng)?
            .to_string(),
        5 => pick_str(rng, &["\\u", "\\x41", "\\U0001F600", "\\", "\\u12"]).into(),
        _ => "\\n\", \"".into(),
    };
    let at = span.start + 1 + at;
    Some(format!("{}{insertion}{}", &text[..at], &text[at..]))
}

fn non_finite(rng: &mut FuzzRng, text: &str) -> Option<String> {
    let token = pick_str(
        rng,
        &[
            "NaN",
            "Infinity",
            "-Infinity",
            "-NaN",
            "1e999",
            "-0.0",
            "NaNa",
            "Infinit",
        ],
    );
    let number = (0..8)
        .filter_map(|_| pick_member(rng, text, None))
        .map(|(_, value)| value)
        .find(|value| {
            let value = &text[value.clone()];
            value
                .bytes()
                .all(|b| b.is_ascii_digit() || b"-+.eE".contains(&b))
                || value == "null"
        });
    if let Some(value) = number
        && rng.random_bool(0.7)
    {
        return Some(format!(
            "{}{token}{}",
            &text[..value.start],
            &text[value.end..]
        ));
    }
    // Insert a member holding it into some object.
    let opens: Vec<usize> = text.match_indices('{').map(|(i, _)| i).collect();
    let at = *opens.choose(rng)?;
    let glue = if rng.random_bool(0.5) { "" } else { " " };
    Some(format!(
        "{}\"nan\":{glue}{token},{}",
        &text[..=at],
        &text[at + 1..]
    ))
}

fn deep_nesting(rng: &mut FuzzRng, text: &str) -> Option<String> {
    let (_, value) = pick_member(rng, text, None)?;
    let depth = *[2usize, 10, 100, 126, 127, 128, 129, 300, 5000].choose(rng)?;
    let (open, close) = if rng.random_bool(0.5) {
        ("[", "]")
    } else {
        ("{\"a\":", "}")
    };
    Some(format!(
        "{}{}{}{}{}",
        &text[..value.start],
        open.repeat(depth),
        &text[value.clone()],
        close.repeat(depth),
        &text[value.end..]
    ))
}

/// Re-serializes the whole notebook in another layout (keys sorted, as nbformat writes them).
fn restyle(rng: &mut FuzzRng, text: &str) -> Option<String> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    let indent = *[None, Some(" "), Some("  "), Some("    "), Some("\t")].choose(rng)?;
    let mut out = match indent {
        None => serde_json::to_string(&value).ok()?,
        Some(unit) => {
            let mut buf = Vec::new();
            let formatter = serde_json::ser::PrettyFormatter::with_indent(unit.as_bytes());
            let mut ser = serde_json::Serializer::with_formatter(&mut buf, formatter);
            serde::Serialize::serialize(&value, &mut ser).ok()?;
            String::from_utf8(buf).ok()?
        }
    };
    if rng.random_bool(0.4) {
        out = json_ascii(&out);
    }
    if indent.is_some() && rng.random_bool(0.2) {
        out = out.replace('\n', "\r\n");
    }
    if rng.random_bool(0.7) {
        out.push('\n');
    }
    Some(out)
}

/// `\uXXXX`-escapes every non-ASCII character (only inside strings can there be any).
fn json_ascii(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
}

fn replace_member_value(rng: &mut FuzzRng, text: &str) -> Option<String> {
    let keys = [
        "cell_type",
        "nbformat",
        "nbformat_minor",
        "source",
        "cells",
        "metadata",
        "language_info",
        "kernelspec",
        "name",
        "language",
        "id",
        "execution_count",
        "outputs",
        "languageId",
        "tags",
    ];
    let key = pick_str(rng, &keys);
    let (_, value) = pick_member(rng, text, Some(key))?;
    let replacement = pick_str(
        rng,
        &[
            "\"code\"",
            "\"markdown\"",
            "\"raw\"",
            "\"Code\"",
            "null",
            "1",
            "4",
            "5",
            "\"4\"",
            "\"5\"",
            "3",
            "4.0",
            "-1",
            "18446744073709551616",
            "\"x\"",
            "[]",
            "{}",
            "[1, 2]",
            "[\"a\\n\", 1]",
            "\"python\"",
            "\"python3\"",
            "\"R\"",
            "\"julia-1.9\"",
            "{\"name\": \"python\"}",
            "{\"name\": \"ir\", \"language\": \"R\"}",
            "{\"vscode\": {\"languageId\": \"sql\"}}",
            "{\"tags\": [\"nbtidy-ignore\", \"parameters\"]}",
            "[\"nbtidy-ignore:F401\"]",
            "\"\"",
            "\"%%bash\\nls\"",
            "[\"import os\\n\", \"\\n\", \"os\"]",
            "[{\"output_type\": \"error\", \"ename\": \"E\", \"evalue\": \"x\", \"traceback\": []}]",
            "[{\"output_type\": \"stream\", \"name\": \"stdout\", \"text\": [\"a\\n\"]}]",
            "7",
        ],
    );
    Some(format!(
        "{}{replacement}{}",
        &text[..value.start],
        &text[value.end..]
    ))
}

fn remove_member(rng: &mut FuzzRng, text: &str) -> Option<String> {
    let (key_start, value) = pick_member(rng, text, None)?;
    // Remove a following comma (or a preceding one) too, so the JSON stays valid more often.
    let after = &text[value.end..];
    let trimmed = after.trim_start();
    if let Some(rest) = trimmed.strip_prefix(',') {
        let end = text.len() - rest.len();
        return Some(format!("{}{}", &text[..key_start], &text[end..]));
    }
    let before = text[..key_start].trim_end();
    let start = before.strip_suffix(',').map_or(key_start, str::len);
    Some(format!("{}{}", &text[..start], &text[value.end..]))
}

/// Replaces the `source` of one cell (found textually) by a Python-mutated version of its code,
/// written as a JSON string or list in the file's apparent style.
pub fn cell_code(rng: &mut FuzzRng, data: &mut Vec<u8>, cells: &[String]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Some((_, value)) = pick_member(rng, text, Some("source")) else {
        return;
    };
    let raw = &text[value.clone()];
    let (code, as_list) = if raw.starts_with('"') {
        (serde_json::from_str::<String>(raw).ok(), false)
    } else {
        (
            serde_json::from_str::<Vec<String>>(raw)
                .ok()
                .map(|lines| lines.concat()),
            true,
        )
    };
    let Some(mut code) = code else {
        return;
    };
    for _ in 0..rng.random_range(1..=4) {
        python(rng, &mut code, cells);
    }
    let ascii = text.is_ascii();
    let encoded = if as_list {
        let indent = indent_before(text, value.start);
        source_list(rng, &code, ascii, &indent)
    } else {
        json_string(&code, ascii)
    };
    *data = format!("{}{encoded}{}", &text[..value.start], &text[value.end..]).into_bytes();
}

fn char_boundary(rng: &mut FuzzRng, text: &str) -> usize {
    let mut at = pos(rng, text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Byte ranges of the lines of `text` (terminators included).
fn line_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            out.push(start..i + 1);
            start = i + 1;
        }
    }
    if start < text.len() {
        out.push(start..text.len());
    }
    out
}

/// One Python-aware mutation of cell code; `cells` supplies lines to splice in.
pub fn python(rng: &mut FuzzRng, code: &mut String, cells: &[String]) {
    let lines = line_ranges(code);
    match rng.random_range(0..18) {
        0..=3 => {
            let at = char_boundary(rng, code);
            code.insert_str(at, pick_str(rng, PY_TOKENS));
        }
        4 => {
            // Insert a token at the start of a line (magics, comments, keywords live there).
            let at = lines.choose(rng).map_or(0, |l| l.start);
            code.insert_str(at, pick_str(rng, PY_TOKENS));
        }
        5 if !code.is_empty() => {
            let at = char_boundary(rng, code);
            let mut end = (at + small_len(rng)).min(code.len());
            while !code.is_char_boundary(end) {
                end += 1;
            }
            code.replace_range(at..end, "");
        }
        6 if !lines.is_empty() => {
            let line = lines.choose(rng).cloned().unwrap_or(0..0);
            code.replace_range(line, "");
        }
        7 if !lines.is_empty() => {
            // Indent or dedent a line.
            let line = lines.choose(rng).cloned().unwrap_or(0..0);
            let text = &code[line.clone()];
            let stripped = text.trim_start_matches([' ', '\t']);
            let current = text.len() - stripped.len();
            let new_indent = match rng.random_range(0..5) {
                0 => String::new(),
                1 => " ".repeat(current + 4),
                2 => " ".repeat(current.saturating_sub(rng.random_range(1..=4))),
                3 => format!("\t{}", &text[..current]),
                _ => " ".repeat(rng.random_range(1..=9)),
            };
            code.replace_range(line, &format!("{new_indent}{stripped}"));
        }
        8 if lines.len() > 1 => {
            // Duplicate, move or swap lines.
            let a = lines.choose(rng).cloned().unwrap_or(0..0);
            let moved = code[a.clone()].to_owned();
            let moved = if moved.ends_with('\n') {
                moved
            } else {
                format!("{moved}\n")
            };
            if rng.random_bool(0.5) {
                code.replace_range(a, "");
            }
            let to = line_ranges(code).choose(rng).map_or(0, |l| l.start);
            code.insert_str(to, &moved);
        }
        9 if !lines.is_empty() => {
            // Join a line with the next, or split one.
            if rng.random_bool(0.5) {
                let line = lines.choose(rng).cloned().unwrap_or(0..0);
                if code[line.clone()].ends_with('\n') {
                    let glue = pick_str(rng, &["", " ", "; ", " \\\n"]);
                    code.replace_range(line.end - 1..line.end, glue);
                }
            } else {
                let at = char_boundary(rng, code);
                code.insert(at, '\n');
            }
        }
        10 => {
            *code = match rng.random_range(0..4) {
                0 => code.replace("\r\n", "\n").replace('\n', "\r\n"),
                1 => code.replace("\r\n", "\n").replace('\n', "\r"),
                2 => code.replace("\r\n", "\n"),
                _ => code.replacen('\n', "\r\n", 1),
            };
        }
        11 => {
            // Splice lines of another cell in.
            if let Some(other) = cells.choose(rng) {
                let other_lines = line_ranges(other);
                if !other_lines.is_empty() {
                    let from = rng.random_range(0..other_lines.len());
                    let to = (from + rng.random_range(1..=5)).min(other_lines.len());
                    let block = &other[other_lines[from].start..other_lines[to - 1].end];
                    let at = lines.choose(rng).map_or(code.len(), |l| l.start);
                    let block = if block.ends_with('\n') {
                        block.to_owned()
                    } else {
                        format!("{block}\n")
                    };
                    code.insert_str(at, &block);
                }
            }
        }
        12 => {
            // Trailing whitespace and newlines at the end of the cell.
            match rng.random_range(0..4) {
                0 => {
                    let trimmed = code.trim_end().len();
                    code.truncate(trimmed);
                }
                1 => code.push('\n'),
                2 => code.push_str(pick_str(rng, &["  ", "\n\n", "\n  \n", ";", "  # c", "\\"])),
                _ => {
                    let at = lines.choose(rng).map_or(0, |l| l.end);
                    let at = if code[..at].ends_with('\n') {
                        at - 1
                    } else {
                        at
                    };
                    code.insert_str(at, pick_str(rng, &[" ", "\t", "  ", ";", ",", ":"]));
                }
            }
        }
        13 if !lines.is_empty() => {
            // Wrap a line in a block.
            let line = lines.choose(rng).cloned().unwrap_or(0..0);
            let text = code[line.clone()].to_owned();
            let header = pick_str(
                rng,
                &[
                    "if x:\n",
                    "def f():\n",
                    "class C:\n",
                    "with a:\n",
                    "try:\n",
                    "for _ in x:\n",
                ],
            );
            let body: String = text
                .split_inclusive('\n')
                .map(|l| format!("    {l}"))
                .collect();
            let tail = if rng.random_bool(0.3) {
                "except Exception:\n    pass\n"
            } else {
                ""
            };
            code.replace_range(line, &format!("{header}{body}{tail}"));
        }
        14 => {
            // Swap quote styles or change a digit / identifier character.
            let candidates: Vec<(usize, char)> = code
                .char_indices()
                .filter(|(_, c)| matches!(c, '\'' | '"' | '0'..='9' | 'a'..='z' | '_' | '.'))
                .collect();
            if let Some(&(at, c)) = candidates.choose(rng) {
                let new = match c {
                    '\'' => "\"",
                    '"' => "'",
                    '0'..='9' => pick_str(rng, &["0", "1", "9", "_", ".", "e", "j", "x"]),
                    _ => pick_str(rng, &["_", "x", "é", "ℌ", ".", "(", "0"]),
                };
                code.replace_range(at..at + c.len_utf8(), new);
            }
        }
        15 => many_findings(rng, code, &lines),
        16 => {
            // Deep nesting of one of the hostile shapes, around and past nbtidy's limit (the
            // parser, formatter and visitors must never overflow the stack).
            let shapes = nbtidy_python::hostile::shapes();
            if let Some((_, shape)) = shapes.choose(rng) {
                let limit = nbtidy_python::MAX_NESTING;
                let depth = match rng.random_range(0..4) {
                    0 => rng.random_range(1..64),
                    1 => rng.random_range(limit / 4..limit / 2),
                    2 => rng.random_range(limit / 2..=limit + 8),
                    _ => rng.random_range(limit..limit * 3),
                };
                let at = lines.choose(rng).map_or(code.len(), |l| l.start);
                code.insert_str(at, &format!("{}\n", shape(depth)));
            }
        }
        _ => {
            // A byte-level mutation, read back as UTF-8 (invalid bytes become U+FFFD).
            let mut data = std::mem::take(code).into_bytes();
            let other = cells.choose(rng).map_or(&[][..], |c| c.as_bytes());
            bytes(rng, &mut data, other, PY_TOKENS);
            *code = String::from_utf8_lossy(&data).into_owned();
        }
    }
}

/// One mutation of an arbitrary text (a new cell source): Python-aware, or characters that
/// stress JSON string encoding.
pub fn text(rng: &mut FuzzRng, text: &mut String, cells: &[String]) {
    match rng.random_range(0..6) {
        0..=2 => python(rng, text, cells),
        3 => {
            let at = char_boundary(rng, text);
            let count = small_len(rng);
            let inserted: String = (0..count)
                .map(|_| *TEXT_CHARS.choose(rng).unwrap_or(&'x'))
                .collect();
            text.insert_str(at, &inserted);
        }
        4 => {
            let at = char_boundary(rng, text);
            let c = loop {
                if let Some(c) = char::from_u32(rng.random_range(0..0x11_0000)) {
                    break c;
                }
            };
            text.insert(at, c);
        }
        _ => {
            *text = match rng.random_range(0..6) {
                0 => String::new(),
                1 => "\n".repeat(rng.random_range(1..4)),
                2 => "x".repeat(rng.random_range(1..5000)),
                3 => "a\n".repeat(rng.random_range(1..2000)),
                4 => "\\u00e9 \\\" \\\\n".to_owned(),
                _ => cells.choose(rng).cloned().unwrap_or_default(),
            }
        }
    }
}

/// Lines that each hold a finding of a rule with a fix (W291, W293, E501, E703, F401, F811, E711,
/// E712, W191, NB016), some with `# noqa`.
const FINDING_LINES: &[&str] = &[
    "x = 1   ",
    "    ",
    "x = 1;",
    "import os",
    "import os, sys  # noqa: E501",
    "from m import a, b, c",
    "y = x == None",
    "y = x == True  # noqa",
    "\tz = 1",
    "s = 'a b c d e f g h i j k l m n o p q r s t u v w x y z a b c d e f g h i j k l m n o p q r s t u v w x y z'",
    "t = 'ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5A'",
    "print(x);  ",
];

/// Many findings in one cell: a line with a finding repeated tens to hundreds of times (at a
/// line of the cell, or on one line joined by `; `), so that any per-finding cost that grows with
/// the cell (positions, noqa lookups, fixes, frames, diffs) shows as a hang.
fn many_findings(rng: &mut FuzzRng, code: &mut String, lines: &[std::ops::Range<usize>]) {
    let line = pick_str(rng, FINDING_LINES);
    let times = rng.random_range(10..=300);
    let block = if rng.random_bool(0.8) {
        format!("{line}\n").repeat(times)
    } else {
        // All on one line: `import os; import os; ...` and the like.
        let mut one = vec![line.trim(); times].join("; ");
        one.push('\n');
        one
    };
    let at = lines.choose(rng).map_or(code.len(), |l| l.start);
    code.insert_str(at, &block);
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn finds_members_and_values() {
        let text = r#"{"a": [1, {"source": "x"}], "source" :["y\n", "z"]}"#;
        let found = keys(text, Some("source"));
        assert_eq!(found.len(), 2);
        assert_eq!(&text[value_at(text, found[0].1).unwrap()], "\"x\"");
        assert_eq!(
            &text[value_at(text, found[1].1).unwrap()],
            "[\"y\\n\", \"z\"]"
        );
    }

    #[test]
    fn toggles_source_shapes() {
        let mut rng = FuzzRng::seed_from_u64(1);
        let text = r#"{"source": "a\nb"}"#;
        let list = toggle_source_shape(&mut rng, text).unwrap();
        let value: serde_json::Value = serde_json::from_str(&list).unwrap();
        assert_eq!(value["source"], serde_json::json!(["a\n", "b"]));
        let back = toggle_source_shape(&mut rng, &list).unwrap();
        assert_eq!(back, text);
    }

    #[test]
    fn mutations_are_deterministic() {
        let seed =
            br#"{"cells": [{"cell_type": "code", "source": ["x = 1\n", "y"]}], "nbformat": 4}"#;
        let run = || {
            let mut rng = FuzzRng::seed_from_u64(7);
            let mut data = seed.to_vec();
            for _ in 0..200 {
                json(&mut rng, &mut data, seed);
            }
            data
        };
        assert_eq!(run(), run());
    }
}
