//! JSON values as text: comparing them whatever their layout, moving a value from one file's
//! style to another's, and merging objects key by key.
//!
//! Nothing here re-serializes a value it keeps: values are compared and copied as the text they
//! are. Only an object whose keys come from both sides is written anew (its values still copied as
//! text), in the current side's layout.

use std::borrow::Cow;
use std::fmt;

use nbtidy_notebook::FileStyle;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

/// `true` when the JSON texts `a` and `b` are the same value written with the same tokens: only
/// whitespace outside strings may differ (indentation, line endings). One pass, no allocation.
pub(crate) fn same_json(a: &str, b: &str) -> bool {
    a == b || Tokens::new(a).eq(Tokens::new(b))
}

/// The bytes of a JSON text without the whitespace outside strings.
struct Tokens<'a> {
    bytes: &'a [u8],
    at: usize,
    in_string: bool,
    escaped: bool,
}

impl<'a> Tokens<'a> {
    fn new(text: &'a str) -> Self {
        Tokens {
            bytes: text.as_bytes(),
            at: 0,
            in_string: false,
            escaped: false,
        }
    }
}

impl Iterator for Tokens<'_> {
    type Item = u8;

    fn next(&mut self) -> Option<u8> {
        loop {
            let b = *self.bytes.get(self.at)?;
            self.at += 1;
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                } else if b == b'\\' {
                    self.escaped = true;
                } else if b == b'"' {
                    self.in_string = false;
                }
                return Some(b);
            }
            match b {
                b' ' | b'\t' | b'\r' | b'\n' => {}
                b'"' => {
                    self.in_string = true;
                    return Some(b);
                }
                _ => return Some(b),
            }
        }
    }
}

/// Two optional values the same ([`same_json`]), or both absent.
pub(crate) fn same_value(x: Option<&str>, y: Option<&str>) -> bool {
    match (x, y) {
        (Some(x), Some(y)) => same_json(x, y),
        (None, None) => true,
        _ => false,
    }
}

/// The whitespace at the start of the line holding byte `at` of `text`.
pub(crate) fn line_indent(text: &str, at: usize) -> &str {
    let start = text[..at].rfind('\n').map_or(0, |p| p + 1);
    let line = &text[start..];
    let end = line
        .find(|c: char| c != ' ' && c != '\t')
        .unwrap_or(line.len());
    &line[..end]
}

/// `value` (a JSON text taken from a file in style `from`, at the same depth as where it goes)
/// in style `to`: each line's indentation counted in `from`'s units and written in `to`'s, and
/// `to`'s line ending. Lines always start outside strings (a JSON string holds no raw line
/// break), so only whitespace between tokens changes. Into a one-line file, the lines are joined.
pub(crate) fn restyle<'a>(value: &'a str, from: &FileStyle, to: &FileStyle) -> Cow<'a, str> {
    if !value.contains('\n') || (from.indent_unit == to.indent_unit && from.newline == to.newline) {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len() + value.len() / 8);
    for (n, line) in value.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if n == 0 {
            out.push_str(line);
            continue;
        }
        let body = line.trim_start_matches([' ', '\t']);
        let indent = &line[..line.len() - body.len()];
        if to.indent_unit.is_empty() {
            out.push_str(body);
            continue;
        }
        out.push_str(to.newline);
        let unit = from.indent_unit.len().max(1);
        let levels = indent.len() / unit;
        for _ in 0..levels {
            out.push_str(&to.indent_unit);
        }
        // Indentation that is not a whole number of units is kept as it is.
        out.push_str(&indent[levels * unit..]);
        out.push_str(body);
    }
    Cow::Owned(out)
}

/// The entries of a JSON object in file order, values as borrowed text; `None` when `text` is
/// not an object (or holds what serde_json does not read, such as `NaN`).
pub(crate) fn object_entries(text: &str) -> Option<Vec<(String, &str)>> {
    struct Entries<'a>(Vec<(String, &'a RawValue)>);
    impl<'de> de::Deserialize<'de> for Entries<'de> {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Entries<'de>;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("an object")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                    let mut entries: Vec<(String, &'de RawValue)> = Vec::new();
                    while let Some((key, value)) = map.next_entry::<String, &'de RawValue>()? {
                        // Duplicate keys: the last one wins, as in Python's `json`.
                        entries.retain(|(k, _)| *k != key);
                        entries.push((key, value));
                    }
                    Ok(Entries(entries))
                }
            }
            deserializer.deserialize_map(V)
        }
    }
    let entries: Entries<'_> = serde_json::from_str(text).ok()?;
    Some(
        entries
            .0
            .into_iter()
            .map(|(key, value)| (key, value.get()))
            .collect(),
    )
}

