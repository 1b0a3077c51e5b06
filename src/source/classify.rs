//! What kind of configuration a file holds: by name first, then by content.

use std::path::Path;

use crate::knowledge::nginx_directives;
use crate::syntax::nginx;

/// A format hoplint reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Nginx,
    /// YAML with `apiVersion` and `kind`.
    Kubernetes,
    /// A Helm chart's `values*.yaml`.
    HelmValues,
    /// A Helm template (`{{ … }}`): skipped with a note.
    HelmTemplate,
    Dockerfile,
    Compose,
    /// Tomcat `server.xml`.
    Tomcat,
    /// `catalina.properties`.
    CatalinaProperties,
    /// Spring Boot `application*.properties|yml|yaml`.
    Spring,
    /// `pom.xml`, `build.gradle(.kts)`: versions of Java frameworks.
    JavaBuild,
    /// `gunicorn.conf.py` and other Python files named after gunicorn.
    Gunicorn,
    /// `requirements*.txt`, `poetry.lock`, `uv.lock`: Python version pins.
    PythonPins,
    PhpFpm,
    Httpd,
    Puma,
    /// `Gemfile.lock`: Ruby version pins.
    GemfileLock,
    Procfile,
    ShellScript,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Nginx => "nginx",
            Kind::Kubernetes => "kubernetes",
            Kind::HelmValues => "helm-values",
            Kind::HelmTemplate => "helm-template",
            Kind::Dockerfile => "dockerfile",
            Kind::Compose => "compose",
            Kind::Tomcat => "tomcat",
            Kind::CatalinaProperties => "catalina-properties",
            Kind::Spring => "spring",
            Kind::JavaBuild => "java-build",
            Kind::Gunicorn => "gunicorn",
            Kind::PythonPins => "python-pins",
            Kind::PhpFpm => "php-fpm",
            Kind::Httpd => "httpd",
            Kind::Puma => "puma",
            Kind::GemfileLock => "gemfile-lock",
            Kind::Procfile => "procfile",
            Kind::ShellScript => "shell-script",
        }
    }
}

/// Directories whose files are nginx configuration whatever their names.
const NGINX_DIRS: &[&str] = &["sites-enabled", "sites-available", "snippets", "conf.d", "http.d", "stream.d", "nginx"];

fn lower_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default()
}

fn parent_name(path: &Path) -> String {
    path.parent().and_then(Path::file_name).map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default()
}

/// Endings of files named after Dockerfiles that are something else.
const NOT_DOCKERFILE: &[&str] = &[
    ".md", ".json", ".yml", ".yaml", ".txt", ".sh", ".py", ".toml", ".ignore", ".rs", ".go", ".js", ".ts", ".java",
    ".rb", ".c", ".h", ".cpp", ".kt", ".cs", ".php", ".html", ".xml", ".snap", ".lock", ".j2", ".tmpl", ".tpl", ".rst",
];

/// The kind a file's name alone decides, if any.
#[allow(clippy::case_sensitive_file_extension_comparisons)] // the name is lowercased first
fn kind_by_name(path: &Path) -> Option<Kind> {
    let name = lower_name(path);
    let parent = parent_name(path);
    let yaml = name.ends_with(".yml") || name.ends_with(".yaml");
    Some(match name.as_str() {
        n if n == "containerfile"
            || (n.ends_with("dockerfile") || n.contains("dockerfile."))
                && !NOT_DOCKERFILE.iter().any(|ext| n.ends_with(ext)) =>
        {
            Kind::Dockerfile
        }
        n if yaml && (n.starts_with("docker-compose") || n.starts_with("compose.") || n.starts_with("compose-")) => {
            Kind::Compose
        }
        n if n.ends_with("server.xml") => Kind::Tomcat,
        "catalina.properties" => Kind::CatalinaProperties,
        n if n.starts_with("application") && (yaml || n.ends_with(".properties")) => Kind::Spring,
        n if n == "pom.xml" || n.starts_with("build.gradle") => Kind::JavaBuild,
        n if n.ends_with(".py") && n.contains("gunicorn") => Kind::Gunicorn,
        n if n.starts_with("requirements") && n.ends_with(".txt") => Kind::PythonPins,
        "poetry.lock" | "uv.lock" | "pipfile.lock" => Kind::PythonPins,
        "gemfile.lock" => Kind::GemfileLock,
        "procfile" => Kind::Procfile,
        "php-fpm.conf" | "www.conf" => Kind::PhpFpm,
        n if parent == "php-fpm.d" && n.ends_with(".conf") => Kind::PhpFpm,
        "httpd.conf" | "apache2.conf" => Kind::Httpd,
        n if n == "puma.rb" || parent == "puma" && n.ends_with(".rb") => Kind::Puma,
        n if n.ends_with(".sh") => Kind::ShellScript,
        n if n.starts_with("nginx") && (n.contains(".conf") || !n.contains('.')) => Kind::Nginx,
        n if n.ends_with(".nginx") || n.ends_with(".nginxconf") => Kind::Nginx,
        _ => return None,
    })
}

