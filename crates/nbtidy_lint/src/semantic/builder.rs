//! Walks the Python cells in notebook order and builds the [`SemanticModel`].

use std::collections::VecDeque;
use std::collections::hash_map::Entry;

use nbtidy_notebook::CodeKind;
use ruff_python_ast::name::Name;
use ruff_python_ast::statement_visitor::{self, StatementVisitor};
use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{
    self as ast, Comprehension, Decorator, ExceptHandler, Expr, ExprContext, IpyEscapeKind,
    ModModule, Parameters, Pattern, Stmt, TypeParam, TypeParams,
};
use ruff_python_parser::Parsed;
use ruff_text_size::{Ranged, TextRange, TextSize};
use rustc_hash::FxHashMap;
use smallvec::SmallVec;

use super::builtins::{is_builtin, is_class_builtin};
use super::{
    AnnotationError, Binding, BindingFlags, BindingId, BindingKind, DefinedLater, ImportStatement,
    MODULE_SCOPE, Reference, Scope, ScopeId, ScopeKind, SemanticModel, SimpleAssignment,
    StarImport, UndefinedExport, UndefinedLocal, UndefinedName,
};
use crate::context::{CellKind, Context};
use crate::rules::pyflakes::undefined_name::UndefinedName as UndefinedNameRule;

/// `%time` / `%timeit` statements re-parsed as Python: (cell, start of the escape command) ->
/// (offset of the statement in the cell, its syntax tree).
type MagicCode = FxHashMap<(usize, TextSize), (TextSize, Parsed<ModModule>)>;

/// Builds the model of a notebook.
pub(super) fn build(context: &Context<'_>) -> SemanticModel {
    let magic = magic_code(context);
    let mut builder = Builder::new(context, &magic);
    for cell in context.cells() {
        builder.cell = cell.index;
        match &cell.kind {
            CellKind::Python(parsed) => {
                let Some(parsed) = parsed.get() else {
                    // Nested too deeply to parse: like a broken cell, its names are unknown.
                    builder.model.broken_cells.push(cell.index);
                    continue;
                };
                let broken = !parsed.errors().is_empty();
                if broken {
                    builder.model.broken_cells.push(cell.index);
                }
                builder.reporting = !broken;
                builder.walk_root(&parsed.syntax().body);
            }
            CellKind::OtherCode(Some(kind)) if may_define_names(kind, cell.text()) => {
                builder.suppressions.push((cell.index, TextSize::default()));
            }
            _ => {}
        }
    }
    builder.finish()
}

/// The names of `nbtidy_builtins` (comma-separated; blanks ignored).
fn extra_builtins<'a>(context: &'a Context<'_>) -> Vec<&'a str> {
    context
        .option(&UndefinedNameRule::META, "nbtidy_builtins")
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .collect()
}

/// Code cells that are not Python but may put names into the kernel's namespace (`%%R -o x`,
/// `%%sql x <<`, `%%bash --out x`, automagic `run script.py`).
fn may_define_names(kind: &CodeKind, text: &str) -> bool {
    const INERT_CELL_MAGICS: &[&str] = &[
        "bash",
        "sh",
        "script",
        "html",
        "HTML",
        "markdown",
        "latex",
        "javascript",
        "js",
        "svg",
        "writefile",
        "file",
        "perl",
        "ruby",
        "cmd",
        "powershell",
        "system",
        "sx",
    ];
    match kind {
        CodeKind::CellMagic(name) => {
            let first_line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            !INERT_CELL_MAGICS.contains(&name.as_str())
                || ["--out", "--err", "--proc"]
                    .iter()
                    .any(|option| first_line.contains(option))
        }
        CodeKind::Automagic(name) => matches!(name.as_str(), "run" | "load" | "pylab"),
        CodeKind::Python | CodeKind::OtherLanguage(_) => false,
    }
}

/// Finds the `%time` / `%timeit` lines of all Python cells and parses their statements.
fn magic_code(context: &Context<'_>) -> MagicCode {
    #[derive(Default)]
    struct Finder<'a> {
        found: Vec<&'a ast::StmtIpyEscapeCommand>,
    }
    impl<'a> StatementVisitor<'a> for Finder<'a> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if let Stmt::IpyEscapeCommand(command) = stmt {
                self.found.push(command);
            }
            statement_visitor::walk_stmt(self, stmt);
        }
    }
    let mut out = MagicCode::default();
    for cell in context.cells() {
        let Some(parsed) = cell.parsed() else {
            continue;
        };
        let mut finder = Finder::default();
        finder.visit_body(&parsed.syntax().body);
        for command in finder.found {
            if command.kind != IpyEscapeKind::Magic {
                continue;
            }
            let Some((start, code)) = timed_statement(cell.text(), command) else {
                continue;
            };
            let Ok(parsed) = crate::context::parse_cell(code) else {
                continue;
            };
            if let Some(module) = parsed.try_into_module()
                && module.errors().is_empty()
            {
                out.insert((cell.index, command.start()), (start, module));
            }
        }
    }
    out
}

/// For `%time STATEMENT` / `%timeit [options] STATEMENT` on one line: the offset of the
/// statement in the cell and its text.
fn timed_statement<'t>(
    text: &'t str,
    command: &ast::StmtIpyEscapeCommand,
) -> Option<(TextSize, &'t str)> {
    let raw = text.get(command.range().to_std_range())?;
    let value = raw.strip_prefix('%')?;
    if *value != *command.value {
        return None; // continuation lines: the text is not the value
    }
    let name_len = value.find(char::is_whitespace)?;
    let name = &value[..name_len];
    if name != "time" && name != "timeit" {
        return None;
    }
    let mut at = name_len;
    loop {
        let rest = &value[at..];
        let trimmed = rest.trim_start();
        at += rest.len() - trimmed.len();
        if name == "timeit" && trimmed.starts_with('-') {
            let word_len = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
            let word = &trimmed[..word_len];
            at += word_len;
            if matches!(word, "-n" | "-r" | "-p") {
                let rest = &value[at..];
                let trimmed = rest.trim_start();
                at += rest.len() - trimmed.len();
                at += trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
            }
            continue;
        }
        break;
    }
    let code = value[at..].trim_end();
    if code.is_empty() {
        return None;
    }
    let start = command.start() + TextSize::from(1) + TextSize::try_from(at).ok()?;
    Some((start, code))
}

/// Where deferred work resumes.
#[derive(Debug, Clone, Copy)]
struct Snapshot {
    scope: ScopeId,
    cell: usize,
    offset: TextSize,
    in_magic: bool,
    branch: u32,
    conditional: u32,
    reporting: bool,
}

/// Work done after all module-level code: function and lambda bodies, lazy annotations.
enum Deferred<'a> {
    Function {
        snapshot: Snapshot,
        parameters: &'a Parameters,
        body: &'a [Stmt],
    },
    Lambda {
        snapshot: Snapshot,
        parameters: Option<&'a Parameters>,
        body: &'a Expr,
    },
    Expr {
        snapshot: Snapshot,
        expr: &'a Expr,
        annotation: bool,
    },
    StringAnnotation {
        snapshot: Snapshot,
        literal: &'a ast::StringLiteral,
    },
}

