//! `E711` none-comparison: `== None` / `!= None`.
//!
//! Also home of the comparison analysis shared with `E712` (true-false-comparison), ported from
//! ruff's `literal_comparisons`.

use nbtidy_diagnostics::{Edit, Fix};
use ruff_python_ast::helpers::{generate_comparison, is_constant_non_singleton};
use ruff_python_ast::token::{Tokens, parenthesized_range};
use ruff_python_ast::{AnyNodeRef, CmpOp, Expr, ExprCompare, NodeKind};
use ruff_text_size::{Ranged, TextRange};

use crate::checker::At;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Checks for comparisons to `None` with `==` or `!=`.
    ///
    /// ## Why is this bad?
    /// `None` is a singleton: "is this value `None`?" is a question about identity, which
    /// `is` answers directly. `==` calls the left operand's `__eq__`, which may do anything:
    /// with a NumPy array or a pandas `Series` it compares element-wise and returns an array,
    /// and `if df["col"] == None:` then raises "the truth value of a Series is ambiguous".
    ///
    /// ## Example
    /// ```python
    /// if result == None:
    ///     result = compute()
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// if result is None:
    ///     result = compute()
    /// ```
    ///
    /// ## Fix safety
    /// The fix (`== None` → `is None`, `!= None` → `is not None`) is unsafe: an object may
    /// override `__eq__` so that `== None` means something else (pandas and NumPy compare
    /// element-wise; `df["col"] == None` is then not the same as `df["col"] is None`).
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct NoneComparison {
        code: "E711",
        name: "none-comparison",
        severity: Warning,
        recommended: true,
        fix: FixAvailability::Always(nbtidy_diagnostics::Applicability::Unsafe),
        keys: [],
    }
}

impl Rule for NoneComparison {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn visits(&self) -> &'static [NodeKind] {
        &[NodeKind::ExprCompare]
    }

    fn visit(&self, node: AnyNodeRef<'_>, at: &At<'_, '_>, out: &mut Diagnostics) {
        report_literal_comparisons(node, at, out, &Self::META, Literal::None);
    }
}

/// Which literal comparisons to report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Literal {
    /// `== None` / `!= None` (`E711`).
    None,
    /// `== True` / `!= False` ... (`E712`).
    Bool,
}

/// One bad comparison of a chain.
struct Finding {
    range: TextRange,
    message: String,
    fix_title: String,
}

/// Reports the `Literal` comparisons of a comparison node for `meta`'s rule.
pub(crate) fn report_literal_comparisons(
    node: AnyNodeRef<'_>,
    at: &At<'_, '_>,
    out: &mut Diagnostics,
    meta: &RuleMeta,
    literal: Literal,
) {
    let AnyNodeRef::ExprCompare(compare) = node else {
        return;
    };
    let (context, cell) = (at.context, at.cell);
    let Some(parsed) = cell.parsed() else {
        return;
    };
    let (findings, replacement) =
        literal_comparisons(compare, parsed.tokens(), cell.text(), literal);
    let range = compare.range();
    for finding in findings {
        let mut diagnostic =
            context.code_diagnostic(meta, finding.message, cell.index, finding.range);
        if let Some(replacement) = &replacement {
            diagnostic.fix_title = Some(finding.fix_title);
            diagnostic.fix = Some(Fix::unsafe_(vec![Edit::code(
                cell.index,
                range.start().to_usize()..range.end().to_usize(),
                replacement.clone(),
            )]));
        }
        out.push(diagnostic);
    }
}

/// Like ruff's `SourceCodeSnippet`: long or multi-line code is not repeated in messages.
fn should_truncate(code: &str) -> bool {
    code.chars().count() > 50 || code.contains(['\r', '\n'])
}

fn none_finding(range: TextRange, op: CmpOp) -> Finding {
    let (message, fix_title) = if op == CmpOp::Eq {
        (
            "comparison to `None` should be `cond is None`",
            "Replace with `cond is None`",
        )
    } else {
        (
            "comparison to `None` should be `cond is not None`",
            "Replace with `cond is not None`",
        )
    };
    Finding {
        range,
        message: message.to_owned(),
        fix_title: fix_title.to_owned(),
    }
}

/// `cond` is the other operand's code when the comparison is not chained.
fn bool_finding(range: TextRange, value: bool, op: CmpOp, cond: Option<&str>) -> Finding {
    let eq = op == CmpOp::Eq;
    let Some(cond) = cond else {
        return Finding {
            range,
            message: "avoid equality comparisons to `True` or `False`".to_owned(),
            fix_title: "Replace comparison".to_owned(),
        };
    };
    let shown = if should_truncate(cond) { "..." } else { cond };
    let message = match (value, eq) {
        (true, true) => {
            format!("avoid equality comparisons to `True`; use `{shown}:` for truth checks")
        }
        (true, false) => {
            format!("avoid inequality comparisons to `True`; use `not {shown}:` for false checks")
        }
        (false, true) => {
            format!("avoid equality comparisons to `False`; use `not {shown}:` for false checks")
        }
        (false, false) => {
            format!("avoid inequality comparisons to `False`; use `{shown}:` for truth checks")
        }
    };
    let fix_title = if should_truncate(cond) {
        "Replace comparison".to_owned()
    } else if value == eq {
        format!("Replace with `{cond}`")
    } else {
        format!("Replace with `not {cond}`")
    };
    Finding {
        range,
        message,
        fix_title,
    }
}

