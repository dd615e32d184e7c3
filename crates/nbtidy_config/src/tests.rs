//! Tests on real `.editorconfig` trees in temporary directories.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tempfile::TempDir;

use crate::resolve::pick;
use crate::{
    ConfigError, IndentStyle, LineLength, MagicTrailingComma, Origin, Overrides, PythonVersion,
    QuoteStyle, Resolved, Resolver, Setting, Settings, View,
};

/// Writes `files` (relative path, contents) into a fresh temporary directory.
fn tree(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (path, contents) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, contents).expect("write");
    }
    dir
}

fn resolve_with(dir: &TempDir, notebook: &str, overrides: Overrides) -> Resolved {
    Resolver::new(overrides)
        .resolve(&dir.path().join(notebook))
        .expect("resolve")
}

fn resolve(dir: &TempDir, notebook: &str) -> Resolved {
    resolve_with(dir, notebook, Overrides::default())
}

fn at(dir: &TempDir, file: &str, line: usize) -> Origin {
    Origin::EditorConfig {
        path: Arc::from(dir.path().join(file)),
        line,
    }
}

// ---------------------------------------------------------------- layout keys and views

#[test]
fn py_section_indent_size_reaches_the_notebook() {
    let dir = tree(&[(".editorconfig", "root = true\n\n[*.py]\nindent_size = 2\n")]);
    let resolved = resolve(&dir, "a.ipynb");
    let width = &resolved.settings.format.indent_width;
    assert_eq!(width.value, 2);
    assert_eq!(width.origin, at(&dir, ".editorconfig", 4));
    assert!(resolved.warnings.is_empty(), "{:?}", resolved.warnings);
}

#[test]
fn ipynb_section_indent_size_does_not_reach_the_code() {
    let dir = tree(&[(
        ".editorconfig",
        "root = true\n[*.ipynb]\nindent_size = 1\nindent_style = tab\ntrim_trailing_whitespace = false\n",
    )]);
    let resolved = resolve(&dir, "a.ipynb");
    let s = &resolved.settings;
    assert_eq!(s.format.indent_width, Setting::default_value(4));
    assert_eq!(
        s.format.indent_style,
        Setting::default_value(IndentStyle::Space)
    );
    assert_eq!(s.trim_trailing_whitespace, Setting::default_value(true));
    // Still visible in the notebook-only view, but not through `raw`.
    assert_eq!(resolved.raw("indent_size"), None);
    assert_eq!(
        resolved.view_entries(View::NotebookOnly)[0],
        (
            "indent_size".to_owned(),
            "1".to_owned(),
            at(&dir, ".editorconfig", 3)
        )
    );
}

#[test]
fn nbtidy_indent_keys_in_ipynb_section_reach_the_code() {
    let dir = tree(&[(
        ".editorconfig",
        "root = true\n[*]\nindent_size = 4\n[*.ipynb]\nindent_size = 1\nnbtidy_indent_size = 2\nnbtidy_indent_style = tab\n",
    )]);
    let s = resolve(&dir, "a.ipynb").settings;
    assert_eq!(s.format.indent_width.value, 2);
    assert_eq!(s.format.indent_width.origin, at(&dir, ".editorconfig", 6));
    assert_eq!(s.format.indent_style.value, IndentStyle::Tab);
    assert_eq!(s.format.indent_style.origin, at(&dir, ".editorconfig", 7));
}

#[test]
fn max_line_length_from_ipynb_beats_py_in_either_order() {
    for contents in [
        "root = true\n[*.py]\nmax_line_length = 100\n[*.ipynb]\nmax_line_length = 120\n",
        "root = true\n[*.ipynb]\nmax_line_length = 120\n[*.py]\nmax_line_length = 100\n",
    ] {
        let dir = tree(&[(".editorconfig", contents)]);
        let s = resolve(&dir, "a.ipynb").settings;
        assert_eq!(
            s.format.line_length.value,
            LineLength::Columns(120),
            "{contents}"
        );
    }
    // And the `.py` view applies when no notebook section sets it.
    let dir = tree(&[(
        ".editorconfig",
        "root = true\n[*.py]\nmax_line_length = 100\n",
    )]);
    let s = resolve(&dir, "a.ipynb").settings;
    assert_eq!(s.format.line_length.value, LineLength::Columns(100));
}

