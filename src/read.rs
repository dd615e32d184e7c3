//! Reading notebooks into a buffer reused per thread.
//!
//! Notebooks are read whole; a fresh `Vec` per file makes the allocator map (and the kernel
//! zero) new pages for every file, which showed up as a tenth of `check`'s time on the corpus.

use std::cell::RefCell;
use std::io::Read as _;
use std::path::Path;

thread_local! {
    static BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Reads `path` and runs `work` on its bytes, in this thread's reusable buffer.
pub fn with_file<R>(path: &Path, work: impl FnOnce(&[u8]) -> R) -> std::io::Result<R> {
    BUFFER.with(|buffer| {
        // A nested call (not done today) would find the buffer borrowed: use a fresh one then.
        let Ok(mut buffer) = buffer.try_borrow_mut() else {
            let bytes = std::fs::read(path)?;
            return Ok(work(&bytes));
        };
        buffer.clear();
        std::fs::File::open(path)?.read_to_end(&mut buffer)?;
        let result = work(&buffer);
        // Keep the buffer for the next file, but do not hold on to a huge one.
        if buffer.capacity() > 64 << 20 {
            *buffer = Vec::new();
        }
        Ok(result)
    })
}
