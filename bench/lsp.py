#!/usr/bin/env python3
"""Benchmark of `nbtidy server` through an LSP client, side by side with `ruff server`.

    python3 bench/lsp.py [--nbtidy PATH] [--ruff PATH] [--runs N]

Measured in one run, with the same client code for both servers (a JSON-RPC client over the
server's stdio, timing what the client sees):

1. **edit → diagnostics**: the 245-code-cell corpus notebook
   (`ageron__handson-ml3/12_custom_models_and_training_with_tensorflow.ipynb`) opened as a
   notebook document; a one-character edit in one cell (a space added, then removed, in turn);
   the time until diagnostics for every code cell of the notebook have been published after the
   edit (or, for a server that publishes fewer, until its last publish: 300 ms of quiet after it).
   Target for nbtidy: median ≤ 10 ms.
2. **formatting one cell**: `textDocument/formatting` of one cell, request to answer. Target:
   median ≤ 5 ms.
3. **memory**: the server's resident memory (VmRSS, and peak VmHWM) with 50 corpus notebooks open
   as notebook documents, after all their diagnostics are published. Target: ≤ 200 MiB.

nbtidy: `target/release/nbtidy` (built with `cargo build --release --locked` when missing).
ruff: `target/ci-tools/bin/ruff` (ruff 0.16.4, as `.ci/run` installs it), `ruff server` with its
defaults (`--isolated`-like: no configuration in the temporary directory). Results are printed
as a Markdown table and written to `bench/LSP_RESULTS.md`. Not a timed test: speed targets live
here, never in `cargo test`.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import platform
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
BIG = CORPUS / "ageron__handson-ml3" / "12_custom_models_and_training_with_tensorflow.ipynb"


class Client:
    """A JSON-RPC client over a server's stdio; a reader thread timestamps every message."""

    def __init__(self, argv: list[str], cwd: pathlib.Path):
        self.process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, cwd=cwd)
        self.inbox: "queue.Queue[tuple[float, dict]]" = queue.Queue()
        self.next_id = 1
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        out = self.process.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
            message = json.loads(out.read(length))
            self.inbox.put((time.perf_counter(), message))
            if "id" in message and "method" in message:
                # Requests from the server (registrations, configuration, refresh): answer null.
                self.send({"id": message["id"], "result": None})

    def send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def request(self, method: str, params) -> int:
        id_ = self.next_id
        self.next_id += 1
        self.send({"id": id_, "method": method, "params": params})
        return id_

    def notify(self, method: str, params) -> None:
        self.send({"method": method, "params": params})

    def next(self, timeout: float):
        try:
            return self.inbox.get(timeout=timeout)
        except queue.Empty:
            return None

    def response(self, id_: int, timeout: float = 60.0) -> tuple[float, dict]:
        deadline = time.perf_counter() + timeout
        while True:
            got = self.next(max(0.0, deadline - time.perf_counter()))
            if got is None:
                raise TimeoutError(f"no answer to request {id_}")
            if got[1].get("id") == id_ and "method" not in got[1]:
                return got

    def drain(self, quiet: float = 0.3) -> None:
        while self.next(quiet) is not None:
            pass

    def rss(self) -> tuple[int, int]:
        status = pathlib.Path(f"/proc/{self.process.pid}/status").read_text()
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        kib = lambda key: int(fields[key].strip().split()[0])  # noqa: E731
        return kib("VmRSS"), kib("VmHWM")

    def cpu_ms(self) -> float:
        """User + system CPU time the server used so far, in ms (all its threads)."""
        fields = pathlib.Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")

    def close(self) -> None:
        try:
            self.response(self.request("shutdown", None), timeout=30)
            self.notify("exit", None)
            self.process.wait(timeout=30)
        except Exception:
            self.process.kill()


