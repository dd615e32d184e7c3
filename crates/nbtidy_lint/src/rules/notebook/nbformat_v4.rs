//! nbformat's v4 JSON schema (`nbformat.v4.0.schema.json` to `nbformat.v4.5.schema.json`, as
//! nbformat 5.11.1 ships them) as a table, for `NB010` (invalid-notebook).
//!
//! Hold it next to the schema: one [`Object`] per object of the schema (the top level, each
//! definition, each object property that lists `properties`), with its `required` keys, whether
//! `additionalProperties` is `false` ([`Object::closed`]), and each property with the schema
//! fragment it must match ([`Value`]) and the minor version that introduced it. The test
//! `schema_table_is_nbformats_schema` below derives the same table from the schema files
//! (checked-in copies in `tests/nbformat/`) for each minor version and asserts equality, so a
//! difference in either fails.
//!
//! What the schema says but a table cannot, `NB010`'s walker (`invalid_notebook.rs`) does:
//! choosing the cell or output definition by `cell_type` / `output_type` (the schema's `oneOf`),
//! the relaxed checks of a newer minor version, and the deliberate deviations listed in the
//! rule's documentation (missing cell ids are `NB008`'s).

/// Which schema fragment a value must match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Value {
    /// `{"type": "string"}`
    String,
    /// `{"type": "boolean"}`
    Boolean,
    /// `{"type": "array"}`, elements unchecked (`metadata.authors` says `item`, which no
    /// validator reads, instead of `items`).
    Array,
    /// `{"type": "object"}` with nothing checked inside: `#/definitions/misc/output_metadata`,
    /// and the cells' `metadata.jupyter`, whose `source_hidden` / `outputs_hidden` stand beside
    /// `properties` instead of inside it, so no validator reads them either.
    Object,
    /// An object with the properties of another entry of the table.
    Shape(&'static Object),
    /// `{"type": "integer", "minimum": N}` (`orig_nbformat`).
    Integer {
        /// The smallest value allowed.
        minimum: i64,
    },
    /// `nbformat`: `{"type": "integer", "minimum": 4, "maximum": 4}`.
    Major,
    /// `nbformat_minor`: `{"type": "integer", "minimum": M}`, where M is the schema's own minor
    /// version.
    Minor,
    /// `#/definitions/misc/multiline_string` (and `misc/source`, which refers to it): a string
    /// or a list of strings.
    Multiline,
    /// `{"type": "array", "items": {"type": "string"}}` (`traceback`).
    StringList,
    /// `#/definitions/misc/execution_count`: `{"type": ["integer", "null"], "minimum": 0}`.
    ExecutionCount,
    /// `#/definitions/misc/metadata_name`: a string matching `^.+$`.
    MetadataName,
    /// `#/definitions/misc/metadata_tags`: unique strings matching `^[^,]+$`.
    MetadataTags,
    /// `#/definitions/cell_id`: 1 to 64 characters matching `^[a-zA-Z0-9-_]+$` (from 4.5).
    CellId,
    /// `#/definitions/misc/mimebundle`: an object whose values are multiline strings, except
    /// under keys matching `^application/(.*\+)?json$`.
    Mimebundle,
    /// `#/definitions/misc/attachments`: an object of mimebundles.
    Attachments,
    /// `{"enum": [true, false, "auto"]}` (`metadata.scrolled`).
    Scrolled,
    /// `{"oneOf": [{"type": "string"}, {"type": "object"}]}` (`codemirror_mode`).
    StringOrObject,
    /// An object whose values are strings under every key matching `^.*$`
    /// (`patternProperties`; the listed `properties` are strings too): `metadata.execution`.
    StringValues,
    /// `{"enum": [NAME]}`: the discriminator of a cell or output definition.
    Is(&'static str),
    /// `{"not": {"enum": [...]}}`: the discriminator of `unrecognized_cell` / `_output`.
    IsNot(&'static [&'static str]),
    /// `{"type": "array", "items": {"$ref": "#/definitions/cell"}}`
    Cells,
    /// `{"type": "array", "items": {"$ref": "#/definitions/output"}}`
    Outputs,
}

/// One key of an object: its name, the fragment its value must match, and the minor version
/// from which the schema has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Property {
    pub(crate) key: &'static str,
    pub(crate) value: Value,
    pub(crate) since: u64,
}

