//! `nbtidy server`: the language server on stdin/stdout (the protocol lives in
//! `crates/nbtidy_server`). Exit codes: 0 after `shutdown` and `exit` or when the client closes
//! the connection, 1 for `exit` without `shutdown` (as the protocol asks), 2 when it cannot start.

use anyhow::Result;

use crate::ExitStatus;

/// Runs the server until the client ends it.
pub fn run() -> Result<ExitStatus> {
    match nbtidy_server::run() {
        Ok(()) => Ok(ExitStatus::Success),
        Err(nbtidy_server::ServerError::ExitWithoutShutdown) => Ok(ExitStatus::Failure),
        Err(err) => Err(err.into()),
    }
}