/// Where an object sits, for writing it anew: the indentation of the line it starts on, and the
/// styles of the current side (written) and of the other side (whose values are moved).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Place<'a> {
    /// Leading whitespace of the line holding the object's `{`.
    pub indent: &'a str,
    /// The current side's style.
    pub ours: &'a FileStyle,
    /// The other side's style.
    pub theirs: &'a FileStyle,
}

/// A key on which both sides disagree (`None` key: the whole value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KeyConflict {
    /// The key path, `a.b`.
    pub path: String,
}

/// Merges three versions of a JSON object key by key; `None` when the result is the current
/// side's text as it is. Keys both sides changed differently (and that are not objects to merge
/// in turn) keep the current side's value and are reported in `conflicts`, unless they are in
/// `quiet` (run or view state: the current side's value, silently). A key deleted on one side
/// and changed on the other is kept with the change (and reported).
pub(crate) fn merge_object(
    base: Option<&str>,
    ours: &str,
    theirs: &str,
    place: Place<'_>,
    quiet: &[&str],
    path: &str,
    conflicts: &mut Vec<KeyConflict>,
) -> Option<String> {
    if same_json(ours, theirs) || base.is_some_and(|base| same_json(base, theirs)) {
        return None;
    }
    if base.is_some_and(|base| same_json(base, ours)) {
        return Some(restyle(theirs, place.theirs, place.ours).into_owned());
    }
    let (Some(o), Some(t)) = (object_entries(ours), object_entries(theirs)) else {
        conflicts.push(KeyConflict {
            path: path.to_owned(),
        });
        return None;
    };
    let b = match base {
        Some(base) => object_entries(base).unwrap_or_default(),
        None => Vec::new(),
    };
    merge_entries(&b, &o, &t, place, quiet, path, conflicts)
        .map(|out| write_object(&out, place.indent, place.ours))
}

