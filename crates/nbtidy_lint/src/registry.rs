//! Every rule, one line each, in the order `nbtidy rule --all` lists them.

use crate::rule::Rule;
use crate::rules;

/// All rules.
pub static RULES: &[&dyn Rule] = &[
    // --- code: syntax and pyflakes-style semantics (notebook order) ---
    &rules::syntax_error::SyntaxError,
    &rules::undefined_name::UndefinedName,
    &rules::cell_defined_later::CellDefinedLater,
    &rules::unused_import::UnusedImport,
    &rules::redefined_while_unused::RedefinedWhileUnused,
    &rules::unused_variable::UnusedVariable,
    &rules::import_star::ImportStar,
    // --- code: single-cell checks (pycodestyle / pyflakes codes) ---
    &rules::f_string_missing_placeholders::FStringMissingPlaceholders,
    &rules::is_literal::IsLiteral,
    &rules::none_comparison::NoneComparison,
    &rules::true_false_comparison::TrueFalseComparison,
    &rules::useless_semicolon::UselessSemicolon,
    &rules::bare_except::BareExcept,
    // --- style from .editorconfig ---
    &rules::line_too_long::LineTooLong,
    &rules::tab_indentation::TabIndentation,
    &rules::trailing_whitespace::TrailingWhitespace,
    &rules::blank_line_with_whitespace::BlankLineWithWhitespace,
    // --- notebook (NB codes) ---
    &rules::execution_out_of_order::ExecutionOutOfOrder,
    &rules::outputs_present::OutputsPresent,
    &rules::execution_count_present::ExecutionCountPresent,
    &rules::error_output::ErrorOutput,
    &rules::large_output::LargeOutput,
    &rules::empty_cell::EmptyCell,
    &rules::missing_cell_id::MissingCellId,
    &rules::duplicate_cell_id::DuplicateCellId,
    &rules::invalid_notebook::InvalidNotebook,
    &rules::missing_kernelspec::MissingKernelspec,
    &rules::notebook_metadata_noise::NotebookMetadataNoise,
    &rules::shell_pip_install::ShellPipInstall,
    &rules::unpinned_install::UnpinnedInstall,
    &rules::absolute_local_path::AbsoluteLocalPath,
    &rules::secret_in_notebook::SecretInNotebook,
    &rules::hardcoded_password::HardcodedPassword,
];

/// The rule with this code or name (case-insensitive).
pub fn find_rule(selector: &str) -> Option<&'static dyn Rule> {
    let selector = selector.trim();
    RULES.iter().copied().find(|rule| {
        let meta = rule.meta();
        meta.code.eq_ignore_ascii_case(selector) || meta.name.eq_ignore_ascii_case(selector)
    })
}

/// A rule's documentation as `nbtidy rule` prints it (Markdown): title, metadata, doc comment.
pub fn describe(rule: &dyn Rule) -> String {
    let meta = rule.meta();
    let keys = if meta.keys.is_empty() {
        "none".to_owned()
    } else {
        meta.keys
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "# {} ({})\n\nDefault severity: {}. {}. {}. Reads .editorconfig keys: {}.\nConfigure with `nbtidy_rule.{} = off | warning | error`.\n\n{}",
        meta.name,
        meta.code,
        meta.severity,
        if meta.recommended {
            "In the recommended set"
        } else {
            "Off by default"
        },
        capitalize(&meta.fix.to_string()),
        keys,
        meta.name,
        meta.doc
            .lines()
            .map(|line| line.strip_prefix(' ').unwrap_or(line))
            .collect::<Vec<_>>()
            .join("\n")
    )
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().collect::<String>() + chars.as_str()
    })
}
