//! `NB011` missing-kernelspec: the notebook does not say which kernel runs it.

use crate::context::Context;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};
use nbtidy_notebook::scan::{Kind, Scanner, object_entries};

crate::declare_rule! {
    /// ## What it does
    /// Reports notebooks whose metadata has no `kernelspec`, or a `kernelspec` without a string
    /// `name`.
    ///
    /// ## Why is this bad?
    /// Without a kernelspec, Jupyter asks which kernel to start, `nbconvert --execute` and
    /// papermill fall back to a default that may be the wrong language or environment, and
    /// tools (nbtidy included) have to guess the notebook's language. Colab and some
    /// generators leave it out.
    ///
    /// ## Example
    /// ```json
    /// "metadata": {"language_info": {"name": "python"}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// "metadata": {
    ///  "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
    ///  "language_info": {"name": "python"}
    /// }
    /// ```
    ///
    /// ## Fix safety
    /// No fix: only you know which kernel the notebook needs. Opening it in Jupyter, picking
    /// the kernel and saving writes the kernelspec.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct MissingKernelspec {
        code: "NB011",
        name: "missing-kernelspec",
        severity: Warning,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

impl Rule for MissingKernelspec {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        let notebook = context.notebook();
        let text = notebook.text();
        let Some(metadata) = notebook.metadata_span() else {
            out.push(context.diagnostic(
                &Self::META,
                "the notebook has no metadata, so no `kernelspec`",
                context.json_location(None, &(0..0)),
            ));
            return;
        };
        let kernelspec = context
            .metadata_entries()
            .unwrap_or_default()
            .iter()
            .rev()
            .find(|entry| entry.key == "kernelspec");
        let Some(kernelspec) = kernelspec else {
            out.push(context.diagnostic(
                &Self::META,
                "the notebook metadata has no `kernelspec`: Jupyter cannot tell which kernel runs it",
                context.json_location(None, &metadata),
            ));
            return;
        };
        let has_name = object_entries(text, &kernelspec.value)
            .unwrap_or_default()
            .iter()
            .rev()
            .find(|entry| entry.key == "name")
            .is_some_and(|name| Scanner::trusted(text, name.value.start).peek() == Kind::String);
        if !has_name {
            out.push(context.diagnostic(
                &Self::META,
                "the notebook's `kernelspec` has no `name`: Jupyter cannot tell which kernel runs it",
                context.json_location(None, &kernelspec.value),
            ));
        }
    }
}
