//! The parsers against ~450 real nginx configurations from public projects
//! (`../shared/corpus`, never copied here): no panic, no hang, a byte-exact
//! round trip, and no NG001 where the file is valid.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use hoplint::check::{CheckOptions, ConfigChoice};
use hoplint::source::classify::Kind;

/// Files with `crossplane_syntax_ok=1` in PEERS.tsv that the real nginx
/// rejects at the line hoplint reports: crossplane is laxer than nginx here
/// (`"a"b` after a quote; an unquoted `{` inside `map`).
/// `nginx_rejects_too` re-checks each with the real nginx when installed.
const NGINX_STRICTER_THAN_CROSSPLANE: &[(&str, u64)] = &[
    ("nginx/MegaManSec-gixyng__tests__plugins__simply__origins__map_origin_allowlist_fp.conf", 3),
    ("nginx/nginxinc-crossplane__tests__configs__missing-semicolon__broken-above.conf", 5),
    ("nginx/nginxinc-crossplane__tests__configs__missing-semicolon__broken-below.conf", 8),
    ("nginx/nginxinc-crossplane__tests__configs__quote-behavior__nginx.conf", 1),
];

fn corpus() -> Option<PathBuf> {
    common::shared_dir().map(|d| d.join("corpus")).filter(|d| d.is_dir())
}

#[test]
fn every_nginx_file_round_trips_byte_for_byte() {
    let Some(corpus) = corpus() else { return common::skip_or_fail("../shared/corpus") };
    let files = common::files_in(&corpus.join("nginx"));
    assert!(files.len() > 400, "corpus/nginx has {} files", files.len());
    let checked = common::within(Duration::from_mins(2), "round trip", move || {
        let mut mismatches = Vec::new();
        for path in &files {
            let bytes = std::fs::read(path).expect("readable");
            // Non-UTF-8 files are linted from their lossy decoding (and never
            // rewritten); the round trip is exact on that text.
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let tree = hoplint::syntax::nginx::parse(&text);
            let mut printed = String::with_capacity(text.len());
            tree.write_source(&text, &mut printed);
            if printed != text {
                mismatches.push(path.display().to_string());
            }
            if std::str::from_utf8(&bytes).is_ok() {
                assert_eq!(printed.as_bytes(), &bytes[..], "{}", path.display());
            }
        }
        assert!(mismatches.is_empty(), "not lossless: {mismatches:?}");
        files.len()
    });
    println!("round-tripped {checked} files");
}

