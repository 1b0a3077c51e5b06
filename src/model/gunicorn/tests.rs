use super::*;
use crate::model::command::{EnvVar, split_shell};
use crate::model::setting::{Millis, Origin};

const CONF: FileId = FileId(1);
const CMD: FileId = FileId(2);

fn args(text: &str) -> GunicornArgs {
    parse_gunicorn_args(CMD, &split_shell(text, 0).0)
}

fn explicit_at(setting_origin: &Origin) -> Option<(FileId, Span)> {
    match setting_origin {
        Origin::Explicit { file, span } => Some((*file, *span)),
        _ => None,
    }
}

#[test]
fn cli_forms_follow_argparse() {
    let text = "--keep-alive=5 -kgthread -w 4 --threads 8 -t 0 -b :80 --bind=:81 --log-level debug app:app --graceful-timeout 10";
    let a = args(text);
    let get = |k: Key| a.settings.values[&k].value.value.clone();
    assert_eq!(get(Key::Keepalive), Some(GivenValue::Count(5)));
    assert_eq!(get(Key::WorkerClass), Some(GivenValue::Text("gthread".into())));
    assert_eq!(get(Key::Workers), Some(GivenValue::Count(4)));
    assert_eq!(get(Key::Timeout), Some(GivenValue::Count(0)));
    assert_eq!(get(Key::GracefulTimeout), Some(GivenValue::Count(10)));
    assert_eq!(get(Key::Bind), Some(GivenValue::List(vec![":80".into(), ":81".into()])));
    assert_eq!(a.app.as_ref().map(|w| w.text.as_str()), Some("app:app"));
    let (_, span) = explicit_at(&a.settings.values[&Key::Keepalive].value.origin).unwrap();
    assert_eq!(span.text(text), "5");
    let (_, span) = explicit_at(&a.settings.values[&Key::WorkerClass].value.origin).unwrap();
    assert_eq!(span.text(text), "gthread");
    assert_eq!(
        args("-k=gevent app").settings.values[&Key::WorkerClass].value.value,
        Some(GivenValue::Text("gevent".into()))
    );
}

