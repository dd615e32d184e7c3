//! The pycodestyle family: syntax, comparisons, statements and layout from `.editorconfig` (ruff `E` and `W` codes).
//!
//! A rule of this family is one file here, one `pub mod` line and one entry in [`FAMILY`].

pub mod ambiguous_class_name;
pub mod ambiguous_function_name;
pub mod ambiguous_variable_name;
pub mod bare_except;
pub mod blank_line_with_whitespace;
pub mod compound_statements;
pub mod lambda_assignment;
pub mod line_too_long;
pub mod module_import_not_at_top_of_file;
pub mod multiple_imports_on_one_line;
pub mod none_comparison;
pub mod not_tests;
pub mod syntax_error;
pub mod tab_indentation;
pub mod trailing_whitespace;
pub mod true_false_comparison;
pub mod type_comparison;
pub mod useless_semicolon;

use crate::registry::Family;

/// The pycodestyle rules, in the order `nbtidy rule --all` lists them.
pub static FAMILY: Family = Family {
    name: "pycodestyle",
    title: "pycodestyle",
    description: "Syntax, comparisons, statements and layout from `.editorconfig` (ruff `E` and `W` codes).",
    rules: &[
        &syntax_error::SyntaxError,
        &none_comparison::NoneComparison,
        &true_false_comparison::TrueFalseComparison,
        &not_tests::NotInTest,
        &not_tests::NotIsTest,
        &multiple_imports_on_one_line::MultipleImportsOnOneLine,
        &module_import_not_at_top_of_file::ModuleImportNotAtTopOfFile,
        &compound_statements::MultipleStatementsOnOneLineColon,
        &compound_statements::MultipleStatementsOnOneLineSemicolon,
        &useless_semicolon::UselessSemicolon,
        &type_comparison::TypeComparison,
        &bare_except::BareExcept,
        &lambda_assignment::LambdaAssignment,
        &ambiguous_variable_name::AmbiguousVariableName,
        &ambiguous_class_name::AmbiguousClassName,
        &ambiguous_function_name::AmbiguousFunctionName,
        &line_too_long::LineTooLong,
        &tab_indentation::TabIndentation,
        &trailing_whitespace::TrailingWhitespace,
        &blank_line_with_whitespace::BlankLineWithWhitespace,
    ],
};
