//! `F404` late-future-import: `from __future__ import ...` after other code, in notebook
//! order.

use ruff_python_ast::{AnyNodeRef, Expr, NodeKind, Stmt, StmtImportFrom};
use ruff_text_size::Ranged;

use crate::checker::At;
use crate::context::Context;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Checks for `from __future__ import ...` statements that are not at the beginning of
    /// the notebook: the top of its first code cell with code, after nothing but a docstring,
    /// comments and other `__future__` imports.
    ///
    /// In a notebook:
    /// - inside a cell, a `__future__` import after any other statement (an IPython escape
    ///   such as `%load_ext` included: IPython turns it into a call) is a `SyntaxError` that
    ///   stops the whole cell, as in a file;
    /// - at the top of a *later* cell it runs (IPython compiles each cell on its own and keeps
    ///   the feature for the cells after it), but the cells above ran without it: with
    ///   `annotations`, say, the same annotation is evaluated in one cell and not in the
    ///   next. It is reported too, as ruff does for a notebook: put it in the first code cell.
    ///
    /// A string at the top of the first code cell is its docstring and may come first.
    ///
    /// ## Why is this bad?
    /// A late `__future__` import either stops its cell with a `SyntaxError` or applies to
    /// only part of the notebook.
    ///
    /// ## Example
    /// ```python
    /// import pandas as pd
    /// from __future__ import annotations
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// from __future__ import annotations
    ///
    /// import pandas as pd
    /// ```
    ///
    /// ## Fix safety
    /// No fix, as in ruff.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct LateFutureImport {
        code: "F404",
        name: "late-future-import",
        severity: Error,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

const MESSAGE: &str = "`from __future__` imports must occur at the beginning of the file";

impl Rule for LateFutureImport {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    /// The top-level statements of every cell, in notebook order.
    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        let mut boundary = false;
        for cell in context.cells() {
            let Some(parsed) = cell.parsed() else {
                continue;
            };
            let reportable = cell.python().is_some();
            for (index, stmt) in parsed.syntax().body.iter().enumerate() {
                match stmt {
                    Stmt::ImportFrom(import) if is_future(import) => {
                        if boundary && reportable {
                            out.push(context.code_diagnostic(
                                &Self::META,
                                MESSAGE,
                                cell.index,
                                stmt.range(),
                            ));
                        }
                    }
                    Stmt::Expr(expr)
                        if index == 0
                            && !boundary
                            && matches!(*expr.value, Expr::StringLiteral(_)) => {}
                    _ => boundary = true,
                }
            }
        }
    }

    /// Nested `__future__` imports (in `if`, `try`, a function...): always late.
    fn visits(&self) -> &'static [NodeKind] {
        &[NodeKind::StmtImportFrom]
    }

    fn visit(&self, node: AnyNodeRef<'_>, at: &At<'_, '_>, out: &mut Diagnostics) {
        if let AnyNodeRef::StmtImportFrom(import) = node
            && !at.parents.is_empty()
            && is_future(import)
        {
            out.push(
                at.context
                    .code_diagnostic(&Self::META, MESSAGE, at.cell.index, node.range()),
            );
        }
    }
}

fn is_future(import: &StmtImportFrom) -> bool {
    import.level == 0 && import.module.as_deref() == Some("__future__")
}
