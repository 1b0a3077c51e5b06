//! Every hop the project defines, from each format's model.

use crate::model::hop::Hop;
use crate::project::{Note, Project};

/// All hops, sorted by id (byte order) as the `hops` contract requires, and
/// the notes finding them produced (assumed versions).
pub fn collect(project: &Project) -> (Vec<Hop>, Vec<Note>) {
    let mut hops = crate::model::nginx_hops::nginx_hops(project);
    for manifests in &project.k8s {
        hops.extend(crate::model::k8s::hops::container_hops(manifests));
    }
    for server in &project.tomcat {
        hops.extend(server.hops());
    }
    hops.extend(project.spring.iter().map(crate::model::spring::SpringApp::hop));
    let declared = project.ingress_nginx_version.as_ref();
    let ingress = crate::model::ingress_nginx::analyze(&project.k8s, &project.helm_values, declared);
    hops.extend(ingress.hops);
    let notes = ingress
        .notes
        .iter()
        .map(|n| {
            let (file, span) = project.on_disk(n.file, n.span);
            let source = project.file(file);
            Note {
                file: Some(source.display_path()),
                line: Some(source.lines.line(span.start)),
                message: n.message.clone(),
            }
        })
        .collect();
    for hop in &mut hops {
        hop.map_locations(&|file, span| project.on_disk(file, span));
    }
    hops.sort_by(|a, b| a.id.cmp(&b.id));
    (hops, notes)
}
