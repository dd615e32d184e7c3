//! The merge driver: `nbtidy git merge %O %A %B %P --marker-size %L`.
//!
//! Merges with [`nbtidy_merge::merge`] and writes the result into `%A` atomically (git's
//! temporary file, read right back: without `fsync`, which cost 200-400 ms a merge on a busy
//! disk). Exit codes:
//! 0 merged cleanly; 1 merged with conflicts (each named on stderr; source conflicts are inside
//! the cells, between markers, the notebook valid JSON); 2 when there is no merge (a version is
//! not a notebook nbtidy can read, an internal error, a failed write): `%A` is left as it was,
//! so git reports a conflict and keeps every version.

use anyhow::Result;
use nbtidy_merge::{Markers, Options, OutputPolicy};

use super::{MergeArgs, OutputsArg};
use crate::{ExitStatus, panic, printer, read, write};

/// `nbtidy git merge`.
pub fn run(args: &MergeArgs) -> Result<ExitStatus> {
    let display = args
        .path
        .as_deref()
        .unwrap_or(&args.current)
        .display()
        .to_string();
    let mut versions = Vec::with_capacity(3);
    for path in [&args.base, &args.current, &args.other] {
        match read::read(path) {
            Ok(bytes) => versions.push(bytes),
            Err(err) => {
                printer::error(&format!(
                    "{display}: not merged: {}: {err}; the current version is left as it is",
                    path.display()
                ));
                return Ok(ExitStatus::Error);
            }
        }
    }
    let (base, ours, theirs) = (&versions[0], &versions[1], &versions[2]);
    let options = Options {
        outputs: match args.outputs {
            OutputsArg::Ran => OutputPolicy::Ran,
            OutputsArg::Clear => OutputPolicy::Clear,
        },
        markers: Markers {
            ours: args.ours_label.clone(),
            theirs: args.theirs_label.clone(),
            size: args.marker_size,
        },
    };
    let outcome = panic::catch(|| {
        // Tests make the merge fail on purpose (see `nbtidy_pipeline::test_point`).
        if nbtidy_pipeline::test_marker().is_some() {
            for version in &versions {
                nbtidy_pipeline::test_point(&String::from_utf8_lossy(version));
            }
        }
        nbtidy_merge::merge(base, ours, theirs, &options)
    });
    let merged = match outcome {
        Ok(Ok(merged)) => merged,
        Ok(Err(err)) => {
            printer::error(&format!(
                "{display}: not merged: {err}; the current version is left as it is: resolve it by hand, or with `git checkout --ours` / `--theirs`"
            ));
            return Ok(ExitStatus::Error);
        }
        Err(panic) => {
            printer::error(&format!(
                "{display}: not merged: internal error: {panic}; the current version is left as it is: resolve it by hand, or with `git checkout --ours` / `--theirs`"
            ));
            return Ok(ExitStatus::Error);
        }
    };
    if merged.bytes != *ours
        && let Err(err) = write::write_temporary(&args.current, ours, &merged.bytes)
    {
        printer::error(&format!(
            "{display}: not merged: cannot write the result: {err:#}"
        ));
        return Ok(ExitStatus::Error);
    }
    for conflict in &merged.conflicts {
        match conflict.cell {
            Some(cell) => printer::warning(&format!(
                "{display}: cell {cell}: conflict: {}",
                conflict.message
            )),
            None => printer::warning(&format!("{display}: conflict: {}", conflict.message)),
        }
    }
    if merged.conflicts.is_empty() {
        Ok(ExitStatus::Success)
    } else {
        Ok(ExitStatus::Failure)
    }
}
