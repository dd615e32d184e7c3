//! Short, deterministic fuzz runs of every target (a fixed seed and number of executions), so
//! `cargo test` exercises the properties on mutated inputs. Long runs: `scripts/fuzz`.
//!
//! The seeds are a fixed subset of `../shared` (every third file, notebooks up to 64 KiB).

use std::fmt::Write as _;
use std::sync::OnceLock;

use nbtidy_fuzz::{Budget, Checker, RunOptions, SeedLimits, Seeds, Stats, Target, run, shared_dir};

fn seeds() -> &'static Seeds {
    static SEEDS: OnceLock<Seeds> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let limits = SeedLimits {
            max_notebook_bytes: 64 * 1024,
            max_small_notebook_bytes: 24 * 1024,
            every: 3,
            max_cell_bytes: 4 * 1024,
        };
        let seeds = Seeds::load(&shared_dir(), limits)
            .expect("../shared/corpus and ../shared/peer-fixtures beside the repository");
        assert!(seeds.notebooks.len() > 100 && seeds.cells.len() > 500);
        seeds
    })
}

fn report(stats: &Stats) -> String {
    let mut out = format!("{} executions\n", stats.executions);
    for (kind, found) in &stats.failures {
        let _ = writeln!(
            out,
            "{kind} (x{})\n{}\ninput: {:?}\n",
            found.count,
            found.failure.detail,
            String::from_utf8_lossy(&found.input)
        );
    }
    out
}

fn smoke(target: Target, executions: u64) {
    let checker = Checker::new();
    let options = RunOptions {
        target,
        seed: 0x6e62_7469_6479,
        budget: Budget::Executions(executions),
        artifacts: None,
        current_input: None,
        slow: None,
        run_seeds: false,
    };
    let stats = run(&checker, seeds(), &options, |_, _| {});
    assert_eq!(stats.executions, executions);
    assert!(stats.failures.is_empty(), "{}", report(&stats));
}

#[test]
fn notebook_reader_and_no_op_writer() {
    smoke(Target::Notebook, 2000);
}

#[test]
fn splicing_a_new_source() {
    smoke(Target::Splice, 1500);
}

#[test]
fn formatting_is_idempotent() {
    smoke(Target::Format, 1500);
}

#[test]
fn fixes_keep_code_parsing() {
    smoke(Target::Fix, 200);
}