/// A `required` key, and the minor version from which it is required.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Required {
    pub(crate) key: &'static str,
    pub(crate) since: u64,
}

/// One object of the schema.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Object {
    /// Where the schema has it: `notebook` (the top level), a definition's name, or a parent's
    /// name and the property (`code_cell.metadata`).
    pub(crate) name: &'static str,
    pub(crate) required: &'static [Required],
    /// `"additionalProperties": false`: no key beyond `properties`.
    pub(crate) closed: bool,
    pub(crate) properties: &'static [Property],
}

impl Object {
    /// The property `key` as the schema of minor version `minor` has it.
    pub(crate) fn property(&self, key: &str, minor: u64) -> Option<&Property> {
        self.properties
            .iter()
            .find(|p| p.key == key && p.since <= minor)
    }

    /// The keys required in minor version `minor`.
    pub(crate) fn required(&self, minor: u64) -> impl Iterator<Item = &'static str> + '_ {
        self.required
            .iter()
            .filter(move |r| r.since <= minor)
            .map(|r| r.key)
    }
}

const fn p(key: &'static str, value: Value) -> Property {
    Property {
        key,
        value,
        since: 0,
    }
}

const fn since(minor: u64, key: &'static str, value: Value) -> Property {
    Property {
        key,
        value,
        since: minor,
    }
}

const fn r(key: &'static str) -> Required {
    Required { key, since: 0 }
}

/// The newest minor version the table knows.
pub(crate) const NEWEST_MINOR: u64 = 5;

/// The top level.
pub(crate) static NOTEBOOK: Object = Object {
    name: "notebook",
    required: &[
        r("metadata"),
        r("nbformat_minor"),
        r("nbformat"),
        r("cells"),
    ],
    closed: true,
    properties: &[
        p("metadata", Value::Shape(&NOTEBOOK_METADATA)),
        p("nbformat_minor", Value::Minor),
        p("nbformat", Value::Major),
        p("cells", Value::Cells),
    ],
};

pub(crate) static NOTEBOOK_METADATA: Object = Object {
    name: "notebook.metadata",
    required: &[],
    closed: false,
    properties: &[
        p("kernelspec", Value::Shape(&KERNELSPEC)),
        p("language_info", Value::Shape(&LANGUAGE_INFO)),
        p("orig_nbformat", Value::Integer { minimum: 1 }),
        since(2, "title", Value::String),
        since(2, "authors", Value::Array),
    ],
};

pub(crate) static KERNELSPEC: Object = Object {
    name: "notebook.metadata.kernelspec",
    required: &[r("name"), r("display_name")],
    closed: false,
    properties: &[p("name", Value::String), p("display_name", Value::String)],
};

pub(crate) static LANGUAGE_INFO: Object = Object {
    name: "notebook.metadata.language_info",
    required: &[r("name")],
    closed: false,
    properties: &[
        p("name", Value::String),
        p("codemirror_mode", Value::StringOrObject),
        p("file_extension", Value::String),
        p("mimetype", Value::String),
        p("pygments_lexer", Value::String),
    ],
};

/// `id` is required from 4.5 on.
const ID: Required = Required {
    key: "id",
    since: 5,
};

pub(crate) static RAW_CELL: Object = Object {
    name: "raw_cell",
    required: &[ID, r("cell_type"), r("metadata"), r("source")],
    closed: true,
    properties: &[
        since(5, "id", Value::CellId),
        p("cell_type", Value::Is("raw")),
        p("metadata", Value::Shape(&RAW_CELL_METADATA)),
        p("attachments", Value::Attachments),
        p("source", Value::Multiline),
    ],
};

pub(crate) static RAW_CELL_METADATA: Object = Object {
    name: "raw_cell.metadata",
    required: &[],
    closed: false,
    properties: &[
        p("format", Value::String),
        since(3, "jupyter", Value::Object),
        p("name", Value::MetadataName),
        p("tags", Value::MetadataTags),
    ],
};

pub(crate) static MARKDOWN_CELL: Object = Object {
    name: "markdown_cell",
    required: &[ID, r("cell_type"), r("metadata"), r("source")],
    closed: true,
    properties: &[
        since(5, "id", Value::CellId),
        p("cell_type", Value::Is("markdown")),
        p("metadata", Value::Shape(&MARKDOWN_CELL_METADATA)),
        p("attachments", Value::Attachments),
        p("source", Value::Multiline),
    ],
};

