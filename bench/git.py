#!/usr/bin/env python3
"""The git drivers (issue 15): merge timing, `git status` through the clean filter, and nbdime.

    python3 bench/git.py [--no-build] [--runs 7] [--no-anchors]

1. Builds nbtidy (`cargo build --release --locked`) and copies the binary to bench/work/bin.
2. Creates bench/work/git-venv with the anchors pinned below (nbdime's merge driver,
   nbstripout's filter); never a product dependency. `--no-anchors` leaves them out.
3. Merge timing: a notebook of 5 MB made of the largest corpus notebooks' cells (outputs kept,
   ids given), two edited copies (ours edits a cell's source; theirs edits another and re-ran
   a cell), merged by `nbtidy git merge` (median wall of --runs, process start included; target
   <= 50 ms) and by nbdime's `git-nbmergedriver merge` on the same files.
4. Merge scenarios on real corpus notebooks (with and without cell ids): each tool's result
   checked: merged automatically (exit 0, no conflict markers), valid JSON, cells lost or
   duplicated against the expected cells, wall time.
5. `git status` on a repository holding a copy of the whole corpus, after `touch`ing every
   notebook (so git must re-read them): without a filter, with nbtidy's filter process, with
   nbtidy's one-shot filter, with nbstripout's filter. Median of --runs.

Prints Markdown tables and writes them to bench/RESULTS-git.md. Standard library only.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work" / "git"
CORPUS = ROOT.parent / "shared" / "corpus"
VENV = ROOT / "bench" / "work" / "git-venv"
ANCHORS = ["nbdime==4.0.4", "nbstripout==0.9.1"]
BIG = [
    "ageron__handson-ml3/08_dimensionality_reduction.ipynb",
    "ageron__handson-ml3/09_unsupervised_learning.ipynb",
]
WITH_IDS = "huggingface__notebooks/sagemaker__17_custom_inference_script__sagemaker-notebook.ipynb"
WITHOUT_IDS = "ageron__handson-ml3/12_custom_models_and_training_with_tensorflow.ipynb"

# Notebooks a filter failed on during `git add`, by kind.
FAILED: dict[str, int] = {}

# CPU time (user + sys) of each merge run, appended by `merge_with`.
CPU: list[float] = []

ENV = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", HOME=str(WORK / "home"), LC_ALL="C")


def run(args, cwd=None, check=True, env=ENV) -> subprocess.CompletedProcess:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    if check and done.returncode != 0:
        raise RuntimeError(f"{args} failed in {cwd}: {done.stderr}")
    return done


def build() -> Path:
    subprocess.run(["cargo", "build", "--release", "--locked"], cwd=ROOT, check=True)
    binary = ROOT / "bench" / "work" / "bin" / "nbtidy"
    binary.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "target" / "release" / "nbtidy", binary)
    return binary


def venv() -> Path | None:
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    done = subprocess.run([str(python), "-m", "pip", "install", "-q", *ANCHORS])
    return VENV / "bin" if done.returncode == 0 else None


def write(path: Path, notebook: dict) -> None:
    """Jupyter's layout: 1-space indentation, sorted keys, raw UTF-8, final newline."""
    path.write_text(json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n")


def text(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def lines(value: str) -> list[str]:
    return value.splitlines(keepends=True)


def timed(args, runs: int, prepare=None) -> tuple[float, subprocess.CompletedProcess]:
    times = []
    result = None
    for _ in range(runs):
        if prepare:
            prepare()
        start = time.perf_counter()
        result = subprocess.run(args, env=ENV, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


# ---------------------------------------------------------------------------------------------
# merge scenarios


def code_indexes(nb: dict) -> list[int]:
    return [i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code" and text(c).strip()]


def scenarios(base: dict) -> list[tuple[str, dict, dict, list[str] | None]]:
    """(name, ours, theirs, expected sources or None for a real conflict)."""
    code = code_indexes(base)
    a, b, c = code[1], code[len(code) // 2], code[-1]
    src = [text(cell) for cell in base["cells"]]
    ids = base.get("nbformat_minor", 0) >= 5
    out = []

    def new(source: str, cid: str) -> dict:
        cell = {"cell_type": "markdown", "metadata": {}, "source": lines(source)}
        if ids:
            cell["id"] = cid
        return cell

    # 1. Different cells edited.
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    ours["cells"][a]["source"] = lines(src[a] + "\n# ours")
    theirs["cells"][c]["source"] = lines(src[c] + "\n# theirs")
    exp = list(src)
    exp[a] += "\n# ours"
    exp[c] += "\n# theirs"
    out.append(("different cells edited", ours, theirs, exp))

    # 2. The same line of one cell edited differently: a real conflict.
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    ours["cells"][b]["source"] = lines("ours = 1\n" + src[b].split("\n", 1)[-1])
    theirs["cells"][b]["source"] = lines("theirs = 2\n" + src[b].split("\n", 1)[-1])
    out.append(("same line edited (real conflict)", ours, theirs, None))

    # 3. Ours deletes a cell and appends one; theirs moves a cell up and inserts one.
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    del ours["cells"][a]
    ours["cells"].append(new("added by ours", "ours-new"))
    moved = theirs["cells"].pop(c)
    theirs["cells"].insert(b, moved)
    theirs["cells"].insert(2, new("added by theirs", "theirs-new"))
    exp = list(src)
    moved_src = exp.pop(c)
    exp.insert(b, moved_src)
    exp.insert(2, "added by theirs")
    exp.remove(src[a])
    exp.append("added by ours")
    out.append(("add, delete and move cells", ours, theirs, exp))

    # 4. Both sides re-ran cells: outputs and execution counts differ.
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    for side, word, count in ((ours, "ours", 101), (theirs, "theirs", 202)):
        for i in (a, b):
            side["cells"][i]["outputs"] = [{"name": "stdout", "output_type": "stream", "text": [f"{word}\n"]}]
            side["cells"][i]["execution_count"] = count
    out.append(("outputs re-run on both sides", ours, theirs, list(src)))

    # 5. Metadata: different keys on each side.
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    ours["cells"][a].setdefault("metadata", {})["tags"] = ["parameters"]
    theirs["cells"][a].setdefault("metadata", {})["scrolled"] = True
    theirs["metadata"]["title"] = "theirs"
    out.append(("metadata keys on both sides", ours, theirs, list(src)))

    # 6. Both add a different cell at the same place.
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    ours["cells"].insert(b, new("ours at b", "ours-b"))
    theirs["cells"].insert(b, new("theirs at b", "theirs-b"))
    exp = list(src)
    exp[b:b] = ["ours at b", "theirs at b"]
    out.append(("both add a cell at one place", ours, theirs, exp))

    # 7. The same edit on both sides.
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    for side in (ours, theirs):
        side["cells"][a]["source"] = lines(src[a] + "\n# same")
    exp = list(src)
    exp[a] += "\n# same"
    out.append(("the same edit on both sides", ours, theirs, exp))
    return out


def judge(merged: Path, expected: list[str] | None, code: int) -> dict:
    raw = merged.read_text(errors="replace")
    result = {"exit": code}
    try:
        nb = json.loads(raw)
        got = [text(c) for c in nb["cells"]]
        result["json"] = True
    except (ValueError, KeyError, TypeError):
        result["json"] = False
        got = []
    markers = "<<<<<<<" in raw or "nbdime-conflicts" in raw
    result["auto"] = code == 0 and not markers and result["json"]
    if expected is not None and result["json"]:
        lost = [s for s in expected if got.count(s) < expected.count(s)]
        dup = [s for s in set(got) if got.count(s) > expected.count(s) and s in expected]
        result["lost"] = len(lost)
        result["dup"] = len(dup)
        result["as_expected"] = got == expected
    return result


def merge_with(tool: str, tools: dict, base: Path, ours: Path, theirs: Path, out: Path) -> tuple[float, int]:
    shutil.copy2(ours, out)
    if tool == "nbtidy":
        args = [str(tools["nbtidy"]), "git", "merge", str(base), str(out), str(theirs), "nb.ipynb"]
    else:
        args = [str(tools["bin"] / "git-nbmergedriver"), "merge", str(base), str(out), str(theirs), "7", "nb.ipynb"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(args, env=ENV, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return wall, done.returncode


def merge_scenarios(tools: dict) -> list[str]:
    rows = ["| notebook | scenario | tool | merged automatically | valid JSON | cells as expected | cells lost | cells duplicated | wall |",
            "|---|---|---|---|---|---|---|---|---|"]
    for name in (WITH_IDS, WITHOUT_IDS):
        base = json.loads((CORPUS / name).read_text())
        d = WORK / "scenarios"
        d.mkdir(parents=True, exist_ok=True)
        write(d / "base.ipynb", base)
        for scenario, ours, theirs, expected in scenarios(base):
            write(d / "ours.ipynb", ours)
            write(d / "theirs.ipynb", theirs)
            for tool in ("nbtidy", "nbdime"):
                if tool == "nbdime" and "bin" not in tools:
                    continue
                wall, code = merge_with(tool, tools, d / "base.ipynb", d / "ours.ipynb", d / "theirs.ipynb", d / "out.ipynb")
                r = judge(d / "out.ipynb", expected, code)
                short = "with ids" if name == WITH_IDS else "no ids"
                exp = "conflict expected" if expected is None else ("yes" if r.get("as_expected") else "**no**")
                rows.append(
                    f"| {short} | {scenario} | {tool} | {'yes' if r['auto'] else 'no'} | {'yes' if r['json'] else '**no**'} "
                    f"| {exp} | {r.get('lost', '-')} | {r.get('dup', '-')} | {wall * 1000:.0f} ms |"
                )
    return rows


# ---------------------------------------------------------------------------------------------
# the 5 MB merge


def big_notebook() -> dict:
    first = json.loads((CORPUS / BIG[0]).read_text())
    second = json.loads((CORPUS / BIG[1]).read_text())
    nb = copy.deepcopy(first)
    size = len(json.dumps(nb, indent=1))
    for cell in second["cells"]:
        if size >= 5_000_000:
            break
        nb["cells"].append(cell)
        size += len(json.dumps(cell, indent=1))
    nb["nbformat_minor"] = 5
    for i, cell in enumerate(nb["cells"]):
        cell["id"] = f"cell-{i}"
        if cell["cell_type"] != "code":
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
    return nb


def merge_big(tools: dict, runs: int) -> list[str]:
    d = WORK / "big"
    d.mkdir(parents=True, exist_ok=True)
    base = big_notebook()
    code = code_indexes(base)
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    ours["cells"][code[3]]["source"] = lines(text(base["cells"][code[3]]) + "\n# ours")
    theirs["cells"][code[-3]]["source"] = lines(text(base["cells"][code[-3]]) + "\n# theirs")
    theirs["cells"][code[5]]["execution_count"] = 999
    for name, nb in (("base", base), ("ours", ours), ("theirs", theirs)):
        write(d / f"{name}.ipynb", nb)
    size = (d / "ours.ipynb").stat().st_size
    rows = [f"Notebook: {size / 1e6:.1f} MB, {len(base['cells'])} cells ({BIG[0]} plus cells of {BIG[1]}); ours edits a cell, theirs edits another and re-ran a third.",
            "",
            "| tool | median wall | median CPU (user+sys) | exit | result |", "|---|---|---|---|---|"]
    for tool in ("nbtidy", "nbdime"):
        if tool == "nbdime" and "bin" not in tools:
            continue
        times = []
        CPU.clear()
        code_ = 0
        for _ in range(runs if tool == "nbtidy" else max(1, runs // 3)):
            wall, code_ = merge_with(tool, tools, d / "base.ipynb", d / "ours.ipynb", d / "theirs.ipynb", d / "out.ipynb")
            times.append(wall)
        expected = [text(c) for c in ours["cells"]]
        expected[code[-3]] = text(theirs["cells"][code[-3]])
        r = judge(d / "out.ipynb", expected, code_)
        verdict = "merged as expected" if r.get("as_expected") and r["auto"] else f"{r}"
        rows.append(
            f"| {tool} | {statistics.median(times) * 1000:.0f} ms | {statistics.median(CPU) * 1000:.0f} ms | {code_} | {verdict} |"
        )
    return rows


# ---------------------------------------------------------------------------------------------
# git status


def status_repo(kind: str, tools: dict) -> Path:
    repo = WORK / f"status-{kind}"
    if repo.exists():
        shutil.rmtree(repo)
    shutil.copytree(CORPUS, repo / "corpus", ignore=shutil.ignore_patterns("*.tsv", "*.md"))
    for path in repo.rglob("*"):
        if path.is_file():
            path.chmod(0o644)
        elif path.is_dir():
            path.chmod(0o755)
    run(["git", "init", "-q", "-b", "main"], cwd=repo)
    run(["git", "config", "user.name", "bench"], cwd=repo)
    run(["git", "config", "user.email", "bench@example.com"], cwd=repo)
    if kind.startswith("nbtidy"):
        run([str(tools["nbtidy"]), "git", "install"], cwd=repo)
        if kind == "nbtidy-oneshot":
            run(["git", "config", "--unset", "filter.nbtidy.process"], cwd=repo)
    elif kind == "nbstripout":
        run([str(tools["bin"] / "nbstripout"), "--install"], cwd=repo, env=dict(ENV, PATH=f"{tools['bin']}:{ENV['PATH']}"))
        # nbstripout fails on some corpus notebooks; `required` would make `git add` fail.
        run(["git", "config", "filter.nbstripout.required", "false"], cwd=repo)
    added = run(["git", "add", "-A"], cwd=repo, env=dict(ENV, PATH=f"{tools.get('bin', '')}:{ENV['PATH']}"))
    FAILED[kind] = added.stderr.count("failed") // 2
    run(["git", "commit", "-q", "-m", "corpus"], cwd=repo)
    return repo


def git_status(tools: dict, runs: int) -> list[str]:
    kinds = ["none", "nbtidy-process", "nbtidy-oneshot"] + (["nbstripout"] if "bin" in tools else [])
    labels = {
        "none": "no filter",
        "nbtidy-process": "nbtidy (filter-process)",
        "nbtidy-oneshot": "nbtidy (one-shot `git clean %f`)",
        "nbstripout": "nbstripout 0.9.1 (one-shot)",
    }
    rows = ["| filter | `git status`, every notebook touched | `git status`, nothing changed | clean afterwards | notebooks the filter failed on |", "|---|---|---|---|---|"]
    env = dict(ENV, PATH=f"{tools.get('bin', '')}:{ENV['PATH']}")
    for kind in kinds:
        repo = status_repo(kind, tools)
        notebooks = list((repo / "corpus").rglob("*.ipynb"))

        def touch() -> None:
            now = time.time() + 1
            for path in notebooks:
                os.utime(path, (now, now))
            # Racy-git: let the clock move past the new mtimes.
            time.sleep(1.1)

        times = []
        out = None
        # A Python filter started once per notebook takes minutes: fewer runs.
        for _ in range(runs if kind != "nbstripout" else 1):
            touch()
            start = time.perf_counter()
            out = subprocess.run(["git", "status", "--porcelain"], cwd=repo, env=env, capture_output=True, text=True)
            times.append(time.perf_counter() - start)
        quiet = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(["git", "status", "--porcelain"], cwd=repo, env=env, capture_output=True, text=True)
            quiet.append(time.perf_counter() - start)
        clean = "yes" if out is not None and out.stdout.strip() == "" else f"**no** ({len(out.stdout.splitlines())} files)"
        rows.append(
            f"| {labels[kind]} | {statistics.median(times) * 1000:.0f} ms | {statistics.median(quiet) * 1000:.0f} ms | {clean} | {FAILED.get(kind, 0)} |"
        )
        print(rows[-1], file=sys.stderr, flush=True)
    return rows


def progress(rows: list[str]) -> list[str]:
    print("\n".join(rows), file=sys.stderr, flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--no-anchors", action="store_true")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--only", choices=["merge", "status"], help="run one part only")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "home").mkdir(exist_ok=True)
    tools: dict = {}
    tools["nbtidy"] = ROOT / "bench" / "work" / "bin" / "nbtidy" if args.no_build else build()
    if not args.no_anchors:
        bin_dir = venv()
        if bin_dir:
            tools["bin"] = bin_dir
    count = len(list(CORPUS.rglob("*.ipynb")))
    git = run(["git", "--version"]).stdout.strip()
    out = [
        "# Git drivers benchmark (bench/git.py)",
        "",
        f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} CPUs (load average {os.getloadavg()[0]:.1f} at the start), {git}, nbtidy release build"
        + (f", anchors {', '.join(ANCHORS)}" if "bin" in tools else "") + f", median of {args.runs} runs.",
        "",
    ]
    if args.only != "status":
        out += [
            "## Merge of two edited copies of a 5 MB notebook (target: nbtidy <= 50 ms)",
            "",
            *progress(merge_big(tools, args.runs)),
            "",
            "## Merge scenarios on corpus notebooks",
            "",
            f"With ids: `{WITH_IDS}`; without ids: `{WITHOUT_IDS}`. \"Merged automatically\": exit 0 and no conflict markers.",
            "",
            *progress(merge_scenarios(tools)),
            "",
        ]
    if args.only != "merge":
        out += [
            f"## `git status` on the whole corpus ({count} notebooks)",
            "",
            "Every notebook's mtime moved forward before each timed run (git must read and filter them all again), "
            "then the same command with nothing changed. nbstripout: one run.",
            "",
            *git_status(tools, args.runs),
            "",
        ]
    text_ = "\n".join(out)
    name = "RESULTS-git.md" if args.only is None else f"RESULTS-git-{args.only}.md"
    (ROOT / "bench" / name).write_text(text_)
    print(text_)


if __name__ == "__main__":
    main()
