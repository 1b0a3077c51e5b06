//! Backend hops: the servers the project starts (gunicorn, uvicorn,
//! hypercorn from command lines) with the config files and environment they
//! read, and the servers configured by files alone (php-fpm, httpd, Puma,
//! gunicorn config files nothing starts explicitly).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::knowledge::Version;
use crate::knowledge::images::ImageRef;
use crate::knowledge::servers::Server;
use crate::model::command::{CommandLine, EnvVar};
use crate::model::containers;
use crate::model::dockerfile::Effective;
use crate::model::gunicorn::{self, ConfigLocation, GunicornConf};
use crate::model::hop::Hop;
use crate::model::server_invocation::{ServerInvocation, detect_server};
use crate::model::setting::Setting;
use crate::model::{hypercorn, uvicorn};
use crate::project::Project;
use crate::source::FileId;
use crate::span::Span;
use crate::syntax::nginx::include::normalize;

/// Where a backend's command line names its server (`gunicorn`, the
/// `uvicorn` of `python -m uvicorn`): options it lacks go right after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProgramSite {
    pub file: FileId,
    /// The program word, quotes included.
    pub word: Span,
    /// A list (`["gunicorn", …]`, a YAML sequence) or a shell string.
    pub form: crate::model::command::Form,
}

/// A command line that starts a process, and what runs it.
struct Launch {
    /// The id of what runs it: a Dockerfile, `file:Kind/name/container`,
    /// `file:service NAME`, `Procfile:process NAME`, a script.
    id: String,
    file: FileId,
    span: Span,
    command: CommandLine,
    env: Vec<EnvVar>,
    /// Where relative paths on the command line resolve (the directory of
    /// the file that holds the command: a Dockerfile's build context, the
    /// compose file's, the Procfile's).
    dir: PathBuf,
    /// The image the process runs in, when known (its tag gives the
    /// runtime's version: `node:22`).
    image: Option<Setting<ImageRef>>,
    /// Files mounted into the container from ConfigMaps: the path inside
    /// it, and the file hoplint read.
    mounts: Vec<(String, FileId)>,
}

fn dir_of(project: &Project, file: FileId) -> PathBuf {
    let path = &project.file(file).path;
    std::path::absolute(path).ok().and_then(|p| p.parent().map(normalize)).unwrap_or_default()
}

/// Every command line the project's files start processes with.
fn launches(project: &Project) -> Vec<Launch> {
    let mut out = Vec::new();
    for dockerfile in &project.dockerfiles {
        let Some((command, env, span)) = image_command(dockerfile) else { continue };
        out.push(Launch {
            id: project.display_name(dockerfile.file),
            file: dockerfile.file,
            span,
            command,
            env,
            dir: dir_of(project, dockerfile.file),
            image: dockerfile.final_stage().and_then(|s| dockerfile.root_image(s)).cloned(),
            mounts: Vec::new(),
        });
    }
    for manifests in &project.k8s {
        for object in &manifests.objects {
            let Some(workload) = object.workload() else { continue };
            for container in workload.pod.containers.iter().filter(|c| !c.is_init) {
                out.extend(container_launch(project, manifests, object, workload, container));
            }
        }
    }
    for compose in &project.compose {
        let compose_dir = dir_of(project, compose.file);
        for service in &compose.services {
            // A service without a command runs its image's: the Dockerfile
            // `build:` names, with the service's environment on top.
            let built =
                service.build.as_ref().and_then(|b| project.dockerfile_at(&compose_dir.join(b.dockerfile_path())));
            let image = built.and_then(image_command);
            let command = match (&service.entrypoint, &service.command, &image) {
                (Some(entry), Some(cmd), _) => {
                    let mut full = entry.clone();
                    full.words.extend(cmd.words.iter().cloned());
                    full
                }
                (Some(only), None, _) | (None, Some(only), _) => only.clone(),
                (None, None, Some((command, _, _))) => command.clone(),
                (None, None, None) => continue,
            };
            let mut env: Vec<EnvVar> = image.map(|(_, env, _)| env).unwrap_or_default();
            env.extend(service.environment.iter().cloned());
            out.push(Launch {
                id: format!("{}:service {}", project.display_name(compose.file), service.name),
                file: compose.file,
                span: service.name_span,
                command,
                env,
                dir: built.map_or_else(|| compose_dir.clone(), |d| dir_of(project, d.file)),
                image: service
                    .image
                    .clone()
                    .or_else(|| built.and_then(|d| d.final_stage().and_then(|s| d.root_image(s))).cloned()),
                mounts: Vec::new(),
            });
        }
    }
    for (file, entries) in &project.backends.procfiles {
        for entry in entries {
            out.push(Launch {
                id: format!("{}:process {}", project.display_name(*file), entry.process),
                file: *file,
                span: entry.process_span,
                command: entry.command.clone(),
                env: Vec::new(),
                dir: dir_of(project, *file),
                image: None,
                mounts: Vec::new(),
            });
        }
    }
    for (file, commands) in &project.backends.scripts {
        for command in commands {
            out.push(Launch {
                id: project.display_name(*file),
                file: *file,
                span: command.span,
                command: command.clone(),
                env: Vec::new(),
                dir: dir_of(project, *file),
                image: None,
                mounts: Vec::new(),
            });
        }
    }
    out
}

