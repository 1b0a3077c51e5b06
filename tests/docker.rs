//! The Dockerfile and docker-compose readers on fixtures
//! (`tests/fixtures/docker`) and on real Dockerfiles (`../shared/corpus/
//! docker`, never copied here): exact values, each with the file and line it
//! came from, and no panic or hang on any corpus file.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use hoplint::knowledge::images::{self, ImageRef};
use hoplint::model::command::{CommandLine, Form};
use hoplint::model::compose::{self, Compose, MountKind};
use hoplint::model::dockerfile::{self, Base, Dockerfile, Effective};
use hoplint::model::hop::HopKind;
use hoplint::model::setting::{Millis, Origin, Setting};
use hoplint::source::{FileId, SourceFile};

fn fixture_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/docker").join(relative)
}

fn load(path: &Path, id: u32) -> (FileId, SourceFile) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (FileId(id), SourceFile::new(path.to_path_buf(), bytes))
}

/// A fixture Dockerfile, read as file 0.
fn dockerfile(relative: &str) -> (SourceFile, Dockerfile) {
    let (id, source) = load(&fixture_path(relative), 0);
    let model = dockerfile::read_dockerfile(id, &source.text);
    (source, model)
}

/// Where a setting's value comes from, for assertions: `line N: text` for an
/// explicit value (looked up in `sources`, indexed by file id), `default:
/// what`, or `unknown: reason`.
fn origin<T>(setting: &Setting<T>, sources: &[&SourceFile]) -> String {
    match &setting.origin {
        Origin::Explicit { file, span } => {
            let source = sources[file.0 as usize];
            format!("line {}: {}", source.lines.line(span.start), span.text(&source.text))
        }
        Origin::Default { what } => format!("default: {what}"),
        Origin::Unknown { reason } => format!("unknown: {reason}"),
    }
}

fn words(line: &CommandLine) -> Vec<&str> {
    line.words.iter().map(|w| w.text.as_str()).collect()
}

fn line_of(source: &SourceFile, span: hoplint::span::Span) -> usize {
    source.lines.line(span.start)
}

fn written(effective: Effective<'_>) -> &dockerfile::Command {
    match effective {
        Effective::Written(command) => command,
        other => panic!("expected a written command, got {other:?}"),
    }
}

fn final_stage(file: &Dockerfile) -> usize {
    file.final_stage().expect("a stage")
}

fn root_image(file: &Dockerfile) -> String {
    let root = file.root_image(final_stage(file)).expect("root image");
    root.value.as_ref().map_or_else(|| origin(root, &[]), ToString::to_string)
}

#[test]
fn shell_form_cmd_runs_under_sh() {
    let (src, file) = dockerfile("gunicorn-shell.Dockerfile");
    assert!(file.problems.is_empty(), "{:?}", file.problems);
    let stage = final_stage(&file);
    assert_eq!(root_image(&file), "python:3.12-slim");
    let cmd = written(file.cmd(stage));
    assert_eq!(cmd.line.form, Form::Shell);
    assert_eq!(words(&cmd.line), ["gunicorn", "-k", "gthread", "--keep-alive", "5", "app:app"]);
    assert!(!cmd.line.has_shell_syntax);
    assert_eq!(cmd.shell, ["/bin/sh", "-c"]);
    assert_eq!(line_of(&src, cmd.line.span), 8);
    assert_eq!(cmd.line.words[4].span.text(&src.text), "5");
    assert_eq!(file.entrypoint(stage), Effective::FromBaseImage);
    let signal = file.stop_signal(stage);
    assert_eq!(signal.value.as_deref(), Some("SIGTERM"));
    assert_eq!(origin(&signal, &[&src]), "default: Docker default stop signal (`python:3.12-slim` sets none known)");
    let workdir = file.stages[stage].workdir.as_ref().unwrap();
    assert_eq!(origin(workdir, &[&src]), "line 2: /app");
    assert_eq!(origin(&file.stages[stage].expose[0], &[&src]), "line 6: 8000");
}

