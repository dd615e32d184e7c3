//! The two views of the applicable sections, the precedence rule, and [`Resolver`].

use std::collections::BTreeMap;
use std::fmt::{self, Display};
use std::path::Path;
use std::sync::Arc;

use crate::chain::{ChainCache, ParsedFile, absolute};
use crate::error::{ConfigError, ProblemKind, SettingProblem};
use crate::settings::{
    BOOL_EXPECTED, CellMagicNames, DEFAULT_INDENT_WIDTH, FormatSettings, INDENT_SIZE_EXPECTED,
    IndentSize, IndentStyle, LineLength, MagicTrailingComma, ON_OFF_EXPECTED, Origin, Overrides,
    PythonVersion, QuoteStyle, Setting, Settings, TAB_WIDTH_EXPECTED, parse_bool,
    parse_indent_size, parse_on_off, parse_width,
};

/// Keys read only from the `.py` view (they describe layout, and `[*.ipynb]` sections usually
/// set them for the notebook's JSON).
pub const LAYOUT_KEYS: &[&str] = &[
    "indent_style",
    "indent_size",
    "tab_width",
    "trim_trailing_whitespace",
];

/// `nbtidy*` keys this crate reads (and validates). A rule may read one of them too (I001 reads
/// `nbtidy_target_version`): it is then a setting, not one of the rule's options.
pub const NBTIDY_KEYS: &[&str] = &[
    "nbtidy",
    "nbtidy_indent_style",
    "nbtidy_indent_size",
    "nbtidy_magic_trailing_comma",
    "nbtidy_docstring_code",
    "nbtidy_target_version",
    "nbtidy_python_cell_magics",
    "nbtidy_format_fix",
];

/// The linter engine's own keys (rule selection and the failure level), reserved: not read here,
/// never reported as unknown. The rules' option keys come from the linter's registry through
/// [`Resolver::with_linter_keys`], so they are written once, on the rule; keys starting with
/// [`LINTER_KEY_PREFIX`] are reserved too.
pub const LINTER_KEYS: &[&str] = &["nbtidy_rules", "nbtidy_fail_on"];

/// Prefix of per-rule keys (`nbtidy_rule.F401 = off`), reserved for the linter.
pub const LINTER_KEY_PREFIX: &str = "nbtidy_rule.";

/// Which sections a set of properties comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum View {
    /// Sections matching the path the notebook would have with a `.py` extension
    /// (`[*.py]`, `[*]`, ...).
    Py,
    /// Sections matching the notebook's own path but not the `.py` one
    /// (`[*.ipynb]`, `[notebooks/**.ipynb]`, ...).
    NotebookOnly,
}

/// One effective `key = value` in a view.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    /// The value as written (not lowercased).
    value: String,
    path: Arc<Path>,
    line: usize,
}

impl Entry {
    fn origin(&self) -> Origin {
        Origin::EditorConfig {
            path: self.path.clone(),
            line: self.line,
        }
    }
}

/// Key (lowercase) to its effective entry; `unset` keys are absent.
type Properties = BTreeMap<String, Entry>;

/// The settings for one notebook, the warnings found on the way, and the raw views for keys
/// read elsewhere (the linter's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The effective settings, each with its origin.
    pub settings: Settings,
    /// Invalid values and unknown `nbtidy_*` keys, sorted by file and line.
    pub warnings: Vec<SettingProblem>,
    py: Properties,
    notebook_only: Properties,
    files: Vec<Arc<Path>>,
}

impl Resolved {
    /// Raw lookup for keys this crate does not interpret (e.g. the linter's), `None` when unset.
    ///
    /// The key is matched case-insensitively. Layout keys ([`LAYOUT_KEYS`]) come from the `.py`
    /// view only; every other key from the notebook-only view first, then the `.py` view. The
    /// value is returned as written; compare it case-insensitively.
    pub fn raw(&self, key: &str) -> Option<(&str, Origin)> {
        let key = key.to_lowercase();
        let entry = if is_layout_key(&key) {
            self.py.get(&key)
        } else {
            self.notebook_only.get(&key).or_else(|| self.py.get(&key))
        };
        entry.map(|e| (e.value.as_str(), e.origin()))
    }

