use super::*;

/// `true` when a checked scan accepts `text` as one JSON value.
fn accepts(text: &str) -> bool {
    let mut scanner = Scanner::checked(text, 0);
    scanner.skip();
    scanner.finish().is_ok()
}

/// serde_json's verdict (which accepts lone surrogates when it ignores a value, as Python does).
fn serde_accepts(text: &str) -> bool {
    use serde::de::Deserialize as _;
    let mut de = serde_json::Deserializer::from_str(text);
    serde::de::IgnoredAny::deserialize(&mut de).is_ok() && de.end().is_ok()
}

#[test]
fn checked_scans_accept_what_python_accepts() {
    for text in [
        "{}",
        "[]",
        " [ 1 , -0 , 2.5e-3 , 1E+9 , true , false , null ] ",
        r#"{"a": {"b": [{"c": "\u00e9\ud83d\ude00\n\"\\\/"}]}}"#,
        r#"["\ud83d", "\udc00x"]"#,
        "[NaN, Infinity, -Infinity]",
        r#"{"x": NaN, "y": {"z": -Infinity}}"#,
        r#"{"a": 1, "a": 2}"#,
        "0",
        "\"s\"",
    ] {
        assert!(accepts(text), "{text}");
    }
    for text in [
        "",
        "{",
        "[1,]",
        "[,1]",
        "[1 2]",
        r#"{"a" 1}"#,
        r#"{"a": 1,}"#,
        r#"{1: 2}"#,
        "[-NaN]",
        "[1NaN]",
        "[NaN1]",
        "[-Infinity0]",
        "[nan]",
        "[01]",
        "[1.]",
        "[.5]",
        "[1e]",
        "[+1]",
        "[\"a\nb\"]",
        r#"["\x"]"#,
        r#"["\u12g4"]"#,
        "[\"unterminated",
        "[tru]",
        "{} {}",
        "[1]]",
        "\u{a0}[]",
    ] {
        assert!(!accepts(text), "{text}");
    }
}

#[test]
fn errors_say_where_and_what() {
    let mut scanner = Scanner::checked("[1, 2 3]", 0);
    scanner.skip();
    assert_eq!(
        scanner.finish(),
        Err(ScanError {
            offset: 6,
            message: "expected `,` or `]`"
        })
    );
    let mut scanner = Scanner::checked("{\"a\": [", 0);
    let _ = scanner.object(|_, _| {});
    assert_eq!(scanner.finish().unwrap_err().offset, 7);
}

#[test]
fn deep_nesting_costs_no_stack() {
    // Far deeper than any call stack could recurse: the walk keeps its own stack.
    let depth = 1_000_000;
    let text = format!("{}1{}", "[{\"a\":".repeat(depth), "}]".repeat(depth));
    let mut scanner = Scanner::checked(&text, 0);
    assert_eq!(scanner.skip(), 0..text.len());
    assert!(scanner.finish().is_ok());
    assert_eq!(Scanner::trusted(&text, 0).skip(), 0..text.len());
    let truncated = &text[..text.len() - 1];
    assert!(!accepts(truncated));
}

