//! Python values the evaluator can know, with the semantics of the few
//! operations it performs on them (arithmetic, truth, `str()`, `%` and
//! `str.format` formatting). An operation Python would reject, or one too
//! costly to mirror exactly, yields `Err(reason)`: the value is then unknown.

use std::fmt::Write as _;

/// Strings and lists the evaluator builds are capped so that `"x" * 10**9`
/// cannot exhaust memory.
const MAX_SEQUENCE_LEN: usize = 1 << 20;

/// A Python value known without running the file.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<Value>),
    Tuple(Vec<Value>),
    Dict(Vec<(Value, Value)>),
}

/// Why an operation has no known result.
pub type Reason = String;

/// A number operand: Python treats `True`/`False` as 1/0 in arithmetic.
#[derive(Clone, Copy, Debug)]
enum Num {
    Int(i64),
    Float(f64),
}

impl Value {
    /// The name Python gives the value's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::None => "None",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Str(_) => "str",
            Value::List(_) => "list",
            Value::Tuple(_) => "tuple",
            Value::Dict(_) => "dict",
        }
    }

    /// Python truthiness.
    pub fn truthy(&self) -> bool {
        match self {
            Value::None => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::Str(s) => !s.is_empty(),
            Value::List(items) | Value::Tuple(items) => !items.is_empty(),
            Value::Dict(items) => !items.is_empty(),
        }
    }

    fn num(&self) -> Option<Num> {
        match self {
            Value::Bool(b) => Some(Num::Int(i64::from(*b))),
            Value::Int(i) => Some(Num::Int(*i)),
            Value::Float(f) => Some(Num::Float(*f)),
            _ => None,
        }
    }

    /// `str(value)`.
    pub fn to_str(&self) -> Result<String, Reason> {
        match self {
            Value::None => Ok("None".to_owned()),
            Value::Bool(true) => Ok("True".to_owned()),
            Value::Bool(false) => Ok("False".to_owned()),
            Value::Int(i) => Ok(i.to_string()),
            Value::Float(f) => float_repr(*f),
            Value::Str(s) => Ok(s.clone()),
            other => Err(format!("str() of a {} is not evaluated", other.type_name())),
        }
    }

    /// `repr(value)`, for the types whose repr is unambiguous here.
    fn repr(&self) -> Result<String, Reason> {
        match self {
            Value::Str(s) if !s.contains(['\'', '\\']) && !s.chars().any(char::is_control) => Ok(format!("'{s}'")),
            Value::Str(_) => Err("repr() of a string with quotes or escapes is not evaluated".to_owned()),
            other => other.to_str(),
        }
    }

    /// `int(value)`.
    pub fn to_int(&self) -> Result<i64, Reason> {
        match self {
            Value::Bool(b) => Ok(i64::from(*b)),
            Value::Int(i) => Ok(*i),
            Value::Float(f) if f.is_finite() && f.abs() < 9.0e18 => {
                // Truncation toward zero is what int() does.
                #[allow(clippy::cast_possible_truncation)]
                Ok(f.trunc() as i64)
            }
            Value::Str(s) => parse_int_literal(s, 10).ok_or_else(|| format!("int({s:?}) raises ValueError")),
            other => Err(format!("int() of a {} raises an error", other.type_name())),
        }
    }

    /// `float(value)`.
    pub fn to_float(&self) -> Result<f64, Reason> {
        match self.num() {
            #[allow(clippy::cast_precision_loss)] // as Python does
            Some(Num::Int(i)) => Ok(i as f64),
            Some(Num::Float(f)) => Ok(f),
            None => match self {
                Value::Str(s) => {
                    let text = s.trim().replace('_', "");
                    match text.parse::<f64>() {
                        Ok(f) if f.is_finite() => Ok(f),
                        _ => Err(format!("float({s:?}) is not evaluated")),
                    }
                }
                other => Err(format!("float() of a {} raises an error", other.type_name())),
            },
        }
    }

    /// Python `==`.
    pub fn py_eq(&self, other: &Value) -> bool {
        match (self.num(), other.num()) {
            (Some(Num::Int(a)), Some(Num::Int(b))) => a == b,
            #[allow(clippy::cast_precision_loss, clippy::float_cmp)]
            (Some(a), Some(b)) => a.as_f64() == b.as_f64(),
            _ => match (self, other) {
                (Value::None, Value::None) => true,
                (Value::Str(a), Value::Str(b)) => a == b,
                (Value::List(a), Value::List(b)) | (Value::Tuple(a), Value::Tuple(b)) => {
                    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.py_eq(y))
                }
                _ => false,
            },
        }
    }

    /// Python `<` / `<=` / `>` / `>=` as an ordering.
    pub fn py_cmp(&self, other: &Value) -> Result<std::cmp::Ordering, Reason> {
        match (self.num(), other.num()) {
            (Some(Num::Int(a)), Some(Num::Int(b))) => Ok(a.cmp(&b)),
            (Some(a), Some(b)) => {
                a.as_f64().partial_cmp(&b.as_f64()).ok_or_else(|| "comparison with NaN is not evaluated".to_owned())
            }
            // UTF-8 byte order is code point order, as Python compares.
            _ => match (self, other) {
                (Value::Str(a), Value::Str(b)) => Ok(a.cmp(b)),
                _ => Err(format!("ordering a {} and a {} is not evaluated", self.type_name(), other.type_name())),
            },
        }
    }

    /// `needle in self`.
    pub fn contains(&self, needle: &Value) -> Result<bool, Reason> {
        match (self, needle) {
            (Value::Str(hay), Value::Str(n)) => Ok(hay.contains(n.as_str())),
            (Value::List(items) | Value::Tuple(items), n) => Ok(items.iter().any(|i| i.py_eq(n))),
            (Value::Dict(items), n) => Ok(items.iter().any(|(k, _)| k.py_eq(n))),
            _ => Err(format!("`in` on a {} is not evaluated", self.type_name())),
        }
    }

    /// `self[index]` for sequences and dicts.
    pub fn index(&self, index: &Value) -> Result<Value, Reason> {
        let position = |len: usize| -> Result<usize, Reason> {
            let i = index.to_int_strict()?;
            let len = i64::try_from(len).map_err(|_| "sequence too long".to_owned())?;
            let at = if i < 0 { i + len } else { i };
            usize::try_from(at).ok().filter(|_| at < len).ok_or_else(|| "index out of range (IndexError)".to_owned())
        };
        match self {
            Value::List(items) | Value::Tuple(items) => Ok(items[position(items.len())?].clone()),
            Value::Str(s) => {
                let chars: Vec<char> = s.chars().collect();
                Ok(Value::Str(chars[position(chars.len())?].to_string()))
            }
            Value::Dict(items) => items
                .iter()
                .rev()
                .find(|(k, _)| k.py_eq(index))
                .map(|(_, v)| v.clone())
                .ok_or_else(|| "missing dict key (KeyError)".to_owned()),
            other => Err(format!("indexing a {} is not evaluated", other.type_name())),
        }
    }

    /// An integer operand without float truncation (indices, repeat counts).
    fn to_int_strict(&self) -> Result<i64, Reason> {
        match self.num() {
            Some(Num::Int(i)) => Ok(i),
            _ => Err(format!("a {} is not an integer", self.type_name())),
        }
    }
}

