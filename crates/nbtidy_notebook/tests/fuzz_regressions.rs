//! Inputs found by the fuzzer (`crates/nbtidy_fuzz`, target `notebook`), minimized and kept in
//! `tests/fuzz/notebook/`: each must be accepted or rejected as Jupyter (Python's `json`) does,
//! and an accepted one must round-trip byte for byte. `crates/nbtidy_fuzz/tests/regressions.rs`
//! also runs the fuzz target's whole property on every file there.

use std::path::Path;

use nbtidy_notebook::Notebook;

/// `(file, accepted)`.
const CASES: &[(&str, bool)] = &[
    // `-NaN`, and `NaN`/`Infinity` glued to a number, were rewritten to numbers before the
    // skeleton parse (`-0.0`, `10.0`, `0.01`, `-1.0000000`) and so accepted; Python rejects them.
    ("negative-nan.ipynb", false),
    ("number-then-nan.ipynb", false),
    ("nan-then-number.ipynb", false),
    ("infinity-then-number.ipynb", false),
    // Whole values are still accepted, with any whitespace around them; strings are untouched.
    ("non-finite-values.ipynb", true),
];

#[test]
fn fuzz_findings_are_read_as_jupyter_reads_them() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz/notebook");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = CASES.iter().map(|(f, _)| (*f).to_owned()).collect();
    listed.sort();
    assert_eq!(on_disk, listed, "every fixture has an expectation");
    for (file, accepted) in CASES {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        match Notebook::parse(&bytes) {
            Ok(notebook) => {
                assert!(*accepted, "{file}: accepted, but Jupyter rejects it");
                assert_eq!(notebook.with_sources(&[]).unwrap(), bytes, "{file}");
            }
            Err(err) => assert!(!accepted, "{file}: rejected ({err}), but Jupyter reads it"),
        }
    }
}
