//! `I002` missing-required-import: an import every notebook must have, missing.

use nbtidy_diagnostics::{Applicability, Edit, Fix};
use ruff_python_ast::Stmt;
use ruff_python_ast::helpers::is_docstring_stmt;
use ruff_source_file::LineRanges;
use ruff_text_size::{Ranged, TextRange};

use crate::context::Context;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta, RuleOption};

crate::declare_rule! {
    /// ## What it does
    /// Checks that the notebook has each import listed in `nbtidy_required_imports` (ruff's
    /// `required-imports`) at the top level of one of its Python cells, for instance
    /// `from __future__ import annotations`. A notebook with no code (or only docstrings) is
    /// not reported.
    ///
    /// In a notebook, one such import anywhere at the top level counts (ruff reads the
    /// notebook as one file); a missing one is reported on the first Python cell, where the fix
    /// adds it: at the very start of the cell (after a docstring), before any magic, since
    /// IPython refuses a `__future__` import after a line magic of the same cell.
    ///
    /// ## Why is this bad?
    /// A project that relies on an import everywhere (postponed annotations, a logging setup)
    /// breaks in subtle ways in the one notebook that lacks it.
    ///
    /// ## Example
    /// With `nbtidy_required_imports = from __future__ import annotations`:
    /// ```python
    /// import typing
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// from __future__ import annotations
    ///
    /// import typing
    /// ```
    ///
    /// ## Fix safety
    /// The fix inserts the import at the start of the first Python cell; it is safe, as in ruff.
    ///
    /// ## EditorConfig keys
    /// - `nbtidy_required_imports`: import statements separated by `;`
    ///   (`from m import a, b` requires each name). No default: nothing is required. Example
    ///   `from __future__ import annotations`.
    pub struct MissingRequiredImport {
        code: "I002",
        name: "missing-required-import",
        severity: Warning,
        recommended: false,
        fix: FixAvailability::Always(Applicability::Safe),
        keys: ["nbtidy_required_imports"],
        options: [RuleOption {
            key: "nbtidy_required_imports",
            valid: |value| required(value).is_some(),
            expected: "expected import statements separated by `;` \
                       (`from __future__ import annotations; import os`)",
        }],
    }
}

/// One required binding: `import module [as asname]` or `from module import name [as asname]`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Required {
    /// `Some(module)` for `from module import name`.
    from: Option<String>,
    /// The module (`import x.y`) or the member (`from m import x`).
    name: String,
    asname: Option<String>,
}

impl Required {
    fn bound(&self) -> &str {
        match (&self.asname, &self.from) {
            (Some(asname), _) => asname,
            (None, Some(_)) => &self.name,
            (None, None) => self.name.split('.').next().unwrap_or(&self.name),
        }
    }

    fn statement(&self) -> String {
        let alias = self
            .asname
            .as_ref()
            .map(|asname| format!(" as {asname}"))
            .unwrap_or_default();
        match &self.from {
            Some(module) => format!("from {module} import {}{alias}", self.name),
            None => format!("import {}{alias}", self.name),
        }
    }

    /// `true` when `stmt` binds the same name to the same thing.
    fn is_in(&self, stmt: &Stmt) -> bool {
        match stmt {
            Stmt::Import(import) if self.from.is_none() => import.names.iter().any(|alias| {
                alias.name.as_str() == self.name
                    && alias.asname.as_ref().map(|a| a.as_str()) == self.asname.as_deref()
            }),
            Stmt::ImportFrom(import) if import.level == 0 => {
                import.module.as_ref().map(|m| m.as_str()) == self.from.as_deref()
                    && import.names.iter().any(|alias| {
                        alias.name.as_str() == self.name
                            && alias
                                .asname
                                .as_ref()
                                .map_or(alias.name.as_str(), |a| a.as_str())
                                == self.bound()
                    })
            }
            _ => false,
        }
    }
}

/// The required imports of a value; `None` when a part is not an import statement of absolute
/// modules without `*`.
fn required(value: &str) -> Option<Vec<Required>> {
    let mut out = Vec::new();
    for part in value
        .split(';')
        .map(str::trim)
        .filter(|part| !part.is_empty())
    {
        let parsed = ruff_python_parser::parse_module(part).ok()?;
        let [stmt] = parsed.syntax().body.as_slice() else {
            return None;
        };
        match stmt {
            Stmt::Import(import) => {
                for alias in &import.names {
                    out.push(Required {
                        from: None,
                        name: alias.name.to_string(),
                        asname: alias.asname.as_ref().map(ToString::to_string),
                    });
                }
            }
            Stmt::ImportFrom(import) if import.level == 0 => {
                let module = import.module.as_ref()?.to_string();
                for alias in &import.names {
                    if alias.name.as_str() == "*" {
                        return None;
                    }
                    out.push(Required {
                        from: Some(module.clone()),
                        name: alias.name.to_string(),
                        asname: alias.asname.as_ref().map(ToString::to_string),
                    });
                }
            }
            _ => return None,
        }
    }
    Some(out)
}

impl Rule for MissingRequiredImport {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        let Some(required) = context
            .option(&Self::META, "nbtidy_required_imports")
            .and_then(required)
            .filter(|required| !required.is_empty())
        else {
            return;
        };
        // Semantically empty notebooks (no code but docstrings) need nothing.
        let has_code = context
            .python_cells()
            .any(|(_, module)| !module.body.iter().all(is_docstring_stmt));
        if !has_code {
            return;
        }
        let Some((first, module)) = context.python_cells().next() else {
            return;
        };
        // After a docstring at the top of the first Python cell, else at its very start; a
        // required import that is not a `__future__` one goes after the `__future__` imports
        // that follow (Python wants those first).
        let mut body = module.body.iter().peekable();
        let docstring_end = match body.next_if(|stmt| is_docstring_stmt(stmt)) {
            Some(stmt) => first.text().full_line_end(stmt.end()).to_usize(),
            None => 0,
        };
        let mut futures_end = docstring_end;
        while let Some(stmt) = body.next_if(|stmt| is_future_import(stmt)) {
            futures_end = first.text().full_line_end(stmt.end()).to_usize();
        }
        for requirement in required {
            let at = if requirement.from.as_deref() == Some("__future__") {
                docstring_end
            } else {
                futures_end
            };
            let present = context
                .python_cells()
                .any(|(_, module)| module.body.iter().any(|stmt| requirement.is_in(stmt)));
            if present {
                continue;
            }
            let statement = requirement.statement();
            let mut diagnostic = context.code_diagnostic(
                &Self::META,
                format!("Missing required import: `{statement}`"),
                first.index,
                TextRange::default(),
            );
            let text = first.text();
            let mut insert = String::new();
            if at > 0 && !text[..at].ends_with('\n') {
                insert.push('\n');
            }
            insert.push_str(&statement);
            if at < text.len() {
                insert.push('\n');
            }
            diagnostic.fix_title = Some(format!("Insert required import: `{statement}`"));
            diagnostic.fix = Some(Fix::safe(vec![Edit::code(first.index, at..at, insert)]));
            out.push(diagnostic);
        }
    }
}

fn is_future_import(stmt: &Stmt) -> bool {
    matches!(stmt, Stmt::ImportFrom(import)
        if import.level == 0 && import.module.as_ref().is_some_and(|m| m.as_str() == "__future__"))
}