fn peers(corpus: &Path) -> BTreeMap<String, bool> {
    let text = std::fs::read_to_string(corpus.join("PEERS.tsv")).expect("PEERS.tsv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
    let column = header.iter().position(|h| *h == "crossplane_syntax_ok").expect("crossplane_syntax_ok column");
    lines.map(|l| l.split('\t').collect::<Vec<_>>()).map(|cols| (cols[0].to_owned(), cols[column] == "1")).collect()
}

/// Lints one corpus folder with every file forced to `kind`.
fn check_folder(corpus: &Path, folder: &str, kind: Kind) -> serde_json::Value {
    let dir = corpus.join(folder);
    let glob = format!("{}/**", dir.display());
    let options = CheckOptions {
        paths: vec![dir],
        config: ConfigChoice::None,
        forced_kinds: vec![(glob, kind)],
        ..CheckOptions::default()
    };
    let report = common::within(Duration::from_mins(1), folder, move || {
        let report = hoplint::check(&options);
        hoplint::report::json::render(&report)
    });
    common::json(&report)
}

#[test]
fn no_false_syntax_errors_and_every_real_one_found() {
    let Some(corpus) = corpus() else { return common::skip_or_fail("../shared/corpus") };
    let peers = peers(&corpus);
    let report = check_folder(&corpus, "nginx", Kind::Nginx);
    let files = common::files_in(&corpus.join("nginx"));
    assert_eq!(report["summary"]["files"].as_u64(), Some(files.len() as u64), "every file parsed once");
    assert!(report["errors"].as_array().unwrap().is_empty(), "{}", report["errors"]);

    let mut ng001: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for d in report["diagnostics"].as_array().unwrap() {
        if d["code"] == "NG001" {
            let file = d["file"].as_str().unwrap();
            let key = format!("nginx/{}", Path::new(file).file_name().unwrap().to_string_lossy());
            ng001.entry(key).or_default().push(d["line"].as_u64().unwrap());
        }
    }
    let mut problems = Vec::new();
    for (file, syntax_ok) in &peers {
        let lines = ng001.get(file);
        if *syntax_ok {
            let expected = NGINX_STRICTER_THAN_CROSSPLANE.iter().find(|(f, _)| f == file);
            match (lines, expected) {
                (None, None) => {}
                (Some(lines), Some((_, line))) if lines.first() == Some(line) => {}
                (lines, expected) => problems.push(format!("{file}: NG001 at {lines:?}, expected {expected:?}")),
            }
        } else {
            // The unclosed-brace files: nginx reports the end of the file, at
            // line (number of newlines + 1).
            let text = std::fs::read_to_string(corpus.join(file)).expect("readable");
            let eof_line = text.matches('\n').count() as u64 + 1;
            if lines.is_none_or(|l| !l.contains(&eof_line)) {
                problems.push(format!("{file}: expected NG001 at line {eof_line}, got {lines:?}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn broken_corpus_files_exit_with_code_one() {
    let Some(corpus) = corpus() else { return common::skip_or_fail("../shared/corpus") };
    let file = corpus.join("nginx/kubernetes-ingress-nginx__test__data__cleanConf.src.conf");
    let (status, stdout, _) = common::hoplint(
        Path::new("."),
        &["check", "--no-config", "--select", "NG001", "--format", "json", file.to_str().unwrap()],
    );
    assert_eq!(status, 1, "{stdout}");
    let report = common::json(&stdout);
    let diagnostic = &report["diagnostics"][0];
    assert_eq!(diagnostic["message"], "unexpected end of file, expecting \"}\"");
    assert!(!diagnostic["related"].as_array().unwrap().is_empty(), "the unclosed `{{` is related");
}

/// The exceptions above are real errors: the real nginx rejects them too.
#[test]
fn nginx_rejects_too() {
    let Some(corpus) = corpus() else { return common::skip_or_fail("../shared/corpus") };
    let Some(nginx) = common::nginx_binary() else { return common::skip_or_fail("nginx") };
    for (file, line) in NGINX_STRICTER_THAN_CROSSPLANE {
        let dir = tempfile::tempdir().expect("tempdir");
        let copy = dir.path().join("fragment.conf");
        std::fs::copy(corpus.join(file), &copy).expect("copy");
        let text = std::fs::read_to_string(&copy).expect("readable");
        // Top-level `http` → main context; anything else is an http fragment.
        let wrapper = if text.trim_start().starts_with("http") {
            format!("events {{}}\ninclude {};\n", copy.display())
        } else {
            format!("events {{}}\nhttp {{\ninclude {};\n}}\n", copy.display())
        };
        let conf = dir.path().join("nginx.conf");
        std::fs::write(&conf, format!("pid {}/nginx.pid;\nerror_log stderr;\n{wrapper}", dir.path().display()))
            .expect("write");
        std::fs::create_dir_all(dir.path().join("logs")).expect("logs dir");
        let output = std::process::Command::new(&nginx)
            .args(["-t", "-q", "-p"])
            .arg(dir.path())
            .arg("-c")
            .arg(&conf)
            .output()
            .expect("nginx runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{file}: nginx accepted it");
        let at = format!("fragment.conf:{line}");
        assert!(stderr.contains(&at), "{file}: nginx said {stderr}, hoplint says line {line}");
    }
}

/// The other corpus folders are read without a crash or a hang (their
/// formats' parsers come later; today they are skipped or sniffed).
#[test]
fn other_folders_never_crash() {
    let Some(corpus) = corpus() else { return common::skip_or_fail("../shared/corpus") };
    for folder in ["k8s", "docker", "gunicorn", "tomcat"] {
        let options =
            CheckOptions { paths: vec![corpus.join(folder)], config: ConfigChoice::None, ..CheckOptions::default() };
        let errors = common::within(Duration::from_mins(1), folder, move || hoplint::check(&options).errors.len());
        assert_eq!(errors, 0, "{folder}");
    }
}
