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
use clap::error::ContextValue;

/// mimalloc instead of the system allocator: parsing builds an AST of many small boxes per cell,
/// and glibc's malloc/free were an eighth of `check`'s time on the corpus (`bench/`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    panic::install_hook();
    // Signals are handled (a thread that waits for them) from the first write on: a run that
    // writes nothing can die of them as they are; the thread pool is built when first needed
    // (`nbtidy_pipeline::thread_pool`). Start-up is an editor's save action and every hook's.
    nbtidy_fs::write::before_first_write(write::handle_signals);
    // The process ends where the work ends: waking this thread to return from `main` would wait
    // for a core while the thread pool's idle workers still spin on both (on one big notebook,
    // 0.5 ms of its 6).
    let spawned = std::thread::Builder::new()
        .name("nbtidy".to_owned())
        .stack_size(nbtidy_python::STACK_SIZE)
        .spawn(|| exit(run()));
    match spawned {
        // Only when the thread panicked outside `panic::catch`.
        Ok(handle) => {
            let _ = handle.join();
            ExitCode::from(ExitStatus::Error as u8)
        }
        // No thread (a tight `ulimit -v`): run here, with the main thread's stack.
        Err(_) => ExitCode::from(run()),
    }
}

/// Flushes what is buffered and ends the process with `code`.
fn exit(code: u8) -> ! {
    let _ = std::io::Write::flush(&mut std::io::stdout());
    let _ = std::io::Write::flush(&mut std::io::stderr());
    std::process::exit(i32::from(code))
}

/// The command's exit status.
fn run() -> u8 {
    let args = args::Args::try_parse().unwrap_or_else(|err| argument_error(&err));
    // Notebooks are isolated one by one (`commands::for_each_notebook`); this catches the rest.
    let result = panic::catch(|| match args.command {
        args::Command::Format(format) => commands::format::run(&format),
        args::Command::Check(check) => commands::check::run(&check),
        args::Command::Rule(rule) => commands::rule::run(&rule),
        args::Command::Config(config) => commands::config::run(&config),
        args::Command::Completions(completions) => commands::generate::completions(&completions),
        args::Command::Man => commands::generate::man(),
        args::Command::Server => commands::server::run(),
        args::Command::Git(git) => commands::git::run(&git),
    })
    .unwrap_or_else(|message| Err(anyhow::anyhow!(message)));
    match result {
        Ok(status) => status as u8,
        Err(err) => {
            if printer::is_broken_pipe(&err) {
                return ExitStatus::Success as u8;
            }
            printer::error(&format!("{err:#}"));
            ExitStatus::Error as u8
        }
    }
}

/// Reports an argument error and exits. clap's own printing is used unless an argument holds a
/// character that is unsafe to print or a secret: then every value the error quotes is masked and
/// escaped onto one line (a newline in a value cannot forge a line), and the rest of the message is
/// escaped with its line breaks kept.
fn argument_error(err: &clap::Error) -> ! {
    if let Some(problem) = invalid_value(err) {
        commands::print_problem(&problem, "");
        std::process::exit(ExitStatus::Error as i32);
    }
    let unsafe_argument = std::env::args_os().any(|arg| {
        let arg = arg.to_string_lossy();
        nbtidy_safe_text::for_terminal(&arg) != arg
    });
    if !err.use_stderr() || !unsafe_argument {
        err.exit();
    }
    let mut quoted: Vec<String> = std::env::args_os()
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    for (_, value) in err.context() {
        match value {
            ContextValue::String(text) => quoted.push(text.clone()),
            ContextValue::Strings(texts) => quoted.extend(texts.iter().cloned()),
            ContextValue::StyledStr(text) => quoted.push(text.to_string()),
            ContextValue::StyledStrs(texts) => quoted.extend(texts.iter().map(ToString::to_string)),
            _ => {}
        }
    }
    // Longest first, so that a value holding another is replaced whole.
    quoted.sort_by_key(|text| std::cmp::Reverse(text.len()));
    let mut text = err.render().to_string();
    for value in &quoted {
        let safe = nbtidy_safe_text::for_terminal(value);
        // The rendered text drops ANSI sequences from what it quotes: look for the value as shown.
        let shown = clap::builder::StyledStr::from(value.clone()).to_string();
        if !shown.is_empty() && safe != value.as_str() {
            text = text.replace(&shown, &safe);
        }
    }
    printer::argument_error(&text);
    std::process::exit(err.exit_code());
}

/// A flag's invalid value as the [`nbtidy_config::SettingProblem`] every invalid value is
/// (`command line: --line-length = lots: expected ...`), printed the same way as one from an
/// `.editorconfig` file; `None` for other argument errors (clap prints those).
fn invalid_value(err: &clap::Error) -> Option<nbtidy_config::SettingProblem> {
    use clap::error::{ContextKind, ErrorKind};
    let text = |kind| match err.get(kind) {
        Some(ContextValue::String(text)) => Some(text.clone()),
        _ => None,
    };
    let flag = text(ContextKind::InvalidArg)?;
    // `--line-length <N|off>`: the flag alone.
    let flag = flag.split(' ').next().unwrap_or_default().to_owned();
    if !flag.starts_with("--") {
        return None;
    }
    let value = text(ContextKind::InvalidValue)?;
    let expected = match err.kind() {
        // The value parser's own message (`expected ...`).
        ErrorKind::ValueValidation => std::error::Error::source(err)?.to_string(),
        ErrorKind::InvalidValue => {
            let Some(ContextValue::Strings(valid)) = err.get(ContextKind::ValidValue) else {
                return None;
            };
            let mut expected = format!("expected {}", one_of(valid));
            if let Some(ContextValue::Strings(suggested)) = err.get(ContextKind::SuggestedValue)
                && let Some(first) = suggested.first()
            {
                expected.push_str(&format!("; did you mean `{first}`?"));
            }
            expected
        }
        _ => return None,
    };
    Some(nbtidy_config::SettingProblem::invalid(
        nbtidy_config::Origin::Cli,
        flag,
        value,
        expected,
    ))
}

/// `` `a`, `b` or `c` ``.
fn one_of(values: &[String]) -> String {
    let quoted: Vec<String> = values.iter().map(|value| format!("`{value}`")).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
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
