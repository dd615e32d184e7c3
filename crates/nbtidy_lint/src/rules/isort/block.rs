//! Import blocks: runs of consecutive `import` statements of one suite of one cell, and the
//! `# isort:` action comments that shape them. A block ends at any other statement (IPython
//! escapes such as `%matplotlib inline` or `!pip install` are statements: barriers), at the end
//! of the cell (a block never spans cells), at `# isort: split`, and around imports that
//! `# isort: skip` or an `# isort: off` region excludes.

use std::ops::Range;

use ruff_python_ast::token::TokenKind;
use ruff_python_ast::{ElifElseClause, ExceptHandler, Stmt};
use ruff_python_trivia::PythonWhitespace;
use ruff_source_file::LineRanges;
use ruff_text_size::{Ranged, TextSize};

use crate::context::Context;

/// What follows a block, which decides the blank lines after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trailer {
    /// Another statement of the same suite.
    Sibling,
    /// A function definition (two blank lines by default).
    FunctionDef,
    /// A class definition (two blank lines by default).
    ClassDef,
}

/// One import block.
#[derive(Debug, Default)]
pub struct Block<'a> {
    /// The imports, in source order.
    pub imports: Vec<&'a Stmt>,
    /// Inside a compound statement or a function (blank lines after it are left alone).
    pub nested: bool,
    /// What follows it; `None` at the end of a suite or of the cell.
    pub trailer: Option<Trailer>,
}

/// The isort action comments of one cell.
#[derive(Debug, Default, Clone)]
pub struct CellDirectives {
    /// Ranges whose imports are left alone (`# isort: skip` lines, `# isort: off` regions).
    pub exclusions: Vec<Range<usize>>,
    /// Offsets of `# isort: split` comments.
    pub splits: Vec<usize>,
}

/// The isort action comments of a notebook, cell by cell: one `# isort: skip_file` anywhere
/// skips the notebook, and an `# isort: off` region runs on across cells until `# isort: on`
/// (ruff reads a notebook as one file).
#[derive(Debug, Default)]
pub struct Directives {
    /// `# isort: skip_file` somewhere.
    pub skip_file: bool,
    /// By cell index.
    pub cells: Vec<CellDirectives>,
}

impl Directives {
    /// Reads the comments of every Python cell, in notebook order.
    pub fn read(context: &Context<'_>) -> Self {
        let mut cells = vec![CellDirectives::default(); context.cells().len()];
        // Where an `# isort: off` region started: (cell, offset).
        let mut off: Option<(usize, usize)> = None;
        for cell in context.cells() {
            let Some(parsed) = cell.parsed() else {
                continue;
            };
            if let Some((at_cell, at)) = off
                && at_cell != cell.index
            {
                let end = context.cells()[at_cell].text().len();
                cells[at_cell].exclusions.push(at..end);
                off = Some((cell.index, 0));
            }
            let text = cell.text();
            let directives = &mut cells[cell.index];
            for token in parsed.tokens() {
                if token.kind() != TokenKind::Comment {
                    continue;
                }
                let comment = text[token.range()].trim_end();
                let start = token.start().to_usize();
                if matches!(comment, "# isort: split" | "# ruff: isort: split") {
                    directives.splits.push(start);
                } else if matches!(
                    comment,
                    "# isort: skip_file"
                        | "# isort:skip_file"
                        | "# ruff: isort: skip_file"
                        | "# ruff: isort:skip_file"
                ) {
                    return Directives {
                        skip_file: true,
                        cells: Vec::new(),
                    };
                } else if let Some((_, at)) = off {
                    if matches!(comment, "# isort: on" | "# ruff: isort: on") {
                        directives.exclusions.push(at..start);
                        off = None;
                    }
                } else if comment.contains("isort: skip") || comment.contains("isort:skip") {
                    let line_start = text.line_start(token.start()).to_usize();
                    let line_end = text.line_end(token.start()).to_usize();
                    directives.exclusions.push(line_start..line_end);
                } else if matches!(comment, "# isort: off" | "# ruff: isort: off") {
                    off = Some((cell.index, start));
                }
            }
        }
        if let Some((at_cell, at)) = off {
            let end = context.cells()[at_cell].text().len();
            cells[at_cell].exclusions.push(at..end);
            // Every later Python cell is excluded whole.
            for later in &context.cells()[at_cell + 1..] {
                cells[later.index].exclusions.push(0..later.text().len());
            }
        }
        Directives {
            skip_file: false,
            cells,
        }
    }
}

/// Finds the import blocks of a cell's module.
pub struct BlockBuilder<'a, 'd> {
    text: &'a str,
    directives: &'d CellDirectives,
    next_split: usize,
    blocks: Vec<Block<'a>>,
    nested: bool,
}