#[test]
fn cli_bad_values_are_unknown() {
    let a = args("--keep-alive $KA --timeout abc --workers");
    for (key, expected) in
        [(Key::Keepalive, "expanded by the shell"), (Key::Timeout, "not an integer"), (Key::Workers, "has no value")]
    {
        match &a.settings.values[&key].value.origin {
            Origin::Unknown { reason } => assert!(reason.contains(expected), "{reason}"),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn precedence_conf_env_cli() {
    let src = "keepalive = 2\ntimeout = 60\ngraceful_timeout = 20\nworker_class = 'gthread'\n";
    let conf = read_conf(CONF, src);
    let env_text = "--keep-alive 10 --timeout 90";
    let env = EnvVar {
        name: "GUNICORN_CMD_ARGS".into(),
        value: Some(env_text.into()),
        file: FileId(3),
        span: Span::new(100, 100 + u32::try_from(env_text.len()).unwrap()),
    };
    let cli = args("--keep-alive 30 app:app");
    let s = effective_gunicorn(Some(&conf), Some(&env), Some(&cli), Some(crate::knowledge::Version::new(23, 0, 0)));
    assert_eq!(s.idle_timeout.value, Some(Millis(30_000)));
    assert_eq!(explicit_at(&s.idle_timeout.origin).map(|(f, _)| f), Some(CMD));
    assert_eq!(s.timeout.value, Some(Millis(90_000)));
    assert_eq!(explicit_at(&s.timeout.origin), Some((FileId(3), Span::new(100 + 26, 100 + 28))));
    assert_eq!(s.graceful_timeout.value, Some(Millis(20_000)));
    assert_eq!(explicit_at(&s.drain_timeout.origin).map(|(f, s)| (f, s.text(src))), Some((CONF, "20")));
    assert_eq!(s.worker_class.value.as_deref(), Some("gthread"));
    assert_eq!(s.request_timeout.value, None);
    assert!(matches!(&s.request_timeout.origin, Origin::Default { what } if what.contains("heartbeat for gthread")));
}

#[test]
fn worker_semantics() {
    let v = Some(crate::knowledge::Version::new(23, 0, 0));
    let sync = effective_gunicorn(None, None, Some(&args("app")), v);
    assert_eq!(sync.worker_class.value.as_deref(), Some("sync"));
    assert_eq!(sync.idle_timeout.value, Some(Millis(0)));
    assert_eq!(sync.request_timeout.value, Some(Millis(30_000)));
    assert!(
        matches!(&sync.idle_timeout.origin, Origin::Default { what } if what.contains("closes after every response"))
    );
    let threaded = effective_gunicorn(None, None, Some(&args("--threads 4 app")), v);
    assert_eq!(threaded.worker_class.value.as_deref(), Some("gthread"));
    assert_eq!(threaded.idle_timeout.value, Some(Millis(2_000)));
    let uvicorn = effective_gunicorn(None, None, Some(&args("-k uvicorn.workers.UvicornWorker app")), v);
    assert_eq!(uvicorn.idle_timeout.value, Some(Millis(2_000)));
    let tornado = effective_gunicorn(None, None, Some(&args("-k tornado app")), v);
    assert!(!tornado.idle_timeout.is_known());
    let eventlet =
        effective_gunicorn(None, None, Some(&args("-k eventlet app")), Some(crate::knowledge::Version::new(26, 0, 0)));
    assert!(matches!(&eventlet.idle_timeout.origin, Origin::Unknown { reason } if reason.contains("removed")));
    let unbounded = effective_gunicorn(None, None, Some(&args("-t 0 app")), v);
    assert_eq!(unbounded.request_timeout.value, None);
    assert!(unbounded.request_timeout.is_explicit());
}

#[test]
fn conf_values_validated_like_gunicorn() {
    let src = "import os\nkeepalive = '5'\ntimeout = 2.5\nworkers = -1\nbind = '0.0.0.0:' + os.environ.get('PORT', '8000')\nwsgi_app = None\nconfig = 'x.py'\n";
    let conf = read_conf(CONF, src);
    let v = &conf.settings.values;
    assert_eq!(v[&Key::Keepalive].value.value, Some(GivenValue::Count(5)));
    assert!(matches!(&v[&Key::Timeout].value.origin, Origin::Unknown { reason } if reason.contains("float")));
    assert!(matches!(&v[&Key::Workers].value.origin, Origin::Unknown { reason } if reason.contains("negative")));
    assert_eq!(v[&Key::Bind].value.value, Some(GivenValue::List(vec!["0.0.0.0:8000".into()])));
    assert_eq!(v[&Key::Bind].env_defaults, ["PORT"]);
    assert!(!v.contains_key(&Key::WsgiApp));
    assert!(!v.contains_key(&Key::Config));
    let s = effective_gunicorn(Some(&conf), None, None, None);
    assert_eq!(s.env_overrides, [EnvOverride { key: Key::Bind, variables: vec!["PORT".into()] }]);
    assert_eq!(s.env_overrides[0].describe(), "default of os.environ.get(\"PORT\"), overridable by the environment");
    assert!(matches!(&s.software_version.origin, Origin::Default { what } if what.contains("assumed")));
}

#[test]
fn opaque_sources_hide_lower_ones() {
    let conf = read_conf(CONF, "keepalive = 5\n");
    let env = EnvVar { name: "GUNICORN_CMD_ARGS".into(), value: None, file: FileId(3), span: Span::new(0, 5) };
    let s = effective_gunicorn(Some(&conf), Some(&env), Some(&args("--timeout 10 app")), None);
    assert!(!s.keepalive.is_known());
    assert_eq!(s.timeout.value, Some(Millis(10_000)));
}

#[test]
fn config_locations() {
    assert_eq!(config_location(None, None), ConfigLocation::Default);
    let cli = args("-c python:conf.gunicorn app");
    assert!(
        matches!(config_location(Some(&cli), None), ConfigLocation::Module { name, .. } if name == "conf.gunicorn")
    );
    let env = args("--config file:/etc/g.py");
    assert!(matches!(config_location(None, Some(&env)), ConfigLocation::File { path, .. } if path == "/etc/g.py"));
}

#[test]
fn shell_variables_are_unknown() {
    // tiangolo/uvicorn-gunicorn-docker's start.sh.
    let a = args(r#"-k "$WORKER_CLASS" -c "$GUNICORN_CONF" "$APP_MODULE""#);
    let s = effective_gunicorn(None, None, Some(&a), None);
    assert!(matches!(&s.worker_class.origin, Origin::Unknown { reason } if reason.contains("expanded by the shell")));
    assert!(!s.idle_timeout.is_known());
    assert!(matches!(config_location(Some(&a), None), ConfigLocation::Unknown { .. }));
}
