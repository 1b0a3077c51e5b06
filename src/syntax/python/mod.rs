//! Python modules read without running them (`gunicorn.conf.py`, a
//! Hypercorn `file:` config): ruff parses the file, and the module-level
//! statements are followed in order with a symbol table, evaluating the
//! values that are literal, arithmetic, string operations, casts, names
//! assigned earlier and `os.environ.get(NAME, DEFAULT)` defaults. Anything
//! that needs the program to run (function calls, imports, loops, conditions
//! that cannot be decided) leaves the names it binds unknown, with a reason.

mod expr;
mod value;

use std::collections::HashMap;

use ruff_python_ast::{Expr, PySourceType, Stmt};
use ruff_text_size::{Ranged, TextRange};

pub use value::{Reason, Value, parse_int_literal};

use crate::source::LineIndex;
use crate::span::Span;

/// A syntax error ruff reported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
}

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Python syntax error: {}", self.message)
    }
}

/// An environment variable whose default a value was computed from: the
/// value holds only when the variable is unset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvDefault {
    pub variable: String,
    /// The `os.environ.get(…)` call.
    pub span: Span,
}

/// What evaluating an expression gave.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluated {
    /// `Err(reason)` when the value cannot be known without running the file.
    pub value: Result<Value, Reason>,
    /// Environment defaults the value depends on, in source order.
    pub env_defaults: Vec<EnvDefault>,
}

impl Evaluated {
    fn known(value: Value) -> Self {
        Self { value: Ok(value), env_defaults: Vec::new() }
    }

    fn unknown(reason: impl Into<Reason>) -> Self {
        Self { value: Err(reason.into()), env_defaults: Vec::new() }
    }

    /// The same environment dependencies with another result.
    fn with_value(mut self, value: Result<Value, Reason>) -> Self {
        self.value = value;
        self
    }

    fn depend_on(&mut self, env: &[EnvDefault]) {
        for e in env {
            if !self.env_defaults.contains(e) {
                self.env_defaults.push(e.clone());
            }
        }
    }
}

/// The value a module-level name has when the file has run.
#[derive(Clone, Debug, PartialEq)]
pub struct Binding {
    /// The whole statement that last bound the name.
    pub statement: Span,
    /// The expression whose value the name has (for `x += 1`, the `1`).
    pub value_span: Span,
    pub evaluated: Evaluated,
}

/// What is known about a name once the module has run.
#[derive(Clone, Debug, PartialEq)]
pub enum Lookup<'m> {
    Bound(&'m Binding),
    /// Never bound at module level.
    Unbound,
    /// Possibly set through `globals()`, `exec` and the like.
    Dynamic(Reason),
}

/// A module as it would be after running, as far as it can be known.
#[derive(Debug, Default)]
pub struct Module {
    names: HashMap<String, Binding>,
    /// The first statement that may set names dynamically, and its reason.
    dynamic: Option<Reason>,
    pub errors: Vec<SyntaxError>,
}

impl Module {
    /// The syntax error to report: Python stops at the first, and the errors
    /// ruff reports after it often follow from it.
    pub fn first_error(&self) -> Option<&SyntaxError> {
        self.errors.first()
    }

    /// The final binding of a module-level name.
    pub fn lookup(&self, name: &str) -> Lookup<'_> {
        match (self.names.get(name), &self.dynamic) {
            (Some(binding), _) => Lookup::Bound(binding),
            (None, Some(reason)) => Lookup::Dynamic(reason.clone()),
            (None, None) => Lookup::Unbound,
        }
    }
}

