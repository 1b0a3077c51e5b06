//! Tomcat `server.xml` and Spring Boot `application.*` readers on the
//! fixtures in `tests/fixtures/{tomcat,spring}` (exact values and origins),
//! and on the real server.xml files of `../shared/corpus/tomcat`.

mod common;

use std::fmt::Debug;
use std::path::{Path, PathBuf};
use std::time::Duration;

use hoplint::knowledge::java::tomcat_image_version;
use hoplint::model::command::EnvVar;
use hoplint::model::hop::HopKind;
use hoplint::model::jvm::{self, DeclaredVersion, SPRING_OPTION_VARIABLES, TOMCAT_OPTION_VARIABLES};
use hoplint::model::setting::{Millis, Origin, Setting};
use hoplint::model::spring::{self, EmbeddedServer, Profiles, SpringApp};
use hoplint::model::tomcat::{self, AttrValue, PropertySources, Protocol, TomcatServer};
use hoplint::source::{FileId, SourceFile};
use hoplint::span::Span;
use hoplint::syntax::properties;

/// Fixture files loaded under paths relative to `tests/fixtures`.
#[derive(Default)]
struct Files {
    files: Vec<SourceFile>,
}

impl Files {
    fn load(&mut self, relative: &str) -> FileId {
        let bytes = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(relative))
            .unwrap_or_else(|e| panic!("{relative}: {e}"));
        self.add(relative, bytes)
    }

    fn add(&mut self, path: &str, bytes: Vec<u8>) -> FileId {
        self.files.push(SourceFile::new(PathBuf::from(path), bytes));
        FileId(u32::try_from(self.files.len() - 1).unwrap())
    }

    fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// `(path, line)` of an explicit origin.
    fn place(&self, origin: &Origin) -> (String, usize) {
        let Origin::Explicit { file, span } = origin else { panic!("not explicit: {origin:?}") };
        let source = self.get(*file);
        (source.display_path(), source.lines.line(span.start))
    }

    /// The text an explicit origin points at.
    fn text(&self, origin: &Origin) -> &str {
        let Origin::Explicit { file, span } = origin else { panic!("not explicit: {origin:?}") };
        span.text(&self.get(*file).text)
    }

    /// An environment variable written in a (virtual) manifest, its span on
    /// the value.
    fn env(&mut self, name: &str, value: &str) -> EnvVar {
        let text = format!("- name: {name}\n  value: {value}\n");
        let start = u32::try_from(text.find("value: ").unwrap() + "value: ".len()).unwrap();
        let end = start + u32::try_from(value.len()).unwrap();
        let file = self.add("deploy/app.yaml", text.into_bytes());
        EnvVar { name: name.to_owned(), value: Some(value.to_owned()), file, span: Span::new(start, end) }
    }
}

#[track_caller]
#[allow(clippy::needless_pass_by_value)] // `Some(…)` at call sites reads best
fn explicit<T: PartialEq + Debug>(files: &Files, setting: &Setting<T>, value: Option<T>, path: &str, line: usize) {
    assert_eq!(setting.value, value, "{setting:?}");
    assert_eq!(files.place(&setting.origin), (path.to_owned(), line), "{setting:?}");
}

#[track_caller]
#[allow(clippy::needless_pass_by_value)]
fn default<T: PartialEq + Debug>(setting: &Setting<T>, value: Option<T>, what: &str) {
    assert_eq!(setting.value, value, "{setting:?}");
    assert_eq!(setting.origin, Origin::Default { what: what.to_owned() });
}

#[track_caller]
fn unknown<T: Debug>(setting: &Setting<T>, reason: &str) {
    assert!(setting.value.is_none(), "{setting:?}");
    assert_eq!(setting.origin, Origin::Unknown { reason: reason.to_owned() });
}

/// A known timeout, as `Setting::value` holds it.
#[allow(clippy::unnecessary_wraps)]
fn ms(n: u64) -> Option<Millis> {
    Some(Millis(n))
}

// ------------------------------------------------------------------ Tomcat

