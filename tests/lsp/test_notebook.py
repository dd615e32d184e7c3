"""Notebook documents: diagnostics per cell over the whole notebook, edits, formatting, fixes."""

from __future__ import annotations

import pathlib

from lsprotocol import types
from pytest_lsp import LanguageClient

from conftest import Notebook, apply_edits, cli_cells, notebook_json, run_cli, wait_until

CELLS = [
    ("code", "import os\nimport sys"),
    ("markdown", "# Title"),
    ("code", "print(os.getcwd(), later)"),
    ("code", "later=1"),
]


async def test_initialize_negotiates_and_registers_the_editorconfig_watcher(client: LanguageClient):
    caps = client.init_result.capabilities
    assert caps.position_encoding == types.PositionEncodingKind.Utf16
    assert caps.notebook_document_sync is not None
    await wait_until(lambda: client.registrations, "the .editorconfig watcher registration")
    assert client.registrations[0].method == "workspace/didChangeWatchedFiles"


async def test_diagnostics_per_cell_follow_notebook_order_and_update_across_cells(
    client: LanguageClient, workspace: pathlib.Path
):
    nb = Notebook(client, workspace / "nb.ipynb", CELLS)
    await wait_until(lambda: nb.codes(0) == ["F401"] and nb.codes(2) == ["NB001"], "first diagnostics")
    # `os` is used in cell 3: only `sys` is unused; `later` is defined in cell 4, used in cell 3.
    (f401,) = client.diagnostics[nb.cell_uris[0]]
    assert "`sys`" in f401.message and f401.range.start == types.Position(1, 7)
    (nb001,) = client.diagnostics[nb.cell_uris[2]]
    assert "cell 4" in nb001.message and nb001.range.start == types.Position(0, 19)
    assert nb.codes(3) == []
    # Same findings as the CLI on the same cells.
    (workspace / "same.ipynb").write_text(notebook_json(CELLS), encoding="utf-8")
    cli = run_cli("check", "--output-format", "concise", "same.ipynb", cwd=workspace)
    assert "cell 1:2:8: F401" in cli.stdout and "cell 3:1:20: NB001" in cli.stdout, cli.stdout

    # Remove the use of `os` in cell 3: cell 1 now reports `os` too.
    nb.edit(2, (0, 6), (0, 17), "1")
    await wait_until(lambda: nb.codes(0) == ["F401", "F401"], "F401 for `os` in cell 1")
    # Define `later` in cell 1: NB001 disappears from cell 3.
    nb.edit(0, (1, 10), (1, 10), "\nlater = 0")
    await wait_until(lambda: nb.codes(2) == [], "NB001 gone from cell 3")


async def test_formatting_a_cell_gives_what_nbtidy_format_writes(client: LanguageClient, workspace: pathlib.Path):
    cells = [("code", "x=[1,2,\n3]\ny = {'a':1}"), ("code", "def f( a ):\n  return a")]
    nb = Notebook(client, workspace / "fmt.ipynb", cells)
    (workspace / "cli.ipynb").write_text(notebook_json(cells), encoding="utf-8")
    assert run_cli("format", "cli.ipynb", cwd=workspace).returncode == 0
    expected = cli_cells(workspace / "cli.ipynb")
    for index in range(2):
        edits = await client.text_document_formatting_async(
            types.DocumentFormattingParams(
                text_document=types.TextDocumentIdentifier(uri=nb.cell_uris[index]),
                options=types.FormattingOptions(tab_size=4, insert_spaces=True),
            )
        )
        assert edits, f"cell {index + 1} needs formatting"
        assert apply_edits(nb.texts[index], edits) == expected[index]
    # A cell that does not parse is not formatted (no edits), and is reported as E999.
    bad = Notebook(client, workspace / "bad.ipynb", [("code", "x = (1,")])
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=bad.cell_uris[0]),
            options=types.FormattingOptions(tab_size=4, insert_spaces=True),
        )
    )
    assert not edits
    await wait_until(lambda: bad.codes(0) == ["E999"], "E999 on the unparsable cell")


