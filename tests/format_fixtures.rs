//! Golden tests: every `tests/fixtures/format/NAME.ipynb` is formatted (on a copy) and compared
//! with `NAME.expected.ipynb` (the file), `NAME.stderr` (warnings and summary) and `NAME.diff`
//! (`--diff` output). Run with `NBTIDY_BLESS=1` to rewrite the expectations, then review them.

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/format");
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.ends_with(".ipynb") && !name.ends_with(".expected.ipynb")
        })
        .collect();
    inputs.sort();
    inputs
}

fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_nbtidy"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn expect(path: &Path, actual: &str, failures: &mut Vec<String>) {
    if std::env::var_os("NBTIDY_BLESS").is_some() {
        std::fs::write(path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_default();
    if expected != actual {
        failures.push(format!(
            "{} differs:\n--- expected\n{expected}\n--- actual\n{actual}",
            path.display()
        ));
    }
}

#[test]
fn format_fixtures_match_their_expectations() {
    let mut failures = Vec::new();
    let inputs = fixtures();
    assert!(inputs.len() >= 7);
    for input in inputs {
        let name = input.file_name().unwrap().to_string_lossy().into_owned();
        let stem = name.trim_end_matches(".ipynb");
        let temp = tempfile::tempdir().unwrap();
        std::fs::copy(&input, temp.path().join(&name)).unwrap();

        let (code, diff, _) = run(temp.path(), &["format", "--diff", &name]);
        let changed = !diff.is_empty();
        assert_eq!(code, Some(i32::from(changed)), "{name}: --diff exit code");
        expect(
            &input.with_file_name(format!("{stem}.diff")),
            &diff,
            &mut failures,
        );

        let (code, stdout, stderr) = run(temp.path(), &["format", &name]);
        assert_eq!(code, Some(0), "{name}: {stderr}");
        assert_eq!(stdout, "");
        expect(
            &input.with_file_name(format!("{stem}.stderr")),
            &stderr,
            &mut failures,
        );
        let formatted = std::fs::read_to_string(temp.path().join(&name)).unwrap();
        expect(
            &input.with_file_name(format!("{stem}.expected.ipynb")),
            &formatted,
            &mut failures,
        );

        // Idempotent: the formatted notebook is left alone.
        let (code, stdout, _) = run(temp.path(), &["format", "--check", &name]);
        assert_eq!((code, stdout.as_str()), (Some(0), ""), "{name}: second run");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
