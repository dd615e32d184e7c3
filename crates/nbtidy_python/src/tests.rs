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
