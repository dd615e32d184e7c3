//! The Pyflakes family: names, imports and literals, read in notebook order (ruff `F` codes).
//!
//! A rule of this family is one file here, one `pub mod` line and one entry in [`FAMILY`].

mod argument_removal;
pub mod assert_tuple;
pub mod default_except_not_last;
pub mod f_string_missing_placeholders;
mod format_strings;
pub mod forward_annotation_syntax_error;
pub mod future_feature_not_defined;
pub mod if_tuple;
pub mod import_shadowed_by_loop_var;
pub mod import_star;
pub mod invalid_print_syntax;
pub mod is_literal;
pub mod late_future_import;
pub mod nested_import_star;
pub mod outside_loop;
pub mod percent_format;
pub mod raise_not_implemented;
pub mod redefined_while_unused;
pub mod repeated_keys;
pub mod return_outside_function;
pub mod starred_expressions;
pub mod string_dot_format;
pub mod undefined_export;
pub mod undefined_local;
pub mod undefined_local_with_import_star_usage;
pub mod undefined_name;
pub mod unused_annotation;
pub mod unused_import;
pub mod unused_variable;
pub mod yield_outside_function;

use crate::registry::Family;

/// The Pyflakes rules, in the order `nbtidy rule --all` lists them.
pub static FAMILY: Family = Family {
    name: "pyflakes",
    title: "Pyflakes",
    description: "Names, imports and literals, read in notebook order (ruff `F` codes).",
    rules: &[
        &undefined_name::UndefinedName,
        &unused_import::UnusedImport,
        &redefined_while_unused::RedefinedWhileUnused,
        &unused_variable::UnusedVariable,
        &unused_annotation::UnusedAnnotation,
        &import_shadowed_by_loop_var::ImportShadowedByLoopVar,
        &import_star::ImportStar,
        &late_future_import::LateFutureImport,
        &undefined_local_with_import_star_usage::UndefinedLocalWithImportStarUsage,
        &nested_import_star::NestedImportStar,
        &future_feature_not_defined::FutureFeatureNotDefined,
        &percent_format::PercentFormatInvalidFormat,
        &percent_format::PercentFormatExpectedMapping,
        &percent_format::PercentFormatExpectedSequence,
        &percent_format::PercentFormatExtraNamedArguments,
        &percent_format::PercentFormatMissingArgument,
        &percent_format::PercentFormatMixedPositionalAndNamed,
        &percent_format::PercentFormatPositionalCountMismatch,
        &percent_format::PercentFormatStarRequiresSequence,
        &percent_format::PercentFormatUnsupportedFormatCharacter,
        &string_dot_format::StringDotFormatInvalidFormat,
        &string_dot_format::StringDotFormatExtraNamedArguments,
        &string_dot_format::StringDotFormatExtraPositionalArguments,
        &string_dot_format::StringDotFormatMissingArguments,
        &string_dot_format::StringDotFormatMixingAutomatic,
        &f_string_missing_placeholders::FStringMissingPlaceholders,
        &is_literal::IsLiteral,
        &assert_tuple::AssertTuple,
        &invalid_print_syntax::InvalidPrintSyntax,
        &if_tuple::IfTuple,
        &repeated_keys::MultiValueRepeatedKeyLiteral,
        &repeated_keys::MultiValueRepeatedKeyVariable,
        &starred_expressions::ExpressionsInStarAssignment,
        &starred_expressions::MultipleStarredExpressions,
        &default_except_not_last::DefaultExceptNotLast,
        &raise_not_implemented::RaiseNotImplemented,
        &outside_loop::BreakOutsideLoop,
        &outside_loop::ContinueOutsideLoop,
        &yield_outside_function::YieldOutsideFunction,
        &return_outside_function::ReturnOutsideFunction,
        &forward_annotation_syntax_error::ForwardAnnotationSyntaxError,
        &undefined_export::UndefinedExport,
        &undefined_local::UndefinedLocal,
    ],
};
