//! `hoplint hops`: the JSON contract of DESIGN.md and effective values with
//! their origins.

mod common;

use std::path::Path;

use serde_json::Value;

fn hops(dir: &str, args: &[&str]) -> Value {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hops");
    let mut all = vec!["hops", dir, "--format", "json", "--no-config"];
    all.extend_from_slice(args);
    let (status, stdout, stderr) = common::hoplint(&root, &all);
    assert_eq!(status, 0, "{stderr}");
    common::json(&stdout)
}

fn hop<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["hops"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["id"] == id)
        .unwrap_or_else(|| panic!("no hop {id} in {report}"))
}

#[test]
fn nginx_upstreams_and_servers_with_origins() {
    let report = hops("nginx-include", &["--nginx-version", "1.18.0"]);
    assert_eq!(report["version"], 1);
    assert_eq!(report["chains"], serde_json::json!([]));
    let ids: Vec<&str> = report["hops"].as_array().unwrap().iter().map(|h| h["id"].as_str().unwrap()).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(ids, sorted, "hops are sorted by id");

    let app = hop(&report, "nginx-include/conf.d/app.conf:upstream app");
    assert_eq!(app["kind"], "nginx-upstream");
    assert_eq!((app["file"].as_str(), app["line"].as_u64()), (Some("nginx-include/conf.d/app.conf"), Some(1)));
    assert_eq!(app["software_version"]["value"], "1.18.0");
    let settings = &app["settings"];
    // The http-level keepalive_timeout is the client side: the upstream keeps
    // its own default.
    assert_eq!(settings["idle_timeout"]["value"], 60);
    assert_eq!(settings["idle_timeout"]["origin"], "default");
    assert!(settings["idle_timeout"]["what"].as_str().unwrap().starts_with("nginx 1.18.0 upstream keepalive_timeout"));
    assert_eq!(settings["max_requests_per_connection"]["value"], 500);
    assert_eq!(settings["max_requests_per_connection"]["line"], 4);
    assert_eq!(settings["pool"]["value"], true);
    assert_eq!(settings["pool"]["origin"], "explicit");

    let legacy = &hop(&report, "nginx-include/conf.d/app.conf:upstream legacy")["settings"];
    assert_eq!(legacy["max_requests_per_connection"]["value"], 100, "nginx before 1.19.10");
    assert_eq!(legacy["pool"]["value"], false);

    let shop = &hop(&report, "nginx-include/conf.d/app.conf:server shop.test")["settings"];
    assert_eq!(shop["client_idle_timeout"]["value"], 30);
    assert_eq!(shop["client_idle_timeout"]["line"], 12);
    // inherited from the http block of the including nginx.conf
    assert_eq!(shop["read_timeout"]["value"], 120);
    assert_eq!(shop["read_timeout"]["file"], "nginx-include/nginx.conf");
    assert_eq!(shop["drain_timeout"]["value"], 30);
    let other = &hop(&report, "nginx-include/conf.d/app.conf:server 81")["settings"];
    assert_eq!(other["client_idle_timeout"]["value"], 65);
    assert_eq!(other["client_idle_timeout"]["line"], 5);
}

#[test]
fn defaults_follow_the_nginx_version() {
    let newer = hops("nginx-include", &["--nginx-version", "1.30"]);
    let legacy = &hop(&newer, "nginx-include/conf.d/app.conf:upstream legacy")["settings"];
    assert_eq!(legacy["max_requests_per_connection"]["value"], 1000);
    // since 1.29.7 an upstream pools 32 connections by default
    assert_eq!(legacy["pool"]["value"], true);
    assert_eq!(legacy["pool"]["origin"], "default");
}

#[test]
fn text_output_names_values_and_origins() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hops");
    let (status, stdout, _) =
        common::hoplint(&root, &["hops", "nginx-include", "--no-config", "--nginx-version", "1.24"]);
    assert_eq!(status, 0);
    assert!(stdout.contains("nginx-include/conf.d/app.conf:upstream app  [nginx-upstream (1.24.0)]"), "{stdout}");
    assert!(stdout.contains("requests / connection  500        nginx-include/conf.d/app.conf:4"), "{stdout}");
}

fn hops_at(dir: &std::path::Path, args: &[&str]) -> Value {
    let (status, stdout, stderr) = common::hoplint(dir, args);
    assert_eq!(status, 0, "{stderr}");
    common::json(&stdout)
}

