//! Shared sample findings for the renderer tests.

use crate::{Applicability, Diagnostic, Edit, FileDiagnostics, Fix, Location, Position, Severity};

/// Two notebooks: one with a code finding (with a safe fix) and a notebook-level finding, one with
/// a finding whose message holds a terminal escape sequence.
pub(crate) fn sample() -> Vec<FileDiagnostics> {
    vec![
        FileDiagnostics {
            path: "analysis.ipynb".to_owned(),
            cells: vec![
                "# Title".to_owned(),
                "import os\nimport sys\nprint(sys.argv)".to_owned(),
            ],
            diagnostics: vec![
                Diagnostic {
                    code: "F401",
                    name: "unused-import",
                    severity: Severity::Error,
                    message: "`os` imported but unused".to_owned(),
                    fix_title: Some("Remove unused import: `os`".to_owned()),
                    location: Location {
                        cell: Some(2),
                        start: Position::new(1, 8),
                        end: Position::new(1, 10),
                        file_start: Position::new(12, 12),
                        file_end: Position::new(12, 14),
                    },
                    fix: Some(Fix {
                        applicability: Applicability::Safe,
                        edits: vec![Edit::code(1, 0..10, "")],
                    }),
                },
                Diagnostic {
                    code: "NB011",
                    name: "missing-kernelspec",
                    severity: Severity::Warning,
                    message: "the notebook has no `kernelspec` in its metadata".to_owned(),
                    fix_title: None,
                    location: Location {
                        cell: None,
                        start: Position::new(1, 1),
                        end: Position::new(1, 1),
                        file_start: Position::new(30, 2),
                        file_end: Position::new(30, 14),
                    },
                    fix: None,
                },
            ],
        },
        FileDiagnostics {
            path: "dir/evil.ipynb".to_owned(),
            cells: vec!["x = '\u{1b}[2J'".to_owned()],
            diagnostics: vec![Diagnostic {
                code: "F821",
                name: "undefined-name",
                severity: Severity::Error,
                message: "undefined name `\u{1b}[31mred`".to_owned(),
                fix_title: None,
                location: Location {
                    cell: Some(1),
                    start: Position::new(1, 1),
                    end: Position::new(1, 2),
                    file_start: Position::new(5, 6),
                    file_end: Position::new(5, 7),
                },
                fix: None,
            }],
        },
    ]
}

#[test]
fn concise_is_one_line_per_finding_and_escapes_control_characters() {
    let out = super::render(
        super::OutputFormat::Concise,
        &sample(),
        &super::RenderOptions::default(),
    );
    assert_eq!(
        out,
        "analysis.ipynb:cell 2:1:8: F401 [*] `os` imported but unused\n\
         analysis.ipynb:30:2: NB011 the notebook has no `kernelspec` in its metadata\n\
         dir/evil.ipynb:cell 1:1:1: F821 undefined name `\\u{1b}[31mred`\n"
    );
}

#[test]
fn json_has_the_documented_fields() {
    let out = super::render(
        super::OutputFormat::Json,
        &sample(),
        &super::RenderOptions::default(),
    );
    let value: serde_json::Value = serde_json::from_str(&out).unwrap();
    let first = &value[0];
    assert_eq!(first["filename"], "analysis.ipynb");
    assert_eq!(first["code"], "F401");
    assert_eq!(first["name"], "unused-import");
    assert_eq!(first["severity"], "error");
    assert_eq!(first["cell"], 2);
    assert_eq!(
        first["location"],
        serde_json::json!({"row": 1, "column": 8})
    );
    assert_eq!(
        first["file_location"],
        serde_json::json!({"row": 12, "column": 12})
    );
    assert_eq!(first["fix"]["applicability"], "safe");
    assert_eq!(
        first["fix"]["edits"][0],
        // The same cell as the finding's `cell`: 1-based.
        serde_json::json!({"kind": "code", "cell": 2, "range": {"start": 0, "end": 10}, "content": ""})
    );
    assert_eq!(value[1]["cell"], serde_json::Value::Null);
    assert_eq!(value.as_array().unwrap().len(), 3);
}

