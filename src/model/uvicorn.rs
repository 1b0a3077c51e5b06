//! Uvicorn run from its command line (`uvicorn app:app --timeout-keep-alive
//! 75`) and `UVICORN_*` environment variables (click
//! `auto_envvar_prefix="UVICORN"`: every option also reads
//! `UVICORN_<OPTION>`; the command line wins). Uvicorn has no config file
//! of its own (facts §A4, uvicorn 0.54.0 `uvicorn/main.py` L61, L276-309).

use std::collections::BTreeMap;

use crate::knowledge::Version;
use crate::knowledge::servers::{self, DefaultValue, Server};
use crate::model::args;
use crate::model::command::{EnvVar, Word};
use crate::model::hop::{Hop, HopKind, HopSettings};
use crate::model::setting::{Millis, Setting};
use crate::source::FileId;
use crate::span::Span;

/// An option hoplint reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum UvicornOption {
    TimeoutKeepAlive,
    TimeoutGracefulShutdown,
    LimitMaxRequests,
    LimitMaxRequestsJitter,
    Workers,
}

impl UvicornOption {
    pub const ALL: [UvicornOption; 5] = [
        UvicornOption::TimeoutKeepAlive,
        UvicornOption::TimeoutGracefulShutdown,
        UvicornOption::LimitMaxRequests,
        UvicornOption::LimitMaxRequestsJitter,
        UvicornOption::Workers,
    ];

    /// The parameter name (also the knowledge table's setting name).
    pub fn name(self) -> &'static str {
        match self {
            UvicornOption::TimeoutKeepAlive => "timeout_keep_alive",
            UvicornOption::TimeoutGracefulShutdown => "timeout_graceful_shutdown",
            UvicornOption::LimitMaxRequests => "limit_max_requests",
            UvicornOption::LimitMaxRequestsJitter => "limit_max_requests_jitter",
            UvicornOption::Workers => "workers",
        }
    }

    /// `--timeout-keep-alive`.
    pub fn flag(self) -> String {
        format!("--{}", self.name().replace('_', "-"))
    }

    /// `UVICORN_TIMEOUT_KEEP_ALIVE`.
    pub fn env_var(self) -> String {
        format!("UVICORN_{}", self.name().to_ascii_uppercase())
    }

    fn is_time(self) -> bool {
        matches!(self, UvicornOption::TimeoutKeepAlive | UvicornOption::TimeoutGracefulShutdown)
    }
}

/// Options that take no value (`is_flag=True` in uvicorn/main.py).
const SWITCHES: &[&str] = &[
    "--reload",
    "--use-colors",
    "--no-use-colors",
    "--access-log",
    "--no-access-log",
    "--proxy-headers",
    "--no-proxy-headers",
    "--server-header",
    "--no-server-header",
    "--date-header",
    "--no-date-header",
    "--factory",
    "--version",
    "--help",
];

/// What a uvicorn command line sets. Times are in milliseconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UvicornArgs {
    pub file: FileId,
    pub values: BTreeMap<UvicornOption, Setting<u64>>,
    /// The application (`app.main:app`).
    pub app: Option<Word>,
    pub other_options: Vec<Word>,
}

/// Reads uvicorn's arguments (the words after `uvicorn`) written in `file`.
pub fn parse_uvicorn_args(file: FileId, words: &[Word]) -> UvicornArgs {
    let known = |flag: &str| UvicornOption::ALL.into_iter().find(|o| o.flag() == flag);
    let parsed = args::parse(words, known, SWITCHES);
    let mut values = BTreeMap::new();
    for option in parsed.options {
        let setting = match &option.value {
            Some((value, span)) => number(option.key, &option.flag, value, file, *span),
            None => Setting::unknown(format!("`{}` has no value: uvicorn exits with a usage error", option.flag)),
        };
        values.insert(option.key, setting);
    }
    UvicornArgs { file, values, app: parsed.positional.into_iter().next(), other_options: parsed.other_options }
}

