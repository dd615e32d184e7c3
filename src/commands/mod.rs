//! One module per subcommand.

pub mod format;