#[test]
fn output_formats_parse_by_name() {
    for (name, format) in super::OutputFormat::ALL {
        assert_eq!(name.parse::<super::OutputFormat>().unwrap(), format);
    }
    assert!("xml".parse::<super::OutputFormat>().is_err());
}

fn render(format: super::OutputFormat) -> String {
    super::render(
        format,
        &sample(),
        &super::RenderOptions {
            color: false,
            version: "0.1.0".to_owned(),
        },
    )
}

#[test]
fn full_snapshot() {
    insta::assert_snapshot!(render(super::OutputFormat::Full));
}

#[test]
fn github_snapshot() {
    insta::assert_snapshot!(render(super::OutputFormat::Github));
}

#[test]
fn gitlab_snapshot() {
    insta::assert_snapshot!(render(super::OutputFormat::Gitlab));
}

#[test]
fn sarif_snapshot() {
    insta::assert_snapshot!(render(super::OutputFormat::Sarif));
}

#[test]
fn junit_snapshot() {
    insta::assert_snapshot!(render(super::OutputFormat::Junit));
}

/// The sample plus findings with spans over several rows: three rows, and fifteen (capped).
fn multiline_sample() -> Vec<FileDiagnostics> {
    let mut files = sample();
    let rows: Vec<String> = (1..=15).map(|i| format!("x{i} = {i}")).collect();
    files[0].cells.push(rows.join("\n"));
    let mut three = files[0].diagnostics[0].clone();
    three.location.start = Position::new(1, 8);
    three.location.end = Position::new(3, 6);
    three.fix = None;
    three.fix_title = None;
    let mut fifteen = three.clone();
    fifteen.severity = Severity::Warning;
    fifteen.location.cell = Some(3);
    fifteen.location.start = Position::new(2, 1);
    fifteen.location.end = Position::new(15, 4);
    files[0].diagnostics = vec![three, fifteen];
    files.truncate(1);
    files
}

/// `text` without SGR sequences (`ESC [ digits/semicolons m`).
fn strip_sgr(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('\x1b') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let params = after
            .strip_prefix('[')
            .map(|p| p.trim_start_matches(|c: char| c.is_ascii_digit() || c == ';'));
        match params.and_then(|p| p.strip_prefix('m')) {
            Some(tail) => rest = tail,
            None => panic!("an escape sequence that is not a color: {:?}", &rest[at..]),
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn full_multiline_snapshot() {
    let out = super::render(
        super::OutputFormat::Full,
        &multiline_sample(),
        &super::RenderOptions::default(),
    );
    insta::assert_snapshot!(out);
}

#[test]
fn full_shows_cell_rows_and_separates_findings_with_a_blank_line() {
    let out = render(super::OutputFormat::Full);
    assert!(out.contains("\n --> analysis.ipynb:cell 2:1:8\n"));
    assert!(out.contains("\n1 | import os\n  |        ^^\n"));
    assert!(out.contains("\nhelp: Remove unused import: `os`\n\n"));
    // The notebook-level finding: header with the file position, no frame.
    assert!(out.contains(
        "\n\nanalysis.ipynb:30:2: NB011 the notebook has no `kernelspec` in its metadata\n\n"
    ));
    assert!(out.ends_with("  |\n\n"));
    assert_eq!(out.matches("\n\n").count(), 3);
}

#[test]
fn full_lets_no_escape_sequence_from_a_notebook_through() {
    let plain = render(super::OutputFormat::Full);
    assert!(!plain.contains('\x1b'));
    assert!(plain.contains("undefined name `\\u{1b}[31mred`"));
    assert!(plain.contains("1 | x = '\\u{1b}[2J'"));

    let colored = super::render(
        super::OutputFormat::Full,
        &sample(),
        &super::RenderOptions {
            color: true,
            version: String::new(),
        },
    );
    assert!(colored.contains('\x1b'), "color is on");
    // Every escape in the colored output is a color of ours: without them it is the plain text.
    assert_eq!(strip_sgr(&colored), plain);
    assert!(!colored.contains("\x1b[31mred") && !colored.contains("\x1b[2J"));
}

#[test]
fn full_escapes_control_characters_in_paths_and_fix_titles_and_keeps_the_caret_in_place() {
    let mut files = sample();
    files[0].path = "a\u{1b}]0;title\u{7}.ipynb".to_owned();
    files[0].diagnostics[0].fix_title = Some("remove \u{9b}2J".to_owned());
    // A control character before the span: the caret moves with the escape's width.
    files[0].cells[1] = "\u{1b}mport os".to_owned();
    let out = super::render(
        super::OutputFormat::Full,
        &files,
        &super::RenderOptions::default(),
    );
    assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{out:?}");
    assert!(out.contains("a\\u{1b}]0;title\\u{7}.ipynb:cell 2:1:8: F401"));
    assert!(out.contains("help: remove \\u{9b}2J"));
    assert!(
        out.contains("1 | \\u{1b}mport os\n  |             ^^\n"),
        "{out}"
    );
}

#[test]
fn full_shows_every_row_of_a_span_up_to_ten() {
    let out = super::render(
        super::OutputFormat::Full,
        &multiline_sample(),
        &super::RenderOptions::default(),
    );
    assert!(out.contains(
        "1 |   import os\n  |  ________^\n2 | | import sys\n3 | | print(sys.argv)\n  | |_____^\n"
    ));
    assert!(out.contains("11 | | x11 = 11"));
    assert!(!out.contains("x12 = 12"));
    assert!(out.contains("the span goes on for 4 more rows, to row 15"));
}

#[test]
fn github_annotations_land_on_the_ipynb_lines() {
    let out = render(super::OutputFormat::Github);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0].starts_with(
        "::error title=nbtidy (F401),file=analysis.ipynb,line=12,col=12,endLine=12,endColumn=14::"
    ));
    assert!(lines[0].ends_with("::analysis.ipynb:cell 2:1:8: F401 `os` imported but unused"));
    assert!(lines[1].starts_with(
        "::warning title=nbtidy (NB011),file=analysis.ipynb,line=30,col=2,endLine=30,endColumn=14::"
    ));
    assert!(lines[2].contains(",line=5,col=6,endLine=5,endColumn=7::"));
    assert!(!out.contains('\x1b'));
}

