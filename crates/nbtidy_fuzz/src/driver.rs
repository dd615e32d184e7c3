//! The mutation loop: run the seeds, then mutants of a pool of inputs; keep a mutant when its
//! behaviour signature is new; catch panics per input; record each kind of failure once, with
//! its input (saved as an artifact when asked).

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashSet};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};

use crate::mutate::FuzzRng;
use crate::seeds::Seeds;
use crate::targets::{
    Checker, FORMAT_HEADER, Failure, Outcome, SpliceInput, Target, fnv, known_upstream,
};

/// How long a run lasts.
#[derive(Debug, Clone, Copy)]
pub enum Budget {
    /// This many executions (deterministic: for tests).
    Executions(u64),
    /// Until this much time has passed.
    Time(Duration),
}

/// How to run one target.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The target.
    pub target: Target,
    /// Seed of the random generator.
    pub seed: u64,
    /// When to stop.
    pub budget: Budget,
    /// Where to save failing inputs (`<dir>/<kind>-<hash>.<ext>` plus a `.txt` with the details).
    pub artifacts: Option<PathBuf>,
    /// A file to write each input to just before it runs, so that a crash that kills the process
    /// (stack overflow, abort) leaves the input behind.
    pub current_input: Option<PathBuf>,
    /// Inputs slower than this are reported as failures.
    pub slow: Option<Duration>,
    /// Run the seeds unmutated first.
    pub run_seeds: bool,
}

/// One kind of failure found in a run.
#[derive(Debug, Clone)]
pub struct Found {
    /// The first failure of this kind.
    pub failure: Failure,
    /// How many inputs failed this way.
    pub count: u64,
    /// The first input that failed this way.
    pub input: Vec<u8>,
    /// Where it was saved.
    pub saved: Option<PathBuf>,
}

/// What a run did.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// Inputs executed.
    pub executions: u64,
    /// Wall time.
    pub elapsed: Duration,
    /// Inputs in the pool (seeds and kept mutants).
    pub pool: usize,
    /// Distinct behaviour signatures seen.
    pub signatures: usize,
    /// Failures by kind.
    pub failures: BTreeMap<String, Found>,
    /// Known bugs of the pinned ruff crates met (see [`known_upstream`]), by name.
    pub known: BTreeMap<&'static str, Found>,
}

impl Stats {
    /// Executions per second.
    pub fn rate(&self) -> f64 {
        self.executions as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

thread_local! {
    static IN_CHECK: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<Option<(String, String)>> = const { RefCell::new(None) };
}

/// Installs (once) a panic hook that records panics raised inside [`run_one`] instead of
/// printing them; other panics go to the previous hook.
pub fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !IN_CHECK.with(Cell::get) {
                previous(info);
                return;
            }
            let location = info.location().map_or_else(
                || "unknown location".to_owned(),
                |l| format!("{}:{}:{}", short_path(l.file()), l.line(), l.column()),
            );
            let payload = info.payload();
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "(non-string panic payload)".to_owned());
            LAST_PANIC.with(|p| *p.borrow_mut() = Some((location, message)));
        }));
    });
}

/// `…/registry/src/index…/ruff_python_parser-0.0.10/src/x.rs` → `ruff_python_parser-0.0.10/src/x.rs`.
fn short_path(file: &str) -> String {
    match file.rfind("/src/") {
        Some(at) if file.contains("registry") => {
            let crate_start = file[..at].rfind('/').map_or(0, |p| p + 1);
            file[crate_start..].to_owned()
        }
        _ => file.to_owned(),
    }
}

/// Checks one input, turning a panic into a [`Failure`] (kind `panic at <location>`).
pub fn run_one(checker: &Checker, target: Target, input: &[u8]) -> Outcome {
    install_panic_hook();
    IN_CHECK.with(|c| c.set(true));
    let result = std::panic::catch_unwind(AssertUnwindSafe(|| checker.check(target, input)));
    IN_CHECK.with(|c| c.set(false));
    match result {
        Ok(outcome) => outcome,
        Err(_) => {
            let (location, message) = LAST_PANIC
                .with(|p| p.borrow_mut().take())
                .unwrap_or_else(|| ("unknown location".to_owned(), String::new()));
            Err(Failure {
                kind: format!("panic at {location}"),
                detail: message,
            })
        }
    }
}

/// A file name part for a failure kind.
fn slug(kind: &str) -> String {
    let mut out = String::new();
    for c in kind.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= 64 {
            break;
        }
    }
    out.trim_matches('-').to_owned()
}

