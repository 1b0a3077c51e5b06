//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// `../shared` beside the repository, if present.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("shared");
    dir.is_dir().then_some(dir)
}

/// Whether missing external inputs must fail the test (CI sets it).
pub fn tools_required() -> bool {
    std::env::var("HOPLINT_REQUIRE_TOOLS").is_ok_and(|v| v == "1")
}

/// Skips (with a printed notice) or fails when `what` is unavailable.
pub fn skip_or_fail(what: &str) {
    assert!(!tools_required(), "{what} is required (HOPLINT_REQUIRE_TOOLS=1) but missing");
    println!("skipping: {what} not available");
}

/// The real nginx binary, if installed.
pub fn nginx_binary() -> Option<PathBuf> {
    let candidates = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).map(|d| d.join("nginx")).collect::<Vec<_>>())
        .unwrap_or_default();
    candidates.into_iter().chain([PathBuf::from("/usr/sbin/nginx")]).find(|p| p.is_file())
}

/// Runs `hoplint` with `args` in `dir`; returns (exit code, stdout, stderr).
pub fn hoplint(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = assert_cmd::Command::cargo_bin("hoplint")
        .expect("binary builds")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("hoplint runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Parses hoplint's JSON output.
pub fn json(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("invalid JSON ({e}):\n{stdout}"))
}

/// `(code, line)` of every diagnostic in a JSON report.
pub fn codes_and_lines(report: &serde_json::Value) -> Vec<(String, u64)> {
    report["diagnostics"]
        .as_array()
        .expect("diagnostics array")
        .iter()
        .map(|d| (d["code"].as_str().unwrap_or_default().to_owned(), d["line"].as_u64().unwrap_or_default()))
        .collect()
}

/// `../shared/corpus/<folder>`, if present.
pub fn corpus_dir(folder: &str) -> Option<PathBuf> {
    let dir = shared_dir()?.join("corpus").join(folder);
    dir.is_dir().then_some(dir)
}

/// The files of a directory, sorted.
pub fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("readable dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// Runs `f` on another thread and fails if it takes longer than `limit`
/// (a hang) or panics.
pub fn within<T: Send + 'static>(limit: std::time::Duration, what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(limit).unwrap_or_else(|e| panic!("{what}: no result within {limit:?} ({e}): hang or panic"))
}

/// The subdirectories of a directory, sorted.
pub fn dirs_in(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("readable dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// `(code, severity)` of every diagnostic in a JSON report.
pub fn codes_and_severities(report: &serde_json::Value) -> Vec<(String, String)> {
    report["diagnostics"]
        .as_array()
        .expect("diagnostics array")
        .iter()
        .map(|d| {
            (d["code"].as_str().unwrap_or_default().to_owned(), d["severity"].as_str().unwrap_or_default().to_owned())
        })
        .collect()
}

/// Copies a file or a directory tree into `to` (keeping its name).
pub fn copy_into(from: &Path, to: &Path) -> PathBuf {
    let target = to.join(from.file_name().expect("a name"));
    if from.is_dir() {
        std::fs::create_dir_all(&target).expect("mkdir");
        for entry in std::fs::read_dir(from).expect("readable dir") {
            copy_into(&entry.expect("entry").path(), &target);
        }
    } else {
        std::fs::copy(from, &target).expect("copy");
    }
    target
}

/// A file's text, or every file of a tree as `== path ==` sections (sorted),
/// for snapshots of fixed files.
pub fn tree_text(path: &Path) -> String {
    if path.is_file() {
        return std::fs::read_to_string(path).expect("readable");
    }
    let mut files = Vec::new();
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable dir") {
            let p = entry.expect("entry").path();
            if p.is_dir() { stack.push(p) } else { files.push(p) }
        }
    }
    files.sort();
    files
        .iter()
        .map(|f| {
            format!(
                "== {} ==\n{}",
                f.strip_prefix(path).unwrap_or(f).display(),
                std::fs::read_to_string(f).unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs the real `nginx -t` on `body` (a main-context configuration) with
/// its pid file and logs inside `dir`; returns (accepted, stderr).
pub fn nginx_t(nginx: &Path, dir: &Path, body: &str) -> (bool, String) {
    let conf = dir.join("wrapper.conf");
    std::fs::write(&conf, format!("pid {}/nginx.pid;\nerror_log stderr;\n{body}", dir.display())).expect("write");
    std::fs::create_dir_all(dir.join("logs")).expect("logs dir");
    let output = std::process::Command::new(nginx)
        .args(["-t", "-q", "-p"])
        .arg(dir)
        .arg("-c")
        .arg(&conf)
        .output()
        .expect("nginx runs");
    (output.status.success(), String::from_utf8_lossy(&output.stderr).into_owned())
}
