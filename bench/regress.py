#!/usr/bin/env python3
"""nbtidy against an earlier nbtidy: is anything slower than it was?

    python3 bench/regress.py --base f0b67cc            # build that commit, compare with HEAD
    python3 bench/regress.py --base-binary OLD --no-build

Builds the base revision in a temporary git worktree (`target/regress-<rev>`, kept between runs
so a second comparison does not rebuild it) and the checkout with `cargo build --release
--locked`, copies both binaries, then runs every case with the two binaries alternating run by
run (A B A B ...) after a warm-up round, on the copy of the corpus `bench/run.py` keeps in
`bench/work/corpus` (made here when it is missing). Reports the median wall and user+sys CPU
time of each command and the ratio new/base, and exits 1 when a ratio is above `--limit`
(default 1.05) for a case whose two commands do the same work.

Two kinds of cases:
- "same work": the rule selection is the set of rules the base build has (read from its
  `rule --all`), so both sides run the same rules; the case names in `bench/run.py` follow it;
- "as named": each build's own default set or `--select NB`, which grows as rules are added.
  Shown for information; not judged.

Pure standard library; Linux only (os.wait4).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work"


def run(cmd: list[str], cwd: Path | None = None, stdin: Path | None = None) -> tuple[float, float, int]:
    """Wall seconds, user+sys CPU seconds and exit code of one run; output to a file (as
    `bench/run.py` does), stderr discarded."""
    out = os.open(WORK / "regress-out.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            if cwd is not None:
                os.chdir(cwd)
            if stdin is not None:
                os.dup2(os.open(stdin, os.O_RDONLY), 0)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(out, 1)
            os.dup2(devnull, 2)
            os.execv(cmd[0], cmd)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    os.close(out)
    return wall, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status)


def build(checkout: Path, target: Path) -> Path:
    env = dict(os.environ, CARGO_TARGET_DIR=str(target))
    subprocess.run(["cargo", "build", "--release", "--locked", "--quiet"], cwd=checkout, env=env, check=True)
    return target / "release" / "nbtidy"


def base_binary(rev: str) -> Path:
    sha = subprocess.run(["git", "rev-parse", "--short=12", rev], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout.strip()
    tree = ROOT / "target" / f"regress-{sha}"
    if not (tree / ".git").exists():
        subprocess.run(["git", "worktree", "add", "--detach", "-f", str(tree), sha], cwd=ROOT, check=True,
                       capture_output=True)
    print(f"building base {sha} in {tree} ...", file=sys.stderr)
    return build(tree, tree / "target")


def rules_of(binary: Path) -> list[str]:
    """Every rule code the binary documents (`rule --all` headings end in `(CODE)`)."""
    out = subprocess.run([str(binary), "rule", "--all"], capture_output=True, text=True, check=True).stdout
    return sorted(set(re.findall(r"^# [a-z0-9-]+ \(([A-Z]+[0-9]+)\)$", out, re.M)))


def recommended_of(binary: Path) -> list[str]:
    out = subprocess.run([str(binary), "rule", "--all"], capture_output=True, text=True, check=True).stdout
    codes = []
    for block in re.split(r"(?m)^(?=# [a-z0-9-]+ \([A-Z]+[0-9]+\)$)", out):
        head = re.match(r"# [a-z0-9-]+ \(([A-Z]+[0-9]+)\)", block)
        if head and "In the recommended set" in block:
            codes.append(head.group(1))
    return sorted(set(codes))


def ensure_corpus(src: Path) -> Path:
    corpus = WORK / "corpus"
    if not corpus.exists():
        WORK.mkdir(parents=True, exist_ok=True)
        shutil.copytree(src, corpus)
        for path in corpus.rglob("*"):
            path.chmod(0o755 if path.is_dir() else 0o644)
    # Isolate the copy from the repo's own settings (what bench/run.py writes too).
    (WORK / ".editorconfig").write_text("# written by bench/run.py: isolate the corpus copy from the repo's "
                                        "settings\nroot = true\n")
    return corpus


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", help="git revision to compare with (built in target/regress-<rev>)")
    parser.add_argument("--base-binary", type=Path, help="an nbtidy binary to compare with instead")
    parser.add_argument("--no-build", action="store_true", help="use target/release/nbtidy as it is")
    parser.add_argument("--new-binary", type=Path, help="the nbtidy binary to measure instead of the checkout's")
    parser.add_argument("--runs", type=int, default=15, help="measured runs per command (start-up: 4x)")
    parser.add_argument("--limit", type=float, default=1.05, help="largest new/base median wall ratio")
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--only", help="comma-separated case keys")
    args = parser.parse_args()
    if not args.base and not args.base_binary:
        parser.error("give --base REV or --base-binary PATH")

    if args.new_binary:
        new = args.new_binary
    elif args.no_build:
        new = ROOT / "target" / "release" / "nbtidy"
    else:
        new = build(ROOT, ROOT / "target")
    old = args.base_binary or base_binary(args.base)
    bins = WORK / "regress-bin"
    bins.mkdir(parents=True, exist_ok=True)
    shutil.copy2(new, bins / "new")
    shutil.copy2(old, bins / "base")
    new, old = bins / "new", bins / "base"
    corpus = ensure_corpus(args.corpus)

    base_rules = rules_of(old)
    base_nb = [code for code in base_rules if code.startswith("NB")]
    base_default = recommended_of(old)
    single = corpus / "ageron__handson-ml3" / "12_custom_models_and_training_with_tensorflow.ipynb"
    concise = ["--output-format", "concise"]
    startup = WORK / "startup_cell.py"
    if not startup.exists():
        startup.write_text("x = 1\n")
    # key, title, judged, base args, new args (a case with "-" reads the start-up cell on stdin)
    cases = [
        ("startup", "start-up: format --check one tiny cell on stdin (an editor's save action)", True,
         ["format", "--check", "--stdin-filename", "x.py", "-"],
         ["format", "--check", "--stdin-filename", "x.py", "-"]),
        ("format", "format --check, corpus", True,
         ["format", "--check", str(corpus)], ["format", "--check", str(corpus)]),
        ("single", "format --check, one notebook of 245 code cells", True,
         ["format", "--check", str(single)], ["format", "--check", str(single)]),
        ("lint", "check, the base's default rules on both sides", True,
         ["check", *concise, str(corpus)],
         ["check", "--select", ",".join(base_default), *concise, str(corpus)]),
        ("nb-rules", "check, the base's NB rules on both sides", True,
         ["check", "--select", "NB", *concise, str(corpus)],
         ["check", "--select", ",".join(base_nb), *concise, str(corpus)]),
        ("strip", "check --select NB003,NB004,NB012", True,
         ["check", "--select", "NB003,NB004,NB012", "--fail-on", "warning", *concise, str(corpus)],
         ["check", "--select", "NB003,NB004,NB012", "--fail-on", "warning", *concise, str(corpus)]),
        ("lint-named", "check, each build's default rules (as bench/run.py's lint case)", False,
         ["check", *concise, str(corpus)], ["check", *concise, str(corpus)]),
        ("nb-named", "check --select NB, each build's NB rules (as bench/run.py's nb-rules case)", False,
         ["check", "--select", "NB", *concise, str(corpus)], ["check", "--select", "NB", *concise, str(corpus)]),
    ]
    if args.only:
        keep = set(args.only.split(","))
        cases = [case for case in cases if case[0] in keep]

    print(f"base rules: {len(base_rules)} ({len(base_default)} by default, {len(base_nb)} NB); "
          f"new rules: {len(rules_of(new))}", file=sys.stderr)
    failed = []
    rows = []
    for key, title, judged, old_args, new_args in cases:
        commands = {"base": [str(old), *old_args], "new": [str(new), *new_args]}
        samples: dict[str, list[tuple[float, float, int]]] = {"base": [], "new": []}
        runs = args.runs * 4 if key == "startup" else args.runs
        for round_ in range(runs + 1):
            for side in ("base", "new") if round_ % 2 == 0 else ("new", "base"):
                result = run(commands[side], cwd=WORK, stdin=startup if "-" in old_args else None)
                if round_ > 0:
                    samples[side].append(result)
        wall = {side: statistics.median(s[0] for s in samples[side]) * 1000 for side in samples}
        cpu = {side: statistics.median(s[1] for s in samples[side]) * 1000 for side in samples}
        codes = {side: sorted({s[2] for s in samples[side]}) for side in samples}
        ratio = wall["new"] / wall["base"]
        verdict = ("ok" if ratio <= args.limit else "SLOWER") if judged else "info"
        if judged and ratio > args.limit:
            failed.append(key)
        rows.append((title, wall["base"], wall["new"], ratio, cpu["base"], cpu["new"],
                     cpu["new"] / cpu["base"], verdict, codes))
        print(f"{title}: base {wall['base']:.1f} ms, new {wall['new']:.1f} ms ({ratio:.3f}x wall, "
              f"{cpu['new'] / cpu['base']:.3f}x CPU) {verdict}", file=sys.stderr)

    print(f"\n{args.runs} runs each, alternating; limit {args.limit:.2f}x wall on the same work.\n")
    print("| Case | Base wall (ms) | New wall (ms) | Wall new/base | Base CPU (ms) | New CPU (ms) | CPU new/base "
          "| Verdict | Exit codes base / new |")
    print("|---|---:|---:|---:|---:|---:|---:|---|---|")
    for title, bw, nw, ratio, bc, nc, cratio, verdict, codes in rows:
        print(f"| {title} | {bw:.1f} | {nw:.1f} | {ratio:.3f}× | {bc:.1f} | {nc:.1f} | {cratio:.3f}× | {verdict} "
              f"| {codes['base']} / {codes['new']} |")
    if failed:
        print(f"\nslower than the base by more than {args.limit:.2f}x: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
