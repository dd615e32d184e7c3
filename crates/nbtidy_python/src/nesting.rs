//! How deeply a cell's code nests, estimated from its tokens in one linear pass, without
//! recursion.
//!
//! The estimate is an upper bound, in practice, on the depth of the syntax tree and on the
//! recursion of ruff's parser and formatter: every token that can add a level of nesting adds one.
//!
//! 1. Brackets (`(`, `[`, `{`) and f-/t-string starts open a level, and count once more in the
//!    level that holds them (a call or subscript after a call, `f()()`, nests).
//! 2. Within a level, every operator that builds a nested node adds one: arithmetic, bitwise and
//!    shift operators, unary `-`/`+`/`~`/`not`, `.` (attribute chains), `:=`, `lambda`, `if` and
//!    `else` (conditional expressions), `await`, `yield`, `for` (comprehensions), `*`/`**`, `@`.
//! 3. `and`, `or` and comparisons build flat nodes and add nothing; neither do names, literals and
//!    adjacent strings. So a 10,000-term `a and b and ...` is fine, as it is for CPython.
//! 4. A comma, a semicolon or the end of a logical line starts a sibling: the level's count starts
//!    again from zero. Commas between `lambda` and its `:` do not (a lambda's parameters belong to
//!    the lambda, and `lambda a, b: lambda a, b: ...` nests).
//! 5. An indented block opens a level worth two (the statement and its body).

use std::fmt;

use ruff_python_ast::token::TokenKind;
use ruff_python_parser::Mode;

/// The deepest nesting nbtidy parses, as estimated by [`nesting`]. CPython stops well before it
/// on brackets (200) and fails with `RecursionError` on operator chains of a few thousand;
/// the 9,069 code cells of the shared corpus and peer fixtures estimate at most 88 (all but two
/// under 30).
pub const MAX_NESTING: usize = 2000;

/// A cell nested deeper than [`MAX_NESTING`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TooDeep {
    /// Byte offset where the estimate first exceeds the limit (the start of a character).
    pub offset: usize,
}

impl fmt::Display for TooDeep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "nested too deeply (more than {MAX_NESTING} levels of brackets, operators or blocks; \
             CPython refuses such code too)"
        )
    }
}

/// The estimated nesting depth of `code` (see the module docs): at least 1.
pub fn nesting(code: &str) -> usize {
    estimate(code, usize::MAX)
}

/// `Err` with the first place where the estimate exceeds [`MAX_NESTING`].
pub(crate) fn check(code: &str) -> Result<(), TooDeep> {
    // Every token adds at most 2 to the estimate (an opening bracket: 1 in its level, 1 for the
    // new level; an indent: 2) and takes at least a byte, so short code needs no pass at all
    // (most cells: the pass would be a second lexing of every cell).
    if 2 * code.len() < MAX_NESTING {
        return Ok(());
    }
    if estimate(code, MAX_NESTING) <= MAX_NESTING {
        return Ok(());
    }
    // Rare, so a search over prefixes (O(n log n)) is fine: first the line, then the character.
    let too_deep = |end: usize| estimate(&code[..end], MAX_NESTING) > MAX_NESTING;
    let mut line_ends: Vec<usize> = code
        .bytes()
        .enumerate()
        .filter(|&(_, b)| b == b'\n')
        .map(|(at, _)| at + 1)
        .collect();
    line_ends.push(code.len());
    let line = line_ends.partition_point(|&end| !too_deep(end));
    let line_start = if line == 0 { 0 } else { line_ends[line - 1] };
    let line_end = line_ends.get(line).copied().unwrap_or(code.len());
    let boundaries: Vec<usize> = (line_start + 1..=line_end)
        .filter(|&at| code.is_char_boundary(at))
        .collect();
    let first = boundaries.partition_point(|&end| !too_deep(end));
    let end = boundaries.get(first).copied().unwrap_or(line_end);
    // The offset of the character whose token made the estimate exceed the limit.
    let mut offset = end.saturating_sub(1);
    while !code.is_char_boundary(offset) {
        offset -= 1;
    }
    Err(TooDeep { offset })
}

#[derive(Debug, Clone, Copy, Default)]
struct Level {
    /// Depth of the enclosing levels.
    base: usize,
    /// Nesting operators since the last sibling separator.
    chain: usize,
    /// `lambda`s whose `:` has not come yet.
    lambdas: usize,
    /// An indented block (closed by a dedent), not a bracket.
    block: bool,
}

impl Level {
    fn depth(&self) -> usize {
        self.base + self.chain + 1
    }
}

/// The estimate, or any value above `limit` as soon as it exceeds it.
fn estimate(code: &str, limit: usize) -> usize {
    let mut levels = vec![Level::default()];
    let mut deepest = 1;
    let mut lexer = ruff_python_parser::lexer::lex(code, Mode::Ipython);
    loop {
        let kind = lexer.next_token();
        let top = levels.last_mut().expect("the root level is never closed");
        match kind {
            TokenKind::EndOfFile => break,
            TokenKind::Lpar
            | TokenKind::Lsqb
            | TokenKind::Lbrace
            | TokenKind::FStringStart
            | TokenKind::TStringStart => {
                top.chain += 1;
                let base = top.depth();
                levels.push(Level {
                    base,
                    ..Level::default()
                });
            }
            TokenKind::Rpar
            | TokenKind::Rsqb
            | TokenKind::Rbrace
            | TokenKind::FStringEnd
            | TokenKind::TStringEnd => {
                let (closable, len) = (!top.block, levels.len());
                if closable && len > 1 {
                    levels.pop();
                }
            }
            TokenKind::Indent => {
                top.chain = 0;
                top.lambdas = 0;
                let base = top.depth() + 1;
                levels.push(Level {
                    base,
                    block: true,
                    ..Level::default()
                });
            }
            TokenKind::Dedent => {
                // Close up to and including the innermost block (brackets left open by broken
                // code go with it).
                while levels.len() > 1 {
                    if levels.pop().is_some_and(|level| level.block) {
                        break;
                    }
                }
            }
            TokenKind::Newline | TokenKind::Semi => {
                top.chain = 0;
                top.lambdas = 0;
            }
            TokenKind::Comma if top.lambdas == 0 => top.chain = 0,
            TokenKind::Colon => {
                top.lambdas = top.lambdas.saturating_sub(1);
            }
            TokenKind::Lambda => {
                top.chain += 1;
                top.lambdas += 1;
            }
            TokenKind::Plus
            | TokenKind::Minus
            | TokenKind::Star
            | TokenKind::DoubleStar
            | TokenKind::Slash
            | TokenKind::DoubleSlash
            | TokenKind::Percent
            | TokenKind::At
            | TokenKind::Tilde
            | TokenKind::Amper
            | TokenKind::Vbar
            | TokenKind::CircumFlex
            | TokenKind::LeftShift
            | TokenKind::RightShift
            | TokenKind::Dot
            | TokenKind::ColonEqual
            | TokenKind::Not
            | TokenKind::Await
            | TokenKind::Yield
            | TokenKind::If
            | TokenKind::Else
            | TokenKind::For
            | TokenKind::Rarrow => top.chain += 1,
            _ => {}
        }
        let top = levels.last().expect("the root level is never closed");
        deepest = deepest.max(top.depth());
        if deepest > limit {
            break;
        }
    }
    deepest
}
