"""jupyterlab-lsp server spec for nbtidy's language server.

Put this file in a Jupyter config directory (`jupyter --paths`, "config") or add its lines to
your own `jupyter_server_config.py`. jupyterlab-lsp then starts `nbtidy server` for Python
notebooks and files; nbtidy reads its settings from `.editorconfig` as on the command line.
"""

c = get_config()  # noqa: F821 - defined by Jupyter when it loads the file

c.LanguageServerManager.language_servers = {
    **(getattr(c.LanguageServerManager, "language_servers", None) or {}),
    "nbtidy": {
        "version": 2,
        "argv": ["nbtidy", "server"],
        "languages": ["python"],
        "mime_types": ["text/python", "text/x-ipython"],
        "display_name": "nbtidy",
    },
}
