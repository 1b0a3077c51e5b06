//! docker-compose files (compose-spec `05-services.md`): each service's
//! image or build, command, environment, stop settings, volumes and ports,
//! with spans, after Compose's `${VAR:-default}` interpolation; and the
//! container hop each service is.

use std::ops::Range;
use std::path::PathBuf;

use crate::knowledge::images::ImageRef;
use crate::knowledge::signals;
use crate::model::command::{CommandLine, EnvVar, Form, Word, split_shell};
use crate::model::dockerfile::{Dockerfile, Spanned, image_stop_signal};
use crate::model::hop::{Hop, HopKind, HopSettings};
use crate::model::interpolation::{Interpolated, compose_text};
use crate::model::problem::ParseProblem;
use crate::model::setting::{Millis, Setting};
use crate::source::FileId;
use crate::span::Span;
use crate::syntax::yaml::{self, Embedded, Node, Style, Value};

/// A read Compose file.
#[derive(Debug)]
pub struct Compose {
    pub file: FileId,
    pub services: Vec<Service>,
    pub problems: Vec<ParseProblem>,
}

/// One service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Service {
    pub name: String,
    /// The service's key under `services:`.
    pub name_span: Span,
    pub image: Option<Setting<ImageRef>>,
    pub build: Option<Build>,
    /// `None` when not set (the image's `CMD` runs).
    pub command: Option<CommandLine>,
    /// `None` when not set (the image's `ENTRYPOINT` runs).
    pub entrypoint: Option<CommandLine>,
    pub environment: Vec<EnvVar>,
    pub env_files: Vec<Spanned>,
    /// Canonical name (`SIGQUIT`), or unknown when it cannot be read.
    pub stop_signal: Option<Setting<String>>,
    pub stop_grace_period: Option<Setting<Millis>>,
    pub volumes: Vec<Volume>,
    pub ports: Vec<Port>,
    pub depends_on: Vec<Spanned>,
}

/// `build:`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Build {
    pub span: Span,
    /// `None`: the Compose file's directory.
    pub context: Option<Spanned>,
    /// Relative to the context; `None`: `Dockerfile`.
    pub dockerfile: Option<Spanned>,
    /// The stage to build; `None`: the last.
    pub target: Option<Spanned>,
    pub args: Vec<EnvVar>,
}

impl Build {
    /// The Dockerfile's path relative to the Compose file's directory.
    pub fn dockerfile_path(&self) -> PathBuf {
        let context = PathBuf::from(self.context.as_ref().map_or(".", |c| c.text.as_str()));
        context.join(self.dockerfile.as_ref().map_or("Dockerfile", |d| d.text.as_str()))
    }
}

/// What a volume mounts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MountKind {
    /// A host path (`./nginx/nginx.conf`).
    Bind,
    /// A named or anonymous volume.
    Volume,
    Tmpfs,
    /// Another `type:` (`image`, `npipe`, `cluster`).
    Other(String),
}

/// One entry of `volumes:`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Volume {
    pub span: Span,
    pub kind: MountKind,
    /// The host path or volume name; `None` for an anonymous volume.
    pub source: Option<Spanned>,
    /// The path in the container.
    pub target: Option<Spanned>,
    pub read_only: bool,
}

/// One entry of `ports:`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Port {
    pub span: Span,
    /// The container port; `None` for a range or an unreadable entry.
    pub target: Option<u16>,
    /// The host side as written (`8080`, `127.0.0.1:8080`).
    pub published: Option<String>,
}

/// Compose's stop grace period when none is set (compose-spec
/// `05-services.md` `stop_grace_period`: "Default value is 10 seconds").
pub const DEFAULT_STOP_GRACE_SECS: u64 = 10;

/// Whether a file name is a Compose file: `compose.yaml`, `compose.*.yml`,
/// `docker-compose.yml`, `docker-compose.prod.yaml`… (any case).
#[allow(clippy::case_sensitive_file_extension_comparisons)] // lowercased first
pub fn is_compose_file_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    let yaml = name.ends_with(".yml") || name.ends_with(".yaml");
    yaml && (name.starts_with("compose.") || name.starts_with("docker-compose"))
}

