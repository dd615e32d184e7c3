#!/usr/bin/env python3
"""Compare nbtidy's findings with ruff's on the notebook corpus.

    python3 bench/compare_ruff_check.py [--ruff PATH] [--nbtidy PATH] [--corpus DIR]
                                        [--select E4,E7,E9,F]

Copies the corpus (default ``../shared/corpus``) to a temporary directory, runs

    ruff check --no-cache --isolated --select SELECT --output-format json corpus
    nbtidy check --select SELECT,NB001 --output-format json corpus

there (SELECT: ruff's default set `E4,E7,E9,F` unless given; add `I` once nbtidy has it),
matches the findings by (file, cell, row, code) and prints, per code, how many agree
(agreement = matched / union), then every difference, classified. Codes of the selection that
this nbtidy build does not have (`nbtidy rule --list`) are counted apart ("not implemented"),
not as disagreements. Classes:

* deliberate differences (nbtidy's design, not bugs):
  - notebook order: nbtidy reads cells top to bottom, so a name used in cell 3 and bound only in
    cell 7 is `NB001` (ruff: `F821`, counted as a pair), and an import used only *before* it is
    bound is unused (`F401`);
  - IPython builtins: `_`, `__`, `_3`, `_i3`, `In`, `Out`, ... are defined in a kernel;
  - unknowable names: after `%run`, `%load`, `%store -r`, `%pylab`, `from x import *` or a cell
    in another language that may export names, nbtidy does not report undefined names;
  - IPython escape commands: nbtidy analyses the statement of `%time` / `%timeit` lines, binds
    the name of `%%capture NAME` and counts `{expr}` / `$name` in `!` and `%` lines as uses;
  - try/except ImportError: nbtidy does not report imports tested for availability;
  - notebooks ruff skips: rejected by ruff's schema check, or not Python for ruff. Ruff skips a
    notebook without `language_info` whose kernelspec has no `language` (most Colab notebooks);
    nbtidy reads `kernelspec.name` (`python3`) too. So that these are compared all the same,
    ruff gets its own copy of the corpus in which such notebooks have
    `"language": "python"` added to their kernelspec (`--no-patch` turns this off);
  - notebooks with syntax errors: ruff reads a notebook as one file and reports only the syntax
    errors; nbtidy parses each cell alone, reports nothing inside a broken cell and checks the
    others;
  - cell docstrings (E402): a string at the top of a cell other than the first is its
    docstring for nbtidy, code for ruff;
  - top-level await in comprehensions (F704): ruff reports `[await f(x) for x in xs]` at the
    top level of a cell; IPython runs it;
* other: everything else, with examples.

The target is >= 98 % agreement outside the deliberate differences (issue 12; issue 13 asks >= 97 % for `E4,E7,E9,F,I`). Standard library only
(Python 3.11); nothing in the corpus is modified.
"""

from __future__ import annotations

import argparse
import ast
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_SELECT = "E4,E7,E9,F"

IPYTHON_NAMES = {
    "In", "Out", "_", "__", "___", "_i", "_ii", "_iii", "_ih", "_oh", "_dh", "_exit_code",
    "__IPYTHON__", "__builtin__", "display", "get_ipython", "exit", "quit",
    "__name__", "__doc__", "__builtins__", "__spec__", "__loader__", "__package__", "__file__",
    "__annotations__",
}
IPYTHON_HISTORY = re.compile(r"^_i?\d+$")
INERT_CELL_MAGICS = {
    "bash", "sh", "script", "html", "HTML", "markdown", "latex", "javascript", "js", "svg",
    "writefile", "file", "perl", "ruby", "cmd", "powershell", "system", "sx",
    # Python bodies (analysed as Python by nbtidy)
    "time", "timeit", "capture", "prun", "python", "python3", "debug", "pypy", "ipytest",
}

DELIBERATE = [
    "notebook order",
    "IPython builtins",
    "unknowable names (%run, %load, %store -r, %pylab, star import, other-language cell)",
    "IPython escape commands (%time, %%capture, {expr} in ! lines)",
    "try/except ImportError",
    "notebooks ruff skips",
    "notebooks with syntax errors",
    "cell docstrings (E402)",
    "top-level await in comprehensions (F704)",
]
OTHER = "other"


@dataclass(frozen=True)
class Finding:
    file: str
    cell: int | None
    row: int
    column: int
    code: str
    message: str

    @property
    def key(self) -> tuple:
        return (self.file, self.cell, self.row, self.code)

    def name(self) -> str | None:
        """The first `backticked` word of the message (the name or module)."""
        match = re.search(r"`([^`]+)`", self.message)
        return match.group(1) if match else None

    def __str__(self) -> str:
        return f"{self.file}:cell {self.cell}:{self.row}:{self.column}: {self.code} {self.message}"


