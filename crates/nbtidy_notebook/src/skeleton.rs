//! The skeleton parse: one checked scan ([`crate::scan::Scanner::checked`]) over the notebook
//! that records byte spans of the values we may need and decodes only a few small strings
//! (`cell_type`, `language_info.name`, `kernelspec.language` / `name`).
//!
//! Nothing here allocates per output or per metadata entry: outputs, metadata and unknown keys
//! are skipped (checked, never copied). Duplicate keys are accepted and the last one wins, as
//! Python's `json` module (and so Jupyter) does; `NaN`, `Infinity` and `-Infinity` are values
//! like any number.

use crate::scan::{Kind, ScanError, Scanner, decode, key_is};

/// Byte range of a JSON value inside the parsed text.
pub(crate) type Span = std::ops::Range<usize>;

/// What the skeleton parse found at the top level of the notebook.
#[derive(Debug, Default)]
pub(crate) struct RawNotebook {
    pub(crate) cells: Option<Vec<RawCell>>,
    /// The span of the `cells` list.
    pub(crate) cells_span: Option<Span>,
    /// `cells` was present but not a list.
    pub(crate) cells_not_list: bool,
    pub(crate) worksheets: bool,
    pub(crate) nbformat: Option<Span>,
    pub(crate) nbformat_minor: Option<Span>,
    pub(crate) metadata: Option<Span>,
    /// The strings of [`crate::scan::LONG_STRING`] bytes or more, in file order.
    pub(crate) long_strings: Vec<Span>,
    /// The lists of only strings of [`crate::scan::STRING_LIST`] bytes or more, in file order.
    pub(crate) string_lists: Vec<Span>,
    pub(crate) language_info_name: Option<String>,
    pub(crate) kernelspec_language: Option<String>,
    pub(crate) kernelspec_name: Option<String>,
}

/// One entry of `cells`, as spans.
#[derive(Debug, Default, Clone)]
pub(crate) struct RawCell {
    pub(crate) cell_type: Option<String>,
    pub(crate) source: Option<Span>,
    pub(crate) metadata: Option<Span>,
    pub(crate) outputs: Option<Span>,
    pub(crate) execution_count: Option<Span>,
    pub(crate) id: Option<Span>,
    /// The cell has keys besides these (`attachments`, ...).
    pub(crate) other_keys: bool,
    /// The cell entry was not a JSON object.
    pub(crate) not_object: bool,
}

/// Why the text is not a notebook's JSON: a scan error, or a top level that is not an object.
pub(crate) enum ParseError {
    Json(ScanError),
    NotObject { offset: usize, kind: Kind },
}

/// Parses `text` (without BOM) into a [`RawNotebook`]; spans are relative to `text`.
pub(crate) fn parse(text: &str) -> Result<RawNotebook, ParseError> {
    let mut s = Scanner::checked(text, 0);
    let mut nb = RawNotebook::default();
    let kind = s.peek();
    let start = s.position();
    let top = s.object(|s, key| {
        if key_is(text, &key, "cells") {
            let mut cells = Vec::new();
            let list = s.array(|s, _| cells.push(cell(text, s)));
            nb.cells_not_list = list.is_err();
            nb.cells_span = list.as_ref().ok().cloned();
            nb.cells = list.ok().map(|_| cells);
        } else if key_is(text, &key, "worksheets") {
            s.skip();
            nb.worksheets = true;
        } else if key_is(text, &key, "nbformat") {
            nb.nbformat = Some(s.skip());
        } else if key_is(text, &key, "nbformat_minor") {
            nb.nbformat_minor = Some(s.skip());
        } else if key_is(text, &key, "metadata") {
            nb.language_info_name = None;
            nb.kernelspec_language = None;
            nb.kernelspec_name = None;
            let span = s
                .object(|s, key| {
                    if key_is(text, &key, "language_info") {
                        let (name, _) = name_language(text, s);
                        nb.language_info_name = name;
                    } else if key_is(text, &key, "kernelspec") {
                        let (name, language) = name_language(text, s);
                        nb.kernelspec_name = name;
                        nb.kernelspec_language = language;
                    }
                })
                .unwrap_or_else(|span| span);
            nb.metadata = Some(span);
        }
    });
    if top.is_err() && kind != Kind::Invalid && s.error().is_none() {
        return Err(ParseError::NotObject {
            offset: start,
            kind,
        });
    }
    nb.long_strings = s.take_long_strings();
    nb.string_lists = s.take_string_lists();
    s.finish().map_err(ParseError::Json)?;
    Ok(nb)
}

/// A string value, decoded; `None` for any other type (tolerated, not an error).
fn maybe_string(text: &str, s: &mut Scanner<'_>) -> Option<String> {
    if s.peek() != Kind::String {
        s.skip();
        return None;
    }
    let span = s.string();
    decode(text, &span).map(std::borrow::Cow::into_owned)
}

/// `name` and `language` of an object (the last of each wins); `(None, None)` for any other
/// value.
fn name_language(text: &str, s: &mut Scanner<'_>) -> (Option<String>, Option<String>) {
    let (mut name, mut language) = (None, None);
    let _ = s.object(|s, key| {
        if key_is(text, &key, "name") {
            name = maybe_string(text, s);
        } else if key_is(text, &key, "language") {
            language = maybe_string(text, s);
        }
    });
    (name, language)
}

/// One entry of `cells`.
fn cell(text: &str, s: &mut Scanner<'_>) -> RawCell {
    let mut cell = RawCell::default();
    let object = s.object(|s, key| {
        let slot = if key_is(text, &key, "cell_type") {
            cell.cell_type = maybe_string(text, s);
            return;
        } else if key_is(text, &key, "source") {
            &mut cell.source
        } else if key_is(text, &key, "metadata") {
            &mut cell.metadata
        } else if key_is(text, &key, "outputs") {
            &mut cell.outputs
        } else if key_is(text, &key, "execution_count") {
            &mut cell.execution_count
        } else if key_is(text, &key, "id") {
            &mut cell.id
        } else {
            cell.other_keys = true;
            return;
        };
        *slot = Some(s.skip());
    });
    if object.is_err() {
        cell.not_object = true;
    }
    cell
}
