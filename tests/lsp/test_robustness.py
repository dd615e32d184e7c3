"""The server never exits or hangs on bad input, answers cancellations, drops stale work and
isolates panics."""

from __future__ import annotations

import os
import pathlib
import time

from lspraw import RawServer


def diagnostics_for(server: RawServer, uri: str, what: str, predicate=lambda items: True, timeout=30.0) -> list:
    message = server.wait(
        lambda m: m.get("method") == "textDocument/publishDiagnostics"
        and m["params"]["uri"] == uri
        and predicate(m["params"]["diagnostics"]),
        what,
        timeout,
    )
    return message["params"]["diagnostics"]


def open_py(server: RawServer, path: pathlib.Path, text: str) -> str:
    uri = path.as_uri()
    server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}})
    return uri


def test_bad_input_is_answered_or_logged_and_the_server_goes_on(tmp_path: pathlib.Path):
    server = RawServer()
    # Before initialize: requests are refused with ServerNotInitialized.
    early = server.request("textDocument/hover", {})
    assert server.response(early)["error"]["code"] == -32002
    assert server.initialize(tmp_path)["result"]["capabilities"]["positionEncoding"] == "utf-8"
    # A header that is not a header, a body that is not JSON, a message with an id but no method.
    server.send_bytes(b"this is not a header\r\n\r\n")
    server.send_bytes(b"Content-Length: 9\r\n\r\n{not json")
    server.send({"id": 99, "error": 5})
    assert server.response(99)["error"]["code"] == -32600
    # An unknown method; bad parameters.
    assert server.response(server.request("nbtidy/unknown", {}))["error"]["code"] == -32601
    assert server.response(server.request("textDocument/formatting", {"x": 1}))["error"]["code"] == -32602
    # A request about a document that is not open.
    answer = server.response(server.request("textDocument/formatting", {
        "textDocument": {"uri": (tmp_path / "nope.py").as_uri()}, "options": {"tabSize": 4, "insertSpaces": True}}))
    assert answer["error"]["code"] == -32602
    # An edit outside the document: clamped to its end, logged, and linting goes on.
    uri = open_py(server, tmp_path / "a.py", "import os\n")
    diagnostics_for(server, uri, "F401", lambda items: [d["code"] for d in items] == ["F401"])
    server.notify("textDocument/didChange", {
        "textDocument": {"uri": uri, "version": 2},
        "contentChanges": [{"range": {"start": {"line": 40, "character": 0}, "end": {"line": 50, "character": 3}},
                            "text": "print(os)\n"}],
    })
    diagnostics_for(server, uri, "F401 gone", lambda items: items == [])
    server.wait(lambda m: m.get("method") == "window/logMessage" and "outside the document" in m["params"]["message"],
                "the out-of-range edit logged")
    # A notification for a document that is not open, a notebook change out of range.
    server.notify("textDocument/didChange", {"textDocument": {"uri": "file:///nowhere.py", "version": 1},
                                             "contentChanges": [{"text": "x"}]})
    # Code that does not parse: a finding, no crash; formatting it gives nothing.
    server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 3},
                                             "contentChanges": [{"text": "def f(:\n"}]})
    diagnostics_for(server, uri, "E999", lambda items: [d["code"] for d in items] == ["E999"])
    answer = server.response(server.request("textDocument/formatting", {
        "textDocument": {"uri": uri}, "options": {"tabSize": 4, "insertSpaces": True}}))
    assert answer["result"] is None
    # Still alive: shutdown and exit cleanly.
    assert server.response(server.request("shutdown"))["result"] is None
    server.notify("exit")
    assert server.process.wait(timeout=30) == 0


def test_the_server_ends_when_the_client_vanishes(tmp_path: pathlib.Path):
    server = RawServer()
    server.initialize(tmp_path)
    open_py(server, tmp_path / "a.py", "import os\n")
    # stdin closed without shutdown: the server ends (no hang), and its reader goes away too.
    assert server.close() == 0
    # Exit without shutdown: exit code 1, as the protocol says.
    server = RawServer()
    server.initialize(tmp_path)
    server.notify("exit")
    assert server.process.wait(timeout=30) == 1


def big_notebook(path: pathlib.Path, cells: int) -> dict:
    """A notebook document with `cells` code cells of a few lines each."""
    uri = path.as_uri()
    cell_uris = [f"vscode-notebook-cell:{path.as_posix()}#C{i}" for i in range(cells)]
    texts = [f"import mod{i}\nvalue_{i} = [mod{i}.f(x) for x in range({i})]\nprint(value_{i})" for i in range(cells)]
    return {
        "uri": uri,
        "cells": cell_uris,
        "params": {
            "notebookDocument": {
                "uri": uri, "notebookType": "jupyter-notebook", "version": 1,
                "cells": [{"kind": 2, "document": u} for u in cell_uris],
            },
            "cellTextDocuments": [
                {"uri": u, "languageId": "python", "version": 1, "text": t} for u, t in zip(cell_uris, texts)
            ],
        },
    }