#[test]
fn max_line_length_off() {
    let dir = tree(&[(".editorconfig", "root = true\n[*]\nmax_line_length = OFF\n")]);
    let resolved = resolve(&dir, "a.ipynb");
    assert_eq!(resolved.settings.format.line_length.value, LineLength::Off);
    assert!(resolved.warnings.is_empty());
}

#[test]
fn quote_type_values() {
    for (value, expected) in [
        ("single", QuoteStyle::Single),
        ("double", QuoteStyle::Double),
        ("auto", QuoteStyle::Auto),
        ("Single", QuoteStyle::Single),
    ] {
        let dir = tree(&[(
            ".editorconfig",
            &format!("root = true\n[*.ipynb]\nquote_type = {value}\n"),
        )]);
        let s = resolve(&dir, "a.ipynb").settings;
        assert_eq!(s.format.quote_style.value, expected, "{value}");
        assert_eq!(s.format.quote_style.origin, at(&dir, ".editorconfig", 3));
    }
}

#[test]
fn indent_style_tab_uses_tab_width() {
    let dir = tree(&[(
        ".editorconfig",
        "root = true\n[*.py]\nindent_style = tab\nindent_size = 2\ntab_width = 8\n",
    )]);
    let s = resolve(&dir, "a.ipynb").settings;
    assert_eq!(s.format.indent_style.value, IndentStyle::Tab);
    assert_eq!(s.format.indent_width.value, 8);
    assert_eq!(s.format.indent_width.origin, at(&dir, ".editorconfig", 5));
}

#[test]
fn indent_style_tab_without_tab_width_uses_indent_size() {
    let dir = tree(&[(
        ".editorconfig",
        "root = true\n[*.py]\nindent_style = tab\nindent_size = 3\n",
    )]);
    let s = resolve(&dir, "a.ipynb").settings;
    assert_eq!(s.format.indent_width.value, 3);
    // `indent_size = tab` and no tab_width: the default.
    let dir = tree(&[(
        ".editorconfig",
        "root = true\n[*.py]\nindent_style = tab\nindent_size = tab\n",
    )]);
    let s = resolve(&dir, "a.ipynb").settings;
    assert_eq!(s.format.indent_width, Setting::default_value(4));
}

#[test]
fn indent_style_space_with_indent_size_tab_uses_tab_width() {
    let dir = tree(&[(
        ".editorconfig",
        "root = true\n[*.py]\nindent_size = tab\ntab_width = 2\n",
    )]);
    let s = resolve(&dir, "a.ipynb").settings;
    assert_eq!(s.format.indent_style.value, IndentStyle::Space);
    assert_eq!(s.format.indent_width.value, 2);
    assert_eq!(s.format.indent_width.origin, at(&dir, ".editorconfig", 4));
}

#[test]
fn unset_lets_the_next_layer_apply() {
    // `unset` in the notebook-only view: the `.py` view applies.
    let dir = tree(&[(
        ".editorconfig",
        "root = true\n[*.py]\nmax_line_length = 100\n[*.ipynb]\nmax_line_length = 120\n[*.ipynb]\nmax_line_length = unset\n",
    )]);
    let s = resolve(&dir, "a.ipynb").settings;
    assert_eq!(s.format.line_length.value, LineLength::Columns(100));
    assert_eq!(s.format.line_length.origin, at(&dir, ".editorconfig", 3));

    // `unset` in an inner file clears the outer value: the default applies.
    let dir = tree(&[
        (".editorconfig", "root = true\n[*]\nindent_size = 2\n"),
        ("sub/.editorconfig", "[*.py]\nindent_size = UNSET\n"),
    ]);
    let s = resolve(&dir, "sub/a.ipynb").settings;
    assert_eq!(s.format.indent_width, Setting::default_value(4));
    assert_eq!(
        resolve(&dir, "a.ipynb").settings.format.indent_width.value,
        2
    );
}

#[test]
fn closer_editorconfig_wins() {
    let dir = tree(&[
        (
            ".editorconfig",
            "root = true\n[*]\nindent_size = 2\nmax_line_length = 100\n",
        ),
        ("sub/.editorconfig", "[*.py]\nindent_size = 3\n"),
    ]);
    let s = resolve(&dir, "sub/a.ipynb").settings;
    assert_eq!(s.format.indent_width.value, 3);
    assert_eq!(
        s.format.indent_width.origin,
        at(&dir, "sub/.editorconfig", 2)
    );
    // Keys the inner file does not set still come from the outer one.
    assert_eq!(s.format.line_length.value, LineLength::Columns(100));
    assert_eq!(s.format.line_length.origin, at(&dir, ".editorconfig", 4));
}