/// An executed module-level load that did not resolve when it ran.
struct Pending {
    reference: usize,
}

struct Builder<'a> {
    model: SemanticModel,
    texts: Vec<&'a str>,
    magic: &'a MagicCode,
    cell: usize,
    offset: TextSize,
    in_magic: bool,
    scope: ScopeId,
    branch: u32,
    next_branch: u32,
    conditional: u32,
    executing: bool,
    reporting: bool,
    in_import_error_try: u32,
    /// Inside a `try` body whose handlers catch `NameError`: undefined names are expected.
    in_name_error_try: u32,
    future_annotations: bool,
    in_annotation: bool,
    /// Loads that may fail harmlessly (`{expr}` in `!` lines): uses, never undefined.
    soft: bool,
    root_is_cell: bool,
    bodies: Vec<&'a [Stmt]>,
    deferred: VecDeque<Deferred<'a>>,
    pending: Vec<Pending>,
    /// Loads in function and lambda bodies that did not resolve when their body was walked.
    pending_deferred: Vec<Pending>,
    suppressions: Vec<(usize, TextSize)>,
    /// `__all__` names: (name, cell, range, checked): `checked` is false for the names of
    /// `__all__.extend(...)` / `.append(...)`, which ruff does not report as undefined.
    exports: Vec<(Name, usize, TextRange, bool)>,
    /// Whether the names `collect_exports` finds are checked (see `exports`).
    exports_checked: bool,
    /// The first load in each function scope that resolved outside it (an enclosing scope's
    /// binding or a builtin), by (scope, name): a later local binding of the name makes it
    /// `undefined-local` (F823).
    outer_loads: FxHashMap<(ScopeId, Name), usize>,
    /// `nbtidy_builtins`: names defined everywhere (platform globals such as `spark`).
    extra_builtins: Vec<&'a str>,
}

impl<'a> Builder<'a> {
    fn new(context: &'a Context<'_>, magic: &'a MagicCode) -> Self {
        let texts: Vec<&str> = context.cells().iter().map(|cell| cell.text()).collect();
        // Notebooks have a binding and a load every 40-45 bytes of code or so: starting with
        // room for some of them saves the first few doublings of these vectors (capped, for
        // cells holding big literals).
        let estimate = (texts.iter().map(|text| text.len()).sum::<usize>() / 64).min(4096);
        let mut module = Scope::new(ScopeKind::Module, None);
        module.names.reserve(estimate / 4);
        let model = SemanticModel {
            scopes: vec![module],
            bindings: Vec::with_capacity(estimate),
            references: Vec::with_capacity(estimate),
            ..SemanticModel::default()
        };
        Builder {
            model,
            texts,
            magic,
            cell: 0,
            offset: TextSize::default(),
            in_magic: false,
            scope: MODULE_SCOPE,
            branch: 0,
            next_branch: 1,
            conditional: 0,
            executing: true,
            reporting: true,
            in_import_error_try: 0,
            in_name_error_try: 0,
            future_annotations: false,
            in_annotation: false,
            soft: false,
            root_is_cell: true,
            bodies: Vec::new(),
            deferred: VecDeque::new(),
            pending: Vec::new(),
            pending_deferred: Vec::new(),
            suppressions: Vec::new(),
            exports: Vec::new(),
            exports_checked: true,
            outer_loads: FxHashMap::default(),
            extra_builtins: extra_builtins(context),
        }
    }

    // ----- state helpers -----

    fn snapshot(&self, scope: ScopeId) -> Snapshot {
        Snapshot {
            scope,
            cell: self.cell,
            offset: self.offset,
            in_magic: self.in_magic,
            branch: self.branch,
            conditional: self.conditional,
            reporting: self.reporting,
        }
    }

    fn restore(&mut self, snapshot: Snapshot) {
        self.scope = snapshot.scope;
        self.cell = snapshot.cell;
        self.offset = snapshot.offset;
        self.in_magic = snapshot.in_magic;
        self.branch = snapshot.branch;
        self.conditional = snapshot.conditional;
        self.reporting = snapshot.reporting;
    }

    fn at(&self, range: TextRange) -> TextRange {
        range + self.offset
    }

    fn new_scope(&mut self, kind: ScopeKind) -> ScopeId {
        self.model.scopes.push(Scope::new(kind, Some(self.scope)));
        self.model.scopes.len() - 1
    }

    fn push_branch(&mut self) -> u32 {
        let previous = self.branch;
        self.branch = self.next_branch;
        self.next_branch += 1;
        previous
    }

    fn walk_root(&mut self, body: &'a [Stmt]) {
        self.scope = MODULE_SCOPE;
        self.branch = 0;
        self.conditional = 0;
        self.offset = TextSize::default();
        self.in_magic = false;
        self.root_is_cell = true;
        self.bodies.clear();
        self.visit_body(body);
    }

    // ----- bindings -----

    fn add_binding(
        &mut self,
        name: &Name,
        range: TextRange,
        statement: TextRange,
        kind: BindingKind,
        mut flags: BindingFlags,
    ) -> BindingId {
        let mut scope = self.scope;
        if kind == BindingKind::NamedExpr {
            while self.model.scopes[scope].kind == ScopeKind::Comprehension {
                scope = self.model.scopes[scope].parent.unwrap_or(MODULE_SCOPE);
            }
        }
        if scope != MODULE_SCOPE
            && !matches!(kind, BindingKind::Global | BindingKind::Nonlocal)
            && self.model.scopes[scope].globals.iter().any(|g| g == name)
        {
            scope = MODULE_SCOPE;
            flags.global = true;
        }
        flags.deferred = !self.executing;
        flags.in_import_error_try = self.in_import_error_try > 0;
        let id = self.model.bindings.len();
        // One probe of the map: the new binding replaces the name's previous one, if any (nothing
        // below looks at this scope's map, only at enclosing scopes').
        let previous = match self.model.scopes[scope].names.entry(name.clone()) {
            Entry::Occupied(mut slot) => Some(slot.insert(id)),
            Entry::Vacant(slot) => {
                slot.insert(id);
                None
            }
        };
        let mut references = SmallVec::new();
        let mut shadows_outer = None;
        if let Some(previous) = previous {
            let old = &self.model.bindings[previous];
            if !matches!(
                old.kind,
                BindingKind::Deletion | BindingKind::UnboundException
            ) {
                references.clone_from(&old.references);
                flags.global |= old.flags.global;
                flags.nonlocal |= old.flags.nonlocal;
            }
        } else {
            if self.model.scopes[scope].kind == ScopeKind::Function
                && !matches!(kind, BindingKind::Global | BindingKind::Nonlocal)
                && let Some(&reference) = self.outer_loads.get(&(scope, name.clone()))
            {
                let load = &self.model.references[reference];
                if self.model.is_reportable(load.cell) {
                    self.model.undefined_locals.push(UndefinedLocal {
                        name: name.clone(),
                        cell: load.cell,
                        range: load.range,
                    });
                }
            }
            let mut outer = self.model.scopes[scope].parent;
            while let Some(outer_id) = outer {
                let outer_scope = &self.model.scopes[outer_id];
                if matches!(outer_scope.kind, ScopeKind::Function | ScopeKind::Module)
                    && let Some(&found) = outer_scope.names.get(name.as_str())
                {
                    shadows_outer = Some(found);
                    break;
                }
                outer = outer_scope.parent;
            }
        }
        self.model.bindings.push(Binding {
            name: name.clone(),
            kind,
            scope,
            cell: self.cell,
            range: self.at(range),
            statement: self.at(statement),
            branch: self.branch,
            flags,
            shadows: previous,
            shadows_outer,
            references,
            import: None,
            assignment: None,
            except_as: None,
        });
        id
    }

