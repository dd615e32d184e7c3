//! Applying fixes.
//!
//! 1. Lint; take the findings whose fix is allowed (safe, or any with `unsafe_fixes`).
//! 2. Pick fixes whose edits do not overlap (in notebook order, import sorting's last); code
//!    edits and JSON edits of a cell whose code changes never mix.
//! 3. Apply code edits per cell; a cell that parsed before must still parse after. When it does
//!    not, that round is done again with the cell's fixes applied one per round (two fixes can
//!    each be right and together break a block: removing both imports of `def f():` leaves it
//!    empty; one at a time, the second becomes `pass`). A fix that breaks the cell on its own
//!    is dropped and reported, never written.
//! 4. Re-encode changed sources in the notebook's style and splice them, with the JSON edits,
//!    into the original bytes.
//! 5. Repeat until nothing changes, at most [`MAX_ROUNDS`] times.

use std::collections::HashSet;
use std::ops::Range;
use std::path::Path;

use nbtidy_config::Resolved;
use nbtidy_diagnostics::{Applicability, Diagnostic, Edit, EditTarget, FileDiagnostics};
use nbtidy_notebook::{Notebook, NotebookError};
use rustc_hash::{FxBuildHasher, FxHashSet};

use crate::context::Context;
use crate::selection::Selection;

/// Rules whose fixes rewrite a whole region (I001 rewrites an import block): in a round, every
/// other fix that overlaps one of theirs is applied first, as ruff applies its import-sorting
/// fixes after the others (an unused import is removed, then the block is sorted, and not the
/// other way round, which would leave the blank line sorting added).
const APPLIED_LAST: &[&str] = &["I001"];

/// At most this many lint-and-fix rounds.
pub const MAX_ROUNDS: usize = 10;

/// What fixing a notebook did.
#[derive(Debug)]
pub struct FixOutcome {
    /// The new bytes, when anything changed.
    pub bytes: Option<Vec<u8>>,
    /// How many findings before fixing: what `check` without `--fix` reports.
    pub before: usize,
    /// Of those, how many had a fix that was allowed (safe, or any with `unsafe_fixes`).
    pub fixable: usize,
    /// How many findings were fixed: the findings whose fix was applied, in any round (a finding
    /// whose fix is identical to one applied for another finding, as the names of one unused
    /// `import a, b` share the removal of the statement, is fixed with it).
    pub fixed: usize,
    /// Fixes that were not applied because the code would no longer parse (`cell N: CODE: message`).
    pub dropped: Vec<String>,
    /// Findings left whose fix would still apply: fixing did not converge within
    /// [`MAX_ROUNDS`] rounds. Reported, so a user knows to run it again.
    pub unconverged: usize,
    /// The findings left after fixing.
    pub remaining: FileDiagnostics,
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end || (a.start == b.start)
}

/// Ranges none of which [`overlaps`] another, sorted by start. Sorted so, their ends do not
/// decrease and each ends at or before the next one's start, so a range overlaps one of them
/// exactly when it overlaps the last one starting at or before it or the first one starting
/// after it: a binary search, or O(1) for a range after all the others (fixes come in notebook
/// order, so that is the usual case).
#[derive(Debug, Clone, Default)]
struct Ranges {
    sorted: Vec<(usize, usize)>,
}

impl Ranges {
    fn is_empty(&self) -> bool {
        self.sorted.is_empty()
    }

    /// `true` when `range` overlaps one of the ranges.
    fn overlaps(&self, range: &Range<usize>) -> bool {
        let after = match self.sorted.last() {
            Some(&(start, _)) if start <= range.start => self.sorted.len(),
            _ => self
                .sorted
                .partition_point(|&(start, _)| start <= range.start),
        };
        let before = after.checked_sub(1).map(|i| self.sorted[i]);
        before
            .into_iter()
            .chain(self.sorted.get(after).copied())
            .any(|(start, end)| overlaps(&(start..end), range))
    }

    /// Adds a range that overlaps none of them (the edits of one fix do not overlap; should two
    /// start at the same place, the longer one is kept).
    fn insert(&mut self, range: Range<usize>) {
        if self
            .sorted
            .last()
            .is_none_or(|&(start, _)| start < range.start)
        {
            self.sorted.push((range.start, range.end));
            return;
        }
        let at = self
            .sorted
            .partition_point(|&(start, _)| start < range.start);
        match self.sorted.get_mut(at) {
            Some((start, end)) if *start == range.start => *end = (*end).max(range.end),
            _ => self.sorted.insert(at, (range.start, range.end)),
        }
    }
}

