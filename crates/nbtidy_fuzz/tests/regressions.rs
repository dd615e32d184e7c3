//! Every input the fuzzer found and that was kept as a fixture (`crates/*/tests/fuzz/<target>/`)
//! satisfies its target's whole property now, or is a known bug of the pinned ruff crates
//! (`known_upstream`) that the crate's own regression test shows nbtidy copes with.

use std::path::Path;

use nbtidy_fuzz::{Checker, Target, known_upstream, run_one};

#[test]
fn kept_fuzz_findings_pass_their_target() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let checker = Checker::new();
    let mut checked = 0;
    let mut failures = Vec::new();
    let mut crate_dirs: Vec<_> = std::fs::read_dir(&crates)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    crate_dirs.sort();
    for crate_dir in crate_dirs {
        for target in Target::ALL {
            let dir = crate_dir.join("tests/fuzz").join(target.name());
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            let mut files: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
            files.sort();
            for file in files {
                let bytes = std::fs::read(&file).unwrap();
                checked += 1;
                if let Err(failure) = run_one(&checker, target, &bytes)
                    && known_upstream(target, &bytes, &failure).is_none()
                {
                    failures.push(format!(
                        "{}: {}\n{}",
                        file.display(),
                        failure.kind,
                        failure.detail
                    ));
                }
            }
        }
    }
    assert!(checked > 0, "no fixtures found under crates/*/tests/fuzz/");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
