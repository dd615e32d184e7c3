use super::*;

fn roundtrip(text: &str, index: usize, new_code: &str) -> String {
    let nb = Notebook::parse(text.as_bytes()).unwrap();
    String::from_utf8(nb.with_sources(&[(index, new_code.to_owned())]).unwrap()).unwrap()
}

const JUPYTER: &str = r#"{
 "cells": [
  {
   "cell_type": "code",
   "execution_count": 1,
   "metadata": {},
   "outputs": [],
   "source": [
    "x=1\n",
    "y = 2"
   ]
  },
  {
   "cell_type": "markdown",
   "metadata": {},
   "source": []
  },
  {
   "cell_type": "code",
   "execution_count": null,
   "metadata": {},
   "outputs": [],
   "source": []
  }
 ],
 "metadata": {"kernelspec": {"name": "python3", "language": "python"}},
 "nbformat": 4,
 "nbformat_minor": 5
}
"#;

#[test]
fn parses_cells_and_sources() {
    let nb = Notebook::parse(JUPYTER.as_bytes()).unwrap();
    assert_eq!(nb.cells().len(), 3);
    assert_eq!(nb.cells()[0].cell_type, CellType::Code);
    assert_eq!(nb.cells()[1].cell_type, CellType::Markdown);
    assert_eq!(nb.nbformat(), (4, 5));
    assert_eq!(nb.language(), &NotebookLanguage::Python);
    let source = nb.source(0).unwrap();
    assert_eq!(source.text, "x=1\ny = 2");
    assert!(matches!(source.shape, SourceShape::Lines(ref spans) if spans.len() == 2));
    assert_eq!(nb.source(2).unwrap().text, "");
}

#[test]
fn no_edit_is_identity() {
    let nb = Notebook::parse(JUPYTER.as_bytes()).unwrap();
    assert_eq!(nb.with_sources(&[]).unwrap(), JUPYTER.as_bytes());
    assert_eq!(nb.splice(Vec::new()), JUPYTER.as_bytes());
}

