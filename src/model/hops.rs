//! Every hop the project defines, from each format's model.

use crate::model::backends::ProgramSite;
use crate::model::hop::Hop;
use crate::model::link::{self, Link, StaleLink};
use crate::project::{Note, Project};

/// The hops of a project and how they link.
#[derive(Debug, Default)]
pub struct HopGraph {
    /// Sorted by id (byte order), as the `hops` contract requires.
    pub hops: Vec<Hop>,
    pub links: Vec<Link>,
    /// Written links that name nothing hoplint read (HL003).
    pub stale: Vec<StaleLink>,
    /// Assumed versions, implicit links.
    pub notes: Vec<Note>,
    /// Where each backend hop's command line names its server, by hop id.
    pub programs: Vec<(String, ProgramSite)>,
    /// Indices into `links`, sorted by proxy id ([`HopGraph::links_from`]).
    by_proxy: Vec<usize>,
}

impl HopGraph {
    pub fn hop(&self, id: &str) -> Option<&Hop> {
        // Sorted by id (stably: of hops sharing an id, the first found).
        let at = self.hops.partition_point(|h| h.id.as_str() < id);
        self.hops.get(at).filter(|h| h.id == id)
    }

    /// The links whose proxy is `proxy`, in the order they were made.
    pub fn links_from<'g>(&'g self, proxy: &str) -> impl Iterator<Item = &'g Link> + use<'g> {
        let key = |i: &usize| self.links[*i].proxy.as_str();
        let start = self.by_proxy.partition_point(|i| key(i) < proxy);
        let len = self.by_proxy[start..].partition_point(|i| key(i) == proxy);
        self.by_proxy[start..start + len].iter().map(|i| &self.links[*i])
    }

    /// Where the command line of the backend hop `id` names its server.
    pub fn program(&self, id: &str) -> Option<ProgramSite> {
        self.programs.iter().find(|(hop, _)| hop == id).map(|(_, site)| *site)
    }
}

/// Every hop, linked.
pub fn graph(project: &Project) -> HopGraph {
    let (mut hops, mut notes, programs) = collect(project);
    let front = crate::model::front::load_balancers(project, &hops);
    hops.extend(front.hops);
    sort_by_id(&mut hops);
    let (links, stale) = link::link(project, &hops, front.links);
    for l in links.iter().filter(|l| l.how == link::How::Implicit) {
        let (file, span) = project.on_disk(l.file, l.span);
        let source = project.file(file);
        notes.push(Note {
            file: Some(source.display_path()),
            line: Some(source.lines.line(span.start)),
            message: format!("linked implicitly: {} → {}; add a [[link]] to make it explicit", l.proxy, l.backend),
        });
    }
    notes.sort();
    let mut by_proxy: Vec<usize> = (0..links.len()).collect();
    by_proxy.sort_by(|a, b| links[*a].proxy.cmp(&links[*b].proxy));
    HopGraph { hops, links, stale, notes, programs, by_proxy }
}

/// All hops, sorted by id (byte order) as the `hops` contract requires, and
/// the notes finding them produced (assumed versions).
pub fn collect(project: &Project) -> (Vec<Hop>, Vec<Note>, Vec<(String, ProgramSite)>) {
    let mut hops = crate::model::nginx_hops::nginx_hops(project);
    for manifests in &project.k8s {
        hops.extend(crate::model::k8s::hops::container_hops(manifests));
    }
    for dockerfile in &project.dockerfiles {
        hops.extend(crate::model::dockerfile::container_hop(dockerfile, &project.display_name(dockerfile.file)));
    }
    for compose in &project.compose {
        let path = project.display_name(compose.file);
        let dir = project.file(compose.file).path.parent().map(std::path::Path::to_path_buf).unwrap_or_default();
        for service in &compose.services {
            let dockerfile =
                service.build.as_ref().and_then(|build| project.dockerfile_at(&dir.join(build.dockerfile_path())));
            hops.push(crate::model::compose::service_hop(compose, service, &path, dockerfile));
        }
    }
    let mut programs = crate::model::backends::add_backend_hops(project, &mut hops);
    for (_, site) in &mut programs {
        (site.file, site.word) = project.on_disk(site.file, site.word);
    }
    for server in &project.tomcat {
        hops.extend(server.hops());
    }
    hops.extend(project.spring.iter().map(crate::model::spring::SpringApp::hop));
    crate::model::containers::adopt_file_configured_servers(project, &mut hops);
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
    sort_by_id(&mut hops);
    (hops, notes, programs)
}

/// Sorts hops by id in byte order. A hop is large: the order is found on
/// indices and each hop moved once, not at every step of the sort.
fn sort_by_id(hops: &mut Vec<Hop>) {
    let mut order: Vec<usize> = (0..hops.len()).collect();
    order.sort_by(|&a, &b| hops[a].id.cmp(&hops[b].id));
    let mut slots: Vec<Option<Hop>> = hops.drain(..).map(Some).collect();
    hops.extend(order.into_iter().filter_map(|i| slots[i].take()));
}
