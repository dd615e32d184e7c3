//! `NB006` large-output: a cell whose outputs are bigger than `nbtidy_max_output_size`.

use nbtidy_notebook::CellType;

use crate::context::Context;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};
use nbtidy_notebook::scan::{Kind, Scanner, array_elements, decode, object_entries};

crate::declare_rule! {
    /// ## What it does
    /// Reports code cells whose outputs add up to more than `nbtidy_max_output_size` bytes
    /// (default 1 MB). Sizes are what the outputs hold, not how the JSON spells them: text
    /// counts its decoded UTF-8 bytes, base64 data (`image/png`, `image/jpeg`, ...) counts the
    /// bytes it decodes to, JSON data (`application/json`, `...+json`) counts its JSON text.
    ///
    /// ## Why is this bad?
    /// Big outputs (images, long logs, wide tables) bloat the repository with every run, slow
    /// down Jupyter, GitHub and code review, and are rarely meant to be kept.
    ///
    /// ## Example
    /// A cell that prints a whole data frame, or a loop that draws 200 plots.
    ///
    /// ## Fix safety
    /// No fix: decide what to keep (print less, save images to files, clear the output).
    ///
    /// ## EditorConfig keys
    /// - `nbtidy_max_output_size`: the largest allowed total per cell, in bytes, with an
    ///   optional suffix `k` / `kB` (× 1000) or `M` / `MB` (× 1 000 000), case-insensitive:
    ///   `500kB`, `2MB`, `250000`. Default `1MB`. An unreadable value means the default.
    pub struct LargeOutput {
        code: "NB006",
        name: "large-output",
        severity: Warning,
        recommended: true,
        fix: FixAvailability::None,
        keys: ["nbtidy_max_output_size"],
        options: [crate::RuleOption {
            key: "nbtidy_max_output_size",
            valid: |value| parse_size(value).is_some(),
            expected: "expected a size in bytes, with an optional unit `kB` or `MB` (`500kB`)",
        }],
    }
}

/// The default limit, 1 MB.
const DEFAULT_LIMIT: usize = 1_000_000;

/// Parses `500`, `500k`, `500kB`, `2M`, `2MB` (case-insensitive, spaces allowed before the unit).
pub(crate) fn parse_size(value: &str) -> Option<usize> {
    let value = value.trim();
    let digits = value.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let number: usize = value[..digits].parse().ok()?;
    let multiplier = match value[digits..].trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" => 1_000,
        "m" | "mb" => 1_000_000,
        _ => return None,
    };
    number.checked_mul(multiplier)
}

/// `1.2 MB`, `340 kB`, `12 bytes`.
fn human(bytes: usize) -> String {
    #[allow(clippy::cast_precision_loss)]
    let value = bytes as f64;
    if bytes >= 1_000_000 {
        format!("{:.1} MB", value / 1e6)
    } else if bytes >= 1_000 {
        format!("{:.1} kB", value / 1e3)
    } else {
        format!("{bytes} bytes")
    }
}

/// Decoded length of a JSON string span.
fn string_len(text: &str, span: &nbtidy_notebook::Span) -> usize {
    decode(text, span).map_or(span.len().saturating_sub(2), |s| s.len())
}

/// Decoded length of a string or list of strings (other values: their JSON text).
fn text_len(text: &str, span: &nbtidy_notebook::Span) -> usize {
    match Scanner::trusted(text, span.start).peek() {
        Kind::String => string_len(text, span),
        Kind::Array => array_elements(text, span).map_or(span.len(), |elements| {
            elements
                .iter()
                .map(
                    |element| match Scanner::trusted(text, element.start).peek() {
                        Kind::String => string_len(text, element),
                        _ => element.len(),
                    },
                )
                .sum()
        }),
        _ => span.len(),
    }
}

