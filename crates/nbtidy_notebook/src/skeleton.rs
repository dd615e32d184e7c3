//! The skeleton parse: one pass of serde_json over the notebook that records byte spans of the
//! values we may need and decodes only a few small metadata strings.
//!
//! Nothing here allocates per output or per metadata entry: outputs, metadata and unknown keys
//! are skipped as borrowed [`RawValue`]s (their text is scanned, never copied).
//!
//! Duplicate keys are accepted and the last one wins, as Python's `json` module (and so Jupyter)
//! does. Non-standard tokens `NaN`, `Infinity` and `-Infinity`, which Python writes for
//! non-finite floats, are handled by the caller (see [`crate::Notebook::parse`]).

use std::fmt;
use std::ops::Range;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

/// Byte range of a JSON value inside the parsed text.
pub(crate) type Span = Range<usize>;

/// What the skeleton parse found at the top level of the notebook.
#[derive(Debug, Default)]
pub(crate) struct RawNotebook {
    pub(crate) cells: Option<Vec<RawCell>>,
    /// `cells` was present but not a list.
    pub(crate) cells_not_list: bool,
    pub(crate) worksheets: bool,
    pub(crate) nbformat: Option<Span>,
    pub(crate) nbformat_minor: Option<Span>,
    pub(crate) metadata: Option<Span>,
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
    /// The cell entry was not a JSON object.
    pub(crate) not_object: bool,
}

impl RawCell {
    fn not_object() -> Self {
        RawCell {
            not_object: true,
            ..RawCell::default()
        }
    }
}

/// Parses `text` into a [`RawNotebook`]; spans are relative to `text`.
pub(crate) fn parse(text: &str) -> Result<RawNotebook, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let base = text.as_ptr() as usize;
    let notebook = TopSeed { base }.deserialize(&mut de)?;
    de.end()?;
    Ok(notebook)
}

fn span_of(base: usize, raw: &RawValue) -> Span {
    let start = raw.get().as_ptr() as usize - base;
    start..start + raw.get().len()
}

/// Field names we care about; everything else is `Other`.
enum Key {
    Cells,
    Worksheets,
    Metadata,
    Nbformat,
    NbformatMinor,
    CellType,
    Source,
    Outputs,
    ExecutionCount,
    Id,
    LanguageInfo,
    Kernelspec,
    Name,
    Language,
    Other,
}

impl<'de> de::Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
                Ok(match v {
                    "cells" => Key::Cells,
                    "worksheets" => Key::Worksheets,
                    "metadata" => Key::Metadata,
                    "nbformat" => Key::Nbformat,
                    "nbformat_minor" => Key::NbformatMinor,
                    "cell_type" => Key::CellType,
                    "source" => Key::Source,
                    "outputs" => Key::Outputs,
                    "execution_count" => Key::ExecutionCount,
                    "id" => Key::Id,
                    "language_info" => Key::LanguageInfo,
                    "kernelspec" => Key::Kernelspec,
                    "name" => Key::Name,
                    "language" => Key::Language,
                    _ => Key::Other,
                })
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

/// A string value, or `None` when the value has another type (tolerated, not an error).
struct MaybeString(Option<String>);