fn server_xml(
    files: &mut Files,
    path: &str,
    props: &PropertySources,
    version: Option<DeclaredVersion>,
) -> TomcatServer {
    let id = files.load(path);
    tomcat::read_server_xml(id, files.get(id), props, version)
}

/// The version a Dockerfile's `FROM tomcat:TAG` declares.
fn dockerfile_version(files: &mut Files, path: &str) -> DeclaredVersion {
    let id = files.load(path);
    let text = &files.get(id).text;
    let tag_start = text.find("tomcat:").unwrap() + "tomcat:".len();
    let tag_end = tag_start + text[tag_start..].find(char::is_whitespace).unwrap();
    let version = tomcat_image_version(&text[tag_start..tag_end]).unwrap();
    DeclaredVersion {
        version,
        file: id,
        span: Span::new(u32::try_from(tag_start).unwrap(), u32::try_from(tag_end).unwrap()),
    }
}

#[test]
fn stock_tomcat_9() {
    let mut files = Files::default();
    let version = dockerfile_version(&mut files, "tomcat/stock-9/Dockerfile");
    let server = server_xml(&mut files, "tomcat/stock-9/conf/server.xml", &PropertySources::default(), Some(version));
    assert!(server.problems.is_empty());
    // Commented-out Executor, Connectors and AJP are not read.
    let service = &server.services[0];
    assert!(service.executors.is_empty());
    assert_eq!(service.connectors.len(), 1);
    let hops = server.hops();
    assert_eq!(hops.len(), 1);
    let hop = &hops[0];
    assert_eq!(hop.id, "tomcat/stock-9/conf/server.xml");
    assert_eq!(hop.kind, HopKind::Tomcat);
    assert_eq!(files.get(hop.file).lines.line(hop.span.start), 23);
    assert!(hop.span.text(&files.get(hop.file).text).starts_with("<Connector port=\"8080\""));
    assert!(hop.span.text(&files.get(hop.file).text).ends_with("redirectPort=\"8443\" />"));
    let software = hop.software_version.as_ref().unwrap();
    explicit(&files, software, Some("9.0.80".to_owned()), "tomcat/stock-9/Dockerfile", 1);
    let s = &hop.settings;
    explicit(&files, s.idle_timeout.as_ref().unwrap(), ms(20_000), "tomcat/stock-9/conf/server.xml", 24);
    default(s.max_requests_per_connection.as_ref().unwrap(), Some(100), "Tomcat 9.0.80 maxKeepAliveRequests default");
    default(s.drain_timeout.as_ref().unwrap(), ms(0), "Tomcat 9.0.80 gracefulStopAwaitMillis default (no wait)");
    assert!(s.client_idle_timeout.is_none() && s.stop_signal.is_none());
}

#[test]
fn placeholder_defaults_and_system_properties() {
    let mut files = Files::default();
    let path = "tomcat/placeholder-default/conf/server.xml";
    let server = server_xml(&mut files, path, &PropertySources::default(), None);
    let hop = &server.hops()[0];
    default(
        hop.settings.idle_timeout.as_ref().unwrap(),
        ms(65_000),
        "Tomcat 11.0.26 (assumed) keepAliveTimeout: placeholder default of ${http.keepalive:-65000} (http.keepalive is not defined in the repository)",
    );
    default(
        hop.settings.max_requests_per_connection.as_ref().unwrap(),
        Some(500),
        "Tomcat 11.0.26 (assumed) maxKeepAliveRequests: placeholder default of ${http.max.requests:-500} (http.max.requests is not defined in the repository)",
    );
    default(
        hop.software_version.as_ref().unwrap(),
        Some("11.0.26".to_owned()),
        "newest known Tomcat (no version declared in the repository)",
    );

    // An older declared release predates the `:-` form: read as newer ones do, and said.
    let old =
        DeclaredVersion { version: tomcat_image_version("9.0.30").unwrap(), file: FileId(0), span: Span::new(0, 1) };
    let server = server_xml(&mut files, path, &PropertySources::default(), Some(old));
    let hops = server.hops();
    let Origin::Default { what } = &hops[0].settings.idle_timeout.as_ref().unwrap().origin else { panic!() };
    assert!(what.ends_with("; Tomcat 9.0.30 predates this `:-` form (9.0.35), read as newer releases do"), "{what}");

    // `-Dhttp.keepalive` in CATALINA_OPTS wins over the default.
    let opts = files.env("CATALINA_OPTS", "-Xmx512m -Dhttp.keepalive=30000");
    let system = jvm::system_properties(&[opts], TOMCAT_OPTION_VARIABLES, |id| Some(files.get(id).text.as_str()));
    let mut props = PropertySources::default();
    props.add_system_properties(&system);
    let server = server_xml(&mut files, path, &props, None);
    let connector = &server.services[0].connectors[0];
    let keep_alive = connector.keep_alive_timeout.as_ref().unwrap();
    explicit(&files, keep_alive.setting().unwrap(), ms(30_000), path, 7);
    assert_eq!(files.text(&keep_alive.setting().unwrap().origin), "${http.keepalive:-65000}");
    let (from_file, from_span) = keep_alive.resolved_from.unwrap();
    assert_eq!(from_span.text(&files.get(from_file).text), "30000");
    assert_eq!(files.get(from_file).display_path(), "deploy/app.yaml");
}

