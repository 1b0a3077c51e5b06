//! `--fix` and `--diff`: every fixable rule fixture is fixed, the rule stops
//! firing, nothing new appears, a second run changes nothing, the fixed nginx
//! passes the real `nginx -t`, and the fixed files are snapshotted.

mod common;

use std::path::{Path, PathBuf};

/// Rule fixtures whose diagnostics carry a safe fix.
fn fixable_fixtures() -> Vec<(String, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
    let mut out = Vec::new();
    for code_dir in common::dirs_in(&root) {
        let code = code_dir.file_name().unwrap().to_string_lossy().into_owned();
        let mut cases = common::files_in(&code_dir);
        cases.extend(common::dirs_in(&code_dir));
        for case in cases {
            let name = case.file_name().unwrap().to_string_lossy().into_owned();
            if !name.starts_with("fire_") {
                continue;
            }
            let (_, stdout, _) =
                common::hoplint(&code_dir, &["check", &name, "--format", "json", "--select", "ALL", "--unsafe-fixes"]);
            let report = common::json(&stdout);
            let fixable = report["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["code"] == code.as_str() && !d["fix"].is_null());
            if fixable {
                out.push((code.clone(), case));
            }
        }
    }
    out
}

fn codes(dir: &Path, name: &str) -> Vec<(String, String)> {
    let (_, stdout, _) = common::hoplint(dir, &["check", name, "--format", "json", "--select", "ALL"]);
    common::codes_and_severities(&common::json(&stdout))
}

#[test]
fn fixes_remove_the_finding_add_nothing_and_are_idempotent() {
    let fixtures = fixable_fixtures();
    assert!(fixtures.len() >= 4, "fixable fixtures: {fixtures:?}");
    for (code, path) in fixtures {
        let dir = tempfile::tempdir().unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        common::copy_into(&path, dir.path());
        let before = codes(dir.path(), &name);
        let (status, _, stderr) =
            common::hoplint(dir.path(), &["check", &name, "--fix", "--unsafe-fixes", "--select", "ALL", "-q"]);
        assert_ne!(status, 2, "{name}: {stderr}");
        let after = codes(dir.path(), &name);
        assert!(!after.iter().any(|(c, _)| *c == code), "{code}/{name}: still fires: {after:?}");
        for (c, severity) in &after {
            let new = !before.iter().any(|(b, _)| b == c);
            assert!(!(new && severity != "info"), "{code}/{name}: the fix added {c} ({severity})");
        }
        let (status, stdout, _) =
            common::hoplint(dir.path(), &["check", &name, "--diff", "--unsafe-fixes", "--select", "ALL"]);
        assert_eq!((status, stdout.as_str()), (0, ""), "{name}: a second run still changes the file");
        let fixed = common::tree_text(&dir.path().join(&name));
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_suffix(format!("{code}__{name}"));
        settings.set_prepend_module_to_snapshot(false);
        settings.bind(|| insta::assert_snapshot!("fixed", fixed));
    }
}

/// Plain `--fix` applies only safe fixes, and a safe fix never makes a rule
/// fire at error severity (RULES.md "Fix targets").
#[test]
fn safe_fixes_add_no_error() {
    for (code, path) in fixable_fixtures() {
        let dir = tempfile::tempdir().unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        common::copy_into(&path, dir.path());
        let errors = |codes: Vec<(String, String)>| -> Vec<String> {
            codes.into_iter().filter(|(_, severity)| severity == "error").map(|(c, _)| c).collect()
        };
        let before = errors(codes(dir.path(), &name));
        let (status, _, stderr) = common::hoplint(dir.path(), &["check", &name, "--fix", "--select", "ALL", "-q"]);
        assert_ne!(status, 2, "{name}: {stderr}");
        let after = errors(codes(dir.path(), &name));
        let new: Vec<&String> = after.iter().filter(|c| !before.contains(c)).collect();
        assert!(new.is_empty(), "{code}/{name}: plain --fix added errors {new:?}");
    }
}

#[test]
fn diff_prints_the_change_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules/NG006/fire_doubled_unit.conf");
    let original = std::fs::read_to_string(&source).unwrap();
    std::fs::write(dir.path().join("site.conf"), &original).unwrap();
    let (status, stdout, _) = common::hoplint(dir.path(), &["check", "site.conf", "--diff"]);
    assert_eq!(status, 1);
    assert!(stdout.contains("--- a/site.conf") && stdout.contains("+++ b/site.conf"), "{stdout}");
    assert!(stdout.contains("-    keepalive_timeout 60ss;\n+    keepalive_timeout 60s;"), "{stdout}");
    assert_eq!(std::fs::read_to_string(dir.path().join("site.conf")).unwrap(), original);
}

