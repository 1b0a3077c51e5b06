//! End-to-end: the binary's commands, formats and exit codes.

mod common;

use std::fmt::Write;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const CLEAN: &str = "events {}\nhttp {\n    server {\n        listen 80;\n        location / {\n            return 204;\n        }\n    }\n}\n";
const TYPO: &str = "server {\n    listen 80;\n    location / {\n        proxy_read_timout 30s;\n    }\n}\n";

fn hoplint() -> Command {
    Command::cargo_bin("hoplint").unwrap()
}

#[test]
fn exit_codes_follow_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "clean/nginx.conf", CLEAN);
    write(dir.path(), "broken/site.conf", TYPO);
    hoplint()
        .current_dir(dir.path())
        .args(["check", "clean"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("All checks passed"));
    hoplint().current_dir(dir.path()).args(["check", "broken"]).assert().code(1);
    hoplint().current_dir(dir.path()).args(["check", "broken", "--exit-zero"]).assert().code(0);
    hoplint().current_dir(dir.path()).args(["check", "broken", "--ignore", "NG"]).assert().code(0);
    hoplint()
        .current_dir(dir.path())
        .args(["check", "does-not-exist"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("does-not-exist"));
    // --exit-zero never hides a run error
    hoplint().current_dir(dir.path()).args(["check", "does-not-exist", "--exit-zero"]).assert().code(2);
    hoplint().current_dir(dir.path()).args(["check", "clean", "--select", "XX9"]).assert().code(2);
}

#[test]
fn fail_on_sets_the_threshold() {
    let dir = tempfile::tempdir().unwrap();
    // only a warning: an obsolete directive
    write(dir.path(), "site.conf", "server {\n    listen 80;\n    http2_push_preload on;\n}\n");
    hoplint().current_dir(dir.path()).args(["check", "site.conf"]).assert().code(1);
    hoplint().current_dir(dir.path()).args(["check", "site.conf", "--fail-on", "error"]).assert().code(0);
}

#[test]
fn json_output_matches_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "site.conf", TYPO);
    let (status, stdout, _) = common::hoplint(dir.path(), &["check", "site.conf", "--format", "json"]);
    assert_eq!(status, 1);
    let report = common::json(&stdout);
    assert_eq!(report["version"], 1);
    assert_eq!(report["tool"]["name"], "hoplint");
    assert_eq!(report["summary"]["files"], 1);
    assert_eq!(report["summary"]["errors"], 1);
    let d = &report["diagnostics"][0];
    assert_eq!(d["code"], "NG002");
    assert_eq!(d["name"], "unknown-nginx-directive");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["file"], "site.conf");
    assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(4), Some(9)));
    assert_eq!((d["end_line"].as_u64(), d["end_column"].as_u64()), (Some(4), Some(26)));
    assert!(d["fix"].is_null());
    assert!(d["related"].as_array().unwrap().is_empty());
    assert!(report["errors"].as_array().unwrap().is_empty());
    let notes = report["notes"].as_array().unwrap();
    assert_eq!(notes[0]["message"], "nginx version assumed: 1.30 (newest stable)");
    assert!(notes[0]["file"].is_null() && notes[0]["line"].is_null());
}

#[test]
fn json_errors_list_usage_problems() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "hoplint.toml", "[lint]\nselct = [\"NG\"]\n");
    write(dir.path(), "site.conf", TYPO);
    let (status, stdout, _) = common::hoplint(dir.path(), &["check", "site.conf", "--format", "json"]);
    assert_eq!(status, 2);
    let report = common::json(&stdout);
    let message = report["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("hoplint.toml") || report["errors"][0]["file"] == "hoplint.toml", "{report}");
    assert!(message.contains(":2:1") && message.contains("did you mean `select`"), "{message}");
}

#[test]
fn concise_and_text_formats() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "site.conf", TYPO);
    hoplint().current_dir(dir.path()).args(["check", "site.conf", "--format", "concise"]).assert().stdout(
        "site.conf:4:9: NG002 [error] unknown directive \"proxy_read_timout\" (did you mean \"proxy_read_timeout\"?)\n",
    );
    hoplint()
        .current_dir(dir.path())
        .args(["check", "site.conf", "--color", "never"])
        .assert()
        .stdout(predicate::str::contains("╭─[site.conf:4:9]").and(predicate::str::contains("Found 1 problem (1 error")))
        .stderr(predicate::str::contains("note: nginx version assumed"));
    // -q: diagnostics only
    hoplint()
        .current_dir(dir.path())
        .args(["check", "site.conf", "-q", "--color", "never"])
        .assert()
        .stdout(predicate::str::contains("Found").not())
        .stderr(predicate::str::is_empty());
}

