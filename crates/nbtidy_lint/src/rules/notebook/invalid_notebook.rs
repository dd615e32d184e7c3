//! `NB010` invalid-notebook: the notebook breaks the nbformat v4 JSON schema.
//!
//! What the schema says is a table, [`super::nbformat_v4`]; this file walks the notebook's JSON
//! once with the notebook layer's scanner and checks each object against its entry: the cell and
//! output definitions chosen by `cell_type` / `output_type` (the schema's `oneOf`), the minor
//! version's keys, the relaxed checks of a newer minor version, and the deviations the rule's
//! documentation lists.

use std::borrow::Cow;

use nbtidy_diagnostics::{Applicability, Fix};
use nbtidy_notebook::{SourceError, Span};

use super::nbformat_v4::{self as schema, Object, Value};
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
    ///   `metadata.orig_nbformat` is an integer of at least 1;
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
    /// The checks are a table of nbformat's published schemas (v4.0 to v4.5), tested against
    /// the schema files, and NB010 is tested to agree with `nbformat.validate` on real
    /// notebooks and on thousands of broken ones.
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

#[derive(Debug)]
enum IssueKind {
    Plain,
    /// A cell `id` while `nbformat_minor` < 5.
    IdTooEarly,
    /// `execution_count` / `outputs` on a markdown or raw cell: (cell type, key names, fix).
    Tolerated {
        cell_type: String,
        keys: Vec<String>,
        edits: Vec<nbtidy_diagnostics::Edit>,
    },
}

#[derive(Debug)]
struct Issue {
    span: Span,
    cell: Option<usize>,
    message: String,
    kind: IssueKind,
}

/// Where a value is: messages name it after its place (`` `text` of output 2 ``).
#[derive(Debug, Clone, Copy)]
enum Place {
    Notebook,
    Cell(usize),
    Output { cell: usize, index: usize },
}

impl Place {
    fn cell(self) -> Option<usize> {
        match self {
            Place::Notebook => None,
            Place::Cell(cell) | Place::Output { cell, .. } => Some(cell),
        }
    }
}

/// How messages name a value; formatted only when a message is made.
#[derive(Debug, Clone, Copy)]
enum What<'x> {
    /// The value at a path of a place: `` `metadata.tags` ``, `` `text` of output 2 ``.
    Path(Place, &'x str),
    /// A mimebundle entry: `` `text/plain` data ``.
    Data(&'x str),
    /// An attachment: `attachment "a.png"`.
    Attachment(&'x str),
    /// The notebook.
    Notebook,
    /// A cell, of a known type or not.
    Cell(Option<&'x str>),
    /// An output, of a known type or not.
    Output(usize, Option<&'x str>),
}

impl std::fmt::Display for What<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            What::Path(Place::Output { index, .. }, path) => {
                write!(f, "`{path}` of output {}", index + 1)
            }
            What::Path(_, path) => write!(f, "`{path}`"),
            What::Data(key) => write!(f, "`{key}` data"),
            What::Attachment(name) => write!(f, "attachment \"{name}\""),
            What::Notebook => f.write_str("the notebook"),
            What::Cell(Some(cell_type)) => write!(f, "the {cell_type} cell"),
            What::Cell(None) => f.write_str("the cell"),
            What::Output(index, None) => write!(f, "output {}", index + 1),
            What::Output(index, Some(output_type)) => {
                write!(f, "output {} ({output_type})", index + 1)
            }
        }
    }
}

/// One `"key": value` of an object, with the problems of its value when they were found while
/// walking the object (see [`Validator::walk`]).
struct Entry<'a> {
    key: Cow<'a, str>,
    key_span: Span,
    value: Span,
    kind: Kind,
    /// `None`: the value's fragment depends on the definition the object turns out to be, so
    /// it is checked once that is known.
    issues: Option<Vec<Issue>>,
    /// For a value checked later: the scanner as it was at the value (its place in the jumps
    /// kept, so resuming costs no search).
    resume: Option<Scanner<'a>>,
}

/// The entries of one object (the last of a repeated key wins, as in Python's `json`).
struct Walked<'a> {
    span: Span,
    entries: Vec<Entry<'a>>,
}

impl<'a> Walked<'a> {
    fn get(&self, key: &str) -> Option<&Entry<'a>> {
        self.entries.iter().find(|e| e.key == key)
    }
}

