//! Puma's config file (`config/puma.rb`, `config/puma/<env>.rb`; facts
//! §A7): the DSL calls that set keep-alive, timeouts and workers, read
//! without running Ruby. A call whose argument is not literal, or that sits
//! under a condition, makes its setting unknown.

use std::collections::BTreeMap;

use crate::knowledge::Version;
use crate::knowledge::servers::{self, DefaultValue, Server};
use crate::model::hop::{Hop, HopKind, HopSettings};
use crate::model::problem::ParseProblem;
use crate::model::setting::{Millis, Origin, Setting};
use crate::source::FileId;
use crate::span::Span;
use crate::syntax::ruby::{self, RValue};

/// A Puma setting hoplint reads, by its DSL method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PumaSetting {
    PersistentTimeout,
    /// Since 7.0.0.
    MaxKeepAlive,
    FirstDataTimeout,
    WorkerTimeout,
    WorkerShutdownTimeout,
    ForceShutdownAfter,
    Workers,
    MaxThreads,
}

impl PumaSetting {
    pub const ALL: [PumaSetting; 8] = [
        PumaSetting::PersistentTimeout,
        PumaSetting::MaxKeepAlive,
        PumaSetting::FirstDataTimeout,
        PumaSetting::WorkerTimeout,
        PumaSetting::WorkerShutdownTimeout,
        PumaSetting::ForceShutdownAfter,
        PumaSetting::Workers,
        PumaSetting::MaxThreads,
    ];

    pub fn name(self) -> &'static str {
        match self {
            PumaSetting::PersistentTimeout => "persistent_timeout",
            PumaSetting::MaxKeepAlive => "max_keep_alive",
            PumaSetting::FirstDataTimeout => "first_data_timeout",
            PumaSetting::WorkerTimeout => "worker_timeout",
            PumaSetting::WorkerShutdownTimeout => "worker_shutdown_timeout",
            PumaSetting::ForceShutdownAfter => "force_shutdown_after",
            PumaSetting::Workers => "workers",
            // `threads min, max`: the second argument.
            PumaSetting::MaxThreads => "threads",
        }
    }

    fn is_time(self) -> bool {
        matches!(
            self,
            PumaSetting::PersistentTimeout
                | PumaSetting::FirstDataTimeout
                | PumaSetting::WorkerTimeout
                | PumaSetting::WorkerShutdownTimeout
                | PumaSetting::ForceShutdownAfter
        )
    }
}

/// A setting as the config file gives it. Times are in milliseconds;
/// `value: None` with a known origin = unbounded (`force_shutdown_after
/// :forever`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PumaGiven {
    pub value: Setting<u64>,
    /// Where the call is written (its arguments).
    pub span: Span,
    /// `ENV.fetch` defaults the value depends on.
    pub env_defaults: Vec<String>,
}

/// What a Puma config file sets (the last call of each setting wins).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PumaConf {
    pub file: FileId,
    pub values: BTreeMap<PumaSetting, PumaGiven>,
    pub problems: Vec<ParseProblem>,
}

/// Reads a Puma config file.
pub fn read_puma(file: FileId, source: &str) -> PumaConf {
    let parsed = ruby::read_calls(source);
    let problems = parsed.errors.into_iter().map(|(span, message)| ParseProblem { file, span, message }).collect();
    let mut values = BTreeMap::new();
    for call in parsed.calls {
        let Some(setting) = PumaSetting::ALL.into_iter().find(|s| s.name() == call.name) else { continue };
        let index = usize::from(setting == PumaSetting::MaxThreads);
        // `threads 5` sets both bounds.
        let Some(arg) = call.args.get(index).or_else(|| call.args.first()) else { continue };
        let value = match (&call.conditional, &arg.evaluated.value) {
            (Some(reason), _) => Setting::unknown(format!("`{}` is called {reason}", call.name)),
            (None, Err(reason)) => Setting::unknown(format!("`{}`: {reason}", call.name)),
            (None, Ok(value)) => typed(setting, value, file, arg.span),
        };
        values.insert(setting, PumaGiven { value, span: arg.span, env_defaults: arg.evaluated.env_defaults.clone() });
    }
    PumaConf { file, values, problems }
}

/// A DSL argument as Puma reads it: seconds for times (`:forever` = no
/// limit, `:immediately` = 0 for `force_shutdown_after`), integers for counts.
fn typed(setting: PumaSetting, value: &RValue, file: FileId, span: Span) -> Setting<u64> {
    let factor: u32 = if setting.is_time() { 1000 } else { 1 };
    match value {
        RValue::Sym(s) if setting == PumaSetting::ForceShutdownAfter && s == "forever" => {
            Setting::explicit_unbounded(file, span)
        }
        RValue::Sym(s) if setting == PumaSetting::ForceShutdownAfter && s == "immediately" => {
            Setting::explicit(0, file, span)
        }
        RValue::Int(i) if *i >= 0 => {
            Setting::explicit(u64::try_from(*i).unwrap_or(0).saturating_mul(u64::from(factor)), file, span)
        }
        // Non-negative and small, so the conversion is exact.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        RValue::Float(f) if f.is_finite() && (0.0..9.0e12).contains(f) => {
            Setting::explicit((f * f64::from(factor)).round() as u64, file, span)
        }
        RValue::Str(s) if s.trim().parse::<u64>().is_ok() => {
            Setting::explicit(s.trim().parse::<u64>().unwrap_or(0).saturating_mul(u64::from(factor)), file, span)
        }
        other => Setting::unknown(format!("`{}` of {other:?} is not a number Puma accepts", setting.name())),
    }
}

