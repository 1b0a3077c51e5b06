//! Exact versions pinned in dependency files: `requirements*.txt`,
//! `poetry.lock`, `uv.lock`, `pdm.lock` and `Pipfile.lock` for Python
//! servers (gunicorn, uvicorn, hypercorn), `Gemfile.lock` for Puma
//! (RULES.md "Values and versions": backend versions from pins). Only exact
//! pins count: `gunicorn>=22` says nothing about what runs.

use std::path::Path;

use serde::Deserialize;

use crate::knowledge::Version;
use crate::span::Span;

/// A package pinned to one release.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pin {
    /// The package name, normalized (PEP 503 for Python: lowercase, runs of
    /// `-_.` as `-`).
    pub name: String,
    pub version: Version,
    /// The version as written.
    pub span: Span,
}

/// The exact pins of a Python dependency file, chosen by its name. Other
/// files give nothing.
pub fn python_pins(path: &Path, source: &str) -> Vec<Pin> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    match name {
        "poetry.lock" | "uv.lock" | "pdm.lock" => toml_lock_pins(source),
        "Pipfile.lock" => pipfile_lock_pins(source),
        _ if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("txt")) && is_requirements(path, name) => {
            requirements_pins(source)
        }
        _ => Vec::new(),
    }
}

/// `requirements.txt`, `dev-requirements.txt`, `constraints.txt`, or any
/// `.txt` in a `requirements/` directory.
fn is_requirements(path: &Path, name: &str) -> bool {
    name.contains("requirements")
        || name.contains("constraints")
        || path.parent().and_then(Path::file_name).is_some_and(|dir| dir == "requirements")
}

/// The gems `Gemfile.lock` resolved (`    puma (6.4.2)` under `specs:`).
pub fn gem_pins(source: &str) -> Vec<Pin> {
    let mut pins = Vec::new();
    let mut offset = 0;
    for line in source.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        // Resolved gems are indented by exactly four spaces; their own
        // dependencies by six.
        let Some(entry) = line.strip_prefix("    ").filter(|l| !l.starts_with(' ')) else { continue };
        let Some((name, rest)) = entry.trim_end().split_once(" (") else { continue };
        let Some(written) = rest.strip_suffix(')') else { continue };
        // `1.16.0-x86_64-linux`: the platform is not part of the version.
        let number = written.split('-').next().unwrap_or(written);
        if let Some(version) = release(number) {
            let at = start + 4 + name.len() + 2;
            pins.push(Pin { name: name.to_owned(), version, span: span(at, at + number.len()) });
        }
    }
    pins
}

fn span(start: usize, end: usize) -> Span {
    let at = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Span::new(at(start), at(end))
}

/// PEP 503 normalization.
pub fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// The release part of a version (`23.0.0`, `23.0` → 23.0.0, `1.2.3rc1` →
/// 1.2.3, `2.0.post1` → 2.0.0). `None` for epochs, wildcards and anything
/// that does not start with a number.
pub fn release(text: &str) -> Option<Version> {
    let end = text.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(text.len());
    let (numbers, suffix) = text.split_at(end);
    if suffix.starts_with(['!', '*']) || numbers.ends_with("..") {
        return None;
    }
    let mut parts = numbers.trim_end_matches('.').split('.').map(|p| p.parse::<u16>().ok());
    let major = parts.next()??;
    let minor = parts.next().unwrap_or(Some(0))?;
    let patch = parts.next().unwrap_or(Some(0))?;
    Some(Version::new(major, minor, patch))
}

/// `name==1.2.3` lines (also `name[extra] == 1.2.3 ; markers` and `===`),
/// with `\` continuations and `#` comments.
fn requirements_pins(source: &str) -> Vec<Pin> {
    let mut pins = Vec::new();
    let mut offset = 0;
    for line in source.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = match line.find(" #").or_else(|| line.starts_with('#').then_some(0)) {
            Some(comment) => &line[..comment],
            None => line,
        };
        let content = content.trim_end().trim_end_matches('\\');
        let requirement = content.split(';').next().unwrap_or_default().trim();
        if requirement.is_empty() || requirement.starts_with('-') || requirement.contains("://") {
            continue;
        }
        let name_end = requirement
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
            .unwrap_or(requirement.len());
        let name = &requirement[..name_end];
        let mut rest = requirement[name_end..].trim_start();
        if rest.starts_with('[') {
            rest = rest.split_once(']').map_or("", |(_, r)| r.trim_start());
        }
        let specifier = rest.strip_prefix("===").or_else(|| rest.strip_prefix("=="));
        let Some(version_text) = specifier.map(str::trim) else { continue };
        if name.is_empty() || version_text.contains([',', '*', ' ']) {
            continue;
        }
        if let Some(version) = release(version_text) {
            // `version_text` is a slice of `line`.
            let at = start + (version_text.as_ptr() as usize - line.as_ptr() as usize);
            pins.push(Pin { name: normalize(name), version, span: span(at, at + version_text.len()) });
        }
    }
    pins
}

#[derive(Deserialize)]
struct TomlLock {
    #[serde(default)]
    package: Vec<TomlLockPackage>,
}

