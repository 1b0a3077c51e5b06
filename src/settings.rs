//! `hoplint.toml`: found upward from the first path, strict about keys.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
pub use toml::Spanned;

use crate::diagnostic::Severity;
use crate::knowledge::load_balancers::{self, LoadBalancerKind};
use crate::model::setting::Millis;
use crate::source::classify::Kind;

/// The file's name.
pub const FILE_NAME: &str = "hoplint.toml";

/// Software whose version `[versions]` may pin.
pub const VERSION_KEYS: &[&str] = &[
    "nginx",
    "ingress-nginx",
    "kubernetes",
    "gunicorn",
    "uvicorn",
    "hypercorn",
    "node",
    "puma",
    "tomcat",
    "spring-boot",
    "php",
    "httpd",
];

/// The `[versions]` keys (and `--version` names) that name a backend
/// server, whose defaults depend on its version.
pub const BACKEND_VERSION_KEYS: &[&str] = &["gunicorn", "uvicorn", "hypercorn", "node", "puma", "php", "httpd"];

/// The parsed file. Unknown keys are errors.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default)]
    pub versions: BTreeMap<String, String>,
    #[serde(default)]
    pub nginx: NginxSection,
    #[serde(default)]
    pub lint: LintSection,
    #[serde(default)]
    pub keepalive: KeepaliveSection,
    #[serde(default)]
    pub fix: FixSection,
    #[serde(default)]
    pub front: FrontSection,
    /// `[[link]]` entries: proxies tied to backends by hand (RULES.md
    /// "Linking hops", method 1), each with its place in the file.
    #[serde(default)]
    pub link: Vec<Spanned<LinkEntry>>,
    /// Glob → kind, for files whose names do not tell.
    #[allow(clippy::zero_sized_map_values)] // `Kind` gains a variant per format
    #[serde(default)]
    pub files: BTreeMap<String, Kind>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NginxSection {
    /// Third-party or optional modules compiled in (`lua`, `headers-more`,
    /// `njs`, `http_geoip_module`…).
    #[serde(default)]
    pub modules: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LintSection {
    #[serde(default)]
    pub select: Vec<String>,
    #[serde(default)]
    pub extend_select: Vec<String>,
    #[serde(default)]
    pub ignore: Vec<String>,
    pub fail_on: Option<Severity>,
    /// Glob → selectors turned off in the files it matches.
    #[serde(default)]
    pub per_file_ignores: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeepaliveSection {
    /// How much sooner the sender must give up than the receiver
    /// (RULES.md "KA001 fix"); an nginx time such as `2s` or `500ms`.
    pub margin: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixSection {
    #[serde(default)]
    pub prefer: FixSide,
}

/// Which side of a link a keepalive fix changes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FixSide {
    /// The proxy, unless its value would be too small to be useful.
    #[default]
    Auto,
    Proxy,
    Backend,
}

/// `[front]`: the load balancer in front of every nginx of the project, for
/// when the manifests do not show it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FrontSection {
    /// A [`crate::knowledge::load_balancers::KINDS`] name.
    pub kind: Option<Spanned<String>>,
    /// Overrides the kind's idle timeout; an nginx time such as `60s`.
    pub idle_timeout: Option<Spanned<String>>,
}

impl FrontSection {
    /// The load balancer's kind; `parse` has checked the name.
    pub fn lb_kind(&self) -> Option<LoadBalancerKind> {
        self.kind.as_ref().and_then(|k| load_balancers::kind(k.get_ref()))
    }

    /// The written idle timeout; `parse` has checked it.
    pub fn idle_timeout(&self) -> Option<Millis> {
        self.idle_timeout.as_ref().and_then(|t| parse_time(t.get_ref()))
    }
}

/// One `[[link]]`: a proxy (`file:upstream NAME`, `file:Ingress/NAME`, or
/// `ingress-nginx`) and the backend it talks to (a file, or
/// `file:Kind/name[/container]`), paths relative to the project root.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkEntry {
    pub proxy: Spanned<String>,
    pub backend: Spanned<String>,
}

/// `[keepalive] margin` when unset.
pub const DEFAULT_MARGIN: Millis = Millis(2_000);

