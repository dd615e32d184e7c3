//! `F407` future-feature-not-defined: `from __future__ import name` with a name Python does
//! not know.

use ruff_python_ast::{AnyNodeRef, NodeKind};

use crate::checker::At;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};

/// The features `__future__` defines (`__future__.all_feature_names`).
const FEATURES: &[&str] = &[
    "nested_scopes",
    "generators",
    "division",
    "absolute_import",
    "with_statement",
    "print_function",
    "unicode_literals",
    "barry_as_FLUFL",
    "generator_stop",
    "annotations",
];

crate::declare_rule! {
    /// ## What it does
    /// Checks for `from __future__ import name` where `name` is not a feature of the
    /// `__future__` module (`annotations`, `division`, `print_function`, ...).
    ///
    /// The same in a notebook as in a `.py` file.
    ///
    /// ## Why is this bad?
    /// Python refuses to compile it ("future feature ... is not defined"): the whole cell
    /// raises `SyntaxError` before any of it runs.
    ///
    /// ## Example
    /// ```python
    /// from __future__ import annotation
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// from __future__ import annotations
    /// ```
    ///
    /// ## Fix safety
    /// No fix, as in ruff.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct FutureFeatureNotDefined {
        code: "F407",
        name: "future-feature-not-defined",
        severity: Error,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

impl Rule for FutureFeatureNotDefined {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn visits(&self) -> &'static [NodeKind] {
        &[NodeKind::StmtImportFrom]
    }

    fn visit(&self, node: AnyNodeRef<'_>, at: &At<'_, '_>, out: &mut Diagnostics) {
        let AnyNodeRef::StmtImportFrom(import) = node else {
            return;
        };
        if import.level != 0 || import.module.as_deref() != Some("__future__") {
            return;
        }
        for alias in &import.names {
            if !FEATURES.contains(&alias.name.as_str()) {
                out.push(at.context.code_diagnostic(
                    &Self::META,
                    format!("Future feature `{}` is not defined", alias.name),
                    at.cell.index,
                    alias.range,
                ));
            }
        }
    }
}