#[test]
fn github_escapes_messages_and_properties() {
    let mut files = sample();
    files.truncate(1);
    files[0].path = "50%, a:b.ipynb".to_owned();
    files[0].diagnostics.truncate(1);
    files[0].diagnostics[0].message = "100% bad\r\nsecond: line, \u{1b}[2J".to_owned();
    let out = super::render(
        super::OutputFormat::Github,
        &files,
        &super::RenderOptions::default(),
    );
    assert_eq!(
        out,
        "::error title=nbtidy (F401),file=50%25%2C a%3Ab.ipynb,line=12,col=12,endLine=12,endColumn=14\
         ::50%25, a:b.ipynb:cell 2:1:8: F401 100%25 bad%0D%0Asecond: line, \\u{1b}[2J\n"
    );
}

#[test]
fn gitlab_is_a_code_quality_report() {
    let out = render(super::OutputFormat::Gitlab);
    assert!(out.ends_with("]\n"));
    let value: serde_json::Value = serde_json::from_str(&out).unwrap();
    let issues = value.as_array().unwrap();
    assert_eq!(issues.len(), 3);
    assert_eq!(issues[0]["check_name"], "F401");
    assert_eq!(
        issues[0]["description"],
        "F401 `os` imported but unused (cell 2:1:8)"
    );
    assert_eq!(issues[0]["severity"], "major");
    assert_eq!(
        issues[0]["location"],
        serde_json::json!({"path": "analysis.ipynb", "lines": {"begin": 12, "end": 12}})
    );
    assert_eq!(
        issues[1]["description"],
        "NB011 the notebook has no `kernelspec` in its metadata"
    );
    assert_eq!(issues[1]["severity"], "minor");
    assert_eq!(issues[2]["location"]["path"], "dir/evil.ipynb");
    for issue in issues {
        let fingerprint = issue["fingerprint"].as_str().unwrap();
        assert_eq!(fingerprint.len(), 16);
        assert!(fingerprint.chars().all(|c| c.is_ascii_hexdigit()));
    }
}