    /// Binds the names of an assignment target; attributes and subscripts are loads.
    fn bind_target(
        &mut self,
        target: &'a Expr,
        kind: &BindingKind,
        flags: BindingFlags,
        statement: TextRange,
    ) {
        match target {
            Expr::Name(name) => {
                self.add_binding(&name.id, name.range, statement, kind.clone(), flags);
            }
            Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
                for element in elts {
                    self.bind_target(element, kind, flags, statement);
                }
            }
            Expr::Starred(starred) => self.bind_target(&starred.value, kind, flags, statement),
            _ => self.visit_expr(target),
        }
    }

    fn bind_parameters(&mut self, parameters: &'a Parameters) {
        for parameter in parameters.iter() {
            let parameter = parameter.as_parameter();
            self.add_binding(
                &parameter.name.id,
                parameter.name.range,
                parameter.range,
                BindingKind::Argument,
                BindingFlags::default(),
            );
        }
    }

    fn bind_type_params(&mut self, type_params: &'a TypeParams) {
        for type_param in &type_params.type_params {
            let name = match type_param {
                TypeParam::TypeVar(t) => &t.name,
                TypeParam::TypeVarTuple(t) => &t.name,
                TypeParam::ParamSpec(t) => &t.name,
            };
            self.add_binding(
                &name.id,
                name.range,
                type_param.range(),
                BindingKind::TypeParam,
                BindingFlags::default(),
            );
            visitor::walk_type_param(self, type_param);
        }
    }

    // ----- references -----

    fn resolve_load(&mut self, name: &Name, range: TextRange) {
        if name.is_empty() {
            return;
        }
        let range = self.at(range);
        let mut scope_id = self.scope;
        let mut seen_function = false;
        let mut in_class_method = false;
        let mut direct = true;
        let mut found = None;
        loop {
            let scope = &self.model.scopes[scope_id];
            // A class body's names are visible only to code directly in it (type parameter
            // scopes are annotation scopes, which see them too): not to functions, lambdas,
            // comprehensions or classes nested in it.
            let visible = scope.kind != ScopeKind::Class || direct;
            direct &= scope.kind == ScopeKind::TypeParams;
            if scope.kind == ScopeKind::Class && seen_function {
                in_class_method = true;
            }
            if visible {
                if scope.kind == ScopeKind::Class && is_class_builtin(name) {
                    self.push_reference(name, range, None);
                    return;
                }
                if let Some(&binding) = scope.names.get(name.as_str()) {
                    match self.model.bindings[binding].kind {
                        BindingKind::Global => {
                            scope_id = MODULE_SCOPE;
                            seen_function = true;
                            continue;
                        }
                        BindingKind::Nonlocal => {}
                        BindingKind::Deletion | BindingKind::UnboundException => break,
                        _ => {
                            found = Some(binding);
                            break;
                        }
                    }
                }
            }
            // Class bodies are not visible from functions, lambdas or comprehensions inside them.
            seen_function |= scope.is_function_like() || scope.kind == ScopeKind::Comprehension;
            match scope.parent {
                Some(parent) => scope_id = parent,
                None => break,
            }
        }
        let reference = self.push_reference(name, range, found);
        if !self.executing
            && self.model.scopes[self.scope].kind == ScopeKind::Function
            && found.map_or_else(
                || is_builtin(name),
                |binding| self.model.bindings[binding].scope != self.scope,
            )
        {
            self.outer_loads
                .entry((self.scope, name.clone()))
                .or_insert(reference);
        }
        if let Some(binding) = found {
            self.model.bindings[binding].references.push(reference);
            if let Some(submodule) = self.aliased_submodule(name, scope_id, binding) {
                self.model.bindings[submodule].references.push(reference);
            }
            return;
        }
        if is_builtin(name)
            || self.extra_builtins.contains(&name.as_str())
            || (name == "__class__" && in_class_method)
            || !self.reporting
            || self.soft
            || self.in_name_error_try > 0
        {
            return;
        }
        if self.executing {
            self.pending.push(Pending { reference });
        } else {
            // A function body may use a name that another function binds with `global`, and
            // that function's body may come later: decided once every body has been walked.
            self.pending_deferred.push(Pending { reference });
        }
    }

    /// `import a.b` next to `import a as x`: a use of `x` uses `a.b` too (ruff's rule), as in
    /// `import pyarrow as pa; import pyarrow.csv; pa.csv.read_csv(...)`.
    fn aliased_submodule(
        &self,
        name: &str,
        scope: ScopeId,
        binding: BindingId,
    ) -> Option<BindingId> {
        let BindingKind::Import { qualified } = &self.model.bindings[binding].kind else {
            return None;
        };
        let last = qualified.rsplit('.').next()?;
        if last == name {
            return None;
        }
        let submodule = *self.model.scopes[scope].names.get(last)?;
        match &self.model.bindings[submodule].kind {
            BindingKind::SubmoduleImport { qualified: other }
                if other.split('.').next() == qualified.split('.').next() =>
            {
                Some(submodule)
            }
            _ => None,
        }
    }

    /// IPython expands `{expr}` and `$name` in `!` commands and line magics: the names are
    /// used (but may be shell syntax, so never undefined).
    fn expansion_uses(&mut self, range: TextRange, kind: IpyEscapeKind, value: &str) {
        let prefix = match kind {
            IpyEscapeKind::Shell | IpyEscapeKind::Magic => 1,
            IpyEscapeKind::ShCap => 2,
            _ => return,
        };
        if self.in_magic
            || self.texts[self.cell]
                .get(range.to_std_range())
                .and_then(|raw| raw.get(prefix..))
                != Some(value)
        {
            return;
        }
        let base = range.start().to_usize() + prefix;
        let bytes = value.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'{' if bytes.get(i + 1) == Some(&b'{') => i += 2,
                b'{' => {
                    let mut depth = 0;
                    let close = (i..bytes.len()).find(|&j| {
                        match bytes[j] {
                            b'{' => depth += 1,
                            b'}' => depth -= 1,
                            _ => {}
                        }
                        depth == 0
                    });
                    let Some(close) = close else {
                        return;
                    };
                    let inner = &value[i + 1..close];
                    let trimmed = inner.trim_start();
                    let at = base + i + 1 + (inner.len() - trimmed.len());
                    self.soft_expression(trimmed.trim_end(), at);
                    i = close + 1;
                }
                b'$' if bytes.get(i + 1) == Some(&b'$') => i += 2,
                b'$' => {
                    let start = i + 1;
                    let mut end = start;
                    while end < bytes.len()
                        && (bytes[end] == b'_' || bytes[end].is_ascii_alphanumeric())
                    {
                        end += 1;
                    }
                    if end > start && !bytes[start].is_ascii_digit() {
                        self.soft_expression(&value[start..end], base + start);
                    }
                    i = end.max(i + 1);
                }
                _ => i += 1,
            }
        }
    }

    fn soft_expression(&mut self, code: &str, at: usize) {
        let Ok(at) = TextSize::try_from(at) else {
            return;
        };
        let Ok(parsed) = ruff_python_parser::parse_expression(code) else {
            return;
        };
        let (offset, soft) = (self.offset, self.soft);
        self.offset = at;
        self.soft = true;
        let mut loads = AnnotationLoads { builder: self };
        loads.visit_expr(parsed.expr());
        self.offset = offset;
        self.soft = soft;
    }

    fn push_reference(
        &mut self,
        name: &Name,
        range: TextRange,
        binding: Option<BindingId>,
    ) -> usize {
        self.model.references.push(Reference {
            name: name.clone(),
            cell: self.cell,
            range,
            binding,
            executed: self.executing,
        });
        self.model.references.len() - 1
    }

    fn delete_target(&mut self, target: &'a Expr, statement: TextRange) {
        match target {
            Expr::Name(name) => {
                self.resolve_load(&name.id, name.range);
                if self.conditional == 0 {
                    self.add_binding(
                        &name.id,
                        name.range,
                        statement,
                        BindingKind::Deletion,
                        BindingFlags::default(),
                    );
                }
            }
            Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
                for element in elts {
                    self.delete_target(element, statement);
                }
            }
            _ => self.visit_expr(target),
        }
    }

    // ----- statements -----

    fn visit_annotation_expr(&mut self, expr: &'a Expr) {
        if self.future_annotations {
            self.deferred.push_back(Deferred::Expr {
                snapshot: self.snapshot(self.scope),
                expr,
                annotation: true,
            });
        } else {
            let previous = std::mem::replace(&mut self.in_annotation, true);
            self.visit_expr(expr);
            self.in_annotation = previous;
        }
    }

    fn visit_decorators(&mut self, decorators: &'a [Decorator]) {
        for decorator in decorators {
            self.visit_expr(&decorator.expression);
        }
    }

    fn visit_function_def(&mut self, stmt: &'a Stmt, function: &'a ast::StmtFunctionDef) {
        self.visit_decorators(&function.decorator_list);
        let outer = self.scope;
        if let Some(type_params) = &function.type_params {
            self.scope = self.new_scope(ScopeKind::TypeParams);
            self.bind_type_params(type_params);
        }
        for parameter in function.parameters.iter_non_variadic_params() {
            if let Some(default) = &parameter.default {
                self.visit_expr(default);
            }
        }
        for parameter in function.parameters.iter() {
            if let Some(annotation) = parameter.annotation() {
                self.visit_annotation_expr(annotation);
            }
        }
        if let Some(returns) = &function.returns {
            self.visit_annotation_expr(returns);
        }
        let scope = self.new_scope(ScopeKind::Function);
        self.deferred.push_back(Deferred::Function {
            snapshot: self.snapshot(scope),
            parameters: &function.parameters,
            body: &function.body,
        });
        self.scope = outer;
        let overload = function.decorator_list.iter().any(|d| match &d.expression {
            Expr::Name(name) => name.id.as_str() == "overload",
            Expr::Attribute(attribute) => attribute.attr.id.as_str() == "overload",
            _ => false,
        });
        self.add_binding(
            &function.name.id,
            function.name.range,
            stmt.range(),
            BindingKind::FunctionDef { overload },
            BindingFlags::default(),
        );
    }

    fn visit_class_def(&mut self, stmt: &'a Stmt, class: &'a ast::StmtClassDef) {
        self.visit_decorators(&class.decorator_list);
        let outer = self.scope;
        if let Some(type_params) = &class.type_params {
            self.scope = self.new_scope(ScopeKind::TypeParams);
            self.bind_type_params(type_params);
        }
        if let Some(arguments) = &class.arguments {
            self.visit_arguments(arguments);
        }
        self.scope = self.new_scope(ScopeKind::Class);
        self.visit_body(&class.body);
        self.scope = outer;
        self.add_binding(
            &class.name.id,
            class.name.range,
            stmt.range(),
            BindingKind::ClassDef,
            BindingFlags::default(),
        );
    }

    /// The statement being walked is the only one of its block (removing it needs a `pass`;
    /// a cell's own code may become empty).
    fn sole_in_block(&self) -> bool {
        let body = self.bodies.last().copied().unwrap_or_default();
        let at_root = self.bodies.len() <= 1;
        body.len() == 1 && !(at_root && self.root_is_cell)
    }

    fn visit_import(&mut self, stmt: &'a Stmt, names: &'a [ast::Alias], module: Option<Name>) {
        let import_id = self.model.imports.len();
        let at_root = self.bodies.len() <= 1;
        self.model.imports.push(ImportStatement {
            cell: self.cell,
            range: self.at(stmt.range()),
            aliases: names.iter().map(|alias| self.at(alias.range)).collect(),
            top_level: at_root,
            sole_in_block: self.sole_in_block(),
            in_magic: self.in_magic,
        });
        for (index, alias) in names.iter().enumerate() {
            let full = alias.name.id.as_str();
            let explicit_export = alias.asname.as_ref().is_some_and(|a| a.id == alias.name.id);
            let (bound, kind) = match &module {
                None => match &alias.asname {
                    Some(asname) => (
                        asname.id.clone(),
                        BindingKind::Import {
                            qualified: alias.name.id.clone(),
                        },
                    ),
                    None if full.contains('.') => (
                        Name::new(full.split('.').next().unwrap_or(full)),
                        BindingKind::SubmoduleImport {
                            qualified: alias.name.id.clone(),
                        },
                    ),
                    None => (
                        alias.name.id.clone(),
                        BindingKind::Import {
                            qualified: alias.name.id.clone(),
                        },
                    ),
                },
                Some(module) => {
                    if full == "*" {
                        self.model.star_imports.push(StarImport {
                            cell: self.cell,
                            range: self.at(stmt.range()),
                            module: module.to_string(),
                        });
                        let point = (self.cell, self.at(stmt.range()).start());
                        self.suppressions.push(point);
                        if self.scope == MODULE_SCOPE && self.model.first_module_star.is_none() {
                            self.model.first_module_star = Some(point);
                        }
                        continue;
                    }
                    let bound = alias
                        .asname
                        .as_ref()
                        .map_or(&alias.name.id, |a| &a.id)
                        .clone();
                    if module == "__future__" {
                        if full == "annotations" {
                            self.future_annotations = true;
                        }
                        (bound, BindingKind::FutureImport)
                    } else {
                        (
                            bound,
                            BindingKind::FromImport {
                                qualified: if module.ends_with('.') {
                                    Name::concat(&[module.as_str(), full])
                                } else {
                                    Name::concat(&[module.as_str(), ".", full])
                                },
                            },
                        )
                    }
                }
            };
            let flags = BindingFlags {
                explicit_export,
                ..BindingFlags::default()
            };
            let id = self.add_binding(&bound, alias.range, stmt.range(), kind, flags);
            self.model.bindings[id].import = Some((import_id, index));
        }
    }

    fn visit_try(&mut self, try_stmt: &'a ast::StmtTry) {
        self.conditional += 1;
        let catches_import_error = try_stmt.handlers.iter().any(|handler| {
            let ExceptHandler::ExceptHandler(handler) = handler;
            handler.type_.as_deref().is_none_or(catches_import_error)
        });
        let outer_branch = self.push_branch();
        let body_branch = self.branch;
        let catches_name_error = try_stmt.handlers.iter().any(|handler| {
            let ExceptHandler::ExceptHandler(handler) = handler;
            handler.type_.as_deref().is_some_and(catches_name_error)
        });
        let (import_depth, name_depth) = (self.in_import_error_try, self.in_name_error_try);
        self.in_import_error_try += u32::from(catches_import_error);
        self.in_name_error_try += u32::from(catches_name_error);
        self.visit_body(&try_stmt.body);
        self.in_import_error_try = import_depth;
        self.in_name_error_try = name_depth;
        for handler in &try_stmt.handlers {
            let ExceptHandler::ExceptHandler(handler) = handler;
            self.push_branch();
            if let Some(type_) = &handler.type_ {
                self.visit_expr(type_);
            }
            match &handler.name {
                Some(name) => {
                    let previous = self.model.scopes[self.scope]
                        .names
                        .get(name.as_str())
                        .copied();
                    let id = self.add_binding(
                        &name.id,
                        name.range,
                        handler.range,
                        BindingKind::BoundException,
                        BindingFlags::default(),
                    );
                    let as_start = handler.type_.as_ref().map_or(name.start(), |t| t.end());
                    self.model.bindings[id].except_as =
                        Some(self.at(TextRange::new(as_start, name.end())));
                    self.visit_body(&handler.body);
                    let scope = self.model.bindings[id].scope;
                    match previous {
                        Some(previous) => {
                            self.model.scopes[scope]
                                .names
                                .insert(name.id.clone(), previous);
                        }
                        None => {
                            let unbound = self.add_binding(
                                &name.id,
                                name.range,
                                handler.range,
                                BindingKind::UnboundException,
                                BindingFlags::default(),
                            );
                            self.model.bindings[unbound].shadows = None;
                        }
                    }
                }
                None => self.visit_body(&handler.body),
            }
        }
        self.branch = body_branch;
        self.visit_body(&try_stmt.orelse);
        self.push_branch();
        self.visit_body(&try_stmt.finalbody);
        self.branch = outer_branch;
        self.conditional -= 1;
    }

    fn visit_escape_command(&mut self, command: &'a ast::StmtIpyEscapeCommand) {
        if !command.value.starts_with("time") {
            self.expansion_uses(command.range(), command.kind, &command.value);
        }
        let mut words = command.value.split_whitespace();
        let first = words.next().unwrap_or("");
        let here = (self.cell, self.at(command.range()).start());
        match command.kind {
            IpyEscapeKind::Magic => match first {
                "run" | "load" | "pylab" => self.suppressions.push(here),
                "store" if words.any(|word| word == "-r") => self.suppressions.push(here),
                // Inside a timed statement (`%timeit %timeit x`) positions are relative to that
                // statement: looking them up found the outer magic again, for ever.
                "time" | "timeit" if !self.in_magic => {
                    if let Some((start, parsed)) = self.magic.get(&(self.cell, command.start())) {
                        let (offset, in_magic) = (self.offset, self.in_magic);
                        self.offset = *start;
                        self.in_magic = true;
                        let body: &'a [Stmt] = &parsed.syntax().body;
                        for stmt in body {
                            self.visit_stmt(stmt);
                        }
                        self.offset = offset;
                        self.in_magic = in_magic;
                    }
                }
                _ => {}
            },
            IpyEscapeKind::Magic2 if first == "capture" => {
                let Some(name) = words.find(|word| !word.starts_with('-')) else {
                    return;
                };
                let raw = self.texts[self.cell]
                    .get(command.range().to_std_range())
                    .unwrap_or("");
                if let Some(at) = raw.rfind(name)
                    && let (Ok(at), Ok(len)) =
                        (TextSize::try_from(at), TextSize::try_from(name.len()))
                {
                    let range = TextRange::at(command.start() + at, len);
                    self.add_binding(
                        &Name::new(name),
                        range,
                        command.range(),
                        BindingKind::Assignment,
                        BindingFlags::default(),
                    );
                }
            }
            _ => {}
        }
    }

    /// Records the names of `__all__ = [...]`, `__all__ += [...]`, `__all__.extend([...])`.
    fn collect_exports(&mut self, value: &'a Expr) {
        match value {
            Expr::List(ast::ExprList { elts, .. })
            | Expr::Tuple(ast::ExprTuple { elts, .. })
            | Expr::Set(ast::ExprSet { elts, .. }) => {
                for element in elts {
                    if let Expr::StringLiteral(literal) = element {
                        self.exports.push((
                            Name::new(literal.value.to_str()),
                            self.cell,
                            self.at(literal.range),
                            self.exports_checked,
                        ));
                    }
                }
            }
            Expr::StringLiteral(literal) => self.exports.push((
                Name::new(literal.value.to_str()),
                self.cell,
                self.at(literal.range),
                self.exports_checked,
            )),
            Expr::BinOp(binop) => {
                self.collect_exports(&binop.left);
                self.collect_exports(&binop.right);
            }
            _ => {}
        }
    }

    fn visit_comprehension_expr(&mut self, generators: &'a [Comprehension], elements: &[&'a Expr]) {
        let Some((first, rest)) = generators.split_first() else {
            return;
        };
        self.visit_expr(&first.iter);
        let outer = self.scope;
        self.scope = self.new_scope(ScopeKind::Comprehension);
        let flags = BindingFlags {
            comprehension: true,
            ..BindingFlags::default()
        };
        for (index, generator) in std::iter::once(first).chain(rest).enumerate() {
            if index > 0 {
                self.visit_expr(&generator.iter);
            }
            self.bind_target(
                &generator.target,
                &BindingKind::Assignment,
                flags,
                generator.range,
            );
            for condition in &generator.ifs {
                self.visit_expr(condition);
            }
        }
        for element in elements {
            self.visit_expr(element);
        }
        self.scope = outer;
    }

    // ----- the end -----

    fn finish(mut self) -> SemanticModel {
        while let Some(item) = self.deferred.pop_front() {
            self.executing = false;
            self.root_is_cell = false;
            self.bodies.clear();
            self.in_annotation = false;
            self.in_import_error_try = 0;
            self.in_name_error_try = 0;
            match item {
                Deferred::Function {
                    snapshot,
                    parameters,
                    body,
                } => {
                    self.restore(snapshot);
                    self.bind_parameters(parameters);
                    self.visit_body(body);
                }
                Deferred::Lambda {
                    snapshot,
                    parameters,
                    body,
                } => {
                    self.restore(snapshot);
                    if let Some(parameters) = parameters {
                        self.bind_parameters(parameters);
                    }
                    self.visit_expr(body);
                }
                Deferred::Expr {
                    snapshot,
                    expr,
                    annotation,
                } => {
                    self.restore(snapshot);
                    self.in_annotation = annotation;
                    self.visit_expr(expr);
                }
                Deferred::StringAnnotation { snapshot, literal } => {
                    self.restore(snapshot);
                    let text = self.texts[self.cell];
                    match ruff_python_parser::parse_string_annotation(text, literal) {
                        Ok(parsed) => {
                            let mut loads = AnnotationLoads { builder: &mut self };
                            loads.visit_expr(parsed.expr());
                        }
                        Err(error) if self.reporting => {
                            self.model.annotation_errors.push(AnnotationError {
                                cell: self.cell,
                                range: self.at(literal.range),
                                message: error.error.to_string(),
                            });
                        }
                        Err(_) => {}
                    }
                }
            }
        }

        // `__all__` entries are uses of the names at the end of the notebook.
        for (name, cell, range, checked) in std::mem::take(&mut self.exports) {
            let Some(&binding) = self.model.scopes[MODULE_SCOPE].names.get(name.as_str()) else {
                if checked && !is_builtin(&name) && self.model.is_reportable(cell) {
                    self.model
                        .undefined_exports
                        .push(UndefinedExport { name, cell, range });
                }
                continue;
            };
            if !self.model.bindings[binding].kind.is_unbound() {
                self.model.references.push(Reference {
                    name,
                    cell,
                    range,
                    binding: Some(binding),
                    executed: false,
                });
                let reference = self.model.references.len() - 1;
                self.model.bindings[binding].references.push(reference);
            }
        }

        // Loads in function bodies that did not resolve: a function declaring the name `global`
        // binds it in the module scope, wherever that function is (pyflakes drops the undefined
        // names a `global` statement binds; a call that binds it may well run first). Otherwise
        // undefined; they run at call time, so any suppression point may have provided them.
        let suppressed = !self.suppressions.is_empty();
        let star = !self.model.star_imports.is_empty();
        for Pending { reference } in std::mem::take(&mut self.pending_deferred) {
            let r = &self.model.references[reference];
            let global = self.model.bindings.iter().rposition(|binding| {
                binding.scope == MODULE_SCOPE
                    && binding.flags.global
                    && binding.name == r.name
                    && !binding.kind.is_unbound()
            });
            if let Some(binding) = global {
                self.model.references[reference].binding = Some(binding);
                self.model.bindings[binding].references.push(reference);
            } else if self
                .model
                .scopes
                .iter()
                .any(|scope| scope.globals.contains(&r.name))
            {
                // `global x` alone (the value comes from elsewhere, `globals()[...]`, ...).
            } else {
                self.model.undefined.push(UndefinedName {
                    name: r.name.clone(),
                    cell: r.cell,
                    range: r.range,
                    suppressed,
                    star,
                });
            }
        }

        // Executed loads that did not resolve: bound later (another cell: NB001), bound by a
        // function declaring it `global` before (fine), or undefined.
        let pending = std::mem::take(&mut self.pending);
        for Pending { reference } in pending {
            let (name, cell, range) = {
                let r = &self.model.references[reference];
                (r.name.clone(), r.cell, r.range)
            };
            let use_at = (cell, range.start());
            let mut earlier_global = None;
            let mut later = None;
            for (id, binding) in self.model.bindings.iter().enumerate() {
                if binding.scope != MODULE_SCOPE
                    || binding.name != name
                    || binding.kind.is_unbound()
                    || binding.kind == BindingKind::BoundException
                {
                    continue;
                }
                let at = (binding.cell, binding.range.start());
                if at < use_at {
                    if binding.flags.deferred {
                        earlier_global = Some(id);
                    }
                } else if later.is_none_or(|(_, later_at)| at < later_at) {
                    later = Some((id, at));
                }
            }
            if let Some(binding) = earlier_global {
                self.model.references[reference].binding = Some(binding);
                self.model.bindings[binding].references.push(reference);
            } else if let Some((binding, (later_cell, _))) = later
                && later_cell > cell
            {
                self.model.defined_later.push(DefinedLater {
                    name,
                    cell,
                    range,
                    binding,
                });
            } else {
                let suppressed = self.suppressions.iter().any(|&point| point < use_at);
                let star = self
                    .model
                    .first_module_star
                    .is_some_and(|point| point < use_at);
                self.model.undefined.push(UndefinedName {
                    name,
                    cell,
                    range,
                    suppressed,
                    star,
                });
            }
        }
        self.model
            .undefined
            .sort_by_key(|u| (u.cell, u.range.start()));
        self.model
    }
}

