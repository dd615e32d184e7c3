//! `sarif`: a SARIF 2.1.0 log (for GitHub code scanning and other SARIF viewers).
//!
//! One run; `tool.driver` is `nbtidy` with the version from [`RenderOptions::version`] and one
//! rule per distinct code reported (`id` = code, `name` = kebab-case name, sorted by code). Each
//! result has `ruleId`, `ruleIndex`, `level` (`error`/`warning`), `message.text`, and one
//! location: `artifactLocation.uri` is the path (forward slashes, percent-encoded where a URI
//! needs it) and `region` is the position in the `.ipynb` file, with columns in Unicode code
//! points (`run.columnKind`). The position inside the notebook is in the result's `properties`:
//! `cell` (`null` for the whole notebook), `row`, `column`, `endRow`, `endColumn`.
//!
//! Built with the `serde-sarif` types, so the field names and nesting are the schema's.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde_json::json;
use serde_sarif::sarif::{
    ArtifactLocation, Location, Message, MultiformatMessageString, PhysicalLocation, PropertyBag,
    Region, ReportingDescriptor, Result as SarifResult, ResultLevel, Run, Sarif, Tool,
    ToolComponent,
};

use super::RenderOptions;
use crate::{FileDiagnostics, Severity};

/// Where the SARIF 2.1.0 schema lives (the URI other tools write in `$schema`).
const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The project's home page, for `tool.driver.informationUri`.
const INFORMATION_URI: &str = "https://github.com/nbtidy/nbtidy";

pub(super) fn render(files: &[FileDiagnostics], options: &RenderOptions) -> String {
    // The distinct rules, by code; a result refers to its rule by index in this order.
    let rules: BTreeSet<(&str, &str)> = files
        .iter()
        .flat_map(|file| file.diagnostics.iter().map(|d| (d.code, d.name)))
        .collect();
    let rule_index: BTreeMap<&str, usize> = rules
        .iter()
        .enumerate()
        .map(|(index, (code, _))| (*code, index))
        .collect();
    let rules: Vec<ReportingDescriptor> = rules
        .iter()
        .map(|(code, name)| {
            ReportingDescriptor::builder()
                .id(*code)
                .name(*name)
                .short_description(MultiformatMessageString::builder().text(*name).build())
                .build()
        })
        .collect();

    let mut driver = ToolComponent::builder()
        .name("nbtidy")
        .information_uri(INFORMATION_URI)
        .rules(rules)
        .build();
    if !options.version.is_empty() {
        driver.version = Some(options.version.clone());
    }
    let run = Run::builder()
        .tool(Tool::from(driver))
        .column_kind(json!("unicodeCodePoints"))
        .results(Vec::new())
        .build();
    let log = Sarif::builder()
        .schema(SCHEMA)
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build();
    // The document without results, then each result written into it as soon as it is built,
    // where `to_string_pretty` would have put it: the structures of serde-sarif weigh a few kB
    // per result, so holding them all made a large run's memory grow by that much per finding
    // (254 MiB for ten copies of the corpus, against 44 MiB for one).
    let document = serde_json::to_string_pretty(&log).expect("plain data serializes");
    let at = document
        .find(EMPTY_RESULTS)
        .expect("the document has an empty result list");
    debug_assert!(document[..at].ends_with(&format!("\n{}", " ".repeat(RESULT_INDENT - 2))));
    let (head, tail) = document.split_at(at + EMPTY_RESULTS.len() - 1);
    let mut out = head.to_owned();
    let mut any = false;
    for file in files {
        let uri = path_to_uri(&file.path);
        for diagnostic in &file.diagnostics {
            let location = &diagnostic.location;
            let start = location.file_start;
            let end = location.file_end.max(start);
            let region = Region::builder()
                .start_line(one_based(start.row))
                .start_column(one_based(start.column))
                .end_line(one_based(end.row))
                .end_column(one_based(end.column))
                .build();
            let physical = PhysicalLocation::builder()
                .artifact_location(ArtifactLocation::builder().uri(uri.clone()).build())
                .region(region)
                .build();
            let properties: BTreeMap<String, serde_json::Value> = [
                ("cell", json!(location.cell)),
                ("row", json!(location.start.row)),
                ("column", json!(location.start.column)),
                ("endRow", json!(location.end.row)),
                ("endColumn", json!(location.end.column)),
            ]
            .into_iter()
            .map(|(key, value)| (key.to_owned(), value))
            .collect();
            let mut result = SarifResult::builder()
                .rule_id(diagnostic.code)
                .level(match diagnostic.severity {
                    Severity::Error => ResultLevel::Error,
                    Severity::Warning => ResultLevel::Warning,
                })
                .message(Message::builder().text(diagnostic.message.as_str()).build())
                .locations(vec![
                    Location::builder().physical_location(physical).build(),
                ])
                .properties(
                    PropertyBag::builder()
                        .additional_properties(properties)
                        .build(),
                )
                .build();
            result.rule_index = rule_index
                .get(diagnostic.code)
                .and_then(|&index| i64::try_from(index).ok());
            out.push_str(if any { ",\n" } else { "\n" });
            any = true;
            push_indented(
                &mut out,
                &serde_json::to_string_pretty(&result).expect("plain data serializes"),
                RESULT_INDENT,
            );
        }
    }

    if any {
        out.push('\n');
        out.push_str(&" ".repeat(RESULT_INDENT - 2));
    }
    out.push_str(tail);
    let mut out = nbtidy_safe_text::escape_json(out);
    out.push('\n');
    out
}

