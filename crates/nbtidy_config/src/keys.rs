//! The keys this crate reads, described as data, for `nbtidy config --init` and the generated
//! configuration reference (`docs/configuration.md`).
//!
//! It is **not** the parser: [`crate::Resolver`] reads the keys. The descriptions of accepted
//! values are the parsers' own "expected ..." messages, the defaults are [`Settings::default`]
//! written back as `.editorconfig` text, and the tests below check that the table names exactly
//! the keys the resolver reads, from the views it reads them from, and that the command-line
//! override of each key is the one [`Overrides`] applies.

use crate::settings::{
    BOOL_EXPECTED, CellMagicNames, INDENT_SIZE_EXPECTED, IndentStyle, LineLength,
    MagicTrailingComma, ON_OFF_EXPECTED, PythonVersion, QuoteStyle, Settings, TAB_WIDTH_EXPECTED,
};
#[cfg(doc)]
use crate::{Overrides, View};

/// Which sections of an `.editorconfig` a key is read from (the crate docs' rules 1 and 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyScope {
    /// Only the `.py` view ([`View::Py`]): sections matching the path the notebook would have
    /// with a `.py` extension (`[*]`, `[*.py]`, `[*.{py,ipynb}]`). Sections that match only the
    /// notebook (`[*.ipynb]`) are ignored for this key: they describe Jupyter's JSON.
    PyView,
    /// Sections matching only the notebook ([`View::NotebookOnly`]: `[*.ipynb]`,
    /// `[notebooks/**.ipynb]`) first, then the `.py` view.
    NotebookFirst,
}

/// One `.editorconfig` key nbtidy reads, as documentation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyInfo {
    /// The key, lowercase (`.editorconfig` keys are case-insensitive).
    pub key: &'static str,
    /// What it does, one sentence.
    pub summary: &'static str,
    /// The accepted values, in words (`` `space` or `tab` ``).
    pub values: &'static str,
    /// The default as it would be written in `.editorconfig`; `None` when leaving the key unset
    /// means something no value spells (the summary says what).
    pub default: Option<String>,
    /// A valid value to show for a key without a default.
    pub example: &'static str,
    /// Where the key is read from.
    pub scope: KeyScope,
    /// The field of [`Overrides`] (a command-line flag of the same name, `--line-length` for
    /// `line_length`) that wins over this key, if any.
    pub overridden_by: Option<&'static str>,
}

