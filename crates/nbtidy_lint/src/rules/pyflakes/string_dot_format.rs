//! `F521`–`F525`: `"...".format(...)` calls whose string literal cannot work with the
//! arguments given: an invalid template, unused keyword or positional arguments, missing
//! arguments, automatic and manual field numbering mixed.
//!
//! All five rules read the template with the shared parser ([`super::format_strings`]) and
//! look only at the call itself, as ruff does: `literal.format(...)` where `literal` is a
//! string literal (implicit concatenations included).

use nbtidy_diagnostics::{Edit, Fix};
use ruff_python_ast::{AnyNodeRef, ArgOrKeyword, Expr, ExprCall, ExprStringLiteral, NodeKind};
use ruff_python_trivia::{SimpleTokenKind, SimpleTokenizer};
use ruff_text_size::{Ranged, TextRange};
use rustc_hash::FxHashSet;

use super::argument_removal::{Brackets, without_elements};
use super::format_strings::{BraceError, BraceSummary};
use crate::checker::At;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Checks for `str.format` calls on a string literal that is not a valid template: a lone
    /// `{` or `}`, an empty attribute (`{0.}`), an unclosed index (`{0[`), placeholders nested
    /// twice.
    ///
    /// Only a string literal written before `.format` is checked, in a notebook as in a `.py`
    /// file: a template assigned in an earlier cell is not followed.
    ///
    /// ## Why is this bad?
    /// The call raises `ValueError` when the cell runs. A literal brace is written `{{` or
    /// `}}`.
    ///
    /// ## Example
    /// ```python
    /// "loss: {:.2f".format(loss)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// "loss: {:.2f}".format(loss)
    /// ```
    ///
    /// ## Fix safety
    /// No fix, as in ruff 0.16.4.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct StringDotFormatInvalidFormat {
        code: "F521",
        name: "string-dot-format-invalid-format",
        severity: Error,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

crate::declare_rule! {
    /// ## What it does
    /// Checks for `str.format` calls on a string literal with keyword arguments that no field
    /// of the template uses.
    ///
    /// Nothing is reported when the call unpacks a mapping (`**kwargs`). Only a string literal
    /// written before `.format` is checked, in a notebook as in a `.py` file.
    ///
    /// ## Why is this bad?
    /// An unused argument is dead code, and often a sign that a field was forgotten or
    /// misspelt.
    ///
    /// ## Example
    /// ```python
    /// "epoch {epoch}".format(epoch=3, loss=0.25)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// "epoch {epoch}".format(epoch=3)
    /// ```
    ///
    /// ## Fix safety
    /// The fix removes the unused arguments and is safe, as in ruff 0.16.4 (whose output it
    /// reproduces, separators included). A removed argument is no longer evaluated; should it
    /// have side effects, review the change.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct StringDotFormatExtraNamedArguments {
        code: "F522",
        name: "string-dot-format-extra-named-arguments",
        severity: Warning,
        recommended: true,
        fix: FixAvailability::Sometimes(nbtidy_diagnostics::Applicability::Safe),
        keys: [],
    }
}

crate::declare_rule! {
    /// ## What it does
    /// Checks for `str.format` calls on a string literal with positional arguments that no
    /// field of the template uses (starred arguments are not counted).
    ///
    /// Only a string literal written before `.format` is checked, in a notebook as in a `.py`
    /// file.
    ///
    /// ## Why is this bad?
    /// An unused argument is dead code, and often a sign that a field was forgotten.
    ///
    /// ## Example
    /// ```python
    /// "epoch {0}".format(3, 0.25)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// "epoch {0}".format(3)
    /// ```
    ///
    /// ## Fix safety
    /// The fix is safe, as in ruff 0.16.4, and offered only when the unused arguments are the
    /// last ones (removing others would renumber the fields). When it removes every argument
    /// of a template without braces, it removes the `.format(...)` call too (keeping the
    /// string's parentheses, where ruff 0.16.4 drops them). A removed argument is no longer
    /// evaluated; should it have side effects, review the change.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct StringDotFormatExtraPositionalArguments {
        code: "F523",
        name: "string-dot-format-extra-positional-arguments",
        severity: Warning,
        recommended: true,
        fix: FixAvailability::Sometimes(nbtidy_diagnostics::Applicability::Safe),
        keys: [],
    }
}

