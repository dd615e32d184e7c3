//! `F402` import-shadowed-by-loop-var: a `for` loop whose target rebinds or hides an import.

use crate::context::Context;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};
use crate::semantic::{self, BindingKind};

crate::declare_rule! {
    /// ## What it does
    /// Checks for `for` loop variables that rebind a name imported in the same scope, or hide
    /// one of an enclosing function or the module (a loop in a function over `os` after the
    /// notebook imported `os`), in notebook order: an import in cell 1 and `for os in ...` in
    /// cell 5 is reported, with the import's cell and line in the message (as ruff writes it
    /// for a notebook). Comprehension variables have their own scope and are not reported.
    ///
    /// ## Why is this bad?
    /// After the loop the module is gone: every later cell that uses it gets the last item of
    /// the loop instead, and the error shows up far from its cause.
    ///
    /// ## Example
    /// ```python
    /// from pathlib import Path
    ///
    /// for Path in glob("*.csv"):
    ///     load(Path)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// from pathlib import Path
    ///
    /// for path in glob("*.csv"):
    ///     load(path)
    /// ```
    ///
    /// ## Fix safety
    /// No fix, as in ruff: which name to rename is a decision.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct ImportShadowedByLoopVar {
        code: "F402",
        name: "import-shadowed-by-loop-var",
        severity: Warning,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

impl Rule for ImportShadowedByLoopVar {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        let model = semantic::model(context);
        for binding in &model.bindings {
            if binding.kind != BindingKind::LoopVar || !model.is_reportable(binding.cell) {
                continue;
            }
            let Some(shadowed) = binding
                .shadows
                .or(binding.shadows_outer)
                .map(|id| &model.bindings[id])
            else {
                continue;
            };
            if !(shadowed.kind.is_import() || shadowed.kind == BindingKind::FutureImport) {
                continue;
            }
            let row = context.cells()[shadowed.cell]
                .position(shadowed.range.start().to_usize())
                .row;
            out.push(context.code_diagnostic(
                &Self::META,
                format!(
                    "Import `{}` from cell {}, line {row} shadowed by loop variable",
                    binding.name,
                    shadowed.cell + 1
                ),
                binding.cell,
                binding.range,
            ));
        }
    }
}
