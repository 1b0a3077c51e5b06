//! Applying fixes (DESIGN.md "fix"): pick non-overlapping fixes at the
//! requested applicability, apply their edits in memory, re-parse and re-lint
//! until nothing changes (10 rounds at most), drop the edits of a file that
//! stops parsing, and finally write each changed file once, atomically.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use crate::check::{CheckOptions, Report, RunError, check};
use crate::diagnostic::Diagnostic;
use crate::fix::{Applicability, Edit};
use crate::project::Note;
use crate::source::FileId;
use crate::source::absolute;

/// Rounds of fix → re-lint before giving up on convergence.
const MAX_ROUNDS: usize = 10;

/// One file the fixes change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    /// As reports print it.
    pub path: PathBuf,
    pub before: String,
    pub after: String,
}

/// What fixing produced: the report after the fixes, the changed files, the
/// number of fixes applied, and notes on fixes that were dropped.
#[derive(Debug)]
pub struct FixOutcome {
    pub report: Report,
    pub changes: Vec<FileChange>,
    pub applied: usize,
    pub notes: Vec<Note>,
}

/// Codes that mean "this file does not parse".
fn is_syntax_error(d: &Diagnostic) -> bool {
    matches!(d.rule.code, "NG001" | "HL004")
}

/// Runs `check` and applies every fix at `level` or safer until stable.
pub fn fix(options: &CheckOptions, level: Applicability) -> FixOutcome {
    let mut options = options.clone();
    let mut report = check(&options);
    // Files that parsed before any fix must still parse after.
    let broken: HashSet<PathBuf> =
        report.diagnostics.iter().filter(|d| is_syntax_error(d)).map(|d| absolute(&report.file(d.file).path)).collect();
    let mut originals: BTreeMap<PathBuf, (PathBuf, String)> = BTreeMap::new();
    let mut applied = 0;
    let mut notes = Vec::new();
    for _ in 0..MAX_ROUNDS {
        let (texts, count) = apply_round(&report, level);
        if count == 0 {
            break;
        }
        let mut previous = Vec::new();
        for (file, text) in texts {
            let source = report.file(file);
            let key = absolute(&source.path);
            originals.entry(key.clone()).or_insert_with(|| (source.path.clone(), source.text.clone()));
            previous.push((key.clone(), source.path.clone(), source.text.clone()));
            options.overrides.insert(key, text.into_bytes());
        }
        let next = check(&options);
        let now_broken: HashSet<PathBuf> = next
            .diagnostics
            .iter()
            .filter(|d| is_syntax_error(d))
            .map(|d| absolute(&next.file(d.file).path))
            .filter(|p| !broken.contains(p))
            .collect();
        let mut reverted = false;
        for (key, path, text) in previous {
            if now_broken.contains(&key) {
                options.overrides.insert(key, text.into_bytes());
                let message = "fixes dropped: they made the file fail to parse (please report this as a hoplint bug)";
                notes.push(Note {
                    file: Some(crate::source::display_path(&path)),
                    line: None,
                    message: message.to_owned(),
                });
                reverted = true;
            }
        }
        applied += count;
        report = if reverted { check(&options) } else { next };
        if reverted {
            break;
        }
    }
    let changes = originals
        .into_iter()
        .filter_map(|(key, (path, before))| {
            let after = String::from_utf8(options.overrides.get(&key)?.clone()).ok()?;
            (after != before).then_some(FileChange { path, before, after })
        })
        .collect();
    FixOutcome { report, changes, applied, notes }
}

/// Picks the fixes of one round — sorted by position, a fix whose edits
/// overlap (or touch) an edit already taken is left for the next round —
/// and returns the new text of each changed file with the number of fixes.
fn apply_round(report: &Report, level: Applicability) -> (BTreeMap<FileId, String>, usize) {
    let mut fixes: Vec<&Diagnostic> = report
        .diagnostics
        .iter()
        .filter(|d| d.fix.as_ref().is_some_and(|f| f.applicability >= level && !f.edits.is_empty()))
        .filter(|d| d.fix.iter().flat_map(|f| &f.edits).all(|e| !report.file(e.file).lossy))
        .collect();
    fixes.sort_by_key(|d| {
        let first = d.fix.as_ref().and_then(|f| f.edits.first()).map(|e| (e.file, e.span.start));
        (first, d.rule.code)
    });
    let mut taken: BTreeMap<FileId, Vec<&Edit>> = BTreeMap::new();
    let mut count = 0;
    for d in fixes {
        let Some(fix) = &d.fix else { continue };
        let overlaps = fix.edits.iter().any(|e| {
            taken
                .get(&e.file)
                .is_some_and(|edits| edits.iter().any(|t| e.span.start <= t.span.end && t.span.start <= e.span.end))
        });
        if overlaps {
            continue;
        }
        for edit in &fix.edits {
            taken.entry(edit.file).or_default().push(edit);
        }
        count += 1;
    }
    let mut texts = BTreeMap::new();
    for (file, mut edits) in taken {
        edits.sort_by_key(|e| e.span);
        let text = &report.file(file).text;
        // Inserted text follows the file's line endings.
        let crlf = text.contains("\r\n");
        let mut out = String::with_capacity(text.len());
        let mut at = 0usize;
        for edit in edits {
            let (start, end) = (edit.span.start as usize, edit.span.end as usize);
            out.push_str(text.get(at..start).unwrap_or(""));
            if crlf {
                out.push_str(&edit.content.replace("\r\n", "\n").replace('\n', "\r\n"));
            } else {
                out.push_str(&edit.content);
            }
            at = end;
        }
        out.push_str(text.get(at..).unwrap_or(""));
        texts.insert(file, out);
    }
    (texts, count)
}

/// Writes each changed file atomically (a temporary file beside it, then a
/// rename; permissions kept). Files outside `root`, or reached through a
/// symbolic link that leaves it, are refused.
pub fn write(changes: &[FileChange], root: &Path) -> Vec<RunError> {
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let mut errors = Vec::new();
    for change in changes {
        let shown = crate::source::display_path(&change.path);
        let fail = |message: String| RunError { file: Some(shown.clone()), message };
        let real = match std::fs::canonicalize(&change.path) {
            Ok(real) => real,
            Err(e) => {
                errors.push(fail(format!("cannot write the fix: {}", crate::source::discover::describe_io(&e))));
                continue;
            }
        };
        if !real.starts_with(&root) {
            errors.push(fail("not fixed: the file lies outside the project root".to_owned()));
            continue;
        }
        if let Err(e) = write_atomically(&real, change.after.as_bytes()) {
            errors.push(fail(format!(
                "cannot write the fix (file unchanged): {}",
                crate::source::discover::describe_io(&e)
            )));
        }
    }
    errors
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temp = path.with_file_name(format!(".{name}.hoplint-{}", std::process::id()));
    let permissions = std::fs::metadata(path)?.permissions();
    let result = std::fs::write(&temp, bytes)
        .and_then(|()| std::fs::set_permissions(&temp, permissions))
        .and_then(|()| std::fs::rename(&temp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// A unified diff of every change, as `--diff` prints it.
pub fn diff(changes: &[FileChange]) -> String {
    let mut out = String::new();
    for change in changes {
        let path = crate::source::display_path(&change.path);
        let diff = similar::TextDiff::from_lines(&change.before, &change.after);
        out.push_str(
            &diff.unified_diff().context_radius(3).header(&format!("a/{path}"), &format!("b/{path}")).to_string(),
        );
    }
    out
}
