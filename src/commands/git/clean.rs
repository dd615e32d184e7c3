//! The clean filter: what is committed has no outputs, execution counts or metadata noise.
//!
//! Cleaning is the fixes of the notebook rules `NB003` (outputs-present), `NB004`
//! (execution-count-present) and `NB012` (notebook-metadata-noise), applied by the linter's fix
//! loop (`nbtidy_lint::fix::fix_notebook`) with each rule's own allow-lists (a `keep-output` tag,
//! `nbtidy_outputs_allowed_size`): the same edits `nbtidy check --select NB003,NB004,NB012 --fix
//! --unsafe-fixes` makes, every other byte kept.
//!
//! Per path (`%f`), from `.editorconfig`:
//! 1. `nbtidy = off`: the file passes through;
//! 2. `nbtidy_rule.<rule> = off` for one of the three rules: that rule's content is kept;
//! 3. the rules' options apply as they do for `check`.
//!
//! Never losing data: anything that goes wrong (not a notebook, unreadable settings, a panic, a
//! result that does not parse) passes the input through unchanged, with a warning on stderr.

use std::borrow::Cow;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use nbtidy_config::Resolver;
use nbtidy_lint::{Selection, SelectionArgs};
use nbtidy_notebook::Notebook;

use super::CleanArgs;
use crate::{ExitStatus, panic, printer};

/// The rules whose fixes clean a notebook, in the order they are documented.
pub const CLEAN_RULES: [&str; 3] = ["NB003", "NB004", "NB012"];

/// Cleans notebooks, one resolver for a whole run.
pub struct Cleaner {
    resolver: Resolver,
}

impl Cleaner {
    /// A cleaner reading `.editorconfig` the way `check` does.
    pub fn new() -> Self {
        Cleaner {
            resolver: nbtidy_lint::resolver(nbtidy_config::Overrides::default()),
        }
    }

    /// The bytes to commit for `input` (the file at `path` in the work tree), and a warning when
    /// they are the input unchanged because it could not be cleaned.
    pub fn clean<'a>(&self, path: &Path, input: &'a [u8]) -> (Cow<'a, [u8]>, Option<String>) {
        match panic::catch(|| self.try_clean(path, input)) {
            Ok(Ok(Some(bytes))) => (Cow::Owned(bytes), None),
            Ok(Ok(None)) => (Cow::Borrowed(input), None),
            Ok(Err(why)) => (
                Cow::Borrowed(input),
                Some(format!(
                    "{}: not cleaned, committed as it is: {why}",
                    path.display()
                )),
            ),
            Err(panic) => (
                Cow::Borrowed(input),
                Some(format!(
                    "{}: not cleaned, committed as it is: internal error: {panic}",
                    path.display()
                )),
            ),
        }
    }

    /// `Ok(None)`: nothing to clean.
    fn try_clean(&self, path: &Path, input: &[u8]) -> Result<Option<Vec<u8>>, String> {
        let resolved = self
            .resolver
            .resolve(path)
            .map_err(|err| format!("cannot read its settings: {err}"))?;
        if !resolved.settings.enabled.value {
            return Ok(None);
        }
        let mut codes: Vec<String> = CLEAN_RULES.iter().map(|code| (*code).to_owned()).collect();
        for (key, value, _) in resolved.raw_entries() {
            let Some(rule) = key
                .strip_prefix("nbtidy_rule.")
                .and_then(nbtidy_lint::find_rule)
            else {
                continue;
            };
            if matches!(
                value.to_ascii_lowercase().as_str(),
                "off" | "false" | "none"
            ) {
                codes.retain(|code| code != rule.meta().code);
            }
        }
        if codes.is_empty() {
            return Ok(None);
        }
        let (selection, problems) = Selection::resolve(
            &resolved,
            &SelectionArgs {
                select: Some(codes),
                ..SelectionArgs::default()
            },
        );
        if let Some(problem) = problems.iter().find(|problem| problem.is_error()) {
            return Err(problem.to_string());
        }
        let outcome = nbtidy_lint::fix::fix_notebook(path, input, &resolved, &selection, true)
            .map_err(|err| err.to_string())?;
        let Some(bytes) = outcome.bytes else {
            return Ok(None);
        };
        // The fix loop splices JSON values; the result must still be a notebook.
        Notebook::parse(&bytes).map_err(|err| format!("internal error: {err}"))?;
        Ok(Some(bytes))
    }
}

/// The path settings are resolved for: git's `%f`, else a notebook in the current directory.
fn settings_path(path: Option<&Path>) -> PathBuf {
    path.map_or_else(|| PathBuf::from("notebook.ipynb"), Path::to_path_buf)
}