impl Num {
    #[allow(clippy::cast_precision_loss)] // as Python does
    fn as_f64(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Float(f) => f,
        }
    }
}

/// Python's `repr(float)` for the values it writes without an exponent.
fn float_repr(f: f64) -> Result<String, Reason> {
    if !f.is_finite() || (f != 0.0 && !(1e-4..1e16).contains(&f.abs())) {
        return Err("formatting this float is not evaluated".to_owned());
    }
    if f.fract() == 0.0 { Ok(format!("{f:.1}")) } else { Ok(format!("{f}")) }
}

/// A Python integer literal in `base` (0 = from its prefix, as `int(s, 0)`),
/// with surrounding blanks, a sign and `_` separators.
pub fn parse_int_literal(text: &str, base: u32) -> Option<i64> {
    let text = text.trim();
    let (negative, digits) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let lower = digits.to_ascii_lowercase();
    let (radix, body) = match (base, lower.get(..2)) {
        (0 | 16, Some("0x")) => (16, &lower[2..]),
        (0 | 8, Some("0o")) => (8, &lower[2..]),
        (0 | 2, Some("0b")) => (2, &lower[2..]),
        // int("010", 0) is an error: a leading zero needs a prefix.
        (0, _) if lower.len() > 1 && lower.starts_with('0') && lower.bytes().any(|b| b != b'0' && b != b'_') => {
            return None;
        }
        (0, _) => (10, lower.as_str()),
        (b, _) => (b, lower.as_str()),
    };
    if body.is_empty() || body.starts_with('_') || body.ends_with('_') || body.contains("__") {
        return None;
    }
    let magnitude = i64::from_str_radix(&body.replace('_', ""), radix).ok()?;
    Some(if negative { -magnitude } else { magnitude })
}

