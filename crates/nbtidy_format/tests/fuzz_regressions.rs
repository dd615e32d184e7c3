//! Inputs found by the fuzzer (`crates/nbtidy_fuzz`, target `format`), minimized and kept in
//! `tests/fuzz/format/`. Both are bugs of the pinned ruff crates; what is tested is that the
//! cell gets an error (and is left as it is) instead of a panic that stops the notebook.
//! `crates/nbtidy_fuzz/tests/regressions.rs` also runs the fuzz target's property on them.

use std::path::Path;

use nbtidy_config::FormatSettings;
use nbtidy_format::{CellFormatter, FormatError};

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz/format")
        .join(name);
    std::fs::read_to_string(path).unwrap()
}

fn format(code: &str) -> Result<Option<String>, FormatError> {
    CellFormatter::new(&FormatSettings::default()).format(code)
}

/// ruff_python_parser 0.0.10 reaches `unreachable!` in notebook mode when, after mismatched
/// brackets, a line starts with an IPython escape other than `%`/`!` (`,` `;` `/` autocalls).
#[test]
fn an_escape_after_mismatched_brackets_is_a_syntax_error_not_a_panic() {
    for code in [
        fixture("escape-after-mismatched-brackets.py").as_str(),
        "x = [1)\n, y",
        "f(a]\n;g b",
        "x = (1]\n/f 1",
    ] {
        match format(code) {
            Err(FormatError::Syntax { .. }) => {}
            other => panic!("{code:?}: {other:?}"),
        }
        assert!(nbtidy_format::check_parses(code).is_err(), "{code:?}");
    }
}

/// A shell escape continued with `\` on CRLF lines: ruff's formatter trips its own debug
/// assertion (`debug_assert_no_newlines`: text with `\r`) in debug builds and, in release
/// builds, prints code that does not parse. Either way the cell is an internal error, left as it
/// is. (If this starts failing after a ruff update, the bug may be fixed upstream.)
#[test]
fn a_shell_escape_continued_over_crlf_lines_is_left_unchanged() {
    let code = fixture("shell-continuation-crlf.py");
    assert!(code.contains("\\\r\n"));
    match format(&code) {
        Err(FormatError::Internal(_)) => {}
        other => panic!("{other:?}"),
    }
}

/// An escape continued with `\` before a blank line: ruff's formatter drops the blank line, so
/// the next line would join the shell command (`!git config ... \`, ``, `login()` would no longer
/// call `login()`). nbtidy refuses the result: an internal error, the cell left as it is.
#[test]
fn an_escape_continued_before_a_blank_line_is_not_merged_with_the_next_line() {
    for code in [
        fixture("escape-continued-before-blank-line.py").as_str(),
        "from huggingface_hub import notebook_login\n!git config --global credential.helper store \\\n\nnotebook_login()",
    ] {
        match format(code) {
            Err(FormatError::Internal(message)) => {
                assert!(message.contains("IPython escape command"), "{message}");
            }
            other => panic!("{code:?}: {other:?}"),
        }
    }
    // Other escapes are formatted as usual, a cell ending with a continued escape too.
    assert_eq!(
        format("!ls -la\n%time x=1\nx=1").unwrap().as_deref(),
        Some("!ls -la\n%time x=1\nx = 1")
    );
    // (The first versions of the check refused these: read without the newline the cell is
    // formatted with, the escape's text keeps its final `\`.)
    assert_eq!(
        format("x=1\n%pip install -q x\\").unwrap().as_deref(),
        Some("x = 1\n%pip install -q x\\")
    );
    assert_eq!(
        format(&fixture("escape-continued-at-end-of-cell.py")).unwrap(),
        None
    );
    assert_eq!(
        format(&fixture("escape-continued-twice-at-end-of-cell.py")).unwrap(),
        None
    );
    assert_eq!(
        format("def f[T](x: T) -> T: ...\n!pip list 2>&1 |\\\\")
            .unwrap()
            .as_deref(),
        Some("def f[T](x: T) -> T: ...\n\n\n!pip list 2>&1 |\\\\")
    );
}

/// A comment right before the brackets that continue an expression: ruff's formatter moves it on
/// the first run and joins the lines on the second, so formatting is not idempotent (an upstream
/// instability). Nothing is lost: both results parse and keep the comment, and the second run is
/// stable.
#[test]
fn a_comment_before_call_brackets_settles_after_two_runs() {
    let code = fixture("comment-before-call-brackets.py");
    let first = format(&code).unwrap().expect("formatted");
    let second = format(&first).unwrap().unwrap_or_else(|| first.clone());
    assert_eq!(format(&second).unwrap(), None, "stable after two runs");
    for output in [&first, &second] {
        assert!(nbtidy_format::check_parses(output).is_ok(), "{output}");
        assert!(output.contains('#'), "{output}");
    }
}

/// The code of a fixture without the first line that pins the fuzzer's formatter settings
/// (`# nbtidy-fuzz settings=2` is `max_line_length = 1`).
fn code_of(name: &str) -> String {
    let text = fixture(name);
    let (header, code) = text.split_once('\n').unwrap();
    assert!(header.starts_with("# nbtidy-fuzz settings="));
    code.to_owned()
}

fn format_at_line_length_1(code: &str) -> Result<Option<String>, FormatError> {
    let settings = FormatSettings {
        line_length: nbtidy_config::Setting::default_value(nbtidy_config::LineLength::Columns(1)),
        ..FormatSettings::default()
    };
    CellFormatter::new(&settings).format(code)
}

