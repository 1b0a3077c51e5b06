//! What kind of configuration a file holds: by name first, then by content.

use std::path::Path;

use crate::knowledge::nginx_directives;
use crate::syntax::nginx;

/// A format hoplint reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Nginx,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Nginx => "nginx",
        }
    }
}

/// Directories whose files are nginx configuration whatever their names.
const NGINX_DIRS: &[&str] = &["sites-enabled", "sites-available", "snippets", "conf.d", "http.d", "stream.d", "nginx"];

/// Whether a file found in a directory walk may hold a format hoplint reads
/// (decided by name only, so unrelated files are never read).
#[allow(clippy::case_sensitive_file_extension_comparisons)] // the name is lowercased first
pub fn is_candidate(path: &Path) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
    let in_nginx_dir =
        path.parent().and_then(Path::file_name).is_some_and(|d| NGINX_DIRS.contains(&d.to_string_lossy().as_ref()));
    let container = name.starts_with("dockerfile")
        || name.ends_with(".dockerfile")
        || name.contains("compose") && (name.ends_with(".yml") || name.ends_with(".yaml"));
    name.contains("nginx")
        || container
        || in_nginx_dir && !name.ends_with(".md")
        || [".conf", ".vhost", ".conf.template", ".conf.tmpl", ".conf.j2"].iter().any(|ext| name.ends_with(ext))
}

/// The kind of a file, or `None` when hoplint does not read it. Nginx is
/// recognised by name (`nginx.conf`, `*.nginx`, files in `sites-enabled/`…)
/// or, for other `.conf` files, by content: most of its directives must be
/// nginx directives. A file named on the command line is sniffed whatever
/// its name.
#[allow(clippy::case_sensitive_file_extension_comparisons)] // the name is lowercased first
pub fn classify(path: &Path, text: &str) -> Option<Kind> {
    let name = path.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
    let strong_name = name.starts_with("nginx") && (name.contains(".conf") || !name.contains('.'))
        || name.ends_with(".nginx")
        || name.ends_with(".nginxconf");
    if strong_name || looks_like_nginx(text) {
        return Some(Kind::Nginx);
    }
    None
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
    fn names() {
        assert!(is_candidate(Path::new("deploy/nginx.conf")));
        assert!(is_candidate(Path::new("etc/sites-enabled/default")));
        assert!(!is_candidate(Path::new("src/main.rs")));
        assert_eq!(classify(Path::new("nginx.conf"), "garbage {"), Some(Kind::Nginx));
        assert_eq!(classify(Path::new("supervisord.conf"), "[supervisord]\nnodaemon=true\n"), None);
    }
}
