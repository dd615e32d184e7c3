//! The two format-string languages the `F50x` and `F52x` rules read, parsed as ruff 0.16.4
//! reads them: `printf`-style strings (`"%s" % x`, [`PercentSummary`]) and `str.format`
//! templates (`"{}".format(x)`, [`BraceSummary`]).
//!
//! Each parser answers what the rules need (which placeholders a string has, or why it is
//! invalid), in one pass over the string's value, never formatting anything. Where CPython
//! and ruff disagree on an edge case (a `+` sign in a field index, `\N{...}` in a template),
//! this module follows ruff: the rules promise ruff's findings.
//!
//! What it is not: a rule. The rules are `percent_format.rs` and `string_dot_format.rs`.

use rustc_hash::FxHashSet;

/// What a valid `printf`-style format string asks of its right-hand side.
#[derive(Debug, Default)]
pub(crate) struct PercentSummary {
    /// A `*` width or precision takes its value from the arguments.
    pub(crate) starred: bool,
    /// The number of values taken from a sequence: unnamed placeholders and `*` quantities.
    pub(crate) num_positional: usize,
    /// The mapping keys of named placeholders (`%(key)s`). Kept in a hash set as ruff keeps
    /// them, so that F505's message lists missing keys in ruff's order.
    pub(crate) keywords: FxHashSet<String>,
}

/// Why a `printf`-style format string is invalid.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum PercentError {
    /// A conversion character that does not exist (`%y`): F509.
    UnsupportedChar(char),
    /// Anything else, with its message: F501.
    Invalid(&'static str),
}

impl PercentSummary {
    /// Parses a `printf`-style format string (the string's value, escapes decoded).
    pub(crate) fn parse(text: &str) -> Result<Self, PercentError> {
        let mut summary = Self::default();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if c != '%' {
                continue;
            }
            match chars.peek() {
                None => return Err(PercentError::Invalid("incomplete format")),
                Some('%') => {
                    chars.next();
                    continue;
                }
                Some(_) => {}
            }
            summary.add_spec(&mut chars)?;
        }
        Ok(summary)
    }

    /// Reads one conversion specifier after its `%`: `(key)`, flags, width, precision, length
    /// modifier and conversion type.
    fn add_spec(
        &mut self,
        chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    ) -> Result<(), PercentError> {
        if chars.next_if_eq(&'(').is_some() {
            let mut depth = 1_u32;
            let mut key = String::new();
            loop {
                let Some(c) = chars.next() else {
                    return Err(PercentError::Invalid("incomplete format key"));
                };
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                if depth == 0 {
                    break;
                }
                key.push(c);
            }
            self.keywords.insert(key);
        } else {
            self.num_positional += 1;
        }
        while chars
            .next_if(|c| matches!(c, '#' | '0' | '-' | ' ' | '+'))
            .is_some()
        {}
        if quantity(chars)? {
            self.num_positional += 1;
            self.starred = true;
        }
        if chars.next_if_eq(&'.').is_some() && quantity(chars)? {
            self.num_positional += 1;
            self.starred = true;
        }
        chars.next_if(|c| matches!(c, 'h' | 'l' | 'L'));
        match chars.next() {
            None => Err(PercentError::Invalid("incomplete format")),
            Some('d' | 'i' | 'u' | 'o' | 'x' | 'X' | 'e' | 'E' | 'f' | 'F' | 'g' | 'G' | 'c')
            | Some('r' | 's' | 'b' | 'a') => Ok(()),
            Some(other) => Err(PercentError::UnsupportedChar(other)),
        }
    }
}

/// Reads a width or precision: `*` (returns `true`), digits, or nothing. Digits that do not
/// fit an `i32` are an error, as in ruff.
fn quantity(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Result<bool, PercentError> {
    if chars.next_if_eq(&'*').is_some() {
        return Ok(true);
    }
    let mut value: i32 = 0;
    while let Some(digit) = chars.peek().and_then(|c| c.to_digit(10)) {
        chars.next();
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(digit.cast_signed()))
            .ok_or(PercentError::Invalid("width/precision too big"))?;
    }
    Ok(false)
}