#[test]
fn line_endings_and_undecodable_files_are_respected() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("crlf.conf"), "server {\r\n    listen 80;\r\n    root /a;\r\n    root /a;\r\n}\r\n")
        .unwrap();
    std::fs::write(
        dir.path().join("latin1.conf"),
        b"server {\n    listen 80; # caf\xe9\n    root /a;\n    root /a;\n}\n",
    )
    .unwrap();
    let (status, _, stderr) = common::hoplint(dir.path(), &["check", ".", "--fix", "-q"]);
    assert_ne!(status, 2, "{stderr}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("crlf.conf")).unwrap(),
        "server {\r\n    listen 80;\r\n    root /a;\r\n}\r\n"
    );
    // read with replacement characters: never rewritten
    assert!(std::fs::read(dir.path().join("latin1.conf")).unwrap().windows(2).any(|w| w == b"\xe9\n"));
    let (_, stdout, _) = common::hoplint(dir.path(), &["check", "latin1.conf", "--format", "json"]);
    assert!(stdout.contains("NG003"), "the undecodable file keeps its finding");
}

#[test]
fn fixed_nginx_passes_nginx_t() {
    let Some(nginx) = common::nginx_binary() else { return common::skip_or_fail("nginx") };
    let mut checked = 0;
    for (code, path) in fixable_fixtures() {
        let dir = tempfile::tempdir().unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let copy = common::copy_into(&path, dir.path());
        // A whole configuration (a fixture directory with nginx.conf), or an
        // http-level fragment wrapped below.
        let main = copy.join("nginx.conf");
        if path.is_dir() && !main.is_file() || path.is_file() && path.extension().is_none_or(|e| e != "conf") {
            continue;
        }
        let fixed = if path.is_dir() { main } else { copy };
        let body = if path.is_dir() {
            format!("include {};\n", fixed.display())
        } else {
            format!("events {{}}\nhttp {{\n    access_log off;\n    include {};\n}}\n", fixed.display())
        };
        // A fixture written for a newer nginx than the installed one (say
        // `keepalive 0`, valid from 1.29.7) cannot be judged by it.
        let (accepted_before, stderr) = common::nginx_t(&nginx, dir.path(), &body);
        if !accepted_before && !stderr.contains("syntax is ok") && fixture_targets_newer_nginx(&path) {
            println!("{code}/{name}: written for a newer nginx than the installed one, not checked: {stderr}");
            continue;
        }
        common::hoplint(dir.path(), &["check", &name, "--fix", "--nginx-version", "1.22.1", "-q"]);
        let (accepted, stderr) = common::nginx_t(&nginx, dir.path(), &body);
        assert!(accepted, "{code}/{name}: nginx -t rejects the fixed file: {stderr}");
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} fixed configurations went through nginx -t");
}

/// Whether a fixture's hoplint.toml declares an nginx from 1.29 on.
fn fixture_targets_newer_nginx(path: &Path) -> bool {
    let toml = std::fs::read_to_string(path.join("hoplint.toml")).unwrap_or_default();
    ["\"1.29", "\"1.3"].iter().any(|v| toml.contains(&format!("nginx = {v}")))
}

