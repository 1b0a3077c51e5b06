//! Kubernetes manifests, Helm values and ingress-nginx: typed values and
//! hop settings with their origins (file and line), on the fixtures in
//! `tests/fixtures/k8s` and on the real manifests of `../shared/corpus/k8s`.

mod common;

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use hoplint::knowledge::Version;
use hoplint::model::command::Form;
use hoplint::model::hop::{Hop, HopKind};
use hoplint::model::ingress_nginx::{self, IngressNginx};
use hoplint::model::k8s::pod::HookAction;
use hoplint::model::k8s::{
    Field, HelmValues, Manifests, PortRef, container_hops, embedded_configs, is_helm_template, looks_like_kubernetes,
    read_helm_values, read_manifests,
};
use hoplint::model::setting::{Millis, Origin, Setting};
use hoplint::source::{FileId, SourceFile};
use hoplint::span::Span;

const FIXTURES: &str = "tests/fixtures/k8s";

/// Files of one test, each with the id it was read under.
struct Files {
    sources: Vec<SourceFile>,
}

impl Files {
    fn new() -> Self {
        Files { sources: Vec::new() }
    }

    fn load(&mut self, path: &Path) -> (FileId, &SourceFile) {
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let id = FileId(u32::try_from(self.sources.len()).unwrap());
        self.sources.push(SourceFile::new(path.to_path_buf(), bytes));
        (id, &self.sources[id.0 as usize])
    }

    fn manifests(&mut self, fixture: &str) -> Manifests {
        let (id, source) = self.load(&Path::new(FIXTURES).join(fixture));
        read_manifests(id, source)
    }

    fn helm(&mut self, fixture: &str) -> Option<HelmValues> {
        let (id, source) = self.load(&Path::new(FIXTURES).join(fixture));
        read_helm_values(id, source)
    }

    fn source(&self, file: FileId) -> &SourceFile {
        &self.sources[file.0 as usize]
    }

    fn line(&self, file: FileId, span: Span) -> usize {
        self.source(file).lines.line(span.start)
    }

    fn text(&self, file: FileId, span: Span) -> &str {
        span.text(&self.source(file).text)
    }

    /// `(file name, line, text)` of an explicit setting.
    fn origin<T>(&self, setting: &Setting<T>) -> (String, usize, String) {
        let Origin::Explicit { file, span } = setting.origin else { panic!("not explicit: {:?}", setting.origin) };
        let name = self.source(file).path.file_name().unwrap().to_string_lossy().into_owned();
        (name, self.line(file, span), self.text(file, span).to_owned())
    }
}

fn origin(name: &str, line: usize, text: &str) -> (String, usize, String) {
    (name.to_owned(), line, text.to_owned())
}

fn default_what<T>(setting: &Setting<T>) -> &str {
    match &setting.origin {
        Origin::Default { what } => what,
        other => panic!("not a default: {other:?}"),
    }
}

fn hop<'h>(hops: &'h [Hop], id_suffix: &str) -> &'h Hop {
    hops.iter()
        .find(|h| h.id.ends_with(id_suffix))
        .unwrap_or_else(|| panic!("no hop `{id_suffix}` in {:?}", hops.iter().map(|h| &h.id).collect::<Vec<_>>()))
}