@dataclass
class NotebookInfo:
    """What the classification needs to know about one notebook."""

    ruff_python: bool = True
    cells: list[tuple[str, str]] = field(default_factory=list)  # (cell_type, source)
    suppressions: list[tuple[int, int]] = field(default_factory=list)  # (cell, row), 1-based
    magic_names: set[str] = field(default_factory=set)
    magic_code: str = ""
    import_error_try_rows: set[tuple[int, int]] = field(default_factory=set)


def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


def default_ruff() -> str:
    venv = repo_root() / "bench" / "work" / "venv" / "bin" / "ruff"
    if venv.exists():
        return str(venv)
    return shutil.which("ruff") or "ruff"


def run_json(command: list[str], cwd: Path) -> list[dict]:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if result.returncode not in (0, 1):
        sys.stderr.write(
            f"warning: `{' '.join(command)}` exited with {result.returncode}\n"
            f"{result.stderr[-2000:]}\n"
        )
    try:
        return json.loads(result.stdout or "[]")
    except json.JSONDecodeError as error:
        sys.exit(f"could not read the JSON of `{' '.join(command)}`: {error}\n{result.stderr}")


def version(command: list[str]) -> str:
    try:
        result = subprocess.run(command + ["--version"], capture_output=True, text=True)
        return (result.stdout or result.stderr).strip()
    except OSError as error:
        return f"unavailable ({error})"


def normalize(path: str, cwd: Path, corpus: Path) -> str:
    absolute = Path(path) if os.path.isabs(path) else cwd / path
    return os.path.relpath(os.path.normpath(absolute), corpus)


def findings(raw: list[dict], cwd: Path, corpus: Path) -> list[Finding]:
    out = []
    for item in raw:
        filename = item.get("filename") or ""
        if not filename.endswith(".ipynb"):
            continue
        location = item.get("location") or {}
        out.append(
            Finding(
                file=normalize(filename, cwd, corpus),
                cell=item.get("cell"),
                row=location.get("row", 0),
                column=location.get("column", 0),
                code=item.get("code") or "invalid-syntax",
                message=item.get("message", ""),
            )
        )
    return out


def strip_magics(source: str) -> str:
    """The cell with IPython-only lines replaced by `pass`, for Python's `ast`."""
    lines = []
    for line in source.splitlines():
        stripped = line.lstrip()
        indent = line[: len(line) - len(stripped)]
        if stripped.startswith(("%", "!", "?")) or (stripped.endswith("?") and "#" not in stripped):
            lines.append(indent + "pass")
        else:
            lines.append(line)
    return "\n".join(lines)


def catches_import_error(handler: ast.ExceptHandler) -> bool:
    def names(node: ast.expr | None) -> list[str]:
        if node is None:
            return ["Exception"]
        if isinstance(node, ast.Name):
            return [node.id]
        if isinstance(node, ast.Attribute):
            return [node.attr]
        if isinstance(node, ast.Tuple):
            return [n for element in node.elts for n in names(element)]
        return []

    return any(
        n in {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}
        for n in names(handler.type)
    )


