//! Finding the notebooks to work on.
//!
//! 1. A file named on the command line is always processed, whatever its name or the exclusions.
//! 2. A directory is walked in parallel with the `ignore` crate: `.gitignore`, `.ignore` and git's
//!    global excludes are respected, hidden files and directories (`.git`, `.ipynb_checkpoints`)
//!    are skipped, and only `*.ipynb` files are taken.
//! 3. `--exclude` globs are matched against the path relative to the walked directory and against
//!    each of its components, so `--exclude drafts` and `--exclude 'drafts/*.ipynb'` both work.
//! 4. The result is sorted and deduplicated, so output order never depends on thread timing.
//! 5. Every problem is reported, never skipped silently: a directory that cannot be read, a path
//!    too long for the system, an ignore file that cannot be read.
//! 6. The ignore files the `ignore` crate will read (`.gitignore`, `.ignore`, `.git` and
//!    `.git/info/exclude` of each directory and of the roots' ancestors, and git's global
//!    configuration and excludes) are checked first with `nbtidy_fs::check_regular`: a FIFO or a
//!    device there would block the walk or never end. A directory with such a file is not
//!    walked, and the problem is an error.

use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, Result};
use globset::{Glob, GlobSet, GlobSetBuilder};
use ignore::{WalkBuilder, WalkState};

/// Builds the exclusion matcher from `--exclude` globs.
pub fn exclusions(globs: &[String]) -> Result<GlobSet> {
    let mut builder = GlobSetBuilder::new();
    for glob in globs {
        let trimmed = glob.trim_end_matches('/');
        builder
            .add(Glob::new(trimmed).with_context(|| format!("invalid --exclude glob `{glob}`"))?);
    }
    Ok(builder.build()?)
}

fn is_excluded(exclude: &GlobSet, relative: &Path) -> bool {
    if exclude.is_empty() {
        return false;
    }
    exclude.is_match(relative)
        || relative
            .components()
            .any(|component| exclude.is_match(Path::new(component.as_os_str())))
}

/// What the walk found.
#[derive(Debug, Default)]
pub struct Found {
    /// Notebooks to process, sorted, each file once.
    pub notebooks: Vec<PathBuf>,
    /// Paths that cannot be read or walked, sorted by message.
    pub errors: Vec<WalkError>,
}

/// A path that cannot be read or walked.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct WalkError {
    /// The whole message (`path: reason`, or `problem; path is not walked`).
    pub text: String,
    /// The path concerned, as shown (empty when the error names none).
    pub path: String,
}

impl WalkError {
    fn new(path: &Path, text: String) -> Self {
        WalkError {
            text,
            path: path.display().to_string(),
        }
    }
}

/// The ignore files the `ignore` crate reads in a directory, relative to it.
const IGNORE_FILES: [&str; 4] = [".gitignore", ".ignore", ".git", ".git/info/exclude"];

/// A problem with an ignore file of `dir` that would make reading it block, never end or cost
/// too much (`path: reason`).
fn unsafe_ignore_file(dir: &Path) -> Option<String> {
    IGNORE_FILES.iter().find_map(|name| {
        let path = dir.join(name);
        // `.git` is usually a directory (a worktree's is a file naming the real one).
        if *name == ".git" && path.is_dir() {
            return None;
        }
        hazard(&path)
    })
}

/// `path: reason` when reading `path` would block, never end or cost too much. A file that
/// cannot be read for another reason (permissions) is left to the `ignore` crate, which reports
/// it (a directory's) or goes on without it (git's global files), as git does.
fn hazard(path: &Path) -> Option<String> {
    match nbtidy_fs::check_regular(path, nbtidy_fs::SETTINGS_LIMIT) {
        Ok(_) | Err(nbtidy_fs::ReadError::Io(_)) => None,
        Err(err) => Some(format!("{}: {err}", path.display())),
    }
}

/// git's global files the `ignore` crate reads for `core.excludesFile` (and the default excludes
/// file), when they are unsafe to read.
fn unsafe_global_file() -> Option<String> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|dir| dir.is_absolute())
        .or_else(|| home.as_ref().map(|home| home.join(".config")));
    let candidates = [
        home.as_ref().map(|home| home.join(".gitconfig")),
        config.as_ref().map(|dir| dir.join("git/config")),
        config.as_ref().map(|dir| dir.join("git/ignore")),
    ];
    candidates
        .into_iter()
        .flatten()
        .find_map(|path| hazard(&path))
}

/// Why `root` cannot be walked safely: an unsafe ignore file in it or one of its ancestors.
fn unsafe_root(root: &Path) -> Option<String> {
    let absolute = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    absolute.ancestors().find_map(unsafe_ignore_file)
}