#[test]
fn stdin_with_a_filename() {
    hoplint()
        .args(["check", "-", "--stdin-filename", "deploy/nginx.conf", "--format", "concise", "--no-config"])
        .write_stdin(TYPO)
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with("deploy/nginx.conf:4:9: NG002"));
    hoplint().args(["check", "--stdin-filename", "x.conf"]).assert().code(2);
}

#[test]
fn versions_from_the_command_line_and_the_config_file() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "site.conf", "server {\n    listen 443 ssl;\n    http2 on;\n}\n");
    hoplint().current_dir(dir.path()).args(["check", "site.conf", "--nginx-version", "1.24"]).assert().code(1);
    hoplint().current_dir(dir.path()).args(["check", "site.conf", "--nginx-version", "1.26"]).assert().code(0);
    hoplint()
        .current_dir(dir.path())
        .args(["check", "site.conf", "--nginx-version", "1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("major version"));
    write(dir.path(), "hoplint.toml", "[versions]\nnginx = \"1.22.1\"\n");
    hoplint()
        .current_dir(dir.path())
        .args(["check", "site.conf", "--format", "concise"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("needs nginx 1.25.1 or newer (nginx 1.22.1, from hoplint.toml)"));
    hoplint().current_dir(dir.path()).args(["check", "site.conf", "--no-config"]).assert().code(0);
}

#[test]
fn modules_from_config_load_module_and_images() {
    let dir = tempfile::tempdir().unwrap();
    let lua = "server {\n    listen 80;\n    location / {\n        content_by_lua_block { ngx.say(\"}\") }\n    }\n}\n";
    write(dir.path(), "plain/site.conf", lua);
    hoplint().current_dir(dir.path()).args(["check", "plain"]).assert().code(1);
    write(dir.path(), "resty/site.conf", lua);
    write(
        dir.path(),
        "resty/Dockerfile",
        "FROM openresty/openresty:1.25.3.1-alpine\nCOPY site.conf /etc/nginx/conf.d/\n",
    );
    hoplint().current_dir(dir.path()).args(["check", "resty"]).assert().code(0);
    write(dir.path(), "configured/site.conf", lua);
    write(dir.path(), "configured/hoplint.toml", "[nginx]\nmodules = [\"lua\"]\n");
    hoplint().current_dir(dir.path()).args(["check", "configured"]).assert().code(0);
    write(dir.path(), "bad/hoplint.toml", "[nginx]\nmodules = [\"no-such-module\"]\n");
    write(dir.path(), "bad/site.conf", CLEAN);
    hoplint().current_dir(dir.path()).args(["check", "bad"]).assert().code(2);
}

#[cfg(unix)]
#[test]
fn unreadable_files_are_findings_not_errors() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "conf.d/app.conf", "server {\n    listen 80;\n}\n");
    std::os::unix::fs::symlink(dir.path().join("gone.conf"), dir.path().join("conf.d/legacy.conf")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("conf.d"), dir.path().join("conf.d/loop")).unwrap();
    let (status, stdout, _) = common::hoplint(dir.path(), &["check", "conf.d", "--format", "json"]);
    assert_eq!(status, 1, "{stdout}");
    let report = common::json(&stdout);
    assert!(report["errors"].as_array().unwrap().is_empty());
    let hl005: Vec<_> = report["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == "HL005").collect();
    assert_eq!(hl005.len(), 2, "{report}");
    assert!(hl005.iter().all(|d| d["line"] == 1 && d["severity"] == "warning"));
    assert!(hl005.iter().any(|d| d["message"].as_str().unwrap().contains("dangling")));
    assert!(hl005.iter().any(|d| d["message"].as_str().unwrap().contains("loop")));
    assert_eq!(report["summary"]["files"], 1, "the readable file is still checked");
}

#[test]
fn gitignored_files_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".gitignore", "generated/\n");
    write(dir.path(), "generated/site.conf", TYPO);
    write(dir.path(), "nginx.conf", CLEAN);
    hoplint().current_dir(dir.path()).args(["check", "."]).assert().code(0);
}

