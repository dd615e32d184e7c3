//! `E731` lambda-assignment: `f = lambda x: 2 * x`.

use nbtidy_diagnostics::{Edit, Fix};
use ruff_python_ast::name::Name;
use ruff_python_ast::statement_visitor::{self, StatementVisitor};
use ruff_python_ast::token::{Token, TokenKind, parenthesized_range};
use ruff_python_ast::{AnyNodeRef, Expr, ExprLambda, Parameters, Stmt};
use ruff_text_size::{Ranged, TextRange};
use rustc_hash::FxHashSet;

use crate::context::{CellView, Context};
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Checks for lambda expressions assigned to a name (`f = lambda x: 2 * x`).
    ///
    /// As in ruff, an annotated assignment in a class body (a dataclass or pydantic field) is
    /// not reported, and only an assignment to one name is.
    ///
    /// ## Why is this bad?
    /// PEP 8: "Always use a def statement instead of an assignment statement that binds a
    /// lambda expression directly to an identifier." A `def` has a name in tracebacks and in
    /// the notebook's variable inspector (a lambda is `<lambda>`), can have a docstring and
    /// annotations, and the assignment throws away the one thing a lambda is good for: being
    /// written inside another expression.
    ///
    /// ## Example
    /// ```python
    /// normalize = lambda x: (x - x.mean()) / x.std()
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// def normalize(x):
    ///     return (x - x.mean()) / x.std()
    /// ```
    ///
    /// ## Fix safety
    /// The fix rewrites the assignment as a `def` (the parameters as ruff's code generator
    /// writes them, the body as written, indented with the notebook's first indentation, or
    /// four spaces). It is unsafe, as in ruff: the function's `__name__` changes from
    /// `<lambda>` to its name, and code that checks the value's type or rebinds the name may
    /// behave differently.
    ///
    /// No fix is offered where ruff offers none or only shows one: when another statement
    /// shares the line (`f = lambda: 0; g = 1`, a cell-ending `f = lambda: 0;`), or when the
    /// name was declared with an annotation in the same scope. Unlike ruff, nbtidy also
    /// offers no fix for an annotated assignment (`f: Callable[[int], int] = lambda x: x`;
    /// ruff moves the `Callable` types onto the parameters), for a lambda whose defaults span
    /// lines, or whose body spans lines in an indented block (ruff indents the body's later
    /// lines, which changes the text of a multi-line string in it); a body over several lines
    /// in an unindented statement is kept as written, as in ruff. Where only the lambda spans
    /// lines (`f = (lambda x:` then `x + 1)`) the body is returned as written (`return x + 1`)
    /// where ruff writes `return (x + 1)`.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct LambdaAssignment {
        code: "E731",
        name: "lambda-assignment",
        severity: Warning,
        recommended: true,
        fix: FixAvailability::Sometimes(nbtidy_diagnostics::Applicability::Unsafe),
        keys: [],
    }
}

impl Rule for LambdaAssignment {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        // The module scope spans the cells.
        let mut module_annotated = FxHashSet::default();
        let mut indent_unit: Option<String> = None;
        for (cell, module) in context.python_cells() {
            let mut finder = Finder {
                scopes: Vec::new(),
                module_annotated: &mut module_annotated,
                found: Vec::new(),
            };
            finder.visit_body(&module.body);
            for found in finder.found {
                let mut diagnostic = context.code_diagnostic(
                    &Self::META,
                    "do not assign a `lambda` expression, use a `def`",
                    cell.index,
                    found.statement,
                );
                if found.fixable {
                    let unit = indent_unit.get_or_insert_with(|| first_indentation(context));
                    if let Some(replacement) = as_def(cell, &found, unit) {
                        diagnostic.fix_title = Some(format!("Rewrite `{}` as a `def`", found.name));
                        diagnostic.fix = Some(Fix::unsafe_(vec![Edit::code(
                            cell.index,
                            found.statement.start().to_usize()..found.statement.end().to_usize(),
                            replacement,
                        )]));
                    }
                }
                out.push(diagnostic);
            }
        }
    }
}

/// The indentation of the first indented block of the notebook (what ruff's code generator
/// uses), four spaces when there is none.
fn first_indentation(context: &Context<'_>) -> String {
    context
        .python_cells()
        .find_map(|(cell, _)| {
            let parsed = cell.parsed()?;
            let indent = parsed
                .tokens()
                .iter()
                .find(|token| token.kind() == TokenKind::Indent)?;
            let line = &cell.text()[cell.text()[..indent.end().to_usize()]
                .rfind('\n')
                .map_or(0, |at| at + 1)
                ..indent.end().to_usize()];
            (!line.is_empty()).then(|| line.to_owned())
        })
        .unwrap_or_else(|| "    ".to_owned())
}

/// `def NAME(PARAMETERS):` and `return BODY` on the next line, or `None` when a default
/// spans lines, the body spans lines in an indented statement, or the code is not where the
/// tree says.
fn as_def(cell: &CellView<'_>, found: &Found<'_>, unit: &str) -> Option<String> {
    let source = cell.text();
    let parsed = cell.parsed()?;
    let line_start = own_line(parsed.tokens(), found.statement)?;
    let lambda = found.lambda;
    let body = parenthesized_range(
        (&*lambda.body).into(),
        AnyNodeRef::from(lambda),
        parsed.tokens(),
    )
    .unwrap_or(lambda.body.range());
    let body = source.get(body.start().to_usize()..body.end().to_usize())?;
    let parameters = match &lambda.parameters {
        Some(parameters) => parameters_code(parameters, source)?,
        None => String::new(),
    };
    let indentation = &source[line_start..found.statement.start().to_usize()];
    // A body over several lines stays as written: its line breaks are inside brackets (or
    // after a backslash), where indentation does not matter. Ruff also indents its later lines
    // by the statement's indentation, which would change a multi-line string's text; nbtidy
    // offers no fix there instead.
    if parameters.contains(['\n', '\r']) || (!indentation.is_empty() && body.contains(['\n', '\r']))
    {
        return None;
    }
    Some(format!(
        "def {}({parameters}):\n{indentation}{unit}return {body}",
        found.name
    ))
}

