//! Which section an import belongs to: future, standard library, third party, first party or
//! local folder, decided as ruff decides it (in this order of precedence):
//!
//! 1. `__future__` is future;
//! 2. a relative import (`from . import x`) is local folder;
//! 3. a module matching `nbtidy_known_first_party`, `nbtidy_known_third_party`,
//!    `nbtidy_known_local_folder` or `nbtidy_extra_standard_library` (the longest dotted prefix
//!    that matches decides) is in that section;
//! 4. a module of the standard library of `nbtidy_target_version` is standard library;
//! 5. the package the notebook is in (its name) is first party;
//! 6. a module or package next to the notebook (`name.py` or a directory `name/`, also under
//!    `src/`) is first party, as ruff with its default `src = [".", "src"]` run from the
//!    notebook's directory;
//! 7. `__main__` is first party;
//! 8. everything else is third party.

use std::cell::RefCell;

use rustc_hash::FxHashMap;

use super::settings::Settings;
use super::stdlib::is_standard_library;

/// An import section, in output order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    /// `from __future__ import ...`.
    Future,
    /// The standard library of the target version.
    StandardLibrary,
    /// Installed packages.
    ThirdParty,
    /// The project's own modules.
    FirstParty,
    /// Relative imports.
    LocalFolder,
}

/// Categorizes modules for one notebook, remembering what the file system said.
#[derive(Debug)]
pub struct Categorizer<'a> {
    settings: &'a Settings,
    on_disk: RefCell<FxHashMap<String, bool>>,
}

impl<'a> Categorizer<'a> {
    /// A categorizer with `settings`.
    pub fn new(settings: &'a Settings) -> Self {
        Categorizer {
            settings,
            on_disk: RefCell::new(FxHashMap::default()),
        }
    }

    /// The section of `module` (dotted, without the leading dots of a relative import).
    pub fn section(&self, module: &str, relative: bool) -> Section {
        let base = module.split('.').next().unwrap_or(module);
        if !relative && base == "__future__" {
            return Section::Future;
        }
        if relative {
            return Section::LocalFolder;
        }
        if let Some(section) = self.known(module) {
            return section;
        }
        if is_standard_library(self.settings.target_minor, base) {
            return Section::StandardLibrary;
        }
        if self
            .settings
            .package
            .as_ref()
            .is_some_and(|package| package.ends_with(base))
        {
            return Section::FirstParty;
        }
        if self.next_to_notebook(base) || module == "__main__" {
            return Section::FirstParty;
        }
        Section::ThirdParty
    }

    fn known(&self, module: &str) -> Option<Section> {
        let known = &self.settings.known;
        if known.is_empty() {
            return None;
        }
        let find = |name: &str| {
            known
                .iter()
                .find(|(pattern, _)| pattern.matches(name))
                .map(|(_, section)| *section)
        };
        if !self.settings.known_submodules {
            return find(module.split('.').next().unwrap_or(module));
        }
        let ends = module
            .match_indices('.')
            .map(|(i, _)| i)
            .chain(std::iter::once(module.len()));
        let ends: Vec<usize> = ends.collect();
        ends.iter().rev().find_map(|&end| find(&module[..end]))
    }

    fn next_to_notebook(&self, base: &str) -> bool {
        if base.is_empty() {
            return false;
        }
        if let Some(&found) = self.on_disk.borrow().get(base) {
            return found;
        }
        let found = self.settings.src.iter().any(|root| {
            let dir = root.join(base);
            // Metadata only: nothing is opened or read.
            std::fs::metadata(&dir).is_ok_and(|m| m.is_dir())
                || std::fs::metadata(root.join(format!("{base}.py"))).is_ok_and(|m| m.is_file())
        });
        self.on_disk.borrow_mut().insert(base.to_owned(), found);
        found
    }
}
