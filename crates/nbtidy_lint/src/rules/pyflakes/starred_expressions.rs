//! `F621` expressions-in-star-assignment and `F622` multiple-starred-expressions: unpacking
//! targets CPython refuses (`*a, *b = x`; 256 or more names before the starred one).

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, ExprContext};
use ruff_text_size::{Ranged, TextRange};

use crate::context::Context;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Checks for unpacking targets with a starred name after 256 or more other targets
    /// (`a0, a1, ..., a255, *rest = values`), or with more than `1 << 24` targets after it.
    ///
    /// ruff 0.16.4 has this code but reports nothing on nbtidy's fixture (a target with 256
    /// names before the starred one), which CPython refuses: nbtidy follows CPython.
    ///
    /// ## Why is this bad?
    /// CPython refuses to compile it (`SyntaxError: too many expressions in star-unpacking
    /// assignment`): the cell fails before any of its code runs.
    ///
    /// ## Example
    /// ```python
    /// (c0, c1, c2, ..., c255, *rest) = columns  # 256 names before *rest
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// first, rest = columns[:256], columns[256:]
    /// ```
    ///
    /// ## Fix safety
    /// No fix, as in ruff.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct ExpressionsInStarAssignment {
        code: "F621",
        name: "expressions-in-star-assignment",
        severity: Error,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

crate::declare_rule! {
    /// ## What it does
    /// Checks for unpacking targets (of an assignment, a `for` loop, a `with ... as`) with
    /// more than one starred name at the same level: `*head, *tail = values`.
    ///
    /// ## Why is this bad?
    /// Which values would go to which starred name is ambiguous. CPython refuses to compile
    /// it (`SyntaxError: multiple starred expressions in assignment`): the cell fails before
    /// any of its code runs.
    ///
    /// ## Example
    /// ```python
    /// *head, *tail = values
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// head, *tail = values
    /// ```
    ///
    /// ## Fix safety
    /// No fix, as in ruff: which starred name to keep is a decision.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct MultipleStarredExpressions {
        code: "F622",
        name: "multiple-starred-expressions",
        severity: Error,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

impl Rule for ExpressionsInStarAssignment {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        report(context, out, &Self::META, Problem::TooManyExpressions);
    }
}

impl Rule for MultipleStarredExpressions {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        report(context, out, &Self::META, Problem::TwoStarred);
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Problem {
    TooManyExpressions,
    TwoStarred,
}

impl Problem {
    fn message(self) -> &'static str {
        match self {
            Self::TooManyExpressions => "Too many expressions in star-unpacking assignment",
            Self::TwoStarred => "Two starred expressions in assignment",
        }
    }
}

/// The problem of a tuple or list target's elements, as CPython checks them.
fn problem(elts: &[Expr]) -> Option<Problem> {
    let mut starred = elts
        .iter()
        .enumerate()
        .filter(|(_, elt)| elt.is_starred_expr())
        .map(|(index, _)| index);
    let index = starred.next()?;
    if starred.next().is_some() {
        Some(Problem::TwoStarred)
    } else if index >= 1 << 8 || elts.len() - index > 1 << 24 {
        Some(Problem::TooManyExpressions)
    } else {
        None
    }
}

fn report(context: &Context<'_>, out: &mut Diagnostics, meta: &RuleMeta, wanted: Problem) {
    for (cell, module) in context.python_cells() {
        let mut finder = Finder::default();
        finder.visit_body(&module.body);
        for (range, found) in finder.found {
            if found == wanted {
                out.push(context.code_diagnostic(meta, found.message(), cell.index, range));
            }
        }
    }
}

/// The tuple and list targets with a problem.
#[derive(Default)]
struct Finder {
    found: Vec<(TextRange, Problem)>,
}

impl<'a> Visitor<'a> for Finder {
    fn visit_expr(&mut self, expr: &'a Expr) {
        let target = match expr {
            Expr::Tuple(tuple) if tuple.ctx == ExprContext::Store => Some(&tuple.elts),
            Expr::List(list) if list.ctx == ExprContext::Store => Some(&list.elts),
            _ => None,
        };
        if let Some(problem) = target.and_then(|elts| problem(elts)) {
            self.found.push((expr.range(), problem));
        }
        visitor::walk_expr(self, expr);
    }
}