def test_a_huge_notebook_stale_results_and_cancellation(tmp_path: pathlib.Path):
    server = RawServer()
    server.initialize(tmp_path)
    nb = big_notebook(tmp_path / "huge.ipynb", 3000)
    server.notify("notebookDocument/didOpen", nb["params"])
    # While the first lint runs, a burst of edits to the last cell: only the last state counts.
    last = nb["cells"][-1]
    for version in range(2, 22):
        server.notify("notebookDocument/didChange", {
            "notebookDocument": {"uri": nb["uri"], "version": version},
            "change": {"cells": {"textContent": [{
                "document": {"uri": last, "version": version},
                "changes": [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                             "text": "import os\n"}],
            }]}},
        })
    # A request queued behind long work (fix-all over the 3,000 cells), cancelled before it
    # runs: RequestCancelled.
    fix_all = server.request("textDocument/codeAction", {
        "textDocument": {"uri": nb["cells"][0]},
        "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
        "context": {"diagnostics": [], "only": ["notebook.source.fixAll"]},
    })
    formatting = server.request("textDocument/formatting", {
        "textDocument": {"uri": last}, "options": {"tabSize": 4, "insertSpaces": True}})
    server.notify("$/cancelRequest", {"id": formatting})
    assert server.response(formatting, timeout=120)["error"]["code"] == -32800
    (action,) = server.response(fix_all, timeout=120)["result"]
    assert list(action["edit"]["changes"]) == [last]
    # The diagnostics of the last cell end with the 20 `import os` lines all reported.
    diagnostics_for(
        server, last, "the last cell's final diagnostics",
        lambda items: sum(d["code"] == "F811" or d["code"] == "F401" for d in items) >= 20,
        timeout=120,
    )
    # Still answering.
    hover = server.request("textDocument/hover", {"textDocument": {"uri": last}, "position": {"line": 0, "character": 1}})
    assert "result" in server.response(hover, timeout=120)
    server.response(server.request("shutdown"), timeout=120)
    server.notify("exit")
    assert server.process.wait(timeout=30) == 0


def test_a_panic_is_an_error_for_one_request(tmp_path: pathlib.Path):
    server = RawServer(env={**os.environ, "NBTIDY_TEST_PANIC": "PANIC_MARKER_1234"})
    server.initialize(tmp_path)
    uri = open_py(server, tmp_path / "boom.py", "x = 'PANIC_MARKER_1234'\n")
    answer = server.response(server.request("textDocument/formatting", {
        "textDocument": {"uri": uri}, "options": {"tabSize": 4, "insertSpaces": True}}))
    assert answer["error"]["code"] == -32603
    server.wait(lambda m: m.get("method") == "window/logMessage" and "internal error" in m["params"]["message"],
                "the lint's panic logged")
    # The other documents are served.
    other = open_py(server, tmp_path / "ok.py", "import os\n")
    diagnostics_for(server, other, "F401 in the other file", lambda items: [d["code"] for d in items] == ["F401"])
    server.response(server.request("shutdown"))
    server.notify("exit")
    assert server.process.wait(timeout=30) == 0


def test_a_client_setting_points_at_another_configuration_root(tmp_path: pathlib.Path):
    project = tmp_path / "project"
    shared = tmp_path / "shared-config"
    project.mkdir()
    shared.mkdir()
    (project / ".editorconfig").write_text("root = true\n", encoding="utf-8")
    (shared / ".editorconfig").write_text("root = true\n\n[*.py]\nnbtidy_rule.F401 = off\n", encoding="utf-8")
    server = RawServer()
    server.response(server.request("initialize", {
        "processId": None, "rootUri": project.as_uri(), "capabilities": {},
        "initializationOptions": {"configurationRoot": str(shared)},
    }))
    server.notify("initialized", {})
    uri = open_py(server, project / "a.py", "import os\nx = undefined_name\n")
    diagnostics_for(server, uri, "F821 only", lambda items: [d["code"] for d in items] == ["F821"])
    # The setting cleared: the project's own .editorconfig applies (F401 is back).
    server.notify("workspace/didChangeConfiguration", {"settings": {"nbtidy": {"configurationRoot": ""}}})
    diagnostics_for(server, uri, "F401 back", lambda items: sorted(d["code"] for d in items) == ["F401", "F821"])
    server.response(server.request("shutdown"))
    server.notify("exit")
    assert server.process.wait(timeout=30) == 0