#[test]
fn scans_kinds_and_spans() {
    let text =
        r#"{"a": [1, 2.5, -3e2, "x\"]", null, true], "b\u0041": {"c": NaN}, "d": -Infinity}"#;
    let entries = object_entries(text, &(0..text.len())).unwrap();
    let keys: Vec<&str> = entries.iter().map(|e| e.key.as_ref()).collect();
    assert_eq!(keys, ["a", "bA", "d"]);
    assert!(key_is(text, &entries[1].key_span, "bA"));
    assert!(!key_is(text, &entries[1].key_span, "b"));
    assert_eq!(
        &text[entries[0].value.clone()],
        r#"[1, 2.5, -3e2, "x\"]", null, true]"#
    );
    assert_eq!(&text[entries[1].value.clone()], r#"{"c": NaN}"#);
    assert_eq!(&text[entries[2].value.clone()], "-Infinity");
    let elements = array_elements(text, &entries[0].value).unwrap();
    let kinds: Vec<Kind> = elements
        .iter()
        .map(|span| Scanner::trusted(text, span.start).peek())
        .collect();
    assert_eq!(
        kinds,
        [
            Kind::Integer,
            Kind::Float,
            Kind::Float,
            Kind::String,
            Kind::Null,
            Kind::Bool
        ]
    );
    assert_eq!(
        Scanner::trusted(text, entries[2].value.start).peek(),
        Kind::Float
    );
    // A checked walk reports the same spans.
    let mut checked = Vec::new();
    let mut scanner = Scanner::checked(text, 0);
    let _ = scanner.object(|s, key| checked.push((key, s.skip())));
    assert!(scanner.finish().is_ok());
    let trusted: Vec<(Span, Span)> = entries
        .iter()
        .map(|e| (e.key_span.clone(), e.value.clone()))
        .collect();
    assert_eq!(checked, trusted);
}

#[test]
fn finds_cell_spans() {
    let text = "\u{feff}{\"metadata\": {\"cells\": 1}, \"cells\": [{\"a\": \"}\"}, {}]}";
    let (list, cells) = cell_spans(text, &[]).unwrap();
    assert_eq!(&text[list], "[{\"a\": \"}\"}, {}]");
    assert_eq!(cells.len(), 2);
    assert_eq!(&text[cells[0].clone()], "{\"a\": \"}\"}");
    assert_eq!(&text[cells[1].clone()], "{}");
}

#[test]
fn known_spans_are_jumped_over() {
    let text =
        r#"{"cells": [{"outputs": [{"x": "]"}], "source": "a"}, [1, [2]]], "m": {"k": [3]}}"#;
    let outputs = text.find("[{\"x").unwrap()..text.find("], \"source").unwrap() + 1;
    let inner = text.find("[2]").unwrap()..text.find("[2]").unwrap() + 3;
    let plain = cell_spans(text, &[]).unwrap();
    assert_eq!(cell_spans(text, &[outputs.clone(), inner]), Some(plain));
    // A jump is taken as given: a wrong end shows that the scan did not read the value.
    let short = outputs.start..outputs.start + 1;
    let mut scanner = Scanner::with_jumps(text, outputs.start, std::slice::from_ref(&short));
    assert_eq!(scanner.skip(), short);
    let mut scanner = Scanner::with_jumps(text, 0, std::slice::from_ref(&short));
    assert_eq!(scanner.skip(), 0..text.len());
}

#[test]
fn malformed_input_and_any_position_do_not_panic() {
    for text in [
        "{",
        "{\"a\"",
        "{\"a\": [1,",
        "[\"abc",
        "{\"a\" 1}",
        "",
        "}",
        "[\"\\",
        "-",
    ] {
        let _ = object_entries(text, &(0..text.len()));
        let _ = array_elements(text, &(0..text.len()));
        for at in 0..=text.len() + 1 {
            let _ = Scanner::trusted(text, at).skip();
            let mut checked = Scanner::checked(text, at);
            checked.skip();
            let _ = checked.finish();
        }
    }
}

proptest::proptest! {
    /// The checked scan and serde_json agree on what is JSON (texts without `NaN` and
    /// `Infinity`, which serde_json does not read), and accepted values scan to the same spans
    /// in both modes.
    #[test]
    fn checked_scan_agrees_with_serde_json(text in r#"([\[\]{}:, "\\/0-9eE.+\-a-zA-HJ-MO-Z\n\t]|\\u[0-9a-fA-F]{4}|true|false|null|"[a-z]{0,3}"|\x01){0,40}"#) {
        let ours = accepts(&text);
        proptest::prop_assert_eq!(ours, serde_accepts(&text), "{:?}", text);
        if ours {
            let start = Scanner::trusted(&text, 0).peek();
            let mut trusted = Scanner::trusted(&text, 0);
            let span = trusted.skip();
            let mut checked = Scanner::checked(&text, 0);
            proptest::prop_assert_eq!(checked.skip(), span);
            proptest::prop_assert_ne!(start, Kind::Invalid);
        }
    }

    /// Well-formed values of every shape are accepted, and each is one span.
    #[test]
    fn generated_json_is_accepted(value in json_value()) {
        let text = serde_json::to_string_pretty(&value).unwrap();
        proptest::prop_assert!(accepts(&text));
        proptest::prop_assert_eq!(Scanner::trusted(&text, 0).skip(), 0..text.len());
    }
}

fn json_value() -> impl proptest::strategy::Strategy<Value = serde_json::Value> {
    use proptest::prelude::*;
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(|n| serde_json::json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| serde_json::json!(f)),
        "\\PC{0,8}".prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(6, 64, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            proptest::collection::btree_map("[a-z\"\\\\é]{0,4}", inner, 0..6)
                .prop_map(|map| serde_json::Value::Object(map.into_iter().collect())),
        ]
    })
}