#[test]
fn deployment_service_and_ingress_of_a_gunicorn_app() {
    let mut files = Files::new();
    let m = files.manifests("web-app.yaml");
    assert!(m.problems.is_empty(), "{:?}", m.problems);
    assert_eq!(
        m.objects.iter().map(hoplint::model::k8s::Object::kind_name).collect::<Vec<_>>(),
        ["Deployment/web", "Service/web", "Ingress/web"]
    );

    let deployment = &m.objects[0];
    assert_eq!(deployment.meta.namespace, "shop");
    assert_eq!(files.line(m.file, deployment.name_line), 5);
    let workload = deployment.workload().unwrap();
    let labels: Vec<(&str, &str)> =
        workload.template_labels.iter().map(|l| (l.key.as_str(), l.value.as_str())).collect();
    assert_eq!(labels, [("app", "web"), ("tier", "frontend")]);
    let pod = &workload.pod;
    assert_eq!(files.line(m.file, pod.spec_line), 19);
    assert_eq!(files.text(m.file, pod.spec_line), "spec:");
    assert_eq!(pod.termination_grace_period_seconds.value(), Some(&45));
    assert_eq!(pod.host_network, Field::Absent);
    let volume = pod.volumes[0].config_map.as_ref().unwrap();
    assert_eq!(volume.name.value, "web-config");
    assert_eq!(
        (volume.items[0].key.value.as_str(), volume.items[0].path.value.as_str()),
        ("gunicorn.conf.py", "gunicorn.conf.py")
    );

    let names: Vec<(&str, bool)> = pod.containers.iter().map(|c| (c.name.as_str(), c.is_init)).collect();
    assert_eq!(names, [("app", false), ("log-shipper", false), ("migrate", true)]);
    let app = &pod.containers[0];
    assert_eq!(files.text(m.file, app.line), "- name: app");
    assert_eq!(files.line(m.file, app.line), 29);
    let image = &app.image.as_ref().unwrap().value;
    assert_eq!(
        (image.registry.as_deref(), image.repository.as_str(), image.tag.as_deref()),
        (Some("ghcr.io"), "example/shop-web", Some("2.4.1"))
    );
    let full = app.full_command().unwrap();
    assert_eq!(full.form, Form::Exec);
    let words: Vec<&str> = full.words.iter().map(|w| w.text.as_str()).collect();
    assert_eq!(words, ["gunicorn", "--config", "/etc/gunicorn/gunicorn.conf.py", "shop.wsgi:application"]);
    assert_eq!(files.text(m.file, full.words[3].span), "\"shop.wsgi:application\"");
    let cmd_args = app.env_var("GUNICORN_CMD_ARGS").unwrap();
    assert_eq!(cmd_args.value.as_deref(), Some("--keep-alive 2 --workers 4"));
    assert_eq!(files.line(m.file, cmd_args.span), 35);
    assert_eq!(app.env_var("POD_NAMESPACE").unwrap().value, None);
    assert_eq!(app.env_field_refs[0].field_path, "metadata.namespace");
    assert_eq!(app.env_var("EMPTY").unwrap().value.as_deref(), Some(""));
    assert_eq!(app.env_from_config_maps[0].value, "web-env");
    let port = &app.ports[0];
    assert_eq!((port.container_port.value(), port.name.as_ref().unwrap().value.as_str()), (Some(&8000), "http"));
    assert_eq!(app.volume_mounts[0].sub_path.as_ref().unwrap().value, "gunicorn.conf.py");
    assert_eq!(files.line(m.file, app.readiness_probe.unwrap()), 52);
    let pre_stop = app.pre_stop.as_ref().unwrap();
    assert_eq!(files.text(m.file, pre_stop.line), "preStop:");
    let HookAction::Exec(hook) = &pre_stop.action else { panic!("exec hook") };
    assert_eq!(hook.words.iter().map(|w| w.text.as_str()).collect::<Vec<_>>(), ["sh", "-c", "sleep 10"]);
    assert!(pod.containers[1].readiness_probe.is_none());

    let service = m.objects[1].service().unwrap();
    assert_eq!(service.selector[0].key, "app");
    let service_port = &service.ports[0];
    assert_eq!(service_port.port.value(), Some(&80));
    assert_eq!(service_port.target_port.as_ref().unwrap().value, PortRef::Name("http".into()));
    assert_eq!(files.line(m.file, service_port.line), 76);

    let ingress_object = &m.objects[2];
    let ingress = ingress_object.ingress().unwrap();
    let class = ingress.class.as_ref().unwrap();
    assert_eq!((class.name.as_str(), class.from_annotation, files.line(m.file, class.span)), ("nginx", false, 89));
    let fallback = ingress.default_backend.as_ref().unwrap();
    assert_eq!(
        (fallback.service.value.as_str(), &fallback.port.as_ref().unwrap().value),
        ("web-fallback", &PortRef::Name("http".into()))
    );
    let rule = &ingress.rules[0];
    assert_eq!(rule.host.as_ref().unwrap().value, "shop.example.com");
    let root = &rule.paths[0];
    assert_eq!(
        (root.path.as_ref().unwrap().value.as_str(), root.path_type.as_ref().unwrap().value.as_str()),
        ("/", "Prefix")
    );
    assert_eq!(files.line(m.file, root.line), 99);
    let backend = root.backend.as_ref().unwrap();
    assert_eq!(backend.service.value, "web");
    assert_eq!(backend.port.as_ref().unwrap().value, PortRef::Number(80));
    assert_eq!(files.line(m.file, backend.port.as_ref().unwrap().span), 105);
    assert!(rule.paths[1].backend.is_none(), "a resource backend is not a Service");
    let read_timeout = ingress_object.meta.annotation("nginx.ingress.kubernetes.io/proxy-read-timeout").unwrap();
    assert_eq!((read_timeout.value.as_str(), files.line(m.file, read_timeout.key_span)), ("120", 86));
    let defeats = ingress_nginx::pool_defeats(&ingress_object.meta);
    let lines: Vec<_> = defeats.iter().map(|(how, a)| (*how, files.line(m.file, a.value_span))).collect();
    assert_eq!(lines, [(ingress_nginx::PoolDefeat::ConnectionClose, 87)]);
}