/// The notebooks under `paths`, sorted; a path that cannot be read is reported, the others
/// are still walked.
pub fn notebooks(paths: &[PathBuf], exclude: &GlobSet) -> Found {
    let found = Mutex::new(Vec::new());
    let errors = std::sync::Arc::new(Mutex::new(Vec::new()));
    let global = std::cell::OnceCell::new();
    for path in paths {
        let metadata = match std::fs::metadata(path) {
            Ok(metadata) => metadata,
            Err(err) => {
                lock(&errors).push(WalkError::new(
                    path,
                    format!("{}: cannot read: {err}", path.display()),
                ));
                continue;
            }
        };
        if !metadata.is_dir() {
            lock(&found).push(tidy(path));
            continue;
        }
        if let Some(problem) = global.get_or_init(unsafe_global_file) {
            lock(&errors).push(WalkError::new(
                path,
                format!(
                    "{problem}; {} is not walked (git's global excludes cannot be read)",
                    path.display()
                ),
            ));
            continue;
        }
        if let Some(problem) = unsafe_root(path) {
            lock(&errors).push(WalkError::new(
                path,
                format!("{problem}; {} is not walked", path.display()),
            ));
            continue;
        }
        let root = path.clone();
        let errors_in_walk = std::sync::Arc::clone(&errors);
        WalkBuilder::new(path)
            .hidden(true)
            .git_ignore(true)
            .git_global(true)
            .git_exclude(true)
            .ignore(true)
            .parents(true)
            .require_git(false)
            // Runs before the `ignore` crate reads a directory's ignore files.
            .filter_entry(move |entry| {
                if !entry.file_type().is_some_and(|t| t.is_dir()) {
                    return true;
                }
                match unsafe_ignore_file(entry.path()) {
                    None => true,
                    Some(problem) => {
                        let path = tidy(entry.path());
                        lock(&errors_in_walk).push(WalkError::new(
                            &path,
                            format!("{problem}; {} is not walked", path.display()),
                        ));
                        false
                    }
                }
            })
            .build_parallel()
            .run(|| {
                let found = &found;
                let errors = &errors;
                let root = &root;
                Box::new(move |entry| {
                    let entry = match entry {
                        Ok(entry) => entry,
                        Err(err) => {
                            lock(errors).push(walk_error(&err));
                            return WalkState::Continue;
                        }
                    };
                    // A problem with this directory's ignore files (unreadable, say).
                    if let Some(err) = entry.error() {
                        lock(errors).push(walk_error(err));
                    }
                    let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
                    if entry.depth() > 0 && is_excluded(exclude, relative) {
                        return WalkState::Skip;
                    }
                    // Anything but a directory: a FIFO or a device named `x.ipynb` is taken too,
                    // and the reader reports it as skipped (it never opens one blocking).
                    let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
                    if !is_dir
                        && entry.path().extension().is_some_and(|ext| ext == "ipynb")
                        && !entry.path().is_dir()
                    {
                        lock(found).push(tidy(entry.path()));
                    }
                    WalkState::Continue
                })
            });
    }
    let mut found = found.into_inner().expect("no panics while locked");
    found.sort();
    found.dedup();
    // The same file reached twice (`a.ipynb` and `./a.ipynb`, or through a symlink) is processed
    // once: two threads must never rewrite one file. Files are told apart by device and inode
    // (one `stat` each, following symlinks); a path that cannot be read is kept, to be reported.
    if found.len() > 1 {
        let mut seen = std::collections::HashSet::new();
        found.retain(|path| {
            std::fs::metadata(path).map_or(true, |m| seen.insert((m.dev(), m.ino())))
        });
    }
    let mut errors = std::mem::take(&mut *lock(&errors));
    errors.sort();
    errors.dedup();
    Found {
        notebooks: found,
        errors,
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().expect("no panics while locked")
}

/// A walk error as `path: reason` (the `ignore` crate puts the path first already).
fn walk_error(err: &ignore::Error) -> WalkError {
    let text = err.to_string();
    // `IO error for operation on PATH: REASON` reads better as `PATH: cannot read: REASON`.
    let (text, path) = match text.strip_prefix("IO error for operation on ") {
        Some(rest) => match rest.split_once(": ") {
            Some((path, reason)) => (format!("{path}: cannot read: {reason}"), path.to_owned()),
            None => (rest.to_owned(), String::new()),
        },
        None => (text, String::new()),
    };
    WalkError { text, path }
}

/// `./a.ipynb` → `a.ipynb`, for messages.
fn tidy(path: &Path) -> PathBuf {
    path.strip_prefix(".")
        .ok()
        .filter(|rest| !rest.as_os_str().is_empty())
        .map_or_else(|| path.to_path_buf(), Path::to_path_buf)
}