/// `x = *1` (which CPython refuses, ruff's parser accepts): at line length 1 ruff's formatter
/// writes `x = (*1)`, which does not parse. The re-parse refuses it: an internal error, the cell
/// left as it is.
#[test]
fn a_starred_assignment_value_is_not_parenthesized_into_invalid_code() {
    let code = code_of("starred-assignment-value-line-length-1.py");
    match format_at_line_length_1(&code) {
        Err(FormatError::Internal(message)) => assert!(message.contains("does not parse")),
        other => panic!("{other:?}"),
    }
}

/// A replacement field in an f-string's format spec, split over lines: at line length 1 ruff's
/// formatter splits it further on the second run (not idempotent, an upstream instability).
/// Nothing is lost: every run gives code that parses, and it settles.
#[test]
fn an_fstring_with_a_nested_format_spec_settles() {
    let mut code = code_of("fstring-nested-spec-line-length-1.py");
    let mut runs = 0;
    while let Some(next) = format_at_line_length_1(&code).unwrap() {
        assert!(nbtidy_format::check_parses(&next).is_ok(), "{next}");
        code = next;
        runs += 1;
        assert!(runs <= 3, "not settled after 3 runs:\n{code}");
    }
    assert!(runs >= 1);
}

/// `"" f"{x}"` joined into `f"{x}"`: the same code (the fuzzer's tree comparison had to learn
/// that an empty literal part is nothing). Kept as a check that the join stays correct.
#[test]
fn an_empty_string_concatenated_with_an_fstring_is_joined() {
    let code = code_of("implicit-concatenation-with-fstring.py");
    let output = format(&code).unwrap().unwrap();
    assert!(
        output.contains("end = f\"{x!r:>{w}}\" if step < total else \"\\n\""),
        "{output}"
    );
}

/// An escape continued with `\` into a line holding only spaces, then a comment: ruff's
/// formatter adds a blank line on every run (not idempotent, an upstream bug). Nothing else
/// changes: every run keeps the escape's text and the comment, and parses.
#[test]
fn an_escape_continued_into_a_line_of_spaces_keeps_its_text() {
    let mut code = fixture("escape-continued-before-spaces-line.py");
    for _ in 0..3 {
        let Some(next) = format(&code).unwrap() else {
            break;
        };
        assert!(nbtidy_format::check_parses(&next).is_ok(), "{next:?}");
        assert!(
            next.starts_with("!pip install transformers accelerate -q\\\n  \n"),
            "{next:?}"
        );
        assert!(next.ends_with("\n# c"), "{next:?}");
        code = next;
    }
}

/// The settings a fixture's first line `# nbtidy-fuzz settings=N` pins (the order of
/// `Checker::new` in `crates/nbtidy_fuzz/src/targets.rs`; only the variants fixtures use).
fn pinned_settings(index: usize) -> FormatSettings {
    use nbtidy_config::{LineLength, MagicTrailingComma, QuoteStyle, Setting};
    let mut settings = FormatSettings::default();
    match index {
        0 => {}
        1 => settings.line_length = Setting::default_value(LineLength::Columns(40)),
        2 => settings.line_length = Setting::default_value(LineLength::Columns(1)),
        4 => {
            settings.indent_width = Setting::default_value(2);
            settings.quote_style = Setting::default_value(QuoteStyle::Single);
            settings.magic_trailing_comma = Setting::default_value(MagicTrailingComma::Ignore);
        }
        _ => panic!("settings {index} not mapped here"),
    }
    settings
}

/// Upstream instabilities of ruff's formatter (not idempotent): whatever the run, nbtidy only
/// returns code that parses (or an internal error, the cell left as it is), and within a few runs
/// the cell settles.
#[test]
fn formatter_instabilities_never_return_broken_code_and_settle() {
    for name in [
        // In a `# fmt: off` region, blank lines after a line continued with `\` are dropped one
        // per run; the run that would join the next line is refused.
        "fmt-off-continuation-before-blank-lines.py",
        // `":" ""` as a docstring: `':'` on the first run, `":"` on the second.
        "implicitly-concatenated-docstring-single-quotes.py",
        // A byte order mark before a leading comment: dropped, then the blank lines change.
        "byte-order-mark-in-code.py",
        // `t(("""` ... `"""))`: hugged on the first run, split on the second.
        "parenthesized-multiline-string-argument.py",
    ] {
        let text = fixture(name);
        let (header, code) = text.split_once('\n').unwrap();
        let index: usize = header
            .strip_prefix("# nbtidy-fuzz settings=")
            .unwrap()
            .parse()
            .unwrap();
        let formatter = CellFormatter::new(&pinned_settings(index));
        let mut code = code.to_owned();
        let mut settled = false;
        for _ in 0..4 {
            match formatter.format(&code) {
                Ok(Some(next)) => {
                    assert!(
                        nbtidy_format::check_parses(&next).is_ok(),
                        "{name}: {next:?}"
                    );
                    code = next;
                }
                Ok(None) | Err(FormatError::Internal(_)) => {
                    settled = true;
                    break;
                }
                Err(err) => panic!("{name}: {err}"),
            }
        }
        assert!(settled, "{name}: still changing after 4 runs: {code:?}");
    }
}
