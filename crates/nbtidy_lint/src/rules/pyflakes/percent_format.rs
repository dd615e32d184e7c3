//! `F501`–`F509`: `printf`-style formatting (`"%s" % x`) whose string literal cannot work with
//! its right-hand side: an invalid string, a mapping where a sequence is needed or the reverse,
//! unused or missing keys, a wrong number of values, an unknown conversion.
//!
//! All nine rules read the string with the shared parser ([`super::format_strings`]) and look
//! only at the expression itself, as ruff does: `left % right` where `left` is a string
//! literal (implicit concatenations included; bytes are not checked).

use nbtidy_diagnostics::{Edit, Fix};
use ruff_python_ast::{AnyNodeRef, Expr, ExprBinOp, ExprDict, NodeKind, Operator};
use ruff_text_size::Ranged;

use super::argument_removal::{Brackets, without_elements};
use super::format_strings::{PercentError, PercentSummary};
use crate::checker::At;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Checks for `printf`-style format strings (`"..." % values`) that Python cannot parse:
    /// a `%` at the end, an unclosed `%(key`, a width or precision too large.
    ///
    /// Only a string literal written as the left operand is checked, in a notebook as in a
    /// `.py` file: a template assigned in an earlier cell is not followed.
    ///
    /// ## Why is this bad?
    /// The expression raises `ValueError` when the cell runs.
    ///
    /// ## Example
    /// ```python
    /// print("accuracy: 95%" % ())
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// print("accuracy: 95%%" % ())
    /// ```
    ///
    /// ## Fix safety
    /// No fix, as in ruff 0.16.4.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct PercentFormatInvalidFormat {
        code: "F501",
        name: "percent-format-invalid-format",
        severity: Error,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