/// `nbtidy git clean [PATH]`: stdin to stdout.
pub fn run(args: &CleanArgs) -> Result<ExitStatus> {
    let mut input = Vec::new();
    nbtidy_fs::read_limited(std::io::stdin(), nbtidy_fs::NOTEBOOK_LIMIT, &mut input)
        .context("cannot read stdin")?;
    let path = settings_path(args.path.as_deref());
    let (bytes, warning) = Cleaner::new().clean(&path, &input);
    if let Some(warning) = warning {
        printer::warning(&warning);
    }
    printer::out(&bytes)?;
    Ok(ExitStatus::Success)
}

/// Largest payload of one pkt-line (git's `LARGE_PACKET_DATA_MAX`).
const PKT_MAX: usize = 65516;

/// One pkt-line: `None` for a flush packet, `Err` at the end of input.
fn read_packet(reader: &mut impl BufRead) -> std::io::Result<Option<Vec<u8>>> {
    let mut header = [0u8; 4];
    reader.read_exact(&mut header)?;
    let len = std::str::from_utf8(&header)
        .ok()
        .and_then(|hex| usize::from_str_radix(hex, 16).ok())
        .ok_or_else(|| std::io::Error::other("malformed pkt-line header"))?;
    match len {
        0 => Ok(None),
        1..=4 => Err(std::io::Error::other("malformed pkt-line length")),
        _ => {
            let mut data = vec![0u8; len - 4];
            reader.read_exact(&mut data)?;
            Ok(Some(data))
        }
    }
}

/// The text packets up to the next flush, line breaks removed.
fn read_lines(reader: &mut impl BufRead) -> std::io::Result<Vec<String>> {
    let mut lines = Vec::new();
    while let Some(packet) = read_packet(reader)? {
        let text = String::from_utf8_lossy(&packet);
        lines.push(text.trim_end_matches('\n').to_owned());
    }
    Ok(lines)
}

fn write_packet(out: &mut Vec<u8>, data: &[u8]) {
    for chunk in data.chunks(PKT_MAX) {
        out.extend_from_slice(format!("{:04x}", chunk.len() + 4).as_bytes());
        out.extend_from_slice(chunk);
    }
}

fn write_line(out: &mut Vec<u8>, line: &str) {
    write_packet(out, format!("{line}\n").as_bytes());
}

fn flush(out: &mut Vec<u8>) {
    out.extend_from_slice(b"0000");
}

/// `nbtidy git filter-process`: git's long-running filter protocol (version 2), `clean` only.
pub fn filter_process() -> Result<ExitStatus> {
    let stdin = std::io::stdin();
    let mut reader = BufReader::with_capacity(1 << 16, stdin.lock());
    let hello = read_lines(&mut reader).context("reading git's greeting")?;
    if hello.first().map(String::as_str) != Some("git-filter-client")
        || !hello.iter().any(|line| line == "version=2")
    {
        anyhow::bail!("not git's filter protocol version 2 (got {hello:?})");
    }
    let mut out = Vec::new();
    write_line(&mut out, "git-filter-server");
    write_line(&mut out, "version=2");
    flush(&mut out);
    printer::out(&out)?;
    let capabilities = read_lines(&mut reader).context("reading git's capabilities")?;
    out.clear();
    if capabilities.iter().any(|line| line == "capability=clean") {
        write_line(&mut out, "capability=clean");
    }
    flush(&mut out);
    printer::out(&out)?;
    let cleaner = Cleaner::new();
    let mut content = Vec::new();
    loop {
        let header = match read_lines(&mut reader) {
            Ok(header) => header,
            // Git closes the pipe when it is done.
            Err(err) if err.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(err) => return Err(err).context("reading a request from git"),
        };
        if header.is_empty() {
            continue;
        }
        let command = header.iter().find_map(|line| line.strip_prefix("command="));
        let pathname = header
            .iter()
            .find_map(|line| line.strip_prefix("pathname="));
        content.clear();
        while let Some(packet) = read_packet(&mut reader).context("reading content from git")? {
            content.extend_from_slice(&packet);
        }
        out.clear();
        if command != Some("clean") {
            write_line(&mut out, "status=error");
            flush(&mut out);
            printer::out(&out)?;
            continue;
        }
        let path = settings_path(pathname.map(Path::new));
        let (bytes, warning) = cleaner.clean(&path, &content);
        if let Some(warning) = warning {
            printer::warning(&warning);
        }
        write_line(&mut out, "status=success");
        flush(&mut out);
        write_packet(&mut out, &bytes);
        flush(&mut out);
        // An empty list: the status stays `success`.
        flush(&mut out);
        printer::out(&out)?;
    }
    Ok(ExitStatus::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packets_round_trip_and_split_at_the_largest_payload() {
        let data = vec![b'x'; PKT_MAX + 10];
        let mut out = Vec::new();
        write_packet(&mut out, &data);
        flush(&mut out);
        let mut reader = std::io::Cursor::new(out);
        let first = read_packet(&mut reader).unwrap().unwrap();
        let second = read_packet(&mut reader).unwrap().unwrap();
        assert_eq!((first.len(), second.len()), (PKT_MAX, 10));
        assert_eq!(read_packet(&mut reader).unwrap(), None);
    }
}
