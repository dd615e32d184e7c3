//! Positions and edits in a text: byte offsets ↔ LSP positions in the negotiated encoding,
//! incremental changes, and the smallest edit between two texts.
//!
//! Lines are split on `\n` only (a `\r` before it stays at the end of the line, which changes
//! no column before it); cells and notebooks nbtidy writes never use a lone `\r` as a line break.

use lsp_types::{Position, Range, TextDocumentContentChangeEvent, TextEdit};

/// How LSP columns are counted (`positionEncoding`, negotiated at `initialize`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Bytes of UTF-8 (preferred when the client offers it: no conversion).
    Utf8,
    /// UTF-16 code units (the LSP default).
    Utf16,
    /// Characters.
    Utf32,
}

impl Encoding {
    /// Units of `c` in this encoding.
    fn units(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
            Encoding::Utf32 => 1,
        }
    }

    /// Units of `text` in this encoding.
    pub fn len(self, text: &str) -> usize {
        match self {
            Encoding::Utf8 => text.len(),
            Encoding::Utf16 => text.chars().map(char::len_utf16).sum(),
            Encoding::Utf32 => text.chars().count(),
        }
    }
}

/// Where each line of a text starts: positions ↔ byte offsets in O(log n + line length).
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// The index of `text`.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr_lines(text));
        LineIndex { starts }
    }

    /// The byte range of line `line` (0-based) without its `\n`; `None` past the last line.
    pub fn line<'a>(&self, text: &'a str, line: usize) -> Option<(usize, &'a str)> {
        let start = *self.starts.get(line)?;
        let end = self
            .starts
            .get(line + 1)
            .map_or(text.len(), |next| next - 1);
        Some((start, &text[start..end]))
    }

    /// The LSP position of byte `offset` (clamped to the text, moved back to a char boundary).
    pub fn position(&self, text: &str, offset: usize, encoding: Encoding) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&start| start <= offset) - 1;
        let start = self.starts[line];
        Position::new(to_u32(line), to_u32(encoding.len(&text[start..offset])))
    }

    /// The byte offset of an LSP position. A column past the line's end is the line's end (as
    /// the protocol says); a line past the end is the end of the text. `clamped` is set when the
    /// line was out of range.
    pub fn offset(
        &self,
        text: &str,
        position: Position,
        encoding: Encoding,
        clamped: &mut bool,
    ) -> usize {
        let Some((start, line)) = self.line(text, position.line as usize) else {
            *clamped = true;
            return text.len();
        };
        let wanted = position.character as usize;
        let mut units = 0;
        for (at, c) in line.char_indices() {
            if units >= wanted {
                return start + at;
            }
            units += encoding.units(c);
            // A column inside a character (half a surrogate pair): the character's start.
            if units > wanted {
                return start + at;
            }
        }
        start + line.len()
    }

    /// The LSP position of a 1-based row and 1-based column counted in characters (how
    /// `nbtidy_diagnostics::Position` counts).
    pub fn row_column(
        &self,
        text: &str,
        row: usize,
        column: usize,
        encoding: Encoding,
    ) -> Position {
        let Some((start, line)) = self.line(text, row.saturating_sub(1)) else {
            return self.position(text, text.len(), encoding);
        };
        let bytes = line
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(line.len(), |(at, _)| at);
        self.position(text, start + bytes, encoding)
    }

    /// The LSP range of a byte range.
    pub fn range(&self, text: &str, bytes: std::ops::Range<usize>, encoding: Encoding) -> Range {
        Range::new(
            self.position(text, bytes.start, encoding),
            self.position(text, bytes.end, encoding),
        )
    }
}

fn memchr_lines(text: &str) -> impl Iterator<Item = usize> + '_ {
    text.bytes()
        .enumerate()
        .filter(|&(_, b)| b == b'\n')
        .map(|(at, _)| at + 1)
}

/// `usize` to a protocol `u32`, saturating (a text over 4 GiB is refused long before).
pub fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// Applies `didChange` events to `text` in order. Returns `true` when an edit's range was out of
/// the text (it is clamped to the text's end, as the protocol says for columns past a line).
pub fn apply_changes(
    text: &mut String,
    changes: Vec<TextDocumentContentChangeEvent>,
    encoding: Encoding,
) -> bool {
    let mut clamped = false;
    for change in changes {
        let Some(range) = change.range else {
            *text = change.text;
            continue;
        };
        let index = LineIndex::new(text);
        let start = index.offset(text, range.start, encoding, &mut clamped);
        let end = index.offset(text, range.end, encoding, &mut clamped);
        let (start, end) = (start.min(end), start.max(end));
        text.replace_range(start..end, &change.text);
    }
    clamped
}

