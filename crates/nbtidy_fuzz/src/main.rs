//! `nbtidy-fuzz`: long fuzzing runs (`run`), replaying and minimizing saved inputs.
//!
//! `run` supervises one worker process per target: the worker runs the mutation loop (panics
//! are caught per input) and reports on stdout; the supervisor restarts it after a crash that
//! kills the process (stack overflow, abort) or a hang, saving the input that was running.

// A command-line tool: printing is its job.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader, Read as _};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use nbtidy_fuzz::driver::{self, Budget, RunOptions};
use nbtidy_fuzz::{Checker, Failure, SeedLimits, Seeds, SpliceInput, Target, shared_dir};

#[derive(Parser)]
#[command(
    name = "nbtidy-fuzz",
    about = "Mutation fuzzing of nbtidy (stable toolchain)"
)]
struct Args {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Fuzz a target (notebook, splice, format, fix) or `all` (one after the other).
    Run {
        /// notebook | splice | format | fix | all
        target: String,
        /// Minutes per target.
        #[arg(long, default_value_t = 10.0)]
        minutes: f64,
        /// Seed of the random generator (default: from the clock).
        #[arg(long)]
        seed: Option<u64>,
        /// Where failing inputs go (`<dir>/<target>/`).
        #[arg(long)]
        artifacts: Option<PathBuf>,
        /// A worker that prints nothing for this many seconds is killed as hung.
        #[arg(long, default_value_t = 120)]
        hang_seconds: u64,
        /// Stack size of the thread that runs inputs (rayon's workers in the CLI get 2 MiB).
        #[arg(long, default_value_t = 2)]
        stack_mib: usize,
    },
    /// Internal: the mutation loop of one target, reporting on stdout.
    #[command(hide = true)]
    Worker {
        target: String,
        #[arg(long)]
        seconds: f64,
        #[arg(long)]
        seed: u64,
        #[arg(long)]
        artifacts: PathBuf,
        #[arg(long, default_value_t = 2)]
        stack_mib: usize,
    },
    /// Check saved inputs again and print what happens (panics with their message).
    Replay {
        /// notebook | splice | format | fix
        target: String,
        /// Saved inputs.
        files: Vec<PathBuf>,
    },
    /// Shrink a failing input while it fails the same way; writes `<name>.min.<ext>`.
    Minimize {
        /// notebook | splice | format | fix
        target: String,
        /// The failing input.
        file: PathBuf,
        /// Time limit.
        #[arg(long, default_value_t = 120)]
        seconds: u64,
    },
}

fn target(name: &str) -> Result<Target, String> {
    Target::from_name(name).ok_or_else(|| {
        format!("unknown target `{name}`: expected notebook, splice, format, fix (or all for run)")
    })
}

fn default_artifacts() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/artifacts")
}

