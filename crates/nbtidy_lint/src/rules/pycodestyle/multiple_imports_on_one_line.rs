//! `E401` multiple-imports-on-one-line: `import os, sys`.

use nbtidy_diagnostics::{Edit, Fix};
use ruff_text_size::Ranged;

use crate::checker::At;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};
use crate::rules::pycodestyle::lambda_assignment::own_line;
use ruff_python_ast::{AnyNodeRef, NodeKind};

crate::declare_rule! {
    /// ## What it does
    /// Checks for `import` statements importing several modules (`import os, sys`).
    /// `from m import a, b` is fine. As in ruff, the statement of a `%time` / `%timeit` line
    /// is not checked (it is an IPython command, not Python, to the parser).
    ///
    /// ## Why is this bad?
    /// PEP 8: "Imports should usually be on separate lines." One import per line is easier to
    /// scan in a notebook's setup cell, and adding or removing one gives a one-line diff.
    ///
    /// ## Example
    /// ```python
    /// import os, sys
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import os
    /// import sys
    /// ```
    ///
    /// ## Fix safety
    /// The fix puts each module on its own line, with the statement's indentation (a trailing
    /// comment stays after the last one); when another statement shares the line
    /// (`x = 1; import os, sys`, `if x: import os, sys`, a cell-ending `import os, sys;`) it
    /// writes `import os; import sys` instead. It is safe, as in ruff: the modules are
    /// imported in the same order.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct MultipleImportsOnOneLine {
        code: "E401",
        name: "multiple-imports-on-one-line",
        severity: Warning,
        recommended: true,
        fix: FixAvailability::Always(nbtidy_diagnostics::Applicability::Safe),
        keys: [],
    }
}

impl Rule for MultipleImportsOnOneLine {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn visits(&self) -> &'static [NodeKind] {
        &[NodeKind::StmtImport]
    }

    fn visit(&self, node: AnyNodeRef<'_>, at: &At<'_, '_>, out: &mut Diagnostics) {
        let AnyNodeRef::StmtImport(import) = node else {
            return;
        };
        if import.names.len() < 2 {
            return;
        }
        let Some(parsed) = at.cell.parsed() else {
            return;
        };
        let (context, cell) = (at.context, at.cell);
        let source = cell.text();
        let range = import.range();
        let separator = match own_line(parsed.tokens(), range) {
            Some(line_start) => {
                format!("\n{}", &source[line_start..range.start().to_usize()])
            }
            None => "; ".to_owned(),
        };
        let replacement = import
            .names
            .iter()
            .map(|alias| match &alias.asname {
                Some(asname) => {
                    format!("import {} as {}", alias.name.as_str(), asname.as_str())
                }
                None => format!("import {}", alias.name.as_str()),
            })
            .collect::<Vec<_>>()
            .join(&separator);
        let mut diagnostic = context.code_diagnostic(
            &Self::META,
            "multiple imports on one line",
            cell.index,
            range,
        );
        diagnostic.fix_title = Some("Split imports".to_owned());
        diagnostic.fix = Some(Fix::safe(vec![Edit::code(
            cell.index,
            range.start().to_usize()..range.end().to_usize(),
            replacement,
        )]));
        out.push(diagnostic);
    }
}