pub(crate) static MARKDOWN_CELL_METADATA: Object = Object {
    name: "markdown_cell.metadata",
    required: &[],
    closed: false,
    properties: &[
        p("name", Value::MetadataName),
        p("tags", Value::MetadataTags),
        since(3, "jupyter", Value::Object),
    ],
};

pub(crate) static CODE_CELL: Object = Object {
    name: "code_cell",
    required: &[
        ID,
        r("cell_type"),
        r("metadata"),
        r("source"),
        r("outputs"),
        r("execution_count"),
    ],
    closed: true,
    properties: &[
        since(5, "id", Value::CellId),
        p("cell_type", Value::Is("code")),
        p("metadata", Value::Shape(&CODE_CELL_METADATA)),
        p("source", Value::Multiline),
        p("outputs", Value::Outputs),
        p("execution_count", Value::ExecutionCount),
    ],
};

pub(crate) static CODE_CELL_METADATA: Object = Object {
    name: "code_cell.metadata",
    required: &[],
    closed: false,
    properties: &[
        since(3, "jupyter", Value::Object),
        since(4, "execution", Value::StringValues),
        p("collapsed", Value::Boolean),
        p("scrolled", Value::Scrolled),
        p("name", Value::MetadataName),
        p("tags", Value::MetadataTags),
    ],
};

/// The cell types the schema defines.
pub(crate) const CELL_TYPES: &[&str] = &["markdown", "code", "raw"];

pub(crate) static UNRECOGNIZED_CELL: Object = Object {
    name: "unrecognized_cell",
    required: &[r("cell_type"), r("metadata")],
    closed: false,
    properties: &[
        p("cell_type", Value::IsNot(CELL_TYPES)),
        p("metadata", Value::Shape(&UNRECOGNIZED_CELL_METADATA)),
    ],
};

pub(crate) static UNRECOGNIZED_CELL_METADATA: Object = Object {
    name: "unrecognized_cell.metadata",
    required: &[],
    closed: false,
    properties: &[
        p("name", Value::MetadataName),
        p("tags", Value::MetadataTags),
    ],
};

pub(crate) static EXECUTE_RESULT: Object = Object {
    name: "execute_result",
    required: &[
        r("output_type"),
        r("data"),
        r("metadata"),
        r("execution_count"),
    ],
    closed: true,
    properties: &[
        p("output_type", Value::Is("execute_result")),
        p("execution_count", Value::ExecutionCount),
        p("data", Value::Mimebundle),
        p("metadata", Value::Object),
    ],
};

pub(crate) static DISPLAY_DATA: Object = Object {
    name: "display_data",
    required: &[r("output_type"), r("data"), r("metadata")],
    closed: true,
    properties: &[
        p("output_type", Value::Is("display_data")),
        p("data", Value::Mimebundle),
        p("metadata", Value::Object),
    ],
};

pub(crate) static STREAM: Object = Object {
    name: "stream",
    required: &[r("output_type"), r("name"), r("text")],
    closed: true,
    properties: &[
        p("output_type", Value::Is("stream")),
        p("name", Value::String),
        p("text", Value::Multiline),
    ],
};

pub(crate) static ERROR: Object = Object {
    name: "error",
    required: &[r("output_type"), r("ename"), r("evalue"), r("traceback")],
    closed: true,
    properties: &[
        p("output_type", Value::Is("error")),
        p("ename", Value::String),
        p("evalue", Value::String),
        p("traceback", Value::StringList),
    ],
};

/// The output types the schema defines.
pub(crate) const OUTPUT_TYPES: &[&str] = &["execute_result", "display_data", "stream", "error"];

pub(crate) static UNRECOGNIZED_OUTPUT: Object = Object {
    name: "unrecognized_output",
    required: &[r("output_type")],
    closed: false,
    properties: &[p("output_type", Value::IsNot(OUTPUT_TYPES))],
};

/// The cell definitions (the schema's `cell.oneOf`), found by `cell_type`.
pub(crate) const CELLS: &[&Object] = &[&RAW_CELL, &MARKDOWN_CELL, &CODE_CELL];