/// The keepalive fix policy hoplint.toml sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FixPolicy {
    pub margin: Millis,
    pub prefer: FixSide,
}

impl Default for FixPolicy {
    fn default() -> Self {
        FixPolicy { margin: DEFAULT_MARGIN, prefer: FixSide::Auto }
    }
}

impl ConfigFile {
    /// The fix policy; `parse` has checked the margin.
    pub fn fix_policy(&self) -> FixPolicy {
        let margin = self.keepalive.margin.as_deref().and_then(parse_time).unwrap_or(DEFAULT_MARGIN);
        FixPolicy { margin, prefer: self.fix.prefer }
    }
}

/// An nginx time (`2s`, `500ms`, `1m`), as `[keepalive]` and `[front]` take.
fn parse_time(text: &str) -> Option<Millis> {
    crate::knowledge::nginx_values::parse_time(text.trim(), false).map(Millis)
}

/// A `hoplint.toml` that could not be used.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{path}{location}: {message}")]
pub struct ConfigError {
    pub path: String,
    /// `:line:column` when known.
    pub location: String,
    pub message: String,
}

/// A loaded configuration and where it came from.
#[derive(Debug, Default)]
pub struct Loaded {
    pub path: Option<PathBuf>,
    /// The file's text, which diagnostics about `[[link]]` entries quote.
    pub text: String,
    pub config: ConfigFile,
}

/// Looks for `hoplint.toml` in `start` and its ancestors.
pub fn find(start: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(start).ok()?;
    let dir = if absolute.is_dir() { absolute.as_path() } else { absolute.parent()? };
    dir.ancestors().map(|d| d.join(FILE_NAME)).find(|p| p.is_file())
}

/// Reads and validates a configuration file.
pub fn load(path: &Path) -> Result<Loaded, ConfigError> {
    let display = crate::source::display_path(&crate::source::relative_to_cwd(path));
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
        path: display.clone(),
        location: String::new(),
        message: crate::source::discover::describe_io(&e),
    })?;
    let config =
        parse(&text).map_err(|(location, message)| ConfigError { path: display.clone(), location, message })?;
    Ok(Loaded { path: Some(path.to_path_buf()), text, config })
}

/// Parses the text of a configuration file; the error carries `:line:col`.
pub fn parse(text: &str) -> Result<ConfigFile, (String, String)> {
    let config: ConfigFile = toml::from_str(text).map_err(|e| {
        let location = e.span().map_or_else(String::new, |s| location(text, s.start));
        (location, explain_toml_error(e.message()))
    })?;
    for key in config.versions.keys() {
        if !VERSION_KEYS.contains(&key.as_str()) {
            let hint = crate::text::did_you_mean(key, VERSION_KEYS.iter().copied())
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            return Err((
                String::new(),
                format!("unknown key `{key}` in [versions]{hint}; known: {}", VERSION_KEYS.join(", ")),
            ));
        }
    }
    check_front(text, &config.front)?;
    if let Some(margin) = &config.keepalive.margin
        && parse_time(margin).is_none()
    {
        return Err((
            String::new(),
            format!("invalid `margin = \"{margin}\"` in [keepalive]: expected a time such as 2s or 500ms"),
        ));
    }
    for glob in config.lint.per_file_ignores.keys() {
        if let Err(e) = globset::Glob::new(glob) {
            return Err((String::new(), format!("invalid glob `{glob}` in [lint.per-file-ignores]: {}", e.kind())));
        }
    }
    let per_file = config.lint.per_file_ignores.values().flatten();
    for selector in
        config.lint.select.iter().chain(&config.lint.ignore).chain(&config.lint.extend_select).chain(per_file)
    {
        if !crate::rules::is_valid_selector(selector) {
            return Err((String::new(), format!("unknown rule code or prefix `{selector}` in [lint]")));
        }
    }
    Ok(config)
}

/// `:line:col` of a byte offset, for error messages.
fn location(text: &str, offset: usize) -> String {
    let index = crate::source::LineIndex::new(text);
    let (line, col) = index.line_col(text, u32::try_from(offset).unwrap_or(u32::MAX));
    format!(":{line}:{col}")
}

