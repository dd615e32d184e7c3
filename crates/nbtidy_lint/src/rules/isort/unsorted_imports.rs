//! `I001` unsorted-imports: an import block not sorted and laid out as isort would.

use nbtidy_diagnostics::{Applicability, Edit, Fix};

use crate::context::Context;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};
use crate::rules::isort::settings::OPTIONS;

crate::declare_rule! {
    /// ## What it does
    /// Checks that each block of imports is sorted and laid out as isort (with the defaults
    /// ruff uses) would write it: grouped into sections (`__future__`, standard library, third
    /// party, first party, local folder) separated by one blank line; `import x` lines before
    /// `from x import y` lines in each section, each sorted by module case-insensitively in
    /// natural order; `from` imports of one module combined; duplicates removed; comments kept
    /// with the import they are on or above; a `from` import longer than `max_line_length`
    /// wrapped in parentheses, one name a line; one blank line after the block (two before a
    /// `def` or `class`).
    ///
    /// A block is a run of imports in one suite of one cell: any other statement ends it, and
    /// so does an IPython line (`%matplotlib inline`, `!pip install x`), so imports are never
    /// moved across a magic. `# isort: skip`, `# isort: off` / `# isort: on`,
    /// `# isort: split` and `# isort: skip_file` are honoured as by isort and ruff.
    ///
    /// In a notebook, each cell is sorted on its own, as ruff sorts notebooks: imports never
    /// move from one cell to another (the opt-in `imports-not-in-first-cell` gathers them), and
    /// the blank lines at the end of a cell are left alone. The standard-library section is the
    /// standard library of `nbtidy_target_version` (the newest Python, 3.14, when unset; ruff
    /// defaults to 3.10, so `distutils` or `imp` land in the third-party section here unless
    /// the target is set). First-party modules are the ones next to the notebook: a module
    /// `name.py` or a directory `name/` in the notebook's directory or its `src/` (ruff's
    /// default `src = [".", "src"]` run from the notebook's directory), the package the
    /// notebook is in, and the `nbtidy_known_first_party` patterns.
    ///
    /// ## Why is this bad?
    /// Sorted, grouped imports show at a glance what a notebook needs and where it comes from,
    /// and two people adding imports do not conflict in a merge. Consistency is what makes it
    /// cheap: one tool decides, nobody argues.
    ///
    /// ## Example
    /// ```python
    /// import pandas as pd
    /// import os, sys
    /// from matplotlib import pyplot as plt
    /// import numpy as np
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import os
    /// import sys
    ///
    /// import numpy as np
    /// import pandas as pd
    /// from matplotlib import pyplot as plt
    /// ```
    ///
    /// ## Fix safety
    /// The fix rewrites the block sorted; it is safe, as in ruff: the same modules are imported
    /// and bound, and a block never spans a magic or a cell. A block sharing a line with
    /// another statement (`x = 1; import os`) is reported without a fix. `nbtidy format --fix`
    /// applies this fix whether or not I001 is selected.
    ///
    /// ## EditorConfig keys
    /// - `max_line_length`: where `from` imports wrap (default 88).
    /// - `nbtidy_target_version`: the Python version whose standard library is the
    ///   standard-library section (default 3.14 for import sorting).
    /// - `nbtidy_known_first_party`: module names or glob patterns (comma-separated) always
    ///   first party, as ruff's `known-first-party`. No default. Example `mypkg,mypkg_*`.
    /// - `nbtidy_known_third_party`: module names or patterns always third party
    ///   (`known-third-party`). No default. Example `mylib`.
    /// - `nbtidy_known_local_folder`: module names or patterns put in the local-folder section
    ///   (`known-local-folder`). No default. Example `helpers`.
    /// - `nbtidy_extra_standard_library`: module names or patterns treated as standard library
    ///   (`extra-standard-library`). No default. Example `pkg_resources`.
    /// - `nbtidy_combine_as_imports`: `true` writes `from m import a as b, c` on one line
    ///   (`combine-as-imports`); default false.
    /// - `nbtidy_force_single_line`: `true` writes one name per `from` import
    ///   (`force-single-line`); default false.
    /// - `nbtidy_force_sort_within_sections`: `true` sorts `import x` and `from x import y`
    ///   together by module (`force-sort-within-sections`); default false.
    /// - `nbtidy_lines_after_imports`: blank lines after a block that a statement follows in
    ///   the same cell, 0 to 3, or -1 for one (two before a `def` or `class`)
    ///   (`lines-after-imports`); default -1.
    /// - `nbtidy_lines_between_types`: blank lines between the `import x` and `from x import y`
    ///   lines of a section (`lines-between-types`); default 0.
    /// - `nbtidy_split_on_trailing_comma`: `true` keeps a `from` import with a trailing comma
    ///   wrapped, one name a line (`split-on-trailing-comma`); default true.
    /// - `nbtidy_order_by_type`: `true` orders imported names constants, classes, then the
    ///   rest (`order-by-type`); default true.
    /// - `nbtidy_case_sensitive`: `true` sorts case-sensitively (`case-sensitive`); default
    ///   false.
    pub struct UnsortedImports {
        code: "I001",
        name: "unsorted-imports",
        severity: Warning,
        recommended: false,
        fix: FixAvailability::Sometimes(Applicability::Safe),
        keys: [
            "max_line_length",
            "nbtidy_target_version",
            "nbtidy_known_first_party",
            "nbtidy_known_third_party",
            "nbtidy_known_local_folder",
            "nbtidy_extra_standard_library",
            "nbtidy_combine_as_imports",
            "nbtidy_force_single_line",
            "nbtidy_force_sort_within_sections",
            "nbtidy_lines_after_imports",
            "nbtidy_lines_between_types",
            "nbtidy_split_on_trailing_comma",
            "nbtidy_order_by_type",
            "nbtidy_case_sensitive",
        ],
        options: [
            OPTIONS[0], OPTIONS[1], OPTIONS[2], OPTIONS[3], OPTIONS[4], OPTIONS[5], OPTIONS[6],
            OPTIONS[7], OPTIONS[8], OPTIONS[9], OPTIONS[10], OPTIONS[11],
        ],
    }
}

impl Rule for UnsortedImports {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        for block in crate::rules::isort::unsorted_blocks(context, &Self::META) {
            let mut diagnostic = context.code_diagnostic(
                &Self::META,
                "Import block is un-sorted or un-formatted",
                block.cell,
                block.sorted.range,
            );
            if let Some((range, content)) = block.sorted.fix {
                diagnostic.fix_title = Some("Organize imports".to_owned());
                diagnostic.fix = Some(Fix::safe(vec![Edit::code(block.cell, range, content)]));
            }
            out.push(diagnostic);
        }
    }
}

/// The I001 fix's edits for every unsorted block of the notebook (for `nbtidy format --fix`,
/// which sorts whether or not I001 is selected).
pub fn sort_edits(context: &Context<'_>) -> Vec<Edit> {
    crate::rules::isort::unsorted_blocks(context, &UnsortedImports::META)
        .into_iter()
        .filter_map(|block| {
            let (range, content) = block.sorted.fix?;
            Some(Edit::code(block.cell, range, content))
        })
        .collect()
}