/// [`merge_object`] on the entries of the three objects (values as raw JSON): the merged
/// entries, `None` when they are the current side's.
pub(crate) fn merge_entries<'t>(
    b: &[(String, &'t str)],
    o: &[(String, &'t str)],
    t: &[(String, &'t str)],
    place: Place<'_>,
    quiet: &[&str],
    path: &str,
    conflicts: &mut Vec<KeyConflict>,
) -> Option<Vec<(String, Cow<'t, str>)>> {
    let find = |entries: &[(String, &'_ str)], key: &str| -> Option<usize> {
        entries.iter().position(|(k, _)| k == key)
    };
    let inner = format!("{}{}", place.indent, place.ours.indent_unit);
    let mut changed = false;
    let mut out: Vec<(String, Cow<'t, str>)> = Vec::with_capacity(o.len() + 2);
    for &(ref key, ov) in o {
        let bv = find(b, key).map(|i| b[i].1);
        let tv = find(t, key).map(|i| t[i].1);
        let child = if path.is_empty() {
            key.clone()
        } else {
            format!("{path}.{key}")
        };
        match tv {
            Some(tv) if same_json(ov, tv) => out.push((key.clone(), Cow::Borrowed(ov))),
            Some(tv) if bv.is_some_and(|bv| same_json(bv, ov)) => {
                changed = true;
                out.push((key.clone(), restyle(tv, place.theirs, place.ours)));
            }
            Some(tv) if bv.is_some_and(|bv| same_json(bv, tv)) => {
                out.push((key.clone(), Cow::Borrowed(ov)));
            }
            Some(tv) => {
                if quiet.contains(&key.as_str()) {
                    out.push((key.clone(), Cow::Borrowed(ov)));
                } else if ov.starts_with('{') && tv.starts_with('{') {
                    let nested = Place {
                        indent: &inner,
                        ..place
                    };
                    match merge_object(bv, ov, tv, nested, quiet, &child, conflicts) {
                        Some(text) => {
                            changed = true;
                            out.push((key.clone(), Cow::Owned(text)));
                        }
                        None => out.push((key.clone(), Cow::Borrowed(ov))),
                    }
                } else {
                    conflicts.push(KeyConflict { path: child });
                    out.push((key.clone(), Cow::Borrowed(ov)));
                }
            }
            None => match bv {
                // Added by the current side.
                None => out.push((key.clone(), Cow::Borrowed(ov))),
                // Deleted by the other side, unchanged here.
                Some(bv) if same_json(bv, ov) || quiet.contains(&key.as_str()) => changed = true,
                // Deleted there, changed here: kept.
                Some(_) => {
                    conflicts.push(KeyConflict { path: child });
                    out.push((key.clone(), Cow::Borrowed(ov)));
                }
            },
        }
    }
    for &(ref key, tv) in t {
        if find(o, key).is_some() {
            continue;
        }
        match find(b, key).map(|i| b[i].1) {
            None => {
                changed = true;
                out.push((key.clone(), restyle(tv, place.theirs, place.ours)));
            }
            // Deleted by the current side, unchanged there.
            Some(bv) if same_json(bv, tv) || quiet.contains(&key.as_str()) => {}
            // Deleted here, changed there: kept.
            Some(_) => {
                let child = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                conflicts.push(KeyConflict { path: child });
                changed = true;
                out.push((key.clone(), restyle(tv, place.theirs, place.ours)));
            }
        }
    }
    changed.then_some(out)
}

/// An object written in `style`, its `{` on a line indented by `indent`.
pub(crate) fn write_object(
    entries: &[(String, Cow<'_, str>)],
    indent: &str,
    style: &FileStyle,
) -> String {
    if entries.is_empty() {
        return "{}".to_owned();
    }
    let key = |key: &str| serde_json::to_string(key).unwrap_or_else(|_| format!("\"{key}\""));
    let mut out = String::from("{");
    if style.indent_unit.is_empty() {
        for (n, (k, v)) in entries.iter().enumerate() {
            if n > 0 {
                out.push_str(style.compact_separator);
            }
            out.push_str(&key(k));
            out.push_str(": ");
            out.push_str(v);
        }
        out.push('}');
        return out;
    }
    for (n, (k, v)) in entries.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push_str(style.newline);
        out.push_str(indent);
        out.push_str(&style.indent_unit);
        out.push_str(&key(k));
        out.push_str(": ");
        out.push_str(v);
    }
    out.push_str(style.newline);
    out.push_str(indent);
    out.push('}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn style(json: &str) -> FileStyle {
        FileStyle::detect(json)
    }

    #[test]
    fn same_json_ignores_layout_only() {
        assert!(same_json(
            "{\"a\": [1, 2]}",
            "{\n  \"a\": [\n   1,\n   2\n  ]\n}"
        ));
        assert!(same_json("\"a b\"", "\"a b\""));
        assert!(!same_json("\"a b\"", "\"ab\""));
        assert!(!same_json("{\"a\": \"x \\\" y\"}", "{\"a\": \"x \\\"y\"}"));
    }

    #[test]
    fn restyle_changes_indentation_units_and_line_endings() {
        let one = style("{\n \"a\": 1\n}");
        let two = style("{\r\n  \"a\": 1\r\n}");
        let value = "{\n   \"x\": [\n    1\n   ]\n  }";
        assert_eq!(
            restyle(value, &one, &two),
            "{\r\n      \"x\": [\r\n        1\r\n      ]\r\n    }"
        );
        let flat = style("{\"a\": 1}");
        assert_eq!(restyle(value, &one, &flat), "{\"x\": [1]}");
    }

    #[test]
    fn objects_merge_key_by_key() {
        let s = style("{\n \"a\": 1\n}");
        let place = Place {
            indent: " ",
            ours: &s,
            theirs: &s,
        };
        let mut conflicts = Vec::new();
        let merged = merge_object(
            Some("{\"a\": 1, \"b\": 2}"),
            "{\"a\": 5, \"b\": 2}",
            "{\"a\": 1, \"b\": 2, \"c\": 3}",
            place,
            &[],
            "",
            &mut conflicts,
        );
        assert_eq!(
            merged.as_deref(),
            Some("{\n  \"a\": 5,\n  \"b\": 2,\n  \"c\": 3\n }")
        );
        assert!(conflicts.is_empty());
        let kept = merge_object(
            Some("{\"a\": 1}"),
            "{\"a\": 2}",
            "{\"a\": 3}",
            place,
            &[],
            "",
            &mut conflicts,
        );
        assert_eq!(kept, None);
        assert_eq!(conflicts, [KeyConflict { path: "a".into() }]);
    }
}
