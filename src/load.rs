//! The front of the pipeline: configuration, discovery, classification,
//! parsing. Builds the [`Project`] every command works on.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::check::{CheckOptions, ConfigChoice, Report, RunError};
use crate::diagnostic::Severity;
use crate::knowledge::{self, Version, nginx_directives, version};
use crate::model::nginx::{self as nginx_model, Loader, Modules};
use crate::model::problem::ParseProblem;
use crate::model::setting::Setting;
use crate::project::{DeclaredBackend, EmbeddedFile, GraphConfig, Note, Project, ResolvedVersion, VersionSource};
use crate::rules::Selection;
use crate::settings::{self, Loaded};
use crate::source::classify::{self, Kind};
use crate::source::{FileId, SourceFile, discover};

/// Configuration, discovery, classification and parsing: the project every
/// command works on, and the rules selected. `None` when a run error stops
/// everything (the report says which).
pub fn load(options: &CheckOptions) -> (Option<(Project, Selection)>, Report) {
    let mut report = Report { fail_on: Severity::Warning, ..Report::default() };
    let first = options
        .paths
        .first()
        .cloned()
        .or_else(|| options.stdin.as_ref().map(|(p, _)| p.clone()))
        .unwrap_or_else(|| PathBuf::from("."));
    let config_file = match load_config(&options.config, &first) {
        Ok(loaded) => loaded,
        Err(err) => {
            report.errors.push(RunError { file: Some(err.path.clone()), message: err.to_string() });
            return (None, report);
        }
    };
    let config = &config_file.config;
    let config_path =
        config_file.path.as_ref().map(|p| crate::source::display_path(&crate::source::relative_to_cwd(p)));
    report.fail_on = options.fail_on.or(config.lint.fail_on).unwrap_or(Severity::Warning);

    let selection = selection(options, config, &mut report);

    let Some(Declared { nginx_version, ingress_nginx_version, backend_versions }) =
        declared_versions(options, config, config_path.as_deref(), &mut report)
    else {
        return (None, report);
    };

    let root = crate::project::find_root(&first, config_file.path.as_deref());
    let max_size = options.max_file_size.unwrap_or(discover::DEFAULT_MAX_FILE_SIZE);
    let forced = forced_kinds(options, config, &root);
    let (found, path_errors) = discover::discover(&options.paths, max_size, &|p| forced_kind(&forced, p).is_some());
    for err in path_errors {
        report.errors.push(RunError { file: Some(crate::source::display_path(&err.path)), message: err.reason });
    }

    let overridden = |(path, bytes): (PathBuf, Vec<u8>)| {
        let key = std::path::absolute(&path).map(|p| crate::syntax::nginx::include::normalize(&p));
        match key.ok().and_then(|k| options.overrides.get(&k)) {
            Some(fixed) => (path, fixed.clone()),
            None => (path, bytes),
        }
    };
    let inputs = found.files.into_iter().map(overridden).chain(options.stdin.clone());
    let mut read = read_inputs(inputs, found.unreadable, &forced, &mut report);
    let settings_file = config_file.path.as_deref().map(|path| add_settings_file(&mut read, path, &config_file.text));

    let mut modules = configured_modules(config, config_path.as_deref(), &mut report);
    let java = java_versions(config, settings_file, &config_file.text);
    let formats = parse_formats(&mut read, &java);
    let nginx_version = match nginx_version.source {
        VersionSource::Assumed => from_images(&read.files, &formats, &mut report).unwrap_or(nginx_version),
        _ => nginx_version,
    };
    let images = image_names(&formats);
    let image_names: Vec<&str> = images.iter().map(String::as_str).collect();
    modules.enabled.extend(nginx_model::modules_from_images(&image_names));
    let nginx_files: Vec<FileId> = read.kinds.iter().filter(|(_, k)| *k == Kind::Nginx).map(|(f, _)| *f).collect();
    let nginx = {
        let mut loader = Loader::new(&mut read.files, &root, max_size, &options.overrides);
        nginx_model::build(&mut loader, &nginx_files, nginx_version.version)
    };
    modules.enabled.extend(nginx.loaded_modules.iter().cloned());
    if nginx_version.source == VersionSource::Assumed && !nginx.configs.is_empty() {
        let message = format!("nginx version assumed: {} (newest stable)", nginx_version.written);
        report.notes.push(Note { file: None, line: None, message });
    }
    let virtual_files = formats.embedded.len() + usize::from(settings_file.is_some());
    report.files_parsed = read.files.len() - read.unreadable.len() - virtual_files;

    let project = Project {
        root,
        files: read.files,
        unreadable: read.unreadable,
        nginx,
        nginx_version,
        nginx_modules: modules,
        parse_problems: formats.problems,
        k8s: formats.k8s,
        helm_values: formats.helm_values,
        embedded: formats.embedded,
        ingress_nginx_version,
        tomcat: formats.tomcat,
        spring: formats.spring,
        dockerfiles: formats.dockerfiles,
        compose: formats.compose,
        backends: formats.backends,
        fix_policy: config.fix_policy(),
        backend_versions,
        graph_config: GraphConfig { file: settings_file, links: config.link.clone(), front: config.front.clone() },
        graph: std::sync::OnceLock::new(),
        absolute_paths: std::sync::OnceLock::new(),
    };
    report.notes.sort();
    report.errors.sort();
    (Some((project, selection)), report)
}