/// How the empty result list of the document reads, pretty-printed.
const EMPTY_RESULTS: &str = "\"results\": []";

/// The indentation of a result in the pretty-printed document (`{ runs: [ { results: [ ...`).
const RESULT_INDENT: usize = 8;

/// Appends `text` (pretty-printed JSON) with every line indented by `indent` spaces.
fn push_indented(out: &mut String, text: &str, indent: usize) {
    for (index, line) in text.split('\n').enumerate() {
        if index > 0 {
            out.push('\n');
        }
        out.extend(std::iter::repeat_n(' ', indent));
        out.push_str(line);
    }
}

/// A SARIF line or column: an integer of at least 1.
fn one_based(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX).max(1)
}

/// The path as a URI reference: on Windows `\` becomes `/` and a drive path (`C:\...`) becomes
/// a `file:` URI; bytes a URI cannot hold as they are (spaces, `%`, `#`, `?`, `:`, `\` on Unix,
/// non-ASCII...) are percent-encoded.
fn path_to_uri(path: &str) -> String {
    let windows = std::path::MAIN_SEPARATOR == '\\';
    let path = if windows {
        path.replace('\\', "/")
    } else {
        path.to_owned()
    };
    let bytes = path.as_bytes();
    let drive = windows
        && bytes.len() >= 3
        && bytes[0].is_ascii_alphabetic()
        && bytes[1] == b':'
        && bytes[2] == b'/';
    let (mut out, rest) = if drive {
        (format!("file:///{}", &path[..2]), &path[2..])
    } else {
        (String::new(), path.as_str())
    };
    for &byte in rest.as_bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=@".contains(&byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::path_to_uri;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(path_to_uri("dir/a.ipynb"), "dir/a.ipynb");
        assert_eq!(path_to_uri("dir/my nb.ipynb"), "dir/my%20nb.ipynb");
        assert_eq!(path_to_uri("a:b%#?.ipynb"), "a%3Ab%25%23%3F.ipynb");
        assert_eq!(path_to_uri("é.ipynb"), "%C3%A9.ipynb");
        if cfg!(windows) {
            assert_eq!(path_to_uri("dir\\a.ipynb"), "dir/a.ipynb");
            assert_eq!(path_to_uri("C:\\work\\a.ipynb"), "file:///C:/work/a.ipynb");
        } else {
            assert_eq!(path_to_uri("dir\\a.ipynb"), "dir%5Ca.ipynb");
        }
        assert_eq!(path_to_uri("/abs/a.ipynb"), "/abs/a.ipynb");
    }
}