/// Reads a Compose file. Never fails: what Compose would reject is in
/// [`Compose::problems`].
pub fn read_compose(file: FileId, source: &str) -> Compose {
    let mut reader = Reader { file, src: source, problems: Vec::new() };
    let parsed = yaml::parse(source);
    if let Some(error) = &parsed.error {
        reader.problem(error.span, format!("invalid YAML: {}", error.message));
    }
    let root = parsed.documents.iter().find_map(|d| d.root.as_ref());
    let services = match root.and_then(|r| r.entry("services")) {
        Some((_, services)) if services.is_mapping() => reader.services(services),
        Some((key, services)) if !services.is_null() => {
            reader.problem(key.span, "`services` must be a mapping of service names".to_owned());
            Vec::new()
        }
        _ => Vec::new(),
    };
    Compose { file, services, problems: reader.problems }
}

/// The container hop of a service (id `FILE:service NAME`, span = its key):
/// its stop signal (`stop_signal`, else the in-repo Dockerfile's that
/// `build:` names, passed as `dockerfile` when the caller found it, else the
/// image's) and its grace period.
pub fn service_hop(compose: &Compose, service: &Service, path: &str, dockerfile: Option<&Dockerfile>) -> Hop {
    let stop_signal = match (&service.stop_signal, &service.build, &service.image) {
        (Some(signal), _, _) => signal.clone(),
        (None, Some(build), _) => built_stop_signal(build, dockerfile),
        (None, None, Some(image)) => image_stop_signal(image),
        (None, None, None) => Setting::unknown("the service has neither `image` nor `build`"),
    };
    let grace_period = service.stop_grace_period.clone().unwrap_or_else(|| {
        Setting::default(
            Millis::from_secs(DEFAULT_STOP_GRACE_SECS),
            "Compose default stop_grace_period (compose-spec 05-services.md)",
        )
    });
    Hop {
        id: format!("{path}:service {}", service.name),
        kind: HopKind::Container,
        file: compose.file,
        span: service.name_span,
        software_version: None,
        settings: HopSettings {
            stop_signal: Some(stop_signal),
            grace_period: Some(grace_period),
            ..HopSettings::default()
        },
    }
}

/// The stop signal of the image a `build:` produces.
fn built_stop_signal(build: &Build, dockerfile: Option<&Dockerfile>) -> Setting<String> {
    let path = build.dockerfile_path().display().to_string();
    let Some(dockerfile) = dockerfile else {
        return Setting::unknown(format!("built from `{path}`, which is not in scope"));
    };
    let stage = match &build.target {
        Some(target) => dockerfile.stage_named(&target.text),
        None => dockerfile.final_stage(),
    };
    match stage {
        Some(stage) => dockerfile.stop_signal(stage),
        None => Setting::unknown(format!("`{path}` has no stage to build")),
    }
}

/// Go's `time.ParseDuration`, which Compose applies to durations
/// (compose-go `types.Duration`; compose-spec `11-extension.md`
/// "Specifying durations").
pub fn parse_duration(text: &str) -> Option<Millis> {
    crate::syntax::go_values::parse_duration(text.trim())
}

struct Reader<'s> {
    file: FileId,
    src: &'s str,
    problems: Vec<ParseProblem>,
}

/// How offsets in a scalar's text map to the file.
enum ScalarMap {
    /// The text is written as is from this offset (a one-line plain or
    /// quoted scalar without escapes).
    At(u32),
    /// A `|` block: line by line.
    Block(Embedded),
    /// Folded, escaped or multi-line: only the whole scalar is known.
    Whole(Span),
}

/// A scalar after interpolation, mapped back to the file.
struct Scalar {
    value: Interpolated,
    map: ScalarMap,
    span: Span,
}

impl Scalar {
    fn text(&self) -> &str {
        &self.value.text.text
    }

    /// The text, when every reference in it resolved.
    fn resolved(&self) -> Option<&str> {
        self.value.unresolved.is_empty().then(|| self.text())
    }