/// `[keepalive] margin` and `[fix] prefer` in hoplint.toml steer the KA001 fix
/// on the nginx-tomcat example (Tomcat closes after 20 s).
#[test]
fn keepalive_fix_follows_margin_and_preferred_side() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/nginx-tomcat");
    let ka001_fix = |settings: &str| {
        let dir = tempfile::tempdir().unwrap();
        let copy = common::copy_into(&example, dir.path());
        std::fs::write(copy.join("hoplint.toml"), format!("[versions]\nnginx = \"1.24\"\n{settings}")).unwrap();
        let (_, stdout, stderr) = common::hoplint(&copy, &["check", ".", "--format", "json"]);
        let report = common::json(&stdout);
        let diagnostics = report["diagnostics"].as_array().unwrap_or_else(|| panic!("no report: {stderr}"));
        let ka001 = diagnostics.iter().find(|d| d["code"] == "KA001").expect("KA001 fires");
        ka001["fix"]["message"].as_str().map(str::to_owned)
    };
    assert_eq!(ka001_fix("").as_deref(), Some("Set `keepalive_timeout 18s` in the upstream"));
    let margin = "[keepalive]\nmargin = \"5s\"\n";
    assert_eq!(ka001_fix(margin).as_deref(), Some("Set `keepalive_timeout 15s` in the upstream"));
    // 20 s − 500 ms, rounded down to whole seconds so nginx still gives up first
    let margin = "[keepalive]\nmargin = \"500ms\"\n";
    assert_eq!(ka001_fix(margin).as_deref(), Some("Set `keepalive_timeout 19s` in the upstream"));
    // 20 s − 12 s is below 10 s: auto raises the backend to nginx's 60 s +
    // 5 s (a `keepAliveTimeout` beside `connectionTimeout`), proxy insists
    // on the proxy
    let raise = Some("Raise tomcat's idle keepalive timeout to 65s");
    let margin = "[keepalive]\nmargin = \"12s\"\n";
    assert_eq!(ka001_fix(margin).as_deref(), raise);
    let forced = format!("{margin}[fix]\nprefer = \"proxy\"\n");
    assert_eq!(ka001_fix(&forced).as_deref(), Some("Set `keepalive_timeout 8s` in the upstream"));
    assert_eq!(ka001_fix("[fix]\nprefer = \"backend\"\n").as_deref(), raise);
}

/// An unusable margin or side is a configuration error (exit 2) with the key.
#[test]
fn invalid_fix_policy_is_a_config_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("nginx.conf"), "events {}\n").unwrap();
    for (settings, expected) in [
        ("[keepalive]\nmargin = \"2 seconds\"\n", "invalid `margin = \"2 seconds\"` in [keepalive]"),
        ("[fix]\nprefer = \"nginx\"\n", "unknown variant `nginx`"),
    ] {
        std::fs::write(dir.path().join("hoplint.toml"), settings).unwrap();
        let (code, _, stderr) = common::hoplint(dir.path(), &["check", "."]);
        assert_eq!(code, 2, "{settings}: {stderr}");
        assert!(stderr.contains(expected), "{settings}: {stderr}");
    }
}

/// The fixes on real configurations: every corpus nginx file the real
/// `nginx -t` accepts (as a whole configuration, with an `events {}` added,
/// or inside `http {}`) is still accepted after `--fix --unsafe-fixes`.
#[test]
fn fixed_corpus_nginx_still_passes_nginx_t() {
    let Some(nginx) = common::nginx_binary() else { return common::skip_or_fail("nginx") };
    let Some(corpus) = common::corpus_dir("nginx") else { return common::skip_or_fail("../shared/corpus") };
    let (mut accepted, mut changed) = (0, 0);
    for path in common::files_in(&corpus) {
        let dir = tempfile::tempdir().unwrap();
        let copy = common::copy_into(&path, dir.path());
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let include = format!("include {};\n", copy.display());
        let wrappers = [
            include.clone(),
            format!("events {{}}\n{include}"),
            format!("events {{}}\nhttp {{\n    access_log off;\n    {include}}}\n"),
        ];
        let Some(body) = wrappers.into_iter().find(|b| common::nginx_t(&nginx, dir.path(), b).0) else { continue };
        accepted += 1;
        let before = std::fs::read(&copy).unwrap();
        let args = ["check", &name, "--no-config", "--nginx-version", "1.22.1", "--fix", "--unsafe-fixes", "-q"];
        let (status, _, stderr) = common::hoplint(dir.path(), &args);
        assert_ne!(status, 2, "{name}: {stderr}");
        if std::fs::read(&copy).unwrap() != before {
            changed += 1;
        }
        let (still_accepted, stderr) = common::nginx_t(&nginx, dir.path(), &body);
        assert!(still_accepted, "{name}: nginx -t accepted it before the fixes and rejects it after: {stderr}");
    }
    println!("{accepted} corpus configurations accepted by nginx -t, {changed} changed by the fixes");
    assert!(accepted >= 50 && changed >= 3, "only {accepted} accepted, {changed} changed: the corpus went missing?");
}
