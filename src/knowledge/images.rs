//! Container images: how a reference is written, and what hoplint knows of
//! the images a hop may run (RULES.md "Values and versions → Images"): the
//! stop signal a base image hands down, whether it has a shell, which server
//! it runs, and the version its tag names.

use std::fmt;

use crate::knowledge::Version;

/// An image reference, `[registry/]repository[:tag][@digest]`, with Docker
/// Hub's spellings folded: `docker.io/library/nginx` is `nginx`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ImageRef {
    /// `None` for Docker Hub.
    pub registry: Option<String>,
    /// `nginx`, `nginxinc/nginx-unprivileged`, `ingress-nginx/controller`.
    pub repository: String,
    pub tag: Option<String>,
    /// `sha256:…`.
    pub digest: Option<String>,
}

/// Registry names that mean Docker Hub.
const DOCKER_HUB: [&str; 3] = ["docker.io", "index.docker.io", "registry-1.docker.io"];

impl ImageRef {
    /// Reads a reference as Docker does (distribution/reference
    /// `ParseNormalizedNamed`): the first path component is a registry when
    /// it has a `.` or `:`, is `localhost`, or has upper-case letters. `None`
    /// for text that is not a reference (empty, blanks, unexpanded `$VAR`,
    /// an empty tag).
    pub fn parse(text: &str) -> Option<ImageRef> {
        let text = text.trim();
        let valid_chars = |s: &str| {
            !s.is_empty()
                && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/' | ':' | '@'))
        };
        if !valid_chars(text) {
            return None;
        }
        let (name, digest) = match text.split_once('@') {
            Some((name, digest)) if digest.contains(':') && !digest.contains('@') => (name, Some(digest.to_owned())),
            Some(_) => return None,
            None => (text, None),
        };
        let last_slash = name.rfind('/').map_or(0, |i| i + 1);
        let (path, tag) = match name[last_slash..].rfind(':') {
            Some(i) => (&name[..last_slash + i], Some(name[last_slash + i + 1..].to_owned())),
            None => (name, None),
        };
        if tag.as_deref().is_some_and(|t| t.is_empty() || t.contains('/')) {
            return None;
        }
        let (registry, repository) = match path.split_once('/') {
            Some((first, rest))
                if first.contains(['.', ':']) || first == "localhost" || first.chars().any(char::is_uppercase) =>
            {
                (Some(first.to_owned()), rest)
            }
            _ => (None, path),
        };
        let registry = registry.filter(|r| !DOCKER_HUB.contains(&r.as_str()));
        let repository = match &registry {
            None => repository.strip_prefix("library/").unwrap_or(repository),
            Some(_) => repository,
        };
        if repository.is_empty() || repository.contains(':') || repository.split('/').any(str::is_empty) {
            return None;
        }
        Some(ImageRef { registry, repository: repository.to_owned(), tag, digest })
    }

    /// `registry/repository`, or the repository alone on Docker Hub.
    pub fn name(&self) -> String {
        match &self.registry {
            Some(registry) => format!("{registry}/{}", self.repository),
            None => self.repository.clone(),
        }
    }

    /// `FROM scratch`: the empty image, no base at all.
    pub fn is_scratch(&self) -> bool {
        self.registry.is_none() && self.repository == "scratch"
    }

    /// What the tag says about the version of the image's software.
    pub fn tag_version(&self) -> TagVersion {
        match (&self.tag, &self.digest) {
            (Some(tag), _) => version_from_tag(tag),
            // RULES.md "Versions": no tag → newest stable (Docker itself
            // pulls `latest`, a mainline tag for the official nginx image).
            (None, None) => TagVersion::NewestStable,
            (None, Some(_)) => TagVersion::NotDerived,
        }
    }

    fn tag_contains(&self, word: &str) -> bool {
        self.tag.as_deref().is_some_and(|t| t.contains(word))
    }
}

