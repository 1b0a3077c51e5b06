//! ingress-nginx pools turned off where an Ingress or the controller's
//! ConfigMap says so (nginx-ingress-facts.md §4): the Ingress annotations
//! `proxy-http-version: "1.0"` (KA003) and `connection-proxy-header: close`
//! (KA004), and the ConfigMap key `proxy-http-version: "1.0"` (KA003).

use crate::diagnostic::Diagnostic;
use crate::fix::Edit;
use crate::model::hop::{Hop, HopKind};
use crate::model::ingress_nginx::{PoolDefeat, pool_defeats};
use crate::model::k8s::Ingress;
use crate::model::link::{How, Link, controller_for};
use crate::model::setting::Origin;
use crate::project::Project;
use crate::rules::Rule;
use crate::source::FileId;
use crate::span::Span;

use super::{has_pool, pool_enabling_fix};

/// Whether a Kubernetes link goes through an Ingress whose annotations
/// turn the controller's pool off for its locations.
pub(super) fn pool_off_by_ingress(project: &Project, link: &Link) -> bool {
    if link.how != How::Kubernetes {
        return false;
    }
    let Some(manifests) = project.k8s.iter().find(|m| m.file == link.file) else { return false };
    manifests.objects.iter().any(|o| {
        o.ingress().is_some()
            && o.span.start <= link.span.start
            && link.span.end <= o.span.end
            && !pool_defeats(&o.meta).is_empty()
    })
}

/// One finding of `rule` per Ingress annotation of kind `wanted` that turns
/// the pool of the controller serving the Ingress off; with `fix_value`, a
/// pool-enabling fix that writes it as the annotation's value.
pub(super) fn annotation_findings(
    project: &Project,
    rule: &'static Rule,
    wanted: PoolDefeat,
    fix_value: Option<&str>,
    out: &mut Vec<Diagnostic>,
) {
    let graph = project.hop_graph();
    let controllers: Vec<&Hop> = graph.hops.iter().filter(|h| h.kind == HopKind::IngressNginx).collect();
    for manifests in &project.k8s {
        let Some(controller) = controller_for(project, &controllers, manifests.file).filter(|c| has_pool(c)) else {
            continue;
        };
        let ingresses = manifests.objects.iter().filter(|o| o.ingress().is_some_and(Ingress::for_nginx));
        for object in ingresses {
            let defeats = pool_defeats(&object.meta);
            let Some(&(how, annotation)) = defeats.iter().find(|(how, _)| *how == wanted) else { continue };
            let file = manifests.file;
            let doing = match how {
                PoolDefeat::Http10 => "speaks HTTP/1.0 to its backends",
                PoolDefeat::ConnectionClose => "sends `Connection: close` to its backends",
            };
            let message = format!(
                "ingress-nginx keeps a keepalive pool, but this Ingress {doing} (`{}: \"{}\"`): every request opens a new connection",
                annotation.key, annotation.value
            );
            let mut diagnostic =
                with_pool_label(Diagnostic::new(rule, file, annotation.value_span, message), controller);
            // Another annotation may keep the pool off after this one is fixed.
            let turns_on = defeats.len() == 1;
            let fix = fix_value.and_then(|value| {
                let edit = Edit::replace(
                    file,
                    annotation.value_span,
                    quoted_like(project, file, annotation.value_span, value),
                );
                let title = format!("Set `{}: \"{value}\"`", annotation.key);
                pool_enabling_fix(project, controller, title, vec![edit], turns_on)
            });
            if let Some(fix) = fix {
                diagnostic = diagnostic.with_fix(fix);
            }
            out.push(diagnostic);
        }
    }
}

/// KA003 on the controller's ConfigMap: `upstream-keepalive-connections`
/// sets a pool, and `proxy-http-version: "1.0"` keeps every location from
/// using it.
pub(super) fn configmap_http10_findings(project: &Project, rule: &'static Rule, out: &mut Vec<Diagnostic>) {
    let graph = project.hop_graph();
    for controller in graph.hops.iter().filter(|h| h.kind == HopKind::IngressNginx) {
        let (Some(pool), Some(http)) = (&controller.settings.pool, &controller.settings.http_version) else {
            continue;
        };
        let Origin::Explicit { file, span } = http.origin else { continue };
        if http.value.as_deref() != Some("1.0") || pool.value != Some(false) || pool.origin != http.origin {
            continue;
        }
        let message = "ingress-nginx keeps a keepalive pool, but `proxy-http-version: \"1.0\"` makes every location speak HTTP/1.0 to the backends: every request opens a new connection".to_owned();
        let mut diagnostic = Diagnostic::new(rule, file, span, message);
        let edit = Edit::replace(file, span, quoted_like(project, file, span, "1.1"));
        let fix =
            pool_enabling_fix(project, controller, "Set `proxy-http-version: \"1.1\"`".to_owned(), vec![edit], true);
        if let Some(fix) = fix {
            diagnostic = diagnostic.with_fix(fix);
        }
        out.push(diagnostic);
    }
}

/// `value` to write over the YAML scalar at `span`, kept a string (a
/// ConfigMap or annotation value must be one): the span's own quotes when it
/// holds them, none when they are outside it, else double quotes around a
/// value YAML would read as a number.
fn quoted_like(project: &Project, file: FileId, span: Span, value: &str) -> String {
    let text = &project.file(file).text;
    let quoted_outside = text[..span.start as usize].ends_with(['"', '\'']);
    match span.text(text).chars().next() {
        Some(q @ ('"' | '\'')) => format!("{q}{value}{q}"),
        _ if !quoted_outside && value.parse::<f64>().is_ok() => format!("\"{value}\""),
        _ => value.to_owned(),
    }
}

/// The related label on the controller's pool.
fn with_pool_label(diagnostic: Diagnostic, controller: &Hop) -> Diagnostic {
    let (file, span) = super::primary(controller, None);
    diagnostic.with_related(file, span, "ingress-nginx keeps idle upstream connections for reuse".to_owned())
}