    /// The file span of a range of the interpolated text.
    fn span_of(&self, range: Range<usize>) -> Span {
        let local = self.value.text.span_to_source(Span::new(to_u32(range.start), to_u32(range.end)));
        match &self.map {
            ScalarMap::At(start) => Span::new(start + local.start, start + local.end),
            ScalarMap::Block(embedded) => embedded.span_to_source(local),
            ScalarMap::Whole(span) => *span,
        }
    }

    fn spanned(&self, range: Range<usize>) -> Spanned {
        Spanned { text: self.text()[range.clone()].to_owned(), span: self.span_of(range) }
    }

    fn why_unknown(&self) -> String {
        let names: Vec<String> = self.value.unresolved.iter().map(|n| format!("${n}")).collect();
        format!("uses {} with no default in this file", names.join(", "))
    }
}

impl Reader<'_> {
    fn problem(&mut self, span: Span, message: String) {
        self.problems.push(ParseProblem { file: self.file, span, message });
    }

    /// A scalar node, interpolated; `None` (and a problem) for a mapping or
    /// a sequence.
    fn scalar(&mut self, node: &Node, what: &str) -> Option<Scalar> {
        let Value::Scalar { text, style } = &node.value else {
            self.problem(node.span, format!("`{what}` must be a single value"));
            return None;
        };
        let written = node.span.text(self.src);
        let map = match style {
            Style::Plain if written == text => ScalarMap::At(node.span.start),
            Style::SingleQuoted | Style::DoubleQuoted
                if written.len() == text.len() + 2 && &written[1..written.len() - 1] == text =>
            {
                ScalarMap::At(node.span.start + 1)
            }
            Style::Literal => Embedded::of(node, self.src).map_or(ScalarMap::Whole(node.span), ScalarMap::Block),
            _ => ScalarMap::Whole(node.span),
        };
        Some(Scalar { value: compose_text(text, &|_| None), map, span: node.span })
    }

    /// A single-value setting read with `parse`. A value `parse` rejects is
    /// a problem (`expected` says what was wanted) and unknown, as is one
    /// that uses a variable without a default.
    fn parsed<T>(
        &mut self,
        node: &Node,
        what: &str,
        expected: &str,
        parse: impl FnOnce(&str) -> Option<T>,
    ) -> Option<Setting<T>> {
        let scalar = self.scalar(node, what)?;
        let Some(text) = scalar.resolved() else {
            return Some(Setting::unknown(format!("`{what}` {}", scalar.why_unknown())));
        };
        if let Some(value) = parse(text) {
            return Some(Setting::explicit(value, self.file, node.span));
        }
        let text = text.to_owned();
        self.problem(node.span, format!("`{what}: {text}` is not {expected}"));
        Some(Setting::unknown(format!("invalid {what} `{text}`")))
    }

    fn spanned(&mut self, node: &Node, what: &str) -> Option<Spanned> {
        let scalar = self.scalar(node, what)?;
        Some(Spanned { text: scalar.text().to_owned(), span: node.span })
    }

    fn services(&mut self, services: &Node) -> Vec<Service> {
        let mut out = Vec::new();
        for (key, body) in services.entries() {
            let Some(name) = key.as_str() else { continue };
            // Extension fields (`x-…`) are ignored wherever they appear
            // (compose-spec `11-extension.md`).
            if name.starts_with("x-") {
                continue;
            }
            if !body.is_mapping() {
                self.problem(key.span, format!("service `{name}` must be a mapping"));
                continue;
            }
            out.push(self.service(name, key.span, body));
        }
        out
    }

    fn service(&mut self, name: &str, name_span: Span, body: &Node) -> Service {
        let image = body.get("image").and_then(|n| self.parsed(n, "image", "an image reference", ImageRef::parse));
        let build = body.get("build").and_then(|n| self.build(n));
        let command = body.get("command").and_then(|n| self.command(n, "command"));
        let entrypoint = body.get("entrypoint").and_then(|n| self.command(n, "entrypoint"));
        let environment = body.get("environment").map(|n| self.environment(n)).unwrap_or_default();
        let env_files = body.get("env_file").map(|n| self.env_files(n)).unwrap_or_default();
        let stop_signal =
            body.get("stop_signal").and_then(|n| self.parsed(n, "stop_signal", "a signal", signals::normalize));
        let stop_grace_period = body
            .get("stop_grace_period")
            .and_then(|n| self.parsed(n, "stop_grace_period", "a duration such as `10s` or `1m30s`", parse_duration));
        let volumes = body.get("volumes").map(|n| self.list(n, Self::volume)).unwrap_or_default();
        let ports = body.get("ports").map(|n| self.list(n, Self::port)).unwrap_or_default();
        let depends_on = body.get("depends_on").map(|n| self.depends_on(n)).unwrap_or_default();
        Service {
            name: name.to_owned(),
            name_span,
            image,
            build,
            command,
            entrypoint,
            environment,
            env_files,
            stop_signal,
            stop_grace_period,
            volumes,
            ports,
            depends_on,
        }
    }

    fn build(&mut self, node: &Node) -> Option<Build> {
        if !node.is_mapping() {
            let context = self.spanned(node, "build")?;
            return Some(Build {
                span: node.span,
                context: Some(context),
                dockerfile: None,
                target: None,
                args: Vec::new(),
            });
        }
        let mut field = |key: &str| node.get(key).and_then(|n| self.spanned(n, key));
        let (context, dockerfile, target) = (field("context"), field("dockerfile"), field("target"));
        let args = node.get("args").map(|n| self.environment(n)).unwrap_or_default();
        Some(Build { span: node.span, context, dockerfile, target, args })
    }

    /// `command`/`entrypoint`. A string is split into words like a shell
    /// would, but no shell runs it: compose-go turns it into a list
    /// (`transformShellCommand` → `shellwords.Parse`), so it is exec form,
    /// and the compose-spec notes it "does not implicitly run in the context
    /// of the `SHELL`".
    fn command(&mut self, node: &Node, what: &str) -> Option<CommandLine> {
        if node.is_null() {
            return None;
        }
        let (words, has_shell_syntax) = match &node.value {
            Value::Sequence(items) => {
                let words = items
                    .iter()
                    .filter_map(|item| self.scalar(item, what))
                    .map(|s| Word { text: s.text().to_owned(), span: s.span })
                    .collect();
                (words, false)
            }
            Value::Scalar { .. } => {
                let scalar = self.scalar(node, what)?;
                let (words, syntax) = split_shell(scalar.text(), 0);
                let words = words.into_iter().map(|w| Word { span: scalar.span_of(w.span.range()), text: w.text });
                (words.collect(), syntax)
            }
            Value::Mapping(_) => {
                self.problem(node.span, format!("`{what}` must be a string or a list"));
                return None;
            }
        };
        Some(CommandLine { file: self.file, span: node.span, form: Form::Exec, words, has_shell_syntax })
    }

    /// `environment` (and `build.args`): a mapping, or a list of `KEY=value`;
    /// a key without a value is taken from the host (value `None`).
    fn environment(&mut self, node: &Node) -> Vec<EnvVar> {
        let mut vars = Vec::new();
        match &node.value {
            Value::Mapping(_) => {
                for (key, value) in node.entries() {
                    let Some(name) = key.as_str() else { continue };
                    let var = if value.is_null() {
                        EnvVar { name: name.to_owned(), value: None, file: self.file, span: key.span }
                    } else {
                        let value_text = self.scalar(value, name).and_then(|s| s.resolved().map(str::to_owned));
                        EnvVar { name: name.to_owned(), value: value_text, file: self.file, span: value.span }
                    };
                    vars.push(var);
                }
            }
            Value::Sequence(items) => {
                for item in items {
                    let Some(scalar) = self.scalar(item, "environment") else { continue };
                    let text = scalar.text();
                    let var = match text.split_once('=') {
                        Some((name, value)) => EnvVar {
                            name: name.to_owned(),
                            value: scalar.resolved().map(|_| value.to_owned()),
                            file: self.file,
                            span: scalar.span_of(name.len() + 1..text.len()),
                        },
                        None => EnvVar { name: text.to_owned(), value: None, file: self.file, span: item.span },
                    };
                    vars.push(var);
                }
            }
            Value::Scalar { .. } => self.problem(node.span, "`environment` must be a mapping or a list".to_owned()),
        }
        vars
    }

    fn env_files(&mut self, node: &Node) -> Vec<Spanned> {
        let items: Vec<&Node> = match &node.value {
            Value::Sequence(items) => items.iter().collect(),
            _ => vec![node],
        };
        items
            .into_iter()
            .filter_map(|item| {
                let path = if item.is_mapping() { item.get("path")? } else { item };
                self.spanned(path, "env_file")
            })
            .collect()
    }

    fn list<T>(&mut self, node: &Node, read: fn(&mut Self, &Node) -> Option<T>) -> Vec<T> {
        if !matches!(node.value, Value::Sequence(_)) {
            self.problem(node.span, "expected a list".to_owned());
            return Vec::new();
        }
        node.as_sequence().iter().filter_map(|item| read(self, item)).collect()
    }

    /// `SOURCE:TARGET[:MODE]` or `TARGET`, or the long syntax.
    fn volume(&mut self, node: &Node) -> Option<Volume> {
        if node.is_mapping() {
            let kind = match node.str_at("type") {
                Some("bind") => MountKind::Bind,
                Some("volume") | None => MountKind::Volume,
                Some("tmpfs") => MountKind::Tmpfs,
                Some(other) => MountKind::Other(other.to_owned()),
            };
            let source = node.get("source").and_then(|n| self.spanned(n, "source"));
            let target = node.get("target").and_then(|n| self.spanned(n, "target"));
            let read_only = node.str_at("read_only") == Some("true");
            return Some(Volume { span: node.span, kind, source, target, read_only });
        }
        let scalar = self.scalar(node, "volumes")?;
        let text = scalar.text();
        let mut parts = Vec::new();
        let mut start = 0;
        for (i, _) in text.match_indices(':').chain(std::iter::once((text.len(), ""))) {
            parts.push(start..i);
            start = i + 1;
        }
        let (source, target, mode) = match parts.as_slice() {
            [target] => (None, Some(target.clone()), None),
            [source, target] => (Some(source.clone()), Some(target.clone()), None),
            [source, target, mode, ..] => (Some(source.clone()), Some(target.clone()), Some(mode.clone())),
            [] => (None, None, None),
        };
        // A volume name has no `/` (compose-spec: relative host paths
        // should begin with `.`), so `${PWD}/conf` is a path too.
        let kind = match &source {
            Some(s) if text[s.clone()].starts_with(['.', '~']) || text[s.clone()].contains('/') => MountKind::Bind,
            _ => MountKind::Volume,
        };
        let read_only = mode.is_some_and(|m| text[m].split(',').any(|o| o == "ro"));
        Some(Volume {
            span: node.span,
            kind,
            source: source.map(|r| scalar.spanned(r)),
            target: target.map(|r| scalar.spanned(r)),
            read_only,
        })
    }

    /// `[HOST:]CONTAINER[/PROTOCOL]`, or the long syntax.
    fn port(&mut self, node: &Node) -> Option<Port> {
        if node.is_mapping() {
            let target = node.str_at("target").and_then(|t| t.parse().ok());
            let published = node.str_at("published").map(str::to_owned);
            return Some(Port { span: node.span, target, published });
        }
        let scalar = self.scalar(node, "ports")?;
        let text = scalar.text().split('/').next().unwrap_or_default();
        let (published, target) = match text.rsplit_once(':') {
            Some((host, target)) => (Some(host.to_owned()), target),
            None => (None, text),
        };
        Some(Port { span: node.span, target: target.parse().ok(), published })
    }

    fn depends_on(&mut self, node: &Node) -> Vec<Spanned> {
        match &node.value {
            Value::Sequence(items) => items.iter().filter_map(|i| self.spanned(i, "depends_on")).collect(),
            Value::Mapping(_) => node
                .entries()
                .into_iter()
                .filter_map(|(k, _)| Some(Spanned { text: k.as_str()?.to_owned(), span: k.span }))
                .collect(),
            Value::Scalar { .. } => {
                self.problem(node.span, "`depends_on` must be a list or a mapping".to_owned());
                Vec::new()
            }
        }
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::setting::Origin;

    fn read(src: &str) -> Compose {
        read_compose(FileId(1), src)
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("1m30s"), Some(Millis(90_000)));
        assert_eq!(parse_duration("10s"), Some(Millis(10_000)));
        assert_eq!(parse_duration("2.5s"), Some(Millis(2_500)));
        assert_eq!(parse_duration("500ms"), Some(Millis(500)));
        assert_eq!(parse_duration("1h5m30s20ms"), Some(Millis(3_930_020)));
        assert_eq!(parse_duration("0"), Some(Millis(0)));
        assert_eq!(parse_duration("10"), None);
        assert_eq!(parse_duration("-1s"), None);
        assert_eq!(parse_duration("1d"), None);
        assert_eq!(parse_duration(""), None);
        assert_eq!(parse_duration(".s"), None);
    }

    #[test]
    fn names() {
        for name in
            ["compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.prod.yaml", "compose.override.yml"]
        {
            assert!(is_compose_file_name(name), "{name}");
        }
        assert!(!is_compose_file_name("composer.json"));
        assert!(!is_compose_file_name("values.yaml"));
    }

    #[test]
    fn command_words_map_into_the_scalar() {
        let src = "services:\n  app:\n    command: gunicorn --bind 0.0.0.0:${PORT:-8000} 'app:app'\n";
        let compose = read(src);
        let command = compose.services[0].command.as_ref().unwrap();
        assert_eq!(command.form, Form::Exec);
        let words: Vec<_> = command.words.iter().map(|w| (w.text.as_str(), w.span.text(src))).collect();
        assert_eq!(
            words,
            [
                ("gunicorn", "gunicorn"),
                ("--bind", "--bind"),
                ("0.0.0.0:8000", "0.0.0.0:${PORT:-8000}"),
                ("app:app", "'app:app'")
            ]
        );
        assert!(!command.has_shell_syntax);
    }

    #[test]
    fn quoted_and_folded_commands() {
        let src = "services:\n  a:\n    command: \"gunicorn app\"\n  b:\n    command: >\n      gunicorn\n      app\n  c:\n    command: [\"x\", \"y\"]\n  d:\n    command: null\n";
        let compose = read(src);
        let a = compose.services[0].command.as_ref().unwrap();
        assert_eq!(a.words[1].span.text(src), "app");
        let b = compose.services[1].command.as_ref().unwrap();
        assert_eq!(b.words.len(), 2);
        assert_eq!(b.words[1].span, b.span, "folded scalars map to the whole scalar");
        let c = compose.services[2].command.as_ref().unwrap();
        assert_eq!(c.words[1].span.text(src), "\"y\"");
        assert!(compose.services[3].command.is_none());
    }

    #[test]
    fn environment_forms() {
        let src = "services:\n  a:\n    environment:\n      - KEY=value\n      - FROM_HOST\n      - PORT=${PORT:-8000}\n      - ODD=${NOPE}\n  b:\n    environment:\n      GUNICORN_CMD_ARGS: \"--timeout 60\"\n      EMPTY:\n";
        let compose = read(src);
        let a: Vec<_> = compose.services[0]
            .environment
            .iter()
            .map(|e| (e.name.as_str(), e.value.as_deref(), e.span.text(src)))
            .collect();
        assert_eq!(
            a,
            [
                ("KEY", Some("value"), "value"),
                ("FROM_HOST", None, "FROM_HOST"),
                ("PORT", Some("8000"), "${PORT:-8000}"),
                ("ODD", None, "${NOPE}")
            ]
        );
        let b = &compose.services[1].environment;
        assert_eq!(b[0].value.as_deref(), Some("--timeout 60"));
        assert_eq!(b[0].span.text(src), "\"--timeout 60\"");
        assert_eq!(b[1].value, None);
    }

    #[test]
    fn stop_settings_and_hop() {
        let src = "services:\n  web:\n    image: nginx:1.25-alpine\n    stop_grace_period: 1m30s\n  app:\n    image: python:3.12\n    stop_signal: QUIT\n  bad:\n    image: ${IMAGE}\n    stop_grace_period: 10\n";
        let compose = read(src);
        let web = service_hop(&compose, &compose.services[0], "compose.yaml", None);
        assert_eq!(web.id, "compose.yaml:service web");
        assert_eq!(web.span.text(src), "web");
        let signal = web.settings.stop_signal.unwrap();
        assert_eq!(signal.value.as_deref(), Some("SIGQUIT"));
        assert!(matches!(signal.origin, Origin::Default { .. }));
        let grace = web.settings.grace_period.unwrap();
        assert_eq!(grace.value, Some(Millis(90_000)));
        let app = service_hop(&compose, &compose.services[1], "compose.yaml", None);
        assert_eq!(app.settings.stop_signal.unwrap().value.as_deref(), Some("SIGQUIT"));
        assert_eq!(app.settings.grace_period.unwrap().value, Some(Millis(10_000)));
        let bad = service_hop(&compose, &compose.services[2], "compose.yaml", None);
        assert!(!bad.settings.stop_signal.unwrap().is_known());
        assert!(!bad.settings.grace_period.unwrap().is_known());
        assert_eq!(compose.problems.len(), 1, "{:?}", compose.problems);
    }

    #[test]
    fn volumes_ports_build_and_depends_on() {
        let src = "services:\n  web:\n    build:\n      context: ./web\n      dockerfile: Dockerfile.prod\n      target: app\n    volumes:\n      - ./nginx/nginx.conf:/etc/nginx/nginx.conf:ro\n      - data:/var/lib/data\n      - /anon\n      - type: bind\n        source: ./conf.d\n        target: /etc/nginx/conf.d\n    ports:\n      - \"8080:80\"\n      - 127.0.0.1:443:443/tcp\n      - target: 9000\n        published: \"9001\"\n    depends_on:\n      app:\n        condition: service_started\n  app:\n    build: ./app\n    depends_on: [db]\n";
        let compose = read(src);
        let web = &compose.services[0];
        let build = web.build.as_ref().unwrap();
        assert_eq!(build.dockerfile_path(), PathBuf::from("./web/Dockerfile.prod"));
        assert_eq!(build.target.as_ref().unwrap().text, "app");
        let conf = &web.volumes[0];
        assert_eq!(conf.kind, MountKind::Bind);
        assert!(conf.read_only);
        assert_eq!(conf.source.as_ref().unwrap().span.text(src), "./nginx/nginx.conf");
        assert_eq!(conf.target.as_ref().unwrap().span.text(src), "/etc/nginx/nginx.conf");
        assert_eq!(web.volumes[1].kind, MountKind::Volume);
        assert_eq!(web.volumes[2].source, None);
        assert_eq!(web.volumes[3].target.as_ref().unwrap().text, "/etc/nginx/conf.d");
        let ports: Vec<_> = web.ports.iter().map(|p| (p.target, p.published.as_deref())).collect();
        assert_eq!(ports, [(Some(80), Some("8080")), (Some(443), Some("127.0.0.1:443")), (Some(9000), Some("9001"))]);
        assert_eq!(web.depends_on[0].text, "app");
        let app = &compose.services[1];
        assert_eq!(app.build.as_ref().unwrap().dockerfile_path(), PathBuf::from("./app/Dockerfile"));
        assert_eq!(app.depends_on[0].text, "db");
        assert!(compose.problems.is_empty(), "{:?}", compose.problems);
    }

    #[test]
    fn anchors_and_merge_keys() {
        let src = "x-common: &common\n  stop_signal: SIGQUIT\n  environment:\n    A: \"1\"\nservices:\n  web:\n    <<: *common\n    image: nginx\n";
        let compose = read(src);
        let web = &compose.services[0];
        let signal = web.stop_signal.as_ref().unwrap();
        assert_eq!(signal.value.as_deref(), Some("SIGQUIT"));
        assert!(matches!(signal.origin, Origin::Explicit { span, .. } if span.text(src) == "SIGQUIT"));
        assert_eq!(web.environment[0].name, "A");
    }

    #[test]
    fn broken_files_are_problems() {
        assert_eq!(read("services: [").problems.len(), 1);
        assert_eq!(read("services: 3\n").problems.len(), 1);
        assert_eq!(read("services:\n  a: 3\n").problems.len(), 1);
        assert!(read("").services.is_empty());
        assert!(read("volumes:\n  data:\n").problems.is_empty());
    }
}