impl<'de> de::Deserialize<'de> for MaybeString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = MaybeString;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<MaybeString, E> {
                Ok(MaybeString(Some(v.to_owned())))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<MaybeString, E> {
                Ok(MaybeString(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<MaybeString, E> {
                Ok(MaybeString(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<MaybeString, E> {
                Ok(MaybeString(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<MaybeString, E> {
                Ok(MaybeString(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<MaybeString, E> {
                Ok(MaybeString(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<MaybeString, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(MaybeString(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<MaybeString, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(MaybeString(None))
            }
        }
        deserializer.deserialize_any(V)
    }
}

struct TopSeed {
    base: usize,
}

impl<'de> DeserializeSeed<'de> for TopSeed {
    type Value = RawNotebook;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<RawNotebook, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for TopSeed {
    type Value = RawNotebook;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a notebook (a JSON object)")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawNotebook, A::Error> {
        let mut nb = RawNotebook::default();
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Cells => {
                    nb.cells = map.next_value_seed(CellsSeed { base: self.base })?;
                    nb.cells_not_list = nb.cells.is_none();
                }
                Key::Worksheets => {
                    map.next_value::<IgnoredAny>()?;
                    nb.worksheets = true;
                }
                Key::Nbformat => {
                    let raw: &'de RawValue = map.next_value()?;
                    nb.nbformat = Some(span_of(self.base, raw));
                }
                Key::NbformatMinor => {
                    let raw: &'de RawValue = map.next_value()?;
                    nb.nbformat_minor = Some(span_of(self.base, raw));
                }
                Key::Metadata => {
                    let raw: &'de RawValue = map.next_value()?;
                    nb.metadata = Some(span_of(self.base, raw));
                    if raw.get().starts_with('{') {
                        let meta: NbMetadata =
                            serde_json::from_str(raw.get()).map_err(de::Error::custom)?;
                        nb.language_info_name = meta.language_info_name;
                        nb.kernelspec_language = meta.kernelspec_language;
                        nb.kernelspec_name = meta.kernelspec_name;
                    }
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(nb)
    }
}

/// The `cells` value: a list of cells, or `None` when it has another type.
struct CellsSeed {
    base: usize,
}

impl<'de> DeserializeSeed<'de> for CellsSeed {
    type Value = Option<Vec<RawCell>>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for CellsSeed {
    type Value = Option<Vec<RawCell>>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of cells")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut cells = Vec::with_capacity(seq.size_hint().unwrap_or(16));
        while let Some(cell) = seq.next_element_seed(CellSeed { base: self.base })? {
            cells.push(cell);
        }
        Ok(Some(cells))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

struct CellSeed {
    base: usize,
}

impl<'de> DeserializeSeed<'de> for CellSeed {
    type Value = RawCell;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<RawCell, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for CellSeed {
    type Value = RawCell;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a cell object")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawCell, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(RawCell::not_object())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<RawCell, E> {
        Ok(RawCell::not_object())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<RawCell, E> {
        Ok(RawCell::not_object())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<RawCell, E> {
        Ok(RawCell::not_object())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<RawCell, E> {
        Ok(RawCell::not_object())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<RawCell, E> {
        Ok(RawCell::not_object())
    }
    fn visit_unit<E: de::Error>(self) -> Result<RawCell, E> {
        Ok(RawCell::not_object())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawCell, A::Error> {
        let mut cell = RawCell::default();
        while let Some(key) = map.next_key::<Key>()? {
            let slot = match key {
                Key::CellType => {
                    cell.cell_type = map.next_value::<MaybeString>()?.0;
                    continue;
                }
                Key::Source => &mut cell.source,
                Key::Metadata => &mut cell.metadata,
                Key::Outputs => &mut cell.outputs,
                Key::ExecutionCount => &mut cell.execution_count,
                Key::Id => &mut cell.id,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            let raw: &'de RawValue = map.next_value()?;
            *slot = Some(span_of(self.base, raw));
        }
        Ok(cell)
    }
}

/// The notebook-level metadata bits we read: `language_info.name`, `kernelspec.language`,
/// `kernelspec.name`. Anything else (and any type mismatch) is skipped.
#[derive(Default)]
struct NbMetadata {
    language_info_name: Option<String>,
    kernelspec_language: Option<String>,
    kernelspec_name: Option<String>,
}

impl<'de> de::Deserialize<'de> for NbMetadata {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = NbMetadata;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("notebook metadata")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<NbMetadata, A::Error> {
                let mut meta = NbMetadata::default();
                while let Some(key) = map.next_key::<Key>()? {
                    match key {
                        Key::LanguageInfo => {
                            let sub = map.next_value::<NameLanguage>()?;
                            meta.language_info_name = sub.name;
                        }
                        Key::Kernelspec => {
                            let sub = map.next_value::<NameLanguage>()?;
                            meta.kernelspec_language = sub.language;
                            meta.kernelspec_name = sub.name;
                        }
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(meta)
            }
        }
        deserializer.deserialize_map(V)
    }
}

/// `name` and `language` of an object; tolerant of any other shape.
#[derive(Default)]
struct NameLanguage {
    name: Option<String>,
    language: Option<String>,
}

impl<'de> de::Deserialize<'de> for NameLanguage {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = NameLanguage;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<NameLanguage, A::Error> {
                let mut out = NameLanguage::default();
                while let Some(key) = map.next_key::<Key>()? {
                    match key {
                        Key::Name => out.name = map.next_value::<MaybeString>()?.0,
                        Key::Language => out.language = map.next_value::<MaybeString>()?.0,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(out)
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<NameLanguage, E> {
                Ok(NameLanguage::default())
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<NameLanguage, E> {
                Ok(NameLanguage::default())
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<NameLanguage, E> {
                Ok(NameLanguage::default())
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<NameLanguage, E> {
                Ok(NameLanguage::default())
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<NameLanguage, E> {
                Ok(NameLanguage::default())
            }
            fn visit_unit<E: de::Error>(self) -> Result<NameLanguage, E> {
                Ok(NameLanguage::default())
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<NameLanguage, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(NameLanguage::default())
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// Spans of the `cells` list and of each of its entries (second pass, on demand).
pub(crate) fn cell_spans(text: &str) -> Option<(Span, Vec<Span>)> {
    struct Top<'a>(usize, std::marker::PhantomData<&'a ()>);
    impl<'de> Visitor<'de> for Top<'de> {
        type Value = Option<(Span, Vec<Span>)>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a notebook")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut found = None;
            while let Some(key) = map.next_key::<Key>()? {
                if matches!(key, Key::Cells) {
                    let raw: &'de RawValue = map.next_value()?;
                    let cells: Option<Vec<&RawValue>> = serde_json::from_str(raw.get()).ok();
                    found = cells.map(|cells| {
                        (
                            span_of(self.0, raw),
                            cells.iter().map(|cell| span_of(self.0, cell)).collect(),
                        )
                    });
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(found)
        }
    }
    let mut de = serde_json::Deserializer::from_str(text);
    de.deserialize_map(Top(text.as_ptr() as usize, std::marker::PhantomData))
        .ok()
        .flatten()
}