#[test]
fn placeholders_resolved_from_catalina_properties() {
    let mut files = Files::default();
    let props_id = files.load("tomcat/catalina-properties/conf/catalina.properties");
    let xml_path = Path::new("tomcat/catalina-properties/conf/server.xml");
    let chosen = tomcat::catalina_properties_for(xml_path, [(props_id, files.get(props_id).path.as_path())]);
    assert_eq!(chosen, Some(props_id));
    let mut props = PropertySources::default();
    props.add_catalina_properties(props_id, &properties::parse(&files.get(props_id).text));
    let server = server_xml(&mut files, "tomcat/catalina-properties/conf/server.xml", &props, None);
    let connector = &server.services[0].connectors[0];
    let timeout = connector.connection_timeout.as_ref().unwrap();
    explicit(&files, timeout.setting().unwrap(), ms(25_000), "tomcat/catalina-properties/conf/server.xml", 5);
    let (file, span) = timeout.resolved_from.unwrap();
    assert_eq!(
        (files.get(file).display_path(), files.get(file).lines.line(span.start)),
        ("tomcat/catalina-properties/conf/catalina.properties".to_owned(), 2)
    );
    assert_eq!(connector.port.as_ref().unwrap().text, "8080");
    let hop = &server.hops()[0];
    explicit(
        &files,
        hop.settings.idle_timeout.as_ref().unwrap(),
        ms(25_000),
        "tomcat/catalina-properties/conf/server.xml",
        5,
    );
}

#[test]
fn unresolved_placeholder_is_unknown() {
    let mut files = Files::default();
    let server = server_xml(&mut files, "tomcat/unresolved/conf/server.xml", &PropertySources::default(), None);
    let hop = &server.hops()[0];
    unknown(hop.settings.idle_timeout.as_ref().unwrap(), "${undefined.keepalive} is not defined in the repository");
    default(
        hop.settings.max_requests_per_connection.as_ref().unwrap(),
        Some(100),
        "Tomcat 11.0.26 (assumed) maxKeepAliveRequests default",
    );
}