/// `true` when an `except` clause's type catches `ImportError` (also `Exception`).
fn catches_import_error(type_: &Expr) -> bool {
    match type_ {
        Expr::Name(name) => matches!(
            name.id.as_str(),
            "ImportError" | "ModuleNotFoundError" | "Exception" | "BaseException"
        ),
        Expr::Attribute(attribute) => matches!(
            attribute.attr.id.as_str(),
            "ImportError" | "ModuleNotFoundError"
        ),
        Expr::Tuple(tuple) => tuple.elts.iter().any(catches_import_error),
        _ => false,
    }
}

/// `true` when an `except` clause's type names `NameError`.
fn catches_name_error(type_: &Expr) -> bool {
    match type_ {
        Expr::Name(name) => name.id.as_str() == "NameError",
        Expr::Tuple(tuple) => tuple.elts.iter().any(catches_name_error),
        _ => false,
    }
}

/// Whether a target of an assignment is a tuple unpacking, the way ruff decides it
/// (`a, b = f()` is; `a, b = 1, 2` is not).
fn is_unpacking(targets: &[Expr], target: &Expr, value: &Expr) -> bool {
    let tuple_like = |e: &Expr| matches!(e, Expr::Tuple(_) | Expr::List(_) | Expr::Set(_));
    let value_is_tuple = tuple_like(value);
    let targets_are_tuples = targets.iter().all(tuple_like);
    let child_in_tuple = targets_are_tuples || tuple_like(target);
    if child_in_tuple && !value_is_tuple {
        return true;
    }
    if child_in_tuple && value_is_tuple {
        return !targets_are_tuples;
    }
    false
}