#[test]
fn nested_root_stops_the_search() {
    let dir = tree(&[
        (
            ".editorconfig",
            "root = true\n[*]\nindent_size = 2\nmax_line_length = 100\n",
        ),
        (
            "sub/.editorconfig",
            "root = TRUE\n[*.py]\nindent_size = 3\n",
        ),
    ]);
    let resolved = resolve(&dir, "sub/a.ipynb");
    let s = &resolved.settings;
    assert_eq!(s.format.indent_width.value, 3);
    assert_eq!(
        s.format.line_length,
        Setting::default_value(LineLength::Columns(88))
    );
    assert_eq!(
        resolved.editorconfig_files(),
        [Arc::<Path>::from(dir.path().join("sub/.editorconfig"))]
    );
}

#[test]
fn globs_match_paths_relative_to_the_editorconfig() {
    let dir = tree(&[(
        ".editorconfig",
        "root = true\n[*.py]\nindent_size = 2\n[sub/*.ipynb]\nmax_line_length = 70\n[{other,sub}/**.ipynb]\nquote_type = single\n",
    )]);
    // `[*.py]` in a parent directory applies at any depth.
    let s = resolve(&dir, "sub/dir/x.ipynb").settings;
    assert_eq!(s.format.indent_width.value, 2);
    // `[sub/*.ipynb]` is anchored to the file's directory and does not cross `/`.
    assert_eq!(s.format.line_length.value, LineLength::Columns(88));
    assert_eq!(s.format.quote_style.value, QuoteStyle::Single);
    let s = resolve(&dir, "sub/x.ipynb").settings;
    assert_eq!(s.format.line_length.value, LineLength::Columns(70));
    let s = resolve(&dir, "x.ipynb").settings;
    assert_eq!(s.format.line_length.value, LineLength::Columns(88));
    assert_eq!(s.format.quote_style.value, QuoteStyle::Double);
    // An anchored pattern in a nested file is relative to that file's directory.
    let dir = tree(&[
        (".editorconfig", "root = true\n"),
        ("a/.editorconfig", "[b/*.ipynb]\nmax_line_length = 60\n"),
    ]);
    let s = resolve(&dir, "a/b/x.ipynb").settings;
    assert_eq!(s.format.line_length.value, LineLength::Columns(60));
}

#[test]
fn keys_and_values_are_case_insensitive() {
    let dir = tree(&[(
        ".editorconfig",
        "root = true\n[*.PY]\n[*.py]\nIndent_Style = TAB\nTAB_WIDTH = 6\n[*.ipynb]\nQuote_Type = AUTO\n",
    )]);
    let s = resolve(&dir, "a.ipynb").settings;
    assert_eq!(s.format.indent_style.value, IndentStyle::Tab);
    assert_eq!(s.format.indent_width.value, 6);
    assert_eq!(s.format.quote_style.value, QuoteStyle::Auto);
}

#[test]
fn trim_trailing_whitespace_comes_from_the_py_view() {
    let dir = tree(&[(
        ".editorconfig",
        "root = true\n[*]\ntrim_trailing_whitespace = false\n",
    )]);
    let s = resolve(&dir, "a.ipynb").settings;
    assert!(!s.trim_trailing_whitespace.value);
    assert_eq!(
        s.trim_trailing_whitespace.origin,
        at(&dir, ".editorconfig", 3)
    );
}

#[test]
fn formatter_nbtidy_keys() {
    let dir = tree(&[(
        ".editorconfig",
        "root = true\n[*.py]\nnbtidy_magic_trailing_comma = false\nnbtidy_docstring_code = on\n[*.ipynb]\nnbtidy_docstring_code = false\n",
    )]);
    let s = resolve(&dir, "a.ipynb").settings;
    assert_eq!(
        s.format.magic_trailing_comma.value,
        MagicTrailingComma::Ignore
    );
    assert!(!s.format.docstring_code.value);
    assert_eq!(s.format.docstring_code.origin, at(&dir, ".editorconfig", 6));
}

