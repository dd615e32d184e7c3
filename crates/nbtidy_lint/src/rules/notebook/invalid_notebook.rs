//! `NB010` invalid-notebook: the notebook breaks the nbformat v4 JSON schema.

use std::borrow::Cow;

use nbtidy_diagnostics::{Applicability, Fix};
use nbtidy_notebook::{SourceError, Span};

use crate::context::Context;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};
use crate::rules::json_util::{entry_spans, removal_edits};
use nbtidy_notebook::scan::{Kind, Scanner, decode, object_entries};

crate::declare_rule! {
    /// ## What it does
    /// Checks the notebook against the nbformat v4 JSON schema for its `nbformat_minor`
    /// (4.0 to 4.5; a newer minor is checked like 4.5 with unknown keys, cell types and output
    /// types allowed, as `nbformat` does), the way `nbformat.validate` (nbformat 5.11) does:
    /// - the top level has exactly `cells`, `metadata` (an object), `nbformat` (the integer 4)
    ///   and `nbformat_minor` (an integer);
    /// - `metadata.kernelspec`, when present, is an object with string `name` and
    ///   `display_name`; `metadata.language_info` has a string `name`;
    /// - every cell is an object with `cell_type` `code`, `markdown` or `raw`, a `source` (a
    ///   string or a list of strings) and a `metadata` object (with valid `tags`, `name`,
    ///   `collapsed`, `scrolled`, `jupyter`, `execution`, `format` where the schema types them);
    ///   code cells also have `outputs` (a list) and `execution_count` (a non-negative integer or
    ///   `null`); no other keys, except `attachments` on markdown and raw cells and `id` from
    ///   nbformat 4.5 on;
    /// - a cell `id` is 1 to 64 characters from `a-z A-Z 0-9 - _`;
    /// - every output has an `output_type` of `stream` (`name`, `text`), `display_data`
    ///   (`data`, `metadata`), `execute_result` (`data`, `metadata`, `execution_count`) or
    ///   `error` (`ename`, `evalue`, `traceback`), and no other keys; `data` values are text
    ///   (a string or a list of strings) except for JSON mime types.
    ///
    /// Each problem is reported at the offending value (a missing key: at the object that lacks
    /// it). Missing and duplicate cell ids are left to `NB008` and `NB009`: `nbformat.validate`
    /// repairs them silently.
    ///
    /// Two deviations that Jupyter itself tolerates get a milder message under the same code:
    /// - `execution_count` or `outputs` on a markdown or raw cell (Colab and VS Code write
    ///   them); they are reported once per cell and can be removed by the fix;
    /// - cell `id`s in a notebook whose `nbformat_minor` is below 5 (Colab writes them): one
    ///   finding for the notebook, at `nbformat_minor`, no fix (raising the minor version to 5
    ///   is the usual remedy, and then every cell needs an id).
    ///
    /// ## Why is this bad?
    /// Tools that validate (`nbformat`, `nbconvert`, JupyterLab's "notebook is invalid"
    /// dialog, nbviewer, papermill) reject or repair such files, and a tool that repairs
    /// them rewrites more than you changed.
    ///
    /// ## Example
    /// ```json
    /// {"cell_type": "code", "metadata": {}, "source": "print(1)", "outputs": []}
    /// ```
    /// The code cell has no `execution_count` (write `"execution_count": null`).
    ///
    /// ## Fix safety
    /// Only the tolerated `execution_count` / `outputs` keys on markdown and raw cells are
    /// fixed, by removing them; the fix is safe (Jupyter ignores those keys). Everything else
    /// needs a person to decide what the notebook should say.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct InvalidNotebook {
        code: "NB010",
        name: "invalid-notebook",
        severity: Error,
        recommended: true,
        fix: FixAvailability::Sometimes(Applicability::Safe),
        keys: [],
    }
}

/// Cell types, as a bit mask for conditions.
const CODE: u8 = 1;
const MARKDOWN: u8 = 2;
const RAW: u8 = 4;
const UNKNOWN: u8 = 8;
const ANY_CELL: u8 = CODE | MARKDOWN | RAW | UNKNOWN;

/// When a problem counts: which schema versions and cell types it applies to.
#[derive(Debug, Clone, Copy)]
struct Cond {
    /// Only from this `nbformat_minor` on.
    min_minor: u64,
    /// Only with a known minor (≤ 5): unknown keys and types are allowed in newer ones.
    strict: bool,
    /// Only on these cell types (cell metadata problems).
    cells: u8,
}

const ALWAYS: Cond = Cond {
    min_minor: 0,
    strict: false,
    cells: ANY_CELL,
};
const STRICT: Cond = Cond {
    strict: true,
    ..ALWAYS
};

#[derive(Debug)]
enum IssueKind {
    Plain,
    /// A cell `id` while `nbformat_minor` < 5.
    IdTooEarly,
    /// `execution_count` / `outputs` on a markdown or raw cell: (cell type, key names, fix).
    Tolerated {
        cell_type: &'static str,
        keys: Vec<String>,
        edits: Vec<nbtidy_diagnostics::Edit>,
    },
}

#[derive(Debug)]
struct Issue {
    span: Span,
    cell: Option<usize>,
    message: String,
    cond: Cond,
    kind: IssueKind,
}

