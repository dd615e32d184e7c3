//! Cross-cell name semantics, in notebook order.
//!
//! The Python cells are taken top to bottom, as "Run All" executes them, and share one module
//! scope. The model records:
//! - **scopes**: module, class, function, lambda, comprehension and type-parameter scopes, each
//!   with the bindings currently visible in it;
//! - **bindings**: every name binding (assignments, imports, definitions, loop/with/except
//!   targets, parameters, match captures, `global`/`nonlocal` declarations, `del`), with the
//!   binding it replaced and the references that resolved to it;
//! - **references**: every load, resolved at the point it executes. Module-level code (also class
//!   bodies, comprehensions, decorators, defaults) resolves against the module scope as it is at
//!   that point of the notebook; function and lambda bodies resolve at call time, i.e. against
//!   the scopes as they are at the end of the notebook (like pyflakes' deferred functions);
//! - the loads that did not resolve, classified as **undefined** (F821) or **defined later**
//!   (NB001: bound only in a later cell), and the points after which undefined names are
//!   unknowable (`%run`, `%load`, `%store -r`, `%pylab`, `from x import *`, cells whose code is
//!   another language that may export names).
//!
//! Cells with syntax errors contribute the bindings and uses of their recovered syntax tree, but
//! nothing is reported inside them (`E999` does). IPython escape commands are not Python and are
//! skipped, except the suppressing ones above, `%%capture NAME` (binds `NAME`), `%time` /
//! `%timeit` lines (their statement is analysed like code of the cell) and the `{expr}` /
//! `$name` expansions of `!` and `%` lines (uses that are never reported as undefined). String
//! annotations are parsed and resolved at the end of the notebook (forward references); loads in
//! a `try` body whose handler catches `NameError` are never undefined.
//!
//! Like pyflakes and ruff, a rebinding inherits the uses of the binding it replaces (re-importing
//! a used module is not "unused"), and using `x` from `import a as x` also uses `import a.b`.
//!
//! Building the model is done once per notebook and shared by the rules (see [`model`]).

mod builder;
pub mod builtins;
#[cfg(test)]
mod tests;

use std::rc::Rc;

use ruff_python_ast::name::Name;
use ruff_text_size::{TextRange, TextSize};
use rustc_hash::FxHashMap;
use smallvec::SmallVec;

use crate::context::Context;

/// Index of a [`Scope`] in [`SemanticModel::scopes`].
pub type ScopeId = usize;
/// Index of a [`Binding`] in [`SemanticModel::bindings`].
pub type BindingId = usize;
/// Index of a [`Reference`] in [`SemanticModel::references`].
pub type ReferenceId = usize;
/// Index of an [`ImportStatement`] in [`SemanticModel::imports`].
pub type ImportId = usize;

/// The module scope (shared by all cells).
pub const MODULE_SCOPE: ScopeId = 0;

/// What kind of scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    /// The notebook's global namespace.
    Module,
    /// A class body.
    Class,
    /// A function body.
    Function,
    /// A lambda body.
    Lambda,
    /// A comprehension or generator expression.
    Comprehension,
    /// The type parameters of a generic function, class or type alias.
    TypeParams,
}

/// A scope.
#[derive(Debug, Clone)]
pub struct Scope {
    /// What kind of scope.
    pub kind: ScopeKind,
    /// The enclosing scope (`None` for the module).
    pub parent: Option<ScopeId>,
    /// The binding each name currently has (at the end of the analysis: the live bindings).
    /// Its iteration order is arbitrary: [`SemanticModel::live_bindings`] gives them in order.
    pub names: FxHashMap<Name, BindingId>,
    /// Names declared `global` in this scope.
    pub globals: Vec<Name>,
    /// The scope calls `locals()`: every local may be used.
    pub uses_locals: bool,
}

impl Scope {
    fn new(kind: ScopeKind, parent: Option<ScopeId>) -> Self {
        Scope {
            kind,
            parent,
            names: FxHashMap::default(),
            globals: Vec::new(),
            uses_locals: false,
        }
    }

    /// `true` for function and lambda scopes.
    pub fn is_function_like(&self) -> bool {
        matches!(self.kind, ScopeKind::Function | ScopeKind::Lambda)
    }
}