/// Saves a failing input and its details; returns the input's path.
///
/// # Errors
/// When the directory or files cannot be written.
pub fn save_artifact(
    dir: &Path,
    target: Target,
    input: &[u8],
    failure: &Failure,
) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let name = format!("{}-{:016x}", slug(&failure.kind), fnv(input));
    let path = dir.join(format!("{name}.{}", target.extension()));
    std::fs::write(&path, input)?;
    std::fs::write(
        dir.join(format!("{name}.txt")),
        format!(
            "target: {}\nkind: {}\n\n{}\n",
            target.name(),
            failure.kind,
            failure.detail
        ),
    )?;
    Ok(path)
}

/// Runs one target: the seeds, then mutants, until the budget is spent. `progress` is called
/// about once a second and for every new kind of failure.
///
/// Runs on a thread with the stack nbtidy gives every thread that parses
/// ([`nbtidy_python::STACK_SIZE`]), so deep-nesting mutants behave as in the CLI.
pub fn run(
    checker: &Checker,
    seeds: &Seeds,
    options: &RunOptions,
    progress: impl FnMut(&Stats, Option<&Found>) + Send,
) -> Stats {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("fuzz".to_owned())
            .stack_size(nbtidy_python::STACK_SIZE)
            .spawn_scoped(scope, || run_here(checker, seeds, options, progress))
            .expect("spawn the fuzzing thread")
            .join()
            .unwrap_or_else(|payload| std::panic::resume_unwind(payload))
    })
}

fn run_here(
    checker: &Checker,
    seeds: &Seeds,
    options: &RunOptions,
    mut progress: impl FnMut(&Stats, Option<&Found>),
) -> Stats {
    let target = options.target;
    let mut rng = FuzzRng::seed_from_u64(options.seed);
    let mut pool: Vec<Vec<u8>> = target
        .seed_inputs(seeds, &mut rng)
        .into_iter()
        .filter(|input| input.len() <= target.max_len())
        .collect();
    if pool.is_empty() {
        pool.push(Vec::new());
    }
    let seed_count = pool.len();
    let mut pool_bytes: usize = pool.iter().map(Vec::len).sum();
    const POOL_BYTES: usize = 256 << 20;
    let mut seen: HashSet<u64> = HashSet::new();
    let mut stats = Stats::default();
    let start = Instant::now();
    let mut last_progress = Instant::now();
    let mut next_seed = if options.run_seeds { 0 } else { seed_count };
    loop {
        let elapsed = start.elapsed();
        let done = match options.budget {
            Budget::Executions(n) => stats.executions >= n,
            Budget::Time(limit) => elapsed >= limit,
        };
        if done {
            break;
        }
        let input = if next_seed < seed_count {
            next_seed += 1;
            pool[next_seed - 1].clone()
        } else {
            let parent = if rng.random_bool(0.1) {
                &pool[rng.random_range(0..seed_count)]
            } else {
                pool.choose(&mut rng).expect("the pool is not empty")
            };
            let other = pool.choose(&mut rng).expect("the pool is not empty");
            target.mutate(&mut rng, parent, other, &seeds.cells)
        };
        if let Some(path) = &options.current_input {
            let _ = std::fs::write(path, &input);
        }
        let began = Instant::now();
        let outcome = run_one(checker, target, &input);
        let took = began.elapsed();
        stats.executions += 1;
        let outcome = match (outcome, options.slow) {
            (Ok(_), Some(slow)) if took > slow => Err(Failure {
                kind: format!("slow input (over {} s)", slow.as_secs()),
                detail: format!("took {took:?}"),
            }),
            (outcome, _) => outcome,
        };
        match outcome {
            Ok(signature) => {
                if seen.insert(signature) && stats.executions > seed_count as u64 {
                    pool_bytes += input.len();
                    pool.push(input);
                    while pool_bytes > POOL_BYTES && pool.len() > seed_count + 1 {
                        let victim = rng.random_range(seed_count..pool.len());
                        pool_bytes -= pool[victim].len();
                        pool.swap_remove(victim);
                    }
                }
            }
            Err(failure) => {
                if let Some(name) = known_upstream(target, &input, &failure) {
                    stats
                        .known
                        .entry(name)
                        .or_insert_with(|| Found {
                            failure,
                            count: 0,
                            input: checker.pin(target, &input),
                            saved: None,
                        })
                        .count += 1;
                } else if let Some(found) = stats.failures.get_mut(&failure.kind) {
                    found.count += 1;
                    // A few more examples of each kind help to tell bugs of one kind apart.
                    if found.count <= 5
                        && let Some(dir) = &options.artifacts
                    {
                        let _ = save_artifact(dir, target, &checker.pin(target, &input), &failure);
                    }
                } else {
                    let input = checker.pin(target, &input);
                    let saved = options
                        .artifacts
                        .as_ref()
                        .and_then(|dir| save_artifact(dir, target, &input, &failure).ok());
                    let found = Found {
                        failure: failure.clone(),
                        count: 1,
                        input,
                        saved,
                    };
                    stats.failures.insert(failure.kind.clone(), found.clone());
                    stats.elapsed = start.elapsed();
                    stats.pool = pool.len();
                    stats.signatures = seen.len();
                    progress(&stats, Some(&found));
                }
            }
        }
        if last_progress.elapsed() >= Duration::from_secs(1) {
            last_progress = Instant::now();
            stats.elapsed = start.elapsed();
            stats.pool = pool.len();
            stats.signatures = seen.len();
            progress(&stats, None);
        }
    }
    stats.elapsed = start.elapsed();
    stats.pool = pool.len();
    stats.signatures = seen.len();
    stats
}

