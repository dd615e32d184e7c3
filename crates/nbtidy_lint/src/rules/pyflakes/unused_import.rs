//! `F401` unused-import: an import never used later in the notebook.

use std::collections::BTreeMap;
use std::ops::Range;

use nbtidy_diagnostics::{Applicability, Edit, Fix};

use crate::context::Context;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};
use crate::semantic::{self, BindingId, BindingKind, ImportStatement, SemanticModel};

crate::declare_rule! {
    /// ## What it does
    /// Checks for imports that nothing uses, in notebook order: an import in cell 2 is used by
    /// code in cell 2 after it or in any later cell (a function body counts wherever the
    /// function is defined, as it runs when called). A use only in an *earlier* cell does not
    /// count: that use fails when the notebook runs top to bottom, and `cell-defined-later`
    /// (NB001) reports it.
    ///
    /// Not reported: `from __future__` imports, redundant aliases (`import x as x`,
    /// `from m import y as y`, the explicit re-export convention), names listed in `__all__`,
    /// and imports in a `try` block whose handler catches `ImportError` (or everything), where
    /// the import is usually a feature test.
    ///
    /// ## Why is this bad?
    /// An unused import costs time at every run (some imports take seconds), hides which
    /// packages the notebook really needs, and is often the leftover of deleted code.
    ///
    /// ## Example
    /// ```python
    /// import os
    /// import numpy as np
    ///
    /// print(np.zeros(3))
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import numpy as np
    ///
    /// print(np.zeros(3))
    /// ```
    ///
    /// ## Fix safety
    /// The fix removes the unused names from the import statement, or the whole statement (its
    /// line, with a trailing comment) when none of its names is used; a statement that was the
    /// only one of its block becomes `pass`. It is safe at the top level of a cell or of a
    /// function body and for removing some names of `import a, b` / `from m import a, b`; it is
    /// unsafe for a whole statement inside `if`, `try`, `with`, loops or classes, where the
    /// import may be deliberate. Any fix is unsafe when the statement's line carries a
    /// comment (`import tensorflow_text as text  # registers TF ops`): the comment usually says
    /// why the import is there. An import's side effects (registering a plugin, patching a
    /// library) are lost: list such modules in `nbtidy_allowed_unused_imports`, or keep one
    /// import with `# noqa: F401`.
    ///
    /// ## EditorConfig keys
    /// - `nbtidy_allowed_unused_imports`: comma-separated module names whose imports are never
    ///   reported, as ruff's `allowed-unused-imports`: an entry matches the module and its
    ///   submodules and members (`hvplot` matches `import hvplot.pandas` and
    ///   `from hvplot import pandas`), compared by dotted segments. No default: every unused
    ///   import is reported. Example `tensorflow_text,hvplot.pandas`.
    pub struct UnusedImport {
        code: "F401",
        name: "unused-import",
        severity: Warning,
        recommended: true,
        fix: FixAvailability::Sometimes(Applicability::Safe),
        keys: ["nbtidy_allowed_unused_imports"],
        options: [crate::RuleOption {
            key: "nbtidy_allowed_unused_imports",
            valid: |value| {
                value.split(',').map(str::trim).filter(|name| !name.is_empty()).all(|module| {
                    module.split('.').all(|part| {
                        part.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
                            && part.chars().all(|c| c.is_alphanumeric() || c == '_')
                    })
                })
            },
            expected: "expected dotted module names separated by commas (`tensorflow_text, a.b`)",
        }],
    }
}

