//! `nbtidy`: format the Python code in Jupyter notebooks, changing nothing else.
//!
//! `main` stays thin: parse the arguments, run the command, map the result to an exit code.

mod args;
mod commands;
mod diff;
mod panic;
mod printer;
mod read;
mod walk;
mod write;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    panic::install_hook();
    // Parsing, formatting and linting recurse once per level of a cell's nesting, which
    // `nbtidy_python` bounds; every thread that does it gets the stack that bound needs (reserved
    // address space: only what a deep cell uses is touched).
    let _ = rayon::ThreadPoolBuilder::new()
        .stack_size(nbtidy_python::STACK_SIZE)
        .build_global();
    match std::thread::Builder::new()
        .name("nbtidy".to_owned())
        .stack_size(nbtidy_python::STACK_SIZE)
        .spawn(run)
    {
        Ok(handle) => handle
            .join()
            .unwrap_or(ExitCode::from(ExitStatus::Error as u8)),
        // No thread (a tight `ulimit -v`): run here, with the main thread's stack.
        Err(_) => run(),
    }
}

fn run() -> ExitCode {
    let args = args::Args::parse();
    // Notebooks are isolated one by one (`commands::for_each_notebook`); this catches the rest.
    let result = panic::catch(|| match args.command {
        args::Command::Format(format) => commands::format::run(&format),
        args::Command::Check(check) => commands::check::run(&check),
        args::Command::Rule(rule) => commands::rule::run(&rule),
        args::Command::Config(config) => commands::config::run(&config),
        args::Command::Completions(completions) => commands::generate::completions(&completions),
        args::Command::Man => commands::generate::man(),
    })
    .unwrap_or_else(|message| Err(anyhow::anyhow!(message)));
    match result {
        Ok(status) => ExitCode::from(status as u8),
        Err(err) => {
            if printer::is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            printer::error(&format!("{err:#}"));
            ExitCode::from(ExitStatus::Error as u8)
        }
    }
}

/// Exit codes, the same for every command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExitStatus {
    /// Nothing to report.
    Success = 0,
    /// Findings, or notebooks that would be reformatted.
    Failure = 1,
    /// The tool could not do its job: bad input, bad configuration, I/O error.
    Error = 2,
}