#[test]
fn exec_form_cmd() {
    let (src, file) = dockerfile("gunicorn-exec.Dockerfile");
    let stage = final_stage(&file);
    let cmd = written(file.cmd(stage));
    assert_eq!(cmd.line.form, Form::Exec);
    assert!(cmd.shell.is_empty());
    assert_eq!(words(&cmd.line), ["gunicorn", "-k", "gthread", "--keep-alive", "5", "app:app"]);
    assert_eq!(cmd.line.words[0].span.text(&src.text), "\"gunicorn\"");
    assert_eq!(line_of(&src, cmd.line.span), 5);
    assert_eq!(origin(file.stages[stage].user.as_ref().unwrap(), &[&src]), "line 4: 1000");
}

#[test]
fn sh_c_exec_in_exec_form() {
    let (src, file) = dockerfile("sh-c-exec.Dockerfile");
    let stage = final_stage(&file);
    let cmd = written(file.cmd(stage));
    assert_eq!(cmd.line.form, Form::Exec);
    assert_eq!(words(&cmd.line), ["sh", "-c", "exec gunicorn --bind 0.0.0.0:$PORT app:app"]);
    let env = file.env(stage);
    assert_eq!((env[0].name.as_str(), env[0].value.as_deref()), ("PORT", Some("8000")));
    assert_eq!((line_of(&src, env[0].span), env[0].span.text(&src.text)), (2, "8000"));
}

#[test]
fn broken_json_cmd_is_shell_form() {
    let (src, file) = dockerfile("broken-json.Dockerfile");
    assert!(file.problems.is_empty(), "{:?}", file.problems);
    let cmd = written(file.cmd(final_stage(&file)));
    assert_eq!(cmd.line.form, Form::Shell);
    assert_eq!(words(&cmd.line), ["[gunicorn,", "app:app,]"]);
    assert_eq!(cmd.shell, ["/bin/sh", "-c"]);
    assert_eq!(line_of(&src, cmd.line.span), 3);
}

#[test]
fn shell_instruction_applies_to_shell_form() {
    let (src, file) = dockerfile("bash-shell.Dockerfile");
    let cmd = written(file.cmd(final_stage(&file)));
    assert_eq!(cmd.line.form, Form::Shell);
    assert_eq!(cmd.shell, ["/bin/bash", "-c"]);
    assert_eq!(words(&cmd.line), ["gunicorn", "--workers", "2", "app:app"]);
    assert_eq!(line_of(&src, cmd.line.span), 4);
}

#[test]
fn multi_stage_chain_inherits_stopsignal() {
    let (src, file) = dockerfile("multistage.Dockerfile");
    assert!(file.problems.is_empty(), "{:?}", file.problems);
    assert_eq!(file.tree.directives[0].value, "docker/dockerfile:1");
    let globals: Vec<_> = file.global_args.iter().map(|a| (a.name.as_str(), a.default.as_deref())).collect();
    assert_eq!(globals, [("PYTHON_VERSION", Some("3.12")), ("REGISTRY", None)]);
    // ARG in FROM, resolved from the global default
    let Base::Image(builder) = &file.stages[0].base else { panic!("image base") };
    assert_eq!(builder.value.as_ref().unwrap().to_string(), "python:3.12-slim");
    assert_eq!(origin(builder, &[&src]), "line 5: python:${PYTHON_VERSION}-slim");
    // ARG without a default in FROM: unknown
    let Base::Image(tools) = &file.stages[1].base else { panic!("image base") };
    assert!(origin(tools, &[&src]).starts_with("unknown: `${REGISTRY}/tools:latest` uses $REGISTRY"));
    // FROM builder AS app: a chain inside the file
    let app = final_stage(&file);
    assert_eq!(file.stages[app].base, Base::Stage(0));
    assert_eq!(file.stages[app].name.as_ref().unwrap().text, "app");
    assert_eq!(root_image(&file), "python:3.12-slim");
    // STOPSIGNAL 3 in `builder` is inherited by `app`
    let signal = file.stop_signal(app);
    assert_eq!(signal.value.as_deref(), Some("SIGQUIT"));
    assert_eq!(origin(&signal, &[&src]), "line 8: 3");
    let hop = dockerfile::container_hop(&file, "multistage.Dockerfile").unwrap();
    assert_eq!((hop.id.as_str(), hop.kind), ("multistage.Dockerfile", HopKind::Container));
    assert_eq!(line_of(&src, hop.span), 13);
    assert_eq!(hop.settings.stop_signal, Some(signal));
    assert!(!hop.settings.grace_period.unwrap().is_known(), "an image has no grace period");
    // ENV forms: `a=b c="d e"`, legacy `ENV a b c`, override in the child stage
    let env: Vec<_> =
        file.env(app).iter().map(|e| (e.name.as_str(), e.value.as_deref(), line_of(&src, e.span))).collect();
    assert_eq!(
        env,
        [("PIP_NO_CACHE_DIR", Some("1"), 6), ("LEGACY_MODE", Some("on please"), 7), ("APP_HOME", Some("/srv/app"), 14)]
    );
    let home = file.stages[0].env.iter().find(|e| e.name == "APP_HOME").unwrap();
    assert_eq!((home.value.as_deref(), home.span.text(&src.text)), (Some("/srv/my app"), "\"/srv/my app\""));
    let copy = &file.stages[app].copies[0];
    assert_eq!(copy.from.as_ref().unwrap().text, "builder");
    assert_eq!(copy.destination.as_ref().unwrap().text, "/wheels");
    assert_eq!(words(&written(file.cmd(app)).line), ["gunicorn", "--config", "gunicorn.conf.py", "app:app"]);
}