/// What a Kubernetes container runs: its `command:` (and `args:`); without
/// one, its image's, from the Dockerfile that builds it here (`args:`
/// replace its `CMD`).
fn container_launch(
    project: &Project,
    manifests: &crate::model::k8s::Manifests,
    object: &crate::model::k8s::Object,
    workload: &crate::model::k8s::Workload,
    container: &crate::model::k8s::Container,
) -> Option<Launch> {
    let (command, env, dir) = if let Some(command) = container.full_command() {
        (command, container.env.clone(), dir_of(project, manifests.file))
    } else {
        let here = project.absolute_path(manifests.file);
        let image = &container.image.as_ref()?.value;
        let dockerfile = containers::dockerfile_for_image(project, image, here)?;
        let (command, env, _) = image_launch(dockerfile, container.args.as_ref())?;
        let env = env.into_iter().chain(container.env.iter().cloned()).collect();
        (command, env, dir_of(project, dockerfile.file))
    };
    Some(Launch {
        id: format!("{}:{}/{}", manifests.path, object.kind_name(), container.name),
        file: manifests.file,
        span: container.line,
        command,
        env,
        dir,
        image: container.image.as_ref().map(|i| Setting::explicit(i.value.clone(), manifests.file, i.span)),
        mounts: containers::mounted_files(project, manifests, &workload.pod, container),
    })
}

/// What an image built by `dockerfile` runs: its final stage's effective
/// `ENTRYPOINT` and `CMD` (Docker appends an exec-form `CMD` to an exec-form
/// `ENTRYPOINT`; a shell-form `ENTRYPOINT` runs alone), its `ENV`, and the
/// final `FROM` line.
fn image_command(dockerfile: &crate::model::dockerfile::Dockerfile) -> Option<(CommandLine, Vec<EnvVar>, Span)> {
    image_launch(dockerfile, None)
}

/// [`image_command`] with the `CMD` replaced by `args` (a Kubernetes
/// container's `args:` without `command:`).
fn image_launch(
    dockerfile: &crate::model::dockerfile::Dockerfile,
    args: Option<&CommandLine>,
) -> Option<(CommandLine, Vec<EnvVar>, Span)> {
    let stage = dockerfile.final_stage()?;
    let written = |e: Effective<'_>| match e {
        Effective::Written(command) => Some(command.line.clone()),
        _ => None,
    };
    let cmd = args.cloned().or_else(|| written(dockerfile.cmd(stage)));
    let command = match (written(dockerfile.entrypoint(stage)), cmd) {
        (Some(mut entry), Some(cmd)) if entry.form == crate::model::command::Form::Exec => {
            entry.words.extend(cmd.words);
            if cmd.file == entry.file {
                entry.span = entry.span.cover(cmd.span);
            }
            entry
        }
        (Some(entry), _) => entry,
        (None, Some(cmd)) => cmd,
        (None, None) => return None,
    };
    let env = dockerfile.env(stage).into_iter().cloned().collect();
    Some((command, env, dockerfile.stages[stage].from))
}