    /// Every `(key, value, origin)` that [`Resolved::raw`] would return, sorted by key; for
    /// `nbtidy config`. Keys are lowercase, values as written.
    pub fn raw_entries(&self) -> Vec<(String, String, Origin)> {
        let mut merged: BTreeMap<&str, &Entry> = BTreeMap::new();
        for (key, entry) in &self.py {
            merged.insert(key, entry);
        }
        for (key, entry) in &self.notebook_only {
            if !is_layout_key(key) {
                merged.insert(key, entry);
            }
        }
        merged
            .into_iter()
            .map(|(key, entry)| (key.to_owned(), entry.value.clone(), entry.origin()))
            .collect()
    }

    /// Every `(key, value, origin)` of one view, sorted by key.
    pub fn view_entries(&self, view: View) -> Vec<(String, String, Origin)> {
        let properties = match view {
            View::Py => &self.py,
            View::NotebookOnly => &self.notebook_only,
        };
        properties
            .iter()
            .map(|(key, entry)| (key.clone(), entry.value.clone(), entry.origin()))
            .collect()
    }

    /// The `.editorconfig` files that were consulted, outermost first.
    pub fn editorconfig_files(&self) -> &[Arc<Path>] {
        &self.files
    }
}

fn is_layout_key(key: &str) -> bool {
    LAYOUT_KEYS.contains(&key)
}

/// Finds the settings for notebooks. Create one per run and share it between threads: it caches
/// the parsed `.editorconfig` chain of every directory it has seen.
#[derive(Debug, Default)]
pub struct Resolver {
    overrides: Overrides,
    cache: ChainCache,
    /// The rules' option keys (never reported as unknown).
    linter_keys: Vec<&'static str>,
}

impl Resolver {
    /// A resolver applying `overrides` (command-line flags) on top of `.editorconfig`.
    pub fn new(overrides: Overrides) -> Self {
        Self {
            overrides,
            cache: ChainCache::default(),
            linter_keys: Vec::new(),
        }
    }

    /// The same resolver, knowing the linter's option keys (`nbtidy_lint::linter_keys()`, from
    /// the rules' declarations): they are not reported as unknown, and typos of them get a
    /// suggestion.
    #[must_use]
    pub fn with_linter_keys(mut self, keys: impl IntoIterator<Item = &'static str>) -> Self {
        self.linter_keys.extend(keys);
        self
    }

    /// Every `nbtidy_*` key this resolver knows (its own, the linter engine's and the rules').
    pub fn known_keys(&self) -> impl Iterator<Item = &'static str> + '_ {
        NBTIDY_KEYS
            .iter()
            .chain(LINTER_KEYS)
            .copied()
            .chain(self.linter_keys.iter().copied())
    }

    /// The command-line overrides this resolver applies.
    pub fn overrides(&self) -> &Overrides {
        &self.overrides
    }

    /// Resolves the settings for the notebook at `notebook_path`.
    ///
    /// The notebook itself need not exist. A relative path is joined onto the current
    /// directory; `.` and `..` are removed lexically (symlinks are not resolved).
    ///
    /// # Errors
    ///
    /// When an applicable `.editorconfig` cannot be read or parsed, or when the path is
    /// relative and the current directory is unavailable.
    pub fn resolve(&self, notebook_path: &Path) -> Result<Resolved, ConfigError> {
        let notebook = absolute(notebook_path)?;
        let chain = match notebook.parent() {
            Some(dir) => self.cache.chain_for(dir)?,
            None => Arc::from(Vec::new()),
        };
        let (py, notebook_only) = views(&chain, &notebook);
        let mut lookup = Lookup {
            py: &py,
            notebook_only: &notebook_only,
            pending: Vec::new(),
            warnings: Vec::new(),
        };
        let settings = lookup.settings(&self.overrides);
        let mut warnings = lookup.warnings;
        warnings.extend(unknown_keys(&py, &notebook_only, &self.linter_keys));
        warnings.sort();
        warnings.dedup();
        Ok(Resolved {
            settings,
            warnings,
            py,
            notebook_only,
            files: chain.iter().map(|file| file.path.clone()).collect(),
        })
    }

