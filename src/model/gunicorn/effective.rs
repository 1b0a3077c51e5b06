//! The settings gunicorn runs with: each setting from the highest source
//! that gives it (low→high: defaults < config file < `GUNICORN_CMD_ARGS` <
//! command line; gunicorn/app/base.py `load_config`, facts §A3), then what
//! the worker class makes of them.

use super::worker::{Worker, switches_to_gthread};
use super::{Given, GivenSettings, GivenValue, Key, cli, conf_py};
use crate::knowledge::Version;
use crate::knowledge::servers::{self, DefaultValue, Server};
use crate::model::command::EnvVar;
use crate::model::hop::{Hop, HopKind, HopSettings};
use crate::model::limits::zero_is_unbounded;
use crate::model::setting::{Millis, Origin, Setting};
use crate::source::FileId;
use crate::span::Span;

/// A value computed from `os.environ.get("X", default)` defaults: it holds
/// only while those variables are unset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvOverride {
    pub key: Key,
    pub variables: Vec<String>,
}

impl EnvOverride {
    /// "default of os.environ.get(\"X\"), overridable by the environment".
    pub fn describe(&self) -> String {
        let calls: Vec<String> = self.variables.iter().map(|v| format!("os.environ.get(\"{v}\")")).collect();
        format!("default of {}, overridable by the environment", calls.join(", "))
    }
}

/// Gunicorn's effective settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GunicornSettings {
    /// The version the defaults are those of (declared, or the newest known).
    pub version: Version,
    /// Set to the declared version with its provenance by the caller when
    /// it knows where the version comes from (a pin's file and span).
    pub software_version: Setting<String>,
    /// The class as configured (`sync`, a class path).
    pub configured_worker_class: Setting<String>,
    /// The class that runs (`gthread` for `sync` with threads > 1), as hops
    /// show it.
    pub worker_class: Setting<String>,
    pub worker: Option<Worker>,
    pub bind: Setting<Vec<String>>,
    pub workers: Setting<u64>,
    pub threads: Setting<u64>,
    pub worker_connections: Setting<u64>,
    pub keepalive: Setting<Millis>,
    pub timeout: Setting<Millis>,
    pub graceful_timeout: Setting<Millis>,
    /// Per worker, not per connection (KA010); 0 = off.
    pub max_requests: Setting<u64>,
    pub max_requests_jitter: Setting<u64>,
    /// The application (`app:app`): the command line's argument, else `wsgi_app`.
    pub app: Setting<String>,
    /// How long an idle kept-alive connection is held; 0 = closed after
    /// every response.
    pub idle_timeout: Setting<Millis>,
    pub request_timeout: Setting<Millis>,
    pub drain_timeout: Setting<Millis>,
    pub max_requests_per_connection: Setting<u64>,
    /// Settings whose value is an environment default.
    pub env_overrides: Vec<EnvOverride>,
    /// Things the sources say that gunicorn ignores (`GUNICORN_CMD_ARGS`
    /// before 19.7).
    pub notes: Vec<String>,
}