#[test]
fn container_hops_of_the_gunicorn_app() {
    let mut files = Files::new();
    let m = files.manifests("web-app.yaml");
    let hops = container_hops(&m);
    let ids: Vec<&str> = hops.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "tests/fixtures/k8s/web-app.yaml:Deployment/web/app",
            "tests/fixtures/k8s/web-app.yaml:Deployment/web/log-shipper"
        ]
    );
    let app = &hops[0];
    assert_eq!(app.kind, HopKind::Container);
    assert_eq!(files.line(app.file, app.span), 29);
    let s = &app.settings;
    assert_eq!(s.prestop_seconds.as_ref().unwrap().value, Some(Millis::from_secs(10)));
    assert_eq!(files.origin(s.prestop_seconds.as_ref().unwrap()), origin("web-app.yaml", 59, "\"sleep 10\""));
    assert_eq!(s.grace_period.as_ref().unwrap().value, Some(Millis::from_secs(45)));
    assert_eq!(files.origin(s.grace_period.as_ref().unwrap()), origin("web-app.yaml", 20, "45"));
    let signal = s.stop_signal.as_ref().unwrap();
    assert_eq!(signal.value.as_deref(), Some("SIGTERM"));
    assert_eq!(default_what(signal), "Docker default stop signal (image STOPSIGNAL not known here)");
    assert!(s.idle_timeout.is_none() && s.pool.is_none(), "a container has no keepalive settings");

    let shipper = &hops[1].settings;
    assert_eq!(shipper.prestop_seconds.as_ref().unwrap().value, Some(Millis(0)));
    assert!(!shipper.prestop_seconds.as_ref().unwrap().is_explicit());
}

#[test]
fn v1beta1_ingress_with_service_name_and_port() {
    let mut files = Files::new();
    let m = files.manifests("ingress-v1beta1.yaml");
    assert!(m.problems.is_empty(), "{:?}", m.problems);
    let ingress = m.objects[0].ingress().unwrap();
    let class = ingress.class.as_ref().unwrap();
    assert_eq!((class.name.as_str(), class.from_annotation, files.line(m.file, class.span)), ("nginx", true, 6));
    let default = ingress.default_backend.as_ref().unwrap();
    assert_eq!(
        (default.service.value.as_str(), &default.port.as_ref().unwrap().value),
        ("default-http-backend", &PortRef::Number(80))
    );
    let paths = &ingress.rules[0].paths;
    let api = paths[0].backend.as_ref().unwrap();
    assert_eq!((api.service.value.as_str(), &api.port.as_ref().unwrap().value), ("api", &PortRef::Name("http".into())));
    assert_eq!(files.line(m.file, api.service.span), 17);
    assert!(paths[1].path.is_none());
    assert_eq!(paths[1].backend.as_ref().unwrap().port.as_ref().unwrap().value, PortRef::Number(8080));
    assert_eq!(files.line(m.file, paths[1].line), 19);
    assert_eq!(m.objects[0].meta.namespace, "default");
    assert_eq!(m.objects[0].meta.namespace_span, None);
}

#[test]
fn ingress_nginx_controller_with_an_invalid_configmap_value() {
    let mut files = Files::new();
    let all = [files.manifests("ingress-nginx/deploy.yaml"), files.manifests("ingress-nginx/configmap.yaml")];
    let controllers = ingress_nginx::find_controllers(&all);
    assert_eq!(controllers.len(), 1);
    assert_eq!(controllers[0].container.name, "controller");

    let IngressNginx { hops, invalid_values, notes } = ingress_nginx::analyze(&all, &[], None);
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(hops.len(), 1);
    let h = &hops[0];
    assert_eq!(h.id, "tests/fixtures/k8s/ingress-nginx/configmap.yaml:ConfigMap/ingress-nginx-controller");
    assert_eq!(h.kind, HopKind::IngressNginx);
    assert_eq!((h.file, files.line(h.file, h.span)), (all[1].file, 7), "the `data:` line");
    let version = h.software_version.as_ref().unwrap();
    assert_eq!(version.value.as_deref(), Some("1.11.3"));
    assert_eq!(files.origin(version).1, 23);

    let s = &h.settings;
    // "3600s" is not an integer: the controller keeps its default 60.
    let idle = s.idle_timeout.as_ref().unwrap();
    assert_eq!(idle.value, Some(Millis::from_secs(60)));
    assert_eq!(default_what(idle), "ingress-nginx 1.11.3 default upstream-keepalive-timeout");
    assert_eq!(invalid_values.len(), 1);
    let invalid = &invalid_values[0];
    assert_eq!(
        (invalid.key.as_str(), invalid.value.as_str(), invalid.default),
        ("upstream-keepalive-timeout", "3600s", Some("60"))
    );
    assert_eq!(
        (files.line(invalid.file, invalid.value_span), files.text(invalid.file, invalid.value_span)),
        (8, "\"3600s\"")
    );

    let client = s.client_idle_timeout.as_ref().unwrap();
    assert_eq!(client.value, Some(Millis::from_secs(75)));
    assert_eq!(files.origin(client), origin("configmap.yaml", 9, "\"75\""));
    let requests = s.max_requests_per_connection.as_ref().unwrap();
    assert_eq!(requests.value, Some(10_000));
    assert_eq!(default_what(requests), "ingress-nginx 1.11.3 default upstream-keepalive-requests");
    let pool = s.pool.as_ref().unwrap();
    assert_eq!(pool.value, Some(true));
    assert_eq!(default_what(pool), "ingress-nginx 1.11.3 default upstream-keepalive-connections");
    assert_eq!(files.origin(s.http_version.as_ref().unwrap()), origin("configmap.yaml", 10, "\"1.1\""));
    assert_eq!(s.read_timeout.as_ref().unwrap().value, Some(Millis::from_secs(60)));
    let drain = s.drain_timeout.as_ref().unwrap();
    assert_eq!(
        (drain.value, files.origin(drain)),
        (Some(Millis::from_secs(120)), origin("configmap.yaml", 11, "\"120s\""))
    );

    // The controller pod's shutdown settings come from the Deployment.
    let grace = s.grace_period.as_ref().unwrap();
    assert_eq!((grace.value, files.origin(grace)), (Some(Millis::from_secs(300)), origin("deploy.yaml", 20, "300")));
    let prestop = s.prestop_seconds.as_ref().unwrap();
    assert_eq!((prestop.value, files.origin(prestop)), (Some(Millis(0)), origin("deploy.yaml", 38, "/wait-shutdown")));
    let signal = s.stop_signal.as_ref().unwrap();
    assert_eq!(signal.value.as_deref(), Some("SIGTERM"));
    assert!(default_what(signal).starts_with("ingress-nginx controller image"));
    assert!(s.request_timeout.is_none() && s.worker_class.is_none());
}

