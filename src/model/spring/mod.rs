//! Spring Boot applications: their `application*.properties|yml|yaml`
//! files, the environment and `-D` options they run with, their build
//! file, and the hop they make (facts §A2).

pub mod binding;
pub mod build;
mod convert;
pub mod documents;
mod effective;
pub mod environment;
pub mod profiles;

use std::path::{Path, PathBuf};

pub use build::{EmbeddedServer, SpringBuild, build_file_for, is_build_file, read_build_file, spring_boot_version};
pub use environment::Profiles;

use crate::knowledge::java::{SPRING_BOOT_NEWEST, Shutdown};
use crate::model::command::EnvVar;
use crate::model::hop::{Hop, HopKind, HopSettings};
use crate::model::jvm::{DeclaredVersion, RunningVersion, SystemProperty};
use crate::model::problem::ParseProblem;
use crate::model::setting::{Millis, Setting};
use crate::source::{FileId, SourceFile};
use crate::span::Span;
use documents::{Document, application_profile};
use environment::Environment;

/// Whether `path` is an application file (`application.yml`,
/// `application-prod.properties`…).
pub fn is_application_file(path: &Path) -> bool {
    application_profile(path).is_some()
}

/// The application files of one application.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppFiles {
    /// The directory the files live in; files in its `config/` belong to it
    /// too (Spring Boot reads `config/` after the directory itself).
    pub dir: PathBuf,
    pub files: Vec<FileId>,
}

/// Whether `path` lies in a Maven/Gradle test source set (`src/test/…`),
/// whose resources configure tests, not the running application.
fn in_test_sources(path: &Path) -> bool {
    let parts: Vec<_> = path.components().map(std::path::Component::as_os_str).collect();
    parts.windows(2).any(|w| w[0] == "src" && w[1] == "test")
}

/// Groups application files by application directory, in directory order.
/// Files under `src/test/` are left out.
pub fn group_apps<'a>(files: impl IntoIterator<Item = (FileId, &'a Path)>) -> Vec<AppFiles> {
    let mut apps: Vec<AppFiles> = Vec::new();
    let mut sorted: Vec<(FileId, &Path)> =
        files.into_iter().filter(|(_, p)| is_application_file(p) && !in_test_sources(p)).collect();
    sorted.sort_by(|a, b| a.1.cmp(b.1));
    for (id, path) in sorted {
        let dir = app_dir(path);
        match apps.iter_mut().find(|app| app.dir == dir) {
            Some(app) => app.files.push(id),
            None => apps.push(AppFiles { dir, files: vec![id] }),
        }
    }
    apps.sort_by(|a, b| a.dir.cmp(&b.dir));
    apps
}

fn in_config_dir(path: &Path) -> bool {
    path.parent().and_then(Path::file_name).is_some_and(|name| name == "config")
}

fn app_dir(path: &Path) -> PathBuf {
    let parent = path.parent().unwrap_or(Path::new(""));
    if in_config_dir(path) { parent.parent().unwrap_or(Path::new("")).to_path_buf() } else { parent.to_path_buf() }
}

/// One Spring Boot application as it runs.
#[derive(Clone, Debug)]
pub struct SpringApp {
    /// The hop id: the base application file's path.
    pub id: String,
    /// The base application file (`application.properties|yml|yaml` of the
    /// application directory): where settings are added.
    pub base: FileId,
    pub files: Vec<FileId>,
    pub version: RunningVersion,
    pub server: Setting<EmbeddedServer>,
    pub profiles: Profiles,
    pub idle_timeout: Setting<Millis>,
    pub max_requests_per_connection: Setting<u64>,
    pub shutdown: Setting<Shutdown>,
    pub drain_timeout: Setting<Millis>,
    pub problems: Vec<ParseProblem>,
}