/// The rules to run: the command line over `[lint]`; unknown selectors are
/// run errors.
fn selection(options: &CheckOptions, config: &settings::ConfigFile, report: &mut Report) -> Selection {
    let selection = Selection {
        select: if options.select.is_empty() { config.lint.select.clone() } else { options.select.clone() },
        extend_select: config.lint.extend_select.iter().chain(&options.extend_select).cloned().collect(),
        ignore: config.lint.ignore.iter().chain(&options.ignore).cloned().collect(),
        per_file_ignores: config
            .lint
            .per_file_ignores
            .iter()
            .filter_map(|(glob, selectors)| Some((globset::Glob::new(glob).ok()?.compile_matcher(), selectors.clone())))
            .collect(),
    };
    for selector in selection.select.iter().chain(&selection.extend_select).chain(&selection.ignore) {
        if !crate::rules::is_valid_selector(selector) {
            report.errors.push(RunError { file: None, message: format!("unknown rule code or prefix `{selector}`") });
        }
    }
    selection
}

/// `[nginx] modules` from hoplint.toml; unknown names are run errors.
fn configured_modules(config: &settings::ConfigFile, config_path: Option<&str>, report: &mut Report) -> Modules {
    let mut modules = Modules::default();
    for name in &config.nginx.modules {
        match module_from_config(name) {
            Some(m) => {
                modules.enabled.insert(m);
            }
            None => report.errors.push(RunError {
                file: config_path.map(str::to_owned),
                message: format!(
                    "unknown nginx module `{name}` in [nginx] modules: use lua, headers-more, njs, or a module name such as http_geoip_module"
                ),
            }),
        }
    }
    modules
}

/// The files read, each with the kind it was classified as.
struct Read {
    files: Vec<SourceFile>,
    /// Files the walk found but could not read, with the reason (HL005).
    unreadable: Vec<(FileId, String)>,
    kinds: Vec<(FileId, Kind)>,
}

/// Reads and classifies every input; files of no known kind are dropped,
/// binary files skipped with a note.
fn read_inputs(
    inputs: impl Iterator<Item = (PathBuf, Vec<u8>)>,
    unreadable: Vec<crate::source::Unreadable>,
    forced: &ForcedKinds,
    report: &mut Report,
) -> Read {
    let mut read = Read { files: Vec::new(), unreadable: Vec::new(), kinds: Vec::new() };
    for u in unreadable {
        read.unreadable.push((FileId(index(read.files.len())), u.reason));
        read.files.push(SourceFile::new(u.path, Vec::new()));
    }
    for (path, bytes) in inputs {
        // Configuration is text: a NUL byte in the first 8 KiB marks a binary
        // file, which is skipped (git uses the same test).
        if bytes.iter().take(8192).any(|b| *b == 0) {
            report.notes.push(file_note(&path, "skipped: binary file"));
            continue;
        }
        let file = SourceFile::new(path, bytes);
        let Some(kind) = forced_kind(forced, &file.path).or_else(|| classify::classify(&file.path, &file.text)) else {
            continue;
        };
        if kind == Kind::HelmTemplate {
            let message = "skipped: Helm template; lint the rendered output with `helm template … | hoplint check -`";
            report.notes.push(file_note(&file.path, message));
            continue;
        }
        if file.lossy {
            let message = "not valid UTF-8: read with replacement characters; fixes will not rewrite it";
            report.notes.push(file_note(&file.path, message));
        }
        read.kinds.push((FileId(index(read.files.len())), kind));
        read.files.push(file);
    }
    read
}

