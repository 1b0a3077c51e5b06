//! The parsers against ~450 real nginx configurations from public projects
//! (`../shared/corpus`, never copied here): no panic, no hang, a byte-exact
//! round trip, and no NG001 where the file is valid.

mod common;

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use hoplint::check::{CheckOptions, ConfigChoice};
use hoplint::source::classify::Kind;
use serde_json::json;

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
        let (accepted, stderr) = common::nginx_t(&nginx, dir.path(), &wrapper);
        assert!(!accepted, "{file}: nginx accepted it");
        let at = format!("fragment.conf:{line}");
        assert!(stderr.contains(&at), "{file}: nginx said {stderr}, hoplint says line {line}");
    }
}

/// The other corpus folders, each file forced to its folder's kind: read
/// without a crash or a hang, every file parsed.
#[test]
fn other_folders_parse_without_crash_or_hang() {
    let Some(corpus) = corpus() else { return common::skip_or_fail("../shared/corpus") };
    for (folder, kind) in [
        ("k8s", Kind::Kubernetes),
        ("docker", Kind::Dockerfile),
        ("gunicorn", Kind::Gunicorn),
        ("tomcat", Kind::Tomcat),
    ] {
        let report = check_folder(&corpus, folder, kind);
        assert!(report["errors"].as_array().unwrap().is_empty(), "{folder}: {}", report["errors"]);
        let files = common::files_in(&corpus.join(folder)).len() as u64;
        assert_eq!(report["summary"]["files"].as_u64(), Some(files), "{folder}: every file parsed");
        let hl004: Vec<_> = report["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == "HL004").collect();
        assert!(hl004.is_empty(), "{folder}: real files parse: {hl004:?}");
    }
}

/// `hoplint hops --format json` over real files from every corpus folder
/// (kinds forced per folder, as the names are flattened): the values and
/// their origins match what the files say, read by hand (the line quoted in
/// each comment).
#[test]
fn hops_json_values_read_by_hand() {
    let Some(corpus) = corpus() else { return common::skip_or_fail("../shared/corpus") };
    let dir = tempfile::tempdir().expect("tempdir");
    let mut toml = String::from("[files]\n");
    for (folder, kind) in
        [("docker", "dockerfile"), ("gunicorn", "gunicorn"), ("tomcat", "tomcat"), ("k8s", "kubernetes")]
    {
        let _ = writeln!(toml, "\"{}/*\" = \"{kind}\"", corpus.join(folder).display());
    }
    std::fs::write(dir.path().join("hoplint.toml"), toml).expect("write");
    let config = dir.path().join("hoplint.toml");
    let folders: Vec<String> =
        ["docker", "gunicorn", "tomcat", "k8s"].iter().map(|f| corpus.join(f).display().to_string()).collect();
    let mut args = vec!["hops", "--format", "json", "--config", config.to_str().unwrap()];
    args.extend(folders.iter().map(String::as_str));
    let (status, stdout, stderr) = common::hoplint(Path::new("."), &args);
    assert_eq!(status, 0, "{stderr}");
    let report = common::json(&stdout);
    let hops = report["hops"].as_array().unwrap();
    let root = corpus.display().to_string();
    let hop = |id: &str| {
        let full = format!("{root}/{id}");
        hops.iter().find(|h| h["id"] == full.as_str()).unwrap_or_else(|| panic!("no hop {id}"))
    };
    let check = |id: &str, key: &str, value: serde_json::Value, origin: &str, line: Option<u64>| {
        let s = &hop(id)["settings"][key];
        assert_eq!((&s["value"], s["origin"].as_str()), (&value, Some(origin)), "{id} {key}: {s}");
        if let Some(line) = line {
            assert_eq!(s["line"].as_u64(), Some(line), "{id} {key}: {s}");
        }
    };
    // gunicorn config files
    let celery = "gunicorn/benoitc-gunicorn__examples__celery_alternative__gunicorn_conf.py";
    check(celery, "worker_class", json!("asgi"), "explicit", Some(37)); // worker_class = "asgi"
    check(celery, "idle_timeout", json!(5), "explicit", Some(83)); // keepalive = 5
    let gevent = "gunicorn/benoitc-gunicorn__examples__http2_gevent__gunicorn_conf.py";
    check(gevent, "worker_class", json!("gevent"), "explicit", Some(22)); // worker_class = 'gevent'
    check(gevent, "drain_timeout", json!(30), "explicit", Some(44)); // graceful_timeout = 30
    let netbox = "gunicorn/netbox-community-netbox__contrib__gunicorn.py";
    check(netbox, "worker_class", json!("gthread"), "explicit", Some(9)); // threads = 3 (sync → gthread)
    check(netbox, "idle_timeout", json!(2), "default", None); // no keepalive: gunicorn's 2 s
    check("gunicorn/pypi-warehouse@84a8f906__gunicorn.conf.py", "request_timeout", json!(60), "explicit", Some(20));
    check("gunicorn/pypi-warehouse@84a8f906__gunicorn.conf.py", "idle_timeout", json!(0), "default", None); // sync
    let tiangolo = "gunicorn/tiangolo-uvicorn-gunicorn-docker__docker-images__gunicorn_conf.py";
    check(tiangolo, "request_timeout", json!(120), "explicit", Some(47)); // timeout = int(timeout_str)
    check(tiangolo, "drain_timeout", json!(120), "explicit", Some(46));
    let dirty = "gunicorn/benoitc-gunicorn__tests__docker__dirty_arbiter__gunicorn_conf.py";
    check(dirty, "worker_class", json!("sync"), "explicit", Some(11));
    check(dirty, "drain_timeout", json!(5), "explicit", Some(17)); // graceful_timeout = 5
    // Tomcat: the shipped server.xml sets connectionTimeout="20000" (keepAliveTimeout falls back to it)
    check("tomcat/apache-tomcat@7.0.57__conf__server.xml", "idle_timeout", json!(20), "explicit", Some(72));
    check("tomcat/apache-tomcat@9.0.92__conf__server.xml", "max_requests_per_connection", json!(100), "default", None);
    // <Connector port="8080" protocol="HTTP/1.1"/>: Tomcat's own 60 s default
    check(
        "tomcat/apache-tomee__examples__rest-jaas__src__main__tomee__conf__server.xml",
        "idle_timeout",
        json!(60),
        "default",
        None,
    );
    let ssl = "tomcat/apache-tomee__examples__webservice-ssl-client-cert__src__test__conf__server.xml";
    check(&format!("{ssl}:Connector 8080"), "idle_timeout", json!(20), "explicit", Some(28));
    check(&format!("{ssl}:Connector 8443"), "idle_timeout", json!(60), "default", None);
    // ingress-nginx installs: version from the image tag decides the defaults
    let mandatory =
        "k8s/kubernetes-ingress-nginx@ab3a789c__deploy__static__mandatory.yaml:ConfigMap/nginx-configuration";
    check(mandatory, "max_requests_per_connection", json!(100), "default", None); // controller 0.30.0 (line 220)
    check(mandatory, "grace_period", json!(300), "explicit", Some(214));
    let cloud =
        "k8s/kubernetes-ingress-nginx__deploy__static__provider__cloud__deploy.yaml:ConfigMap/ingress-nginx-controller";
    check(cloud, "max_requests_per_connection", json!(10000), "default", None); // controller v1.15.1 (line 446)
    check(cloud, "prestop_seconds", json!(0), "explicit", Some(452)); // exec /wait-shutdown
    let kind = "k8s/kubernetes-ingress-nginx__deploy__static__provider__kind__deploy.yaml:Deployment/ingress-nginx-controller/controller";
    check(kind, "grace_period", json!(0), "explicit", Some(511)); // terminationGracePeriodSeconds: 0
    let custom = "k8s/kubernetes-ingress-nginx@e0525f74__docs__examples__customization__custom-configuration__nginx-custom-configuration.yaml:Deployment/nginx-ingress-controller";
    check(custom, "grace_period", json!(60), "explicit", Some(23));
    // Dockerfiles: stop signals written, inherited from the official image, or unknown behind an ARG
    check(
        "docker/docker-library-php__8.2__bookworm__fpm__Dockerfile",
        "stop_signal",
        json!("SIGQUIT"),
        "explicit",
        Some(279),
    );
    check(
        "docker/nginxinc-docker-nginx__mainline__debian__Dockerfile",
        "stop_signal",
        json!("SIGQUIT"),
        "explicit",
        Some(143),
    );
    // FROM nginx:1.26.3-alpine-slim (line 6): the official image's STOPSIGNAL
    check("docker/nginxinc-docker-nginx__stable__alpine__Dockerfile", "stop_signal", json!("SIGQUIT"), "default", None);
    // FROM ${BASE_IMAGE} (line 17): not knowable
    check("docker/kubernetes-ingress-nginx__rootfs__Dockerfile", "stop_signal", json!(null), "unknown", None);
}