impl Rule for UnusedImport {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        let model = semantic::model(context);
        let allowed = allowed_modules(context.option(&Self::META, "nbtidy_allowed_unused_imports"));
        let mut by_statement: BTreeMap<usize, Vec<BindingId>> = BTreeMap::new();
        for scope in 0..model.scopes.len() {
            for id in model.live_bindings(scope) {
                let binding = &model.bindings[id];
                if !binding.kind.is_import()
                    || binding.is_used()
                    || binding.flags.global
                    || binding.flags.nonlocal
                    || binding.flags.explicit_export
                    || binding.flags.in_import_error_try
                    || !model.is_reportable(binding.cell)
                    || binding
                        .kind
                        .qualified_name()
                        .is_some_and(|qualified| is_allowed(&allowed, qualified))
                {
                    continue;
                }
                if let Some((statement, _)) = binding.import {
                    by_statement.entry(statement).or_default().push(id);
                }
            }
        }
        for (statement_id, ids) in by_statement {
            let statement = &model.imports[statement_id];
            let fix = removal_fix(context, statement, &model, &ids);
            for &id in &ids {
                let binding = &model.bindings[id];
                let mut diagnostic = context.code_diagnostic(
                    &Self::META,
                    message(&model, id),
                    binding.cell,
                    binding.range,
                );
                if let Some(fix) = &fix {
                    diagnostic.fix_title = Some(if ids.len() == 1 {
                        format!("Remove unused import `{}`", binding.name)
                    } else {
                        "Remove unused imports".to_owned()
                    });
                    diagnostic.fix = Some(fix.clone());
                }
                out.push(diagnostic);
            }
        }
    }
}

/// The entries of `nbtidy_allowed_unused_imports` (blank entries ignored).
fn allowed_modules(value: Option<&str>) -> Vec<&str> {
    value
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .collect()
}

/// `true` when an allowed module is `qualified` or one of its dotted prefixes (ruff's
/// `QualifiedName::starts_with`: `a.b` allows `a.b` and `a.b.c`, not `a.bc` nor `a`).
fn is_allowed(allowed: &[&str], qualified: &str) -> bool {
    allowed.iter().any(|module| {
        qualified
            .strip_prefix(module)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
    })
}

/// `true` when the lines of the statement at `range` carry a comment: inside the statement (an
/// import holds no strings, so a `#` there starts one) or right after it on its last line.
fn carries_comment(text: &str, range: &Range<usize>) -> bool {
    let line_end = text[range.end..]
        .find(['\n', '\r'])
        .map_or(text.len(), |i| range.end + i);
    text[range.clone()].contains('#') || text[range.end..line_end].trim_start().starts_with('#')
}

fn message(model: &SemanticModel, id: BindingId) -> String {
    let binding = &model.bindings[id];
    let qualified = binding.kind.qualified_name().unwrap_or(&binding.name);
    let aliased = match &binding.kind {
        BindingKind::Import { qualified } => *qualified != binding.name,
        BindingKind::FromImport { qualified } => {
            qualified.rsplit('.').next() != Some(binding.name.as_str())
        }
        _ => false,
    };
    let mut message = if aliased {
        format!("`{qualified}` imported as `{}` but unused", binding.name)
    } else {
        format!("`{qualified}` imported but unused")
    };
    let mut earlier: Vec<usize> = model.uses_before(id).map(|u| u.cell + 1).collect();
    earlier.dedup();
    if !earlier.is_empty() {
        let cells: Vec<String> = earlier.iter().map(usize::to_string).collect();
        message.push_str(&format!(
            "; it is only used before the import, in cell {}",
            cells.join(", ")
        ));
    }
    message
}

/// The fix for the unused names `ids` of one import statement.
fn removal_fix(
    context: &Context<'_>,
    statement: &ImportStatement,
    model: &SemanticModel,
    ids: &[BindingId],
) -> Option<Fix> {
    if statement.in_magic {
        return None;
    }
    let text = context.cells()[statement.cell].text();
    let mut removed = vec![false; statement.aliases.len()];
    for &id in ids {
        let (_, index) = model.bindings[id].import?;
        *removed.get_mut(index)? = true;
    }
    let range = statement.range.start().to_usize()..statement.range.end().to_usize();
    let commented = carries_comment(text, &range);
    if removed.iter().all(|&r| r) {
        let (range, content) = statement_deletion(text, range, statement.sole_in_block);
        let edit = Edit::code(statement.cell, range, content);
        return Some(if statement.top_level && !commented {
            Fix::safe(vec![edit])
        } else {
            Fix::unsafe_(vec![edit])
        });
    }
    let aliases: Vec<Range<usize>> = statement
        .aliases
        .iter()
        .map(|r| r.start().to_usize()..r.end().to_usize())
        .collect();
    let edits = alias_deletions(&aliases, &removed)
        .into_iter()
        .map(|range| Edit::code(statement.cell, range, ""))
        .collect();
    Some(if commented {
        Fix::unsafe_(edits)
    } else {
        Fix::safe(edits)
    })
}