/// Adds hoplint.toml as a source file of no kind: nothing parses or lints it,
/// but findings about its `[[link]]` entries point at its lines and inline
/// suppressions in it work.
fn add_settings_file(read: &mut Read, path: &Path, text: &str) -> FileId {
    let id = FileId(index(read.files.len()));
    read.files.push(SourceFile::new(crate::source::relative_to_cwd(path), text.as_bytes().to_vec()));
    id
}

/// What the non-nginx readers produced.
#[derive(Default)]
struct Formats {
    k8s: Vec<crate::model::k8s::Manifests>,
    helm_values: Vec<crate::model::k8s::helm::HelmValues>,
    embedded: Vec<EmbeddedFile>,
    tomcat: Vec<crate::model::tomcat::TomcatServer>,
    spring: Vec<crate::model::spring::SpringApp>,
    dockerfiles: Vec<crate::model::dockerfile::Dockerfile>,
    compose: Vec<crate::model::compose::Compose>,
    backends: crate::project::BackendFiles,
    problems: Vec<ParseProblem>,
}

/// Parses every file of a format other than nginx; configuration files
/// embedded in ConfigMaps become files of their own (with spans mapped back)
/// and join `read.kinds`.
fn parse_formats(read: &mut Read, java: &JavaVersions) -> Formats {
    use crate::model::k8s;
    let mut formats = Formats::default();
    // Files embedded in ConfigMaps join `read.kinds` as they are found and
    // are read in turn (a mounted gunicorn.conf.py is a gunicorn config).
    let mut next = 0;
    while let Some(&(file, kind)) = read.kinds.get(next) {
        next += 1;
        let source = &read.files[file.0 as usize];
        match kind {
            Kind::Kubernetes => {
                let manifests = k8s::read_manifests(file, source);
                let parent_dir = source.path.parent().map(Path::to_path_buf).unwrap_or_default();
                formats.problems.extend(manifests.problems.iter().cloned());
                for config in k8s::embedded_configs(&manifests) {
                    let path = parent_dir.join(&config.key);
                    let Some(kind) = classify::classify(&path, &config.embedded.text) else { continue };
                    let id = FileId(index(read.files.len()));
                    read.files.push(SourceFile::new(path, config.embedded.text.clone().into_bytes()));
                    read.kinds.push((id, kind));
                    let label = format!("ConfigMap/{}/{}", config.configmap, config.key);
                    formats.embedded.push(EmbeddedFile { file: id, parent: file, label, embedded: config.embedded });
                }
                formats.k8s.push(manifests);
            }
            Kind::Dockerfile => {
                let dockerfile = crate::model::dockerfile::read_dockerfile(file, &source.text);
                formats.problems.extend(dockerfile.problems.iter().cloned());
                formats.dockerfiles.push(dockerfile);
            }
            Kind::Compose => {
                let compose = crate::model::compose::read_compose(file, &source.text);
                formats.problems.extend(compose.problems.iter().cloned());
                formats.compose.push(compose);
            }
            Kind::Gunicorn => {
                let conf = crate::model::gunicorn::read_conf(file, &source.text);
                formats.problems.extend(conf.problems.iter().cloned());
                formats.backends.gunicorn_confs.push(conf);
            }
            Kind::PhpFpm => {
                let conf = crate::model::phpfpm::read_phpfpm(file, &source.text);
                formats.problems.extend(conf.problems.iter().cloned());
                formats.backends.phpfpm.push(conf);
            }
            Kind::Httpd => {
                let conf = crate::model::httpd::read_httpd(file, &source.text);
                formats.problems.extend(conf.problems.iter().cloned());
                formats.backends.httpd.push(conf);
            }
            Kind::Puma => {
                let conf = crate::model::puma::read_puma(file, &source.text);
                formats.problems.extend(conf.problems.iter().cloned());
                formats.backends.puma.push(conf);
            }
            Kind::Procfile => {
                formats.backends.procfiles.push((file, crate::model::procfile::procfile_entries(file, &source.text)));
            }
            Kind::ShellScript => {
                formats.backends.scripts.push((file, crate::model::procfile::commands_in_script(file, &source.text)));
            }
            Kind::PythonPins => {
                formats.backends.pins.push((file, crate::model::pins::python_pins(&source.path, &source.text)));
            }
            Kind::GemfileLock => {
                formats.backends.gem_pins.push((file, crate::model::pins::gem_pins(&source.text)));
            }
            Kind::HelmValues => {
                if let Some(values) = k8s::helm::read_helm_values(file, source) {
                    formats.problems.extend(values.problems.iter().cloned());
                    formats.helm_values.push(values);
                }
            }
            _ => {}
        }
    }
    read_java(read, java, &mut formats);
    formats
}