/// Whether a file found in a directory walk may hold a format hoplint reads
/// (decided by name only, so unrelated files are never read).
#[allow(clippy::case_sensitive_file_extension_comparisons)] // the name is lowercased first
pub fn is_candidate(path: &Path) -> bool {
    let name = lower_name(path);
    let in_nginx_dir = NGINX_DIRS.contains(&parent_name(path).as_str());
    kind_by_name(path).is_some()
        || name.contains("nginx")
        || name.ends_with(".yml")
        || name.ends_with(".yaml")
        || in_nginx_dir && !name.ends_with(".md")
        || [".conf", ".vhost", ".conf.template", ".conf.tmpl", ".conf.j2"].iter().any(|ext| name.ends_with(ext))
}

/// The kind of a file, or `None` when hoplint does not read it: by name
/// first (`Dockerfile`, `server.xml`, `application.yml`…), then by content
/// (YAML with `apiVersion`/`kind`, Helm templates, `httpd.conf`-style and
/// php-fpm INI `.conf` files, nginx directives).
#[allow(clippy::case_sensitive_file_extension_comparisons)] // the name is lowercased first
pub fn classify(path: &Path, text: &str) -> Option<Kind> {
    if let Some(kind) = kind_by_name(path) {
        return Some(kind);
    }
    let name = lower_name(path);
    if name.ends_with(".yml") || name.ends_with(".yaml") {
        return if text.contains("{{") {
            Some(Kind::HelmTemplate)
        } else if looks_like_kubernetes(text) {
            Some(Kind::Kubernetes)
        } else if name.starts_with("values") {
            Some(Kind::HelmValues)
        } else {
            None
        };
    }
    if looks_like_kubernetes(text) {
        return Some(Kind::Kubernetes); // e.g. `helm template … | hoplint check -`
    }
    if looks_like_php_fpm(text) {
        return Some(Kind::PhpFpm);
    }
    if looks_like_nginx(text) {
        return Some(Kind::Nginx);
    }
    None
}

/// A YAML document with top-level `apiVersion:` and `kind:` keys.
pub fn looks_like_kubernetes(text: &str) -> bool {
    let top = |key: &str| text.lines().any(|l| l.starts_with(key));
    top("apiVersion:") && top("kind:")
}

/// php-fpm INI: a `[global]` section, or a pool section with `pm =` and
/// `listen =` settings.
fn looks_like_php_fpm(text: &str) -> bool {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let key = |k: &str| lines.iter().any(|l| l.strip_prefix(k).is_some_and(|r| r.trim_start().starts_with('=')));
    lines.contains(&"[global]") && key("error_log")
        || lines.iter().any(|l| l.starts_with('[')) && key("pm") && key("listen")
}

