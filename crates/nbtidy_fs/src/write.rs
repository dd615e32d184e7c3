//! Replacing a notebook safely, keeping what the file is, not only what it says.
//!
//! 1. A read-only file is an error, never silently replaced: a rename would succeed whenever the
//!    directory is writable.
//! 2. **Replace by rename** (the usual way): the new bytes go to a temporary file in the target's
//!    directory (`.nbtidy-XXXXXX.tmp`, a hidden name the walk skips), which gets the target's
//!    permissions, owner and group, and extended attributes (ACLs included), is flushed to disk
//!    (`fsync`) and renamed over the target; then the directory is synced. A reader, a crash or a
//!    kill at any moment sees the old file or the new one, never a mix.
//! 3. **Write in place** when a new file could not be the same file: the target has other hard
//!    links (a rename would split them: the other names would keep the old content), or its owner,
//!    group or extended attributes cannot be given to a new file (another user's file that we may
//!    write). The old bytes are first saved to a temporary file beside it (`fsync`ed), then the
//!    target is overwritten, truncated and `fsync`ed, then the copy is removed. A kill during the
//!    overwrite leaves that copy, holding the old notebook, never a notebook with nothing to
//!    recover it from. This is what editors do (Vim's `backupcopy=auto`).
//! 4. **Concurrent changes win.** Before replacing, the target is compared with the bytes the new
//!    content was computed from (content, read in 64 KiB chunks), and its identity and times
//!    (device, inode, size, modification and change times) are taken before that comparison and
//!    checked again right before the rename or overwrite: a write during the comparison changes
//!    them. If anything changed, nothing is written. The remaining window is between that last
//!    `stat` and the rename (see `docs/reliability.md` for the measured figure).
//! 5. A symlink is written through: its target is replaced, the link itself stays a link.
//! 6. Signals: while a write is under way, [`guard`] holds a process-wide lock, and the CLI's
//!    signal handler takes it before it removes the temporary files and exits, so SIGINT, SIGTERM
//!    or SIGHUP never leave a temporary file or a half-written notebook behind.