crate::declare_rule! {
    /// ## What it does
    /// Checks for `str.format` calls on a string literal whose template has fields the
    /// arguments do not provide: a position past the last positional argument, or a name no
    /// keyword argument has.
    ///
    /// Nothing is reported when the call unpacks arguments (`*args`, `**kwargs`). Only a
    /// string literal written before `.format` is checked, in a notebook as in a `.py` file.
    ///
    /// ## Why is this bad?
    /// The call raises `IndexError` or `KeyError` when the cell runs.
    ///
    /// ## Example
    /// ```python
    /// "{model}: {score:.2f}".format(model="resnet")
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// "{model}: {score:.2f}".format(model="resnet", score=0.91)
    /// ```
    ///
    /// ## Fix safety
    /// No fix, as in ruff 0.16.4.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct StringDotFormatMissingArguments {
        code: "F524",
        name: "string-dot-format-missing-arguments",
        severity: Error,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

crate::declare_rule! {
    /// ## What it does
    /// Checks for `str.format` templates (on a string literal) that mix automatically numbered
    /// fields (`{}`) with manually numbered ones (`{0}`).
    ///
    /// Only a string literal written before `.format` is checked, in a notebook as in a `.py`
    /// file.
    ///
    /// ## Why is this bad?
    /// The call raises `ValueError: cannot switch from manual field specification to
    /// automatic field numbering` when the cell runs.
    ///
    /// ## Example
    /// ```python
    /// "{0} scored {}".format("resnet", 0.91)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// "{0} scored {1}".format("resnet", 0.91)
    /// ```
    ///
    /// ## Fix safety
    /// No fix, as in ruff 0.16.4.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct StringDotFormatMixingAutomatic {
        code: "F525",
        name: "string-dot-format-mixing-automatic",
        severity: Error,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

/// A `literal.format(...)` call, with its template parsed.
struct FormatCall<'n> {
    call: &'n ExprCall,
    literal: &'n ExprStringLiteral,
    parsed: Result<BraceSummary, BraceError>,
}

impl<'n> FormatCall<'n> {
    fn of(node: AnyNodeRef<'n>) -> Option<Self> {
        let AnyNodeRef::ExprCall(call) = node else {
            return None;
        };
        let Expr::Attribute(attribute) = &*call.func else {
            return None;
        };
        if attribute.attr.as_str() != "format" {
            return None;
        }
        let Expr::StringLiteral(literal) = &*attribute.value else {
            return None;
        };
        Some(Self {
            call,
            literal,
            parsed: BraceSummary::parse(literal.value.to_str()),
        })
    }

    fn diagnostic(
        &self,
        meta: &RuleMeta,
        message: String,
        at: &At<'_, '_>,
    ) -> nbtidy_diagnostics::Diagnostic {
        at.context
            .code_diagnostic(meta, message, at.cell.index, self.call.range())
    }

    fn has_star_args(&self) -> bool {
        self.call.arguments.args.iter().any(Expr::is_starred_expr)
    }

    fn has_star_star_kwargs(&self) -> bool {
        self.call
            .arguments
            .keywords
            .iter()
            .any(|keyword| keyword.arg.is_none())
    }

    /// The fix removing the arguments at `remove` (indexes in source order), which replaces
    /// the whole call as ruff's does (so that two fixes of one call never apply in one round).
    fn removal(&self, remove: &[usize], at: &At<'_, '_>) -> Option<Fix> {
        let text = at.cell.text();
        let arguments = &self.call.arguments;
        let ends: Vec<_> = arguments
            .iter_source_order()
            .map(|argument| argument.end())
            .collect();
        let kept = without_elements(text, arguments.range(), &ends, remove, Brackets::Call)?;
        let call = self.call.range();
        let content = format!(
            "{}{kept}{}",
            &text[TextRange::new(call.start(), arguments.start())],
            &text[TextRange::new(arguments.end(), call.end())]
        );
        Some(Fix::safe(vec![Edit::code(
            at.cell.index,
            call.start().to_usize()..call.end().to_usize(),
            content,
        )]))
    }

    /// The fix replacing the call by its string literal (parentheses kept), when the call
    /// starts with the literal.
    fn literal_only(&self, at: &At<'_, '_>) -> Option<Fix> {
        let text = at.cell.text();
        let call = self.call.range();
        let Expr::Attribute(attribute) = &*self.call.func else {
            return None;
        };
        if attribute.start() != call.start() {
            return None;
        }
        let mut end = self.literal.end();
        for token in
            SimpleTokenizer::new(text, TextRange::new(end, attribute.attr.start())).skip_trivia()
        {
            if token.kind() != SimpleTokenKind::RParen {
                break;
            }
            end = token.end();
        }
        Some(Fix::safe(vec![Edit::code(
            at.cell.index,
            call.start().to_usize()..call.end().to_usize(),
            text[TextRange::new(call.start(), end)].to_owned(),
        )]))
    }
}

/// Implements [`Rule`] for a rule of this file: it visits `literal.format(...)` calls and
/// calls `$check(&FormatCall, at, out)`.
macro_rules! format_call_rule {
    ($rule:ident, $check:ident) => {
        impl Rule for $rule {
            fn meta(&self) -> &'static RuleMeta {
                &Self::META
            }

            fn visits(&self) -> &'static [NodeKind] {
                &[NodeKind::ExprCall]
            }

            fn visit(&self, node: AnyNodeRef<'_>, at: &At<'_, '_>, out: &mut Diagnostics) {
                if let Some(call) = FormatCall::of(node) {
                    $check(&call, at, out);
                }
            }
        }
    };
}