/// Python's `re.search` of `^X+$`: `$` also matches before one final newline.
fn without_final_newline(value: &str) -> &str {
    value.strip_suffix('\n').unwrap_or(value)
}

fn is_multiline_json_mime(key: &str) -> bool {
    // `^application/(.*\+)?json$`
    key.strip_prefix("application/")
        .and_then(|rest| rest.strip_suffix("json"))
        .is_some_and(|middle| {
            middle.is_empty() || (middle.ends_with('+') && !middle.contains('\n'))
        })
}

/// Keeps the last item of each key (Python's `json` keeps the last of repeated keys), in order;
/// linear in the number of items.
fn keep_last<T>(items: &mut Vec<T>, key: impl Fn(&T) -> &str) {
    let n = items.len();
    let repeated = if n <= 16 {
        (0..n).any(|i| (i + 1..n).any(|j| key(&items[i]) == key(&items[j])))
    } else {
        let mut seen = std::collections::HashSet::with_capacity(n);
        !items.iter().all(|item| seen.insert(key(item)))
    };
    if !repeated {
        return;
    }
    let last: std::collections::HashMap<String, usize> = items
        .iter()
        .enumerate()
        .map(|(index, item)| (key(item).to_owned(), index))
        .collect();
    let mut index = 0;
    items.retain(|item| {
        index += 1;
        last.get(key(item)) == Some(&(index - 1))
    });
}

fn join<'x>(path: &str, key: &'x str) -> Cow<'x, str> {
    if path.is_empty() {
        Cow::Borrowed(key)
    } else {
        Cow::Owned(format!("{path}.{key}"))
    }
}

/// Checks a notebook's JSON against the table ([`schema`]) of one minor version.
struct Validator<'a> {
    text: &'a str,
    /// Values whose spans are known (see `Context::jumps`): skipped without reading.
    jumps: &'a [Span],
    /// Lists known to hold only strings ([`nbtidy_notebook::Notebook::string_lists`]).
    string_lists: &'a [Span],
    /// The minor version whose schema applies (a newer one is checked like the newest).
    minor: u64,
    /// The minor version is one the table knows: unknown keys, cell types and output types are
    /// errors and mimebundle values are checked. A newer minor relaxes these, as `nbformat`
    /// does (`additionalProperties` relaxed, unrecognized cells and outputs allowed).
    strict: bool,
    /// The cell definitions' keys (see [`merged`]).
    cell_keys: &'static KeyFragments,
    /// The output definitions' keys.
    output_keys: &'static KeyFragments,
}

/// Each key of a set of definitions, with its fragment when every definition that has the key
/// agrees on it (`None` when they differ).
type KeyFragments = rustc_hash::FxHashMap<&'static str, Option<Value>>;

