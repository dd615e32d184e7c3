//! One module per rule.

pub mod bare_except;
pub mod outputs_present;
pub mod shell_pip_install;
pub mod syntax_error;
