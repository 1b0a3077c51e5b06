//! Versions derived from image tags (RULES.md "Versions"): the nginx a
//! project runs, read from the nginx images its Dockerfiles, compose files
//! and Kubernetes workloads name.

use crate::knowledge::images::{ImageRef, Software, TagVersion, software};
use crate::knowledge::{self, Version, version};
use crate::model::compose::Compose;
use crate::model::dockerfile::{Base, Dockerfile};
use crate::model::k8s::Manifests;
use crate::source::{FileId, SourceFile};
use crate::span::Span;

/// An nginx version an image tag gives, and where the image is named.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageVersion {
    pub version: Version,
    /// `deploy/nginx/Dockerfile:1`.
    pub at: String,
    /// The image reference: `span` in `file`.
    pub file: FileId,
    pub span: Span,
}

/// Every nginx server image of the project whose tag gives a version, in
/// path order.
pub fn nginx_from_images(
    files: &[SourceFile],
    dockerfiles: &[Dockerfile],
    compose: &[Compose],
    manifests: &[Manifests],
) -> Vec<ImageVersion> {
    let mut images: Vec<(FileId, Span, &ImageRef)> = Vec::new();
    for dockerfile in dockerfiles {
        for stage in &dockerfile.stages {
            if let Base::Image(image) = &stage.base
                && let (Some(value), crate::model::setting::Origin::Explicit { span, .. }) =
                    (&image.value, &image.origin)
            {
                images.push((dockerfile.file, *span, value));
            }
        }
    }
    for file in compose {
        for service in &file.services {
            if let Some(image) = &service.image
                && let (Some(value), crate::model::setting::Origin::Explicit { span, .. }) =
                    (&image.value, &image.origin)
            {
                images.push((file.file, *span, value));
            }
        }
    }
    for file in manifests {
        for workload in file.objects.iter().filter_map(|o| o.workload()) {
            for container in &workload.pod.containers {
                if let Some(image) = &container.image {
                    images.push((file.file, image.span, &image.value));
                }
            }
        }
    }
    let mut out: Vec<(String, usize, ImageVersion)> = images
        .into_iter()
        .filter(|(_, _, image)| software(image) == Some(Software::Nginx))
        .filter_map(|(file, span, image)| {
            let source = &files[file.0 as usize];
            let line = source.lines.line(span.start);
            let version = nginx_version_of(image)?;
            let path = source.display_path();
            Some((path.clone(), line, ImageVersion { version, at: format!("{path}:{line}"), file, span }))
        })
        .collect();
    out.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    out.into_iter().map(|(_, _, v)| v).collect()
}

/// The nginx release an image tag names (RULES.md "Versions": `X.Y` → the
/// newest `X.Y.z` known, `latest`/`mainline` → newest mainline, `stable` or
/// a bare variant → newest stable; `X` alone or a digest → not derived).
fn nginx_version_of(image: &ImageRef) -> Option<Version> {
    let known = knowledge::nginx_known_versions();
    match image.tag_version() {
        TagVersion::Exact(v) => Some(v),
        TagVersion::Minor { major, minor } => version::resolve(&format!("{major}.{minor}"), known).ok(),
        TagVersion::NewestMainline => known.iter().copied().filter(|v| v.minor % 2 == 1).max(),
        TagVersion::NewestStable => Some(knowledge::nginx_newest_stable()),
        TagVersion::Major(_) | TagVersion::NotDerived => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(reference: &str) -> Option<Version> {
        nginx_version_of(&ImageRef::parse(reference).expect("a valid reference"))
    }

    #[test]
    fn tags_map_to_releases() {
        assert_eq!(of("nginx:1.24.0-alpine"), Some(Version::new(1, 24, 0)));
        assert_eq!(of("nginx:1.24-alpine").map(|v| (v.major, v.minor)), Some((1, 24)));
        assert_eq!(of("nginx:stable-alpine"), Some(knowledge::nginx_newest_stable()));
        assert_eq!(of("nginx"), Some(knowledge::nginx_newest_stable()));
        assert!(of("nginx:mainline").is_some_and(|v| v.minor % 2 == 1));
        assert_eq!(of("nginx:1"), None);
        assert_eq!(of("nginx@sha256:0123"), None);
        assert_eq!(of("openresty/openresty:1.21.4.1-alpine"), Some(Version::new(1, 21, 4)));
    }
}