#[test]
fn ingress_nginx_defaults_follow_the_controller_version() {
    let mut files = Files::new();
    let all = [files.manifests("ingress-nginx-defaults/mandatory.yaml")];
    let IngressNginx { hops, invalid_values, notes } = ingress_nginx::analyze(&all, &[], None);
    assert!(invalid_values.is_empty() && notes.is_empty());
    let h = hop(&hops, ":ConfigMap/nginx-configuration");
    assert_eq!(files.line(h.file, h.span), 5);
    assert_eq!(h.software_version.as_ref().unwrap().value.as_deref(), Some("0.30.0"));
    let s = &h.settings;
    // 100 until controller 0.40.0 (facts nginx-ingress-facts.md §3).
    let requests = s.max_requests_per_connection.as_ref().unwrap();
    assert_eq!(
        (requests.value, default_what(requests)),
        (Some(100), "ingress-nginx 0.30.0 default upstream-keepalive-requests")
    );
    assert_eq!(s.idle_timeout.as_ref().unwrap().value, Some(Millis::from_secs(60)));
    assert_eq!(s.client_idle_timeout.as_ref().unwrap().value, Some(Millis::from_secs(75)));
    assert_eq!(s.drain_timeout.as_ref().unwrap().value, Some(Millis::from_secs(240)));
    assert_eq!(s.http_version.as_ref().unwrap().value.as_deref(), Some("1.1"));
    let grace = s.grace_period.as_ref().unwrap();
    assert_eq!(
        (grace.value, default_what(grace)),
        (Some(Millis::from_secs(30)), "Kubernetes default terminationGracePeriodSeconds")
    );
}

#[test]
fn declared_versions_win_and_missing_configmaps_fall_back() {
    let mut files = Files::new();
    let deploy = [files.manifests("ingress-nginx/deploy.yaml")];
    let declared = Setting::default(Version::new(0, 30, 0), "--ingress-nginx-version");
    let result = ingress_nginx::analyze(&deploy, &[], Some(&declared));
    // `--configmap` names a ConfigMap that is not in scope: the Deployment is the hop.
    let h = hop(&result.hops, "deploy.yaml:Deployment/ingress-nginx-controller");
    assert_eq!(h.software_version.as_ref().unwrap().value.as_deref(), Some("0.30.0"));
    assert_eq!(default_what(h.software_version.as_ref().unwrap()), "--ingress-nginx-version");
    assert_eq!(h.settings.max_requests_per_connection.as_ref().unwrap().value, Some(100));
    assert_eq!(files.line(h.file, h.span), 9);

    // A ConfigMap with the conventional name and no controller: a hop, version assumed.
    // Hop ids have no namespace, so the second `ingress-nginx-controller` (staging) is not another hop.
    let configmaps = [files.manifests("ingress-nginx/configmap.yaml")];
    let orphan = ingress_nginx::analyze(&configmaps, &[], None);
    assert_eq!(orphan.hops.len(), 1);
    assert_eq!(orphan.notes.len(), 1);
    assert_eq!(orphan.notes[0].message, "ingress-nginx version assumed: 1.15.1 (newest known; no controller in scope)");
    assert_eq!(files.line(orphan.notes[0].file, orphan.notes[0].span), 5);
    let s = &orphan.hops[0].settings;
    assert_eq!(
        default_what(s.idle_timeout.as_ref().unwrap()),
        "ingress-nginx 1.15.1 default upstream-keepalive-timeout"
    );
    assert_eq!(orphan.invalid_values.len(), 1);
    assert!(!s.grace_period.as_ref().unwrap().is_known(), "the controller pod is not in scope");
}

