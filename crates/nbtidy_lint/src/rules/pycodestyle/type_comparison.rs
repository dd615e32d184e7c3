//! `E721` type-comparison: `type(x) == type(y)`, `type(x) == int`.

use ruff_python_ast::{AnyNodeRef, CmpOp, Expr, NodeKind};
use ruff_text_size::Ranged;

use crate::checker::At;
use crate::context::Context;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};
use crate::semantic::{self, BindingId, SemanticModel};

crate::declare_rule! {
    /// ## What it does
    /// Checks for comparisons of types with `==` or `!=`: one side is a call of the builtin
    /// `type` or a builtin class (`int`, `str`, `list`, `dict`, `ValueError`, ...).
    ///
    /// Comparisons involving a NumPy dtype (`arr.dtype == float`, `np.dtype(x) == int`) are
    /// not reported: a dtype is meant to compare equal to scalar types. A name that the
    /// notebook rebinds (`int = 3` in an earlier cell, in "Run All" order) is not a builtin.
    /// A chain with two type comparisons (`type(a) == int == type(b)`) is one finding, where
    /// ruff reports the same one twice. As in ruff, the statement of a `%time` / `%timeit`
    /// line is not checked (it is an IPython command, not Python, to the parser).
    ///
    /// ## Why is this bad?
    /// `type(x) == int` is false for a subclass (`bool`, a NumPy integer registered as a
    /// subclass, a custom `dict`): `isinstance(x, int)` is usually what is meant. When the
    /// exact type is meant, `type(x) is int` says so: classes are compared by identity.
    ///
    /// ## Example
    /// ```python
    /// if type(value) == int:
    ///     total += value
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// if isinstance(value, int):
    ///     total += value
    /// ```
    ///
    /// ## Fix safety
    /// No fix, as in ruff: `isinstance` and `is` answer different questions, and which one is
    /// meant is a decision.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct TypeComparison {
        code: "E721",
        name: "type-comparison",
        severity: Warning,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

impl Rule for TypeComparison {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn visits(&self) -> &'static [NodeKind] {
        &[NodeKind::ExprCompare]
    }

    fn visit(&self, node: AnyNodeRef<'_>, at: &At<'_, '_>, out: &mut Diagnostics) {
        let AnyNodeRef::ExprCompare(compare) = node else {
            return;
        };
        if !compare
            .ops
            .iter()
            .any(|op| matches!(op, CmpOp::Eq | CmpOp::NotEq))
        {
            return;
        }
        let (context, cell) = (at.context, at.cell);
        // The model is built once per notebook, on the first candidate.
        let names = Names::new(context);
        let mut left = &*compare.left;
        for (op, right) in compare.ops.iter().zip(&compare.comparators) {
            if matches!(op, CmpOp::Eq | CmpOp::NotEq)
                && (names.is_type(cell.index, left) || names.is_type(cell.index, right))
                && !names.is_dtype(cell.index, left)
                && !names.is_dtype(cell.index, right)
            {
                out.push(context.code_diagnostic(
                    &Self::META,
                    "use `is` and `is not` for type comparisons, or `isinstance()` for isinstance checks",
                    cell.index,
                    compare.range(),
                ));
            }
            left = right;
        }
    }
}

/// What the loads of the notebook resolved to: `(cell, start)` → binding (`None`: a builtin or
/// nothing).
struct Names {
    model: std::rc::Rc<SemanticModel>,
}

impl Names {
    fn new(context: &Context<'_>) -> Self {
        Self {
            model: semantic::model(context),
        }
    }

    /// The binding the load at `expr` resolved to; `None` for a builtin.
    fn binding(&self, cell: usize, expr: &Expr) -> Option<BindingId> {
        self.model
            .reference_at(cell, expr.start())
            .and_then(|reference| reference.binding)
    }

    /// `name` at `expr` is the builtin of that name (not rebound by the notebook).
    fn is_builtin(&self, cell: usize, expr: &Expr, name: &str) -> bool {
        matches!(expr, Expr::Name(n) if n.id.as_str() == name) && self.binding(cell, expr).is_none()
    }

    /// `type(...)` or a builtin class.
    fn is_type(&self, cell: usize, expr: &Expr) -> bool {
        match expr {
            Expr::Call(call) => self.is_builtin(cell, &call.func, "type"),
            Expr::Name(name) => {
                BUILTIN_TYPES.contains(&name.id.as_str()) && self.binding(cell, expr).is_none()
            }
            _ => false,
        }
    }

    /// `x.dtype` or `numpy.dtype(...)` (through any name `numpy` or `numpy.dtype` is bound
    /// to by an import).
    fn is_dtype(&self, cell: usize, expr: &Expr) -> bool {
        match expr {
            Expr::Attribute(attribute) => attribute.attr.as_str() == "dtype",
            Expr::Call(call) => {
                let imported = |expr: &Expr| {
                    self.binding(cell, expr)
                        .and_then(|id| self.model.bindings[id].kind.qualified_name())
                        .map(str::to_owned)
                };
                match &*call.func {
                    Expr::Attribute(attribute) if attribute.attr.as_str() == "dtype" => {
                        matches!(&*attribute.value, Expr::Name(_))
                            && imported(&attribute.value).as_deref() == Some("numpy")
                    }
                    func @ Expr::Name(_) => imported(func).as_deref() == Some("numpy.dtype"),
                    _ => false,
                }
            }
            _ => false,
        }
    }
}

/// The builtin classes ruff's E721 knows.
const BUILTIN_TYPES: &[&str] = &[
    "bool",
    "bytearray",
    "bytes",
    "classmethod",
    "complex",
    "dict",
    "enumerate",
    "filter",
    "float",
    "frozenset",
    "int",
    "list",
    "map",
    "memoryview",
    "object",
    "property",
    "range",
    "reversed",
    "set",
    "slice",
    "staticmethod",
    "str",
    "super",
    "tuple",
    "type",
    "zip",
    "ArithmeticError",
    "AssertionError",
    "AttributeError",
    "BaseException",
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
    "EnvironmentError",
    "EOFError",
    "Exception",
    "FileExistsError",
    "FileNotFoundError",
    "FloatingPointError",
    "FutureWarning",
    "GeneratorExit",
    "ImportError",
    "ImportWarning",
    "IndentationError",
    "IndexError",
    "InterruptedError",
    "IOError",
    "IsADirectoryError",
    "KeyboardInterrupt",
    "KeyError",
    "LookupError",
    "MemoryError",
    "ModuleNotFoundError",
    "NameError",
    "NotADirectoryError",
    "NotImplementedError",
    "OSError",
    "OverflowError",
    "PendingDeprecationWarning",
    "PermissionError",
    "ProcessLookupError",
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
    "ZeroDivisionError",
];
