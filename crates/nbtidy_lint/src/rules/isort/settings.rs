//! The import sorter's settings: ruff's `lint.isort` options that users set most, as
//! `.editorconfig` keys, typed ([`OPTIONS`]) and read once per notebook ([`Settings::read`]).

use std::path::{Path, PathBuf};

use nbtidy_config::LineLength;

use crate::RuleMeta;
use crate::context::Context;
use crate::rule::RuleOption;

/// The Python version whose standard library decides the standard-library section when
/// `nbtidy_target_version` is not set: the newest released one.
pub const DEFAULT_TARGET_MINOR: u8 = 14;

/// `max_line_length = off` (320, ruff's largest width).
const OFF_WIDTH: usize = 320;

/// A comma-separated list of module names or glob patterns (`foo`, `foo.bar`, `foo_*`).
fn valid_modules(value: &str) -> bool {
    modules(value).is_some()
}

fn modules(value: &str) -> Option<Vec<glob::Pattern>> {
    value
        .split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(|name| {
            let plain = name.chars().all(|c| {
                c.is_alphanumeric() || matches!(c, '_' | '.' | '*' | '?' | '[' | ']' | '!' | '-')
            });
            if plain {
                glob::Pattern::new(name).ok()
            } else {
                None
            }
        })
        .collect()
}

/// `true` / `false`.
fn valid_bool(value: &str) -> bool {
    parse_bool(value).is_some()
}

fn parse_bool(value: &str) -> Option<bool> {
    let value = value.trim();
    if value.eq_ignore_ascii_case("true") {
        Some(true)
    } else if value.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// `-1` (automatic) or 0 to 3 blank lines.
fn valid_lines_after(value: &str) -> bool {
    parse_lines_after(value).is_some()
}

fn parse_lines_after(value: &str) -> Option<isize> {
    value
        .trim()
        .parse::<isize>()
        .ok()
        .filter(|n| (-1..=3).contains(n))
}

/// 0 to 3 blank lines.
fn valid_lines_between(value: &str) -> bool {
    parse_lines_between(value).is_some()
}

fn parse_lines_between(value: &str) -> Option<usize> {
    value.trim().parse::<usize>().ok().filter(|n| *n <= 3)
}

macro_rules! option {
    ($key:literal, $valid:expr, $expected:literal) => {
        RuleOption {
            key: $key,
            valid: $valid,
            expected: $expected,
        }
    };
}

/// The sorter's options, typed (`nbtidy_target_version` is a setting, validated by the settings
/// layer): I001 declares them all (the `imports-not-in-first-cell` fix
/// sorts with the same settings).
pub const OPTIONS: [RuleOption; 12] = [
    option!(
        "nbtidy_known_first_party",
        valid_modules,
        "expected module names or glob patterns separated by commas (`mypkg, mypkg_*`)"
    ),
    option!(
        "nbtidy_known_third_party",
        valid_modules,
        "expected module names or glob patterns separated by commas (`mypkg, mypkg_*`)"
    ),
    option!(
        "nbtidy_known_local_folder",
        valid_modules,
        "expected module names or glob patterns separated by commas (`mypkg, mypkg_*`)"
    ),
    option!(
        "nbtidy_extra_standard_library",
        valid_modules,
        "expected module names or glob patterns separated by commas (`mypkg, mypkg_*`)"
    ),
    option!(
        "nbtidy_combine_as_imports",
        valid_bool,
        "expected `true` or `false`"
    ),
    option!(
        "nbtidy_force_single_line",
        valid_bool,
        "expected `true` or `false`"
    ),
    option!(
        "nbtidy_force_sort_within_sections",
        valid_bool,
        "expected `true` or `false`"
    ),
    option!(
        "nbtidy_lines_after_imports",
        valid_lines_after,
        "expected `-1` (automatic) or a number of blank lines from 0 to 3"
    ),
    option!(
        "nbtidy_lines_between_types",
        valid_lines_between,
        "expected a number of blank lines from 0 to 3"
    ),
    option!(
        "nbtidy_split_on_trailing_comma",
        valid_bool,
        "expected `true` or `false`"
    ),
    option!(
        "nbtidy_order_by_type",
        valid_bool,
        "expected `true` or `false`"
    ),
    option!(
        "nbtidy_case_sensitive",
        valid_bool,
        "expected `true` or `false`"
    ),
];

/// How imports are sorted and laid out (ruff's `lint.isort` defaults unless configured).
#[derive(Debug, Clone)]
pub struct Settings {
    /// The line length from `max_line_length` (88; `off` = 320).
    pub line_length: usize,
    /// Python 3 minor version whose standard library is the standard-library section.
    pub target_minor: u8,
    /// Modules forced into a section, by pattern: first party, third party, local folder,
    /// standard library, in that order of precedence (ruff's).
    pub known: Vec<(glob::Pattern, super::categorize::Section)>,
    /// Whether any known pattern names a submodule (`foo.bar`).
    pub known_submodules: bool,
    /// `from m import a as b, c` on one line.
    pub combine_as_imports: bool,
    /// One name per `from` import.
    pub force_single_line: bool,
    /// `import x` and `from x import y` sorted together by module.
    pub force_sort_within_sections: bool,
    /// Blank lines after the imports (-1: one, two before a `def` or `class`).
    pub lines_after_imports: isize,
    /// Blank lines between `import x` and `from x import y` lines of a section.
    pub lines_between_types: usize,
    /// A trailing comma keeps a `from` import wrapped, one name a line.
    pub split_on_trailing_comma: bool,
    /// `CONSTANT`, `Class`, `variable` order among imported names.
    pub order_by_type: bool,
    /// Case-sensitive order.
    pub case_sensitive: bool,
    /// Where first-party modules are looked up: the notebook's directory and its `src/`, as
    /// ruff's default `src = [".", "src"]` with the notebook's directory as the project root.
    pub src: Vec<PathBuf>,
    /// The package the notebook is in (its topmost directory with an `__init__.py` chain):
    /// imports of that package are first party (ruff's `detect-same-package`).
    pub package: Option<PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            line_length: 88,
            target_minor: DEFAULT_TARGET_MINOR,
            known: Vec::new(),
            known_submodules: false,
            combine_as_imports: false,
            force_single_line: false,
            force_sort_within_sections: false,
            lines_after_imports: -1,
            lines_between_types: 0,
            split_on_trailing_comma: true,
            order_by_type: true,
            case_sensitive: false,
            src: Vec::new(),
            package: None,
        }
    }
}