/// The version of the official `tomcat` image a Dockerfile here builds
/// with `server_xml` copied in (`FROM tomcat:9.0.80-jdk17`).
fn tomcat_image_version(
    read: &Read,
    dockerfiles: &[crate::model::dockerfile::Dockerfile],
    server_xml: &Path,
) -> Option<crate::model::jvm::DeclaredVersion> {
    dockerfiles.iter().find_map(|d| {
        let at = &read.files[d.file.0 as usize].path;
        if !crate::model::containers::ships(d, at, server_xml) {
            return None;
        }
        let image = d.root_image(d.final_stage()?)?;
        let (Some(reference), crate::model::setting::Origin::Explicit { file, span }) = (&image.value, &image.origin)
        else {
            return None;
        };
        let version = match (reference.name().as_str(), reference.tag_version()) {
            ("tomcat" | "bitnami/tomcat", knowledge::images::TagVersion::Exact(v)) => v,
            ("tomcat" | "bitnami/tomcat", knowledge::images::TagVersion::Minor { major, minor }) => {
                Version::new(major, minor, 0)
            }
            _ => return None,
        };
        Some(crate::model::jvm::DeclaredVersion { version, file: *file, span: *span })
    })
}

/// Tomcat and Spring Boot versions from `[versions]`, pointing at their
/// line in hoplint.toml.
#[derive(Default)]
struct JavaVersions {
    tomcat: Option<crate::model::jvm::DeclaredVersion>,
    spring_boot: Option<crate::model::jvm::DeclaredVersion>,
}

fn java_versions(config: &settings::ConfigFile, settings_file: Option<FileId>, text: &str) -> JavaVersions {
    let declared = |key: &str| {
        let file = settings_file?;
        let version = version::resolve_release(config.versions.get(key)?).ok()?;
        // The `key = "…"` line (the first one: TOML refuses duplicates).
        let mut offset = 0;
        let span = text.split_inclusive('\n').find_map(|line| {
            let start = offset;
            offset += line.len();
            let rest = line.trim_start().strip_prefix(key)?;
            rest.trim_start().starts_with('=').then(|| {
                let end = start + line.trim_end().len();
                crate::span::Span::new(u32::try_from(start).ok()?, u32::try_from(end).ok()?).into()
            })?
        });
        Some(crate::model::jvm::DeclaredVersion { version, file, span: span.unwrap_or_default() })
    };
    JavaVersions { tomcat: declared("tomcat"), spring_boot: declared("spring-boot") }
}

/// The files of `kind` with their paths.
fn files_of(read: &Read, kind: Kind) -> Vec<(FileId, &Path)> {
    read.kinds.iter().filter(|(_, k)| *k == kind).map(|(f, _)| (*f, read.files[f.0 as usize].path.as_path())).collect()
}

/// Tomcat `server.xml` (with its `catalina.properties`) and Spring Boot
/// applications (their `application*` files grouped by directory, with the
/// build file that pins the Spring Boot version).
fn read_java(read: &Read, java: &JavaVersions, formats: &mut Formats) {
    use crate::model::{spring, tomcat};
    let source = |f: FileId| &read.files[f.0 as usize];
    for (file, path) in files_of(read, Kind::Tomcat) {
        let mut props = tomcat::PropertySources::default();
        if let Some(properties) = tomcat::catalina_properties_for(path, files_of(read, Kind::CatalinaProperties)) {
            let parsed = crate::syntax::properties::parse(&source(properties).text);
            if let Some(error) = &parsed.error {
                formats.problems.push(ParseProblem {
                    file: properties,
                    span: error.span,
                    message: error.message.clone(),
                });
            }
            props.add_catalina_properties(properties, &parsed);
        }
        // `[versions] tomcat`, else the tag of the `tomcat` image that
        // ships this server.xml.
        let version = java.tomcat.or_else(|| tomcat_image_version(read, &formats.dockerfiles, path));
        let server = tomcat::read_server_xml(file, source(file), &props, version);
        formats.problems.extend(server.problems.iter().cloned());
        formats.tomcat.push(server);
    }
    for app in spring::group_apps(files_of(read, Kind::Spring)) {
        let build = spring::build_file_for(&app.dir, files_of(read, Kind::JavaBuild))
            .map(|f| spring::read_build_file(f, source(f)));
        let files: Vec<(FileId, &SourceFile)> = app.files.iter().map(|f| (*f, source(*f))).collect();
        let app = spring::read_spring_app(&files, &[], &[], build.as_ref(), java.spring_boot);
        formats.problems.extend(app.problems.iter().cloned());
        formats.spring.push(app);
    }
}