/// Reads `source` as a Python module. Never runs it.
pub fn evaluate(source: &str) -> Module {
    let parsed = ruff_python_parser::parse_unchecked_source(source, PySourceType::Python);
    let errors: Vec<SyntaxError> = parsed
        .errors()
        .iter()
        .map(|e| SyntaxError { span: span_of(e.location), message: e.error.to_string() })
        .collect();
    let mut evaluator = Evaluator::new(source);
    // Python compiles the whole module before running any of it: with a
    // syntax error, no name is set.
    if let Some(first) = errors.first() {
        let line = evaluator.lines.line(first.span.start);
        let reason = format!("the file has a syntax error (line {line}), so Python runs none of it");
        return Module { names: HashMap::new(), dynamic: Some(reason), errors };
    }
    let mut too_deep = false;
    for stmt in &parsed.syntax().body {
        // Screening first bounds the nesting every later recursion meets.
        match screen(stmt) {
            Some(Screened::TooDeep(range)) => {
                let reason = format!("code nested too deeply to follow ({})", evaluator.at(range));
                evaluator.everything_unknown(reason);
                too_deep = true;
                continue;
            }
            Some(Screened::Dynamic(call, range)) => {
                let reason = format!("names may be set dynamically by `{call}()` ({})", evaluator.at(range));
                evaluator.everything_unknown(reason);
            }
            None => {}
        }
        evaluator.exec(stmt, &[]);
    }
    let module = Module { names: evaluator.names, dynamic: evaluator.dynamic, errors };
    if too_deep {
        // Dropping a tree this deep recurses once per level and can exhaust a
        // worker thread's stack; such input is hostile, so its memory is
        // leaked instead.
        std::mem::forget(parsed);
    }
    module
}

pub(crate) fn span_of(range: TextRange) -> Span {
    Span::new(range.start().to_u32(), range.end().to_u32())
}

/// Calls that read or write the module namespace as a whole: after one of
/// them, any name may hold anything.
const DYNAMIC_NAMESPACE: &[&str] = &["globals", "locals", "vars", "exec", "eval", "setattr", "__import__"];

/// The module-level symbol table while the statements are followed.
pub(crate) struct Evaluator<'s> {
    source: &'s str,
    lines: LineIndex,
    names: HashMap<String, Binding>,
    /// Names bound by `import`, mapped to the dotted path they stand for.
    imports: HashMap<String, String>,
    dynamic: Option<Reason>,
}

impl<'s> Evaluator<'s> {
    fn new(source: &'s str) -> Self {
        Self { source, lines: LineIndex::new(source), names: HashMap::new(), imports: HashMap::new(), dynamic: None }
    }

    /// `(line N)` for a node, to point reasons at their cause.
    pub(crate) fn at(&self, range: TextRange) -> String {
        format!("line {}", self.lines.line(range.start().to_u32()))
    }

    /// The source text of a node, shortened for messages.
    pub(crate) fn snippet(&self, range: TextRange) -> String {
        let text = self.source.get(range.start().to_usize()..range.end().to_usize()).unwrap_or("");
        let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if one_line.chars().count() > 48 {
            format!("{}…", one_line.chars().take(47).collect::<String>())
        } else {
            one_line
        }
    }

    /// Runs one module-level statement. `env` lists the environment
    /// defaults of the conditions that led here.
    fn exec(&mut self, stmt: &Stmt, env: &[EnvDefault]) {
        match stmt {
            Stmt::Assign(assign) => {
                let evaluated = self.eval(&assign.value);
                for target in &assign.targets {
                    self.assign(target, &assign.value, &evaluated, stmt.range(), env);
                }
            }
            Stmt::AnnAssign(assign) => {
                if let Some(value) = &assign.value {
                    let evaluated = self.eval(value);
                    self.assign(&assign.target, value, &evaluated, stmt.range(), env);
                }
            }
            Stmt::AugAssign(assign) => self.augmented(assign, env),
            Stmt::If(branch) => self.branch(branch, env),
            Stmt::With(with) => {
                for item in &with.items {
                    if let Some(target) = &item.optional_vars {
                        self.forget(target, stmt.range(), "is bound by `with`");
                    }
                }
                for inner in &with.body {
                    self.exec(inner, env);
                }
            }
            Stmt::For(_) | Stmt::While(_) => self.forget_targets(stmt, "is assigned in a loop"),
            Stmt::Try(_) => self.forget_targets(stmt, "is assigned inside `try`, which may not run to the end"),
            Stmt::Match(_) => self.forget_targets(stmt, "is assigned in a `match` case"),
            Stmt::FunctionDef(def) => self.define(&def.name, stmt.range(), "a function"),
            Stmt::ClassDef(def) => self.define(&def.name, stmt.range(), "a class"),
            Stmt::Import(import) => {
                for alias in &import.names {
                    let (bound, path) = import_binding(alias);
                    self.bind_import(bound, path, stmt.range());
                }
            }
            Stmt::ImportFrom(import) => {
                let module = format!(
                    "{}{}",
                    ".".repeat(import.level as usize),
                    import.module.as_ref().map(|m| m.id.as_str()).unwrap_or_default()
                );
                for alias in &import.names {
                    let bound = alias.asname.as_ref().unwrap_or(&alias.name).id.to_string();
                    self.bind_import(bound, format!("{module}.{}", alias.name.id), stmt.range());
                }
            }
            Stmt::Delete(delete) => {
                for target in &delete.targets {
                    if let Expr::Name(name) = target {
                        self.names.remove(name.id.as_str());
                        self.imports.remove(name.id.as_str());
                    }
                }
            }
            _ => {}
        }
    }