#[test]
fn gitlab_fingerprints_are_stable_and_unique() {
    let fingerprints = |files: &[FileDiagnostics]| -> Vec<String> {
        let out = super::render(
            super::OutputFormat::Gitlab,
            files,
            &super::RenderOptions::default(),
        );
        let value: serde_json::Value = serde_json::from_str(&out).unwrap();
        value
            .as_array()
            .unwrap()
            .iter()
            .map(|issue| issue["fingerprint"].as_str().unwrap().to_owned())
            .collect()
    };
    let mut files = sample();
    let first = fingerprints(&files);
    assert_eq!(first, fingerprints(&files));
    // The same finding twice (and once more): all fingerprints still differ.
    let repeat = files[0].diagnostics[0].clone();
    files[0].diagnostics.insert(1, repeat.clone());
    files[0].diagnostics.insert(1, repeat);
    let with_repeats = fingerprints(&files);
    assert_eq!(with_repeats.len(), 5);
    let distinct: std::collections::HashSet<&String> = with_repeats.iter().collect();
    assert_eq!(distinct.len(), 5);
    // The first occurrence keeps its fingerprint.
    assert_eq!(with_repeats[0], first[0]);
}

/// Checks what the SARIF 2.1.0 schema requires of the parts we emit: required keys, types, enum
/// values, minimums, and no keys the schema does not define (its objects forbid additional
/// properties). Written out by hand from the schema (there is no network in tests).
fn check_sarif_structure(log: &serde_json::Value) {
    use serde_json::Value;

    fn keys_allowed(object: &Value, what: &str, allowed: &[&str]) {
        let map = object
            .as_object()
            .unwrap_or_else(|| panic!("{what} is an object"));
        for key in map.keys() {
            assert!(
                allowed.contains(&key.as_str()),
                "{what} may not have `{key}`"
            );
        }
    }
    fn string(value: &Value, what: &str) -> String {
        value
            .as_str()
            .unwrap_or_else(|| panic!("{what} is a string"))
            .to_owned()
    }
    fn positive(value: &Value, what: &str) {
        let n = value
            .as_i64()
            .unwrap_or_else(|| panic!("{what} is an integer"));
        assert!(n >= 1, "{what} >= 1");
    }

    keys_allowed(
        log,
        "sarifLog",
        &[
            "$schema",
            "version",
            "runs",
            "inlineExternalProperties",
            "properties",
        ],
    );
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(
        string(&log["$schema"], "$schema"),
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    let runs = log["runs"].as_array().expect("runs is an array");
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    keys_allowed(
        run,
        "run",
        &[
            "tool",
            "invocations",
            "conversion",
            "language",
            "versionControlProvenance",
            "originalUriBaseIds",
            "artifacts",
            "logicalLocations",
            "graphs",
            "results",
            "automationDetails",
            "runAggregates",
            "baselineGuid",
            "redactionTokens",
            "defaultEncoding",
            "defaultSourceLanguage",
            "newlineSequences",
            "columnKind",
            "externalPropertyFileReferences",
            "threadFlowLocations",
            "taxonomies",
            "addresses",
            "translations",
            "policies",
            "webRequests",
            "webResponses",
            "specialLocations",
            "properties",
        ],
    );
    if let Some(kind) = run.get("columnKind") {
        assert!(kind == "utf16CodeUnits" || kind == "unicodeCodePoints");
    }
    keys_allowed(
        &run["tool"],
        "tool",
        &["driver", "extensions", "properties"],
    );
    let driver = &run["tool"]["driver"];
    keys_allowed(
        driver,
        "toolComponent",
        &[
            "guid",
            "name",
            "organization",
            "product",
            "productSuite",
            "shortDescription",
            "fullDescription",
            "fullName",
            "version",
            "semanticVersion",
            "dottedQuadFileVersion",
            "releaseDateUtc",
            "downloadUri",
            "informationUri",
            "globalMessageStrings",
            "notifications",
            "rules",
            "taxa",
            "locations",
            "language",
            "contents",
            "isComprehensive",
            "localizedDataSemanticVersion",
            "minimumRequiredLocalizedDataSemanticVersion",
            "associatedComponent",
            "translationMetadata",
            "supportedTaxonomies",
            "properties",
        ],
    );
    assert_eq!(string(&driver["name"], "driver.name"), "nbtidy");
    assert!(string(&driver["informationUri"], "informationUri").starts_with("https://"));
    let rules = driver["rules"].as_array().expect("rules is an array");
    let mut ids = Vec::new();
    for rule in rules {
        keys_allowed(
            rule,
            "reportingDescriptor",
            &[
                "id",
                "deprecatedIds",
                "guid",
                "deprecatedGuids",
                "name",
                "deprecatedNames",
                "shortDescription",
                "fullDescription",
                "messageStrings",
                "defaultConfiguration",
                "helpUri",
                "help",
                "relationships",
                "properties",
            ],
        );
        ids.push(string(&rule["id"], "rule.id"));
        string(&rule["name"], "rule.name");
        keys_allowed(
            &rule["shortDescription"],
            "multiformatMessageString",
            &["text", "markdown", "properties"],
        );
        string(&rule["shortDescription"]["text"], "shortDescription.text");
    }
    let distinct: std::collections::HashSet<&String> = ids.iter().collect();
    assert_eq!(distinct.len(), ids.len(), "rules are unique");

    let results = run["results"]
        .as_array()
        .expect("results is an array (present for a scan)");
    for result in results {
        keys_allowed(
            result,
            "result",
            &[
                "ruleId",
                "ruleIndex",
                "rule",
                "kind",
                "level",
                "message",
                "analysisTarget",
                "locations",
                "guid",
                "correlationGuid",
                "occurrenceCount",
                "partialFingerprints",
                "fingerprints",
                "stacks",
                "codeFlows",
                "graphs",
                "graphTraversals",
                "relatedLocations",
                "suppressions",
                "baselineState",
                "rank",
                "attachments",
                "hostedViewerUri",
                "workItemUris",
                "provenance",
                "fixes",
                "taxa",
                "webRequest",
                "webResponse",
                "properties",
            ],
        );
        let level = string(&result["level"], "level");
        assert!(
            ["none", "note", "warning", "error"].contains(&level.as_str()),
            "level {level}"
        );
        keys_allowed(
            &result["message"],
            "message",
            &["text", "markdown", "id", "arguments", "properties"],
        );
        string(&result["message"]["text"], "message.text");
        let rule_id = string(&result["ruleId"], "ruleId");
        let index = result["ruleIndex"]
            .as_u64()
            .expect("ruleIndex is a non-negative integer");
        assert_eq!(
            rules[usize::try_from(index).unwrap()]["id"],
            rule_id.as_str()
        );
        let locations = result["locations"]
            .as_array()
            .expect("locations is an array");
        assert_eq!(locations.len(), 1);
        keys_allowed(
            &locations[0],
            "location",
            &[
                "id",
                "physicalLocation",
                "logicalLocations",
                "message",
                "annotations",
                "relationships",
                "properties",
            ],
        );
        let physical = &locations[0]["physicalLocation"];
        keys_allowed(
            physical,
            "physicalLocation",
            &[
                "address",
                "artifactLocation",
                "region",
                "contextRegion",
                "properties",
            ],
        );
        keys_allowed(
            &physical["artifactLocation"],
            "artifactLocation",
            &["uri", "uriBaseId", "index", "description", "properties"],
        );
        let uri = string(&physical["artifactLocation"]["uri"], "uri");
        assert!(
            !uri.contains('\\') && !uri.contains(' '),
            "uri-reference {uri}"
        );
        let region = &physical["region"];
        keys_allowed(
            region,
            "region",
            &[
                "startLine",
                "startColumn",
                "endLine",
                "endColumn",
                "charOffset",
                "charLength",
                "byteOffset",
                "byteLength",
                "snippet",
                "message",
                "sourceLanguage",
                "properties",
            ],
        );
        for key in ["startLine", "startColumn", "endLine", "endColumn"] {
            positive(&region[key], key);
        }
        assert!(region["endLine"].as_i64() >= region["startLine"].as_i64());
        assert!(
            result["properties"].is_object(),
            "properties is a property bag"
        );
    }
}

#[test]
fn sarif_has_the_structure_the_schema_requires() {
    let out = render(super::OutputFormat::Sarif);
    assert!(out.ends_with("}\n"));
    let log: serde_json::Value = serde_json::from_str(&out).unwrap();
    check_sarif_structure(&log);
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["version"], "0.1.0");
    assert_eq!(
        run["tool"]["driver"]["informationUri"],
        "https://github.com/nbtidy/nbtidy"
    );
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|rule| rule["id"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["F401", "F821", "NB011"]);
    let first = &run["results"][0];
    assert_eq!(first["ruleId"], "F401");
    assert_eq!(first["level"], "error");
    assert_eq!(first["message"]["text"], "`os` imported but unused");
    assert_eq!(
        first["locations"][0]["physicalLocation"],
        serde_json::json!({
            "artifactLocation": {"uri": "analysis.ipynb"},
            "region": {"startLine": 12, "startColumn": 12, "endLine": 12, "endColumn": 14}
        })
    );
    assert_eq!(
        first["properties"],
        serde_json::json!({"cell": 2, "row": 1, "column": 8, "endRow": 1, "endColumn": 10})
    );
    assert_eq!(run["results"][1]["level"], "warning");
    assert_eq!(
        run["results"][1]["properties"]["cell"],
        serde_json::Value::Null
    );
}