#[test]
fn backtick_escape_directive() {
    let (src, file) = dockerfile("windows.Dockerfile");
    assert!(file.problems.is_empty(), "{:?}", file.problems);
    assert_eq!(file.tree.escape, '`');
    let run = &file.tree.instructions[2];
    assert_eq!(run.args.text, "New-Item -ItemType Directory C:\\app ;     Write-Host \"done\"");
    let cmd = written(file.cmd(final_stage(&file)));
    // PowerShell, not a POSIX shell: blank-separated words, backslashes kept
    assert_eq!(cmd.shell, ["powershell", "-Command"]);
    assert_eq!(words(&cmd.line), ["C:\\app\\server.exe", "--port", "8080"]);
    assert!(cmd.line.has_shell_syntax);
    assert_eq!(line_of(&src, cmd.line.span), 7);
    let copy = &file.stages[0].copies[0];
    assert_eq!(copy.destination.as_ref().unwrap().text, "C:\\app");
}

#[test]
fn continuations_comments_and_heredocs() {
    let (src, file) = dockerfile("continuations.Dockerfile");
    assert!(file.problems.is_empty(), "{:?}", file.problems);
    let run = &file.tree.instructions[1];
    assert_eq!(run.keyword, "RUN");
    assert_eq!(
        run.args.text,
        "apt-get update     && apt-get install -y --no-install-recommends         ca-certificates curl     && rm -rf /var/lib/apt/lists/*"
    );
    assert_eq!(file.tree.comments.len(), 1, "the comment inside the continuation");
    let heredoc_run = &file.tree.instructions[2];
    assert_eq!(heredoc_run.heredocs[0].content, "set -e\nuseradd --create-home app\n");
    let stage = final_stage(&file);
    let copy = &file.stages[stage].copies[0];
    assert_eq!(copy.sources[0].heredoc.as_deref(), Some("listen = 8000\nname = $APP_NAME\n"));
    assert_eq!(copy.destination.as_ref().unwrap().text, "/etc/app/app.conf");
    assert_eq!(line_of(&src, copy.span), 12);
    // CMD after ENTRYPOINT in the same stage is kept
    assert_eq!(words(&written(file.entrypoint(stage)).line), ["/usr/local/bin/app"]);
    let cmd = written(file.cmd(stage));
    assert_eq!((words(&cmd.line), line_of(&src, cmd.line.span)), (vec!["--serve"], 17));
}

#[test]
fn scratch_final_stage() {
    let (src, file) = dockerfile("scratch.Dockerfile");
    let stage = final_stage(&file);
    assert_eq!(root_image(&file), "scratch");
    let root = file.root_image(stage).unwrap().value.as_ref().unwrap();
    assert!(root.is_scratch());
    assert!(!images::has_shell(root));
    let signal = file.stop_signal(stage);
    assert_eq!(signal.value.as_deref(), Some("SIGTERM"));
    assert_eq!(origin(&signal, &[&src]), "default: Docker default stop signal (`scratch` sets none)");
    assert_eq!(file.cmd(stage), Effective::Cleared);
    assert_eq!(words(&written(file.entrypoint(stage)).line), ["/server"]);
    assert_eq!(line_of(&src, file.stages[stage].from), 6);
}

