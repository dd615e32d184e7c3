//! `F811` redefined-while-unused: a definition or import replaced before anything used it.

use crate::context::Context;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};
use crate::semantic::{self, Binding, BindingKind, ScopeKind, SemanticModel, is_dummy};

crate::declare_rule! {
    /// ## What it does
    /// Checks for a function, class, import or assignment that is bound again (by a `def`,
    /// `class`, import or assignment) before anything used it, in notebook order: importing
    /// `pandas` in cell 1 and again in cell 4 with no use in between is reported on cell 4.
    /// Also reported: a function parameter or local variable hiding a module-level import that
    /// nothing uses. Not reported: two plain assignments (`x = 1` then `x = 2`), a rebinding in
    /// another branch of an `if` / `try` (`try: import json` / `except ImportError: json =
    /// None`), `@overload` stubs, loop variables, and names that are dummies (`_`, `_tmp`)
    /// unless they were imports.
    ///
    /// ## Why is this bad?
    /// The first definition is dead: either it was meant to be used, or the notebook carries a
    /// stale copy (typically a cell re-defining a function that an earlier cell also defines,
    /// with edits in only one of them).
    ///
    /// ## Example
    /// ```python
    /// # cell 1
    /// def clean(df):
    ///     return df.dropna()
    ///
    /// # cell 2
    /// def clean(df):
    ///     return df.dropna().reset_index()
    /// ```
    ///
    /// Use instead: keep one definition.
    ///
    /// ## Fix safety
    /// No fix: which definition to keep is a decision.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct RedefinedWhileUnused {
        code: "F811",
        name: "redefined-while-unused",
        severity: Warning,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

impl Rule for RedefinedWhileUnused {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        let model = semantic::model(context);
        for binding in &model.bindings {
            if binding.kind == BindingKind::LoopVar || !model.is_reportable(binding.cell) {
                continue;
            }
            let shadowed = match (binding.shadows, binding.shadows_outer) {
                (Some(id), _) => Some((id, true)),
                (None, Some(id)) => Some((id, false)),
                (None, None) => None,
            };
            let Some((shadowed, same_scope)) = shadowed else {
                continue;
            };
            let shadowed = &model.bindings[shadowed];
            if !is_reported(&model, binding, shadowed, same_scope) {
                continue;
            }
            let row = context.cells()[shadowed.cell]
                .position(shadowed.range.start().to_usize())
                .row;
            let from = if shadowed.cell == binding.cell {
                format!("line {row}")
            } else {
                format!("cell {}, line {row}", shadowed.cell + 1)
            };
            out.push(context.code_diagnostic(
                &Self::META,
                format!("redefinition of unused `{}` from {from}", binding.name),
                binding.cell,
                binding.range,
            ));
        }
    }
}

fn is_reported(
    model: &SemanticModel,
    binding: &Binding,
    shadowed: &Binding,
    same_scope: bool,
) -> bool {
    if shadowed.is_used() || !redefines(&binding.kind, &shadowed.kind) {
        return false;
    }
    let shadowed_import = shadowed.kind.is_import() || shadowed.kind == BindingKind::FutureImport;
    if same_scope {
        if !shadowed_import && is_dummy(&binding.name) {
            return false;
        }
        if shadowed.kind == (BindingKind::FunctionDef { overload: true }) {
            return false;
        }
    } else if model.scopes[binding.scope].kind == ScopeKind::Class
        || !shadowed_import
        || shadowed.flags.explicit_export
    {
        return false;
    }
    shadowed.branch == binding.branch
}

/// Whether binding `new` counts as a redefinition of `existing` (ruff's rules).
fn redefines(new: &BindingKind, existing: &BindingKind) -> bool {
    match new {
        BindingKind::Import { qualified } | BindingKind::FromImport { qualified } => {
            if let BindingKind::SubmoduleImport { qualified: old } = existing {
                return qualified == old;
            }
        }
        BindingKind::SubmoduleImport { qualified } => match existing {
            BindingKind::Import { qualified: old }
            | BindingKind::SubmoduleImport { qualified: old }
            | BindingKind::FromImport { qualified: old } => return qualified == old,
            _ => {}
        },
        BindingKind::Deletion
        | BindingKind::FutureImport
        | BindingKind::UnboundException
        | BindingKind::Global
        | BindingKind::Nonlocal => return false,
        BindingKind::Assignment | BindingKind::NamedExpr => {
            if matches!(existing, BindingKind::Assignment | BindingKind::NamedExpr) {
                return false;
            }
        }
        _ => {}
    }
    matches!(
        existing,
        BindingKind::ClassDef
            | BindingKind::FunctionDef { .. }
            | BindingKind::Import { .. }
            | BindingKind::FromImport { .. }
            | BindingKind::Assignment
            | BindingKind::NamedExpr
    )
}
