//! Writing a notebook: `nbtidy_fs::write` (atomic, keeps owner, group, extended attributes and
//! hard links, refuses to overwrite a concurrent change), and the signal handling that keeps a
//! write from leaving anything behind.

use std::path::Path;

/// Replaces the notebook at `path` with `bytes` if it still holds `original`.
pub fn write_atomic(path: &Path, original: &[u8], bytes: &[u8]) -> anyhow::Result<()> {
    nbtidy_fs::write::replace(path, original, bytes).map_err(anyhow::Error::new)
}

/// [`write_atomic`] without `fsync`, for a temporary file git reads right back (the merge
/// driver's `%A`).
pub fn write_temporary(path: &Path, original: &[u8], bytes: &[u8]) -> anyhow::Result<()> {
    nbtidy_fs::write::replace_temporary(path, original, bytes).map_err(anyhow::Error::new)
}

/// On SIGINT, SIGTERM or SIGHUP: wait for a write under way to finish (a rename or an in-place
/// overwrite), remove the temporary files of the others, then die of the signal as if no handler
/// were installed (the shell sees the usual status, 130 for Ctrl-C).
pub fn handle_signals() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return;
    };
    let spawned = std::thread::Builder::new()
        .name("signals".to_owned())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                nbtidy_fs::write::abandon_writes();
                let _ = signal_hook::low_level::emulate_default_handler(signal);
                std::process::exit(128 + signal);
            }
        });
    drop(spawned);
}
