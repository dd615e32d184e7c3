//! `F621` expressions-in-star-assignment and `F622` multiple-starred-expressions: unpacking
//! targets CPython refuses (`*a, *b = x`; 256 or more names before the starred one).

use ruff_python_ast::{Expr, ExprContext};
use ruff_text_size::Ranged;

use crate::checker::At;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};
use ruff_python_ast::{AnyNodeRef, NodeKind};

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

    fn visits(&self) -> &'static [NodeKind] {
        &[NodeKind::ExprTuple, NodeKind::ExprList]
    }

    fn visit(&self, node: AnyNodeRef<'_>, at: &At<'_, '_>, out: &mut Diagnostics) {
        report(node, at, out, &Self::META, Problem::TooManyExpressions);
    }
}

impl Rule for MultipleStarredExpressions {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn visits(&self) -> &'static [NodeKind] {
        &[NodeKind::ExprTuple, NodeKind::ExprList]
    }

    fn visit(&self, node: AnyNodeRef<'_>, at: &At<'_, '_>, out: &mut Diagnostics) {
        report(node, at, out, &Self::META, Problem::TwoStarred);
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

fn report(
    node: AnyNodeRef<'_>,
    at: &At<'_, '_>,
    out: &mut Diagnostics,
    meta: &RuleMeta,
    wanted: Problem,
) {
    let target = match node {
        AnyNodeRef::ExprTuple(tuple) if tuple.ctx == ExprContext::Store => &tuple.elts,
        AnyNodeRef::ExprList(list) if list.ctx == ExprContext::Store => &list.elts,
        _ => return,
    };
    if let Some(found) = problem(target)
        && found == wanted
    {
        out.push(
            at.context
                .code_diagnostic(meta, found.message(), at.cell.index, node.range()),
        );
    }
}