/// The parameters as ruff's code generator writes them (`x, y=1, *args, **kwargs`), each
/// default as written.
fn parameters_code(parameters: &Parameters, source: &str) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    let with_default = |parameter: &ruff_python_ast::ParameterWithDefault| -> Option<String> {
        let name = parameter.parameter.name.as_str();
        Some(match &parameter.default {
            Some(default) => format!(
                "{name}={}",
                source.get(default.start().to_usize()..default.end().to_usize())?
            ),
            None => name.to_owned(),
        })
    };
    for parameter in &parameters.posonlyargs {
        parts.push(with_default(parameter)?);
    }
    if !parameters.posonlyargs.is_empty() {
        parts.push("/".to_owned());
    }
    for parameter in &parameters.args {
        parts.push(with_default(parameter)?);
    }
    if let Some(vararg) = &parameters.vararg {
        parts.push(format!("*{}", vararg.name.as_str()));
    } else if !parameters.kwonlyargs.is_empty() {
        parts.push("*".to_owned());
    }
    for parameter in &parameters.kwonlyargs {
        parts.push(with_default(parameter)?);
    }
    if let Some(kwarg) = &parameters.kwarg {
        parts.push(format!("**{}", kwarg.name.as_str()));
    }
    Some(parts.join(", "))
}

/// One lambda assignment.
struct Found<'a> {
    statement: TextRange,
    name: &'a Name,
    lambda: &'a ExprLambda,
    fixable: bool,
}

/// One function or class scope: whether it is a class body, and the names declared there with
/// an annotation and no value (`f: Callable[[int], int]`).
struct Scope<'a> {
    class: bool,
    annotated: FxHashSet<&'a Name>,
}

struct Finder<'a, 'm> {
    /// Function and class scopes, innermost last; empty at module level.
    scopes: Vec<Scope<'a>>,
    module_annotated: &'m mut FxHashSet<Name>,
    found: Vec<Found<'a>>,
}

impl<'a> Finder<'a, '_> {
    fn in_class(&self) -> bool {
        self.scopes.last().is_some_and(|scope| scope.class)
    }

    fn annotated(&self, name: &Name) -> bool {
        match self.scopes.last() {
            Some(scope) => scope.annotated.contains(name),
            None => self.module_annotated.contains(name),
        }
    }

    fn assignment(
        &mut self,
        statement: &'a Stmt,
        target: &'a Expr,
        value: &'a Expr,
        annotated: bool,
    ) {
        let (Expr::Name(target), Expr::Lambda(lambda)) = (target, value) else {
            return;
        };
        // A field of a dataclass or pydantic model: the lambda is meant.
        if annotated && self.in_class() {
            return;
        }
        let fixable = !annotated && !self.annotated(&target.id);
        self.found.push(Found {
            statement: statement.range(),
            name: &target.id,
            lambda,
            fixable,
        });
    }
}

impl<'a> StatementVisitor<'a> for Finder<'a, '_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::Assign(assign) => {
                if let [target] = &*assign.targets {
                    self.assignment(stmt, target, &assign.value, false);
                }
            }
            Stmt::AnnAssign(assign) => match &assign.value {
                Some(value) => self.assignment(stmt, &assign.target, value, true),
                None => {
                    if let Expr::Name(name) = &*assign.target {
                        match self.scopes.last_mut() {
                            Some(scope) => {
                                scope.annotated.insert(&name.id);
                            }
                            None => {
                                self.module_annotated.insert(name.id.clone());
                            }
                        }
                    }
                }
            },
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {
                self.scopes.push(Scope {
                    class: matches!(stmt, Stmt::ClassDef(_)),
                    annotated: FxHashSet::default(),
                });
                statement_visitor::walk_stmt(self, stmt);
                self.scopes.pop();
                return;
            }
            _ => {}
        }
        statement_visitor::walk_stmt(self, stmt);
    }
}

/// Where the line of the statement at `range` starts, when the statement has its lines to
/// itself: no code before it on its first line (a continued line counts as code), nothing but a
/// comment after it on its last line. `None` when it shares a line (`x = 1; import os`,
/// `if x: import os`, `import os;`). Found in the tokens next to the statement, so the cost
/// does not grow with the line.
pub(crate) fn own_line(tokens: &[Token], range: TextRange) -> Option<usize> {
    let first = tokens.partition_point(|token| token.start() < range.start());
    let after = tokens.partition_point(|token| token.start() < range.end());
    let alone_after = tokens.get(after).is_none_or(|token| {
        matches!(
            token.kind(),
            TokenKind::Newline
                | TokenKind::NonLogicalNewline
                | TokenKind::Comment
                | TokenKind::EndOfFile
        )
    });
    if !alone_after {
        return None;
    }
    let before = tokens[..first]
        .iter()
        .rev()
        .find(|token| !matches!(token.kind(), TokenKind::Indent | TokenKind::Dedent));
    match before {
        None => Some(0),
        Some(token)
            if matches!(
                token.kind(),
                TokenKind::Newline | TokenKind::NonLogicalNewline
            ) =>
        {
            Some(token.end().to_usize())
        }
        Some(_) => None,
    }
}