use std::collections::HashSet;
use std::fs::{File, Metadata};
use std::io::{Read as _, Seek as _, Write as _};
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Why a notebook was not replaced. Its message is written for users; the notebook is unchanged
/// in every case but an error while overwriting in place, which says so.
#[derive(Debug)]
pub struct WriteError {
    message: String,
    source: Option<std::io::Error>,
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.source {
            Some(source) => write!(f, "{}: {source}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for WriteError {}

fn error(message: impl Into<String>) -> WriteError {
    WriteError {
        message: message.into(),
        source: None,
    }
}

fn io_error(message: impl Into<String>) -> impl FnOnce(std::io::Error) -> WriteError {
    let message = message.into();
    move |source| WriteError {
        message,
        source: Some(source),
    }
}

/// The temporary files being written, and the lock held while a write must not be interrupted.
static IN_FLIGHT: Mutex<Option<HashSet<PathBuf>>> = Mutex::new(None);

fn in_flight() -> std::sync::MutexGuard<'static, Option<HashSet<PathBuf>>> {
    IN_FLIGHT
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Takes the write lock (waiting for a write under way to finish), removes every temporary file
/// being written and keeps the lock, so no new write starts. For signal handlers, just before the
/// process exits.
pub fn abandon_writes() {
    let mut guard = in_flight();
    for path in guard.take().unwrap_or_default() {
        let _ = std::fs::remove_file(path);
    }
    std::mem::forget(guard);
}

/// What runs once, before the first temporary file is made ([`before_first_write`]).
static FIRST_WRITE: std::sync::OnceLock<fn()> = std::sync::OnceLock::new();
static FIRST_WRITE_DONE: std::sync::Once = std::sync::Once::new();

/// Sets `hook` to run once, just before the first write of the process starts (a program that
/// writes nothing never runs it): the CLI installs its signal handling there, which calls
/// [`abandon_writes`]. A signal before it finds no temporary file to remove.
pub fn before_first_write(hook: fn()) {
    let _ = FIRST_WRITE.set(hook);
}

/// A temporary file registered for removal by [`abandon_writes`].
struct Registered(PathBuf);

impl Registered {
    fn new(path: &Path) -> Self {
        in_flight()
            .get_or_insert_with(HashSet::new)
            .insert(path.to_path_buf());
        Registered(path.to_path_buf())
    }
}

impl Drop for Registered {
    fn drop(&mut self) {
        if let Some(set) = in_flight().as_mut() {
            set.remove(&self.0);
        }
    }
}

/// The identity and times of a file: any write changes them.
#[derive(Debug, PartialEq, Eq)]
struct Stamp {
    dev: u64,
    ino: u64,
    size: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
}

impl Stamp {
    fn of(metadata: &Metadata) -> Self {
        Stamp {
            dev: metadata.dev(),
            ino: metadata.ino(),
            size: metadata.size(),
            mtime: (metadata.mtime(), metadata.mtime_nsec()),
            ctime: (metadata.ctime(), metadata.ctime_nsec()),
        }
    }
}

const CHANGED: &str = "the file changed on disk while nbtidy was working on it (another program \
                       wrote it), not overwritten; run nbtidy again";

/// Atomically replaces the file at `path` (following symlinks) with `bytes`, if it still holds
/// `original`; writes in place when a rename could not keep the file what it is (see the module
/// docs).
///
/// # Errors
/// A [`WriteError`] naming what failed; the notebook is not modified.
pub fn replace(path: &Path, original: &[u8], bytes: &[u8]) -> Result<(), WriteError> {
    replace_with(path, original, bytes, true)
}

/// [`replace`] without `fsync`: still atomic for readers (and every check is made), but not
/// durable across a power loss. For temporary files another program hands over and reads right
/// back, where waiting for the disk is pure cost: git's merge driver result (`%A`).
///
/// # Errors
/// A [`WriteError`] naming what failed; the file is not modified.
pub fn replace_temporary(path: &Path, original: &[u8], bytes: &[u8]) -> Result<(), WriteError> {
    replace_with(path, original, bytes, false)
}

fn replace_with(
    path: &Path,
    original: &[u8],
    bytes: &[u8],
    durable: bool,
) -> Result<(), WriteError> {
    let target = resolve_symlinks(path)?;
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let metadata = std::fs::metadata(&target).map_err(io_error(format!(
        "cannot read the metadata of {}",
        target.display()
    )))?;
    if metadata.permissions().readonly() {
        return Err(error(
            "the file is read-only, not modified (make it writable to let nbtidy change it)",
        ));
    }
    // Opening for writing (without truncating or writing) asks the OS whether we may write it.
    let writable = std::fs::OpenOptions::new()
        .write(true)
        .open(&target)
        .map_err(io_error("the file is not writable, not modified"))?;
    FIRST_WRITE_DONE.call_once(|| {
        if let Some(hook) = FIRST_WRITE.get() {
            hook();
        }
    });
    let temp = tempfile::Builder::new()
        .prefix(".nbtidy-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(io_error(format!(
            "cannot create a temporary file in {} (the notebook is not modified)",
            dir.display()
        )))?;
    let registered = Registered::new(temp.path());
    let in_place =
        metadata.nlink() > 1 || !same_file_attributes(temp.as_file(), &target, &metadata);
    let content = if in_place { original } else { bytes };
    let mut file = temp.as_file();
    file.write_all(content)
        .and_then(|()| if durable { file.sync_all() } else { Ok(()) })
        .map_err(io_error(format!(
            "cannot write {} (the notebook is not modified)",
            temp.path().display()
        )))?;
    test_hook("NBTIDY_TEST_HOOK_BEFORE_REPLACE");
    let before = Stamp::of(
        &std::fs::metadata(&target)
            .map_err(io_error(format!("cannot read {} again", target.display())))?,
    );
    let unchanged = holds(&target, original)
        .map_err(io_error(format!("cannot read {} again", target.display())))?;
    test_hook("NBTIDY_TEST_HOOK_AFTER_COMPARE");
    // From here to the rename or overwrite, no signal handler may remove the temporary file
    // (nor stop an overwrite half-way): they wait for this lock.
    let mut lock = in_flight();
    let now = std::fs::metadata(&target).map(|m| Stamp::of(&m)).ok();
    if !unchanged || now.as_ref() != Some(&before) {
        drop(lock);
        return Err(error(CHANGED));
    }
    let temp_path = temp.path().to_path_buf();
    let result = if in_place {
        let result = overwrite(writable, bytes, original, durable);
        match &result {
            // The saved copy of the old bytes is not needed any more.
            Ok(()) => drop(temp.close()),
            // It is the only complete copy of the notebook now: keep it.
            Err(err) if err.message.contains("could not be put back") => drop(temp.keep()),
            Err(_) => drop(temp.close()),
        }
        result
    } else {
        drop(writable);
        temp.persist(&target).map(|_| ()).map_err(|err| WriteError {
            message: format!("cannot replace {}", target.display()),
            source: Some(err.error),
        })
    };
    if let Some(set) = lock.as_mut() {
        set.remove(&temp_path);
    }
    drop(lock);
    std::mem::forget(registered);
    result?;
    // Make the rename durable. Directories that cannot be opened or synced (some network file
    // systems) do not make the write fail: the file is already in place.
    if durable && let Ok(dir) = File::open(&dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Overwrites `file` with `bytes` from the start and cuts it to that length. On failure it tries
/// to put `original` back.
fn overwrite(
    mut file: File,
    bytes: &[u8],
    original: &[u8],
    durable: bool,
) -> Result<(), WriteError> {
    let write = |file: &mut File, content: &[u8]| -> std::io::Result<()> {
        file.rewind()?;
        file.write_all(content)?;
        file.set_len(content.len() as u64)?;
        if durable { file.sync_all() } else { Ok(()) }
    };
    write(&mut file, bytes).map_err(|err| {
        let restored = write(&mut file, original).is_ok();
        WriteError {
            message: if restored {
                "cannot write the notebook in place (it is not modified)".to_owned()
            } else {
                "cannot write the notebook in place, and the old content could not be put back \
                 (it is in the hidden .nbtidy-*.tmp file beside it)"
                    .to_owned()
            },
            source: Some(err),
        }
    })
}

/// Gives the new file `temp` the target's permissions, owner, group and extended attributes;
/// `false` when any of them cannot be given (then the target is written in place).
fn same_file_attributes(temp: &File, target: &Path, metadata: &Metadata) -> bool {
    if temp.set_permissions(metadata.permissions()).is_err() {
        return false;
    }
    let created = temp.metadata().ok();
    let owner_differs = created
        .as_ref()
        .is_none_or(|m| m.uid() != metadata.uid() || m.gid() != metadata.gid());
    if owner_differs
        && std::os::unix::fs::fchown(temp, Some(metadata.uid()), Some(metadata.gid())).is_err()
    {
        return false;
    }
    // fchown may clear set-user-ID and set-group-ID bits: set the mode again.
    if owner_differs && temp.set_permissions(metadata.permissions()).is_err() {
        return false;
    }
    copy_xattrs(target, temp)
}

/// Copies every extended attribute of `from` to `to`; `false` when one cannot be copied. A file
/// system without extended attributes has none to copy.
fn copy_xattrs(from: &Path, to: &File) -> bool {
    use xattr::FileExt as _;
    let names = match xattr::list(from) {
        Ok(names) => names,
        Err(err) if err.raw_os_error() == Some(libc::ENOTSUP) => return true,
        Err(_) => return false,
    };
    for name in names {
        match xattr::get(from, &name) {
            Ok(Some(value)) => {
                if to.set_xattr(&name, &value).is_err() {
                    return false;
                }
            }
            Ok(None) => {}
            Err(_) => return false,
        }
    }
    true
}

/// Whether the file at `path` holds exactly `expected`, read in small chunks (a second copy of a
/// 100 MB notebook in memory would be a third of the run's peak).
fn holds(path: &Path, expected: &[u8]) -> std::io::Result<bool> {
    let mut file = File::open(path)?;
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

fn resolve_symlinks(path: &Path) -> Result<PathBuf, WriteError> {
    let is_link = std::fs::symlink_metadata(path)
        .map_err(io_error(format!("cannot read {}", path.display())))?
        .file_type()
        .is_symlink();
    if is_link {
        std::fs::canonicalize(path).map_err(io_error("broken symlink"))
    } else {
        Ok(path.to_path_buf())
    }
}

/// For the reliability tests (`tests/cli_reliability.rs`, `tests/hostile_input.rs`): when the
/// environment variable `hook` names a path P, create `P.ready` and wait (up to 30 s) for `P.go`
/// to exist, so a test can act between two steps of a write. Hooks: `..._BEFORE_REPLACE` (the
/// temporary file is written, nothing compared yet), `..._AFTER_COMPARE` (the content compared,
/// the identity not yet checked again).
fn test_hook(hook: &str) {
    let Some(base) = std::env::var_os(hook) else {
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