/// Reads one application: `files` are its application files (see
/// [`group_apps`]; at least one), `env` its environment variables,
/// `system` its `-D` options (see [`crate::model::jvm::system_properties`]),
/// `build` its build file.
pub fn read_spring_app(
    files: &[(FileId, &SourceFile)],
    env: &[EnvVar],
    system: &[SystemProperty],
    build: Option<&SpringBuild>,
    declared: Option<DeclaredVersion>,
) -> SpringApp {
    let mut problems = Vec::new();
    let mut ordered: Vec<&(FileId, &SourceFile)> = files.iter().collect();
    ordered.sort_by_key(|(_, source)| precedence(&source.path));
    let documents: Vec<Document> =
        ordered.iter().flat_map(|(id, source)| documents::load(*id, source, &mut problems)).collect();
    let environment = Environment::new(&documents, env, system);
    // `[versions] spring-boot` wins over the build file.
    let version = RunningVersion::new("Spring Boot", declared.or(build.and_then(|b| b.version)), SPRING_BOOT_NEWEST);
    let server = build.map_or_else(
        || Setting::default(EmbeddedServer::Tomcat, "Spring Boot's default server, Tomcat (no build file found)"),
        |b| b.server.clone(),
    );
    let server_kind = server.value.unwrap_or(EmbeddedServer::Tomcat);
    let effective = effective::effective(&environment, server_kind, &version);
    let (base, base_source) = base_file(files);
    SpringApp {
        id: base_source.map_or_else(String::new, SourceFile::display_path),
        base,
        files: files.iter().map(|(id, _)| *id).collect(),
        version,
        server,
        profiles: environment.profiles,
        idle_timeout: effective.idle_timeout,
        max_requests_per_connection: effective.max_requests_per_connection,
        shutdown: effective.shutdown,
        drain_timeout: effective.drain_timeout,
        problems,
    }
}

/// Where a file ranks among an application's files, lowest first:
/// profile-specific files over the others, `config/` over the directory,
/// `.properties` over `.yml` over `.yaml`. Profile files are ordered among
/// themselves by the active profiles later.
fn precedence(path: &Path) -> (bool, bool, u8) {
    let profile = matches!(application_profile(path), Some(Some(_)));
    let extension = match path.extension().and_then(|e| e.to_str()) {
        Some("properties") => 2,
        Some("yml") => 1,
        _ => 0,
    };
    (profile, in_config_dir(path), extension)
}

/// The base application file: a profile-less file, outside `config/` if
/// possible, by path; else the first file.
fn base_file<'a>(files: &[(FileId, &'a SourceFile)]) -> (FileId, Option<&'a SourceFile>) {
    let mut candidates: Vec<&(FileId, &SourceFile)> = files.iter().collect();
    candidates.sort_by_key(|(_, s)| {
        (matches!(application_profile(&s.path), Some(Some(_))), in_config_dir(&s.path), s.path.clone())
    });
    candidates.first().map_or((FileId(0), None), |(id, source)| (*id, Some(*source)))
}

impl SpringApp {
    /// The application's hop.
    pub fn hop(&self) -> Hop {
        Hop {
            id: self.id.clone(),
            kind: HopKind::SpringBoot,
            file: self.base,
            span: Span::default(),
            software_version: Some(self.version.setting()),
            settings: HopSettings {
                idle_timeout: Some(self.idle_timeout.clone()),
                max_requests_per_connection: Some(self.max_requests_per_connection.clone()),
                drain_timeout: Some(self.drain_timeout.clone()),
                ..HopSettings::default()
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_by_directory_with_config() {
        let paths = [
            "svc/src/main/resources/application.yml",
            "svc/src/main/resources/config/application-prod.yml",
            "svc/src/test/resources/application.yml",
            "svc/src/main/resources/logback.xml",
            "config/application.properties",
            "application-dev.yaml",
        ];
        let files: Vec<(FileId, &Path)> =
            paths.iter().enumerate().map(|(i, p)| (FileId(u32::try_from(i).unwrap()), Path::new(*p))).collect();
        let apps = group_apps(files);
        assert_eq!(
            apps,
            [
                AppFiles { dir: PathBuf::new(), files: vec![FileId(5), FileId(4)] },
                AppFiles { dir: PathBuf::from("svc/src/main/resources"), files: vec![FileId(0), FileId(1)] },
            ]
        );
    }

    #[test]
    fn precedence_of_files() {
        let mut paths = vec![
            "r/application-prod.yml",
            "r/config/application.yml",
            "r/application.properties",
            "r/application.yml",
            "r/application.yaml",
        ];
        paths.sort_by_key(|p| precedence(Path::new(p)));
        assert_eq!(
            paths,
            [
                "r/application.yaml",
                "r/application.yml",
                "r/application.properties",
                "r/config/application.yml",
                "r/application-prod.yml"
            ]
        );
    }
}
