//! Expressions: literals, operators, names, f-strings, casts and the
//! environment lookups a config file makes. Everything else is unknown,
//! with a reason naming the expression and its line.

use ruff_python_ast::{self as ast, Expr, Number};
use ruff_text_size::{Ranged, TextRange};

use super::value::{self, Value};
use super::{EnvDefault, Evaluated, Evaluator, span_of};

/// Expressions nested deeper than this are not evaluated (hostile input
/// must not exhaust the stack).
const MAX_DEPTH: usize = 128;

/// The functions of `os` that read the environment with a default.
const ENV_GETTERS: &[&str] = &["os.environ.get", "os.getenv", "os.environ.setdefault"];

impl Evaluator<'_> {
    pub(crate) fn eval(&self, expr: &Expr) -> Evaluated {
        self.eval_at(expr, 0)
    }

    fn eval_at(&self, expr: &Expr, depth: usize) -> Evaluated {
        if depth > MAX_DEPTH {
            return Evaluated::unknown(format!("expression nested too deeply ({})", self.at(expr.range())));
        }
        let depth = depth + 1;
        match expr {
            Expr::NoneLiteral(_) => Evaluated::known(Value::None),
            Expr::BooleanLiteral(b) => Evaluated::known(Value::Bool(b.value)),
            Expr::NumberLiteral(n) => match &n.value {
                Number::Int(i) => match i.as_i64() {
                    Some(i) => Evaluated::known(Value::Int(i)),
                    None => self.opaque(expr.range(), "is an integer too large to evaluate"),
                },
                Number::Float(f) => Evaluated::known(Value::Float(*f)),
                Number::Complex { .. } => self.opaque(expr.range(), "is a complex number"),
            },
            Expr::StringLiteral(s) => Evaluated::known(Value::Str(s.value.to_str().to_owned())),
            Expr::FString(f) => self.fstring(f, depth),
            Expr::Name(name) => self.name(name),
            Expr::List(l) => self.sequence(&l.elts, depth, Value::List),
            Expr::Tuple(t) => self.sequence(&t.elts, depth, Value::Tuple),
            Expr::Dict(d) => self.dict(d, depth),
            Expr::BinOp(op) => {
                let (mut left, right) = (self.eval_at(&op.left, depth), self.eval_at(&op.right, depth));
                left.depend_on(&right.env_defaults);
                let result = match (&left.value, &right.value) {
                    (Ok(l), Ok(r)) => value::binary(op.op, l, r).map_err(|e| self.because(expr.range(), &e)),
                    (Err(e), _) | (_, Err(e)) => Err(e.clone()),
                };
                left.with_value(result)
            }
            Expr::UnaryOp(op) => {
                let operand = self.eval_at(&op.operand, depth);
                let result =
                    operand.value.clone().and_then(|v| unary(op.op, &v).map_err(|e| self.because(expr.range(), &e)));
                operand.with_value(result)
            }
            Expr::BoolOp(op) => self.bool_op(op, depth),
            Expr::Compare(cmp) => self.compare(cmp, depth),
            Expr::If(if_exp) => {
                let mut test = self.eval_at(&if_exp.test, depth);
                match &test.value {
                    Ok(v) => {
                        let chosen = self.eval_at(if v.truthy() { &if_exp.body } else { &if_exp.orelse }, depth);
                        test.depend_on(&chosen.env_defaults);
                        test.with_value(chosen.value)
                    }
                    Err(_) => test,
                }
            }
            Expr::Subscript(sub) => self.subscript(sub, depth),
            Expr::Call(call) => self.call(call, depth),
            _ => self.opaque(expr.range(), "is not a value hoplint evaluates"),
        }
    }

    /// Unknown: "`<expr>` <why> (line N)".
    fn opaque(&self, range: TextRange, why: &str) -> Evaluated {
        Evaluated::unknown(format!("`{}` {why} ({})", self.snippet(range), self.at(range)))
    }

    /// A reason from an operation, placed at the expression.
    fn because(&self, range: TextRange, why: &str) -> String {
        format!("`{}`: {why} ({})", self.snippet(range), self.at(range))
    }

    fn name(&self, name: &ast::ExprName) -> Evaluated {
        match self.names.get(name.id.as_str()) {
            Some(binding) => binding.evaluated.clone(),
            None => Evaluated::unknown(format!("`{}` is not defined before {}", name.id, self.at(name.range))),
        }
    }

    /// Evaluates each element; the first unknown one makes the whole unknown.
    fn sequence(&self, elts: &[Expr], depth: usize, make: fn(Vec<Value>) -> Value) -> Evaluated {
        let mut out = Evaluated::known(Value::None);
        let mut values = Vec::with_capacity(elts.len());
        for elt in elts {
            if elt.is_starred_expr() {
                return self.opaque(elt.range(), "unpacks a value that is not evaluated");
            }
            let item = self.eval_at(elt, depth);
            out.depend_on(&item.env_defaults);
            match item.value {
                Ok(v) => values.push(v),
                Err(e) => return out.with_value(Err(e)),
            }
        }
        out.with_value(Ok(make(values)))
    }

    fn dict(&self, dict: &ast::ExprDict, depth: usize) -> Evaluated {
        let mut out = Evaluated::known(Value::None);
        let mut items = Vec::new();
        for item in &dict.items {
            let Some(key) = &item.key else {
                return self.opaque(item.value.range(), "unpacks a mapping that is not evaluated");
            };
            let (k, v) = (self.eval_at(key, depth), self.eval_at(&item.value, depth));
            out.depend_on(&k.env_defaults);
            out.depend_on(&v.env_defaults);
            match (k.value, v.value) {
                (Ok(k), Ok(v)) => items.push((k, v)),
                (Err(e), _) | (_, Err(e)) => return out.with_value(Err(e)),
            }
        }
        out.with_value(Ok(Value::Dict(items)))
    }

    fn fstring(&self, f: &ast::ExprFString, depth: usize) -> Evaluated {
        let mut out = Evaluated::known(Value::None);
        let mut text = String::new();
        for part in &f.value {
            let elements = match part {
                ast::FStringPart::Literal(literal) => {
                    text.push_str(&literal.value);
                    continue;
                }
                ast::FStringPart::FString(f) => &f.elements,
            };
            for element in elements {
                match element {
                    ast::InterpolatedStringElement::Literal(literal) => text.push_str(&literal.value),
                    ast::InterpolatedStringElement::Interpolation(field) => {
                        let has_spec = field.format_spec.as_ref().is_some_and(|s| !s.elements.is_empty());
                        if has_spec || field.debug_text.is_some() {
                            return out.with_value(Err(format!(
                                "`{}` uses a format spec or `=`, which is not evaluated ({})",
                                self.snippet(f.range),
                                self.at(f.range)
                            )));
                        }
                        let value = self.eval_at(&field.expression, depth);
                        out.depend_on(&value.env_defaults);
                        match value.value.and_then(|v| value::interpolate(&v, field.conversion)) {
                            Ok(s) => text.push_str(&s),
                            Err(e) => return out.with_value(Err(e)),
                        }
                    }
                }
            }
        }
        out.with_value(Ok(Value::Str(text)))
    }

    fn bool_op(&self, op: &ast::ExprBoolOp, depth: usize) -> Evaluated {
        // `a or b` is the first truthy operand (else the last); `a and b`
        // the first falsy one (else the last).
        let stop_when = matches!(op.op, ast::BoolOp::Or);
        let mut out = Evaluated::known(Value::None);
        for (i, operand) in op.values.iter().enumerate() {
            let value = self.eval_at(operand, depth);
            out.depend_on(&value.env_defaults);
            match value.value {
                Ok(v) if v.truthy() == stop_when || i + 1 == op.values.len() => return out.with_value(Ok(v)),
                Ok(_) => {}
                Err(e) => return out.with_value(Err(e)),
            }
        }
        out
    }

    fn compare(&self, cmp: &ast::ExprCompare, depth: usize) -> Evaluated {
        let mut out = self.eval_at(&cmp.left, depth);
        let Ok(mut left) = out.value.clone() else { return out };
        for (op, right) in cmp.ops.iter().zip(&cmp.comparators) {
            let right = self.eval_at(right, depth);
            out.depend_on(&right.env_defaults);
            let right = match right.value {
                Ok(v) => v,
                Err(e) => return out.with_value(Err(e)),
            };
            let holds = match compare(*op, &left, &right) {
                Ok(holds) => holds,
                Err(e) => return out.with_value(Err(self.because(cmp.left.range(), &e))),
            };
            if !holds {
                return out.with_value(Ok(Value::Bool(false)));
            }
            left = right;
        }
        out.with_value(Ok(Value::Bool(true)))
    }

    fn subscript(&self, sub: &ast::ExprSubscript, depth: usize) -> Evaluated {
        if self.dotted(&sub.value).as_deref() == Some("os.environ") {
            return self.opaque(sub.range, "is read from the environment at run time (no default)");
        }
        if sub.slice.is_slice_expr() {
            return Evaluated::unknown(format!("slices are not evaluated ({})", self.at(sub.range)));
        }
        let (mut container, index) = (self.eval_at(&sub.value, depth), self.eval_at(&sub.slice, depth));
        container.depend_on(&index.env_defaults);
        let result = match (&container.value, &index.value) {
            (Ok(c), Ok(i)) => c.index(i).map_err(|e| format!("{e} ({})", self.at(sub.range))),
            (Err(e), _) | (_, Err(e)) => Err(e.clone()),
        };
        container.with_value(result)
    }

    fn call(&self, call: &ast::ExprCall, depth: usize) -> Evaluated {
        let args = &call.arguments;
        if args.args.iter().any(Expr::is_starred_expr) || args.keywords.iter().any(|k| k.arg.is_none()) {
            return self.opaque(call.range(), "unpacks arguments, which is not evaluated");
        }
        let callee = self.dotted(&call.func);
        if let Some(getter) = callee.as_deref().filter(|c| ENV_GETTERS.contains(c)) {
            return self.env_get(call, getter, depth);
        }
        if let Some(builtin) = callee.as_deref().filter(|c| BUILTINS.contains(c)) {
            return self.builtin(call, builtin, depth);
        }
        if let Expr::Attribute(method) = call.func.as_ref() {
            let receiver = self.eval_at(&method.value, depth);
            if let Ok(Value::Str(s)) = &receiver.value {
                return self.str_method(call, s, method.attr.as_str(), receiver.clone(), depth);
            }
        }
        self.opaque(call.range(), "is only known at run time")
    }

    /// `os.environ.get("X", default)`: the default, which holds unless `X`
    /// is set. Without a default the value is the environment's.
    fn env_get(&self, call: &ast::ExprCall, getter: &str, depth: usize) -> Evaluated {
        let args = &call.arguments;
        let Some(key) = args.args.first() else { return self.opaque(call.range(), "has no variable name") };
        let key = self.eval_at(key, depth);
        let variable = match &key.value {
            Ok(Value::Str(name)) => name.clone(),
            Ok(_) => return self.opaque(call.range(), "names no variable"),
            Err(_) => return key.clone(),
        };
        let default = args.args.get(1).or_else(|| args.find_keyword("default").map(|k| &k.value));
        let Some(default) = default else {
            return Evaluated::unknown(format!(
                "`{getter}(\"{variable}\")` has no default: the value comes from the environment ({})",
                self.at(call.range())
            ));
        };
        let mut value = self.eval_at(default, depth);
        value.depend_on(&key.env_defaults);
        value.depend_on(&[EnvDefault { variable, span: span_of(call.range()) }]);
        value
    }

    /// The call's positional arguments, each evaluated; their environment
    /// defaults go to `out`. The first that cannot be known stops it.
    fn positional_args(
        &self,
        call: &ast::ExprCall,
        depth: usize,
        out: &mut Evaluated,
    ) -> Result<Vec<Value>, super::Reason> {
        let mut args = Vec::new();
        for arg in &call.arguments.args {
            let value = self.eval_at(arg, depth);
            out.depend_on(&value.env_defaults);
            args.push(value.value?);
        }
        Ok(args)
    }

    fn builtin(&self, call: &ast::ExprCall, name: &str, depth: usize) -> Evaluated {
        if !call.arguments.keywords.is_empty() {
            return self.opaque(call.range(), "passes keyword arguments, which is not evaluated");
        }
        let mut out = Evaluated::known(Value::None);
        let args = match self.positional_args(call, depth, &mut out) {
            Ok(args) => args,
            Err(e) => return out.with_value(Err(e)),
        };
        let result = match (name, args.as_slice()) {
            ("int", [v]) => v.to_int().map(Value::Int),
            ("int", [Value::Str(s), base]) => {
                let base =
                    base.to_int().ok().and_then(|b| u32::try_from(b).ok()).filter(|b| *b == 0 || (2..=36).contains(b));
                base.and_then(|b| value::parse_int_literal(s, b))
                    .map(Value::Int)
                    .ok_or_else(|| "int() raises ValueError".to_owned())
            }
            ("float", [v]) => v.to_float().map(Value::Float),
            ("str", [v]) => v.to_str().map(Value::Str),
            ("bool", [v]) => Ok(Value::Bool(v.truthy())),
            ("str" | "int" | "float" | "bool", []) => Ok(empty_of(name)),
            ("abs", [v]) => unary(ast::UnaryOp::USub, v).and_then(|neg| {
                if v.py_cmp(&Value::Int(0)).is_ok_and(std::cmp::Ordering::is_lt) {
                    Ok(neg)
                } else {
                    unary(ast::UnaryOp::UAdd, v)
                }
            }),
            ("len", [Value::Str(s)]) => Ok(Value::Int(i64::try_from(s.chars().count()).unwrap_or(i64::MAX))),
            ("len", [Value::List(items) | Value::Tuple(items)]) => {
                Ok(Value::Int(i64::try_from(items.len()).unwrap_or(i64::MAX)))
            }
            ("min" | "max", [_, _, ..]) => extreme(name == "max", &args),
            ("min" | "max", [Value::List(items) | Value::Tuple(items)]) if !items.is_empty() => {
                extreme(name == "max", items)
            }
            _ => Err("these arguments are not evaluated".to_owned()),
        };
        out.with_value(result.map_err(|e| self.because(call.range(), &e)))
    }

    fn str_method(&self, call: &ast::ExprCall, s: &str, method: &str, receiver: Evaluated, depth: usize) -> Evaluated {
        let mut out = receiver;
        let args = match self.positional_args(call, depth, &mut out) {
            Ok(args) => args,
            Err(e) => return out.with_value(Err(e)),
        };
        let mut kwargs = Vec::new();
        for keyword in &call.arguments.keywords {
            let value = self.eval_at(&keyword.value, depth);
            out.depend_on(&value.env_defaults);
            match (value.value, &keyword.arg) {
                (Ok(v), Some(name)) => kwargs.push((name.id.to_string(), v)),
                (Err(e), _) => return out.with_value(Err(e)),
                (Ok(_), None) => return self.opaque(call.range(), "unpacks arguments, which is not evaluated"),
            }
        }
        let text = |v: &Value| match v {
            Value::Str(s) => Some(s.clone()),
            _ => None,
        };
        let result = match (method, args.as_slice(), kwargs.is_empty()) {
            ("lower", [], true) => Some(Value::Str(s.to_lowercase())),
            ("upper", [], true) => Some(Value::Str(s.to_uppercase())),
            ("strip", [], true) => Some(Value::Str(s.trim().to_owned())),
            ("lstrip", [], true) => Some(Value::Str(s.trim_start().to_owned())),
            ("rstrip", [], true) => Some(Value::Str(s.trim_end().to_owned())),
            ("startswith", [p], true) => text(p).map(|p| Value::Bool(s.starts_with(&p))),
            ("endswith", [p], true) => text(p).map(|p| Value::Bool(s.ends_with(&p))),
            ("replace", [from, to], true) => text(from).zip(text(to)).map(|(f, t)| Value::Str(s.replace(&f, &t))),
            ("split", [], true) => Some(Value::List(s.split_whitespace().map(|p| Value::Str(p.to_owned())).collect())),
            ("split", [sep], true) => text(sep)
                .filter(|sep| !sep.is_empty())
                .map(|sep| Value::List(s.split(sep.as_str()).map(|p| Value::Str(p.to_owned())).collect())),
            ("format", _, _) => {
                return match value::brace_format(s, &args, &kwargs) {
                    Ok(formatted) => out.with_value(Ok(Value::Str(formatted))),
                    Err(e) => out.with_value(Err(self.because(call.range(), &e))),
                };
            }
            _ => None,
        };
        match result {
            Some(v) => out.with_value(Ok(v)),
            None => out.with_value(Err(
                self.because(call.range(), &format!("str.{method}() with these arguments is not evaluated"))
            )),
        }
    }

    /// The dotted path an expression names (`os.environ.get`), following
    /// imports (`from os import getenv` makes `getenv` `os.getenv`). A name
    /// the file binds to a value is not a path.
    pub(crate) fn dotted(&self, expr: &Expr) -> Option<String> {
        match expr {
            Expr::Name(name) => match self.imports.get(name.id.as_str()) {
                Some(path) => Some(path.clone()),
                None if self.names.contains_key(name.id.as_str()) => None,
                None => Some(name.id.to_string()),
            },
            Expr::Attribute(attr) => self.dotted(&attr.value).map(|base| format!("{base}.{}", attr.attr.id)),
            _ => None,
        }
    }
}

