//! Names that exist without being bound by the notebook: Python's builtins, the module dunders
//! and the names IPython puts in the user namespace.

/// Python 3.13's `dir(builtins)`, minus the dunders listed in [`MODULE_DUNDERS`].
const PYTHON_BUILTINS: &[&str] = &[
    "ArithmeticError",
    "AssertionError",
    "AttributeError",
    "BaseException",
    "BaseExceptionGroup",
    "BlockingIOError",
    "BrokenPipeError",
    "BufferError",
    "BytesWarning",
    "ChildProcessError",
    "ConnectionAbortedError",
    "ConnectionError",
    "ConnectionRefusedError",
    "ConnectionResetError",
    "DeprecationWarning",
    "EOFError",
    "Ellipsis",
    "EncodingWarning",
    "EnvironmentError",
    "Exception",
    "ExceptionGroup",
    "False",
    "FileExistsError",
    "FileNotFoundError",
    "FloatingPointError",
    "FutureWarning",
    "GeneratorExit",
    "IOError",
    "ImportError",
    "ImportWarning",
    "IndentationError",
    "IndexError",
    "InterruptedError",
    "IsADirectoryError",
    "KeyError",
    "KeyboardInterrupt",
    "LookupError",
    "MemoryError",
    "ModuleNotFoundError",
    "NameError",
    "None",
    "NotADirectoryError",
    "NotImplemented",
    "NotImplementedError",
    "OSError",
    "OverflowError",
    "PendingDeprecationWarning",
    "PermissionError",
    "ProcessLookupError",
    "PythonFinalizationError",
    "RecursionError",
    "ReferenceError",
    "ResourceWarning",
    "RuntimeError",
    "RuntimeWarning",
    "StopAsyncIteration",
    "StopIteration",
    "SyntaxError",
    "SyntaxWarning",
    "SystemError",
    "SystemExit",
    "TabError",
    "TimeoutError",
    "True",
    "TypeError",
    "UnboundLocalError",
    "UnicodeDecodeError",
    "UnicodeEncodeError",
    "UnicodeError",
    "UnicodeTranslateError",
    "UnicodeWarning",
    "UserWarning",
    "ValueError",
    "Warning",
    "WindowsError",
    "ZeroDivisionError",
    "__build_class__",
    "__debug__",
    "__import__",
    "abs",
    "aiter",
    "all",
    "anext",
    "any",
    "ascii",
    "bin",
    "bool",
    "breakpoint",
    "bytearray",
    "bytes",
    "callable",
    "chr",
    "classmethod",
    "compile",
    "complex",
    "copyright",
    "credits",
    "delattr",
    "dict",
    "dir",
    "divmod",
    "enumerate",
    "eval",
    "exec",
    "exit",
    "filter",
    "float",
    "format",
    "frozenset",
    "getattr",
    "globals",
    "hasattr",
    "hash",
    "help",
    "hex",
    "id",
    "input",
    "int",
    "isinstance",
    "issubclass",
    "iter",
    "len",
    "license",
    "list",
    "locals",
    "map",
    "max",
    "memoryview",
    "min",
    "next",
    "object",
    "oct",
    "open",
    "ord",
    "pow",
    "print",
    "property",
    "quit",
    "range",
    "repr",
    "reversed",
    "round",
    "set",
    "setattr",
    "slice",
    "sorted",
    "staticmethod",
    "str",
    "sum",
    "super",
    "tuple",
    "type",
    "vars",
    "zip",
];

/// Module-level dunders pyflakes knows (`__file__` included, though a kernel rarely sets it).
const MODULE_DUNDERS: &[&str] = &[
    "__name__",
    "__doc__",
    "__builtins__",
    "__spec__",
    "__loader__",
    "__package__",
    "__file__",
    "__annotations__",
    "__cached__",
    "__warningregistry__",
];

/// What IPython adds to the user namespace (besides the numbered `_N` / `_iN`).
const IPYTHON_NAMES: &[&str] = &[
    "In",
    "Out",
    "_",
    "__",
    "___",
    "_i",
    "_ii",
    "_iii",
    "_ih",
    "_oh",
    "_dh",
    "_exit_code",
    "__IPYTHON__",
    "__builtin__",
    "display",
    "get_ipython",
    "exit",
    "quit",
];

/// `true` when `name` exists in a notebook's namespace without being bound by its code.
pub fn is_builtin(name: &str) -> bool {
    PYTHON_BUILTINS.binary_search(&name).is_ok()
        || MODULE_DUNDERS.contains(&name)
        || IPYTHON_NAMES.contains(&name)
        || is_ipython_history_name(name)
}

/// `_N` (output N) and `_iN` (input N), N a number.
fn is_ipython_history_name(name: &str) -> bool {
    let digits = name
        .strip_prefix("_i")
        .or_else(|| name.strip_prefix('_'))
        .unwrap_or("");
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Names bound inside every class body.
pub fn is_class_builtin(name: &str) -> bool {
    matches!(name, "__module__" | "__qualname__")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_are_sorted_for_binary_search() {
        assert!(PYTHON_BUILTINS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn recognises_builtins_and_ipython_names() {
        for name in [
            "print",
            "len",
            "ExceptionGroup",
            "aiter",
            "__name__",
            "__file__",
            "display",
            "get_ipython",
            "In",
            "Out",
            "_",
            "___",
            "_3",
            "_i3",
            "_ii",
            "_dh",
        ] {
            assert!(is_builtin(name), "{name}");
        }
        for name in ["df", "_i", "_x", "_i3x", "____", "np", "__all__"] {
            assert_eq!(is_builtin(name), name == "_i", "{name}");
        }
    }
}