def notebook_info(path: Path, patched: bool) -> NotebookInfo:
    info = NotebookInfo()
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        info.ruff_python = False
        return info
    metadata = data.get("metadata") or {}
    if isinstance(metadata.get("language_info"), dict):
        info.ruff_python = metadata["language_info"].get("name") == "python"
    elif isinstance(metadata.get("kernelspec"), dict):
        kernelspec = metadata["kernelspec"]
        info.ruff_python = kernelspec.get("language") == "python" or (
            patched and "language" not in kernelspec
            and "python" in str(kernelspec.get("name", "")).lower()
        )
    for index, cell in enumerate(data.get("cells") or [], start=1):
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(source)
        kind = cell.get("cell_type", "")
        info.cells.append((kind, source))
        if kind != "code":
            continue
        first = next((l.strip() for l in source.splitlines() if l.strip()), "")
        if first.startswith("%%"):
            magic = first[2:].split()[0] if len(first) > 2 else ""
            if magic not in INERT_CELL_MAGICS or any(o in first for o in ("--out", "--err", "--proc")):
                info.suppressions.append((index, 1))
            if magic == "capture":
                words = [w for w in first.split()[1:] if not w.startswith("-")]
                info.magic_names.update(words[:1])
        elif first.split(" ")[0] in ("run", "load", "pylab"):
            info.suppressions.append((index, 1))
        for row, line in enumerate(source.splitlines(), start=1):
            stripped = line.strip()
            word = stripped.split()[0] if stripped.split() else ""
            if word in ("%run", "%load", "%pylab") or (word == "%store" and " -r" in stripped):
                info.suppressions.append((index, row))
            if re.match(r"from\s+\S+\s+import\s+\*", stripped):
                info.suppressions.append((index, row))
            if word in ("%time", "%timeit"):
                info.magic_code += stripped + "\n"
            elif stripped.startswith(("!", "%")) or re.match(r"\w+\s*=\s*!", stripped):
                for expr in re.findall(r"(?<!\{)\{([^{}]+)\}", stripped):
                    info.magic_code += expr.strip() + "\n"
                info.magic_names.update(re.findall(r"\$([A-Za-z_]\w*)", stripped))
        try:
            tree = ast.parse(strip_magics(source))
        except (SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Try) and any(catches_import_error(h) for h in node.handlers):
                for inner in node.body:
                    for sub in ast.walk(inner):
                        if isinstance(sub, (ast.Import, ast.ImportFrom)):
                            for row in range(sub.lineno, (sub.end_lineno or sub.lineno) + 1):
                                info.import_error_try_rows.add((index, row))
    for line in info.magic_code.splitlines():
        code = re.sub(r"^%timeit(\s+-[a-z](\s+\d+)?)*|^%time", "", line).strip()
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue
        info.magic_names.update(n.id for n in ast.walk(tree) if isinstance(n, ast.Name))
    return info


def patch_for_ruff(corpus: Path) -> int:
    """Adds `kernelspec.language = "python"` where ruff would skip a notebook nbtidy reads as
    Python (no `language_info`, a kernelspec naming a Python kernel but no language)."""
    patched = 0
    for path in corpus.rglob("*.ipynb"):
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except (OSError, ValueError):
            continue
        metadata = data.get("metadata") if isinstance(data, dict) else None
        if not isinstance(metadata, dict) or "language_info" in metadata:
            continue
        kernelspec = metadata.get("kernelspec")
        if (
            isinstance(kernelspec, dict)
            and "language" not in kernelspec
            and "python" in str(kernelspec.get("name", "")).lower()
        ):
            kernelspec["language"] = "python"
            path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
            patched += 1
    return patched


def classify(
    finding: Finding,
    side: str,
    info: NotebookInfo,
    schema_errors: set[str],
    syntax_files: set[str],
) -> str:
    name = finding.name() or ""
    top = name.split(".")[0]
    if finding.file in schema_errors or not info.ruff_python:
        return "notebooks ruff skips"
    if finding.file in syntax_files:
        return "notebooks with syntax errors"
    if finding.code == "NB001":
        return "notebook order"
    if side == "nbtidy" and finding.code == "F401" and "only used before the import" in finding.message:
        return "notebook order"
    if side == "ruff" and finding.code == "F821":
        if name in IPYTHON_NAMES or IPYTHON_HISTORY.match(name):
            return "IPython builtins"
        if info.suppressions and (
            min(info.suppressions) < (finding.cell or 0, finding.row)
            or _in_function(info, finding)
        ):
            return "unknowable names (%run, %load, %store -r, %pylab, star import, other-language cell)"
        if name in info.magic_names:
            return "IPython escape commands (%time, %%capture, {expr} in ! lines)"
    if side == "ruff" and finding.code == "E402" and _after_cell_docstring(info, finding):
        return "cell docstrings (E402)"
    if side == "ruff" and finding.code == "F704" and "`await`" in finding.message:
        return "top-level await in comprehensions (F704)"
    if side == "ruff" and finding.code in ("F401", "F811"):
        last = name.split(".")[-1]
        if finding.code == "F401" and (
            "find_spec" in finding.message
            or (finding.cell or 0, finding.row) in info.import_error_try_rows
        ):
            return "try/except ImportError"
        if {name, top, last} & info.magic_names:
            return "IPython escape commands (%time, %%capture, {expr} in ! lines)"
    return OTHER


def _after_cell_docstring(info: NotebookInfo, finding: Finding) -> bool:
    """Whether the finding's cell starts (after IPython escapes) with a string, and is not the
    first code cell (where ruff reads the string as the notebook's docstring too)."""
    if not finding.cell or finding.cell > len(info.cells):
        return False
    first_code = next((i for i, (kind, _) in enumerate(info.cells, 1) if kind == "code"), 0)
    if finding.cell == first_code:
        return False
    lines = [l for l in info.cells[finding.cell - 1][1].splitlines()
             if l.strip() and not l.lstrip().startswith(("%", "!", "#"))]
    return bool(lines) and re.match(r"[rRuUbBfF]{0,2}[\"']", lines[0].lstrip()) is not None


