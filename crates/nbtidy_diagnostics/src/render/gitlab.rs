//! `gitlab`: a GitLab Code Quality report (a JSON array), for the merge request widget.
//!
//! | field | value |
//! | --- | --- |
//! | `check_name` | the rule's code (`F401`) |
//! | `description` | `CODE message`, then `(cell N:ROW:COL)` for findings in a cell |
//! | `severity` | `major` for errors, `minor` for warnings |
//! | `fingerprint` | 16 hex digits, stable across runs and Rust versions (see below) |
//! | `location` | `{path, lines: {begin, end}}`, lines of the `.ipynb` file |
//!
//! The fingerprint is FNV-1a (64 bits) of the path, code, message, cell and row. GitLab needs
//! fingerprints to be unique in a report, so a repeat of the same finding gets a counter mixed in.

use std::collections::HashSet;

use serde::Serialize;

use crate::{Diagnostic, FileDiagnostics, Severity};

#[derive(Serialize)]
struct Issue<'a> {
    check_name: &'a str,
    description: String,
    severity: &'static str,
    fingerprint: String,
    location: IssueLocation<'a>,
}

#[derive(Serialize)]
struct IssueLocation<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

pub(super) fn render(files: &[FileDiagnostics]) -> String {
    let mut taken = HashSet::new();
    let mut issues = Vec::new();
    for file in files {
        for diagnostic in &file.diagnostics {
            let location = &diagnostic.location;
            let description = match location.cell {
                Some(cell) => format!(
                    "{} {} (cell {cell}:{}:{})",
                    diagnostic.code, diagnostic.message, location.start.row, location.start.column
                ),
                None => format!("{} {}", diagnostic.code, diagnostic.message),
            };
            let begin = location.file_start.row.max(1);
            issues.push(Issue {
                check_name: diagnostic.code,
                description,
                severity: match diagnostic.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                },
                fingerprint: fingerprint(&file.path, diagnostic, &mut taken),
                location: IssueLocation {
                    path: &file.path,
                    lines: Lines {
                        begin,
                        end: location.file_end.row.max(begin),
                    },
                },
            });
        }
    }
    let mut out = nbtidy_safe_text::escape_json(
        serde_json::to_string_pretty(&issues).expect("plain data serializes"),
    );
    out.push('\n');
    out
}

/// A fingerprint not yet in `taken` (which it is added to).
fn fingerprint(path: &str, diagnostic: &Diagnostic, taken: &mut HashSet<u64>) -> String {
    let mut hash = Fnv1a::new();
    for part in [
        path,
        diagnostic.code,
        &diagnostic.message,
        &diagnostic
            .location
            .cell
            .map_or(String::new(), |cell| cell.to_string()),
        &diagnostic.location.start.row.to_string(),
    ] {
        hash.write(part.as_bytes());
        hash.write(&[0]);
    }
    let mut value = hash.0;
    let mut occurrence: u64 = 1;
    while !taken.insert(value) {
        let mut again = hash.clone();
        again.write(&occurrence.to_le_bytes());
        value = again.0;
        occurrence += 1;
    }
    format!("{value:016x}")
}

/// The 64-bit FNV-1a hash (fixed here, so fingerprints do not change with the Rust version).
#[derive(Clone)]
struct Fnv1a(u64);

impl Fnv1a {
    const fn new() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Fnv1a;

    #[test]
    fn fnv1a_matches_the_reference_values() {
        let hash = |text: &str| {
            let mut hash = Fnv1a::new();
            hash.write(text.as_bytes());
            hash.0
        };
        assert_eq!(hash(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(hash("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(hash("foobar"), 0x8594_4171_f739_67e8);
    }
}
