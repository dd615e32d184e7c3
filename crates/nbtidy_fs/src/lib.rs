//! Every file nbtidy reads, read the same way: notebooks, `.editorconfig`, ignore files, stdin.
//!
//! 1. **Regular files only.** A path is opened with `O_NONBLOCK` and checked with `fstat` on the
//!    open file: a FIFO, a socket or a device (`/dev/zero`, directly or through a symlink) is
//!    refused with what it is, never read (opening a FIFO would wait for a writer forever, and
//!    `/dev/zero` never ends). The check is on the open file, so it cannot race with a rename.
//! 2. **Bounded size.** Each kind of file has a limit ([`NOTEBOOK_LIMIT`], [`SETTINGS_LIMIT`]);
//!    reading stops one byte past it, so even a file that grows while it is read, or a `/proc`
//!    file whose size says 0, costs at most the limit.
//! 3. **Writes** ([`write::replace`]) are atomic and keep the file what it is: see [`write`].
//! 4. **Pre-checks for files others read.** [`check_regular`] tells, without reading, whether a
//!    file that a library will open (the `ignore` crate's `.gitignore`) is safe to open.

pub mod write;

use std::fs::File;
use std::io::Read as _;
use std::os::unix::fs::{FileTypeExt as _, OpenOptionsExt as _};
use std::path::Path;

/// The largest notebook nbtidy reads (1 GiB): ruff's parser takes sources up to 4 GiB, and
/// nbtidy holds a notebook and its rewrite in memory.
pub const NOTEBOOK_LIMIT: u64 = 1 << 30;

/// The largest settings or ignore file nbtidy reads (16 MiB; real ones are a few KiB).
pub const SETTINGS_LIMIT: u64 = 16 << 20;

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The path is not a regular file (after following symlinks): what it is instead.
    #[error("not a regular file ({0})")]
    NotRegular(&'static str),
    /// The file is larger than the limit for its kind.
    #[error("the file is larger than {}", human_size(*limit))]
    TooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// Opening or reading failed.
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
}

/// `1 GiB`, `16 MiB`, `512 bytes`.
pub fn human_size(bytes: u64) -> String {
    if bytes >= 1 << 30 && bytes.is_multiple_of(1 << 30) {
        format!("{} GiB", bytes >> 30)
    } else if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else if bytes >= 1 << 10 && bytes.is_multiple_of(1 << 10) {
        format!("{} KiB", bytes >> 10)
    } else {
        format!("{bytes} bytes")
    }
}

/// What a non-regular file is, for messages.
fn kind_of(kind: std::fs::FileType) -> &'static str {
    if kind.is_dir() {
        "a directory"
    } else if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else {
        "not a file"
    }
}

/// Opens `path` for reading if it is a regular file, without ever blocking.
///
/// # Errors
/// [`ReadError::NotRegular`] for anything but a regular file (a socket too, which cannot be
/// opened at all), [`ReadError::Io`] when it cannot be opened.
pub fn open_regular(path: &Path) -> Result<File, ReadError> {
    let file = match std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
    {
        Ok(file) => file,
        Err(error) => {
            // A socket cannot be opened (ENXIO): say what it is, as for a FIFO.
            if let Ok(metadata) = std::fs::metadata(path)
                && !metadata.is_file()
                && !metadata.is_dir()
            {
                return Err(ReadError::NotRegular(kind_of(metadata.file_type())));
            }
            return Err(ReadError::Io(error));
        }
    };
    let kind = file.metadata()?.file_type();
    if kind.is_file() {
        Ok(file)
    } else {
        Err(ReadError::NotRegular(kind_of(kind)))
    }
}

/// Reads all of `file` into `buffer` (appending), failing past `limit` bytes.
///
/// # Errors
/// [`ReadError::TooLarge`] past the limit, [`ReadError::Io`] when reading fails.
pub fn read_limited(
    mut reader: impl std::io::Read,
    limit: u64,
    buffer: &mut Vec<u8>,
) -> Result<(), ReadError> {
    let start = buffer.len();
    (&mut reader)
        .take(limit.saturating_add(1))
        .read_to_end(buffer)?;
    if (buffer.len() - start) as u64 > limit {
        buffer.truncate(start);
        return Err(ReadError::TooLarge { limit });
    }
    Ok(())
}

/// Reads the regular file at `path`, at most `limit` bytes.
///
/// # Errors
/// See [`open_regular`] and [`read_limited`].
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let mut bytes = Vec::new();
    read_regular_into(path, limit, &mut bytes)?;
    Ok(bytes)
}

/// Reads the regular file at `path` into `buffer` (cleared first), at most `limit` bytes.
///
/// # Errors
/// See [`open_regular`] and [`read_limited`].
pub fn read_regular_into(path: &Path, limit: u64, buffer: &mut Vec<u8>) -> Result<(), ReadError> {
    let file = open_regular(path)?;
    buffer.clear();
    // One allocation of the right size when the size is known.
    if let Ok(metadata) = file.metadata() {
        let size = metadata.len().min(limit);
        buffer.reserve(usize::try_from(size).unwrap_or(0).saturating_add(1));
    }
    read_limited(file, limit, buffer)
}

/// Whether the file at `path` (following symlinks) is safe for a library to open and read:
/// `Ok(false)` when there is nothing there, `Ok(true)` for a regular file within `limit`.
///
/// # Errors
/// [`ReadError::NotRegular`] or [`ReadError::TooLarge`] when reading it would block, never end
/// or cost too much; [`ReadError::Io`] when it cannot be examined (permission denied, a symlink
/// loop), other than not existing.
pub fn check_regular(path: &Path, limit: u64) -> Result<bool, ReadError> {
    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(error)
            if matches!(
                error.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
            ) =>
        {
            // A dangling symlink is "nothing there" for the library too.
            return Ok(false);
        }
        Err(error) => return Err(ReadError::Io(error)),
    };
    if !metadata.is_file() {
        return Err(ReadError::NotRegular(kind_of(metadata.file_type())));
    }
    if metadata.len() > limit {
        return Err(ReadError::TooLarge { limit });
    }
    Ok(true)
}

#[cfg(test)]
mod tests;