/// A value as click's `INTEGER` reads it; times become milliseconds.
fn number(option: UvicornOption, flag: &str, value: &str, file: FileId, span: Span) -> Setting<u64> {
    match args::python_int(value).map(u64::try_from) {
        Some(Ok(n)) if option.is_time() => Setting::explicit(n.saturating_mul(1000), file, span),
        Some(Ok(n)) => Setting::explicit(n, file, span),
        Some(Err(_)) => Setting::unknown(format!("`{flag} {value}` is negative")),
        None => Setting::unknown(args::not_an_integer(flag, value, "uvicorn")),
    }
}

/// Uvicorn's effective settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UvicornSettings {
    pub version: Version,
    pub software_version: Setting<String>,
    pub timeout_keep_alive: Setting<Millis>,
    /// Unbounded unless `--timeout-graceful-shutdown` (since 0.22.0).
    pub timeout_graceful_shutdown: Setting<Millis>,
    /// Per process (KA010); unbounded = never restarts.
    pub limit_max_requests: Setting<u64>,
    pub limit_max_requests_jitter: Setting<u64>,
    /// Only when given (uvicorn's own default depends on `WEB_CONCURRENCY`).
    pub workers: Option<Setting<u64>>,
    pub notes: Vec<String>,
}

/// Combines the environment (`UVICORN_*`) and the command line (which wins).
pub fn effective_uvicorn(env: &[EnvVar], cli: Option<&UvicornArgs>, version: Option<Version>) -> UvicornSettings {
    let assumed = version.is_none();
    let version = version.unwrap_or_else(|| Server::Uvicorn.newest());
    let mut notes = Vec::new();
    let graceful = servers::feature(Server::Uvicorn, "--timeout-graceful-shutdown");
    let has_graceful = graceful.is_none_or(|f| f.available_in(version));
    let given = |option: UvicornOption| -> Option<Setting<u64>> {
        if let Some(setting) = cli.and_then(|c| c.values.get(&option)) {
            return Some(setting.clone());
        }
        let var = env.iter().rev().find(|e| e.name == option.env_var())?;
        Some(match &var.value {
            Some(value) => number(option, &var.name, value, var.file, var.span),
            None => Setting::unknown(format!("`{}` is set from a value hoplint cannot read", var.name)),
        })
    };
    let time = |option: UvicornOption| -> Setting<Millis> {
        match given(option) {
            Some(setting) => setting.map(Millis),
            None => default(option, version, |d| match d {
                DefaultValue::Millis(ms) => Some(Millis(ms)),
                _ => None,
            }),
        }
    };
    let count = |option: UvicornOption| -> Setting<u64> {
        given(option).unwrap_or_else(|| {
            default(option, version, |d| match d {
                DefaultValue::Count(n) => Some(n),
                _ => None,
            })
        })
    };
    let mut timeout_graceful_shutdown = time(UvicornOption::TimeoutGracefulShutdown);
    if !has_graceful {
        let from_cli = cli.is_some_and(|c| c.values.contains_key(&UvicornOption::TimeoutGracefulShutdown));
        timeout_graceful_shutdown = if from_cli {
            Setting::unknown(format!(
                "uvicorn {version} has no --timeout-graceful-shutdown (added in 0.22.0): it exits with a usage error"
            ))
        } else {
            Setting::default_unbounded(format!("uvicorn {version} waits for requests without a limit on shutdown"))
        };
        if env.iter().any(|e| e.name == UvicornOption::TimeoutGracefulShutdown.env_var()) {
            notes.push(format!("uvicorn {version} ignores UVICORN_TIMEOUT_GRACEFUL_SHUTDOWN (added in 0.22.0)"));
        }
    }
    UvicornSettings {
        version,
        software_version: if assumed {
            Setting::default(version.to_string(), "uvicorn version assumed: newest known")
        } else {
            Setting::default(version.to_string(), "uvicorn version given")
        },
        timeout_keep_alive: time(UvicornOption::TimeoutKeepAlive),
        timeout_graceful_shutdown,
        limit_max_requests: count(UvicornOption::LimitMaxRequests),
        limit_max_requests_jitter: count(UvicornOption::LimitMaxRequestsJitter),
        workers: given(UvicornOption::Workers),
        notes,
    }
}

