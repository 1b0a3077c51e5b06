//! Pod specs and their containers (`core/v1` `PodSpec`, `Container`).

use crate::knowledge::images::ImageRef;
use crate::model::command::{CommandLine, EnvVar, Form, Word};
use crate::model::k8s::fields::{Field, PortRef, Reader, Spanned, line_span};
use crate::span::Span;
use crate::syntax::yaml::{Node, Value};

/// A pod spec (of a Pod, or of a workload's pod template).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodSpec {
    /// The `spec:` line of the pod spec (reported on when the grace period
    /// is not written).
    pub spec_line: Span,
    pub termination_grace_period_seconds: Field<i64>,
    pub host_network: Field<bool>,
    pub dns_policy: Option<Spanned<String>>,
    pub volumes: Vec<Volume>,
    /// `containers`, then `initContainers` (flagged [`Container::is_init`]).
    pub containers: Vec<Container>,
}

/// One container.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Container {
    /// Empty when the container has no name (a problem is recorded).
    pub name: String,
    pub name_span: Option<Span>,
    /// The `- name: app` line.
    pub line: Span,
    /// The whole container mapping.
    pub span: Span,
    pub is_init: bool,
    /// `Always` on an init container makes it a sidecar that runs with the pod.
    pub restart_policy: Option<Spanned<String>>,
    pub image: Option<Spanned<ImageRef>>,
    pub command: Option<CommandLine>,
    pub args: Option<CommandLine>,
    pub env: Vec<EnvVar>,
    /// `valueFrom.fieldRef` variables (`POD_NAMESPACE` → `metadata.namespace`).
    pub env_field_refs: Vec<FieldRef>,
    /// `envFrom[].configMapRef.name`.
    pub env_from_config_maps: Vec<Spanned<String>>,
    pub ports: Vec<ContainerPort>,
    pub volume_mounts: Vec<VolumeMount>,
    pub pre_stop: Option<PreStopHook>,
    /// `lifecycle.stopSignal` (Kubernetes 1.33+, `ContainerStopSignals`).
    pub stop_signal: Option<Spanned<String>>,
    /// The `readinessProbe:` line, when there is one.
    pub readiness_probe: Option<Span>,
}

impl Container {
    /// Whether the container runs for the pod's whole life (not an init
    /// container that exits before the app starts).
    pub fn runs_with_pod(&self) -> bool {
        !self.is_init || self.restart_policy.as_ref().is_some_and(|p| p.value == "Always")
    }

    /// The process command line: `command` followed by `args`, when
    /// `command` is written (otherwise the image's entrypoint comes first).
    pub fn full_command(&self) -> Option<CommandLine> {
        let command = self.command.as_ref()?;
        let mut full = command.clone();
        if let Some(args) = &self.args {
            full.words.extend(args.words.iter().cloned());
            full.span = full.span.cover(args.span);
        }
        Some(full)
    }

    /// Every word the container is started with (`command` then `args`).
    pub fn words(&self) -> impl Iterator<Item = &Word> {
        self.command.iter().chain(&self.args).flat_map(|c| c.words.iter())
    }

    pub fn env_var(&self, name: &str) -> Option<&EnvVar> {
        self.env.iter().find(|e| e.name == name)
    }
}

/// An environment variable taken from the pod's own fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldRef {
    pub name: String,
    pub field_path: String,
}

/// `ports[]` of a container.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerPort {
    pub container_port: Field<i64>,
    pub name: Option<Spanned<String>>,
    pub protocol: Option<Spanned<String>>,
}

/// `volumeMounts[]` of a container.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VolumeMount {
    pub name: Spanned<String>,
    pub mount_path: Spanned<String>,
    pub sub_path: Option<Spanned<String>>,
}

/// `volumes[]` of a pod.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Volume {
    pub name: Spanned<String>,
    pub config_map: Option<ConfigMapVolume>,
}