#[test]
fn distroless_final_stage() {
    let (_, file) = dockerfile("distroless.Dockerfile");
    assert_eq!(root_image(&file), "gcr.io/distroless/python3-debian12:nonroot");
    let root = file.root_image(final_stage(&file)).unwrap().value.as_ref().unwrap();
    assert!(!images::has_shell(root));
    assert_eq!(file.stop_signal(final_stage(&file)).value.as_deref(), Some("SIGTERM"));
}

#[test]
fn nginx_base_inherits_sigquit() {
    let (src, file) = dockerfile("nginx.Dockerfile");
    let stage = final_stage(&file);
    let hop = dockerfile::container_hop(&file, "nginx.Dockerfile").unwrap();
    assert_eq!(line_of(&src, hop.span), 1);
    let signal = hop.settings.stop_signal.unwrap();
    assert_eq!(signal.value.as_deref(), Some("SIGQUIT"));
    assert_eq!(
        origin(&signal, &[&src]),
        "default: official nginx image 1.25 STOPSIGNAL (SIGQUIT since 1.19.5, docker-nginx commit 3fb70dd)"
    );
    let copy = &file.stages[stage].copies[0];
    assert_eq!(copy.sources[0].path.text, "nginx.conf");
    assert_eq!(copy.destination.as_ref().unwrap().span.text(&src.text), "/etc/nginx/nginx.conf");
    assert_eq!(line_of(&src, copy.span), 2);
    let healthcheck = file.stages[stage].healthcheck.unwrap();
    assert!(!healthcheck.disabled);
    assert_eq!(line_of(&src, healthcheck.span), 4);
}

#[test]
fn php_fpm_base_inherits_sigquit() {
    let (src, file) = dockerfile("php-fpm.Dockerfile");
    let signal = file.stop_signal(final_stage(&file));
    assert_eq!(signal.value.as_deref(), Some("SIGQUIT"));
    assert!(origin(&signal, &[&src]).starts_with("default: official php fpm image STOPSIGNAL (`php:8.2-fpm`"));
}

#[test]
fn unterminated_heredoc_is_a_problem() {
    let (src, file) = dockerfile("unterminated-heredoc.Dockerfile");
    assert_eq!(file.problems.len(), 1, "{:?}", file.problems);
    let problem = &file.problems[0];
    assert_eq!((line_of(&src, problem.span), problem.span.text(&src.text)), (2, "<<EOF"));
    assert!(problem.message.starts_with("unterminated heredoc"), "{}", problem.message);
}

/// The compose fixture and the app's Dockerfile (files 0 and 1).
fn compose_project() -> (SourceFile, Compose, SourceFile, Dockerfile) {
    let (compose_id, compose_src) = load(&fixture_path("compose/docker-compose.yml"), 0);
    let compose = compose::read_compose(compose_id, &compose_src.text);
    let (app_id, app_src) = load(&fixture_path("compose/app/Dockerfile"), 1);
    let app = dockerfile::read_dockerfile(app_id, &app_src.text);
    (compose_src, compose, app_src, app)
}

