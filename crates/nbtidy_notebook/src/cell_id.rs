//! Cell ids (nbformat 4.5): new deterministic ids, and where one goes in a cell object. Shared by
//! the rules that add or replace ids (NB008, NB009) and the merge (cells that need one when the
//! merged notebook is 4.5).

use std::collections::HashSet;

use crate::Span;
use crate::scan::Entry;

/// `true` when `id` is a valid cell id for nbformat's validator: 1 to 64 characters matching
/// `^[a-zA-Z0-9-_]+$`, as Python's `re.search` reads it (`$` also matches before one final
/// newline).
pub fn is_valid(id: &str) -> bool {
    let body = id.strip_suffix('\n').unwrap_or(id);
    (1..=64).contains(&id.chars().count())
        && !body.is_empty()
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
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
pub fn new_cell_id(index: usize, source: &str, taken: &mut HashSet<String>) -> String {
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

/// The edit (span to replace, text) inserting `"id": "<id>"` into the cell object at `object`
/// whose entries are `entries`: where Jupyter puts it when the keys are sorted (else first), in the
/// object's own separators.
pub fn insert_id(
    text: &str,
    object: &Span,
    entries: &[Entry<'_>],
    id: &str,
) -> Option<(Span, String)> {
    let first = entries.first()?;
    // Whitespace after a comma between two entries (else after `{`).
    let separator = match entries.get(1) {
        Some(second) => {
            let between = &text[first.value.end..second.key_span.start];
            between.split_once(',').map_or(between, |(_, after)| after)
        }
        None => &text[object.start + 1..first.key_span.start],
    };
    let colon = &text[first.key_span.end..first.value.start];
    let pair = format!("\"id\"{colon}\"{id}\"");
    let sorted = entries.windows(2).all(|w| w[0].key <= w[1].key);
    let at = if sorted {
        entries.iter().position(|e| e.key.as_ref() > "id")
    } else {
        Some(0)
    };
    Some(match at {
        Some(index) => {
            let start = entries[index].key_span.start;
            (start..start, format!("{pair},{separator}"))
        }
        None => {
            let end = entries.last()?.value.end;
            (end..end, format!(",{separator}{pair}"))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::object_entries;

    fn inserted(text: &str) -> String {
        let span = 0..text.len();
        let entries = object_entries(text, &span).unwrap();
        let (span, content) = insert_id(text, &span, &entries, "abc").unwrap();
        let out = format!("{}{}{}", &text[..span.start], content, &text[span.end..]);
        serde_json::from_str::<serde_json::Value>(&out).unwrap();
        out
    }

    #[test]
    fn inserts_where_jupyter_would() {
        assert_eq!(
            inserted("{\n   \"cell_type\": \"code\",\n   \"metadata\": {}\n  }"),
            "{\n   \"cell_type\": \"code\",\n   \"id\": \"abc\",\n   \"metadata\": {}\n  }"
        );
        assert_eq!(
            inserted(r#"{"source": [], "cell_type": "markdown"}"#),
            r#"{"id": "abc", "source": [], "cell_type": "markdown"}"#
        );
        assert_eq!(
            inserted(r#"{"cell_type":"raw","execution_count":null}"#),
            r#"{"cell_type":"raw","execution_count":null,"id":"abc"}"#
        );
        assert_eq!(
            inserted("{\r\n\t\"metadata\": {}\r\n}"),
            "{\r\n\t\"id\": \"abc\",\r\n\t\"metadata\": {}\r\n}"
        );
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
    fn cell_ids_follow_the_pattern() {
        assert!(is_valid("a-b_C9"));
        assert!(is_valid("abc\n"));
        assert!(!is_valid(""));
        assert!(!is_valid("a b"));
        assert!(!is_valid(&"a".repeat(65)));
    }
}