/// The output definitions (the schema's `output.oneOf`), found by `output_type`.
pub(crate) const OUTPUTS: &[&Object] = &[&EXECUTE_RESULT, &DISPLAY_DATA, &STREAM, &ERROR];

/// The definition whose discriminator (`cell_type` / `output_type`) is `name`.
pub(crate) fn by_discriminator(
    definitions: &[&'static Object],
    key: &str,
    name: &str,
) -> Option<&'static Object> {
    definitions.iter().copied().find(|object| {
        object
            .properties
            .iter()
            .any(|p| p.key == key && matches!(p.value, Value::Is(is) if is == name))
    })
}

/// Every object of the table, for the comparison with the schema.
#[cfg(test)]
const TABLE: &[&Object] = &[
    &NOTEBOOK,
    &NOTEBOOK_METADATA,
    &KERNELSPEC,
    &LANGUAGE_INFO,
    &RAW_CELL,
    &RAW_CELL_METADATA,
    &MARKDOWN_CELL,
    &MARKDOWN_CELL_METADATA,
    &CODE_CELL,
    &CODE_CELL_METADATA,
    &UNRECOGNIZED_CELL,
    &UNRECOGNIZED_CELL_METADATA,
    &EXECUTE_RESULT,
    &DISPLAY_DATA,
    &STREAM,
    &ERROR,
    &UNRECOGNIZED_OUTPUT,
];

#[cfg(test)]
mod tests {
    //! The table against the schema files: for each minor version, every object the schema
    //! defines is derived from the JSON (an unknown fragment fails the test, so a new kind of
    //! constraint cannot slip by) and compared with the table's view of that version.

    use std::collections::BTreeMap;

    use serde_json::{Value as Json, json};

    use super::*;

    /// An object as comparable text: required keys, closed, each property's fragment.
    type Flat = BTreeMap<String, (Vec<String>, bool, BTreeMap<String, String>)>;

    fn describe(value: &Value) -> String {
        match value {
            Value::Shape(object) => format!("shape {}", object.name),
            Value::Is(name) => format!("is {name}"),
            Value::IsNot(names) => format!("is not {}", names.join(" ")),
            other => format!("{other:?}"),
        }
    }

    fn from_table(minor: u64) -> Flat {
        TABLE
            .iter()
            .map(|object| {
                let mut required: Vec<String> = object.required(minor).map(str::to_owned).collect();
                required.sort();
                let properties = object
                    .properties
                    .iter()
                    .filter(|p| p.since <= minor)
                    .map(|p| (p.key.to_owned(), describe(&p.value)))
                    .collect();
                (
                    object.name.to_owned(),
                    (required, object.closed, properties),
                )
            })
            .collect()
    }