#[test]
fn compose_services() {
    let (src, compose, _, _) = compose_project();
    let names: Vec<_> = compose.services.iter().map(|s| (s.name.as_str(), line_of(&src, s.name_span))).collect();
    assert_eq!(names, [("nginx", 10), ("app", 22), ("worker", 33), ("legacy", 49)]);
    // the only problem: a grace period without a unit
    let problems: Vec<_> = compose.problems.iter().map(|p| (line_of(&src, p.span), p.message.as_str())).collect();
    assert_eq!(problems, [(51, "`stop_grace_period: 10` is not a duration such as `10s` or `1m30s`")]);

    let nginx = &compose.services[0];
    assert_eq!(origin(nginx.image.as_ref().unwrap(), &[&src]), "line 11: nginx:1.25-alpine");
    assert_eq!(origin(nginx.stop_signal.as_ref().unwrap(), &[&src]), "line 12: SIGQUIT");
    let grace = nginx.stop_grace_period.as_ref().unwrap();
    assert_eq!((grace.value, origin(grace, &[&src])), (Some(Millis(90_000)), "line 13: 1m30s".to_owned()));
    let conf = &nginx.volumes[0];
    assert_eq!((conf.kind.clone(), conf.read_only), (MountKind::Bind, true));
    let source = conf.source.as_ref().unwrap();
    assert_eq!((source.text.as_str(), line_of(&src, source.span)), ("./nginx/nginx.conf", 17));
    assert_eq!(conf.target.as_ref().unwrap().span.text(&src.text), "/etc/nginx/nginx.conf");
    assert_eq!(nginx.volumes[1].kind, MountKind::Volume);
    assert_eq!((nginx.ports[0].target, nginx.ports[0].published.as_deref()), (Some(80), Some("8080")));
    assert_eq!(nginx.depends_on[0].text, "app");

    let app = &compose.services[1];
    assert_eq!(app.build.as_ref().unwrap().dockerfile_path(), PathBuf::from("./app/Dockerfile"));
    let command = app.command.as_ref().unwrap();
    // compose-go splits a string command into a list: no shell runs it
    assert_eq!(command.form, Form::Exec);
    assert_eq!(words(command), ["gunicorn", "--keep-alive", "75", "--bind", "0.0.0.0:8000", "app:app"]);
    assert_eq!(command.words[2].span.text(&src.text), "75");
    assert_eq!(command.words[4].span.text(&src.text), "0.0.0.0:${PORT:-8000}");
    assert_eq!(line_of(&src, command.span), 25);
    // environment: own keys, then the merged anchor's
    let env: Vec<_> = app
        .environment
        .iter()
        .map(|e| (e.name.as_str(), e.value.as_deref(), line_of(&src, e.span), e.span.text(&src.text)))
        .collect();
    assert_eq!(
        env,
        [
            ("GUNICORN_CMD_ARGS", Some("--timeout 60"), 28, "\"--timeout 60\""),
            ("DATABASE_URL", None, 29, "DATABASE_URL"),
            ("PYTHONUNBUFFERED", Some("1"), 6, "\"1\""),
            ("LOG_LEVEL", Some("info"), 7, "info"),
        ]
    );
    // stop_grace_period merged from `x-app-defaults`
    assert_eq!(origin(app.stop_grace_period.as_ref().unwrap(), &[&src]), "line 4: 45s");

    let worker = &compose.services[2];
    let build = worker.build.as_ref().unwrap();
    assert_eq!(build.target.as_ref().unwrap().text, "base");
    assert_eq!((build.args[0].name.as_str(), build.args[0].value.as_deref()), ("PYTHON_VERSION", Some("3.12")));
    assert_eq!(worker.command.as_ref().unwrap().form, Form::Exec);
    assert_eq!(words(worker.command.as_ref().unwrap()), ["celery", "-A", "app", "worker"]);
    let env: Vec<_> =
        worker.environment.iter().map(|e| (e.name.as_str(), e.value.as_deref(), e.span.text(&src.text))).collect();
    assert_eq!(
        env,
        [
            ("QUEUE", Some("default"), "default"),
            ("SECRET_KEY", None, "SECRET_KEY"),
            ("PORT", Some("8000"), "${PORT:-8000}"),
            ("UPSTREAM", None, "${UPSTREAM_URL}"),
        ]
    );
    assert_eq!(worker.env_files[0].text, ".env");
}