/// A `configMap` volume: which ConfigMap, and which keys land at which paths
/// (all keys, named after themselves, when `items` is empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigMapVolume {
    pub name: Spanned<String>,
    pub items: Vec<KeyToPath>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyToPath {
    pub key: Spanned<String>,
    pub path: Spanned<String>,
}

/// `lifecycle.preStop`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreStopHook {
    /// The `preStop:` line.
    pub line: Span,
    pub action: HookAction,
}

/// What a lifecycle hook does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HookAction {
    /// `sleep.seconds` (Kubernetes 1.29+, `PodLifecycleSleepAction`).
    Sleep(Field<i64>),
    Exec(CommandLine),
    HttpGet {
        path: Option<Spanned<String>>,
        port: Option<Spanned<PortRef>>,
    },
    /// `tcpSocket`, or no action written.
    Other,
}

impl PodSpec {
    /// Reads the pod spec under `parent.spec`.
    pub(crate) fn read(reader: &mut Reader<'_>, parent: &Node) -> Option<PodSpec> {
        let spec_line = reader.key_line(parent, "spec")?;
        let spec = reader.mapping(parent, "spec")?;
        let mut containers = Vec::new();
        for (key, is_init) in [("containers", false), ("initContainers", true)] {
            for node in reader.list_of_mappings(spec, key) {
                containers.push(read_container(reader, node, is_init));
            }
        }
        let volumes =
            reader.list_of_mappings(spec, "volumes").into_iter().filter_map(|v| read_volume(reader, v)).collect();
        Some(PodSpec {
            spec_line,
            termination_grace_period_seconds: non_negative(reader, spec, "terminationGracePeriodSeconds"),
            host_network: reader.bool(spec, "hostNetwork"),
            dns_policy: reader.string(spec, "dnsPolicy"),
            volumes,
            containers,
        })
    }
}

/// An integer field the API requires to be ≥ 0.
fn non_negative(reader: &mut Reader<'_>, parent: &Node, key: &str) -> Field<i64> {
    match reader.int(parent, key) {
        Field::Set(n) if n.value < 0 => {
            let reason = format!("`{key}` must not be negative, found {}", n.value);
            reader.problem(n.span, reason.clone());
            Field::Invalid { span: n.span, reason }
        }
        other => other,
    }
}

fn read_container(reader: &mut Reader<'_>, node: &Node, is_init: bool) -> Container {
    let name = reader.string(node, "name");
    if name.is_none() {
        reader.problem(line_span(reader.src, node.span.start), "container has no `name`".to_owned());
    }
    let line = reader.key_line(node, "name").unwrap_or_else(|| line_span(reader.src, node.span.start));
    let lifecycle = reader.mapping(node, "lifecycle");
    let pre_stop = lifecycle.and_then(|l| read_pre_stop(reader, l));
    let stop_signal = lifecycle.and_then(|l| reader.string(l, "stopSignal"));
    let mut env = Vec::new();
    let mut env_field_refs = Vec::new();
    for var in reader.list_of_mappings(node, "env") {
        read_env_var(reader, var, &mut env, &mut env_field_refs);
    }
    let mut env_from_config_maps = Vec::new();
    for source in reader.list_of_mappings(node, "envFrom") {
        if let Some(name) = reader.mapping(source, "configMapRef").and_then(|r| reader.string(r, "name")) {
            env_from_config_maps.push(name);
        }
    }
    let ports = reader
        .list_of_mappings(node, "ports")
        .into_iter()
        .map(|p| ContainerPort {
            container_port: reader.int(p, "containerPort"),
            name: reader.string(p, "name"),
            protocol: reader.string(p, "protocol"),
        })
        .collect();
    let volume_mounts = reader
        .list_of_mappings(node, "volumeMounts")
        .into_iter()
        .filter_map(|m| {
            Some(VolumeMount {
                name: reader.string(m, "name")?,
                mount_path: reader.string(m, "mountPath")?,
                sub_path: reader.string(m, "subPath"),
            })
        })
        .collect();
    Container {
        name_span: name.as_ref().map(|n| n.span),
        name: name.map(|n| n.value).unwrap_or_default(),
        line,
        span: node.span,
        is_init,
        restart_policy: reader.string(node, "restartPolicy"),
        image: reader
            .string(node, "image")
            .and_then(|i| Some(Spanned { value: ImageRef::parse(&i.value)?, span: i.span })),
        command: command_line(reader, node, "command"),
        args: command_line(reader, node, "args"),
        env,
        env_field_refs,
        env_from_config_maps,
        ports,
        volume_mounts,
        pre_stop,
        stop_signal,
        readiness_probe: reader.mapping(node, "readinessProbe").and(reader.key_line(node, "readinessProbe")),
    }
}