/// Entries of one object with their problems; a repeated key replaces the earlier one (the last
/// wins, as in Python's `json`).
#[derive(Default)]
struct Keyed<'a> {
    entries: Vec<KeyedEntry<'a>>,
}

struct KeyedEntry<'a> {
    key: Cow<'a, str>,
    key_span: Span,
    value: Span,
    kind: Kind,
    issues: Vec<Issue>,
}

impl<'a> Keyed<'a> {
    fn push(&mut self, entry: KeyedEntry<'a>) {
        self.entries.retain(|e| e.key != entry.key);
        self.entries.push(entry);
    }

    fn get(&self, key: &str) -> Option<&KeyedEntry<'a>> {
        self.entries.iter().find(|e| e.key == key)
    }
}

/// `output N` in messages, formatted only when a message is made.
#[derive(Clone, Copy)]
struct OutputName(usize);

impl std::fmt::Display for OutputName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "output {}", self.0)
    }
}

struct Validator<'a> {
    text: &'a str,
}

fn is_multiline_json_mime(key: &str) -> bool {
    // `^application/(.*\+)?json$`
    key.strip_prefix("application/")
        .and_then(|rest| rest.strip_suffix("json"))
        .is_some_and(|middle| {
            middle.is_empty() || (middle.ends_with('+') && !middle.contains('\n'))
        })
}

/// Python's `re.search` of `^X+$`: `$` also matches before one final newline.
fn without_final_newline(value: &str) -> &str {
    value.strip_suffix('\n').unwrap_or(value)
}

