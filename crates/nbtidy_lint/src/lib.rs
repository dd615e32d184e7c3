//! Notebook-aware lint rules: the rule engine, the registry, the checker and fix application.
//!
//! This crate answers "what is wrong with this notebook, and what would fix it". It reads a
//! notebook through `nbtidy_notebook`, settings through `nbtidy_config`, and produces
//! `nbtidy_diagnostics` findings; it never prints.
//!
//! A rule is one file in a family folder of `rules/` (declared with [`declare_rule!`]), one entry
//! in its family's list ([`registry::Family`]) and one fixture folder under
//! `tests/fixtures/<CODE>/`. The engine that runs them is [`engine`]; fixing is [`fix`].

pub mod checker;
pub mod context;
pub mod diagnostics;
pub mod engine;
pub mod fix;
pub mod keys;
mod noqa;
pub mod registry;
pub mod rule;
pub mod rules;
pub mod selection;
pub mod semantic;

pub use checker::At;
pub use context::{CellKind, CellView, Context, Fixes};
pub use diagnostics::Diagnostics;
pub(crate) use engine::file_diagnostics;
pub use engine::{check_notebook, check_notebook_for, run_rules};
pub use nbtidy_config::SettingProblem;
pub use registry::{RULES, find_rule, linter_keys, resolver};
pub use rule::{FixAvailability, Rule, RuleMeta, RuleOption};
pub use selection::{Selection, SelectionArgs};