/// The byte ranges to delete to remove the `removed` aliases (not all of them) of a statement:
/// each run of removed aliases goes with the comma after it, or before it at the end.
pub(crate) fn alias_deletions(aliases: &[Range<usize>], removed: &[bool]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < aliases.len() {
        if !removed[i] {
            i += 1;
            continue;
        }
        let first = i;
        while i < aliases.len() && removed[i] {
            i += 1;
        }
        if i < aliases.len() {
            out.push(aliases[first].start..aliases[i].start);
        } else if first > 0 {
            out.push(aliases[first - 1].end..aliases[i - 1].end);
        }
    }
    out
}

/// What to replace to delete the statement at `range` of `text`: its whole line(s) when it is
/// alone on them, else the statement and one `;` next to it; `pass` when it is the only
/// statement of its block.
pub(crate) fn statement_deletion(
    text: &str,
    range: Range<usize>,
    sole_in_block: bool,
) -> (Range<usize>, &'static str) {
    if sole_in_block {
        return (range, "pass");
    }
    let (start, end) = (range.start, range.end);
    let line_start = text[..start].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let line_end = text[end..]
        .find(['\n', '\r'])
        .map_or(text.len(), |i| end + i);
    let before = &text[line_start..start];
    let after = &text[end..line_end];
    let after_trimmed = after.trim_start();
    if let Some(rest) = after_trimmed.strip_prefix(';') {
        let rest_trimmed = rest.trim_start();
        if !(rest_trimmed.is_empty() || rest_trimmed.starts_with('#')) || !before.trim().is_empty()
        {
            // `import os; x = 1` -> `x = 1`
            return (start..line_end - rest_trimmed.len(), "");
        }
    }
    let before_trimmed = before.trim_end();
    if before_trimmed.ends_with(';') {
        // `x = 1; import os` -> `x = 1`
        return (line_start + before_trimmed.len() - 1..end, "");
    }
    if before.trim().is_empty() {
        // Alone on its line(s): delete them with their line ending, and the lines before that
        // only continue into it (a lone `\`), which would otherwise continue into what follows.
        let mut line_start = line_start;
        while let Some(start) = continuation_only_line_before(text, line_start) {
            line_start = start;
        }
        let rest = &text[line_end..];
        let newline = if rest.starts_with("\r\n") {
            2
        } else {
            usize::from(rest.starts_with(['\n', '\r']))
        };
        if newline > 0 || line_start == 0 {
            return (line_start..line_end + newline, "");
        }
        // The last line: take the line ending before it instead, unless the cell would then end
        // in a line continued with `\` (into nothing).
        let previous = if text[..line_start].ends_with("\r\n") {
            2
        } else {
            1
        };
        let rest = &text[..line_start - previous];
        let last_line = rest
            .strip_suffix("\r\n")
            .or_else(|| rest.strip_suffix(['\n', '\r']))
            .unwrap_or(rest);
        if rest.ends_with('\\') || last_line.ends_with('\\') {
            return (line_start..line_end, "");
        }
        return (line_start - previous..line_end, "");
    }
    (range, "pass")
}

