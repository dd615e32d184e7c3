#!/usr/bin/env python3
"""Stress: is nbtidy's cost linear in its input?

Generates hostile notebooks (one huge cell with a finding on every line, 100,000 empty cells, a
50 MB notebook on one line, a huge cell to diff, ...) in a temporary directory at 1x and 10x size,
times nbtidy on both, and prints a table with the ratio. Exits 1 when any ratio is over the limit
(12x by default: linear cost gives about 10x, quadratic about 100x).

    python3 bench/stress.py                  # builds with cargo build --release --locked
    python3 bench/stress.py --no-build       # uses target/release/nbtidy as it is
    python3 bench/stress.py --only w291,e501 # some cases
    python3 bench/stress.py --binary PATH    # another nbtidy (e.g. an older build, to compare)

Each command runs --runs times (default 3) per size; the table shows the fastest run, timed as
the CPU time (user + system) of the nbtidy process (--clock cpu, the default: what the process
did, which a busy machine does not inflate) or as elapsed time (--clock wall). A run over
--timeout seconds (default 120) is killed and counted as failing. Standard library only.
"""

from __future__ import annotations

import argparse
import resource
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 12.0

# Cases measured and shown but not failing the run, with the reason (see RESULTS.md).
KNOWN: dict[str, str] = {}

# What a run's time is: "cpu" (user + system time of the nbtidy process, the default: the work
# it did, which is what "linear in the input" is about, and what a busy machine does not
# inflate) or "wall" (elapsed time, which on a shared machine includes waiting for a core).
CLOCK = "cpu"

PY_META = {
    "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
    "language_info": {"name": "python", "version": "3.12.0"},
}


def source_lines(text: str) -> list[str]:
    """The `source` list Jupyter writes: one string per line, each but the last ending with \\n."""
    return text.splitlines(keepends=True)


def code_cell(text: str, outputs: list | None = None, count: int | None = None, cell_id=None):
    cell = {
        "cell_type": "code",
        "execution_count": count,
        "metadata": {},
        "outputs": outputs or [],
        "source": source_lines(text),
    }
    if cell_id is not None:
        cell["id"] = cell_id
    return cell


def notebook(cells: list, compact: bool = False) -> str:
    nb = {"cells": cells, "metadata": PY_META, "nbformat": 4, "nbformat_minor": 5}
    if compact:
        return json.dumps(nb, separators=(",", ":"), ensure_ascii=False)
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def one_cell(lines) -> str:
    return notebook([code_cell("\n".join(lines))])


# Each generator takes the size n and returns the notebook's text.


def gen_w291(n):
    return one_cell(f"x{i} = {i}   " for i in range(n))


def gen_e501(n):
    return one_cell(f"x{i} = 'a b c d e f g h' + 'i j k l m n o p' + 'q r s t u v w x y z' + 'aaaa bbbb cccc dddd'" for i in range(n))


def gen_f401(n):
    return one_cell(f"import x{i}" for i in range(n))


def gen_e703(n):
    return one_cell([f"x{i} = {i};" for i in range(n)] + ["x0"])


def gen_noqa(n):
    return one_cell(f"import x{i}  # noqa: E501" for i in range(n))


def gen_long_line(n):
    # One line holding n unused imports: n findings on one line.
    return one_cell(["import " + ", ".join(f"x{i}" for i in range(n))])


def gen_secrets(n):
    token = "ghp_" + "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5A"
    return one_cell(f"t{i} = '{token}'" for i in range(n))


def gen_empty_cells(n):
    return notebook([code_cell("") for _ in range(n)])


def gen_many_cells(n):
    # n cells, each with an unused import, outputs and an execution count.
    outputs = [{"name": "stdout", "output_type": "stream", "text": ["hello\n"]}]
    return notebook([code_cell(f"import x{i}", outputs, i + 1) for i in range(n)])


def gen_one_line(n):
    # Compact JSON on one line: n cells with outputs (about 10 KB each).
    text = ["line %d of the log: " % i + "x" * 60 + "\n" for i in range(120)]
    cells = [
        code_cell(
            f"import os\nx{i} = 1   \nprint(x{i});",
            [{"name": "stdout", "output_type": "stream", "text": text}],
            i + 1,
            f"cell-{i}",
        )
        for i in range(n)
    ]
    return notebook(cells, compact=True)


def gen_format_big(n):
    # Every line changes when formatted: the diff has no common line.
    return one_cell(f"x{i}=[{i},{i}+1]" for i in range(n))


def gen_format_half(n):
    # Every other line changes.
    return one_cell(f"x{i}=[{i},{i}+1]" if i % 2 else f"y{i} = {i}" for i in range(n))


