//! Backend servers read from realistic fixtures (gunicorn, uvicorn,
//! hypercorn, php-fpm, httpd, puma, Procfile and shell scripts) and from the
//! shared gunicorn corpus: exact effective values and where each comes from.

mod common;

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use hoplint::knowledge::Version;
use hoplint::knowledge::servers::Server;
use hoplint::model::command::CommandLine;
use hoplint::model::gunicorn::{self, ConfigLocation, EnvOverride, GunicornConf, Key};
use hoplint::model::hop::HopKind;
use hoplint::model::hypercorn::{effective_hypercorn, parse_hypercorn_args, read_hypercorn_toml};
use hoplint::model::pins::{gem_pins, python_pins};
use hoplint::model::procfile::{commands_in_script, procfile_entries};
use hoplint::model::server_invocation::{ServerInvocation, detect_server};
use hoplint::model::setting::{Millis, Origin, Setting};
use hoplint::model::uvicorn::{effective_uvicorn, parse_uvicorn_args};
use hoplint::model::{httpd, phpfpm, puma};
use hoplint::source::{FileId, LineIndex};
use hoplint::span::Span;

/// A fixture file, its id (one per fixture in a test) and its text.
struct Fixture {
    id: FileId,
    text: String,
}

impl Fixture {
    fn load(id: u32, relative: &str) -> Fixture {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(relative);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Fixture { id: FileId(id), text }
    }

    fn line(&self, offset: u32) -> usize {
        LineIndex::new(&self.text).line(offset)
    }
}

/// Asserts an explicit value written in `fixture` on `line`.
#[track_caller]
#[allow(clippy::needless_pass_by_value)] // reads better at the call sites
fn explicit<T: PartialEq + std::fmt::Debug>(setting: &Setting<T>, value: Option<T>, fixture: &Fixture, line: usize) {
    assert_eq!(setting.value, value, "{setting:?}");
    match &setting.origin {
        Origin::Explicit { file, span } => {
            assert_eq!(*file, fixture.id, "{setting:?}");
            assert_eq!(fixture.line(span.start), line, "{setting:?}");
        }
        other => panic!("expected explicit, got {other:?}"),
    }
}

/// Asserts a default whose description contains `what`.
#[track_caller]
#[allow(clippy::needless_pass_by_value)] // reads better at the call sites
fn default<T: PartialEq + std::fmt::Debug>(setting: &Setting<T>, value: Option<T>, what: &str) {
    assert_eq!(setting.value, value, "{setting:?}");
    match &setting.origin {
        Origin::Default { what: text } => assert!(text.contains(what), "{text:?} lacks {what:?}"),
        other => panic!("expected default, got {other:?}"),
    }
}

/// Asserts an unknown value whose reason contains `why`.
#[track_caller]
fn unknown<T: std::fmt::Debug>(setting: &Setting<T>, why: &str) {
    match &setting.origin {
        Origin::Unknown { reason } => assert!(reason.contains(why), "{reason:?} lacks {why:?}"),
        other => panic!("expected unknown, got {other:?} ({setting:?})"),
    }
}

#[allow(clippy::unnecessary_wraps)] // expected values are `Option`s
fn secs(n: u64) -> Option<Millis> {
    Some(Millis::from_secs(n))
}

/// The server started by the first command that starts one.
fn first_server(commands: &[CommandLine]) -> (&CommandLine, ServerInvocation) {
    commands.iter().find_map(|c| detect_server(c).map(|s| (c, s))).expect("a server command")
}

fn pinned(path: &str, fixture: &Fixture, name: &str) -> Version {
    python_pins(Path::new(path), &fixture.text).into_iter().find(|p| p.name == name).expect("pinned").version
}

