//! `E402` module-import-not-at-top-of-file: a module-level import after other code of its
//! cell.

use ruff_python_ast::{Expr, Stmt};
use ruff_text_size::Ranged;
use rustc_hash::FxHashMap;

use crate::context::Context;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};
use crate::semantic::{self, BindingKind, MODULE_SCOPE};

crate::declare_rule! {
    /// ## What it does
    /// Checks for imports at the top level of a cell that come after other code of the same
    /// cell. As in ruff, each cell has its own top: imports at the top of any cell are fine.
    ///
    /// What may come before a cell's imports:
    /// 1. comments, blank lines and IPython escape commands (`%load_ext autoreload`,
    ///    `%matplotlib inline`, `!pip install ...`), as in ruff;
    /// 2. a string at the top of the cell (after escape commands only): the cell's docstring.
    ///    ruff accepts that only in the first code cell, nbtidy in every cell, since IPython
    ///    compiles each cell as a module whose first string is its docstring;
    /// 3. what ruff allows between imports: `if`, `try`, `with` and `match` blocks, assignments
    ///    to a dunder (`__version__ = ...`), `sys.path` changes (`sys.path.insert(...)`,
    ///    `sys.path += [...]`, `site.addsitedir(...)`), `os.environ` changes, `os.putenv`,
    ///    `matplotlib.use(...)` and `pytest.importorskip(...)`. Names are matched through the
    ///    notebook's module-level imports (`import matplotlib as mpl; mpl.use("Agg")`);
    /// 4. `from __future__` imports and other imports, of course.
    ///
    /// Imports inside functions, classes and blocks are never reported.
    ///
    /// ## Why is this bad?
    /// A reader looks for a cell's dependencies at its top (PEP 8: imports go at the top,
    /// after comments and docstrings); an import buried after code is easy to miss, and moving
    /// the code around it may break it.
    ///
    /// ## Example
    /// ```python
    /// df = load()
    /// import seaborn as sns
    /// sns.histplot(df)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import seaborn as sns
    /// df = load()
    /// sns.histplot(df)
    /// ```
    ///
    /// ## Fix safety
    /// No fix: moving an import changes when its module's code runs (ruff has no fix for
    /// notebooks either).
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct ModuleImportNotAtTopOfFile {
        code: "E402",
        name: "module-import-not-at-top-of-file",
        severity: Warning,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

impl Rule for ModuleImportNotAtTopOfFile {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        let mut names = Names {
            context,
            aliases: None,
        };
        for (cell, module) in context.python_cells() {
            let mut boundary = false;
            let mut docstring = true;
            for stmt in &module.body {
                match stmt {
                    Stmt::Import(_) | Stmt::ImportFrom(_) => {
                        docstring = false;
                        if boundary {
                            out.push(context.code_diagnostic(
                                &Self::META,
                                "Module level import not at top of cell",
                                cell.index,
                                stmt.range(),
                            ));
                        }
                    }
                    Stmt::IpyEscapeCommand(_) => {}
                    Stmt::Expr(expr) if docstring && expr.value.is_string_literal_expr() => {
                        docstring = false;
                    }
                    _ => {
                        docstring = false;
                        boundary = boundary || !is_allowed_before_imports(stmt, &mut names);
                    }
                }
            }
        }
    }
}

/// Resolves the first name of a dotted expression through the notebook's module-level
/// imports (`mpl` -> `matplotlib`, `environ` -> `os.environ`), read once on first need.
struct Names<'c, 'a> {
    context: &'c Context<'a>,
    aliases: Option<FxHashMap<String, String>>,
}

impl Names<'_, '_> {
    /// The dotted name `expr` spells (`os.environ` for `os.environ["X"]` with `subscript`),
    /// its first name replaced by what it imports.
    fn qualified(&mut self, expr: &Expr) -> Option<String> {
        let mut parts = Vec::new();
        let mut current = expr;
        if let Expr::Subscript(subscript) = current {
            current = &subscript.value;
        }
        loop {
            match current {
                Expr::Attribute(attribute) => {
                    parts.push(attribute.attr.as_str());
                    current = &attribute.value;
                }
                Expr::Name(name) => {
                    parts.push(name.id.as_str());
                    break;
                }
                _ => return None,
            }
        }
        parts.reverse();
        let head = match parts[0] {
            known @ ("sys" | "os" | "site" | "matplotlib" | "pytest") => known.to_string(),
            other => {
                let context = self.context;
                let aliases = self.aliases.get_or_insert_with(|| module_aliases(context));
                aliases.get(other)?.clone()
            }
        };
        let mut out = head;
        for part in &parts[1..] {
            out.push('.');
            out.push_str(part);
        }
        Some(out)
    }
}

/// Module-level import aliases of the notebook: bound name -> the module or member it names.
fn module_aliases(context: &Context<'_>) -> FxHashMap<String, String> {
    let model = semantic::model(context);
    let mut aliases = FxHashMap::default();
    for binding in &model.bindings {
        if binding.scope != MODULE_SCOPE {
            continue;
        }
        if let BindingKind::Import { qualified } | BindingKind::FromImport { qualified } =
            &binding.kind
        {
            aliases.insert(binding.name.to_string(), qualified.to_string());
        }
    }
    aliases
}

/// Statements that do not end a cell's imports (ruff's list; see the rule's doc).
fn is_allowed_before_imports(stmt: &Stmt, names: &mut Names<'_, '_>) -> bool {
    match stmt {
        Stmt::If(_) | Stmt::Try(_) | Stmt::With(_) | Stmt::Match(_) => true,
        Stmt::Assign(assign) => {
            matches!(assign.targets.as_slice(), [Expr::Name(name)] if is_dunder(&name.id))
                || assign
                    .targets
                    .iter()
                    .any(|target| names.qualified(target).as_deref() == Some("os.environ"))
        }
        Stmt::AnnAssign(assign) => {
            matches!(&*assign.target, Expr::Name(name) if is_dunder(&name.id))
                || names.qualified(&assign.target).as_deref() == Some("os.environ")
        }
        Stmt::AugAssign(assign) => matches!(
            names.qualified(&assign.target).as_deref(),
            Some("os.environ" | "sys.path")
        ),
        Stmt::Delete(delete) => delete
            .targets
            .iter()
            .any(|target| names.qualified(target).as_deref() == Some("os.environ")),
        Stmt::Expr(expr) => {
            let Expr::Call(call) = &*expr.value else {
                return false;
            };
            matches!(
                names.qualified(&call.func).as_deref(),
                Some(
                    "sys.path.append"
                        | "sys.path.insert"
                        | "sys.path.extend"
                        | "sys.path.remove"
                        | "sys.path.pop"
                        | "sys.path.clear"
                        | "sys.path.reverse"
                        | "sys.path.sort"
                        | "site.addsitedir"
                        | "os.putenv"
                        | "os.unsetenv"
                        | "os.environ.update"
                        | "os.environ.pop"
                        | "os.environ.clear"
                        | "os.environ.setdefault"
                        | "os.environ.popitem"
                        | "matplotlib.use"
                        | "pytest.importorskip"
                )
            )
        }
        _ => false,
    }
}

fn is_dunder(name: &str) -> bool {
    name.len() > 4 && name.starts_with("__") && name.ends_with("__")
}