    struct Schema<'a> {
        root: &'a Json,
        minor: u64,
        flat: Flat,
    }

    impl<'a> Schema<'a> {
        fn resolve(&self, fragment: &'a Json) -> (&'a Json, Option<&'a str>) {
            match fragment.get("$ref").and_then(Json::as_str) {
                Some(reference) => {
                    let path = reference.strip_prefix("#/").expect("local $ref");
                    let target = path.split('/').fold(self.root, |at, part| &at[part]);
                    // `misc/source` is `misc/multiline_string` by another name.
                    let (target, name) = self.resolve(target);
                    (target, name.or(Some(path)))
                }
                None => (fragment, None),
            }
        }

        /// The table's [`Value`] for a property's fragment, as text.
        fn value(&mut self, parent: &str, key: &str, fragment: &'a Json) -> String {
            let (fragment, reference) = self.resolve(fragment);
            let by_reference = match reference {
                Some("definitions/misc/multiline_string" | "definitions/misc/source") => {
                    Some(Value::Multiline)
                }
                Some("definitions/misc/execution_count") => Some(Value::ExecutionCount),
                Some("definitions/misc/metadata_name") => Some(Value::MetadataName),
                Some("definitions/misc/metadata_tags") => Some(Value::MetadataTags),
                Some("definitions/cell_id") => Some(Value::CellId),
                Some("definitions/misc/mimebundle") => Some(Value::Mimebundle),
                Some("definitions/misc/attachments") => Some(Value::Attachments),
                Some("definitions/misc/output_metadata") => Some(Value::Object),
                Some(other) => panic!("4.{}: {parent}.{key}: unknown $ref {other}", self.minor),
                None => None,
            };
            if let Some(value) = by_reference {
                self.check_fragment(&value, fragment, parent, key);
                return describe(&value);
            }
            let object = fragment.as_object().expect("a fragment is an object");
            let keys: Vec<&str> = object
                .keys()
                .map(String::as_str)
                .filter(|k| *k != "description")
                .collect();
            let text = |value: Value| describe(&value);
            match (keys.as_slice(), fragment.get("type")) {
                (["type"], Some(t)) if t == "string" => text(Value::String),
                (["type"], Some(t)) if t == "boolean" => text(Value::Boolean),
                (["type"] | ["type", "item"] | ["item", "type"], Some(t)) if t == "array" => {
                    text(Value::Array)
                }
                (_, Some(t)) if t == &json!(["integer", "null"]) => {
                    assert_eq!(
                        fragment.get("minimum"),
                        Some(&json!(0)),
                        "4.{}: {parent}.{key}",
                        self.minor
                    );
                    text(Value::ExecutionCount)
                }
                (_, Some(t)) if t == "integer" => match (
                    key,
                    fragment.get("minimum").and_then(Json::as_i64),
                    fragment.get("maximum").and_then(Json::as_i64),
                ) {
                    ("nbformat", Some(4), Some(4)) => text(Value::Major),
                    ("nbformat_minor", Some(m), None) if m == self.minor as i64 => {
                        text(Value::Minor)
                    }
                    (_, Some(minimum), None) => text(Value::Integer { minimum }),
                    other => panic!("4.{}: {parent}.{key}: integer {other:?}", self.minor),
                },
                (_, Some(t)) if t == "array" && fragment.get("items").is_some() => {
                    let (items, reference) = self.resolve(&fragment["items"]);
                    match reference {
                        Some("definitions/cell") => text(Value::Cells),
                        Some("definitions/output") => text(Value::Outputs),
                        None if items == &json!({"type": "string"}) => text(Value::StringList),
                        other => panic!("4.{}: {parent}.{key}: items {other:?}", self.minor),
                    }
                }
                (_, None) if fragment.get("enum").is_some() => {
                    let values = fragment["enum"].as_array().expect("enum list");
                    match values.as_slice() {
                        [Json::String(name)] => format!("is {name}"),
                        [a, b, c] if a == &json!(true) && b == &json!(false) && c == "auto" => {
                            text(Value::Scrolled)
                        }
                        other => panic!("4.{}: {parent}.{key}: enum {other:?}", self.minor),
                    }
                }
                (_, None) if fragment.get("not").is_some() => {
                    let names: Vec<&str> = fragment["not"]["enum"]
                        .as_array()
                        .expect("not enum")
                        .iter()
                        .map(|n| n.as_str().expect("names"))
                        .collect();
                    format!("is not {}", names.join(" "))
                }
                (_, None) if fragment.get("oneOf").is_some() => {
                    assert_eq!(
                        fragment["oneOf"],
                        json!([{"type": "string"}, {"type": "object"}]),
                        "4.{}: {parent}.{key}",
                        self.minor
                    );
                    text(Value::StringOrObject)
                }
                (_, Some(t)) if t == "object" => {
                    if let Some(patterns) = fragment.get("patternProperties") {
                        assert_eq!(patterns, &json!({"^.*$": {"type": "string"}}));
                        for property in fragment["properties"]
                            .as_object()
                            .expect("properties")
                            .values()
                        {
                            assert_eq!(property["type"], "string");
                        }
                        return text(Value::StringValues);
                    }
                    if fragment.get("properties").is_none() {
                        return text(Value::Object);
                    }
                    let name = format!("{parent}.{key}");
                    self.object(&name, fragment);
                    format!("shape {name}")
                }
                other => panic!(
                    "4.{}: {parent}.{key}: unknown fragment {other:?}",
                    self.minor
                ),
            }
        }

        /// A `$ref`'d definition is what its [`Value`] says it is.
        fn check_fragment(&self, value: &Value, fragment: &Json, parent: &str, key: &str) {
            let expected = match value {
                Value::ExecutionCount => json!({"type": ["integer", "null"], "minimum": 0}),
                Value::MetadataName => json!({"type": "string", "pattern": "^.+$"}),
                Value::MetadataTags => json!({"type": "array", "uniqueItems": true,
                    "items": {"type": "string", "pattern": "^[^,]+$"}}),
                Value::CellId => json!({"type": "string", "pattern": "^[a-zA-Z0-9-_]+$",
                    "minLength": 1, "maxLength": 64}),
                Value::Mimebundle => json!({"type": "object",
                    "additionalProperties": {"$ref": "#/definitions/misc/multiline_string"},
                    "patternProperties": {"^application/(.*\\+)?json$": {}}}),
                Value::Attachments => json!({"type": "object",
                    "patternProperties": {".*": {"$ref": "#/definitions/misc/mimebundle"}}}),
                Value::Object => json!({"type": "object", "additionalProperties": true}),
                Value::Multiline => json!({"oneOf": [{"type": "string"},
                    {"type": "array", "items": {"type": "string"}}]}),
                other => panic!("{parent}.{key}: {other:?} is not a $ref"),
            };
            assert_eq!(
                without_descriptions(fragment),
                expected,
                "4.{}: {parent}.{key}",
                self.minor
            );
        }

        fn object(&mut self, name: &str, fragment: &'a Json) {
            let mut required: Vec<String> = fragment
                .get("required")
                .and_then(Json::as_array)
                .map(|keys| {
                    keys.iter()
                        .map(|k| k.as_str().unwrap().to_owned())
                        .collect()
                })
                .unwrap_or_default();
            required.sort();
            let closed = fragment.get("additionalProperties") == Some(&json!(false));
            let mut properties = BTreeMap::new();
            for (key, value) in fragment["properties"].as_object().expect("properties") {
                let value = self.value(name, key, value);
                properties.insert(key.clone(), value);
            }
            self.flat
                .insert(name.to_owned(), (required, closed, properties));
        }
    }

    fn without_descriptions(json: &Json) -> Json {
        match json {
            Json::Object(map) => Json::Object(
                map.iter()
                    .filter(|(k, _)| *k != "description")
                    .map(|(k, v)| (k.clone(), without_descriptions(v)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    fn from_schema(minor: u64) -> Flat {
        let path = format!(
            "{}/tests/nbformat/nbformat.v4.{minor}.schema.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let root: Json = serde_json::from_str(&text).unwrap();
        let mut schema = Schema {
            root: &root,
            minor,
            flat: Flat::new(),
        };
        schema.object("notebook", &root);
        let definitions = root["definitions"].as_object().unwrap();
        for (name, definition) in definitions {
            match name.as_str() {
                // `misc/*` and `cell_id` are fragments, checked where they are used; `cell` and
                // `output` are the `oneOf`s the walker resolves by discriminator.
                "misc" | "cell_id" => {}
                "cell" | "output" => {
                    let expected: &[&Object] = if name == "cell" { CELLS } else { OUTPUTS };
                    let refs: Vec<String> = definition["oneOf"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|r| r["$ref"].as_str().unwrap().replace("#/definitions/", ""))
                        .collect();
                    let names: Vec<String> = expected.iter().map(|o| o.name.to_owned()).collect();
                    assert_eq!(refs, names, "4.{minor}: {name}.oneOf");
                }
                _ => schema.object(name, definition),
            }
        }
        schema.flat
    }

    #[test]
    fn schema_table_is_nbformats_schema() {
        for minor in 0..=NEWEST_MINOR {
            let schema = from_schema(minor);
            let table = from_table(minor);
            assert_eq!(schema.len(), TABLE.len(), "4.{minor}: objects");
            for name in schema.keys().chain(table.keys()) {
                assert_eq!(
                    table.get(name),
                    schema.get(name),
                    "nbformat 4.{minor}: `{name}` (left: the table, right: the schema)"
                );
            }
        }
    }

    #[test]
    fn a_changed_table_would_fail() {
        // The comparison sees a property's version, a required key and a type.
        let mut table = from_table(3);
        table
            .get_mut("code_cell.metadata")
            .unwrap()
            .2
            .remove("jupyter");
        assert_ne!(table, from_schema(3));
        assert_ne!(from_table(4), from_schema(3));
        let mut table = from_table(5);
        table.get_mut("stream").unwrap().0.pop();
        assert_ne!(table, from_schema(5));
    }
}