#[test]
fn gunicorn_conf_py_with_arithmetic_environment_and_run_time_values() {
    let conf_file = Fixture::load(1, "python/gunicorn.conf.py");
    let requirements = Fixture::load(2, "python/requirements.txt");
    let version = pinned("requirements.txt", &requirements, "gunicorn");
    assert_eq!(version, Version::new(23, 0, 0));

    let conf = gunicorn::read_conf(conf_file.id, &conf_file.text);
    assert!(conf.problems.is_empty());
    let s = gunicorn::effective_gunicorn(Some(&conf), None, None, Some(version));
    explicit(&s.worker_class, Some("gthread".to_owned()), &conf_file, 11);
    // keepalive = int(os.environ.get("KEEPALIVE", 75))
    explicit(&s.keepalive, secs(75), &conf_file, 20);
    explicit(&s.idle_timeout, secs(75), &conf_file, 20);
    // timeout = base_timeout * 2, then += 15 (the origin is the last change).
    explicit(&s.timeout, secs(75), &conf_file, 16);
    explicit(&s.graceful_timeout, secs(20), &conf_file, 17);
    explicit(&s.drain_timeout, secs(20), &conf_file, 17);
    explicit(&s.bind, Some(vec!["0.0.0.0:8000".to_owned()]), &conf_file, 7);
    explicit(&s.max_requests, Some(1000), &conf_file, 22);
    explicit(&s.max_requests_jitter, Some(100), &conf_file, 23);
    explicit(&s.app, Some("shop.wsgi:application".to_owned()), &conf_file, 25);
    unknown(&s.workers, "`multiprocessing.cpu_count()` is only known at run time (line 10)");
    unknown(&s.worker_connections, "`os.environ.get(\"WORKER_CONNECTIONS\")` has no default");
    default(&s.request_timeout, None, "gunicorn 23.0.0: timeout is a heartbeat for gthread");
    default(&s.max_requests_per_connection, None, "no per-connection request cap");
    let overridable: Vec<(Key, Vec<String>)> = s.env_overrides.iter().map(|o| (o.key, o.variables.clone())).collect();
    assert_eq!(
        overridable,
        [
            (Key::Bind, vec!["PORT".to_owned()]),
            (Key::Keepalive, vec!["KEEPALIVE".to_owned()]),
            (Key::GracefulTimeout, vec!["GRACEFUL_TIMEOUT".to_owned()]),
        ]
    );
    assert_eq!(
        EnvOverride { key: Key::Keepalive, variables: vec!["KEEPALIVE".into()] }.describe(),
        "default of os.environ.get(\"KEEPALIVE\"), overridable by the environment"
    );

    let hop = s.to_hop("python/gunicorn.conf.py".into(), conf_file.id, Span::default());
    assert_eq!(hop.kind, HopKind::Gunicorn);
    assert_eq!(hop.settings.idle_timeout.as_ref().and_then(|s| s.value), secs(75));
    assert!(hop.settings.pool.is_none() && hop.settings.grace_period.is_none());
    assert_eq!(hop.software_version.and_then(|v| v.value).as_deref(), Some("23.0.0"));
}

#[test]
fn gunicorn_syntax_error_is_a_problem() {
    let f = Fixture::load(1, "python/syntax_error.conf.py");
    let conf = gunicorn::read_conf(f.id, &f.text);
    assert_eq!(conf.problems.len(), 1, "{:?}", conf.problems);
    assert_eq!(f.line(conf.problems[0].span.start), 4);
    assert!(conf.problems[0].message.starts_with("Python syntax error"));
    // Python runs none of a file that does not compile: gunicorn refuses it.
    let s = gunicorn::effective_gunicorn(Some(&conf), None, None, None);
    unknown(&s.keepalive, "the file has a syntax error (line 4), so Python runs none of it");
    unknown(&s.timeout, "syntax error");
    default(&s.software_version, Some("27.0.1".to_owned()), "assumed");
}

