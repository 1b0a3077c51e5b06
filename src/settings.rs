//! `hoplint.toml`: found upward from the first path, strict about keys.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostic::Severity;
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
        let margin = self.keepalive.margin.as_deref().and_then(parse_margin).unwrap_or(DEFAULT_MARGIN);
        FixPolicy { margin, prefer: self.fix.prefer }
    }
}

fn parse_margin(text: &str) -> Option<Millis> {
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
    Ok(Loaded { path: Some(path.to_path_buf()), config })
}

/// Parses the text of a configuration file; the error carries `:line:col`.
pub fn parse(text: &str) -> Result<ConfigFile, (String, String)> {
    let config: ConfigFile = toml::from_str(text).map_err(|e| {
        let location = e.span().map_or_else(String::new, |s| {
            let index = crate::source::LineIndex::new(text);
            #[allow(clippy::cast_possible_truncation)]
            let (line, col) = index.line_col(text, s.start as u32);
            format!(":{line}:{col}")
        });
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
    if let Some(margin) = &config.keepalive.margin
        && parse_margin(margin).is_none()
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
}
