//! `F707` default-except-not-last: a bare `except:` followed by another handler.

use ruff_python_ast::ExceptHandler;
use ruff_python_ast::{AnyNodeRef, NodeKind};
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::checker::At;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Checks for a bare `except:` handler that is not the last handler of its `try`
    /// statement. Found at the same places as ruff 0.16.4, whose message reads "An `except`
    /// block as not the last exception handler".
    ///
    /// ## Why is this bad?
    /// A bare `except:` catches every exception, so the handlers after it could never run.
    /// CPython refuses to compile it (`SyntaxError: default 'except:' must be last`): the cell
    /// fails before any of its code runs.
    ///
    /// ## Example
    /// ```python
    /// try:
    ///     value = int(text)
    /// except:
    ///     value = None
    /// except ValueError:
    ///     value = 0
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// try:
    ///     value = int(text)
    /// except ValueError:
    ///     value = 0
    /// except Exception:
    ///     value = None
    /// ```
    ///
    /// ## Fix safety
    /// No fix, as in ruff: reordering the handlers changes which one runs.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct DefaultExceptNotLast {
        code: "F707",
        name: "default-except-not-last",
        severity: Error,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

impl Rule for DefaultExceptNotLast {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn visits(&self) -> &'static [NodeKind] {
        &[NodeKind::StmtTry]
    }

    fn visit(&self, node: AnyNodeRef<'_>, at: &At<'_, '_>, out: &mut Diagnostics) {
        let AnyNodeRef::StmtTry(try_stmt) = node else {
            return;
        };
        let Some((_, rest)) = try_stmt.handlers.split_last() else {
            return;
        };
        for handler in rest {
            let ExceptHandler::ExceptHandler(handler) = handler;
            if handler.type_.is_none() {
                let start = handler.start();
                out.push(at.context.code_diagnostic(
                    &Self::META,
                    "a bare `except:` block is not the last exception handler",
                    at.cell.index,
                    TextRange::new(start, start + TextSize::from(6)),
                ));
            }
        }
    }
}
