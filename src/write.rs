//! Writing a notebook safely.
//!
//! 1. The new bytes go to a temporary file in the target's directory, which is flushed to disk
//!    and then renamed over the target: a reader sees the old file or the new one, never half.
//! 2. The target's permissions are copied to the new file.
//! 3. A symlink is written through: its target is replaced, the link itself stays a link.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Atomically replaces the file at `path` (following symlinks) with `bytes`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let target = resolve_symlinks(path)?;
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let permissions = std::fs::metadata(&target)
        .with_context(|| format!("{}: cannot read metadata", target.display()))?
        .permissions();
    let mut temp = tempfile::Builder::new()
        .prefix(".nbtidy-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .with_context(|| format!("{}: cannot create a temporary file", dir.display()))?;
    temp.write_all(bytes)
        .and_then(|()| temp.as_file().sync_data())
        .with_context(|| format!("{}: cannot write", temp.path().display()))?;
    std::fs::set_permissions(temp.path(), permissions)
        .with_context(|| format!("{}: cannot set permissions", temp.path().display()))?;
    temp.persist(&target)
        .with_context(|| format!("{}: cannot replace the file", target.display()))?;
    Ok(())
}

fn resolve_symlinks(path: &Path) -> Result<PathBuf> {
    let is_link = std::fs::symlink_metadata(path)
        .with_context(|| format!("{}: cannot read", path.display()))?
        .file_type()
        .is_symlink();
    if is_link {
        std::fs::canonicalize(path).with_context(|| format!("{}: broken symlink", path.display()))
    } else {
        Ok(path.to_path_buf())
    }
}