impl fmt::Display for ImageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())?;
        if let Some(tag) = &self.tag {
            write!(f, ":{tag}")?;
        }
        if let Some(digest) = &self.digest {
            write!(f, "@{digest}")?;
        }
        Ok(())
    }
}

/// What an image tag says about the version of the software it ships
/// (RULES.md "Versions": image tags map).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TagVersion {
    /// `1.24.0`, `1.24.0-alpine`, `v1.9.4`.
    Exact(Version),
    /// `1.27`, `8.2-fpm`: the newest `X.Y.z`.
    Minor { major: u16, minor: u16 },
    /// `22`, `1-alpine`: the newest `X.y.z`.
    Major(u16),
    /// `latest`, `mainline`, `mainline-alpine`.
    NewestMainline,
    /// `stable`, `stable-alpine`, a bare variant (`alpine`, `bookworm`), or
    /// no tag.
    NewestStable,
    /// A digest without a tag, or a number too large to be a release.
    NotDerived,
}

/// Reads the version in a tag: leading numbers (an optional `v`, up to
/// three dot-separated parts) before the variant (`-alpine`, `-fpm`). A
/// fourth number is dropped: OpenResty numbers its releases after the nginx
/// core they bundle plus a patch of its own (`1.21.4.1` ships nginx 1.21.4;
/// openresty.org/en/download.html).
///
/// RULES.md maps bare variants to the newest *stable* release. For the
/// official nginx image this differs from Docker Hub, where `alpine`,
/// `perl` and `latest` are mainline tags (docker-library/official-images
/// `library/nginx`); hoplint follows RULES.md.
pub fn version_from_tag(tag: &str) -> TagVersion {
    let lower = tag.to_ascii_lowercase();
    if lower == "latest" || lower.starts_with("mainline") {
        return TagVersion::NewestMainline;
    }
    let unprefixed = lower.strip_prefix('v').filter(|rest| rest.starts_with(|c: char| c.is_ascii_digit()));
    let numbers = unprefixed.unwrap_or(&lower);
    if !numbers.starts_with(|c: char| c.is_ascii_digit()) {
        return TagVersion::NewestStable;
    }
    let end = numbers.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(numbers.len());
    let mut parts = Vec::new();
    for part in numbers[..end].split('.').filter(|p| !p.is_empty()) {
        match part.parse::<u16>() {
            Ok(n) => parts.push(n),
            Err(_) => return TagVersion::NotDerived,
        }
    }
    match parts.as_slice() {
        [major] => TagVersion::Major(*major),
        [major, minor] => TagVersion::Minor { major: *major, minor: *minor },
        [major, minor, patch, ..] => TagVersion::Exact(Version::new(*major, *minor, *patch)),
        [] => TagVersion::NotDerived,
    }
}

/// The main program an image is built to run, for the images hoplint knows
/// (RULES.md "Images"; the official images' default commands).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Software {
    /// An nginx server: `nginx`, `nginxinc/nginx-unprivileged`,
    /// `bitnami/nginx`, `openresty/openresty`.
    Nginx,
    /// The ingress-nginx controller (dumb-init → the controller).
    IngressNginxController,
    /// `php:*fpm*`, `bitnami/php-fpm`.
    PhpFpm,
    /// `httpd`, `php:*apache*`.
    Httpd,
    /// `tomcat`, `bitnami/tomcat`.
    Tomcat,
    /// `node`: the runtime, whatever server the app starts.
    Node,
    /// `python`: the runtime; the server is in the command.
    Python,
    /// `ruby`: the runtime; the server is in the command.
    Ruby,
}

/// The nginx server images (RULES.md "Images").
const NGINX_IMAGES: [&str; 4] = ["nginx", "nginxinc/nginx-unprivileged", "bitnami/nginx", "openresty/openresty"];

/// The ingress-nginx controller images (RULES.md "Images").
const INGRESS_NGINX_IMAGES: [&str; 3] = [
    "registry.k8s.io/ingress-nginx/controller",
    "k8s.gcr.io/ingress-nginx/controller",
    "quay.io/kubernetes-ingress-controller/nginx-ingress-controller",
];

