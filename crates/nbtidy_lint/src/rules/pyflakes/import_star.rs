//! `F403` import-star: `from module import *`.

use crate::context::Context;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};
use crate::semantic;

crate::declare_rule! {
    /// ## What it does
    /// Checks for `from module import *`.
    ///
    /// ## Why is this bad?
    /// A star import fills the namespace with names nobody reads in the notebook: a reader
    /// cannot tell where `plot` or `array` come from, a later star import may silently replace
    /// an earlier name, and no tool can check the names used after it (`undefined-name` stays
    /// quiet from there on).
    ///
    /// ## Example
    /// ```python
    /// from pylab import *
    ///
    /// plot(linspace(0, 1))
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import matplotlib.pyplot as plt
    /// import numpy as np
    ///
    /// plt.plot(np.linspace(0, 1))
    /// ```
    ///
    /// ## Fix safety
    /// No fix: which names the notebook uses is not known.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct ImportStar {
        code: "F403",
        name: "import-star",
        severity: Warning,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

impl Rule for ImportStar {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        let model = semantic::model(context);
        for star in &model.star_imports {
            if !model.is_reportable(star.cell) {
                continue;
            }
            out.push(context.code_diagnostic(
                &Self::META,
                format!(
                    "`from {} import *` used; unable to detect undefined names",
                    star.module
                ),
                star.cell,
                star.range,
            ));
        }
    }
}
