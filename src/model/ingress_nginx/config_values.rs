//! ConfigMap values as the controller reads them. They are strings; the
//! controller decodes them into its `Configuration` struct with
//! mapstructure's weakly typed input (`internal/ingress/controller/template/
//! configmap.go` `ReadConfig`): an integer key takes `strconv.ParseInt(value,
//! 0, 64)` (an empty string decodes as 0), and a value that does not parse
//! leaves the default in place with a warning in the controller log. So an
//! invalid value is reported as data ([`InvalidValue`]) and the effective
//! setting is the default (RULES.md "Invalid values behave as the software
//! behaves").

use crate::knowledge::defaults;
use crate::knowledge::nginx_values;
use crate::knowledge::version::Version;
use crate::model::ingress_nginx::InvalidValue;
use crate::model::k8s::DataEntry;
use crate::model::setting::{Millis, Origin, Setting};
use crate::source::FileId;
use crate::syntax::go_values;

pub(super) const SECONDS: &str = "an integer number of seconds (such as \"60\")";
pub(super) const COUNT: &str = "a non-negative integer";
pub(super) const INTEGER: &str = "an integer";
pub(super) const HTTP_VERSION: &str = "\"1.0\" or \"1.1\"";
pub(super) const NGINX_TIME: &str = "an nginx time such as \"240s\"";

/// Reads ConfigMap keys with the defaults of one controller version.
pub(super) struct ConfigReader<'a> {
    pub entries: &'a [DataEntry],
    pub file: FileId,
    pub version: Version,
    pub invalid: &'a mut Vec<InvalidValue>,
}

impl ConfigReader<'_> {
    /// The key's effective value: written and valid, else the version's
    /// default (an invalid value is recorded).
    pub fn read<T>(&mut self, key: &'static str, parse: fn(&str) -> Option<T>, expected: &'static str) -> Setting<T> {
        let row = defaults::ingress_nginx(key, self.version);
        let default = || match row.and_then(|r| parse(r.default)) {
            Some(value) => Setting::default(value, format!("ingress-nginx {} default {key}", self.version)),
            None => Setting::unknown(format!("no default of {key} known for ingress-nginx {}", self.version)),
        };
        let Some(entry) = self.entries.iter().find(|e| e.key == key) else { return default() };
        if let Some(value) = parse(&entry.value) {
            return Setting::explicit(value, self.file, entry.value_span);
        }
        self.invalid.push(InvalidValue {
            file: self.file,
            key: key.to_owned(),
            key_span: entry.key_span,
            value: entry.value.clone(),
            value_span: entry.value_span,
            expected,
            default: row.map(|r| r.default),
        });
        default()
    }
}

/// Pool effectively on (RULES.md "Pool effectively on"):
/// `upstream-keepalive-connections` > 0 (the template renders `keepalive`
/// only then) and `proxy-http-version` ≠ 1.0. The origin is the key that
/// decides.
pub(super) fn pool(connections: &Setting<i64>, http_version: &Setting<String>) -> Setting<bool> {
    let with = |value: bool, origin: &Origin| Setting { value: Some(value), origin: origin.clone() };
    match (connections.value, http_version.value.as_deref()) {
        (Some(n), _) if n <= 0 => with(false, &connections.origin),
        (_, Some("1.0")) => with(false, &http_version.origin),
        (Some(_), Some(_)) => with(true, &connections.origin),
        _ => Setting::unknown("upstream-keepalive-connections or proxy-http-version is not known"),
    }
}

pub(super) fn parse_int(text: &str) -> Option<i64> {
    if text.is_empty() { Some(0) } else { go_values::parse_int(text) }
}

/// Seconds: the template appends `s`, so a negative number makes nginx
/// reject the configuration (treated as invalid).
pub(super) fn parse_seconds(text: &str) -> Option<Millis> {
    parse_int(text).and_then(|n| u64::try_from(n).ok()).map(Millis::from_secs)
}

pub(super) fn parse_count(text: &str) -> Option<u64> {
    parse_int(text).and_then(|n| u64::try_from(n).ok())
}

/// `proxy_http_version` takes `1.0` or `1.1` (nginx proxy module); anything
/// else fails `nginx -t`, so the controller keeps its configuration.
pub(super) fn parse_http_version(text: &str) -> Option<String> {
    matches!(text, "1.0" | "1.1").then(|| text.to_owned())
}

/// `worker_shutdown_timeout` is an nginx time (msec slot).
pub(super) fn parse_nginx_time(text: &str) -> Option<Millis> {
    nginx_values::parse_time(text, false).map(Millis)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;

    #[test]
    fn values_parse_like_the_controller() {
        assert_eq!(parse_seconds("3600s"), None);
        assert_eq!(parse_seconds("3600"), Some(Millis::from_secs(3600)));
        assert_eq!(parse_seconds("-1"), None);
        assert_eq!(parse_int(""), Some(0));
        assert_eq!(parse_int("0x10"), Some(16));
        assert_eq!(parse_http_version("2"), None);
        assert_eq!(parse_nginx_time("240s"), Some(Millis::from_secs(240)));
        assert_eq!(parse_nginx_time("1m30s"), Some(Millis::from_secs(90)));
    }

    #[test]
    fn pool_is_off_when_either_key_turns_it_off() {
        let file = FileId(0);
        let on = pool(&Setting::default(320, "d"), &Setting::default("1.1".to_owned(), "d"));
        assert_eq!(on.value, Some(true));
        let zero = pool(&Setting::explicit(0, file, Span::new(1, 2)), &Setting::default("1.1".to_owned(), "d"));
        assert_eq!(zero, Setting::explicit(false, file, Span::new(1, 2)));
        let http10 = pool(&Setting::default(320, "d"), &Setting::explicit("1.0".to_owned(), file, Span::new(5, 8)));
        assert_eq!(http10, Setting::explicit(false, file, Span::new(5, 8)));
        assert!(!pool(&Setting::unknown("x"), &Setting::default("1.1".to_owned(), "d")).is_known());
    }

    #[test]
    fn invalid_values_fall_back_to_the_default() {
        let text = "upstream-keepalive-timeout: \"3600s\"\n";
        let file = crate::syntax::yaml::parse(text);
        let root = file.documents[0].root.as_ref().unwrap();
        let (key, value) = root.entry("upstream-keepalive-timeout").unwrap();
        let entries = [DataEntry {
            key: "upstream-keepalive-timeout".to_owned(),
            key_span: key.span,
            value: "3600s".to_owned(),
            value_span: value.span,
            embedded: crate::syntax::yaml::Embedded::of(value, text).unwrap(),
        }];
        let mut invalid = Vec::new();
        let mut reader =
            ConfigReader { entries: &entries, file: FileId(1), version: Version::new(1, 11, 3), invalid: &mut invalid };
        let idle = reader.read("upstream-keepalive-timeout", parse_seconds, SECONDS);
        assert_eq!(
            idle,
            Setting::default(Millis::from_secs(60), "ingress-nginx 1.11.3 default upstream-keepalive-timeout")
        );
        assert_eq!((invalid[0].value.as_str(), invalid[0].default), ("3600s", Some("60")));
        let mut reader =
            ConfigReader { entries: &[], file: FileId(1), version: Version::new(0, 10, 0), invalid: &mut invalid };
        assert!(!reader.read("upstream-keepalive-timeout", parse_seconds, SECONDS).is_known());
    }
}
