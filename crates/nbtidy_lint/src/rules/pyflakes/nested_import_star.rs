//! `F406` undefined-local-with-nested-import-star-usage: `from module import *` inside a
//! function or class.

use ruff_python_ast::{AnyNodeRef, NodeKind};
use ruff_text_size::Ranged;

use crate::checker::At;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Checks for `from module import *` inside a function or a class body.
    ///
    /// The same in a notebook as in a `.py` file: the top level of a cell is module level.
    ///
    /// ## Why is this bad?
    /// Python 3 refuses to compile it: the whole cell raises `SyntaxError` before any of it
    /// runs.
    ///
    /// ## Example
    /// ```python
    /// def plot_all(frames):
    ///     from pylab import *
    ///     for frame in frames:
    ///         plot(frame)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// def plot_all(frames):
    ///     import matplotlib.pyplot as plt
    ///     for frame in frames:
    ///         plt.plot(frame)
    /// ```
    ///
    /// ## Fix safety
    /// No fix, as in ruff: which names the code uses is not known.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct NestedImportStar {
        code: "F406",
        name: "undefined-local-with-nested-import-star-usage",
        severity: Error,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

impl Rule for NestedImportStar {
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
        if at.scope().is_none() || !import.names.iter().any(|alias| &alias.name == "*") {
            return;
        }
        let mut module = ".".repeat(import.level as usize);
        if let Some(name) = &import.module {
            module.push_str(name);
        }
        out.push(at.context.code_diagnostic(
            &Self::META,
            format!("`from {module} import *` only allowed at module level"),
            at.cell.index,
            node.range(),
        ));
    }
}