#[test]
fn replaces_lines_keeping_layout() {
    let out = roundtrip(JUPYTER, 0, "x = 1\ny = 2");
    assert_eq!(out, JUPYTER.replace(r#""x=1\n","#, r#""x = 1\n","#));
}

#[test]
fn fills_an_empty_list_with_the_files_indentation() {
    let out = roundtrip(JUPYTER, 2, "a = 1\nb = 2");
    assert!(out.contains("   \"source\": [\n    \"a = 1\\n\",\n    \"b = 2\"\n   ]\n  }\n ],"));
}

#[test]
fn empties_to_an_empty_list() {
    let out = roundtrip(JUPYTER, 0, "");
    assert!(out.contains("\"outputs\": [],\n   \"source\": []\n  },"));
}

#[test]
fn crlf_and_tabs_are_kept() {
    let crlf = JUPYTER.replace('\n', "\r\n").replace(" \"", "\t\"");
    let out = roundtrip(&crlf, 2, "a\nb");
    assert!(!out.replace("\r\n", "").contains('\n'));
    let out = roundtrip(&crlf, 0, "one\ntwo\nthree");
    assert!(out.contains("[\r\n"));
    assert!(!out.replace("\r\n", "").contains('\n'));
}

#[test]
fn string_sources_stay_strings() {
    let text = r#"{"cells": [{"cell_type": "code", "source": "x=1\ny=2", "metadata": {}, "outputs": []}], "metadata": {}, "nbformat": 4, "nbformat_minor": 2}"#;
    let out = roundtrip(text, 0, "x = 1\ny = 2");
    assert_eq!(out, text.replace(r#""x=1\ny=2""#, r#""x = 1\ny = 2""#));
    let out = roundtrip(text, 0, "");
    assert!(out.contains(r#""source": "","#));
}

#[test]
fn compact_lists() {
    let text = r#"{"cells":[{"cell_type":"code","source":["a=1"],"metadata":{},"outputs":[]},{"cell_type":"code","source":[],"metadata":{},"outputs":[]}],"metadata":{},"nbformat":4,"nbformat_minor":2}"#;
    let out = roundtrip(text, 0, "a = 1\nb = 2");
    assert!(out.contains(r#""source":["a = 1\n","b = 2"]"#), "{out}");
    let out = roundtrip(text, 1, "a\nb");
    assert!(out.contains(r#""source":["a\n","b"]"#), "{out}");
}

#[test]
fn ascii_escaped_files_stay_ascii() {
    let text = "{\"cells\": [{\"cell_type\": \"code\", \"source\": [\"s='\\u00e9'\"], \"metadata\": {}, \"outputs\": []}], \"metadata\": {}, \"nbformat\": 4, \"nbformat_minor\": 2}";
    let nb = Notebook::parse(text.as_bytes()).unwrap();
    assert_eq!(nb.source(0).unwrap().text, "s='é'");
    let out = roundtrip(text, 0, "s = 'é😀'");
    assert!(out.is_ascii());
    assert!(out.contains(r#"s = '\u00e9\ud83d\ude00'"#), "{out}");
}

#[test]
fn unchanged_lines_keep_their_bytes() {
    // `\/` is a legal but unusual escape: an untouched line keeps it.
    let text = r#"{"cells": [{"cell_type": "code", "source": ["a = '\/'\n", "b=1"]}], "metadata": {}, "nbformat": 4}"#;
    let out = roundtrip(text, 0, "a = '/'\nb = 1");
    assert!(out.contains(r#"["a = '\/'\n", "b = 1"]"#), "{out}");
}

#[test]
fn tolerates_what_jupyter_tolerates() {
    let text = "\u{feff}{\"cells\": [{\"cell_type\": \"markdown\", \"execution_count\": 3, \"source\": \"old\", \"source\": \"x\", \"metadata\": {\"v\": NaN, \"w\": -Infinity, \"s\": \"NaN\"}, \"extra\": [1e-05, 1E5]}], \"metadata\": {\"x\": Infinity}, \"nbformat\": 4, \"nbformat_minor\": 0, \"unknown\": {}}";
    let nb = Notebook::parse(text.as_bytes()).unwrap();
    assert_eq!(nb.source(0).unwrap().text, "x");
    assert_eq!(nb.language(), &NotebookLanguage::AssumedPython);
    assert_eq!(nb.with_sources(&[]).unwrap(), text.as_bytes());
    let out = roundtrip(text, 0, "y");
    assert_eq!(out, text.replace("\"source\": \"x\"", "\"source\": \"y\""));
}

#[test]
fn nbformat_versions() {
    let make = |v: &str| {
        format!(r#"{{"cells": [], "metadata": {{}}, "nbformat": {v}, "nbformat_minor": 0}}"#)
    };
    assert!(Notebook::parse(make("4").as_bytes()).is_ok());
    assert!(Notebook::parse(make("5").as_bytes()).is_ok());
    assert!(Notebook::parse(make("\"5\"").as_bytes()).is_ok());
    assert_eq!(
        Notebook::parse(make("3").as_bytes()).unwrap_err(),
        NotebookError::UnsupportedVersion("3".into())
    );
    let v3 = r#"{"worksheets": [{"cells": []}], "metadata": {}, "nbformat": 3}"#;
    assert!(Notebook::parse(v3.as_bytes()).is_err());
}

#[test]
fn clear_errors() {
    let err = Notebook::parse(b"{\n \"cells\": [,]\n}").unwrap_err();
    assert_eq!(err.position(), Some((2, 12)));
    assert!(
        err.to_string()
            .starts_with("invalid JSON at line 2 column 12"),
        "{err}"
    );
    let err = Notebook::parse(b"[1, 2]").unwrap_err();
    assert!(err.to_string().contains("invalid JSON"), "{err}");
    let err = Notebook::parse(b"{\"a\": \xff}").unwrap_err();
    assert_eq!(err, NotebookError::NotUtf8 { line: 1, column: 7 });
    let err = Notebook::parse(br#"{"metadata": {}, "nbformat": 4}"#).unwrap_err();
    assert_eq!(err, NotebookError::NoCells);
}

#[test]
fn split_lines_keeps_terminators() {
    assert_eq!(
        split_lines("a\nb\r\nc\rd"),
        vec!["a\n", "b\r\n", "c\r", "d"]
    );
    assert_eq!(split_lines("a\n"), vec!["a\n"]);
    assert!(split_lines("").is_empty());
}

#[test]
fn vscode_language_and_classification() {
    let text = r#"{"cells": [{"cell_type": "code", "source": "x", "metadata": {"vscode": {"languageId": "javascript"}}}, {"cell_type": "code", "source": "%%bash\nls", "metadata": {}}], "metadata": {"language_info": {"name": "python"}}, "nbformat": 4}"#;
    let nb = Notebook::parse(text.as_bytes()).unwrap();
    assert_eq!(
        nb.classify(0, "x"),
        Some(CodeKind::OtherLanguage("javascript".into()))
    );
    assert_eq!(
        nb.classify(1, "%%bash\nls"),
        Some(CodeKind::CellMagic("bash".into()))
    );
}

#[test]
fn maps_cell_offsets_to_file_positions() {
    let nb = Notebook::parse(JUPYTER.as_bytes()).unwrap();
    // cell 0 is ["x=1\n", "y = 2"]; "y" starts at decoded offset 4.
    let at = nb.file_offset(0, 4).unwrap();
    assert_eq!(&JUPYTER[at..at + 5], "y = 2");
    let (line, column) = nb.file_position(at);
    assert_eq!(JUPYTER.lines().nth(line - 1).unwrap(), "    \"y = 2\"");
    assert_eq!(column, 6);
    // The end of the code maps before the closing quote.
    let end = nb.file_offset(0, 9).unwrap();
    assert_eq!(&JUPYTER[end..end + 1], "\"");
    let empty = nb.file_offset(2, 0).unwrap();
    assert_eq!(&JUPYTER[empty - 1..empty + 1], "[]");
}

#[test]
fn cell_spans_cover_each_cell_object() {
    let nb = Notebook::parse(JUPYTER.as_bytes()).unwrap();
    let (list, cells) = nb.cell_spans().unwrap();
    assert!(JUPYTER[list].starts_with("[\n  {"));
    assert_eq!(cells.len(), 3);
    for span in &cells {
        let text = &JUPYTER[span.clone()];
        assert!(text.starts_with('{') && text.ends_with('}'), "{text}");
    }
    assert!(JUPYTER[cells[1].clone()].contains("markdown"));
}