#[test]
fn kubernetes_hops_and_embedded_configs_map_back_to_the_yaml() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/k8s");
    let report = hops_at(&root, &["hops", ".", "--format", "json", "--no-config"]);
    // nginx.conf embedded in a ConfigMap: the hop and its values point into the YAML file
    let upstream = hop(&report, "configmap-embedded.yaml:ConfigMap/web-config/nginx.conf:upstream app");
    assert_eq!(upstream["file"], "configmap-embedded.yaml");
    assert_eq!(upstream["line"], 8);
    assert_eq!(upstream["settings"]["pool"]["file"], "configmap-embedded.yaml");
    assert_eq!(upstream["settings"]["pool"]["line"], 10);
    // an invalid ConfigMap value behaves as the controller does: the default applies
    let controller = hop(&report, "ingress-nginx/configmap.yaml:ConfigMap/ingress-nginx-controller");
    assert_eq!(controller["kind"], "ingress-nginx");
    assert_eq!(controller["software_version"]["value"], "1.11.3");
    assert_eq!(controller["settings"]["idle_timeout"]["value"], 60);
    assert_eq!(controller["settings"]["idle_timeout"]["origin"], "default");
    assert_eq!(controller["settings"]["grace_period"]["value"], 300);
    assert_eq!(controller["settings"]["grace_period"]["file"], "ingress-nginx/deploy.yaml");
}

#[test]
fn declared_ingress_nginx_version_wins_over_the_image_tag() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/k8s");
    let report = hops_at(
        &root,
        &["hops", "ingress-nginx", "--format", "json", "--no-config", "--ingress-nginx-version", "0.39"],
    );
    let controller = hop(&report, "ingress-nginx/configmap.yaml:ConfigMap/ingress-nginx-controller");
    assert_eq!(controller["settings"]["max_requests_per_connection"]["value"], 100, "before 0.40.0");
}

#[test]
fn rendered_helm_output_on_stdin() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/k8s/ingress-nginx");
    let mut text = String::new();
    for name in ["configmap.yaml", "deploy.yaml"] {
        text.push_str(&std::fs::read_to_string(root.join(name)).unwrap());
        text.push_str("\n---\n");
    }
    let output = assert_cmd::Command::cargo_bin("hoplint")
        .unwrap()
        .args(["hops", "-", "--format", "json", "--no-config"])
        .write_stdin(text)
        .output()
        .unwrap();
    let report = common::json(&String::from_utf8_lossy(&output.stdout));
    let controller = hop(&report, "-:ConfigMap/ingress-nginx-controller");
    assert_eq!(controller["settings"]["client_idle_timeout"]["origin"], "explicit");
}

#[test]
fn tomcat_and_spring_boot_hops() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let report = hops_at(&root, &["hops", "tomcat", "spring", "--format", "json", "--no-config"]);
    let stock = hop(&report, "tomcat/stock-9/conf/server.xml");
    assert_eq!(stock["kind"], "tomcat");
    // the shipped server.xml sets connectionTimeout="20000": keepAliveTimeout falls back to it
    assert_eq!(stock["settings"]["idle_timeout"]["value"], 20);
    assert_eq!(stock["settings"]["idle_timeout"]["line"], 24);
    assert_eq!(stock["settings"]["max_requests_per_connection"]["value"], 100);
    let placeholder = hop(&report, "tomcat/placeholder-default/conf/server.xml");
    assert_eq!(placeholder["settings"]["idle_timeout"]["value"], 65);
    assert_eq!(placeholder["settings"]["idle_timeout"]["origin"], "default");
    let shop = hop(&report, "spring/shop/src/main/resources/application.properties");
    assert_eq!(shop["kind"], "spring-boot");
    assert_eq!(shop["software_version"]["value"], "3.3.5");
    assert_eq!(shop["settings"]["idle_timeout"]["value"], 20);
    // Spring Boot before 3.4 shuts down immediately: nothing drains
    assert_eq!(shop["settings"]["drain_timeout"]["value"], 0);
}

