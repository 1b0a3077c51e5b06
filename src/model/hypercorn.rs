//! Hypercorn: its config file (`-c config.toml`, or `-c file:config.py`)
//! and its command line, which overrides the file option by option
//! (hypercorn/__main__.py L59-128; defaults hypercorn/config.py L78-101;
//! facts §A4).

use std::collections::BTreeMap;

use crate::knowledge::Version;
use crate::knowledge::servers::{self, DefaultValue, Server};
use crate::model::args;
use crate::model::command::Word;
use crate::model::hop::{Hop, HopKind, HopSettings};
use crate::model::problem::ParseProblem;
use crate::model::setting::{Millis, Setting};
use crate::source::FileId;
use crate::span::Span;
use crate::syntax::python::{self, Lookup, Value};

/// A setting hoplint reads, by its `Config` attribute name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HypercornOption {
    KeepAliveTimeout,
    KeepAliveMaxRequests,
    GracefulTimeout,
    ReadTimeout,
    MaxRequests,
    Workers,
}

impl HypercornOption {
    pub const ALL: [HypercornOption; 6] = [
        HypercornOption::KeepAliveTimeout,
        HypercornOption::KeepAliveMaxRequests,
        HypercornOption::GracefulTimeout,
        HypercornOption::ReadTimeout,
        HypercornOption::MaxRequests,
        HypercornOption::Workers,
    ];

    pub fn name(self) -> &'static str {
        match self {
            HypercornOption::KeepAliveTimeout => "keep_alive_timeout",
            HypercornOption::KeepAliveMaxRequests => "keep_alive_max_requests",
            HypercornOption::GracefulTimeout => "graceful_timeout",
            HypercornOption::ReadTimeout => "read_timeout",
            HypercornOption::MaxRequests => "max_requests",
            HypercornOption::Workers => "workers",
        }
    }

    /// Command-line flags (hypercorn/__main__.py); `keep_alive_max_requests`
    /// is config-file only.
    fn flags(self) -> &'static [&'static str] {
        match self {
            HypercornOption::KeepAliveTimeout => &["--keep-alive"],
            HypercornOption::KeepAliveMaxRequests => &[],
            HypercornOption::GracefulTimeout => &["--graceful-timeout"],
            HypercornOption::ReadTimeout => &["--read-timeout"],
            HypercornOption::MaxRequests => &["--max-requests"],
            HypercornOption::Workers => &["-w", "--workers"],
        }
    }

    fn is_time(self) -> bool {
        matches!(
            self,
            HypercornOption::KeepAliveTimeout | HypercornOption::GracefulTimeout | HypercornOption::ReadTimeout
        )
    }
}

/// Options that take no value (`action="store_true"`).
const SWITCHES: &[&str] = &["--debug", "--reload", "-h", "--help"];

/// What a hypercorn command line sets. Times are in milliseconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HypercornArgs {
    pub file: FileId,
    pub values: BTreeMap<HypercornOption, Setting<u64>>,
    /// `-c`: a TOML path, `file:PATH` (Python) or `python:MODULE`.
    pub config: Option<Word>,
    pub app: Option<Word>,
    pub other_options: Vec<Word>,
}

pub fn parse_hypercorn_args(file: FileId, words: &[Word]) -> HypercornArgs {
    /// The config flag, apart from the settings.
    const CONFIG: Option<HypercornOption> = None;
    let known = |flag: &str| match flag {
        "-c" | "--config" => Some(CONFIG),
        _ => HypercornOption::ALL.into_iter().find(|o| o.flags().contains(&flag)).map(Some),
    };
    let parsed = args::parse(words, known, SWITCHES);
    let mut out = HypercornArgs {
        file,
        values: BTreeMap::new(),
        config: None,
        app: parsed.positional.into_iter().next(),
        other_options: parsed.other_options,
    };
    for option in parsed.options {
        let Some(key) = option.key else {
            out.config = option.value.map(|(text, span)| Word { text, span });
            continue;
        };
        let setting = match &option.value {
            // argparse `type=int`.
            Some((value, span)) => match args::python_int(value).map(u64::try_from) {
                Some(Ok(n)) => Setting::explicit(if key.is_time() { n.saturating_mul(1000) } else { n }, file, *span),
                Some(Err(_)) => Setting::unknown(format!("`{} {value}` is negative", option.flag)),
                None => Setting::unknown(args::not_an_integer(&option.flag, value, "hypercorn")),
            },
            None => Setting::unknown(format!("`{}` has no value: hypercorn exits with a usage error", option.flag)),
        };
        out.values.insert(key, setting);
    }
    out
}

