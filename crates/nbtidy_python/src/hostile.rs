//! Generators of hostile code, for tests and fuzzing (here so the CLI's hostile-input tests, the
//! fuzzer and this crate's tests share them).

/// Code nested `n` levels deep.
pub type Generator = fn(usize) -> String;

/// Every kind of nesting the estimate counts, as generators of code nested `n` levels deep:
/// `(name, generator)`.
pub fn shapes() -> Vec<(&'static str, Generator)> {
    vec![
        ("brackets", |n| {
            format!("x = {}{}", "[".repeat(n), "]".repeat(n))
        }),
        ("parens", |n| {
            format!("x = {}1{}", "(".repeat(n), ")".repeat(n))
        }),
        ("dicts", |n| {
            format!("{}1{}", "{1: ".repeat(n), "}".repeat(n))
        }),
        ("plus", |n| vec!["1"; n + 1].join("+")),
        ("power", |n| vec!["2"; n + 1].join("**")),
        ("attributes", |n| format!("a{}", ".b".repeat(n))),
        ("calls", |n| format!("f{}", "()".repeat(n))),
        ("subscripts", |n| format!("a{}", "[0]".repeat(n))),
        ("unary minus", |n| format!("{}1", "-".repeat(n))),
        ("not", |n| format!("{}x", "not ".repeat(n))),
        ("lambda", |n| format!("{}1", "lambda: ".repeat(n))),
        ("lambda with parameters", |n| {
            format!("{}1", "lambda a, b=1: ".repeat(n))
        }),
        ("conditional", |n| format!("{}1", "1 if x else ".repeat(n))),
        ("f-strings", |n| {
            let mut code = String::from("1");
            for i in 0..n {
                let q = if i % 2 == 0 { '"' } else { '\'' };
                code = format!("f{q}{{{code}}}{q}");
            }
            code
        }),
        ("lambda and", |n| format!("{}1", "lambda: x and ".repeat(n))),
        ("blocks", |n| {
            let mut code = String::new();
            for i in 0..n {
                code.push_str(&" ".repeat(i));
                code.push_str("if x:\n");
            }
            code.push_str(&" ".repeat(n));
            code.push_str("pass\n");
            code
        }),
    ]
}
