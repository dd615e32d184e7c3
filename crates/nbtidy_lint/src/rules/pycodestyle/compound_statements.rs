//! `E701` multiple-statements-on-one-line-colon (`if x: y`) and `E702`
//! multiple-statements-on-one-line-semicolon (`x = 1; y = 2`), found in the parsed tokens as
//! ruff does (the same pass as `E703`'s, without its fix).

use ruff_python_ast::token::{Token, TokenKind};
use ruff_text_size::{Ranged, TextRange};

use crate::context::Context;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Checks for a compound statement's body written on the line of its header: `if x: y`,
    /// `for i in items: print(i)`, `try: x` (also `while`, `with`, `else`, `elif`,
    /// `except`, `finally`, `class`, `match`, `case`).
    ///
    /// As in ruff, a body of `...` (`class Empty: ...`) is allowed, a function on one line
    /// (`def f(): return 1`) is `E704` (not in nbtidy), and the statement of a `%time` /
    /// `%timeit` line is not checked (it is an IPython command, not Python, to the parser).
    ///
    /// ## Why is this bad?
    /// PEP 8: "Compound statements (multiple statements on the same line) are generally
    /// discouraged." The body is easy to miss when reading a cell, and a line that does two
    /// things makes tracebacks and diffs less precise.
    ///
    /// ## Example
    /// ```python
    /// for column in df.columns: print(column)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// for column in df.columns:
    ///     print(column)
    /// ```
    ///
    /// ## Fix safety
    /// No fix, as in ruff.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct MultipleStatementsOnOneLineColon {
        code: "E701",
        name: "multiple-statements-on-one-line-colon",
        severity: Warning,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

crate::declare_rule! {
    /// ## What it does
    /// Checks for statements separated by semicolons on one line (`x = 1; y = 2`).
    ///
    /// A semicolon that ends a cell's last statement (`plt.plot(x);`, hiding the cell's
    /// output) separates nothing and is not reported, here or by `E703`; a semicolon ending
    /// any other statement is `E703` (useless-semicolon). As in ruff, the statement of a
    /// `%time` / `%timeit` line is not checked (`%time a = 1; b = 2` is one IPython command to
    /// the parser).
    ///
    /// ## Why is this bad?
    /// PEP 8: "Compound statements (multiple statements on the same line) are generally
    /// discouraged." The second statement is easy to miss when reading a cell, and tracebacks
    /// and diffs point at lines, not statements.
    ///
    /// ## Example
    /// ```python
    /// import numpy as np; import pandas as pd
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import numpy as np
    /// import pandas as pd
    /// ```
    ///
    /// ## Fix safety
    /// No fix, as in ruff.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct MultipleStatementsOnOneLineSemicolon {
        code: "E702",
        name: "multiple-statements-on-one-line-semicolon",
        severity: Warning,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

/// Reports every statement separated by `separator` from another on its line.
fn report(
    context: &Context<'_>,
    out: &mut Diagnostics,
    meta: &'static RuleMeta,
    separator: Separator,
    what: &str,
) {
    for (cell, _) in context.python_cells() {
        let Some(parsed) = cell.parsed() else {
            continue;
        };
        for (kind, range) in compound_statements(parsed.tokens()) {
            if kind == separator {
                out.push(context.code_diagnostic(
                    meta,
                    format!("multiple statements on one line ({what})"),
                    cell.index,
                    range,
                ));
            }
        }
    }
}

impl Rule for MultipleStatementsOnOneLineColon {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        report(context, out, &Self::META, Separator::Colon, "colon");
    }
}

impl Rule for MultipleStatementsOnOneLineSemicolon {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        report(context, out, &Self::META, Separator::Semicolon, "semicolon");
    }
}

/// What separates two statements on one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Separator {
    /// The colon of a compound statement's header.
    Colon,
    /// A semicolon.
    Semicolon,
}

/// The colons and semicolons followed by another statement on the same logical line, in
/// order (pycodestyle's and ruff's token scan).
fn compound_statements(tokens: &[Token]) -> Vec<(Separator, TextRange)> {
    let mut found = Vec::new();
    // The colon of a compound statement header seen on this line, and the keyword that opened
    // the header (`if`, `for`, `class`, ...).
    let mut colon: Option<TextRange> = None;
    let mut header = false;
    let mut semi: Option<TextRange> = None;
    // Right after a header's colon: `class C: ...` is allowed.
    let mut allow_ellipsis = false;
    let mut nesting = 0u32;
    for token in tokens {
        match token.kind() {
            TokenKind::Lpar | TokenKind::Lsqb | TokenKind::Lbrace => nesting += 1,
            TokenKind::Rpar | TokenKind::Rsqb | TokenKind::Rbrace => {
                nesting = nesting.saturating_sub(1);
            }
            TokenKind::Ellipsis if allow_ellipsis => {
                allow_ellipsis = false;
                continue;
            }
            _ => {}
        }
        if nesting > 0 {
            continue;
        }
        match token.kind() {
            TokenKind::Newline => {
                colon = None;
                header = false;
                semi = None;
            }
            TokenKind::Colon => {
                if header {
                    colon = Some(token.range());
                    allow_ellipsis = true;
                }
            }
            TokenKind::Semi => {
                semi = Some(token.range());
                allow_ellipsis = false;
            }
            TokenKind::Comment
            | TokenKind::Indent
            | TokenKind::Dedent
            | TokenKind::NonLogicalNewline => {}
            _ => {
                if let Some(range) = semi.take() {
                    found.push((Separator::Semicolon, range));
                    allow_ellipsis = false;
                }
                if let Some(range) = colon.take() {
                    found.push((Separator::Colon, range));
                    header = false;
                    allow_ellipsis = false;
                }
            }
        }
        match token.kind() {
            // A lambda's colon is not a header's.
            TokenKind::Lambda => header = false,
            TokenKind::Case
            | TokenKind::If
            | TokenKind::While
            | TokenKind::For
            | TokenKind::Try
            | TokenKind::Except
            | TokenKind::Finally
            | TokenKind::Elif
            | TokenKind::Else
            | TokenKind::Class
            | TokenKind::With
            | TokenKind::Match => header = true,
            _ => {}
        }
    }
    found
}