async def code_actions(client, uri, only=None, rng=None):
    return await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=rng or types.Range(start=types.Position(0, 0), end=types.Position(0, 0)),
            context=types.CodeActionContext(diagnostics=[], only=only),
        )
    )


async def test_quick_fix_removes_the_unused_import(client: LanguageClient, workspace: pathlib.Path):
    nb = Notebook(client, workspace / "qf.ipynb", CELLS)
    await wait_until(lambda: nb.codes(0) == ["F401"], "F401")
    (diagnostic,) = client.diagnostics[nb.cell_uris[0]]
    actions = await code_actions(client, nb.cell_uris[0], [types.CodeActionKind.QuickFix], diagnostic.range)
    assert len(actions) == 1 and actions[0].kind == types.CodeActionKind.QuickFix
    assert "F401" in actions[0].title
    nb.apply(actions[0].edit)
    assert nb.texts[0] == "import os"


def fix_all_expected(workspace: pathlib.Path, cells) -> list[str]:
    (workspace / "fix.ipynb").write_text(notebook_json(cells), encoding="utf-8")
    run_cli("check", "--fix", "fix.ipynb", cwd=workspace)
    return cli_cells(workspace / "fix.ipynb")


FIXABLE = [
    ("code", "import os\nimport sys\nimport json"),
    ("code", "x = 1;"),
    ("code", "import re\nprint(os.sep)"),
    ("code", "print(json.dumps({}))"),
]


async def test_notebook_fix_all_edits_every_cell_whatever_cell_is_passed(
    client: LanguageClient, workspace: pathlib.Path
):
    expected = fix_all_expected(workspace, FIXABLE)
    # The CLI keeps `os` and `json` (used in cells 3 and 4) and removes `sys` and `re`.
    assert expected[0] == "import os\nimport json" and expected[2] == "print(os.sep)", expected
    for passed in (0, 3):
        nb = Notebook(client, workspace / f"all{passed}.ipynb", FIXABLE)
        actions = await code_actions(client, nb.cell_uris[passed], ["notebook.source.fixAll"])
        (action,) = actions
        assert action.kind == "notebook.source.fixAll.nbtidy"
        changed = {nb.cell_uris[i] for i, (_, text) in enumerate(FIXABLE) if expected[i] != text}
        assert set(action.edit.changes) == changed and len(changed) == 2
        nb.apply(action.edit)
        assert nb.texts == expected


async def test_notebook_fix_all_with_a_markdown_first_cell(client: LanguageClient, workspace: pathlib.Path):
    cells = [("markdown", "# Notes"), *FIXABLE]
    expected = fix_all_expected(workspace, cells)
    # Markdown cells synced, and not synced (the client sends only Python cells and names the
    # markdown cell's URI, which the server never saw).
    for synced in (True, False):
        nb = Notebook(client, workspace / f"md{synced}.ipynb", cells, sync_markdown=synced)
        actions = await code_actions(client, nb.cell_uris[0], ["notebook.source.fixAll"])
        (action,) = actions
        nb.apply(action.edit)
        assert nb.texts == expected, synced


async def test_source_fix_all_on_a_cell_edits_that_cell_only_with_notebook_semantics(
    client: LanguageClient, workspace: pathlib.Path
):
    nb = Notebook(client, workspace / "cell.ipynb", FIXABLE)
    (action,) = await code_actions(client, nb.cell_uris[0], [types.CodeActionKind.SourceFixAll])
    assert action.kind == "source.fixAll.nbtidy"
    assert set(action.edit.changes) == {nb.cell_uris[0]}
    nb.apply(action.edit)
    assert nb.texts[0] == "import os\nimport json"


async def test_hover_on_noqa_and_on_a_diagnostic_shows_the_rule_doc(client: LanguageClient, workspace: pathlib.Path):
    nb = Notebook(client, workspace / "hover.ipynb", [("code", "import os  # noqa: F401\nimport sys")])
    await wait_until(lambda: nb.codes(0) == ["F401"], "F401 on sys")
    for position in (types.Position(0, 20), types.Position(1, 8)):
        hover = await client.text_document_hover_async(
            types.HoverParams(text_document=types.TextDocumentIdentifier(uri=nb.cell_uris[0]), position=position)
        )
        assert hover is not None and "unused-import" in hover.contents.value
        assert "## What it does" in hover.contents.value