#[test]
fn helm_values_of_the_ingress_nginx_chart() {
    let mut files = Files::new();
    let values = files.helm("helm/ingress-nginx/values.yaml").expect("ingress-nginx values");
    assert!(values.problems.is_empty(), "{:?}", values.problems);
    assert_eq!(files.line(values.file, values.controller_line), 2);
    assert_eq!(values.image.name().as_deref(), Some("registry.k8s.io/ingress-nginx/controller"));
    assert_eq!(values.extra_args[0].key, "shutdown-grace-period");
    let snippet = values.config.iter().find(|e| e.key == "server-snippet").unwrap();
    assert_eq!(snippet.embedded.text, "location /ping {\n  return 200;\n}\n");

    let result = ingress_nginx::analyze(&[], std::slice::from_ref(&values), None);
    assert!(result.notes.is_empty() && result.invalid_values.is_empty());
    let h = &result.hops[0];
    assert_eq!(h.id, "tests/fixtures/k8s/helm/ingress-nginx/values.yaml");
    assert_eq!(files.line(h.file, h.span), 7);
    assert_eq!(files.origin(h.software_version.as_ref().unwrap()), origin("values.yaml", 6, "\"v1.12.1\""));
    let s = &h.settings;
    let idle = s.idle_timeout.as_ref().unwrap();
    assert_eq!((idle.value, files.origin(idle)), (Some(Millis::from_secs(30)), origin("values.yaml", 8, "30")));
    let grace = s.grace_period.as_ref().unwrap();
    assert_eq!(
        (grace.value, default_what(grace)),
        (Some(Millis::from_secs(300)), "ingress-nginx chart default controller.terminationGracePeriodSeconds")
    );
    assert_eq!(s.prestop_seconds.as_ref().unwrap().value, Some(Millis(0)));
    assert_eq!(
        default_what(s.max_requests_per_connection.as_ref().unwrap()),
        "ingress-nginx 1.12.1 default upstream-keepalive-requests"
    );

    // A manifest controller with no ConfigMap in scope reads the only values file.
    let deploy = [files.manifests("ingress-nginx/deploy.yaml")];
    let linked = ingress_nginx::analyze(&deploy, std::slice::from_ref(&values), None);
    assert_eq!(linked.hops.len(), 1);
    let h = &linked.hops[0];
    assert_eq!(h.id, "tests/fixtures/k8s/helm/ingress-nginx/values.yaml");
    assert_eq!(h.settings.idle_timeout.as_ref().unwrap().value, Some(Millis::from_secs(30)));
    assert_eq!(files.origin(h.settings.grace_period.as_ref().unwrap()), origin("deploy.yaml", 20, "300"));
}

#[test]
fn helm_templates_and_other_values_files_are_not_read() {
    let mut files = Files::new();
    assert!(files.helm("helm/generic/values.yaml").is_none());
    assert!(files.helm("web-app.yaml").is_none(), "Kubernetes objects are not values");
    let (_, template) = files.load(&Path::new(FIXTURES).join("helm/ingress-nginx/templates/deployment.yaml"));
    assert!(is_helm_template(&template.text));
    let (_, values) = files.load(&Path::new(FIXTURES).join("helm/ingress-nginx/values.yaml"));
    assert!(!is_helm_template(&values.text));
    assert!(!looks_like_kubernetes(&values.text));
    for fixture in ["web-app.yaml", "cronjob.yaml", "configmap-embedded.yaml"] {
        let (_, source) = files.load(&Path::new(FIXTURES).join(fixture));
        assert!(!is_helm_template(&source.text), "{fixture}");
        assert!(looks_like_kubernetes(&source.text), "{fixture}");
    }
}

#[test]
fn cronjob_pod_template_and_sleep_action() {
    let mut files = Files::new();
    let m = files.manifests("cronjob.yaml");
    assert!(m.problems.is_empty(), "{:?}", m.problems);
    let workload = m.objects[0].workload().unwrap();
    assert_eq!(workload.template_labels[0].value, "report");
    assert_eq!(files.line(m.file, workload.pod.spec_line), 13);
    let hops = container_hops(&m);
    assert_eq!(hops[0].id, "tests/fixtures/k8s/cronjob.yaml:CronJob/report/report");
    let prestop = hops[0].settings.prestop_seconds.as_ref().unwrap();
    assert_eq!((prestop.value, files.origin(prestop)), (Some(Millis::from_secs(3)), origin("cronjob.yaml", 22, "3")));
}

#[test]
fn multi_document_files_lists_and_unknown_kinds() {
    let mut files = Files::new();
    let m = files.manifests("multi-doc-list.yaml");
    assert!(m.problems.is_empty(), "{:?}", m.problems);
    let kinds: Vec<String> = m.objects.iter().map(hoplint::model::k8s::Object::kind_name).collect();
    assert_eq!(kinds, ["Service/api", "Pod/api-0", "Widget/gizmo"]);
    let pod = &m.objects[1];
    assert_eq!(pod.workload().unwrap().template_labels[0].value, "api");
    let hops = container_hops(&m);
    let api = hop(&hops, ":Pod/api-0/api");
    // `name` is not the container's first key: its line is where `name:` is.
    assert_eq!(files.line(api.file, api.span), 25);
    let signal = api.settings.stop_signal.as_ref().unwrap();
    assert_eq!((signal.value.as_deref(), files.origin(signal).1), (Some("SIGUSR1"), 27));
}

