//! Seed inputs: the notebooks of `../shared/corpus` and `../shared/peer-fixtures`, and the Python
//! code cells found in them.
//!
//! Nothing here writes: the shared folders are only read.

use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};

use nbtidy_notebook::{CellType, CodeKind, Notebook};

/// Which seed files to load.
#[derive(Debug, Clone, Copy)]
pub struct SeedLimits {
    /// Notebooks larger than this are not used as whole-notebook seeds (their cells still are).
    pub max_notebook_bytes: usize,
    /// Notebooks at most this large (and readable, Python) seed the fix target.
    pub max_small_notebook_bytes: usize,
    /// Take one file in `every` (sorted by path); 1 takes them all.
    pub every: usize,
    /// Cells longer than this are not used.
    pub max_cell_bytes: usize,
}

impl Default for SeedLimits {
    fn default() -> Self {
        SeedLimits {
            max_notebook_bytes: 256 * 1024,
            max_small_notebook_bytes: 48 * 1024,
            every: 1,
            max_cell_bytes: 16 * 1024,
        }
    }
}

/// The seed inputs of every target.
#[derive(Debug, Default)]
pub struct Seeds {
    /// Notebook-like files (`.ipynb`, `.ipynb.expected`, cell `.json`), readable or not.
    pub notebooks: Vec<Vec<u8>>,
    /// Small readable Python notebooks.
    pub small_notebooks: Vec<Vec<u8>>,
    /// Distinct Python code cells.
    pub cells: Vec<String>,
}

/// `../shared` beside the repository, or `$NBTIDY_FUZZ_SHARED`.
pub fn shared_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("NBTIDY_FUZZ_SHARED") {
        return PathBuf::from(dir);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

fn is_notebook_like(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.ends_with(".ipynb") || name.ends_with(".expected") || name.ends_with(".json")
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if is_notebook_like(&path) {
            out.push(path);
        }
    }
    Ok(())
}

impl Seeds {
    /// Loads the seeds from `shared` (its `corpus/` and `peer-fixtures/`).
    ///
    /// # Errors
    /// When a folder cannot be listed or a file cannot be read.
    pub fn load(shared: &Path, limits: SeedLimits) -> io::Result<Seeds> {
        let mut paths = Vec::new();
        for sub in ["corpus", "peer-fixtures"] {
            collect(&shared.join(sub), &mut paths)?;
        }
        paths.sort();
        let mut seeds = Seeds::default();
        let mut seen_cells = HashSet::new();
        for path in paths.iter().step_by(limits.every.max(1)) {
            let bytes = std::fs::read(path)?;
            if let Ok(notebook) = Notebook::parse(&bytes) {
                let python = notebook.language().is_python();
                for index in 0..notebook.cells().len() {
                    if notebook.cells()[index].cell_type != CellType::Code {
                        continue;
                    }
                    let Ok(source) = notebook.source(index) else {
                        continue;
                    };
                    if source.text.len() > limits.max_cell_bytes
                        || notebook.classify(index, &source.text) != Some(CodeKind::Python)
                    {
                        continue;
                    }
                    if seen_cells.insert(source.text.to_string()) {
                        seeds.cells.push(source.text.into_owned());
                    }
                }
                if python && bytes.len() <= limits.max_small_notebook_bytes {
                    seeds.small_notebooks.push(bytes.clone());
                }
            }
            if bytes.len() <= limits.max_notebook_bytes {
                seeds.notebooks.push(bytes);
            }
        }
        Ok(seeds)
    }
}