#[test]
fn executor_two_http_connectors_and_ajp() {
    let mut files = Files::default();
    let path = "tomcat/multi-connector/conf/server.xml";
    let version =
        DeclaredVersion { version: tomcat_image_version("10.1.28").unwrap(), file: FileId(0), span: Span::default() };
    let server = server_xml(&mut files, path, &PropertySources::default(), Some(version));
    let service = &server.services[0];
    let executor = &service.executors[0];
    assert_eq!(executor.name.as_ref().unwrap().text, "tomcatThreadPool");
    explicit(&files, executor.max_threads.as_ref().unwrap().setting().unwrap(), Some(150), path, 5);
    let protocols: Vec<&Protocol> = service.connectors.iter().map(|c| &c.protocol).collect();
    assert_eq!(protocols, [&Protocol::Http, &Protocol::Http, &Protocol::Ajp]);
    assert_eq!(service.connectors[0].executor.as_ref().unwrap().text, "tomcatThreadPool");
    explicit(&files, service.connectors[1].max_connections.as_ref().unwrap().setting().unwrap(), None, path, 17);

    let hops = server.hops();
    let ids: Vec<&str> = hops.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, [format!("{path}:Connector 8080"), format!("{path}:Connector 8443")]);
    // maxKeepAliveRequests="1" disables keep-alive: idle 0, from that attribute.
    let plain = &hops[0].settings;
    explicit(&files, plain.idle_timeout.as_ref().unwrap(), ms(0), path, 11);
    explicit(&files, plain.max_requests_per_connection.as_ref().unwrap(), Some(1), path, 11);
    default(
        plain.drain_timeout.as_ref().unwrap(),
        ms(0),
        "Tomcat 10.1.28: gracefulStopAwaitMillis only applies with bindOnInit=\"false\" (bindOnInit is true by default)",
    );
    let tls = &hops[1].settings;
    explicit(&files, tls.idle_timeout.as_ref().unwrap(), ms(15_000), path, 16);
    default(
        tls.max_requests_per_connection.as_ref().unwrap(),
        Some(100),
        "Tomcat 10.1.28 maxKeepAliveRequests default",
    );
    explicit(&files, tls.drain_timeout.as_ref().unwrap(), ms(10_000), path, 3);

    // Releases without gracefulStopAwaitMillis ignore it.
    let old =
        DeclaredVersion { version: tomcat_image_version("9.0.40").unwrap(), file: FileId(0), span: Span::default() };
    let server = server_xml(&mut files, path, &PropertySources::default(), Some(old));
    default(
        server.hops()[1].settings.drain_timeout.as_ref().unwrap(),
        ms(0),
        "Tomcat 9.0.40 has no gracefulStopAwaitMillis (added in 9.0.41 / 8.5.76); it is ignored",
    );
}

#[test]
fn negative_timeouts_are_unbounded() {
    let mut files = Files::default();
    let path = "tomcat/no-idle-timeout/conf/server.xml";
    let server = server_xml(&mut files, path, &PropertySources::default(), None);
    let hop = &server.hops()[0];
    explicit(&files, hop.settings.idle_timeout.as_ref().unwrap(), None, path, 6);
    explicit(&files, hop.settings.max_requests_per_connection.as_ref().unwrap(), None, path, 7);
}

#[test]
fn xml_errors_are_problems() {
    let mut files = Files::default();
    let server = server_xml(&mut files, "tomcat/malformed/conf/server.xml", &PropertySources::default(), None);
    assert!(server.services.is_empty() && server.hops().is_empty());
    let problem = &server.problems[0];
    assert_eq!(files.get(problem.file).lines.line_col(&files.get(problem.file).text, problem.span.start), (9, 3));
    assert_eq!(problem.message, "invalid XML: expected 'Connector' tag, not 'Service'");

    let server = server_xml(&mut files, "tomcat/dtd/conf/server.xml", &PropertySources::default(), None);
    let problem = &server.problems[0];
    assert!(problem.message.contains("DTD"), "{}", problem.message);
    assert!(problem.span.text(&files.get(problem.file).text).starts_with("<!DOCTYPE Server ["));
}

#[test]
fn invalid_attribute_values_are_ignored_like_tomcat() {
    let mut files = Files::default();
    let xml = r#"<Server><Service name="S"><Connector port="8080" keepAliveTimeout="20s" connectionTimeout="15000"/><Connector port="8081" connectionTimeout="1 min"/></Service></Server>"#;
    let id = files.add("conf/server.xml", xml.as_bytes().to_vec());
    let server = tomcat::read_server_xml(id, files.get(id), &PropertySources::default(), None);
    let connectors = &server.services[0].connectors;
    assert_eq!(
        connectors[0].keep_alive_timeout.as_ref().unwrap().value,
        AttrValue::Invalid("keepAliveTimeout=\"20s\" is not a 32-bit whole number; Tomcat ignores it".to_owned())
    );
    let hops = server.hops();
    explicit(&files, hops[0].settings.idle_timeout.as_ref().unwrap(), ms(15_000), "conf/server.xml", 1);
    default(
        hops[1].settings.idle_timeout.as_ref().unwrap(),
        ms(60_000),
        "Tomcat 11.0.26 (assumed) connectionTimeout default (no keepAliveTimeout or connectionTimeout; connectionTimeout=\"1 min\" is not a 32-bit whole number; Tomcat ignores it)",
    );
}