/// `true` for a value whose evaluation has no side effects: literals, names, and tuples, lists,
/// sets and dicts of such (a unary `-`/`+`/`not`/`~` on them too). Calls, subscripts,
/// attributes, operators (which may be overloaded), comprehensions, f-strings and unpacking are
/// not.
fn is_pure(expr: &Expr) -> bool {
    match expr {
        Expr::StringLiteral(_)
        | Expr::BytesLiteral(_)
        | Expr::NumberLiteral(_)
        | Expr::BooleanLiteral(_)
        | Expr::NoneLiteral(_)
        | Expr::EllipsisLiteral(_)
        | Expr::Name(_) => true,
        Expr::UnaryOp(unary) => matches!(
            unary.operand.as_ref(),
            Expr::NumberLiteral(_) | Expr::BooleanLiteral(_) | Expr::NoneLiteral(_)
        ),
        Expr::Tuple(ast::ExprTuple { elts, .. })
        | Expr::List(ast::ExprList { elts, .. })
        | Expr::Set(ast::ExprSet { elts, .. }) => elts.iter().all(is_pure),
        Expr::Dict(dict) => dict
            .items
            .iter()
            .all(|item| item.key.as_ref().is_some_and(is_pure) && is_pure(&item.value)),
        _ => false,
    }
}