def initialize(client: Client, root: pathlib.Path) -> None:
    client.response(client.request("initialize", {
        "processId": os.getpid(),
        "rootUri": root.as_uri(),
        "workspaceFolders": [{"uri": root.as_uri(), "name": "bench"}],
        "capabilities": {
            "general": {"positionEncodings": ["utf-16"]},
            "textDocument": {"publishDiagnostics": {}, "formatting": {}},
            "notebookDocument": {"synchronization": {}},
        },
    }))
    client.notify("initialized", {})


class Notebook:
    """A corpus notebook as a notebook document."""

    def __init__(self, path: pathlib.Path, uri_path: pathlib.Path):
        data = json.loads(path.read_text(encoding="utf-8"))
        self.uri = uri_path.as_uri()
        self.cells = []
        for index, cell in enumerate(data["cells"]):
            source = cell.get("source", "")
            text = "".join(source) if isinstance(source, list) else source
            code = cell.get("cell_type") == "code"
            uri = f"vscode-notebook-cell:{uri_path.as_posix()}#C{index:04d}"
            self.cells.append((uri, code, text))
        self.code_uris = {uri for uri, code, _ in self.cells if code}

    def open(self, client: Client) -> None:
        client.notify("notebookDocument/didOpen", {
            "notebookDocument": {
                "uri": self.uri, "notebookType": "jupyter-notebook", "version": 1,
                "cells": [{"kind": 2 if code else 1, "document": uri} for uri, code, _ in self.cells],
            },
            "cellTextDocuments": [
                {"uri": uri, "languageId": "python" if code else "markdown", "version": 1, "text": text}
                for uri, code, text in self.cells
            ],
        })


def wait_diagnostics(client: Client, uris: set[str], timeout: float = 120.0) -> float:
    """Time of the last publishDiagnostics until every uri in `uris` got one (or 300 ms quiet)."""
    pending = set(uris)
    last = None
    deadline = time.perf_counter() + timeout
    while pending:
        got = client.next(0.3 if last is not None else max(0.0, deadline - time.perf_counter()))
        if got is None:
            break
        at, message = got
        if message.get("method") == "textDocument/publishDiagnostics" and message["params"]["uri"] in uris:
            pending.discard(message["params"]["uri"])
            last = at
    if last is None:
        raise TimeoutError("no diagnostics")
    return last