/// The accepted values, from a parser's "expected ..." message.
fn values(expected: &'static str) -> &'static str {
    expected.strip_prefix("expected ").unwrap_or(expected)
}

fn on_off(value: bool) -> String {
    if value { "on" } else { "off" }.to_owned()
}

/// Every key this crate reads (not the linter's: see [`crate::LINTER_KEYS`]), in the order a
/// configuration file would list them: layout, code style, then the `nbtidy*` keys.
pub fn settings_keys() -> Vec<KeyInfo> {
    let defaults = Settings::default();
    let format = &defaults.format;
    vec![
        KeyInfo {
            key: "indent_style",
            summary: "Indent code with spaces or tabs.",
            values: values(IndentStyle::EXPECTED),
            default: Some(format.indent_style.value.to_string()),
            example: "space",
            scope: KeyScope::PyView,
            overridden_by: Some("indent_style"),
        },
        KeyInfo {
            key: "indent_size",
            summary: "Columns per indentation level (`tab`: use `tab_width`).",
            values: values(INDENT_SIZE_EXPECTED),
            default: Some(format.indent_width.value.to_string()),
            example: "4",
            scope: KeyScope::PyView,
            overridden_by: Some("indent_width"),
        },
        KeyInfo {
            key: "tab_width",
            summary: "Columns per indentation level with `indent_style = tab` or \
                      `indent_size = tab`; unset: `indent_size`, else 4.",
            values: values(TAB_WIDTH_EXPECTED),
            default: None,
            example: "4",
            scope: KeyScope::PyView,
            overridden_by: Some("indent_width"),
        },
        KeyInfo {
            key: "trim_trailing_whitespace",
            summary: "`false` turns off the trailing-whitespace rules (W291, W293).",
            values: values(BOOL_EXPECTED),
            default: Some(defaults.trim_trailing_whitespace.value.to_string()),
            example: "true",
            scope: KeyScope::PyView,
            overridden_by: None,
        },
        KeyInfo {
            key: "max_line_length",
            summary: "Line length the formatter aims for and E501 reports (`off` = 320).",
            values: values(LineLength::EXPECTED),
            default: Some(format.line_length.value.to_string()),
            example: "88",
            scope: KeyScope::NotebookFirst,
            overridden_by: Some("line_length"),
        },
        KeyInfo {
            key: "quote_type",
            summary: "Preferred string quotes (`auto` keeps each string's quotes).",
            values: values(QuoteStyle::EXPECTED),
            default: Some(format.quote_style.value.to_string()),
            example: "double",
            scope: KeyScope::NotebookFirst,
            overridden_by: Some("quote_style"),
        },
        KeyInfo {
            key: "nbtidy",
            summary: "`off` skips the notebooks it applies to (format and check).",
            values: values(ON_OFF_EXPECTED),
            default: Some(on_off(defaults.enabled.value)),
            example: "on",
            scope: KeyScope::NotebookFirst,
            overridden_by: None,
        },
        KeyInfo {
            key: "nbtidy_indent_style",
            summary: "Overrides `indent_style` for notebook code (it may be set in `[*.ipynb]`); \
                      unset: `indent_style`.",
            values: values(IndentStyle::EXPECTED),
            default: None,
            example: "space",
            scope: KeyScope::NotebookFirst,
            overridden_by: Some("indent_style"),
        },
        KeyInfo {
            key: "nbtidy_indent_size",
            summary: "Overrides `indent_size` for notebook code (it may be set in `[*.ipynb]`); \
                      unset: `indent_size`.",
            values: values(INDENT_SIZE_EXPECTED),
            default: None,
            example: "4",
            scope: KeyScope::NotebookFirst,
            overridden_by: Some("indent_width"),
        },
        KeyInfo {
            key: "nbtidy_magic_trailing_comma",
            summary: "`respect`: a trailing comma keeps a collection one item per line; \
                      `ignore`: it does not.",
            values: values(MagicTrailingComma::EXPECTED),
            default: Some(format.magic_trailing_comma.value.to_string()),
            example: "respect",
            scope: KeyScope::NotebookFirst,
            overridden_by: None,
        },
        KeyInfo {
            key: "nbtidy_docstring_code",
            summary: "Also format code examples inside docstrings.",
            values: values(ON_OFF_EXPECTED),
            default: Some(on_off(format.docstring_code.value)),
            example: "off",
            scope: KeyScope::NotebookFirst,
            overridden_by: None,
        },
        KeyInfo {
            key: "nbtidy_target_version",
            summary: "Oldest Python version the formatted code must run on; unset: the \
                      formatter's default (import sorting: 3.14's standard library).",
            values: values(PythonVersion::EXPECTED),
            default: format.target_version.value.map(|v| v.to_string()),
            example: "py310",
            scope: KeyScope::NotebookFirst,
            overridden_by: None,
        },
        KeyInfo {
            key: "nbtidy_python_cell_magics",
            summary: "Custom cell magics whose body is Python (as black's \
                      `--python-cell-magics`): `format` formats and `check` checks such cells \
                      like a `%%time` cell; unset: only `time`, `timeit`, `capture`, `prun`, \
                      `python`, `python3`, `debug`, `pypy` and `ipytest`.",
            values: values(CellMagicNames::EXPECTED),
            default: None,
            example: "my_magic,timer",
            scope: KeyScope::NotebookFirst,
            overridden_by: None,
        },
        KeyInfo {
            key: "nbtidy_format_fix",
            summary: "`nbtidy format` also applies the safe fixes of the selected rules and \
                      sorts imports before formatting, as `nbtidy format --fix` (one command \
                      for an editor's save action).",
            values: values(ON_OFF_EXPECTED),
            default: Some(on_off(defaults.format_fix.value)),
            example: "on",
            scope: KeyScope::NotebookFirst,
            overridden_by: None,
        },
    ]
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::resolve::{LAYOUT_KEYS, NBTIDY_KEYS};
    use crate::{Origin, Overrides, ProblemKind, Resolver};

    fn resolve(editorconfig: &str, overrides: Overrides) -> crate::Resolved {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join(".editorconfig"), editorconfig).expect("write");
        Resolver::new(overrides)
            .resolve(&dir.path().join("a.ipynb"))
            .expect("resolve")
    }

    #[test]
    fn the_table_names_exactly_the_keys_the_resolver_reads() {
        let table: BTreeSet<&str> = settings_keys().iter().map(|k| k.key).collect();
        // The two standard keys read by the code-key rule (`code_key` in resolve.rs).
        let code_keys = ["max_line_length", "quote_type"];
        let read: BTreeSet<&str> = LAYOUT_KEYS
            .iter()
            .chain(&code_keys)
            .chain(NBTIDY_KEYS)
            .copied()
            .collect();
        assert_eq!(table, read);
        assert_eq!(table.len(), settings_keys().len(), "a key is listed twice");
    }

    /// An invalid value is reported for exactly the views the table says the key is read from.
    #[test]
    fn scopes_are_the_views_the_resolver_reads() {
        for info in settings_keys() {
            let in_section = |section: &str| {
                resolve(
                    &format!("root = true\n[{section}]\n{} = not-a-value\n", info.key),
                    Overrides::default(),
                )
                .warnings
                .iter()
                .any(|w| w.key == info.key && w.kind == ProblemKind::InvalidValue)
            };
            assert!(in_section("*.py"), "{} is not read from [*.py]", info.key);
            assert!(in_section("*.{py,ipynb}"), "{}: [*.{{py,ipynb}}]", info.key);
            assert_eq!(
                in_section("*.ipynb"),
                info.scope == KeyScope::NotebookFirst,
                "{}: scope {:?}",
                info.key,
                info.scope
            );
        }
    }

    /// Writing every default (and every example) into an `.editorconfig` gives the default
    /// settings, without a warning.
    #[test]
    fn defaults_and_examples_are_valid_and_change_nothing() {
        let mut text = String::from("root = true\n[*.{py,ipynb}]\n");
        for info in settings_keys() {
            if let Some(default) = &info.default {
                text += &format!("{} = {default}\n", info.key);
            }
        }
        let resolved = resolve(&text, Overrides::default());
        assert!(resolved.warnings.is_empty(), "{:?}", resolved.warnings);
        let mut values = resolved.settings.clone();
        // Same values as the built-in defaults; only the origins differ.
        for origin in [
            &mut values.enabled.origin,
            &mut values.trim_trailing_whitespace.origin,
            &mut values.format.indent_style.origin,
            &mut values.format.indent_width.origin,
            &mut values.format.line_length.origin,
            &mut values.format.quote_style.origin,
            &mut values.format.magic_trailing_comma.origin,
            &mut values.format.docstring_code.origin,
            &mut values.format.target_version.origin,
            &mut values.python_cell_magics.origin,
            &mut values.format_fix.origin,
        ] {
            *origin = Origin::Default;
        }
        assert_eq!(values, Settings::default());

        for info in settings_keys() {
            let resolved = resolve(
                &format!("root = true\n[*.ipynb]\n{} = {}\n", info.key, info.example),
                Overrides::default(),
            );
            assert!(resolved.warnings.is_empty(), "{}: {:?}", info.key, resolved);
            assert!(info.values.contains('`') || info.values.contains("number"));
        }
    }

    /// The setting a key feeds is the one its override replaces: without the flag the key sets
    /// it, with the flag the command line does.
    #[test]
    fn overrides_replace_what_their_keys_set() {
        for info in settings_keys() {
            let Some(field) = info.overridden_by else {
                continue;
            };
            let overrides = match field {
                "indent_style" => Overrides {
                    indent_style: Some(IndentStyle::Tab),
                    ..Overrides::default()
                },
                "indent_width" => Overrides {
                    indent_width: Some(3),
                    ..Overrides::default()
                },
                "line_length" => Overrides {
                    line_length: Some(LineLength::Columns(100)),
                    ..Overrides::default()
                },
                "quote_style" => Overrides {
                    quote_style: Some(QuoteStyle::Single),
                    ..Overrides::default()
                },
                other => panic!("{}: no override field `{other}`", info.key),
            };
            // `tab_width` is used with tabs; the key under test is on line 4.
            let text = format!(
                "root = true\n[*.py]\nindent_style = tab\n{} = {}\n",
                info.key, info.example
            );
            let origin_of = |s: Settings| match field {
                "indent_style" => s.format.indent_style.origin,
                "indent_width" => s.format.indent_width.origin,
                "line_length" => s.format.line_length.origin,
                _ => s.format.quote_style.origin,
            };
            let from_file = origin_of(resolve(&text, Overrides::default()).settings);
            assert!(
                matches!(from_file, Origin::EditorConfig { line: 4, .. }),
                "{} does not set {field}: {from_file}",
                info.key
            );
            let with_flag = origin_of(resolve(&text, overrides).settings);
            assert_eq!(with_flag, Origin::Cli, "{}", info.key);
        }
    }
}