/// The start of the line before the one starting at `line_start` when that line holds only a
/// `\` (and blanks): it continues into the line at `line_start`.
fn continuation_only_line_before(text: &str, line_start: usize) -> Option<usize> {
    let before = &text[..line_start];
    let previous = before
        .strip_suffix("\r\n")
        .or_else(|| before.strip_suffix(['\n', '\r']))?;
    let start = previous.rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let content = previous[start..].strip_suffix('\\')?;
    content.trim().is_empty().then_some(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delete(text: &str, what: &str, sole: bool) -> String {
        let start = text.find(what).unwrap();
        let (range, content) = statement_deletion(text, start..start + what.len(), sole);
        format!("{}{content}{}", &text[..range.start], &text[range.end..])
    }

    #[test]
    fn allowed_modules_match_by_segments() {
        let allowed = allowed_modules(Some(" tensorflow_text, hvplot.pandas ,,"));
        assert_eq!(allowed, ["tensorflow_text", "hvplot.pandas"]);
        assert!(is_allowed(&allowed, "tensorflow_text"));
        assert!(is_allowed(&allowed, "tensorflow_text.ops"));
        assert!(is_allowed(&allowed, "hvplot.pandas"));
        assert!(is_allowed(&allowed, "hvplot.pandas.x"));
        assert!(!is_allowed(&allowed, "hvplot"));
        assert!(!is_allowed(&allowed, "tensorflow_texts"));
        assert!(allowed_modules(None).is_empty());
    }

    #[test]
    fn comments_on_the_statement_lines() {
        let has = |text: &str, what: &str| {
            let start = text.find(what).unwrap();
            carries_comment(text, &(start..start + what.len()))
        };
        assert!(has("import text  # TF ops\nx = 1", "import text"));
        assert!(has(
            "from m import (\n    a,  # why\n    b,\n)",
            "from m import (\n    a,  # why\n    b,\n)"
        ));
        assert!(!has("# about os\nimport os\nx = 1  # other", "import os"));
        assert!(!has("import os; x = '#'", "import os"));
    }

    #[test]
    fn deletes_statements() {
        assert_eq!(delete("import os\nx = 1\n", "import os", false), "x = 1\n");
        assert_eq!(delete("x = 1\nimport os", "import os", false), "x = 1");
        assert_eq!(delete("x = 1\r\nimport os", "import os", false), "x = 1");
        assert_eq!(delete("import os", "import os", false), "");
        assert_eq!(
            delete("import os  # paths\nx = 1", "import os", false),
            "x = 1"
        );
        assert_eq!(delete("import os; x = 1", "import os", false), "x = 1");
        // Found by fuzzing: a lone `\` continuing into the statement goes with it, and the
        // line ending of a continued line is kept (else it would continue into the end).
        assert_eq!(
            delete("\\\nfrom . import b\n", "from . import b", false),
            ""
        );
        assert_eq!(
            delete("x = 1\n\\\nimport os\ny = 2", "import os", false),
            "x = 1\ny = 2"
        );
        assert_eq!(
            delete("def o(): n\\\n\nimport k", "import k", false),
            "def o(): n\\\n\n"
        );
        assert_eq!(delete("x = 1; import os", "import os", false), "x = 1");
        assert_eq!(
            delete("x = 1; import os; y = 2", "import os", false),
            "x = 1; y = 2"
        );
        assert_eq!(
            delete("if x:\n    import os\n", "import os", true),
            "if x:\n    pass\n"
        );
        assert_eq!(
            delete(
                "from m import (\n    a,\n    b,\n)\nx = 1\n",
                "from m import (\n    a,\n    b,\n)",
                false
            ),
            "x = 1\n"
        );
    }

    fn remove(text: &str, aliases: &[&str], removed: &[bool]) -> String {
        let ranges: Vec<Range<usize>> = aliases
            .iter()
            .map(|a| {
                let start = text.find(a).unwrap();
                start..start + a.len()
            })
            .collect();
        let mut out = text.to_owned();
        for range in alias_deletions(&ranges, removed).into_iter().rev() {
            out.replace_range(range, "");
        }
        out
    }

    #[test]
    fn deletes_aliases() {
        assert_eq!(
            remove("import a, b, c", &["a", "b", "c"], &[true, false, false]),
            "import b, c"
        );
        assert_eq!(
            remove("import a, b, c", &["a", "b", "c"], &[false, true, false]),
            "import a, c"
        );
        assert_eq!(
            remove("import a, b, c", &["a", "b", "c"], &[false, false, true]),
            "import a, b"
        );
        assert_eq!(
            remove("import a, b, c", &["a", "b", "c"], &[true, false, true]),
            "import b"
        );
        assert_eq!(
            remove(
                "from m import (\n    aa,\n    bb as x,\n)",
                &["aa", "bb as x"],
                &[false, true]
            ),
            "from m import (\n    aa,\n)"
        );
        assert_eq!(
            remove(
                "from m import (\n    aa,\n    bb as x,\n)",
                &["aa", "bb as x"],
                &[true, false]
            ),
            "from m import (\n    bb as x,\n)"
        );
    }
}