// ------------------------------------------------------------- Spring Boot

/// Reads the application under `tests/fixtures/spring/<app>`.
fn spring_app(files: &mut Files, app: &str, env: &[EnvVar]) -> SpringApp {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/spring").join(app);
    let mut relative = Vec::new();
    collect(&root, &root, &mut relative);
    relative.sort();
    let ids: Vec<FileId> = relative.iter().map(|r| files.load(&format!("spring/{app}/{r}"))).collect();
    let paths: Vec<(FileId, &Path)> = ids.iter().map(|id| (*id, files.get(*id).path.as_path())).collect();
    let apps = spring::group_apps(paths.iter().copied());
    assert_eq!(apps.len(), 1, "{apps:?}");
    let build_candidates = paths.iter().copied().filter(|(_, p)| spring::is_build_file(p));
    let build =
        spring::build_file_for(&apps[0].dir, build_candidates).map(|id| spring::read_build_file(id, files.get(id)));
    let system = jvm::system_properties(env, SPRING_OPTION_VARIABLES, |id| Some(files.get(id).text.as_str()));
    let sources: Vec<(FileId, &SourceFile)> = apps[0].files.iter().map(|id| (*id, files.get(*id))).collect();
    spring::read_spring_app(&sources, env, &system, build.as_ref(), None)
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(root, &path, out);
        } else {
            out.push(path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/"));
        }
    }
}

const SHOP: &str = "spring/shop/src/main/resources/application.properties";
const ORDERS: &str = "spring/orders/src/main/resources/application.yml";

#[test]
fn spring_properties_with_boot_3_3() {
    let mut files = Files::default();
    let app = spring_app(&mut files, "shop", &[]);
    assert!(app.problems.is_empty());
    let hop = app.hop();
    assert_eq!(hop.id, SHOP);
    assert_eq!(hop.kind, HopKind::SpringBoot);
    explicit(&files, hop.software_version.as_ref().unwrap(), Some("3.3.5".to_owned()), "spring/shop/pom.xml", 9);
    explicit(&files, &app.server, Some(EmbeddedServer::Tomcat), "spring/shop/pom.xml", 21);
    explicit(&files, hop.settings.idle_timeout.as_ref().unwrap(), ms(20_000), SHOP, 4);
    explicit(&files, hop.settings.max_requests_per_connection.as_ref().unwrap(), Some(200), SHOP, 5);
    // server.shutdown is immediate by default before 3.4: no drain.
    default(
        hop.settings.drain_timeout.as_ref().unwrap(),
        ms(0),
        "Spring Boot 3.3.5 server.shutdown default (immediate)",
    );
    assert_eq!(app.profiles, Profiles::Known(vec!["default".to_owned()]));
}

#[test]
fn spring_environment_overrides_files() {
    for name in
        ["SERVER_TOMCAT_KEEPALIVETIMEOUT", "SERVER_TOMCAT_KEEP_ALIVE_TIMEOUT", "server.tomcat.keep-alive-timeout"]
    {
        let mut files = Files::default();
        let var = files.env(name, "45s");
        let app = spring_app(&mut files, "shop", std::slice::from_ref(&var));
        explicit(&files, &app.idle_timeout, ms(45_000), "deploy/app.yaml", 2);
    }
    // A name that does not bind leaves the file's value.
    let mut files = Files::default();
    let var = files.env("SERVER_TOMCAT_KEEP_ALIVE", "45s");
    let app = spring_app(&mut files, "shop", &[var]);
    explicit(&files, &app.idle_timeout, ms(20_000), SHOP, 4);
    // A value from outside the repository makes it unknown.
    let mut files = Files::default();
    let outside =
        EnvVar { name: "SERVER_TOMCAT_KEEPALIVETIMEOUT".into(), value: None, file: FileId(0), span: Span::default() };
    let app = spring_app(&mut files, "shop", &[outside]);
    unknown(&app.idle_timeout, "SERVER_TOMCAT_KEEPALIVETIMEOUT is set outside the repository");
}

