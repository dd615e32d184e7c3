//! A three-way merge of Jupyter notebooks by cell, for `git merge` (`nbtidy git merge`).
//!
//! This crate answers "what is the merged notebook of base, ours and theirs, and where do the
//! two sides conflict". It reads the three files through `nbtidy_notebook` and returns bytes; it
//! does not read files or print.
//!
//! How a merge goes:
//! 1. Parse the three notebooks; match each side's cells to the base's ([`align`]: by `id` when
//!    every notebook has unique ids, nbformat 4.5 and later; else by content).
//! 2. Merge the order of the cells ([`order`]): deletions, additions and a reordering on either
//!    side apply. A cell deleted on one side and edited on the other stays, its source between
//!    conflict markers.
//! 3. Merge each cell that both sides have, field by field: the source line by line (a conflict
//!    is written inside the source with markers); outputs and execution count never conflict
//!    ([`OutputPolicy`]); metadata key by key (run and view state such as `ExecuteTime` never
//!    conflicts; other keys both sides set differently keep the current side's value and are
//!    reported); the cell's other keys (`attachments`, keys of other tools) key by key, and
//!    `attachments` image by image. The notebook metadata merges key by key too.
//! 4. Write the result into the current side's bytes (`%A`): its cells that are kept come from
//!    its bytes, with only the merged values spliced in; cells taken from the other side are
//!    moved into the current side's indentation and line endings. A result that does not parse
//!    back with the intended cells is an error, never returned.
//!
//! Invariants:
//! 1. Merging a notebook with itself as both sides returns the current side's bytes.
//! 2. Outside the values the merge changed (a cell's source, outputs, execution count or
//!    metadata; the notebook metadata; the cells list where cells were added, moved or deleted)
//!    every byte is the current side's.
//! 3. The result is valid JSON and holds every cell either side kept or edited: a conflict never
//!    drops content.

mod align;
mod json;
mod order;
mod text;

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

use nbtidy_notebook::{CellType, FileStyle, Notebook, NotebookError};

pub use text::Markers;

/// What to do with outputs and execution counts when the sides differ.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum OutputPolicy {
    /// Take the side that ran the cell: the one whose outputs changed since the base (the
    /// current side's when both did), provided its source is the merged source; else clear.
    #[default]
    Ran,
    /// Clear them (`[]`, `null`) whenever the sides differ.
    Clear,
}

/// How to merge.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Outputs and execution counts.
    pub outputs: OutputPolicy,
    /// Conflict markers.
    pub markers: Markers,
}

/// How cells were matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Matching {
    /// By `id`.
    Id,
    /// By content alignment.
    Content,
}

/// A conflict left in the result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The cell of the result (1-based), or `None` for the notebook as a whole.
    pub cell: Option<usize>,
    /// What conflicts and what the result holds.
    pub message: String,
}

/// A merged notebook.
#[derive(Debug, Clone)]
pub struct Merged {
    /// The merged file.
    pub bytes: Vec<u8>,
    /// Conflicts (empty: the merge is clean).
    pub conflicts: Vec<Conflict>,
    /// How cells were matched.
    pub matching: Matching,
    /// How many cells the result has.
    pub cells: usize,
}

/// Which of the three files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// The common ancestor (`%O`).
    Base,
    /// The current side (`%A`).
    Ours,
    /// The other side (`%B`).
    Theirs,
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Version::Base => "the common ancestor",
            Version::Ours => "the current version",
            Version::Theirs => "the other version",
        })
    }
}

/// Why there is no merge.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// One of the files is not a notebook nbtidy can read.
    #[error("{0} is not a notebook nbtidy can read: {1}")]
    Unreadable(Version, NotebookError),
    /// A cell's source is not text (a lone surrogate, a number).
    #[error("{0}: cell {1}'s source cannot be read as text")]
    Source(Version, usize),
    /// The cells list cannot be located.
    #[error("{0}: the cells list cannot be located")]
    NoCellsList(Version),
    /// A bug: the result did not parse back as intended. Nothing is returned.
    #[error("internal error: {0}")]
    Internal(String),
}

/// When a diff (of cells, or of a cell's lines) must stop refining: past it, `similar` returns
/// a coarser but still correct diff (bigger changed regions), so pathological inputs cannot make
/// a merge take quadratic time.
pub(crate) fn deadline() -> std::time::Instant {
    std::time::Instant::now() + std::time::Duration::from_millis(500)
}

/// Cell metadata keys that record run or view state: they never conflict (NB012's keys).
const QUIET_CELL_KEYS: [&str; 4] = ["ExecuteTime", "execution", "collapsed", "scrolled"];
/// Notebook metadata keys that record run state.
const QUIET_NOTEBOOK_KEYS: [&str; 1] = ["widgets"];