#[test]
fn gunicorn_worker_classes() {
    let v = Some(Version::new(23, 0, 0));
    let sync = Fixture::load(1, "python/sync.conf.py");
    let s = gunicorn::effective_gunicorn(Some(&gunicorn::read_conf(sync.id, &sync.text)), None, None, v);
    explicit(&s.worker_class, Some("sync".to_owned()), &sync, 1);
    // keepalive = 10 is ignored by the sync worker.
    explicit(&s.keepalive, secs(10), &sync, 2);
    default(&s.idle_timeout, secs(0), "sync worker closes after every response");
    explicit(&s.request_timeout, secs(45), &sync, 3);

    let threads = Fixture::load(2, "python/threads.conf.py");
    let s = gunicorn::effective_gunicorn(Some(&gunicorn::read_conf(threads.id, &threads.text)), None, None, v);
    // `sync` (default) with threads = 4 runs gthread; the switch is on the threads line.
    explicit(&s.worker_class, Some("gthread".to_owned()), &threads, 2);
    default(&s.configured_worker_class, Some("sync".to_owned()), "worker_class default");
    default(&s.idle_timeout, secs(2), "gunicorn 23.0.0 keepalive default (gunicorn/config.py Keepalive L890-909");

    let uvicorn = Fixture::load(3, "python/uvicorn_worker.conf.py");
    let s = gunicorn::effective_gunicorn(Some(&gunicorn::read_conf(uvicorn.id, &uvicorn.text)), None, None, v);
    explicit(&s.worker_class, Some("uvicorn.workers.UvicornWorker".to_owned()), &uvicorn, 1);
    // UvicornWorker passes gunicorn's keepalive (2 s), not uvicorn's 5 s.
    default(&s.idle_timeout, secs(2), "keepalive default");
    explicit(&s.drain_timeout, secs(25), &uvicorn, 2);
    default(&s.request_timeout, None, "heartbeat for uvicorn.workers.UvicornWorker");
}

#[test]
fn gunicorn_cmd_args_override_the_conf_file_and_the_command_line_overrides_both() {
    let script = Fixture::load(1, "python/start.sh");
    let conf_file = Fixture::load(2, "python/gunicorn.conf.py");
    let commands = commands_in_script(script.id, &script.text);
    let (command, server) = first_server(&commands);
    assert_eq!(script.line(command.span.start), 8);
    assert_eq!(server.server, Server::Gunicorn);
    assert!(server.exec && server.via_shell);
    let env = server.env.iter().find(|e| e.name == "GUNICORN_CMD_ARGS").expect("GUNICORN_CMD_ARGS");
    let cli = gunicorn::parse_gunicorn_args(script.id, &server.args);
    let env_args = gunicorn::parse_cmd_args_env(env);
    match gunicorn::config_location(Some(&cli), Some(&env_args)) {
        ConfigLocation::File { path, file, span } => {
            assert_eq!((path.as_str(), file, script.line(span.start)), ("gunicorn.conf.py", script.id, 9));
        }
        other => panic!("{other:?}"),
    }
    let conf = gunicorn::read_conf(conf_file.id, &conf_file.text);
    let s = gunicorn::effective_gunicorn(Some(&conf), Some(env), Some(&cli), None);
    // CLI > GUNICORN_CMD_ARGS > config file.
    explicit(&s.keepalive, secs(30), &script, 11);
    explicit(&s.idle_timeout, secs(30), &script, 11);
    explicit(&s.timeout, secs(90), &script, 8);
    explicit(&s.graceful_timeout, secs(20), &conf_file, 17);
    explicit(&s.worker_class, Some("gthread".to_owned()), &script, 10);
    explicit(&s.app, Some("shop.wsgi:application".to_owned()), &script, 12);
    // The timeout span points into the variable's value.
    let Origin::Explicit { span, .. } = s.timeout.origin else { panic!() };
    assert_eq!(span.text(&script.text), "90");
}

