//! Property tests for the notebook layer: notebooks generated in every JSON style round-trip,
//! splicing new sources changes only those sources and keeps the style, and no input panics.

use nbtidy_notebook::{Notebook, SourceShape};
use proptest::prelude::*;

/// How the generated file is written.
#[derive(Debug, Clone)]
struct Style {
    indent: Option<&'static str>,
    crlf: bool,
    ascii: bool,
    key_space: bool,
}

fn style() -> impl Strategy<Value = Style> {
    (
        prop_oneof![
            Just(None),
            Just(Some(" ")),
            Just(Some("  ")),
            Just(Some("    ")),
            Just(Some("\t"))
        ],
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(indent, crlf, ascii, key_space)| Style {
            indent,
            crlf: crlf && indent.is_some(),
            ascii,
            key_space,
        })
}

/// Cell code: lines drawn from tricky pieces (quotes, backslashes, control and non-ASCII
/// characters, astral-plane characters, CRLF).
fn code() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("x = 1".to_owned()),
        Just("s = \"a\\\"b\"".to_owned()),
        Just("é😀 ü".to_owned()),
        Just("\t\u{1}\u{7f}\u{2028}".to_owned()),
        Just("\\n".to_owned()),
        Just("/".to_owned()),
        "[ -~]{0,12}",
        "\\PC{0,6}",
    ];
    let ending = prop_oneof![Just("\n"), Just("\r\n"), Just("")];
    prop::collection::vec((piece, ending), 0..6)
        .prop_map(|parts| parts.into_iter().map(|(p, e)| p + e).collect())
}

#[derive(Debug, Clone)]
struct CellSpec {
    kind: &'static str,
    code: String,
    as_list: bool,
}

fn cell() -> impl Strategy<Value = CellSpec> {
    (
        prop_oneof![Just("code"), Just("markdown"), Just("raw")],
        code(),
        any::<bool>(),
    )
        .prop_map(|(kind, code, as_list)| CellSpec {
            kind,
            code,
            as_list,
        })
}