fn valid_cell_id(id: &str) -> bool {
    let length = id.chars().count();
    let body = without_final_newline(id);
    (1..=64).contains(&length)
        && !body.is_empty()
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl<'a> Validator<'a> {
    fn issue(&self, span: Span, cell: Option<usize>, message: String, cond: Cond) -> Issue {
        Issue {
            span,
            cell,
            message,
            cond,
            kind: IssueKind::Plain,
        }
    }

    /// Consumes one value, checking that it has one of `kinds`.
    fn expect(
        &self,
        s: &mut Scanner<'a>,
        kinds: &[Kind],
        what: std::fmt::Arguments<'_>,
        cell: Option<usize>,
        cond: Cond,
        out: &mut Vec<Issue>,
    ) -> (Span, Kind) {
        let kind = s.peek();
        let span = s.skip();
        if !kinds.contains(&kind) {
            out.push(self.issue(
                span.clone(),
                cell,
                format!("{what}, not {}", kind.describe()),
                cond,
            ));
        }
        (span, kind)
    }

    /// A string or a list of strings.
    fn multiline(
        &self,
        s: &mut Scanner<'a>,
        what: std::fmt::Arguments<'_>,
        cell: Option<usize>,
        cond: Cond,
        out: &mut Vec<Issue>,
    ) -> Span {
        match s.peek() {
            Kind::String => s.string(),
            Kind::Array => {
                let mut bad = None;
                let span = s
                    .array(|s, _| {
                        let kind = s.peek();
                        let element = s.skip();
                        if kind != Kind::String && bad.is_none() {
                            bad = Some((element, kind));
                        }
                    })
                    .unwrap_or_else(|span| span);
                if let Some((element, kind)) = bad {
                    out.push(self.issue(
                        element,
                        cell,
                        format!(
                            "{what} must be a string or a list of strings; this element is {}",
                            kind.describe()
                        ),
                        cond,
                    ));
                }
                span
            }
            kind => {
                let span = s.skip();
                out.push(self.issue(
                    span.clone(),
                    cell,
                    format!(
                        "{what} must be a string or a list of strings, not {}",
                        kind.describe()
                    ),
                    cond,
                ));
                span
            }
        }
    }

    /// A list of strings.
    fn string_list(
        &self,
        s: &mut Scanner<'a>,
        what: std::fmt::Arguments<'_>,
        cell: Option<usize>,
        out: &mut Vec<Issue>,
    ) -> Span {
        let start = s.peek();
        if start != Kind::Array {
            let span = s.skip();
            out.push(self.issue(
                span.clone(),
                cell,
                format!("{what} must be a list of strings, not {}", start.describe()),
                ALWAYS,
            ));
            return span;
        }
        let mut bad = None;
        let span = s.array(|s, _| {
            let kind = s.peek();
            let element = s.skip();
            if kind != Kind::String && bad.is_none() {
                bad = Some((element, kind));
            }
        });
        if let Some((element, kind)) = bad {
            out.push(self.issue(
                element,
                cell,
                format!(
                    "{what} must be a list of strings; this element is {}",
                    kind.describe()
                ),
                ALWAYS,
            ));
        }
        span.unwrap_or_else(|span| span)
    }

    /// `null` or a non-negative integer.
    fn count(
        &self,
        s: &mut Scanner<'a>,
        what: std::fmt::Arguments<'_>,
        cell: Option<usize>,
        out: &mut Vec<Issue>,
    ) -> Span {
        let (span, kind) = self.expect(
            s,
            &[Kind::Integer, Kind::Null],
            format_args!("{what} must be an integer or null"),
            cell,
            ALWAYS,
            out,
        );
        if kind == Kind::Integer && self.text[span.clone()].starts_with('-') {
            out.push(self.issue(
                span.clone(),
                cell,
                format!("{what} must not be negative"),
                ALWAYS,
            ));
        }
        span
    }

    /// An object whose values are text, except for JSON mime types.
    fn mimebundle(
        &self,
        s: &mut Scanner<'a>,
        what: std::fmt::Arguments<'_>,
        cell: Option<usize>,
        out: &mut Vec<Issue>,
    ) -> Span {
        let start = s.peek();
        let text = self.text;
        let mut keyed = Keyed::default();
        let span = s.object(|s, key_span| {
            let key = decode(text, &key_span).unwrap_or_default();
            let kind = s.peek();
            let mut issues = Vec::new();
            let value = if is_multiline_json_mime(&key) {
                s.skip()
            } else {
                // In a notebook from a newer minor version, `additionalProperties` is relaxed
                // (nbformat replaces the value schema by `true`): hence STRICT.
                self.multiline(s, format_args!("`{key}` data"), cell, STRICT, &mut issues)
            };
            keyed.push(KeyedEntry {
                key,
                key_span,
                value,
                kind,
                issues,
            });
        });
        match span {
            Ok(span) => {
                out.extend(keyed.entries.into_iter().flat_map(|e| e.issues));
                span
            }
            Err(span) => {
                out.push(self.issue(
                    span.clone(),
                    cell,
                    format!("{what} must be an object, not {}", start.describe()),
                    ALWAYS,
                ));
                span
            }
        }
    }

    fn object_or_issue(
        &self,
        s: &mut Scanner<'a>,
        what: std::fmt::Arguments<'_>,
        cell: Option<usize>,
        cond: Cond,
        out: &mut Vec<Issue>,
    ) -> Span {
        self.expect(
            s,
            &[Kind::Object],
            format_args!("{what} must be an object"),
            cell,
            cond,
            out,
        )
        .0
    }

    fn output(&self, s: &mut Scanner<'a>, cell: usize, index: usize, out: &mut Vec<Issue>) {
        let text = self.text;
        let start_kind = s.peek();
        let mut keyed = Keyed::default();
        let where_ = OutputName(index + 1);
        let span = s.object(|s, key_span| {
            let key = decode(text, &key_span).unwrap_or_default();
            let kind = s.peek();
            let mut issues = Vec::new();
            let c = Some(cell);
            let value = match key.as_ref() {
                "data" => self.mimebundle(s, format_args!("`data` of {where_}"), c, &mut issues),
                "metadata" => self.object_or_issue(
                    s,
                    format_args!("`metadata` of {where_}"),
                    c,
                    ALWAYS,
                    &mut issues,
                ),
                "execution_count" => self.count(
                    s,
                    format_args!("`execution_count` of {where_}"),
                    c,
                    &mut issues,
                ),
                "text" => self.multiline(
                    s,
                    format_args!("`text` of {where_}"),
                    c,
                    ALWAYS,
                    &mut issues,
                ),
                "traceback" => {
                    self.string_list(s, format_args!("`traceback` of {where_}"), c, &mut issues)
                }
                "output_type" | "name" | "ename" | "evalue" => {
                    self.expect(
                        s,
                        &[Kind::String],
                        format_args!("`{key}` of {where_} must be a string"),
                        c,
                        ALWAYS,
                        &mut issues,
                    )
                    .0
                }
                _ => s.skip(),
            };
            keyed.push(KeyedEntry {
                key,
                key_span,
                value,
                kind,
                issues,
            });
        });
        let span = match span {
            Ok(span) => span,
            Err(bad) => {
                out.push(self.issue(
                    bad,
                    Some(cell),
                    format!("{where_} must be an object, not {}", start_kind.describe()),
                    ALWAYS,
                ));
                return;
            }
        };
        let output_type = keyed
            .get("output_type")
            .filter(|e| e.kind == Kind::String)
            .and_then(|e| decode(text, &e.value));
        let keys: &[&str] = match output_type.as_deref() {
            Some("stream") => &["output_type", "name", "text"],
            Some("display_data") => &["output_type", "data", "metadata"],
            Some("execute_result") => &["output_type", "data", "metadata", "execution_count"],
            Some("error") => &["output_type", "ename", "evalue", "traceback"],
            other => {
                // Unknown (or missing) output type: allowed from a newer minor version on, as
                // long as there is an `output_type`.
                if keyed.get("output_type").is_none() {
                    out.push(self.issue(
                        span,
                        Some(cell),
                        format!("{where_} has no `output_type`"),
                        ALWAYS,
                    ));
                } else {
                    let entry = keyed.get("output_type").expect("checked");
                    let message = match other {
                        Some(name) => format!(
                            "{where_} has `output_type` \"{name}\"; expected `stream`, `display_data`, `execute_result` or `error`"
                        ),
                        None => format!("`output_type` of {where_} must be a string"),
                    };
                    out.push(self.issue(entry.value.clone(), Some(cell), message, STRICT));
                }
                return;
            }
        };
        let output_type = output_type.expect("known type");
        for required in keys {
            if keyed.get(required).is_none() {
                out.push(self.issue(
                    span.clone(),
                    Some(cell),
                    format!("{where_} ({output_type}) has no `{required}`"),
                    ALWAYS,
                ));
            }
        }
        for entry in keyed.entries {
            if keys.contains(&entry.key.as_ref()) {
                out.extend(entry.issues);
            } else {
                out.push(self.issue(
                    entry.key_span.start..entry.value.end,
                    Some(cell),
                    format!("unexpected key `{}` in {where_} ({output_type})", entry.key),
                    STRICT,
                ));
            }
        }
    }

    fn cell_metadata(&self, s: &mut Scanner<'a>, cell: usize, out: &mut Vec<Issue>) -> Span {
        let text = self.text;
        let start_kind = s.peek();
        let mut keyed = Keyed::default();
        let c = Some(cell);
        let span = s.object(|s, key_span| {
            let key = decode(text, &key_span).unwrap_or_default();
            let kind = s.peek();
            let mut issues = Vec::new();
            let value = match key.as_ref() {
                "name" => {
                    let (span, kind) = self.expect(
                        s,
                        &[Kind::String],
                        format_args!("`metadata.name` must be a string"),
                        c,
                        ALWAYS,
                        &mut issues,
                    );
                    if kind == Kind::String {
                        let name = decode(text, &span).unwrap_or_default();
                        let body = without_final_newline(&name);
                        if body.is_empty() || body.contains('\n') {
                            issues.push(self.issue(
                                span.clone(),
                                c,
                                "`metadata.name` must be a non-empty line".to_owned(),
                                ALWAYS,
                            ));
                        }
                    }
                    span
                }
                "tags" => self.tags(s, cell, &mut issues),
                "jupyter" => self.object_or_issue(
                    s,
                    format_args!("`metadata.jupyter`"),
                    c,
                    Cond {
                        min_minor: 3,
                        cells: CODE | MARKDOWN | RAW,
                        ..ALWAYS
                    },
                    &mut issues,
                ),
                "collapsed" => {
                    self.expect(
                        s,
                        &[Kind::Bool],
                        format_args!("`metadata.collapsed` must be a boolean"),
                        c,
                        Cond {
                            cells: CODE,
                            ..ALWAYS
                        },
                        &mut issues,
                    )
                    .0
                }
                "scrolled" => {
                    let kind = s.peek();
                    let span = s.skip();
                    let value = &text[span.clone()];
                    if !(kind == Kind::Bool || value == "\"auto\"") {
                        issues.push(self.issue(
                            span.clone(),
                            c,
                            format!(
                                "`metadata.scrolled` must be true, false or \"auto\", not {value}"
                            ),
                            Cond {
                                cells: CODE,
                                ..ALWAYS
                            },
                        ));
                    }
                    span
                }
                "execution" => self.execution(s, cell, &mut issues),
                "format" => {
                    self.expect(
                        s,
                        &[Kind::String],
                        format_args!("`metadata.format` must be a string"),
                        c,
                        Cond {
                            cells: RAW,
                            ..ALWAYS
                        },
                        &mut issues,
                    )
                    .0
                }
                _ => s.skip(),
            };
            keyed.push(KeyedEntry {
                key,
                key_span,
                value,
                kind,
                issues,
            });
        });
        match span {
            Ok(span) => {
                out.extend(keyed.entries.into_iter().flat_map(|e| e.issues));
                span
            }
            Err(span) => {
                out.push(self.issue(
                    span.clone(),
                    c,
                    format!(
                        "`metadata` must be an object, not {}",
                        start_kind.describe()
                    ),
                    ALWAYS,
                ));
                span
            }
        }
    }

    fn tags(&self, s: &mut Scanner<'a>, cell: usize, out: &mut Vec<Issue>) -> Span {
        let text = self.text;
        let kind = s.peek();
        if kind != Kind::Array {
            let span = s.skip();
            out.push(self.issue(
                span.clone(),
                Some(cell),
                format!(
                    "`metadata.tags` must be a list of strings, not {}",
                    kind.describe()
                ),
                ALWAYS,
            ));
            return span;
        }
        let mut seen: Vec<Cow<'a, str>> = Vec::new();
        let mut problems = Vec::new();
        let span = s.array(|s, _| {
            let kind = s.peek();
            let element = s.skip();
            if kind != Kind::String {
                problems.push((
                    element,
                    format!("a tag must be a string, not {}", kind.describe()),
                ));
                return;
            }
            let tag = decode(text, &element).unwrap_or_default();
            if tag.is_empty() || tag.contains(',') {
                problems.push((
                    element,
                    "a tag must be non-empty and contain no comma".to_owned(),
                ));
            } else if seen.contains(&tag) {
                problems.push((element, format!("the tag \"{tag}\" is repeated")));
            } else {
                seen.push(tag);
            }
        });
        for (span, message) in problems {
            out.push(self.issue(span, Some(cell), message, ALWAYS));
        }
        span.unwrap_or_else(|span| span)
    }

    fn execution(&self, s: &mut Scanner<'a>, cell: usize, out: &mut Vec<Issue>) -> Span {
        let text = self.text;
        let cond = Cond {
            min_minor: 4,
            cells: CODE,
            ..ALWAYS
        };
        let kind = s.peek();
        let mut problems = Vec::new();
        let span = s.object(|s, key_span| {
            let key = decode(text, &key_span).unwrap_or_default();
            let kind = s.peek();
            let value = s.skip();
            // patternProperties `^.*$`: every key without an inner line break.
            if kind != Kind::String && !without_final_newline(&key).contains('\n') {
                problems.push((
                    value,
                    format!(
                        "`metadata.execution.{key}` must be a string, not {}",
                        kind.describe()
                    ),
                ));
            }
        });
        match span {
            Ok(span) => {
                for (value, message) in problems {
                    out.push(self.issue(value, Some(cell), message, cond));
                }
                span
            }
            Err(span) => {
                out.push(self.issue(
                    span.clone(),
                    Some(cell),
                    format!(
                        "`metadata.execution` must be an object, not {}",
                        kind.describe()
                    ),
                    cond,
                ));
                span
            }
        }
    }

    fn cell(&self, s: &mut Scanner<'a>, cell: usize, out: &mut Vec<Issue>) {
        let text = self.text;
        let start_kind = s.peek();
        let c = Some(cell);
        let mut keyed = Keyed::default();
        let span = s.object(|s, key_span| {
            let key = decode(text, &key_span).unwrap_or_default();
            let kind = s.peek();
            let mut issues = Vec::new();
            let value = match key.as_ref() {
                "source" => self.multiline(s, format_args!("`source`"), c, ALWAYS, &mut issues),
                "metadata" => self.cell_metadata(s, cell, &mut issues),
                "outputs" => {
                    let kind = s.peek();
                    let span = s.array(|s, index| self.output(s, cell, index, &mut issues));
                    match span {
                        Ok(span) => span,
                        Err(span) => {
                            issues.push(self.issue(
                                span.clone(),
                                c,
                                format!("`outputs` must be a list, not {}", kind.describe()),
                                ALWAYS,
                            ));
                            span
                        }
                    }
                }
                "execution_count" => self.count(s, format_args!("`execution_count`"), c, &mut issues),
                "attachments" => self.attachments(s, cell, &mut issues),
                "id" => {
                    let (span, kind) = self.expect(
                        s,
                        &[Kind::String],
                        format_args!("the cell `id` must be a string"),
                        c,
                        ALWAYS,
                        &mut issues,
                    );
                    if kind == Kind::String {
                        let id = decode(text, &span).unwrap_or_default();
                        if !valid_cell_id(&id) {
                            issues.push(self.issue(
                                span.clone(),
                                c,
                                format!(
                                    "the cell id {} must be 1 to 64 characters from `a-z A-Z 0-9 - _`",
                                    &text[span.clone()]
                                ),
                                ALWAYS,
                            ));
                        }
                    }
                    span
                }
                _ => s.skip(),
            };
            keyed.push(KeyedEntry {
                key,
                key_span,
                value,
                kind,
                issues,
            });
        });
        let span = match span {
            Ok(span) => span,
            Err(bad) => {
                out.push(self.issue(
                    bad,
                    c,
                    format!("a cell must be an object, not {}", start_kind.describe()),
                    ALWAYS,
                ));
                return;
            }
        };
        let cell_type_entry = keyed.get("cell_type");
        let cell_type = cell_type_entry
            .filter(|e| e.kind == Kind::String)
            .and_then(|e| decode(text, &e.value));
        let (mask, name, allowed, required): (u8, &'static str, &[&str], &[&str]) = match cell_type
            .as_deref()
        {
            Some("code") => (
                CODE,
                "code",
                &[
                    "cell_type",
                    "metadata",
                    "source",
                    "outputs",
                    "execution_count",
                    "id",
                ],
                &[
                    "cell_type",
                    "metadata",
                    "source",
                    "outputs",
                    "execution_count",
                ],
            ),
            Some("markdown") => (
                MARKDOWN,
                "markdown",
                &["cell_type", "metadata", "source", "attachments", "id"],
                &["cell_type", "metadata", "source"],
            ),
            Some("raw") => (
                RAW,
                "raw",
                &["cell_type", "metadata", "source", "attachments", "id"],
                &["cell_type", "metadata", "source"],
            ),
            other => {
                // nbformat accepts unknown cell types only from a newer minor version, as
                // objects with `cell_type` and a `metadata` object (anything else goes).
                match cell_type_entry {
                        None => out.push(self.issue(
                            span.clone(),
                            c,
                            "the cell has no `cell_type`".to_owned(),
                            ALWAYS,
                        )),
                        Some(entry) => out.push(self.issue(
                            entry.value.clone(),
                            c,
                            match other {
                                Some(other) => format!(
                                    "unknown `cell_type` \"{other}\"; expected `code`, `markdown` or `raw`"
                                ),
                                None => "`cell_type` must be a string".to_owned(),
                            },
                            STRICT,
                        )),
                    }
                match keyed.get("metadata") {
                    None => out.push(self.issue(
                        span,
                        c,
                        "the cell has no `metadata`".to_owned(),
                        ALWAYS,
                    )),
                    Some(_) => {
                        let entry = keyed
                            .entries
                            .into_iter()
                            .find(|e| e.key == "metadata")
                            .expect("checked");
                        out.extend(
                            entry
                                .issues
                                .into_iter()
                                .filter(|issue| issue.cond.cells & UNKNOWN != 0),
                        );
                    }
                }
                return;
            }
        };
        for key in required {
            if keyed.get(key).is_none() {
                out.push(self.issue(
                    span.clone(),
                    c,
                    format!("the {name} cell has no `{key}`"),
                    ALWAYS,
                ));
            }
        }
        let mut tolerated_keys = Vec::new();
        let mut tolerated_indexes = Vec::new();
        for (index, entry) in keyed.entries.iter().enumerate() {
            if entry.key == "id" {
                // Allowed from 4.5 on; before that, reported once for the notebook.
                out.push(Issue {
                    span: entry.key_span.start..entry.value.end,
                    cell: c,
                    message: String::new(),
                    cond: STRICT,
                    kind: IssueKind::IdTooEarly,
                });
            } else if !allowed.contains(&entry.key.as_ref()) {
                if mask != CODE && matches!(entry.key.as_ref(), "execution_count" | "outputs") {
                    tolerated_keys.push(entry.key.to_string());
                    tolerated_indexes.push(index);
                } else {
                    out.push(self.issue(
                        entry.key_span.start..entry.value.end,
                        c,
                        format!("unexpected key `{}` in a {name} cell", entry.key),
                        STRICT,
                    ));
                }
            }
        }
        if !tolerated_keys.is_empty() {
            // The fix removes the keys from the cell object, keeping the layout.
            let entries = object_entries(text, &span).unwrap_or_default();
            let remove: Vec<usize> = entries
                .iter()
                .enumerate()
                .filter(|(_, e)| tolerated_keys.iter().any(|k| k == e.key.as_ref()))
                .map(|(i, _)| i)
                .collect();
            let edits = removal_edits(text, &span, &entry_spans(&entries), &remove);
            let first = &keyed.entries[tolerated_indexes[0]];
            let last = &keyed.entries[*tolerated_indexes.last().expect("not empty")];
            out.push(Issue {
                span: first.key_span.start..last.value.end,
                cell: c,
                message: String::new(),
                cond: STRICT,
                kind: IssueKind::Tolerated {
                    cell_type: name,
                    keys: tolerated_keys,
                    edits,
                },
            });
        }
        for entry in keyed.entries {
            if entry.key != "id" && allowed.contains(&entry.key.as_ref()) {
                out.extend(
                    entry
                        .issues
                        .into_iter()
                        .filter(|issue| issue.cond.cells & mask != 0),
                );
            } else if entry.key == "id" {
                out.extend(entry.issues);
            }
        }
    }

    fn attachments(&self, s: &mut Scanner<'a>, cell: usize, out: &mut Vec<Issue>) -> Span {
        let kind = s.peek();
        let text = self.text;
        let mut issues = Vec::new();
        let span = s.object(|s, key_span| {
            let name = decode(text, &key_span).unwrap_or_default();
            self.mimebundle(
                s,
                format_args!("attachment \"{name}\""),
                Some(cell),
                &mut issues,
            );
        });
        match span {
            Ok(span) => {
                out.extend(issues);
                span
            }
            Err(span) => {
                out.push(self.issue(
                    span.clone(),
                    Some(cell),
                    format!("`attachments` must be an object, not {}", kind.describe()),
                    ALWAYS,
                ));
                span
            }
        }
    }

    fn notebook_metadata(&self, s: &mut Scanner<'a>, out: &mut Vec<Issue>) -> Span {
        let text = self.text;
        let kind = s.peek();
        let mut keyed = Keyed::default();
        let span = s.object(|s, key_span| {
            let key = decode(text, &key_span).unwrap_or_default();
            let kind = s.peek();
            let mut issues = Vec::new();
            let value = match key.as_ref() {
                "kernelspec" => self.named_object(
                    s,
                    "metadata.kernelspec",
                    &["name", "display_name"],
                    &["name", "display_name"],
                    &mut issues,
                ),
                "language_info" => self.named_object(
                    s,
                    "metadata.language_info",
                    &["name"],
                    &["name", "file_extension", "mimetype", "pygments_lexer"],
                    &mut issues,
                ),
                "title" => {
                    self.expect(
                        s,
                        &[Kind::String],
                        format_args!("`metadata.title` must be a string"),
                        None,
                        Cond {
                            min_minor: 2,
                            ..ALWAYS
                        },
                        &mut issues,
                    )
                    .0
                }
                "authors" => {
                    self.expect(
                        s,
                        &[Kind::Array],
                        format_args!("`metadata.authors` must be a list"),
                        None,
                        Cond {
                            min_minor: 2,
                            ..ALWAYS
                        },
                        &mut issues,
                    )
                    .0
                }
                // `orig_nbformat` is dropped by nbformat's reader before validation.
                _ => s.skip(),
            };
            keyed.push(KeyedEntry {
                key,
                key_span,
                value,
                kind,
                issues,
            });
        });
        match span {
            Ok(span) => {
                out.extend(keyed.entries.into_iter().flat_map(|e| e.issues));
                span
            }
            Err(span) => {
                out.push(self.issue(
                    span.clone(),
                    None,
                    format!(
                        "the notebook `metadata` must be an object, not {}",
                        kind.describe()
                    ),
                    ALWAYS,
                ));
                span
            }
        }
    }

    /// `kernelspec` / `language_info`: an object with `required` keys and string-typed keys
    /// (`codemirror_mode` of `language_info` may also be an object).
    fn named_object(
        &self,
        s: &mut Scanner<'a>,
        what: &str,
        required: &[&str],
        strings: &[&str],
        out: &mut Vec<Issue>,
    ) -> Span {
        let text = self.text;
        let kind = s.peek();
        let mut keyed = Keyed::default();
        let span = s.object(|s, key_span| {
            let key = decode(text, &key_span).unwrap_or_default();
            let kind = s.peek();
            let mut issues = Vec::new();
            let value = if strings.contains(&key.as_ref()) {
                self.expect(
                    s,
                    &[Kind::String],
                    format_args!("`{what}.{key}` must be a string"),
                    None,
                    ALWAYS,
                    &mut issues,
                )
                .0
            } else if key == "codemirror_mode" && what.ends_with("language_info") {
                self.expect(
                    s,
                    &[Kind::String, Kind::Object],
                    format_args!("`{what}.codemirror_mode` must be a string or an object"),
                    None,
                    ALWAYS,
                    &mut issues,
                )
                .0
            } else {
                s.skip()
            };
            keyed.push(KeyedEntry {
                key,
                key_span,
                value,
                kind,
                issues,
            });
        });
        let span = match span {
            Ok(span) => span,
            Err(span) => {
                out.push(self.issue(
                    span.clone(),
                    None,
                    format!("`{what}` must be an object, not {}", kind.describe()),
                    ALWAYS,
                ));
                return span;
            }
        };
        for key in required {
            if keyed.get(key).is_none() {
                out.push(self.issue(
                    span.clone(),
                    None,
                    format!("`{what}` has no `{key}`"),
                    ALWAYS,
                ));
            }
        }
        out.extend(keyed.entries.into_iter().flat_map(|e| e.issues));
        span
    }
}

/// The problems of a notebook, with the version they were judged against.
fn validate(text: &str, jumps: &[Span]) -> Vec<Issue> {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let validator = Validator { text };
    // Values the validator does not look into (widget state in the metadata, ...) are jumped
    // over when their span is known.
    let mut s = Scanner::with_jumps(text, bom, jumps);
    let mut keyed = Keyed::default();
    let mut issues = Vec::new();
    let top = s.object(|s, key_span| {
        let key = decode(text, &key_span).unwrap_or_default();
        let kind = s.peek();
        let mut entry_issues = Vec::new();
        let value = match key.as_ref() {
            "cells" => {
                let kind = s.peek();
                match s.array(|s, index| validator.cell(s, index, &mut entry_issues)) {
                    Ok(span) => span,
                    Err(span) => {
                        entry_issues.push(validator.issue(
                            span.clone(),
                            None,
                            format!("`cells` must be a list, not {}", kind.describe()),
                            ALWAYS,
                        ));
                        span
                    }
                }
            }
            "metadata" => validator.notebook_metadata(s, &mut entry_issues),
            _ => s.skip(),
        };
        keyed.push(KeyedEntry {
            key,
            key_span,
            value,
            kind,
            issues: entry_issues,
        });
    });
    let Ok(top) = top else {
        return vec![validator.issue(
            bom..text.len(),
            None,
            "a notebook must be a JSON object".to_owned(),
            ALWAYS,
        )];
    };
    let head = top.start..top.start + 1;

    // The version decides which problems count.
    let major = keyed.get("nbformat");
    match major {
        None => {
            return vec![validator.issue(
                head,
                None,
                "the notebook has no `nbformat` (nbformat reads it as version 1, which has no schema)"
                    .to_owned(),
                ALWAYS,
            )];
        }
        Some(entry) if entry.kind != Kind::Integer || &text[entry.value.clone()] != "4" => {
            return vec![validator.issue(
                entry.value.clone(),
                None,
                format!(
                    "`nbformat` is {}; only the integer 4 has a schema",
                    &text[entry.value.clone()]
                ),
                ALWAYS,
            )];
        }
        Some(_) => {}
    }
    let minor = match keyed.get("nbformat_minor") {
        None => {
            issues.push(validator.issue(
                head.clone(),
                None,
                "the notebook has no `nbformat_minor`".to_owned(),
                ALWAYS,
            ));
            5
        }
        Some(entry) => {
            let raw = &text[entry.value.clone()];
            match raw.parse::<u64>() {
                Ok(minor) if entry.kind == Kind::Integer => minor,
                _ if entry.kind == Kind::Integer && raw.starts_with('-') => {
                    return vec![validator.issue(
                        entry.value.clone(),
                        None,
                        format!(
                            "`nbformat_minor` is {raw}; no schema has a negative minor version"
                        ),
                        ALWAYS,
                    )];
                }
                _ if entry.kind == Kind::Integer => u64::MAX,
                _ => {
                    issues.push(validator.issue(
                        entry.value.clone(),
                        None,
                        format!("`nbformat_minor` must be an integer, not {raw}"),
                        ALWAYS,
                    ));
                    5
                }
            }
        }
    };
    for required in ["cells", "metadata"] {
        if keyed.get(required).is_none() {
            issues.push(validator.issue(
                head.clone(),
                None,
                format!("the notebook has no `{required}`"),
                ALWAYS,
            ));
        }
    }
    let minor_span = keyed
        .get("nbformat_minor")
        .map_or(head.clone(), |e| e.value.clone());
    for entry in keyed.entries {
        if matches!(
            entry.key.as_ref(),
            "cells" | "metadata" | "nbformat" | "nbformat_minor"
        ) {
            issues.extend(entry.issues);
        } else {
            issues.push(validator.issue(
                entry.key_span.start..entry.value.end,
                None,
                format!("unexpected top-level key `{}`", entry.key),
                STRICT,
            ));
        }
    }
    let future = minor > 5;
    let mut kept: Vec<Issue> = issues
        .into_iter()
        .filter(|issue| issue.cond.min_minor <= minor && !(issue.cond.strict && future))
        .collect();
    // Cell ids before 4.5: one finding for the notebook.
    let ids_too_early: Vec<usize> = kept
        .iter()
        .filter(|issue| matches!(issue.kind, IssueKind::IdTooEarly))
        .filter_map(|issue| issue.cell)
        .collect();
    kept.retain(|issue| !matches!(issue.kind, IssueKind::IdTooEarly));
    if minor < 5 && !ids_too_early.is_empty() {
        let count = ids_too_early.len();
        kept.push(Issue {
            span: minor_span,
            cell: None,
            message: format!(
                "nbformat 4.{minor} does not allow cell ids, but {count} cell{} {} one (Colab writes them; Jupyter ignores them): set `nbformat_minor` to 5 to keep them",
                if count == 1 { "" } else { "s" },
                if count == 1 { "has" } else { "have" },
            ),
            cond: ALWAYS,
            kind: IssueKind::Plain,
        });
    }
    kept
}

impl Rule for InvalidNotebook {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        for issue in validate(context.notebook().text(), context.jumps()) {
            let location = context.json_location(issue.cell, &issue.span);
            match issue.kind {
                IssueKind::Tolerated {
                    cell_type,
                    keys,
                    edits,
                } => {
                    let names: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
                    let mut diagnostic = context.diagnostic(
                        &Self::META,
                        format!(
                            "{} on a {cell_type} cell: the nbformat schema allows {} only on code cells (Jupyter ignores {}, `nbformat.validate` rejects the notebook)",
                            names.join(" and "),
                            if keys.len() == 1 { "it" } else { "them" },
                            if keys.len() == 1 { "it" } else { "them" },
                        ),
                        location,
                    );
                    if !edits.is_empty() {
                        diagnostic.fix_title = Some(format!("Remove {}", names.join(" and ")));
                        diagnostic.fix = Some(Fix::safe(edits));
                    }
                    out.push(diagnostic);
                }
                IssueKind::Plain | IssueKind::IdTooEarly => {
                    out.push(context.diagnostic(&Self::META, issue.message, location));
                }
            }
        }
        // Sources Python reads but that are not Unicode text: no rule can check their code, and
        // nothing rewrites it. Rare, so the cells are looked at only when the file has a
        // surrogate escape at all.
        let text = context.notebook().text();
        let bytes = text.as_bytes();
        if memchr::memmem::find_iter(bytes, b"\\u")
            .any(|at| matches!(bytes.get(at + 2), Some(b'd' | b'D')))
        {
            for (index, cell) in context.notebook().cells().iter().enumerate() {
                let Some(span) = &cell.source else { continue };
                if let Err(err @ SourceError::LoneSurrogate(_)) = context.notebook().source(index) {
                    out.push(context.diagnostic(
                        &Self::META,
                        format!("{err}; nbtidy leaves this cell's code as it is"),
                        context.json_location(Some(index), span),
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(text: &str) -> Vec<String> {
        validate(text, &[]).into_iter().map(|i| i.message).collect()
    }

    const CELL: &str = r#"{"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [], "source": ""}"#;

    fn notebook(cells: &str, minor: u64) -> String {
        format!(
            r#"{{"cells": [{cells}], "metadata": {{}}, "nbformat": 4, "nbformat_minor": {minor}}}"#
        )
    }

    #[test]
    fn a_minimal_notebook_is_valid() {
        assert!(messages(&notebook(CELL, 4)).is_empty());
        assert!(messages(&notebook("", 5)).is_empty());
    }

    #[test]
    fn finds_structural_problems() {
        let cell = r#"{"cell_type": "code", "metadata": {}, "outputs": [], "source": 3}"#;
        let found = messages(&notebook(cell, 4));
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].contains("no `execution_count`"));
        assert!(found[1].contains("`source` must be a string or a list of strings"));
        let output = r#"{"cell_type": "code", "execution_count": 1, "metadata": {}, "source": "", "outputs": [{"output_type": "stream", "name": "stdout"}]}"#;
        let found = messages(&notebook(output, 4));
        assert_eq!(found, ["output 1 (stream) has no `text`"]);
    }

    #[test]
    fn newer_minor_versions_allow_unknown_things() {
        let cell = r#"{"cell_type": "widget", "metadata": {}, "extra": 1}"#;
        assert!(messages(&notebook(cell, 6)).is_empty());
        assert_eq!(messages(&notebook(cell, 5)).len(), 1);
    }

    #[test]
    fn ids_before_4_5_are_one_finding() {
        let cell = r#"{"cell_type": "markdown", "id": "a", "metadata": {}, "source": ""}"#;
        let found = messages(&notebook(&format!("{cell}, {cell}"), 0));
        assert_eq!(found.len(), 1);
        assert!(found[0].contains("2 cells have one"), "{found:?}");
    }

    #[test]
    fn cell_ids_follow_the_pattern() {
        assert!(valid_cell_id("a-b_C9"));
        assert!(valid_cell_id("abc\n"));
        assert!(!valid_cell_id(""));
        assert!(!valid_cell_id("a b"));
        assert!(!valid_cell_id(&"a".repeat(65)));
    }

    #[test]
    fn duplicate_keys_keep_the_last() {
        let cell = r#"{"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [], "source": 1, "source": ""}"#;
        assert!(messages(&notebook(cell, 4)).is_empty());
    }
}