/// `[front]`: a known kind (with a did-you-mean) and a valid time.
fn check_front(text: &str, front: &FrontSection) -> Result<(), (String, String)> {
    if let Some(kind) = &front.kind
        && load_balancers::kind(kind.get_ref()).is_none()
    {
        let names = load_balancers::KINDS.map(|k| k.name);
        let hint = crate::text::did_you_mean(kind.get_ref(), names)
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        let message = format!("unknown `kind = \"{}\"` in [front]{hint}; known: {}", kind.get_ref(), names.join(", "));
        return Err((location(text, kind.span().start), message));
    }
    if let Some(idle) = &front.idle_timeout
        && parse_time(idle.get_ref()).is_none()
    {
        let message =
            format!("invalid `idle-timeout = \"{}\"` in [front]: expected a time such as 60s or 10m", idle.get_ref());
        return Err((location(text, idle.span().start), message));
    }
    Ok(())
}

/// Adds a did-you-mean to serde's "unknown field `x`, expected one of …".
fn explain_toml_error(message: &str) -> String {
    let message = message.trim();
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return message.to_owned();
    };
    let Some((field, expected)) = rest.split_once('`') else {
        return message.to_owned();
    };
    let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    match crate::text::did_you_mean(field, candidates.iter().copied()) {
        Some(best) => format!("{message} (did you mean `{best}`?)"),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_errors_with_suggestions() {
        let (_, message) = parse("[lint]\nselct = [\"NG\"]\n").unwrap_err();
        assert!(message.contains("did you mean `select`"), "{message}");
        let (location, _) = parse("[lint]\nselct = [\"NG\"]\n").unwrap_err();
        assert_eq!(location, ":2:1");
        let (_, message) = parse("[versions]\nngnix = \"1.24\"\n").unwrap_err();
        assert!(message.contains("did you mean `nginx`"), "{message}");
        let (_, message) = parse("[lint]\nselect = [\"ZZ9\"]\n").unwrap_err();
        assert!(message.contains("ZZ9"), "{message}");
    }

    #[test]
    fn reads_versions_modules_and_lint() {
        let config = parse("[versions]\nnginx = \"1.24\"\n[nginx]\nmodules = [\"lua\"]\n[lint]\nignore = [\"NG003\"]\nfail-on = \"error\"\n").unwrap();
        assert_eq!(config.versions["nginx"], "1.24");
        assert_eq!(config.nginx.modules, ["lua"]);
        assert_eq!(config.lint.fail_on, Some(Severity::Error));
    }

    #[test]
    fn links_keep_their_place_in_the_file() {
        let text = "[versions]\nnginx = \"1.24\"\n\n[[link]]\nproxy = \"nginx.conf:upstream app\"\nbackend = \"app/gunicorn.conf.py\"\n";
        let config = parse(text).unwrap();
        let entry = &config.link[0];
        assert_eq!(entry.get_ref().proxy.get_ref(), "nginx.conf:upstream app");
        // The entry's span is its `[[link]]` header.
        assert_eq!(&text[entry.span()], "[[link]]");
        let (location, message) = parse("[[link]]\nproxy = \"a\"\nbakend = \"b\"\n").unwrap_err();
        assert_eq!(location, ":3:1");
        assert!(message.contains("did you mean `backend`"), "{message}");
    }

    #[test]
    fn front_kind_and_idle_timeout_are_checked() {
        let config = parse("[front]\nkind = \"gcp-alb\"\n").unwrap();
        assert_eq!(config.front.lb_kind().map(|k| k.idle_seconds), Some(600));
        let config = parse("[front]\nidle-timeout = \"2m\"\n").unwrap();
        assert_eq!(config.front.idle_timeout(), Some(Millis(120_000)));
        let (location, message) = parse("[front]\nkind = \"aws-alv\"\n").unwrap_err();
        assert_eq!(location, ":2:8");
        assert!(message.contains("did you mean `aws-alb`"), "{message}");
        let (_, message) = parse("[front]\nidle-timeout = \"a minute\"\n").unwrap_err();
        assert!(message.contains("invalid `idle-timeout = \"a minute\"` in [front]"), "{message}");
    }
}