    /// Binds `target = value` (already evaluated as `evaluated`).
    fn assign(&mut self, target: &Expr, value: &Expr, evaluated: &Evaluated, statement: TextRange, env: &[EnvDefault]) {
        match target {
            Expr::Name(name) => {
                let mut evaluated = evaluated.clone();
                evaluated.depend_on(env);
                self.bind(name.id.to_string(), statement, value.range(), evaluated);
            }
            Expr::Tuple(t) if t.elts.iter().all(|e| matches!(e, Expr::Name(_))) => {
                self.unpack(&t.elts, value, evaluated, statement, env);
            }
            Expr::List(l) if l.elts.iter().all(|e| matches!(e, Expr::Name(_))) => {
                self.unpack(&l.elts, value, evaluated, statement, env);
            }
            Expr::Subscript(s) => self.forget(&s.value, statement, "is modified in place"),
            Expr::Attribute(a) => self.forget(&a.value, statement, "is modified in place"),
            other => self.forget(other, statement, "is unpacked from a value that is not evaluated"),
        }
    }

    /// `a, b = 1, 2` (element by element, keeping each value's span) or
    /// `a, b = pair` (from a known sequence).
    fn unpack(
        &mut self,
        names: &[Expr],
        value: &Expr,
        evaluated: &Evaluated,
        statement: TextRange,
        env: &[EnvDefault],
    ) {
        let literal = match value {
            Expr::Tuple(t) => Some(&t.elts),
            Expr::List(l) => Some(&l.elts),
            _ => None,
        };
        if let Some(elts) = literal.filter(|e| e.len() == names.len() && !e.iter().any(Expr::is_starred_expr)) {
            for (name, elt) in names.iter().zip(elts) {
                let element = self.eval(elt);
                self.assign(name, elt, &element, statement, env);
            }
            return;
        }
        let items = match &evaluated.value {
            Ok(Value::Tuple(items) | Value::List(items)) if items.len() == names.len() => Some(items),
            _ => None,
        };
        for (i, name) in names.iter().enumerate() {
            let element = match items {
                Some(items) => evaluated.clone().with_value(Ok(items[i].clone())),
                None => evaluated.clone().with_value(Err(match &evaluated.value {
                    Err(reason) => reason.clone(),
                    Ok(v) => format!("unpacking a {} into {} names is not evaluated", v.type_name(), names.len()),
                })),
            };
            self.assign(name, value, &element, statement, env);
        }
    }

    /// `x += 1`, `s *= 2`…
    fn augmented(&mut self, assign: &ruff_python_ast::StmtAugAssign, env: &[EnvDefault]) {
        let Expr::Name(name) = assign.target.as_ref() else {
            self.forget(&assign.target, assign.range, "is modified in place");
            return;
        };
        let right = self.eval(&assign.value);
        let mut evaluated = match self.names.get(name.id.as_str()) {
            Some(current) => current.evaluated.clone(),
            None => Evaluated::unknown(format!("`{}` is not defined before {}", name.id, self.at(assign.range))),
        };
        evaluated.depend_on(&right.env_defaults);
        evaluated.depend_on(env);
        let result = match (&evaluated.value, &right.value) {
            (Ok(left), Ok(r)) => value::binary(assign.op, left, r),
            (Err(reason), _) | (_, Err(reason)) => Err(reason.clone()),
        };
        self.bind(name.id.to_string(), assign.range, assign.value.range(), evaluated.with_value(result));
    }