/// The smallest single edit turning `old` into `new` (common prefix and suffix kept), or `None`
/// when they are equal.
pub fn minimal_edit(old: &str, new: &str, encoding: Encoding) -> Option<TextEdit> {
    if old == new {
        return None;
    }
    let (start, old_end, new_end) = changed_region(old.as_bytes(), new.as_bytes());
    // Back to char boundaries in both texts.
    let mut start = start;
    while !old.is_char_boundary(start) || !new.is_char_boundary(start) {
        start -= 1;
    }
    let (mut old_end, mut new_end) = (old_end, new_end);
    while !old.is_char_boundary(old_end) || !new.is_char_boundary(new_end) {
        old_end += 1;
        new_end += 1;
    }
    let index = LineIndex::new(old);
    Some(TextEdit::new(
        index.range(old, start..old_end, encoding),
        new[start..new_end].to_owned(),
    ))
}

/// `(start, old end, new end)`: the bytes between differ, those around are common.
pub fn changed_region(old: &[u8], new: &[u8]) -> (usize, usize, usize) {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let max_suffix = old.len().min(new.len()) - prefix;
    let suffix = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    (prefix, old.len() - suffix, new.len() - suffix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units_and_round_trip() {
        let text = "a = '😀é'\nb = 1\n";
        let index = LineIndex::new(text);
        let at = text.find('é').unwrap();
        assert_eq!(
            index.position(text, at, Encoding::Utf16),
            Position::new(0, 7)
        );
        assert_eq!(
            index.position(text, at, Encoding::Utf8),
            Position::new(0, 9)
        );
        assert_eq!(
            index.position(text, at, Encoding::Utf32),
            Position::new(0, 6)
        );
        let mut clamped = false;
        for encoding in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            let position = index.position(text, at, encoding);
            assert_eq!(index.offset(text, position, encoding, &mut clamped), at);
        }
        // Half a surrogate pair: the character's start.
        let emoji = text.find('😀').unwrap();
        assert_eq!(
            index.offset(text, Position::new(0, 6), Encoding::Utf16, &mut clamped),
            emoji
        );
        assert!(!clamped);
        // Past the line's end: the line's end; past the last line: the end, flagged.
        assert_eq!(
            index.offset(text, Position::new(1, 99), Encoding::Utf16, &mut clamped),
            text.len() - 1
        );
        assert!(!clamped);
        assert_eq!(
            index.offset(text, Position::new(9, 0), Encoding::Utf16, &mut clamped),
            text.len()
        );
        assert!(clamped);
    }

    #[test]
    fn diagnostics_columns_are_characters() {
        let text = "x = '😀'; y";
        let index = LineIndex::new(text);
        assert_eq!(
            index.row_column(text, 1, 11, Encoding::Utf16),
            Position::new(0, 11)
        );
    }

    #[test]
    fn changes_apply_in_order_and_out_of_range_edits_are_clamped() {
        let mut text = "import os\nx = 1".to_owned();
        let change = |l1, c1, l2, c2, new: &str| TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(l1, c1), Position::new(l2, c2))),
            range_length: None,
            text: new.to_owned(),
        };
        assert!(!apply_changes(
            &mut text,
            vec![change(1, 4, 1, 5, "2"), change(0, 7, 0, 9, "sys")],
            Encoding::Utf16
        ));
        assert_eq!(text, "import sys\nx = 2");
        assert!(apply_changes(
            &mut text,
            vec![change(40, 0, 50, 3, "!")],
            Encoding::Utf16
        ));
        assert_eq!(text, "import sys\nx = 2!");
    }

    #[test]
    fn the_minimal_edit_keeps_common_ends_on_char_boundaries() {
        let edit = minimal_edit("x=1\ny = 'é'", "x = 1\ny = 'é'", Encoding::Utf16).unwrap();
        assert_eq!(
            edit.range,
            Range::new(Position::new(0, 1), Position::new(0, 2))
        );
        assert_eq!(edit.new_text, " = ");
        let edit = minimal_edit("'é'", "'è'", Encoding::Utf16).unwrap();
        assert_eq!(edit.new_text, "è");
        assert!(minimal_edit("a", "a", Encoding::Utf8).is_none());
    }
}