/// What bound a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BindingKind {
    /// `import a` or `import a.b as c` (`qualified`: `a`, `a.b`).
    Import {
        /// The imported module.
        qualified: Name,
    },
    /// `import a.b` (binds `a`; `qualified`: `a.b`).
    SubmoduleImport {
        /// The imported module.
        qualified: Name,
    },
    /// `from m import x [as y]` (`qualified`: `m.x`).
    FromImport {
        /// The module and member (`m.x`, `.m.x` for relative imports).
        qualified: Name,
    },
    /// `from __future__ import x`.
    FutureImport,
    /// `def name(...)`.
    FunctionDef {
        /// Decorated with `@overload` / `@typing.overload`.
        overload: bool,
    },
    /// `class name`.
    ClassDef,
    /// `x = ...`, `x: T = ...`, `x += ...`, a comprehension target, a match capture, `type X = ...`,
    /// `%%capture x`.
    Assignment,
    /// `(x := ...)`.
    NamedExpr,
    /// A `for` target.
    LoopVar,
    /// A `with ... as x` target.
    WithItem,
    /// `except E as x`.
    BoundException,
    /// A function or lambda parameter.
    Argument,
    /// A type parameter.
    TypeParam,
    /// `global x` (in a function: later bindings of `x` go to the module scope).
    Global,
    /// `nonlocal x`.
    Nonlocal,
    /// `del x`: the name is unbound from here on.
    Deletion,
    /// The name of an `except ... as x` after the handler: unbound again.
    UnboundException,
}

impl BindingKind {
    /// Any kind of import except `__future__`.
    pub fn is_import(&self) -> bool {
        matches!(
            self,
            BindingKind::Import { .. }
                | BindingKind::SubmoduleImport { .. }
                | BindingKind::FromImport { .. }
        )
    }

    /// The imported module or member, for imports.
    pub fn qualified_name(&self) -> Option<&str> {
        match self {
            BindingKind::Import { qualified }
            | BindingKind::SubmoduleImport { qualified }
            | BindingKind::FromImport { qualified } => Some(qualified),
            _ => None,
        }
    }

    /// Kinds that do not bind a value a load can see.
    pub fn is_unbound(&self) -> bool {
        matches!(
            self,
            BindingKind::Deletion
                | BindingKind::UnboundException
                | BindingKind::Global
                | BindingKind::Nonlocal
        )
    }
}

/// Facts about a binding.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BindingFlags {
    /// Part of a tuple unpacking (`a, b = f()`).
    pub unpacked: bool,
    /// An augmented assignment (`x += 1`).
    pub augmented: bool,
    /// A comprehension target.
    pub comprehension: bool,
    /// `import x as x` / `from m import x as x`: an explicit re-export.
    pub explicit_export: bool,
    /// In a `try` body whose handlers catch `ImportError` / `ModuleNotFoundError`.
    pub in_import_error_try: bool,
    /// Declared `global` (a binding in the module scope made from inside a function).
    pub global: bool,
    /// Declared `nonlocal`.
    pub nonlocal: bool,
    /// Made while analysing a function or lambda body (after all module-level code).
    pub deferred: bool,
}

/// Where a simple assignment's value starts, for fixes (`x = value`, `x: T = value`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SimpleAssignment {
    /// The whole statement.
    pub statement: TextRange,
    /// The end of the target (`x = ...`) or of the annotation (`x: T = ...`): the `=` follows.
    pub after_target: TextSize,
    /// The value (without any parentheses around it).
    pub value: TextRange,
    /// The value has no side effects (literals, names, containers of such): removing the
    /// whole statement loses nothing.
    pub value_is_pure: bool,
    /// The only statement of its block (removing it needs a `pass`).
    pub sole_in_block: bool,
    /// Comes from a re-parsed `%time` line.
    pub in_magic: bool,
}

