//! Release numbers (`1.24.0`) and how users write them (`1.24`, image tags).

use std::fmt;

/// A three-part release number. Ordering is numeric, so stable and mainline
/// releases interleave (`1.28.3 < 1.29.0`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    pub major: u16,
    pub minor: u16,
    pub patch: u16,
}

impl Version {
    pub const fn new(major: u16, minor: u16, patch: u16) -> Self {
        Self { major, minor, patch }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// Why a version string was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    #[error("`{0}` is not a version: expected X.Y or X.Y.Z")]
    Malformed(String),
    #[error("`{0}` names a major version only: give X.Y or X.Y.Z")]
    MajorOnly(String),
    #[error("no known release matches `{0}`")]
    Unknown(String),
}

/// Reads a release written by the user for software whose every release
/// hoplint does not list (a backend server): `X.Y.Z`, or `X.Y` as `X.Y.0`;
/// `X` alone is an error.
pub fn resolve_release(text: &str) -> Result<Version, VersionError> {
    let parts = text.trim().trim_start_matches('v').split('.').count();
    let padded = if parts == 2 { format!("{}.0", text.trim()) } else { text.to_owned() };
    resolve(&padded, &[])
}

/// Resolves a user-written version: `X.Y.Z` is taken as is, `X.Y` means the
/// newest `X.Y.z` in `known`, `X` alone is an error (RULES.md "Versions").
/// `known` lists every release at which a table changes, so an `X.Y` with no
/// entry of its own behaves the same at any patch level: it resolves to `X.Y.0`
/// when it lies inside the known range.
pub fn resolve(text: &str, known: &[Version]) -> Result<Version, VersionError> {
    let trimmed = text.trim().trim_start_matches('v');
    let parts: Vec<&str> = trimmed.split('.').collect();
    let number = |s: &str| s.parse::<u16>().map_err(|_| VersionError::Malformed(text.to_owned()));
    match parts.as_slice() {
        [major, minor, patch] => Ok(Version::new(number(major)?, number(minor)?, number(patch)?)),
        [major, minor] => {
            let (major, minor) = (number(major)?, number(minor)?);
            let newest_patch = known.iter().filter(|v| v.major == major && v.minor == minor).max();
            let inside =
                |v: Version| known.first().is_some_and(|lo| *lo <= v) && known.last().is_some_and(|hi| v <= *hi);
            match newest_patch {
                Some(v) => Ok(*v),
                None if inside(Version::new(major, minor, 0)) => Ok(Version::new(major, minor, 0)),
                None => Err(VersionError::Unknown(text.to_owned())),
            }
        }
        [major] if number(major).is_ok() => Err(VersionError::MajorOnly(text.to_owned())),
        _ => Err(VersionError::Malformed(text.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: &[Version] = &[Version::new(1, 24, 0), Version::new(1, 26, 1), Version::new(1, 26, 3)];

    #[test]
    fn minor_means_newest_patch() {
        assert_eq!(resolve("1.26", KNOWN), Ok(Version::new(1, 26, 3)));
        assert_eq!(resolve("1.22.1", KNOWN), Ok(Version::new(1, 22, 1)));
        assert!(matches!(resolve("1", KNOWN), Err(VersionError::MajorOnly(_))));
        assert_eq!(resolve("1.25", KNOWN), Ok(Version::new(1, 25, 0)));
        assert!(matches!(resolve("1.99", KNOWN), Err(VersionError::Unknown(_))));
        assert!(matches!(resolve("one.two", KNOWN), Err(VersionError::Malformed(_))));
    }
}