fn file_note(path: &Path, message: &str) -> Note {
    Note { file: Some(crate::source::display_path(path)), line: None, message: message.to_owned() }
}

fn index(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn load_config(choice: &ConfigChoice, first: &Path) -> Result<Loaded, settings::ConfigError> {
    match choice {
        ConfigChoice::None => Ok(Loaded::default()),
        ConfigChoice::File(path) => settings::load(path),
        ConfigChoice::Discover => settings::find(first).map_or_else(|| Ok(Loaded::default()), |p| settings::load(&p)),
    }
}

/// The versions the command line and `[versions]` declare.
struct Declared {
    nginx_version: ResolvedVersion,
    ingress_nginx_version: Option<Setting<Version>>,
    backend_versions: BTreeMap<String, DeclaredBackend>,
}

/// Every declared version, or `None` with the problems in `report`.
fn declared_versions(
    options: &CheckOptions,
    config: &settings::ConfigFile,
    config_path: Option<&str>,
    report: &mut Report,
) -> Option<Declared> {
    let mut fail = |message: String| report.errors.push(RunError { file: None, message });
    let nginx = resolve_nginx_version(options, config, config_path).map_err(&mut fail).ok();
    let ingress = declared_ingress_version(options, config, config_path).map_err(&mut fail).ok();
    let backends = declared_backend_versions(options, config, config_path).map_err(&mut fail).ok();
    Some(Declared { nginx_version: nginx?, ingress_nginx_version: ingress?, backend_versions: backends? })
}

/// RULES.md "Versions": CLI → `[versions]` → newest stable; an assumed
/// version is replaced by the images' ([`from_images`]) once files are read.
fn resolve_nginx_version(
    options: &CheckOptions,
    config: &settings::ConfigFile,
    config_path: Option<&str>,
) -> Result<ResolvedVersion, String> {
    let known = knowledge::nginx_known_versions();
    let declared = options.nginx_version.as_ref().map(|v| (v.clone(), VersionSource::Cli)).or_else(|| {
        config
            .versions
            .get("nginx")
            .map(|v| (v.clone(), VersionSource::Config(config_path.unwrap_or(settings::FILE_NAME).to_owned())))
    });
    let Some((written, source)) = declared else {
        let (major, minor) = knowledge::NGINX_NEWEST_STABLE;
        return Ok(ResolvedVersion {
            version: knowledge::nginx_newest_stable(),
            written: format!("{major}.{minor}"),
            source: VersionSource::Assumed,
        });
    };
    let version = version::resolve(&written, known).map_err(|e| format!("invalid nginx version: {e}"))?;
    Ok(ResolvedVersion { version, written, source })
}

/// The nginx version the project's nginx images name (RULES.md "Versions",
/// derived from the files). Images that disagree get a note: the first by
/// path wins for every configuration.
fn from_images(files: &[SourceFile], formats: &Formats, report: &mut Report) -> Option<ResolvedVersion> {
    let found =
        crate::model::image_versions::nginx_from_images(files, &formats.dockerfiles, &formats.compose, &formats.k8s);
    let first = found.first()?;
    let others: Vec<String> =
        found.iter().filter(|v| v.version != first.version).map(|v| format!("{} ({})", v.version, v.at)).collect();
    if !others.is_empty() {
        let message = format!(
            "nginx images name several versions; checking every configuration against {} ({}), not {}: set [versions] nginx to choose",
            first.version,
            first.at,
            others.join(", ")
        );
        report.notes.push(Note { file: None, line: None, message });
    }
    Some(ResolvedVersion {
        version: first.version,
        written: first.version.to_string(),
        source: VersionSource::Image { at: first.at.clone(), file: first.file, span: first.span },
    })
}

/// The backends' versions declared by `--version NAME=V`, else `[versions]`
/// (RULES.md "Versions"), with where each was declared. Pins and image tags
/// come later, per backend.
fn declared_backend_versions(
    options: &CheckOptions,
    config: &settings::ConfigFile,
    config_path: Option<&str>,
) -> Result<BTreeMap<String, DeclaredBackend>, String> {
    let mut out = BTreeMap::new();
    let from_toml = config
        .versions
        .iter()
        .filter(|(name, _)| settings::BACKEND_VERSION_KEYS.contains(&name.as_str()))
        .map(|(name, v)| (name.clone(), v.clone(), config_path.unwrap_or(settings::FILE_NAME).to_owned()));
    let mut from_cli = Vec::new();
    for written in &options.backend_versions {
        let Some((name, v)) = written.split_once('=') else {
            return Err(format!("--version expects NAME=VERSION (e.g. gunicorn=23.0), got `{written}`"));
        };
        if !settings::BACKEND_VERSION_KEYS.contains(&name) {
            let known = settings::BACKEND_VERSION_KEYS.join(", ");
            return Err(format!("--version: unknown software `{name}`; known: {known}"));
        }
        from_cli.push((name.to_owned(), v.to_owned(), "--version".to_owned()));
    }
    for (name, written, source) in from_toml.chain(from_cli) {
        let version = version::resolve_release(&written).map_err(|e| format!("invalid {name} version: {e}"))?;
        out.insert(name, DeclaredBackend { version, source });
    }
    Ok(out)
}

/// `--ingress-nginx-version`, else `[versions] ingress-nginx`; `None` lets
/// the controller image tag decide.
fn declared_ingress_version(
    options: &CheckOptions,
    config: &settings::ConfigFile,
    config_path: Option<&str>,
) -> Result<Option<Setting<Version>>, String> {
    let declared = match (&options.ingress_nginx_version, config.versions.get("ingress-nginx")) {
        (Some(v), _) => (v, "--ingress-nginx-version".to_owned()),
        (None, Some(v)) => (v, config_path.unwrap_or(settings::FILE_NAME).to_owned()),
        (None, None) => return Ok(None),
    };
    let known = knowledge::defaults::ingress_nginx_versions();
    let version = version::resolve(declared.0, &known).map_err(|e| format!("invalid ingress-nginx version: {e}"))?;
    Ok(Some(Setting::default(version, format!("ingress-nginx version from {}", declared.1))))
}

fn module_from_config(name: &str) -> Option<nginx_directives::LoadedModule> {
    if let Some(t) = nginx_directives::ThirdParty::from_config_name(name) {
        return Some(nginx_directives::LoadedModule::ThirdParty(t));
    }
    let bare = name.trim_start_matches("--with-").trim_start_matches("ngx_");
    let flag = format!("--with-{bare}");
    let known =
        nginx_directives::all().iter().any(|r| matches!(r.build, nginx_directives::Build::WithFlag(f) if f == flag));
    known.then_some(nginx_directives::LoadedModule::Flag(flag))
}

type ForcedKinds = Vec<(globset::GlobMatcher, Kind)>;

fn forced_kinds(options: &CheckOptions, config: &settings::ConfigFile, root: &Path) -> ForcedKinds {
    let mut out = Vec::new();
    let patterns = config.files.iter().map(|(g, k)| (root.join(g).to_string_lossy().into_owned(), *k));
    let cli = options
        .forced_kinds
        .iter()
        .map(|(g, k)| (std::path::absolute(g).map_or_else(|_| g.clone(), |p| p.to_string_lossy().into_owned()), *k));
    for (glob, kind) in patterns.chain(cli) {
        if let Ok(g) = globset::Glob::new(&glob) {
            out.push((g.compile_matcher(), kind));
        }
    }
    out
}

fn forced_kind(forced: &ForcedKinds, path: &Path) -> Option<Kind> {
    if forced.is_empty() {
        return None;
    }
    let absolute = std::path::absolute(path).ok()?;
    forced.iter().find(|(m, _)| m.is_match(&absolute)).map(|(_, k)| *k)
}

/// The images Dockerfiles (`FROM`) and compose services (`image:`) name,
/// so that image-bundled nginx modules are known.
fn image_names(formats: &Formats) -> Vec<String> {
    use crate::model::dockerfile::Base;
    let from = formats.dockerfiles.iter().flat_map(|d| &d.stages).filter_map(|stage| match &stage.base {
        Base::Image(image) => image.value.as_ref().map(crate::knowledge::images::ImageRef::name),
        Base::Stage(_) => None,
    });
    let services = formats.compose.iter().flat_map(|c| &c.services);
    let compose =
        services.filter_map(|s| s.image.as_ref()?.value.as_ref().map(crate::knowledge::images::ImageRef::name));
    from.chain(compose).collect()
}
