//! `F601` multi-value-repeated-key-literal and `F602` multi-value-repeated-key-variable: a
//! dict display with the same key twice (`{"lr": 0.1, "lr": 0.01}`, `{k: 1, k: 2}`).

use ruff_python_ast::comparable::HashableExpr;
use ruff_python_ast::{Expr, ExprDict};
use ruff_text_size::Ranged;
use rustc_hash::FxHashMap;

use crate::checker::At;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};
use ruff_python_ast::{AnyNodeRef, NodeKind};

crate::declare_rule! {
    /// ## What it does
    /// Checks for dict displays in which a literal key (a string, bytes, number, `True`,
    /// `False`, `None`, `...`, a tuple or an f-string) appears more than once. Keys that hash
    /// alike are the same key: `1`, `1.0` and `True`, `"x"` and `'x'`.
    ///
    /// As ruff, a key repeated with the same value is reported too (the entry is redundant).
    ///
    /// ## Why is this bad?
    /// Only the last value is kept: the earlier ones are silently lost. In a configuration
    /// dict (`{"lr": 0.1, ..., "lr": 0.01}`) the value the reader sees first is not the one
    /// used.
    ///
    /// ## Example
    /// ```python
    /// config = {"lr": 0.1, "epochs": 10, "lr": 0.01}
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// config = {"lr": 0.01, "epochs": 10}
    /// ```
    ///
    /// ## Fix safety
    /// No fix. ruff 0.16.4 has an unsafe fix that removes a repeated entry whose value equals
    /// an earlier one; nbtidy leaves which entry to keep to the author.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct MultiValueRepeatedKeyLiteral {
        code: "F601",
        name: "multi-value-repeated-key-literal",
        severity: Warning,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

crate::declare_rule! {
    /// ## What it does
    /// Checks for dict displays in which the same name is used as a key more than once
    /// (`{key: 1, key: 2}`).
    ///
    /// As ruff, a key repeated with the same value is reported too (the entry is redundant).
    ///
    /// ## Why is this bad?
    /// Both entries have the same key, so only the last value is kept: the earlier ones are
    /// silently lost. It is usually a copy-paste slip where another name was meant.
    ///
    /// ## Example
    /// ```python
    /// sizes = {train: len(train_df), train: len(test_df)}
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// sizes = {train: len(train_df), test: len(test_df)}
    /// ```
    ///
    /// ## Fix safety
    /// No fix. ruff 0.16.4 has an unsafe fix that removes a repeated entry whose value equals
    /// an earlier one; nbtidy leaves which entry to keep to the author.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct MultiValueRepeatedKeyVariable {
        code: "F602",
        name: "multi-value-repeated-key-variable",
        severity: Warning,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

impl Rule for MultiValueRepeatedKeyLiteral {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn visits(&self) -> &'static [NodeKind] {
        &[NodeKind::ExprDict]
    }

    fn visit(&self, node: AnyNodeRef<'_>, at: &At<'_, '_>, out: &mut Diagnostics) {
        if let AnyNodeRef::ExprDict(dict) = node {
            report(dict, at, out, &Self::META, Kind::Literal);
        }
    }
}

impl Rule for MultiValueRepeatedKeyVariable {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn visits(&self) -> &'static [NodeKind] {
        &[NodeKind::ExprDict]
    }

    fn visit(&self, node: AnyNodeRef<'_>, at: &At<'_, '_>, out: &mut Diagnostics) {
        if let AnyNodeRef::ExprDict(dict) = node {
            report(dict, at, out, &Self::META, Kind::Variable);
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Literal,
    Variable,
}

/// The kind of a key that may be reported, as ruff sorts them.
fn kind(key: &Expr) -> Option<Kind> {
    match key {
        Expr::StringLiteral(_)
        | Expr::BytesLiteral(_)
        | Expr::NumberLiteral(_)
        | Expr::BooleanLiteral(_)
        | Expr::NoneLiteral(_)
        | Expr::EllipsisLiteral(_)
        | Expr::Tuple(_)
        | Expr::FString(_) => Some(Kind::Literal),
        Expr::Name(_) => Some(Kind::Variable),
        _ => None,
    }
}

fn report(dict: &ExprDict, at: &At<'_, '_>, out: &mut Diagnostics, meta: &RuleMeta, wanted: Kind) {
    let text = at.cell.text();
    let mut seen: FxHashMap<HashableExpr, &Expr> = FxHashMap::default();
    for key in dict.iter_keys().flatten() {
        let first = *seen.entry(HashableExpr::from(key)).or_insert(key);
        if std::ptr::eq(first, key) || kind(key) != Some(wanted) {
            continue;
        }
        let name = &text[key.range()];
        let existing = &text[first.range()];
        let message = match (wanted, name == existing) {
            (Kind::Literal, true) => format!("Dictionary key literal `{name}` repeated"),
            (Kind::Literal, false) => format!(
                "Dictionary key literal `{name}` repeated (`{name}` hashes to the same value as `{existing}`)"
            ),
            (Kind::Variable, _) => format!("Dictionary key `{name}` repeated"),
        };
        out.push(
            at.context
                .code_diagnostic(meta, message, at.cell.index, key.range()),
        );
    }
}