/// What a hypercorn config file sets. Times are in milliseconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HypercornConf {
    pub file: FileId,
    pub values: BTreeMap<HypercornOption, Setting<u64>>,
    pub problems: Vec<ParseProblem>,
}

/// A number in a config file: seconds (possibly fractional) for times.
fn config_number(option: HypercornOption, number: Option<f64>, file: FileId, span: Span) -> Setting<u64> {
    let scale = if option.is_time() { 1000.0 } else { 1.0 };
    match number.map(|n| n * scale) {
        // Non-negative and far below 2^53, so the conversion is exact.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Some(n) if n.is_finite() && (0.0..9.0e15).contains(&n) => Setting::explicit(n.round() as u64, file, span),
        _ => Setting::unknown(format!("`{}` is not a non-negative number", option.name())),
    }
}

/// Reads a TOML config file (the `-c config.toml` form).
pub fn read_hypercorn_toml(file: FileId, source: &str) -> HypercornConf {
    let mut conf = HypercornConf { file, values: BTreeMap::new(), problems: Vec::new() };
    let table = match toml::from_str::<BTreeMap<String, toml::Spanned<toml::Value>>>(source) {
        Ok(table) => table,
        Err(err) => {
            let span = err.span().map_or(Span::default(), |r| {
                Span::new(u32::try_from(r.start).unwrap_or(0), u32::try_from(r.end).unwrap_or(0))
            });
            conf.problems.push(ParseProblem { file, span, message: format!("TOML: {}", err.message()) });
            return conf;
        }
    };
    for option in HypercornOption::ALL {
        let Some(value) = table.get(option.name()) else { continue };
        let range = value.span();
        let span = Span::new(u32::try_from(range.start).unwrap_or(0), u32::try_from(range.end).unwrap_or(0));
        #[allow(clippy::cast_precision_loss)] // config values are small
        let number = match value.get_ref() {
            toml::Value::Integer(i) => Some(*i as f64),
            toml::Value::Float(f) => Some(*f),
            _ => None,
        };
        conf.values.insert(option, config_number(option, number, file, span));
    }
    conf
}

/// Reads a Python config file (the `-c file:config.py` form): its
/// module-level names, evaluated without running it.
pub fn read_hypercorn_py(file: FileId, source: &str) -> HypercornConf {
    let module = python::evaluate(source);
    let problems =
        module.first_error().map(|e| ParseProblem { file, span: e.span, message: e.to_string() }).into_iter().collect();
    let mut values = BTreeMap::new();
    for option in HypercornOption::ALL {
        let setting = match module.lookup(option.name()) {
            Lookup::Bound(binding) => match &binding.evaluated.value {
                #[allow(clippy::cast_precision_loss)] // config values are small
                Ok(Value::Int(i)) => config_number(option, Some(*i as f64), file, binding.value_span),
                Ok(Value::Float(f)) => config_number(option, Some(*f), file, binding.value_span),
                Ok(other) => Setting::unknown(format!("`{}` is a {}, not a number", option.name(), other.type_name())),
                Err(reason) => Setting::unknown(format!("`{}`: {reason}", option.name())),
            },
            Lookup::Dynamic(reason) => Setting::unknown(reason),
            Lookup::Unbound => continue,
        };
        values.insert(option, setting);
    }
    HypercornConf { file, values, problems }
}

/// Hypercorn's effective settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HypercornSettings {
    pub version: Version,
    pub software_version: Setting<String>,
    pub keep_alive_timeout: Setting<Millis>,
    /// Requests per connection; the last response says `Connection: close`.
    pub keep_alive_max_requests: Setting<u64>,
    pub graceful_timeout: Setting<Millis>,
    pub read_timeout: Setting<Millis>,
    /// Per worker (KA010).
    pub max_requests: Setting<u64>,
}

