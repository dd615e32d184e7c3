//! IPython's `leading_indent` transform: a cell whose first non-blank line is indented runs with
//! that indentation removed from every line that starts with it (IPython's
//! `inputtransformer2.leading_indent`, after `leading_empty_lines`), so
//!
//! ```text
//!     x = 1
//!     print(x)
//! ```
//!
//! runs as `x = 1` / `print(x)`. The formatter and the linter parse the code as IPython runs it
//! ([`LeadingIndent::dedented`]), map positions back to the cell ([`LeadingIndent::to_original`])
//! and write changes with the cell's indentation ([`LeadingIndent::reindent`],
//! [`LeadingIndent::reindent_fragment`]).
//!
//! Re-indenting puts the indentation in front of every non-empty line, strings' continuation
//! lines included: IPython removes it again from each of them, so what runs is exactly the
//! dedented code (a string line that had no indentation gets it, and loses it again when run).

/// The common leading indentation of a cell and the cell without it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadingIndent {
    indent: String,
    dedented: String,
    /// For each line of the dedented code: where it starts in the dedented code, and how many
    /// bytes were removed up to and including that line.
    lines: Vec<(usize, usize)>,
}

/// The lines of `text` with their line endings (`\n`, `\r\n` and a lone `\r` end lines, as
/// Python's `splitlines` sees them).
fn split_lines(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= bytes.len() {
            return None;
        }
        let mut end = start;
        while end < bytes.len() && bytes[end] != b'\n' && bytes[end] != b'\r' {
            end += 1;
        }
        if end < bytes.len() {
            end += if bytes[end] == b'\r' && bytes.get(end + 1) == Some(&b'\n') {
                2
            } else {
                1
            };
        }
        let line = &text[start..end];
        start = end;
        Some(line)
    })
}

impl LeadingIndent {
    /// The leading indentation IPython removes from `code`, if any: the spaces and tabs that
    /// start its first non-blank line. `None` when that line is not indented.
    pub fn detect(code: &str) -> Option<Self> {
        let first = split_lines(code).find(|line| !line.trim().is_empty())?;
        let content = first.trim_start_matches([' ', '\t']);
        let indent = &first[..first.len() - content.len()];
        if indent.is_empty() {
            return None;
        }
        let mut dedented = String::with_capacity(code.len());
        let mut lines = Vec::new();
        let mut removed = 0;
        for line in split_lines(code) {
            let start = dedented.len();
            match line.strip_prefix(indent) {
                Some(rest) => {
                    removed += indent.len();
                    dedented.push_str(rest);
                }
                None => dedented.push_str(line),
            }
            lines.push((start, removed));
        }
        Some(LeadingIndent {
            indent: indent.to_owned(),
            dedented,
            lines,
        })
    }

    /// The indentation removed (spaces and tabs).
    pub fn indent(&self) -> &str {
        &self.indent
    }

    /// The code as IPython runs it.
    pub fn dedented(&self) -> &str {
        &self.dedented
    }

    /// The offset in the original code of byte `offset` of the dedented code. An offset at the
    /// start of a line that lost its indentation maps to just after that indentation.
    pub fn to_original(&self, offset: usize) -> usize {
        let line = self
            .lines
            .partition_point(|&(start, _)| start <= offset)
            .saturating_sub(1);
        offset + self.lines.get(line).map_or(0, |&(_, removed)| removed)
    }

    /// The 1-based column in the original code of 1-based `column` (in characters) of 1-based
    /// `row` of the dedented code.
    pub fn original_column(&self, row: usize, column: usize) -> usize {
        let had_indent = match row.checked_sub(1).and_then(|i| self.lines.get(i)) {
            Some(&(_, removed)) => {
                let before = row
                    .checked_sub(2)
                    .and_then(|i| self.lines.get(i))
                    .map_or(0, |&(_, removed)| removed);
                removed > before
            }
            None => false,
        };
        if had_indent {
            column + self.indent.chars().count()
        } else {
            column
        }
    }

    /// Formatted (or otherwise rewritten) dedented code, with the indentation put back in front
    /// of every non-empty line.
    pub fn reindent(&self, code: &str) -> String {
        let mut out = String::with_capacity(code.len() + code.len() / 8);
        for line in split_lines(code) {
            if !line.trim_end_matches(['\r', '\n']).is_empty() {
                out.push_str(&self.indent);
            }
            out.push_str(line);
        }
        out
    }

    /// Replacement text for a range of the dedented code, for the original code: the
    /// indentation after each line break in `content` that a non-empty line follows (the rest of
    /// `content`, else `after`, the original code after the replaced range).
    pub fn reindent_fragment(&self, content: &str, after: &str) -> String {
        let mut out = String::with_capacity(content.len());
        let mut rest = content;
        while let Some(at) = rest.find(['\n', '\r']) {
            let end = if rest[at..].starts_with("\r\n") {
                at + 2
            } else {
                at + 1
            };
            out.push_str(&rest[..end]);
            rest = &rest[end..];
            let next = if rest.is_empty() { after } else { rest };
            if !next.is_empty() && !next.starts_with(['\n', '\r']) {
                out.push_str(&self.indent);
            }
        }
        out.push_str(rest);
        out
    }
}