#[test]
fn procfile_processes() {
    let procfile = Fixture::load(1, "python/Procfile");
    let toml = Fixture::load(2, "python/hypercorn.toml");
    let entries = procfile_entries(procfile.id, &procfile.text);
    let names: Vec<&str> = entries.iter().map(|e| e.process.as_str()).collect();
    assert_eq!(names, ["web", "worker", "api", "edge"]);

    let web = detect_server(&entries[0].command).expect("gunicorn");
    let cli = gunicorn::parse_gunicorn_args(procfile.id, &web.args);
    let s = gunicorn::effective_gunicorn(None, None, Some(&cli), Some(Version::new(23, 0, 0)));
    explicit(&s.worker_class, Some("gevent".to_owned()), &procfile, 2);
    explicit(&s.idle_timeout, secs(5), &procfile, 2);
    explicit(&s.timeout, secs(60), &procfile, 2);
    default(&s.request_timeout, None, "heartbeat for gevent");
    assert!(detect_server(&entries[1].command).is_none());

    // `sh -c "cd api && exec uvicorn …"`.
    let api = detect_server(&entries[2].command).expect("uvicorn");
    assert_eq!(api.server, Server::Uvicorn);
    assert!(api.exec);
    let s = effective_uvicorn(&[], Some(&parse_uvicorn_args(procfile.id, &api.args)), None);
    explicit(&s.timeout_keep_alive, secs(65), &procfile, 4);
    explicit(&s.timeout_graceful_shutdown, secs(30), &procfile, 4);
    let Origin::Explicit { span, .. } = s.timeout_keep_alive.origin else { panic!() };
    assert_eq!(span.text(&procfile.text), "65");

    let edge = detect_server(&entries[3].command).expect("hypercorn");
    let cli = parse_hypercorn_args(procfile.id, &edge.args);
    assert_eq!(cli.config.as_ref().map(|w| w.text.as_str()), Some("hypercorn.toml"));
    let conf = read_hypercorn_toml(toml.id, &toml.text);
    let s = effective_hypercorn(Some(&conf), Some(&cli), None);
    explicit(&s.keep_alive_timeout, secs(40), &procfile, 5);
    explicit(&s.keep_alive_max_requests, Some(500), &toml, 4);
    explicit(&s.graceful_timeout, Some(Millis(12_500)), &toml, 5);
    default(&s.read_timeout, None, "hypercorn 0.18.0 read_timeout default");
    let hop = s.to_hop("python/Procfile:edge".into(), procfile.id, entries[3].process_span);
    assert_eq!(hop.kind, HopKind::Hypercorn);
    assert_eq!(hop.settings.max_requests_per_connection.and_then(|s| s.value), Some(500));
}

#[test]
fn uvicorn_environment_and_version() {
    let script = Fixture::load(1, "python/start-uvicorn.sh");
    let requirements = Fixture::load(2, "python/requirements.txt");
    let commands = commands_in_script(script.id, &script.text);
    // The heredoc's `exec uvicorn not:this` is text, not a command.
    let servers: Vec<usize> =
        commands.iter().filter(|c| detect_server(c).is_some()).map(|c| script.line(c.span.start)).collect();
    assert_eq!(servers, [6, 8]);
    let command = commands.iter().rfind(|c| detect_server(c).is_some()).expect("uvicorn");
    let server = detect_server(command).expect("uvicorn");
    assert_eq!(server.program.text, "uvicorn");
    let cli = parse_uvicorn_args(script.id, &server.args);
    let s = effective_uvicorn(&server.env, Some(&cli), None);
    // The command line wins over UVICORN_TIMEOUT_KEEP_ALIVE=30.
    explicit(&s.timeout_keep_alive, secs(75), &script, 10);
    explicit(&s.timeout_graceful_shutdown, secs(20), &script, 8);
    default(&s.limit_max_requests, None, "uvicorn 0.54.0 limit_max_requests default");

    // uvicorn 0.21.1 (requirements.txt) has no graceful shutdown timeout.
    let old = pinned("requirements.txt", &requirements, "uvicorn");
    assert_eq!(old, Version::new(0, 21, 1));
    let s = effective_uvicorn(&server.env, Some(&cli), Some(old));
    default(&s.timeout_graceful_shutdown, None, "uvicorn 0.21.1 waits for requests without a limit");
    assert_eq!(s.notes, ["uvicorn 0.21.1 ignores UVICORN_TIMEOUT_GRACEFUL_SHUTDOWN (added in 0.22.0)"]);
    let hop = s.to_hop("python/start-uvicorn.sh".into(), script.id, command.span);
    assert_eq!(hop.settings.idle_timeout.and_then(|s| s.value), secs(75));
}

