"""Text documents: a raw `.ipynb` opened as JSON text, and a `.py` file as one cell; pull
diagnostics."""

from __future__ import annotations

import pathlib
import shutil
import subprocess

import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from conftest import NBTIDY, SERVER, apply_edits, start, notebook_json, run_cli, wait_until

CELLS = [
    ("code", "import os\nimport sys"),
    ("markdown", "# Title"),
    ("code", "x=[1,2,\n3]\nprint(os.sep, x)"),
    ("code", "def f( a ):\n  return a"),
]


def open_text(client: LanguageClient, path: pathlib.Path, language: str) -> str:
    text = path.read_text(encoding="utf-8")
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=path.as_uri(), language_id=language, version=1, text=text)
        )
    )
    return text


def cli_result(workspace: pathlib.Path, name: str, *args: str) -> str:
    shutil.copy(workspace / name, workspace / f"cli-{name}")
    run_cli(*args, f"cli-{name}", cwd=workspace)
    return (workspace / f"cli-{name}").read_text(encoding="utf-8")


async def formatting(client, uri, rng=None):
    options = types.FormattingOptions(tab_size=4, insert_spaces=True)
    ident = types.TextDocumentIdentifier(uri=uri)
    if rng is None:
        return await client.text_document_formatting_async(
            types.DocumentFormattingParams(text_document=ident, options=options)
        )
    return await client.text_document_range_formatting_async(
        types.DocumentRangeFormattingParams(text_document=ident, range=rng, options=options)
    )


async def test_raw_ipynb_diagnostics_sit_on_the_ipynb_line(client: LanguageClient, workspace: pathlib.Path):
    path = workspace / "raw.ipynb"
    path.write_text(notebook_json(CELLS), encoding="utf-8")
    text = open_text(client, path, "json")
    uri = path.as_uri()
    await wait_until(lambda: uri in client.diagnostics, "diagnostics of the raw notebook")
    (f401,) = [d for d in client.diagnostics[uri] if d.code == "F401"]
    lines = text.split("\n")
    line = next(i for i, l in enumerate(lines) if '"import sys"' in l)
    assert f401.range.start == types.Position(line, lines[line].index("sys"))
    # Breaking the JSON: one E902 finding where the JSON breaks, and no crash.
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangePartial(
                range=types.Range(start=types.Position(0, 0), end=types.Position(0, 1)), text="")],
        )
    )
    await wait_until(lambda: [d.code for d in client.diagnostics[uri]] == ["E902"], "E902")


async def test_raw_ipynb_formatting_and_fix_all_are_byte_exact_with_the_cli(
    client: LanguageClient, workspace: pathlib.Path
):
    path = workspace / "raw.ipynb"
    path.write_text(notebook_json(CELLS), encoding="utf-8")
    text = open_text(client, path, "json")
    formatted = cli_result(workspace, "raw.ipynb", "format")
    edits = await formatting(client, path.as_uri())
    assert apply_edits(text, edits) == formatted
    # Each edit replaces one `source` value.
    assert len(edits) == 2 and all(e.new_text.startswith("[") for e in edits)
    # Range formatting: only the cells whose source the range touches.
    line = next(i for i, l in enumerate(text.split("\n")) if "def f(" in l)
    edits = await formatting(client, path.as_uri(), types.Range(start=types.Position(line, 0), end=types.Position(line, 1)))
    assert len(edits) == 1 and "def f(a):" in edits[0].new_text
    # Fix-all: what `nbtidy check --fix` writes.
    fixed = cli_result(workspace, "raw.ipynb", "check", "--fix")
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
            range=types.Range(start=types.Position(0, 0), end=types.Position(0, 0)),
            context=types.CodeActionContext(diagnostics=[], only=[types.CodeActionKind.SourceFixAll]),
        )
    )
    (action,) = actions
    assert apply_edits(text, action.edit.changes[path.as_uri()]) == fixed
    # The quick fix of the one F401 gives the same file.
    await wait_until(lambda: path.as_uri() in client.diagnostics, "diagnostics")
    (f401,) = [d for d in client.diagnostics[path.as_uri()] if d.code == "F401"]
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
            range=f401.range,
            context=types.CodeActionContext(diagnostics=[f401], only=[types.CodeActionKind.QuickFix]),
        )
    )
    (action,) = actions
    assert apply_edits(text, action.edit.changes[path.as_uri()]) == fixed


async def test_a_py_file_is_one_cell(client: LanguageClient, workspace: pathlib.Path):
    path = workspace / "script.py"
    path.write_text("import os\nx=1\n", encoding="utf-8")
    text = open_text(client, path, "python")
    await wait_until(lambda: [d.code for d in client.diagnostics.get(path.as_uri(), [])] == ["F401"], "F401")
    edits = await formatting(client, path.as_uri())
    expected = subprocess.run(
        [NBTIDY, "format", "--stdin-filename", "script.py", "-"], input=text, capture_output=True,
        text=True, cwd=workspace, check=True,
    ).stdout
    assert apply_edits(text, edits) == expected


async def test_format_selection_formats_only_the_statements_it_touches(
    client: LanguageClient, workspace: pathlib.Path
):
    # As ruff's server does: the selected statement only, the rest left as it is.
    path = workspace / "selection.py"
    path.write_text("a=[1,2]\nb = {'k':1}\nc=f( 3 )\n", encoding="utf-8")
    text = open_text(client, path, "python")
    selection = types.Range(start=types.Position(1, 0), end=types.Position(1, 4))
    edits = await formatting(client, path.as_uri(), selection)
    assert apply_edits(text, edits) == "a=[1,2]\nb = {\"k\": 1}\nc=f( 3 )\n"
    # Formatting the result whole gives what formatting the file whole gives.
    whole = subprocess.run(
        [NBTIDY, "format", "--stdin-filename", "selection.py", "-"], input=text, capture_output=True,
        text=True, cwd=workspace, check=True,
    ).stdout
    again = subprocess.run(
        [NBTIDY, "format", "--stdin-filename", "selection.py", "-"], input=apply_edits(text, edits),
        capture_output=True, text=True, cwd=workspace, check=True,
    ).stdout
    assert again == whole


@pytest_lsp.fixture(config=SERVER)
async def pull_client(lsp_client: LanguageClient, workspace: pathlib.Path):
    await start(lsp_client, workspace, pull=True)
    yield
    await lsp_client.shutdown_session()


async def test_pull_diagnostics_answer_per_cell_and_nothing_is_pushed(
    pull_client: LanguageClient, workspace: pathlib.Path
):
    from conftest import Notebook

    nb = Notebook(pull_client, workspace / "pull.ipynb", CELLS)
    report = await pull_client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=nb.cell_uris[0]))
    )
    assert [d.code for d in report.items] == ["F401"]
    report = await pull_client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=nb.cell_uris[2]))
    )
    assert [d.code for d in report.items] == []
    assert pull_client.diagnostics == {}
