//! Panic isolation: a bug met while processing one notebook becomes an error for that notebook
//! (exit code 2, the file not modified), and the run goes on with the others.
//!
//! The default panic hook would print `thread '…' panicked at …` in the middle of the output; ours
//! only records where the panic happened, and the place that catches it prints one `error:` line
//! with the message and that location. With `RUST_BACKTRACE` set, the backtrace is printed too.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Mutex;

/// Where the last panic happened (any thread: a panic in a rayon worker is re-raised in the thread
/// that waits for it). Only a hint for the bug report, so a race between two panics is harmless.
static LAST_LOCATION: Mutex<Option<String>> = Mutex::new(None);

/// Installs the hook; call once, first thing in `main`.
pub fn install_hook() {
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
        if let Ok(mut last) = LAST_LOCATION.lock() {
            *last = location;
        }
        if std::env::var_os("RUST_BACKTRACE").is_some_and(|v| v != "0") {
            crate::printer::note(&std::backtrace::Backtrace::force_capture().to_string());
        }
    }));
}

/// Runs `work`; a panic becomes `Err(message)` naming the panic's message and location.
pub fn catch<R>(work: impl FnOnce() -> R) -> Result<R, String> {
    catch_unwind(AssertUnwindSafe(work)).map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_owned());
        let location = LAST_LOCATION
            .lock()
            .ok()
            .and_then(|mut last| last.take())
            .map(|l| format!(" at {l}"))
            .unwrap_or_default();
        format!(
            "internal error: {}{location}; nothing was written. This is a bug in nbtidy: please \
             report it with the notebook if you can",
            nbtidy_safe_text::escape(&message)
        )
    })
}