/// Shrinks `input` while it still fails with the same kind: removes chunks of halving size,
/// lines first for text. A splice input is shrunk part by part; a format input keeps the header
/// that pins its settings.
pub fn minimize(
    checker: &Checker,
    target: Target,
    input: &[u8],
    kind: &str,
    deadline: Instant,
) -> Vec<u8> {
    let fails = |candidate: &[u8]| {
        Instant::now() < deadline
            && matches!(run_one(checker, target, candidate), Err(f) if f.kind == kind)
    };
    if target == Target::Format {
        let pinned = checker.pin(target, input);
        let header_end = pinned
            .iter()
            .position(|&b| b == b'\n')
            .filter(|_| pinned.starts_with(FORMAT_HEADER.as_bytes()))
            .map_or(0, |p| p + 1);
        let (header, code) = pinned.split_at(header_end);
        let code = shrink(code, |candidate| fails(&[header, candidate].concat()));
        return [header, &code].concat();
    }
    if target == Target::Splice
        && let Some(splice) = SpliceInput::from_bytes(input)
    {
        let notebook = shrink(&splice.notebook, |candidate| {
            fails(
                &SpliceInput {
                    notebook: candidate.to_vec(),
                    ..splice.clone()
                }
                .to_bytes(),
            )
        });
        let text = shrink(splice.text.as_bytes(), |candidate| {
            fails(
                &SpliceInput {
                    notebook: notebook.clone(),
                    cell: splice.cell,
                    text: String::from_utf8_lossy(candidate).into_owned(),
                }
                .to_bytes(),
            )
        });
        let mut best = SpliceInput {
            notebook,
            cell: splice.cell,
            text: String::from_utf8_lossy(&text).into_owned(),
        };
        for cell in 0..best.cell.min(64) {
            let candidate = SpliceInput {
                cell,
                ..best.clone()
            };
            if fails(&candidate.to_bytes()) {
                best = candidate;
                break;
            }
        }
        return best.to_bytes();
    }
    shrink(input, fails)
}

fn shrink(input: &[u8], fails: impl Fn(&[u8]) -> bool) -> Vec<u8> {
    let mut best = input.to_vec();
    // Whole lines first, then bytes.
    let mut chunk = lines_of(&best).len() / 2;
    while chunk >= 1 {
        let mut i = 0;
        loop {
            let lines = lines_of(&best);
            if i >= lines.len() {
                break;
            }
            let end = (i + chunk).min(lines.len());
            let candidate = [&best[..lines[i].start], &best[lines[end - 1].end..]].concat();
            if fails(&candidate) {
                best = candidate;
            } else {
                i += chunk;
            }
        }
        chunk /= 2;
    }
    let mut chunk = best.len() / 2;
    while chunk >= 1 {
        let mut i = 0;
        while i < best.len() {
            let end = (i + chunk).min(best.len());
            let candidate = [&best[..i], &best[end..]].concat();
            if fails(&candidate) {
                best = candidate;
            } else {
                i += chunk;
            }
        }
        chunk /= 2;
    }
    best
}

fn lines_of(bytes: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' {
            out.push(start..i + 1);
            start = i + 1;
        }
    }
    if start < bytes.len() {
        out.push(start..bytes.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shrinks_to_what_matters() {
        let input = b"aaaa\nbbXbb\ncccc\n";
        let small = shrink(input, |c| c.contains(&b'X'));
        assert_eq!(small, b"X");
    }

    #[test]
    fn slugs_are_file_names() {
        assert_eq!(
            slug("panic at ruff_python_parser-0.0.10/src/lexer.rs:1:2"),
            "panic-at-ruff-python-parser-0-0-10-src-lexer-rs-1-2"
        );
    }
}
