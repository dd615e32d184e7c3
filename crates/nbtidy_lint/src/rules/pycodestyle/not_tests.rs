//! `E713` not-in-test (`not x in y`) and `E714` not-is-test (`not x is y`): a negated
//! membership or identity test written with a leading `not`.

use nbtidy_diagnostics::{Edit, Fix};
use ruff_python_ast::helpers::generate_comparison;
use ruff_python_ast::{AnyNodeRef, CmpOp, Expr, UnaryOp};
use ruff_text_size::Ranged;

use crate::checker::At;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};
use ruff_python_ast::NodeKind;

crate::declare_rule! {
    /// ## What it does
    /// Checks for membership tests written as `not x in y`.
    ///
    /// ## Why is this bad?
    /// `not x in y` reads as "(not x) in y" although Python runs it as `not (x in y)`;
    /// `x not in y` says what is meant and is what PEP 8 recommends.
    ///
    /// As in ruff, only a test with a single comparison is reported (`not a in b in c` is left
    /// alone), and the statement of a `%time` / `%timeit` line is not checked (it is an IPython
    /// command, not Python, to the parser).
    ///
    /// ## Example
    /// ```python
    /// if not "label" in df.columns:
    ///     df["label"] = 0
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// if "label" not in df.columns:
    ///     df["label"] = 0
    /// ```
    ///
    /// ## Fix safety
    /// The fix (`not x in y` → `x not in y`) is safe, as in ruff: Python evaluates both the
    /// same way (`not in` is defined as the negation of `in`).
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct NotInTest {
        code: "E713",
        name: "not-in-test",
        severity: Warning,
        recommended: true,
        fix: FixAvailability::Always(nbtidy_diagnostics::Applicability::Safe),
        keys: [],
    }
}

crate::declare_rule! {
    /// ## What it does
    /// Checks for identity tests written as `not x is y`.
    ///
    /// ## Why is this bad?
    /// `not x is y` reads as "(not x) is y" although Python runs it as `not (x is y)`;
    /// `x is not y` says what is meant and is what PEP 8 recommends.
    ///
    /// As in ruff, only a test with a single comparison is reported, and the statement of a
    /// `%time` / `%timeit` line is not checked (it is an IPython command to the parser).
    ///
    /// ## Example
    /// ```python
    /// if not model is None:
    ///     model.eval()
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// if model is not None:
    ///     model.eval()
    /// ```
    ///
    /// ## Fix safety
    /// The fix (`not x is y` → `x is not y`) is safe, as in ruff: `is not` is the negation of
    /// `is`, and identity cannot be overridden.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct NotIsTest {
        code: "E714",
        name: "not-is-test",
        severity: Warning,
        recommended: true,
        fix: FixAvailability::Always(nbtidy_diagnostics::Applicability::Safe),
        keys: [],
    }
}

impl Rule for NotInTest {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn visits(&self) -> &'static [NodeKind] {
        &[NodeKind::ExprUnaryOp]
    }

    fn visit(&self, node: AnyNodeRef<'_>, at: &At<'_, '_>, out: &mut Diagnostics) {
        report_not_tests(node, at, out, &Self::META, CmpOp::In);
    }
}

impl Rule for NotIsTest {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn visits(&self) -> &'static [NodeKind] {
        &[NodeKind::ExprUnaryOp]
    }

    fn visit(&self, node: AnyNodeRef<'_>, at: &At<'_, '_>, out: &mut Diagnostics) {
        report_not_tests(node, at, out, &Self::META, CmpOp::Is);
    }
}

/// Reports `not x OP y` for `op` (`In` or `Is`) in every Python cell.
fn report_not_tests(
    node: AnyNodeRef<'_>,
    at: &At<'_, '_>,
    out: &mut Diagnostics,
    meta: &RuleMeta,
    op: CmpOp,
) {
    let AnyNodeRef::ExprUnaryOp(unary) = node else {
        return;
    };
    if unary.op != UnaryOp::Not {
        return;
    }
    let Expr::Compare(compare) = &*unary.operand else {
        return;
    };
    if *compare.ops != [op] {
        return;
    }
    let (message, title, negated) = if op == CmpOp::In {
        (
            "test for membership should be `not in`",
            "Convert to `not in`",
            CmpOp::NotIn,
        )
    } else {
        (
            "test for object identity should be `is not`",
            "Convert to `is not`",
            CmpOp::IsNot,
        )
    };
    let (context, cell) = (at.context, at.cell);
    let Some(parsed) = cell.parsed() else {
        return;
    };
    let source = cell.text();
    let replacement = generate_comparison(
        &compare.left,
        &[negated],
        &compare.comparators,
        AnyNodeRef::from(unary),
        parsed.tokens(),
        source,
    );
    let range = unary.range();
    let replacement = pad(
        replacement,
        source,
        range.start().to_usize(),
        range.end().to_usize(),
    );
    let mut diagnostic = context.code_diagnostic(meta, message, cell.index, compare.range());
    diagnostic.fix_title = Some(title.to_owned());
    diagnostic.fix = Some(Fix::safe(vec![Edit::code(
        cell.index,
        range.start().to_usize()..range.end().to_usize(),
        replacement,
    )]));
    out.push(diagnostic);
}

/// Adds a space before or after `replacement` where it would otherwise run into a word
/// (`if(not x in y)` needs none, `assert(not x in y)or z` one after).
fn pad(replacement: String, source: &str, start: usize, end: usize) -> String {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let before = source[..start].chars().next_back().is_some_and(word);
    let after = source[end..].chars().next().is_some_and(word);
    match (before, after) {
        (false, false) => replacement,
        (true, false) => format!(" {replacement}"),
        (false, true) => format!("{replacement} "),
        (true, true) => format!(" {replacement} "),
    }
}