#[test]
fn spring_yaml_relaxed_names_placeholders_and_profiles() {
    let mut files = Files::default();
    let app = spring_app(&mut files, "orders", &[]);
    assert!(app.problems.is_empty(), "{:?}", app.problems);
    assert_eq!(app.id, ORDERS);
    explicit(&files, &app.version.setting(), Some("3.4.2".to_owned()), "spring/orders/pom.xml", 9);
    // keepAliveTimeout: ${KEEPALIVE:30s}
    default(
        &app.idle_timeout,
        ms(30_000),
        "Spring Boot 3.4.2 server.tomcat.keep-alive-timeout: placeholder default of ${KEEPALIVE:30s} in spring/orders/src/main/resources/application.yml:9 (KEEPALIVE is not set in the repository and may come from the environment)",
    );
    // max_keep_alive_requests: 150
    explicit(&files, &app.max_requests_per_connection, Some(150), ORDERS, 10);
    // Graceful by default since 3.4; PT25S.
    default(
        &app.shutdown,
        Some(hoplint::knowledge::java::Shutdown::Graceful),
        "Spring Boot 3.4.2 server.shutdown default (graceful)",
    );
    explicit(&files, &app.drain_timeout, ms(25_000), ORDERS, 5);

    // The environment fills the placeholder.
    let mut files = Files::default();
    let var = files.env("KEEPALIVE", "45s");
    let app = spring_app(&mut files, "orders", &[var]);
    explicit(&files, &app.idle_timeout, ms(45_000), "deploy/app.yaml", 2);

    // The prod profile: the `---` document and application-prod.properties apply.
    let mut files = Files::default();
    let var = files.env("SPRING_PROFILES_ACTIVE", "prod");
    let app = spring_app(&mut files, "orders", &[var]);
    assert_eq!(app.profiles, Profiles::Known(vec!["prod".to_owned()]));
    explicit(&files, &app.idle_timeout, ms(75_000), ORDERS, 18);
    explicit(&files, &app.drain_timeout, ms(40_000), "spring/orders/src/main/resources/application-prod.properties", 2);

    // -Dspring.profiles.active in JAVA_OPTS works the same.
    let mut files = Files::default();
    let var = files.env("JAVA_OPTS", "-Dspring.profiles.active=prod");
    let app = spring_app(&mut files, "orders", &[var]);
    explicit(&files, &app.idle_timeout, ms(75_000), ORDERS, 18);
}

#[test]
fn spring_gradle_jetty_and_config_dir() {
    let mut files = Files::default();
    let app = spring_app(&mut files, "catalog", &[]);
    let base = "spring/catalog/src/main/resources/application.properties";
    assert_eq!(app.id, base);
    assert_eq!(app.files.len(), 2);
    explicit(&files, &app.version.setting(), Some("3.3.1".to_owned()), "spring/catalog/build.gradle.kts", 3);
    explicit(&files, &app.server, Some(EmbeddedServer::Jetty), "spring/catalog/build.gradle.kts", 11);
    assert_eq!(files.text(&app.server.origin), "spring-boot-starter-jetty");
    explicit(&files, &app.idle_timeout, ms(45_000), base, 4);
    unknown(
        &app.max_requests_per_connection,
        "Spring Boot sets no per-connection request limit on Jetty, and hoplint does not know Jetty's",
    );
    explicit(&files, &app.shutdown, Some(hoplint::knowledge::java::Shutdown::Graceful), base, 2);
    // config/application.yml wins over the directory's files.
    explicit(&files, &app.drain_timeout, ms(20_000), "spring/catalog/src/main/resources/config/application.yml", 3);

    // The `#---` document for the `slow` profile.
    let mut files = Files::default();
    let var = files.env("JAVA_TOOL_OPTIONS", "-Dspring.profiles.active=slow");
    let app = spring_app(&mut files, "catalog", &[var]);
    explicit(&files, &app.idle_timeout, ms(120_000), base, 7);
}