fn allowed(diagnostic: &Diagnostic, unsafe_fixes: bool) -> bool {
    diagnostic
        .fix
        .as_ref()
        .is_some_and(|fix| fix.applicability == Applicability::Safe || unsafe_fixes)
}

fn key(diagnostic: &Diagnostic) -> (String, String, Option<usize>) {
    (
        diagnostic.code.to_owned(),
        diagnostic.message.clone(),
        diagnostic.location.cell,
    )
}

/// Lints `bytes` and applies the allowed fixes until the notebook is stable.
///
/// # Errors
/// When the bytes are not a notebook nbtidy can read.
pub fn fix_notebook(
    path: &Path,
    bytes: &[u8],
    config: &Resolved,
    selection: &Selection,
    unsafe_fixes: bool,
) -> Result<FixOutcome, NotebookError> {
    let mut current = bytes.to_vec();
    let mut fixed = 0;
    let mut first_round: Option<(usize, usize)> = None;
    let mut dropped = Vec::new();
    let mut refused: HashSet<(String, String, Option<usize>)> = HashSet::new();
    // Cells whose fixes broke them together: one fix per round from then on.
    let mut one_at_a_time: HashSet<usize> = HashSet::new();
    // The findings of the last round, when it found nothing to fix.
    let mut remaining: Option<FileDiagnostics> = None;
    for _ in 0..MAX_ROUNDS {
        let notebook = Notebook::parse(&current)?;
        let context = Context::new(path, &notebook, config);
        let diagnostics = crate::run_rules(&context, selection);
        // `key` allocates: only asked when some fix was refused.
        let mut candidates: Vec<&Diagnostic> = diagnostics
            .iter()
            .filter(|d| {
                allowed(d, unsafe_fixes) && (refused.is_empty() || !refused.contains(&key(d)))
            })
            .collect();
        first_round.get_or_insert((diagnostics.len(), candidates.len()));
        // Rewrites of whole regions give way to the other fixes they overlap (stable: notebook
        // order otherwise), and run on what those leave in a later round.
        candidates.sort_by_key(|d| APPLIED_LAST.contains(&d.code));
        if candidates.is_empty() {
            // Nothing left to fix: this round's findings are what remains (no third lint).
            drop(candidates);
            remaining = Some(crate::file_diagnostics(path, &context, diagnostics));
            break;
        }
        // Pick non-overlapping fixes. Each set of ranges is kept sorted, so a fix is checked
        // against its neighbours only: many fixes in one cell, or JSON fixes on many cells, cost
        // O(log n) each, O(1) in notebook order.
        let mut code_ranges: Vec<Ranges> = vec![Ranges::default(); notebook.cells().len()];
        let mut json_spans = Ranges::default();
        // The sources of the cells with code edits, for JSON edits to stay clear of.
        let mut edited_sources = Ranges::default();
        let mut accepted: Vec<&Diagnostic> = Vec::new();
        // The accepted fixes' edits, and the findings whose fix is identical to one of them (the
        // names of one unused `import a, b`): fixed with it, as in ruff.
        let mut accepted_edits: FxHashSet<&[Edit]> =
            FxHashSet::with_capacity_and_hasher(candidates.len(), FxBuildHasher);
        let mut same_fix: Vec<&Diagnostic> = Vec::new();
        for diagnostic in candidates {
            let fix = diagnostic.fix.as_ref().expect("filtered on fixes");
            let conflict = fix.edits.iter().any(|edit| match &edit.target {
                EditTarget::Code { cell, range } => {
                    code_ranges.get(*cell).is_none_or(|used| {
                        used.overlaps(range) || (one_at_a_time.contains(cell) && !used.is_empty())
                    }) || notebook.cells()[*cell]
                        .source
                        .as_ref()
                        .is_some_and(|source| json_spans.overlaps(source))
                }
                EditTarget::Json { span } => {
                    json_spans.overlaps(span) || edited_sources.overlaps(span)
                }
            });
            if conflict {
                if accepted_edits.contains(fix.edits.as_slice()) {
                    same_fix.push(diagnostic);
                }
                continue;
            }
            accepted_edits.insert(&fix.edits);
            for edit in &fix.edits {
                match &edit.target {
                    EditTarget::Code { cell, range } => {
                        code_ranges[*cell].insert(range.clone());
                        if let Some(source) = &notebook.cells()[*cell].source
                            && !edited_sources.overlaps(source)
                        {
                            edited_sources.insert(source.clone());
                        }
                    }
                    EditTarget::Json { span } => json_spans.insert(span.clone()),
                }
            }
            accepted.push(diagnostic);
        }

        // The accepted code edits, by cell (one pass over the accepted fixes).
        let mut cell_edits: Vec<Vec<(&Range<usize>, &str)>> =
            vec![Vec::new(); notebook.cells().len()];
        // How many accepted fixes edit each cell's code.
        let mut fixes_in_cell: Vec<usize> = vec![0; notebook.cells().len()];
        for diagnostic in &accepted {
            let edits = &diagnostic.fix.as_ref().expect("accepted fixes exist").edits;
            let mut counted: Vec<usize> = Vec::new();
            for edit in edits {
                if let EditTarget::Code { cell, range } = &edit.target {
                    cell_edits[*cell].push((range, edit.content.as_str()));
                    if !counted.contains(cell) {
                        fixes_in_cell[*cell] += 1;
                        counted.push(*cell);
                    }
                }
            }
        }

        // Apply code edits per cell and check the result still parses.
        let mut new_code: Vec<Option<String>> = vec![None; notebook.cells().len()];
        let mut broken_cells = HashSet::new();
        for (cell, view) in context.cells().iter().enumerate() {
            let edits = &mut cell_edits[cell];
            if edits.is_empty() {
                continue;
            }
            edits.sort_by_key(|(range, _)| (range.start, range.end));
            let text = view.original_text();
            let mut out = String::with_capacity(text.len());
            let mut at = 0;
            for &(range, content) in edits.iter() {
                out.push_str(&text[at..range.start]);
                out.push_str(content);
                at = range.end;
            }
            out.push_str(&text[at..]);
            let parsed_before = view.parsed().is_some_and(|p| p.errors().is_empty());
            let parses_after =
                crate::context::parse_cell(&out).is_ok_and(|parsed| parsed.errors().is_empty());
            if parsed_before && !parses_after {
                broken_cells.insert(cell);
            } else {
                new_code[cell] = Some(out);
            }
        }
        if !broken_cells.is_empty() {
            let touches = |diagnostic: &Diagnostic, cells: &HashSet<usize>| {
                diagnostic
                    .fix
                    .as_ref()
                    .expect("accepted fixes exist")
                    .edits
                    .iter()
                    .any(|edit| matches!(&edit.target, EditTarget::Code { cell, .. } if cells.contains(cell)))
            };
            // Fixes that broke a cell together are tried again one at a time; a fix that broke
            // it alone is refused.
            let mut refuse_in = HashSet::new();
            for &cell in &broken_cells {
                let together = fixes_in_cell[cell];
                if together < 2 || !one_at_a_time.insert(cell) {
                    refuse_in.insert(cell);
                }
            }
            for diagnostic in accepted.iter().chain(&same_fix) {
                if touches(diagnostic, &refuse_in) {
                    refused.insert(key(diagnostic));
                    dropped.push(format!(
                        "cell {}: {}: the fix would make the code unparsable; not applied ({})",
                        diagnostic.location.cell.unwrap_or(0),
                        diagnostic.code,
                        diagnostic.message
                    ));
                }
            }
            // Lint again without the refused fixes.
            continue;
        }

        let style = notebook.style();
        let mut edits: Vec<(Range<usize>, String)> = Vec::new();
        for (cell, code) in new_code.iter().enumerate() {
            if let Some(code) = code
                && let Ok(encoded) = notebook.encode_source(cell, code, &style)
                && let Some(span) = notebook.cells()[cell].source.clone()
            {
                edits.push((span, encoded));
            }
        }
        for diagnostic in &accepted {
            for edit in &diagnostic.fix.as_ref().expect("accepted fixes exist").edits {
                if let EditTarget::Json { span } = &edit.target {
                    edits.push((span.clone(), edit.content.clone()));
                }
            }
        }
        let next = notebook.splice(edits);
        fixed += accepted.len() + same_fix.len();
        if next == current {
            break;
        }
        current = next;
    }
    let remaining = match remaining {
        Some(remaining) => remaining,
        None => {
            let notebook = Notebook::parse(&current)?;
            let context = Context::new(path, &notebook, config);
            crate::file_diagnostics(path, &context, crate::run_rules(&context, selection))
        }
    };
    // Fixes that would still apply: the rounds ran out (or fixes kept undoing each other).
    let unconverged = remaining
        .diagnostics
        .iter()
        .filter(|d| allowed(d, unsafe_fixes) && (refused.is_empty() || !refused.contains(&key(d))))
        .count();
    let changed = current != bytes;
    let (before, fixable) = first_round.unwrap_or((remaining.diagnostics.len(), 0));
    Ok(FixOutcome {
        bytes: changed.then_some(current),
        before,
        fixable,
        fixed,
        dropped,
        unconverged,
        remaining,
    })
}