#[test]
fn version_pins() {
    let requirements = Fixture::load(1, "python/requirements.txt");
    let pins = python_pins(Path::new("requirements.txt"), &requirements.text);
    let got: Vec<(&str, String, usize)> =
        pins.iter().map(|p| (p.name.as_str(), p.version.to_string(), requirements.line(p.span.start))).collect();
    assert_eq!(got, [("gunicorn", "23.0.0".to_owned(), 3), ("uvicorn", "0.21.1".to_owned(), 4)]);
    let lock = Fixture::load(2, "python/poetry.lock");
    let pins = python_pins(Path::new("poetry.lock"), &lock.text);
    assert_eq!(pins[0].name, "gunicorn");
    assert_eq!((pins[0].version, lock.line(pins[0].span.start)), (Version::new(22, 0, 0), 5));
    let gems = Fixture::load(3, "puma/Gemfile.lock");
    let puma = gem_pins(&gems.text).into_iter().find(|p| p.name == "puma").expect("puma");
    assert_eq!((puma.version, gems.line(puma.span.start)), (Version::new(6, 4, 2), 5));
}

#[test]
fn php_fpm_global_and_pools() {
    let main = Fixture::load(1, "phpfpm/php-fpm.conf");
    let www = Fixture::load(2, "phpfpm/php-fpm.d/www.conf");
    let reports = Fixture::load(3, "phpfpm/php-fpm.d/reports.conf");
    for f in [&main, &www, &reports] {
        assert!(phpfpm::looks_like_phpfpm(&f.text));
    }
    let confs: Vec<_> = [&main, &www, &reports].iter().map(|f| phpfpm::read_phpfpm(f.id, &f.text)).collect();
    assert!(confs.iter().all(|c| c.problems.is_empty()));
    assert_eq!(confs[0].includes[0].0, "etc/php-fpm.d/*.conf");
    let pool = &confs[1].pools[0];
    explicit(pool.listen.as_ref().expect("listen"), Some("127.0.0.1:9000".to_owned()), &www, 4);
    explicit(pool.max_requests.as_ref().expect("pm.max_requests"), Some(500), &www, 11);
    explicit(pool.request_terminate_timeout.as_ref().expect("timeout"), secs(60), &www, 13);
    unknown(confs[2].pools[0].max_requests.as_ref().expect("pm.max_requests"), "expanded from the environment");

    let s = phpfpm::effective_phpfpm(&confs.iter().collect::<Vec<_>>(), None);
    explicit(&s.process_control_timeout, secs(10), &main, 10);
    // The longest request any pool allows: reports' 5m.
    explicit(&s.request_terminate_timeout, secs(300), &reports, 6);
    let hop = s.to_hop("phpfpm/php-fpm.conf".into(), main.id, Span::default());
    assert_eq!((hop.kind, hop.file, main.line(hop.span.start)), (HopKind::PhpFpm, main.id, 5));
    assert_eq!(hop.settings.drain_timeout.and_then(|s| s.value), secs(10));

    // The pool alone: php-fpm's defaults.
    let s = phpfpm::effective_phpfpm(&[&confs[1]], None);
    default(&s.process_control_timeout, secs(0), "php-fpm 8.5 process_control_timeout default");
}