fn is_dunder_all(expr: &Expr) -> bool {
    matches!(expr, Expr::Name(name) if name.id.as_str() == "__all__")
}

/// `Literal[...]` (strings inside are values, not annotations).
fn is_literal(expr: &Expr) -> bool {
    match expr {
        Expr::Name(name) => name.id.as_str() == "Literal",
        Expr::Attribute(attribute) => attribute.attr.id.as_str() == "Literal",
        _ => false,
    }
}

/// `Annotated[...]` (only the first element is an annotation).
fn is_annotated(expr: &Expr) -> bool {
    match expr {
        Expr::Name(name) => name.id.as_str() == "Annotated",
        Expr::Attribute(attribute) => attribute.attr.id.as_str() == "Annotated",
        _ => false,
    }
}

impl<'a> Visitor<'a> for Builder<'a> {
    fn visit_body(&mut self, body: &'a [Stmt]) {
        self.bodies.push(body);
        for stmt in body {
            self.visit_stmt(stmt);
        }
        self.bodies.pop();
    }

    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(function) => self.visit_function_def(stmt, function),
            Stmt::ClassDef(class) => self.visit_class_def(stmt, class),
            Stmt::Delete(delete) => {
                for target in &delete.targets {
                    self.delete_target(target, stmt.range());
                }
            }
            Stmt::TypeAlias(alias) => {
                let outer = self.scope;
                let mut scope = self.scope;
                if let Some(type_params) = &alias.type_params {
                    scope = self.new_scope(ScopeKind::TypeParams);
                    self.scope = scope;
                    self.bind_type_params(type_params);
                }
                self.deferred.push_back(Deferred::Expr {
                    snapshot: self.snapshot(scope),
                    expr: &alias.value,
                    annotation: false,
                });
                self.scope = outer;
                self.bind_target(
                    &alias.name,
                    &BindingKind::Assignment,
                    BindingFlags::default(),
                    stmt.range(),
                );
            }
            Stmt::Assign(assign) => {
                self.visit_expr(&assign.value);
                for target in &assign.targets {
                    let flags = BindingFlags {
                        unpacked: is_unpacking(&assign.targets, target, &assign.value),
                        ..BindingFlags::default()
                    };
                    let first = self.model.bindings.len();
                    self.bind_target(target, &BindingKind::Assignment, flags, stmt.range());
                    if assign.targets.len() == 1
                        && matches!(target, Expr::Name(_))
                        && self.model.bindings.len() == first + 1
                    {
                        self.model.bindings[first].assignment = Some(SimpleAssignment {
                            statement: self.at(stmt.range()),
                            after_target: self.at(target.range()).end(),
                            value: self.at(assign.value.range()),
                            value_is_pure: is_pure(&assign.value),
                            sole_in_block: self.sole_in_block(),
                            in_magic: self.in_magic,
                        });
                    }
                }
                if self.scope == MODULE_SCOPE && assign.targets.iter().any(is_dunder_all) {
                    self.collect_exports(&assign.value);
                }
            }
            Stmt::AugAssign(aug) => {
                self.visit_expr(&aug.value);
                if let Expr::Name(name) = aug.target.as_ref() {
                    self.resolve_load(&name.id, name.range);
                    let flags = BindingFlags {
                        augmented: true,
                        ..BindingFlags::default()
                    };
                    self.add_binding(
                        &name.id,
                        name.range,
                        stmt.range(),
                        BindingKind::Assignment,
                        flags,
                    );
                    if self.scope == MODULE_SCOPE && name.id.as_str() == "__all__" {
                        self.collect_exports(&aug.value);
                    }
                } else {
                    self.visit_expr(&aug.target);
                }
            }
            Stmt::AnnAssign(ann) => {
                if let Some(value) = &ann.value {
                    self.visit_expr(value);
                }
                self.visit_annotation_expr(&ann.annotation);
                match (ann.target.as_ref(), &ann.value) {
                    (Expr::Name(name), Some(value)) => {
                        let id = self.add_binding(
                            &name.id,
                            name.range,
                            stmt.range(),
                            BindingKind::Assignment,
                            BindingFlags::default(),
                        );
                        self.model.bindings[id].assignment = Some(SimpleAssignment {
                            statement: self.at(stmt.range()),
                            after_target: self.at(ann.annotation.range()).end(),
                            value: self.at(value.range()),
                            value_is_pure: is_pure(value),
                            sole_in_block: self.sole_in_block(),
                            in_magic: self.in_magic,
                        });
                        if self.scope == MODULE_SCOPE && name.id.as_str() == "__all__" {
                            self.collect_exports(value);
                        }
                    }
                    (Expr::Name(_), None) => {}
                    (target, _) => self.visit_expr(target),
                }
            }
            Stmt::For(for_stmt) => {
                self.visit_expr(&for_stmt.iter);
                let outer = self.push_branch();
                self.conditional += 1;
                self.bind_target(
                    &for_stmt.target,
                    &BindingKind::LoopVar,
                    BindingFlags::default(),
                    stmt.range(),
                );
                self.visit_body(&for_stmt.body);
                self.visit_body(&for_stmt.orelse);
                self.conditional -= 1;
                self.branch = outer;
            }
            Stmt::While(while_stmt) => {
                self.visit_expr(&while_stmt.test);
                let outer = self.push_branch();
                self.conditional += 1;
                self.visit_body(&while_stmt.body);
                self.visit_body(&while_stmt.orelse);
                self.conditional -= 1;
                self.branch = outer;
            }
            Stmt::If(if_stmt) => {
                self.visit_expr(&if_stmt.test);
                self.conditional += 1;
                let outer = self.push_branch();
                self.visit_body(&if_stmt.body);
                for clause in &if_stmt.elif_else_clauses {
                    if let Some(test) = &clause.test {
                        self.visit_expr(test);
                    }
                    self.push_branch();
                    self.visit_body(&clause.body);
                }
                self.branch = outer;
                self.conditional -= 1;
            }
            Stmt::With(with) => {
                for item in &with.items {
                    self.visit_expr(&item.context_expr);
                    if let Some(vars) = &item.optional_vars {
                        let flags = BindingFlags {
                            unpacked: matches!(vars.as_ref(), Expr::Tuple(_) | Expr::List(_)),
                            ..BindingFlags::default()
                        };
                        self.bind_target(vars, &BindingKind::WithItem, flags, stmt.range());
                    }
                }
                let outer = self.push_branch();
                self.visit_body(&with.body);
                self.branch = outer;
            }
            Stmt::Match(match_stmt) => {
                self.visit_expr(&match_stmt.subject);
                self.conditional += 1;
                let outer = self.branch;
                for case in &match_stmt.cases {
                    self.push_branch();
                    self.visit_pattern(&case.pattern);
                    if let Some(guard) = &case.guard {
                        self.visit_expr(guard);
                    }
                    self.visit_body(&case.body);
                }
                self.branch = outer;
                self.conditional -= 1;
            }
            Stmt::Try(try_stmt) => self.visit_try(try_stmt),
            Stmt::Import(import) => self.visit_import(stmt, &import.names, None),
            Stmt::ImportFrom(import) => {
                let module = match (import.level, &import.module) {
                    (0, Some(module)) => module.id.clone(),
                    (0, None) => Name::empty(),
                    (level, module) => {
                        let mut dots = ".".repeat(level as usize);
                        dots.push_str(module.as_ref().map_or("", |m| m.id.as_str()));
                        Name::from(dots)
                    }
                };
                self.visit_import(stmt, &import.names, Some(module));
            }
            Stmt::Global(global) => {
                if self.scope != MODULE_SCOPE {
                    for name in &global.names {
                        self.add_binding(
                            &name.id,
                            name.range,
                            stmt.range(),
                            BindingKind::Global,
                            BindingFlags {
                                global: true,
                                ..BindingFlags::default()
                            },
                        );
                        self.model.scopes[self.scope].globals.push(name.id.clone());
                    }
                }
            }
            Stmt::Nonlocal(nonlocal) => {
                for name in &nonlocal.names {
                    // The enclosing binding is used by this function.
                    let mut outer = self.model.scopes[self.scope].parent;
                    while let Some(outer_id) = outer {
                        let scope = &self.model.scopes[outer_id];
                        if scope.is_function_like()
                            && let Some(&binding) = scope.names.get(name.as_str())
                        {
                            let range = self.at(name.range);
                            let reference = self.push_reference(&name.id, range, Some(binding));
                            self.model.bindings[binding].references.push(reference);
                            break;
                        }
                        outer = scope.parent;
                    }
                    self.add_binding(
                        &name.id,
                        name.range,
                        stmt.range(),
                        BindingKind::Nonlocal,
                        BindingFlags {
                            nonlocal: true,
                            ..BindingFlags::default()
                        },
                    );
                }
            }
            Stmt::Expr(expr) => {
                self.visit_expr(&expr.value);
                // `__all__.extend([...])` / `__all__.append("x")`
                if self.scope == MODULE_SCOPE
                    && let Expr::Call(call) = expr.value.as_ref()
                    && let Expr::Attribute(attribute) = call.func.as_ref()
                    && is_dunder_all(&attribute.value)
                    && matches!(attribute.attr.id.as_str(), "extend" | "append")
                {
                    self.exports_checked = false;
                    for argument in &call.arguments.args {
                        self.collect_exports(argument);
                    }
                    self.exports_checked = true;
                }
            }
            Stmt::IpyEscapeCommand(command) => self.visit_escape_command(command),
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Name(name) => match name.ctx {
                ExprContext::Load => {
                    if name.id.as_str() == "locals" {
                        self.model.scopes[self.scope].uses_locals = true;
                    }
                    self.resolve_load(&name.id, name.range);
                }
                ExprContext::Store => {
                    self.add_binding(
                        &name.id,
                        name.range,
                        name.range,
                        BindingKind::Assignment,
                        BindingFlags::default(),
                    );
                }
                ExprContext::Del => self.delete_target(expr, name.range),
                ExprContext::Invalid => {}
            },
            Expr::Named(named) => {
                self.visit_expr(&named.value);
                self.bind_target(
                    &named.target,
                    &BindingKind::NamedExpr,
                    BindingFlags::default(),
                    named.range,
                );
            }
            Expr::Lambda(lambda) => {
                if let Some(parameters) = &lambda.parameters {
                    for parameter in parameters.iter_non_variadic_params() {
                        if let Some(default) = &parameter.default {
                            self.visit_expr(default);
                        }
                    }
                }
                let scope = self.new_scope(ScopeKind::Lambda);
                self.deferred.push_back(Deferred::Lambda {
                    snapshot: self.snapshot(scope),
                    parameters: lambda.parameters.as_deref(),
                    body: &lambda.body,
                });
            }
            Expr::IpyEscapeCommand(command) => {
                self.expansion_uses(command.range(), command.kind, &command.value);
            }
            Expr::ListComp(comp) => self.visit_comprehension_expr(&comp.generators, &[&comp.elt]),
            Expr::SetComp(comp) => self.visit_comprehension_expr(&comp.generators, &[&comp.elt]),
            Expr::Generator(comp) => self.visit_comprehension_expr(&comp.generators, &[&comp.elt]),
            Expr::DictComp(comp) => {
                let key: Option<&'a Expr> = comp.key.as_deref();
                let mut elements: Vec<&'a Expr> = key.into_iter().collect();
                elements.push(&comp.value);
                self.visit_comprehension_expr(&comp.generators, &elements);
            }
            Expr::StringLiteral(literal) if self.in_annotation => {
                if !self.in_magic
                    && let [single] = literal.value.as_slice()
                {
                    self.deferred.push_back(Deferred::StringAnnotation {
                        snapshot: self.snapshot(self.scope),
                        literal: single,
                    });
                }
            }
            Expr::Subscript(subscript) if self.in_annotation && is_literal(&subscript.value) => {
                self.visit_expr(&subscript.value);
            }
            Expr::Subscript(subscript) if self.in_annotation && is_annotated(&subscript.value) => {
                self.visit_expr(&subscript.value);
                match subscript.slice.as_ref() {
                    Expr::Tuple(tuple) => {
                        if let Some((first, rest)) = tuple.elts.split_first() {
                            self.visit_expr(first);
                            self.in_annotation = false;
                            for element in rest {
                                self.visit_expr(element);
                            }
                            self.in_annotation = true;
                        }
                    }
                    other => self.visit_expr(other),
                }
            }
            _ => visitor::walk_expr(self, expr),
        }
    }

    fn visit_pattern(&mut self, pattern: &'a Pattern) {
        let name = match pattern {
            Pattern::MatchAs(p) => p.name.as_ref(),
            Pattern::MatchStar(p) => p.name.as_ref(),
            Pattern::MatchMapping(p) => p.rest.as_ref(),
            _ => None,
        };
        visitor::walk_pattern(self, pattern);
        if let Some(name) = name {
            self.add_binding(
                &name.id,
                name.range,
                pattern.range(),
                BindingKind::Assignment,
                BindingFlags::default(),
            );
        }
    }
}

/// The loads of a parsed string annotation or `{expr}` expansion (nothing else matters there).
struct AnnotationLoads<'b, 'a> {
    builder: &'b mut Builder<'a>,
}

impl<'x> Visitor<'x> for AnnotationLoads<'_, '_> {
    fn visit_expr(&mut self, expr: &'x Expr) {
        match expr {
            Expr::Name(name) if name.ctx == ExprContext::Load => {
                self.builder.resolve_load(&name.id, name.range);
            }
            Expr::Subscript(subscript) if is_literal(&subscript.value) => {
                self.visit_expr(&subscript.value);
            }
            Expr::StringLiteral(_) | Expr::Lambda(_) => {}
            _ => visitor::walk_expr(self, expr),
        }
    }
}