/// Content sniffing: at least one directive, nothing that looks like INI or
/// Apache syntax, and either half of the directive names (custom-block
/// bodies excluded) are nginx directives or the file has one of nginx's
/// structural blocks (`http`, `server`, `location`, `upstream`, `events`).
pub fn looks_like_nginx(text: &str) -> bool {
    let first_line = text.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with(';'));
    if first_line.is_some_and(|l| l.starts_with('[') || l.starts_with('<')) {
        return false;
    }
    let tree = nginx::parse(text);
    let (mut known, mut total, mut structural) = (0usize, 0usize, false);
    tree.walk(&mut |directive, parents| {
        let in_custom = parents.iter().any(|p| nginx::DATA_BLOCKS.contains(&p.name(text).as_ref()));
        if in_custom || total > 200 {
            return;
        }
        total += 1;
        let name = directive.name(text);
        if !nginx_directives::lookup(&name).is_empty() {
            known += 1;
            structural |= directive.block().is_some()
                && matches!(name.as_ref(), "http" | "server" | "location" | "upstream" | "events");
        }
    });
    total > 0 && (known * 2 >= total || structural)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffing() {
        assert!(looks_like_nginx("server { listen 80; location / { root /srv; } }"));
        assert!(!looks_like_nginx("[program:web]\ncommand=gunicorn app\n"));
        assert!(!looks_like_nginx("<VirtualHost *:80>\nServerName a\n</VirtualHost>\n"));
        assert!(!looks_like_nginx("foo = bar\nbaz = 1\n"));
        assert!(!looks_like_nginx(""));
    }

    #[test]
    fn kinds_by_name_and_content() {
        let kind = |p: &str, text: &str| classify(Path::new(p), text);
        assert_eq!(kind("app/Dockerfile.prod", ""), Some(Kind::Dockerfile));
        assert_eq!(kind("api.Dockerfile", ""), Some(Kind::Dockerfile));
        assert_eq!(kind(".dockerignore", ""), None);
        assert_eq!(kind("dockerfile-lint.json", ""), None);
        assert_eq!(kind("dockerfiles__nginx__web.conf.template", "server { listen 80; }"), Some(Kind::Nginx));
        assert_eq!(kind("repo__Dockerfile.devel", ""), Some(Kind::Dockerfile));
        assert_eq!(kind("src/model/dockerfile.rs", "//! Dockerfile model"), None);
        assert_eq!(kind("conf/tomcat-server.xml", ""), Some(Kind::Tomcat));
        assert_eq!(kind("docker-compose.override.yml", ""), Some(Kind::Compose));
        assert_eq!(kind("conf/server.xml", ""), Some(Kind::Tomcat));
        assert_eq!(kind("src/main/resources/application-prod.yml", ""), Some(Kind::Spring));
        assert_eq!(kind("gunicorn.conf.py", ""), Some(Kind::Gunicorn));
        assert_eq!(kind("requirements-prod.txt", ""), Some(Kind::PythonPins));
        assert_eq!(kind("etc/php-fpm.d/app.conf", ""), Some(Kind::PhpFpm));
        assert_eq!(kind("k8s/web.yaml", "apiVersion: apps/v1\nkind: Deployment\n"), Some(Kind::Kubernetes));
        assert_eq!(kind("chart/templates/deploy.yaml", "kind: {{ .Values.kind }}\n"), Some(Kind::HelmTemplate));
        assert_eq!(kind("chart/values.yaml", "controller:\n  config: {}\n"), Some(Kind::HelmValues));
        assert_eq!(kind("mkdocs.yml", "site_name: x\n"), None);
        assert_eq!(kind("pool.conf", "[app]\nlisten = 9000\npm = dynamic\n"), Some(Kind::PhpFpm));
    }

    #[test]
    fn names() {
        assert!(is_candidate(Path::new("deploy/nginx.conf")));
        assert!(is_candidate(Path::new("etc/sites-enabled/default")));
        assert!(!is_candidate(Path::new("src/main.rs")));
        assert_eq!(classify(Path::new("nginx.conf"), "garbage {"), Some(Kind::Nginx));
        assert_eq!(classify(Path::new("supervisord.conf"), "[supervisord]\nnodaemon=true\n"), None);
    }
}
