//! Walks the paths given on the command line: gitignore-aware, parallel,
//! safe against symlink loops. Anything that cannot be read becomes an
//! [`Unreadable`] entry (reported as HL005), never a fatal error.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

use super::{Discovered, PathError, Unreadable, classify};

/// Default cap on one file's size (DESIGN.md "Reliability": 64 MB).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// Walks `paths` and reads every file that may be configuration. Paths named
/// explicitly are always read; files found inside directories are read when
/// their name suggests a format hoplint knows ([`classify::is_candidate`]) or
/// `wanted` says so (files whose kind `hoplint.toml` forces).
pub fn discover(
    paths: &[PathBuf],
    max_size: u64,
    wanted: &(dyn Fn(&Path) -> bool + Sync),
) -> (Discovered, Vec<PathError>) {
    let mut errors = Vec::new();
    let mut found: Vec<PathBuf> = Vec::new();
    let unreadable = Mutex::new(Vec::new());
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => walk(path, &mut found, &unreadable, wanted),
            Ok(_) => found.push(path.clone()),
            Err(err) => errors.push(PathError { path: path.clone(), reason: describe_io(&err) }),
        }
    }
    found.sort();
    found.dedup();
    let read: Vec<Result<(PathBuf, Vec<u8>), Unreadable>> =
        found.into_par_iter().map(|p| read_capped(p, max_size)).collect();
    let mut unreadable = unreadable.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut files = Vec::new();
    for entry in read {
        match entry {
            Ok(file) => files.push(file),
            Err(u) => unreadable.push(u),
        }
    }
    unreadable.sort_by(|a, b| a.path.cmp(&b.path));
    unreadable.dedup_by(|a, b| a.path == b.path);
    (Discovered { files, unreadable }, errors)
}

fn walk(
    root: &Path,
    found: &mut Vec<PathBuf>,
    unreadable: &Mutex<Vec<Unreadable>>,
    wanted: &(dyn Fn(&Path) -> bool + Sync),
) {
    let candidates = Mutex::new(Vec::new());
    ignore::WalkBuilder::new(root).follow_links(true).require_git(false).build_parallel().run(|| {
        Box::new(|entry| {
            match entry {
                Ok(entry) => {
                    let is_file = entry.file_type().is_some_and(|t| t.is_file());
                    if is_file && (classify::is_candidate(entry.path()) || wanted(entry.path())) {
                        lock(&candidates).push(entry.into_path());
                    }
                }
                Err(err) => lock(unreadable).push(unreadable_from(&err, root)),
            }
            ignore::WalkState::Continue
        })
    });
    found.extend(candidates.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner));
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Turns a walk error into a finding on the path it concerns.
fn unreadable_from(err: &ignore::Error, root: &Path) -> Unreadable {
    fn path_of(err: &ignore::Error) -> Option<PathBuf> {
        match err {
            ignore::Error::WithPath { path, .. } => Some(path.clone()),
            ignore::Error::Loop { child, .. } => Some(child.clone()),
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => path_of(err),
            ignore::Error::Partial(errs) => errs.iter().find_map(path_of),
            _ => None,
        }
    }
    fn reason_of(err: &ignore::Error) -> String {
        match err {
            ignore::Error::WithPath { err, .. }
            | ignore::Error::WithDepth { err, .. }
            | ignore::Error::WithLineNumber { err, .. } => reason_of(err),
            ignore::Error::Loop { ancestor, .. } => {
                format!("symbolic link loop: points back to {}", super::display_path(ancestor))
            }
            ignore::Error::Io(io) => describe_io(io),
            other => other.to_string(),
        }
    }
    let path = path_of(err).unwrap_or_else(|| root.to_path_buf());
    let dangling = path.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink()) && !path.exists();
    let reason = if dangling || reason_of(err).contains("No such file or directory") {
        "dangling symbolic link: its target does not exist".to_owned()
    } else {
        reason_of(err)
    };
    Unreadable { path, reason }
}

/// Reads a file unless it is over `max_size` bytes.
fn read_capped(path: PathBuf, max_size: u64) -> Result<(PathBuf, Vec<u8>), Unreadable> {
    let fail = |reason: String| Unreadable { path: path.clone(), reason };
    let meta = std::fs::metadata(&path).map_err(|e| fail(describe_io(&e)))?;
    if meta.len() > max_size {
        return Err(fail(format!("file is {} bytes, over the size cap of {max_size} bytes", meta.len())));
    }
    let bytes = std::fs::read(&path).map_err(|e| fail(describe_io(&e)))?;
    Ok((path, bytes))
}

/// An I/O error as a short phrase without the OS error number.
pub fn describe_io(err: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match err.kind() {
        ErrorKind::NotFound => "no such file or directory".to_owned(),
        ErrorKind::PermissionDenied => "permission denied".to_owned(),
        ErrorKind::IsADirectory => "is a directory".to_owned(),
        _ => {
            let text = err.to_string();
            text.split(" (os error").next().unwrap_or(&text).to_lowercase()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn loops_and_dangling_links_are_findings() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        std::fs::write(sub.join("nginx.conf"), "events {}\n").unwrap();
        std::os::unix::fs::symlink(&sub, sub.join("loop")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("missing.conf"), sub.join("dangling.conf")).unwrap();
        let (found, errors) = discover(&[dir.path().to_path_buf()], DEFAULT_MAX_FILE_SIZE, &|_| false);
        assert!(errors.is_empty());
        assert_eq!(found.files.len(), 1, "{:?}", found.files.iter().map(|f| &f.0).collect::<Vec<_>>());
        let reasons: Vec<_> = found.unreadable.iter().map(|u| u.reason.as_str()).collect();
        assert!(reasons.iter().any(|r| r.contains("loop")), "{reasons:?}");
        assert!(reasons.iter().any(|r| r.contains("dangling")), "{reasons:?}");
    }

    #[test]
    fn size_cap_and_missing_paths() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.conf");
        std::fs::write(&big, "x".repeat(100)).unwrap();
        let (found, errors) = discover(&[big, dir.path().join("nope")], 10, &|_| false);
        assert_eq!(errors.len(), 1);
        assert!(found.unreadable[0].reason.contains("size cap"));
    }
}