format_call_rule!(StringDotFormatInvalidFormat, invalid_format);
format_call_rule!(StringDotFormatExtraNamedArguments, extra_named_arguments);
format_call_rule!(
    StringDotFormatExtraPositionalArguments,
    extra_positional_arguments
);
format_call_rule!(StringDotFormatMissingArguments, missing_arguments);
format_call_rule!(StringDotFormatMixingAutomatic, mixing_automatic);

/// F521.
fn invalid_format(call: &FormatCall<'_>, at: &At<'_, '_>, out: &mut Diagnostics) {
    if let Err(error) = call.parsed {
        out.push(call.diagnostic(
            &StringDotFormatInvalidFormat::META,
            format!(
                "`.format` call has invalid format string: {}",
                error.message()
            ),
            at,
        ));
    }
}

/// F522.
fn extra_named_arguments(call: &FormatCall<'_>, at: &At<'_, '_>, out: &mut Diagnostics) {
    let Ok(summary) = &call.parsed else {
        return;
    };
    if call.has_star_star_kwargs() {
        return;
    }
    let used: FxHashSet<&str> = summary.keywords.iter().map(String::as_str).collect();
    let mut unused = Vec::new();
    let mut names = Vec::new();
    for (index, argument) in call.call.arguments.iter_source_order().enumerate() {
        if let ArgOrKeyword::Keyword(keyword) = argument
            && let Some(name) = &keyword.arg
            && !used.contains(name.as_str())
        {
            unused.push(index);
            names.push(name.as_str());
        }
    }
    if unused.is_empty() {
        return;
    }
    let names = names.join(", ");
    let mut diagnostic = call.diagnostic(
        &StringDotFormatExtraNamedArguments::META,
        format!("`.format` call has unused named argument(s): {names}"),
        at,
    );
    if let Some(fix) = call.removal(&unused, at) {
        diagnostic.fix_title = Some(format!("Remove extra named arguments: {names}"));
        diagnostic.fix = Some(fix);
    }
    out.push(diagnostic);
}