/// Puma's effective settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PumaSettings {
    pub version: Version,
    pub software_version: Setting<String>,
    pub persistent_timeout: Setting<Millis>,
    /// Requests per connection (since 7.0.0).
    pub max_keep_alive: Setting<u64>,
    pub first_data_timeout: Setting<Millis>,
    pub worker_timeout: Setting<Millis>,
    pub worker_shutdown_timeout: Setting<Millis>,
    pub force_shutdown_after: Setting<Millis>,
    /// 0 = single mode.
    pub workers: Setting<u64>,
    /// How long Puma waits for requests on stop: `worker_shutdown_timeout`
    /// in cluster mode, `force_shutdown_after` in single mode.
    pub drain_timeout: Setting<Millis>,
    /// Settings whose value is an `ENV.fetch` default, with the variables.
    pub env_overrides: Vec<(PumaSetting, Vec<String>)>,
}

/// `version`: from `Gemfile.lock` (`gem_pins`), else the newest known.
pub fn effective_puma(conf: Option<&PumaConf>, version: Option<Version>) -> PumaSettings {
    let assumed = version.is_none();
    let version = version.unwrap_or_else(|| Server::Puma.newest());
    let setting = |key: PumaSetting| -> Setting<u64> {
        if let Some(given) = conf.and_then(|c| c.values.get(&key)) {
            if key == PumaSetting::MaxKeepAlive && version < Version::new(7, 0, 0) {
                return Setting::unknown(format!("puma {version} has no max_keep_alive (added in 7.0.0)"));
            }
            return given.value.clone();
        }
        match servers::default(Server::Puma, key.name(), version) {
            Some(row) => match row.value {
                DefaultValue::Millis(n) | DefaultValue::Count(n) => Setting::default(n, row.what(version)),
                DefaultValue::Unbounded => Setting::default_unbounded(row.what(version)),
                DefaultValue::Absent | DefaultValue::Text(_) => {
                    Setting::unknown(format!("puma {version} has no {} setting ({})", key.name(), row.source))
                }
            },
            None => Setting::unknown(format!("no known puma {version} default for {}", key.name())),
        }
    };
    let workers = setting(PumaSetting::Workers);
    let worker_shutdown_timeout = setting(PumaSetting::WorkerShutdownTimeout).map(Millis);
    let force_shutdown_after = setting(PumaSetting::ForceShutdownAfter).map(Millis);
    let drain_timeout = match workers.value {
        Some(0) => force_shutdown_after.clone(),
        Some(_) => worker_shutdown_timeout.clone(),
        None => match &workers.origin {
            Origin::Unknown { reason } => Setting::unknown(format!("single or cluster mode is unknown: {reason}")),
            _ => worker_shutdown_timeout.clone(),
        },
    };
    PumaSettings {
        version,
        software_version: if assumed {
            Setting::default(version.to_string(), "puma version assumed: newest known")
        } else {
            Setting::default(version.to_string(), "puma version given")
        },
        persistent_timeout: setting(PumaSetting::PersistentTimeout).map(Millis),
        max_keep_alive: setting(PumaSetting::MaxKeepAlive),
        first_data_timeout: setting(PumaSetting::FirstDataTimeout).map(Millis),
        worker_timeout: setting(PumaSetting::WorkerTimeout).map(Millis),
        worker_shutdown_timeout,
        force_shutdown_after,
        workers,
        drain_timeout,
        env_overrides: conf
            .map(|c| {
                c.values
                    .iter()
                    .filter(|(_, g)| !g.env_defaults.is_empty())
                    .map(|(k, g)| (*k, g.env_defaults.clone()))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

impl PumaSettings {
    /// The hop `hoplint hops` shows (kind `puma`).
    pub fn to_hop(&self, id: String, file: FileId, span: Span) -> Hop {
        Hop {
            id,
            kind: HopKind::Puma,
            file,
            span,
            software_version: Some(self.software_version.clone()),
            settings: HopSettings {
                idle_timeout: Some(self.persistent_timeout.clone()),
                max_requests_per_connection: Some(self.max_keep_alive.clone()),
                drain_timeout: Some(self.drain_timeout.clone()),
                ..HopSettings::default()
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_fetch_defaults_and_versions() {
        let src = "workers ENV.fetch(\"WEB_CONCURRENCY\") { 2 }\nthreads 1, ENV.fetch(\"RAILS_MAX_THREADS\", 5)\npersistent_timeout 75\nworker_shutdown_timeout 25\n";
        let conf = read_puma(FileId(1), src);
        let s = effective_puma(Some(&conf), Some(Version::new(6, 4, 2)));
        assert_eq!(s.persistent_timeout.value, Some(Millis(75_000)));
        assert!(matches!(s.persistent_timeout.origin, Origin::Explicit { span, .. } if span.text(src) == "75"));
        assert_eq!(s.workers.value, Some(2));
        assert_eq!(s.drain_timeout.value, Some(Millis(25_000)));
        assert!(!s.max_keep_alive.is_known());
        assert_eq!(
            s.env_overrides,
            [
                (PumaSetting::Workers, vec!["WEB_CONCURRENCY".to_owned()]),
                (PumaSetting::MaxThreads, vec!["RAILS_MAX_THREADS".to_owned()])
            ]
        );
        let defaults = effective_puma(None, Some(Version::new(6, 4, 2)));
        assert_eq!(defaults.persistent_timeout.value, Some(Millis(20_000)));
        // Single mode waits for requests without a limit by default.
        assert_eq!(defaults.drain_timeout.value, None);
        assert!(defaults.drain_timeout.is_known());
        let newest = effective_puma(None, None);
        assert_eq!(newest.persistent_timeout.value, Some(Millis(65_000)));
        assert_eq!(newest.max_keep_alive.value, Some(999));
    }
}
