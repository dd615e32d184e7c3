//! Removing elements from a call's arguments or a dict display, as the fixes of F504, F522 and
//! F523 do, with the same result as ruff 0.16.4 (which rewrites the expression with libcst).
//!
//! An element owns the separator after it and the whitespace and comments up to the next
//! element, so removing one keeps the others and their comments as written. The last element
//! of a call also owns everything up to the `)` (the whitespace and comments of a trailing
//! comma go with it); the last entry of a dict owns its trailing comma only, the line break
//! before the `}` stays. A removed trailing element leaves the comma of the one before it
//! (`f(a, b)` without `b` is `f(a, )`), as ruff's fix does.
//!
//! What it is not: a formatter. The result is the expression's text with the removed ranges
//! cut out; `nbtidy format` tidies it.

use ruff_python_trivia::{SimpleTokenKind, SimpleTokenizer};
use ruff_text_size::{Ranged, TextRange, TextSize};

/// Which brackets hold the elements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Brackets {
    /// A call's `(...)`: the range given is the call's argument list.
    Call,
    /// A dict display's `{...}`.
    Dict,
}

/// The text of `range` of `text` (a call's arguments `(...)` or a dict display `{...}`) without
/// the elements at `remove` (indexes into the elements, ascending). `ends` holds where each
/// element ends, in source order (the end of its last expression, before any closing
/// parenthesis of its own). `None` if the text is not laid out as expected.
pub(super) fn without_elements(
    text: &str,
    range: TextRange,
    ends: &[TextSize],
    remove: &[usize],
    brackets: Brackets,
) -> Option<String> {
    let open_end = range.start() + TextSize::from(1);
    let close_start = range.end().checked_sub(TextSize::from(1))?;
    if open_end > close_start || ends.is_empty() {
        return None;
    }
    let first_token = |from: TextSize| {
        SimpleTokenizer::new(text, TextRange::new(from, close_start))
            .skip_trivia()
            .next()
    };
    // Where each element starts, and where it ends including its parentheses and comma.
    let mut starts = Vec::with_capacity(ends.len());
    let mut after = Vec::with_capacity(ends.len());
    let mut from = open_end;
    for &end in ends {
        if end < from || end > close_start {
            return None;
        }
        starts.push(first_token(from)?.start());
        let mut element_end = end;
        let mut comma_end = None;
        for token in SimpleTokenizer::new(text, TextRange::new(end, close_start)).skip_trivia() {
            match token.kind() {
                SimpleTokenKind::RParen => element_end = token.end(),
                SimpleTokenKind::Comma => {
                    comma_end = Some(token.end());
                    break;
                }
                _ => break,
            }
        }
        after.push(comma_end.unwrap_or(element_end));
        from = comma_end.unwrap_or(close_start);
    }
    let last = ends.len() - 1;
    let mut out = String::with_capacity(range.len().to_usize());
    let mut kept_from = range.start();
    for &index in remove {
        let start = *starts.get(index)?;
        let end = if index < last {
            starts[index + 1]
        } else if brackets == Brackets::Call {
            close_start
        } else {
            after[index]
        };
        if start < kept_from {
            return None;
        }
        out.push_str(&text[TextRange::new(kept_from, start)]);
        kept_from = end;
    }
    out.push_str(&text[TextRange::new(kept_from, range.end())]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use ruff_python_ast::Expr;
    use ruff_text_size::Ranged;

    use super::{Brackets, without_elements};

    /// `code` (a call or a dict display) without the elements at `remove`.
    fn without(code: &str, remove: &[usize]) -> String {
        let parsed = ruff_python_parser::parse_expression(code).unwrap();
        let (range, ends, brackets) = match parsed.expr() {
            Expr::Call(call) => (
                call.arguments.range(),
                call.arguments
                    .iter_source_order()
                    .map(|argument| argument.end())
                    .collect::<Vec<_>>(),
                Brackets::Call,
            ),
            Expr::Dict(dict) => (
                dict.range(),
                dict.items.iter().map(|item| item.value.end()).collect(),
                Brackets::Dict,
            ),
            _ => panic!("not a call or a dict: {code}"),
        };
        let kept = without_elements(code, range, &ends, remove, brackets).unwrap();
        format!(
            "{}{kept}{}",
            &code[..range.start().to_usize()],
            &code[range.end().to_usize()..]
        )
    }

    #[test]
    fn removes_call_arguments_as_ruff_does() {
        // Each expectation is what `ruff check --fix` 0.16.4 writes.
        assert_eq!(without("f(1, 2)", &[1]), "f(1, )");
        assert_eq!(without("f(1, 2, 3)", &[1, 2]), "f(1, )");
        assert_eq!(without("f(1, 2, )", &[1]), "f(1, )");
        assert_eq!(without("f(b=2, a=1)", &[0]), "f(a=1)");
        assert_eq!(without("f(b=1, a=2, c=3)", &[0, 2]), "f(a=2, )");
        assert_eq!(without("f((1), (2))", &[1]), "f((1), )");
        assert_eq!(without("f(*a, 1, 2)", &[1, 2]), "f(*a, )");
        assert_eq!(without("f(1, 2, **k)", &[1]), "f(1, **k)");
        assert_eq!(without("f(b=1, c=2)", &[0, 1]), "f()");
        assert_eq!(without("f(\n    1,\n    2,\n)", &[1]), "f(\n    1,\n    )");
        assert_eq!(
            without("f(\n    1,  # one\n    2,  # two\n)", &[1]),
            "f(\n    1,  # one\n    )"
        );
    }

    #[test]
    fn removes_dict_entries_as_ruff_does() {
        assert_eq!(without("{'a': 1, 'b': 2}", &[1]), "{'a': 1, }");
        assert_eq!(without("{'b': 2, 'a': 1}", &[0]), "{'a': 1}");
        assert_eq!(without("{'a': 1, 'b': 2,}", &[1]), "{'a': 1, }");
        assert_eq!(
            without("{'a': 1, 'b': 2, 'c': 3, 'd': 4}", &[1, 3]),
            "{'a': 1, 'c': 3, }"
        );
        assert_eq!(
            without("{\n    'a': 1,\n    'b': 2,\n}", &[1]),
            "{\n    'a': 1,\n    \n}"
        );
        assert_eq!(without("{('b'): (2), 'a': 1}", &[0]), "{'a': 1}");
    }
}