#[test]
fn httpd_keepalive_off_and_includes() {
    let main = Fixture::load(1, "httpd/httpd.conf");
    let tuning = Fixture::load(2, "httpd/conf.d/tuning.conf");
    assert!(httpd::looks_like_httpd(&main.text));
    let confs = [httpd::read_httpd(main.id, &main.text), httpd::read_httpd(tuning.id, &tuning.text)];
    assert!(confs[0].problems.is_empty(), "{:?}", confs[0].problems);
    assert_eq!(confs[0].includes[0].0, "conf.d/*.conf");
    let s = httpd::effective_httpd(&[&confs[0], &confs[1]], None);
    explicit(&s.keep_alive, Some(false), &main, 9);
    // KeepAlive Off: every response closes the connection.
    explicit(&s.idle_timeout, secs(0), &main, 9);
    explicit(&s.keep_alive_timeout, Some(Millis(3_500)), &tuning, 2);
    explicit(&s.max_keep_alive_requests, Some(200), &main, 11);
    explicit(&s.timeout, secs(30), &main, 8);
    let [(file, vhost)] = s.vhost_overrides.as_slice() else { panic!("{:?}", s.vhost_overrides) };
    assert_eq!((*file, main.line(vhost.vhost.start), main.line(vhost.span.start)), (main.id, 17, 19));
    let hop = s.to_hop("httpd/httpd.conf".into(), main.id, Span::default());
    assert_eq!(hop.settings.request_timeout.and_then(|s| s.value), secs(30));

    // Without KeepAlive Off the (included) KeepAliveTimeout applies.
    let s = httpd::effective_httpd(&[&confs[1]], None);
    explicit(&s.idle_timeout, Some(Millis(3_500)), &tuning, 2);
    default(&s.max_keep_alive_requests, Some(100), "httpd 2.4 MaxKeepAliveRequests default");
}

#[test]
fn puma_dsl_with_env_fetch() {
    let config = Fixture::load(1, "puma/config/puma.rb");
    let gems = Fixture::load(2, "puma/Gemfile.lock");
    let version = gem_pins(&gems.text).into_iter().find(|p| p.name == "puma").map(|p| p.version);
    let conf = puma::read_puma(config.id, &config.text);
    assert!(conf.problems.is_empty());
    let s = puma::effective_puma(Some(&conf), version);
    explicit(&s.persistent_timeout, secs(75), &config, 12);
    explicit(&s.workers, Some(2), &config, 9);
    explicit(&s.worker_shutdown_timeout, secs(25), &config, 13);
    explicit(&s.drain_timeout, secs(25), &config, 13);
    unknown(&s.first_data_timeout, "inside `if` (line 15)");
    // `worker_timeout 5` is inside an `on_worker_boot` block: not configuration.
    default(&s.worker_timeout, secs(60), "puma 6.4.2 worker_timeout default");
    unknown(&s.max_keep_alive, "puma 6.4.2 has no max_keep_alive");
    let overrides: Vec<(&str, Vec<String>)> = s.env_overrides.iter().map(|(k, v)| (k.name(), v.clone())).collect();
    assert_eq!(
        overrides,
        [
            ("worker_shutdown_timeout", vec!["PUMA_SHUTDOWN_TIMEOUT".to_owned()]),
            ("workers", vec!["WEB_CONCURRENCY".to_owned()]),
            ("threads", vec!["RAILS_MAX_THREADS".to_owned()]),
        ]
    );
    let hop = s.to_hop("puma/config/puma.rb".into(), config.id, Span::default());
    assert_eq!(hop.kind, HopKind::Puma);

    // Puma 7 (the newest known when nothing is pinned) keeps idle connections 65 s.
    let s = puma::effective_puma(None, None);
    default(&s.persistent_timeout, secs(65), "puma 8.0.2 persistent_timeout default");
    default(&s.max_keep_alive, Some(999), "max_keep_alive default");
}

/// `../shared/corpus/gunicorn`, or `None` (skipped) when absent.
fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/gunicorn");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(!common::tools_required(), "../shared/corpus is required (HOPLINT_REQUIRE_TOOLS=1) but missing");
    println!("skipping: ../shared/corpus not available");
    None
}

