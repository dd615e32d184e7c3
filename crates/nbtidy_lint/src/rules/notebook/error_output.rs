//! `NB005` error-output: a saved error output (a traceback).

use nbtidy_notebook::CellType;

use crate::context::Context;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};
use nbtidy_notebook::scan::{array_elements, decode, object_entries};

crate::declare_rule! {
    /// ## What it does
    /// Reports code cells with a saved error output (`"output_type": "error"`: an exception
    /// and its traceback), naming the exception.
    ///
    /// Cells tagged `raises-exception` are skipped: that is the Jupyter convention (also used by
    /// nbval, nbmake and jupyter-book) for cells that are meant to fail, e.g. to show an error
    /// in a tutorial.
    ///
    /// ## Why is this bad?
    /// A notebook saved with an error usually did not run to the end: the outputs below the
    /// error may be stale, and "Run All" stops there.
    ///
    /// ## Example
    /// A cell whose outputs hold `ZeroDivisionError: division by zero`.
    ///
    /// ## Fix safety
    /// No fix: fix the code (or tag the cell `raises-exception` if the error is the point) and
    /// run the notebook again.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct ErrorOutput {
        code: "NB005",
        name: "error-output",
        severity: Warning,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

impl Rule for ErrorOutput {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        let notebook = context.notebook();
        let text = notebook.text();
        for (view, cell) in context.cells().iter().zip(notebook.cells()) {
            if cell.cell_type != CellType::Code || view.has_tag("raises-exception") {
                continue;
            }
            let Some(outputs) = &cell.outputs else {
                continue;
            };
            // Cheap pre-check: no `"error"` string anywhere, no error output.
            static ERROR: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
                std::sync::LazyLock::new(|| memchr::memmem::Finder::new("\"error\""));
            if ERROR.find(notebook.slice(outputs).as_bytes()).is_none() {
                continue;
            }
            for output in array_elements(text, outputs).unwrap_or_default() {
                let Some(entries) = object_entries(text, &output) else {
                    continue;
                };
                let field = |name: &str| {
                    entries
                        .iter()
                        .rev()
                        .find(|e| e.key == name)
                        .and_then(|e| decode(text, &e.value))
                };
                if field("output_type").as_deref() != Some("error") {
                    continue;
                }
                let ename = field("ename").unwrap_or_default();
                let evalue = field("evalue").unwrap_or_default();
                let evalue = evalue.lines().next().unwrap_or("");
                let shown: String = if evalue.chars().count() > 80 {
                    evalue.chars().take(80).chain("…".chars()).collect()
                } else {
                    evalue.to_owned()
                };
                let exception = match (ename.is_empty(), shown.is_empty()) {
                    (true, _) => "an exception".to_owned(),
                    (false, true) => format!("`{ename}`"),
                    (false, false) => format!("`{ename}: {shown}`"),
                };
                out.push(context.diagnostic(
                    &Self::META,
                    format!(
                        "cell {} has a saved error output: {exception} (tag the cell `raises-exception` if the error is intended)",
                        view.number()
                    ),
                    context.json_location(Some(view.index), &output),
                ));
            }
        }
    }
}
