//! `NB018` imports-not-in-first-cell: an import at the top level of a code cell after the first.

use nbtidy_diagnostics::{Applicability, Edit, Fix};
use nbtidy_notebook::CellType;
use ruff_python_ast::token::TokenKind;
use ruff_python_ast::{IpyEscapeKind, Stmt};
use ruff_python_trivia::{has_leading_content, has_trailing_content};
use ruff_source_file::LineRanges;
use ruff_text_size::{Ranged, TextRange};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::context::{CellView, Context, Fixes};
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Checks for imports at the top level of code cells after the first code cell, and
    /// (unsafe fix) gathers them into the first code cell, after its leading magics, sorted as
    /// I001 sorts (with I001's `.editorconfig` settings).
    ///
    /// Imports inside `if`, `try`, `with`, loops, functions or classes are deliberate and are
    /// not reported; neither are the imports of a cell with a cell magic (`%%time`).
    ///
    /// ## Why is this bad?
    /// A reader, and the person who restarts the kernel, wants to see in the first cell what
    /// the notebook needs: a missing package then fails at once, not twenty minutes into "Run
    /// All". Users ask editors for this (imports scattered across cells are a common
    /// complaint); isort through nbQA and ruff sort each cell but never gather.
    ///
    /// ## Example
    /// ```python
    /// # %%
    /// import numpy as np
    ///
    /// # %%
    /// x = np.zeros(3)
    ///
    /// # %%
    /// import pandas as pd
    /// df = pd.DataFrame({"x": x})
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// # %%
    /// import numpy as np
    /// import pandas as pd
    ///
    /// # %%
    /// x = np.zeros(3)
    ///
    /// # %%
    /// df = pd.DataFrame({"x": x})
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: moving an import runs it earlier, which is not always the same program. One fix,
    /// offered on the first import that can move, moves every import that can. It leaves an
    /// import where it is (the finding says why) when moving it could change what
    /// the notebook does, reading the cells in notebook order from the first cell's first
    /// statement after its leading magics:
    /// 1. something before it may change what an import finds or does: an IPython command
    ///    (`%run`, `%cd`, `%pip install`, `!pip install`, `%load_ext autoreload`, ...; only
    ///    `%matplotlib`, `%config`, `%xmode`, `%precision` and `obj?` are let through), a code
    ///    cell that is not plain Python or does not parse, code touching `sys.path`,
    ///    `sys.modules`, `os.environ`, `putenv`, `chdir`, `importlib`, `addsitedir`,
    ///    `__import__`, `exec` or a backend switch (`matplotlib.use`, `switch_backend`), or a
    ///    star import;
    /// 2. a name it binds appears in between (used, or bound by other code or by a different
    ///    import): running it earlier would change what that code sees (an identical import is
    ///    fine: sorting merges them);
    /// 3. it is a `from __future__` import or a star import, or shares a line with another
    ///    statement;
    /// 4. the first code cell is not plain Python (other language, cell magic, syntax error):
    ///    nothing is moved;
    /// 5. without it, its cell would start with an indented line (a comment): IPython dedents a
    ///    cell by its first line's indentation, which would break the rest of the cell.
    ///
    /// ## EditorConfig keys
    /// None (the gathered imports are sorted with I001's keys).
    pub struct ImportsNotInFirstCell {
        code: "NB018",
        name: "imports-not-in-first-cell",
        severity: Warning,
        recommended: false,
        fix: FixAvailability::Sometimes(Applicability::Unsafe),
        keys: [],
    }
}

/// Magics that change nothing an import depends on.
const HARMLESS_MAGICS: &[&str] = &["matplotlib", "config", "xmode", "precision"];

/// Text that marks code which may change what an import finds or does.
const IMPORT_STATE: &[&str] = &[
    "sys.path",
    "sys.modules",
    "environ",
    "putenv",
    "chdir",
    "importlib",
    "addsitedir",
    "__import__",
    "exec(",
    "matplotlib.use",
    "mpl.use",
    "switch_backend",
];