fn main() -> ExitCode {
    let args = Args::parse();
    let result = match args.command {
        Cmd::Run {
            target: name,
            minutes,
            seed,
            artifacts,
            hang_seconds,
            stack_mib,
        } => {
            let targets = if name == "all" {
                Ok(Target::ALL.to_vec())
            } else {
                target(&name).map(|t| vec![t])
            };
            targets.map(|targets| {
                supervise(
                    &targets,
                    Duration::from_secs_f64(minutes * 60.0),
                    seed,
                    &artifacts.unwrap_or_else(default_artifacts),
                    Duration::from_secs(hang_seconds),
                    stack_mib,
                )
            })
        }
        Cmd::Worker {
            target: name,
            seconds,
            seed,
            artifacts,
            stack_mib,
        } => target(&name).map(|t| worker(t, seconds, seed, &artifacts, stack_mib)),
        Cmd::Replay {
            target: name,
            files,
        } => target(&name).map(|t| replay(t, &files)),
        Cmd::Minimize {
            target: name,
            file,
            seconds,
        } => target(&name).map(|t| minimize(t, &file, Duration::from_secs(seconds))),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn load_seeds() -> Seeds {
    let dir = shared_dir();
    Seeds::load(&dir, SeedLimits::default()).unwrap_or_else(|err| {
        eprintln!(
            "warning: cannot read the seeds in {} ({err}); starting from nothing",
            dir.display()
        );
        Seeds::default()
    })
}

/// One line of the worker protocol: tab-separated, no tabs or newlines inside fields.
fn field(text: &str) -> String {
    text.replace(['\t', '\n', '\r'], " ")
}

fn worker(target: Target, seconds: f64, seed: u64, artifacts: &Path, stack_mib: usize) -> ExitCode {
    let dir = artifacts.join(target.name());
    let _ = std::fs::create_dir_all(&dir);
    let options = RunOptions {
        target,
        seed,
        budget: Budget::Time(Duration::from_secs_f64(seconds)),
        artifacts: Some(dir.clone()),
        current_input: Some(dir.join(".current-input")),
        slow: Some(Duration::from_secs(10)),
        run_seeds: true,
    };
    let handle = std::thread::Builder::new()
        .name(format!("fuzz-{}", target.name()))
        .stack_size(stack_mib << 20)
        .spawn(move || {
            let seeds = load_seeds();
            let checker = Checker::new();
            let stats = driver::run(&checker, &seeds, &options, |stats, found| match found {
                Some(found) => println!(
                    "failure\t{}\t{}\t{}",
                    field(&found.failure.kind),
                    found
                        .saved
                        .as_ref()
                        .map_or_else(|| "-".to_owned(), |p| p.display().to_string()),
                    field(found.failure.detail.lines().next().unwrap_or(""))
                ),
                None => println!(
                    "progress\t{}\t{}\t{}\t{}",
                    stats.executions,
                    stats.elapsed.as_millis(),
                    stats.pool,
                    stats.signatures
                ),
            });
            for (kind, found) in &stats.failures {
                println!("count\t{}\t{}", field(kind), found.count);
            }
            for (name, found) in &stats.known {
                println!("known\t{}\t{}", field(name), found.count);
            }
            println!(
                "done\t{}\t{}\t{}\t{}",
                stats.executions,
                stats.elapsed.as_millis(),
                stats.pool,
                stats.signatures
            );
            let _ = std::fs::remove_file(dir.join(".current-input"));
        })
        .expect("spawn the fuzzing thread");
    match handle.join() {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE,
    }
}

/// What the supervisor knows about one kind of failure.
struct Known {
    count: u64,
    saved: String,
    detail: String,
}

/// Totals of one target.
#[derive(Default)]
struct Totals {
    executions: u64,
    elapsed: Duration,
    workers: u32,
    failures: BTreeMap<String, Known>,
    /// Known upstream bugs met, by name.
    known: BTreeMap<String, u64>,
}

fn supervise(
    targets: &[Target],
    per_target: Duration,
    seed: Option<u64>,
    artifacts: &Path,
    hang: Duration,
    stack_mib: usize,
) -> ExitCode {
    let exe = std::env::current_exe().expect("the path of this program");
    let seed = seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_secs())
    });
    let mut all = Vec::new();
    for &target in targets {
        println!(
            "== {}: {:.1} minutes, seed {seed}, artifacts in {}",
            target.name(),
            per_target.as_secs_f64() / 60.0,
            artifacts.join(target.name()).display()
        );
        let totals = supervise_target(&exe, target, per_target, seed, artifacts, hang, stack_mib);
        print_totals(target, &totals);
        all.push((target, totals));
    }
    if all.len() > 1 {
        println!("\n== summary");
        for (target, totals) in &all {
            println!(
                "{:<9} {:>10} executions in {:>7.1} s ({:>8.1}/s), {} unique failures",
                target.name(),
                totals.executions,
                totals.elapsed.as_secs_f64(),
                totals.executions as f64 / totals.elapsed.as_secs_f64().max(1e-9),
                totals.failures.len()
            );
        }
    }
    if all.iter().any(|(_, t)| !t.failures.is_empty()) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn print_totals(target: Target, totals: &Totals) {
    println!(
        "-- {}: {} executions in {:.1} s ({:.1}/s), {} worker run(s), {} unique failures",
        target.name(),
        totals.executions,
        totals.elapsed.as_secs_f64(),
        totals.executions as f64 / totals.elapsed.as_secs_f64().max(1e-9),
        totals.workers,
        totals.failures.len()
    );
    for (kind, known) in &totals.failures {
        println!("   {kind}  (x{})", known.count);
        if !known.detail.is_empty() {
            println!("      {}", known.detail);
        }
        println!("      input:  {}", known.saved);
        println!(
            "      replay: scripts/fuzz replay {} {}",
            target.name(),
            known.saved
        );
    }
    for (name, count) in &totals.known {
        println!("   known upstream bug (not counted as a failure): {name}  (x{count})");
    }
}