/// An independent JSON string writer: serde_json, then `\uXXXX` for DEL and non-ASCII if asked
/// (as Python's `json.dumps(ensure_ascii=True)`).
fn string(text: &str, ascii: bool) -> String {
    let json = serde_json::to_string(text).unwrap();
    if !ascii {
        return json;
    }
    let mut out = String::new();
    for c in json.chars() {
        if c.is_ascii() && c != '\u{7f}' {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
}

/// Jupyter's split: lines keep their `\n`.
fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

enum Json {
    Str(String),
    Raw(&'static str),
    List(Vec<Json>),
    Obj(Vec<(&'static str, Json)>),
}

fn emit(value: &Json, style: &Style, depth: usize, out: &mut String) {
    let nl = if style.crlf { "\r\n" } else { "\n" };
    let pad = |out: &mut String, depth: usize| {
        if let Some(indent) = style.indent {
            out.push_str(nl);
            out.push_str(&indent.repeat(depth));
        }
    };
    match value {
        Json::Str(s) => out.push_str(&string(s, style.ascii)),
        Json::Raw(r) => out.push_str(r),
        Json::List(_) | Json::Obj(_) if is_empty(value) => {
            out.push_str(if matches!(value, Json::List(_)) {
                "[]"
            } else {
                "{}"
            });
        }
        Json::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                pad(out, depth + 1);
                emit(item, style, depth + 1, out);
            }
            pad(out, depth);
            out.push(']');
        }
        Json::Obj(entries) => {
            out.push('{');
            for (i, (key, item)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                pad(out, depth + 1);
                out.push_str(&format!("\"{key}\":"));
                if style.key_space || style.indent.is_some() {
                    out.push(' ');
                }
                emit(item, style, depth + 1, out);
            }
            pad(out, depth);
            out.push('}');
        }
    }
}

fn is_empty(value: &Json) -> bool {
    match value {
        Json::List(items) => items.is_empty(),
        Json::Obj(entries) => entries.is_empty(),
        _ => false,
    }
}

fn source_json(code: &str, as_list: bool) -> Json {
    if as_list {
        Json::List(
            lines(code)
                .into_iter()
                .map(|l| Json::Str(l.to_owned()))
                .collect(),
        )
    } else {
        Json::Str(code.to_owned())
    }
}

fn notebook(cells: &[CellSpec], style: &Style) -> String {
    let cells = cells
        .iter()
        .map(|c| {
            let mut entries = vec![
                ("cell_type", Json::Str(c.kind.to_owned())),
                ("metadata", Json::Obj(vec![("x", Json::Raw("NaN"))])),
                ("source", source_json(&c.code, c.as_list)),
            ];
            if c.kind == "code" {
                entries.insert(1, ("execution_count", Json::Raw("null")));
                entries.push(("outputs", Json::List(vec![Json::Str("é".into())])));
            }
            Json::Obj(entries)
        })
        .collect();
    let nb = Json::Obj(vec![
        ("cells", Json::List(cells)),
        ("metadata", Json::Obj(vec![("f", Json::Raw("1e-05"))])),
        ("nbformat", Json::Raw("4")),
        ("nbformat_minor", Json::Raw("5")),
    ]);
    let mut out = String::new();
    emit(&nb, style, 0, &mut out);
    if style.indent.is_some() {
        out.push_str(if style.crlf { "\r\n" } else { "\n" });
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn generated_notebooks_round_trip(cells in prop::collection::vec(cell(), 0..5), style in style()) {
        let text = notebook(&cells, &style);
        let nb = Notebook::parse(text.as_bytes()).unwrap();
        prop_assert_eq!(nb.cells().len(), cells.len());
        for (i, spec) in cells.iter().enumerate() {
            let source = nb.source(i).unwrap();
            prop_assert_eq!(source.text.as_ref(), spec.code.as_str());
            prop_assert_eq!(matches!(source.shape, SourceShape::Lines(_)), spec.as_list);
        }
        prop_assert!(nb.with_sources(&[]).unwrap() == text.as_bytes());
    }

    #[test]
    fn splicing_changes_only_sources_and_keeps_the_style(
        cells in prop::collection::vec(cell(), 1..5),
        style in style(),
        replacements in prop::collection::vec(code(), 5),
        which in prop::collection::vec(any::<bool>(), 5),
    ) {
        let text = notebook(&cells, &style);
        let nb = Notebook::parse(text.as_bytes()).unwrap();
        let edits: Vec<(usize, String)> = (0..cells.len())
            .filter(|&i| which[i])
            .map(|i| (i, replacements[i].clone()))
            .collect();
        let new = nb.with_sources(&edits).unwrap();
        let new_text = String::from_utf8(new.clone()).unwrap();
        let reread = Notebook::parse(&new).unwrap();
        prop_assert_eq!(reread.cells().len(), cells.len());
        for (i, spec) in cells.iter().enumerate() {
            let expected = edits.iter().find(|(j, _)| *j == i).map_or(spec.code.as_str(), |(_, s)| s.as_str());
            let source = reread.source(i).unwrap();
            prop_assert_eq!(source.text.as_ref(), expected);
            prop_assert_eq!(matches!(source.shape, SourceShape::Lines(_)), spec.as_list);
        }
        // Outside the source values, every byte is the original's.
        let mut old_rest = String::new();
        let mut new_rest = String::new();
        let mut at = 0;
        for i in 0..cells.len() {
            let span = nb.cells()[i].source.clone().unwrap();
            old_rest.push_str(&text[at..span.start]);
            at = span.end;
        }
        old_rest.push_str(&text[at..]);
        at = 0;
        for i in 0..cells.len() {
            let span = reread.cells()[i].source.clone().unwrap();
            new_rest.push_str(&new_text[at..span.start]);
            at = span.end;
        }
        new_rest.push_str(&new_text[at..]);
        prop_assert_eq!(old_rest, new_rest);
        if style.ascii {
            prop_assert!(new_text.is_ascii());
        }
        if style.crlf {
            prop_assert!(!new_text.replace("\r\n", "").contains('\n'));
        }
        if style.indent.is_none() {
            prop_assert!(!new_text.contains('\n'));
        }
        // A list source written the Jupyter way is written back exactly as our generator would.
        // A file that is pure ASCII stays pure ASCII (it cannot tell whether its writer escaped).
        let style = Style { ascii: text.is_ascii(), ..style };
        for (i, code) in &edits {
            if cells[*i].as_list && style.indent.is_some() {
                let span = reread.cells()[*i].source.clone().unwrap();
                let mut expected = String::new();
                let depth = 3;
                emit(&source_json(code, true), &style, depth, &mut expected);
                prop_assert_eq!(&new_text[span], expected.as_str());
            }
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        if let Ok(nb) = Notebook::parse(&bytes) {
            prop_assert!(nb.with_sources(&[]).unwrap() == bytes);
            for i in 0..nb.cells().len() {
                let _ = nb.source(i);
            }
        }
    }

    #[test]
    fn mutated_notebooks_never_panic(
        cells in prop::collection::vec(cell(), 1..3),
        style in style(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
    ) {
        let mut bytes = notebook(&cells, &style).into_bytes();
        for (index, byte) in flips {
            let at = index.index(bytes.len());
            bytes[at] = byte;
        }
        if let Ok(nb) = Notebook::parse(&bytes) {
            prop_assert!(nb.with_sources(&[]).unwrap() == bytes);
            let edits: Vec<(usize, String)> = (0..nb.cells().len())
                .filter(|&i| nb.source(i).is_ok())
                .map(|i| (i, "y = 2\n".to_owned()))
                .collect();
            let new = nb.with_sources(&edits).unwrap();
            let reread = Notebook::parse(&new).unwrap();
            for (i, _) in &edits {
                let source = reread.source(*i).unwrap();
                prop_assert_eq!(source.text.as_ref(), "y = 2\n");
            }
        }
    }
}
