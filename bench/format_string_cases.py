#!/usr/bin/env python3
r"""Write a notebook of format-string expressions for comparing nbtidy's F50x/F52x with ruff's.

    python3 bench/format_string_cases.py DIR
    python3 bench/compare_ruff_check.py --select F5 --corpus DIR

The real corpus has few format-string findings, so this generates many: hand-picked edge cases
(each checked against ruff 0.16.4 while writing the rules) and random `%` and `.format`
expressions built from tricky pieces (lone braces, `*` widths, nested fields, `\N{...}`,
starred and `**` arguments, ...), one per cell, with a fixed seed so that runs are comparable.
Fixes can be compared too: run `nbtidy check --select F504,F522,F523 --fix` and `ruff check
--select F504,F522,F523 --fix` on two copies and compare the cells. Standard library only.
"""

from __future__ import annotations

import ast
import json
import random
import sys
from pathlib import Path

EDGE_CASES = [
    '"%(a)s" % {"a": 1, "b": 2}',
    '"%(a)s" % {"b": 2, "a": 1}',
    '"%(a)s" % {"a": 1, "b": 2,}',
    '"%(a)s %(c)s" % {"a": 1, "b": 2, "c": 3, "d": 4}',
    '"{a}".format(a=1, b=2)',
    '"{a}".format(b=2, a=1)',
    '"{0}".format(1, 2)',
    '"{0}".format(1, 2, 3)',
    '"{1}".format(1, 2, 3)',
    '"{}".format(1, 2)',
    '"x".format(1, 2)',
    '"x{{}}".format(1, 2)',
    '"{0}".format(1, *a)',
    '"{} {}".format(1)',
    '"{a} {b} {a}".format()',
    '"{}{1}".format(1, 2)',
    '"%(a)s %(b)s %(c)s %(d)s" % {}',
    '"%s %s" % (1,)',
    '"%s %s" % 1',
    '"%s" % (1, 2)',
    '"%(a)s %s" % (1,)',
    '"%*s" % {"a": 1}',
    '"%(a)s" % (1,)',
    '"%s %s" % {"a": 1}',
    '"%y" % 1',
    '"%" % 1',
    '"%(a" % 1',
    '"%99999999999d" % 1',
    '"{" .format(1)',
    '"}" .format(1)',
    '"{0.}".format(1)',
    '"{0[}".format(1)',
    '"{0]x}".format(1)',
    '"{:{:{}}}".format(1, 2, 3)',
    '"{!rr}".format(1)',
    '"{0[]}".format(1)',
    '"{0]}".format(1)',
    '"%4%" % ()',
    '"%.*f" % {"a": 1}',
    '"%s %s" % x',
    '"%s %s" % x()',
    '"%s %s" % [1]',
    '"%s %s" % "a"',
    '"%s %s" % f"a"',
    '"%s %s" % {1}',
    '"%s %s" % 1.5',
    '"%s %s" % (a + b)',
    '"%s %s" % x.y',
    '"%s %s" % None',
    '"%s %s" % True',
    '"%s %s" % b"x"',
    '"%s %s" % (x for x in y)',
    '"%s %s" % [x for x in y]',
    '"%s %s" % -1',
    '"%s %s" % ...',
    '"%s %s" % (1 if x else 2)',
    '"%s %s" % (lambda: 1)',
    '"%s" % (1, *a)',
    '"%s %s" % {"a": 1, **b}',
    '"%s" % 1',
    '"%s %s" % {x: 1 for x in y}',
    '"%(a)s" % [1]',
    '"%(a)s" % {1}',
    '"%(a)s" % [x for x in y]',
    '"%(a)s" % (x for x in y)',
    '"%(a)s" % {x for x in y}',
    '"%(a)s" % "s"',
    '"%(a)s" % 1',
    '"%(a)s %(b)s" % {"a": 1, **c}',
    '"%(a)s %(b)s" % {"a": 1, c: 2}',
    '"%(a)s" % {"a": 1, c: 2}',
    '"%(a)s" % {"a": 1, "b": 2, **c}',
    '"%(a)s %s %(b)s" % {"a": 1}',
    '"" % ()',
    '"abc" % (1,)',
    '"%%" % (1,)',
    '"%s" % ()',
    '"%*.*f" % (1, 2, 3)',
    '"%(a)*s" % {"a": 1}',
    "('%s'  '%s') % (1,)",
    "'%s' '%s' % (1,)",
    '"\\x25s %s" % (1,)',
    'r"%s\\n %s" % (1,)',
    '"%(a)s" % dict(a=1)',
    '"%s %s" % (1 if x else "a")',
    '"%s %s" % (1 if x else (1, 2))',
    '"%s %s" % (1 if x else y)',
    '"%s %s" % (1 + 2)',
    '"%s %s" % ("a" + "b")',
    '"%s %s" % ("a" + 1)',
    '"%s %s" % ((1,) + (2,))',
    '"%s %s" % (x := 1)',
    '"%s %s" % (not x)',
    '"%s %s" % ~1',
    '"%s %s" % ~"a"',
    '"%s %s" % (1 or 2)',
    '"%s %s" % (1 or y)',
    '"%s %s" % ("a" % x)',
    '"%s %s" % (1 / 2)',
    '"%s %s" % (1 < 2)',
    '"%s %s" % [1] * 2',
    '"%s %s" % ([1] * 2)',
    '"%s %s" % (1 * 2)',
    '"%s %s" % ({1} - {2})',
    '"%s" % ((1,) + (2,))',
    '"%s" % (1 if x else (1, 2))',
    '"%s %s" % -"a"',
    '"a" % x',
    '"a" % x()',
    '"a" % ()',
    '"a" % {}',
    '"a" % {"a": 1}',
    '"abc" % [1]',
    '"a" % x.y',
    '"%s" % x',
    '"%%" % x',
    '"a" % (x,)',
    '"a" % {**x}',
    '"a" % {x: 1 for x in y}',
    '"a" % dict()',
    '"%(a)s" % x',
    '"a" % ((1,) + (2,))',
    '"a" % (1 if x else "a")',
    '"a" % ("a" + 1)',
    '"%%" % ()',
    '"a" % (*x,)',
    '"a" % (x := ())',
    '"%*s" % x',
    '"%*s" % 1',
    '"%s" % {"a": 1}',
    '"%s" % {}',
    '"%.*s %s" % (1, 2)',
    '"\\\\N{x}".format(1)',
    '"x".format(1, a=2)',
    '("a" "b").format(1)',
    '"x\\n".format(1)',
    'b"%s %s" % (1,)',
    '"%(foo)s %(bar)s %(baz)s" % {}',
    '"%(x)s %(y)s" % {}',
    '"%(name)s %(value)s %(key)s %(lr)s %(epoch)s" % {}',
    '"{0}".format(1, 2, )',
    '"{a}".format(b=1, a=2, c=3)',
    '"{0}".format((1), (2))',
    '"{0}".format(1, (2))',
    '("{}" "{}").format(1, 2, 3)',
    '"x{}".format(1, 2,)',
    '"{a}".format(a=1, b=2, **k)',
    '"{}".format(1, 2, **k)',
    '"{}".format(1, 2, b=3)',
    '"{}".format(*a, 1, 2)',
]