/// Combines the sources gunicorn reads. `version`: the declared gunicorn
/// version, else the newest known is assumed.
pub fn effective_gunicorn(
    conf: Option<&conf_py::GunicornConf>,
    env_cmd_args: Option<&EnvVar>,
    cli: Option<&cli::GunicornArgs>,
    version: Option<Version>,
) -> GunicornSettings {
    let assumed = version.is_none();
    let version = version.unwrap_or_else(|| Server::Gunicorn.newest());
    let mut notes = Vec::new();
    let env_args = env_cmd_args.and_then(|env| {
        let supported = servers::feature(Server::Gunicorn, "GUNICORN_CMD_ARGS").is_none_or(|f| f.available_in(version));
        if !supported {
            notes.push(format!("gunicorn {version} does not read GUNICORN_CMD_ARGS (added in 19.7)"));
        }
        supported.then(|| cli::parse_cmd_args_env(env))
    });
    // Highest precedence first.
    let sources: Vec<&GivenSettings> =
        [cli.map(|c| &c.settings), env_args.as_ref().map(|e| &e.settings), conf.map(|c| &c.settings)]
            .into_iter()
            .flatten()
            .collect();
    let pick = Picker { sources: &sources, version };

    let env_overrides = Key::ALL
        .into_iter()
        .filter_map(|key| {
            let given = pick.given(key).ok()??;
            (!given.env_defaults.is_empty()).then(|| EnvOverride { key, variables: given.env_defaults.clone() })
        })
        .collect();

    let threads = pick.count(Key::Threads);
    let configured_worker_class = pick.text(Key::WorkerClass);
    let (worker, worker_class) = running_worker(&configured_worker_class, &threads);
    let keepalive = pick.time(Key::Keepalive);
    let timeout = pick.time(Key::Timeout);
    let graceful_timeout = pick.time(Key::GracefulTimeout);
    let app = match cli.and_then(|c| c.app.as_ref().map(|word| (c.file, word))) {
        Some((file, word)) => Setting::explicit(word.text.clone(), file, word.span),
        None => pick.text(Key::WsgiApp),
    };
    let label = version.to_string();
    let idle_timeout = idle_timeout(worker.as_ref(), &worker_class, &keepalive, version);
    let request_timeout = match &worker {
        // `timeout = 0` disables it (gunicorn/config.py Timeout).
        Some(Worker::Sync) => zero_is_unbounded(timeout.clone(), &Millis(0)),
        Some(w) => Setting::default_unbounded(format!(
            "gunicorn {label}: timeout is a heartbeat for {}, not a request limit (gunicorn/config.py Timeout L851-870)",
            w.display()
        )),
        None => Setting::unknown(unknown_reason(&worker_class)),
    };
    GunicornSettings {
        version,
        software_version: if assumed {
            Setting::default(label.clone(), "gunicorn version assumed: newest known")
        } else {
            Setting::default(label.clone(), "gunicorn version given")
        },
        configured_worker_class,
        worker_class,
        worker,
        bind: pick.list(Key::Bind),
        workers: pick.count(Key::Workers),
        threads,
        worker_connections: pick.count(Key::WorkerConnections),
        keepalive,
        timeout,
        drain_timeout: graceful_timeout.clone(),
        graceful_timeout,
        max_requests: pick.count(Key::MaxRequests),
        max_requests_jitter: pick.count(Key::MaxRequestsJitter),
        app,
        idle_timeout,
        request_timeout,
        max_requests_per_connection: Setting::default_unbounded(format!(
            "gunicorn {label} has no per-connection request cap (max_requests counts per worker)"
        )),
        env_overrides,
        notes,
    }
}

impl GunicornSettings {
    /// The hop `hoplint hops` shows (kind `gunicorn`).
    pub fn to_hop(&self, id: String, file: FileId, span: Span) -> Hop {
        Hop {
            id,
            kind: HopKind::Gunicorn,
            file,
            span,
            software_version: Some(self.software_version.clone()),
            settings: HopSettings {
                worker_class: Some(self.worker_class.clone()),
                idle_timeout: Some(self.idle_timeout.clone()),
                max_requests_per_connection: Some(self.max_requests_per_connection.clone()),
                request_timeout: Some(self.request_timeout.clone()),
                drain_timeout: Some(self.drain_timeout.clone()),
                recycle_after: Some(self.max_requests.clone()),
                recycle_jitter: Some(self.max_requests_jitter.clone()),
                ..HopSettings::default()
            },
        }
    }
}

/// Looks settings up through the sources, highest first.
struct Picker<'a> {
    sources: &'a [&'a GivenSettings],
    version: Version,
}

impl Picker<'_> {
    /// The highest source's value; `Err(reason)` when a higher source is
    /// opaque; `Ok(None)` when no source gives it.
    fn given(&self, key: Key) -> Result<Option<&Given>, String> {
        for source in self.sources {
            if let Some(given) = source.values.get(&key) {
                return Ok(Some(given));
            }
            if let Some(reason) = &source.opaque {
                return Err(format!("`{}`: {reason}", key.name()));
            }
        }
        Ok(None)
    }

    fn value<T>(
        &self,
        key: Key,
        read: impl Fn(&GivenValue) -> Option<T>,
        default: impl Fn(DefaultValue) -> Option<T>,
    ) -> Setting<T> {
        match self.given(key) {
            Err(reason) => Setting::unknown(reason),
            Ok(Some(given)) => match (&given.value.value, &given.value.origin) {
                (Some(v), origin) => match read(v) {
                    Some(t) => Setting { value: Some(t), origin: origin.clone() },
                    None => Setting::unknown(format!("`{}` has a value of the wrong kind", key.name())),
                },
                (None, origin) => Setting { value: None, origin: origin.clone() },
            },
            Ok(None) => match servers::default(Server::Gunicorn, key.name(), self.version) {
                Some(row) => match row.value {
                    DefaultValue::Unbounded => Setting::default_unbounded(row.what(self.version)),
                    value => match default(value) {
                        Some(t) => Setting::default(t, row.what(self.version)),
                        None => Setting::unknown(format!("gunicorn {} has no `{}` setting", self.version, key.name())),
                    },
                },
                None => Setting::default_unbounded(format!("gunicorn {} {}: not set", self.version, key.name())),
            },
        }
    }

    fn count(&self, key: Key) -> Setting<u64> {
        let read = |v: &GivenValue| match v {
            GivenValue::Count(n) => Some(*n),
            _ => None,
        };
        let default = |d| match d {
            DefaultValue::Count(n) => Some(n),
            _ => None,
        };
        self.value(key, read, default)
    }

    fn time(&self, key: Key) -> Setting<Millis> {
        let read = |v: &GivenValue| match v {
            GivenValue::Count(n) => Some(Millis::from_secs(*n)),
            _ => None,
        };
        let default = |d| match d {
            DefaultValue::Millis(ms) => Some(Millis(ms)),
            _ => None,
        };
        self.value(key, read, default)
    }

    fn text(&self, key: Key) -> Setting<String> {
        let read = |v: &GivenValue| match v {
            GivenValue::Text(t) => Some(t.clone()),
            _ => None,
        };
        let default = |d| match d {
            DefaultValue::Text(t) => Some(t.to_owned()),
            _ => None,
        };
        self.value(key, read, default)
    }

    fn list(&self, key: Key) -> Setting<Vec<String>> {
        let read = |v: &GivenValue| match v {
            GivenValue::List(items) => Some(items.clone()),
            GivenValue::Text(t) => Some(vec![t.clone()]),
            GivenValue::Count(_) => None,
        };
        let default = |d| match d {
            DefaultValue::Text(t) => Some(vec![t.to_owned()]),
            _ => None,
        };
        self.value(key, read, default)
    }
}