/// F523.
fn extra_positional_arguments(call: &FormatCall<'_>, at: &At<'_, '_>, out: &mut Diagnostics) {
    let Ok(summary) = &call.parsed else {
        return;
    };
    let args = &call.call.arguments.args;
    let indices: FxHashSet<usize> = summary.indices.iter().copied().collect();
    let unused: Vec<usize> = args
        .iter()
        .enumerate()
        .filter(|(index, arg)| {
            !(arg.is_starred_expr() || *index < summary.autos.len() || indices.contains(index))
        })
        .map(|(index, _)| index)
        .collect();
    if unused.is_empty() {
        return;
    }
    let positions = unused
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let mut diagnostic = call.diagnostic(
        &StringDotFormatExtraPositionalArguments::META,
        format!("`.format` call has unused arguments at position(s): {positions}"),
        at,
    );
    // Removing arguments before a used one would renumber the fields: only the last ones.
    let from_end = unused
        .iter()
        .rev()
        .zip((0..args.len()).rev())
        .all(|(unused, index)| *unused == index);
    if from_end {
        let all = unused.len() == call.call.arguments.len();
        let fix = if all
            && *summary == BraceSummary::default()
            && !call.literal.value.to_str().contains(['{', '}'])
        {
            call.literal_only(at)
        } else {
            None
        };
        let fix = fix.or_else(|| {
            // Positional arguments in source order: their indexes among all arguments.
            let positional: Vec<usize> = call
                .call
                .arguments
                .iter_source_order()
                .enumerate()
                .filter(|(_, argument)| matches!(argument, ArgOrKeyword::Arg(_)))
                .map(|(index, _)| index)
                .collect();
            let remove: Vec<usize> = unused.iter().map(|&i| positional[i]).collect();
            call.removal(&remove, at)
        });
        if let Some(fix) = fix {
            diagnostic.fix_title = Some(format!(
                "Remove extra positional arguments at position(s): {positions}"
            ));
            diagnostic.fix = Some(fix);
        }
    }
    out.push(diagnostic);
}

/// F524.
fn missing_arguments(call: &FormatCall<'_>, at: &At<'_, '_>, out: &mut Diagnostics) {
    let Ok(summary) = &call.parsed else {
        return;
    };
    if call.has_star_args() || call.has_star_star_kwargs() {
        return;
    }
    let args = call.call.arguments.args.len();
    let given: FxHashSet<&str> = call
        .call
        .arguments
        .keywords
        .iter()
        .filter_map(|keyword| keyword.arg.as_ref().map(|name| name.as_str()))
        .collect();
    let missing: Vec<String> = summary
        .autos
        .iter()
        .chain(&summary.indices)
        .filter(|&&index| index >= args)
        .map(ToString::to_string)
        .chain(
            summary
                .keywords
                .iter()
                .filter(|name| !given.contains(name.as_str()))
                .cloned(),
        )
        .collect();
    if !missing.is_empty() {
        out.push(call.diagnostic(
            &StringDotFormatMissingArguments::META,
            format!(
                "`.format` call is missing argument(s) for placeholder(s): {}",
                missing.join(", ")
            ),
            at,
        ));
    }
}

/// F525.
fn mixing_automatic(call: &FormatCall<'_>, at: &At<'_, '_>, out: &mut Diagnostics) {
    let Ok(summary) = &call.parsed else {
        return;
    };
    if !summary.autos.is_empty() && !summary.indices.is_empty() {
        out.push(call.diagnostic(
            &StringDotFormatMixingAutomatic::META,
            "`.format` string mixes automatic and manual numbering".to_owned(),
            at,
        ));
    }
}
