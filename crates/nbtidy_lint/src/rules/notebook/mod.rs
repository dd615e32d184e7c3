//! The Notebook family: what only a notebook has: cell order, outputs, execution counts, metadata, ids, installs, paths and secrets (`NB` codes).
//!
//! A rule of this family is one file here, one `pub mod` line and one entry in [`FAMILY`].

pub mod absolute_local_path;
pub mod cell_defined_later;
pub mod duplicate_cell_id;
pub mod empty_cell;
pub mod error_output;
pub mod execution_count_present;
pub mod execution_out_of_order;
pub mod hardcoded_password;
pub mod imports_not_in_first_cell;
pub mod invalid_notebook;
pub mod large_output;
pub mod missing_cell_id;
pub mod missing_kernelspec;
pub(crate) mod nbformat_v4;
pub mod notebook_metadata_noise;
pub mod outputs_present;
pub mod secret_in_notebook;
pub mod shell_pip_install;
pub mod unpinned_install;

use crate::registry::Family;

/// The Notebook rules, in the order `nbtidy rule --all` lists them.
pub static FAMILY: Family = Family {
    name: "notebook",
    title: "Notebook",
    description: "What only a notebook has: cell order, outputs, execution counts, metadata, ids, installs, paths and secrets (`NB` codes).",
    rules: &[
        &cell_defined_later::CellDefinedLater,
        &execution_out_of_order::ExecutionOutOfOrder,
        &outputs_present::OutputsPresent,
        &execution_count_present::ExecutionCountPresent,
        &error_output::ErrorOutput,
        &large_output::LargeOutput,
        &empty_cell::EmptyCell,
        &missing_cell_id::MissingCellId,
        &duplicate_cell_id::DuplicateCellId,
        &invalid_notebook::InvalidNotebook,
        &missing_kernelspec::MissingKernelspec,
        &notebook_metadata_noise::NotebookMetadataNoise,
        &shell_pip_install::ShellPipInstall,
        &unpinned_install::UnpinnedInstall,
        &absolute_local_path::AbsoluteLocalPath,
        &secret_in_notebook::SecretInNotebook,
        &hardcoded_password::HardcodedPassword,
        &imports_not_in_first_cell::ImportsNotInFirstCell,
    ],
};