/// The span of the cells list and of each cell object.
type CellSpans = (Range<usize>, Vec<Range<usize>>);

/// One of the three notebooks, decoded as far as merging needs.
struct Side<'a> {
    nb: Notebook<'a>,
    /// The file's layout (detected on first use: it scans the whole file).
    style: std::cell::OnceCell<FileStyle>,
    sources: Vec<Cow<'a, str>>,
    version: Version,
    /// Spans of the cells list and of each cell object (computed on first use).
    spans: std::cell::OnceCell<Option<CellSpans>>,
}

impl<'a> Side<'a> {
    fn load(bytes: &'a [u8], version: Version) -> Result<Self, MergeError> {
        let nb = Notebook::parse(bytes).map_err(|err| MergeError::Unreadable(version, err))?;
        let sources = (0..nb.cells().len())
            .map(|i| match nb.cells()[i].source {
                None => Ok(Cow::Borrowed("")),
                Some(_) => nb
                    .source(i)
                    .map(|source| source.text)
                    .map_err(|_| MergeError::Source(version, i + 1)),
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Side {
            style: std::cell::OnceCell::new(),
            nb,
            sources,
            version,
            spans: std::cell::OnceCell::new(),
        })
    }

    fn style(&self) -> &FileStyle {
        self.style.get_or_init(|| self.nb.style())
    }

    fn cell_spans(&self) -> Result<&CellSpans, MergeError> {
        self.spans
            .get_or_init(|| {
                self.nb
                    .cell_spans()
                    .filter(|(_, cells)| cells.len() == self.nb.cells().len())
            })
            .as_ref()
            .ok_or(MergeError::NoCellsList(self.version))
    }

    fn len(&self) -> usize {
        self.sources.len()
    }

    fn kind(&self, i: usize) -> u8 {
        match self.nb.cells()[i].cell_type {
            CellType::Code => 0,
            CellType::Markdown => 1,
            CellType::Raw => 2,
            CellType::Other(_) => 3,
            CellType::Missing => 4,
        }
    }

    /// The raw JSON of a value of cell `i`.
    fn raw(&self, span: Option<&Range<usize>>) -> Option<&'a str> {
        span.map(|span| self.nb.slice(span))
    }

    /// The cell ids, when every cell has a string id, unique in the notebook.
    fn ids(&self) -> Option<Vec<&'a str>> {
        if !self.nb.has_cell_ids() && self.nb.nbformat().0 < 5 {
            return None;
        }
        let mut seen = HashSet::new();
        let mut ids = Vec::with_capacity(self.len());
        for cell in self.nb.cells() {
            let raw = self.raw(cell.id.as_ref())?;
            // Ids are short ASCII; an escaped one is compared as written.
            let id = raw.strip_prefix('"')?.strip_suffix('"')?;
            if !seen.insert(id) {
                return None;
            }
            ids.push(id);
        }
        Some(ids)
    }
}

/// Identity of a merged cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    /// A cell of the base (and of the sides matched to it).
    Base(usize),
    /// A cell only the current side has (or both added with one id).
    Ours(usize),
    /// A cell only the other side has.
    Theirs(usize),
}

/// One cell of the result: a cell of the current side with edits inside it, or new text.
enum Piece {
    Ours(usize, Vec<(Range<usize>, String)>),
    Text(String),
}

/// Merges `ours` and `theirs`, two versions of the notebook `base`.
///
/// # Errors
/// [`MergeError`] when a file is not a notebook nbtidy can read, or (a bug) when the result
/// does not parse back as intended; nothing is returned then, and the caller should keep the
/// current version and report a conflict.
pub fn merge(
    base: &[u8],
    ours: &[u8],
    theirs: &[u8],
    options: &Options,
) -> Result<Merged, MergeError> {
    let b = Side::load(base, Version::Base)?;
    let o = Side::load(ours, Version::Ours)?;
    let t = Side::load(theirs, Version::Theirs)?;
    Merger {
        b: &b,
        o: &o,
        t: &t,
        options,
    }
    .run()
}

struct Merger<'s, 'a> {
    b: &'s Side<'a>,
    o: &'s Side<'a>,
    t: &'s Side<'a>,
    options: &'s Options,
}

/// Which cells of each side are which.
struct Matches {
    matching: Matching,
    /// For each cell of ours / theirs, its key.
    ours: Vec<Key>,
    theirs: Vec<Key>,
    /// Where each key is on each side.
    in_base: HashMap<Key, usize>,
    in_ours: HashMap<Key, usize>,
    in_theirs: HashMap<Key, usize>,
}