#[test]
fn compose_container_hops() {
    let (src, compose, app_src, app_dockerfile) = compose_project();
    let sources = [&src, &app_src];
    let hop = |i: usize, dockerfile: Option<&Dockerfile>| {
        compose::service_hop(&compose, &compose.services[i], "docker-compose.yml", dockerfile)
    };

    let nginx = hop(0, None);
    assert_eq!((nginx.id.as_str(), nginx.kind), ("docker-compose.yml:service nginx", HopKind::Container));
    assert_eq!(line_of(&src, nginx.span), 10);
    assert_eq!(nginx.span.text(&src.text), "nginx");
    assert_eq!(origin(nginx.settings.stop_signal.as_ref().unwrap(), &sources), "line 12: SIGQUIT");
    assert_eq!(origin(nginx.settings.grace_period.as_ref().unwrap(), &sources), "line 13: 1m30s");

    // `build: ./app`: the Dockerfile's final stage sets STOPSIGNAL SIGTERM
    let app = hop(1, Some(&app_dockerfile));
    assert_eq!(origin(app.settings.stop_signal.as_ref().unwrap(), &sources), "line 8: SIGTERM");
    assert_eq!(app.settings.grace_period.as_ref().unwrap().value, Some(Millis(45_000)));
    let unseen = hop(1, None);
    assert_eq!(
        origin(unseen.settings.stop_signal.as_ref().unwrap(), &sources),
        "unknown: built from `./app/Dockerfile`, which is not in scope"
    );

    // `target: base`: that stage has no STOPSIGNAL; python's default applies
    let worker = hop(2, Some(&app_dockerfile));
    let signal = worker.settings.stop_signal.unwrap();
    assert_eq!(signal.value.as_deref(), Some("SIGTERM"));
    assert_eq!(origin(&signal, &sources), "default: Docker default stop signal (`python:3.12-slim` sets none known)");

    let legacy = hop(3, None);
    let signal = legacy.settings.stop_signal.unwrap();
    assert_eq!(signal.value.as_deref(), Some("SIGWINCH"));
    assert!(origin(&signal, &sources).starts_with("default: official httpd/php apache image STOPSIGNAL"));
    assert_eq!(
        origin(legacy.settings.grace_period.as_ref().unwrap(), &sources),
        "unknown: invalid stop_grace_period `10`"
    );

    // no stop_grace_period at all: Compose's 10s
    let minimal = compose::read_compose(FileId(0), "services:\n  web:\n    image: nginx\n");
    let web = compose::service_hop(&minimal, &minimal.services[0], "compose.yaml", None);
    let grace = web.settings.grace_period.unwrap();
    assert_eq!(grace.value, Some(Millis(10_000)));
    assert_eq!(origin(&grace, &[]), "default: Compose default stop_grace_period (compose-spec 05-services.md)");
}

fn corpus_docker() -> Option<PathBuf> {
    common::corpus_dir("docker")
}

#[test]
fn every_corpus_dockerfile_reads_without_panic_or_hang() {
    let Some(dir) = corpus_docker() else { return common::skip_or_fail("../shared/corpus") };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    assert!(paths.len() >= 70, "corpus/docker has {} files", paths.len());
    for path in paths {
        let name = path.display().to_string();
        let (stages, problems) = common::within(Duration::from_secs(10), &name, move || {
            let (id, source) = load(&path, 0);
            let file = dockerfile::read_dockerfile(id, &source.text);
            let stage = file.final_stage();
            if let Some(stage) = stage {
                // every effective value can be computed
                let _ = (file.stop_signal(stage), file.env(stage), file.cmd(stage), file.entrypoint(stage));
            }
            (file.stages.len(), file.problems.len())
        });
        assert!(stages > 0, "{name}: no stage");
        assert_eq!(problems, 0, "{name}: these are Dockerfiles Docker builds");
    }
}

