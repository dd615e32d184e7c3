//! `E722` bare-except: `except:` without an exception type.

use ruff_python_ast::ExceptHandler;
use ruff_python_ast::{AnyNodeRef, NodeKind};
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::checker::At;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Checks for `except:` clauses that catch every exception.
    ///
    /// ## Why is this bad?
    /// A bare `except:` also catches `KeyboardInterrupt` and `SystemExit`: interrupting the
    /// kernel no longer stops a loop, and real errors are silently swallowed.
    ///
    /// ## Example
    /// ```python
    /// try:
    ///     df = load()
    /// except:
    ///     df = None
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// try:
    ///     df = load()
    /// except FileNotFoundError:
    ///     df = None
    /// ```
    ///
    /// ## Fix safety
    /// No fix: which exceptions to catch is a decision.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct BareExcept {
        code: "E722",
        name: "bare-except",
        severity: Warning,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

impl Rule for BareExcept {
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
        for handler in &try_stmt.handlers {
            let ExceptHandler::ExceptHandler(handler) = handler;
            if handler.type_.is_none() {
                // Point at the `except` keyword.
                let range = TextRange::at(handler.start(), TextSize::from(6));
                out.push(at.context.code_diagnostic(
                    &Self::META,
                    "do not use bare `except`",
                    at.cell.index,
                    range,
                ));
            }
        }
    }
}