/// `left <op> right` for the arithmetic operators.
pub fn binary(op: ruff_python_ast::Operator, left: &Value, right: &Value) -> Result<Value, Reason> {
    use ruff_python_ast::Operator as Op;
    let overflow = || "integer result too large to evaluate".to_owned();
    if let (Some(a), Some(b)) = (left.num(), right.num()) {
        return match (op, a, b) {
            (Op::Add, Num::Int(a), Num::Int(b)) => a.checked_add(b).map(Value::Int).ok_or_else(overflow),
            (Op::Sub, Num::Int(a), Num::Int(b)) => a.checked_sub(b).map(Value::Int).ok_or_else(overflow),
            (Op::Mult, Num::Int(a), Num::Int(b)) => a.checked_mul(b).map(Value::Int).ok_or_else(overflow),
            (Op::FloorDiv, Num::Int(a), Num::Int(b)) => floor_div(a, b).map(Value::Int),
            (Op::Mod, Num::Int(a), Num::Int(b)) => floor_mod(a, b).map(Value::Int),
            (Op::Pow, Num::Int(a), Num::Int(b)) if b >= 0 => {
                u32::try_from(b).ok().and_then(|b| a.checked_pow(b)).map(Value::Int).ok_or_else(overflow)
            }
            (Op::BitOr | Op::BitAnd | Op::BitXor | Op::LShift | Op::RShift, Num::Int(a), Num::Int(b)) => {
                bitwise(op, a, b)
            }
            (Op::Add | Op::Sub | Op::Mult | Op::Div | Op::FloorDiv | Op::Mod | Op::Pow, a, b) => {
                float_arith(op, a.as_f64(), b.as_f64())
            }
            _ => Err(format!("`{}` on numbers is not evaluated", op.as_str())),
        };
    }
    match (op, left, right) {
        (Op::Add, Value::Str(a), Value::Str(b)) => capped_str(format!("{a}{b}")),
        (Op::Add, Value::List(a), Value::List(b)) => capped_seq(a.iter().chain(b).cloned().collect()).map(Value::List),
        (Op::Add, Value::Tuple(a), Value::Tuple(b)) => {
            capped_seq(a.iter().chain(b).cloned().collect()).map(Value::Tuple)
        }
        (Op::Mult, Value::Str(s), n) | (Op::Mult, n, Value::Str(s)) if n.num().is_some() => {
            capped_str(s.repeat(repeat_count(s.len(), n)?))
        }
        (Op::Mult, Value::List(items), n) | (Op::Mult, n, Value::List(items)) if n.num().is_some() => {
            let times = repeat_count(items.len(), n)?;
            Ok(Value::List(items.iter().cloned().cycle().take(items.len() * times).collect()))
        }
        (Op::Mod, Value::Str(format), args) => percent_format(format, args).map(Value::Str),
        _ => Err(format!(
            "`{}` between a {} and a {} raises TypeError",
            op.as_str(),
            left.type_name(),
            right.type_name()
        )),
    }
}

fn repeat_count(len: usize, n: &Value) -> Result<usize, Reason> {
    let times = usize::try_from(n.to_int_strict()?.max(0)).unwrap_or(0);
    if len.saturating_mul(times) > MAX_SEQUENCE_LEN {
        return Err("repeated sequence too long to evaluate".to_owned());
    }
    Ok(times)
}

fn capped_str(s: String) -> Result<Value, Reason> {
    if s.len() > MAX_SEQUENCE_LEN { Err("string too long to evaluate".to_owned()) } else { Ok(Value::Str(s)) }
}

fn capped_seq(items: Vec<Value>) -> Result<Vec<Value>, Reason> {
    if items.len() > MAX_SEQUENCE_LEN { Err("sequence too long to evaluate".to_owned()) } else { Ok(items) }
}