/// The version `--version NAME=V` or `[versions]` declares for `server`.
fn declared(project: &Project, server: Server) -> Option<Version> {
    let key = match server {
        Server::PhpFpm => "php",
        other => other.name(),
    };
    project.backend_versions.get(key).map(|d| d.version)
}

/// The version a pin file (`requirements*.txt`, `poetry.lock`…) in `dir`
/// or an ancestor declares for `package`.
fn pinned_version(project: &Project, dir: &Path, package: &str) -> Option<Version> {
    project
        .backends
        .pins
        .iter()
        .filter_map(|(file, pins)| {
            let pin_dir = dir_of(project, *file);
            let depth = dir.strip_prefix(&pin_dir).ok()?.components().count();
            pins.iter().find(|p| p.name == package).map(|p| (depth, p.version))
        })
        .min_by_key(|(depth, _)| *depth)
        .map(|(_, v)| v)
}

/// The gunicorn config file `-c PATH` names when a ConfigMap mounts it
/// there.
fn mounted_gunicorn_conf<'p>(
    project: &'p Project,
    location: &ConfigLocation,
    mounts: &[(String, FileId)],
) -> Option<&'p GunicornConf> {
    let ConfigLocation::File { path, .. } = location else { return None };
    let (_, file) = mounts.iter().find(|(mounted, _)| mounted == path)?;
    project.backends.gunicorn_confs.iter().find(|c| c.file == *file)
}

/// The gunicorn config file a launch loads: `-c PATH` resolved against the
/// launch's directory (then by file name anywhere in the project, as the
/// path is usually the one inside the image), or `gunicorn.conf.py` beside
/// the launching file.
fn gunicorn_conf<'p>(project: &'p Project, location: &ConfigLocation, dir: &Path) -> Option<&'p GunicornConf> {
    let by_path =
        |path: &Path| project.backends.gunicorn_confs.iter().find(|c| project.absolute_path(c.file) == normalize(path));
    match location {
        ConfigLocation::File { path, .. } => by_path(&dir.join(path)).or_else(|| {
            let name = Path::new(path).file_name()?;
            let mut same_name =
                project.backends.gunicorn_confs.iter().filter(|c| project.file(c.file).path.file_name() == Some(name));
            let first = same_name.next()?;
            same_name.next().is_none().then_some(first)
        }),
        ConfigLocation::Default => by_path(&dir.join("gunicorn.conf.py")),
        ConfigLocation::Module { .. } | ConfigLocation::Unknown { .. } => None,
    }
}

/// A backend hop for a launch that starts gunicorn, uvicorn or hypercorn;
/// records the gunicorn config file it consumes.
fn launch_hop(
    project: &Project,
    launch: &Launch,
    invocation: &ServerInvocation,
    used: &mut HashSet<FileId>,
) -> Option<Hop> {
    let mut env: Vec<EnvVar> = launch.env.clone();
    env.extend(invocation.env.iter().cloned());
    let version =
        |server: Server| declared(project, server).or_else(|| pinned_version(project, &launch.dir, server.name()));
    let hop = match invocation.server {
        Server::Gunicorn => {
            let cli = gunicorn::parse_gunicorn_args(launch.command.file, &invocation.args);
            let env_args = env.iter().rev().find(|e| e.name == "GUNICORN_CMD_ARGS");
            let parsed_env = env_args.map(gunicorn::parse_cmd_args_env);
            let location = gunicorn::config_location(Some(&cli), parsed_env.as_ref());
            let conf = mounted_gunicorn_conf(project, &location, &launch.mounts)
                .or_else(|| gunicorn_conf(project, &location, &launch.dir));
            if let Some(conf) = conf {
                used.insert(conf.file);
            }
            let settings = gunicorn::effective_gunicorn(conf, env_args, Some(&cli), version(Server::Gunicorn));
            settings.to_hop(launch.id.clone(), launch.file, launch.span)
        }
        Server::Uvicorn => {
            let args = uvicorn::parse_uvicorn_args(launch.command.file, &invocation.args);
            uvicorn::effective_uvicorn(&env, Some(&args), version(Server::Uvicorn)).to_hop(
                launch.id.clone(),
                launch.file,
                launch.span,
            )
        }
        Server::Hypercorn => {
            let args = hypercorn::parse_hypercorn_args(launch.command.file, &invocation.args);
            hypercorn::effective_hypercorn(None, Some(&args), version(Server::Hypercorn)).to_hop(
                launch.id.clone(),
                launch.file,
                launch.span,
            )
        }
        Server::Node => {
            let (version, written) = match project.backend_versions.get("node") {
                Some(d) => {
                    (d.version, Setting::default(d.version.to_string(), format!("node version from {}", d.source)))
                }
                None => crate::model::node::version_of(launch.image.as_ref()),
            };
            crate::model::node::node_hop(launch.id.clone(), launch.file, launch.span, version, written)
        }
        // Configured by their files (below), not by their command lines.
        Server::PhpFpm | Server::Httpd | Server::Puma => return None,
    };
    Some(hop)
}

