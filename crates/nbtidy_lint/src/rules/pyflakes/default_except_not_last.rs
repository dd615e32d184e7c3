//! `F707` default-except-not-last: a bare `except:` followed by another handler.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{ExceptHandler, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::context::Context;
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

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        for (cell, module) in context.python_cells() {
            let mut finder = Finder::default();
            finder.visit_body(&module.body);
            for range in finder.found {
                out.push(context.code_diagnostic(
                    &Self::META,
                    "a bare `except:` block is not the last exception handler",
                    cell.index,
                    range,
                ));
            }
        }
    }
}

/// The ranges of the `except` keywords of the bare handlers that are not last.
#[derive(Default)]
struct Finder {
    found: Vec<TextRange>,
}

impl<'a> Visitor<'a> for Finder {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if let Stmt::Try(try_stmt) = stmt
            && let Some((_, rest)) = try_stmt.handlers.split_last()
        {
            for handler in rest {
                let ExceptHandler::ExceptHandler(handler) = handler;
                if handler.type_.is_none() {
                    let start = handler.start();
                    self.found
                        .push(TextRange::new(start, start + TextSize::from(6)));
                }
            }
        }
        visitor::walk_stmt(self, stmt);
    }
}
