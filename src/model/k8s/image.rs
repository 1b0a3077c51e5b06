//! Container image references: `[registry/]repository[:tag][@digest]`, read
//! like the distribution reference grammar (`distribution/reference`): the
//! first path component is a registry when it has a `.` or a `:` or is
//! `localhost`; the tag follows the last `:` of the last component.

/// A parsed image reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef {
    /// The reference as written.
    pub text: String,
    /// `registry.k8s.io`, `quay.io`, `localhost:5000`; `None` for Docker Hub.
    pub registry: Option<String>,
    /// The path without the registry: `ingress-nginx/controller`, `nginx`.
    pub repository: String,
    pub tag: Option<String>,
    /// `sha256:…`.
    pub digest: Option<String>,
}

impl ImageRef {
    /// Parses a reference; `None` for an empty one.
    pub fn parse(text: &str) -> Option<ImageRef> {
        let trimmed = text.trim();
        let (name_tag, digest) = match trimmed.split_once('@') {
            Some((name_tag, digest)) => (name_tag, Some(digest.to_owned())),
            None => (trimmed, None),
        };
        let last_slash = name_tag.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match name_tag[last_slash..].rfind(':') {
            Some(colon) => (&name_tag[..last_slash + colon], Some(name_tag[last_slash + colon + 1..].to_owned())),
            None => (name_tag, None),
        };
        let (registry, repository) = match name.split_once('/') {
            Some((first, rest)) if first.contains(['.', ':']) || first == "localhost" => {
                (Some(first.to_owned()), rest.to_owned())
            }
            _ => (None, name.to_owned()),
        };
        if repository.is_empty() {
            return None;
        }
        Some(ImageRef { text: trimmed.to_owned(), registry, repository, tag: tag.filter(|t| !t.is_empty()), digest })
    }

    /// `registry/repository` (just the repository for Docker Hub).
    pub fn name(&self) -> String {
        match &self.registry {
            Some(registry) => format!("{registry}/{}", self.repository),
            None => self.repository.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_repository_tag_digest() {
        let image =
            ImageRef::parse("registry.k8s.io/ingress-nginx/controller:v1.11.3@sha256:d56f135b6462cfc476447cfe564b83a45e8bb7da2774963b00d12161112270b7")
                .unwrap();
        assert_eq!(image.registry.as_deref(), Some("registry.k8s.io"));
        assert_eq!(image.repository, "ingress-nginx/controller");
        assert_eq!(image.tag.as_deref(), Some("v1.11.3"));
        assert!(image.digest.as_deref().unwrap().starts_with("sha256:d56f"));
        assert_eq!(image.name(), "registry.k8s.io/ingress-nginx/controller");
    }

    #[test]
    fn hub_images_ports_and_no_tags() {
        let nginx = ImageRef::parse("nginx:1.27-alpine").unwrap();
        assert_eq!(
            (nginx.registry, nginx.repository.as_str(), nginx.tag.as_deref()),
            (None, "nginx", Some("1.27-alpine"))
        );
        let local = ImageRef::parse("localhost:5000/app").unwrap();
        assert_eq!((local.registry.as_deref(), local.tag), (Some("localhost:5000"), None));
        let org = ImageRef::parse("bitnami/nginx").unwrap();
        assert_eq!((org.registry, org.repository.as_str()), (None, "bitnami/nginx"));
        let digest_only = ImageRef::parse("app@sha256:abc").unwrap();
        assert_eq!((digest_only.tag, digest_only.digest.as_deref()), (None, Some("sha256:abc")));
        assert!(ImageRef::parse("").is_none());
    }
}