#[test]
fn spring_boot_2_4_ignores_newer_properties() {
    let mut files = Files::default();
    let app = spring_app(&mut files, "legacy", &[]);
    let base = "spring/legacy/src/main/resources/application.properties";
    explicit(&files, &app.version.setting(), Some("2.4.13".to_owned()), "spring/legacy/build.gradle", 3);
    explicit(&files, &app.idle_timeout, ms(10_000), base, 3);
    default(
        &app.max_requests_per_connection,
        Some(100),
        "Tomcat maxKeepAliveRequests default under Spring Boot 2.4.13",
    );
    default(&app.drain_timeout, ms(0), "Spring Boot 2.4.13 server.shutdown default (immediate)");
}

#[test]
fn spring_without_build_file_assumes_newest() {
    let mut files = Files::default();
    let id = files.add("app/application.yml", b"server:\n  shutdown: immediate\n".to_vec());
    let app = spring::read_spring_app(&[(id, files.get(id))], &[], &[], None, None);
    default(
        &app.version.setting(),
        Some("4.1.0".to_owned()),
        "newest known Spring Boot (no version declared in the repository)",
    );
    default(&app.server, Some(EmbeddedServer::Tomcat), "Spring Boot's default server, Tomcat (no build file found)");
    default(
        &app.idle_timeout,
        ms(60_000),
        "Tomcat connectionTimeout default under Spring Boot 4.1.0 (assumed) (server.tomcat.keep-alive-timeout and connection-timeout unset; no server.xml)",
    );
    explicit(&files, &app.drain_timeout, ms(0), "app/application.yml", 2);
}

// ------------------------------------------------------------------ corpus

fn corpus_dir() -> Option<PathBuf> {
    common::corpus_dir("tomcat")
}

/// Reads a corpus server.xml under the name `corpus/<file name>`.
fn corpus_server(files: &mut Files, dir: &Path, name: &str) -> TomcatServer {
    let bytes = std::fs::read(dir.join(name)).unwrap();
    let id = files.add(&format!("corpus/{name}"), bytes);
    tomcat::read_server_xml(id, files.get(id), &PropertySources::default(), None)
}

#[test]
fn every_corpus_server_xml_reads() {
    let Some(dir) = corpus_dir() else { return common::skip_or_fail("../shared/corpus") };
    let mut names: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert!(names.len() >= 16, "{} files", names.len());
    for name in names {
        let dir = dir.clone();
        let label = name.clone();
        let (problems, hops) = common::within(Duration::from_secs(10), &label, move || {
            let mut files = Files::default();
            let server = corpus_server(&mut files, &dir, &name);
            (server.problems.len(), server.hops().len())
        });
        assert_eq!(problems, 0, "{label}");
        assert!(hops >= 1, "{label}: no HTTP Connector");
    }
}