#[test]
fn includes_are_linted_in_the_including_context() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "nginx.conf",
        "events {}\nhttp {\n    server {\n        listen 80;\n        include snippets/*.conf;\n    }\n}\n",
    );
    // `proxy_pass` is wrong in server context: the snippet is included there.
    write(dir.path(), "snippets/proxy.conf", "proxy_pass http://127.0.0.1:8000;\n");
    let (_, stdout, _) = common::hoplint(dir.path(), &["check", ".", "--format", "json"]);
    let report = common::json(&stdout);
    assert_eq!(report["summary"]["files"], 2);
    let diagnostics = report["diagnostics"].as_array().unwrap();
    let d = diagnostics.iter().find(|d| d["code"] == "NG002").expect("NG002 on the snippet");
    assert_eq!(d["file"], "snippets/proxy.conf");
    assert!(d["message"].as_str().unwrap().contains("not allowed here (in server"), "{d}");
}

#[test]
fn rules_explain_and_completions() {
    hoplint().args(["rules"]).assert().code(0).stdout(predicate::str::contains("NG002  unknown-nginx-directive"));
    let (_, stdout, _) = common::hoplint(Path::new("."), &["rules", "--format", "json"]);
    let rules = common::json(&stdout);
    let ng003 = rules.as_array().unwrap().iter().find(|r| r["code"] == "NG003").unwrap();
    assert_eq!(ng003["fix"], "safe");
    assert_eq!(ng003["severity"], "error");
    hoplint()
        .args(["explain", "NG001"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("# nginx-syntax-error (NG001)"));
    hoplint().args(["explain", "include-problem"]).assert().code(0).stdout(predicate::str::contains("Severity: error"));
    hoplint().args(["explain", "NG999"]).assert().code(2);
    hoplint()
        .args(["explain", "include-problm"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `include-problem`"));
    hoplint().args(["completions", "bash"]).assert().code(0).stdout(predicate::str::contains("hoplint"));
}

#[test]
fn the_example_configuration_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("hoplint.toml.example");
    std::fs::copy(example, dir.path().join("hoplint.toml")).unwrap();
    write(dir.path(), "nginx.conf", CLEAN);
    hoplint().current_dir(dir.path()).args(["check", "."]).assert().code(0);
}

#[test]
fn binary_empty_and_non_utf8_files_never_crash() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("nginx.conf"), b"server {\x00\x01}").unwrap();
    std::fs::write(dir.path().join("site.conf"), b"server {\n    listen 80; # caf\xe9\n}\n").unwrap();
    std::fs::write(dir.path().join("empty.conf"), b"").unwrap();
    let (status, stdout, _) = common::hoplint(dir.path(), &["check", ".", "--format", "json"]);
    assert_eq!(status, 0, "{stdout}");
    let report = common::json(&stdout);
    let notes: Vec<String> =
        report["notes"].as_array().unwrap().iter().map(|n| format!("{} {}", n["file"], n["message"])).collect();
    assert!(notes.iter().any(|n| n.contains("nginx.conf") && n.contains("binary")), "{notes:?}");
    assert!(notes.iter().any(|n| n.contains("site.conf") && n.contains("not valid UTF-8")), "{notes:?}");
    assert_eq!(report["summary"]["files"], 1);
}

#[test]
fn hostile_yaml_inputs_are_findings_or_notes() {
    let dir = tempfile::tempdir().unwrap();
    let mut bomb = String::from(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n  a: &a [x, x, x, x, x, x, x, x, x]\n",
    );
    let mut prev = 'a';
    for name in ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'] {
        let _ = writeln!(
            bomb,
            "  {name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]"
        );
        prev = name;
    }
    std::fs::write(dir.path().join("bomb.yaml"), bomb).unwrap();
    std::fs::write(dir.path().join("docker-compose.yml"), b"").unwrap();
    std::fs::write(dir.path().join("deploy.yaml"), b"apiVersion: v1\x00\x01\x02kind: Pod\n").unwrap();
    std::fs::write(dir.path().join("svc.yaml"), b"apiVersion: v1\nkind: Service\nmetadata:\n  name: caf\xe9\n")
        .unwrap();
    for command in ["check", "hops"] {
        let (status, stdout, stderr) = common::hoplint(dir.path(), &[command, ".", "--format", "json"]);
        assert_ne!(status, 101, "{command} panicked: {stderr}");
        let report = common::json(&stdout);
        let notes = report["notes"].to_string();
        assert!(notes.contains("deploy.yaml") && notes.contains("binary"), "{command}: {notes}");
        assert!(notes.contains("svc.yaml") && notes.contains("UTF-8"), "{command}: {notes}");
        if command == "check" {
            assert_eq!(status, 1);
            let bomb = report["diagnostics"].as_array().unwrap().iter().find(|d| d["file"] == "bomb.yaml").unwrap();
            assert_eq!(bomb["code"], "HL004");
            assert!(bomb["message"].as_str().unwrap().contains("alias"), "{bomb}");
        }
    }
}