#[test]
fn file_keys_are_ignored() {
    let dir = tree(&[(
        ".editorconfig",
        "root = true\n[*]\nend_of_line = crlf\ninsert_final_newline = false\ncharset = latin1\n",
    )]);
    let resolved = resolve(&dir, "a.ipynb");
    assert_eq!(resolved.settings, Settings::default());
    assert!(resolved.warnings.is_empty());
}

// ---------------------------------------------------------------- nbtidy, target version

#[test]
fn nbtidy_off_disables_the_notebook() {
    let dir = tree(&[(
        ".editorconfig",
        "root = true\n[*]\nnbtidy = on\n[generated/*.ipynb]\nnbtidy = off\n",
    )]);
    let s = resolve(&dir, "generated/a.ipynb").settings;
    assert!(!s.enabled.value);
    assert_eq!(s.enabled.origin, at(&dir, ".editorconfig", 5));
    assert!(resolve(&dir, "a.ipynb").settings.enabled.value);
}

#[test]
fn target_version_forms() {
    for value in ["py310", "3.10", "PY310"] {
        let dir = tree(&[(
            ".editorconfig",
            &format!("root = true\n[*]\nnbtidy_target_version = {value}\n"),
        )]);
        let resolved = resolve(&dir, "a.ipynb");
        assert_eq!(
            resolved.settings.format.target_version.value,
            Some(PythonVersion {
                major: 3,
                minor: 10
            }),
            "{value}"
        );
        assert!(resolved.warnings.is_empty());
    }
    assert_eq!("py37".parse(), Ok(PythonVersion { major: 3, minor: 7 }));
    assert_eq!(
        "3.15".parse(),
        Ok(PythonVersion {
            major: 3,
            minor: 15
        })
    );
    for bad in [
        "py36", "3.16", "py316", "py3", "3", "2.7", "py3.10", "3.1o", "",
    ] {
        assert!(bad.parse::<PythonVersion>().is_err(), "{bad}");
    }
}

#[test]
fn invalid_target_version_warns_and_uses_the_formatter_default() {
    let dir = tree(&[(
        ".editorconfig",
        "root = true\n[*]\nnbtidy_target_version = py27\n",
    )]);
    let resolved = resolve(&dir, "a.ipynb");
    assert_eq!(
        resolved.settings.format.target_version,
        Setting::default_value(None)
    );
    assert_eq!(resolved.warnings.len(), 1);
    assert_eq!(resolved.warnings[0].fallback, "the formatter's default");
    assert_eq!(resolved.warnings[0].kind, crate::ProblemKind::InvalidValue);
}

// ---------------------------------------------------------------- warnings and errors

#[test]
fn bad_value_warns_and_falls_back_to_the_default() {
    let dir = tree(&[(
        ".editorconfig",
        "root = true\n[*.py]\nindent_size = fuor\nmax_line_length = 0\n[*.ipynb]\nquote_type = backtick\n",
    )]);
    let resolved = resolve(&dir, "a.ipynb");
    let s = &resolved.settings;
    assert_eq!(s.format.indent_width, Setting::default_value(4));
    assert_eq!(
        s.format.line_length,
        Setting::default_value(LineLength::Columns(88))
    );
    assert_eq!(
        s.format.quote_style,
        Setting::default_value(QuoteStyle::Double)
    );

    let file = dir.path().join(".editorconfig");
    let shown: Vec<String> = resolved.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            format!(
                "{}:3: indent_size = fuor: expected a whole number from 1 to 16 or `tab`",
                file.display()
            ),
            format!(
                "{}:4: max_line_length = 0: expected a whole number from 1 to 320 or `off`",
                file.display()
            ),
            format!(
                "{}:6: quote_type = backtick: expected `single`, `double` or `auto`",
                file.display()
            ),
        ]
    );
    let first = &resolved.warnings[0];
    assert_eq!(
        first.origin,
        crate::Origin::EditorConfig {
            path: file.as_path().into(),
            line: 3
        }
    );
    assert_eq!(first.line(), Some(3));
    assert_eq!(first.key, "indent_size");
    assert_eq!(first.value, "fuor");
    let fallbacks: Vec<&str> = resolved
        .warnings
        .iter()
        .map(|w| w.fallback.as_str())
        .collect();
    assert_eq!(fallbacks, ["4", "88", "double"]);
    assert!(
        resolved
            .warnings
            .iter()
            .all(|w| w.kind == crate::ProblemKind::InvalidValue)
    );
}