def measure(name: str, argv: list[str], runs: int, tmp: pathlib.Path) -> dict:
    result: dict = {"server": name}
    work = tmp / name.split()[0]
    work.mkdir()
    (work / ".editorconfig").write_text("root = true\n")
    client = Client(argv, work)
    initialize(client, work)
    nb = Notebook(BIG, work / BIG.name)
    nb.open(client)
    wait_diagnostics(client, nb.code_uris)
    client.drain()
    # 1. One-character edits in the middle code cell.
    code = [(i, uri, text) for i, (uri, c, text) in enumerate(nb.cells) if c]
    _, cell_uri, text = code[len(code) // 2]
    last_line = text.count("\n")
    last_col = len(text.split("\n")[-1].encode("utf-16-le")) // 2
    published = []
    times = []
    cpu_before = client.cpu_ms()
    for run in range(runs):
        add = run % 2 == 0
        change = {"range": {"start": {"line": last_line, "character": last_col},
                            "end": {"line": last_line, "character": last_col + (0 if add else 1)}},
                  "text": " " if add else ""}
        version = run + 2
        start = time.perf_counter()
        client.notify("notebookDocument/didChange", {
            "notebookDocument": {"uri": nb.uri, "version": version},
            "change": {"cells": {"textContent": [{
                "document": {"uri": cell_uri, "version": version}, "changes": [change]}]}},
        })
        # Count how many cells were published for this edit.
        pending = set(nb.code_uris)
        last = None
        while pending:
            got = client.next(0.3 if last is not None else 60.0)
            if got is None:
                break
            at, message = got
            if message.get("method") == "textDocument/publishDiagnostics" and message["params"]["uri"] in nb.code_uris:
                pending.discard(message["params"]["uri"])
                last = at
        if last is None:
            raise TimeoutError(f"{name}: no diagnostics after an edit")
        times.append((last - start) * 1000)
        published.append(len(nb.code_uris) - len(pending))
        client.drain(0.05)
    result["edit_cpu_ms"] = (client.cpu_ms() - cpu_before) / runs
    result["edit_ms"] = statistics.median(times)
    result["edit_cells"] = statistics.median(published)
    # 2. Formatting one cell.
    fmt = []
    for run in range(runs):
        _, uri, _ = code[(run * 7) % len(code)]
        start = time.perf_counter()
        at, answer = client.response(client.request("textDocument/formatting", {
            "textDocument": {"uri": uri}, "options": {"tabSize": 4, "insertSpaces": True}}))
        if "error" in answer:
            raise RuntimeError(f"{name}: formatting failed: {answer['error']}")
        fmt.append((at - start) * 1000)
    result["format_ms"] = statistics.median(fmt)
    client.close()
    # 3. Memory with 50 notebooks open.
    client = Client(argv, work)
    initialize(client, work)
    notebooks = sorted(CORPUS.rglob("*.ipynb"))[:50]
    uris: set[str] = set()
    for i, path in enumerate(notebooks):
        try:
            nb = Notebook(path, work / f"nb{i:02d}.ipynb")
        except (json.JSONDecodeError, UnicodeDecodeError, KeyError):
            continue
        nb.open(client)
        uris |= nb.code_uris
    wait_diagnostics(client, uris, timeout=300)
    client.drain(1.0)
    rss, hwm = client.rss()
    result["rss_mib"] = rss / 1024
    result["hwm_mib"] = hwm / 1024
    result["notebooks"] = len(notebooks)
    client.close()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nbtidy", type=pathlib.Path, default=ROOT / "target/release/nbtidy")
    parser.add_argument("--ruff", type=pathlib.Path, default=ROOT / "target/ci-tools/bin/ruff")
    parser.add_argument("--runs", type=int, default=41)
    args = parser.parse_args()
    if not args.nbtidy.exists():
        subprocess.run(["cargo", "build", "--release", "--locked"], cwd=ROOT, check=True)
    with tempfile.TemporaryDirectory() as tmp:
        # A copy of the binary: a concurrent build cannot swap it mid-run.
        nbtidy = pathlib.Path(tmp) / "nbtidy-binary"
        shutil.copy(args.nbtidy, nbtidy)
        rows = [measure("nbtidy", [str(nbtidy), "server"], args.runs, pathlib.Path(tmp))]
        if args.ruff.exists():
            version = subprocess.run([args.ruff, "--version"], capture_output=True, text=True).stdout.strip()
            rows.append(measure(version, [str(args.ruff), "server"], args.runs, pathlib.Path(tmp)))
        else:
            print(f"ruff not found at {args.ruff}: nbtidy only", file=sys.stderr)
    table = [
        "| server | edit → diagnostics, median (ms) | server CPU per edit (ms) | cells published per edit | format one cell, median (ms) | RSS with 50 notebooks (MiB) | peak RSS (MiB) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        table.append(f"| {r['server']} | {r['edit_ms']:.1f} | {r['edit_cpu_ms']:.1f} | {r['edit_cells']:.0f} of 245 | {r['format_ms']:.1f} | "
                     f"{r['rss_mib']:.0f} | {r['hwm_mib']:.0f} |")
    text = "\n".join([
        "# LSP benchmark (`bench/lsp.py`)",
        "",
        f"{time.strftime('%Y-%m-%d')}, {platform.machine()}, {os.cpu_count()} cores, load average "
        f"{os.getloadavg()[0]:.1f} at the end, {args.runs} runs per step. Server CPU per edit (user + system "
        "time of the server process over the edits, divided by their number) does not depend on the machine's load.",
        f"Notebook: `{BIG.relative_to(CORPUS)}` (245 code cells); memory: the first 50 corpus notebooks open.",
        "Targets for nbtidy: edit → diagnostics ≤ 10 ms, format one cell ≤ 5 ms, memory ≤ 200 MiB.",
        "",
        *table,
        "",
    ])
    print(text)
    (ROOT / "bench" / "LSP_RESULTS.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
