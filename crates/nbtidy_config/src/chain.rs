//! Reading `.editorconfig` files and caching, per directory, the chain of files that apply.

use std::collections::HashMap;
use std::io::ErrorKind;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use ec4rs::{ConfigParser, ParseError, Section};

use crate::error::ConfigError;

/// The name EditorConfig files have.
const FILE_NAME: &str = ".editorconfig";

/// One parsed `.editorconfig` file.
pub(crate) struct ParsedFile {
    /// Path of the file itself (absolute, not canonicalized).
    pub(crate) path: Arc<Path>,
    /// Directory holding it; section globs match paths relative to it.
    pub(crate) dir: PathBuf,
    /// `root = true` in the preamble.
    pub(crate) is_root: bool,
    /// Sections in file order. Values carry their 1-based line (ec4rs `track-source`).
    pub(crate) sections: Vec<Section>,
}

impl std::fmt::Debug for ParsedFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParsedFile")
            .field("path", &self.path)
            .field("is_root", &self.is_root)
            .field("sections", &self.sections.len())
            .finish()
    }
}

/// The `.editorconfig` files that apply to files in one directory, outermost first.
pub(crate) type Chain = Arc<[Arc<ParsedFile>]>;

/// Per-directory cache of [`Chain`]s, shared across threads.
#[derive(Debug, Default)]
pub(crate) struct ChainCache {
    chains: Mutex<HashMap<PathBuf, Chain>>,
    /// How many `.editorconfig` files have been read and parsed (for tests).
    files_read: AtomicUsize,
}

impl ChainCache {
    /// Number of `.editorconfig` files read so far.
    #[cfg(test)]
    pub(crate) fn files_read(&self) -> usize {
        self.files_read.load(Ordering::Relaxed)
    }

    /// The chain for files in `dir` (absolute and normalized).
    ///
    /// Walks up from `dir` until a directory whose chain is cached, a `root = true` file, or
    /// the top of the file system, reading each uncached directory's `.editorconfig` once;
    /// then builds and caches the chains back down, each from its parent's.
    ///
    /// The lock is held while reading, so each directory's file is read once even when many
    /// threads resolve notebooks at the same time. Errors are not cached.
    pub(crate) fn chain_for(&self, dir: &Path) -> Result<Chain, ConfigError> {
        let mut chains = self.chains.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(chain) = chains.get(dir) {
            return Ok(chain.clone());
        }
        // Uncached directories, innermost first, with their file if any.
        let mut pending: Vec<(&Path, Option<Arc<ParsedFile>>)> = Vec::new();
        let mut base: Chain = Arc::from(Vec::new());
        let mut cursor = Some(dir);
        while let Some(current) = cursor {
            if let Some(chain) = chains.get(current) {
                base = chain.clone();
                break;
            }
            let file = self.read_file(current)?.map(Arc::new);
            let is_root = file.as_ref().is_some_and(|f| f.is_root);
            pending.push((current, file));
            if is_root {
                break;
            }
            cursor = current.parent();
        }
        let mut chain = base;
        for (current, file) in pending.into_iter().rev() {
            if let Some(file) = file {
                chain = if file.is_root {
                    Arc::from(vec![file])
                } else {
                    chain.iter().cloned().chain([file]).collect()
                };
            }
            chains.insert(current.to_path_buf(), chain.clone());
        }
        Ok(chain)
    }