/// What `image` runs, when hoplint knows the image.
pub fn software(image: &ImageRef) -> Option<Software> {
    let name = image.name();
    let software = match name.as_str() {
        n if NGINX_IMAGES.contains(&n) => Software::Nginx,
        n if INGRESS_NGINX_IMAGES.contains(&n) => Software::IngressNginxController,
        "php" if image.tag_contains("fpm") => Software::PhpFpm,
        "php" if image.tag_contains("apache") => Software::Httpd,
        "bitnami/php-fpm" => Software::PhpFpm,
        "httpd" => Software::Httpd,
        "tomcat" | "bitnami/tomcat" => Software::Tomcat,
        "node" => Software::Node,
        "python" => Software::Python,
        "ruby" => Software::Ruby,
        _ => return None,
    };
    Some(software)
}

/// Docker's stop signal for an image that sets none (moby
/// `daemon/container.go` `defaultStopSignal`).
pub const DOCKER_DEFAULT_STOP_SIGNAL: &str = "SIGTERM";

/// The first official nginx release whose image sets `STOPSIGNAL SIGQUIT`
/// (nginxinc/docker-nginx commit 3fb70dd, 2020-11-24, "Use SIGQUIT instead
/// of SIGTERM"; facts §0).
const NGINX_SIGQUIT_SINCE: Version = Version::new(1, 19, 5);

/// The stop signal an image hands down, as far as hoplint knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InheritedSignal {
    /// `what` names the image, its release and the source of the fact.
    Known {
        signal: &'static str,
        what: String,
    },
    Unknown {
        reason: String,
    },
}

/// The stop signal `image` hands down to a container or a stage built on it
/// when nothing sets one (RULES.md "Images"; facts §0, §A7): SIGQUIT for the
/// official `nginx` ≥ 1.19.5 and `php:*fpm*`, SIGWINCH for `httpd` and
/// `php:*apache*`, unknown for other nginx server images and for official
/// nginx tags before 1.19.5 (some were rebuilt), Docker's SIGTERM otherwise.
pub fn inherited_stop_signal(image: &ImageRef) -> InheritedSignal {
    let written = image.to_string();
    let known = |signal: &'static str, what: String| InheritedSignal::Known { signal, what };
    match software(image) {
        _ if image.is_scratch() => {
            known(DOCKER_DEFAULT_STOP_SIGNAL, "Docker default stop signal (`scratch` sets none)".to_owned())
        }
        Some(Software::Nginx) if image.name() == "nginx" => nginx_stop_signal(image),
        Some(Software::Nginx) => InheritedSignal::Unknown {
            reason: format!(
                "the stop signal of `{written}` is not known to hoplint (only the official nginx image's is)"
            ),
        },
        Some(Software::PhpFpm) if image.name() == "php" => known(
            "SIGQUIT",
            format!("official php fpm image STOPSIGNAL (`{written}`; docker-library/php commit e21810a0)"),
        ),
        Some(Software::Httpd) => known(
            "SIGWINCH",
            format!("official httpd/php apache image STOPSIGNAL (`{written}`; docker-library/httpd commit 3ebff8d)"),
        ),
        _ => known(DOCKER_DEFAULT_STOP_SIGNAL, format!("Docker default stop signal (`{written}` sets none known)")),
    }
}

/// The official nginx image's signal by the release its tag names.
fn nginx_stop_signal(image: &ImageRef) -> InheritedSignal {
    let written = image.to_string();
    let sigquit = |release: String| InheritedSignal::Known {
        signal: "SIGQUIT",
        what: format!("official nginx image {release} STOPSIGNAL (SIGQUIT since 1.19.5, docker-nginx commit 3fb70dd)"),
    };
    let since = NGINX_SIGQUIT_SINCE;
    match image.tag_version() {
        TagVersion::Exact(v) if v >= since => sigquit(v.to_string()),
        // An `X.Y` tag now points at its newest patch release.
        TagVersion::Minor { major, minor } if (major, minor) >= (since.major, since.minor) => {
            sigquit(format!("{major}.{minor}"))
        }
        TagVersion::Major(major) if major == since.major => sigquit(format!("{major}")),
        TagVersion::NewestMainline | TagVersion::NewestStable => sigquit(format!("`{written}`")),
        TagVersion::NotDerived => InheritedSignal::Unknown {
            reason: format!("`{written}` names no nginx release, so its stop signal is unknown"),
        },
        _ => InheritedSignal::Unknown {
            reason: format!(
                "official nginx images before 1.19.5 used SIGTERM and some were rebuilt with SIGQUIT: the stop signal of `{written}` is unknown"
            ),
        },
    }
}