impl<'a> Merger<'_, 'a> {
    fn run(&self) -> Result<Merged, MergeError> {
        let (b, o, t) = (self.b, self.o, self.t);
        let matches = self.matches();
        let base_keys: Vec<Key> = (0..b.len()).map(Key::Base).collect();
        let keep = |key: Key| match key {
            Key::Base(_) => {
                let (ours, theirs) = (matches.in_ours.get(&key), matches.in_theirs.get(&key));
                match (ours, theirs) {
                    (Some(_), Some(_)) => true,
                    (None, None) => false,
                    (Some(&i), None) => self.edited(o, i, &matches, key),
                    (None, Some(&i)) => self.edited(t, i, &matches, key),
                }
            }
            Key::Ours(_) | Key::Theirs(_) => true,
        };
        let (mut order, order_conflict) =
            order::merge_order(&base_keys, &matches.ours, &matches.theirs, keep);
        self.drop_duplicate_additions(&mut order);

        let mut conflicts = Vec::new();
        if order_conflict {
            conflicts.push(Conflict {
                cell: None,
                message:
                    "both versions reordered cells differently; the current version's order is kept"
                        .to_owned(),
            });
        }
        let mut pieces = Vec::with_capacity(order.len());
        let mut expected: Vec<Cow<'_, str>> = Vec::with_capacity(order.len());
        for (n, key) in order.iter().enumerate() {
            let (piece, source) = self.cell(*key, &matches, n + 1, &mut conflicts)?;
            pieces.push((matches.in_ours.get(key).copied(), piece));
            expected.push(source);
        }
        let mut edits = vec![self.cells_edit(&pieces)?];
        if let Some(edit) = self.notebook_metadata(&mut conflicts) {
            edits.push(edit);
        }
        // A side that moved to a later nbformat 4 minor (Jupyter upgrades 4.4 to 4.5, which adds
        // cell ids) is a change like any other: the result takes the later minor, and
        // `with_cell_ids` gives an id to every cell that came without one.
        let (om, tm) = (o.nb.nbformat(), t.nb.nbformat());
        if om.0 == 4
            && tm.0 == 4
            && tm.1 > om.1
            && let Some(span) = o.nb.nbformat_minor_span()
        {
            edits.push((span, tm.1.to_string()));
        }
        edits.retain(|(span, text)| o.nb.slice(span) != text);
        let bytes = o.nb.splice(edits);
        // Only a merge across an upgrade to 4.5 can leave a cell without an id.
        let all_ids = |side: &Side<'_>| side.nb.cells().iter().all(|cell| cell.id.is_some());
        let bytes = if (o.nb.has_cell_ids() || t.nb.has_cell_ids()) && !(all_ids(o) && all_ids(t)) {
            with_cell_ids(bytes)
        } else {
            bytes
        };
        verify(&bytes, &expected)?;
        Ok(Merged {
            cells: expected.len(),
            bytes,
            conflicts,
            matching: matches.matching,
        })
    }

    fn matches(&self) -> Matches {
        let (b, o, t) = (self.b, self.o, self.t);
        let by_id = match (b.ids(), o.ids(), t.ids()) {
            (Some(bi), Some(oi), Some(ti)) => Some((bi, oi, ti)),
            _ => None,
        };
        let (matching, ours_base, theirs_base, theirs_ours) = match &by_id {
            Some((bi, oi, ti)) => (
                Matching::Id,
                align::by_id(bi, oi),
                align::by_id(bi, ti),
                align::by_id(oi, ti),
            ),
            None => {
                fn keys<'k>(side: &'k Side<'_>) -> Vec<align::CellKey<'k>> {
                    (0..side.len())
                        .map(|i| align::CellKey {
                            kind: side.kind(i),
                            source: &side.sources[i],
                        })
                        .collect()
                }
                let (bk, ok, tk) = (keys(b), keys(o), keys(t));
                (
                    Matching::Content,
                    align::by_content(&bk, &ok),
                    align::by_content(&bk, &tk),
                    vec![None; t.len()],
                )
            }
        };
        let ours: Vec<Key> = ours_base
            .iter()
            .enumerate()
            .map(|(j, m)| m.map_or(Key::Ours(j), Key::Base))
            .collect();
        let theirs: Vec<Key> = theirs_base
            .iter()
            .enumerate()
            .map(|(k, m)| match (m, theirs_ours[k]) {
                (Some(i), _) => Key::Base(*i),
                // Added on both sides with one id: one cell (unless that id is a base cell of ours).
                (None, Some(j)) if ours_base[j].is_none() => Key::Ours(j),
                (None, _) => Key::Theirs(k),
            })
            .collect();
        let index = |keys: &[Key]| -> HashMap<Key, usize> {
            keys.iter().enumerate().map(|(i, k)| (*k, i)).collect()
        };
        Matches {
            matching,
            in_base: (0..b.len()).map(|i| (Key::Base(i), i)).collect(),
            in_ours: index(&ours),
            in_theirs: index(&theirs),
            ours,
            theirs,
        }
    }

    /// `true` when cell `i` of `side` (base cell `key`) differs from the base in type, source or
    /// attachments (what a user wrote or pasted; outputs and metadata can be made again).
    fn edited(&self, side: &Side<'_>, i: usize, matches: &Matches, key: Key) -> bool {
        let Some(&base) = matches.in_base.get(&key) else {
            return true;
        };
        if side.kind(i) != self.b.kind(base) || side.sources[i] != self.b.sources[base] {
            return true;
        }
        match (attachments_of(side, i), attachments_of(self.b, base)) {
            (None, None) => false,
            (Some(a), Some(b)) => !json::same_json(a, b),
            _ => true,
        }
    }

    /// Both sides added the same cell (type and source) without a shared identity: one is kept.
    fn drop_duplicate_additions(&self, order: &mut Vec<Key>) {
        let mut ours_added: HashMap<(u8, &str), usize> = HashMap::new();
        for key in order.iter() {
            if let Key::Ours(j) = key {
                *ours_added
                    .entry((self.o.kind(*j), &self.o.sources[*j]))
                    .or_default() += 1;
            }
        }
        order.retain(|key| match key {
            Key::Theirs(k) => match ours_added.get_mut(&(self.t.kind(*k), &self.t.sources[*k])) {
                Some(count) if *count > 0 => {
                    *count -= 1;
                    false
                }
                _ => true,
            },
            _ => true,
        });
    }

    /// The result's cell `number` (1-based) for `key`, and its intended source.
    fn cell(
        &self,
        key: Key,
        matches: &Matches,
        number: usize,
        conflicts: &mut Vec<Conflict>,
    ) -> Result<(Piece, Cow<'a, str>), MergeError> {
        let (o, t) = (self.o, self.t);
        let base = matches.in_base.get(&key).copied();
        let ours = matches.in_ours.get(&key).copied();
        let theirs = matches.in_theirs.get(&key).copied();
        let markers = &self.options.markers;
        match (ours, theirs) {
            (Some(j), None) => {
                if base.is_none() {
                    return Ok((Piece::Ours(j, Vec::new()), o.sources[j].clone()));
                }
                // Deleted by theirs, edited here: kept, between markers.
                conflicts.push(Conflict {
                    cell: Some(number),
                    message: "edited in the current version, deleted in the other: kept, between conflict markers".to_owned(),
                });
                let text = text::modify_delete(&o.sources[j], true, markers);
                let edit = self.source_edit(o, j, &text)?;
                Ok((Piece::Ours(j, edit.into_iter().collect()), Cow::Owned(text)))
            }
            (None, Some(k)) => {
                let mut source = t.sources[k].clone();
                let mut edits = Vec::new();
                if base.is_some() {
                    conflicts.push(Conflict {
                        cell: Some(number),
                        message: "deleted in the current version, edited in the other: kept, between conflict markers".to_owned(),
                    });
                    let text = text::modify_delete(&t.sources[k], false, markers);
                    edits.extend(self.source_edit(t, k, &text)?);
                    source = Cow::Owned(text);
                }
                Ok((Piece::Text(self.theirs_cell(k, edits)?), source))
            }
            (Some(j), Some(k)) => {
                let (mut piece, source) = self.both(base, j, k, number, conflicts)?;
                if o.nb.has_cell_ids() || t.nb.has_cell_ids() {
                    self.keep_id(&mut piece, j, k);
                }
                Ok((piece, source))
            }
            (None, None) => Err(MergeError::Internal(
                "a merged cell is in neither version".to_owned(),
            )),
        }
    }

    /// In a result that is nbformat 4.5 or later: when the merged cell (ours `j`, theirs `k`)
    /// came out without an id, the id one side gave it (one side moved to 4.5), rather than a new
    /// one (`with_cell_ids`).
    fn keep_id(&self, piece: &mut Piece, j: usize, k: usize) {
        let (o, t) = (self.o, self.t);
        let valid_id = |side: &Side<'a>, i: usize| {
            let raw = side.raw(side.nb.cells()[i].id.as_ref())?;
            let id = nbtidy_notebook::json_string::decode(raw)?;
            // A valid id, written as it is (no final newline to escape); else a new one.
            (nbtidy_notebook::cell_id::is_valid(&id) && !id.ends_with('\n'))
                .then(|| id.into_owned())
        };
        let Some(id) = valid_id(o, j).or_else(|| valid_id(t, k)) else {
            return;
        };
        match piece {
            Piece::Ours(j, edits) if o.nb.cells()[*j].id.is_none() => {
                let Ok((_, spans)) = o.cell_spans() else {
                    return;
                };
                if let Some(entries) =
                    nbtidy_notebook::scan::object_entries(o.nb.text(), &spans[*j])
                {
                    edits.extend(nbtidy_notebook::cell_id::insert_id(
                        o.nb.text(),
                        &spans[*j],
                        &entries,
                        &id,
                    ));
                }
            }
            Piece::Text(text) => {
                let whole = 0..text.len();
                let Some(entries) = nbtidy_notebook::scan::object_entries(text, &whole) else {
                    return;
                };
                if entries.iter().any(|entry| entry.key == "id") {
                    return;
                }
                if let Some((span, insert)) =
                    nbtidy_notebook::cell_id::insert_id(text, &whole, &entries, &id)
                {
                    text.replace_range(span, &insert);
                }
            }
            Piece::Ours(..) => {}
        }
    }

    /// Cell `k` of theirs with `edits` (absolute spans), in our style.
    fn theirs_cell(
        &self,
        k: usize,
        edits: Vec<(Range<usize>, String)>,
    ) -> Result<String, MergeError> {
        let span = self.t.cell_spans()?.1[k].clone();
        let text = splice_in(self.t.nb.text(), &span, edits);
        Ok(json::restyle(&text, self.t.style(), self.o.style()).into_owned())
    }

    /// The edit giving cell `i` of `side` the source `text` (in that side's style).
    fn source_edit(
        &self,
        side: &Side<'_>,
        i: usize,
        text: &str,
    ) -> Result<Option<(Range<usize>, String)>, MergeError> {
        let Some(span) = side.nb.cells()[i].source.clone() else {
            return Err(MergeError::Source(side.version, i + 1));
        };
        let encoded = side
            .nb
            .encode_source(i, text, side.style())
            .map_err(|_| MergeError::Source(side.version, i + 1))?;
        Ok(Some((span, encoded)))
    }

    /// A cell both sides have (`j` in ours, `k` in theirs; `base` when it was in the base).
    fn both(
        &self,
        base: Option<usize>,
        j: usize,
        k: usize,
        number: usize,
        conflicts: &mut Vec<Conflict>,
    ) -> Result<(Piece, Cow<'a, str>), MergeError> {
        let (b, o, t) = (self.b, self.o, self.t);
        let oc = &o.nb.cells()[j];
        let same = json::same_value;
        let fields = |side: &Side<'a>, i: usize| {
            let cell = &side.nb.cells()[i];
            (
                side.kind(i),
                side.sources[i].clone(),
                side.raw(cell.metadata.as_ref()),
                side.raw(cell.outputs.as_ref()),
                side.raw(cell.execution_count.as_ref()),
            )
        };
        let equal =
            |x: &(u8, Cow<'_, str>, Option<&str>, Option<&str>, Option<&str>),
             y: &(u8, Cow<'_, str>, Option<&str>, Option<&str>, Option<&str>)| {
                x.0 == y.0 && x.1 == y.1 && same(x.2, y.2) && same(x.3, y.3) && same(x.4, y.4)
            };
        let of = fields(o, j);
        let tf = fields(t, k);
        let bf = base.map(|i| fields(b, i));
        // The cell's other keys (`attachments`, keys nbtidy does not know) count as much.
        let oo = other_keys(o, j)?;
        let to = other_keys(t, k)?;
        let bo = match base {
            Some(i) => Some(other_keys(b, i)?),
            None => None,
        };
        if (equal(&of, &tf) && same_entries(&oo, &to))
            || bf.as_ref().is_some_and(|bf| {
                equal(bf, &tf) && bo.as_ref().is_some_and(|bo| same_entries(bo, &to))
            })
        {
            return Ok((Piece::Ours(j, Vec::new()), of.1));
        }
        if bf
            .as_ref()
            .is_some_and(|bf| equal(bf, &of) && bo.as_ref().is_some_and(|bo| same_entries(bo, &oo)))
        {
            // Only the other side changed this cell: its cell, whole.
            return Ok((Piece::Text(self.theirs_cell(k, Vec::new())?), tf.1));
        }
        let mut edits: Vec<(Range<usize>, String)> = Vec::new();
        if of.0 != tf.0 {
            conflicts.push(Conflict {
                cell: Some(number),
                message: "both versions changed this cell and the other changed its type: the current version's type is kept".to_owned(),
            });
        }

        // Source.
        let base_source = bf.as_ref().map(|bf| bf.1.as_ref());
        let source: Cow<'a, str> = if of.1 == tf.1 || base_source == Some(tf.1.as_ref()) {
            of.1.clone()
        } else if base_source == Some(of.1.as_ref()) {
            tf.1.clone()
        } else {
            let merged = text::merge_text(
                base_source.unwrap_or(""),
                &of.1,
                &tf.1,
                &self.options.markers,
            );
            if merged.conflicts > 0 {
                conflicts.push(Conflict {
                    cell: Some(number),
                    message: format!(
                        "both versions changed the same lines of the source: {} between conflict markers",
                        if merged.conflicts == 1 {
                            "1 region".to_owned()
                        } else {
                            format!("{} regions", merged.conflicts)
                        }
                    ),
                });
            }
            Cow::Owned(merged.text)
        };
        if source != of.1 {
            edits.extend(self.source_edit(o, j, &source)?);
        }

        // Outputs and execution count: never a conflict.
        if !same(of.3, tf.3) || !same(of.4, tf.4) {
            let ours_ran = bf
                .as_ref()
                .is_none_or(|bf| !same(bf.3, of.3) || !same(bf.4, of.4));
            let theirs_ran = bf
                .as_ref()
                .is_none_or(|bf| !same(bf.3, tf.3) || !same(bf.4, tf.4));
            let take = match self.options.outputs {
                OutputPolicy::Clear => None,
                OutputPolicy::Ran => {
                    let first = if theirs_ran && !ours_ran {
                        [Version::Theirs, Version::Ours]
                    } else {
                        [Version::Ours, Version::Theirs]
                    };
                    first.into_iter().find(|version| match version {
                        Version::Theirs => tf.1 == source,
                        _ => of.1 == source,
                    })
                }
            };
            match take {
                Some(Version::Ours) => {}
                Some(_) => {
                    if let (Some(span), Some(raw)) = (oc.outputs.clone(), tf.3) {
                        edits.push((span, json::restyle(raw, t.style(), o.style()).into_owned()));
                    }
                    if let (Some(span), Some(raw)) = (oc.execution_count.clone(), tf.4) {
                        edits.push((span, raw.to_owned()));
                    }
                }
                None => {
                    if let Some(span) = oc.outputs.clone()
                        && o.nb.slice(&span).trim() != "[]"
                    {
                        edits.push((span, "[]".to_owned()));
                    }
                    if let Some(span) = oc.execution_count.clone() {
                        edits.push((span, "null".to_owned()));
                    }
                }
            }
        }

        // Metadata, key by key.
        if let (Some(span), Some(om), Some(tm)) = (oc.metadata.clone(), of.2, tf.2) {
            let place = json::Place {
                indent: json::line_indent(o.nb.text(), span.start),
                ours: o.style(),
                theirs: t.style(),
            };
            let mut keys = Vec::new();
            let base_meta = bf.as_ref().and_then(|bf| bf.2);
            if let Some(text) =
                json::merge_object(base_meta, om, tm, place, &QUIET_CELL_KEYS, "", &mut keys)
            {
                edits.push((span, text));
            }
            for key in keys {
                conflicts.push(Conflict {
                    cell: Some(number),
                    message: metadata_message(&key.path),
                });
            }
        } else if !same(of.2, tf.2) {
            conflicts.push(Conflict {
                cell: Some(number),
                message: metadata_message(""),
            });
        }

        // Other keys, key by key (`attachments` name by name): when they change, the cell is
        // written whole in the current side's style.
        let cell_span = o.cell_spans()?.1[j].clone();
        let place = json::Place {
            indent: json::line_indent(o.nb.text(), cell_span.start),
            ours: o.style(),
            theirs: t.style(),
        };
        let Some(merged) = merge_other_keys(bo.as_deref(), &oo, &to, place, number, conflicts)
        else {
            return Ok((Piece::Ours(j, edits), source));
        };
        let text = splice_in(o.nb.text(), &cell_span, edits);
        let Some(entries) = json::object_entries(&text) else {
            return Err(MergeError::Internal(format!(
                "cell {number} of the current version is not an object"
            )));
        };
        let mut out: Vec<(String, Cow<'_, str>)> = entries
            .into_iter()
            .filter(|(key, _)| KNOWN_CELL_KEYS.contains(&key.as_str()))
            .map(|(key, value)| (key, Cow::Borrowed(value)))
            .collect();
        for (key, value) in merged {
            // In sorted place among the keys (Jupyter writes them sorted), else last.
            let at = out
                .iter()
                .position(|(other, _)| other.as_str() > key.as_str())
                .unwrap_or(out.len());
            out.insert(at, (key, value));
        }
        Ok((
            Piece::Text(json::write_object(&out, place.indent, o.style())),
            source,
        ))
    }

    /// The edit of the cells list: the cells in merged order, with the current side's bytes
    /// between cells that were neighbours there.
    fn cells_edit(
        &self,
        pieces: &[(Option<usize>, Piece)],
    ) -> Result<(Range<usize>, String), MergeError> {
        let o = self.o;
        let text = o.nb.text();
        let (list, spans) = o.cell_spans()?;
        let region = match (spans.first(), spans.last()) {
            (Some(first), Some(last)) => first.start..last.end,
            _ => list.start + 1..list.end - 1,
        };
        // The layout is needed only when ours has fewer than two cells (detecting it scans the file).
        let indent = || format!("{}{}", o.style().indent_unit, o.style().indent_unit);
        let separator: String = if spans.len() >= 2 {
            text[spans[0].end..spans[1].start].to_owned()
        } else if o.style().indent_unit.is_empty() {
            o.style().compact_separator.to_owned()
        } else {
            format!(",{}{}", o.style().newline, indent())
        };
        let mut out = String::with_capacity(region.len());
        let empty_list = spans.is_empty() && !pieces.is_empty();
        if empty_list && !o.style().indent_unit.is_empty() {
            out.push_str(o.style().newline);
            out.push_str(&indent());
        }
        let mut previous: Option<usize> = None;
        for (n, (from_ours, piece)) in pieces.iter().enumerate() {
            if n > 0 {
                match (previous, from_ours) {
                    (Some(p), Some(c)) if *c == p + 1 => {
                        out.push_str(&text[spans[p].end..spans[*c].start]);
                    }
                    _ => out.push_str(&separator),
                }
            }
            match piece {
                Piece::Ours(j, edits) => {
                    out.push_str(&splice_in(text, &spans[*j], edits.clone()));
                }
                Piece::Text(cell) => out.push_str(cell),
            }
            previous = *from_ours;
        }
        if empty_list && !o.style().indent_unit.is_empty() {
            out.push_str(o.style().newline);
            out.push_str(&o.style().indent_unit);
        }
        Ok((region, out))
    }

    /// The notebook metadata, merged key by key (an edit when it changes).
    fn notebook_metadata(&self, conflicts: &mut Vec<Conflict>) -> Option<(Range<usize>, String)> {
        let (b, o, t) = (self.b, self.o, self.t);
        let span = o.nb.metadata_span()?;
        let om = o.nb.slice(&span);
        let tm = t.raw(t.nb.metadata_span().as_ref())?;
        let bm = b.raw(b.nb.metadata_span().as_ref());
        let place = json::Place {
            indent: json::line_indent(o.nb.text(), span.start),
            ours: o.style(),
            theirs: t.style(),
        };
        let mut keys = Vec::new();
        let merged = json::merge_object(bm, om, tm, place, &QUIET_NOTEBOOK_KEYS, "", &mut keys);
        for key in keys {
            conflicts.push(Conflict {
                cell: None,
                message: format!("notebook {}", metadata_message(&key.path)),
            });
        }
        merged.map(|text| (span, text))
    }
}

