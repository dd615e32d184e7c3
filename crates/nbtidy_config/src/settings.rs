//! Value types, their parsing from `.editorconfig` text, and the settings structs.

use std::fmt;
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

/// Smallest accepted `indent_size` / `tab_width`.
pub(crate) const MIN_INDENT: u8 = 1;
/// Largest accepted `indent_size` / `tab_width`.
pub(crate) const MAX_INDENT: u8 = 16;
/// Smallest accepted `max_line_length`.
pub(crate) const MIN_LINE_LENGTH: u16 = 1;
/// Largest accepted `max_line_length`.
pub(crate) const MAX_LINE_LENGTH: u16 = 320;
/// Default indent width when nothing sets one.
pub(crate) const DEFAULT_INDENT_WIDTH: u8 = 4;
/// Oldest Python minor version (3.x) accepted by `nbtidy_target_version`.
const MIN_PY_MINOR: u8 = 7;
/// Newest Python minor version (3.x) accepted by `nbtidy_target_version`.
const MAX_PY_MINOR: u8 = 15;

/// What a value should have looked like; returned by the `FromStr` impls of the value types.
///
/// Its `Display` reads like "expected `space` or `tab`", ready to be appended to a key and value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{expected}")]
pub struct InvalidValue {
    /// Description of the accepted values, starting with "expected".
    pub expected: &'static str,
}

/// Characters used for one level of indentation (`indent_style`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum IndentStyle {
    /// Indent with spaces (`indent_style = space`, the default).
    #[default]
    Space,
    /// Indent with tab characters (`indent_style = tab`).
    Tab,
}

impl IndentStyle {
    pub(crate) const EXPECTED: &'static str = "expected `space` or `tab`";
}

impl FromStr for IndentStyle {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("space") {
            Ok(Self::Space)
        } else if s.eq_ignore_ascii_case("tab") {
            Ok(Self::Tab)
        } else {
            Err(InvalidValue {
                expected: Self::EXPECTED,
            })
        }
    }
}

impl fmt::Display for IndentStyle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Space => "space",
            Self::Tab => "tab",
        })
    }
}

/// Maximum line length for the formatter and the line-too-long rule (`max_line_length`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LineLength {
    /// Lines should fit in this many columns (1 to 320).
    Columns(u16),
    /// No limit (`max_line_length = off`).
    Off,
}

impl LineLength {
    pub(crate) const EXPECTED: &'static str = "expected a whole number from 1 to 320 or `off`";
}

impl Default for LineLength {
    /// 88 columns.
    fn default() -> Self {
        Self::Columns(88)
    }
}

impl FromStr for LineLength {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("off") {
            return Ok(Self::Off);
        }
        parse_number(s)
            .and_then(|n| u16::try_from(n).ok())
            .filter(|n| (MIN_LINE_LENGTH..=MAX_LINE_LENGTH).contains(n))
            .map(Self::Columns)
            .ok_or(InvalidValue {
                expected: Self::EXPECTED,
            })
    }
}

impl fmt::Display for LineLength {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Columns(n) => write!(f, "{n}"),
            Self::Off => f.write_str("off"),
        }
    }
}

/// Preferred string quotes (`quote_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum QuoteStyle {
    /// Prefer single quotes.
    Single,
    /// Prefer double quotes (the default).
    #[default]
    Double,
    /// Keep the quotes each string already has (`quote_type = auto`).
    Auto,
}

impl QuoteStyle {
    pub(crate) const EXPECTED: &'static str = "expected `single`, `double` or `auto`";
}

impl FromStr for QuoteStyle {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("single") {
            Ok(Self::Single)
        } else if s.eq_ignore_ascii_case("double") {
            Ok(Self::Double)
        } else if s.eq_ignore_ascii_case("auto") {
            Ok(Self::Auto)
        } else {
            Err(InvalidValue {
                expected: Self::EXPECTED,
            })
        }
    }
}

impl fmt::Display for QuoteStyle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Single => "single",
            Self::Double => "double",
            Self::Auto => "auto",
        })
    }
}

/// Whether a trailing comma keeps a collection exploded (`nbtidy_magic_trailing_comma`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum MagicTrailingComma {
    /// A trailing comma keeps the collection one item per line (the default).
    #[default]
    Respect,
    /// Trailing commas do not affect layout.
    Ignore,
}

impl MagicTrailingComma {
    pub(crate) const EXPECTED: &'static str =
        "expected `respect` or `ignore` (or `true` / `false`)";
}