/// Backend hops. A launch inside a container (Dockerfile, Kubernetes
/// container, compose service) replaces that container's hop in `hops`,
/// keeping its stop signal, preStop delay and grace period.
pub fn add_backend_hops(project: &Project, hops: &mut Vec<Hop>) -> Vec<(String, ProgramSite)> {
    let mut programs = Vec::new();
    let mut used: HashSet<FileId> = HashSet::new();
    let mut seen_ids: HashSet<String> = HashSet::new();
    for launch in launches(project) {
        let Some(invocation) = detect_server(&launch.command) else { continue };
        if !seen_ids.insert(launch.id.clone()) {
            continue; // one process per container, compose service, script
        }
        let Some(mut hop) = launch_hop(project, &launch, &invocation, &mut used) else { continue };
        let site = ProgramSite { file: launch.command.file, word: invocation.program.span, form: launch.command.form };
        programs.push((hop.id.clone(), site));
        if let Some(i) = hops.iter().position(|h| h.id == hop.id) {
            let container = hops.remove(i);
            hop.settings.stop_signal = container.settings.stop_signal;
            hop.settings.prestop_seconds = container.settings.prestop_seconds;
            hop.settings.grace_period = container.settings.grace_period;
        }
        hops.push(hop);
    }
    for conf in project.backends.gunicorn_confs.iter().filter(|c| !used.contains(&c.file)) {
        let dir = dir_of(project, conf.file);
        let version = declared(project, Server::Gunicorn).or_else(|| pinned_version(project, &dir, "gunicorn"));
        let settings = gunicorn::effective_gunicorn(Some(conf), None, None, version);
        hops.push(settings.to_hop(project.display_name(conf.file), conf.file, Span::at(0)));
    }
    for conf in &project.backends.httpd {
        let settings = crate::model::httpd::effective_httpd(&[conf], declared(project, Server::Httpd));
        hops.push(settings.to_hop(project.display_name(conf.file), conf.file, Span::at(0)));
    }
    for conf in &project.backends.puma {
        let dir = dir_of(project, conf.file);
        let pinned = project.backends.gem_pins.iter().find_map(|(file, pins)| {
            let pin_dir = dir_of(project, *file);
            dir.starts_with(&pin_dir).then(|| pins.iter().find(|p| p.name == "puma").map(|p| p.version)).flatten()
        });
        let settings = crate::model::puma::effective_puma(Some(conf), declared(project, Server::Puma).or(pinned));
        hops.push(settings.to_hop(project.display_name(conf.file), conf.file, Span::at(0)));
    }
    // php-fpm reads `php-fpm.conf` and the pool files of `php-fpm.d/`: one
    // hop per installation directory.
    let mut groups: Vec<(PathBuf, Vec<&crate::model::phpfpm::PhpFpmConf>)> = Vec::new();
    for conf in &project.backends.phpfpm {
        let mut dir = dir_of(project, conf.file);
        if dir.file_name().is_some_and(|n| n == "php-fpm.d") {
            dir.pop();
        }
        match groups.iter_mut().find(|(d, _)| *d == dir) {
            Some((_, confs)) => confs.push(conf),
            None => groups.push((dir, vec![conf])),
        }
    }
    for (_, confs) in groups {
        let first = confs.iter().find(|c| c.global_span.is_some()).unwrap_or(&confs[0]);
        let settings = crate::model::phpfpm::effective_phpfpm(&confs, declared(project, Server::PhpFpm));
        hops.push(settings.to_hop(project.display_name(first.file), first.file, Span::at(0)));
    }
    programs
}