fn chains(report: &Value) -> Vec<(String, String, String)> {
    report["chains"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let hops = c["hops"].as_array().unwrap();
            (
                hops[0].as_str().unwrap().to_owned(),
                hops[1].as_str().unwrap().to_owned(),
                c["link"]["how"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn links_inline_compose_and_implicit() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let inline = hops_at(&root, &["hops", "hops/inline", "--format", "json", "--no-config"]);
    assert_eq!(
        chains(&inline),
        [("hops/inline/nginx.conf:upstream app".into(), "hops/inline/app/gunicorn.conf.py".into(), "inline".into())]
    );
    assert_eq!(inline["chains"][0]["link"]["line"], 4);
    let compose = hops_at(&root, &["hops", "docker/compose", "--format", "json", "--no-config"]);
    assert_eq!(
        chains(&compose),
        [(
            "docker/compose/nginx/nginx.conf:upstream app".into(),
            "docker/compose/docker-compose.yml:service app".into(),
            "compose".into()
        )]
    );
}

#[test]
fn kubernetes_links_follow_ingress_service_and_selector() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/k8s");
    let dir = tempfile::tempdir().unwrap();
    for name in ["web-app.yaml", "ingress-nginx/configmap.yaml", "ingress-nginx/deploy.yaml"] {
        std::fs::copy(root.join(name), dir.path().join(Path::new(name).file_name().unwrap())).unwrap();
    }
    let report = hops_at(dir.path(), &["hops", ".", "--format", "json", "--no-config"]);
    assert_eq!(
        chains(&report),
        [(
            "configmap.yaml:ConfigMap/ingress-nginx-controller".into(),
            "web-app.yaml:Deployment/web/app".into(),
            "kubernetes".into()
        )]
    );
    // the evidence is the Ingress path that routes to the Service
    assert_eq!(report["chains"][0]["link"]["file"], "web-app.yaml");
}

/// `hoplint hops ARGS…` run in `dir`, which must succeed; its stdout.
fn hops_output(dir: &Path, args: &[&str]) -> String {
    let (status, stdout, stderr) = common::hoplint(dir, args);
    assert_eq!(status, 0, "{stderr}");
    stdout
}

fn example(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples").join(name)
}

const EXAMPLES: [&str; 3] = ["nginx-tomcat", "ingress-gunicorn", "shop"];

#[test]
fn every_format_of_the_examples_is_snapshotted() {
    for name in EXAMPLES {
        for format in ["text", "mermaid", "dot"] {
            let stdout = hops_output(&example(name), &["hops", ".", "--format", format]);
            let mut settings = insta::Settings::clone_current();
            settings.set_snapshot_suffix(format!("{name}__{format}"));
            settings.set_prepend_module_to_snapshot(false);
            settings.bind(|| insta::assert_snapshot!("hops_example", stdout));
        }
    }
}

/// The ladder part of the text output: from the first chain on.
fn ladders(fixture: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hops");
    let stdout = hops_output(&root, &["hops", fixture, "--no-config", "--nginx-version", "1.24"]);
    let start = stdout.find("chain 1  ").unwrap_or_else(|| panic!("no chain in:\n{stdout}"));
    stdout[start..].to_owned()
}

/// The mark between the two sides of a chain's row (the first chain of
/// `text`).
fn mark(text: &str, label: &str) -> char {
    let ladder = &text[text.find("chain 1  ").unwrap_or_else(|| panic!("no chain in:\n{text}"))..];
    let row = ladder.lines().find(|l| l.trim_start().starts_with(label)).unwrap_or_else(|| panic!("no {label} row"));
    let marks: Vec<char> = row.chars().filter(|c| ['✗', '✓', '·'].contains(c)).collect();
    assert_eq!(marks.len(), 1, "one mark in {row:?}");
    marks[0]
}

#[test]
fn ladders_mark_breaks_holds_and_unknowns() {
    let broken = hops_output(&example("nginx-tomcat"), &["hops", "."]);
    assert!(
        broken.contains(
            "chain 1  nginx/nginx.conf:upstream tomcat → tomcat/conf/server.xml (tomcat 11.0.26)  (linked: inline, nginx/nginx.conf:9)"
        ),
        "{broken}"
    );
    assert_eq!(mark(&broken, "idle keepalive"), '✗', "60s ≥ 20s");
    assert_eq!(mark(&broken, "requests / connection"), '✗', "1000 > 100");
    // the hop blocks stay in front of the chains
    assert!(broken.find("tomcat/conf/server.xml  [tomcat").unwrap() < broken.find("chain 1").unwrap());

    let holds = ladders("ladder-holds");
    assert_eq!(mark(&holds, "idle keepalive"), '✓', "50s < 65s");
    assert_eq!(mark(&holds, "requests / connection"), '✓', "90 ≤ 100");
    assert!(holds.contains("50s  ladder-holds/nginx.conf:7"), "{holds}");

    let unknown = ladders("ladder-unknown");
    assert_eq!(mark(&unknown, "idle keepalive"), '·', "the backend's keepalive comes from the environment");
    assert!(unknown.contains("·  ?"), "{unknown}");
    assert_eq!(mark(&unknown, "requests / connection"), '✓', "gunicorn has no cap");

    let unused = ladders("ladder-pool-unused");
    assert_eq!(mark(&unused, "idle keepalive"), '·', "HTTP/1.0 never reuses the pool");
    assert!(unused.contains("keepalive is not compared"), "{unused}");
}

#[test]
fn fixture_ladders_are_snapshotted() {
    for fixture in ["ladder-holds", "ladder-unknown", "ladder-pool-unused"] {
        let ladder = ladders(fixture);
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_suffix(fixture);
        settings.set_prepend_module_to_snapshot(false);
        settings.bind(|| insta::assert_snapshot!("hops_ladder", ladder));
    }
}

#[test]
fn diagrams_have_a_node_per_hop_and_an_edge_per_link() {
    for name in EXAMPLES {
        let report = hops_at(&example(name), &["hops", ".", "--format", "json"]);
        let hop_count = report["hops"].as_array().unwrap().len();
        let link_count = report["chains"].as_array().unwrap().len();
        assert!(link_count > 0, "{name} links its hops");

        let mermaid = hops_output(&example(name), &["hops", ".", "--format", "mermaid"]);
        assert!(mermaid.starts_with("flowchart LR\n"), "{mermaid}");
        let nodes = mermaid.lines().filter(|l| l.trim_start().starts_with('h') && l.contains("[\"")).count();
        assert_eq!(nodes, hop_count, "{mermaid}");
        assert_eq!(mermaid.matches(" -->|\"").count(), link_count, "{mermaid}");
        // labels are quoted and hold no raw quote
        for line in mermaid.lines().filter(|l| l.contains('"')) {
            assert_eq!(line.matches('"').count(), 2, "{line}");
        }

        let dot = hops_output(&example(name), &["hops", ".", "--format", "dot"]);
        assert!(dot.starts_with("digraph "), "{dot}");
        assert!(dot.ends_with("}\n"), "{dot}");
        assert_eq!(dot.matches(" -> ").count(), link_count, "{dot}");
    }
}

#[test]
fn mismatched_links_are_drawn_red() {
    let mermaid = hops_output(&example("nginx-tomcat"), &["hops", ".", "--format", "mermaid"]);
    assert!(mermaid.contains("✗ idle 60s ≥ 20s"), "{mermaid}");
    assert!(mermaid.contains("linkStyle 0 stroke:red"), "{mermaid}");
    let dot = hops_output(&example("nginx-tomcat"), &["hops", ".", "--format", "dot"]);
    assert!(dot.contains("color=red"), "{dot}");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hops");
    let holds = hops_output(&root, &["hops", "ladder-holds", "--format", "mermaid", "--no-config"]);
    assert!(!holds.contains("linkStyle") && !holds.contains('✗'), "{holds}");
}

#[test]
fn graphviz_accepts_the_dot_output() {
    let dot_available = std::process::Command::new("dot").arg("-V").output().is_ok_and(|o| o.status.success());
    if !dot_available {
        return common::skip_or_fail("graphviz (dot)");
    }
    for name in EXAMPLES {
        let dot = hops_output(&example(name), &["hops", ".", "--format", "dot"]);
        let output = assert_cmd::Command::new("dot").arg("-Tsvg").write_stdin(dot).output().unwrap();
        assert!(output.status.success(), "{name}: {}", String::from_utf8_lossy(&output.stderr));
        assert!(String::from_utf8_lossy(&output.stdout).contains("<svg"), "{name}");
    }
}

/// The chains of a rule fixture (run with its own hoplint.toml).
fn fixture_chains(case: &str) -> Vec<Value> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
    let (status, stdout, stderr) = common::hoplint(&root, &["hops", case, "--format", "json"]);
    assert_eq!(status, 0, "{stderr}");
    common::json(&stdout)["chains"].as_array().unwrap().clone()
}

#[test]
fn config_links_are_shown_and_stale_ones_fall_back() {
    let chains = fixture_chains("KA001/fire_config_link");
    assert_eq!(
        chains,
        [serde_json::json!({
            "hops": ["KA001/fire_config_link/nginx.conf:upstream api", "KA001/fire_config_link/api/gunicorn.conf.py"],
            "link": {"how": "config", "file": "KA001/fire_config_link/hoplint.toml", "line": 6},
        })]
    );
    // The entry names a missing backend: the upstream keeps its inline link.
    let chains = fixture_chains("HL003/fire_stale_config_link");
    assert_eq!(chains.len(), 1);
    assert_eq!(chains[0]["link"]["how"], "inline");
}

#[test]
fn load_balancers_are_hops_linked_to_what_they_front() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
    let case = "KA008/fire_alb_ingress_idle_120_nginx_75";
    let (_, stdout, _) = common::hoplint(&root, &["hops", case, "--format", "json"]);
    let report = common::json(&stdout);
    let alb = hop(&report, &format!("{case}/k8s.yaml:Ingress/web"));
    assert_eq!(alb["kind"], "load-balancer");
    assert_eq!(alb["settings"]["idle_timeout"]["value"], 120);
    assert_eq!(alb["settings"]["idle_timeout"]["line"], 39);
    let chains = fixture_chains(case);
    assert_eq!(chains[0]["hops"][1], format!("{case}/nginx.conf:server 8080"));
    assert_eq!(chains[0]["link"]["how"], "kubernetes");
    // `[front]`: linked from its hoplint.toml line, with the kind's fixed value.
    let chains = fixture_chains("KA008/fire_front_gcp_alb_nginx_default");
    assert_eq!(chains[0]["link"]["how"], "config");
    assert_eq!(chains[0]["link"]["line"], 4);
}