#[test]
fn compose_reader_survives_every_corpus_yaml() {
    // The corpus has no Compose files; its Kubernetes YAML (multi-document,
    // anchors, odd scalars) must still read without panic or hang.
    let Some(dir) = common::shared_dir().map(|d| d.join("corpus/k8s")).filter(|d| d.is_dir()) else {
        return common::skip_or_fail("../shared/corpus");
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    for path in paths {
        let name = path.display().to_string();
        let services = common::within(Duration::from_secs(10), &name, move || {
            let (id, source) = load(&path, 0);
            compose::read_compose(id, &source.text).services.len()
        });
        assert_eq!(services, 0, "{name}: a Kubernetes manifest has no `services:`");
    }
}

/// A corpus Dockerfile, read as file 0.
fn corpus_file(name: &str) -> Option<(SourceFile, Dockerfile)> {
    let (id, source) = load(&corpus_docker()?.join(name), 0);
    let model = dockerfile::read_dockerfile(id, &source.text);
    Some((source, model))
}

#[test]
fn corpus_values_read_by_hand() {
    let Some((src, nginx)) = corpus_file("nginxinc-docker-nginx__mainline__alpine-slim__Dockerfile") else {
        return common::skip_or_fail("../shared/corpus");
    };
    // nginxinc/docker-nginx mainline/alpine-slim: `FROM alpine:3.21` (line 6),
    // `ENV NGINX_VERSION  1.27.4` (line 10), `STOPSIGNAL SIGQUIT` (line 121),
    // `ENTRYPOINT ["/docker-entrypoint.sh"]` (117), `CMD ["nginx", "-g", "daemon off;"]` (123).
    let stage = final_stage(&nginx);
    assert_eq!(root_image(&nginx), "alpine:3.21");
    assert_eq!(origin(&nginx.stop_signal(stage), &[&src]), "line 121: SIGQUIT");
    let cmd = written(nginx.cmd(stage));
    assert_eq!((cmd.line.form, words(&cmd.line)), (Form::Exec, vec!["nginx", "-g", "daemon off;"]));
    assert_eq!(line_of(&src, cmd.line.span), 123);
    assert_eq!(words(&written(nginx.entrypoint(stage)).line), ["/docker-entrypoint.sh"]);
    let version = nginx.env(stage).into_iter().find(|e| e.name == "NGINX_VERSION").unwrap();
    assert_eq!((version.value.as_deref(), line_of(&src, version.span)), (Some("1.27.4"), 10));

    // docker-library/php 8.2 bookworm fpm: `FROM debian:bookworm-slim` (7),
    // `ENV PHP_CPPFLAGS="$PHP_CFLAGS"` (58) expands the line before,
    // `ENV PHP_VERSION 8.2.33` (63), `STOPSIGNAL SIGQUIT` (279), `CMD ["php-fpm"]` (282).
    let (src, php) = corpus_file("docker-library-php__8.2__bookworm__fpm__Dockerfile").unwrap();
    let stage = final_stage(&php);
    assert_eq!(root_image(&php), "debian:bookworm-slim");
    assert_eq!(origin(&php.stop_signal(stage), &[&src]), "line 279: SIGQUIT");
    assert_eq!(words(&written(php.cmd(stage)).line), ["php-fpm"]);
    assert_eq!(words(&written(php.entrypoint(stage)).line), ["docker-php-entrypoint"]);
    let env = php.env(stage);
    let get = |name: &str| env.iter().find(|e| e.name == name).unwrap().value.as_deref();
    assert_eq!(get("PHP_VERSION"), Some("8.2.33"));
    assert_eq!(get("PHP_CPPFLAGS"), get("PHP_CFLAGS"));
    assert!(get("PHP_CFLAGS").unwrap().starts_with("-fstack-protector-strong"));
    assert_eq!(origin(php.stages[stage].workdir.as_ref().unwrap(), &[&src]), "line 232: /var/www/html");

    // docker-library/tomcat 10.1 jre25: `FROM eclipse-temurin:25-jre-noble` (7),
    // `ENV CATALINA_HOME /usr/local/tomcat` (9), `ENV PATH $CATALINA_HOME/bin:$PATH`
    // (10, PATH comes from the base image), `WORKDIR $CATALINA_HOME` (12),
    // `ENTRYPOINT []` (41) then `CMD ["catalina.sh", "run"]` (43); no STOPSIGNAL.
    let (src, tomcat) = corpus_file("docker-library-tomcat__10.1__jre25__temurin-noble__Dockerfile").unwrap();
    let stage = final_stage(&tomcat);
    assert_eq!(root_image(&tomcat), "eclipse-temurin:25-jre-noble");
    assert_eq!(
        origin(&tomcat.stop_signal(stage), &[&src]),
        "default: Docker default stop signal (`eclipse-temurin:25-jre-noble` sets none known)"
    );
    let cmd = written(tomcat.cmd(stage));
    assert_eq!((words(&cmd.line), line_of(&src, cmd.line.span)), (vec!["catalina.sh", "run"], 43));
    assert!(written(tomcat.entrypoint(stage)).line.words.is_empty());
    let env = tomcat.env(stage);
    let get = |name: &str| env.iter().find(|e| e.name == name).unwrap().value.as_deref();
    assert_eq!(get("CATALINA_HOME"), Some("/usr/local/tomcat"));
    assert_eq!(get("PATH"), None);
    let workdir = tomcat.stages[stage].workdir.as_ref().unwrap();
    assert_eq!(workdir.value.as_deref(), Some("/usr/local/tomcat"));
    assert_eq!(origin(workdir, &[&src]), "line 12: $CATALINA_HOME");
    let copy = &tomcat.stages[stage].copies[0];
    assert_eq!(copy.from.as_ref().unwrap().text, "tomcat:10.1.59-jdk25-temurin-noble");
    assert_eq!(copy.destination.as_ref().unwrap().text, "/usr/local/tomcat");

    // kubernetes/ingress-nginx rootfs: `ARG BASE_IMAGE` (15, no default) then
    // `FROM ${BASE_IMAGE}` (17): unknown base and stop signal;
    // `ENTRYPOINT ["/usr/bin/dumb-init", "--"]` (87), `CMD ["/nginx-ingress-controller"]` (88).
    let (src, ingress) = corpus_file("kubernetes-ingress-nginx__rootfs__Dockerfile").unwrap();
    let stage = final_stage(&ingress);
    assert!(origin(&ingress.stop_signal(stage), &[&src]).starts_with("unknown: the image is not known"));
    assert_eq!(words(&written(ingress.entrypoint(stage)).line), ["/usr/bin/dumb-init", "--"]);
    let cmd = written(ingress.cmd(stage));
    assert_eq!((words(&cmd.line), line_of(&src, cmd.line.span)), (vec!["/nginx-ingress-controller"], 88));

    // openresty windows: `# escape=`` (1); the final `FROM "${RESTY_IMAGE_BASE}:${RESTY_IMAGE_TAG}"`
    // (33) resolves from the global ARGs (7, 8); `USER ContainerUser` (53);
    // `CMD ["nginx", "-g", "daemon off;"]` (55).
    let (src, openresty) = corpus_file("openresty-docker-openresty__windows__Dockerfile").unwrap();
    let stage = final_stage(&openresty);
    assert_eq!(openresty.tree.escape, '`');
    assert_eq!(root_image(&openresty), "mcr.microsoft.com/windows/nanoserver:1809");
    assert_eq!(line_of(&src, openresty.stages[stage].from), 33);
    assert_eq!(origin(openresty.stages[stage].user.as_ref().unwrap(), &[&src]), "line 53: ContainerUser");
    assert_eq!(words(&written(openresty.cmd(stage)).line), ["nginx", "-g", "daemon off;"]);
    let Base::Image(downloader) = &openresty.stages[0].base else { panic!("image") };
    assert_eq!(
        downloader.value.as_ref().unwrap().to_string(),
        "mcr.microsoft.com/dotnet/framework/runtime:4.8-windowsservercore-ltsc2019"
    );

    // NginxProxyManager: `ARG BASE_IMAGE=nginxproxymanager/nginx-full:certbot-node` (6),
    // `FROM $BASE_IMAGE` (8), `ENTRYPOINT [ "/init" ]` (58) and no CMD: the
    // base image's CMD is reset.
    let (src, npm) = corpus_file("NginxProxyManager-nginx-proxy-manager__docker__Dockerfile").unwrap();
    let stage = final_stage(&npm);
    assert_eq!(root_image(&npm), "nginxproxymanager/nginx-full:certbot-node");
    assert_eq!(line_of(&src, npm.stages[stage].from), 8);
    assert_eq!(npm.cmd(stage), Effective::Cleared);
    let entrypoint = written(npm.entrypoint(stage));
    assert_eq!((words(&entrypoint.line), line_of(&src, entrypoint.line.span)), (vec!["/init"], 58));
    let copy = npm.stages[stage].copies.iter().find(|c| c.from.is_some()).unwrap();
    assert_eq!(copy.from.as_ref().unwrap().text, "testca");

    // docker/awesome-compose fastapi: `# syntax = docker/dockerfile:1.4` (1), a
    // `FROM builder as dev-envs` chain (13) onto tiangolo's image (3), and
    // two `RUN <<EOF` heredocs (15, 20).
    let (src, fastapi) = corpus_file("docker-awesome-compose__fastapi__Dockerfile").unwrap();
    let stage = final_stage(&fastapi);
    assert_eq!(fastapi.tree.directives[0].value, "docker/dockerfile:1.4");
    assert_eq!(fastapi.stages[stage].base, Base::Stage(0));
    assert_eq!(root_image(&fastapi), "tiangolo/uvicorn-gunicorn-fastapi:python3.9-slim");
    let heredocs: Vec<_> = fastapi
        .tree
        .instructions
        .iter()
        .filter(|i| !i.heredocs.is_empty())
        .map(|i| (line_of(&src, i.span), i.heredocs[0].content.lines().count()))
        .collect();
    assert_eq!(heredocs, [(15, 2), (20, 3)]);
    assert_eq!(fastapi.cmd(stage), Effective::FromBaseImage);
    let image = ImageRef::parse("tiangolo/uvicorn-gunicorn-fastapi:python3.9-slim").unwrap();
    assert_eq!(fastapi.stop_signal(stage).value.as_deref(), Some(images::DOCKER_DEFAULT_STOP_SIGNAL));
    assert_eq!(images::software(&image), None);
}