/// The worker that runs, and the class hops show for it.
fn running_worker(configured: &Setting<String>, threads: &Setting<u64>) -> (Option<Worker>, Setting<String>) {
    let Some(class) = &configured.value else {
        return (None, configured.clone());
    };
    let is_sync_class = switches_to_gthread(class, 2);
    match threads.value {
        Some(n) if switches_to_gthread(class, n) => {
            // The switch happens where the threads are set.
            let worker_class = Setting { value: Some(Worker::Gthread.display()), origin: threads.origin.clone() };
            (Some(Worker::Gthread), worker_class)
        }
        None if is_sync_class && !threads.is_known() => {
            let reason = match &threads.origin {
                Origin::Unknown { reason } => reason.clone(),
                _ => "threads is unknown".to_owned(),
            };
            (None, Setting::unknown(format!("sync, or gthread when threads > 1; {reason}")))
        }
        _ => {
            let worker = Worker::from_class(class);
            (Some(worker.clone()), configured.clone().map(|_| worker.display()))
        }
    }
}

/// How long the running worker keeps an idle connection (facts §A3).
fn idle_timeout(
    worker: Option<&Worker>,
    class: &Setting<String>,
    keepalive: &Setting<Millis>,
    version: Version,
) -> Setting<Millis> {
    let Some(worker) = worker else { return Setting::unknown(unknown_reason(class)) };
    let label = version.to_string();
    let missing = |feature: &str| servers::feature(Server::Gunicorn, feature).filter(|f| !f.available_in(version));
    if let Some(feature) = missing("eventlet worker").filter(|_| *worker == Worker::Eventlet) {
        return Setting::unknown(format!(
            "the eventlet worker was removed in gunicorn 26.0.0 ({}): gunicorn {label} fails to start",
            feature.source
        ));
    }
    if let Some(feature) = missing("asgi worker").filter(|_| *worker == Worker::Asgi) {
        return Setting::unknown(format!("gunicorn {label} has no asgi worker (added in 24.0.0, {})", feature.source));
    }
    match worker {
        Worker::Sync => Setting::default(
            Millis(0),
            format!("gunicorn {label} sync worker closes after every response (gunicorn/workers/sync.py L176-179)"),
        ),
        w if w.uses_keepalive_as_idle_timeout() => keepalive.clone(),
        // gtornado.py L121: keepalive only switches keep-alive on or off.
        Worker::Tornado if keepalive.value == Some(Millis(0)) => keepalive.clone(),
        Worker::Tornado => Setting::unknown("the tornado worker keeps idle connections for Tornado's own timeout"),
        Worker::GeventPywsgi => Setting::unknown("gevent_pywsgi: gevent's WSGI server handles keep-alive"),
        other => {
            Setting::unknown(format!("custom worker class `{}`: its keep-alive handling is unknown", other.display()))
        }
    }
}

fn unknown_reason(class: &Setting<String>) -> String {
    match &class.origin {
        Origin::Unknown { reason } => format!("the worker class is unknown: {reason}"),
        _ => "the worker class is unknown".to_owned(),
    }
}
