"""The editor set-ups in editors/ start the server as they say: Helix's languages.toml and the
jupyterlab-lsp spec are read as those tools read them, and the command they name is run and
serves a document the way that editor sends it. (VS Code's extension is built by
tests/lsp_e2e.rs; Neovim's snippet runs in headless Neovim there.)"""

from __future__ import annotations

import pathlib
import tomllib

from conftest import NBTIDY, notebook_json
from lspraw import RawServer
from test_robustness import diagnostics_for

EDITORS = pathlib.Path(__file__).resolve().parents[2] / "editors"


def argv(command: list[str]) -> list[str]:
    assert command[0] == "nbtidy", command
    return [NBTIDY, *command[1:]]


def test_helix_languages_toml(tmp_path: pathlib.Path):
    config = tomllib.loads((EDITORS / "helix/languages.toml").read_text(encoding="utf-8"))
    server = config["language-server"]["nbtidy"]
    notebooks = next(l for l in config["language"] if l["name"] == "jupyter-notebook")
    assert notebooks["file-types"] == ["ipynb"] and "nbtidy" in notebooks["language-servers"]
    python = next(l for l in config["language"] if l["name"] == "python")
    assert "nbtidy" in python["language-servers"]
    # Helix sends the notebook's JSON with the language's name as languageId.
    raw = RawServer(argv=argv([server["command"], *server["args"]]))
    raw.initialize(tmp_path)
    path = tmp_path / "nb.ipynb"
    text = notebook_json([("code", "import os\nimport sys\nprint(os.sep)")])
    raw.notify("textDocument/didOpen", {"textDocument": {
        "uri": path.as_uri(), "languageId": notebooks["name"], "version": 1, "text": text}})
    items = diagnostics_for(raw, path.as_uri(), "F401", lambda items: len(items) == 1)
    line = next(i for i, l in enumerate(text.split("\n")) if '"import sys\\n"' in l)
    assert items[0]["code"] == "F401" and items[0]["range"]["start"]["line"] == line
    raw.response(raw.request("shutdown"))
    raw.notify("exit")
    assert raw.process.wait(timeout=30) == 0


class _Config:
    """The bit of traitlets' config object the spec file touches."""

    def __init__(self):
        self.LanguageServerManager = type("Section", (), {})()


def test_jupyterlab_lsp_spec(tmp_path: pathlib.Path):
    config = _Config()
    source = (EDITORS / "jupyterlab/jupyter_server_config.py").read_text(encoding="utf-8")
    exec(compile(source, "jupyter_server_config.py", "exec"), {"get_config": lambda: config})
    spec = config.LanguageServerManager.language_servers["nbtidy"]
    assert spec["languages"] == ["python"] and spec["version"] == 2
    # jupyterlab-lsp hands a notebook's code cells over as one Python virtual document.
    raw = RawServer(argv=argv(spec["argv"]))
    raw.initialize(tmp_path)
    uri = (tmp_path / ".virtual_documents" / "nb.ipynb").as_uri()
    raw.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "python", "version": 1, "text": "import os\nimport sys\n\n\nprint(os.sep)\n"}})
    items = diagnostics_for(raw, uri, "F401", lambda items: len(items) == 1)
    assert items[0]["code"] == "F401" and items[0]["range"]["start"]["line"] == 1
    raw.response(raw.request("shutdown"))
    raw.notify("exit")
    assert raw.process.wait(timeout=30) == 0