    /// `if`/`elif`/`else`: a branch whose condition is known runs (its
    /// bindings then also depend on the condition's environment defaults);
    /// when a condition is unknown, every name the remaining branches bind
    /// becomes unknown.
    fn branch(&mut self, branch: &ruff_python_ast::StmtIf, env: &[EnvDefault]) {
        let mut clauses: Vec<(Option<&Expr>, &[Stmt])> = vec![(Some(&branch.test), &branch.body)];
        clauses.extend(branch.elif_else_clauses.iter().map(|c| (c.test.as_ref(), c.body.as_slice())));
        let mut env = env.to_vec();
        for (i, (test, body)) in clauses.iter().enumerate() {
            let Some(test) = test else {
                for stmt in *body {
                    self.exec(stmt, &env);
                }
                return;
            };
            let condition = self.eval(test);
            match condition.value {
                Ok(v) => {
                    env.extend(condition.env_defaults);
                    if v.truthy() {
                        for stmt in *body {
                            self.exec(stmt, &env);
                        }
                        return;
                    }
                }
                Err(reason) => {
                    let why = format!(
                        "is assigned under `if {}` ({}), whose condition is unknown: {reason}",
                        self.snippet(test.range()),
                        self.at(test.range())
                    );
                    for (_, rest) in &clauses[i..] {
                        for stmt in *rest {
                            self.forget_targets(stmt, &why);
                        }
                    }
                    return;
                }
            }
        }
    }

    fn bind(&mut self, name: String, statement: TextRange, value: TextRange, evaluated: Evaluated) {
        self.imports.remove(&name);
        self.names.insert(name, Binding { statement: span_of(statement), value_span: span_of(value), evaluated });
    }

    fn bind_import(&mut self, name: String, path: String, statement: TextRange) {
        let reason = format!("`{name}` is the module `{path}` ({})", self.at(statement));
        self.bind(name.clone(), statement, statement, Evaluated::unknown(reason));
        self.imports.insert(name, path);
    }

    fn define(&mut self, name: &ruff_python_ast::Identifier, statement: TextRange, what: &str) {
        let reason = format!("`{}` is {what} defined at {}", name.id, self.at(statement));
        self.bind(name.id.to_string(), statement, statement, Evaluated::unknown(reason));
    }

    /// Makes the names `target` binds unknown.
    fn forget(&mut self, target: &Expr, statement: TextRange, why: &str) {
        let mut names = Vec::new();
        collect_target_names(target, &mut names);
        for name in names {
            let reason = format!("`{name}` ({}) {why}", self.at(statement));
            self.bind(name.to_owned(), statement, target.range(), Evaluated::unknown(reason));
        }
    }

    /// Makes every name a (possibly compound) statement binds unknown.
    fn forget_targets(&mut self, stmt: &Stmt, why: &str) {
        let mut bound = Vec::new();
        collect_bound(stmt, &mut bound);
        for (name, range) in bound {
            let reason = format!("`{name}` ({}) {why}", self.at(range));
            self.bind(name, range, range, Evaluated::unknown(reason));
        }
    }

    /// After `globals()[…] = …`, `exec(…)` and the like, any name may hold
    /// anything: names bound so far become unknown, and so do names never
    /// bound (see [`Module::lookup`]).
    fn everything_unknown(&mut self, reason: Reason) {
        for binding in self.names.values_mut() {
            binding.evaluated.value = Err(reason.clone());
        }
        self.dynamic.get_or_insert(reason);
    }
}

/// Statements and expressions nested deeper than this in one module-level
/// statement are not followed (the walks are recursive; hostile input must
/// not exhaust the stack).
const MAX_NESTING: usize = 100;

/// What screening a module-level statement found.
enum Screened {
    /// A call to one of [`DYNAMIC_NAMESPACE`] that runs at import time.
    Dynamic(String, TextRange),
    TooDeep(TextRange),
}

fn screen(stmt: &Stmt) -> Option<Screened> {
    let mut screen = Screen { found: None, depth: 0 };
    ruff_python_ast::visitor::Visitor::visit_stmt(&mut screen, stmt);
    screen.found
}

/// Walks a statement as far as it runs at import time (not into function
/// or class bodies, nor lambdas), with bounded depth.
struct Screen {
    found: Option<Screened>,
    depth: usize,
}

impl Screen {
    fn enter(&mut self, range: TextRange) -> bool {
        if matches!(self.found, Some(Screened::TooDeep(_))) {
            return false;
        }
        self.depth += 1;
        if self.depth > MAX_NESTING {
            self.found = Some(Screened::TooDeep(range));
            return false;
        }
        true
    }
}

