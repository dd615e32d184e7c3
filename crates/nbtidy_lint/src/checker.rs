//! The shared traversal: every parsed Python cell is walked once, and each statement and
//! expression is handed to the rules that asked for its kind ([`Rule::visits`]), as ruff's
//! checker does. A rule that looks at AST nodes therefore costs a table lookup per node, not a
//! walk of its own per cell: with dozens of such rules, one walk each was most of `check`'s time
//! after parsing.
//!
//! What this module is not: the semantic model (bindings, scopes, notebook order) is built by
//! [`crate::semantic`], once per notebook, for the rules that need it; notebook-level and
//! line-based rules run in [`Rule::check`].

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{AnyNodeRef, Expr, NodeKind, Stmt};

use crate::context::{CellView, Context};
use crate::diagnostics::Diagnostics;
use crate::rule::Rule;

/// Where a node is, for a rule's [`Rule::visit`].
pub struct At<'c, 'a> {
    /// The notebook being checked.
    pub context: &'c Context<'a>,
    /// The cell the node is in (its code as parsed: [`CellView::text`]).
    pub cell: &'c CellView<'a>,
    /// The statements enclosing the node, outermost first (a statement is not its own parent).
    pub parents: &'c [&'c Stmt],
    /// The number of lambdas the node is inside (a lambda is a function: `yield` is valid in
    /// `lambda: (yield)`); lambdas contain no statements, so they are all inside `parents`' last.
    pub lambdas: u32,
}

impl At<'_, '_> {
    /// Whether the node is inside a function body (at any depth), including a method's.
    pub fn in_function(&self) -> bool {
        self.parents
            .iter()
            .any(|stmt| matches!(stmt, Stmt::FunctionDef(_)))
    }

    /// The innermost enclosing function or class definition, if any.
    pub fn scope(&self) -> Option<&Stmt> {
        self.parents
            .iter()
            .rev()
            .copied()
            .find(|stmt| matches!(stmt, Stmt::FunctionDef(_) | Stmt::ClassDef(_)))
    }
}

/// The number of node kinds (`NodeKind` is a field-less enum; `Identifier` is its last variant).
const KINDS: usize = NodeKind::Identifier as usize + 1;

/// The rules that asked for each node kind.
pub(crate) struct Dispatch<'r> {
    by_kind: Vec<Vec<&'r dyn Rule>>,
    any: bool,
}

impl<'r> Dispatch<'r> {
    /// The table for `rules` (the ones that do not visit nodes are left out).
    pub(crate) fn new(rules: impl IntoIterator<Item = &'r dyn Rule>) -> Self {
        let mut by_kind: Vec<Vec<&'r dyn Rule>> = (0..KINDS).map(|_| Vec::new()).collect();
        let mut any = false;
        for rule in rules {
            for kind in rule.visits() {
                by_kind[*kind as usize].push(rule);
                any = true;
            }
        }
        Self { by_kind, any }
    }

    /// Walks every parsed Python cell of the notebook once, dispatching its nodes.
    pub(crate) fn run(&self, context: &Context<'_>, out: &mut Diagnostics) {
        if !self.any {
            return;
        }
        for (cell, module) in context.python_cells() {
            let mut walker = Walker {
                dispatch: self,
                context,
                cell,
                parents: Vec::new(),
                lambdas: 0,
                out: &mut *out,
            };
            walker.visit_body(&module.body);
        }
    }
}

struct Walker<'d, 'r, 'c, 'a, 'o> {
    dispatch: &'d Dispatch<'r>,
    context: &'c Context<'a>,
    cell: &'c CellView<'a>,
    parents: Vec<&'c Stmt>,
    lambdas: u32,
    out: &'o mut Diagnostics,
}

impl<'c> Walker<'_, '_, 'c, '_, '_> {
    fn dispatch(&mut self, node: AnyNodeRef<'c>) {
        let rules = &self.dispatch.by_kind[node.kind() as usize];
        if rules.is_empty() {
            return;
        }
        let at = At {
            context: self.context,
            cell: self.cell,
            parents: &self.parents,
            lambdas: self.lambdas,
        };
        for rule in rules {
            rule.visit(node, &at, self.out);
        }
    }
}

impl<'c> Visitor<'c> for Walker<'_, '_, 'c, '_, '_> {
    fn visit_stmt(&mut self, stmt: &'c Stmt) {
        self.dispatch(AnyNodeRef::from(stmt));
        self.parents.push(stmt);
        visitor::walk_stmt(self, stmt);
        self.parents.pop();
    }

    fn visit_expr(&mut self, expr: &'c Expr) {
        self.dispatch(AnyNodeRef::from(expr));
        let lambda = u32::from(matches!(expr, Expr::Lambda(_)));
        self.lambdas += lambda;
        visitor::walk_expr(self, expr);
        self.lambdas -= lambda;
    }
}