#[test]
fn configmap_files_map_back_to_the_yaml() {
    let mut files = Files::new();
    let m = files.manifests("configmap-embedded.yaml");
    // `retries: 3` is a number: the API refuses non-string data.
    assert_eq!(m.problems.len(), 1);
    assert_eq!(files.line(m.file, m.problems[0].span), 20);
    let configmap = m.objects[0].configmap().unwrap();
    assert_eq!(files.line(m.file, configmap.data_line.unwrap()), 6);
    assert_eq!(configmap.get("LOG_LEVEL").unwrap().value, "info");

    let embedded = embedded_configs(&m);
    let keys: Vec<&str> = embedded.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["nginx.conf", "gunicorn.conf.py"]);
    let source = &files.source(m.file).text;

    // `|` block: every line maps to its place in the YAML file.
    let nginx = &embedded[0];
    assert_eq!(nginx.configmap, "web-config");
    assert_eq!(files.line(m.file, nginx.key_span), 7);
    let text = &nginx.embedded.text;
    assert!(text.ends_with("}\n"));
    let at = u32::try_from(text.find("keepalive 16;").unwrap()).unwrap();
    let mapped = nginx.embedded.span_to_source(Span::new(at, at + 13));
    assert_eq!(mapped.text(source), "keepalive 16;");
    assert_eq!(files.line(m.file, mapped), 10);

    // `|-` block with blank lines: no trailing newline, lines still map.
    let gunicorn = &embedded[1];
    assert_eq!(gunicorn.embedded.text, "bind = \"0.0.0.0:8000\"\n\nworkers = 4\n\n\nkeepalive = 2");
    let at = u32::try_from(gunicorn.embedded.text.find("keepalive").unwrap()).unwrap();
    let mapped = gunicorn.embedded.span_to_source(Span::new(at, at + 13));
    assert_eq!((mapped.text(source), files.line(m.file, mapped)), ("keepalive = 2", 18));
    let at = u32::try_from(gunicorn.embedded.text.find("workers").unwrap()).unwrap();
    assert_eq!(files.line(m.file, gunicorn.embedded.span_to_source(Span::at(at))), 15);
}

#[test]
fn kube_proxy_configuration_and_its_configmap() {
    let mut files = Files::new();
    let m = files.manifests("kube-proxy.yaml");
    let config = m.objects[0].kube_proxy().unwrap();
    assert_eq!(config.mode.as_ref().unwrap().value, "ipvs");
    assert_eq!(files.line(m.file, config.mode.as_ref().unwrap().span), 3);
    let conntrack = &config.conntrack;
    assert_eq!(conntrack.max_per_core.value(), Some(&0));
    assert_eq!(conntrack.tcp_established_timeout.value(), Some(&Millis::from_secs(1800)));
    assert_eq!(files.line(m.file, conntrack.tcp_established_timeout.span().unwrap()), 6);
    assert_eq!(conntrack.tcp_close_wait_timeout.value(), Some(&Millis::from_secs(3600)));

    // kubeadm's ConfigMap holds the same kind of document in `config.conf`.
    let embedded = &m.objects[1].configmap().unwrap().kube_proxy[0];
    let mode = embedded.mode.as_ref().unwrap();
    assert_eq!(
        (mode.value.as_str(), files.line(m.file, mode.span), files.text(m.file, mode.span)),
        ("iptables", 19, "\"iptables\"")
    );
    assert_eq!(embedded.conntrack.max_per_core.value(), Some(&32768));
    assert!(matches!(embedded.conntrack.tcp_established_timeout, Field::Invalid { .. }));
    assert_eq!(m.problems.len(), 1);
    assert_eq!(files.line(m.file, m.problems[0].span), 22);
    assert_eq!(files.text(m.file, m.problems[0].span), "forever");
    // Kubernetes documents in a ConfigMap are not configuration files to parse as such.
    let embedded: Vec<String> = embedded_configs(&m).into_iter().map(|e| e.key).collect();
    assert_eq!(embedded, ["nginx-snippet.conf"]);
}

#[test]
fn broken_yaml_and_alias_bombs_are_problems() {
    let mut files = Files::new();
    let broken = files.manifests("broken.yaml");
    assert_eq!(broken.objects.len(), 1, "documents before the error are kept");
    assert_eq!(broken.problems.len(), 1);
    assert!(broken.problems[0].message.starts_with("YAML syntax error"), "{}", broken.problems[0].message);
    assert_eq!(files.line(broken.file, broken.problems[0].span), 12);

    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut files = Files::new();
        let _ = tx.send(files.manifests("alias-bomb.yaml"));
    });
    let bomb = rx.recv_timeout(Duration::from_secs(20)).expect("alias bomb read in time");
    assert!(bomb.objects.is_empty());
    assert!(bomb.problems[0].message.contains("alias expansion exceeds"), "{}", bomb.problems[0].message);
}

