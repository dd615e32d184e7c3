//! Unit tests of the semantic model.

use std::path::Path;

use nbtidy_config::Overrides;
use nbtidy_notebook::Notebook;

use super::*;
use crate::context::Context;

/// A notebook of code cells (a cell starting with `#md` is a markdown cell).
fn notebook(cells: &[&str]) -> String {
    let cells: Vec<serde_json::Value> = cells
        .iter()
        .map(|source| match source.strip_prefix("#md") {
            Some(text) => {
                serde_json::json!({"cell_type": "markdown", "metadata": {}, "source": text})
            }
            None => serde_json::json!({
                "cell_type": "code", "metadata": {}, "source": source,
                "execution_count": null, "outputs": []
            }),
        })
        .collect();
    serde_json::json!({
        "cells": cells,
        "metadata": {"language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5
    })
    .to_string()
}

fn with_model<T>(cells: &[&str], f: impl FnOnce(&SemanticModel) -> T) -> T {
    let temp = tempfile::tempdir().unwrap();
    std::fs::write(temp.path().join(".editorconfig"), "root = true\n").unwrap();
    let path = temp.path().join("n.ipynb");
    let text = notebook(cells);
    std::fs::write(&path, &text).unwrap();
    let resolved = crate::resolver(Overrides::default())
        .resolve(&path)
        .unwrap();
    let parsed = Notebook::parse(text.as_bytes()).unwrap();
    let context = Context::new(Path::new("n.ipynb"), &parsed, &resolved);
    let model = SemanticModel::build(&context);
    f(&model)
}

/// Reported undefined names as `name@cell` (1-based cells).
fn undefined(cells: &[&str]) -> Vec<String> {
    with_model(cells, |m| {
        m.undefined
            .iter()
            .filter(|u| !u.suppressed)
            .map(|u| format!("{}@{}", u.name, u.cell + 1))
            .collect()
    })
}

/// NB001 findings as `name@use-cell->binding-cell`.
fn later(cells: &[&str]) -> Vec<String> {
    with_model(cells, |m| {
        m.defined_later
            .iter()
            .map(|l| {
                format!(
                    "{}@{}->{}",
                    l.name,
                    l.cell + 1,
                    m.bindings[l.binding].cell + 1
                )
            })
            .collect()
    })
}

/// Live, unused bindings of the module scope as `name@cell`.
fn unused(cells: &[&str]) -> Vec<String> {
    with_model(cells, |m| {
        m.live_bindings(MODULE_SCOPE)
            .into_iter()
            .map(|id| &m.bindings[id])
            .filter(|b| !b.is_used() && !b.kind.is_unbound())
            .map(|b| format!("{}@{}", b.name, b.cell + 1))
            .collect()
    })
}

#[test]
fn uses_in_later_cells_count() {
    let cells = ["import os", "#md text", "print(os.getcwd())"];
    assert!(unused(&cells).is_empty());
    assert!(undefined(&cells).is_empty());
}

#[test]
fn uses_only_in_earlier_cells_are_defined_later() {
    let cells = ["print(np.pi)", "import numpy as np"];
    assert_eq!(unused(&cells), ["np@2"]);
    assert_eq!(later(&cells), ["np@1->2"]);
    assert!(undefined(&cells).is_empty());
}

#[test]
fn same_cell_use_before_binding_is_undefined() {
    assert_eq!(undefined(&["print(x)\nx = 1"]), ["x@1"]);
    assert!(later(&["print(x)\nx = 1"]).is_empty());
}

#[test]
fn function_bodies_resolve_at_the_end() {
    let cells = [
        "def f():\n    return np.zeros(3)",
        "import numpy as np\nf()",
    ];
    assert!(unused(&cells).is_empty());
    assert!(later(&cells).is_empty());
    assert!(undefined(&cells).is_empty());
    assert_eq!(undefined(&["def f():\n    return nowhere"]), ["nowhere@1"]);
}

#[test]
fn run_and_star_imports_suppress_later_undefined_names() {
    assert!(undefined(&["%run helpers.py", "load_data()"]).is_empty());
    assert!(undefined(&["%load_ext autoreload\n%store -r df", "df.head()"]).is_empty());
    assert!(undefined(&["from pylab import *", "plot(x)"]).is_empty());
    assert!(undefined(&["%pylab inline", "plot(linspace(0, 1))"]).is_empty());
    // Before the point they still count.
    assert_eq!(undefined(&["a\n%run x.py\nb"]), ["a@1"]);
    // Functions run later: any suppression covers them.
    assert!(undefined(&["def f():\n    return helper()", "%run helpers.py"]).is_empty());
    // Another language's cell may export names.
    assert!(undefined(&["%%R -o df\ndf <- data.frame()", "df.head()"]).is_empty());
    assert_eq!(undefined(&["%%bash\nls", "df.head()"]), ["df@2"]);
}

#[test]
fn builtins_and_ipython_names_are_defined() {
    let cells = [
        "display(In[1], Out[2], _, __, ___, _3, _i3, _ii, get_ipython(), __name__)\nprint(len([]))",
        "await asyncio_sleep() if False else None",
    ];
    assert_eq!(undefined(&cells), ["asyncio_sleep@2"]);
}

#[test]
fn class_scopes_do_not_leak_into_methods() {
    let code = "class A:\n    x = 1\n    y = x + 1\n    def m(self):\n        return x\n    z = [x for _ in range(3)]\n    w = [v for v in range(x)]\n    def n(self):\n        return __class__, A";
    assert_eq!(undefined(&[code]), ["x@1", "x@1"]);
}

#[test]
fn comprehension_targets_are_local() {
    let cells = ["data = [1]\nsquares = [v * v for v in data]", "print(v)"];
    assert_eq!(undefined(&cells), ["v@2"]);
    // Walrus in a comprehension binds in the enclosing scope.
    assert!(undefined(&["ys = [(last := v) for v in range(3)]\nprint(last)"]).is_empty());
}

#[test]
fn global_in_a_function_binds_in_the_module() {
    let cells = [
        "def setup():\n    global CONFIG\n    CONFIG = {}",
        "setup()\nprint(CONFIG)",
    ];
    assert!(undefined(&cells).is_empty());
    assert!(later(&cells).is_empty());
}

#[test]
fn nonlocal_uses_the_enclosing_binding() {
    let code = "def outer():\n    count = 0\n    def inc():\n        nonlocal count\n        count += 1\n    return inc";
    with_model(&[code], |m| {
        let count: Vec<&Binding> = m.bindings.iter().filter(|b| b.name == "count").collect();
        assert!(count[0].is_used());
        assert!(count.iter().skip(1).all(|b| b.flags.nonlocal));
    });
}

#[test]
fn deletion_unbinds() {
    assert_eq!(undefined(&["x = 1\ndel x\nprint(x)"]), ["x@1"]);
    assert!(undefined(&["x = 1\nif x:\n    del x\nprint(x)"]).is_empty());
    assert_eq!(undefined(&["del nothing"]), ["nothing@1"]);
}

#[test]
fn except_names_are_unbound_after_the_handler() {
    assert_eq!(
        undefined(&["try:\n    pass\nexcept ValueError as err:\n    print(err)\nprint(err)"]),
        ["err@1"]
    );
}

#[test]
fn imports_bind_the_right_names() {
    let cells = [
        "import os.path\nimport numpy as np\nfrom collections import OrderedDict as OD, deque\nfrom . import sibling",
    ];
    assert_eq!(
        unused(&cells),
        ["os@1", "np@1", "OD@1", "deque@1", "sibling@1"]
    );
    with_model(&cells, |m| {
        let kinds: Vec<String> = m
            .bindings
            .iter()
            .map(|b| b.kind.qualified_name().unwrap_or("-").to_owned())
            .collect();
        assert_eq!(
            kinds,
            [
                "os.path",
                "numpy",
                "collections.OrderedDict",
                "collections.deque",
                ".sibling"
            ]
        );
        assert_eq!(m.imports.len(), 4);
        assert_eq!(m.imports[2].aliases.len(), 2);
    });
}

#[test]
fn match_captures_type_params_and_annotations() {
    let code = "match cmd:\n    case [first, *rest]:\n        print(first, rest)\n    case {'k': v, **others}:\n        print(v, others)\n    case Point(x=px) as whole:\n        print(px, whole)\n";
    assert_eq!(undefined(&[code]), ["cmd@1", "Point@1"]);
    let generic = "def first[T](xs: list[T]) -> T:\n    return xs[0]\nclass Box[T]:\n    item: T\ntype Pair[K] = tuple[K, K]";
    assert!(undefined(&[generic]).is_empty());
    // String annotations are forward references, resolved at the end.
    let forward = "from typing import Literal\ndef f(x: 'Model', mode: Literal['fast']) -> 'list[Model]':\n    pass";
    assert_eq!(undefined(&[forward]), ["Model@1", "Model@1"]);
    assert!(undefined(&[forward, "class Model:\n    pass"]).is_empty());
}

#[test]
fn dunder_all_entries_are_uses() {
    assert!(
        unused(&["import os\n__all__ = ['os']"])
            .iter()
            .all(|u| u == "__all__@1")
    );
}

#[test]
fn magics_that_bind_names() {
    assert!(undefined(&["%time y = compute = 1", "print(y, compute)"]).is_empty());
    assert!(unused(&["import numpy as np\n%timeit -n 10 -r 3 np.zeros(3)"]).is_empty());
    assert!(undefined(&["%%capture --no-stderr out\nprint(1)", "out.show()"]).is_empty());
    with_model(&["x = 1\n%time y = x"], |m| {
        let y = m.bindings.iter().find(|b| b.name == "y").unwrap();
        assert_eq!(
            (y.range.start().to_usize(), y.range.end().to_usize()),
            (12, 13)
        );
    });
}

#[test]
fn broken_cells_bind_but_report_nothing() {
    let cells = [
        "import pandas as pd\nx = (",
        "df = pd.DataFrame()\nprint(undefined_here)",
    ];
    with_model(&cells, |m| {
        assert_eq!(m.broken_cells, [0]);
        assert!(!m.is_reportable(0));
    });
    assert_eq!(undefined(&cells), ["undefined_here@2"]);
    assert_eq!(undefined(&["print(nothing)\nx = (", "print(pd)"]), ["pd@2"]);
}

#[test]
fn rebinding_inherits_uses_and_records_shadowing() {
    with_model(&["import os\nprint(os)", "import os"], |m| {
        assert!(m.bindings[1].is_used());
        assert_eq!(m.bindings[1].shadows, Some(0));
    });
    with_model(&["import os", "def f(os):\n    return os"], |m| {
        let argument = m
            .bindings
            .iter()
            .find(|b| b.kind == BindingKind::Argument)
            .unwrap();
        assert_eq!(argument.shadows_outer, Some(0));
    });
}

#[test]
fn locals_marks_the_scope() {
    with_model(&["def f():\n    a = 1\n    return locals()"], |m| {
        assert!(
            m.scopes
                .iter()
                .any(|s| s.kind == ScopeKind::Function && s.uses_locals)
        );
    });
}

#[test]
fn dummy_names() {
    for name in ["_", "__", "_x", "_unused1", "__x"] {
        assert!(is_dummy(name), "{name}");
    }
    for name in ["x", "_x_", "__init__", "x_"] {
        assert!(!is_dummy(name), "{name}");
    }
}

#[test]
fn shell_expansions_are_soft_uses() {
    let cells = [
        "import os\nfiles = ['a']\nfor f in files:\n    !echo {os.path.splitext(f)[0]} $f $HOME {{literal}}",
        "out = !ls {files[0]}",
    ];
    assert!(unused(&cells).iter().all(|u| u == "out@2"));
    assert!(undefined(&cells).is_empty());
    with_model(&["import os\n!echo {os.sep}"], |m| {
        let os_use = m.references.iter().find(|r| r.name == "os").unwrap();
        assert_eq!(
            (
                os_use.range.start().to_usize(),
                os_use.range.end().to_usize()
            ),
            (17, 19)
        );
    });
}

#[test]
fn aliased_module_uses_its_submodule_imports() {
    assert!(unused(&["import pyarrow as pa\nimport pyarrow.csv\npa.csv.read_csv('x')"]).is_empty());
    assert_eq!(unused(&["import pyarrow.csv"]), ["pyarrow@1"]);
}

#[test]
fn name_error_handlers_expect_undefined_names() {
    let cells = [
        "try:\n    model\nexcept NameError:\n    model = 1",
        "try:\n    other\nexcept KeyError:\n    pass",
    ];
    assert_eq!(undefined(&cells), ["other@2"]);
}

/// Undefined names of one cell as `name@row`.
fn undefined_rows(code: &str) -> Vec<String> {
    with_model(&[code], |m| {
        m.undefined
            .iter()
            .filter(|u| !u.suppressed)
            .map(|u| {
                let row = code[..u.range.start().to_usize()].matches('\n').count() + 1;
                format!("{}@{row}", u.name)
            })
            .collect()
    })
}

/// The name-binding family audited against pyflakes, with ruff 0.16.4 (`ruff check --select
/// F821`) as the oracle: each case's expectation is ruff's output, except where a comment says
/// why nbtidy differs.
#[test]
fn undefined_names_agree_with_ruff() {
    let cases: &[(&str, &str, &[&str])] = &[
        // `global`: a function's `global x` binds `x` in the module, wherever that function is.
        (
            "global, bound by a function defined after the use (issue 12)",
            "def use():\n    return sess.run(1)\n\ndef reset():\n    global sess\n    sess = 1\n\nreset()\n",
            &[],
        ),
        (
            "global, module-level use before any call",
            "print(cfg)\ndef setup():\n    global cfg\n    cfg = 1\n",
            &["cfg@1"],
        ),
        (
            "global, use after the call",
            "def setup():\n    global cfg\n    cfg = 1\nsetup()\nprint(cfg)\n",
            &[],
        ),
        (
            "global declaration only",
            "def f():\n    global g\n    return g\n",
            &[],
        ),
        (
            "global augmented",
            "def f():\n    global n\n    n += 1\ndef g():\n    return n\n",
            &[],
        ),
        (
            "global import",
            "def load():\n    global np\n    import numpy as np\ndef use():\n    return np.zeros(1)\n",
            &[],
        ),
        (
            "global loop variable",
            "def f():\n    global i\n    for i in range(3):\n        pass\ndef g():\n    return i\n",
            &[],
        ),
        (
            "global in a class body",
            "class A:\n    global h\n    h = 1\nprint(h)\n",
            &[],
        ),
        (
            "global deleted by a function",
            "x = 1\ndef f():\n    global x\n    del x\nprint(x)\n",
            &[],
        ),
        // `nonlocal`
        (
            "nonlocal",
            "def outer():\n    x = 0\n    def inner():\n        nonlocal x\n        x += 1\n        return x\n    return inner\n",
            &[],
        ),
        (
            "nonlocal bound after the inner function",
            "def outer():\n    def inner():\n        nonlocal x\n        x = 1\n    x = 0\n    inner()\n    return x\n",
            &[],
        ),
        // Class scopes: the body's names are not visible in methods, lambdas, nested classes
        // or comprehension elements; they are in defaults, decorators and the first iterable.
        (
            "class name in a method",
            "class A:\n    k = 1\n    def m(self):\n        return k\n",
            &["k@4"],
        ),
        (
            "class name in a lambda",
            "class A:\n    k = 1\n    f = lambda self: k\n",
            &["k@3"],
        ),
        (
            "class name in a nested class",
            "class A:\n    k = 1\n    class B:\n        j = k\n",
            &["k@4"],
        ),
        (
            "class name in a default",
            "class A:\n    k = 1\n    def m(self, v=k):\n        return v\n",
            &[],
        ),
        (
            "class name as a decorator",
            "class A:\n    def deco(f):\n        return f\n    @deco\n    def m(self):\n        pass\n",
            &[],
        ),
        (
            "class name in a comprehension's iterable",
            "class A:\n    xs = [1, 2]\n    ys = [x for x in xs]\n",
            &[],
        ),
        (
            "class name in a comprehension's element",
            "class A:\n    n = 2\n    ys = [n for x in range(3)]\n",
            &["n@3"],
        ),
        (
            "__module__, __qualname__, __class__",
            "class A:\n    print(__module__, __qualname__)\n    def m(self):\n        return __class__\n",
            &[],
        ),
        // Comprehensions
        (
            "nested generators",
            "xs = [[1]]\nys = [y for x in xs for y in x]\n",
            &[],
        ),
        (
            "comprehension variables do not leak",
            "ys = [x for x in range(3)]\nprint(x)\n",
            &["x@2"],
        ),
        (
            "walrus binds outside",
            "ys = [(last := v) for v in range(3)]\nprint(last)\n",
            &[],
        ),
        (
            "generator in a function",
            "def f(rows):\n    return sum(r for r in rows if r)\n",
            &[],
        ),
        // `del`
        ("del then use", "x = 1\ndel x\nprint(x)\n", &["x@3"]),
        (
            "del in a function",
            "def f():\n    x = 1\n    del x\n    return x\n",
            &["x@4"],
        ),
        ("del under if", "x = 1\nif x:\n    del x\nprint(x)\n", &[]),
        // ruff: x@4 (pyflakes treats only `if`/`while` as conditional); nbtidy does not
        // report after a `del` in a loop, `try` or `match` body, which may not run.
        (
            "del in a loop",
            "for i in range(3):\n    x = i\n    del x\nprint(x)\n",
            &[],
        ),
        (
            "del in try",
            "x = 1\ntry:\n    del x\nexcept Exception:\n    pass\nprint(x)\n",
            &[],
        ),
        ("del then rebind", "m = 1\ndel m\nm = 2\nprint(m)\n", &[]),
        (
            "del before a function's call",
            "x = 1\ndef f():\n    return x\ndel x\n",
            &["x@3"],
        ),
        // Conditional and guarded imports
        (
            "if/else imports",
            "import sys\nif sys.version_info >= (3, 11):\n    import tomllib\nelse:\n    import tomli as tomllib\ntomllib.loads('')\n",
            &[],
        ),
        (
            "try/except ImportError",
            "try:\n    import ujson as json\nexcept ImportError:\n    import json\njson.dumps(1)\n",
            &[],
        ),
        (
            "fallback to None",
            "try:\n    import torch\nexcept ImportError:\n    torch = None\nprint(torch)\n",
            &[],
        ),
        (
            "import only in try",
            "try:\n    import torch\nexcept ImportError:\n    pass\nprint(torch)\n",
            &[],
        ),
        // `__all__`: undefined exports are F822, not F821.
        ("undefined __all__ entry", "__all__ = ['nothing']\n", &[]),
        (
            "__all__ +=",
            "import os\n__all__ = ['os']\n__all__ += ['path']\n",
            &[],
        ),
        // TYPE_CHECKING and annotations
        (
            "TYPE_CHECKING imports in string annotations",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pandas import DataFrame\ndef f(df: 'DataFrame') -> 'DataFrame':\n    return df\nx: 'DataFrame'\n",
            &[],
        ),
        (
            "TYPE_CHECKING import used at run time",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pandas import DataFrame\nprint(DataFrame)\n",
            &[],
        ),
        (
            "forward string annotations",
            "def f(x: 'Model') -> 'list[Model]':\n    return [x]\nclass Model:\n    pass\n",
            &[],
        ),
        (
            "undefined string annotation",
            "def f(x: 'Nowhere'):\n    return x\n",
            &["Nowhere@1"],
        ),
        (
            "module variable annotation",
            "x: 'Later' = 1\nclass Later:\n    pass\n",
            &[],
        ),
        (
            "local variable annotation",
            "def f():\n    y: 'Local' = 1\n    return y\n",
            &["Local@2"],
        ),
        (
            "from __future__ import annotations",
            "from __future__ import annotations\ndef f(x: Model) -> Model:\n    return x\nclass Model:\n    pass\n",
            &[],
        ),
        (
            "TypeVar bound",
            "from typing import TypeVar\nT = TypeVar('T', bound='Later')\nclass Later:\n    pass\n",
            &[],
        ),
        (
            "Literal strings",
            "from typing import Literal\ndef f(m: Literal['fast', 'slow']):\n    return m\n",
            &[],
        ),
        (
            "Annotated metadata",
            "from typing import Annotated\ndef f(m: Annotated[int, 'meta data']):\n    return m\n",
            &[],
        ),
        // Other binders
        (
            "except name after the handler",
            "try:\n    pass\nexcept ValueError as err:\n    pass\nprint(err)\n",
            &["err@5"],
        ),
        (
            "except name after the handler, in a function",
            "def f():\n    try:\n        pass\n    except ValueError as err:\n        pass\n    return err\n",
            &["err@6"],
        ),
        (
            "function body, bound later",
            "def f():\n    return late\nlate = 1\n",
            &[],
        ),
        (
            "default, bound later",
            "def f(a=late):\n    return a\nlate = 1\n",
            &["late@1"],
        ),
        (
            "match captures",
            "match 1:\n    case [a, *rest]:\n        print(a, rest)\n    case {'k': v, **others}:\n        print(v, others)\n",
            &[],
        ),
        (
            "type parameters",
            "def first[T](xs: list[T]) -> T:\n    return xs[0]\ntype Pair[K] = tuple[K, K]\n",
            &[],
        ),
        ("type alias, forward", "type A = B\ntype B = int\n", &[]),
        (
            "with target",
            "with open('x') as fh:\n    pass\nprint(fh)\n",
            &[],
        ),
        (
            "loop target after an empty loop",
            "for i in []:\n    pass\nprint(i)\n",
            &[],
        ),
    ];
    let mut failures = Vec::new();
    for (what, code, expected) in cases {
        let got = undefined_rows(code);
        if got != *expected {
            failures.push(format!("{what}: expected {expected:?}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn undefined_locals_are_loads_before_a_local_binding_of_an_outer_name() {
    let locals = with_model(
        &[
            "def f():\n    print(rate)\n    rate = 2\n",
            "def g():\n    print(len)\n    len = 1\n    print(len)\n    len = 2\n",
            "def h():\n    x = 1\n    print(x)\n\ndef k():\n    print(nowhere)\n    nowhere = 1\n",
            "rate = 1\nclass C:\n    print(rate)\n    rate = 3\n",
        ],
        |m| {
            m.undefined_locals
                .iter()
                .map(|u| format!("{}@{}", u.name, u.cell + 1))
                .collect::<Vec<_>>()
        },
    );
    // `rate` is bound in a later cell: function bodies see the whole notebook. `len` is a
    // builtin; it is reported once. `nowhere` exists nowhere else (F821), class bodies are not
    // functions.
    assert_eq!(locals, ["rate@1", "len@2"]);
}

#[test]
fn star_is_set_only_after_a_module_level_star_import() {
    let star = with_model(
        &[
            "print(before)\n",
            "from pylab import *\n",
            "print(after)\ndef f():\n    return inside\n",
            "__all__ = ['plot', 'after']\n",
        ],
        |m| {
            let names: Vec<String> = m
                .undefined
                .iter()
                .map(|u| format!("{}@{}:{}", u.name, u.cell + 1, u.star))
                .collect();
            let exports: Vec<String> = m
                .undefined_exports
                .iter()
                .map(|e| e.name.to_string())
                .collect();
            (names, exports, m.first_module_star.map(|(cell, _)| cell))
        },
    );
    assert_eq!(star.0, ["before@1:false", "after@3:true", "inside@3:true"]);
    assert_eq!(star.1, ["plot", "after"]);
    assert_eq!(star.2, Some(1));
}
