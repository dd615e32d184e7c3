//! Every rule, one line each, in the order `nbtidy rule --all` lists them.

use crate::rule::Rule;
use crate::rules;

/// All rules.
pub static RULES: &[&dyn Rule] = &[
    // --- code: syntax and pyflakes-style semantics (notebook order) ---
    &rules::syntax_error::SyntaxError,
    // --- code: single-cell checks (pycodestyle / pyflakes codes) ---
    &rules::bare_except::BareExcept,
    // --- style from .editorconfig ---
    // --- notebook (NB codes) ---
    &rules::outputs_present::OutputsPresent,
    &rules::shell_pip_install::ShellPipInstall,
];

/// The rule with this code or name (case-insensitive).
pub fn find_rule(selector: &str) -> Option<&'static dyn Rule> {
    let selector = selector.trim();
    RULES.iter().copied().find(|rule| {
        let meta = rule.meta();
        meta.code.eq_ignore_ascii_case(selector) || meta.name.eq_ignore_ascii_case(selector)
    })
}