#[test]
fn wrong_types_are_problems_with_spans() {
    let mut files = Files::new();
    let m = files.manifests("type-mismatch.yaml");
    let problems: Vec<(usize, &str)> =
        m.problems.iter().map(|p| (files.line(m.file, p.span), p.message.as_str())).collect();
    assert_eq!(
        problems,
        [
            (8, "`terminationGracePeriodSeconds` must be an integer, found `\"30\"`"),
            (11, "`containers` must be a list, found a mapping"),
            (18, "`terminationGracePeriodSeconds` must not be negative, found -5"),
            (22, "`command` must be a list, found a scalar"),
            (33, "Deployment has no pod template (`spec.template`)"),
        ]
    );
    let odd = m.objects[0].workload().unwrap();
    assert!(odd.pod.containers.is_empty());
    assert_eq!(odd.pod.host_network.value(), Some(&true));
    let hops = container_hops(&m);
    let s = &hop(&hops, ":Pod/odd-pod/app").settings;
    assert!(!s.grace_period.as_ref().unwrap().is_known());
    assert!(!s.prestop_seconds.as_ref().unwrap().is_known(), "httpGet has no known duration");
}

// ---------------------------------------------------------------- corpus

fn corpus_dir() -> Option<PathBuf> {
    common::corpus_dir("k8s")
}

/// Everything hoplint reads of one file, on another thread with a deadline.
fn read_within_deadline(path: PathBuf, id: u32) -> (Manifests, usize) {
    let (tx, rx) = mpsc::channel();
    let shown = path.display().to_string();
    std::thread::spawn(move || {
        let source = SourceFile::new(path.clone(), std::fs::read(&path).expect("readable"));
        let manifests = read_manifests(FileId(id), &source);
        let values = read_helm_values(FileId(id), &source);
        let hops = container_hops(&manifests).len() + embedded_configs(&manifests).len();
        let analyzed = ingress_nginx::analyze(std::slice::from_ref(&manifests), values.as_slice(), None);
        let _ = is_helm_template(&source.text);
        let _ = tx.send((manifests, hops + analyzed.hops.len()));
    });
    rx.recv_timeout(Duration::from_secs(20))
        .unwrap_or_else(|e| panic!("{shown}: no result in time ({e}): hang or panic"))
}

#[test]
fn corpus_files_read_without_panic_or_hang() {
    let Some(dir) = corpus_dir() else {
        common::skip_or_fail("../shared/corpus");
        return;
    };
    let files = common::files_in(&dir);
    assert!(files.len() >= 100, "expected the 114 k8s corpus files, found {}", files.len());
    let mut objects = 0;
    for (i, path) in files.into_iter().enumerate() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let (manifests, _) = read_within_deadline(path, u32::try_from(i).unwrap());
        // Every corpus file is valid YAML of well-formed objects.
        assert!(manifests.problems.is_empty(), "{name}: {:?}", manifests.problems);
        objects += manifests.objects.len();
    }
    assert!(objects > 400, "only {objects} objects read");
}

/// One corpus file, read on this thread.
fn corpus_file(files: &mut Files, dir: &Path, name: &str) -> Manifests {
    let (id, source) = files.load(&dir.join(name));
    read_manifests(id, source)
}

