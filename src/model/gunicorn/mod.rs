//! Gunicorn: the settings its config file (`gunicorn.conf.py`), the
//! `GUNICORN_CMD_ARGS` environment variable and its command line give, and
//! the effective values gunicorn runs with (facts §A3).

mod cli;
mod conf_py;
mod effective;
mod worker;

use std::collections::BTreeMap;

pub use cli::{ConfigLocation, GunicornArgs, config_location, parse_cmd_args_env, parse_gunicorn_args};
pub use conf_py::{GunicornConf, read_conf};
pub use effective::{EnvOverride, GunicornSettings, effective_gunicorn};
pub use worker::Worker;

use crate::model::setting::Setting;
use crate::source::FileId;
use crate::span::Span;

/// A gunicorn setting hoplint reads, by its config-file name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Key {
    Config,
    Bind,
    Workers,
    WorkerClass,
    Threads,
    Keepalive,
    Timeout,
    GracefulTimeout,
    MaxRequests,
    MaxRequestsJitter,
    WorkerConnections,
    WsgiApp,
}

/// What a setting holds, as gunicorn validates it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// `validate_pos_int`: a non-negative integer.
    Count,
    /// `validate_string` / `validate_class`: a string.
    Text,
    /// `validate_list_string`: a list of strings (`bind`).
    List,
}

impl Key {
    pub const ALL: [Key; 12] = [
        Key::Config,
        Key::Bind,
        Key::Workers,
        Key::WorkerClass,
        Key::Threads,
        Key::Keepalive,
        Key::Timeout,
        Key::GracefulTimeout,
        Key::MaxRequests,
        Key::MaxRequestsJitter,
        Key::WorkerConnections,
        Key::WsgiApp,
    ];

    /// The name in `gunicorn.conf.py` (and in gunicorn's settings).
    pub fn name(self) -> &'static str {
        match self {
            Key::Config => "config",
            Key::Bind => "bind",
            Key::Workers => "workers",
            Key::WorkerClass => "worker_class",
            Key::Threads => "threads",
            Key::Keepalive => "keepalive",
            Key::Timeout => "timeout",
            Key::GracefulTimeout => "graceful_timeout",
            Key::MaxRequests => "max_requests",
            Key::MaxRequestsJitter => "max_requests_jitter",
            Key::WorkerConnections => "worker_connections",
            Key::WsgiApp => "wsgi_app",
        }
    }

    /// Command-line flags (gunicorn/config.py `cli = [...]`). `wsgi_app`
    /// has none: the command line gives the application as an argument.
    pub fn flags(self) -> &'static [&'static str] {
        match self {
            Key::Config => &["-c", "--config"],
            Key::Bind => &["-b", "--bind"],
            Key::Workers => &["-w", "--workers"],
            Key::WorkerClass => &["-k", "--worker-class"],
            Key::Threads => &["--threads"],
            Key::Keepalive => &["--keep-alive"],
            Key::Timeout => &["-t", "--timeout"],
            Key::GracefulTimeout => &["--graceful-timeout"],
            Key::MaxRequests => &["--max-requests"],
            Key::MaxRequestsJitter => &["--max-requests-jitter"],
            Key::WorkerConnections => &["--worker-connections"],
            Key::WsgiApp => &[],
        }
    }

    fn kind(self) -> Kind {
        match self {
            Key::Config | Key::WorkerClass | Key::WsgiApp => Kind::Text,
            Key::Bind => Kind::List,
            _ => Kind::Count,
        }
    }
}

/// A value as one source writes it, validated as gunicorn validates it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GivenValue {
    Count(u64),
    Text(String),
    List(Vec<String>),
}

/// A setting as one source (config file, `GUNICORN_CMD_ARGS`, command line)
/// gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Given {
    /// The value with its provenance; unknown when it cannot be read (an
    /// expression, a shell variable) or gunicorn would refuse it.
    pub value: Setting<GivenValue>,
    pub file: FileId,
    /// Where it is written, also when the value is unknown (for fixes).
    pub span: Span,
    /// Environment variables whose `os.environ.get` defaults the value was
    /// computed from: it holds only while they are unset.
    pub env_defaults: Vec<String>,
}

/// The settings one source gives.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GivenSettings {
    pub values: BTreeMap<Key, Given>,
    /// The source may set any setting in a way hoplint cannot follow
    /// (`globals()` in the config file, a `GUNICORN_CMD_ARGS` whose value
    /// comes from elsewhere): why.
    pub opaque: Option<String>,
}

#[cfg(test)]
mod tests;