/// [`IMPORT_STATE`] as one automaton: every statement is searched for all of them.
fn import_state() -> &'static regex::Regex {
    static SEARCH: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        let alternatives: Vec<String> = IMPORT_STATE.iter().map(|n| regex::escape(n)).collect();
        regex::Regex::new(&alternatives.join("|")).expect("escaped literals")
    });
    &SEARCH
}

/// Why an import cannot be moved.
type Reason = &'static str;

/// The notebook read in order from the insertion point: what would make moving an import
/// change the program.
#[derive(Default)]
struct Scan<'a> {
    /// Set once something that may affect any later import was seen.
    barrier: Option<Reason>,
    /// Identifiers seen in code (not imports) so far.
    seen: FxHashSet<&'a str>,
    /// Names bound by imports so far, with the import (`module as name`) that bound them.
    imported: FxHashMap<&'a str, String>,
}

/// One top-level import of a later cell.
struct Found {
    cell: usize,
    range: TextRange,
    blocked: Option<Reason>,
}

impl Rule for ImportsNotInFirstCell {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        let cells = context.cells();
        let Some(first) = cells.iter().find(|cell| cell.cell_type == CellType::Code) else {
            return;
        };
        let mut scan = Scan::default();
        // Where the gathered imports go in the first cell, when they can go there at all.
        let insertion = match first.python() {
            Some(module) if !has_cell_magic(first.text()) => {
                let at = module
                    .body
                    .iter()
                    .find(|stmt| !is_leading_magic(stmt))
                    .map_or(first.text().len(), |stmt| {
                        first.text().line_start(stmt.start()).to_usize()
                    });
                for stmt in module.body.iter().skip_while(|stmt| is_leading_magic(stmt)) {
                    scan.statement(first, stmt);
                }
                Some(at)
            }
            _ => None,
        };
        let mut found = Vec::new();
        for cell in &cells[first.index + 1..] {
            if cell.cell_type != CellType::Code {
                continue;
            }
            let module = match cell.python() {
                Some(module) if !has_cell_magic(cell.text()) => module,
                _ => {
                    scan.barrier
                        .get_or_insert("a code cell before it is not plain Python");
                    continue;
                }
            };
            for stmt in &module.body {
                if matches!(stmt, Stmt::Import(_) | Stmt::ImportFrom(_)) {
                    let blocked = scan.import(cell, stmt);
                    found.push(Found {
                        cell: cell.index,
                        range: stmt.range(),
                        blocked: if insertion.is_none() {
                            Some("the first code cell is not plain Python")
                        } else {
                            blocked
                        },
                    });
                } else {
                    scan.statement(cell, stmt);
                }
            }
        }
        keep_cells_runnable(context, &mut found);
        // One fix moves them all: it goes on the first movable import only, so that a
        // notebook with many imports does not copy it once per finding.
        let mut fix = insertion.and_then(|at| gather(context, first, at, &found));
        for item in &found {
            let message = match item.blocked {
                None => "Import not in the first code cell".to_owned(),
                Some(reason) => format!("Import not in the first code cell (not moved: {reason})"),
            };
            let mut diagnostic =
                context.code_diagnostic(&Self::META, message, item.cell, item.range);
            if item.blocked.is_none()
                && let Some(fix) = fix.take()
            {
                diagnostic.fix_title = Some("Move the imports to the first code cell".to_owned());
                diagnostic.fix = Some(fix);
            }
            out.push(diagnostic);
        }
    }
}

