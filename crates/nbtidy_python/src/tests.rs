use super::*;
use crate::hostile::shapes;

#[test]
fn shallow_code_is_shallow() {
    assert_eq!(nesting("x = 1"), 1);
    assert!(nesting("x = [1, 2, 3]") <= 3);
    assert!(nesting("df.groupby('a').agg('sum').reset_index()") < 15);
}

#[test]
fn flat_chains_are_not_deep() {
    // Flat nodes, as CPython sees them: these compile.
    for code in [
        vec!["x"; 20_000].join(" and "),
        vec!["x"; 20_000].join(" < "),
        vec!["'a'"; 20_000].join(" "),
        format!("[{}]", vec!["-1.5"; 20_000].join(", ")),
        format!("{{{}}}", vec!["'k': -v.x"; 20_000].join(", ")),
        vec!["x = a.b + 1"; 20_000].join("\n"),
    ] {
        assert!(nesting(&code) < 10, "{}", &code[..40]);
        assert!(parse_cell(&code).is_ok());
    }
}

#[test]
fn every_shape_counts() {
    for (name, shape) in shapes() {
        let small = nesting(&shape(10));
        let large = nesting(&shape(1000));
        assert!(large >= 1000, "{name}: {large}");
        assert!(small < 60, "{name}: {small}");
    }
}

#[test]
fn too_deep_is_an_error_naming_the_place() {
    for (name, shape) in shapes() {
        let code = format!("y = 1\n{}\n", shape(MAX_NESTING + 10));
        let err = parse_cell(&code).expect_err(name);
        let ParseError::TooDeep(deep) = &err else {
            panic!("{name}: {err:?}");
        };
        assert!(deep.offset >= 6, "{name}: {}", deep.offset);
        assert!(code.is_char_boundary(deep.offset));
        assert!(parse_cell_unchecked(&code).is_err());
        assert!(err.message().contains("nested too deeply"), "{name}");
    }
}

/// Every shape just under the limit parses (and is walked) on a thread with [`STACK_SIZE`]:
/// debug builds use the most stack, which is how `cargo test` runs.
#[test]
fn the_limit_fits_the_stack() {
    std::thread::Builder::new()
        .stack_size(STACK_SIZE)
        .spawn(|| {
            for (name, shape) in shapes() {
                // The largest n accepted.
                let (mut low, mut high) = (1, MAX_NESTING * 2);
                while low + 1 < high {
                    let mid = (low + high) / 2;
                    if nesting(&shape(mid)) <= MAX_NESTING {
                        low = mid;
                    } else {
                        high = mid;
                    }
                }
                let code = shape(low);
                let parsed = parse_cell_unchecked(&code).unwrap_or_else(|_| panic!("{name}"));
                drop(parsed);
            }
        })
        .expect("spawn")
        .join()
        .expect("no stack overflow");
}

#[test]
fn row_column_counts_characters_and_line_endings() {
    assert_eq!(row_column("ab\ncd", 4), (2, 2));
    assert_eq!(row_column("ab\r\ncd", 5), (2, 2));
    assert_eq!(row_column("ab\rcd", 4), (2, 2));
    assert_eq!(row_column("é x", 3), (1, 3));
    assert_eq!(row_column("é", 1), (1, 1));
}

#[test]
fn leading_indent_is_removed_as_ipython_does() {
    assert!(LeadingIndent::detect("x = 1\n    y").is_none());
    assert!(LeadingIndent::detect("").is_none());
    assert!(LeadingIndent::detect("\n\n").is_none());
    let cell = "\n    x = 1\n\n    if x:\n        y = 2\n  odd\n\t";
    let indent = LeadingIndent::detect(cell).unwrap();
    assert_eq!(indent.indent(), "    ");
    // Lines without the indentation (blank, less indented) are kept as they are.
    assert_eq!(indent.dedented(), "\nx = 1\n\nif x:\n    y = 2\n  odd\n\t");
    assert!(parse_cell("x = 1\nif x:\n    y = 2").is_ok());
    // Positions map back: `y` of `y = 2`, the start of `if`, `odd`.
    for what in ["y = 2", "if x", "odd", "x = 1"] {
        let dedented = indent.dedented().find(what).unwrap();
        assert_eq!(
            indent.to_original(dedented),
            cell.find(what).unwrap(),
            "{what}"
        );
        assert_eq!(
            indent.to_original(dedented + 2),
            cell.find(what).unwrap() + 2
        );
    }
    let (row, column) = row_column(indent.dedented(), indent.dedented().find("y = 2").unwrap());
    assert_eq!((row, indent.original_column(row, column)), (5, 9));
    let (row, column) = row_column(indent.dedented(), indent.dedented().find("odd").unwrap());
    assert_eq!((row, indent.original_column(row, column)), (6, 3));
    // Tabs, CRLF.
    let tabbed = LeadingIndent::detect("\tx = 1\r\n\ty = 2").unwrap();
    assert_eq!(tabbed.dedented(), "x = 1\r\ny = 2");
    assert_eq!(tabbed.to_original(7), 9);
}

#[test]
fn reindenting_gives_back_the_dedented_code() {
    let indent = LeadingIndent::detect("  a = 1\n  s = '''\ntext\n  '''").unwrap();
    assert_eq!(indent.dedented(), "a = 1\ns = '''\ntext\n'''");
    let formatted = "a = 1\n\ns = '''\ntext\n'''";
    let back = indent.reindent(formatted);
    assert_eq!(back, "  a = 1\n\n  s = '''\n  text\n  '''");
    // IPython removes it again: the code that runs is the formatted code.
    assert_eq!(LeadingIndent::detect(&back).unwrap().dedented(), formatted);
    // Fragments: indentation after inner line breaks, and after a final one when a line
    // follows.
    assert_eq!(indent.reindent_fragment("pass", "\nx"), "pass");
    assert_eq!(indent.reindent_fragment("a\nb\n", "c"), "a\n  b\n  ");
    assert_eq!(indent.reindent_fragment("a\n\nb", ""), "a\n\n  b");
    assert_eq!(indent.reindent_fragment("a\n", "\nnext"), "a\n");
}

/// The shortcut for short code agrees with the estimate: no code of at most 999 bytes can be
/// nested more than the limit (each byte adds at most 2).
#[test]
fn short_code_cannot_be_too_deep() {
    let longest = (MAX_NESTING - 1) / 2;
    for (name, shape) in crate::hostile::shapes() {
        for n in 1..longest {
            let code = shape(n);
            if code.len() > longest {
                break;
            }
            assert!(nesting(&code) <= 1 + 2 * code.len(), "{name} {n}");
        }
    }
}
