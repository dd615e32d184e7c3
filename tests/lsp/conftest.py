"""Shared helpers for the end-to-end tests of `nbtidy server` (run by tests/lsp_e2e.rs).

The server is the real binary (`NBTIDY`, set by the Rust driver); the client is pytest-lsp's
(pygls), which speaks notebook documents. Expected results come from the real CLI on the same
cells (`nbtidy format`, `nbtidy check --fix`), never from hard-coded strings where the CLI can
say it.
"""

from __future__ import annotations

import asyncio
import json
import os
import pathlib
import subprocess
import sys
from typing import Callable

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

NBTIDY = os.environ.get("NBTIDY")
if not NBTIDY or not pathlib.Path(NBTIDY).is_file():
    raise RuntimeError(
        "NBTIDY must name the nbtidy binary (tests/lsp_e2e.rs sets it); got " + repr(NBTIDY)
    )

TIMEOUT = 20.0


def notebook_json(cells: list[tuple[str, str]]) -> str:
    """An nbformat 4.5 notebook with `cells` = [(kind, text)], kind "code" or "markdown"."""
    out = []
    for index, (kind, text) in enumerate(cells):
        lines = text.splitlines(keepends=True)
        cell = {"cell_type": kind, "id": f"c{index}", "metadata": {}, "source": lines}
        if kind == "code":
            cell["execution_count"] = None
            cell["outputs"] = []
        out.append(cell)
    notebook = {
        "cells": out,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


def run_cli(*args: str, cwd: pathlib.Path) -> subprocess.CompletedProcess:
    return subprocess.run([NBTIDY, *args], cwd=cwd, capture_output=True, text=True, timeout=60)


def cli_cells(path: pathlib.Path) -> list[str]:
    """The cells' texts of a notebook file."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in data["cells"]]


def utf16_offset(text: str, position: types.Position) -> int:
    """The str index of an LSP position counted in UTF-16 units."""
    lines = text.split("\n")
    line = min(position.line, len(lines))
    offset = sum(len(l) + 1 for l in lines[:line])
    if line == len(lines):
        return len(text)
    units = 0
    for i, ch in enumerate(lines[line]):
        if units >= position.character:
            return offset + i
        units += 2 if ord(ch) > 0xFFFF else 1
    return offset + len(lines[line])


def apply_edits(text: str, edits) -> str:
    """Applies LSP text edits (non-overlapping, any order) to `text`."""
    spans = sorted(
        ((utf16_offset(text, e.range.start), utf16_offset(text, e.range.end), e.new_text) for e in edits),
        reverse=True,
    )
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


class Notebook:
    """A notebook document opened in the client: its URI, its cells' URIs and texts."""

    def __init__(self, client: LanguageClient, path: pathlib.Path, cells: list[tuple[str, str]],
                 sync_markdown: bool = True):
        self.client = client
        self.path = path
        self.uri = path.as_uri()
        self.kinds = [kind for kind, _ in cells]
        self.texts = [text for _, text in cells]
        self.cell_uris = [f"vscode-notebook-cell:{path.as_posix()}#W{i}sZmlsZQ%3D%3D" for i in range(len(cells))]
        self.version = 1
        self.synced = [sync_markdown or kind == "code" for kind in self.kinds]
        client.notebook_document_did_open(
            types.DidOpenNotebookDocumentParams(
                notebook_document=types.NotebookDocument(
                    uri=self.uri,
                    notebook_type="jupyter-notebook",
                    version=1,
                    cells=[
                        types.NotebookCell(
                            kind=types.NotebookCellKind.Code if kind == "code" else types.NotebookCellKind.Markup,
                            document=uri,
                        )
                        for (kind, uri, synced) in zip(self.kinds, self.cell_uris, self.synced)
                        if synced
                    ],
                ),
                cell_text_documents=[
                    types.TextDocumentItem(
                        uri=uri, language_id="python" if kind == "code" else "markdown", version=1, text=text
                    )
                    for (kind, uri, text, synced) in zip(self.kinds, self.cell_uris, self.texts, self.synced)
                    if synced
                ],
            )
        )

    def edit(self, index: int, start: tuple[int, int], end: tuple[int, int], new: str) -> None:
        """An incremental change of cell `index`."""
        self.version += 1
        rng = types.Range(start=types.Position(*start), end=types.Position(*end))
        self.texts[index] = apply_edits(self.texts[index], [types.TextEdit(range=rng, new_text=new)])
        self.client.notebook_document_did_change(
            types.DidChangeNotebookDocumentParams(
                notebook_document=types.VersionedNotebookDocumentIdentifier(version=self.version, uri=self.uri),
                change=types.NotebookDocumentChangeEvent(
                    cells=types.NotebookDocumentCellChanges(
                        text_content=[
                            types.NotebookDocumentCellContentChanges(
                                document=types.VersionedTextDocumentIdentifier(
                                    uri=self.cell_uris[index], version=self.version
                                ),
                                changes=[types.TextDocumentContentChangePartial(range=rng, text=new)],
                            )
                        ]
                    )
                ),
            )
        )

    def codes(self, index: int) -> list[str]:
        return sorted(d.code for d in self.client.diagnostics.get(self.cell_uris[index], []))

    def apply(self, edit: types.WorkspaceEdit) -> None:
        """Applies a workspace edit to the cells it names."""
        for uri, edits in (edit.changes or {}).items():
            index = self.cell_uris.index(uri)
            self.texts[index] = apply_edits(self.texts[index], edits)


async def wait_until(condition: Callable[[], bool], what: str, timeout: float = TIMEOUT) -> None:
    """Polls `condition` until it holds; fails naming `what` after `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


def capabilities(pull: bool = False) -> types.ClientCapabilities:
    return types.ClientCapabilities(
        general=types.GeneralClientCapabilities(position_encodings=[types.PositionEncodingKind.Utf16]),
        workspace=types.WorkspaceClientCapabilities(
            did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(dynamic_registration=True),
            apply_edit=True,
        ),
        text_document=types.TextDocumentClientCapabilities(
            diagnostic=types.DiagnosticClientCapabilities() if pull else None,
        ),
        notebook_document=types.NotebookDocumentClientCapabilities(
            synchronization=types.NotebookDocumentSyncClientCapabilities()
        ),
    )


SERVER = ClientServerConfig(server_command=[NBTIDY, "server"], server_env={**os.environ, "NBTIDY_TEST_PANIC": "PANIC_MARKER_1234"})


@pytest.fixture
def workspace(tmp_path: pathlib.Path) -> pathlib.Path:
    (tmp_path / ".editorconfig").write_text("root = true\n", encoding="utf-8")
    return tmp_path


async def start(lsp_client: LanguageClient, workspace: pathlib.Path, pull: bool = False) -> None:
    """Registers the client's handlers and initializes the session."""
    lsp_client.registrations = []

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams):
        lsp_client.registrations.extend(params.registrations)
        return None

    lsp_client.applied_edits = []

    @lsp_client.feature(types.WORKSPACE_APPLY_EDIT)
    def apply_edit(params: types.ApplyWorkspaceEditParams):
        lsp_client.applied_edits.append(params.edit)
        return types.ApplyWorkspaceEditResult(applied=True)

    lsp_client.init_result = await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(pull),
            workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name="ws")],
        )
    )


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient, workspace: pathlib.Path):
    await start(lsp_client, workspace)
    yield
    await lsp_client.shutdown_session()