crate::declare_rule! {
    /// ## What it does
    /// Checks for `printf`-style format strings with named placeholders (`%(name)s`) whose
    /// values are a sequence display (a tuple, list or set, or a comprehension of one).
    ///
    /// Only a string literal written as the left operand is checked, in a notebook as in a
    /// `.py` file.
    ///
    /// ## Why is this bad?
    /// Named placeholders take their values from a mapping: the expression raises
    /// `TypeError: format requires a mapping` when the cell runs.
    ///
    /// ## Example
    /// ```python
    /// "%(model)s: %(score).2f" % ("resnet", 0.91)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// "%(model)s: %(score).2f" % {"model": "resnet", "score": 0.91}
    /// ```
    ///
    /// ## Fix safety
    /// No fix, as in ruff 0.16.4.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct PercentFormatExpectedMapping {
        code: "F502",
        name: "percent-format-expected-mapping",
        severity: Error,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

crate::declare_rule! {
    /// ## What it does
    /// Checks for `printf`-style format strings with more than one unnamed placeholder whose
    /// values are a dict display or comprehension.
    ///
    /// Only a string literal written as the left operand is checked, in a notebook as in a
    /// `.py` file.
    ///
    /// ## Why is this bad?
    /// Unnamed placeholders take their values from a tuple: with a dict, the whole dict fills
    /// the first one and the expression raises `TypeError: not enough arguments for format
    /// string`.
    ///
    /// ## Example
    /// ```python
    /// "%s: %.2f" % {"model": "resnet", "score": 0.91}
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// "%(model)s: %(score).2f" % {"model": "resnet", "score": 0.91}
    /// ```
    ///
    /// ## Fix safety
    /// No fix, as in ruff 0.16.4.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct PercentFormatExpectedSequence {
        code: "F503",
        name: "percent-format-expected-sequence",
        severity: Error,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

crate::declare_rule! {
    /// ## What it does
    /// Checks for `printf`-style formatting with a dict display whose string keys no named
    /// placeholder uses.
    ///
    /// Nothing is reported when the dict unpacks another one (`**other`) or the string has
    /// unnamed placeholders. Only a string literal written as the left operand is checked, in
    /// a notebook as in a `.py` file.
    ///
    /// ## Why is this bad?
    /// An unused value is dead code, and often a sign that a placeholder was forgotten or
    /// misspelt.
    ///
    /// ## Example
    /// ```python
    /// "epoch %(epoch)d" % {"epoch": 3, "loss": 0.25}
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// "epoch %(epoch)d" % {"epoch": 3}
    /// ```
    ///
    /// ## Fix safety
    /// The fix removes the unused entries and is safe, as in ruff 0.16.4 (whose output it
    /// reproduces, separators included). A removed value is still not evaluated; should it
    /// have side effects, review the change.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct PercentFormatExtraNamedArguments {
        code: "F504",
        name: "percent-format-extra-named-arguments",
        severity: Warning,
        recommended: true,
        fix: FixAvailability::Always(nbtidy_diagnostics::Applicability::Safe),
        keys: [],
    }
}

crate::declare_rule! {
    /// ## What it does
    /// Checks for `printf`-style format strings with named placeholders that the dict display
    /// on the right does not provide.
    ///
    /// Nothing is reported when the dict unpacks another one (`**other`), has a key that is
    /// not a string literal, or the string has unnamed placeholders. The missing keys are
    /// listed in the order ruff 0.16.4 lists them. Only a string literal written as the left
    /// operand is checked, in a notebook as in a `.py` file.
    ///
    /// ## Why is this bad?
    /// The expression raises `KeyError` when the cell runs.
    ///
    /// ## Example
    /// ```python
    /// "%(model)s: %(score).2f" % {"model": "resnet"}
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// "%(model)s: %(score).2f" % {"model": "resnet", "score": 0.91}
    /// ```
    ///
    /// ## Fix safety
    /// No fix, as in ruff 0.16.4.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct PercentFormatMissingArgument {
        code: "F505",
        name: "percent-format-missing-argument",
        severity: Error,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

crate::declare_rule! {
    /// ## What it does
    /// Checks for `printf`-style format strings that mix named (`%(name)s`) and unnamed (`%s`,
    /// or a `*` width) placeholders.
    ///
    /// Only a string literal written as the left operand is checked, in a notebook as in a
    /// `.py` file.
    ///
    /// ## Why is this bad?
    /// Python takes the values either from a mapping or from a tuple, never both: the
    /// expression raises `TypeError` whatever the right-hand side is.
    ///
    /// ## Example
    /// ```python
    /// "%s: %(score).2f" % ("resnet", {"score": 0.91})
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// "%s: %.2f" % ("resnet", 0.91)
    /// ```
    ///
    /// ## Fix safety
    /// No fix, as in ruff 0.16.4.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct PercentFormatMixedPositionalAndNamed {
        code: "F506",
        name: "percent-format-mixed-positional-and-named",
        severity: Error,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

crate::declare_rule! {
    /// ## What it does
    /// Checks for `printf`-style format strings whose number of unnamed placeholders (a `*`
    /// width or precision counts as one more) differs from the number of values given.
    ///
    /// A tuple display gives as many values as it has elements (nothing is reported when one
    /// is starred). Any other right-hand side whose type is evident from the expression alone
    /// (a literal, a list, a dict, a comprehension, an arithmetic expression of literals, ...,
    /// but not a tuple) is one value. A name, a call or an attribute may be a tuple, so it is
    /// only reported when the string has no placeholder at all, as ruff 0.16.4 does. Only a
    /// string literal written as the left operand is checked, in a notebook as in a `.py`
    /// file.
    ///
    /// ## Why is this bad?
    /// The expression raises `TypeError` (`not enough arguments for format string` or `not
    /// all arguments converted during string formatting`) when the cell runs.
    ///
    /// ## Example
    /// ```python
    /// "%s scored %.2f" % ("resnet", 0.91, "val")
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// "%s scored %.2f on %s" % ("resnet", 0.91, "val")
    /// ```
    ///
    /// ## Fix safety
    /// No fix, as in ruff 0.16.4.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct PercentFormatPositionalCountMismatch {
        code: "F507",
        name: "percent-format-positional-count-mismatch",
        severity: Error,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

crate::declare_rule! {
    /// ## What it does
    /// Checks for `printf`-style format strings with a `*` width or precision whose values are
    /// a dict display or comprehension.
    ///
    /// Only a string literal written as the left operand is checked, in a notebook as in a
    /// `.py` file.
    ///
    /// ## Why is this bad?
    /// A `*` takes its value from a tuple: with a mapping, the expression raises `TypeError`
    /// when the cell runs.
    ///
    /// ## Example
    /// ```python
    /// "%(score).*f" % {"score": (2, 0.912)}
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// "%.*f" % (2, 0.912)
    /// ```
    ///
    /// ## Fix safety
    /// No fix, as in ruff 0.16.4.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct PercentFormatStarRequiresSequence {
        code: "F508",
        name: "percent-format-star-requires-sequence",
        severity: Error,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

crate::declare_rule! {
    /// ## What it does
    /// Checks for `printf`-style format strings with a conversion character that does not
    /// exist: `%y`, `%S`, or a literal `%` not written `%%` and followed by a character that is
    /// not a conversion (`"grew 10%, then 5%%"`).
    ///
    /// Only a string literal written as the left operand is checked, in a notebook as in a
    /// `.py` file.
    ///
    /// ## Why is this bad?
    /// The expression raises `ValueError: unsupported format character` when the cell runs.
    /// A literal `%` is written `%%`.
    ///
    /// ## Example
    /// ```python
    /// "%s grew 10%, then 5%%" % name
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// "%s grew 10%%, then 5%%" % name
    /// ```
    ///
    /// ## Fix safety
    /// No fix, as in ruff 0.16.4.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct PercentFormatUnsupportedFormatCharacter {
        code: "F509",
        name: "percent-format-unsupported-format-character",
        severity: Error,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

/// A `%` expression whose left operand is a string literal, with its format string parsed.
struct Percent<'n> {
    binop: &'n ExprBinOp,
    parsed: Result<PercentSummary, PercentError>,
}

impl<'n> Percent<'n> {
    fn of(node: AnyNodeRef<'n>) -> Option<Self> {
        let AnyNodeRef::ExprBinOp(binop) = node else {
            return None;
        };
        if binop.op != Operator::Mod {
            return None;
        }
        let Expr::StringLiteral(format) = &*binop.left else {
            return None;
        };
        Some(Self {
            binop,
            parsed: PercentSummary::parse(format.value.to_str()),
        })
    }

    fn right(&self) -> &'n Expr {
        &self.binop.right
    }

    fn report(&self, meta: &RuleMeta, message: String, at: &At<'_, '_>, out: &mut Diagnostics) {
        out.push(
            at.context
                .code_diagnostic(meta, message, at.cell.index, self.binop.range()),
        );
    }
}

/// Implements [`Rule`] for a rule of this file: it visits `%` expressions with a string
/// literal on the left and calls `$check(&self, &Percent, at, out)`.
macro_rules! percent_rule {
    ($rule:ident, $check:ident) => {
        impl Rule for $rule {
            fn meta(&self) -> &'static RuleMeta {
                &Self::META
            }

            fn visits(&self) -> &'static [NodeKind] {
                &[NodeKind::ExprBinOp]
            }

            fn visit(&self, node: AnyNodeRef<'_>, at: &At<'_, '_>, out: &mut Diagnostics) {
                if let Some(percent) = Percent::of(node) {
                    $check(&percent, at, out);
                }
            }
        }
    };
}

percent_rule!(PercentFormatInvalidFormat, invalid_format);
percent_rule!(PercentFormatExpectedMapping, expected_mapping);
percent_rule!(PercentFormatExpectedSequence, expected_sequence);
percent_rule!(PercentFormatExtraNamedArguments, extra_named_arguments);
percent_rule!(PercentFormatMissingArgument, missing_argument);
percent_rule!(
    PercentFormatMixedPositionalAndNamed,
    mixed_positional_and_named
);
percent_rule!(
    PercentFormatPositionalCountMismatch,
    positional_count_mismatch
);
percent_rule!(PercentFormatStarRequiresSequence, star_requires_sequence);
percent_rule!(
    PercentFormatUnsupportedFormatCharacter,
    unsupported_character
);

/// F501.
fn invalid_format(percent: &Percent<'_>, at: &At<'_, '_>, out: &mut Diagnostics) {
    if let Err(PercentError::Invalid(message)) = &percent.parsed {
        percent.report(
            &PercentFormatInvalidFormat::META,
            format!("`%`-format string has invalid format string: {message}"),
            at,
            out,
        );
    }
}

/// F509.
fn unsupported_character(percent: &Percent<'_>, at: &At<'_, '_>, out: &mut Diagnostics) {
    if let Err(PercentError::UnsupportedChar(c)) = &percent.parsed {
        percent.report(
            &PercentFormatUnsupportedFormatCharacter::META,
            format!("`%`-format string has unsupported format character `{c}`"),
            at,
            out,
        );
    }
}

/// F502.
fn expected_mapping(percent: &Percent<'_>, at: &At<'_, '_>, out: &mut Diagnostics) {
    let Ok(summary) = &percent.parsed else {
        return;
    };
    if !summary.keywords.is_empty()
        && matches!(
            percent.right(),
            Expr::List(_)
                | Expr::Tuple(_)
                | Expr::Set(_)
                | Expr::ListComp(_)
                | Expr::SetComp(_)
                | Expr::Generator(_)
        )
    {
        percent.report(
            &PercentFormatExpectedMapping::META,
            "`%`-format string expected mapping but got sequence".to_owned(),
            at,
            out,
        );
    }
}

/// F503.
fn expected_sequence(percent: &Percent<'_>, at: &At<'_, '_>, out: &mut Diagnostics) {
    let Ok(summary) = &percent.parsed else {
        return;
    };
    if summary.num_positional > 1 && matches!(percent.right(), Expr::Dict(_) | Expr::DictComp(_)) {
        percent.report(
            &PercentFormatExpectedSequence::META,
            "`%`-format string expected sequence but got mapping".to_owned(),
            at,
            out,
        );
    }
}

/// The dict display on the right of a string without unnamed placeholders, when it unpacks
/// no other mapping (`**other`): what F504 and F505 compare.
fn named_values<'p, 'n>(percent: &'p Percent<'n>) -> Option<(&'n ExprDict, &'p PercentSummary)> {
    let Ok(summary) = &percent.parsed else {
        return None;
    };
    if summary.num_positional > 0 {
        return None;
    }
    let Expr::Dict(dict) = percent.right() else {
        return None;
    };
    if dict.iter_keys().any(|key| key.is_none()) {
        return None;
    }
    Some((dict, summary))
}

/// F504.
fn extra_named_arguments(percent: &Percent<'_>, at: &At<'_, '_>, out: &mut Diagnostics) {
    let Some((dict, summary)) = named_values(percent) else {
        return;
    };
    let unused: Vec<(usize, &str)> = dict
        .iter_keys()
        .enumerate()
        .filter_map(|(index, key)| match key {
            Some(Expr::StringLiteral(key)) if !summary.keywords.contains(key.value.to_str()) => {
                Some((index, key.value.to_str()))
            }
            _ => None,
        })
        .collect();
    if unused.is_empty() {
        return;
    }
    let names = unused
        .iter()
        .map(|(_, name)| *name)
        .collect::<Vec<_>>()
        .join(", ");
    let mut diagnostic = at.context.code_diagnostic(
        &PercentFormatExtraNamedArguments::META,
        format!("`%`-format string has unused named argument(s): {names}"),
        at.cell.index,
        percent.binop.range(),
    );
    let text = at.cell.text();
    let indexes: Vec<usize> = unused.iter().map(|(index, _)| *index).collect();
    let ends: Vec<_> = dict.items.iter().map(|item| item.value.end()).collect();
    if let Some(content) = without_elements(text, dict.range(), &ends, &indexes, Brackets::Dict) {
        diagnostic.fix_title = Some(format!("Remove extra named arguments: {names}"));
        diagnostic.fix = Some(Fix::safe(vec![Edit::code(
            at.cell.index,
            dict.start().to_usize()..dict.end().to_usize(),
            content,
        )]));
    }
    out.push(diagnostic);
}

/// F505.
fn missing_argument(percent: &Percent<'_>, at: &At<'_, '_>, out: &mut Diagnostics) {
    let Some((dict, summary)) = named_values(percent) else {
        return;
    };
    let mut given = rustc_hash::FxHashSet::default();
    for key in dict.iter_keys().flatten() {
        let Expr::StringLiteral(key) = key else {
            // A key computed at run time may be any of them.
            return;
        };
        given.insert(key.value.to_str());
    }
    let missing: Vec<&str> = summary
        .keywords
        .iter()
        .map(String::as_str)
        .filter(|key| !given.contains(key))
        .collect();
    if !missing.is_empty() {
        percent.report(
            &PercentFormatMissingArgument::META,
            format!(
                "`%`-format string is missing argument(s) for placeholder(s): {}",
                missing.join(", ")
            ),
            at,
            out,
        );
    }
}

/// F506.
fn mixed_positional_and_named(percent: &Percent<'_>, at: &At<'_, '_>, out: &mut Diagnostics) {
    let Ok(summary) = &percent.parsed else {
        return;
    };
    if summary.num_positional > 0 && !summary.keywords.is_empty() {
        percent.report(
            &PercentFormatMixedPositionalAndNamed::META,
            "`%`-format string has mixed positional and named placeholders".to_owned(),
            at,
            out,
        );
    }
}

/// F507.
fn positional_count_mismatch(percent: &Percent<'_>, at: &At<'_, '_>, out: &mut Diagnostics) {
    let Ok(summary) = &percent.parsed else {
        return;
    };
    if !summary.keywords.is_empty() {
        return;
    }
    let found = match percent.right() {
        Expr::Tuple(tuple) => {
            if tuple.iter().any(Expr::is_starred_expr) {
                return;
            }
            tuple.len()
        }
        right => match Type::of(right) {
            Type::Atom(Atom::Tuple) => return,
            Type::Atom(_) => 1,
            // A value of unknown type may be a tuple of any length, but no placeholder at all
            // wants none (ruff 0.16.4 reports it).
            _ if summary.num_positional == 0 => 1,
            _ => return,
        },
    };
    if found != summary.num_positional {
        percent.report(
            &PercentFormatPositionalCountMismatch::META,
            format!(
                "`%`-format string has {} placeholder(s) but {found} substitution(s)",
                summary.num_positional
            ),
            at,
            out,
        );
    }
}

/// F508.
fn star_requires_sequence(percent: &Percent<'_>, at: &At<'_, '_>, out: &mut Diagnostics) {
    let Ok(summary) = &percent.parsed else {
        return;
    };
    if summary.starred && matches!(percent.right(), Expr::Dict(_) | Expr::DictComp(_)) {
        percent.report(
            &PercentFormatStarRequiresSequence::META,
            "`%`-format string `*` specifier requires sequence".to_owned(),
            at,
            out,
        );
    }
}

/// The type of an expression as far as the expression alone tells, as ruff's
/// `ResolvedPythonType` infers it (F507 counts a value of known type other than a tuple as one
/// substitution).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Type {
    /// One known type.
    Atom(Atom),
    /// One of several known types.
    Union,
    /// Not known (a name, a call, ...).
    Unknown,
    /// An operation that raises (`"a" + 1`).
    Raises,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Atom {
    String,
    Bytes,
    Number(Number),
    None,
    Ellipsis,
    Dict,
    List,
    Set,
    Tuple,
    Generator,
}

/// The numeric tower, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Number {
    Bool,
    Integer,
    Float,
    Complex,
}

impl Number {
    /// The type of an arithmetic operation on the two: the higher one, at least `int`.
    fn coerce(self, other: Number) -> Number {
        self.max(other).max(Number::Integer)
    }
}

impl Atom {
    fn is_subtype_of(self, other: Atom) -> bool {
        match (self, other) {
            (Atom::Number(a), Atom::Number(b)) => a <= b,
            (a, b) => a == b,
        }
    }
}

impl Type {
    fn union(self, other: Type) -> Type {
        match (self, other) {
            (Type::Raises, _) | (_, Type::Raises) => Type::Raises,
            (Type::Unknown, _) | (_, Type::Unknown) => Type::Unknown,
            (Type::Atom(a), Type::Atom(b)) if a.is_subtype_of(b) => Type::Atom(b),
            (Type::Atom(a), Type::Atom(b)) if b.is_subtype_of(a) => Type::Atom(a),
            _ => Type::Union,
        }
    }

    fn of(expr: &Expr) -> Type {
        use ruff_python_ast::{Number as Literal, UnaryOp};
        match expr {
            Expr::Dict(_) | Expr::DictComp(_) => Type::Atom(Atom::Dict),
            Expr::Set(_) | Expr::SetComp(_) => Type::Atom(Atom::Set),
            Expr::List(_) | Expr::ListComp(_) => Type::Atom(Atom::List),
            Expr::Tuple(_) => Type::Atom(Atom::Tuple),
            Expr::Generator(_) => Type::Atom(Atom::Generator),
            Expr::FString(_) | Expr::StringLiteral(_) => Type::Atom(Atom::String),
            Expr::BytesLiteral(_) => Type::Atom(Atom::Bytes),
            Expr::NumberLiteral(number) => Type::Atom(Atom::Number(match number.value {
                Literal::Int(_) => Number::Integer,
                Literal::Float(_) => Number::Float,
                Literal::Complex { .. } => Number::Complex,
            })),
            Expr::BooleanLiteral(_) => Type::Atom(Atom::Number(Number::Bool)),
            Expr::NoneLiteral(_) => Type::Atom(Atom::None),
            Expr::EllipsisLiteral(_) => Type::Atom(Atom::Ellipsis),
            Expr::Named(named) => Type::of(&named.value),
            Expr::If(if_expr) => Type::of(&if_expr.body).union(Type::of(&if_expr.orelse)),
            Expr::BoolOp(bool_op) => bool_op
                .values
                .iter()
                .map(Type::of)
                .reduce(Type::union)
                .unwrap_or(Type::Unknown),
            Expr::UnaryOp(unary) => match (unary.op, Type::of(&unary.operand)) {
                (UnaryOp::Not, _) => Type::Atom(Atom::Number(Number::Bool)),
                (UnaryOp::Invert, Type::Atom(Atom::Number(Number::Bool | Number::Integer))) => {
                    Type::Atom(Atom::Number(Number::Integer))
                }
                (UnaryOp::UAdd | UnaryOp::USub, Type::Atom(Atom::Number(number))) => {
                    Type::Atom(Atom::Number(number.max(Number::Integer)))
                }
                (_, Type::Atom(_)) => Type::Raises,
                _ => Type::Unknown,
            },
            Expr::BinOp(binop) => binary(binop.op, Type::of(&binop.left), Type::of(&binop.right)),
            _ => Type::Unknown,
        }
    }
}

/// The type of `left op right`, as ruff infers it.
fn binary(op: Operator, left: Type, right: Type) -> Type {
    let (Type::Atom(left), right) = (left, right) else {
        return Type::Unknown;
    };
    // `%` formats whatever the right side is.
    if op == Operator::Mod && matches!(left, Atom::String | Atom::Bytes) {
        return Type::Atom(left);
    }
    let Type::Atom(right) = right else {
        return Type::Unknown;
    };
    let number = |number| Type::Atom(Atom::Number(number));
    match (op, left, right) {
        (_, Atom::Number(a), Atom::Number(b)) => match op {
            Operator::Div => number(a.coerce(b).max(Number::Float)),
            Operator::BitAnd
            | Operator::BitOr
            | Operator::BitXor
            | Operator::LShift
            | Operator::RShift => {
                if a.coerce(b) == Number::Integer {
                    number(Number::Integer)
                } else {
                    Type::Raises
                }
            }
            Operator::MatMult => Type::Unknown,
            _ => number(a.coerce(b)),
        },
        (Operator::Add, Atom::String, Atom::String) => Type::Atom(Atom::String),
        (Operator::Add, Atom::Bytes, Atom::Bytes) => Type::Atom(Atom::Bytes),
        (Operator::Add, Atom::List, Atom::List) => Type::Atom(Atom::List),
        (Operator::Add, Atom::Tuple, Atom::Tuple) => Type::Atom(Atom::Tuple),
        (Operator::Sub, Atom::Set, Atom::Set) => Type::Atom(Atom::Set),
        (Operator::Mod | Operator::MatMult, _, _) => Type::Unknown,
        _ => Type::Raises,
    }
}

#[cfg(test)]
mod tests {
    use super::{Atom, Number, Type};

    fn type_of(code: &str) -> Type {
        let parsed = ruff_python_parser::parse_expression(code).unwrap();
        Type::of(parsed.expr())
    }

    #[test]
    fn types_are_inferred_as_ruff_infers_them() {
        let int = Type::Atom(Atom::Number(Number::Integer));
        let float = Type::Atom(Atom::Number(Number::Float));
        assert_eq!(type_of("1"), int);
        assert_eq!(type_of("'a' % x"), Type::Atom(Atom::String));
        assert_eq!(type_of("1 and True"), int);
        assert_eq!(type_of("2 * 1.0"), float);
        assert_eq!(type_of("1 / True"), float);
        assert_eq!(type_of("1 % 2"), int);
        assert_eq!(type_of("1 & 2.0"), Type::Raises);
        assert_eq!(type_of("{1} - {2}"), Type::Atom(Atom::Set));
        assert_eq!(type_of("(1,) + (2,)"), Type::Atom(Atom::Tuple));
        assert_eq!(type_of("-True"), int);
        assert_eq!(type_of("~'a'"), Type::Raises);
        assert_eq!(type_of("not x.y"), Type::Atom(Atom::Number(Number::Bool)));
        assert_eq!(type_of("1 if x else 2.0"), float);
        assert_eq!(type_of("1 if x else 'a'"), Type::Union);
        assert_eq!(type_of("1 or y"), Type::Unknown);
        assert_eq!(type_of("'a' + 1"), Type::Raises);
        assert_eq!(type_of("[1] * 2"), Type::Raises);
        assert_eq!(type_of("(x := ())"), Type::Atom(Atom::Tuple));
        assert_eq!(type_of("a @ b"), Type::Unknown);
        assert_eq!(type_of("f(x)"), Type::Unknown);
    }
}
