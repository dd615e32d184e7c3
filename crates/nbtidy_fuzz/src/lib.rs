//! Mutation fuzzing of nbtidy on the stable toolchain ("never lose a notebook").
//!
//! Four targets ([`Target`]), each a property checked on one input:
//! 1. `notebook`: the reader and the no-op writer, on arbitrary bytes;
//! 2. `splice`: re-encoding a new source for one cell of an accepted notebook;
//! 3. `format`: formatting cell code (idempotence, parse in ⇒ parse out);
//! 4. `fix`: the fix loop with every rule and unsafe fixes.
//!
//! Inputs start from the seeds in `../shared` ([`seeds`]) and are mutated by byte-level,
//! JSON-aware and Python-aware mutations ([`mutate`]). The loop ([`driver`]) catches panics per
//! input, keeps mutants that behave in a new way, and records each kind of failure once.
//!
//! This crate is a test tool: the CLI does not depend on it. Short deterministic runs are part of
//! `cargo test` (`tests/smoke.rs`); long runs go through `scripts/fuzz`.

pub mod driver;
pub mod mutate;
pub mod seeds;
pub mod targets;

pub use driver::{Budget, Found, RunOptions, Stats, minimize, run, run_one};
pub use seeds::{SeedLimits, Seeds, shared_dir};
pub use targets::{Checker, Failure, SpliceInput, Target, known_upstream};