/// Python `//`: rounds toward negative infinity.
fn floor_div(a: i64, b: i64) -> Result<i64, Reason> {
    if b == 0 {
        return Err("division by zero (ZeroDivisionError)".to_owned());
    }
    let q = a.checked_div(b).ok_or("integer result too large to evaluate")?;
    Ok(if a % b != 0 && ((a < 0) != (b < 0)) { q - 1 } else { q })
}

/// Python `%` on integers: the result has the sign of the divisor.
fn floor_mod(a: i64, b: i64) -> Result<i64, Reason> {
    if b == 0 {
        return Err("modulo by zero (ZeroDivisionError)".to_owned());
    }
    let r = a.checked_rem(b).unwrap_or(0);
    Ok(if r != 0 && ((r < 0) != (b < 0)) { r + b } else { r })
}

fn bitwise(op: ruff_python_ast::Operator, a: i64, b: i64) -> Result<Value, Reason> {
    use ruff_python_ast::Operator as Op;
    let shift = u32::try_from(b).ok().filter(|s| *s < 63);
    let result = match op {
        Op::BitOr => Some(a | b),
        Op::BitAnd => Some(a & b),
        Op::BitXor => Some(a ^ b),
        Op::LShift => shift.and_then(|s| a.checked_mul(1_i64 << s)),
        Op::RShift => shift.map(|s| a >> s),
        _ => None,
    };
    result.map(Value::Int).ok_or_else(|| format!("`{}` with these operands is not evaluated", op.as_str()))
}

fn float_arith(op: ruff_python_ast::Operator, a: f64, b: f64) -> Result<Value, Reason> {
    use ruff_python_ast::Operator as Op;
    let zero = || "division by zero (ZeroDivisionError)".to_owned();
    let result = match op {
        Op::Add => a + b,
        Op::Sub => a - b,
        Op::Mult => a * b,
        Op::Div | Op::FloorDiv | Op::Mod if b == 0.0 => return Err(zero()),
        Op::Div => a / b,
        Op::FloorDiv => (a / b).floor(),
        Op::Mod => a - b * (a / b).floor(),
        Op::Pow => a.powf(b),
        _ => return Err(format!("`{}` on floats is not evaluated", op.as_str())),
    };
    if result.is_finite() { Ok(Value::Float(result)) } else { Err("float result out of range".to_owned()) }
}

/// `format % args` with the conversions `%s %d %i %r %%` and `%(key)s`
/// (no flags, widths or precisions).
pub fn percent_format(format: &str, args: &Value) -> Result<String, Reason> {
    let unsupported = || format!("`%` formatting of {format:?} is not evaluated");
    let mut positional: Vec<&Value> = match args {
        Value::Tuple(items) => items.iter().collect(),
        Value::Dict(_) => Vec::new(),
        single => vec![single],
    };
    positional.reverse();
    let mut out = String::new();
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let value = if chars.peek() == Some(&'(') {
            chars.next();
            let key: String = chars.by_ref().take_while(|c| *c != ')').collect();
            Some(args.index(&Value::Str(key))?)
        } else {
            None
        };
        let conversion = chars.next().ok_or_else(unsupported)?;
        if conversion == '%' && value.is_none() {
            out.push('%');
            continue;
        }
        let value = match value {
            Some(v) => v,
            None => positional.pop().cloned().ok_or("not enough arguments for format string (TypeError)")?,
        };
        match conversion {
            's' => out.push_str(&value.to_str()?),
            'r' => out.push_str(&value.repr()?),
            'd' | 'i' => write!(out, "{}", value.to_int()?).map_err(|e| e.to_string())?,
            _ => return Err(unsupported()),
        }
    }
    if positional.is_empty() {
        Ok(out)
    } else {
        Err("not all arguments converted during string formatting (TypeError)".to_owned())
    }
}