/// What `nbtidy format --fix` does before it formats ([`fix_and_sort`]).
#[derive(Debug, Default)]
pub struct SaveFixes {
    /// The new bytes, when anything changed.
    pub bytes: Option<Vec<u8>>,
    /// Fixes not applied because the code would no longer parse (as [`FixOutcome::dropped`]).
    pub dropped: Vec<String>,
}

/// `true` unless `.editorconfig` turns import sorting off (`nbtidy_rule.I001 = off` or
/// `nbtidy_rule.unsorted-imports = off`): `nbtidy format --fix` sorts imports even when I001
/// is not selected for `check`, since sorting is what a save action is expected to do.
pub fn sorts_imports(config: &Resolved) -> bool {
    let off = |key: &str| {
        config
            .raw(key)
            .is_some_and(|(value, _)| value.trim().eq_ignore_ascii_case("off"))
    };
    !off("nbtidy_rule.i001") && !off("nbtidy_rule.unsorted-imports")
}

/// The save action's fixing, in order: the safe fixes of the notebook's `selection`, then
/// import sorting (I001's fix, whether or not I001 is selected, unless [`sorts_imports`] says
/// no). Both are [`fix_notebook`] runs; formatting comes after, in the caller.
///
/// # Errors
/// When the bytes are not a notebook nbtidy can read.
pub fn fix_and_sort(
    path: &Path,
    bytes: &[u8],
    config: &Resolved,
    selection: &Selection,
) -> Result<SaveFixes, NotebookError> {
    let fixed = fix_notebook(path, bytes, config, selection, false)?;
    let mut dropped = fixed.dropped;
    let mut current = fixed.bytes;
    if sorts_imports(config) {
        let args = crate::SelectionArgs {
            select: Some(vec!["I001".to_owned()]),
            ..crate::SelectionArgs::default()
        };
        let (sorting, _) = Selection::resolve(config, &args);
        let sorted = fix_notebook(
            path,
            current.as_deref().unwrap_or(bytes),
            config,
            &sorting,
            false,
        )?;
        dropped.extend(sorted.dropped);
        if sorted.bytes.is_some() {
            current = sorted.bytes;
        }
    }
    Ok(SaveFixes {
        bytes: current,
        dropped,
    })
}

/// [`fix_and_sort`] for the code of one cell (`nbtidy format --fix --stdin-filename x.py`):
/// the code as the only cell of a Python notebook, fixed, and its new code when it changed.
///
/// # Errors
/// When the code cannot be put in a notebook (it always can; the error is the notebook layer's).
pub fn fix_and_sort_code(
    path: &Path,
    code: &str,
    config: &Resolved,
    selection: &Selection,
) -> Result<(Option<String>, Vec<String>), NotebookError> {
    let notebook = serde_json::json!({
        "cells": [{
            "cell_type": "code",
            "execution_count": null,
            "id": "cell",
            "metadata": {},
            "outputs": [],
            "source": code,
        }],
        "metadata": {"language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    })
    .to_string();
    let fixed = fix_and_sort(path, notebook.as_bytes(), config, selection)?;
    let Some(bytes) = fixed.bytes else {
        return Ok((None, fixed.dropped));
    };
    let new = Notebook::parse(&bytes)?
        .source(0)
        .map(|source| source.text.into_owned())
        .ok();
    Ok((new.filter(|new| new != code), fixed.dropped))
}
