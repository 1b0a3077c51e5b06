//! Which controller release a hop's defaults come from: the declared
//! version (command line, hoplint.toml), else the image tag, else the
//! newest release known (with a note; RULES.md "Versions").

use crate::knowledge::version::Version;
use crate::model::ingress_nginx::IngressNginxNote;
use crate::model::k8s::{ImageRef, Spanned};
use crate::model::setting::Setting;
use crate::source::FileId;
use crate::span::Span;

/// The newest controller release known, assumed when nothing declares one
/// (RULES.md "Newest stable known"; the last release, facts
/// nginx-ingress-facts.md §7).
pub const NEWEST_KNOWN: Version = Version::new(1, 15, 1);

/// The controller version of an image tag: `v1.9.4` → 1.9.4, `0.30.0`,
/// `0.9.0-beta.15` → 0.9.0. Other tags (`latest`, `dev`, `${TAG}`) → `None`.
pub fn version_from_tag(tag: &str) -> Option<Version> {
    let release = tag.strip_prefix('v').unwrap_or(tag);
    let release = release.split_once('-').map_or(release, |(numbers, _)| numbers);
    let mut parts = release.split('.').map(|p| p.parse::<u16>().ok());
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(Some(major)), Some(Some(minor)), Some(Some(patch)), None) => Some(Version::new(major, minor, patch)),
        _ => None,
    }
}

/// The version a hop uses, and the hop's `software_version`.
pub(super) struct ResolvedVersion {
    pub version: Version,
    pub setting: Setting<String>,
}

/// Why the files give no version, and where to point the note.
pub(super) struct NoVersion {
    pub file: FileId,
    pub span: Span,
    pub why: String,
}

/// The version written in the files (a release tag), where it is written.
pub(super) fn from_tag(tag: &Spanned<String>, file: FileId) -> Option<ResolvedVersion> {
    let version = version_from_tag(&tag.value)?;
    Some(ResolvedVersion { version, setting: Setting::explicit(version.to_string(), file, tag.span) })
}

/// The version of a controller image (the whole image reference is the span).
pub(super) fn from_image(image: &Spanned<ImageRef>, file: FileId) -> Result<ResolvedVersion, NoVersion> {
    match image.value.tag.as_deref().and_then(version_from_tag) {
        Some(version) => {
            Ok(ResolvedVersion { version, setting: Setting::explicit(version.to_string(), file, image.span) })
        }
        None => {
            Err(NoVersion { file, span: image.span, why: format!("image `{}` has no version tag", image.value.name()) })
        }
    }
}

/// Declared, else `found`, else the newest known (noted).
pub(super) fn resolve(
    declared: Option<&Setting<Version>>,
    found: Result<ResolvedVersion, NoVersion>,
    notes: &mut Vec<IngressNginxNote>,
) -> ResolvedVersion {
    if let Some(&Setting { value: Some(version), ref origin }) = declared {
        return ResolvedVersion {
            version,
            setting: Setting { value: Some(version.to_string()), origin: origin.clone() },
        };
    }
    found.unwrap_or_else(|missing| {
        notes.push(IngressNginxNote {
            file: missing.file,
            span: missing.span,
            message: format!("ingress-nginx version assumed: {NEWEST_KNOWN} (newest known; {})", missing.why),
        });
        ResolvedVersion {
            version: NEWEST_KNOWN,
            setting: Setting::default(
                NEWEST_KNOWN.to_string(),
                format!("ingress-nginx {NEWEST_KNOWN}, newest known (assumed)"),
            ),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_from_tags() {
        assert_eq!(version_from_tag("v1.9.4"), Some(Version::new(1, 9, 4)));
        assert_eq!(version_from_tag("0.30.0"), Some(Version::new(0, 30, 0)));
        assert_eq!(version_from_tag("0.9.0-beta.15"), Some(Version::new(0, 9, 0)));
        assert_eq!(version_from_tag("dev"), None);
        assert_eq!(version_from_tag("v1.9"), None);
        assert_eq!(version_from_tag("${TAG}"), None);
    }

    #[test]
    fn declared_then_files_then_newest() {
        let file = FileId(3);
        let tag = Spanned { value: "v1.9.4".to_owned(), span: Span::new(1, 7) };
        let missing = || NoVersion { file, span: Span::new(0, 1), why: "test".to_owned() };
        let mut notes = Vec::new();
        let declared = Setting::default(Version::new(1, 11, 3), "--ingress-nginx-version");
        let resolved = resolve(Some(&declared), from_tag(&tag, file).ok_or_else(missing), &mut notes);
        assert_eq!(resolved.version, Version::new(1, 11, 3));
        let resolved = resolve(None, from_tag(&tag, file).ok_or_else(missing), &mut notes);
        assert_eq!(resolved.setting, Setting::explicit("1.9.4".to_owned(), file, Span::new(1, 7)));
        assert!(notes.is_empty());
        assert_eq!(resolve(None, Err(missing()), &mut notes).version, NEWEST_KNOWN);
        assert_eq!(notes[0].message, "ingress-nginx version assumed: 1.15.1 (newest known; test)");
    }
}
