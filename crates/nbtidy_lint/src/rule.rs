//! What a rule is: its metadata (declared with [`declare_rule!`]) and its check.

use nbtidy_diagnostics::{Applicability, Severity};

use ruff_python_ast::{AnyNodeRef, NodeKind};

use crate::checker::At;
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
    /// The rule's own options (`nbtidy_*` keys among `keys`), typed: how a value is checked. An
    /// invalid value is an error for the notebooks it applies to, like every invalid setting.
    pub options: &'static [RuleOption],
    /// The documentation (the struct's doc comment, Markdown).
    pub doc: &'static str,
}

/// One option of a rule: its key and how a value is checked (the rule parses it with the same
/// function when it reads it). Its description and default are the key's bullet under
/// `## EditorConfig keys` in the rule's doc (`nbtidy config --init`, `docs/configuration.md`).
#[derive(Debug, Clone, Copy)]
pub struct RuleOption {
    /// The `.editorconfig` key, `nbtidy_...`.
    pub key: &'static str,
    /// Whether a value is valid.
    pub valid: fn(&str) -> bool,
    /// What a valid value looks like, for the error message (`expected ...`).
    pub expected: &'static str,
}

/// A lint rule.
pub trait Rule: Sync + Send {
    /// The rule's metadata.
    fn meta(&self) -> &'static RuleMeta;

    /// Adds the rule's notebook-level findings (JSON, lines, tokens, the semantic model) for one
    /// notebook to `out`. Rules that only look at AST nodes leave it out and use [`Rule::visit`].
    fn check(&self, _context: &Context<'_>, _out: &mut Diagnostics) {}

    /// The kinds of statements and expressions [`Rule::visit`] wants: the engine walks each
    /// parsed cell once ([`crate::checker`]) and hands every node of these kinds to the rules
    /// that asked for it.
    fn visits(&self) -> &'static [NodeKind] {
        &[]
    }

    /// Adds the rule's findings for one node of a kind in [`Rule::visits`], in source order.
    fn visit(&self, _node: AnyNodeRef<'_>, _at: &At<'_, '_>, _out: &mut Diagnostics) {}
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
///         // Optional: the rule's own options, typed.
///         // options: [RuleOption { key: "nbtidy_x", valid: parse_x_ok, expected: "..." }],
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
            keys: [$($key:literal),* $(,)?]
            $(, options: [$($option:expr),* $(,)?])? $(,)?
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
                options: &[$($($option),*)?],
                doc: concat!($($doc, "\n"),*),
            };
        }
    };
}