/// Whether `image` has a shell (and so `sleep`, `sh -c`): not the
/// distroless images (except their `debug` tags), `cgr.dev/chainguard/
/// static`, tags ending `-distroless`, or `scratch` (RULES.md "Images";
/// facts §B, KEP-3960).
pub fn has_shell(image: &ImageRef) -> bool {
    let distroless = image.registry.as_deref() == Some("gcr.io") && image.repository.starts_with("distroless/");
    let debug_tag = image.tag.as_deref().is_some_and(|t| t.split('-').any(|part| part == "debug"));
    let chainguard_static = image.name() == "cgr.dev/chainguard/static";
    let distroless_tag = image.tag.as_deref().is_some_and(|t| t.ends_with("-distroless"));
    !(distroless && !debug_tag || chainguard_static || distroless_tag || image.is_scratch())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(text: &str) -> ImageRef {
        ImageRef::parse(text).unwrap_or_else(|| panic!("{text} parses"))
    }

    fn signal(text: &str) -> Option<&'static str> {
        match inherited_stop_signal(&image(text)) {
            InheritedSignal::Known { signal, .. } => Some(signal),
            InheritedSignal::Unknown { .. } => None,
        }
    }

    #[test]
    fn references() {
        let nginx = image("docker.io/library/nginx:1.25-alpine");
        assert_eq!((nginx.registry.as_deref(), nginx.repository.as_str()), (None, "nginx"));
        assert_eq!(nginx.tag.as_deref(), Some("1.25-alpine"));
        let controller = image("registry.k8s.io/ingress-nginx/controller:v1.9.4@sha256:abc");
        assert_eq!(controller.registry.as_deref(), Some("registry.k8s.io"));
        assert_eq!(controller.repository, "ingress-nginx/controller");
        assert_eq!(controller.tag.as_deref(), Some("v1.9.4"));
        assert_eq!(controller.digest.as_deref(), Some("sha256:abc"));
        let local = image("localhost:5000/app");
        assert_eq!((local.registry.as_deref(), local.tag.as_deref()), (Some("localhost:5000"), None));
        assert_eq!(image("nginxinc/nginx-unprivileged").name(), "nginxinc/nginx-unprivileged");
        assert_eq!(image("nginx:1.25").to_string(), "nginx:1.25");
        assert_eq!(ImageRef::parse("${BASE_IMAGE}"), None);
        assert_eq!(ImageRef::parse("nginx:"), None);
        assert_eq!(ImageRef::parse(""), None);
        assert_eq!(ImageRef::parse("a b"), None);
    }

    #[test]
    fn tag_versions() {
        assert_eq!(version_from_tag("1.24.0-alpine"), TagVersion::Exact(Version::new(1, 24, 0)));
        assert_eq!(version_from_tag("1.27"), TagVersion::Minor { major: 1, minor: 27 });
        assert_eq!(version_from_tag("8.2-fpm"), TagVersion::Minor { major: 8, minor: 2 });
        assert_eq!(version_from_tag("22"), TagVersion::Major(22));
        assert_eq!(version_from_tag("v1.9.4"), TagVersion::Exact(Version::new(1, 9, 4)));
        assert_eq!(version_from_tag("1.21.4.1-0-jammy"), TagVersion::Exact(Version::new(1, 21, 4)));
        assert_eq!(version_from_tag("latest"), TagVersion::NewestMainline);
        assert_eq!(version_from_tag("mainline-alpine"), TagVersion::NewestMainline);
        assert_eq!(version_from_tag("stable-alpine"), TagVersion::NewestStable);
        assert_eq!(version_from_tag("alpine"), TagVersion::NewestStable);
        assert_eq!(version_from_tag("bookworm"), TagVersion::NewestStable);
        assert_eq!(version_from_tag("20230101"), TagVersion::NotDerived);
        assert_eq!(image("nginx").tag_version(), TagVersion::NewestStable);
        assert_eq!(image("nginx@sha256:abc").tag_version(), TagVersion::NotDerived);
    }

    #[test]
    fn inherited_stop_signals() {
        assert_eq!(signal("nginx:1.25-alpine"), Some("SIGQUIT"));
        assert_eq!(signal("nginx:1.19.5"), Some("SIGQUIT"));
        assert_eq!(signal("nginx:1.19"), Some("SIGQUIT"));
        assert_eq!(signal("nginx"), Some("SIGQUIT"));
        assert_eq!(signal("nginx:stable-alpine"), Some("SIGQUIT"));
        assert_eq!(signal("nginx:1.18.0"), None);
        assert_eq!(signal("nginx:1.17"), None);
        assert_eq!(signal("nginx@sha256:abc"), None);
        assert_eq!(signal("php:8.2-fpm"), Some("SIGQUIT"));
        assert_eq!(signal("php:8.3-fpm-alpine"), Some("SIGQUIT"));
        assert_eq!(signal("php:8.2-apache"), Some("SIGWINCH"));
        assert_eq!(signal("httpd:2.4"), Some("SIGWINCH"));
        assert_eq!(signal("php:8.2-cli"), Some("SIGTERM"));
        assert_eq!(signal("nginxinc/nginx-unprivileged:1.25"), None);
        assert_eq!(signal("bitnami/nginx:1.25"), None);
        assert_eq!(signal("openresty/openresty:alpine"), None);
        assert_eq!(signal("python:3.12-slim"), Some("SIGTERM"));
        assert_eq!(signal("scratch"), Some("SIGTERM"));
        let nginx = inherited_stop_signal(&image("nginx:1.25-alpine"));
        assert!(matches!(nginx, InheritedSignal::Known { ref what, .. } if what.contains("3fb70dd")), "{nginx:?}");
    }

    #[test]
    fn shells() {
        assert!(!has_shell(&image("gcr.io/distroless/static:nonroot")));
        assert!(!has_shell(&image("gcr.io/distroless/python3-debian12")));
        assert!(has_shell(&image("gcr.io/distroless/base:debug")));
        assert!(has_shell(&image("gcr.io/distroless/base:debug-nonroot")));
        assert!(!has_shell(&image("cgr.dev/chainguard/static:latest")));
        assert!(!has_shell(&image("example/app:1.0-distroless")));
        assert!(!has_shell(&image("scratch")));
        assert!(has_shell(&image("alpine:3.20")));
    }

    #[test]
    fn software_of_images() {
        assert_eq!(software(&image("nginx:1.25")), Some(Software::Nginx));
        assert_eq!(software(&image("openresty/openresty:alpine")), Some(Software::Nginx));
        assert_eq!(
            software(&image("registry.k8s.io/ingress-nginx/controller:v1.11.3")),
            Some(Software::IngressNginxController)
        );
        assert_eq!(software(&image("php:8.2-fpm")), Some(Software::PhpFpm));
        assert_eq!(software(&image("php:8.2-apache")), Some(Software::Httpd));
        assert_eq!(software(&image("php:8.2-cli")), None);
        assert_eq!(software(&image("tomcat:9.0.80-jdk17")), Some(Software::Tomcat));
        assert_eq!(software(&image("node:22-alpine")), Some(Software::Node));
        assert_eq!(software(&image("python:3.12")), Some(Software::Python));
        assert_eq!(software(&image("alpine")), None);
    }
}