/// What a valid `str.format` template asks of the call's arguments, nested fields of format
/// specifications (`{:{width}}`) included.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct BraceSummary {
    /// One entry per automatically numbered field (`{}`); entry `i` is `i`.
    pub(crate) autos: Vec<usize>,
    /// The index of each manually numbered field (`{0}`), in order, repeats kept.
    pub(crate) indices: Vec<usize>,
    /// The name of each keyword field (`{name}`), in order, repeats kept.
    pub(crate) keywords: Vec<String>,
}

/// Why a `str.format` template is invalid (F521), as ruff words it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BraceError {
    /// `{0.}`, `{0[]}`.
    EmptyAttribute,
    /// `{0[0]x}`.
    InvalidCharacterAfterRightBracket,
    /// `{:{:{}}}`.
    PlaceholderRecursionExceeded,
    /// A lone `}`.
    MissingStartBracket,
    /// `{0[`.
    MissingRightBracket,
    /// A lone `{`.
    UnmatchedBracket,
    /// `{!rr}` (a conversion of more than one character), and any other error.
    Unexpected,
}

impl BraceError {
    /// The message F521 shows.
    pub(crate) fn message(self) -> &'static str {
        match self {
            BraceError::EmptyAttribute => "Empty attribute in format string",
            BraceError::InvalidCharacterAfterRightBracket => {
                "Only '.' or '[' may follow ']' in format field specifier"
            }
            BraceError::PlaceholderRecursionExceeded => "Max format placeholder recursion exceeded",
            BraceError::MissingStartBracket => "Single '}' encountered in format string",
            BraceError::MissingRightBracket => "Expected '}' before end of string",
            BraceError::UnmatchedBracket => "Single '{' encountered in format string",
            BraceError::Unexpected => "Unexpected error parsing format string",
        }
    }
}

/// One replacement field: its name part and its format specification.
struct Field<'t> {
    name: &'t str,
    spec: &'t str,
}

impl BraceSummary {
    /// Parses a `str.format` template (the string's value, escapes decoded).
    pub(crate) fn parse(text: &str) -> Result<Self, BraceError> {
        let mut summary = Self::default();
        for field in fields(text, true)? {
            summary.add(field.name)?;
            for nested in fields(field.spec, true)? {
                summary.add(nested.name)?;
            }
        }
        Ok(summary)
    }

    fn add(&mut self, name: &str) -> Result<(), BraceError> {
        // The first part of the field name, up to an attribute or an index.
        let first_end = name.find(['.', '[']).unwrap_or(name.len());
        let first = &name[..first_end];
        check_field_parts(&name[first_end..])?;
        if first.is_empty() {
            self.autos.push(self.autos.len());
        } else if let Ok(index) = first.parse::<usize>() {
            self.indices.push(index);
        } else {
            self.keywords.push(first.to_owned());
        }
        Ok(())
    }
}

/// Checks the attribute (`.name`) and index (`[key]`) parts after a field's first part.
fn check_field_parts(mut rest: &str) -> Result<(), BraceError> {
    while let Some(c) = rest.chars().next() {
        rest = &rest[c.len_utf8()..];
        match c {
            '.' => {
                let end = rest.find(['.', '[']).unwrap_or(rest.len());
                if end == 0 {
                    return Err(BraceError::EmptyAttribute);
                }
                rest = &rest[end..];
            }
            '[' => {
                let Some(end) = rest.find(']') else {
                    return Err(BraceError::MissingRightBracket);
                };
                if end == 0 {
                    return Err(BraceError::EmptyAttribute);
                }
                rest = &rest[end + 1..];
            }
            _ => return Err(BraceError::InvalidCharacterAfterRightBracket),
        }
    }
    Ok(())
}

/// The replacement fields of a template, in order.
fn fields(text: &str, allow_nesting: bool) -> Result<Vec<Field<'_>>, BraceError> {
    let mut fields = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        match literal(rest) {
            Some(after) => rest = after,
            None => {
                let (field, after) = field(rest, allow_nesting)?;
                fields.push(field);
                rest = after;
            }
        }
    }
    Ok(fields)
}

