#!/usr/bin/env python3
"""Re-encode notebooks in the JSON styles real tools write, for fidelity tests.

Usage: make_variants.py OUT_DIR NOTEBOOK...

For each NOTEBOOK, writes OUT_DIR/<variant>/<name> for every variant:
  crlf            Jupyter layout (1-space indent) with CRLF line endings
  ascii           Jupyter layout, non-ASCII escaped as \\uXXXX (json.dumps ensure_ascii=True)
  indent4         4-space indent
  tab             tab indent
  compact         one line, "," and ":" separators (as VS Code's old writer)
  compact_spaced  one line, ", " and ": " separators (Python's json.dumps default)
  string_sources  every source joined into one string
  nonfinite       metadata gains NaN, Infinity, -Infinity, 1e-05 and 1E5 numbers
The variants are written with Python's json module, the writer Jupyter itself uses.
"""

import json
import os
import sys


def dump(nb, **kwargs):
    return json.dumps(nb, ensure_ascii=kwargs.pop("ensure_ascii", False), **kwargs)


def variants(nb):
    jupyter = dump(nb, indent=1) + "\n"
    yield "crlf", jupyter.replace("\n", "\r\n")
    yield "ascii", dump(nb, indent=1, ensure_ascii=True) + "\n"
    yield "indent4", dump(nb, indent=4) + "\n"
    yield "tab", dump(nb, indent="\t") + "\n"
    yield "compact", dump(nb, separators=(",", ":"))
    yield "compact_spaced", dump(nb)
    joined = json.loads(json.dumps(nb))
    for cell in joined.get("cells", []):
        if isinstance(cell.get("source"), list):
            cell["source"] = "".join(cell["source"])
    yield "string_sources", dump(joined, indent=1) + "\n"
    text = dump(nb, indent=1) + "\n"
    marker = '"metadata": {'
    at = text.rfind(marker)  # the notebook-level metadata comes last in Jupyter's key order
    if at >= 0:
        at += len(marker)
        extra = '\n  "nbtidy_nan": NaN, "nbtidy_inf": Infinity, "nbtidy_ninf": -Infinity, "nbtidy_small": 1e-05, "nbtidy_big": 1E5,'
        rest = text[at:]
        if rest.lstrip().startswith("}"):
            extra = extra.rstrip(",")
        text = text[:at] + extra + rest
    # And one inside the first cell's metadata, if it has one.
    first = text.find('"metadata": {')
    if first >= 0 and first != at - len(marker):
        first += len('"metadata": {')
        rest = text[first:]
        sep = "" if rest.lstrip().startswith("}") else ","
        text = text[:first] + ' "nbtidy_cell_nan": NaN' + sep + rest
    yield "nonfinite", text


def main():
    out_dir, notebooks = sys.argv[1], sys.argv[2:]
    for path in notebooks:
        with open(path, encoding="utf-8") as f:
            nb = json.load(f)
        name = os.path.basename(path)
        for variant, text in variants(nb):
            target = os.path.join(out_dir, variant)
            os.makedirs(target, exist_ok=True)
            with open(os.path.join(target, name), "w", encoding="utf-8", newline="") as f:
                f.write(text)


if __name__ == "__main__":
    main()