fn metadata_message(path: &str) -> String {
    if path.is_empty() {
        "metadata: both versions changed it differently; the current version's is kept".to_owned()
    } else {
        format!(
            "metadata `{path}`: both versions changed it differently (or one deleted it); the current version's value is kept"
        )
    }
}

/// The keys of a cell object that [`Merger::both`] merges field by field; the others
/// (`attachments`, keys of later formats or other tools) are merged by [`merge_other_keys`].
const KNOWN_CELL_KEYS: [&str; 6] = [
    "cell_type",
    "execution_count",
    "id",
    "metadata",
    "outputs",
    "source",
];

/// The entries of cell `i` of `side` that are not [`KNOWN_CELL_KEYS`], values as raw JSON.
fn other_keys<'a>(side: &Side<'a>, i: usize) -> Result<Vec<(String, &'a str)>, MergeError> {
    // The usual cell has none (the skeleton saw every key).
    if !side.nb.cells()[i].has_other_keys {
        return Ok(Vec::new());
    }
    let span = side.cell_spans()?.1[i].clone();
    let text: &'a str = side.nb.slice(&span);
    Ok(json::object_entries(text)
        .unwrap_or_default()
        .into_iter()
        .filter(|(key, _)| !KNOWN_CELL_KEYS.contains(&key.as_str()))
        .collect())
}