/// `[lint.per-file-ignores]`: a path glob (relative to the project root) or a
/// file-name glob turns selectors off in the files it matches, and only there.
#[test]
fn per_file_ignores_turn_rules_off_where_they_match() {
    let dir = tempfile::tempdir().unwrap();
    let broken = "events {}\nhttp {\n    proxy_read_timout 5s;\n    client_max_body_size 10mb;\n}\n";
    for file in ["legacy/nginx.conf", "current/nginx.conf", "current/old.conf"] {
        let path = dir.path().join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, broken).unwrap();
    }
    let check = || {
        let (_, stdout, stderr) = common::hoplint(dir.path(), &["check", ".", "--format", "concise"]);
        let mut found: Vec<String> = stdout
            .lines()
            .filter_map(|l| {
                let mut parts = l.split_whitespace();
                let place = parts.next()?.split(':').next()?;
                Some(format!("{place} {}", parts.next()?))
            })
            .collect();
        found.sort();
        (found, stderr)
    };
    let (all, _) = check();
    assert_eq!(all.len(), 6, "{all:?}");
    std::fs::write(
        dir.path().join("hoplint.toml"),
        "[lint.per-file-ignores]\n\"legacy/**\" = [\"NG\"]\n\"old.conf\" = [\"NG006\"]\n",
    )
    .unwrap();
    let (left, stderr) = check();
    assert_eq!(left, ["current/nginx.conf NG002", "current/nginx.conf NG006", "current/old.conf NG002"], "{stderr}");
    std::fs::write(dir.path().join("hoplint.toml"), "[lint.per-file-ignores]\n\"legacy/**\" = [\"XX9\"]\n").unwrap();
    let (code, _, stderr) = common::hoplint(dir.path(), &["check", "."]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown rule code or prefix `XX9`"), "{stderr}");
}

/// `[[link]]` and `[front]` are checked like every other key: a typo or an
/// unknown balancer is a configuration error (exit 2) with a did-you-mean.
#[test]
fn link_and_front_entries_are_strict() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "nginx.conf", CLEAN);
    for (settings, expected) in [
        (
            "[[link]]\nproxy = \"nginx.conf:upstream app\"\nbakend = \"app/gunicorn.conf.py\"\n",
            "did you mean `backend`",
        ),
        ("[front]\nkind = \"aws-alv\"\n", "did you mean `aws-alb`"),
        ("[front]\nidle-timeout = \"sixty\"\n", "invalid `idle-timeout = \"sixty\"` in [front]"),
        ("[front]\nidle_timeout = \"60s\"\n", "did you mean `idle-timeout`"),
    ] {
        write(dir.path(), "hoplint.toml", settings);
        let (status, _, stderr) = common::hoplint(dir.path(), &["check", "."]);
        assert_eq!(status, 2, "{settings}: {stderr}");
        assert!(stderr.contains(expected), "{settings}: {stderr}");
    }
}

/// hoplint.toml is read for its links, not linted: an entry there can be
/// suppressed inline and no other rule reports on the file.
#[test]
fn stale_link_entries_can_be_suppressed_in_hoplint_toml() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "nginx.conf", CLEAN);
    let entry = "[[link]]\nproxy = \"ingress-nginx\"\nbackend = \"app/gunicorn.conf.py\"\n";
    write(dir.path(), "hoplint.toml", entry);
    let (_, stdout, _) = common::hoplint(dir.path(), &["check", ".", "--format", "json", "--select", "ALL"]);
    let report = common::json(&stdout);
    let found: Vec<(String, u64)> = common::codes_and_lines(&report);
    assert_eq!(found, [("HL003".to_owned(), 1), ("HL003".to_owned(), 1)], "{report}");
    assert_eq!(report["diagnostics"][0]["file"], "hoplint.toml");
    assert_eq!(report["summary"]["files"], 1, "hoplint.toml is not a linted file");
    write(dir.path(), "hoplint.toml", &format!("# hoplint: ignore[HL003] -- the app is not in this repo\n{entry}"));
    let (status, stdout, _) = common::hoplint(dir.path(), &["check", ".", "--format", "json", "--select", "ALL"]);
    assert_eq!((status, common::codes_and_lines(&common::json(&stdout))), (0, Vec::new()), "{stdout}");
}