# (key, generator, 1x size, nbtidy arguments after the subcommand, writes the file)
CASES = [
    ("w291", gen_w291, 30000, ["check", "--select", "W291"], False),
    ("e501", gen_e501, 30000, ["check", "--select", "E501"], False),
    ("f401", gen_f401, 30000, ["check", "--select", "F401"], False),
    ("e703", gen_e703, 30000, ["check", "--select", "E703"], False),
    ("noqa", gen_noqa, 30000, ["check", "--select", "F401"], False),
    ("long-line", gen_long_line, 30000, ["check", "--select", "F401", "--output-format", "concise"], False),
    ("long-line-full", gen_long_line, 1000, ["check", "--select", "F401"], False),
    ("secrets", gen_secrets, 30000, ["check", "--select", "NB016"], False),
    ("empty-cells", gen_empty_cells, 20000, ["check"], False),
    ("empty-cells-fix", gen_empty_cells, 60000, ["check", "--fix", "--unsafe-fixes"], True),
    ("many-cells", gen_many_cells, 6000, ["check", "--select", "ALL"], False),
    ("many-cells-fix", gen_many_cells, 18000, ["check", "--select", "ALL", "--fix", "--unsafe-fixes"], True),
    ("one-line-json", gen_one_line, 1000, ["check", "--select", "ALL"], False),
    ("w291-fix", gen_w291, 90000, ["check", "--select", "W291", "--fix"], True),
    ("e703-fix", gen_e703, 90000, ["check", "--select", "E703", "--fix"], True),
    ("f401-fix-unsafe", gen_f401, 90000, ["check", "--select", "F401", "--fix", "--unsafe-fixes"], True),
    ("w291-check-diff", gen_w291, 90000, ["check", "--select", "W291", "--diff"], False),
    ("format-diff", gen_format_big, 24000, ["format", "--diff"], False),
    ("format-diff-half", gen_format_half, 24000, ["format", "--diff"], False),
    ("format", gen_format_big, 24000, ["format"], True),
] + [
    (f"w291-{fmt}", gen_w291, 30000, ["check", "--select", "W291", "--output-format", fmt], False)
    for fmt in ["full", "concise", "json", "github", "gitlab", "sarif", "junit"]
]


