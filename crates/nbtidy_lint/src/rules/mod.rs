//! The rules, one folder per family (as ruff groups them): `pyflakes/`, `pycodestyle/`,
//! `notebook/`. Each family's `mod.rs` lists its rules in [`crate::registry::Family`]; the
//! registry lists the families.

pub mod isort;
pub mod json_util;
pub mod notebook;
pub mod pycodestyle;
pub mod pyflakes;