#[test]
fn corpus_values_read_by_hand() {
    let Some(dir) = corpus_dir() else { return common::skip_or_fail("../shared/corpus") };
    let mut files = Files::default();

    // Tomcat 7.0.57: <Connector port="8080" protocol="HTTP/1.1" connectionTimeout="20000"> at
    // L71-72 and the AJP Connector at L93; the executor and 8443 examples are commented out.
    let name = "apache-tomcat@7.0.57__conf__server.xml";
    let server = corpus_server(&mut files, &dir, name);
    let ports: Vec<&str> =
        server.services[0].connectors.iter().map(|c| c.port.as_ref().unwrap().text.as_str()).collect();
    assert_eq!(ports, ["8080", "8009"]);
    let hops = server.hops();
    assert_eq!(hops.len(), 1);
    assert_eq!(hops[0].id, format!("corpus/{name}"));
    assert_eq!(files.get(hops[0].file).lines.line(hops[0].span.start), 71);
    explicit(&files, hops[0].settings.idle_timeout.as_ref().unwrap(), ms(20_000), &format!("corpus/{name}"), 72);

    // server-minimal.xml: <Connector port="8080" /> (L13, no protocol: HTTP/1.1, no timeouts)
    // and <Connector port="8009" protocol="AJP/1.3" /> (L16).
    let name = "apache-tomcat@509fabfa__conf__server-minimal.xml";
    let server = corpus_server(&mut files, &dir, name);
    let hops = server.hops();
    assert_eq!(hops.len(), 1);
    assert_eq!(files.get(hops[0].file).lines.line(hops[0].span.start), 13);
    default(
        hops[0].settings.idle_timeout.as_ref().unwrap(),
        ms(60_000),
        "Tomcat 11.0.26 (assumed) connectionTimeout default (no keepAliveTimeout or connectionTimeout)",
    );

    // TomEE webservice-ssl-client-cert: 8080 HTTP/1.1 with connectionTimeout="20000" (L27-28)
    // and an Http11NioProtocol 8443 TLS Connector without timeouts (L31-33).
    let name = "apache-tomee__examples__webservice-ssl-client-cert__src__test__conf__server.xml";
    let server = corpus_server(&mut files, &dir, name);
    let hops = server.hops();
    let ids: Vec<&str> = hops.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, [format!("corpus/{name}:Connector 8080"), format!("corpus/{name}:Connector 8443")]);
    explicit(&files, hops[0].settings.idle_timeout.as_ref().unwrap(), ms(20_000), &format!("corpus/{name}"), 28);
    assert_eq!(hops[1].settings.idle_timeout.as_ref().unwrap().value, ms(60_000));

    // TomEE embedded: <Connector connectionTimeout="20000" port="${http.port}" …/> (L64) and
    // AJP on 9009 (L83); the executor and 8443 Connectors are commented out.
    let name = "apache-tomee__tomee__tomee-embedded__src__main__resources__org__apache__tomee__configs__server.xml";
    let server = corpus_server(&mut files, &dir, name);
    let connector = &server.services[0].connectors[0];
    unknown(connector.port.as_ref().unwrap().setting().unwrap(), "${http.port} is not defined in the repository");
    let hops = server.hops();
    assert_eq!(hops.len(), 1);
    explicit(&files, hops[0].settings.idle_timeout.as_ref().unwrap(), ms(20_000), &format!("corpus/{name}"), 64);

    // TomEE JAX-RS TCK: port="%webcontainer.default.port%" (L71, a build-time token Tomcat
    // cannot convert), connectionTimeout="20000" (L72).
    let name = "apache-tomee__tck__jax-rs__jax-rs-tests__src__test__conf__server.xml";
    let server = corpus_server(&mut files, &dir, name);
    let connector = &server.services[0].connectors[0];
    assert!(matches!(connector.port.as_ref().unwrap().value, AttrValue::Invalid(_)));
    let hops = server.hops();
    assert_eq!(hops.len(), 1);
    explicit(&files, hops[0].settings.idle_timeout.as_ref().unwrap(), ms(20_000), &format!("corpus/{name}"), 72);

    // Unidata 703234c6: one HTTP Connector (L69-70) whose relaxedQueryChars hold XML character
    // references; the Executor at L57 is commented out; Server port="-1".
    let name = "unidata-tomcat-docker@703234c6__server.xml";
    let server = corpus_server(&mut files, &dir, name);
    assert!(server.services[0].executors.is_empty());
    let hops = server.hops();
    assert_eq!(hops.len(), 1);
    assert_eq!(files.get(hops[0].file).lines.line(hops[0].span.start), 69);
    explicit(&files, hops[0].settings.idle_timeout.as_ref().unwrap(), ms(20_000), &format!("corpus/{name}"), 70);
    default(
        hops[0].settings.max_requests_per_connection.as_ref().unwrap(),
        Some(100),
        "Tomcat 11.0.26 (assumed) maxKeepAliveRequests default",
    );
}