/// Reads a file in a thread so that a hang fails the test instead of
/// blocking it.
fn read_with_timeout(path: &Path) -> (GunicornConf, String) {
    let text = std::fs::read_to_string(path).expect("readable");
    let (send, receive) = mpsc::channel();
    let source = text.clone();
    std::thread::spawn(move || {
        let conf = gunicorn::read_conf(FileId(0), &source);
        let _ = gunicorn::effective_gunicorn(Some(&conf), None, None, None);
        let _ = send.send(conf);
    });
    let conf = receive
        .recv_timeout(Duration::from_secs(20))
        .unwrap_or_else(|_| panic!("{} did not parse within 20 s", path.display()));
    (conf, text)
}

#[test]
fn gunicorn_corpus_parses() {
    let Some(dir) = corpus() else { return };
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).expect("listable") {
        let path = entry.expect("entry").path();
        let (conf, _) = read_with_timeout(&path);
        assert!(conf.problems.is_empty(), "{}: {:?}", path.display(), conf.problems);
        count += 1;
    }
    assert_eq!(count, 21);
}

const V23: Option<Version> = Some(Version::new(23, 0, 0));

/// One corpus file read and combined with an optional command line.
fn corpus_settings(name: &str, cli: &str, version: Option<Version>) -> (gunicorn::GunicornSettings, Fixture) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/gunicorn");
    let (conf, text) = read_with_timeout(&dir.join(name));
    let fixture = Fixture { id: FileId(0), text };
    let (words, _) = hoplint::model::command::split_shell(cli, 0);
    let args = gunicorn::parse_gunicorn_args(FileId(9), &words);
    (gunicorn::effective_gunicorn(Some(&conf), None, Some(&args), version), fixture)
}