/// [`KeyFragments`] of `definitions` in minor version `minor`.
fn merged(definitions: &[&'static Object], minor: u64) -> KeyFragments {
    let mut keys = KeyFragments::default();
    for object in definitions {
        for property in object.properties.iter().filter(|p| p.since <= minor) {
            keys.entry(property.key)
                .and_modify(|fragment| {
                    if *fragment != Some(property.value) {
                        *fragment = None;
                    }
                })
                .or_insert(Some(property.value));
        }
    }
    keys
}

/// The definitions an object being walked may turn out to be.
#[derive(Clone, Copy)]
enum Candidates<'k> {
    /// Not known yet: every value waits (the top level, before the version is known).
    None,
    One(&'static Object),
    /// A cell or an output, whose definition its discriminator chooses.
    Merged(&'k KeyFragments),
}

impl<'a> Validator<'a> {
    /// A validator for minor version `minor` (a newer one is checked like the newest, relaxed).
    fn new(text: &'a str, jumps: &'a [Span], string_lists: &'a [Span], minor: u64) -> Self {
        /// The cell and output keys of each minor version, made once.
        static KEYS: std::sync::OnceLock<Vec<(KeyFragments, KeyFragments)>> =
            std::sync::OnceLock::new();
        let checked = minor.min(schema::NEWEST_MINOR);
        let keys = KEYS.get_or_init(|| {
            let mut cells = schema::CELLS.to_vec();
            cells.push(&schema::UNRECOGNIZED_CELL);
            let mut outputs = schema::OUTPUTS.to_vec();
            outputs.push(&schema::UNRECOGNIZED_OUTPUT);
            (0..=schema::NEWEST_MINOR)
                .map(|minor| (merged(&cells, minor), merged(&outputs, minor)))
                .collect()
        });
        let (cell_keys, output_keys) = &keys[usize::try_from(checked).unwrap_or_default()];
        Validator {
            text,
            jumps,
            string_lists,
            minor: checked,
            strict: minor <= schema::NEWEST_MINOR,
            cell_keys,
            output_keys,
        }
    }

    fn issue(&self, span: Span, place: Place, message: String) -> Issue {
        Issue {
            span,
            cell: place.cell(),
            message,
            kind: IssueKind::Plain,
        }
    }

    fn scanner(&self, at: usize) -> Scanner<'a> {
        Scanner::with_jumps(self.text, at, self.jumps)
    }

    /// Walks (consumes) the object at the scanner, whose definition is one of `candidates`: a
    /// key whose fragment every candidate that has it agrees on is checked on the way (so that a
    /// value is read once); the others wait for [`Validator::object`] (a skip costs nothing for
    /// the values in `jumps`). `Err((span, kind))` when the value is not an object.
    fn walk(
        &self,
        s: &mut Scanner<'a>,
        candidates: Candidates<'_>,
        place: Place,
        path: &str,
    ) -> Result<Walked<'a>, (Span, Kind)> {
        let text = self.text;
        let start_kind = s.peek();
        let mut entries: Vec<Entry<'a>> = Vec::new();
        let span = s.object(|s, key_span| {
            let key = decode(text, &key_span).unwrap_or_default();
            let kind = s.peek();
            let agreed = match candidates {
                Candidates::None => None,
                Candidates::One(object) => object.property(&key, self.minor).map(|p| p.value),
                Candidates::Merged(keys) => keys.get(key.as_ref()).copied().flatten(),
            };
            let (value, issues, resume) = match agreed {
                Some(fragment) => {
                    let mut issues = Vec::new();
                    let value = self.value(s, fragment, place, &join(path, &key), &mut issues);
                    (value, Some(issues), None)
                }
                None => {
                    let resume = s.clone();
                    (s.skip(), None, Some(resume))
                }
            };
            entries.push(Entry {
                key,
                key_span,
                value,
                kind,
                issues,
                resume,
            });
        });
        let span = span.map_err(|span| (span, start_kind))?;
        keep_last(&mut entries, |entry| &entry.key);
        Ok(Walked { span, entries })
    }

    /// Checks a walked object against its definition: required keys (reported as `{noun} has no
    /// `key``), then each value. Returns the entries the definition does not have (unexpected
    /// when it is closed), leaving the caller to report them.
    fn object(
        &self,
        object: &'static Object,
        walked: Walked<'a>,
        place: Place,
        path: &str,
        noun: What<'_>,
        out: &mut Vec<Issue>,
    ) -> Vec<Entry<'a>> {
        for key in object.required(self.minor) {
            // A missing cell id is NB008's: `nbformat.validate` adds it silently.
            if key != "id" && walked.get(key).is_none() {
                out.push(self.issue(walked.span.clone(), place, format!("{noun} has no `{key}`")));
            }
        }
        let mut unknown = Vec::new();
        for entry in walked.entries {
            let Some(property) = object.property(&entry.key, self.minor) else {
                unknown.push(entry);
                continue;
            };
            match (entry.issues, property.value) {
                (Some(issues), _) => out.extend(issues),
                // Nothing to check: the discriminator chose the definition; the version was
                // checked first.
                (None, Value::Is(_) | Value::IsNot(_) | Value::Major | Value::Minor) => {}
                (None, fragment) => {
                    let mut s = entry
                        .resume
                        .unwrap_or_else(|| self.scanner(entry.value.start));
                    self.value(&mut s, fragment, place, &join(path, &entry.key), out);
                }
            }
        }
        unknown
    }

    /// Consumes one value, checking it against `fragment`; returns its span.
    fn value(
        &self,
        s: &mut Scanner<'a>,
        fragment: Value,
        place: Place,
        path: &str,
        out: &mut Vec<Issue>,
    ) -> Span {
        let kind = s.peek();
        let expect = |s: &mut Scanner<'a>, kinds: &[Kind], what: &str, out: &mut Vec<Issue>| {
            let span = s.skip();
            if !kinds.contains(&kind) {
                out.push(self.issue(
                    span.clone(),
                    place,
                    format!(
                        "{} must be {what}, not {}",
                        What::Path(place, path),
                        kind.describe()
                    ),
                ));
            }
            span
        };
        match fragment {
            Value::String => expect(s, &[Kind::String], "a string", out),
            Value::Boolean => expect(s, &[Kind::Bool], "a boolean", out),
            Value::Array => expect(s, &[Kind::Array], "a list", out),
            Value::Object => expect(s, &[Kind::Object], "an object", out),
            Value::StringOrObject => expect(
                s,
                &[Kind::String, Kind::Object],
                "a string or an object",
                out,
            ),
            // The discriminators chose the definition; the version was checked first.
            Value::Is(_) | Value::IsNot(_) | Value::Major | Value::Minor => s.skip(),
            Value::Integer { minimum } => {
                let span = s.skip();
                let raw = &self.text[span.clone()];
                if kind != Kind::Integer || raw.parse::<i64>().is_ok_and(|n| n < minimum) {
                    out.push(self.issue(
                        span.clone(),
                        place,
                        format!(
                            "{} must be an integer of at least {minimum}, not {raw}",
                            What::Path(place, path)
                        ),
                    ));
                }
                span
            }
            Value::Shape(object) => match self.walk(s, Candidates::One(object), place, path) {
                Ok(walked) => {
                    let span = walked.span.clone();
                    let noun = What::Path(place, path);
                    let unknown = self.object(object, walked, place, path, noun, out);
                    if object.closed && self.strict {
                        for entry in unknown {
                            out.push(self.issue(
                                entry.key_span.start..entry.value.end,
                                place,
                                format!("unexpected key `{}` in {noun}", entry.key),
                            ));
                        }
                    }
                    span
                }
                Err((span, kind)) => {
                    out.push(self.issue(
                        span.clone(),
                        place,
                        format!(
                            "{} must be an object, not {}",
                            What::Path(place, path),
                            kind.describe()
                        ),
                    ));
                    span
                }
            },
            Value::Multiline => self.multiline(s, What::Path(place, path), place, out),
            Value::StringList => self.string_list(s, What::Path(place, path), place, out),
            Value::ExecutionCount => self.count(s, What::Path(place, path), place, out),
            Value::MetadataName => self.metadata_name(s, path, place, out),
            Value::MetadataTags => self.tags(s, path, place, out),
            Value::CellId => self.cell_id(s, place, out),
            Value::Mimebundle => self.mimebundle(s, What::Path(place, path), place, out),
            Value::Attachments => self.attachments(s, place, out),
            Value::Scrolled => {
                let span = s.skip();
                let value = &self.text[span.clone()];
                if !(kind == Kind::Bool || value == "\"auto\"") {
                    out.push(self.issue(
                        span.clone(),
                        place,
                        format!(
                            "{} must be true, false or \"auto\", not {value}",
                            What::Path(place, path)
                        ),
                    ));
                }
                span
            }
            Value::StringValues => self.string_values(s, path, place, out),
            Value::Cells => self.list(
                s,
                What::Path(place, "cells"),
                place,
                out,
                |s, index, out| {
                    self.cell(s, index, out);
                },
            ),
            Value::Outputs => {
                let cell = place.cell().unwrap_or_default();
                self.list(
                    s,
                    What::Path(place, "outputs"),
                    place,
                    out,
                    |s, index, out| {
                        self.output(s, cell, index, out);
                    },
                )
            }
        }
    }

    /// A list whose elements `element` checks.
    fn list(
        &self,
        s: &mut Scanner<'a>,
        what: What<'_>,
        place: Place,
        out: &mut Vec<Issue>,
        mut element: impl FnMut(&mut Scanner<'a>, usize, &mut Vec<Issue>),
    ) -> Span {
        let kind = s.peek();
        match s.array(|s, index| element(s, index, out)) {
            Ok(span) => span,
            Err(span) => {
                out.push(self.issue(
                    span.clone(),
                    place,
                    format!("{what} must be a list, not {}", kind.describe()),
                ));
                span
            }
        }
    }

    /// `#/definitions/misc/multiline_string`: a string or a list of strings.
    fn multiline(
        &self,
        s: &mut Scanner<'a>,
        what: What<'_>,
        place: Place,
        out: &mut Vec<Issue>,
    ) -> Span {
        match s.peek() {
            Kind::String => s.string(),
            Kind::Array if self.is_string_list(s.position()) => s.skip(),
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
                        place,
                        format!(
                            "{what} must be a string or a list of strings; this element is {}",
                            kind.describe()
                        ),
                    ));
                }
                span
            }
            kind => {
                let span = s.skip();
                out.push(self.issue(
                    span.clone(),
                    place,
                    format!(
                        "{what} must be a string or a list of strings, not {}",
                        kind.describe()
                    ),
                ));
                span
            }
        }
    }

    /// `true` when the list at `at` is known to hold only strings.
    fn is_string_list(&self, at: usize) -> bool {
        self.string_lists
            .binary_search_by_key(&at, |span| span.start)
            .is_ok()
    }

    /// `{"type": "array", "items": {"type": "string"}}`
    fn string_list(
        &self,
        s: &mut Scanner<'a>,
        what: What<'_>,
        place: Place,
        out: &mut Vec<Issue>,
    ) -> Span {
        let start = s.peek();
        let mut bad = None;
        let span = s.array(|s, _| {
            let kind = s.peek();
            let element = s.skip();
            if kind != Kind::String && bad.is_none() {
                bad = Some((element, kind));
            }
        });
        match span {
            Err(span) => {
                out.push(self.issue(
                    span.clone(),
                    place,
                    format!("{what} must be a list of strings, not {}", start.describe()),
                ));
                span
            }
            Ok(span) => {
                if let Some((element, kind)) = bad {
                    out.push(self.issue(
                        element,
                        place,
                        format!(
                            "{what} must be a list of strings; this element is {}",
                            kind.describe()
                        ),
                    ));
                }
                span
            }
        }
    }

    /// `#/definitions/misc/execution_count`: `null` or a non-negative integer.
    fn count(
        &self,
        s: &mut Scanner<'a>,
        what: What<'_>,
        place: Place,
        out: &mut Vec<Issue>,
    ) -> Span {
        let kind = s.peek();
        let span = s.skip();
        if !matches!(kind, Kind::Integer | Kind::Null) {
            out.push(self.issue(
                span.clone(),
                place,
                format!("{what} must be an integer or null, not {}", kind.describe()),
            ));
        } else if kind == Kind::Integer && self.text[span.clone()].starts_with('-') {
            out.push(self.issue(span.clone(), place, format!("{what} must not be negative")));
        }
        span
    }

    /// `#/definitions/misc/metadata_name`: a string matching `^.+$`.
    fn metadata_name(
        &self,
        s: &mut Scanner<'a>,
        path: &str,
        place: Place,
        out: &mut Vec<Issue>,
    ) -> Span {
        let kind = s.peek();
        let span = s.skip();
        if kind != Kind::String {
            out.push(self.issue(
                span.clone(),
                place,
                format!("`{path}` must be a string, not {}", kind.describe()),
            ));
            return span;
        }
        let name = decode(self.text, &span).unwrap_or_default();
        let body = without_final_newline(&name);
        if body.is_empty() || body.contains('\n') {
            out.push(self.issue(
                span.clone(),
                place,
                format!("`{path}` must be a non-empty line"),
            ));
        }
        span
    }

    /// `#/definitions/misc/metadata_tags`: unique strings matching `^[^,]+$`.
    fn tags(&self, s: &mut Scanner<'a>, path: &str, place: Place, out: &mut Vec<Issue>) -> Span {
        let text = self.text;
        let kind = s.peek();
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
        let span = match span {
            Ok(span) => span,
            Err(span) => {
                out.push(self.issue(
                    span.clone(),
                    place,
                    format!(
                        "`{path}` must be a list of strings, not {}",
                        kind.describe()
                    ),
                ));
                return span;
            }
        };
        for (span, message) in problems {
            out.push(self.issue(span, place, message));
        }
        span
    }

    /// `#/definitions/cell_id`.
    fn cell_id(&self, s: &mut Scanner<'a>, place: Place, out: &mut Vec<Issue>) -> Span {
        let kind = s.peek();
        let span = s.skip();
        if kind != Kind::String {
            out.push(self.issue(
                span.clone(),
                place,
                format!("the cell `id` must be a string, not {}", kind.describe()),
            ));
        } else if !nbtidy_notebook::cell_id::is_valid(&decode(self.text, &span).unwrap_or_default())
        {
            out.push(self.issue(
                span.clone(),
                place,
                format!(
                    "the cell id {} must be 1 to 64 characters from `a-z A-Z 0-9 - _`",
                    &self.text[span.clone()]
                ),
            ));
        }
        span
    }

    /// `#/definitions/misc/mimebundle`: values are text, except for JSON mime types.
    fn mimebundle(
        &self,
        s: &mut Scanner<'a>,
        what: What<'_>,
        place: Place,
        out: &mut Vec<Issue>,
    ) -> Span {
        let text = self.text;
        let start = s.peek();
        let strict = self.strict;
        let mut found: Vec<(Cow<'a, str>, Vec<Issue>)> = Vec::new();
        let span = s.object(|s, key_span| {
            let key = decode(text, &key_span).unwrap_or_default();
            let mut issues = Vec::new();
            // In a newer minor version `additionalProperties` is relaxed: nbformat replaces
            // the value schema by `true`.
            if strict && !is_multiline_json_mime(&key) {
                self.multiline(s, What::Data(&key), place, &mut issues);
            }
            found.push((key, issues));
        });
        match span {
            Ok(span) => {
                keep_last(&mut found, |(key, _)| key);
                out.extend(found.into_iter().flat_map(|(_, issues)| issues));
                span
            }
            Err(span) => {
                out.push(self.issue(
                    span.clone(),
                    place,
                    format!("{what} must be an object, not {}", start.describe()),
                ));
                span
            }
        }
    }

    /// `#/definitions/misc/attachments`: an object of mimebundles.
    fn attachments(&self, s: &mut Scanner<'a>, place: Place, out: &mut Vec<Issue>) -> Span {
        let kind = s.peek();
        let text = self.text;
        let mut issues = Vec::new();
        let span = s.object(|s, key_span| {
            let name = decode(text, &key_span).unwrap_or_default();
            self.mimebundle(s, What::Attachment(&name), place, &mut issues);
        });
        match span {
            Ok(span) => {
                out.extend(issues);
                span
            }
            Err(span) => {
                out.push(self.issue(
                    span.clone(),
                    place,
                    format!("`attachments` must be an object, not {}", kind.describe()),
                ));
                span
            }
        }
    }

    /// An object whose values are strings under every key matching `^.*$` (`patternProperties`).
    fn string_values(
        &self,
        s: &mut Scanner<'a>,
        path: &str,
        place: Place,
        out: &mut Vec<Issue>,
    ) -> Span {
        let text = self.text;
        let kind = s.peek();
        let mut problems = Vec::new();
        let span = s.object(|s, key_span| {
            let key = decode(text, &key_span).unwrap_or_default();
            let kind = s.peek();
            let value = s.skip();
            // `^.*$`: every key without an inner line break.
            if kind != Kind::String && !without_final_newline(&key).contains('\n') {
                problems.push((
                    value,
                    format!("`{path}.{key}` must be a string, not {}", kind.describe()),
                ));
            }
        });
        match span {
            Ok(span) => {
                for (value, message) in problems {
                    out.push(self.issue(value, place, message));
                }
                span
            }
            Err(span) => {
                out.push(self.issue(
                    span.clone(),
                    place,
                    format!("`{path}` must be an object, not {}", kind.describe()),
                ));
                span
            }
        }
    }

    /// The decoded string value of `key`, when it is a string.
    fn discriminator(&self, walked: &Walked<'a>, key: &str) -> Option<Cow<'a, str>> {
        walked
            .get(key)
            .filter(|e| e.kind == Kind::String)
            .and_then(|e| decode(self.text, &e.value))
    }

    /// One entry of `cells`: its definition is chosen by `cell_type` (the schema's `oneOf`).
    fn cell(&self, s: &mut Scanner<'a>, index: usize, out: &mut Vec<Issue>) {
        let place = Place::Cell(index);
        let walked = match self.walk(s, Candidates::Merged(self.cell_keys), place, "") {
            Ok(walked) => walked,
            Err((span, kind)) => {
                out.push(self.issue(
                    span,
                    place,
                    format!("a cell must be an object, not {}", kind.describe()),
                ));
                return;
            }
        };
        let cell_type = self.discriminator(&walked, "cell_type");
        let definition = cell_type
            .as_deref()
            .and_then(|name| schema::by_discriminator(schema::CELLS, "cell_type", name));
        let Some(definition) = definition else {
            // An unknown cell type is allowed only from a newer minor version on, as an object
            // with `cell_type` and a `metadata` object (anything else goes).
            if self.strict
                && let Some(entry) = walked.get("cell_type")
            {
                let message = match &cell_type {
                    Some(other) => format!(
                        "unknown `cell_type` \"{other}\"; expected `code`, `markdown` or `raw`"
                    ),
                    None => "`cell_type` must be a string".to_owned(),
                };
                out.push(self.issue(entry.value.clone(), place, message));
            }
            self.object(
                &schema::UNRECOGNIZED_CELL,
                walked,
                place,
                "",
                What::Cell(None),
                out,
            );
            return;
        };
        let name = cell_type.unwrap_or_default();
        let span = walked.span.clone();
        let unknown = self.object(definition, walked, place, "", What::Cell(Some(&name)), out);
        if !self.strict || unknown.is_empty() {
            return;
        }
        let mut tolerated: Vec<&Entry<'a>> = Vec::new();
        for entry in &unknown {
            if entry.key == "id" {
                // Allowed from 4.5 on; before that, reported once for the notebook.
                out.push(Issue {
                    span: entry.key_span.start..entry.value.end,
                    cell: Some(index),
                    message: String::new(),
                    kind: IssueKind::IdTooEarly,
                });
            } else if name != "code" && matches!(entry.key.as_ref(), "execution_count" | "outputs")
            {
                tolerated.push(entry);
            } else {
                out.push(self.issue(
                    entry.key_span.start..entry.value.end,
                    place,
                    format!("unexpected key `{}` in a {name} cell", entry.key),
                ));
            }
        }
        if let (Some(first), Some(last)) = (tolerated.first(), tolerated.last()) {
            // The fix removes the keys from the cell object, keeping the layout.
            let keys: Vec<String> = tolerated.iter().map(|e| e.key.to_string()).collect();
            let entries = object_entries(self.text, &span).unwrap_or_default();
            let remove: Vec<usize> = entries
                .iter()
                .enumerate()
                .filter(|(_, e)| keys.iter().any(|k| k == e.key.as_ref()))
                .map(|(i, _)| i)
                .collect();
            let edits = removal_edits(self.text, &span, &entry_spans(&entries), &remove);
            out.push(Issue {
                span: first.key_span.start..last.value.end,
                cell: Some(index),
                message: String::new(),
                kind: IssueKind::Tolerated {
                    cell_type: name.into_owned(),
                    keys,
                    edits,
                },
            });
        }
    }

    /// One entry of a code cell's `outputs`: its definition is chosen by `output_type`.
    fn output(&self, s: &mut Scanner<'a>, cell: usize, index: usize, out: &mut Vec<Issue>) {
        let place = Place::Output { cell, index };
        let noun = What::Output(index, None);
        let walked = match self.walk(s, Candidates::Merged(self.output_keys), place, "") {
            Ok(walked) => walked,
            Err((span, kind)) => {
                out.push(self.issue(
                    span,
                    place,
                    format!("{noun} must be an object, not {}", kind.describe()),
                ));
                return;
            }
        };
        let output_type = self.discriminator(&walked, "output_type");
        let definition = output_type
            .as_deref()
            .and_then(|name| schema::by_discriminator(schema::OUTPUTS, "output_type", name));
        let Some(definition) = definition else {
            // Unknown output types are allowed from a newer minor version on, as long as there
            // is an `output_type`; nothing else of them is checked.
            if self.strict
                && let Some(entry) = walked.get("output_type")
            {
                let message = match &output_type {
                    Some(name) => format!(
                        "{noun} has `output_type` \"{name}\"; expected `stream`, `display_data`, `execute_result` or `error`"
                    ),
                    None => format!("`output_type` of {noun} must be a string"),
                };
                out.push(self.issue(entry.value.clone(), place, message));
            } else if walked.get("output_type").is_none() {
                out.push(self.issue(
                    walked.span.clone(),
                    place,
                    format!("{noun} has no `output_type`"),
                ));
            }
            return;
        };
        let output_type = output_type.unwrap_or_default();
        let unknown = self.object(
            definition,
            walked,
            place,
            "",
            What::Output(index, Some(&output_type)),
            out,
        );
        if self.strict {
            for entry in unknown {
                out.push(self.issue(
                    entry.key_span.start..entry.value.end,
                    place,
                    format!(
                        "unexpected key `{}` in {}",
                        entry.key,
                        What::Output(index, Some(&output_type))
                    ),
                ));
            }
        }
    }
}

/// The problems of a notebook, judged against the schema of its `nbformat_minor`.
fn validate(text: &str, jumps: &[Span], string_lists: &[Span]) -> Vec<Issue> {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    // The top level first, with every value jumped over, to learn the version.
    let first = Validator::new(text, jumps, string_lists, schema::NEWEST_MINOR);
    let top = first.walk(
        &mut first.scanner(bom),
        Candidates::None,
        Place::Notebook,
        "",
    );
    let Ok(top) = top else {
        return vec![first.issue(
            bom..text.len(),
            Place::Notebook,
            "a notebook must be a JSON object".to_owned(),
        )];
    };
    let head = top.span.start..top.span.start + 1;

    // The version decides which schema applies.
    match top.get("nbformat") {
        None => {
            return vec![first.issue(
                head,
                Place::Notebook,
                "the notebook has no `nbformat` (nbformat reads it as version 1, which has no schema)"
                    .to_owned(),
            )];
        }
        Some(entry) if entry.kind != Kind::Integer || &text[entry.value.clone()] != "4" => {
            return vec![first.issue(
                entry.value.clone(),
                Place::Notebook,
                format!(
                    "`nbformat` is {}; only the integer 4 has a schema",
                    &text[entry.value.clone()]
                ),
            )];
        }
        Some(_) => {}
    }
    let mut issues = Vec::new();
    let minor_span = top.get("nbformat_minor").map(|e| e.value.clone());
    let minor = match top.get("nbformat_minor") {
        // Reported as a missing required key below; checked like the newest.
        None => schema::NEWEST_MINOR,
        Some(entry) => {
            let raw = &text[entry.value.clone()];
            match raw.parse::<u64>() {
                Ok(minor) if entry.kind == Kind::Integer => minor,
                _ if entry.kind == Kind::Integer && raw.starts_with('-') => {
                    return vec![first.issue(
                        entry.value.clone(),
                        Place::Notebook,
                        format!(
                            "`nbformat_minor` is {raw}; no schema has a negative minor version"
                        ),
                    )];
                }
                _ if entry.kind == Kind::Integer => u64::MAX,
                _ => {
                    issues.push(first.issue(
                        entry.value.clone(),
                        Place::Notebook,
                        format!("`nbformat_minor` must be an integer, not {raw}"),
                    ));
                    schema::NEWEST_MINOR
                }
            }
        }
    };
    let validator = Validator::new(text, jumps, string_lists, minor);
    let unknown = validator.object(
        &schema::NOTEBOOK,
        top,
        Place::Notebook,
        "",
        What::Notebook,
        &mut issues,
    );
    if validator.strict {
        for entry in unknown {
            issues.push(validator.issue(
                entry.key_span.start..entry.value.end,
                Place::Notebook,
                format!("unexpected top-level key `{}`", entry.key),
            ));
        }
    }
    // Cell ids before 4.5: one finding for the notebook.
    let ids_too_early = issues
        .iter()
        .filter(|issue| matches!(issue.kind, IssueKind::IdTooEarly))
        .count();
    issues.retain(|issue| !matches!(issue.kind, IssueKind::IdTooEarly));
    if ids_too_early > 0 {
        let count = ids_too_early;
        issues.push(Issue {
            span: minor_span.unwrap_or(head),
            cell: None,
            message: format!(
                "nbformat 4.{minor} does not allow cell ids, but {count} cell{} {} one (Colab writes them; Jupyter ignores them): set `nbformat_minor` to 5 to keep them",
                if count == 1 { "" } else { "s" },
                if count == 1 { "has" } else { "have" },
            ),
            kind: IssueKind::Plain,
        });
    }
    issues
}

impl Rule for InvalidNotebook {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        let notebook = context.notebook();
        for issue in validate(notebook.text(), context.jumps(), notebook.string_lists()) {
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
        validate(text, &[], &[])
            .into_iter()
            .map(|i| i.message)
            .collect()
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
    fn duplicate_keys_keep_the_last() {
        let cell = r#"{"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [], "source": 1, "source": ""}"#;
        assert!(messages(&notebook(cell, 4)).is_empty());
    }
}