impl<'a> Scan<'a> {
    /// A statement that is not a top-level import of a later cell (any statement of the first
    /// cell after its leading magics, any other statement after).
    fn statement(&mut self, cell: &'a CellView<'_>, stmt: &'a Stmt) {
        // Once something blocks every later import, what later statements use or bind no
        // longer matters: nothing after it is looked at (most notebooks have a `!pip install`
        // or a `sys.path` change early).
        if self.barrier.is_some() {
            return;
        }
        match stmt {
            Stmt::IpyEscapeCommand(escape) => {
                let harmless = match escape.kind {
                    IpyEscapeKind::Help | IpyEscapeKind::Help2 => true,
                    IpyEscapeKind::Magic => escape
                        .value
                        .split_whitespace()
                        .next()
                        .is_some_and(|name| HARMLESS_MAGICS.contains(&name)),
                    _ => false,
                };
                if !harmless {
                    self.barrier
                        .get_or_insert("an IPython command before it may change what it imports");
                }
                return;
            }
            Stmt::Import(_) | Stmt::ImportFrom(_) => {
                // An import of the first cell: it stays; what it binds counts.
                self.bind(stmt, cell.text());
                return;
            }
            _ => {}
        }
        let text = &cell.text()[stmt.range()];
        if import_state().is_match(text) {
            self.barrier
                .get_or_insert("code before it changes the import path, environment or directory");
        }
        let Some(parsed) = cell.parsed() else {
            return;
        };
        let tokens = parsed.tokens();
        let from = tokens.partition_point(|token| token.start() < stmt.start());
        for token in tokens[from..]
            .iter()
            .take_while(|token| token.end() <= stmt.end())
            .filter(|token| token.kind() == TokenKind::Name)
        {
            self.seen.insert(&cell.text()[token.range()]);
        }
    }

    /// A top-level import of a later cell: why it cannot move, if it cannot; what it binds is
    /// recorded either way.
    fn import(&mut self, cell: &'a CellView<'_>, stmt: &'a Stmt) -> Option<Reason> {
        if self.barrier.is_some() {
            return self.barrier;
        }
        let text = cell.text();
        let mut blocked = self.barrier;
        if blocked.is_none()
            && (has_leading_content(stmt.start(), text) || has_trailing_content(stmt.end(), text))
        {
            blocked = Some("it shares a line with another statement");
        }
        if let Stmt::ImportFrom(import) = stmt {
            if import.module.as_deref() == Some("__future__") && import.level == 0 {
                blocked = blocked.or(Some("a `__future__` import applies from where it is"));
            }
            if import.names.iter().any(|alias| &alias.name == "*") {
                blocked = blocked.or(Some("a star import binds names nobody can list"));
                self.barrier
                    .get_or_insert("a star import before it may bind the same names");
            }
        }
        if blocked.is_none() {
            for (name, signature) in bindings(stmt, text) {
                let rebinds = self
                    .imported
                    .get(name)
                    .is_some_and(|earlier| *earlier != signature);
                if self.seen.contains(name) || rebinds {
                    blocked = Some("a name it binds is used or bound before it");
                    break;
                }
            }
        }
        self.bind(stmt, text);
        blocked
    }

    fn bind(&mut self, stmt: &'a Stmt, text: &'a str) {
        for (name, signature) in bindings(stmt, text) {
            self.imported.insert(name, signature);
        }
    }
}

