//! What a rule is: its metadata (declared with [`declare_rule!`]) and its check.

use nbtidy_diagnostics::{Applicability, Severity};

use crate::context::Context;
use crate::diagnostics::Diagnostics;

/// Whether a rule can fix what it finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixAvailability {
    /// Never.
    None,
    /// For some findings.
    Sometimes(Applicability),
    /// For every finding.
    Always(Applicability),
}

impl std::fmt::Display for FixAvailability {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let safety = |a: &Applicability| match a {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        };
        match self {
            FixAvailability::None => f.write_str("no fix"),
            FixAvailability::Sometimes(a) => write!(f, "fix sometimes available ({})", safety(a)),
            FixAvailability::Always(a) => write!(f, "fix always available ({})", safety(a)),
        }
    }
}

/// A rule's metadata. The doc comment of the rule's struct is its documentation (`nbtidy rule`).
#[derive(Debug, Clone, Copy)]
pub struct RuleMeta {
    /// The code, e.g. `F401` (shared with ruff/flake8 where the meaning is the same) or `NB003`.
    pub code: &'static str,
    /// The kebab-case name, e.g. `unused-import`; reads well after "allow".
    pub name: &'static str,
    /// Severity unless configured.
    pub severity: Severity,
    /// Part of the `recommended` set (the default).
    pub recommended: bool,
    /// Fix availability.
    pub fix: FixAvailability,
    /// The `.editorconfig` keys the rule reads; asking for any other key is a bug.
    pub keys: &'static [&'static str],
    /// The documentation (the struct's doc comment, Markdown).
    pub doc: &'static str,
}

/// A lint rule.
pub trait Rule: Sync + Send {
    /// The rule's metadata.
    fn meta(&self) -> &'static RuleMeta;

    /// Adds the rule's findings for one notebook to `out`.
    fn check(&self, context: &Context<'_>, out: &mut Diagnostics);
}

/// Declares a rule: a unit struct whose doc comment is the rule's documentation, and its
/// metadata as `Self::META`.
///
/// ```ignore
/// declare_rule! {
///     /// ## What it does
///     /// ...
///     pub struct BareExcept {
///         code: "E722",
///         name: "bare-except",
///         severity: Warning,
///         recommended: true,
///         fix: FixAvailability::None,
///         keys: [],
///     }
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis struct $name:ident {
            code: $code:literal,
            name: $rule_name:literal,
            severity: $severity:ident,
            recommended: $recommended:literal,
            fix: $fix:expr,
            keys: [$($key:literal),* $(,)?] $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Default, Clone, Copy)]
        $vis struct $name;

        impl $name {
            /// The rule's metadata.
            pub const META: $crate::RuleMeta = $crate::RuleMeta {
                code: $code,
                name: $rule_name,
                severity: ::nbtidy_diagnostics::Severity::$severity,
                recommended: $recommended,
                fix: $fix,
                keys: &[$($key),*],
                doc: concat!($($doc, "\n"),*),
            };
        }
    };
}
