//! `NB017` hardcoded-password: a string literal given to a password-like name in code
//! (ruff's `S105`, `S106`, `S107` in one rule, plus string keys of dicts).

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, ExprStringLiteral, Parameters, Stmt, StringFlags};
use ruff_text_size::Ranged;

use nbtidy_safe_text::{find_password_literals, is_password_name};

use crate::context::Context;
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Checks Python cells for a non-empty string literal that is
    /// - assigned to a variable, attribute or string key whose name looks like a password
    ///   (`password = "…"`, `self.db_pwd = "…"`, `config["token"] = "…"`; ruff's `S105`);
    /// - passed as such a keyword argument (`connect(password="…")`; `S106`);
    /// - the default of such a parameter (`def login(pwd="…")`; `S107`);
    /// - the value of such a string key in a dict display (`{"password": "…"}`);
    /// - compared with such a name (`if token == "…"`; `S105`).
    ///
    /// A name looks like a password when it matches ruff's and bandit's pattern
    /// `(^|_)(pas+wo?r?d|pass(phrase)?|pwd|token|secrete?)($|_)`, ignoring case: `password`,
    /// `DB_PASSWD`, `pwd`, `access_token`, `client_secret`; not `passed`, `tokenizer`,
    /// `passwords`.
    ///
    /// Obvious placeholders are skipped: values made of one repeated character (`***`, `xxxx`),
    /// templates (`{password}`, `$DB_PASSWORD`, `%(pw)s`, `<your password>`, `[PAD]`) and values
    /// holding a placeholder word (`password`, `changeme`, `your_…`, `example`, `dummy`, …), as
    /// well as f-strings, bytes and implicitly concatenated strings. A value is reported only
    /// when nbtidy's output masks it (the same finder, in the text of the cell, decides what is
    /// masked whatever rules run), so the literal must be written on the name's line or after
    /// `(` and line breaks, and be at most 1024 bytes. Messages never show the value.
    ///
    /// Secrets with a known shape (API keys, tokens, passwords in URLs) are `NB016`'s.
    ///
    /// ## Why is this bad?
    /// A notebook is shared, committed and published: a password typed into a cell is leaked to
    /// everyone who can read the file, and stays in the repository's history. Change the
    /// password; then read it from the environment, a secrets manager or `getpass`.
    ///
    /// ## Example
    /// ```python
    /// conn = psycopg.connect(host="db", user="analyst", password="s3cr3t-Pa55")
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// conn = psycopg.connect(host="db", user="analyst", password=os.environ["DB_PASSWORD"])
    /// ```
    ///
    /// ## Fix safety
    /// No fix: removing the value does not un-leak the password (it must be changed), and the
    /// code needs another way to get it.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct HardcodedPassword {
        code: "NB017",
        name: "hardcoded-password",
        severity: Warning,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

impl Rule for HardcodedPassword {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        for (cell, module) in context.python_cells() {
            let mut finder = Finder::default();
            finder.visit_body(&module.body);
            if finder.found.is_empty() {
                continue;
            }
            // What the output masks: only these are reported (see the rule's doc).
            let masked = find_password_literals(cell.text());
            for found in finder.found {
                let Some(part) = single_part(found.literal) else {
                    continue;
                };
                let start = part.range.start() + part.flags.opener_len();
                let end = part.range.end() - part.flags.closer_len();
                let value = start.to_usize()..end.to_usize();
                if !masked.contains(&value) {
                    continue;
                }
                let how = match found.how {
                    How::Assigned => "assigned to",
                    How::Argument => "passed as the argument",
                    How::Default => "as the default of the parameter",
                    How::DictValue => "given to the key",
                    How::Compared => "compared with",
                };
                out.push(context.code_diagnostic(
                    &Self::META,
                    format!(
                        "possible hardcoded password {how} `{}`: change it, and read it from the environment, a secrets manager or `getpass`",
                        found.name
                    ),
                    cell.index,
                    found.literal.range(),
                ));
            }
        }
    }
}

/// The only part of a string literal that is not implicitly concatenated.
fn single_part(literal: &ExprStringLiteral) -> Option<&ruff_python_ast::StringLiteral> {
    let mut parts = literal.value.iter();
    let part = parts.next()?;
    parts.next().is_none().then_some(part)
}

enum How {
    Assigned,
    Argument,
    Default,
    DictValue,
    Compared,
}

struct Found<'a> {
    name: &'a str,
    literal: &'a ExprStringLiteral,
    how: How,
}

#[derive(Default)]
struct Finder<'a> {
    found: Vec<Found<'a>>,
}

/// A non-empty string literal.
fn literal(expr: &Expr) -> Option<&ExprStringLiteral> {
    match expr {
        Expr::StringLiteral(literal) if !literal.value.is_empty() => Some(literal),
        _ => None,
    }
}

/// The password-like name of an assignment target or comparison operand: a variable, an
/// attribute, or a string subscript (as ruff's `password_target`).
fn password_target(target: &Expr) -> Option<&str> {
    let name = match target {
        Expr::Name(name) => name.id.as_str(),
        Expr::Attribute(attribute) => attribute.attr.as_str(),
        Expr::Subscript(subscript) => match subscript.slice.as_ref() {
            Expr::StringLiteral(key) => key.value.to_str(),
            _ => return None,
        },
        _ => return None,
    };
    is_password_name(name).then_some(name)
}

impl<'a> Finder<'a> {
    fn assigned(&mut self, targets: impl IntoIterator<Item = &'a Expr>, value: &'a Expr) {
        let Some(literal) = literal(value) else {
            return;
        };
        if let Some(name) = targets.into_iter().find_map(password_target) {
            self.found.push(Found {
                name,
                literal,
                how: How::Assigned,
            });
        }
    }

    fn parameters(&mut self, parameters: &'a Parameters) {
        for parameter in parameters.iter_non_variadic_params() {
            let name = parameter.parameter.name.as_str();
            if let Some(literal) = parameter.default.as_deref().and_then(literal)
                && is_password_name(name)
            {
                self.found.push(Found {
                    name,
                    literal,
                    how: How::Default,
                });
            }
        }
    }
}

impl<'a> Visitor<'a> for Finder<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::Assign(assign) => self.assigned(&assign.targets, &assign.value),
            Stmt::AnnAssign(assign) => {
                if let Some(value) = &assign.value {
                    self.assigned([assign.target.as_ref()], value);
                }
            }
            Stmt::FunctionDef(function) => self.parameters(&function.parameters),
            _ => {}
        }
        visitor::walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Call(call) => {
                for keyword in &call.arguments.keywords {
                    if let (Some(name), Some(literal)) = (&keyword.arg, literal(&keyword.value))
                        && is_password_name(name.as_str())
                    {
                        self.found.push(Found {
                            name: name.as_str(),
                            literal,
                            how: How::Argument,
                        });
                    }
                }
            }
            Expr::Dict(dict) => {
                for item in &dict.items {
                    if let Some(Expr::StringLiteral(key)) = &item.key
                        && let Some(literal) = literal(&item.value)
                        && is_password_name(key.value.to_str())
                    {
                        self.found.push(Found {
                            name: key.value.to_str(),
                            literal,
                            how: How::DictValue,
                        });
                    }
                }
            }
            Expr::Compare(compare) => {
                if let Some(name) = password_target(&compare.left) {
                    for comparator in &compare.comparators {
                        if let Some(literal) = literal(comparator) {
                            self.found.push(Found {
                                name,
                                literal,
                                how: How::Compared,
                            });
                        }
                    }
                }
            }
            _ => {}
        }
        visitor::walk_expr(self, expr);
    }
}
