use super::*;
use nbtidy_config::{FormatSettings, Setting, Settings};

fn formatter() -> CellFormatter {
    CellFormatter::new(&Settings::default().format)
}

fn fmt(code: &str) -> String {
    formatter()
        .format(code)
        .unwrap()
        .unwrap_or_else(|| code.to_owned())
}

#[test]
fn formats_and_strips_the_final_newline() {
    assert_eq!(fmt("x=1\ny  =  [1,2]\n"), "x = 1\ny = [1, 2]");
    assert_eq!(fmt("x = 1"), "x = 1");
    assert_eq!(formatter().format("x = 1").unwrap(), None);
    assert_eq!(fmt(""), "");
    assert_eq!(fmt("\n\n"), "");
}

#[test]
fn keeps_every_cell_ending_semicolon() {
    assert_eq!(fmt("import math;"), "import math;");
    assert_eq!(fmt("x  =  1;"), "x = 1;");
    assert_eq!(fmt("plt.plot(x);  # hide"), "plt.plot(x);  # hide");
    assert_eq!(fmt("plt.plot( x ) ;"), "plt.plot(x);");
    assert_eq!(fmt("del x;"), "del x;");
    assert_eq!(fmt("assert x;"), "assert x;");
    assert_eq!(fmt("a=1;b=2;"), "a = 1\nb = 2;");
    assert_eq!(fmt("x = 1;\n# comment"), "x = 1;\n# comment");
    // Semicolons that do not end the cell are removed, as ruff does.
    assert_eq!(fmt("x = 1;\ny = 2"), "x = 1\ny = 2");
}

#[test]
fn ipython_syntax_is_kept() {
    assert_eq!(
        fmt("!pip install numpy\n%matplotlib inline\nx=1\nx?"),
        "!pip install numpy\n%matplotlib inline\nx = 1\nx?"
    );
    assert_eq!(fmt("%%time\nx=1"), "%%time\nx = 1");
    assert_eq!(fmt("await asyncio.sleep( 1 )"), "await asyncio.sleep(1)");
}

#[test]
fn syntax_errors_name_the_row_and_column() {
    let err = formatter().format("x = 1\ny = (\n").unwrap_err();
    let FormatError::Syntax { row, column, .. } = err else {
        panic!("{err:?}")
    };
    assert_eq!((row, column), (3, 1));
    let err = formatter().format("a = 1\nb = 2 +").unwrap_err();
    assert!(matches!(err, FormatError::Syntax { row: 2, .. }), "{err:?}");
}

#[test]
fn options_reach_the_formatter() {
    let mut settings: FormatSettings = Settings::default().format;
    settings.indent_width = Setting {
        value: 2,
        origin: nbtidy_config::Origin::Cli,
    };
    settings.quote_style.value = nbtidy_config::QuoteStyle::Single;
    settings.line_length.value = LineLength::Columns(20);
    let out = CellFormatter::new(&settings)
        .format("def f():\n    return \"a\", 'b', 1111111111, 2222222222")
        .unwrap()
        .unwrap();
    assert_eq!(
        out,
        "def f():\n  return (\n    'a',\n    'b',\n    1111111111,\n    2222222222,\n  )"
    );
    settings.indent_style.value = IndentStyle::Tab;
    let out = CellFormatter::new(&settings)
        .format("if x:\n    y = 1")
        .unwrap()
        .unwrap();
    assert_eq!(out, "if x:\n\ty = 1");
}

#[test]
fn crlf_code_stays_crlf() {
    assert_eq!(fmt("x=1\r\ny=2\r\n"), "x = 1\r\ny = 2");
}

#[test]
fn is_idempotent_on_tricky_cells() {
    for code in [
        "import math;",
        "x = 1;  # c",
        "%%capture out\nprint( 1 )",
        "def f(a,):\n  return a",
        "'''doc'''\nx=1",
        "if True:\n    pass\n# trailing",
    ] {
        let once = fmt(code);
        assert_eq!(fmt(&once), once, "not idempotent for {code:?}");
    }
}

#[test]
fn each_cell_keeps_its_line_endings_cr_only_too() {
    let formatter = CellFormatter::new(&nbtidy_config::FormatSettings::default());
    for (code, expected) in [
        ("x=1\ry=[1,\r2]", "x = 1\ry = [1, 2]"),
        ("x=1\r\ny=2", "x = 1\r\ny = 2"),
        ("x=1\ny=2", "x = 1\ny = 2"),
        ("def f():\r  return 1\r", "def f():\r    return 1"),
    ] {
        assert_eq!(
            formatter.format(code).expect("formats").as_deref(),
            Some(expected),
            "{code:?}"
        );
    }
}

