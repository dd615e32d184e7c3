//! `F821` undefined-name: a name bound nowhere in the notebook.

use crate::context::Context;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};
use crate::semantic;

crate::declare_rule! {
    /// ## What it does
    /// Checks for names that are used but bound nowhere the use can see: not by the notebook's
    /// code before the use (module-level code runs top to bottom; a function body runs when
    /// called, so it sees everything the notebook binds), not a Python builtin, and not a name
    /// IPython provides (`display`, `get_ipython`, `In`, `Out`, `_`, `__`, `_3`, `_i3`, ...).
    ///
    /// A name bound only in a *later* cell is reported by `cell-defined-later` (NB001) instead;
    /// one bound later in the *same* cell is reported here. After a `%run`, `%load`,
    /// `%store -r`, `%pylab` or `from module import *`, and after a cell in another language that
    /// may export names (`%%R -o x`), names can come from elsewhere: undefined names after that
    /// point (and in function bodies, anywhere) are not reported. Nothing is reported in a cell
    /// with a syntax error. A function body may use a name that another function binds with
    /// `global`, wherever that function is (pyflakes' rule). Names a platform provides
    /// (Databricks' `spark`) are declared with `nbtidy_builtins`.
    ///
    /// ## Why is this bad?
    /// The cell raises `NameError` when the notebook runs from a fresh kernel. Notebooks often
    /// work only thanks to a variable left in the kernel by a deleted or renamed cell.
    ///
    /// ## Example
    /// ```python
    /// result = compute(data)  # `compute` was defined in a cell deleted since
    /// ```
    ///
    /// Use instead: define or import the name before it is used.
    ///
    /// ## Fix safety
    /// No fix.
    ///
    /// ## EditorConfig keys
    /// - `nbtidy_builtins`: comma-separated names defined everywhere, as ruff's `builtins`:
    ///   the globals a platform provides (Databricks: `spark`, `sc`, `dbutils`, `displayHTML`).
    ///   No default: only Python's and IPython's builtins. Example `spark,sc,dbutils,displayHTML`.
    pub struct UndefinedName {
        code: "F821",
        name: "undefined-name",
        severity: Error,
        recommended: true,
        fix: FixAvailability::None,
        keys: ["nbtidy_builtins"],
        options: [crate::RuleOption {
            key: "nbtidy_builtins",
            valid: |value| {
                value.split(',').map(str::trim).filter(|name| !name.is_empty()).all(|name| {
                    name.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
                        && name.chars().all(|c| c.is_alphanumeric() || c == '_')
                })
            },
            expected: "expected Python names separated by commas (`spark, dbutils`)",
        }],
    }
}

impl Rule for UndefinedName {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        let model = semantic::model(context);
        for undefined in &model.undefined {
            if undefined.suppressed || !model.is_reportable(undefined.cell) {
                continue;
            }
            out.push(context.code_diagnostic(
                &Self::META,
                format!("undefined name `{}`", undefined.name),
                undefined.cell,
                undefined.range,
            ));
        }
    }
}