PERCENT_PIECES = [
    "%s", "%d", "%(a)s", "%(b)d", "%*d", "%.*f", "%%", "%", "%(", "%y", "x", "%5.2f", "%-s",
    "%(a)*s", "%lf", "%()s", "%(a(b))s", "%c", "% d", "%#x",
]
PERCENT_VALUES = [
    "(1,)", "(1, 2)", "(1, 2, 3)", "()", "{'a': 1}", "{'a': 1, 'b': 2}", "{}", "x", "[1]", "1",
    "'s'", "{'a': 1, **k}", "(*x,)", "{x: 1 for x in y}", "(1 if c else 2)", "{'b': 2}",
]
BRACE_PIECES = [
    "{}", "{0}", "{1}", "{a}", "{b}", "{{", "}}", "{", "}", "{0.x}", "{0[1]}", "{a.}", "{a[]}",
    "{:{}}", "{a:{b}}", "{0!r}", "{!rr}", "{:{:{}}}", "x", "{0]}", "{a[x}", "\\N{y}", "{:>{w}}",
    "{ }", "{-1}", "{+1}", "{00}",
]
BRACE_ARGUMENTS = [
    "", "1", "1, 2", "1, 2, 3", "a=1", "b=2", "a=1, b=2", "*x", "**k", "1, a=1", "w=1",
    "x=1, w=2", "1, *x", "y=1", "1, 2, b=3",
]


def cases(count: int) -> list[str]:
    rng = random.Random(7)
    lines = list(EDGE_CASES)
    for _ in range(count):
        text = "".join(rng.choice(PERCENT_PIECES) for _ in range(rng.randint(0, 4)))
        lines.append(f"{json.dumps(text)} % {rng.choice(PERCENT_VALUES)}")
    for _ in range(count):
        text = "".join(rng.choice(BRACE_PIECES) for _ in range(rng.randint(0, 4)))
        lines.append(f"{json.dumps(text)}.format({rng.choice(BRACE_ARGUMENTS)})")
    return [line for line in lines if parses(line)]


def parses(line: str) -> bool:
    try:
        ast.parse(line)
    except SyntaxError:
        return False
    return True


def main() -> int:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    cells = [
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": [line]}
        for line in cases(600)
    ]
    notebook = {
        "cells": cells,
        "metadata": {
            "kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = out / "format_strings.ipynb"
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    print(f"{len(cells)} cells in {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
