//! Container hops: every container that runs for its pod's life, with the
//! settings that decide how it stops (stop signal, preStop delay, grace).

use crate::model::hop::{Hop, HopKind, HopSettings};
use crate::model::k8s::fields::Field;
use crate::model::k8s::pod::{Container, PodSpec};
use crate::model::k8s::prestop::prestop_delay;
use crate::model::k8s::{Manifests, Object};
use crate::model::setting::{Millis, Setting};
use crate::source::FileId;

/// `terminationGracePeriodSeconds` default: 30 s (kubernetes.io
/// docs/concepts/workloads/pods/pod-lifecycle#pod-termination;
/// backend-lifecycle-facts.md §B).
pub const DEFAULT_GRACE_PERIOD_SECONDS: u64 = 30;

/// The hops of every container of every workload in `manifests`. Init
/// containers are left out (they exit before the pod serves), except native
/// sidecars (`restartPolicy: Always`).
pub fn container_hops(manifests: &Manifests) -> Vec<Hop> {
    let mut hops = Vec::new();
    for object in &manifests.objects {
        let Some(workload) = object.workload() else { continue };
        for container in workload.pod.containers.iter().filter(|c| c.runs_with_pod()) {
            hops.push(container_hop(manifests, object, &workload.pod, container));
        }
    }
    hops
}

fn container_hop(manifests: &Manifests, object: &Object, pod: &PodSpec, container: &Container) -> Hop {
    let file = manifests.file;
    let settings = HopSettings {
        stop_signal: Some(stop_signal(container, file, || {
            Setting::default("SIGTERM".to_owned(), "Docker default stop signal (image STOPSIGNAL not known here)")
        })),
        prestop_seconds: Some(prestop_delay(container.pre_stop.as_ref(), file)),
        grace_period: Some(grace_period(pod, file)),
        ..HopSettings::default()
    };
    Hop {
        id: format!("{}:{}/{}", manifests.path, object.kind_name(), container.name),
        kind: HopKind::Container,
        file,
        span: container.line,
        software_version: None,
        settings,
    }
}

/// `lifecycle.stopSignal` when written, else `fallback` (the image's).
pub fn stop_signal(container: &Container, file: FileId, fallback: impl FnOnce() -> Setting<String>) -> Setting<String> {
    match &container.stop_signal {
        Some(signal) => Setting::explicit(signal.value.clone(), file, signal.span),
        None => fallback(),
    }
}

/// The pod's termination grace period.
pub fn grace_period(pod: &PodSpec, file: FileId) -> Setting<Millis> {
    match &pod.termination_grace_period_seconds {
        Field::Set(seconds) => Setting::explicit(Millis::from_secs(seconds.value.unsigned_abs()), file, seconds.span),
        Field::Invalid { reason, .. } => Setting::unknown(reason.clone()),
        Field::Absent => Setting::default(
            Millis::from_secs(DEFAULT_GRACE_PERIOD_SECONDS),
            "Kubernetes default terminationGracePeriodSeconds",
        ),
    }
}