#[test]
fn gunicorn_corpus_values_read_by_hand() {
    if corpus().is_none() {
        return;
    }
    // netbox contrib/gunicorn.py: bind L2, workers 5 L6, threads 3 L9 (so
    // gthread), timeout 120 L12, max_requests 5000 L15, jitter 500 L16;
    // keepalive and graceful_timeout not set.
    let (s, f) = corpus_settings("netbox-community-netbox__contrib__gunicorn.py", "", V23);
    explicit(&s.bind, Some(vec!["127.0.0.1:8001".to_owned()]), &f, 2);
    explicit(&s.workers, Some(5), &f, 6);
    explicit(&s.worker_class, Some("gthread".to_owned()), &f, 9);
    explicit(&s.timeout, secs(120), &f, 12);
    explicit(&s.max_requests, Some(5000), &f, 15);
    explicit(&s.max_requests_jitter, Some(500), &f, 16);
    default(&s.idle_timeout, secs(2), "gunicorn 23.0.0 keepalive default");
    default(&s.drain_timeout, secs(30), "graceful_timeout default");
    default(&s.request_timeout, None, "heartbeat for gthread");

    // warehouse gunicorn.conf.py: sync worker (default), timeout 60 L20,
    // keepalive 2 L21 (ignored by sync), unix socket L13.
    let (s, f) = corpus_settings("pypi-warehouse@84a8f906__gunicorn.conf.py", "", V23);
    explicit(&s.bind, Some(vec!["unix:/var/run/cabotage/cabotage.sock".to_owned()]), &f, 13);
    explicit(&s.max_requests, Some(2048), &f, 16);
    explicit(&s.worker_connections, Some(1000), &f, 19);
    explicit(&s.keepalive, secs(2), &f, 21);
    default(&s.worker_class, Some("sync".to_owned()), "worker_class default");
    default(&s.idle_timeout, secs(0), "sync worker closes after every response");
    explicit(&s.request_timeout, secs(60), &f, 20);

    // tiangolo uvicorn-gunicorn image conf, run with `-k
    // uvicorn.workers.UvicornWorker` as the image does: keepalive =
    // int(keepalive_str) L48 with KEEP_ALIVE default "5" (L37); timeout 120
    // L47; graceful 120 L46; bind = use_bind L42 from the `else` branch
    // (BIND unset): f"{host}:{port}" → 0.0.0.0:80; workers need cpu_count().
    let (s, f) = corpus_settings(
        "tiangolo-uvicorn-gunicorn-docker__docker-images__gunicorn_conf.py",
        "-k uvicorn.workers.UvicornWorker app.main:app",
        V23,
    );
    explicit(&s.idle_timeout, secs(5), &f, 48);
    explicit(&s.timeout, secs(120), &f, 47);
    explicit(&s.drain_timeout, secs(120), &f, 46);
    explicit(&s.bind, Some(vec!["0.0.0.0:80".to_owned()]), &f, 42);
    unknown(&s.workers, "`web_concurrency`");
    let bind_env = s.env_overrides.iter().find(|o| o.key == Key::Bind).map(|o| o.variables.clone());
    assert_eq!(bind_env, Some(vec!["HOST".to_owned(), "PORT".to_owned(), "BIND".to_owned()]));

    // tiangolo meinheld image conf: "{host}:{port}".format(...) L16 via
    // use_bind (bind L30), keepalive 120 L31, workers from cpu_count().
    let (s, f) = corpus_settings("tiangolo-meinheld-gunicorn-docker__docker-images__gunicorn_conf.py", "", V23);
    explicit(&s.bind, Some(vec!["0.0.0.0:80".to_owned()]), &f, 30);
    explicit(&s.keepalive, secs(120), &f, 31);
    unknown(&s.workers, "multiprocessing.cpu_count()");

    // gunicorn's celery_alternative example (gunicorn HEAD, so the newest
    // release, which has the asgi worker): asgi worker L37, keepalive 5
    // L83, timeout 120 L80 (a heartbeat for asgi), bind from
    // os.environ.get("GUNICORN_BIND", "0.0.0.0:8000") L29, workers from
    // min(4, cpu_count() + 1) L33.
    let (s, f) = corpus_settings("benoitc-gunicorn__examples__celery_alternative__gunicorn_conf.py", "", None);
    explicit(&s.worker_class, Some("asgi".to_owned()), &f, 37);
    explicit(&s.idle_timeout, secs(5), &f, 83);
    explicit(&s.timeout, secs(120), &f, 80);
    default(&s.request_timeout, None, "heartbeat for asgi");
    explicit(&s.bind, Some(vec!["0.0.0.0:8000".to_owned()]), &f, 29);
    explicit(&s.max_requests_jitter, Some(50), &f, 87);
    unknown(&s.workers, "cpu_count()");

    // gunicorn's http2_gevent example: gevent L22, keepalive 5 L45,
    // graceful 30 L44, worker_connections 1000 L24.
    let (s, f) = corpus_settings("benoitc-gunicorn__examples__http2_gevent__gunicorn_conf.py", "", V23);
    explicit(&s.worker_class, Some("gevent".to_owned()), &f, 22);
    explicit(&s.idle_timeout, secs(5), &f, 45);
    explicit(&s.drain_timeout, secs(30), &f, 44);
    explicit(&s.worker_connections, Some(1000), &f, 24);

    // gunicorn 0.17.0's example: the old `egg:gunicorn#sync` entry point L73.
    let (s, f) = corpus_settings("benoitc-gunicorn@0.17.0__examples__example_config.py", "", V23);
    explicit(&s.worker_class, Some("sync".to_owned()), &f, 73);
    default(&s.idle_timeout, secs(0), "sync worker");
    explicit(&s.request_timeout, secs(30), &f, 75);

    // The dirty_ttin_ttou test conf: gthread L9 with threads 2 L10, bind L7.
    let (s, f) =
        corpus_settings("benoitc-gunicorn__tests__docker__dirty_ttin_ttou__gunicorn_conf.py", "--keep-alive 8", V23);
    explicit(&s.worker_class, Some("gthread".to_owned()), &f, 9);
    explicit(&s.threads, Some(2), &f, 10);
    assert_eq!(s.idle_timeout.value, secs(8));
    assert!(matches!(s.idle_timeout.origin, Origin::Explicit { file: FileId(9), .. }));
}