/// A name binding.
#[derive(Debug, Clone)]
pub struct Binding {
    /// The bound name.
    pub name: Name,
    /// What bound it.
    pub kind: BindingKind,
    /// The scope it lives in.
    pub scope: ScopeId,
    /// 0-based index of its cell.
    pub cell: usize,
    /// The range of the name (for imports: the alias, `a as b`) in the cell's code.
    pub range: TextRange,
    /// The range of the statement that made it.
    pub statement: TextRange,
    /// The innermost branch (if/elif/else/try/except/loop/with/match-case body) it is in; two
    /// bindings are in the same branch when this is equal.
    pub branch: u32,
    /// Facts about it.
    pub flags: BindingFlags,
    /// The binding of the same name in the same scope that it replaced.
    pub shadows: Option<BindingId>,
    /// The binding of an enclosing function or module scope it hides (only when its own scope
    /// had no binding of the name).
    pub shadows_outer: Option<BindingId>,
    /// The references that resolved to it (or to the binding it replaced, as pyflakes counts
    /// a rebinding as used when the old one was).
    pub references: SmallVec<[ReferenceId; 4]>,
    /// For imports: the statement and the position of the alias in it.
    pub import: Option<(ImportId, usize)>,
    /// For `x = value` / `x: T = value` with a single name target.
    pub assignment: Option<SimpleAssignment>,
    /// For `except E as x`: the range of ` as x`.
    pub except_as: Option<TextRange>,
}

impl Binding {
    /// `true` when some load resolved to this binding.
    pub fn is_used(&self) -> bool {
        !self.references.is_empty()
    }
}

/// A load of a name.
#[derive(Debug, Clone)]
pub struct Reference {
    /// The name.
    pub name: Name,
    /// 0-based cell index.
    pub cell: usize,
    /// The range in the cell's code.
    pub range: TextRange,
    /// The binding it resolved to; `None` for builtins and unresolved loads.
    pub binding: Option<BindingId>,
    /// Executed when its cell runs (module-level code, class bodies, decorators, defaults), as
    /// opposed to inside a function or lambda body.
    pub executed: bool,
}

/// An import statement (for fixes).
#[derive(Debug, Clone)]
pub struct ImportStatement {
    /// 0-based cell index.
    pub cell: usize,
    /// The statement's range in the cell's code.
    pub range: TextRange,
    /// The ranges of its aliases, in order.
    pub aliases: Vec<TextRange>,
    /// At the top level of its cell or of a function body (not inside `if`, `try`, `with`...).
    pub top_level: bool,
    /// The only statement of its block (removing it needs a `pass`).
    pub sole_in_block: bool,
    /// Comes from a re-parsed `%time` line: ranges are right, but no fix is offered.
    pub in_magic: bool,
}

/// A load that resolved nowhere: `undefined-name` (F821).
#[derive(Debug, Clone)]
pub struct UndefinedName {
    /// The name.
    pub name: Name,
    /// 0-based cell index.
    pub cell: usize,
    /// The range in the cell's code.
    pub range: TextRange,
    /// Names may come from a `%run`, `%load`, `%store -r`, `%pylab`, star import or another
    /// language's cell that ran before: not reported.
    pub suppressed: bool,
    /// A `from module import *` at module level ran before the use (for a function body: is
    /// anywhere in the notebook): `undefined-local-with-import-star-usage` (F405) reports it.
    pub star: bool,
}

/// A name of `__all__` bound nowhere at module level at the end of the notebook:
/// `undefined-export` (F822), or F405 when the notebook has a module-level star import.
#[derive(Debug, Clone)]
pub struct UndefinedExport {
    /// The name.
    pub name: Name,
    /// 0-based cell index.
    pub cell: usize,
    /// The range of the string in the cell's code.
    pub range: TextRange,
}

/// A load in a function body of a name the function binds only later, which resolved to an
/// enclosing scope's binding or a builtin: `undefined-local` (F823); Python raises
/// `UnboundLocalError` there.
#[derive(Debug, Clone)]
pub struct UndefinedLocal {
    /// The name.
    pub name: Name,
    /// 0-based cell index.
    pub cell: usize,
    /// The range of the load in the cell's code.
    pub range: TextRange,
}

/// A string annotation that does not parse: `forward-annotation-syntax-error` (F722).
#[derive(Debug, Clone)]
pub struct AnnotationError {
    /// 0-based cell index.
    pub cell: usize,
    /// The range of the string in the cell's code.
    pub range: TextRange,
    /// The parser's message.
    pub message: String,
}

/// A load executed in one cell of a name bound only in a later cell: `cell-defined-later`
/// (NB001).
#[derive(Debug, Clone)]
pub struct DefinedLater {
    /// The name.
    pub name: Name,
    /// 0-based cell index of the use.
    pub cell: usize,
    /// The range of the use in the cell's code.
    pub range: TextRange,
    /// The first binding after the use (in a later cell).
    pub binding: BindingId,
}