    #[cfg(test)]
    pub(crate) fn files_read(&self) -> usize {
        self.cache.files_read()
    }
}

/// Computes the `.py` view and the notebook-only view in one pass over all sections of the
/// chain, outermost file first, later sections winning and `unset` removing.
fn views(chain: &[Arc<ParsedFile>], notebook: &Path) -> (Properties, Properties) {
    let as_py = notebook.with_extension("py");
    let mut py = Properties::new();
    let mut notebook_only = Properties::new();
    for file in chain {
        // Globs match the path relative to the `.editorconfig`'s directory, as in ec4rs.
        let notebook_rel = notebook.strip_prefix(&file.dir).unwrap_or(notebook);
        let py_rel = as_py.strip_prefix(&file.dir).unwrap_or(&as_py);
        for section in &file.sections {
            let target = if section.applies_to(py_rel) {
                &mut py
            } else if section.applies_to(notebook_rel) {
                &mut notebook_only
            } else {
                continue;
            };
            for (key, raw) in section.props() {
                let value = raw.to_string();
                if value.eq_ignore_ascii_case("unset") {
                    target.remove(key);
                } else {
                    let line = raw.source().map_or(0, |(_, line)| line);
                    let entry = Entry {
                        value,
                        path: file.path.clone(),
                        line,
                    };
                    target.insert(key.to_owned(), entry);
                }
            }
        }
    }
    (py, notebook_only)
}

/// The precedence rule, highest first: command line, then `.editorconfig`, then the default.
pub(crate) fn pick<T>(cli: Option<T>, editorconfig: Option<(T, Origin)>, default: T) -> Setting<T> {
    match (cli, editorconfig) {
        (Some(value), _) => Setting {
            value,
            origin: Origin::Cli,
        },
        (None, Some((value, origin))) => Setting { value, origin },
        (None, None) => Setting::default_value(default),
    }
}

/// Where to look for a key: a view and a key name.
type Source = (View, &'static str);

/// A key in the notebook-only view, then the `.py` view (code keys and `nbtidy*` keys).
fn code_key(key: &'static str) -> [Source; 2] {
    [(View::NotebookOnly, key), (View::Py, key)]
}

/// An invalid value seen while resolving the current setting; becomes a warning once the value
/// actually used is known.
struct Invalid<'a> {
    key: &'static str,
    entry: &'a Entry,
    expected: &'static str,
}

/// Reads typed values out of the views, collecting warnings.
struct Lookup<'a> {
    py: &'a Properties,
    notebook_only: &'a Properties,
    pending: Vec<Invalid<'a>>,
    warnings: Vec<SettingProblem>,
}

impl<'a> Lookup<'a> {
    /// The first valid value among `sources`. An invalid value is skipped (as if that view did
    /// not set the key) and remembered for a warning.
    fn find<T>(
        &mut self,
        sources: &[Source],
        parse: impl Fn(&str) -> Option<T>,
        expected: &'static str,
    ) -> Option<(T, Origin)> {
        for &(view, key) in sources {
            let properties = match view {
                View::Py => self.py,
                View::NotebookOnly => self.notebook_only,
            };
            let Some(entry) = properties.get(key) else {
                continue;
            };
            match parse(&entry.value) {
                Some(value) => return Some((value, entry.origin())),
                None => self.pending.push(Invalid {
                    key,
                    entry,
                    expected,
                }),
            }
        }
        None
    }

