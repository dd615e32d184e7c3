//! Reading notebooks (`nbtidy_fs`: regular files only, never blocking, at most
//! [`nbtidy_fs::NOTEBOOK_LIMIT`]) into a buffer reused per thread.
//!
//! Notebooks are read whole; a fresh `Vec` per file makes the allocator map (and the kernel zero)
//! new pages for every file, which showed up as a tenth of `check`'s time on the corpus.

use std::cell::RefCell;
use std::path::Path;

pub use nbtidy_fs::ReadError;

thread_local! {
    static BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Reads the whole regular file at `path` into a new buffer.
pub fn read(path: &Path) -> Result<Vec<u8>, ReadError> {
    nbtidy_fs::read_regular(path, nbtidy_fs::NOTEBOOK_LIMIT)
}

/// Reads the regular file at `path` and runs `work` on its bytes, in this thread's reusable
/// buffer.
pub fn with_file<R>(path: &Path, work: impl FnOnce(&[u8]) -> R) -> Result<R, ReadError> {
    BUFFER.with(|buffer| {
        // A nested call (not done today) would find the buffer borrowed: use a fresh one then.
        let Ok(mut buffer) = buffer.try_borrow_mut() else {
            return Ok(work(&read(path)?));
        };
        nbtidy_fs::read_regular_into(path, nbtidy_fs::NOTEBOOK_LIMIT, &mut buffer)?;
        let result = work(&buffer);
        // Keep the buffer for the next file, but do not hold on to a huge one.
        if buffer.capacity() > 64 << 20 {
            *buffer = Vec::new();
        }
        Ok(result)
    })
}