impl FromStr for MagicTrailingComma {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("respect") || s.eq_ignore_ascii_case("true") {
            Ok(Self::Respect)
        } else if s.eq_ignore_ascii_case("ignore") || s.eq_ignore_ascii_case("false") {
            Ok(Self::Ignore)
        } else {
            Err(InvalidValue {
                expected: Self::EXPECTED,
            })
        }
    }
}

impl fmt::Display for MagicTrailingComma {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Respect => "respect",
            Self::Ignore => "ignore",
        })
    }
}

/// A Python version the formatted code must stay compatible with (`nbtidy_target_version`).
///
/// Parsed from `py37` ... `py315` or `3.7` ... `3.15`; displayed as `3.10`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PythonVersion {
    /// Major version, always 3 for accepted values.
    pub major: u8,
    /// Minor version, 7 to 15 for accepted values.
    pub minor: u8,
}

impl PythonVersion {
    pub(crate) const EXPECTED: &'static str =
        "expected a Python version from `py37` to `py315` (or `3.7` to `3.15`)";
}

impl FromStr for PythonVersion {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let err = InvalidValue {
            expected: Self::EXPECTED,
        };
        let py_prefix = s.get(..2).filter(|p| p.eq_ignore_ascii_case("py"));
        let minor = if let Some(rest) = py_prefix.map(|p| &s[p.len()..]) {
            // `py310`: one digit of major version, the rest is the minor version.
            rest.strip_prefix('3').ok_or(err)?
        } else {
            s.strip_prefix("3.").ok_or(err)?
        };
        let minor = parse_number(minor)
            .and_then(|n| u8::try_from(n).ok())
            .filter(|n| (MIN_PY_MINOR..=MAX_PY_MINOR).contains(n))
            .ok_or(err)?;
        Ok(Self { major: 3, minor })
    }
}

impl fmt::Display for PythonVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// Where the value of a [`Setting`] came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Origin {
    /// Nothing set it; nbtidy's built-in default. Displays as `default`.
    Default,
    /// A command-line flag ([`Overrides`]). Displays as `command line`.
    Cli,
    /// A line of an `.editorconfig` file. Displays as `path:line`.
    EditorConfig {
        /// The `.editorconfig` file, absolute (not canonicalized).
        path: Arc<Path>,
        /// 1-based line number of the `key = value` line.
        line: usize,
    },
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Default => f.write_str("default"),
            Self::Cli => f.write_str("command line"),
            Self::EditorConfig { path, line } => write!(f, "{}:{line}", path.display()),
        }
    }
}

/// An effective value together with where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Setting<T> {
    /// The value in effect.
    pub value: T,
    /// Which layer supplied it.
    pub origin: Origin,
}

impl<T> Setting<T> {
    /// A setting holding a built-in default ([`Origin::Default`]).
    pub fn default_value(value: T) -> Self {
        Self {
            value,
            origin: Origin::Default,
        }
    }
}

/// Settings that drive the formatter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatSettings {
    /// `indent_style` (from the `.py` view) or `nbtidy_indent_style`.
    pub indent_style: Setting<IndentStyle>,
    /// Columns per indentation level, from `indent_size` / `tab_width` (`.py` view) or
    /// `nbtidy_indent_size`; see the crate docs for how they combine.
    pub indent_width: Setting<u8>,
    /// `max_line_length`.
    pub line_length: Setting<LineLength>,
    /// `quote_type`.
    pub quote_style: Setting<QuoteStyle>,
    /// `nbtidy_magic_trailing_comma`.
    pub magic_trailing_comma: Setting<MagicTrailingComma>,
    /// `nbtidy_docstring_code`: format code examples in docstrings.
    pub docstring_code: Setting<bool>,
    /// `nbtidy_target_version`; `None` means the formatter's own default.
    pub target_version: Setting<Option<PythonVersion>>,
}

impl Default for FormatSettings {
    fn default() -> Self {
        Self {
            indent_style: Setting::default_value(IndentStyle::default()),
            indent_width: Setting::default_value(DEFAULT_INDENT_WIDTH),
            line_length: Setting::default_value(LineLength::default()),
            quote_style: Setting::default_value(QuoteStyle::default()),
            magic_trailing_comma: Setting::default_value(MagicTrailingComma::default()),
            docstring_code: Setting::default_value(false),
            target_version: Setting::default_value(None),
        }
    }
}