/// Backend versions: `--version NAME=V` beats `[versions]`, which beats pins
/// and image tags; Tomcat and Spring Boot take theirs from `[versions]`.
#[test]
fn declared_backend_versions_win() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("gunicorn.conf.py"), "worker_class = \"gthread\"\n").unwrap();
    std::fs::create_dir_all(dir.path().join("conf")).unwrap();
    std::fs::write(
        dir.path().join("conf/server.xml"),
        "<Server><Service name=\"Catalina\"><Connector port=\"8080\" protocol=\"HTTP/1.1\"/></Service></Server>\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("hoplint.toml"), "[versions]\ngunicorn = \"22.0\"\ntomcat = \"9.0.80\"\n").unwrap();
    let version = |report: &Value, id: &str| hop(report, id)["software_version"]["value"].as_str().map(str::to_owned);
    let report = hops_at(dir.path(), &["hops", ".", "--format", "json"]);
    assert_eq!(version(&report, "gunicorn.conf.py").as_deref(), Some("22.0.0"));
    assert_eq!(version(&report, "conf/server.xml").as_deref(), Some("9.0.80"));
    assert_eq!(hop(&report, "conf/server.xml")["software_version"]["line"], 3, "the toml line");
    let report = hops_at(dir.path(), &["hops", ".", "--format", "json", "--version", "gunicorn=23.0.0"]);
    assert_eq!(version(&report, "gunicorn.conf.py").as_deref(), Some("23.0.0"));
    let (status, _, stderr) = common::hoplint(dir.path(), &["hops", ".", "--version", "gunicron=23"]);
    assert_eq!(status, 2);
    assert!(stderr.contains("unknown software `gunicron`"), "{stderr}");
}

/// A Tomcat image built here with the server.xml copied in gives Tomcat's
/// version (`FROM tomcat:9.0.80-jdk17`); the Kubernetes container running
/// that image is the Tomcat hop.
#[test]
fn tomcat_version_and_container_from_the_image_built_here() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules/KA001");
    let report = hops_at(&root, &["hops", "fire_k8s_tomcat_image_built_here", "--format", "json"]);
    let container = hop(&report, "fire_k8s_tomcat_image_built_here/k8s/legacy.yaml:Deployment/legacy/legacy");
    assert_eq!(container["kind"], "tomcat");
    assert_eq!(container["software_version"]["value"], "9.0.80");
    assert_eq!(container["software_version"]["file"], "fire_k8s_tomcat_image_built_here/legacy/Dockerfile");
    assert_eq!(container["settings"]["idle_timeout"]["value"], 20);
}
