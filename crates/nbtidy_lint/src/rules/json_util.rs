//! Helpers shared by the notebook (`NB`) rules: style-keeping removal edits, decoded output text
//! and deterministic cell ids.
//!
//! The rules read the notebook's JSON with the notebook layer's scanner
//! ([`nbtidy_notebook::scan`]), in its trusted mode: the text is what `Notebook::parse` accepted.
//! This module adds no scanner of its own.

use std::borrow::Cow;

use nbtidy_diagnostics::Edit;
use nbtidy_notebook::scan::{Entry, array_elements, decode};
use nbtidy_notebook::{Span, json_string};

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

#[cfg(test)]
mod tests {
    use super::*;
    use nbtidy_notebook::scan::object_entries;

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
    fn multiline_text_joins_lines() {
        let text = r#"["a\n", "b"]"#;
        assert_eq!(multiline_text(text, &(0..text.len())).unwrap(), "a\nb");
        let text = r#""one""#;
        assert_eq!(multiline_text(text, &(0..text.len())).unwrap(), "one");
        let text = "[1]";
        assert!(multiline_text(text, &(0..text.len())).is_none());
    }
}