#[test]
fn sarif_without_findings_is_still_a_scan() {
    let out = super::render(
        super::OutputFormat::Sarif,
        &[],
        &super::RenderOptions::default(),
    );
    let log: serde_json::Value = serde_json::from_str(&out).unwrap();
    check_sarif_structure(&log);
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
}

/// Counts `<name ...>`/`<name>` openings, `</name>` closings and `<name .../>` empty tags, and
/// checks they balance in the right order (a small well-formedness check).
fn check_xml_nesting(xml: &str) -> std::collections::HashMap<String, usize> {
    let mut counts = std::collections::HashMap::new();
    let mut stack: Vec<String> = Vec::new();
    let body = xml
        .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .expect("XML declaration");
    let mut rest = body;
    while let Some(open) = rest.find('<') {
        let text = &rest[..open];
        assert!(
            !text.contains('>') && !text.contains('"'),
            "raw markup in text: {text:?}"
        );
        let close = rest[open..].find('>').expect("tag closes") + open;
        let tag = &rest[open + 1..close];
        assert!(!tag.contains('<'), "`<` in a tag: {tag:?}");
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name), "closing tag matches");
        } else {
            let name = tag.split([' ', '/']).next().unwrap().to_owned();
            *counts.entry(name.clone()).or_insert(0) += 1;
            if !tag.ends_with('/') {
                stack.push(name);
            }
            // Attribute values are quoted and hold no raw quote.
            assert_eq!(tag.matches('"').count() % 2, 0, "quotes balance in {tag:?}");
        }
        rest = &rest[close + 1..];
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
    assert_eq!(rest.trim(), "");
    counts
}