/// The raw `attachments` value of cell `i` of `side`, if it has one.
fn attachments_of<'a>(side: &Side<'a>, i: usize) -> Option<&'a str> {
    other_keys(side, i)
        .ok()?
        .into_iter()
        .find(|(key, _)| key == "attachments")
        .map(|(_, value)| value)
}

/// The same keys with the same values (as JSON), in any order.
fn same_entries(a: &[(String, &str)], b: &[(String, &str)]) -> bool {
    a.len() == b.len()
        && a.iter().all(|(key, value)| {
            b.iter()
                .any(|(other, theirs)| other == key && json::same_json(value, theirs))
        })
}

/// The cell's other keys merged key by key (`attachments` name by name, as metadata is):
/// `None` when the result is the current side's. A key both sides changed differently keeps
/// the current side's value and is reported; one side's addition, change or deletion applies.
fn merge_other_keys<'t>(
    base: Option<&[(String, &'t str)]>,
    ours: &[(String, &'t str)],
    theirs: &[(String, &'t str)],
    place: json::Place<'_>,
    number: usize,
    conflicts: &mut Vec<Conflict>,
) -> Option<Vec<(String, Cow<'t, str>)>> {
    if same_entries(ours, theirs) || base.is_some_and(|base| same_entries(base, theirs)) {
        return None;
    }
    let mut keys = Vec::new();
    let merged = json::merge_entries(
        base.unwrap_or_default(),
        ours,
        theirs,
        place,
        &[],
        "",
        &mut keys,
    );
    for key in keys {
        conflicts.push(Conflict {
            cell: Some(number),
            message: format!(
                "`{}`: both versions changed it differently (or one deleted it); the current version's value is kept",
                key.path
            ),
        });
    }
    merged
}

/// `text[span]` with `edits` (absolute, inside `span`, not overlapping) applied.
fn splice_in(text: &str, span: &Range<usize>, mut edits: Vec<(Range<usize>, String)>) -> String {
    edits.sort_by_key(|(range, _)| range.start);
    let mut out = String::with_capacity(span.len());
    let mut at = span.start;
    for (range, replacement) in edits {
        out.push_str(&text[at..range.start]);
        out.push_str(&replacement);
        at = range.end;
    }
    out.push_str(&text[at..span.end]);
    out
}

/// `bytes` with an id for every cell that has none, when the notebook is nbformat 4.5 or later
/// (cells from a side without ids, 4.4 or older): new deterministic ids where Jupyter puts them
/// (`nbtidy_notebook::cell_id`, as NB008's fix). Unchanged otherwise, or when it does not parse
/// (`verify` says so).
fn with_cell_ids(bytes: Vec<u8>) -> Vec<u8> {
    let Ok(nb) = Notebook::parse(&bytes) else {
        return bytes;
    };
    if !nb.has_cell_ids() || nb.cells().iter().all(|cell| cell.id.is_some()) {
        return bytes;
    }
    let Some((_, spans)) = nb.cell_spans() else {
        return bytes;
    };
    let text = nb.text();
    let mut taken: HashSet<String> = nb
        .cells()
        .iter()
        .filter_map(|cell| cell.id.as_ref())
        .filter_map(|span| nbtidy_notebook::scan::decode(text, span))
        .map(Cow::into_owned)
        .collect();
    let mut edits = Vec::new();
    for (i, cell) in nb.cells().iter().enumerate() {
        if cell.id.is_some() {
            continue;
        }
        let Some(entries) = nbtidy_notebook::scan::object_entries(text, &spans[i]) else {
            continue;
        };
        let source = nb.source(i).map(|source| source.text).unwrap_or_default();
        let id = nbtidy_notebook::cell_id::new_cell_id(i, &source, &mut taken);
        edits.extend(nbtidy_notebook::cell_id::insert_id(
            text, &spans[i], &entries, &id,
        ));
    }
    nb.splice(edits)
}

/// The merged bytes parse as a notebook whose cells have the intended sources.
fn verify(bytes: &[u8], expected: &[Cow<'_, str>]) -> Result<(), MergeError> {
    let nb = Notebook::parse(bytes).map_err(|err| {
        MergeError::Internal(format!("the merged notebook does not parse: {err}"))
    })?;
    if nb.cells().len() != expected.len() {
        return Err(MergeError::Internal(format!(
            "the merged notebook has {} cells instead of {}",
            nb.cells().len(),
            expected.len()
        )));
    }
    for (i, want) in expected.iter().enumerate() {
        let got = match nb.cells()[i].source {
            None => Cow::Borrowed(""),
            Some(_) => nb.source(i).map(|s| s.text).map_err(|_| {
                MergeError::Internal(format!("cell {}'s merged source cannot be read", i + 1))
            })?,
        };
        if got != *want {
            return Err(MergeError::Internal(format!(
                "cell {}'s merged source is not the intended text",
                i + 1
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
