#!/usr/bin/env python3
"""nbtidy benchmark: one command, `python3 bench/run.py`.

Builds nbtidy in release mode, installs the anchors (ruff and, where they
install, black[jupyter], nbqa, nbstripout, nb-clean; exact versions pinned in
ANCHORS below) into a venv under bench/work/, copies the shared notebook corpus
into bench/work/corpus and measures every case with the commands alternating
run by run (A B C A B C ...). Commands that write get a fresh corpus copy
before every run.

Per child process it records wall time (time.perf_counter around spawn and
reap), user+sys CPU time and peak RSS (both from os.wait4 for that one child;
ru_maxrss is KiB on Linux and is the largest single process among the child
and the descendants it reaped, not a sum). It reports medians of wall and CPU
time and the maximum peak RSS, prints a Markdown table and overwrites
bench/RESULTS.md.

Pure standard library; Linux only (os.wait4, /proc).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import marshal
import os
import platform
import resource
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WORK = BENCH / "work"
VENV = WORK / "venv"
VENV_BIN = VENV / "bin"
CORPUS = WORK / "corpus"
LOGS = WORK / "logs"
RESULTS = BENCH / "RESULTS.md"
# The heading of the section of RESULTS.md written by bench/stress.py, which this script keeps.
STRESS_HEADING = "## Stress: cost linear in the input"
DEFAULT_CORPUS_SRC = ROOT.parent / "shared" / "corpus"
SINGLE_NOTEBOOK = "ageron__handson-ml3/12_custom_models_and_training_with_tensorflow.ipynb"
STARTUP_CELL = 'x = {  "a":37,"b":42,\n"c":927}\nprint( x )\n'

# The anchors, pinned to exact releases (the latest that installed when last updated), so runs
# on different days measure the same tools. This is the one place to bump them; RESULTS.md
# records the pins and the versions the tools report.
# (anchor name, pip requirement, executables it must provide)
ANCHORS = [
    ("ruff", "ruff==0.17.6", ["ruff"]),
    ("black", "black[jupyter]==26.10.1", ["black"]),
    ("nbqa", "nbqa==1.9.1", ["nbqa"]),
    ("nbstripout", "nbstripout==0.9.1", ["nbstripout"]),
    ("nb-clean", "nb-clean==5.0.0", ["nb-clean"]),
]


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def rel(path: Path) -> str:
    """A path relative to the repo root (the children's working directory)."""
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def capture(argv: list[str], timeout: float = 120, **kw) -> tuple[int, str]:
    """Run a helper command (not measured); return (exit code, stdout+stderr)."""
    try:
        p = subprocess.run(
            argv, capture_output=True, text=True, timeout=timeout, errors="replace", **kw
        )
        return p.returncode, (p.stdout + p.stderr).strip()
    except (OSError, subprocess.TimeoutExpired) as e:
        return -1, f"{type(e).__name__}: {e}"


# --------------------------------------------------------------------------------------
# Setup: build, venv, corpus
# --------------------------------------------------------------------------------------


def target_dir() -> Path:
    env = os.environ.get("CARGO_TARGET_DIR")
    return (ROOT / env) if env else ROOT / "target"


def build(skip: bool) -> Path:
    exe = target_dir() / "release" / "nbtidy"
    if skip:
        log("skipping cargo build (--no-build)")
    else:
        log("cargo build --release --locked ...")
        t0 = time.perf_counter()
        p = subprocess.run(["cargo", "build", "--release", "--locked"], cwd=ROOT)
        if p.returncode != 0:
            sys.exit(f"cargo build --release --locked failed with exit code {p.returncode}")
        log(f"build done in {time.perf_counter() - t0:.1f} s")
    if not exe.is_file():
        sys.exit(f"{exe} not found")
    # Measure a private copy, so that a concurrent `cargo build --release` in this checkout
    # cannot swap the binary in the middle of the run.
    frozen = WORK / "bin" / "nbtidy"
    frozen.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(exe, frozen)
    return frozen


@dataclass
class Anchor:
    name: str
    requirement: str
    available: bool = False
    version: str = ""
    reason: str = ""


def install_anchors(skip: bool) -> dict[str, Anchor]:
    anchors = {name: Anchor(name, req) for name, req, _ in ANCHORS}
    if not (VENV_BIN / "python").exists():
        log(f"creating venv {rel(VENV)}")
        p = subprocess.run([sys.executable, "-m", "venv", str(VENV)])
        if p.returncode != 0:
            for a in anchors.values():
                a.reason = "could not create the venv"
            return anchors
    py = str(VENV_BIN / "python")
    for name, req, exes in ANCHORS:
        a = anchors[name]
        if not skip:
            # An exact pin also moves a reused venv to the pinned release.
            argv = [py, "-m", "pip", "install", "--disable-pip-version-check", "-q", req]
            log(f"pip install {req} ...")
            code, out = capture(argv, timeout=600)
            if code != 0:
                tail = " | ".join(out.splitlines()[-3:])
                a.reason = f"pip install {req!r} failed (exit {code}): {tail}"
                log(a.reason)
                continue
        missing = [e for e in exes if not (VENV_BIN / e).exists()]
        if missing:
            a.reason = f"not installed in {rel(VENV)} (missing {', '.join(missing)})"
            continue
        code, out = capture([str(VENV_BIN / exes[0]), "--version"], timeout=60)
        if code != 0:
            a.reason = f"`{exes[0]} --version` failed (exit {code}): {out[-200:]}"
            continue
        a.available = True
        a.version = out.splitlines()[0] if out else "?"
        pinned = req.split("==", 1)[1] if "==" in req else ""
        if pinned and pinned not in a.version:
            a.reason = f"reports `{a.version}`, not the pinned {pinned} (--skip-install reused another venv?)"
            log(f"WARNING: {name}: {a.reason}")
    if anchors["nbqa"].available and not anchors["black"].available:
        anchors["nbqa"].available = False
        anchors["nbqa"].reason = "black is unavailable, so `nbqa black` cannot run"
    return anchors


def copy_corpus(src: Path) -> None:
    if CORPUS.exists():
        shutil.rmtree(CORPUS)
    shutil.copytree(src, CORPUS, symlinks=True)
    # The shared copy may be read-only; the benchmark copy must be writable.
    for dirpath, dirnames, filenames in os.walk(CORPUS):
        for n in dirnames + filenames:
            p = os.path.join(dirpath, n)
            if not os.path.islink(p):
                os.chmod(p, os.stat(p).st_mode | 0o200)


def snapshot(path: Path) -> str:
    """A digest of every file's relative path and content (to prove check modes write nothing)."""
    h = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(path):
        dirnames.sort()
        for n in sorted(filenames):
            p = Path(dirpath, n)
            h.update(str(p.relative_to(path)).encode() + b"\0")
            h.update(p.read_bytes())
    return h.hexdigest()


def notebooks() -> list[Path]:
    return sorted(CORPUS.rglob("*.ipynb"))


LANGUAGE_CLASS: dict[str, str] = {}  # repo-relative notebook path -> "python" / "no language_info" / "other" / "invalid"


def corpus_composition(files: list[Path]) -> dict[str, int]:
    """Classify the notebooks the way formatters decide whether a notebook is Python."""
    LANGUAGE_CLASS.clear()
    c = {
        "total": 0,
        "python (language_info.name)": 0,
        "no language_info (kernelspec only or none)": 0,
        "other language": 0,
        "invalid JSON": 0,
        "bytes": 0,
    }
    for f in files:
        c["total"] += 1
        c["bytes"] += f.stat().st_size
        try:
            nb = json.loads(f.read_bytes())
        except ValueError:
            c["invalid JSON"] += 1
            LANGUAGE_CLASS[rel(f)] = "invalid JSON"
            continue
        md = nb.get("metadata") if isinstance(nb, dict) else None
        li = md.get("language_info") if isinstance(md, dict) else None
        name = li.get("name") if isinstance(li, dict) else None
        if name is None:
            c["no language_info (kernelspec only or none)"] += 1
            LANGUAGE_CLASS[rel(f)] = "without language_info"
        elif str(name).lower() == "python":
            c["python (language_info.name)"] += 1
            LANGUAGE_CLASS[rel(f)] = "python"
        else:
            c["other language"] += 1
            LANGUAGE_CLASS[rel(f)] = "other language"
    return c


# --------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------


@dataclass
class Cmd:
    key: str  # unique id, also the log file stem
    tool: str  # "nbtidy", "ruff", "black", ...
    label: str  # row label in the table
    argv: list[str]
    display: str = ""  # the command as shown in RESULTS.md (default: the argv)
    slow: bool = False  # uses --slow-runs instead of --runs
    writes: bool = False  # re-copy the corpus before every run; count the notebooks it rewrote
    stdin: Path | None = None
    ok_codes: tuple[int, ...] = (0, 1)
    black_cache: bool = False  # give each run a fresh, empty BLACK_CACHE_DIR
    samples: list[dict] = field(default_factory=list)
    warmups: list[dict] = field(default_factory=list)
    dropped: str = ""  # why measuring stopped early

    def shown(self) -> str:
        return self.display or shlex.join(self.argv)


@dataclass
class Case:
    key: str
    title: str
    cmds: list[Cmd]
    runs: int
    slow_runs: int
    reference_only: bool = False
    note: str = ""
    baseline_key: str = ""  # the row the ratios are against (default: the command keyed `<case>-ruff`)
    target: float | None = None  # the wall-time ratio nbtidy / baseline aimed for (shown in the summary)

    def baseline(self) -> Cmd | None:
        key = self.baseline_key or f"{self.key}-ruff"
        return next((c for c in self.cmds if c.key == key), None)

    def nbtidy(self) -> Cmd | None:
        return next((c for c in self.cmds if c.tool == "nbtidy"), None)


# The case keys `--only` accepts, in the order the cases run.
CASE_KEYS = ["corpus", "single", "startup", "write", "strip", "lint", "lint-ruffset", "nb-rules"]


# The measuring is done by a small helper process, started before the runner reads anything
# big. Why: on Linux, exec() records the peak RSS of the *old* address space into the new
# program's ru_maxrss. A child spawned straight from this runner (vfork/posix_spawn shares the
# runner's memory) would report at least the runner's own peak RSS (tens of MiB after hashing
# the corpus). A child fork()ed from the lean helper starts from the helper's current RSS only,
# a floor of a few MiB that is measured (with /bin/true) and reported.
SPAWNER = r"""
import os, sys, marshal, time, _signal as signal  # _signal: the signal module imports enum (+0.8 MiB floor)
inp, out = sys.stdin.buffer, sys.stdout.buffer
state = {"pid": 0, "timed_out": False}
def on_alarm(signum, frame):
    state["timed_out"] = True
    try:
        os.killpg(state["pid"], signal.SIGKILL)
    except OSError:
        pass
signal.signal(signal.SIGALRM, on_alarm)
while True:
    try:
        req = marshal.load(inp)
    except EOFError:
        break
    argv, cwd, env = req["argv"], req["cwd"], req["env"]
    state["timed_out"] = False
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.setsid()
            os.chdir(cwd)
            fds = [os.open(req["stdin"] or os.devnull, os.O_RDONLY)]
            for path in (req["stdout"], req["stderr"]):
                fds.append(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644))
            for target, fd in enumerate(fds):
                os.dup2(fd, target)
            os.execvpe(argv[0], argv, env)
        except BaseException as e:
            try:
                os.write(2, ("bench spawner: cannot run %r: %s\n" % (argv[0], e)).encode())
            finally:
                os._exit(127)
    state["pid"] = pid
    signal.setitimer(signal.ITIMER_REAL, req["timeout"])
    _, status, ru = os.wait4(pid, 0)
    signal.setitimer(signal.ITIMER_REAL, 0)
    wall = time.perf_counter() - t0
    try:
        os.killpg(pid, signal.SIGKILL)  # stray processes left in the command's session
    except OSError:
        pass
    marshal.dump({"wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "rss_kib": ru.ru_maxrss,
                  "rc": os.waitstatus_to_exitcode(status), "timed_out": state["timed_out"]}, out)
    out.flush()
"""


class Spawner:
    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", SPAWNER], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        self.floor_kib = 0

    def run(self, argv, cwd, env, stdin, stdout, stderr, timeout) -> dict:
        req = {"argv": [str(a) for a in argv], "cwd": str(cwd), "env": env, "stdin": str(stdin) if stdin else "",
               "stdout": str(stdout), "stderr": str(stderr), "timeout": float(timeout)}
        marshal.dump(req, self.proc.stdin)
        self.proc.stdin.flush()
        return marshal.load(self.proc.stdout)

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


SPAWN: Spawner | None = None


def child_env(cmd: Cmd, run_id: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RUFF_", "BLACK_", "NBQA_"))}
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(VENV)
    env["NO_COLOR"] = "1"
    env.pop("PYTHONPATH", None)
    if cmd.black_cache:
        cache = WORK / "black-cache" / run_id
        shutil.rmtree(cache, ignore_errors=True)
        cache.mkdir(parents=True)
        env["BLACK_CACHE_DIR"] = str(cache)
    return env


def rewritten(src: Path) -> int:
    """How many notebooks of the corpus copy differ from the shared corpus (after a writing run)."""
    n = 0
    for f in notebooks():
        orig = src / f.relative_to(CORPUS)
        if not orig.is_file() or f.stat().st_size != orig.stat().st_size or f.read_bytes() != orig.read_bytes():
            n += 1
    return n


def measure(cmd: Cmd, timeout: float, run_id: str, corpus_src: Path) -> dict:
    if cmd.writes:
        copy_corpus(corpus_src)
        # Flush the fresh copy to disk now, so its write-back does not land inside the measured run.
        os.sync()
    env = child_env(cmd, run_id)
    err_path = LOGS / f"{cmd.key}.stderr"
    s = SPAWN.run(cmd.argv, ROOT, env, cmd.stdin, LOGS / f"{cmd.key}.stdout", err_path, timeout)
    if cmd.black_cache:
        shutil.rmtree(env["BLACK_CACHE_DIR"], ignore_errors=True)
    if cmd.writes:
        s["rewritten"] = rewritten(corpus_src)
    rc = s["rc"]
    if s.pop("timed_out"):
        s["error"] = f"timed out after {timeout:.0f} s (killed)"
    elif rc < 0:
        s["error"] = f"killed by signal {-rc} ({signal.Signals(-rc).name})"
    elif rc == 127 and "bench spawner: cannot run" in err_path.read_text(errors="replace"):
        s["error"] = "could not start: " + err_path.read_text(errors="replace").strip()
    return s


def run_case(case: Case, args, corpus_src: Path) -> None:
    cmds = case.cmds
    log(f"case {case.key}: " + ", ".join(c.label for c in cmds))
    want = {c.key: (case.slow_runs if c.slow else case.runs) for c in cmds}
    writes = any(c.writes for c in cmds)
    before = "" if writes else snapshot(CORPUS)
    # Warm-up rounds, alternating, then measured rounds, alternating.
    for w in range(args.warmup):
        for c in cmds:
            if c.dropped:
                continue
            s = measure(c, args.timeout, f"{c.key}-w{w}", corpus_src)
            c.warmups.append(s)
            log(f"  warm-up {c.label}: {fmt_sample(s)}")
            if "error" in s and ("timed out" in s["error"] or "could not start" in s["error"]):
                c.dropped = s["error"]
    rounds = max(want.values(), default=0)
    for r in range(rounds):
        for c in cmds:
            if c.dropped or len(c.samples) >= want[c.key]:
                continue
            s = measure(c, args.timeout, f"{c.key}-{r}", corpus_src)
            c.samples.append(s)
            if args.verbose or c.slow:
                log(f"  run {r + 1} {c.label}: {fmt_sample(s)}")
            if "error" in s and ("timed out" in s["error"] or "could not start" in s["error"]):
                c.dropped = s["error"]
    if writes:
        copy_corpus(corpus_src)  # leave a pristine copy for the next case
        return
    after = snapshot(CORPUS)
    if after != before:
        checkers = [c.label for c in cmds]
        log(f"WARNING: the corpus changed during case {case.key} ({', '.join(checkers)}); re-copying")
        case.note += " WARNING: the corpus copy changed during this case although the commands are check-only; it was re-copied."
        copy_corpus(corpus_src)


def rss_floor() -> int:
    """ru_maxrss of /bin/true run through the spawner: the lowest value this method can report."""
    s = SPAWN.run(["/bin/true"], ROOT, dict(os.environ), None, os.devnull, os.devnull, 30)
    return s["rss_kib"]


def fmt_rss(mib: float) -> str:
    floor = SPAWN.floor_kib / 1024 if SPAWN else 0
    return f"≤{mib:.1f}" if floor and mib <= floor + 0.25 else f"{mib:.1f}"


def fmt_sample(s: dict) -> str:
    if "wall" not in s:
        return s.get("error", "?")
    txt = f"{s['wall'] * 1000:.0f} ms wall, {s['cpu'] * 1000:.0f} ms cpu, {s['rss_kib'] / 1024:.1f} MiB, exit {s['rc']}"
    if "error" in s:
        txt += f" [{s['error']}]"
    return txt


def stats(c: Cmd) -> dict | None:
    ok = [s for s in c.samples if "wall" in s and "error" not in s]
    if not ok:
        return None
    walls = [s["wall"] * 1000 for s in ok]
    return {
        "n": len(ok),
        "wall": statistics.median(walls),
        "wall_min": min(walls),
        "wall_max": max(walls),
        "cpu": statistics.median(s["cpu"] * 1000 for s in ok),
        "rss": max(s["rss_kib"] for s in ok) / 1024,
        "rss_med": statistics.median(s["rss_kib"] for s in ok) / 1024,
    }


def exit_summary(c: Cmd) -> str:
    allruns = c.warmups + c.samples
    codes: dict[str, int] = {}
    for s in allruns:
        k = "err" if s.get("rc") is None else str(s["rc"])
        codes[k] = codes.get(k, 0) + 1
    txt = ", ".join(f"{k}×{v}" for k, v in sorted(codes.items()))
    bad = [k for k in codes if k == "err" or int(k) not in c.ok_codes]
    return txt + (" ⚠" if bad else "")


# --------------------------------------------------------------------------------------
# Output parsing (skip / error counts)
# --------------------------------------------------------------------------------------

SUMMARY_RE = re.compile(r"(would be reformatted|already formatted|left unchanged|would fail)")


def summary_line(text: str) -> str:
    lines = [l.strip() for l in text.splitlines() if SUMMARY_RE.search(l)]
    return lines[-1] if lines else ""


def read_log(cmd: Cmd, stream: str) -> str:
    p = LOGS / f"{cmd.key}.{stream}"
    return p.read_text(errors="replace") if p.exists() else ""


def nbtidy_counts(cmd: Cmd) -> dict:
    err = read_log(cmd, "stderr")
    out = read_log(cmd, "stdout")
    d = {"summary": summary_line(err) or summary_line(out)}
    m = re.search(r"(\d+) notebooks? would be reformatted", d["summary"])
    d["would_reformat"] = int(m.group(1)) if m else None
    m = re.search(r"(\d+) already formatted", d["summary"])
    d["already"] = int(m.group(1)) if m else None
    m = re.search(r"(\d+) cells? skipped", d["summary"])
    d["cells_skipped"] = int(m.group(1)) if m else 0
    d["warning_lines"] = sum(1 for l in err.splitlines() if l.startswith("warning:"))
    d["error_lines"] = sum(1 for l in err.splitlines() if l.startswith("error:"))
    d["notebooks_with_warnings"] = len(
        {l.split(":cell")[0] for l in err.splitlines() if l.startswith("warning:")}
    )
    return d


RUFF_DIAG_RE = re.compile(r"^(?P<path>.+?\.ipynb)(?::cell \d+)?(?::\d+:\d+)?: (?P<kind>[A-Za-z-]+(?:\[[^\]]*\])?): ")


RUFF_FULL_HEAD_RE = re.compile(r"^(?P<kind>[a-z][a-z-]*)(?:\[[^\]]*\])?: ")


def ruff_error_lines(text: str) -> list[str]:
    """Diagnostics other than `unformatted`, in ruff's concise or full output format."""
    found = []
    for line in text.splitlines():
        m = RUFF_DIAG_RE.match(line) or RUFF_FULL_HEAD_RE.match(line)
        if m and m.group("kind") != "unformatted":
            found.append(line)
    return found


def ruff_counts(ruff: Path, target: str, total: int) -> dict:
    """One extra, unmeasured run with concise output: one line per notebook problem."""
    argv = [str(ruff), "format", "--check", "--no-cache", "--isolated", "--output-format", "concise", target]
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUFF_")}
    try:
        p = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, errors="replace", timeout=600)
    except subprocess.TimeoutExpired:
        return {"error": "timed out"}
    text = p.stdout + "\n" + p.stderr
    kinds: dict[str, set] = {}
    for line in text.splitlines():
        m = RUFF_DIAG_RE.match(line)
        if m:
            kinds.setdefault(m.group("kind"), set()).add(m.group("path"))
        elif line.startswith("error:") or "Failed to" in line:
            kinds.setdefault("error", set()).add(line)
    unformatted = kinds.pop("unformatted", set())
    error_files = set().union(*kinds.values()) if kinds else set()
    summ = summary_line(text)
    m = re.search(r"(\d+) files? would be reformatted", summ)
    would = int(m.group(1)) if m else len(unformatted)
    m = re.search(r"(\d+) files? already formatted", summ)
    already = int(m.group(1)) if m else 0
    return {
        "command": shlex.join([rel(Path(argv[0]))] + argv[1:]),
        "rc": p.returncode,
        "summary": summ,
        "would_reformat": would,
        "already": already,
        "error_files": len(error_files),
        "error_kinds": {k: len(v) for k, v in sorted(kinds.items())},
        "not_reported": total - would - already - len(error_files),
        "stderr_failed_to_read": sum(1 for l in p.stderr.splitlines() if "Failed to read" in l),
        "stderr_error_lines": sum(1 for l in p.stderr.splitlines() if l.startswith("error")),
    }


# One finding per line in the concise formats of `nbtidy check` and `ruff check`:
# `path:cell N:ROW:COL: CODE [*] message`, or `path:ROW:COL: ...` for a notebook-level finding.
CONCISE_RE = re.compile(
    r"^(?P<path>.+?\.ipynb)(?::cell (?P<cell>\d+))?:\d+:\d+: (?P<code>[A-Z]+[0-9]+|[a-z][a-z-]*)(?=[ :\[]|$)"
)
# nb-clean check: `path cell N: what` or `path metadata: what`, one line per finding.
NB_CLEAN_RE = re.compile(r"^(?P<path>.+?\.ipynb)(?: cell (?P<cell>\d+))?(?::? (?P<what>.*))?$")


def by_language(paths: set[str]) -> str:
    """`12 python, 3 without language_info, ...` for notebook paths as the tools print them."""
    counts: dict[str, int] = {}
    for path in paths:
        k = LANGUAGE_CLASS.get(rel(Path(path).resolve()) if os.path.isabs(path) else path, "unknown")
        counts[k] = counts.get(k, 0) + 1
    order = ["python", "without language_info", "other language", "invalid JSON", "unknown"]
    return ", ".join(f"{counts[k]} {k}" for k in order if counts.get(k))


def top_counts(counts: dict[str, int], n: int = 12) -> str:
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    shown = ", ".join(f"{k} {v}" for k, v in items[:n])
    return shown + (f", {len(items) - n} more codes" if len(items) > n else "") if items else "none"


def concise_findings(cmd: Cmd, total: int) -> str:
    """Count the finding lines of a concise `nbtidy check` / `ruff check` log (last measured run)."""
    out, err = read_log(cmd, "stdout"), read_log(cmd, "stderr")
    codes: dict[str, int] = {}
    cell_paths, file_level, other = set(), [], []
    for line in out.splitlines():
        m = CONCISE_RE.match(line)
        if not m:
            if line.strip():
                other.append(line.strip())
            continue
        if m.group("cell") is None:
            file_level.append((m.group("path"), line))
        else:
            cell_paths.add(m.group("path"))
        codes[m.group("code")] = codes.get(m.group("code"), 0) + 1
    n = sum(codes.values())
    paths = cell_paths | {p for p, _ in file_level}
    rc = cmd.samples[-1].get("rc") if cmd.samples else None
    txt = (f"- {cmd.label} (`{cmd.shown()}`, last measured run; exit {rc}): **{n} findings** "
           f"({n} concise lines on stdout) in {len(paths)} of {total} notebooks; by code: {top_counts(codes)}.")
    if file_level:
        files = {p for p, _ in file_level}
        example = file_level[0][1].split(": ", 1)[-1][:160].replace("`", "'")
        txt += (f" {len(file_level)} of them are notebook-level (no cell) in {len(files)} notebooks, "
                f"e.g. `{example}`.")
    txt += f" Notebooks mentioned: {by_language(paths) or 'none'}; {total - len(paths)} not mentioned (clean, or not linted)."
    summary = [l for l in (other + err.splitlines()) if re.match(r"(Found \d+|All checks passed)", l.strip())]
    if summary:
        txt += f" Summary line: `{summary[-1].strip().rstrip('.')}`."
    rest = [l for l in other if not re.match(r"(Found \d+|All checks passed|\[\*\] \d+ fixable|No fixes available)", l)]
    if rest:
        txt += f" {len(rest)} other stdout lines, e.g. `{rest[0][:160].replace('`', chr(39))}`."
    errs = [l for l in err.splitlines() if l.startswith("error")]
    if errs:
        txt += (f" stderr: {len(errs)} error line{'s' if len(errs) != 1 else ''} (notebooks it could not read), "
                f"e.g. `{errs[0][:200].replace('`', chr(39))}`.")
    warns = [l for l in err.splitlines() if l.startswith("warning")]
    if warns:
        txt += f" stderr: {len(warns)} warning line{'s' if len(warns) != 1 else ''}, e.g. `{warns[0][:160].replace('`', chr(39))}`."
    return txt


def nb_clean_findings(cmd: Cmd, total: int) -> str:
    """Count the finding lines of an `nb-clean check` log (last measured run)."""
    out, err = read_log(cmd, "stdout"), read_log(cmd, "stderr")
    kinds: dict[str, int] = {}
    paths, other = set(), []
    for line in out.splitlines():
        m = NB_CLEAN_RE.match(line)
        if not m:
            if line.strip():
                other.append(line)
            continue
        paths.add(m.group("path"))
        what = (m.group("what") or "").strip()
        if m.group("cell") is None:
            kind = "notebook " + what.split(":")[0] if what else "notebook"
        else:
            kind = "cell " + (what.split()[0] if what.startswith("metadata") else what)
        kinds[kind] = kinds.get(kind, 0) + 1
    n = sum(kinds.values())
    rc = cmd.samples[-1].get("rc") if cmd.samples else None
    txt = (f"- {cmd.label} (`{cmd.shown()}`, last measured run; exit {rc}): **{n} findings** ({n} lines on stdout) "
           f"in {len(paths)} of {total} notebooks; by kind: {top_counts(kinds)}.")
    if other:
        txt += f" {len(other)} other stdout lines."
    errs = [l for l in err.splitlines() if "error" in l]
    if errs:
        txt += f" stderr: {len(errs)} error line{'s' if len(errs) != 1 else ''}, e.g. `{errs[0][:200].replace('`', chr(39))}`."
    return txt


NBSTRIPOUT_RE = re.compile(r"^Dry run: would have stripped (?P<path>.+\.ipynb)$")


def nbstripout_flagged(cmd: Cmd) -> set[str]:
    return {m.group("path") for l in read_log(cmd, "stdout").splitlines() if (m := NBSTRIPOUT_RE.match(l))}


def nbstripout_findings(cmd: Cmd, total: int) -> str:
    """Count the notebooks an `nbstripout --verify` / `--dry-run` run would strip (last measured run)."""
    paths = nbstripout_flagged(cmd)
    err = read_log(cmd, "stderr")
    rc = cmd.samples[-1].get("rc") if cmd.samples else None
    txt = (f"- {cmd.label} (`{cmd.shown()}`, last measured run; exit {rc}): **{len(paths)} notebooks** it would strip "
           f"(one `Dry run: would have stripped` line each) of {total}; {by_language(paths) or 'none'}.")
    errs = [l for l in err.splitlines() if re.search(r"error|could not", l, re.I)]
    if errs:
        txt += f" stderr: {len(errs)} error line{'s' if len(errs) != 1 else ''}, e.g. `{errs[0][:200].replace('`', chr(39))}`."
    warns = [l for l in err.splitlines() if re.match(r"\S+\.py:\d+: \w+: ", l)]  # Python warnings (nbformat validation)
    if warns:
        example = warns[0].split(": ", 1)[1][:160].replace("`", "'")
        txt += f" stderr: {len(warns)} Python warning{'s' if len(warns) != 1 else ''} (nbformat validation), e.g. `{example}`."
    return txt


def concise_paths(cmd: Cmd) -> set[str]:
    return {m.group("path") for l in read_log(cmd, "stdout").splitlines() if (m := CONCISE_RE.match(l))}


def strip_agreement(case: Case) -> list[str]:
    """Do nbtidy and nbstripout flag the same notebooks?"""
    nc = case.nbtidy()
    ns = next((c for c in case.cmds if c.tool == "nbstripout" and c.samples), None)
    if not nc or not nc.samples or not ns:
        return []
    a, b = concise_paths(nc), nbstripout_flagged(ns)
    if a == b:
        return [f"- {case.title}: nbtidy and nbstripout flag **the same {len(a)} notebooks**."]
    only_a, only_b = sorted(a - b), sorted(b - a)
    txt = (f"- {case.title}: nbtidy and nbstripout **disagree**: {len(a & b)} notebooks flagged by both, "
           f"{len(only_a)} by nbtidy only")
    txt += f" (e.g. `{only_a[0]}`)" if only_a else ""
    txt += f", {len(only_b)} by nbstripout only" + (f" (e.g. `{only_b[0]}`)." if only_b else ".")
    return [txt]


def write_counts(case: Case) -> list[str]:
    """Per writing command: the notebooks it rewrote (differing from the shared corpus after a run)."""
    lines = []
    for c in case.cmds:
        counts = sorted({s["rewritten"] for s in c.warmups + c.samples if "rewritten" in s})
        if not counts:
            continue
        summ = summary_line(read_log(c, "stderr") + "\n" + read_log(c, "stdout"))
        n = " or ".join(map(str, counts))
        every = "varying between runs" if len(counts) > 1 else "in every run"
        lines.append(f"- {case.title} / {c.label} (`{c.shown()}`): rewrote **{n} of {len(notebooks())}** notebooks {every} "
                     f"(their bytes differ from the shared corpus afterwards); its summary (last run): `{summ or 'none'}`")
    return lines


# --------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------


def busy_cpu_seconds() -> float:
    """CPU time the whole machine spent busy (all processes), from /proc/stat."""
    try:
        f = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    except (OSError, ValueError):
        return float("nan")
    user, nice, system, _idle, _iowait, irq, softirq, steal = f
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds(cases: list[Case]) -> float:
    """CPU time of this run: the measured children, the runner and the spawner helper."""
    total = sum(s.get("cpu", 0.0) for case in cases for c in case.cmds for s in c.warmups + c.samples)
    ru = resource.getrusage(resource.RUSAGE_SELF)
    total += ru.ru_utime + ru.ru_stime
    try:
        stat = Path(f"/proc/{SPAWN.proc.pid}/stat").read_text()
        rest = stat[stat.rindex(")") + 2:].split()
        total += (int(rest[11]) + int(rest[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        pass
    return total


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def machine_info() -> dict[str, str]:
    info = {}
    code, out = capture(["date", "-u"])
    info["date"] = out if code == 0 else time.strftime("%a %b %d %H:%M:%S UTC %Y", time.gmtime())
    code, out = capture(["nproc"])
    info["nproc"] = out if code == 0 else str(os.cpu_count())
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info["cpu"] = model
    info["kernel"] = f"{platform.system()} {platform.release()} {platform.machine()}"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory"] = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    info["python"] = platform.python_version()
    return info


def repo_info() -> dict[str, str]:
    d = {}
    code, out = capture(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT)
    d["commit"] = out if code == 0 else "?"
    code, out = capture(["git", "status", "--porcelain", "--", ".", ":!bench"], cwd=ROOT)
    d["dirty"] = str(len(out.splitlines())) if code == 0 else "?"
    code, out = capture(["rustc", "--version"], cwd=ROOT)
    d["rustc"] = out if code == 0 else "?"
    return d


def table(cases: list[Case]) -> str:
    head = (
        "| Case | Command | Runs | Median wall (ms) | Wall min–max (ms) | Median CPU user+sys (ms) "
        "| Peak RSS max (median), MiB | Wall vs base | CPU vs base | RSS vs base | Exit codes (all runs) |\n"
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n"
    )
    rows = []
    for case in cases:
        bc = case.baseline()
        base = stats(bc) if bc else None
        for c in case.cmds:
            st = stats(c)
            title = case.title + (" *(different work, reference only)*" if case.reference_only else "")
            if st is None:
                why = c.dropped or "; ".join(sorted({s.get("error", "") for s in c.samples})) or "no runs"
                rows.append(f"| {title} | {c.label} | 0 | — | — | — | — | — | — | — | {exit_summary(c)} ({why}) |")
                continue

            def ratio(k: str) -> str:
                if base is None or case.reference_only or not base[k]:
                    return "—"
                at_floor = k == "rss" and fmt_rss(st[k]).startswith("≤")
                return f"{'≤' if at_floor else ''}{st[k] / base[k]:.2f}×"

            rows.append(
                f"| {title} | {c.label} | {st['n']} | {st['wall']:.1f} | {st['wall_min']:.1f}–{st['wall_max']:.1f} "
                f"| {st['cpu']:.1f} | {fmt_rss(st['rss'])} ({fmt_rss(st['rss_med'])}) | {ratio('wall')} | {ratio('cpu')} | {ratio('rss')} | {exit_summary(c)} |"
            )
    return head + "\n".join(rows) + "\n"


def ratio_lines(cases: list[Case]) -> list[str]:
    lines = []
    for case in cases:
        if case.reference_only:
            continue
        nc, bc = case.nbtidy(), case.baseline()
        nb = stats(nc) if nc else None
        rf = stats(bc) if bc else None
        if nb and rf:
            wall = nb["wall"] / rf["wall"]
            target = ""
            if case.target is not None:
                verdict = "met" if wall <= case.target else "**not met**"
                target = f"; target ≤ {case.target:.1f}× wall: {verdict}"
            lines.append(
                f"- **{case.title}**: nbtidy / {bc.label} = wall {wall:.2f}×, "
                f"CPU {nb['cpu'] / rf['cpu']:.2f}×, peak RSS {nb['rss'] / rf['rss']:.2f}× "
                f"({nb['wall']:.1f} vs {rf['wall']:.1f} ms wall; {nb['rss']:.1f} vs {rf['rss']:.1f} MiB){target}"
            )
    return lines


def ratio_heading(cases: list[Case]) -> str:
    others = sorted({c.baseline().label for c in cases
                     if not c.reference_only and c.baseline() and c.baseline().tool != "ruff"})
    return "nbtidy vs ruff" + (f" (vs {', '.join(others)} where there is no ruff row)" if others else "") + ":"


def write_report(ctx: dict, cases: list[Case]) -> str:
    m, r, anchors = ctx["machine"], ctx["repo"], ctx["anchors"]
    L = []
    L.append("# nbtidy benchmark results\n")
    L.append("Produced by `python3 bench/run.py` (see `bench/README.md`); this file is overwritten on every run.\n")
    if ctx.get("only"):
        L.append(f"**Partial run** (`--only {','.join(ctx['only'])}`): only these cases were measured.\n")
    L.append(f"- Date: `{m['date']}`")
    L.append(f"- Machine: {m['nproc']} CPUs (nproc), {m['cpu']}, {m.get('memory', '?')} RAM, kernel {m['kernel']}")
    L.append(f"- Repo: commit `{r['commit']}` plus {r['dirty']} uncommitted path(s) outside bench/ when it was built (the build includes them); {r['rustc']}")
    L.append(f"- Run settings: {ctx['args']}; measuring took {ctx['elapsed']:.0f} s")
    L.append(f"- Other load: while measuring, processes other than this benchmark used about {max(ctx['foreign'], 0):.1f} "
             f"CPU-seconds ({max(ctx['foreign'], 0) / ctx['elapsed'] * 100:.0f}% of one core on average; /proc/stat busy time "
             f"minus the benchmark's own CPU time). Load average (1/5/15 min) before: {ctx['load'][0]}, after: {ctx['load'][1]}.")
    L.append("")
    L.append("## Tool versions\n")
    L.append("The anchors are pinned to exact releases in `bench/run.py` (`ANCHORS`); the version each tool "
             "reports is shown with its pin.\n")
    L.append(f"- nbtidy: `{ctx['nbtidy_version']}` (`{rel(ctx['nbtidy'])}`: a copy of `target/release/nbtidy` "
             f"from `cargo build --release --locked`, sha256 `{ctx['nbtidy_sha'][:16]}`)")
    for a in anchors.values():
        if a.available:
            L.append(f"- {a.name}: `{a.version}` (pip `{a.requirement}`)" + (f" — **{a.reason}**" if a.reason else ""))
        else:
            L.append(f"- {a.name}: **unavailable** — {a.reason}")
    L.append(f"- Python (venv and runner): {m['python']}")
    if ctx.get("freeze"):
        L.append(f"- Everything in `{rel(VENV)}` (`pip freeze`): {', '.join(f'`{x}`' for x in ctx['freeze'])}")
    L.append("")
    L.append("## Corpus\n")
    comp = ctx["composition"]
    L.append(
        f"`{rel(CORPUS)}`, copied fresh from `{ctx['corpus_src']}` at the start of the run: "
        f"{comp['total']} notebooks, {comp['bytes'] / 2**20:.1f} MiB. By `metadata.language_info.name`: "
        f"{comp['python (language_info.name)']} python, {comp['no language_info (kernelspec only or none)']} without "
        f"language_info, {comp['other language']} other languages, {comp['invalid JSON']} invalid JSON. "
        f"Single-notebook case: `{rel(CORPUS / SINGLE_NOTEBOOK)}` "
        f"({(CORPUS / SINGLE_NOTEBOOK).stat().st_size / 1024:.0f} KiB, a byte-identical copy of `../shared/corpus/{SINGLE_NOTEBOOK}`)."
    )
    L.append("")
    L.append("## Commands\n")
    L.append("Run from the repo root (`cwd` = repo root) with the venv's `bin/` first on `PATH`. "
             "Within each case the commands alternate run by run (A B C A B C ...), after one warm-up round.\n")
    for case in cases:
        ro = " — *different work, reference only*" if case.reference_only else ""
        L.append(f"**{case.title}**{ro}\n")
        for c in case.cmds:
            stdin = f" < {rel(c.stdin)}" if c.stdin else ""
            L.append(f"- {c.label}: `{c.shown()}{stdin}`")
        if case.note:
            L.append(f"\n{case.note.strip()}")
        L.append("")
    L.append("## Results\n")
    L.append("Median wall and median CPU (user+sys of the child and the descendants it reaped) over the measured runs; "
             "peak RSS is the maximum `ru_maxrss` over the runs (largest single process, not a sum over worker processes). "
             "Ratios are against the case's baseline row, the one at 1.00×: `ruff`, or `nb-clean check` in the "
             "notebook-only rules case (> 1 means slower / bigger than the baseline). "
             "Exit codes count warm-up and measured runs; ⚠ marks codes other than 0/1.\n")
    L.append(ctx["table"])
    rl = ratio_lines(cases)
    if rl:
        L.append(ratio_heading(cases) + "\n")
        L.extend(rl)
        L.append("")
    L.append("## Skipped and failed notebooks, findings, rewritten notebooks\n")
    nb = ctx.get("nbtidy_counts")
    if nb:
        L.append(f"- nbtidy (corpus check, last run): summary `{nb['summary']}`; {nb['warning_lines']} warning lines "
                 f"in {nb['notebooks_with_warnings']} notebooks (cells left unchanged on syntax errors), "
                 f"{nb['error_lines']} error lines.")
    rc = ctx.get("ruff_counts")
    if rc and "error" not in rc:
        kinds = ", ".join(f"{v} {k}" for k, v in rc["error_kinds"].items()) or "none"
        L.append(f"- ruff (`{rc['command']}`, one extra unmeasured run; exit {rc['rc']}): summary `{rc['summary']}`; "
                 f"{rc['error_files']} notebooks with errors ({kinds}); "
                 f"{rc['not_reported']} of {comp['total']} notebooks not mentioned at all (silently skipped: ruff only formats "
                 f"notebooks it takes for Python, and skips those with another language *or no* `language_info`); "
                 f"stderr had {rc['stderr_failed_to_read']} \"Failed to read\" lines and {rc['stderr_error_lines']} `error` lines "
                 f"(ruff 0.17 prints its diagnostics on stdout).")
    elif rc:
        L.append(f"- ruff counting run: {rc['error']}")
    for key, label in (("corpus-black", "black"), ("corpus-nbqa", "nbqa black")):
        s = ctx["summaries"].get(key)
        if s is not None:
            L.append(f"- {label} (corpus check, last run): `{s or 'no summary line'}`")
    for line in ctx.get("lint_counts", []):
        L.append(line)
    L.append("")
    if ctx["notes"]:
        L.append("## Notes\n")
        L.extend(f"- {n}" for n in ctx["notes"])
        L.append("")
    text = "\n".join(L)
    # The section bench/stress.py writes (always last) is kept: this run does not measure it.
    path = ctx["results_path"]
    previous = path.read_text() if path.exists() else ""
    at = previous.find("\n" + STRESS_HEADING)
    if at >= 0:
        text = text.rstrip("\n") + "\n" + previous[at:]
    path.write_text(text)
    return text


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=10, help="measured runs per fast command (default 10)")
    ap.add_argument("--slow-runs", type=int, default=3, help="measured runs for black / nbqa on the corpus (default 3)")
    ap.add_argument("--startup-runs", type=int, default=30, help="measured runs per start-up command (default 30)")
    ap.add_argument("--warmup", type=int, default=1, help="warm-up runs per command (default 1)")
    ap.add_argument("--timeout", type=float, default=600, help="seconds before a run is killed (default 600)")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS_SRC, help="corpus to copy (default ../shared/corpus)")
    ap.add_argument("--no-build", action="store_true", help="use the existing target/release/nbtidy")
    ap.add_argument("--skip-install", action="store_true", help="reuse the venv as it is (no pip)")
    ap.add_argument("--no-slow", action="store_true", help="leave out black and nbqa on the whole corpus")
    ap.add_argument("--only", metavar="CASES", default="",
                    help=f"run only these cases, comma-separated keys: {','.join(CASE_KEYS)} (default: all)")
    ap.add_argument("--results", type=Path, default=RESULTS, help="report to write (default bench/RESULTS.md)")
    ap.add_argument("-v", "--verbose", action="store_true", help="log every run")
    args = ap.parse_args()
    only = [k.strip() for k in args.only.split(",") if k.strip()]
    unknown = [k for k in only if k not in CASE_KEYS]
    if unknown:
        ap.error(f"--only: unknown case key(s) {', '.join(unknown)}; known: {', '.join(CASE_KEYS)}")

    global SPAWN
    SPAWN = Spawner()  # first, while this process is still small (see SPAWNER)
    corpus_src = args.corpus.resolve()
    if not corpus_src.is_dir():
        sys.exit(f"corpus not found: {corpus_src}")
    WORK.mkdir(parents=True, exist_ok=True)
    LOGS.mkdir(parents=True, exist_ok=True)

    SPAWN.floor_kib = rss_floor()
    nbtidy = build(args.no_build)
    repo = repo_info()  # now: the tree the binary was built from (others may commit meanwhile)
    anchors = install_anchors(args.skip_install)
    avail = {k: a.available for k, a in anchors.items()}
    bin_ = lambda name: rel(VENV_BIN / name)  # noqa: E731

    log(f"copying {corpus_src} -> {rel(CORPUS)}")
    copy_corpus(corpus_src)
    # Isolate nbtidy from the repo's own .editorconfig (ruff gets --isolated): an empty
    # root .editorconfig above the corpus copy means nbtidy uses its defaults.
    (WORK / ".editorconfig").write_text("# written by bench/run.py: isolate the corpus copy from the repo's settings\nroot = true\n")
    files = notebooks()
    composition = corpus_composition(files)
    single = rel(CORPUS / SINGLE_NOTEBOOK)
    corpus = rel(CORPUS)
    stdin_cell = WORK / "startup_cell.py"
    stdin_cell.write_text(STARTUP_CELL)
    nbt = rel(nbtidy)

    notes: list[str] = [
        "black and nbqa run with a fresh, empty `BLACK_CACHE_DIR` each run (black has no --no-cache flag, and its "
        "cache would otherwise let later runs skip unchanged notebooks).",
        "black is given `--exclude '^$'` on the directory: without an explicit `--exclude`, black applies the repo's "
        "`.gitignore`, which lists `/bench/work`, and finds no files at all.",
        "nbtidy reads `.editorconfig`; the runner writes `bench/work/.editorconfig` with only `root = true` so the "
        "repo's own `.editorconfig` does not apply to the corpus copy (the counterpart of ruff's `--isolated`). "
        "The start-up case (`--stdin-filename x.py`, cwd = repo root) does see the repo's `.editorconfig`.",
        "ruff 0.17's `format --check` prints a full diff of every change by default (about 54k lines on stdout for "
        "this corpus); the `--output-format concise` row shows the cost without it (nbtidy `--check` lists file names only).",
        "All stdout/stderr go to files under `bench/work/logs/` (the last run of each command is kept).",
    ]

    cases: list[Case] = []
    c1 = [Cmd("corpus-nbtidy", "nbtidy", "nbtidy", [nbt, "format", "--check", corpus])]
    if avail["ruff"]:
        c1.append(Cmd("corpus-ruff", "ruff", "ruff", [bin_("ruff"), "format", "--check", "--no-cache", "--isolated", corpus]))
        c1.append(Cmd("corpus-ruff-concise", "ruff", "ruff --output-format concise",
                      [bin_("ruff"), "format", "--check", "--no-cache", "--isolated", "--output-format", "concise", corpus]))
    if not args.no_slow:
        if avail["black"]:
            c1.append(Cmd("corpus-black", "black", "black", [bin_("black"), "--check", "--exclude", "^$", "--include", r"\.ipynb$", corpus],
                          slow=True, black_cache=True))
        if avail["nbqa"]:
            c1.append(Cmd("corpus-nbqa", "nbqa", "nbqa black", [bin_("nbqa"), "black", "--check", corpus], slow=True, black_cache=True))
    cases.append(Case("corpus", f"Corpus, format check ({len(files)} notebooks)", c1, args.runs, args.slow_runs))

    c2 = [Cmd("single-nbtidy", "nbtidy", "nbtidy", [nbt, "format", "--check", single])]
    if avail["ruff"]:
        c2.append(Cmd("single-ruff", "ruff", "ruff", [bin_("ruff"), "format", "--check", "--no-cache", "--isolated", single]))
    if avail["black"]:
        c2.append(Cmd("single-black", "black", "black", [bin_("black"), "--check", single], black_cache=True))
    cases.append(Case("single", "Single notebook, format check (245 code cells)", c2, args.runs, args.slow_runs))

    c3 = [Cmd("startup-nbtidy", "nbtidy", "nbtidy", [nbt, "format", "--check", "--stdin-filename", "x.py", "-"], stdin=stdin_cell)]
    if avail["ruff"]:
        c3.append(Cmd("startup-ruff", "ruff", "ruff", [bin_("ruff"), "format", "--stdin-filename", "x.py", "-"], stdin=stdin_cell))
    if avail["black"]:
        c3.append(Cmd("startup-black", "black", "black", [bin_("black"), "-q", "--stdin-filename", "x.py", "-"],
                      stdin=stdin_cell, black_cache=True))
    cases.append(Case("startup", "Start-up: one tiny cell on stdin (editor save)", c3, args.startup_runs, args.startup_runs,
                      note="nbtidy runs with `--check` (exit 1, names the file); ruff and black print the formatted cell (exit 0)."))

    c4 = [Cmd("write-nbtidy", "nbtidy", "nbtidy", [nbt, "format", corpus], writes=True)]
    if avail["ruff"]:
        c4.append(Cmd("write-ruff", "ruff", "ruff", [bin_("ruff"), "format", "--no-cache", "--isolated", corpus], writes=True))
    if avail["black"] and not args.no_slow:
        c4.append(Cmd("write-black", "black", "black", [bin_("black"), "--exclude", "^$", "--include", r"\.ipynb$", corpus],
                      writes=True, slow=True, black_cache=True))
    cases.append(Case("write", f"Corpus, format in place ({len(files)} notebooks)", c4, args.runs, args.slow_runs,
                      note="Each run gets a fresh copy of the corpus (copied from the shared corpus and flushed with "
                           "`sync` before the clock starts), so every run rewrites the same notebooks. The runner counts "
                           "the notebooks that differ from the shared corpus after each run (below). nbtidy rewrites only "
                           "the changed `source` values; ruff writes each notebook it reformats as a whole, re-serialized "
                           "JSON (sorted keys, one-space indent); black writes the notebooks whose cells it reformats. "
                           "Exit 2 (ruff) and 123 (black) mean some notebooks failed, as in the check case."))

    c5s = [Cmd("strip-nbtidy", "nbtidy", "nbtidy --select NB003,NB004,NB012",
               [nbt, "check", "--select", "NB003,NB004,NB012", "--fail-on", "warning", "--output-format", "concise", corpus])]
    if avail["nbstripout"]:
        c5s.append(Cmd("strip-nbstripout", "nbstripout", "nbstripout --verify",
                       [bin_("nbstripout"), "--verify", "--keep-id", *map(rel, files)],
                       display=f"{bin_('nbstripout')} --verify --keep-id <the {len(files)} notebooks under {corpus}, sorted, "
                               "as arguments of one invocation>"))
    if avail["nb-clean"]:
        c5s.append(Cmd("strip-nb-clean", "nb-clean", "nb-clean check", [bin_("nb-clean"), "check", corpus]))
    cases.append(Case("strip", f"Corpus, would stripping outputs change anything? ({len(files)} notebooks)", c5s,
                      args.runs, args.slow_runs, baseline_key="strip-nbstripout", target=0.1,
                      note="The check-only mode of output stripping, as a pre-commit hook or CI step runs it: exit 1 when a "
                           "notebook still has outputs, execution counts or run/view metadata. nbtidy runs exactly its three "
                           "rules for that (NB003 outputs-present, NB004 execution-count-present, NB012 "
                           "notebook-metadata-noise: `ExecuteTime`, `execution`, `collapsed`, `scrolled`, `widgets`), with "
                           "`--fail-on warning` because they are warnings. nbstripout's `--verify` is its `--dry-run` "
                           "(lists the notebooks it would strip) plus exit 1; all notebooks go to one invocation (it takes "
                           "files only, no directories). `--keep-id` because by default nbstripout also renumbers cell ids, "
                           "which nbtidy does not count as stripping; with it both tools flag the same notebooks (checked "
                           "below). nb-clean check (outputs, execution counts, cell and notebook metadata) is shown for "
                           "reference, its ratio against nbstripout too."))

    c5 = [Cmd("lint-nbtidy", "nbtidy", "nbtidy", [nbt, "check", "--output-format", "concise", corpus])]
    if avail["ruff"]:
        c5.append(Cmd("lint-ruff", "ruff", "ruff", [bin_("ruff"), "check", "--no-cache", "--isolated",
                                                   "--output-format", "concise", corpus]))
    cases.append(Case("lint", f"Corpus, lint (default rules, {len(files)} notebooks)", c5, args.runs, args.slow_runs,
                      target=0.5,
                      note="Each tool with its default rule set and no configuration: nbtidy's `recommended` (ruff's "
                           "default codes `E4`, `E7`, `E9`, `F` plus the recommended notebook rules `NB...`), ruff's "
                           "default selection (`E4`, `E7`, `E9`, `F`). Exit 1 (findings) is normal; nbtidy exits 2 when "
                           "a notebook cannot be read."))

    c5d = [Cmd("lint-ruffset-nbtidy", "nbtidy", "nbtidy --select E4,E7,E9,F,I",
               [nbt, "check", "--select", "E4,E7,E9,F,I", "--output-format", "concise", corpus])]
    if avail["ruff"]:
        c5d.append(Cmd("lint-ruffset-ruff", "ruff", "ruff --select E4,E7,E9,F,I",
                       [bin_("ruff"), "check", "--no-cache", "--isolated", "--select", "E4,E7,E9,F,I",
                        "--output-format", "concise", corpus]))
    cases.append(Case("lint-ruffset", f"Corpus, lint with ruff's default codes and import sorting ({len(files)} notebooks)",
                      c5d, args.runs, args.slow_runs, target=0.5,
                      note="The same rules on both sides: ruff's default selection plus `I` (import sorting), the set "
                           "people who lint notebooks run today. nbtidy reads cells in notebook order; the finding "
                           "counts below differ by the deliberate differences `bench/compare_ruff_check.py` lists."))

    c6 = [Cmd("nb-rules-nbtidy", "nbtidy", "nbtidy --select NB",
              [nbt, "check", "--select", "NB", "--output-format", "concise", corpus])]
    if avail["nb-clean"]:
        c6.append(Cmd("nb-rules-nb-clean", "nb-clean", "nb-clean check", [bin_("nb-clean"), "check", corpus]))
    cases.append(Case("nb-rules", f"Corpus, notebook-only rules ({len(files)} notebooks)", c6, args.runs, args.slow_runs,
                      baseline_key="nb-rules-nb-clean", target=1.0,
                      note="nbtidy runs only its notebook rules (`NB` codes: outputs, hygiene); nb-clean checks execution "
                           "counts, outputs and cell/notebook metadata. Similar, not identical work: the finding counts "
                           "below show what each reports. nb-clean exits 65 when a notebook does not match its schema "
                           "(it still checks the others)."))

    if only:
        cases = [case for case in cases if case.key in only]
        log(f"--only: running {', '.join(case.key for case in cases)}")
    ran = {case.key for case in cases}

    load_before = loadavg()
    busy_before, own_before = busy_cpu_seconds(), own_cpu_seconds(cases)
    t0 = time.perf_counter()
    for case in cases:
        run_case(case, args, corpus_src)
    log(f"measuring took {time.perf_counter() - t0:.0f} s")
    SPAWN.floor_kib = max(SPAWN.floor_kib, rss_floor())
    load_after = loadavg()
    elapsed = time.perf_counter() - t0
    foreign = (busy_cpu_seconds() - busy_before) - (own_cpu_seconds(cases) - own_before)
    notes.insert(0, f"Peak RSS floor of the method: `/bin/true` measures {SPAWN.floor_kib / 1024:.1f} MiB here, because "
                 "exec() carries the peak RSS of the forking process's address space into the child's ru_maxrss. "
                 "Children are forked from a lean helper process (not from the runner) to keep that floor low; "
                 "a value marked ≤ is at the floor, and the real peak may be lower.")

    # Counts of skipped / failed notebooks.
    ctx_counts = {}
    summaries = {}
    if "corpus" in ran:
        ctx_counts["nbtidy_counts"] = nbtidy_counts(c1[0])
        if avail["ruff"]:
            log("counting ruff's skipped / failed notebooks (one extra run, concise output)")
            ctx_counts["ruff_counts"] = ruff_counts(VENV_BIN / "ruff", corpus, len(files))
        for c in c1:
            if c.tool in ("black", "nbqa"):
                summaries[c.key] = summary_line(read_log(c, "stderr") + "\n" + read_log(c, "stdout"))
    # Findings of the lint and strip cases, counted from the last measured run's output (one line
    # per finding); what the writing commands rewrote.
    lint_counts = []
    for case in cases:
        if case.key == "write":
            lint_counts.extend(write_counts(case))
            continue
        if case.key not in ("strip", "lint", "lint-ruffset", "nb-rules"):
            continue
        for c in case.cmds:
            if not c.samples:
                continue
            counter = {"nb-clean": nb_clean_findings, "nbstripout": nbstripout_findings}.get(c.tool, concise_findings)
            lint_counts.append(counter(c, len(files)).replace("- ", f"- {case.title} / ", 1))
        if case.key == "strip":
            lint_counts.extend(strip_agreement(case))
    ctx_counts["lint_counts"] = lint_counts

    for case in cases:
        for c in case.cmds:
            bad = [s for s in c.warmups + c.samples if "error" in s or (s.get("rc") is not None and s["rc"] not in c.ok_codes)]
            if bad:
                errs = sorted({s.get("error") or f"exit {s['rc']}" for s in bad})
                errtext = read_log(c, "stderr").strip().splitlines()
                picked = [l for l in errtext if re.match(r"\s*(error|nb-clean: error)\b", l, re.I)][:2] or errtext[-2:]
                tail = " | ".join(picked)[:300].replace("`", "'")
                if tail:
                    why = f"last stderr: `{tail}`"
                else:  # ruff 0.17 reports its errors on stdout
                    errlines = ruff_error_lines(read_log(c, "stdout")) if c.tool == "ruff" else []
                    example = errlines[0][:200].replace("`", "'") if errlines else ""
                    why = (f"{len(errlines)} diagnostic lines on stdout other than 'unformatted', e.g. `{example}`; "
                           "see the skipped and failed notebooks below") if errlines else "stderr empty"
                notes.append(f"{case.title} / {c.label}: {len(bad)} of {len(c.warmups + c.samples)} runs ended with "
                             f"{', '.join(errs)} ({why}).")

    code, ver = capture([str(nbtidy), "--version"])
    code_f, freeze = capture([str(VENV_BIN / "python"), "-m", "pip", "freeze", "--disable-pip-version-check"])
    nbtidy_sha = hashlib.sha256(nbtidy.read_bytes()).hexdigest()
    ctx = {
        "machine": machine_info(),
        "repo": repo,
        "anchors": anchors,
        "nbtidy": nbtidy,
        "nbtidy_version": ver if code == 0 else "?",
        "freeze": sorted(freeze.splitlines(), key=str.lower) if code_f == 0 else [],
        "nbtidy_sha": nbtidy_sha,
        "composition": composition,
        "corpus_src": corpus_src,
        "args": f"--runs {args.runs}, --slow-runs {args.slow_runs}, --startup-runs {args.startup_runs}, "
                f"--warmup {args.warmup}, --timeout {args.timeout:.0f} s"
                + (", --no-slow" if args.no_slow else "") + (f", --only {','.join(only)}" if only else ""),
        "only": only,
        "table": table(cases),
        "results_path": args.results,
        "load": (load_before, load_after),
        "elapsed": elapsed,
        "foreign": foreign,
        "summaries": summaries,
        "notes": notes,
        **ctx_counts,
    }
    write_report(ctx, cases)
    dump = {c.key: {"argv": c.argv, "warmups": c.warmups, "samples": c.samples, "dropped": c.dropped}
            for case in cases for c in case.cmds}
    (WORK / "samples.json").write_text(json.dumps(dump, indent=1))
    print(ctx["table"])
    rl = ratio_lines(cases)
    if rl:
        print(ratio_heading(cases))
    for line in rl:
        print(line)
    for line in lint_counts:
        print(line)
    for a in anchors.values():
        if not a.available:
            print(f"- {a.name} unavailable: {a.reason}")
    print(f"\nwrote {rel(args.results.resolve())}")
    SPAWN.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