    /// Turns the pending invalid values into warnings saying what is used instead. A value the
    /// command line overrides anyway is [`ProblemKind::OverriddenInvalidValue`].
    fn flush(&mut self, using: impl Display, origin: &Origin) {
        let kind = if *origin == Origin::Cli {
            ProblemKind::OverriddenInvalidValue
        } else {
            ProblemKind::InvalidValue
        };
        for invalid in self.pending.drain(..) {
            self.warnings.push(SettingProblem {
                origin: Origin::EditorConfig {
                    path: Arc::clone(&invalid.entry.path),
                    line: invalid.entry.line,
                },
                key: invalid.key.to_owned(),
                value: invalid.entry.value.clone(),
                message: invalid.expected.to_owned(),
                fallback: using.to_string(),
                kind,
            });
        }
    }

    /// A setting read from one list of sources, with precedence applied.
    fn setting<T: Clone + Display>(
        &mut self,
        cli: Option<T>,
        sources: &[Source],
        parse: impl Fn(&str) -> Option<T>,
        expected: &'static str,
        default: T,
    ) -> Setting<T> {
        let found = self.find(sources, parse, expected);
        let setting = pick(cli, found, default);
        self.flush(&setting.value, &setting.origin);
        setting
    }

    fn settings(&mut self, overrides: &Overrides) -> Settings {
        let indent_style = self.setting(
            overrides.indent_style,
            &[
                (View::NotebookOnly, "nbtidy_indent_style"),
                (View::Py, "nbtidy_indent_style"),
                (View::Py, "indent_style"),
            ],
            |s| s.parse().ok(),
            IndentStyle::EXPECTED,
            IndentStyle::default(),
        );
        let indent_width = self.indent_width(overrides.indent_width, indent_style.value);
        let line_length = self.setting(
            overrides.line_length,
            &code_key("max_line_length"),
            |s| s.parse().ok(),
            LineLength::EXPECTED,
            LineLength::default(),
        );
        let quote_style = self.setting(
            overrides.quote_style,
            &code_key("quote_type"),
            |s| s.parse().ok(),
            QuoteStyle::EXPECTED,
            QuoteStyle::default(),
        );
        let magic_trailing_comma = self.setting(
            None,
            &code_key("nbtidy_magic_trailing_comma"),
            |s| s.parse().ok(),
            MagicTrailingComma::EXPECTED,
            MagicTrailingComma::default(),
        );
        let docstring_code = self.setting(
            None,
            &code_key("nbtidy_docstring_code"),
            parse_on_off,
            ON_OFF_EXPECTED,
            false,
        );
        let target_version = {
            let found = self.find(
                &code_key("nbtidy_target_version"),
                |s| s.parse::<PythonVersion>().ok().map(Some),
                PythonVersion::EXPECTED,
            );
            let setting = pick(None, found, None);
            match setting.value {
                Some(version) => self.flush(version, &setting.origin),
                None => self.flush("the formatter's default", &setting.origin),
            }
            setting
        };
        let enabled = self.setting(
            None,
            &code_key("nbtidy"),
            parse_on_off,
            ON_OFF_EXPECTED,
            true,
        );
        let trim_trailing_whitespace = self.setting(
            None,
            &[(View::Py, "trim_trailing_whitespace")],
            parse_bool,
            BOOL_EXPECTED,
            true,
        );
        let python_cell_magics = self.setting(
            None,
            &code_key("nbtidy_python_cell_magics"),
            |s| s.parse().ok(),
            CellMagicNames::EXPECTED,
            CellMagicNames::default(),
        );
        let format_fix = self.setting(
            None,
            &code_key("nbtidy_format_fix"),
            parse_on_off,
            ON_OFF_EXPECTED,
            false,
        );
        Settings {
            enabled,
            format_fix,
            format: FormatSettings {
                indent_style,
                indent_width,
                line_length,
                quote_style,
                magic_trailing_comma,
                docstring_code,
                target_version,
            },
            trim_trailing_whitespace,
            python_cell_magics,
        }
    }

