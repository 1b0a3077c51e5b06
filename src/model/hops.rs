//! Every hop the project defines, from each format's model.

use crate::model::hop::Hop;
use crate::project::Project;

/// All hops, sorted by id (byte order), as the `hops` contract requires.
pub fn collect(project: &Project) -> Vec<Hop> {
    let mut hops = crate::model::nginx_hops::nginx_hops(project);
    hops.sort_by(|a, b| a.id.cmp(&b.id));
    hops
}