/// Skips the literal text at the start of `text` (`{{` and `}}` are escaped braces) and
/// returns what follows it, or `None` when `text` starts with a field or a lone brace.
///
/// As ruff, `\N{...}` after a backslash is literal text (a named Unicode escape).
fn literal(text: &str) -> Option<&str> {
    let mut rest = text;
    let mut pending_escape = false;
    while let Some(c) = rest.chars().next() {
        if pending_escape
            && let Some(name) = rest.strip_prefix("N{")
            && let Some(close) = name.find('}')
        {
            rest = &name[close + 1..];
            pending_escape = false;
            continue;
        }
        if c == '{' || c == '}' {
            if rest[1..].starts_with(c) {
                rest = &rest[2..];
                pending_escape = false;
                continue;
            }
            return (rest.len() != text.len()).then_some(rest);
        }
        rest = &rest[c.len_utf8()..];
        pending_escape = c == '\\' && !pending_escape;
    }
    Some(rest)
}

/// Reads the field at the start of `text` (which starts with a brace that is not escaped).
fn field(text: &str, allow_nesting: bool) -> Result<(Field<'_>, &str), BraceError> {
    let Some(inner) = text.strip_prefix('{') else {
        return Err(BraceError::MissingStartBracket);
    };
    let mut nested = false;
    for (at, c) in inner.char_indices() {
        match c {
            '{' => {
                if nested || !allow_nesting {
                    return Err(BraceError::PlaceholderRecursionExceeded);
                }
                nested = true;
            }
            '}' if nested => nested = false,
            '}' => {
                let content = &inner[..at];
                let (name, spec) = content.split_once(':').unwrap_or((content, ""));
                let name = match name.split_once('!') {
                    Some((name, conversion)) => {
                        if conversion.chars().count() != 1 {
                            return Err(BraceError::Unexpected);
                        }
                        name
                    }
                    None => name,
                };
                return Ok((Field { name, spec }, &inner[at + 1..]));
            }
            _ => {}
        }
    }
    Err(BraceError::UnmatchedBracket)
}

#[cfg(test)]
mod tests {
    use super::{BraceError, BraceSummary, PercentError, PercentSummary};

    fn percent(text: &str) -> (usize, bool, Vec<String>) {
        let summary = PercentSummary::parse(text).unwrap();
        let mut keys: Vec<String> = summary.keywords.into_iter().collect();
        keys.sort();
        (summary.num_positional, summary.starred, keys)
    }

    #[test]
    fn percent_counts_positional_and_named_placeholders() {
        assert_eq!(
            percent("%(foo)s %s %d %(bar)x"),
            (2, false, vec!["bar".to_owned(), "foo".to_owned()])
        );
        assert_eq!(percent("%*s %*d"), (4, true, vec![]));
        assert_eq!(percent("%s %.*d"), (3, true, vec![]));
        assert_eq!(percent("%s %*.*d"), (4, true, vec![]));
        assert_eq!(percent("%s %1d %-05.3lf %%"), (3, false, vec![]));
        assert_eq!(percent("100%% done"), (0, false, vec![]));
        assert_eq!(percent("%(a(b)c)s"), (0, false, vec!["a(b)c".to_owned()]));
        assert_eq!(percent("%(a)*s"), (1, true, vec!["a".to_owned()]));
    }

    #[test]
    fn percent_errors_are_ruffs() {
        let invalid = |text| PercentSummary::parse(text).unwrap_err();
        assert_eq!(invalid("%"), PercentError::Invalid("incomplete format"));
        assert_eq!(invalid("50%!"), PercentError::UnsupportedChar('!'));
        // `% o` is a valid conversion: a blank flag and octal.
        assert!(PercentSummary::parse("50% off").is_ok());
        assert_eq!(
            invalid("%(foo)"),
            PercentError::Invalid("incomplete format")
        );
        assert_eq!(
            invalid("%(foo"),
            PercentError::Invalid("incomplete format key")
        );
        assert_eq!(
            invalid("%(foo)."),
            PercentError::Invalid("incomplete format")
        );
        assert_eq!(invalid("%y"), PercentError::UnsupportedChar('y'));
        assert_eq!(invalid("%4%"), PercentError::UnsupportedChar('%'));
        assert_eq!(
            invalid("%99999999999d"),
            PercentError::Invalid("width/precision too big")
        );
        assert_eq!(
            invalid("%2147483647d %n"),
            PercentError::UnsupportedChar('n')
        );
    }