def nbtidy_codes(nbtidy: str) -> set[str]:
    """The codes this nbtidy build has (`nbtidy rule --list`)."""
    result = subprocess.run([nbtidy, "rule", "--list"], capture_output=True, text=True)
    return set(re.findall(r"^\s*([A-Z]+[0-9]+)\s", result.stdout, re.MULTILINE))


def _in_function(info: NotebookInfo, finding: Finding) -> bool:
    """Whether the finding's line is indented (inside a def, probably)."""
    if not finding.cell or finding.cell > len(info.cells):
        return False
    lines = info.cells[finding.cell - 1][1].splitlines()
    return 0 < finding.row <= len(lines) and lines[finding.row - 1][:1].isspace()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ruff", default=default_ruff(), help="ruff executable")
    parser.add_argument(
        "--nbtidy",
        default=str(repo_root() / "target" / "release" / "nbtidy"),
        help="nbtidy executable (default: target/release/nbtidy)",
    )
    parser.add_argument(
        "--corpus",
        default=str(repo_root().parent / "shared" / "corpus"),
        help="the notebook corpus (copied first; never modified)",
    )
    parser.add_argument("--examples", type=int, default=5, help="examples per difference class")
    parser.add_argument(
        "--no-patch",
        action="store_true",
        help="give ruff the corpus as is (it then skips Colab notebooks without a kernel language)",
    )
    parser.add_argument("--json", metavar="PATH", help="also write every difference as JSON")
    parser.add_argument(
        "--select",
        default=DEFAULT_SELECT,
        help=f"codes and prefixes to compare (default: ruff's default set, {DEFAULT_SELECT})",
    )
    args = parser.parse_args()
    for tool, hint in ((args.ruff, "pass --ruff PATH"), (args.nbtidy, "run `cargo build --release` or pass --nbtidy PATH")):
        if shutil.which(tool) is None:
            sys.exit(f"not found or not executable: {tool} ({hint})")

    prefixes = [code.strip() for code in args.select.split(",") if code.strip()]
    have = nbtidy_codes(args.nbtidy)

    def selected(code: str) -> bool:
        return any(code.startswith(prefix) for prefix in prefixes)

    with tempfile.TemporaryDirectory(prefix="nbtidy-vs-ruff-") as temp:
        work = Path(temp)
        corpus = work / "corpus"
        shutil.copytree(args.corpus, corpus)
        # Isolate nbtidy from any .editorconfig above the temporary directory.
        (work / ".editorconfig").write_text("root = true\n", encoding="utf-8")
        ruff_dir = work / "for-ruff"
        shutil.copytree(args.corpus, ruff_dir / "corpus")
        patched = 0 if args.no_patch else patch_for_ruff(ruff_dir / "corpus")
        ruff_raw = run_json(
            [args.ruff, "check", "--no-cache", "--isolated", "--select", ",".join(prefixes),
             "--output-format", "json", "corpus"],
            ruff_dir,
        )
        nbtidy_raw = run_json(
            [args.nbtidy, "check", "--select",
             ",".join(sorted(c for c in have if selected(c)) + ["NB001"]),
             "--output-format", "json", "corpus"],
            work,
        )
        ruff_all = findings(ruff_raw, ruff_dir, ruff_dir / "corpus")
        nbtidy_all = findings(nbtidy_raw, work, corpus)
        infos: dict[str, NotebookInfo] = {}

        def info_of(file: str) -> NotebookInfo:
            if file not in infos:
                infos[file] = notebook_info(corpus / file, patched > 0)
            return infos[file]

        schema_errors = {f.file for f in ruff_all if f.code == "invalid-syntax" and f.cell is None}
        syntax_files = {f.file for f in ruff_all if f.code == "invalid-syntax" and f.cell}
        # E999 is how nbtidy names syntax errors; ruff's have no code ("invalid-syntax") and
        # are counted through `syntax_files` above.
        missing = collections.Counter(
            f.code for f in ruff_all if f.code != "invalid-syntax" and f.code not in have
        )
        ruff = [f for f in ruff_all if f.code in have]
        nbtidy = [f for f in nbtidy_all if f.code in have and f.code != "E999"]
        codes = sorted({f.code for f in ruff} | {f.code for f in nbtidy} - {"NB001"}) + ["NB001"]
        notebooks = sum(1 for _ in corpus.rglob("*.ipynb"))

        # Match by (file, cell, row, code), with multiplicity.
        ruff_left = collections.defaultdict(list)
        for f in ruff:
            ruff_left[f.key].append(f)
        matched = collections.Counter()
        nbtidy_only: list[Finding] = []
        for f in nbtidy:
            if ruff_left.get(f.key):
                ruff_left[f.key].pop()
                matched[f.code] += 1
            else:
                nbtidy_only.append(f)
        ruff_only = [f for fs in ruff_left.values() for f in fs]

        # NB001 where ruff says F821: the same finding, named for notebook order.
        paired = 0
        f821_at = collections.defaultdict(list)
        for f in ruff_only:
            if f.code == "F821":
                f821_at[(f.file, f.cell, f.row)].append(f)
        remaining_nbtidy = []
        paired_ruff = set()
        for f in nbtidy_only:
            candidates = f821_at.get((f.file, f.cell, f.row)) if f.code == "NB001" else None
            if candidates:
                paired_ruff.add(id(candidates.pop()))
                paired += 1
            else:
                remaining_nbtidy.append(f)
        ruff_only = [f for f in ruff_only if id(f) not in paired_ruff]
        nbtidy_only = remaining_nbtidy

        classes: dict[str, list[tuple[str, Finding]]] = collections.defaultdict(list)
        for side, items in (("ruff", ruff_only), ("nbtidy", nbtidy_only)):
            for f in items:
                label = classify(f, side, info_of(f.file), schema_errors, syntax_files)
                classes[label].append((side, f))

    # ---- report ----
    print(f"ruff:   {version([args.ruff])}")
    print(f"nbtidy: {version([args.nbtidy])}")
    print(f"corpus: {args.corpus} ({notebooks} notebooks)")
    print(
        f"ruff's copy: {patched} notebooks given `kernelspec.language = \"python\"`"
        " (ruff would skip them)\n"
    )
    counts_ruff = collections.Counter(f.code for f in ruff)
    counts_nbtidy = collections.Counter(f.code for f in nbtidy)
    only_ruff = collections.Counter(f.code for f in ruff_only)
    only_nbtidy = collections.Counter(f.code for f in nbtidy_only)
    header = f"{'code':<6} {'ruff':>6} {'nbtidy':>7} {'matched':>8} {'ruff only':>10} {'nbtidy only':>12} {'agreement':>10}"
    print(header)
    print("-" * len(header))
    for code in codes:
        union = matched[code] + only_ruff[code] + only_nbtidy[code]
        agreement = f"{100 * matched[code] / union:.1f}%" if union else "-"
        print(
            f"{code:<6} {counts_ruff[code]:>6} {counts_nbtidy[code]:>7} {matched[code]:>8}"
            f" {only_ruff[code]:>10} {only_nbtidy[code]:>12} {agreement:>10}"
        )
    total_matched = sum(matched.values())
    union = total_matched + len(ruff_only) + len(nbtidy_only) + paired
    print("-" * len(header))
    print(
        f"{'all':<6} {len(ruff):>6} {len(nbtidy):>7} {total_matched:>8} {len(ruff_only):>10}"
        f" {len(nbtidy_only):>12} {100 * total_matched / union if union else 100:>9.1f}%"
    )
    print(f"\nNB001 paired with a ruff F821 at the same place (notebook order): {paired}")
    if missing:
        listed = ", ".join(f"{code} {count}" for code, count in sorted(missing.items()))
        print(f"ruff findings of codes this nbtidy does not have (not compared): {listed}")
    print()

    print("Differences by class (ruff-only / nbtidy-only):")
    deliberate_total = paired
    for label in DELIBERATE + [OTHER]:
        items = classes.get(label, [])
        if not items and label != OTHER:
            continue
        sides = collections.Counter(side for side, _ in items)
        extra = f" + {paired} NB001/F821 pairs" if label == "notebook order" and paired else ""
        print(f"  {label}: {len(items)} ({sides['ruff']} / {sides['nbtidy']}){extra}")
        if label != OTHER:
            deliberate_total += len(items)
        for side, f in items[: args.examples if label != OTHER else max(args.examples, 20)]:
            print(f"      {side:>6} only: {f}")
    if paired and "notebook order" not in classes:
        print(f"  notebook order: 0 + {paired} NB001/F821 pairs")
    other = len(classes.get(OTHER, []))
    outside = total_matched + other
    agreement = 100 * total_matched / outside if outside else 100.0
    print(
        f"\nAgreement outside deliberate differences: {agreement:.1f}% "
        f"({total_matched} matched, {other} other differences; {deliberate_total} deliberate"
        f" differences left out) — target >= 98%"
    )
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    label: [{"side": side, **f.__dict__} for side, f in items]
                    for label, items in classes.items()
                },
                indent=1,
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
