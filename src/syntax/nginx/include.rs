//! How an `include` argument names files (RULES.md "Resolution details",
//! Includes): stock files shipped with nginx, `/etc/nginx/` mapped onto the
//! project's nginx directory, globs as nginx's `glob(3)` call expands them.

use std::path::{Component, Path, PathBuf};

/// Files every nginx package ships; an include of one of them is never
/// reported when the repository does not hold it.
pub fn is_stock_file(pattern: &str) -> bool {
    let normalized = pattern.replace('\\', "/");
    let name = normalized.rsplit('/').next().unwrap_or(&normalized);
    matches!(name, "mime.types" | "fastcgi_params" | "fastcgi.conf" | "proxy_params" | "scgi_params" | "uwsgi_params")
        || name.starts_with("koi-")
        || name.starts_with("win-")
        || normalized.contains("modules-enabled/")
}

/// Whether nginx treats the argument as a glob (`ngx_conf_include`: a name
/// containing `*`, `?` or `[`).
pub fn is_glob(pattern: &str) -> bool {
    pattern.contains(['*', '?', '['])
}

/// Where an include argument points, before looking at the disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A path inside the project (may not exist).
    Inside(PathBuf),
    /// An absolute path that does not map into the project.
    Outside(PathBuf),
}

/// Maps an include argument to a path: relative names resolve against
/// `base` (the main config's directory, nginx's conf prefix); `/etc/nginx/X`
/// becomes `base/X`; other absolute paths stay as they are and are inside the
/// project only if they lie under `root`.
pub fn target(pattern: &str, base: &Path, root: &Path) -> Target {
    let path = Path::new(pattern);
    let joined = if let Ok(rest) = path.strip_prefix("/etc/nginx") {
        base.join(rest)
    } else if path.is_absolute() {
        path.to_path_buf()
    } else {
        base.join(path)
    };
    let normalized = normalize(&joined);
    if normalized.starts_with(normalize(root)) { Target::Inside(normalized) } else { Target::Outside(normalized) }
}

/// Removes `.` and resolves `..` lexically (no disk access, no symlinks).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// Expands a glob the way `glob(3)` does with no flags: each path component
/// may hold `*`, `?` and `[…]`; hidden files match only an explicit leading
/// dot; results are sorted. Only regular files are returned.
pub fn expand_glob(pattern: &Path) -> Vec<PathBuf> {
    let mut current: Vec<PathBuf> = vec![PathBuf::new()];
    let components: Vec<Component> = pattern.components().collect();
    for (index, component) in components.iter().enumerate() {
        let last = index + 1 == components.len();
        let text = component.as_os_str().to_string_lossy();
        let mut next = Vec::new();
        for dir in &current {
            if !is_glob(&text) {
                next.push(dir.join(component.as_os_str()));
                continue;
            }
            let Ok(matcher) = globset::GlobBuilder::new(&text).literal_separator(true).build() else {
                continue;
            };
            let matcher = matcher.compile_matcher();
            let listing = if dir.as_os_str().is_empty() { Path::new(".") } else { dir.as_path() };
            let Ok(entries) = std::fs::read_dir(listing) else {
                continue;
            };
            let mut names: Vec<_> = entries
                .filter_map(Result::ok)
                .map(|e| e.file_name())
                .filter(|n| {
                    let name = n.to_string_lossy();
                    (!name.starts_with('.') || text.starts_with('.')) && matcher.is_match(&*name)
                })
                .collect();
            names.sort();
            next.extend(names.into_iter().map(|n| dir.join(n)));
        }
        if !last {
            next.retain(|p| p.is_dir());
        }
        current = next;
    }
    current.retain(|p| p.is_file());
    current
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stock_files() {
        assert!(is_stock_file("mime.types"));
        assert!(is_stock_file("/etc/nginx/fastcgi_params"));
        assert!(is_stock_file("/etc/nginx/modules-enabled/*.conf"));
        assert!(is_stock_file("koi-utf"));
        assert!(!is_stock_file("conf.d/*.conf"));
    }

    #[test]
    fn etc_nginx_maps_onto_base() {
        let root = Path::new("/repo");
        let base = Path::new("/repo/deploy/nginx");
        assert_eq!(
            target("/etc/nginx/conf.d/a.conf", base, root),
            Target::Inside("/repo/deploy/nginx/conf.d/a.conf".into())
        );
        assert_eq!(target("snippets/../b.conf", base, root), Target::Inside("/repo/deploy/nginx/b.conf".into()));
        assert_eq!(target("/usr/share/nginx/x.conf", base, root), Target::Outside("/usr/share/nginx/x.conf".into()));
        assert_eq!(target("../../../etc/x", base, root), Target::Outside("/etc/x".into()));
    }

    #[test]
    fn globs_expand_sorted() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["b.conf", "a.conf", ".hidden.conf", "c.txt"] {
            std::fs::write(dir.path().join(name), "").unwrap();
        }
        let found = expand_glob(&dir.path().join("*.conf"));
        let names: Vec<_> = found.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
        assert_eq!(names, ["a.conf", "b.conf"]);
    }
}