async def test_execute_command_applies_the_notebook_fix_all(client: LanguageClient, workspace: pathlib.Path):
    expected = fix_all_expected(workspace, FIXABLE)
    nb = Notebook(client, workspace / "cmd.ipynb", FIXABLE)
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="nbtidy.applyFixAll", arguments=[{"uri": nb.cell_uris[1]}])
    )
    await wait_until(lambda: client.applied_edits, "workspace/applyEdit")
    nb.apply(client.applied_edits[0])
    assert nb.texts == expected


async def test_an_editorconfig_change_is_picked_up(client: LanguageClient, workspace: pathlib.Path):
    nb = Notebook(client, workspace / "ec.ipynb", CELLS)
    await wait_until(lambda: nb.codes(0) == ["F401"], "F401")
    (workspace / ".editorconfig").write_text("root = true\n\n[*.ipynb]\nnbtidy_rule.F401 = off\n", encoding="utf-8")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=(workspace / ".editorconfig").as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    await wait_until(lambda: nb.codes(0) == [] and nb.codes(2) == ["NB001"], "F401 switched off")
    # An invalid value: the server says so, and lints nothing, as the CLI refuses the notebook.
    (workspace / ".editorconfig").write_text("root = true\n\n[*.ipynb]\nmax_line_length = fuor\n", encoding="utf-8")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=(workspace / ".editorconfig").as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    await wait_until(lambda: nb.codes(2) == [], "findings cleared on invalid settings")
    await wait_until(lambda: any("max_line_length" in m.message for m in client.messages), "a message naming the value")



UNSORTED = [
    ("markdown", "# Setup"),
    ("code", "import sys\nimport os\nprint(os.sep, sys.argv)"),
    ("code", "x = 1"),
    ("code", "import re\nimport json\nprint(re, json)"),
]


def organized_expected(workspace: pathlib.Path, cells) -> list[str]:
    (workspace / "sorted.ipynb").write_text(notebook_json(cells), encoding="utf-8")
    run_cli("check", "--select", "I001", "--fix", "sorted.ipynb", cwd=workspace)
    return cli_cells(workspace / "sorted.ipynb")


async def test_notebook_organize_imports_sorts_every_cell_whatever_cell_is_passed(
    client: LanguageClient, workspace: pathlib.Path
):
    expected = organized_expected(workspace, UNSORTED)
    # The CLI sorts cells 2 and 4 and leaves the others alone.
    assert expected[1].startswith("import os\nimport sys") and expected[3].startswith("import json\nimport re")
    # Passed: the markdown first cell, a cell without imports, the last cell.
    for passed in (0, 2, 3):
        nb = Notebook(client, workspace / f"oi{passed}.ipynb", UNSORTED)
        actions = await code_actions(client, nb.cell_uris[passed], ["notebook.source.organizeImports"])
        (action,) = actions
        assert action.kind == "notebook.source.organizeImports.nbtidy"
        assert set(action.edit.changes) == {nb.cell_uris[1], nb.cell_uris[3]}
        nb.apply(action.edit)
        assert nb.texts == expected, passed


async def test_source_organize_imports_on_a_cell_edits_that_cell_only(client: LanguageClient, workspace: pathlib.Path):
    expected = organized_expected(workspace, UNSORTED)
    nb = Notebook(client, workspace / "oicell.ipynb", UNSORTED)
    (action,) = await code_actions(client, nb.cell_uris[3], [types.CodeActionKind.SourceOrganizeImports])
    assert action.kind == "source.organizeImports.nbtidy"
    assert set(action.edit.changes) == {nb.cell_uris[3]}
    nb.apply(action.edit)
    assert nb.texts[3] == expected[3] and nb.texts[1] == UNSORTED[1][1]