    /// Reads and parses `dir/.editorconfig`; `None` when there is none.
    fn read_file(&self, dir: &Path) -> Result<Option<ParsedFile>, ConfigError> {
        let path = dir.join(FILE_NAME);
        // Regular files only, never blocking, bounded: a FIFO or `/dev/zero` named
        // `.editorconfig` is an error for the notebooks below it, not a hang.
        let bytes = match nbtidy_fs::read_regular(&path, nbtidy_fs::SETTINGS_LIMIT) {
            Ok(bytes) => bytes,
            Err(nbtidy_fs::ReadError::Io(e))
                if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) =>
            {
                return Ok(None);
            }
            Err(nbtidy_fs::ReadError::Io(error)) => return Err(ConfigError::Read { path, error }),
            Err(other) => {
                return Err(ConfigError::Read {
                    path,
                    error: std::io::Error::other(other.to_string()),
                });
            }
        };
        self.files_read.fetch_add(1, Ordering::Relaxed);
        if let Some(problem) = preamble_problem(&bytes) {
            return Err(ConfigError::Parse {
                path,
                line: problem.0,
                reason: problem.1,
            });
        }
        let path: Arc<Path> = Arc::from(path);
        let parse_error = |error: ParseError| parse_error(&path, &bytes, &error);
        let parser = ConfigParser::new_with_path(bytes.as_slice(), Some(path.clone()))
            .map_err(parse_error)?;
        let is_root = parser.is_root;
        let sections = parser.collect::<Result<Vec<_>, _>>().map_err(parse_error)?;
        Ok(Some(ParsedFile {
            dir: dir.to_path_buf(),
            path,
            is_root,
            sections,
        }))
    }
}

/// What ec4rs accepts silently but would make nbtidy apply settings the user did not write:
/// `(line, reason)`.
///
/// 1. Lone CR line endings (old Mac files): EditorConfig reads only LF and CRLF, so the whole file
///    is one line and every setting in it is silently lost.
/// 2. A `root` value in the preamble other than `true` or `false` (any case): ec4rs reads it as
///    `false`, so `root = ture` would silently let parent directories' settings in.
fn preamble_problem(bytes: &[u8]) -> Option<(usize, String)> {
    if let Some(at) = bytes
        .iter()
        .enumerate()
        .position(|(at, &b)| b == b'\r' && bytes.get(at + 1) != Some(&b'\n'))
    {
        let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        return Some((
            line,
            "the file ends lines with CR alone, which EditorConfig does not read (every setting \
             would be lost); convert its line endings to LF"
                .to_owned(),
        ));
    }
    let text = String::from_utf8_lossy(bytes);
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.starts_with('[') {
            break;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        if key.trim().eq_ignore_ascii_case("root") {
            let value = value.trim();
            if !value.eq_ignore_ascii_case("true") && !value.eq_ignore_ascii_case("false") {
                return Some((
                    index + 1,
                    format!("root = {value}: expected `true` or `false`"),
                ));
            }
        }
    }
    None
}

/// Builds a [`ConfigError::Parse`], finding the offending line.
///
/// ec4rs cannot report the line of an error in the preamble, so the line is found by parsing
/// each line on its own: every error ec4rs reports comes from a line that is invalid by itself
/// (not `[section]`, `key = value`, a comment or blank; or not UTF-8), and it stops at the first.
fn parse_error(path: &Path, bytes: &[u8], error: &ParseError) -> ConfigError {
    let line = bytes
        .split_inclusive(|&b| b == b'\n')
        .position(|line| ConfigParser::new(line).is_err())
        .map_or(1, |index| index + 1);
    let reason = match error {
        ParseError::InvalidLine => {
            "expected a `[section]` header, a `key = value` pair, or a comment (`#` or `;`)"
                .to_owned()
        }
        ParseError::Io(e) if e.kind() == ErrorKind::InvalidData => {
            "the line is not valid UTF-8".to_owned()
        }
        ParseError::EmptyCharClass => "empty character class `[]` in a section header".to_owned(),
        other => other.to_string(),
    };
    ConfigError::Parse {
        path: path.to_path_buf(),
        line,
        reason,
    }
}

/// Makes `path` absolute (joined onto the current directory) and removes `.` and `..`
/// components lexically. Does not touch the file system or resolve symlinks.
pub(crate) fn absolute(path: &Path) -> Result<PathBuf, ConfigError> {
    let joined;
    let path = if path.is_absolute() {
        path
    } else {
        let cwd = std::env::current_dir().map_err(|error| ConfigError::CurrentDir { error })?;
        joined = cwd.join(path);
        &joined
    };
    let mut normalized = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                // `pop` keeps the root: `/..` is `/`.
                normalized.pop();
            }
            other => normalized.push(other),
        }
    }
    Ok(normalized)
}