impl<'a> ruff_python_ast::visitor::Visitor<'a> for Screen {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if !matches!(stmt, Stmt::FunctionDef(_) | Stmt::ClassDef(_)) && self.enter(stmt.range()) {
            ruff_python_ast::visitor::walk_stmt(self, stmt);
            self.depth -= 1;
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if matches!(expr, Expr::Lambda(_)) || !self.enter(expr.range()) {
            return;
        }
        if let Expr::Call(call) = expr
            && let Expr::Name(name) = call.func.as_ref()
            && DYNAMIC_NAMESPACE.contains(&name.id.as_str())
            && self.found.is_none()
        {
            self.found = Some(Screened::Dynamic(name.id.to_string(), expr.range()));
        }
        ruff_python_ast::visitor::walk_expr(self, expr);
        self.depth -= 1;
    }
}

/// The name `import …` binds and the module path it stands for: `import
/// a.b` binds `a` to `a`; `import a.b as c` binds `c` to `a.b`.
fn import_binding(alias: &ruff_python_ast::Alias) -> (String, String) {
    if let Some(asname) = &alias.asname {
        (asname.id.to_string(), alias.name.id.to_string())
    } else {
        let top = alias.name.id.split('.').next().unwrap_or_default().to_owned();
        (top.clone(), top)
    }
}

/// Names an assignment target binds (`a`, `a, (b, *c)`).
fn collect_target_names<'a>(target: &'a Expr, out: &mut Vec<&'a str>) {
    match target {
        Expr::Name(name) => out.push(name.id.as_str()),
        Expr::Tuple(t) => t.elts.iter().for_each(|e| collect_target_names(e, out)),
        Expr::List(l) => l.elts.iter().for_each(|e| collect_target_names(e, out)),
        Expr::Starred(s) => collect_target_names(&s.value, out),
        // `x[0] = …` / `x.y = …` change the object `x` names.
        Expr::Subscript(s) => collect_target_names(&s.value, out),
        Expr::Attribute(a) => collect_target_names(&a.value, out),
        _ => {}
    }
}

/// Every module-level name a statement may bind, with the range of the
/// statement that binds it (nested blocks included, function bodies not).
fn collect_bound(stmt: &Stmt, out: &mut Vec<(String, TextRange)>) {
    let push_targets = |targets: &mut dyn Iterator<Item = &Expr>, range: TextRange, out: &mut Vec<_>| {
        for target in targets {
            let mut names = Vec::new();
            collect_target_names(target, &mut names);
            out.extend(names.into_iter().map(|n| (n.to_owned(), range)));
        }
    };
    let range = stmt.range();
    match stmt {
        Stmt::Assign(a) => push_targets(&mut a.targets.iter(), range, out),
        Stmt::AnnAssign(a) if a.value.is_some() => push_targets(&mut std::iter::once(a.target.as_ref()), range, out),
        Stmt::AugAssign(a) => push_targets(&mut std::iter::once(a.target.as_ref()), range, out),
        Stmt::For(f) => {
            push_targets(&mut std::iter::once(f.target.as_ref()), range, out);
            f.body.iter().chain(&f.orelse).for_each(|s| collect_bound(s, out));
        }
        Stmt::While(w) => w.body.iter().chain(&w.orelse).for_each(|s| collect_bound(s, out)),
        Stmt::If(i) => {
            i.body.iter().chain(i.elif_else_clauses.iter().flat_map(|c| &c.body)).for_each(|s| collect_bound(s, out));
        }
        Stmt::With(w) => {
            push_targets(&mut w.items.iter().filter_map(|i| i.optional_vars.as_deref()), range, out);
            w.body.iter().for_each(|s| collect_bound(s, out));
        }
        Stmt::Try(t) => {
            let handlers = t.handlers.iter().flat_map(|h| match h {
                ruff_python_ast::ExceptHandler::ExceptHandler(h) => h.body.iter(),
            });
            t.body.iter().chain(handlers).chain(&t.orelse).chain(&t.finalbody).for_each(|s| collect_bound(s, out));
        }
        Stmt::Match(m) => m.cases.iter().flat_map(|c| &c.body).for_each(|s| collect_bound(s, out)),
        Stmt::FunctionDef(d) => out.push((d.name.id.to_string(), range)),
        Stmt::ClassDef(d) => out.push((d.name.id.to_string(), range)),
        Stmt::Import(i) => out.extend(i.names.iter().map(|a| (import_binding(a).0, range))),
        Stmt::ImportFrom(i) => {
            out.extend(i.names.iter().map(|a| (a.asname.as_ref().unwrap_or(&a.name).id.to_string(), range)));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests;