impl<'a, 'd> BlockBuilder<'a, 'd> {
    /// The blocks of `body` (a cell's top-level statements) in `text`.
    pub fn blocks(
        text: &'a str,
        body: &'a [Stmt],
        directives: &'d CellDirectives,
    ) -> Vec<Block<'a>> {
        let mut builder = BlockBuilder {
            text,
            directives,
            next_split: 0,
            blocks: vec![Block::default()],
            nested: false,
        };
        for stmt in body {
            builder.visit(stmt);
        }
        // The end of the cell: no trailer, blank lines after the last block are its own.
        builder.finalize(None);
        builder
            .blocks
            .into_iter()
            .filter(|block| !block.imports.is_empty())
            .collect()
    }

    fn current(&mut self) -> &mut Block<'a> {
        self.blocks
            .last_mut()
            .expect("there is always a current block")
    }

    fn finalize(&mut self, trailer: Option<Trailer>) {
        let block = self.current();
        if !block.imports.is_empty() {
            block.trailer = trailer;
            self.blocks.push(Block::default());
        }
    }

    fn trailer_for(&self, stmt: &Stmt) -> Option<Trailer> {
        let block = self.blocks.last().expect("there is always a current block");
        if block.imports.is_empty() || self.nested {
            return None;
        }
        Some(match stmt {
            Stmt::FunctionDef(_) if !has_comment_break(stmt, self.text) => Trailer::FunctionDef,
            Stmt::ClassDef(_) if !has_comment_break(stmt, self.text) => Trailer::ClassDef,
            _ => Trailer::Sibling,
        })
    }

    fn excluded(&self, offset: usize) -> bool {
        // Sorted by start and disjoint (read in token order): a binary search.
        let exclusions = &self.directives.exclusions;
        let after = exclusions.partition_point(|range| range.start <= offset);
        after > 0 && exclusions[after - 1].contains(&offset)
    }

    fn suite(&mut self, body: &'a [Stmt]) {
        for stmt in body {
            self.visit(stmt);
        }
        self.finalize(None);
    }

    fn visit(&mut self, stmt: &'a Stmt) {
        let start = stmt.start().to_usize();
        let splits = &self.directives.splits;
        if self.next_split < splits.len() && start >= splits[self.next_split] {
            while self.next_split < splits.len() && start >= splits[self.next_split] {
                self.next_split += 1;
            }
            self.finalize(self.trailer_for(stmt));
        }
        if matches!(stmt, Stmt::Import(_) | Stmt::ImportFrom(_)) && !self.excluded(start) {
            let nested = self.nested;
            let block = self.current();
            block.imports.push(stmt);
            block.nested = nested;
        } else {
            self.finalize(self.trailer_for(stmt));
        }
        let outer = self.nested;
        self.nested = true;
        match stmt {
            Stmt::FunctionDef(def) => self.suite(&def.body),
            Stmt::ClassDef(class) => self.suite(&class.body),
            Stmt::For(node) => {
                self.suite(&node.body);
                self.suite(&node.orelse);
            }
            Stmt::While(node) => {
                self.suite(&node.body);
                self.suite(&node.orelse);
            }
            Stmt::If(node) => {
                self.suite(&node.body);
                for ElifElseClause { body, .. } in &node.elif_else_clauses {
                    self.suite(body);
                }
            }
            Stmt::With(node) => self.suite(&node.body),
            Stmt::Match(node) => {
                for case in &node.cases {
                    self.suite(&case.body);
                }
            }
            Stmt::Try(node) => {
                for ExceptHandler::ExceptHandler(handler) in &node.handlers {
                    self.suite(&handler.body);
                }
                self.suite(&node.body);
                self.suite(&node.orelse);
                self.suite(&node.finalbody);
            }
            _ => {}
        }
        self.nested = outer;
    }
}

/// `true` when a comment separated by blank lines stands between the imports and `stmt` (a
/// `def` or `class`): the comment is then what follows the imports, not the definition.
fn has_comment_break(stmt: &Stmt, text: &str) -> bool {
    let before = &text[..stmt.start().to_usize()];
    let mut seen_blank = false;
    // Lines before the statement, last first; the statement's own line (its indentation) is
    // not one of them.
    let lines = before.strip_suffix('\n').unwrap_or(before);
    let lines = lines.strip_suffix('\r').unwrap_or(lines);
    if before.is_empty() || !(before.ends_with('\n') || before.ends_with('\r')) {
        return false;
    }
    for line in lines.rsplit(['\n']) {
        let line = line.trim_end_matches('\r').trim_whitespace();
        if seen_blank {
            if line.starts_with('#') {
                return true;
            } else if !line.is_empty() {
                break;
            }
        } else if line.is_empty() {
            seen_blank = true;
        } else if line.starts_with('#') || line.starts_with('@') {
            continue;
        } else {
            break;
        }
    }
    false
}

/// The end of the blank lines after `offset`'s line (the offset just past them).
pub fn trailing_lines_end(text: &str, offset: TextSize) -> usize {
    let mut end = text.full_line_end(offset).to_usize();
    while end < text.len() {
        let next = text
            .full_line_end(TextSize::try_from(end).unwrap_or_default())
            .to_usize();
        if next == end
            || !text[end..next]
                .trim_end_matches(['\n', '\r'])
                .trim_whitespace()
                .is_empty()
        {
            break;
        }
        end = next;
    }
    end
}
