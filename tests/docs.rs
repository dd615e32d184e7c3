//! `docs/rules.md` is generated from the rules' own documentation; this test keeps it current.
//! Run with `NBTIDY_BLESS=1` to regenerate it.

use std::fmt::Write as _;
use std::path::Path;

use nbtidy_lint::RULES;
use nbtidy_lint::registry::describe;

fn generate() -> String {
    let mut out = String::from(
        "# Rules\n\nGenerated from the rules' documentation by `tests/docs.rs` (`NBTIDY_BLESS=1 cargo test --test docs`); `nbtidy rule CODE` prints the same text.\n\n| code | name | severity | recommended | fix |\n| --- | --- | --- | --- | --- |\n",
    );
    for rule in RULES {
        let meta = rule.meta();
        let _ = writeln!(
            out,
            "| [{}](#{}-{}) | {} | {} | {} | {} |",
            meta.code,
            meta.name,
            meta.code.to_lowercase(),
            meta.name,
            meta.severity,
            if meta.recommended { "yes" } else { "no" },
            meta.fix
        );
    }
    for rule in RULES {
        out.push('\n');
        for line in describe(*rule).lines() {
            if line.starts_with('#') && !line.starts_with("#!") {
                out.push('#');
            }
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[test]
fn rules_doc_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
    let generated = generate();
    if std::env::var_os("NBTIDY_BLESS").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == generated,
        "docs/rules.md is out of date: run `NBTIDY_BLESS=1 cargo test --test docs`"
    );
}