/// `Some(truthy)` when `op comparator` is a comparison to a boolean literal: `truthy` is whether
/// the comparison keeps the other operand's truth value (`== True`, `!= False`).
fn redundant_boolean_comparison(op: CmpOp, comparator: &Expr) -> Option<bool> {
    let value = comparator.as_boolean_literal_expr()?.value;
    match op {
        CmpOp::Is | CmpOp::Eq => Some(value),
        CmpOp::IsNot | CmpOp::NotEq => Some(!value),
        _ => None,
    }
}

/// The findings of one comparison chain and the code replacing the whole comparison (shared by
/// every finding of the chain, as in ruff).
fn literal_comparisons(
    compare: &ExprCompare,
    tokens: &Tokens,
    source: &str,
    literal: Literal,
) -> (Vec<Finding>, Option<String>) {
    let mut findings = Vec::new();
    let mut new_ops: Vec<CmpOp> = compare.ops.to_vec();
    let single = compare.ops.len() == 1;
    let parent = AnyNodeRef::from(compare);
    // The operand as written, with its parentheses: `(x + 1)`, not `x + 1`.
    let parenthesized = |expr: &Expr| {
        let range = parenthesized_range(expr.into(), parent, tokens).unwrap_or(expr.range());
        &source[range]
    };
    let replacement_op = |op: CmpOp| {
        if op == CmpOp::Eq {
            CmpOp::Is
        } else {
            CmpOp::IsNot
        }
    };

    // The left operand: `None == x`, `True == x`.
    let (Some(&op), Some(next)) = (compare.ops.first(), compare.comparators.first()) else {
        return (findings, None);
    };
    let left = &*compare.left;
    if !is_constant_non_singleton(next) && matches!(op, CmpOp::Eq | CmpOp::NotEq) {
        match (literal, left) {
            (Literal::None, Expr::NoneLiteral(_)) => {
                findings.push(none_finding(left.range(), op));
                new_ops[0] = replacement_op(op);
            }
            (Literal::Bool, Expr::BooleanLiteral(boolean)) => {
                let cond = single.then(|| parenthesized(next));
                findings.push(bool_finding(compare.range(), boolean.value, op, cond));
                new_ops[0] = replacement_op(op);
            }
            _ => {}
        }
    }

    // Each comparator, in order.
    let mut comparator = left;
    for (index, (&op, next)) in compare.ops.iter().zip(&compare.comparators).enumerate() {
        if is_constant_non_singleton(comparator) {
            comparator = next;
            continue;
        }
        if matches!(op, CmpOp::Eq | CmpOp::NotEq) {
            match (literal, next) {
                (Literal::None, Expr::NoneLiteral(_)) => {
                    findings.push(none_finding(next.range(), op));
                    new_ops[index] = replacement_op(op);
                }
                (Literal::Bool, Expr::BooleanLiteral(boolean)) => {
                    // `True == True` is left alone.
                    let same_literal = matches!(
                        comparator,
                        Expr::BooleanLiteral(other) if other.value == boolean.value
                    );
                    if !(op == CmpOp::Eq && same_literal) {
                        let cond = single.then(|| parenthesized(comparator));
                        findings.push(bool_finding(compare.range(), boolean.value, op, cond));
                        new_ops[index] = replacement_op(op);
                    }
                }
                _ => {}
            }
        }
        comparator = next;
    }
    if findings.is_empty() {
        return (findings, None);
    }

    let redundant = |truthy: bool, operand: &Expr, needs_wrap: bool| {
        let code = parenthesized(operand);
        let result = if truthy {
            code.to_owned()
        } else {
            format!("not {code}")
        };
        if needs_wrap {
            format!("({result})")
        } else {
            result
        }
    };
    let replacement = match (&*compare.ops, &*compare.comparators) {
        ([op], [right]) if literal == Literal::Bool => {
            if let Some(truthy) = redundant_boolean_comparison(*op, &compare.left) {
                let needs_wrap = compare.left.range().start() != compare.range().start();
                redundant(truthy, right, needs_wrap)
            } else if let Some(truthy) = redundant_boolean_comparison(*op, right) {
                let needs_wrap = right.range().end() != compare.range().end();
                redundant(truthy, &compare.left, needs_wrap)
            } else {
                generate_comparison(
                    &compare.left,
                    &new_ops,
                    &compare.comparators,
                    parent,
                    tokens,
                    source,
                )
            }
        }
        _ => generate_comparison(
            &compare.left,
            &new_ops,
            &compare.comparators,
            parent,
            tokens,
            source,
        ),
    };
    (findings, Some(replacement))
}
