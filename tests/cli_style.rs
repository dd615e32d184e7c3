//! End-to-end tests that formatting keeps the style of the file it rewrites: line endings,
//! escaping of non-ASCII text, the shape of `source`, a byte order mark, odd indentation.

mod common;

use common::{Project, code_notebook, notebook};

/// Formats `original` in place, checks success, and returns the file's new bytes.
#[track_caller]
fn format(original: &[u8]) -> Vec<u8> {
    let project = Project::new();
    project.write("nb.ipynb", original);
    let run = project.run(&["format", "nb.ipynb"]);
    run.assert_code(0);
    assert_eq!(run.stderr, "1 notebook reformatted, 0 left unchanged\n");
    project.read_bytes("nb.ipynb")
}

fn crlf(text: &str) -> String {
    text.replace('\n', "\r\n")
}

#[test]
fn a_crlf_notebook_stays_crlf() {
    let cells = [
        ("markdown", "# Title"),
        ("code", "def f(a,b):\n  return a+b"),
        ("code", "x=f(1,2)"),
    ];
    // Only the JSON's own line breaks become CRLF; `\n` inside strings is an escape.
    let original = crlf(&notebook(&cells));
    assert!(original.contains("\r\n") && original.contains("\\n"));

    let new = String::from_utf8(format(original.as_bytes())).expect("UTF-8");

    assert_eq!(
        new,
        crlf(&notebook(&[
            ("markdown", "# Title"),
            ("code", "def f(a, b):\n    return a + b"),
            ("code", "x = f(1, 2)"),
        ]))
    );
    assert_eq!(
        new.matches('\n').count(),
        new.matches("\r\n").count(),
        "no bare LF"
    );
}

#[test]
fn a_cell_that_grows_new_lines_in_a_crlf_notebook_gets_crlf_elements() {
    let original = crlf(&code_notebook(&["import os\nx=1"]));

    let new = String::from_utf8(format(original.as_bytes())).expect("UTF-8");

    assert_eq!(new, crlf(&code_notebook(&["import os\n\nx = 1"])));
    assert!(!new.replace("\r\n", "").contains('\n'), "no bare LF");
}

/// Written as Python's `json.dumps(nb, indent=1, ensure_ascii=True)` does (nbformat < 4.? and
/// many generators): non-ASCII characters as `\uXXXX`, surrogate pairs for astral ones.
const ASCII_ESCAPED: &str = r#"{
 "cells": [
  {
   "cell_type": "markdown",
   "metadata": {},
   "source": [
    "Caf\u00e9"
   ]
  },
  {
   "cell_type": "code",
   "execution_count": null,
   "metadata": {},
   "outputs": [],
   "source": [
    "s=\"caf\u00e9 \ud83d\ude00\"\n",
    "t=['\u00fc']"
   ]
  }
 ],
 "metadata": {
  "kernelspec": {
   "display_name": "Python 3",
   "language": "python",
   "name": "python3"
  }
 },
 "nbformat": 4,
 "nbformat_minor": 4
}
"#;

#[test]
fn an_ascii_escaped_notebook_stays_ascii() {
    let new = String::from_utf8(format(ASCII_ESCAPED.as_bytes())).expect("UTF-8");

    let expected = ASCII_ESCAPED
        .replace(
            r#""s=\"caf\u00e9 \ud83d\ude00\"\n","#,
            r#""s = \"caf\u00e9 \ud83d\ude00\"\n","#,
        )
        .replace(r#""t=['\u00fc']""#, r#""t = [\"\u00fc\"]""#);
    assert_ne!(expected, ASCII_ESCAPED);
    assert_eq!(new, expected);
    assert!(new.is_ascii());
}

#[test]
fn raw_utf8_stays_raw_utf8() {
    let original = code_notebook(&["s='café 😀'"]);
    assert!(original.contains("café 😀"));

    let new = String::from_utf8(format(original.as_bytes())).expect("UTF-8");

    assert_eq!(new, code_notebook(&["s = \"café 😀\""]));
}

#[test]
fn a_string_source_stays_a_string() {
    let original = r#"{
 "cells": [
  {
   "cell_type": "code",
   "execution_count": null,
   "metadata": {},
   "outputs": [],
   "source": "x=1\ny=[1,2]"
  }
 ],
 "metadata": {},
 "nbformat": 4,
 "nbformat_minor": 2
}
"#;

    let new = String::from_utf8(format(original.as_bytes())).expect("UTF-8");

    assert_eq!(
        new,
        original.replace(r#""x=1\ny=[1,2]""#, r#""x = 1\ny = [1, 2]""#)
    );
}

#[test]
fn a_byte_order_mark_is_kept() {
    let mut original = "\u{feff}".as_bytes().to_vec();
    original.extend_from_slice(code_notebook(&["x=1"]).as_bytes());

    let new = format(&original);

    let mut expected = "\u{feff}".as_bytes().to_vec();
    expected.extend_from_slice(code_notebook(&["x = 1"]).as_bytes());
    assert_eq!(new, expected);
}

#[test]
fn compact_json_stays_compact() {
    let original = "{\"cells\":[{\"cell_type\":\"code\",\"execution_count\":null,\"metadata\":{},\"outputs\":[],\"source\":[\"x=1\\n\",\"y=2\"]}],\"metadata\":{},\"nbformat\":4,\"nbformat_minor\":5}";

    let new = String::from_utf8(format(original.as_bytes())).expect("UTF-8");

    assert_eq!(
        new,
        original.replace("[\"x=1\\n\",\"y=2\"]", "[\"x = 1\\n\",\"y = 2\"]")
    );
}

#[test]
fn two_space_indented_json_keeps_its_indentation_when_lines_are_added() {
    // nbformat's writer with indent=2, as some tools write notebooks.
    let original = "{\n  \"cells\": [\n    {\n      \"cell_type\": \"code\",\n      \"execution_count\": null,\n      \"metadata\": {},\n      \"outputs\": [],\n      \"source\": [\n        \"import os\\n\",\n        \"x=1\"\n      ]\n    }\n  ],\n  \"metadata\": {},\n  \"nbformat\": 4,\n  \"nbformat_minor\": 5\n}";

    let new = String::from_utf8(format(original.as_bytes())).expect("UTF-8");

    assert_eq!(
        new,
        original.replace(
            "        \"import os\\n\",\n        \"x=1\"\n",
            "        \"import os\\n\",\n        \"\\n\",\n        \"x = 1\"\n"
        )
    );
}

#[test]
fn outputs_with_nan_and_unknown_keys_are_kept() {
    let original = r#"{
 "cells": [
  {
   "cell_type": "code",
   "execution_count": 1,
   "metadata": {
    "custom": {"anything": [1, 2.50, NaN]}
   },
   "outputs": [
    {
     "data": {
      "application/json": {"value": NaN, "big": Infinity, "small": -Infinity}
     },
     "execution_count": 1,
     "metadata": {},
     "output_type": "execute_result"
    }
   ],
   "source": [
    "x=1"
   ],
   "unknown_key": {"kept": true}
  }
 ],
 "metadata": {"x-unknown": 1.0e10},
 "nbformat": 4,
 "nbformat_minor": 5
}
"#;

    let new = String::from_utf8(format(original.as_bytes())).expect("UTF-8");

    assert_eq!(new, original.replace("\"x=1\"", "\"x = 1\""));
}