/// IPython runs a cell without the indentation of its first non-blank line (removed from every
/// line that has it): such cells are formatted as they run and keep their indentation.
#[test]
fn indented_cells_are_formatted_and_keep_their_indentation() {
    // An indented backslash continuing a blank line formats to blank lines: nothing to indent,
    // no internal error (found by the `format` fuzz target).
    let formatted = formatter().format(" \\\n     \n").expect("valid");
    assert!(formatted.is_none_or(|new| new.trim().is_empty()));
    // One continuing nothing is a syntax error, as IPython (and CPython) say, whatever the
    // indentation and line ending: the cell is left as it is (found by the fuzz target too).
    for code in ["  \\\n", "\\\n", "\\\r", "x = 1 \\\n", "x = 1\n\\\r\n"] {
        assert!(
            matches!(formatter().format(code), Err(FormatError::Syntax { .. })),
            "{code:?}: {:?}",
            formatter().format(code)
        );
    }
    // A backslash at the end of a comment continues nothing and is fine.
    assert_eq!(fmt("x=1  # a \\\n"), "x = 1  # a \\");
    assert_eq!(
        fmt("    x=1\n    if x :\n        y=[1,2]"),
        "    x = 1\n    if x:\n        y = [1, 2]"
    );
    assert_eq!(formatter().format("    x = 1\n    y = 2").unwrap(), None);
    // The cell's own indentation is kept as it is; the code inside gets the configured one.
    assert_eq!(
        fmt("\tdef f( a ):\n\t\treturn a"),
        "\tdef f(a):\n\t    return a"
    );
    // Blank lines stay empty; string lines get the indentation, which IPython removes again.
    assert_eq!(
        fmt("  a=1\n\n\n\n  s='''\nraw\n  '''"),
        "  a = 1\n\n\n  s = \"\"\"\n  raw\n  \"\"\""
    );
    // Syntax errors point into the cell as stored.
    match formatter().format("    x = 1\n    y = (") {
        Err(FormatError::Syntax { row, column, .. }) => assert_eq!((row, column), (2, 10)),
        other => panic!("{other:?}"),
    }
    // Uneven indentation fails, as in IPython.
    assert!(matches!(
        formatter().format("    x = 1\n  y = 2"),
        Err(FormatError::Syntax { .. })
    ));
}

/// `format_range` over the byte range of `part` in `code` (its first occurrence).
fn fmt_range(code: &str, part: &str) -> Result<Option<String>, FormatError> {
    let start = code.find(part).expect(part);
    formatter().format_range(code, start..start + part.len())
}

#[test]
fn range_formatting_formats_only_the_statements_in_the_range() {
    let code = "x=1\ny=[1,2]\nz =3";
    assert_eq!(
        fmt_range(code, "y=[1,2]").unwrap().as_deref(),
        Some("x=1\ny = [1, 2]\nz =3")
    );
    assert_eq!(
        fmt_range(code, "x=1").unwrap().as_deref(),
        Some("x = 1\ny=[1,2]\nz =3")
    );
    // The last statement, up to the end of the cell (no line ending added).
    assert_eq!(
        fmt_range(code, "z =3").unwrap().as_deref(),
        Some("x=1\ny=[1,2]\nz = 3")
    );
    // Already formatted: nothing to do.
    assert_eq!(fmt_range("x = 1\ny = 2", "y = 2").unwrap(), None);
    // CRLF and an IPython escape stay as they are outside the range.
    assert_eq!(
        fmt_range("%matplotlib inline\r\nx=1\r\ny=2", "y=2")
            .unwrap()
            .as_deref(),
        Some("%matplotlib inline\r\nx=1\r\ny = 2")
    );
}

#[test]
fn range_formatting_keeps_what_whole_formatting_keeps_or_formats_the_whole_cell() {
    // The semicolon that hides the cell's output stays.
    let formatted = fmt_range("x=1\nplt.plot( x );", "plt.plot( x );")
        .unwrap()
        .unwrap();
    assert!(formatted.ends_with("plt.plot(x);"), "{formatted}");
    // An indented cell is formatted whole.
    assert_eq!(
        fmt_range("  x=1\n  y=2", "y=2").unwrap().as_deref(),
        Some("  x = 1\n  y = 2")
    );
    // A syntax error anywhere: no edit, the error.
    assert!(matches!(
        fmt_range("x=1\ny = (", "x=1"),
        Err(FormatError::Syntax { .. })
    ));
    // Whatever range is asked, the result formats whole to what the cell formats whole to.
    let code = "def f( a ):\n    return a+1\nif True :\n    y = f( 1 )\nprint( y )";
    let whole = formatter().format(code).unwrap().unwrap();
    for start in 0..code.len() {
        for end in start..=code.len() {
            if let Some(new) = formatter().format_range(code, start..end).unwrap() {
                let again = formatter().format(&new).unwrap();
                assert_eq!(again.as_deref().unwrap_or(&new), whole, "{start}..{end}");
            }
        }
    }
}