impl Settings {
    /// The settings for `context`'s notebook, read through `meta` (a rule that declares all of
    /// its keys: I001's `keys`). Invalid values never get here: the options are typed.
    pub fn read(context: &Context<'_>, meta: &RuleMeta) -> Self {
        use super::categorize::Section;
        let config = context.config(meta, "max_line_length");
        let line_length = match config.settings.format.line_length.value {
            LineLength::Columns(columns) => usize::from(columns),
            LineLength::Off => OFF_WIDTH,
        };
        let target_minor = context
            .config(meta, "nbtidy_target_version")
            .settings
            .format
            .target_version
            .value
            .map_or(DEFAULT_TARGET_MINOR, |version| version.minor);
        let option = |key: &str| context.option(meta, key);
        let flag = |key: &str, default: bool| option(key).and_then(parse_bool).unwrap_or(default);
        let mut known = Vec::new();
        for (key, section) in [
            ("nbtidy_known_first_party", Section::FirstParty),
            ("nbtidy_known_third_party", Section::ThirdParty),
            ("nbtidy_known_local_folder", Section::LocalFolder),
            ("nbtidy_extra_standard_library", Section::StandardLibrary),
        ] {
            for pattern in option(key).and_then(modules).unwrap_or_default() {
                known.push((pattern, section));
            }
        }
        let known_submodules = known
            .iter()
            .any(|(pattern, _)| pattern.as_str().contains('.'));
        let (src, package) = roots(context.path());
        Settings {
            line_length,
            target_minor,
            known,
            known_submodules,
            combine_as_imports: flag("nbtidy_combine_as_imports", false),
            force_single_line: flag("nbtidy_force_single_line", false),
            force_sort_within_sections: flag("nbtidy_force_sort_within_sections", false),
            lines_after_imports: option("nbtidy_lines_after_imports")
                .and_then(parse_lines_after)
                .unwrap_or(-1),
            lines_between_types: option("nbtidy_lines_between_types")
                .and_then(parse_lines_between)
                .unwrap_or(0),
            split_on_trailing_comma: flag("nbtidy_split_on_trailing_comma", true),
            order_by_type: flag("nbtidy_order_by_type", true),
            case_sensitive: flag("nbtidy_case_sensitive", false),
            src,
            package,
        }
    }
}

/// The first-party roots and the package of a notebook at `path`.
fn roots(path: &Path) -> (Vec<PathBuf>, Option<PathBuf>) {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    // Absolute (no file system access), so that the package's name is its last component.
    let dir = std::path::absolute(&dir).unwrap_or(dir);
    let mut package = None;
    let mut at = Some(dir.as_path());
    while let Some(candidate) = at {
        if !candidate.join("__init__.py").is_file() {
            break;
        }
        package = Some(candidate.to_path_buf());
        at = candidate.parent().filter(|p| !p.as_os_str().is_empty());
    }
    let src = dir.join("src");
    (vec![dir, src], package)
}