/// The names an import binds, each with what it binds it to (`numpy as np`, `os.path`).
fn bindings<'a>(stmt: &'a Stmt, text: &'a str) -> Vec<(&'a str, String)> {
    match stmt {
        Stmt::Import(import) => import
            .names
            .iter()
            .map(|alias| {
                let module = &text[alias.name.range()];
                match &alias.asname {
                    Some(asname) => (&text[asname.range()], format!("{module} as")),
                    None => (
                        module.split('.').next().unwrap_or(module),
                        module.to_owned(),
                    ),
                }
            })
            .collect(),
        Stmt::ImportFrom(import) => {
            let module = format!(
                "{}{}",
                ".".repeat(import.level as usize),
                import.module.as_deref().unwrap_or_default()
            );
            import
                .names
                .iter()
                .map(|alias| {
                    let name = &text[alias.name.range()];
                    let bound = alias
                        .asname
                        .as_ref()
                        .map_or(name, |asname| &text[asname.range()]);
                    (bound, format!("from {module} import {name}"))
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

/// An IPython line magic or shell command at the start of the first cell: it stays first.
fn is_leading_magic(stmt: &Stmt) -> bool {
    matches!(stmt, Stmt::IpyEscapeCommand(_))
}

/// `true` when the cell starts with a cell magic (`%%time`): its body is not plain code.
fn has_cell_magic(text: &str) -> bool {
    text.trim_start().starts_with("%%")
}

/// What the fix deletes of an import: its lines (with a comment on its last line); at the top
/// of its cell, the blank lines after it too.
fn removal(text: &str, item: &Found) -> std::ops::Range<usize> {
    let start = text.line_start(item.range.start()).to_usize();
    let mut end = text.full_line_end(item.range.end()).to_usize();
    if start == 0 || text[..start].trim().is_empty() {
        end = crate::rules::isort::block::trailing_lines_end(text, item.range.end());
    }
    start..end
}

/// Blocks the imports of a cell that would not run without them: IPython dedents a cell by the
/// indentation of its first line, so removing imports that leave an indented comment first
/// would dedent the rest of the cell (found by the `fix` fuzz target). Only a cell left starting
/// with an indented line is parsed again.
fn keep_cells_runnable(context: &Context<'_>, found: &mut [Found]) {
    let mut cells: Vec<usize> = found
        .iter()
        .filter(|item| item.blocked.is_none())
        .map(|item| item.cell)
        .collect();
    cells.dedup();
    for cell in cells {
        let text = context.cells()[cell].text();
        let mut ranges: Vec<std::ops::Range<usize>> = found
            .iter()
            .filter(|item| item.cell == cell && item.blocked.is_none())
            .map(|item| removal(text, item))
            .collect();
        ranges.sort_by_key(|range| range.start);
        let mut rest = String::with_capacity(text.len());
        let mut at = 0;
        for range in ranges {
            rest.push_str(&text[at..range.start.max(at)]);
            at = at.max(range.end);
        }
        rest.push_str(&text[at..]);
        let indented_first = rest
            .split(['\n', '\r'])
            .find(|line| !line.trim().is_empty())
            .is_some_and(|line| line.starts_with([' ', '\t']));
        if indented_first
            && !crate::context::parse_cell(&rest).is_ok_and(|parsed| parsed.errors().is_empty())
        {
            for item in found.iter_mut().filter(|item| item.cell == cell) {
                item.blocked.get_or_insert(
                    "without it, the cell would start with an indented line, and IPython would dedent the rest",
                );
            }
        }
    }
}

/// The fix: every movable import deleted from its cell (its lines, with a comment on its last
/// line) and written into the first cell at `at`, where the block they join is sorted. Without
/// its edits when the caller only needs to know there is one (sorting parses the first cell).
fn gather(context: &Context<'_>, first: &CellView<'_>, at: usize, found: &[Found]) -> Option<Fix> {
    let movable: Vec<&Found> = found.iter().filter(|item| item.blocked.is_none()).collect();
    if movable.is_empty() {
        return None;
    }
    if context.fixes() == Fixes::AvailabilityOnly {
        return Some(Fix::unsafe_(Vec::new()));
    }
    let mut edits = Vec::new();
    let mut moved = String::new();
    for item in &movable {
        let text = context.cells()[item.cell].text();
        let start = text.line_start(item.range.start()).to_usize();
        let line_end = text.line_end(item.range.end()).to_usize();
        moved.push_str(&text[start..line_end]);
        moved.push('\n');
        edits.push(Edit::code(item.cell, removal(text, item), String::new()));
    }
    let text = first.text();
    let mut new = String::with_capacity(text.len() + moved.len() + 1);
    new.push_str(&text[..at]);
    let mut inserted_at = at;
    if at == text.len() && !text.is_empty() && !text.ends_with('\n') {
        new.push('\n');
        inserted_at += 1;
    }
    new.push_str(&moved);
    if at == text.len() {
        // Nothing after: no line ending after the last import (Jupyter stores none).
        new.pop();
    }
    new.push_str(&text[at..]);
    let sorted = crate::rules::isort::sort_block_at(context, &new, inserted_at).unwrap_or(new);
    edits.push(Edit::code(first.index, 0..text.len(), sorted));
    Some(Fix::unsafe_(edits))
}