/// The knowledge table's default for `option`.
fn default<T>(option: UvicornOption, version: Version, read: impl Fn(DefaultValue) -> Option<T>) -> Setting<T> {
    match servers::default(Server::Uvicorn, option.name(), version) {
        Some(row) if row.value == DefaultValue::Unbounded => Setting::default_unbounded(row.what(version)),
        Some(row) => match read(row.value) {
            Some(value) => Setting::default(value, row.what(version)),
            None => Setting::unknown(format!("uvicorn {version} has no default for {}", option.flag())),
        },
        None => Setting::unknown(format!("uvicorn {version} has no default for {}", option.flag())),
    }
}

impl UvicornSettings {
    /// The hop `hoplint hops` shows (kind `uvicorn`).
    pub fn to_hop(&self, id: String, file: FileId, span: Span) -> Hop {
        Hop {
            id,
            kind: HopKind::Uvicorn,
            file,
            span,
            software_version: Some(self.software_version.clone()),
            settings: HopSettings {
                idle_timeout: Some(self.timeout_keep_alive.clone()),
                max_requests_per_connection: Some(Setting::default_unbounded(format!(
                    "uvicorn {} has no per-connection request cap",
                    self.version
                ))),
                drain_timeout: Some(self.timeout_graceful_shutdown.clone()),
                recycle_after: Some(self.limit_max_requests.clone()),
                recycle_jitter: Some(self.limit_max_requests_jitter.clone()),
                ..HopSettings::default()
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::command::split_shell;
    use crate::model::setting::Origin;

    fn cli(text: &str) -> UvicornArgs {
        parse_uvicorn_args(FileId(1), &split_shell(text, 0).0)
    }

    fn env(name: &str, value: &str) -> EnvVar {
        EnvVar { name: name.into(), value: Some(value.into()), file: FileId(2), span: Span::new(10, 12) }
    }

    #[test]
    fn defaults() {
        let s = effective_uvicorn(&[], Some(&cli("app:app")), None);
        assert_eq!(s.timeout_keep_alive.value, Some(Millis(5_000)));
        assert!(
            matches!(&s.timeout_keep_alive.origin, Origin::Default { what } if what.starts_with("uvicorn 0.54.0 timeout_keep_alive default"))
        );
        assert_eq!(s.timeout_graceful_shutdown.value, None);
        assert!(s.timeout_graceful_shutdown.is_known());
        assert_eq!(s.limit_max_requests.value, None);
    }

    #[test]
    fn cli_wins_over_environment() {
        let text = "app:app --timeout-keep-alive=75 --limit-max-requests 1000";
        let s = effective_uvicorn(
            &[env("UVICORN_TIMEOUT_KEEP_ALIVE", "30"), env("UVICORN_TIMEOUT_GRACEFUL_SHUTDOWN", "20")],
            Some(&cli(text)),
            Some(Version::new(0, 30, 0)),
        );
        assert_eq!(s.timeout_keep_alive.value, Some(Millis(75_000)));
        assert!(
            matches!(s.timeout_keep_alive.origin, Origin::Explicit { file: FileId(1), span } if span.text(text) == "75")
        );
        assert_eq!(s.timeout_graceful_shutdown.value, Some(Millis(20_000)));
        assert!(matches!(s.timeout_graceful_shutdown.origin, Origin::Explicit { file: FileId(2), .. }));
        assert_eq!(s.limit_max_requests.value, Some(1000));
    }

    #[test]
    fn graceful_shutdown_flag_needs_0_22() {
        let s = effective_uvicorn(&[], Some(&cli("app --timeout-graceful-shutdown 10")), Some(Version::new(0, 21, 1)));
        assert!(!s.timeout_graceful_shutdown.is_known());
        let hop = s.to_hop("Dockerfile".into(), FileId(1), Span::default());
        assert_eq!(hop.kind, HopKind::Uvicorn);
        assert!(hop.settings.request_timeout.is_none());
    }
}