#[test]
fn bad_value_in_one_view_falls_through_to_the_other() {
    let dir = tree(&[(
        ".editorconfig",
        "root = true\n[*.py]\nmax_line_length = 100\n[*.ipynb]\nmax_line_length = wide\n",
    )]);
    let resolved = resolve(&dir, "a.ipynb");
    assert_eq!(
        resolved.settings.format.line_length.value,
        LineLength::Columns(100)
    );
    assert_eq!(resolved.warnings.len(), 1);
    assert_eq!(resolved.warnings[0].line(), Some(5));
    assert_eq!(resolved.warnings[0].fallback, "100");
}

#[test]
fn warning_names_the_value_in_use_when_the_cli_overrides() {
    let dir = tree(&[(".editorconfig", "root = true\n[*]\nindent_size = -2\n")]);
    let overrides = Overrides {
        indent_width: Some(3),
        ..Overrides::default()
    };
    let resolved = resolve_with(&dir, "a.ipynb", overrides);
    assert_eq!(resolved.settings.format.indent_width.value, 3);
    assert_eq!(resolved.warnings.len(), 1);
    assert_eq!(resolved.warnings[0].fallback, "3");
    assert_eq!(
        resolved.warnings[0].kind,
        crate::ProblemKind::OverriddenInvalidValue
    );
}

#[test]
fn out_of_range_values_warn() {
    for (line, key) in [
        ("indent_size = 17", "indent_size"),
        ("tab_width = 0", "tab_width"),
        ("max_line_length = 321", "max_line_length"),
        ("indent_style = spaces", "indent_style"),
        ("trim_trailing_whitespace = yes", "trim_trailing_whitespace"),
        ("nbtidy = maybe", "nbtidy"),
        (
            "nbtidy_magic_trailing_comma = keep",
            "nbtidy_magic_trailing_comma",
        ),
        ("nbtidy_docstring_code = 1", "nbtidy_docstring_code"),
    ] {
        let dir = tree(&[(".editorconfig", &format!("root = true\n[*]\n{line}\n"))]);
        let resolved = resolve(&dir, "a.ipynb");
        assert_eq!(resolved.settings, Settings::default(), "{line}");
        assert_eq!(resolved.warnings.len(), 1, "{line}");
        assert_eq!(resolved.warnings[0].key, key);
        assert_eq!(resolved.warnings[0].line(), Some(3));
    }
}

#[test]
fn unknown_nbtidy_keys_warn_but_linter_keys_do_not() {
    let dir = tree(&[(
        ".editorconfig",
        "root = true\n[*]\nnbtidy_indnet_size = 2\nnbtidy_rule.F401 = off\nnbtidy_rules = all\nnbtidy_fail_on = warning\nnbtidy_max_output_size = 10000\nnbtidy_zzz = 1\nsome_other_tool = x\n",
    )]);
    // The rules' option keys come from the linter's registry (`nbtidy_lint::resolver`).
    let resolved = Resolver::new(Overrides::default())
        .with_linter_keys(["nbtidy_max_output_size"])
        .resolve(&dir.path().join("a.ipynb"))
        .expect("resolve");
    let shown: Vec<String> = resolved
        .warnings
        .iter()
        .map(|w| format!("{}:{}:{}", w.line().unwrap(), w.key, w.message))
        .collect();
    assert_eq!(
        shown,
        [
            "3:nbtidy_indnet_size:unknown key, ignored; did you mean `nbtidy_indent_size`?",
            "8:nbtidy_zzz:unknown key, ignored",
        ]
    );
    assert_eq!(resolved.settings.format.indent_width.value, 4);
    // A resolver that was not told the option warns about it.
    let plain = resolve(&dir, "a.ipynb");
    assert!(
        plain
            .warnings
            .iter()
            .any(|w| w.key == "nbtidy_max_output_size")
    );
}

#[test]
fn unparsable_editorconfig_is_an_error_naming_the_file() {
    let dir = tree(&[
        (
            ".editorconfig",
            "root = true\n[*]\nindent_size = 2\nthis is not ini\n",
        ),
        ("sub/.editorconfig", "[*]\nindent_size = 2\n"),
    ]);
    let error = Resolver::new(Overrides::default())
        .resolve(&dir.path().join("sub/a.ipynb"))
        .expect_err("parse error");
    let file = dir.path().join(".editorconfig");
    assert!(
        matches!(&error, ConfigError::Parse { path, line: 4, .. } if *path == file),
        "{error:?}"
    );
    assert_eq!(error.path(), Some(file.as_path()));
    assert!(
        error
            .to_string()
            .starts_with(&format!("{}:4: cannot parse", file.display())),
        "{error}"
    );
}