    #[test]
    fn percent_keys_iterate_in_ruffs_order() {
        // F505 lists missing keys in the order ruff's `FxHashSet<String>` iterates them;
        // these orders are what ruff 0.16.4 prints.
        let order = |text| -> Vec<String> {
            PercentSummary::parse(text)
                .unwrap()
                .keywords
                .into_iter()
                .collect()
        };
        assert_eq!(order("%(a)s %(b)s %(c)s %(d)s"), ["d", "a", "b", "c"]);
        assert_eq!(order("%(foo)s %(bar)s %(baz)s"), ["foo", "baz", "bar"]);
        assert_eq!(
            order("%(name)s %(value)s %(key)s %(lr)s %(epoch)s"),
            ["value", "epoch", "key", "name", "lr"]
        );
    }

    fn brace(text: &str) -> BraceSummary {
        BraceSummary::parse(text).unwrap()
    }

    #[test]
    fn brace_fields_are_counted_as_ruff_counts_them() {
        let summary = brace("foo{foo}a{}b{2}c{2}d{1}{}{}e{bar}{foo}f{spam}");
        assert_eq!(summary.autos, [0, 1, 2]);
        assert_eq!(summary.indices, [2, 2, 1]);
        assert_eq!(summary.keywords, ["foo", "bar", "foo", "spam"]);

        let nested = brace("foo{foo}a{:{}{}}b{2:{3}{4}}c{2}d{1}{}e{bar:{spam}{eggs}}");
        assert_eq!(nested.autos, [0, 1, 2, 3]);
        assert_eq!(nested.indices, [2, 3, 4, 2, 1]);
        assert_eq!(nested.keywords, ["foo", "bar", "spam", "eggs"]);

        let parts = brace("{0.real}{a[0]}{b[key].x}{!r}{c!s:>10}{{d}}");
        assert_eq!(parts.autos, [0]);
        assert_eq!(parts.indices, [0]);
        assert_eq!(parts.keywords, ["a", "b", "c"]);

        // ruff's quirks: a `]` in the first part is a name, `+0` is an index, `\N{...}`
        // after a backslash is literal.
        assert_eq!(brace("{0]x}").keywords, ["0]x"]);
        assert_eq!(brace("{+1}").indices, [1]);
        assert_eq!(brace("\\N{x}"), BraceSummary::default());
        assert_eq!(brace("\\\\N{x}").keywords, ["x"]);
        assert_eq!(brace("é{}ü"), brace("{}"));
    }

    #[test]
    fn brace_errors_are_ruffs() {
        let invalid = |text| BraceSummary::parse(text).unwrap_err();
        assert_eq!(invalid("{"), BraceError::UnmatchedBracket);
        assert_eq!(invalid("{0"), BraceError::UnmatchedBracket);
        assert_eq!(invalid("}"), BraceError::MissingStartBracket);
        assert_eq!(invalid("a}b"), BraceError::MissingStartBracket);
        assert_eq!(invalid("{0.}"), BraceError::EmptyAttribute);
        assert_eq!(invalid("{0[]}"), BraceError::EmptyAttribute);
        assert_eq!(invalid("{0[}"), BraceError::MissingRightBracket);
        assert_eq!(
            invalid("{0[0]x}"),
            BraceError::InvalidCharacterAfterRightBracket
        );
        assert_eq!(
            invalid("{:{:{}}}"),
            BraceError::PlaceholderRecursionExceeded
        );
        assert_eq!(invalid("{!rr}"), BraceError::Unexpected);
        assert_eq!(invalid("{foo}a{}b{bar..}"), BraceError::EmptyAttribute);
        assert_eq!(
            invalid("{foo}a{}b{bar:{spam..}}"),
            BraceError::EmptyAttribute
        );
        assert_eq!(
            BraceError::MissingStartBracket.message(),
            "Single '}' encountered in format string"
        );
    }
}