#[test]
fn corpus_values_read_by_hand() {
    let Some(dir) = corpus_dir() else {
        common::skip_or_fail("../shared/corpus");
        return;
    };
    let mut files = Files::new();

    // deploy/static/provider/cloud/deploy.yaml: controller v1.15.1 (line 446),
    // `--configmap=$(POD_NAMESPACE)/ingress-nginx-controller`, a ConfigMap of
    // that name without `data` (line 332), grace 300 (line 509), preStop
    // /wait-shutdown (line 452); the container's `name: controller` at line 463.
    let cloud =
        [corpus_file(&mut files, &dir, "kubernetes-ingress-nginx__deploy__static__provider__cloud__deploy.yaml")];
    let result = ingress_nginx::analyze(&cloud, &[], None);
    assert_eq!(result.hops.len(), 1);
    let h = &result.hops[0];
    assert!(h.id.ends_with("cloud__deploy.yaml:ConfigMap/ingress-nginx-controller"), "{}", h.id);
    assert_eq!(files.line(h.file, h.span), 332);
    assert_eq!(h.software_version.as_ref().unwrap().value.as_deref(), Some("1.15.1"));
    assert_eq!(files.origin(h.software_version.as_ref().unwrap()).1, 446);
    let s = &h.settings;
    assert_eq!(
        default_what(s.idle_timeout.as_ref().unwrap()),
        "ingress-nginx 1.15.1 default upstream-keepalive-timeout"
    );
    assert_eq!(s.idle_timeout.as_ref().unwrap().value, Some(Millis::from_secs(60)));
    assert_eq!(s.max_requests_per_connection.as_ref().unwrap().value, Some(10_000));
    assert_eq!(s.drain_timeout.as_ref().unwrap().value, Some(Millis::from_secs(240)));
    assert_eq!(files.origin(s.grace_period.as_ref().unwrap()).1, 509);
    assert_eq!(s.grace_period.as_ref().unwrap().value, Some(Millis::from_secs(300)));
    assert_eq!(files.origin(s.prestop_seconds.as_ref().unwrap()).1, 452);
    let container_hops_of_cloud = container_hops(&cloud[0]);
    let controller = hop(&container_hops_of_cloud, ":Deployment/ingress-nginx-controller/controller");
    assert_eq!(files.line(controller.file, controller.span), 463);

    // deploy/static/mandatory.yaml @ab3a789c: quay.io controller 0.30.0 (line
    // 220), `$(POD_NAMESPACE)/nginx-configuration` resolved to the ConfigMap
    // at line 14, grace 300 (line 214): keepalive requests default 100 then.
    let mandatory =
        [corpus_file(&mut files, &dir, "kubernetes-ingress-nginx@ab3a789c__deploy__static__mandatory.yaml")];
    let result = ingress_nginx::analyze(&mandatory, &[], None);
    let h = hop(&result.hops, ":ConfigMap/nginx-configuration");
    assert_eq!(files.line(h.file, h.span), 14);
    assert_eq!(h.software_version.as_ref().unwrap().value.as_deref(), Some("0.30.0"));
    assert_eq!(h.settings.max_requests_per_connection.as_ref().unwrap().value, Some(100));
    assert_eq!(files.origin(h.settings.grace_period.as_ref().unwrap()).1, 214);

    // docs/examples/customization/custom-configuration/configmap.yaml: the
    // ConfigMap alone, `proxy-read-timeout: "120"` at line 11.
    let custom = [corpus_file(
        &mut files,
        &dir,
        "kubernetes-ingress-nginx__docs__examples__customization__custom-configuration__configmap.yaml",
    )];
    let result = ingress_nginx::analyze(&custom, &[], None);
    let read_timeout = result.hops[0].settings.read_timeout.as_ref().unwrap();
    assert_eq!((read_timeout.value, files.origin(read_timeout).1), (Some(Millis::from_secs(120)), 11));
    assert_eq!(result.notes.len(), 1, "the version is assumed");

    // cassandra-statefulset.yaml: grace 1800 (line 18), preStop
    // `/bin/sh -c "nodetool drain"` (unknown duration), container line 20.
    let cassandra =
        corpus_file(&mut files, &dir, "kubernetes-examples__databases__cassandra__cassandra-statefulset.yaml");
    let hops = container_hops(&cassandra);
    let h = hop(&hops, ":StatefulSet/cassandra/cassandra");
    assert_eq!(files.line(h.file, h.span), 20);
    let grace = h.settings.grace_period.as_ref().unwrap();
    assert_eq!((grace.value, files.origin(grace).1), (Some(Millis::from_secs(1800)), 18));
    let prestop = h.settings.prestop_seconds.as_ref().unwrap();
    assert_eq!(
        prestop.origin,
        Origin::Unknown { reason: "preStop runs `/bin/sh -c nodetool drain`: how long it takes is not known".into() }
    );

    // microservices-demo adservice.yaml: terminationGracePeriodSeconds 5 (line 31), container `server` (line 38).
    let adservice =
        corpus_file(&mut files, &dir, "GoogleCloudPlatform-microservices-demo__kubernetes-manifests__adservice.yaml");
    let hops = container_hops(&adservice);
    let h = hop(&hops, ":Deployment/adservice/server");
    assert_eq!(files.line(h.file, h.span), 38);
    assert_eq!(
        files.origin(h.settings.grace_period.as_ref().unwrap()),
        ("GoogleCloudPlatform-microservices-demo__kubernetes-manifests__adservice.yaml".into(), 31, "5".into())
    );

    // grpc/ingress.yaml @9e274dd4: networking.k8s.io/v1beta1, class from the
    // annotation (line 5), backend fortune-teller-service port `grpc` (lines 16-17).
    let grpc = corpus_file(&mut files, &dir, "kubernetes-ingress-nginx@9e274dd4__docs__examples__grpc__ingress.yaml");
    let ingress = grpc.objects[0].ingress().unwrap();
    let class = ingress.class.as_ref().unwrap();
    assert_eq!((class.name.as_str(), class.from_annotation, files.line(grpc.file, class.span)), ("nginx", true, 5));
    let backend = ingress.rules[0].paths[0].backend.as_ref().unwrap();
    assert_eq!(
        (backend.service.value.as_str(), files.line(grpc.file, backend.service.span)),
        ("fortune-teller-service", 16)
    );
    assert_eq!(backend.port.as_ref().unwrap().value, PortRef::Name("grpc".into()));

    // AI/model-serving-tensorflow/ingress.yaml: v1, no class, path
    // `/tf(/|$)(.*)` (line 11) → Service tf-serving port 8501 (line 17).
    let tf = corpus_file(&mut files, &dir, "kubernetes-examples__AI__model-serving-tensorflow__ingress.yaml");
    let ingress = tf.objects[0].ingress().unwrap();
    assert!(ingress.class.is_none());
    let path = &ingress.rules[0].paths[0];
    assert_eq!((path.path.as_ref().unwrap().value.as_str(), files.line(tf.file, path.line)), ("/tf(/|$)(.*)", 11));
    let backend = path.backend.as_ref().unwrap();
    assert_eq!(
        (backend.service.value.as_str(), &backend.port.as_ref().unwrap().value),
        ("tf-serving", &PortRef::Number(8501))
    );
    assert_eq!(files.line(tf.file, backend.port.as_ref().unwrap().span), 17);
}
