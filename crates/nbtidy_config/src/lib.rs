//! Which settings apply to a notebook, and where each one came from.
//!
//! nbtidy is configured only through `.editorconfig` files, plus a few command-line
//! overrides. This crate finds the `.editorconfig` files that apply to a notebook, reads the
//! keys nbtidy understands, validates them, and returns typed [`Settings`] in which every value
//! carries its [`Origin`] (a file and line, the command line, or the default).
//!
//! It is **not** the formatter or the linter: it does not read notebooks, and it interprets only
//! the keys listed below. The linter's keys (`nbtidy_rules`, `nbtidy_rule.<code>`,
//! `nbtidy_fail_on`, rule options) are left raw, available through [`Resolved::raw`]. It never
//! prints: problems come back as [`SettingProblem`]s or a [`ConfigError`] for the caller to report.
//!
//! # Finding the files
//!
//! As in the EditorConfig specification (parsing by [`ec4rs`]): `.editorconfig` files are read
//! from the notebook's directory upward until one says `root = true`; outer files apply first,
//! later sections win, and `unset` clears a key. Keys are case-insensitive, and so are the
//! values nbtidy understands. A relative notebook path is joined onto the current directory;
//! paths are not canonicalized. The chain of files for a directory is parsed once per
//! [`Resolver`] and shared by every notebook in it and below it.
//!
//! # Three views
//!
//! `[*.ipynb]` sections are written for the notebook's JSON (many repositories set
//! `indent_size = 1` there), so the sections are split, in one pass, into:
//!
//! - the **`.py` view** ([`View::Py`]): sections matching the path the notebook would have with
//!   a `.py` extension (`dir/a.ipynb` → `dir/a.py`): `[*.py]`, `[*]`, ...;
//! - the **notebook-only view** ([`View::NotebookOnly`]): sections matching the `.ipynb` path
//!   but not the `.py` one: `[*.ipynb]`, `[notebooks/**.ipynb]`, ....
//!
//! Each key is then read through one of three rules:
//!
//! 1. layout keys (`indent_style`, `indent_size`, `tab_width`, `trim_trailing_whitespace`):
//!    the `.py` view only; `nbtidy_indent_style` / `nbtidy_indent_size` (read by rule 2)
//!    override `indent_style` / `indent_size`;
//! 2. code keys (`max_line_length`, `quote_type`) and every `nbtidy*` key: the notebook-only
//!    view first, else the `.py` view;
//! 3. `end_of_line`, `insert_final_newline`, `charset`: ignored; nbtidy preserves the file.
//!
//! # Keys
//!
//! | key | values | default |
//! | --- | --- | --- |
//! | `indent_style`, `nbtidy_indent_style` | `space`, `tab` | `space` |
//! | `indent_size`, `nbtidy_indent_size` | 1 to 16, or `tab` (use `tab_width`) | 4 |
//! | `tab_width` | 1 to 16 | |
//! | `max_line_length` | 1 to 320, or `off` | 88 |
//! | `quote_type` | `single`, `double`, `auto` (keep) | `double` |
//! | `trim_trailing_whitespace` | `true`, `false` | `true` |
//! | `nbtidy_magic_trailing_comma` | `respect`, `ignore` (`true` = respect) | `respect` |
//! | `nbtidy_docstring_code` | `on`, `off`, `true`, `false` | `off` |
//! | `nbtidy_target_version` | `py37` to `py315`, or `3.7` to `3.15` | the formatter's |
//! | `nbtidy` | `on`, `off`, `true`, `false`; `off` skips the notebook | `on` |
//! | `nbtidy_format_fix` | `on`, `off`, `true`, `false`; `format` also fixes and sorts imports | `off` |
//!
//! The indent width is: with tabs, `tab_width` if set, else a numeric `indent_size`, else 4;
//! with spaces, a numeric `indent_size`, else (`indent_size = tab`) `tab_width`, else 4.
//!
//! An invalid value produces a [`SettingProblem`] (file, line, key, value, what was expected and
//! what is used) and is ignored, as if that view did not set the key. So are unknown `nbtidy_*`
//! keys, except the linter's ([`LINTER_KEYS`], [`LINTER_KEY_PREFIX`]). A file that cannot be
//! read or parsed is a [`ConfigError`].
//!
//! # Precedence
//!
//! Highest first:
//!
//! 1. command-line [`Overrides`] (indent style, indent width, line length, quote style);
//! 2. `.editorconfig`, as described above;
//! 3. the defaults ([`Settings::default`]).
//!
//! ```no_run
//! use nbtidy_config::{Overrides, Resolver};
//!
//! let resolver = Resolver::new(Overrides::default());
//! let resolved = resolver.resolve("notebooks/analysis.ipynb".as_ref())?;
//! let width = &resolved.settings.format.indent_width;
//! assert!(width.value >= 1, "{} from {}", width.value, width.origin);
//! # Ok::<(), nbtidy_config::ConfigError>(())
//! ```

mod chain;
mod error;
mod keys;
mod resolve;
mod settings;
#[cfg(test)]
mod tests;

pub use error::{ConfigError, ProblemKind, SettingProblem};
pub use keys::{KeyInfo, KeyScope, settings_keys};
pub use resolve::{
    LAYOUT_KEYS, LINTER_KEY_PREFIX, LINTER_KEYS, NBTIDY_KEYS, Resolved, Resolver, View,
};
pub use settings::{
    CellMagicNames, FormatSettings, IndentStyle, InvalidValue, LineLength, MagicTrailingComma,
    Origin, Overrides, PythonVersion, QuoteStyle, Setting, Settings,
};