/// `format.format(*args, **kwargs)` with `{}`, `{0}`, `{name}`, `{{` and
/// `}}` (no conversions, format specs, attributes or indices).
pub fn brace_format(format: &str, args: &[Value], kwargs: &[(String, Value)]) -> Result<String, Reason> {
    let unsupported = || format!("str.format of {format:?} is not evaluated");
    let mut out = String::new();
    let mut next_auto = 0;
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '{' => {
                let field: String = chars.by_ref().take_while(|c| *c != '}').collect();
                let value = if field.is_empty() {
                    next_auto += 1;
                    args.get(next_auto - 1)
                } else if let Ok(i) = field.parse::<usize>() {
                    args.get(i)
                } else if field.chars().all(|c| c.is_alphanumeric() || c == '_') {
                    kwargs.iter().find(|(k, _)| *k == field).map(|(_, v)| v)
                } else {
                    return Err(unsupported());
                };
                out.push_str(&value.ok_or("str.format is missing an argument (IndexError/KeyError)")?.to_str()?);
            }
            '}' => return Err(unsupported()),
            c => out.push(c),
        }
    }
    Ok(out)
}

/// `str(value)` as an f-string replacement field writes it, with its
/// `!s`/`!r`/`!a` conversion.
pub fn interpolate(value: &Value, conversion: ruff_python_ast::ConversionFlag) -> Result<String, Reason> {
    use ruff_python_ast::ConversionFlag;
    match conversion {
        ConversionFlag::None | ConversionFlag::Str => value.to_str(),
        ConversionFlag::Repr | ConversionFlag::Ascii => value.repr(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ruff_python_ast::Operator as Op;

    #[test]
    fn arithmetic_follows_python() {
        assert_eq!(binary(Op::FloorDiv, &Value::Int(-7), &Value::Int(2)), Ok(Value::Int(-4)));
        assert_eq!(binary(Op::Mod, &Value::Int(-7), &Value::Int(2)), Ok(Value::Int(1)));
        assert_eq!(binary(Op::Div, &Value::Int(7), &Value::Int(2)), Ok(Value::Float(3.5)));
        assert_eq!(binary(Op::Pow, &Value::Int(2), &Value::Int(10)), Ok(Value::Int(1024)));
        assert_eq!(binary(Op::Add, &Value::Bool(true), &Value::Int(1)), Ok(Value::Int(2)));
        assert!(binary(Op::Div, &Value::Int(1), &Value::Int(0)).is_err());
        assert!(binary(Op::Pow, &Value::Int(10), &Value::Int(100)).is_err());
        assert!(binary(Op::Add, &Value::Str("a".into()), &Value::Int(1)).is_err());
        assert!(binary(Op::Mult, &Value::Str("ab".into()), &Value::Int(1 << 40)).is_err());
        assert_eq!(binary(Op::Mult, &Value::Int(3), &Value::Str("ab".into())), Ok(Value::Str("ababab".into())));
    }

    #[test]
    fn conversions_follow_python() {
        assert_eq!(Value::Str(" 75 ".into()).to_int(), Ok(75));
        assert_eq!(Value::Str("1_000".into()).to_int(), Ok(1000));
        assert!(Value::Str("7.5".into()).to_int().is_err());
        assert_eq!(Value::Float(7.9).to_int(), Ok(7));
        assert_eq!(Value::Float(2.0).to_str(), Ok("2.0".to_owned()));
        assert_eq!(Value::Float(0.5).to_str(), Ok("0.5".to_owned()));
        assert_eq!(parse_int_literal("0x1F", 0), Some(31));
        assert_eq!(parse_int_literal("010", 0), None);
        assert_eq!(parse_int_literal("000", 0), Some(0));
    }

    #[test]
    fn formatting() {
        let args = Value::Tuple(vec![Value::Str("0.0.0.0".into()), Value::Int(80)]);
        assert_eq!(percent_format("%s:%d", &args), Ok("0.0.0.0:80".to_owned()));
        assert_eq!(percent_format("100%%", &Value::Tuple(vec![])), Ok("100%".to_owned()));
        assert!(percent_format("%5d", &Value::Int(1)).is_err());
        assert!(percent_format("%s %s", &Value::Int(1)).is_err());
        let kwargs = [("host".to_owned(), Value::Str("h".into())), ("port".to_owned(), Value::Int(1))];
        assert_eq!(brace_format("{host}:{port}", &[], &kwargs), Ok("h:1".to_owned()));
        assert_eq!(brace_format("{}-{}{{x}}", &[Value::Int(1), Value::Int(2)], &[]), Ok("1-2{x}".to_owned()));
        assert!(brace_format("{:>5}", &[Value::Int(1)], &[]).is_err());
    }
}