enum Line {
    Out(String),
    Closed,
}

#[allow(clippy::too_many_lines)]
fn supervise_target(
    exe: &Path,
    target: Target,
    budget: Duration,
    seed: u64,
    artifacts: &Path,
    hang: Duration,
    stack_mib: usize,
) -> Totals {
    let start = Instant::now();
    let mut totals = Totals::default();
    let dir = artifacts.join(target.name());
    let _ = std::fs::create_dir_all(&dir);
    let mut last_report = Instant::now();
    while start.elapsed() + Duration::from_secs(1) < budget {
        let remaining = budget - start.elapsed();
        let worker_seed = seed.wrapping_add(u64::from(totals.workers).wrapping_mul(0x9e37_79b9));
        totals.workers += 1;
        let mut child = match Command::new(exe)
            .args(["worker", target.name(), "--seconds"])
            .arg(remaining.as_secs_f64().to_string())
            .arg("--seed")
            .arg(worker_seed.to_string())
            .arg("--artifacts")
            .arg(artifacts)
            .arg("--stack-mib")
            .arg(stack_mib.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
        {
            Ok(child) => child,
            Err(err) => {
                eprintln!("error: cannot start a worker: {err}");
                break;
            }
        };
        let (sender, receiver) = mpsc::channel();
        let stdout = child.stdout.take().expect("piped stdout");
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if sender.send(Line::Out(line)).is_err() {
                    return;
                }
            }
            let _ = sender.send(Line::Closed);
        });
        let mut stderr = child.stderr.take().expect("piped stderr");
        let stderr_reader = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            let tail: String = text
                .chars()
                .rev()
                .take(4000)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            tail
        });
        let mut worker_executions = 0;
        let mut worker_pool = String::new();
        let mut finished = false;
        let mut hung = false;
        loop {
            match receiver.recv_timeout(hang) {
                Ok(Line::Out(line)) => {
                    let parts: Vec<&str> = line.split('\t').collect();
                    match parts.as_slice() {
                        ["progress", executions, _, pool, signatures] => {
                            worker_executions = executions.parse().unwrap_or(worker_executions);
                            worker_pool = format!("pool {pool}, {signatures} signatures");
                        }
                        ["failure", kind, saved, detail] => {
                            let entry = totals.failures.entry((*kind).to_owned());
                            if let std::collections::btree_map::Entry::Vacant(entry) = entry {
                                println!(
                                    "!! [{}] new failure: {kind}\n   {detail}\n   input: {saved}\n   replay: scripts/fuzz replay {} {saved}",
                                    target.name(),
                                    target.name()
                                );
                                entry.insert(Known {
                                    count: 0,
                                    saved: (*saved).to_owned(),
                                    detail: (*detail).to_owned(),
                                });
                            }
                        }
                        ["known", name, count] => {
                            *totals.known.entry((*name).to_owned()).or_default() +=
                                count.parse::<u64>().unwrap_or(0);
                        }
                        ["count", kind, count] => {
                            if let Some(known) = totals.failures.get_mut(*kind) {
                                known.count += count.parse::<u64>().unwrap_or(0);
                            }
                        }
                        ["done", executions, ..] => {
                            worker_executions = executions.parse().unwrap_or(worker_executions);
                            finished = true;
                        }
                        _ => {}
                    }
                    if last_report.elapsed() >= Duration::from_secs(30) {
                        last_report = Instant::now();
                        let executions = totals.executions + worker_executions;
                        let elapsed = start.elapsed().as_secs_f64();
                        println!(
                            "[{}] {:>6.0} s  {:>10} executions  {:>8.1}/s  {} unique failures  ({worker_pool})",
                            target.name(),
                            elapsed,
                            executions,
                            executions as f64 / elapsed.max(1e-9),
                            totals.failures.len()
                        );
                    }
                }
                Ok(Line::Closed) | Err(mpsc::RecvTimeoutError::Disconnected) => break,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    // No word for `hang`: kill the worker we started.
                    let _ = child.kill();
                    hung = true;
                    break;
                }
            }
        }
        let status = child.wait();
        let stderr_tail = stderr_reader.join().unwrap_or_default();
        totals.executions += worker_executions;
        let crashed = !finished && !status.as_ref().is_ok_and(|s| s.success());
        if hung || crashed {
            let kind = if hung {
                format!("hang (no progress for {} s)", hang.as_secs())
            } else if stderr_tail.contains("overflowed its stack") {
                "crash: stack overflow".to_owned()
            } else if stderr_tail.contains("memory allocation") {
                "crash: out of memory".to_owned()
            } else {
                format!(
                    "crash: {}",
                    status.map_or_else(|e| e.to_string(), |s| s.to_string())
                )
            };
            let current = dir.join(".current-input");
            let saved = std::fs::read(&current).ok().and_then(|input| {
                let failure = Failure {
                    kind: kind.clone(),
                    detail: stderr_tail.clone(),
                };
                driver::save_artifact(&dir, target, &input, &failure).ok()
            });
            let saved = saved.map_or_else(|| "-".to_owned(), |p| p.display().to_string());
            let detail = stderr_tail
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("")
                .to_owned();
            println!(
                "!! [{}] {kind}\n   {detail}\n   input: {saved}\n   replay: scripts/fuzz replay {} {saved}",
                target.name(),
                target.name()
            );
            let known = totals.failures.entry(kind).or_insert(Known {
                count: 0,
                saved,
                detail,
            });
            known.count += 1;
        } else if !finished {
            break;
        }
        if finished {
            break;
        }
    }
    totals.elapsed = start.elapsed();
    totals
}