pub fn effective_hypercorn(
    conf: Option<&HypercornConf>,
    cli: Option<&HypercornArgs>,
    version: Option<Version>,
) -> HypercornSettings {
    let assumed = version.is_none();
    let version = version.unwrap_or_else(|| Server::Hypercorn.newest());
    let given = |option: HypercornOption| {
        cli.and_then(|c| c.values.get(&option)).or_else(|| conf.and_then(|c| c.values.get(&option))).cloned()
    };
    let setting = |option: HypercornOption| -> Setting<u64> {
        if let Some(setting) = given(option) {
            return setting;
        }
        match servers::default(Server::Hypercorn, option.name(), version) {
            Some(row) => match row.value {
                DefaultValue::Millis(n) | DefaultValue::Count(n) => Setting::default(n, row.what(version)),
                _ => Setting::default_unbounded(row.what(version)),
            },
            None => Setting::unknown(format!("hypercorn {version} has no default for {}", option.name())),
        }
    };
    HypercornSettings {
        version,
        software_version: if assumed {
            Setting::default(version.to_string(), "hypercorn version assumed: newest known")
        } else {
            Setting::default(version.to_string(), "hypercorn version given")
        },
        keep_alive_timeout: setting(HypercornOption::KeepAliveTimeout).map(Millis),
        keep_alive_max_requests: setting(HypercornOption::KeepAliveMaxRequests),
        graceful_timeout: setting(HypercornOption::GracefulTimeout).map(Millis),
        read_timeout: setting(HypercornOption::ReadTimeout).map(Millis),
        max_requests: setting(HypercornOption::MaxRequests),
    }
}

impl HypercornSettings {
    /// The hop `hoplint hops` shows (kind `hypercorn`).
    pub fn to_hop(&self, id: String, file: FileId, span: Span) -> Hop {
        Hop {
            id,
            kind: HopKind::Hypercorn,
            file,
            span,
            software_version: Some(self.software_version.clone()),
            settings: HopSettings {
                idle_timeout: Some(self.keep_alive_timeout.clone()),
                max_requests_per_connection: Some(self.keep_alive_max_requests.clone()),
                drain_timeout: Some(self.graceful_timeout.clone()),
                ..HopSettings::default()
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::command::split_shell;

    #[test]
    fn toml_then_cli() {
        let src = "bind = [\"0.0.0.0:8000\"]\nkeep_alive_timeout = 7.5\ngraceful_timeout = 20\n";
        let conf = read_hypercorn_toml(FileId(1), src);
        assert!(conf.problems.is_empty());
        let text = "-c hypercorn.toml --graceful-timeout 40 app:app";
        let cli = parse_hypercorn_args(FileId(2), &split_shell(text, 0).0);
        assert_eq!(cli.config.as_ref().map(|w| w.text.as_str()), Some("hypercorn.toml"));
        assert_eq!(cli.app.as_ref().map(|w| w.text.as_str()), Some("app:app"));
        let s = effective_hypercorn(Some(&conf), Some(&cli), None);
        assert_eq!(s.keep_alive_timeout, Setting::explicit(Millis(7_500), FileId(1), Span::new(45, 48)));
        assert_eq!(Span::new(45, 48).text(src), "7.5");
        assert_eq!(s.graceful_timeout.value, Some(Millis(40_000)));
        assert_eq!(s.keep_alive_max_requests.value, Some(1000));
        assert_eq!(s.read_timeout.value, None);
        let hop = s.to_hop("x".into(), FileId(1), Span::default());
        assert_eq!(hop.settings.max_requests_per_connection.and_then(|s| s.value), Some(1000));
    }

    #[test]
    fn bad_toml_is_a_problem() {
        let conf = read_hypercorn_toml(FileId(1), "keep_alive_timeout = \n");
        assert_eq!(conf.problems.len(), 1);
        let py = read_hypercorn_py(FileId(1), "import os\nkeep_alive_timeout = int(os.getenv('KA', '30'))\n");
        assert_eq!(py.values[&HypercornOption::KeepAliveTimeout].value, Some(30_000));
    }
}
