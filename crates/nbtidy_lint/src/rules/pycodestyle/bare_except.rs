//! `E722` bare-except: `except:` without an exception type.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{ExceptHandler, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::context::Context;
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

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        for (cell, module) in context.python_cells() {
            let mut finder = Finder::default();
            finder.visit_body(&module.body);
            for start in finder.found {
                // Point at the `except` keyword.
                let range = TextRange::at(start, TextSize::from(6));
                out.push(context.code_diagnostic(
                    &Self::META,
                    "do not use bare `except`",
                    cell.index,
                    range,
                ));
            }
        }
    }
}

#[derive(Default)]
struct Finder {
    found: Vec<TextSize>,
}

impl<'a> Visitor<'a> for Finder {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if let Stmt::Try(try_stmt) = stmt {
            for handler in &try_stmt.handlers {
                let ExceptHandler::ExceptHandler(handler) = handler;
                if handler.type_.is_none() {
                    self.found.push(handler.start());
                }
            }
        }
        visitor::walk_stmt(self, stmt);
    }
}