#[test]
fn error_in_the_preamble_has_its_line() {
    let dir = tree(&[(".editorconfig", "# comment\nroot = true\n\n[oops\n[*]\n")]);
    let error = Resolver::default()
        .resolve(&dir.path().join("a.ipynb"))
        .expect_err("parse error");
    assert!(
        matches!(error, ConfigError::Parse { line: 4, .. }),
        "{error:?}"
    );
}

#[test]
fn invalid_utf8_is_an_error() {
    let dir = tree(&[]);
    std::fs::write(
        dir.path().join(".editorconfig"),
        b"root = true\n[*]\nindent_size = \xff\n",
    )
    .expect("write");
    let error = Resolver::default()
        .resolve(&dir.path().join("a.ipynb"))
        .expect_err("parse error");
    assert!(
        matches!(error, ConfigError::Parse { line: 3, .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("UTF-8"), "{error}");
}

#[test]
fn unreadable_editorconfig_is_an_error() {
    // A directory named `.editorconfig` exists but cannot be read as a file.
    let dir = tree(&[(".editorconfig/x", "")]);
    let error = Resolver::default()
        .resolve(&dir.path().join("a.ipynb"))
        .expect_err("read error");
    assert!(matches!(error, ConfigError::Read { .. }), "{error:?}");
    assert_eq!(
        error.path(),
        Some(dir.path().join(".editorconfig").as_path())
    );
}

// ---------------------------------------------------------------- precedence

#[test]
fn precedence_cli_beats_editorconfig_and_default() {
    let origin = Origin::EditorConfig {
        path: Arc::from(Path::new("/x/.editorconfig")),
        line: 2,
    };
    let setting = pick(Some(1), Some((2, origin)), 3);
    assert_eq!(
        setting,
        Setting {
            value: 1,
            origin: Origin::Cli
        }
    );
}

#[test]
fn precedence_editorconfig_beats_default() {
    let origin = Origin::EditorConfig {
        path: Arc::from(Path::new("/x/.editorconfig")),
        line: 2,
    };
    let setting = pick(None, Some((2, origin.clone())), 3);
    assert_eq!(setting, Setting { value: 2, origin });
}

#[test]
fn precedence_default_when_nothing_else() {
    assert_eq!(pick(None, None, 3), Setting::default_value(3));
}

#[test]
fn cli_overrides_win_over_editorconfig() {
    let dir = tree(&[(
        ".editorconfig",
        "root = true\n[*]\nindent_style = tab\nindent_size = 2\nmax_line_length = 100\nquote_type = single\n",
    )]);
    let overrides = Overrides {
        indent_style: Some(IndentStyle::Space),
        indent_width: Some(3),
        line_length: Some(LineLength::Off),
        quote_style: Some(QuoteStyle::Auto),
    };
    let f = resolve_with(&dir, "a.ipynb", overrides).settings.format;
    fn cli<T>(value: T) -> Setting<T> {
        Setting {
            value,
            origin: Origin::Cli,
        }
    }
    assert_eq!(f.indent_style, cli(IndentStyle::Space));
    assert_eq!(f.indent_width, cli(3));
    assert_eq!(f.line_length, cli(LineLength::Off));
    assert_eq!(f.quote_style, cli(QuoteStyle::Auto));
}

#[test]
fn cli_indent_style_selects_which_width_key_applies() {
    let dir = tree(&[(
        ".editorconfig",
        "root = true\n[*]\nindent_size = 2\ntab_width = 8\n",
    )]);
    let overrides = Overrides {
        indent_style: Some(IndentStyle::Tab),
        ..Overrides::default()
    };
    let f = resolve_with(&dir, "a.ipynb", overrides).settings.format;
    assert_eq!(f.indent_width.value, 8);
    assert_eq!(f.indent_width.origin, at(&dir, ".editorconfig", 4));
}

#[test]
fn no_editorconfig_gives_defaults() {
    let dir = tree(&[(".editorconfig", "root = true\n")]);
    let resolved = resolve(&dir, "a.ipynb");
    assert_eq!(resolved.settings, Settings::default());
    assert!(resolved.raw_entries().is_empty());
    let f = &resolved.settings.format;
    assert_eq!(f.indent_width.value, 4);
    assert_eq!(f.line_length.value, LineLength::Columns(88));
    assert_eq!(f.quote_style.value, QuoteStyle::Double);
    assert_eq!(f.magic_trailing_comma.value, MagicTrailingComma::Respect);
    assert!(!f.docstring_code.value);
    assert_eq!(f.target_version.value, None);
    assert!(resolved.settings.enabled.value);
    assert!(resolved.settings.trim_trailing_whitespace.value);
}

// ---------------------------------------------------------------- cache

#[test]
fn cache_reads_each_file_once() {
    let dir = tree(&[
        (".editorconfig", "root = true\n[*]\nindent_size = 2\n"),
        ("sub/.editorconfig", "[*.ipynb]\nmax_line_length = 100\n"),
    ]);
    let resolver = Resolver::default();
    let first = resolver
        .resolve(&dir.path().join("sub/a.ipynb"))
        .expect("a");
    assert_eq!(resolver.files_read(), 2);
    let second = resolver
        .resolve(&dir.path().join("sub/a.ipynb"))
        .expect("a again");
    let other = resolver
        .resolve(&dir.path().join("sub/b.ipynb"))
        .expect("b");
    assert_eq!(resolver.files_read(), 2);
    assert_eq!(first, second);
    assert_eq!(first.settings, other.settings);
    assert_eq!(first.raw_entries(), other.raw_entries());

    // A subdirectory without a file reuses its parent's chain; the parent directory of
    // `sub` was cached on the way up.
    resolver
        .resolve(&dir.path().join("sub/deeper/c.ipynb"))
        .expect("c");
    let top = resolver.resolve(&dir.path().join("d.ipynb")).expect("d");
    assert_eq!(resolver.files_read(), 2);
    assert_eq!(
        top.settings.format.line_length.value,
        LineLength::Columns(88)
    );
    assert_eq!(top.settings.format.indent_width.value, 2);
}

#[test]
fn cache_is_shared_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Resolver>();
    assert_send_sync::<Resolved>();

    let dir = tree(&[(".editorconfig", "root = true\n[*.py]\nindent_size = 2\n")]);
    let resolver = Resolver::default();
    std::thread::scope(|scope| {
        for i in 0..8 {
            let resolver = &resolver;
            let path = dir.path().join(format!("n{i}.ipynb"));
            scope.spawn(move || {
                let resolved = resolver.resolve(&path).expect("resolve");
                assert_eq!(resolved.settings.format.indent_width.value, 2);
            });
        }
    });
    assert_eq!(resolver.files_read(), 1);
}

// ---------------------------------------------------------------- raw access and origins

#[test]
fn raw_lookup_and_origins() {
    let dir = tree(&[
        (
            ".editorconfig",
            "root = true\n\n[*]\nnbtidy_rule.F401 = off\nnbtidy_fail_on = error\nindent_size = 2\n",
        ),
        (
            "sub/.editorconfig",
            "# notebooks\n[*.ipynb]\nnbtidy_fail_on = Warning\nindent_size = 1\n",
        ),
    ]);
    let resolved = resolve(&dir, "sub/a.ipynb");
    assert_eq!(
        resolved.raw("nbtidy_rule.F401"),
        Some(("off", at(&dir, ".editorconfig", 4)))
    );
    assert_eq!(
        resolved.raw("NBTIDY_FAIL_ON"),
        Some(("Warning", at(&dir, "sub/.editorconfig", 3)))
    );
    // Layout keys come from the `.py` view only.
    assert_eq!(
        resolved.raw("indent_size"),
        Some(("2", at(&dir, ".editorconfig", 6)))
    );
    assert_eq!(resolved.raw("nbtidy_rules"), None);
    assert_eq!(
        resolved.raw_entries(),
        [
            (
                "indent_size".to_owned(),
                "2".to_owned(),
                at(&dir, ".editorconfig", 6)
            ),
            (
                "nbtidy_fail_on".to_owned(),
                "Warning".to_owned(),
                at(&dir, "sub/.editorconfig", 3)
            ),
            (
                "nbtidy_rule.f401".to_owned(),
                "off".to_owned(),
                at(&dir, ".editorconfig", 4)
            ),
        ]
    );
    assert!(resolved.warnings.is_empty(), "{:?}", resolved.warnings);
    assert_eq!(
        resolved.editorconfig_files(),
        [
            Arc::<Path>::from(dir.path().join(".editorconfig")),
            Arc::<Path>::from(dir.path().join("sub/.editorconfig")),
        ]
    );
}

#[test]
fn origin_display() {
    assert_eq!(Origin::Default.to_string(), "default");
    assert_eq!(Origin::Cli.to_string(), "command line");
    let origin = Origin::EditorConfig {
        path: Arc::from(Path::new("/repo/.editorconfig")),
        line: 7,
    };
    assert_eq!(origin.to_string(), "/repo/.editorconfig:7");
}

#[test]
fn dot_dot_in_the_notebook_path_is_removed_lexically() {
    let dir = tree(&[
        (".editorconfig", "root = true\n[*]\nindent_size = 2\n"),
        ("sub/.editorconfig", "[*]\nindent_size = 3\n"),
    ]);
    let path: PathBuf = dir.path().join("sub/./../a.ipynb");
    let resolved = Resolver::default().resolve(&path).expect("resolve");
    assert_eq!(resolved.settings.format.indent_width.value, 2);
}

#[test]
fn value_types_parse_and_display() {
    assert_eq!("tab".parse(), Ok(IndentStyle::Tab));
    assert_eq!("120".parse(), Ok(LineLength::Columns(120)));
    assert!("+120".parse::<LineLength>().is_err());
    assert!("99999999999".parse::<LineLength>().is_err());
    assert_eq!(LineLength::Off.to_string(), "off");
    assert_eq!(QuoteStyle::Auto.to_string(), "auto");
    assert_eq!(MagicTrailingComma::Ignore.to_string(), "ignore");
    assert_eq!(
        PythonVersion {
            major: 3,
            minor: 12
        }
        .to_string(),
        "3.12"
    );
    let error = "x".parse::<QuoteStyle>().expect_err("invalid");
    assert_eq!(error.to_string(), "expected `single`, `double` or `auto`");
}

#[test]
fn root_values_other_than_true_or_false_are_errors() {
    for (text, line) in [
        ("root = maybe\n[*]\nindent_size = 2\n", 1),
        ("# c\nROOT = ture\n", 2),
    ] {
        let dir = tree(&[(".editorconfig", text), ("nb.ipynb", "")]);
        let err = Resolver::new(Overrides::default())
            .resolve(&dir.path().join("nb.ipynb"))
            .expect_err(text);
        let message = err.to_string();
        assert!(
            message.contains(&format!(".editorconfig:{line}:"))
                && message.contains("expected `true` or `false`"),
            "{message}"
        );
    }
    for text in ["root = TRUE\n", "root = false\n", "[*]\nroot = maybe\n"] {
        let dir = tree(&[(".editorconfig", text), ("nb.ipynb", "")]);
        assert!(
            Resolver::new(Overrides::default())
                .resolve(&dir.path().join("nb.ipynb"))
                .is_ok(),
            "{text}"
        );
    }
}

#[test]
fn cr_only_line_endings_are_an_error_not_a_silent_loss() {
    let dir = tree(&[
        (".editorconfig", "root = true\r[*]\rindent_size = fuor\r"),
        ("nb.ipynb", ""),
    ]);
    let err = Resolver::new(Overrides::default())
        .resolve(&dir.path().join("nb.ipynb"))
        .expect_err("CR-only");
    assert!(err.to_string().contains("CR alone"), "{err}");
    // CRLF files are fine.
    let dir = tree(&[
        (".editorconfig", "root = true\r\n[*]\r\nindent_size = 2\r\n"),
        ("nb.ipynb", ""),
    ]);
    assert!(
        Resolver::new(Overrides::default())
            .resolve(&dir.path().join("nb.ipynb"))
            .is_ok()
    );
}

#[test]
fn python_cell_magics_parse() {
    use crate::CellMagicNames;
    let parsed: CellMagicNames = " %%timer, my_magic2 ,, ".parse().unwrap();
    assert_eq!(parsed.names(), ["timer", "my_magic2"]);
    assert_eq!(parsed.to_string(), "timer,my_magic2");
    assert!("".parse::<CellMagicNames>().unwrap().names().is_empty());
    assert!("bad-name".parse::<CellMagicNames>().is_err());
    assert!("two words".parse::<CellMagicNames>().is_err());
}