    /// Columns per indentation level, for the indent style in effect:
    /// - tab: `tab_width` if set, else `indent_size` if numeric, else 4;
    /// - space: `indent_size` if numeric, else (`indent_size = tab`) `tab_width`, else 4.
    ///
    /// `nbtidy_indent_size` replaces `indent_size` when set.
    fn indent_width(&mut self, cli: Option<u8>, style: IndentStyle) -> Setting<u8> {
        let size = self.find(
            &[
                (View::NotebookOnly, "nbtidy_indent_size"),
                (View::Py, "nbtidy_indent_size"),
                (View::Py, "indent_size"),
            ],
            parse_indent_size,
            INDENT_SIZE_EXPECTED,
        );
        let tab_width = self.find(&[(View::Py, "tab_width")], parse_width, TAB_WIDTH_EXPECTED);
        let found = match (style, size) {
            (IndentStyle::Tab, size) => tab_width.or(match size {
                Some((IndentSize::Columns(n), origin)) => Some((n, origin)),
                Some((IndentSize::Tab, _)) | None => None,
            }),
            (IndentStyle::Space, Some((IndentSize::Columns(n), origin))) => Some((n, origin)),
            (IndentStyle::Space, Some((IndentSize::Tab, _))) => tab_width,
            (IndentStyle::Space, None) => None,
        };
        let setting = pick(cli, found, DEFAULT_INDENT_WIDTH);
        self.flush(setting.value, &setting.origin);
        setting
    }
}

/// Warnings for `nbtidy_*` keys that nobody reads (typos), among the keys visible under the
/// code-key rule.
fn unknown_keys(
    py: &Properties,
    notebook_only: &Properties,
    linter_keys: &[&'static str],
) -> Vec<SettingProblem> {
    let mut merged: BTreeMap<&str, &Entry> = BTreeMap::new();
    for (key, entry) in py.iter().chain(notebook_only) {
        merged.insert(key, entry);
    }
    merged
        .into_iter()
        .filter(|(key, _)| key.starts_with("nbtidy_") && !is_known_nbtidy_key(key, linter_keys))
        .map(|(key, entry)| SettingProblem {
            origin: Origin::EditorConfig {
                path: Arc::clone(&entry.path),
                line: entry.line,
            },
            key: key.to_owned(),
            value: entry.value.clone(),
            message: match suggestion(key, linter_keys) {
                Some(known) => format!("unknown key, ignored; did you mean `{known}`?"),
                None => "unknown key, ignored".to_owned(),
            },
            fallback: String::new(),
            kind: ProblemKind::UnknownKey,
        })
        .collect()
}

fn is_known_nbtidy_key(key: &str, linter_keys: &[&str]) -> bool {
    NBTIDY_KEYS.contains(&key)
        || LINTER_KEYS.contains(&key)
        || linter_keys.contains(&key)
        || key.starts_with(LINTER_KEY_PREFIX)
}

/// The known key closest to `key`, if it is close enough to be a likely typo.
fn suggestion(key: &str, linter_keys: &[&'static str]) -> Option<&'static str> {
    NBTIDY_KEYS
        .iter()
        .chain(LINTER_KEYS)
        .chain(linter_keys)
        .map(|known| (edit_distance(key, known), *known))
        .filter(|&(distance, _)| distance <= 3)
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, known)| known)
}

/// Levenshtein distance, counting transposed neighbours as one edit (`indnet` → `indent`).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Rows i-2, i-1 and i of the table.
    let mut before: Vec<usize> = Vec::new();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut current = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(before[j - 2] + 1);
            }
            current[j] = best;
        }
        before = std::mem::replace(&mut previous, current);
    }
    previous[b.len()]
}

impl fmt::Display for View {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Py => "py",
            Self::NotebookOnly => "notebook-only",
        })
    }
}