/// Decoded length of base64 text spread over a string or a list of strings: 3 bytes per 4
/// data characters (`=` padding, quotes, separators and `\\n` escapes not counted). Counted
/// on the JSON text, without decoding it.
fn base64_len(text: &str, span: &nbtidy_notebook::Span) -> usize {
    let bytes = &text.as_bytes()[span.clone()];
    // Counted in 8-bit lanes over chunks of 255 bytes, which the compiler vectorises; each
    // escape (`\\n`) adds one letter that is not data.
    let mut data = 0;
    let mut escapes = 0;
    for chunk in bytes.chunks(255) {
        let mut data_lanes: u8 = 0;
        let mut escape_lanes: u8 = 0;
        for &b in chunk {
            data_lanes += u8::from(b.is_ascii_alphanumeric() || b == b'+' || b == b'/');
            escape_lanes += u8::from(b == b'\\');
        }
        data += usize::from(data_lanes);
        escapes += usize::from(escape_lanes);
    }
    data.saturating_sub(escapes) * 3 / 4
}

fn is_base64_mime(mime: &str) -> bool {
    (mime.starts_with("image/") && mime != "image/svg+xml")
        || mime.starts_with("audio/")
        || mime.starts_with("video/")
        || mime == "application/pdf"
}

/// The decoded size of one output, and its largest part (mime type or field, size).
fn output_size(text: &str, output: &nbtidy_notebook::Span) -> (usize, Option<(String, usize)>) {
    let Some(entries) = object_entries(text, output) else {
        return (output.len(), None);
    };
    let mut total = 0;
    let mut largest: Option<(String, usize)> = None;
    let mut count = |name: String, size: usize| {
        total += size;
        if largest.as_ref().is_none_or(|(_, s)| size > *s) {
            largest = Some((name, size));
        }
    };
    for entry in &entries {
        match entry.key.as_ref() {
            "data" => {
                for mime in object_entries(text, &entry.value).unwrap_or_default() {
                    let size = if is_base64_mime(&mime.key) {
                        base64_len(text, &mime.value)
                    } else {
                        text_len(text, &mime.value)
                    };
                    count(mime.key.to_string(), size);
                }
            }
            "text" | "traceback" | "ename" | "evalue" => {
                count(format!("`{}`", entry.key), text_len(text, &entry.value));
            }
            _ => {}
        }
    }
    (total, largest)
}

impl Rule for LargeOutput {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        let limit = context
            .option(&Self::META, "nbtidy_max_output_size")
            .and_then(parse_size)
            .unwrap_or(DEFAULT_LIMIT);
        let notebook = context.notebook();
        let text = notebook.text();
        for (index, cell) in notebook.cells().iter().enumerate() {
            if cell.cell_type != CellType::Code {
                continue;
            }
            let Some(outputs) = &cell.outputs else {
                continue;
            };
            // Decoded sizes are never larger than the JSON that spells them.
            if outputs.len() <= limit {
                continue;
            }
            let mut total = 0;
            let mut largest: Option<(String, usize)> = None;
            for output in array_elements(text, outputs).unwrap_or_default() {
                let (size, part) = output_size(text, &output);
                total += size;
                if let Some((name, size)) = part
                    && largest.as_ref().is_none_or(|(_, s)| size > *s)
                {
                    largest = Some((name, size));
                }
            }
            if total <= limit {
                continue;
            }
            let detail = largest
                .map(|(name, size)| format!("; the largest part is {name}, {}", human(size)))
                .unwrap_or_default();
            out.push(context.diagnostic(
                &Self::META,
                format!(
                    "the outputs of cell {} hold {} ({total} bytes), more than the {} allowed by `nbtidy_max_output_size`{detail}",
                    index + 1,
                    human(total),
                    human(limit),
                ),
                context.json_location(Some(index), outputs),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sizes() {
        assert_eq!(parse_size("1000"), Some(1000));
        assert_eq!(parse_size("500kB"), Some(500_000));
        assert_eq!(parse_size("500 k"), Some(500_000));
        assert_eq!(parse_size("2MB"), Some(2_000_000));
        assert_eq!(parse_size("2m"), Some(2_000_000));
        assert_eq!(parse_size("2GB"), None);
        assert_eq!(parse_size("big"), None);
        assert_eq!(parse_size(""), None);
    }

    #[test]
    fn measures_base64_as_decoded_bytes() {
        let text = r#""aGVsbG8=""#; // "hello"
        assert_eq!(base64_len(text, &(0..text.len())), 5);
        let text = r#"["aGVs\n", "bG8h"]"#; // "hello!"
        assert_eq!(base64_len(text, &(0..text.len())), 6);
        let text = r#""aGk=""#; // "hi"
        assert_eq!(base64_len(text, &(0..text.len())), 2);
    }
}
