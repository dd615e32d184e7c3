//! `F541` f-string-missing-placeholders: an f-string without any `{}` placeholder.

use nbtidy_diagnostics::{Edit, Fix};
use ruff_python_ast::InterpolatedStringElement;
use ruff_text_size::{Ranged, TextRange};

use crate::checker::At;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};
use ruff_python_ast::{AnyNodeRef, NodeKind};

crate::declare_rule! {
    /// ## What it does
    /// Checks for f-strings that contain no placeholder (`{expression}`).
    ///
    /// As in pyflakes and ruff, an f-string that is part of an implicit concatenation is only
    /// reported when *no* f-string of the concatenation has a placeholder.
    ///
    /// ## Why is this bad?
    /// The `f` prefix promises interpolation. Without a placeholder it does nothing, and often
    /// means a placeholder was forgotten: `f"loss: loss"` instead of `f"loss: {loss}"`.
    ///
    /// ## Example
    /// ```python
    /// print(f"Training finished")
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// print("Training finished")
    /// ```
    ///
    /// ## Fix safety
    /// The fix is safe: it removes the `f` (also from `rf` / `fr`) and turns escaped braces
    /// (`{{`, `}}`) into single ones, so the string's value is unchanged.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct FStringMissingPlaceholders {
        code: "F541",
        name: "f-string-missing-placeholders",
        severity: Warning,
        recommended: true,
        fix: FixAvailability::Always(nbtidy_diagnostics::Applicability::Safe),
        keys: [],
    }
}

impl Rule for FStringMissingPlaceholders {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn visits(&self) -> &'static [NodeKind] {
        &[NodeKind::ExprFString]
    }

    fn visit(&self, node: AnyNodeRef<'_>, at: &At<'_, '_>, out: &mut Diagnostics) {
        let AnyNodeRef::ExprFString(fstring) = node else {
            return;
        };
        let has_placeholder = fstring.value.f_strings().any(|part| {
            part.elements
                .iter()
                .any(InterpolatedStringElement::is_interpolation)
        });
        if has_placeholder {
            return;
        }
        let text = at.cell.text();
        for range in fstring.value.f_strings().map(Ranged::range) {
            let mut diagnostic = at.context.code_diagnostic(
                &Self::META,
                "f-string without any placeholders",
                at.cell.index,
                range,
            );
            if let Some((replace, content)) = remove_prefix(text, range) {
                diagnostic.fix_title = Some("Remove extraneous `f` prefix".to_owned());
                diagnostic.fix = Some(Fix::safe(vec![Edit::code(at.cell.index, replace, content)]));
            }
            out.push(diagnostic);
        }
    }
}

/// The edit turning the f-string at `range` of `text` into a plain string: the byte range to
/// replace (from the `f` to the end of the string) and its replacement.
fn remove_prefix(text: &str, range: TextRange) -> Option<(std::ops::Range<usize>, String)> {
    let start = range.start().to_usize();
    let end = range.end().to_usize();
    let literal = text.get(start..end)?;
    // `f"..."` / `fr"..."`: the `f` comes first; `rf"..."`: second.
    let f_at = match literal.as_bytes() {
        [b'f' | b'F', ..] => start,
        [b'r' | b'R', b'f' | b'F', ..] => start + 1,
        _ => return None,
    };
    let mut content = text[f_at + 1..end].replace("{{", "{").replace("}}", "}");
    // `""f""` must not become `""""`: keep the strings apart.
    if let (Some(before), Some(first)) = (text[..f_at].chars().last(), content.chars().next())
        && before == first
    {
        content.insert(0, ' ');
    }
    Some((f_at..end, content))
}

#[cfg(test)]
mod tests {
    use super::remove_prefix;
    use crate::context::text_range;

    fn fixed(text: &str, start: usize, end: usize) -> String {
        let (range, content) = remove_prefix(text, text_range(start, end)).unwrap();
        format!("{}{content}{}", &text[..range.start], &text[range.end..])
    }

    #[test]
    fn removes_the_f() {
        assert_eq!(fixed("f'a'", 0, 4), "'a'");
        assert_eq!(fixed("F'a'", 0, 4), "'a'");
        assert_eq!(fixed("rf'a\\d'", 0, 7), "r'a\\d'");
        assert_eq!(fixed("Rf'a'", 0, 5), "R'a'");
        assert_eq!(fixed("fR'a'", 0, 5), "R'a'");
        assert_eq!(fixed("f'{{x}}'", 0, 8), "'{x}'");
        assert_eq!(fixed("''f''", 2, 5), "'' ''");
    }
}
