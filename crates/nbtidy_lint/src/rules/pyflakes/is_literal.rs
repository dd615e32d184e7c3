//! `F632` is-literal: `is` / `is not` comparison with a str, bytes, number or tuple literal.

use nbtidy_diagnostics::{Edit, Fix};
use ruff_python_ast::helpers::{is_constant_non_singleton, is_mutable_iterable_initializer};
use ruff_python_ast::token::{Token, TokenKind};
use ruff_python_ast::{AnyNodeRef, CmpOp, NodeKind};
use ruff_text_size::{Ranged, TextRange};

use crate::checker::At;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Checks for `is` and `is not` comparisons with a constant literal (a string, bytes,
    /// number, or a tuple of those) or with a new list, dict or set (`[]`, `{}`, ...).
    ///
    /// ## Why is this bad?
    /// `is` compares identity, not value. Whether two equal strings or numbers are the same
    /// object depends on interning and caching inside the interpreter: `x is 300` or
    /// `name is "train"` may be true in one cell and false in the next. A freshly built list,
    /// dict or set is never identical to anything. CPython itself warns
    /// (`SyntaxWarning: "is" with a literal`).
    ///
    /// ## Example
    /// ```python
    /// if split is "train":
    ///     model.train()
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// if split == "train":
    ///     model.train()
    /// ```
    ///
    /// ## Fix safety
    /// The fix (`is` → `==`, `is not` → `!=`) is safe: it replaces a comparison whose result
    /// is an implementation detail by the comparison that was meant.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct IsLiteral {
        code: "F632",
        name: "is-literal",
        severity: Error,
        recommended: true,
        fix: FixAvailability::Always(nbtidy_diagnostics::Applicability::Safe),
        keys: [],
    }
}

impl Rule for IsLiteral {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn visits(&self) -> &'static [NodeKind] {
        &[NodeKind::ExprCompare]
    }

    fn visit(&self, node: AnyNodeRef<'_>, at: &At<'_, '_>, out: &mut Diagnostics) {
        let AnyNodeRef::ExprCompare(compare) = node else {
            return;
        };
        let (context, cell) = (at.context, at.cell);
        let Some(parsed) = cell.parsed() else {
            return;
        };
        let mut located: Option<Vec<(TextRange, CmpOp)>> = None;
        let mut left = &*compare.left;
        for (index, (op, right)) in compare.ops.iter().zip(&compare.comparators).enumerate() {
            let is_not = match op {
                CmpOp::Is => false,
                CmpOp::IsNot => true,
                _ => {
                    left = right;
                    continue;
                }
            };
            if !(is_constant_non_singleton(left)
                || is_constant_non_singleton(right)
                || is_mutable_iterable_initializer(left)
                || is_mutable_iterable_initializer(right))
            {
                left = right;
                continue;
            }
            let (message, title, replacement) = if is_not {
                (
                    "use `!=` to compare constant literals",
                    "Replace `is not` with `!=`",
                    "!=",
                )
            } else {
                (
                    "use `==` to compare constant literals",
                    "Replace `is` with `==`",
                    "==",
                )
            };
            let mut diagnostic =
                context.code_diagnostic(&Self::META, message, cell.index, compare.range());
            let located =
                located.get_or_insert_with(|| locate_cmp_ops(compare.range(), parsed.tokens()));
            if let Some((range, located_op)) = located.get(index)
                && located_op == op
            {
                diagnostic.fix_title = Some(title.to_owned());
                diagnostic.fix = Some(Fix::safe(vec![Edit::code(
                    cell.index,
                    range.start().to_usize()..range.end().to_usize(),
                    replacement,
                )]));
            }
            out.push(diagnostic);
            left = right;
        }
    }
}

/// The tokens starting inside `range`.
fn tokens_in(tokens: &[Token], range: TextRange) -> &[Token] {
    let first = tokens.partition_point(|token| token.start() < range.start());
    let end = tokens.partition_point(|token| token.start() < range.end());
    &tokens[first..end.max(first)]
}

/// The comparison operators of the comparison at `range`, in order, with their ranges.
fn locate_cmp_ops(range: TextRange, tokens: &[Token]) -> Vec<(TextRange, CmpOp)> {
    let mut tokens = tokens_in(tokens, range)
        .iter()
        .filter(|token| !token.kind().is_trivia())
        .peekable();
    let mut ops = Vec::new();
    let mut nesting = 0u32;
    while let Some(token) = tokens.next() {
        match token.kind() {
            TokenKind::Lpar | TokenKind::Lsqb | TokenKind::Lbrace => nesting += 1,
            TokenKind::Rpar | TokenKind::Rsqb | TokenKind::Rbrace => {
                nesting = nesting.saturating_sub(1);
            }
            _ => {}
        }
        if nesting > 0 {
            continue;
        }
        let op = match token.kind() {
            TokenKind::Not => tokens
                .next_if(|next| next.kind() == TokenKind::In)
                .map(|next| (TextRange::new(token.start(), next.end()), CmpOp::NotIn)),
            TokenKind::Is => match tokens.next_if(|next| next.kind() == TokenKind::Not) {
                Some(next) => Some((TextRange::new(token.start(), next.end()), CmpOp::IsNot)),
                None => Some((token.range(), CmpOp::Is)),
            },
            TokenKind::In => Some((token.range(), CmpOp::In)),
            TokenKind::NotEqual => Some((token.range(), CmpOp::NotEq)),
            TokenKind::EqEqual => Some((token.range(), CmpOp::Eq)),
            TokenKind::GreaterEqual => Some((token.range(), CmpOp::GtE)),
            TokenKind::Greater => Some((token.range(), CmpOp::Gt)),
            TokenKind::LessEqual => Some((token.range(), CmpOp::LtE)),
            TokenKind::Less => Some((token.range(), CmpOp::Lt)),
            _ => None,
        };
        ops.extend(op);
    }
    ops
}
