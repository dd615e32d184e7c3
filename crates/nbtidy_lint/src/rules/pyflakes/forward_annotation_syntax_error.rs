//! `F722` forward-annotation-syntax-error: a string annotation that is not a Python
//! expression.

use crate::context::Context;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};
use crate::semantic;

crate::declare_rule! {
    /// ## What it does
    /// Checks for string annotations (forward references such as `x: "DataFrame"`) whose
    /// text does not parse as a Python expression. The message is the parser's, as in ruff.
    ///
    /// The same in a notebook as in a `.py` file.
    ///
    /// ## Why is this bad?
    /// Type checkers and `typing.get_type_hints` fail on it; at run time nothing happens,
    /// so the mistake stays unnoticed.
    ///
    /// ## Example
    /// ```python
    /// def mean(values: "list[float") -> float: ...
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// def mean(values: "list[float]") -> float: ...
    /// ```
    ///
    /// ## Fix safety
    /// No fix, as in ruff.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct ForwardAnnotationSyntaxError {
        code: "F722",
        name: "forward-annotation-syntax-error",
        severity: Warning,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

impl Rule for ForwardAnnotationSyntaxError {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        let model = semantic::model(context);
        for error in &model.annotation_errors {
            out.push(context.code_diagnostic(
                &Self::META,
                format!("Syntax error in forward annotation: {}", error.message),
                error.cell,
                error.range,
            ));
        }
    }
}
