//! What a Kubernetes container runs when its manifest does not say it all
//! (RULES.md "Linking hops", the Kubernetes graph): the image built by a
//! Dockerfile in the repository, and the configuration files mounted from
//! ConfigMaps.

use std::path::Path;

use crate::knowledge::images::ImageRef;
use crate::model::dockerfile::Dockerfile;
use crate::model::hop::{Hop, HopKind};
use crate::model::k8s::{Container, Manifests, PodSpec};
use crate::model::link::nearest;
use crate::project::Project;
use crate::source::FileId;

/// The Dockerfile in the repository that builds `image`: a compose service
/// that both builds and names it; else a Dockerfile named after the image
/// repository's last segment (`…/shop/web:1.4` → `web/Dockerfile`,
/// `Dockerfile.web`, `web.Dockerfile`). Among several, the nearest to
/// `from`; `None` when that is still ambiguous.
pub fn dockerfile_for_image<'p>(project: &'p Project, image: &ImageRef, from: &Path) -> Option<&'p Dockerfile> {
    let name = image.name();
    for compose in &project.compose {
        let dir = project.file(compose.file).path.parent().map(Path::to_path_buf).unwrap_or_default();
        for service in &compose.services {
            let names_it = service.image.as_ref().and_then(|i| i.value.as_ref()).is_some_and(|i| i.name() == name);
            if let (true, Some(build)) = (names_it, &service.build)
                && let Some(dockerfile) = project.dockerfile_at(&dir.join(build.dockerfile_path()))
            {
                return Some(dockerfile);
            }
        }
    }
    let segment = name.rsplit('/').next()?;
    let candidates: Vec<&Dockerfile> =
        project.dockerfiles.iter().filter(|d| builds_segment(project.absolute_path(d.file), segment)).collect();
    match nearest(from, &candidates, |d| project.file(d.file).path.as_path()).as_slice() {
        [only] => Some(only),
        _ => None,
    }
}

/// Whether a Dockerfile at `path` is named for `segment`: its directory
/// (`web/Dockerfile`), or its own name (`Dockerfile.web`, `web.Dockerfile`).
fn builds_segment(path: &Path, segment: &str) -> bool {
    let file = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let dir = path.parent().and_then(Path::file_name).and_then(|n| n.to_str()).unwrap_or_default();
    let lower = file.to_ascii_lowercase();
    (lower == "dockerfile" && dir == segment)
        || lower.strip_prefix("dockerfile.") == Some(segment)
        || lower.strip_suffix(".dockerfile") == Some(segment)
}

/// The files a container sees from its ConfigMap volumes: the path inside
/// the container, and the file hoplint read from the ConfigMap's `data:`.
pub fn mounted_files(
    project: &Project,
    manifests: &Manifests,
    pod: &PodSpec,
    container: &Container,
) -> Vec<(String, FileId)> {
    let mut out = Vec::new();
    for mount in &container.volume_mounts {
        let Some(volume) = pod.volumes.iter().find(|v| v.name.value == mount.name.value) else { continue };
        let Some(config_map) = &volume.config_map else { continue };
        let prefix = format!("ConfigMap/{}/", config_map.name.value);
        let keys = project.embedded.iter().filter_map(|e| Some((e.label.strip_prefix(&prefix)?, e)));
        // The ConfigMap written beside the workload wins over same-named
        // ones elsewhere.
        let mut keys: Vec<_> = keys.collect();
        keys.sort_by_key(|(_, e)| e.parent != manifests.file);
        let dir = mount.mount_path.value.trim_end_matches('/');
        for (key, embedded) in keys {
            let in_volume = match config_map.items.iter().find(|i| i.key.value == key) {
                Some(item) => item.path.value.clone(),
                None if config_map.items.is_empty() => key.to_owned(),
                None => continue,
            };
            let path = match &mount.sub_path {
                Some(sub) if sub.value == in_volume => dir.to_owned(),
                Some(_) => continue,
                None => format!("{dir}/{in_volume}"),
            };
            if !out.iter().any(|(p, _)| *p == path) {
                out.push((path, embedded.file));
            }
        }
    }
    out
}

/// The files a Dockerfile's final image ships from the build context
/// (`COPY conf/server.xml /usr/local/tomcat/conf/`), as files hoplint read.
pub fn copied_files(project: &Project, dockerfile: &Dockerfile) -> Vec<FileId> {
    let sources = shipped_sources(dockerfile, &project.file(dockerfile.file).path);
    (0..project.files.len())
        .filter_map(|i| u32::try_from(i).ok().map(FileId))
        .filter(|id| sources.iter().any(|s| project.absolute_path(*id).starts_with(s)))
        .collect()
}

