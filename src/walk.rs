//! Finding the notebooks to work on.
//!
//! 1. A file named on the command line is always processed, whatever its name or the exclusions.
//! 2. A directory is walked in parallel with the `ignore` crate: `.gitignore`, `.ignore` and git's
//!    global excludes are respected, hidden files and directories (`.git`, `.ipynb_checkpoints`)
//!    are skipped, and only `*.ipynb` files are taken.
//! 3. `--exclude` globs are matched against the path relative to the walked directory and against
//!    each of its components, so `--exclude drafts` and `--exclude 'drafts/*.ipynb'` both work.
//! 4. The result is sorted and deduplicated, so output order never depends on thread timing.

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
    /// Paths named on the command line that cannot be read (`path: reason`).
    pub errors: Vec<String>,
}

/// The notebooks under `paths`, sorted; a path that cannot be read is reported, the others
/// are still walked.
pub fn notebooks(paths: &[PathBuf], exclude: &GlobSet) -> Found {
    let found = Mutex::new(Vec::new());
    let mut errors = Vec::new();
    for path in paths {
        let metadata = match std::fs::metadata(path) {
            Ok(metadata) => metadata,
            Err(err) => {
                errors.push(format!("{}: cannot read: {err}", path.display()));
                continue;
            }
        };
        if !metadata.is_dir() {
            found
                .lock()
                .expect("no panics while locked")
                .push(tidy(path));
            continue;
        }
        let root = path.clone();
        WalkBuilder::new(path)
            .hidden(true)
            .git_ignore(true)
            .git_global(true)
            .git_exclude(true)
            .ignore(true)
            .parents(true)
            .require_git(false)
            .build_parallel()
            .run(|| {
                let found = &found;
                let root = &root;
                Box::new(move |entry| {
                    let Ok(entry) = entry else {
                        return WalkState::Continue;
                    };
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
                        found
                            .lock()
                            .expect("no panics while locked")
                            .push(tidy(entry.path()));
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
    Found {
        notebooks: found,
        errors,
    }
}

/// `./a.ipynb` → `a.ipynb`, for messages.
fn tidy(path: &Path) -> PathBuf {
    path.strip_prefix(".")
        .ok()
        .filter(|rest| !rest.as_os_str().is_empty())
        .map_or_else(|| path.to_path_buf(), Path::to_path_buf)
}