/// `from m import *`.
#[derive(Debug, Clone)]
pub struct StarImport {
    /// 0-based cell index.
    pub cell: usize,
    /// The statement's range.
    pub range: TextRange,
    /// The module as written (`pylab`, `.utils`).
    pub module: String,
}

/// The semantic model of one notebook (see the module docs).
#[derive(Debug, Clone, Default)]
pub struct SemanticModel {
    /// All scopes; [`MODULE_SCOPE`] first.
    pub scopes: Vec<Scope>,
    /// All bindings, in the order they were made.
    pub bindings: Vec<Binding>,
    /// All loads.
    pub references: Vec<Reference>,
    /// All import statements.
    pub imports: Vec<ImportStatement>,
    /// All star imports.
    pub star_imports: Vec<StarImport>,
    /// Loads that resolved nowhere.
    pub undefined: Vec<UndefinedName>,
    /// Executed loads of names bound only in a later cell.
    pub defined_later: Vec<DefinedLater>,
    /// Names of `__all__` bound nowhere (not counting builtins).
    pub undefined_exports: Vec<UndefinedExport>,
    /// Loads before the local binding in a function body (F823).
    pub undefined_locals: Vec<UndefinedLocal>,
    /// String annotations that do not parse.
    pub annotation_errors: Vec<AnnotationError>,
    /// The earliest module-level `from module import *` (cell, offset), if any.
    pub first_module_star: Option<(usize, TextSize)>,
    /// 0-based indices of the Python cells with syntax errors (nothing is reported inside).
    pub broken_cells: Vec<usize>,
    /// [`SemanticModel::references`] by (cell, start), built on first use.
    reference_index: std::cell::OnceCell<FxHashMap<(usize, TextSize), usize>>,
}

impl SemanticModel {
    /// Builds the model of a notebook.
    pub fn build(context: &Context<'_>) -> Self {
        builder::build(context)
    }

    /// The load at `start` in cell `cell`, if the model recorded one there: a hash lookup (the
    /// index is built once, on first use), so a rule asking per node stays linear.
    pub fn reference_at(&self, cell: usize, start: TextSize) -> Option<&Reference> {
        let index = self.reference_index.get_or_init(|| {
            let mut index = FxHashMap::default();
            for (at, reference) in self.references.iter().enumerate() {
                index.insert((reference.cell, reference.range.start()), at);
            }
            index
        });
        index.get(&(cell, start)).map(|&at| &self.references[at])
    }

    /// `true` when findings may be reported in cell `cell` (it parsed without errors).
    pub fn is_reportable(&self, cell: usize) -> bool {
        !self.broken_cells.contains(&cell)
    }

    /// The live bindings of a scope (at the end of the notebook), sorted by position (then by
    /// id, so that the order never depends on the map's).
    pub fn live_bindings(&self, scope: ScopeId) -> Vec<BindingId> {
        let mut ids: Vec<BindingId> = self.scopes[scope].names.values().copied().collect();
        ids.sort_unstable_by_key(|&id| {
            (self.bindings[id].cell, self.bindings[id].range.start(), id)
        });
        ids
    }

    /// The uses of `binding`'s name in earlier cells that NB001 reports as defined later.
    pub fn uses_before(&self, binding: BindingId) -> impl Iterator<Item = &DefinedLater> {
        self.defined_later
            .iter()
            .filter(move |later| later.binding == binding)
    }
}

/// `true` for names that are "dummies" by ruff's default `dummy-variable-rgx`
/// (`^(_+|(_+[a-zA-Z0-9_]*[a-zA-Z0-9]+?))$`): only underscores, or a leading underscore and a
/// last character that is not one.
pub fn is_dummy(name: &str) -> bool {
    name.starts_with('_')
        && (name.bytes().all(|b| b == b'_')
            || (name.bytes().all(|b| b == b'_' || b.is_ascii_alphanumeric())
                && !name.ends_with('_')))
}

/// The semantic model of the context's notebook, built on first use and shared by the rules
/// that run on it.
pub fn model(context: &Context<'_>) -> Rc<SemanticModel> {
    Rc::clone(
        context
            .semantic_cell()
            .get_or_init(|| Rc::new(SemanticModel::build(context))),
    )
}