/// Whether the final image of `dockerfile` (read from `at`) copies `file`
/// from its build context, itself or a directory holding it.
pub fn ships(dockerfile: &Dockerfile, at: &Path, file: &Path) -> bool {
    let file = crate::source::absolute(file);
    shipped_sources(dockerfile, at).iter().any(|s| file.starts_with(s))
}

/// The absolute paths (files or directories) the final image of
/// `dockerfile` copies from its build context.
fn shipped_sources(dockerfile: &Dockerfile, at: &Path) -> Vec<std::path::PathBuf> {
    let Some(stage) = dockerfile.final_stage() else { return Vec::new() };
    let context = crate::source::absolute(at.parent().unwrap_or(Path::new(".")));
    dockerfile
        .chain(stage)
        .into_iter()
        .flat_map(|s| &s.copies)
        .filter(|c| c.from.is_none())
        .flat_map(|c| &c.sources)
        .map(|s| crate::source::absolute(&context.join(&s.path.text)))
        .collect()
}

/// A container that runs a server configured by files (Tomcat's server.xml,
/// a Spring Boot application) becomes that server's hop: the files it
/// mounts or its in-repo image copies decide which, when exactly one such
/// server matches. The container's own stop settings are kept.
pub fn adopt_file_configured_servers(project: &Project, hops: &mut [Hop]) {
    for manifests in &project.k8s {
        let here = project.absolute_path(manifests.file);
        for object in &manifests.objects {
            let Some(workload) = object.workload() else { continue };
            for container in workload.pod.containers.iter().filter(|c| c.runs_with_pod()) {
                let id = format!("{}:{}/{}", manifests.path, object.kind_name(), container.name);
                let mut files: Vec<FileId> =
                    mounted_files(project, manifests, &workload.pod, container).into_iter().map(|(_, f)| f).collect();
                let built = container.image.as_ref().and_then(|i| dockerfile_for_image(project, &i.value, here));
                if let Some(dockerfile) = built {
                    files.extend(copied_files(project, dockerfile));
                }
                adopt(project, hops, &id, &files, built);
            }
        }
    }
    for compose in &project.compose {
        let dir = project.file(compose.file).path.parent().map(Path::to_path_buf).unwrap_or_default();
        for service in &compose.services {
            let built = service.build.as_ref().and_then(|b| project.dockerfile_at(&dir.join(b.dockerfile_path())));
            let Some(dockerfile) = built else { continue };
            let id = format!("{}:service {}", project.display_name(compose.file), service.name);
            adopt(project, hops, &id, &copied_files(project, dockerfile), built);
        }
    }
    for dockerfile in &project.dockerfiles {
        let id = project.display_name(dockerfile.file);
        adopt(project, hops, &id, &copied_files(project, dockerfile), Some(dockerfile));
    }
}

/// Replaces the container hop `id` by the one Tomcat or Spring Boot hop
/// whose configuration is among `files` — or, for Spring Boot, whose
/// application lies in the build context of `built` (the jar the image runs
/// packages it).
fn adopt(project: &Project, hops: &mut [Hop], id: &str, files: &[FileId], built: Option<&Dockerfile>) {
    let context = built.and_then(|d| project.file(d.file).path.parent()).map(crate::source::absolute);
    let in_context = |file: FileId| context.as_ref().is_some_and(|dir| project.absolute_path(file).starts_with(dir));
    let configured = |h: &Hop| match h.kind {
        HopKind::Tomcat => files.contains(&h.file),
        HopKind::SpringBoot => files.contains(&h.file) || in_context(h.file),
        _ => false,
    };
    let mut servers = hops.iter().filter(|h| configured(h));
    let (Some(server), None) = (servers.next(), servers.next()) else { return };
    let mut adopted = server.clone();
    let Some(container) = hops.iter_mut().find(|h| h.id == id && h.kind == HopKind::Container) else { return };
    adopted.id.clone_from(&container.id);
    adopted.settings.stop_signal = container.settings.stop_signal.take();
    adopted.settings.prestop_seconds = container.settings.prestop_seconds.take();
    adopted.settings.grace_period = container.settings.grace_period.take();
    *container = adopted;
}
