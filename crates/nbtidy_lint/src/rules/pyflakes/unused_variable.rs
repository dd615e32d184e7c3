//! `F841` unused-variable: a local variable assigned and never used.

use nbtidy_diagnostics::{Applicability, Edit, Fix};

use crate::context::Context;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};
use crate::rules::pyflakes::unused_import::statement_deletion;
use crate::semantic::{self, Binding, BindingKind, is_dummy};

crate::declare_rule! {
    /// ## What it does
    /// Checks for local variables of a function (or lambda) that are assigned and never used,
    /// and for exception names (`except E as err:`) that the handler never uses, anywhere.
    ///
    /// Not reported: module-level variables (later cells use them), tuple unpacking
    /// (`a, b = pair`), augmented assignments, loop variables, names declared `global` or
    /// `nonlocal`, functions calling `locals()`, and dummy names (`_`, `_unused`: a leading
    /// underscore and no trailing one).
    ///
    /// ## Why is this bad?
    /// The assignment is dead code: either a leftover or a sign that the value was meant to be
    /// used (a typo in a later name, a forgotten `return`).
    ///
    /// ## Example
    /// ```python
    /// def score(model, data):
    ///     predictions = model.predict(data)
    ///     return model.score(data)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// def score(model, data):
    ///     return model.score(data)
    /// ```
    ///
    /// ## Fix safety
    /// For `except E as err:` the fix removes ` as err`; it is safe. For `x = value` (or
    /// `x: T = value`) whose value has no side effects (literals, names, and tuples, lists,
    /// sets and dicts of such: `segments = []`), the fix removes the whole statement (`pass`
    /// when it was alone in its block), as ruff does. For other values it keeps `value` as an
    /// expression statement, so its side effects stay. Both are unsafe: the statement often
    /// reveals a bug rather than dead code, and a kept value may be displayed or kept alive
    /// differently. No fix for other targets.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct UnusedVariable {
        code: "F841",
        name: "unused-variable",
        severity: Warning,
        recommended: true,
        fix: FixAvailability::Sometimes(Applicability::Safe),
        keys: [],
    }
}

/// Names set for debuggers and traceback machinery.
const SPECIAL_LOCALS: &[&str] = &[
    "__tracebackhide__",
    "__traceback_info__",
    "__traceback_supplement__",
    "__debuggerskip__",
];

impl Rule for UnusedVariable {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        let model = semantic::model(context);
        for (scope_id, scope) in model.scopes.iter().enumerate() {
            if !scope.is_function_like() || scope.uses_locals {
                continue;
            }
            for id in model.live_bindings(scope_id) {
                let binding = &model.bindings[id];
                let kind_reported = match binding.kind {
                    BindingKind::Assignment => {
                        !binding.flags.augmented && !binding.flags.comprehension
                    }
                    BindingKind::NamedExpr | BindingKind::WithItem => true,
                    _ => false,
                };
                if !kind_reported
                    || binding.is_used()
                    || binding.flags.unpacked
                    || binding.flags.global
                    || binding.flags.nonlocal
                    || is_dummy(&binding.name)
                    || SPECIAL_LOCALS.contains(&binding.name.as_str())
                    || !model.is_reportable(binding.cell)
                {
                    continue;
                }
                out.push(finding(context, binding));
            }
        }
        for binding in &model.bindings {
            if binding.kind == BindingKind::BoundException
                && !binding.is_used()
                && !is_dummy(&binding.name)
                && model.is_reportable(binding.cell)
            {
                out.push(finding(context, binding));
            }
        }
    }
}

fn finding(context: &Context<'_>, binding: &Binding) -> nbtidy_diagnostics::Diagnostic {
    let mut diagnostic = context.code_diagnostic(
        &UnusedVariable::META,
        format!(
            "local variable `{}` is assigned to but never used",
            binding.name
        ),
        binding.cell,
        binding.range,
    );
    let text = context.cells()[binding.cell].text();
    if let Some(except_as) = binding.except_as {
        diagnostic.fix_title = Some(format!(
            "Remove assignment to unused variable `{}`",
            binding.name
        ));
        diagnostic.fix = Some(Fix::safe(vec![Edit::code(
            binding.cell,
            except_as.start().to_usize()..except_as.end().to_usize(),
            "",
        )]));
    } else if binding.kind == BindingKind::Assignment
        && let Some(assignment) = binding.assignment
        && assignment.value_is_pure
        && !assignment.in_magic
    {
        // Nothing to keep: the whole statement goes (`pass` if it was alone in its block).
        diagnostic.fix_title = Some(format!(
            "Remove assignment to unused variable `{}`",
            binding.name
        ));
        let statement =
            assignment.statement.start().to_usize()..assignment.statement.end().to_usize();
        let (range, content) = statement_deletion(text, statement, assignment.sole_in_block);
        diagnostic.fix = Some(Fix::unsafe_(vec![Edit::code(binding.cell, range, content)]));
    } else if binding.kind == BindingKind::Assignment
        && let Some(assignment) = binding.assignment
        && let Some(end) = value_start(
            text,
            assignment.after_target.to_usize(),
            assignment.value.start().to_usize(),
        )
        && !escape_off_line_start(text, assignment.statement.start().to_usize(), end)
    {
        diagnostic.fix_title = Some(format!(
            "Remove assignment to unused variable `{}`",
            binding.name
        ));
        diagnostic.fix = Some(Fix::unsafe_(vec![Edit::code(
            binding.cell,
            assignment.statement.start().to_usize()..end,
            "",
        )]));
    }
    diagnostic
}

/// `true` when the value at `value` is an IPython escape (`!ls`, `%time f()`) and the statement
/// at `statement` does not start its logical line: an escape is a statement only at the start of
/// a line (`def f(): r = !ls` cannot become `def f(): !ls`, nor `def f():\`, `r = !ls`).
fn escape_off_line_start(text: &str, statement: usize, value: usize) -> bool {
    let line_start = text[..statement].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let before = &text[..line_start];
    let previous_line = before
        .strip_suffix("\r\n")
        .or_else(|| before.strip_suffix(['\n', '\r']))
        .unwrap_or(before);
    text[value..].starts_with(['!', '%'])
        && (!text[line_start..statement].trim().is_empty()
            || (line_start > 0 && previous_line.ends_with('\\')))
}

/// Where the text after `=` starts (past blanks), searching between the target and the value.
fn value_start(text: &str, after_target: usize, value: usize) -> Option<usize> {
    let between = text.get(after_target..value)?;
    let equals = after_target + between.find('=')?;
    let rest = &text[equals + 1..];
    // Form feeds too: one left before the value would sit in its indentation, where Python
    // resets the column to zero.
    Some(equals + 1 + (rest.len() - rest.trim_start_matches([' ', '\t', '\x0c']).len()))
}

#[cfg(test)]
mod tests {
    use super::value_start;

    #[test]
    fn value_start_skips_form_feeds() {
        // `x=\f g()`: the form feed goes with `x=`, else it would sit in the indentation.
        let text = "def f():\n x=\x0c g()";
        let at = value_start(text, text.find('x').unwrap() + 1, text.find('g').unwrap());
        assert_eq!(&text[at.unwrap()..], "g()");
    }
}