proptest::proptest! {
    /// The blockwise control-character test is the plain one.
    #[test]
    fn has_control_is_any_byte_below_0x20(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200)) {
        proptest::prop_assert_eq!(super::has_control(&bytes), bytes.iter().any(|&b| b < 0x20));
    }
}

#[test]
fn long_strings_are_recorded_and_jumped_over() {
    let long = "x".repeat(LONG_STRING);
    let text = format!(r#"{{"a": ["{long}", "short"], "b": "{long}\"]"}}"#);
    let mut checked = Scanner::checked(&text, 0);
    checked.skip();
    let long_strings = checked.take_long_strings();
    assert_eq!(long_strings.len(), 2);
    for span in &long_strings {
        assert!(text[span.clone()].starts_with("\"xx") && span.len() >= LONG_STRING);
    }
    assert!(checked.finish().is_ok());
    // Given as jumps, they are taken as given: a wrong end shows they were not read.
    let entries = object_entries(&text, &(0..text.len())).unwrap();
    let short = vec![
        long_strings[0].start..long_strings[0].start + 2,
        long_strings[1].clone(),
    ];
    let mut scanner = Scanner::with_jumps(&text, entries[0].value.start, &short);
    let mut elements = Vec::new();
    let _ = scanner.array(|s, _| elements.push(s.skip()));
    assert_eq!(elements[0], short[0]);
    // The same spans as a scan that reads everything, with the true jumps.
    let mut plain = Vec::new();
    let mut jumped = Vec::new();
    let _ = Scanner::trusted(&text, 0).object(|s, _| plain.push(s.skip()));
    let _ = Scanner::with_jumps(&text, 0, &long_strings).object(|s, _| jumped.push(s.skip()));
    assert_eq!(plain, jumped);
}

#[test]
fn lists_of_only_strings_are_recorded() {
    let line = format!("\"{}\"", "y".repeat(STRING_LIST));
    let text = format!(
        r#"{{"a": [{line}, "z"], "b": [{line}, 1], "c": [[{line}]], "d": ["short"], "e": {{"f": [{line}]}}}}"#
    );
    let mut checked = Scanner::checked(&text, 0);
    checked.skip();
    let lists = checked.take_string_lists();
    assert!(checked.finish().is_ok());
    let found: Vec<&str> = lists.iter().map(|span| &text[span.clone()]).collect();
    // `b` has a number, `c`'s outer list a list, `d` is short: only the inner lists count.
    assert_eq!(
        found,
        [
            format!("[{line}, \"z\"]"),
            format!("[{line}]"),
            format!("[{line}]")
        ]
    );
    assert!(lists.windows(2).all(|w| w[0].end <= w[1].start));
}