/// Everything nbtidy needs to know about one notebook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// `nbtidy = off` turns this off: the notebook is skipped entirely.
    pub enabled: Setting<bool>,
    /// Formatter settings.
    pub format: FormatSettings,
    /// `trim_trailing_whitespace` (from the `.py` view), for the trailing-whitespace rules.
    pub trim_trailing_whitespace: Setting<bool>,
    /// `nbtidy_python_cell_magics`: custom cell magics whose body is Python (formatted and
    /// checked like a `%%time` cell).
    pub python_cell_magics: Setting<CellMagicNames>,
    /// `nbtidy_format_fix`: `nbtidy format` also applies safe fixes and sorts imports, as with
    /// `--fix`.
    pub format_fix: Setting<bool>,
}

impl Default for Settings {
    /// All built-in defaults, every origin [`Origin::Default`].
    fn default() -> Self {
        Self {
            enabled: Setting::default_value(true),
            format: FormatSettings::default(),
            trim_trailing_whitespace: Setting::default_value(true),
            python_cell_magics: Setting::default_value(CellMagicNames::default()),
            format_fix: Setting::default_value(false),
        }
    }
}

/// Cell magic names (`nbtidy_python_cell_magics`), without `%%`: comma-separated in
/// `.editorconfig`, blanks around names and empty entries ignored, a leading `%%` allowed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CellMagicNames(pub Vec<String>);

impl CellMagicNames {
    /// What a valid value looks like.
    pub const EXPECTED: &'static str = "expected comma-separated cell magic names such as `my_magic,timer` (letters, digits \
         and `_`; a leading `%%` is allowed)";

    /// The names.
    pub fn names(&self) -> &[String] {
        &self.0
    }
}

impl std::str::FromStr for CellMagicNames {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        let mut names = Vec::new();
        for entry in s.split(',') {
            let name = entry.trim();
            let name = name.strip_prefix("%%").unwrap_or(name);
            if name.is_empty() {
                continue;
            }
            if !name.bytes().all(|b| b == b'_' || b.is_ascii_alphanumeric()) {
                return Err(());
            }
            names.push(name.to_owned());
        }
        Ok(CellMagicNames(names))
    }
}

impl fmt::Display for CellMagicNames {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("none");
        }
        f.write_str(&self.0.join(","))
    }
}

/// Values given on the command line; they beat `.editorconfig`. `None` = not given.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Overrides {
    /// Overrides `indent_style`.
    pub indent_style: Option<IndentStyle>,
    /// Overrides the indent width (taken as is; the CLI validates it).
    pub indent_width: Option<u8>,
    /// Overrides `max_line_length`.
    pub line_length: Option<LineLength>,
    /// Overrides `quote_type`.
    pub quote_style: Option<QuoteStyle>,
}

/// `indent_size`: a number of columns, or `tab` (use `tab_width`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IndentSize {
    Columns(u8),
    Tab,
}

pub(crate) const INDENT_SIZE_EXPECTED: &str = "expected a whole number from 1 to 16 or `tab`";
pub(crate) const TAB_WIDTH_EXPECTED: &str = "expected a whole number from 1 to 16";
pub(crate) const BOOL_EXPECTED: &str = "expected `true` or `false`";
pub(crate) const ON_OFF_EXPECTED: &str = "expected `on`, `off`, `true` or `false`";

pub(crate) fn parse_indent_size(s: &str) -> Option<IndentSize> {
    if s.trim().eq_ignore_ascii_case("tab") {
        Some(IndentSize::Tab)
    } else {
        parse_width(s).map(IndentSize::Columns)
    }
}

/// A whole number from 1 to 16 (`tab_width`, numeric `indent_size`).
pub(crate) fn parse_width(s: &str) -> Option<u8> {
    parse_number(s)
        .and_then(|n| u8::try_from(n).ok())
        .filter(|n| (MIN_INDENT..=MAX_INDENT).contains(n))
}

/// `true` / `false`, any case.
pub(crate) fn parse_bool(s: &str) -> Option<bool> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// `on` / `off` / `true` / `false`, any case.
pub(crate) fn parse_on_off(s: &str) -> Option<bool> {
    let t = s.trim();
    if t.eq_ignore_ascii_case("on") {
        Some(true)
    } else if t.eq_ignore_ascii_case("off") {
        Some(false)
    } else {
        parse_bool(t)
    }
}

/// Plain ASCII digits only (no sign, no whitespace inside), at most 9 of them.
fn parse_number(s: &str) -> Option<u32> {
    let s = s.trim();
    if s.is_empty() || s.len() > 9 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}
