//! Writing a notebook safely.
//!
//! 1. A read-only file is an error, never silently replaced: the rename below would otherwise
//!    succeed whenever the directory is writable.
//! 2. The new bytes go to a temporary file in the target's directory (`.nbtidy-XXXXXX.tmp`, a
//!    hidden name the walk skips), which is flushed to disk (`fsync`) and then renamed over the
//!    target, and the directory is synced: a reader, or a crash or kill at any moment, sees the old
//!    file or the new one, never a mix. A kill can leave the temporary file behind, never a
//!    damaged notebook.
//! 3. Just before the rename, the file on disk is read again and compared with the bytes the new
//!    content was computed from: if another program (an editor's autosave) changed it in between,
//!    nothing is written and the change is reported. The remaining window is the time between that
//!    comparison and the rename, microseconds.
//! 4. The target's permissions are copied to the new file.
//! 5. A symlink is written through: its target is replaced, the link itself stays a link.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// Atomically replaces the file at `path` (following symlinks) with `bytes`, if it still holds
/// `original`.
pub fn write_atomic(path: &Path, original: &[u8], bytes: &[u8]) -> Result<()> {
    let target = resolve_symlinks(path)?;
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let permissions = std::fs::metadata(&target)
        .with_context(|| format!("cannot read the metadata of {}", target.display()))?
        .permissions();
    if permissions.readonly() {
        bail!("the file is read-only, not modified (make it writable to let nbtidy change it)");
    }
    // Opening for writing (without truncating or writing) asks the OS whether we may write it.
    std::fs::OpenOptions::new()
        .write(true)
        .open(&target)
        .context("the file is not writable, not modified")?;
    let mut temp = tempfile::Builder::new()
        .prefix(".nbtidy-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .with_context(|| {
            format!(
                "cannot create a temporary file in {} (the notebook is not modified)",
                dir.display()
            )
        })?;
    temp.write_all(bytes)
        .and_then(|()| temp.as_file().sync_all())
        .with_context(|| {
            format!(
                "cannot write {} (the notebook is not modified)",
                temp.path().display()
            )
        })?;
    std::fs::set_permissions(temp.path(), permissions)
        .with_context(|| format!("cannot set the permissions of {}", temp.path().display()))?;
    test_hook_before_replace();
    let unchanged = holds(&target, original)
        .with_context(|| format!("cannot read {} again", target.display()))?;
    if !unchanged {
        bail!(
            "the file changed on disk while nbtidy was working on it (another program wrote it), \
             not overwritten; run nbtidy again"
        );
    }
    temp.persist(&target)
        .with_context(|| format!("cannot replace {}", target.display()))?;
    // Make the rename itself durable. Directories that cannot be opened or synced (some network
    // file systems) do not make the write fail: the file is already in place.
    if let Ok(dir) = std::fs::File::open(&dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Whether the file at `path` holds exactly `expected`, read in small chunks (a second copy of a
/// 100 MB notebook in memory would be a third of the run's peak).
fn holds(path: &Path, expected: &[u8]) -> std::io::Result<bool> {
    use std::io::Read as _;
    let mut file = std::fs::File::open(path)?;
    if file.metadata()?.len() != expected.len() as u64 {
        return Ok(false);
    }
    let mut buffer = vec![0; 64 * 1024];
    let mut at = 0;
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            return Ok(at == expected.len());
        }
        if expected.get(at..at + read) != Some(&buffer[..read]) {
            return Ok(false);
        }
        at += read;
    }
}

fn resolve_symlinks(path: &Path) -> Result<PathBuf> {
    let is_link = std::fs::symlink_metadata(path)
        .with_context(|| format!("cannot read {}", path.display()))?
        .file_type()
        .is_symlink();
    if is_link {
        std::fs::canonicalize(path).context("broken symlink")
    } else {
        Ok(path.to_path_buf())
    }
}

/// For the concurrent-modification test (`tests/cli_reliability.rs`): when
/// `NBTIDY_TEST_HOOK_BEFORE_REPLACE` names a path P, create `P.ready` and wait (up to 30 s) for
/// `P.go` to exist, so the test can change the notebook between our read and our rename.
fn test_hook_before_replace() {
    let Some(base) = std::env::var_os("NBTIDY_TEST_HOOK_BEFORE_REPLACE") else {
        return;
    };
    let with_suffix = |suffix: &str| {
        let mut path = base.clone();
        path.push(suffix);
        PathBuf::from(path)
    };
    let _ = std::fs::write(with_suffix(".ready"), b"");
    let go = with_suffix(".go");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !go.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}
