//! `NB002` execution-out-of-order: saved execution counts that do not increase top to bottom.

use nbtidy_notebook::CellType;

use crate::context::Context;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Checks that the saved `execution_count`s of code cells increase strictly from top to
    /// bottom. Cells that were not run (`null`, or `0` as Colab saves unrun cells) are skipped.
    /// Each cell whose count is not above the count of the previous run cell is reported,
    /// naming both cells.
    ///
    /// ## Why is this bad?
    /// The saved outputs were produced by running cells in another order than the notebook
    /// shows (or by running a cell twice). "Run All" may then fail or give other results than
    /// the ones saved, and readers are misled.
    ///
    /// ## Example
    /// ```text
    /// [2]: df = load()
    /// [1]: df.describe()
    /// ```
    /// Restart the kernel and run all cells, then save.
    ///
    /// ## Fix safety
    /// No fix: only running the notebook again makes the counts right.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct ExecutionOutOfOrder {
        code: "NB002",
        name: "execution-out-of-order",
        severity: Warning,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

impl Rule for ExecutionOutOfOrder {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        let notebook = context.notebook();
        // (cell number, count) of the previous code cell that ran.
        let mut previous: Option<(usize, u64)> = None;
        for (index, cell) in notebook.cells().iter().enumerate() {
            if cell.cell_type != CellType::Code {
                continue;
            }
            let Some(span) = &cell.execution_count else {
                continue;
            };
            // `0` means "not run" (Colab saves it on every cell of a notebook never run).
            let Ok(count @ 1..) = notebook.slice(span).parse::<u64>() else {
                continue;
            };
            if let Some((previous_cell, previous_count)) = previous
                && count <= previous_count
            {
                let message = if count == previous_count {
                    format!(
                        "cell {} has the same execution count as cell {previous_cell} ([{count}]): the saved outputs come from running cells out of order",
                        index + 1
                    )
                } else {
                    format!(
                        "cell {} ran before cell {previous_cell} above it ([{count}] after [{previous_count}]): the saved outputs come from running cells out of order",
                        index + 1
                    )
                };
                out.push(context.diagnostic(
                    &Self::META,
                    message,
                    context.json_location(Some(index), span),
                ));
            }
            previous = Some((index + 1, count));
        }
    }
}
