//! Reading notebooks: regular files only, never blocking, into a buffer reused per thread.
//!
//! 1. A path is opened with `O_NONBLOCK` and checked with `fstat` on the open file: a FIFO, a
//!    socket or a device named `x.ipynb` is skipped (opening a FIFO would otherwise wait for a
//!    writer forever, and `/dev/zero` would never end), and the check cannot race with a rename.
//! 2. Notebooks are read whole; a fresh `Vec` per file makes the allocator map (and the kernel
//!    zero) new pages for every file, which showed up as a tenth of `check`'s time on the corpus.

use std::cell::RefCell;
use std::fs::File;
use std::io::Read as _;
use std::os::unix::fs::{FileTypeExt as _, OpenOptionsExt as _};
use std::path::Path;

thread_local! {
    static BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Why a notebook was not read.
#[derive(Debug)]
pub enum ReadError {
    /// The path is not a regular file (after following symlinks): what it is instead.
    NotRegular(&'static str),
    /// Opening or reading failed.
    Io(std::io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NotRegular(kind) => write!(f, "not a regular file ({kind}), skipped"),
            ReadError::Io(err) => write!(f, "cannot read: {err}"),
        }
    }
}

/// Opens `path` for reading if it is a regular file.
fn open_regular(path: &Path) -> Result<File, ReadError> {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(ReadError::Io)?;
    let kind = file.metadata().map_err(ReadError::Io)?.file_type();
    if kind.is_file() {
        return Ok(file);
    }
    Err(ReadError::NotRegular(if kind.is_dir() {
        "a directory"
    } else if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else {
        "not a file"
    }))
}

/// Reads the whole regular file at `path` into a new buffer.
pub fn read(path: &Path) -> Result<Vec<u8>, ReadError> {
    let mut bytes = Vec::new();
    open_regular(path)?
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    Ok(bytes)
}

/// Reads the regular file at `path` and runs `work` on its bytes, in this thread's reusable
/// buffer.
pub fn with_file<R>(path: &Path, work: impl FnOnce(&[u8]) -> R) -> Result<R, ReadError> {
    let mut file = open_regular(path)?;
    BUFFER.with(|buffer| {
        // A nested call (not done today) would find the buffer borrowed: use a fresh one then.
        let Ok(mut buffer) = buffer.try_borrow_mut() else {
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes).map_err(ReadError::Io)?;
            return Ok(work(&bytes));
        };
        buffer.clear();
        file.read_to_end(&mut buffer).map_err(ReadError::Io)?;
        let result = work(&buffer);
        // Keep the buffer for the next file, but do not hold on to a huge one.
        if buffer.capacity() > 64 << 20 {
            *buffer = Vec::new();
        }
        Ok(result)
    })
}
