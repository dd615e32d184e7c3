//! The isort family: import blocks sorted and laid out as isort does with ruff's defaults
//! (ruff `I` codes), cell by cell as ruff sorts a notebook.
//!
//! A rule of this family is one file here, one `pub mod` line and one entry in [`FAMILY`].
//! The sorter itself (`block`, `categorize`, `sort`, `settings`, `stdlib`) is shared: I001
//! reports and fixes with it, `nbtidy format --fix` sorts with I001's fix.

pub mod block;
pub mod categorize;
pub mod missing_required_import;
pub mod settings;
pub mod sort;
pub mod stdlib;
pub mod unsorted_imports;

use crate::RuleMeta;
use crate::context::Context;
use crate::registry::Family;

/// The isort rules, in the order `nbtidy rule --all` lists them.
pub static FAMILY: Family = Family {
    name: "isort",
    title: "isort",
    description: "Import blocks sorted and grouped as isort and ruff do, per cell (ruff `I` codes).",
    rules: &[
        &unsorted_imports::UnsortedImports,
        &missing_required_import::MissingRequiredImport,
    ],
};

/// One unsorted import block of a notebook: its cell and what sorting it gives.
#[derive(Debug)]
pub struct UnsortedBlock {
    /// 0-based cell index.
    pub cell: usize,
    /// The block and its replacement.
    pub sorted: sort::Sorted,
}

/// Every import block of the notebook's Python cells that is not sorted, in notebook order,
/// with the settings read through `meta` (a rule declaring I001's `keys`).
pub fn unsorted_blocks(context: &Context<'_>, meta: &RuleMeta) -> Vec<UnsortedBlock> {
    let directives = block::Directives::read(context);
    if directives.skip_file {
        return Vec::new();
    }
    let settings = settings::Settings::read(context, meta);
    let categorizer = categorize::Categorizer::new(&settings);
    let style = style(context);
    let mut out = Vec::new();
    for cell in context.cells() {
        let (Some(module), Some(parsed)) = (cell.python(), cell.parsed()) else {
            continue;
        };
        let Some(cell_directives) = directives.cells.get(cell.index) else {
            continue;
        };
        let text = cell.text();
        for found in block::BlockBuilder::blocks(text, &module.body, cell_directives) {
            if let Some(sorted) = sort::sort_block(
                &found,
                text,
                parsed.tokens(),
                &settings,
                &categorizer,
                &style,
            ) {
                out.push(UnsortedBlock {
                    cell: cell.index,
                    sorted,
                });
            }
        }
    }
    out
}

/// The notebook's layout as ruff's stylist reads it from the code it lints (all Python cells
/// as one file): the first indentation, and the first line ending (`\n` when the first cell
/// has none, as ruff ends each cell with one).
fn style(context: &Context<'_>) -> sort::Style {
    let cells = context.cells().iter().filter_map(|cell| {
        cell.python()
            .and(cell.parsed())
            .map(|p| (cell.text(), p.tokens()))
    });
    let line_ending = cells
        .clone()
        .next()
        .and_then(|(text, _)| {
            let at = text.find(['\n', '\r'])?;
            Some(if text[at..].starts_with("\r\n") {
                "\r\n"
            } else if text[at..].starts_with('\r') {
                "\r"
            } else {
                "\n"
            })
        })
        .unwrap_or("\n");
    sort::Style {
        indent: sort::detect_indent(cells),
        line_ending,
    }
}

/// `text` (a cell's code, parsed here on its own) with the import block that holds byte
/// `offset` sorted as I001 sorts it, with I001's settings for `context`'s notebook; `None` when
/// there is no such block or it is already sorted. For fixes that add imports to a cell
/// (`imports-not-in-first-cell`).
pub fn sort_block_at(context: &Context<'_>, text: &str, offset: usize) -> Option<String> {
    let parsed = crate::context::parse_cell(text).ok()?;
    if !parsed.errors().is_empty() {
        return None;
    }
    let module = parsed.syntax().as_module()?;
    let directives = block::CellDirectives::default();
    let settings = settings::Settings::read(context, &unsorted_imports::UnsortedImports::META);
    let categorizer = categorize::Categorizer::new(&settings);
    let style = style(context);
    let blocks = block::BlockBuilder::blocks(text, &module.body, &directives);
    let found = blocks.iter().find(|block| {
        let start = block
            .imports
            .first()
            .map(|s| ruff_text_size::Ranged::start(*s).to_usize());
        let end = block
            .imports
            .last()
            .map(|s| ruff_text_size::Ranged::end(*s).to_usize());
        start.is_some_and(|start| start <= offset) && end.is_some_and(|end| offset <= end)
    })?;
    let sorted = sort::sort_block(
        found,
        text,
        parsed.tokens(),
        &settings,
        &categorizer,
        &style,
    )?;
    let (range, content) = sorted.fix?;
    let mut out = String::with_capacity(text.len() + content.len());
    out.push_str(&text[..range.start]);
    out.push_str(&content);
    out.push_str(&text[range.end..]);
    Some(out)
}