fn read_env_var(reader: &mut Reader<'_>, var: &Node, env: &mut Vec<EnvVar>, field_refs: &mut Vec<FieldRef>) {
    let Some(name) = reader.string(var, "name") else {
        reader.problem(var.span, "environment variable has no `name`".to_owned());
        return;
    };
    if let Some(from) = reader.mapping(var, "valueFrom") {
        let field_path = reader.mapping(from, "fieldRef").and_then(|r| reader.string(r, "fieldPath"));
        if let Some(path) = field_path {
            field_refs.push(FieldRef { name: name.value.clone(), field_path: path.value });
        }
        env.push(EnvVar { name: name.value, value: None, file: reader.file, span: name.span });
        return;
    }
    // A variable without `value` is set to the empty string.
    let (value, span) = match reader.string(var, "value") {
        Some(value) => (value.value, value.span),
        None => (String::new(), name.span),
    };
    env.push(EnvVar { name: name.value, value: Some(value), file: reader.file, span });
}

/// `command`/`args`: a list of strings, run without a shell.
pub(crate) fn command_line(reader: &mut Reader<'_>, parent: &Node, key: &str) -> Option<CommandLine> {
    let node = parent.get(key).filter(|n| !n.is_null())?;
    let items = reader.list(parent, key);
    if !matches!(node.value, Value::Sequence(_)) {
        return None;
    }
    let words = items
        .iter()
        .filter_map(|item| reader.scalar(key, item))
        .map(|w| Word { text: w.value, span: w.span })
        .collect();
    Some(CommandLine { file: reader.file, span: node.span, form: Form::Exec, words, has_shell_syntax: false })
}

pub(crate) fn read_pre_stop(reader: &mut Reader<'_>, lifecycle: &Node) -> Option<PreStopHook> {
    let line = reader.key_line(lifecycle, "preStop")?;
    let hook = reader.mapping(lifecycle, "preStop")?;
    let action = if let Some(sleep) = reader.mapping(hook, "sleep") {
        HookAction::Sleep(non_negative(reader, sleep, "seconds"))
    } else if let Some(exec) = reader.mapping(hook, "exec") {
        command_line(reader, exec, "command").map_or(HookAction::Other, HookAction::Exec)
    } else if let Some(http) = reader.mapping(hook, "httpGet") {
        HookAction::HttpGet { path: reader.string(http, "path"), port: reader.port_ref(http, "port") }
    } else {
        HookAction::Other
    };
    Some(PreStopHook { line, action })
}

fn read_volume(reader: &mut Reader<'_>, node: &Node) -> Option<Volume> {
    let name = reader.string(node, "name")?;
    let config_map = reader.mapping(node, "configMap").and_then(|cm| {
        let items = reader
            .list_of_mappings(cm, "items")
            .into_iter()
            .filter_map(|item| Some(KeyToPath { key: reader.string(item, "key")?, path: reader.string(item, "path")? }))
            .collect();
        Some(ConfigMapVolume { name: reader.string(cm, "name")?, items })
    });
    Some(Volume { name, config_map })
}