def run_once(binary: Path, args: list[str], path: Path, text: str, writes: bool, timeout: float):
    if writes or not path.exists():
        path.write_text(text, encoding="utf-8")
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        proc = subprocess.run(
            [str(binary), *args, str(path)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=timeout,
            cwd=path.parent,
        )
    except subprocess.TimeoutExpired:
        return None, "timeout"
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    elapsed = cpu if CLOCK == "cpu" else wall
    if proc.returncode not in (0, 1):
        return elapsed, f"exit {proc.returncode}: {proc.stderr.decode(errors='replace')[:200]}"
    return elapsed, None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", type=Path, help="the nbtidy to time (default: target/release/nbtidy)")
    parser.add_argument("--no-build", action="store_true", help="do not run cargo build --release --locked")
    parser.add_argument("--only", help="comma-separated case keys")
    parser.add_argument("--runs", type=int, default=3, help="runs per size (the fastest counts)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds before a run is killed")
    parser.add_argument("--scale", type=int, default=10, help="the large size, in multiples of 1x")
    parser.add_argument("--clock", choices=["cpu", "wall"], default="cpu", help="what is timed: CPU time (user + system) of nbtidy, or elapsed time")
    parser.add_argument("--limit", type=float, default=LIMIT, help="the largest ratio that passes")
    parser.add_argument(
        "--results",
        type=Path,
        help="also write the table as the section \"Stress: cost linear in the input\" at the end of this file "
        "(e.g. bench/RESULTS.md; the section is replaced, the rest of the file kept)",
    )
    args = parser.parse_args()
    global CLOCK
    CLOCK = args.clock

    binary = args.binary
    if binary is None:
        if not args.no_build:
            subprocess.run(["cargo", "build", "--release", "--locked", "--quiet"], cwd=ROOT, check=True)
        binary = ROOT / "target" / "release" / "nbtidy"
    binary = binary.resolve()
    cases = CASES
    if args.only:
        keys = set(args.only.split(","))
        unknown = keys - {case[0] for case in CASES}
        if unknown:
            parser.error(f"unknown cases: {', '.join(sorted(unknown))}; known: {', '.join(c[0] for c in CASES)}")
        cases = [case for case in CASES if case[0] in keys]

    rows = []
    failed = False
    with tempfile.TemporaryDirectory(prefix="nbtidy-stress-") as tmp:
        tmp = Path(tmp)
        (tmp / ".editorconfig").write_text("root = true\n")
        for key, generate, size, nbargs, writes in cases:
            times = []
            sizes = []
            problem = None
            for n in (size, size * args.scale):
                text = generate(n)
                path = tmp / f"{key}-{n}.ipynb"
                path.unlink(missing_ok=True)
                best = None
                for _ in range(args.runs):
                    elapsed, problem = run_once(binary, nbargs, path, text, writes, args.timeout)
                    if problem:
                        break
                    best = elapsed if best is None else min(best, elapsed)
                path.unlink(missing_ok=True)
                sizes.append((n, len(text.encode())))
                times.append(best)
                if problem:
                    break
            known = key in KNOWN
            if problem or None in times or len(times) < 2:
                ratio = None
                failed = failed or not known
            else:
                ratio = times[1] / max(times[0], 1e-9)
                if ratio > args.limit and not known:
                    failed = True
            rows.append((key, "nbtidy " + " ".join(nbargs), sizes, times, ratio, problem))
            print_row(rows[-1], args.limit, file=sys.stderr)

    table = table_text(rows, args.limit, args.scale)
    print(table, end="")
    if args.results:
        write_section(args.results, table, binary, args)
    if failed:
        print(f"FAIL: some ratio is over {args.limit:g}x (or a run failed)", file=sys.stderr)
        return 1
    print(f"ok: every ratio is at most {args.limit:g}x", file=sys.stderr)
    return 0


def fmt_time(t):
    return "—" if t is None else f"{t:.3f} s"


def fmt_size(n, nbytes):
    return f"{n:,} ({nbytes / 1e6:.1f} MB)" if nbytes >= 1e6 else f"{n:,} ({nbytes / 1e3:.0f} kB)"


def print_row(row, limit, file):
    key, command, sizes, times, ratio, problem = row
    verdict = problem or ("ok" if ratio is not None and ratio <= limit else "TOO SLOW")
    if key in KNOWN and verdict != "ok":
        verdict += " (" + KNOWN[key] + ")"
    ratio_text = "—" if ratio is None else f"{ratio:.1f}x"
    print(f"{key:18} {fmt_time(times[0]):>10} {fmt_time(times[1] if len(times) > 1 else None):>10} {ratio_text:>7}  {verdict}", file=file)


def table_text(rows, limit, scale):
    lines = [
        f"| case | command | 1x size | 1x time | {scale}x size | {scale}x time | ratio |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for key, command, sizes, times, ratio, problem in rows:
        large = sizes[1] if len(sizes) > 1 else None
        ratio_text = problem or ("—" if ratio is None else f"{ratio:.1f}x" + ("" if ratio <= limit else " ⚠"))
        if key in KNOWN and (problem or ratio is None or ratio > limit):
            ratio_text += " (known limit, not failing)"
        lines.append(
            f"| {key} | `{command}` | {fmt_size(*sizes[0])} | {fmt_time(times[0])} | "
            f"{fmt_size(*large) if large else '—'} | {fmt_time(times[1] if len(times) > 1 else None)} | {ratio_text} |"
        )
    return "\n".join(lines) + "\n"


HEADING = "## Stress: cost linear in the input"


def write_section(path: Path, table: str, binary: Path, args) -> None:
    """Replaces (or appends) the stress section at the end of `path`."""
    previous = path.read_text() if path.exists() else ""
    at = previous.find("\n" + HEADING)
    kept = previous[:at] if at >= 0 else previous
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        commit = "?"
    section = (
        f"\n{HEADING}\n\n"
        f"Written by `python3 bench/stress.py --results bench/RESULTS.md` (see `bench/README.md`; "
        f"`bench/run.py` keeps this section when it rewrites the file). "
        f"{time.strftime('%a %b %d %H:%M:%S %Z %Y')}, commit `{commit}`, `{binary.name}`, "
        f"{os.cpu_count()} CPUs, load average after the run {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
        f"fastest of {args.runs} runs per size, timed as {'CPU time (user + system) of the nbtidy process' if args.clock == 'cpu' else 'elapsed time'}. "
        f"Linear cost gives a ratio near {args.scale}x, quadratic near {args.scale ** 2}x; "
        f"a ratio over {args.limit:g}x fails the run.\n\n" + table
    )
    for key, reason in KNOWN.items():
        section += f"\n- `{key}`: {reason}.\n"
    path.write_text(kept.rstrip("\n") + "\n" + section)


if __name__ == "__main__":
    sys.exit(main())