#[test]
fn junit_is_well_formed_with_one_failing_case_per_finding() {
    let out = render(super::OutputFormat::Junit);
    let counts = check_xml_nesting(&out);
    assert_eq!(counts["testsuites"], 1);
    assert_eq!(counts["testsuite"], 2);
    assert_eq!(counts["testcase"], 3);
    assert_eq!(counts["failure"], 3);
    assert!(out.contains("<testsuites name=\"nbtidy\" tests=\"3\" failures=\"3\">"));
    assert!(out.contains("<testsuite name=\"analysis.ipynb\" tests=\"2\" failures=\"2\">"));
    assert!(out.contains("<testcase name=\"F401 cell 2:1:8\" classname=\"analysis.ipynb\""));
    assert!(
        out.contains(
            ">analysis.ipynb:cell 2:1:8: `os` imported but unused (file line 12)</failure>"
        )
    );
    assert!(!out.contains('\x1b'));
}

#[test]
fn junit_escapes_markup_and_characters_xml_forbids() {
    let mut files = sample();
    files[0].path = "a&b<c>.ipynb".to_owned();
    files[0].diagnostics[0].message =
        "\"quoted\" & 'single' <tag>\u{0}\u{8}\u{ffff}\ttab\nline".to_owned();
    let out = super::render(
        super::OutputFormat::Junit,
        &files,
        &super::RenderOptions::default(),
    );
    check_xml_nesting(&out);
    assert!(out.contains("classname=\"a&amp;b&lt;c&gt;.ipynb\""));
    assert!(out.contains(
        "message=\"&quot;quoted&quot; &amp; &apos;single&apos; &lt;tag&gt;\\u{0}\\u{8}\\u{ffff}&#9;tab&#10;line\""
    ));
    assert!(out.contains(
        ">a&amp;b&lt;c&gt;.ipynb:cell 2:1:8: &quot;quoted&quot; &amp; &apos;single&apos; &lt;tag&gt;\\u{0}\\u{8}\\u{ffff}\ttab\nline (file line 12)</failure>"
    ));
    // No character XML 1.0 forbids is left.
    assert!(
        !out.chars()
            .any(|c| (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{ffff}')
    );
}

#[test]
fn junit_without_findings_has_one_passing_case() {
    let mut files = sample();
    for file in &mut files {
        file.diagnostics.clear();
    }
    let out = super::render(
        super::OutputFormat::Junit,
        &files,
        &super::RenderOptions::default(),
    );
    let counts = check_xml_nesting(&out);
    assert_eq!(counts["testcase"], 1);
    assert!(!counts.contains_key("failure"));
    assert!(out.contains("<testsuites name=\"nbtidy\" tests=\"1\" failures=\"0\">"));
    assert!(out.contains("<testcase name=\"nbtidy\" classname=\"nbtidy\"/>"));
}

#[test]
fn no_findings_render_as_empty_reports() {
    let options = super::RenderOptions::default();
    assert_eq!(super::render(super::OutputFormat::Full, &[], &options), "");
    assert_eq!(
        super::render(super::OutputFormat::Github, &[], &options),
        ""
    );
    assert_eq!(
        super::render(super::OutputFormat::Gitlab, &[], &options),
        "[]\n"
    );
}

/// Made-up secrets, built at run time (this file holds none): a GitHub token, a Hugging Face
/// token and the body of a private key.
fn secrets() -> (String, String, String) {
    let github = format!("ghp_{}", "Zx8Qw3Rt6Yu1".repeat(3));
    let huggingface = format!("hf_{}", "QwErTyUiOpAsDfGhJk".repeat(2)[..34].to_owned());
    let key_body = "MIIEpAIBAAKCAQEA7Vb2Xq9".repeat(3);
    (github, huggingface, key_body)
}

/// Findings of rules other than NB016 whose message, path, fix, and cell quote secrets, with
/// bidirectional controls, C1 controls and line separators in the path, messages and code.
fn hostile_sample() -> Vec<FileDiagnostics> {
    let (github, huggingface, key_body) = secrets();
    let location = |row| Location {
        cell: Some(1),
        start: Position::new(row, 1),
        end: Position::new(row, 4),
        file_start: Position::new(10 + row, 6),
        file_end: Position::new(10 + row, 9),
    };
    vec![FileDiagnostics {
        path: format!("dir/{huggingface}/nb\u{202e}\u{2028}\u{85}.ipynb"),
        cells: vec![format!(
            "df = open('/home/{github}/data.csv')\nKEY = '''-----BEGIN RSA {}-----\n{key_body}\n-----END RSA {}-----'''\nx = 'a\u{2066}b\u{9b}c\u{2029}'",
            "PRIVATE KEY", "PRIVATE KEY"
        )],
        diagnostics: vec![
            Diagnostic {
                code: "NB015",
                name: "absolute-local-path",
                severity: Severity::Warning,
                message: format!("absolute path `/home/{github}/data.csv`\u{202e}"),
                fix_title: Some(format!("Replace with `{huggingface}`")),
                location: location(1),
                fix: Some(Fix {
                    applicability: Applicability::Unsafe,
                    edits: vec![Edit::code(0, 0..4, format!("token = '{github}'"))],
                }),
            },
            Diagnostic {
                code: "E501",
                name: "line-too-long",
                severity: Severity::Warning,
                message: "line quotes postgres://u:Pq7Wm2Xz9Kd4@db\u{85}\u{2028}".to_owned(),
                fix_title: None,
                location: location(3),
                fix: None,
            },
            Diagnostic {
                code: "NB005",
                name: "error-output",
                severity: Severity::Warning,
                message: format!("error `ValueError: {huggingface} \u{200f}\u{61c}`"),
                fix_title: None,
                location: location(5),
                fix: None,
            },
        ],
    }]
}

#[test]
fn every_format_masks_secrets_whatever_the_rule_and_escapes_unsafe_characters() {
    let (github, huggingface, key_body) = secrets();
    let options = super::RenderOptions {
        color: true,
        version: "0.1.0".to_owned(),
    };
    for (name, format) in super::OutputFormat::ALL {
        let out = super::render(format, &hostile_sample(), &options);
        for secret in [&github, &huggingface, &key_body] {
            assert!(
                !out.contains(secret.as_str()) && !out.contains(&secret[6..30]),
                "{name} shows a secret:\n{out}"
            );
        }
        assert!(
            !out.contains("Pq7Wm2Xz9Kd4"),
            "{name} shows a password:\n{out}"
        );
        // Nothing raw but the renderer's own colors (ESC in `full`/`concise` with color on).
        let raw: Vec<char> = out
            .chars()
            .filter(|&c| nbtidy_safe_text::is_unsafe(c) && c != '\n' && c != '\u{1b}')
            .collect();
        assert!(raw.is_empty(), "{name}: raw {raw:?}:\n{out}");
        match name {
            "json" | "gitlab" | "sarif" => {
                let value: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
                // The same text once decoded (masked secrets aside).
                let decoded = value.to_string();
                assert!(decoded.contains("\u{202e}\u{2028}\u{85}.ipynb") || name == "sarif");
                assert!(decoded.contains("\u{200f}\u{61c}"), "{name}: {decoded}");
                assert!(out.contains("\\u202e") && out.contains("\\u0085"), "{name}");
            }
            "junit" => {
                check_xml_nesting(&out);
                assert!(out.contains("nb\\u{202e}\\u{2028}\\u{85}.ipynb"), "{out}");
            }
            _ => assert!(
                out.contains("nb\\u{202e}\\u{2028}\\u{85}.ipynb"),
                "{name}: {out}"
            ),
        }
    }
    let full = super::render(
        super::OutputFormat::Full,
        &hostile_sample(),
        &super::RenderOptions::default(),
    );
    // The frame masks the token after its first four characters, keeping the columns.
    assert!(
        full.contains(&format!(
            "1 | df = open('/home/ghp_{}/data.csv')",
            "*".repeat(36)
        )),
        "{full}"
    );
    assert!(
        full.contains("x = 'a\\u{2066}b\\u{9b}c\\u{2029}'"),
        "{full}"
    );
}

#[test]
fn findings_without_secrets_are_not_copied() {
    let files = sample();
    assert!(matches!(
        super::redacted(super::OutputFormat::Json, &files),
        std::borrow::Cow::Borrowed(_)
    ));
    assert!(matches!(
        super::redacted(super::OutputFormat::Full, &hostile_sample()),
        std::borrow::Cow::Owned(_)
    ));
}

#[test]
fn a_document_assembled_file_by_file_is_what_render_gives_for_all_files() {
    let options = super::RenderOptions {
        color: false,
        version: "0.1.0".to_owned(),
    };
    let mut files = sample();
    // A file without findings between two with, and a secret to mask.
    files.insert(1, FileDiagnostics::default());
    files[0].diagnostics[0].message = "token ghp_abcdefghijklmnopqrstuvwxyz0123456789 here".into();
    for (name, format) in super::OutputFormat::ALL {
        for files in [&files[..], &files[1..2], &[]] {
            let mut document = super::Document::new(format, options.clone());
            let mut out = String::new();
            for file in files {
                if let Some(piece) = super::Document::piece(format, file, &options)
                    && let Some(text) = document.add(piece)
                {
                    out.push_str(&text);
                }
            }
            if let Some(text) = document.finish() {
                assert!(
                    out.is_empty() || format == super::OutputFormat::Json,
                    "{name}"
                );
                out.push_str(&text);
            }
            assert_eq!(out, super::render(format, files, &options), "{name}");
            assert_eq!(
                format.needs_whole_document(),
                format.is_machine_readable() && format != super::OutputFormat::Github,
                "{name}"
            );
        }
    }
}
