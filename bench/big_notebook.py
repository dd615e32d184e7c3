#!/usr/bin/env python3
"""Peak memory and time of nbtidy on one very large notebook (default 100 MB).

    python3 bench/big_notebook.py [--mb 100] [--no-build] [--ruff PATH]

Writes a notebook of about --mb megabytes to bench/work/big/ (git-ignored): code cells that need
formatting, each with a large text output and a base64 PNG-sized image output, the way a notebook
of training logs and plots grows. Then runs, each on a fresh copy, and reports wall time and peak
RSS (from wait4, of the measured process alone) against the file size:

    nbtidy format --check, nbtidy format (rewrites), nbtidy check, nbtidy check --select NB,
    nbtidy check --fix --unsafe-fixes (strips outputs), and ruff format --check if given/found.

The target (issue "Never lose a notebook"): peak memory within about 3x the file size.
Standard library only.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work" / "big"


def make_notebook(path: Path, megabytes: int) -> None:
    rng = random.Random(42)
    cells = []
    size = 0
    i = 0
    target = megabytes * 1_000_000
    while size < target:
        log = [f"epoch {e:4d} loss={rng.random():.6f} acc={rng.random():.6f}\n" for e in range(2000)]
        png = base64.b64encode(rng.randbytes(150_000)).decode()
        cell = {
            "cell_type": "code",
            "execution_count": i + 1,
            "id": f"cell-{i}",
            "metadata": {},
            "outputs": [
                {"name": "stdout", "output_type": "stream", "text": log},
                {
                    "data": {"image/png": png, "text/plain": ["<Figure size 640x480 with 1 Axes>"]},
                    "metadata": {},
                    "output_type": "display_data",
                },
            ],
            "source": [
                f"model_{i}=train( data,epochs = {i},lr=0.001 )\n",
                f"plot(model_{i}.history ,title='run {i}')",
            ],
        }
        cells.append(cell)
        size += len(json.dumps(cell, indent=1))
        i += 1
    nb = {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python", "version": "3.12.0"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def measure(argv: list[str], cwd: Path) -> tuple[float, float, int]:
    """(wall seconds, peak RSS MiB, exit code) of one run."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode not in (0, 1):
        print(f"  ! exit {proc.returncode}: {err.strip()[:500]}", file=sys.stderr)
    return wall, usage.ru_maxrss / 1024, proc.returncode


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=int, default=100)
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--ruff", default=str(ROOT / "bench" / "work" / "venv" / "bin" / "ruff"))
    ap.add_argument("--generate", metavar="PATH", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.generate:
        make_notebook(Path(args.generate), args.mb)
        return 0

    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "--locked"], cwd=ROOT, check=True)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    nbtidy = str(target / "release" / "nbtidy")

    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / ".editorconfig").write_text("root = true\n")
    original = WORK / f"original-{args.mb}mb.ipynb.json"
    if not original.exists():
        print(f"writing a {args.mb} MB notebook...", file=sys.stderr)
        # In a child: on Linux a child's peak RSS starts at its parent's (exec keeps ru_maxrss),
        # so this process must stay small.
        subprocess.run([sys.executable, __file__, "--mb", str(args.mb), "--generate", str(original)], check=True)
    size_mib = original.stat().st_size / (1 << 20)
    work = WORK / "big.ipynb"

    cases = [
        ("nbtidy format --check", [nbtidy, "format", "--check", "big.ipynb"]),
        ("nbtidy format (writes)", [nbtidy, "format", "big.ipynb"]),
        ("nbtidy check", [nbtidy, "check", "--output-format", "concise", "big.ipynb"]),
        ("nbtidy check --select NB", [nbtidy, "check", "--select", "NB", "--output-format", "concise", "big.ipynb"]),
        ("nbtidy check --fix --unsafe-fixes --select NB003,NB004 (strips outputs)",
         [nbtidy, "check", "--fix", "--unsafe-fixes", "--select", "NB003,NB004", "big.ipynb"]),
    ]
    if Path(args.ruff).exists():
        cases.append(("ruff format --check", [args.ruff, "format", "--check", "--no-cache", "--isolated", "big.ipynb"]))

    floor = measure(["/bin/true"], WORK)[1]
    rows = []
    for name, argv in cases:
        samples = []
        for _ in range(3):
            shutil.copyfile(original, work)
            samples.append(measure(argv, WORK))
        wall = sorted(s[0] for s in samples)[1]
        rss = max(s[1] for s in samples)
        rows.append((name, wall, rss, samples[-1][2]))

    print(f"\nNotebook: {size_mib:.1f} MiB ({original.name}); median of 3 runs, max peak RSS")
    print(f"(peak RSS floor of a child of this script, /bin/true: {floor:.0f} MiB)\n")
    print("| command | wall | peak RSS | RSS / file size | exit |")
    print("| --- | --- | --- | --- | --- |")
    for name, wall, rss, code in rows:
        print(f"| {name} | {wall * 1000:.0f} ms | {rss:.0f} MiB | {rss / size_mib:.2f}x | {code} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
