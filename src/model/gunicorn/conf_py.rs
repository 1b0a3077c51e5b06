//! `gunicorn.conf.py`: gunicorn runs the file and reads the module-level
//! names that match its settings (gunicorn/app/base.py
//! `load_config_from_module_name_or_filename`). hoplint evaluates those
//! names without running anything and validates them as gunicorn's
//! `validate_*` functions would.

use super::{Given, GivenSettings, GivenValue, Key, Kind};
use crate::model::problem::ParseProblem;
use crate::model::setting::Setting;
use crate::source::FileId;
use crate::span::Span;
use crate::syntax::python::{self, Lookup, Value, parse_int_literal};

/// What a gunicorn config file sets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GunicornConf {
    pub file: FileId,
    pub settings: GivenSettings,
    /// The first Python syntax error (HL004; Python stops there too and
    /// later errors often follow from it); the rest of the file is still read.
    pub problems: Vec<ParseProblem>,
}

/// Reads a gunicorn config file.
pub fn read_conf(file: FileId, source: &str) -> GunicornConf {
    let module = python::evaluate(source);
    let problems =
        module.first_error().map(|e| ParseProblem { file, span: e.span, message: e.to_string() }).into_iter().collect();
    let mut settings = GivenSettings::default();
    for key in Key::ALL {
        match module.lookup(key.name()) {
            Lookup::Bound(binding) => {
                let env_defaults = binding.evaluated.env_defaults.iter().map(|e| e.variable.clone()).collect();
                let value = match &binding.evaluated.value {
                    Ok(value) => validate(key, value, file, binding.value_span),
                    Err(reason) => Some(Setting::unknown(format!("`{}`: {reason}", key.name()))),
                };
                // `None` for a setting that validates to "unset" (`wsgi_app = None`).
                if let Some(value) = value {
                    settings.values.insert(key, Given { value, file, span: binding.value_span, env_defaults });
                }
            }
            Lookup::Dynamic(reason) => {
                settings.opaque.get_or_insert(reason);
            }
            Lookup::Unbound => {}
        }
    }
    // `config` in a config file has no effect (gunicorn/config.py ConfigFile:
    // "Only has an effect when specified on the command line").
    settings.values.remove(&Key::Config);
    GunicornConf { file, settings, problems }
}

/// A Python value as gunicorn's validator for `key` takes it. `None` when
/// the value means "not set".
fn validate(key: Key, value: &Value, file: FileId, span: Span) -> Option<Setting<GivenValue>> {
    let refused = |why: &str| Some(Setting::unknown(format!("`{} = …`: {why}; gunicorn refuses to start", key.name())));
    match key.kind() {
        // validate_pos_int: ints and bools as they are, strings through int(s, 0).
        Kind::Count => {
            let number = match value {
                Value::Int(i) => Some(*i),
                Value::Bool(b) => Some(i64::from(*b)),
                Value::Str(s) => parse_int_literal(s, 0),
                _ => return refused(&format!("a {} is not an integer", value.type_name())),
            };
            match number.map(u64::try_from) {
                Some(Ok(n)) => Some(Setting::explicit(GivenValue::Count(n), file, span)),
                Some(Err(_)) => refused("the value is negative"),
                None => refused("the value is not an integer"),
            }
        }
        // validate_string / validate_class: a string, stripped; None = unset.
        Kind::Text => match value {
            Value::Str(s) => Some(Setting::explicit(GivenValue::Text(s.trim().to_owned()), file, span)),
            Value::None => None,
            other => refused(&format!("a {} is not a string", other.type_name())),
        },
        // validate_list_string: a falsy value is an empty list, a string is
        // one address.
        Kind::List => {
            let items: Vec<&Value> = match value {
                Value::List(items) | Value::Tuple(items) => items.iter().collect(),
                other if !other.truthy() => Vec::new(),
                other => vec![other],
            };
            let mut out = Vec::new();
            for item in items {
                match item {
                    Value::Str(s) => out.push(s.trim().to_owned()),
                    other => return refused(&format!("a {} is not a string", other.type_name())),
                }
            }
            Some(Setting::explicit(GivenValue::List(out), file, span))
        }
    }
}