fn describe(target: Target, checker: &Checker, bytes: &[u8]) -> String {
    match target {
        Target::Format => {
            let input = String::from_utf8_lossy(bytes);
            format!("settings: {}", checker.formatter_for(&input).0)
        }
        Target::Splice => match SpliceInput::from_bytes(bytes) {
            Some(input) => format!(
                "cell selector {}, notebook {} bytes, new text {:?}",
                input.cell,
                input.notebook.len(),
                input.text.chars().take(200).collect::<String>()
            ),
            None => "malformed splice input".to_owned(),
        },
        Target::Notebook | Target::Fix => format!("{} bytes", bytes.len()),
    }
}

fn replay(target: Target, files: &[PathBuf]) -> ExitCode {
    let checker = Checker::new();
    let mut failed = false;
    for file in files {
        let bytes = match std::fs::read(file) {
            Ok(bytes) => bytes,
            Err(err) => {
                eprintln!("{}: cannot read: {err}", file.display());
                failed = true;
                continue;
            }
        };
        println!("{}: {}", file.display(), describe(target, &checker, &bytes));
        // The default panic hook prints the message (and a backtrace with RUST_BACKTRACE=1).
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            checker.check(target, &bytes)
        }));
        match outcome {
            Ok(Ok(_)) => println!("  ok: the property holds"),
            Ok(Err(failure)) => match nbtidy_fuzz::known_upstream(target, &bytes, &failure) {
                Some(name) => println!(
                    "  known upstream bug: {name}\n  ({}: {})",
                    failure.kind, failure.detail
                ),
                None => {
                    failed = true;
                    println!("  FAILED: {}\n{}", failure.kind, failure.detail);
                }
            },
            Err(_) => {
                failed = true;
                println!("  FAILED: panic (message above)");
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn minimize(target: Target, file: &Path, limit: Duration) -> ExitCode {
    let checker = Checker::new();
    let Ok(bytes) = std::fs::read(file) else {
        eprintln!("{}: cannot read", file.display());
        return ExitCode::from(2);
    };
    let kind = match driver::run_one(&checker, target, &bytes) {
        Ok(_) => {
            eprintln!("{}: does not fail; nothing to minimize", file.display());
            return ExitCode::from(2);
        }
        Err(failure) => failure.kind,
    };
    let small = driver::minimize(&checker, target, &bytes, &kind, Instant::now() + limit);
    let stem = file
        .file_stem()
        .map_or_else(|| "input".into(), |s| s.to_string_lossy().into_owned());
    let out = file.with_file_name(format!("{stem}.min.{}", target.extension()));
    if let Err(err) = std::fs::write(&out, &small) {
        eprintln!("{}: cannot write: {err}", out.display());
        return ExitCode::from(2);
    }
    println!(
        "{kind}\n{} bytes -> {} bytes: {}",
        bytes.len(),
        small.len(),
        out.display()
    );
    ExitCode::SUCCESS
}