/// Builtins evaluated when the file does not rebind their names.
const BUILTINS: &[&str] = &["int", "float", "str", "bool", "abs", "len", "min", "max"];

fn empty_of(name: &str) -> Value {
    match name {
        "int" => Value::Int(0),
        "float" => Value::Float(0.0),
        "bool" => Value::Bool(false),
        _ => Value::Str(String::new()),
    }
}

fn extreme(max: bool, values: &[Value]) -> Result<Value, String> {
    let mut best = values.first().ok_or("min()/max() of nothing")?;
    for v in &values[1..] {
        let ordering = v.py_cmp(best)?;
        if (max && ordering.is_gt()) || (!max && ordering.is_lt()) {
            best = v;
        }
    }
    Ok(best.clone())
}

fn unary(op: ast::UnaryOp, v: &Value) -> Result<Value, String> {
    match (op, v) {
        (ast::UnaryOp::Not, v) => Ok(Value::Bool(!v.truthy())),
        (ast::UnaryOp::USub, Value::Int(i)) => {
            i.checked_neg().map(Value::Int).ok_or_else(|| "integer too large".to_owned())
        }
        (ast::UnaryOp::USub, Value::Bool(b)) => Ok(Value::Int(-i64::from(*b))),
        (ast::UnaryOp::USub, Value::Float(f)) => Ok(Value::Float(-f)),
        (ast::UnaryOp::UAdd, Value::Int(_) | Value::Float(_)) => Ok(v.clone()),
        (ast::UnaryOp::UAdd, Value::Bool(b)) => Ok(Value::Int(i64::from(*b))),
        (ast::UnaryOp::Invert, Value::Int(i)) => Ok(Value::Int(!i)),
        (ast::UnaryOp::Invert, Value::Bool(b)) => Ok(Value::Int(!i64::from(*b))),
        (op, v) => Err(format!("unary `{}` on a {} raises TypeError", op.as_str(), v.type_name())),
    }
}

fn compare(op: ast::CmpOp, left: &Value, right: &Value) -> Result<bool, String> {
    use ast::CmpOp;
    Ok(match op {
        CmpOp::Eq => left.py_eq(right),
        CmpOp::NotEq => !left.py_eq(right),
        CmpOp::Lt => left.py_cmp(right)?.is_lt(),
        CmpOp::LtE => left.py_cmp(right)?.is_le(),
        CmpOp::Gt => left.py_cmp(right)?.is_gt(),
        CmpOp::GtE => left.py_cmp(right)?.is_ge(),
        // Identity is only certain for None (and the bools).
        CmpOp::Is | CmpOp::IsNot => {
            let same = match (left, right) {
                (Value::None, Value::None) => true,
                (Value::None, _) | (_, Value::None) => false,
                (Value::Bool(a), Value::Bool(b)) => a == b,
                _ => return Err("`is` between values is not evaluated".to_owned()),
            };
            same == matches!(op, CmpOp::Is)
        }
        CmpOp::In => right.contains(left)?,
        CmpOp::NotIn => !right.contains(left)?,
    })
}