#[derive(Deserialize)]
struct TomlLockPackage {
    name: String,
    version: Option<toml::Spanned<String>>,
}

/// `[[package]] name = "gunicorn" version = "23.0.0"` (poetry, uv, pdm).
/// A lock that does not parse gives no pins.
fn toml_lock_pins(source: &str) -> Vec<Pin> {
    let Ok(lock) = toml::from_str::<TomlLock>(source) else { return Vec::new() };
    lock.package
        .into_iter()
        .filter_map(|package| {
            let version = package.version?;
            let range = version.span();
            let parsed = release(version.get_ref())?;
            // The span includes the quotes.
            Some(Pin { name: normalize(&package.name), version: parsed, span: span(range.start + 1, range.end - 1) })
        })
        .collect()
}

/// `"gunicorn": {"version": "==23.0.0", …}` in the `default` and `develop`
/// sections.
fn pipfile_lock_pins(source: &str) -> Vec<Pin> {
    let Ok(serde_json::Value::Object(root)) = serde_json::from_str::<serde_json::Value>(source) else {
        return Vec::new();
    };
    let mut pins = Vec::new();
    for section in ["default", "develop"] {
        let Some(serde_json::Value::Object(packages)) = root.get(section) else { continue };
        for (name, package) in packages {
            let Some(written) = package.get("version").and_then(serde_json::Value::as_str) else { continue };
            let Some(number) = written.strip_prefix("==") else { continue };
            let (Some(version), Some(at)) = (release(number), locate_json_version(source, name, written)) else {
                continue;
            };
            pins.push(Pin { name: normalize(name), version, span: span(at + 2, at + written.len()) });
        }
    }
    pins
}

/// Where `"version": "<written>"` of package `name` starts (the offset of
/// `written`).
fn locate_json_version(source: &str, name: &str, written: &str) -> Option<usize> {
    let key = format!("\"{name}\"");
    let value = format!("\"{written}\"");
    let mut from = 0;
    while let Some(found) = source[from..].find(&key) {
        let after = from + found + key.len();
        let object_end = source[after..].find('}').map_or(source.len(), |e| after + e);
        if let Some(v) = source[after..object_end].find("\"version\"")
            && let Some(w) = source[after + v..object_end].find(&value)
        {
            return Some(after + v + w + 1);
        }
        from = after;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_exact_pins_only() {
        let src = "# web\nGunicorn==23.0.0  # server\nuvicorn[standard] == 0.30.1 ; python_version >= '3.9'\n\
                   hypercorn>=0.16\nflask~=3.0\n-r base.txt\nrequests==2.*\nZope.Interface===6.1\n";
        assert!(python_pins(Path::new("notes.txt"), src).is_empty());
        assert_eq!(python_pins(Path::new("requirements/prod.txt"), src).len(), 3);
        let pins = python_pins(Path::new("requirements-prod.txt"), src);
        let got: Vec<_> = pins.iter().map(|p| (p.name.as_str(), p.version.to_string(), p.span.text(src))).collect();
        assert_eq!(
            got,
            [
                ("gunicorn", "23.0.0".to_owned(), "23.0.0"),
                ("uvicorn", "0.30.1".to_owned(), "0.30.1"),
                ("zope-interface", "6.1.0".to_owned(), "6.1"),
            ]
        );
    }

    #[test]
    fn lock_files() {
        let poetry = "[[package]]\nname = \"gunicorn\"\nversion = \"22.0.0\"\ndescription = \"x\"\n\n[[package]]\nname = \"h11\"\nversion = \"0.14.0\"\n";
        let pins = python_pins(Path::new("poetry.lock"), poetry);
        assert_eq!(pins[0].name, "gunicorn");
        assert_eq!(pins[0].span.text(poetry), "22.0.0");
        assert_eq!(pins.len(), 2);
        let pipfile = r#"{"_meta": {}, "default": {"gunicorn": {"hashes": ["sha256:x"], "index": "pypi", "version": "==21.2.0"}}, "develop": {}}"#;
        let pins = python_pins(Path::new("Pipfile.lock"), pipfile);
        assert_eq!(pins[0].version, Version::new(21, 2, 0));
        assert_eq!(pins[0].span.text(pipfile), "21.2.0");
        assert!(python_pins(Path::new("uv.lock"), "not toml [").is_empty());
    }

    #[test]
    fn gemfile_lock() {
        let src = "GEM\n  remote: https://rubygems.org/\n  specs:\n    nio4r (2.7.0)\n    puma (6.4.2)\n      nio4r (~> 2.0)\n    nokogiri (1.16.0-x86_64-linux)\n";
        let pins = gem_pins(src);
        let got: Vec<_> = pins.iter().map(|p| (p.name.as_str(), p.span.text(src))).collect();
        assert_eq!(got, [("nio4r", "2.7.0"), ("puma", "6.4.2"), ("nokogiri", "1.16.0")]);
    }

    #[test]
    fn releases() {
        assert_eq!(release("23.0"), Some(Version::new(23, 0, 0)));
        assert_eq!(release("1.2.3rc1"), Some(Version::new(1, 2, 3)));
        assert_eq!(release("1!2.0"), None);
        assert_eq!(release("v1"), None);
    }
}
