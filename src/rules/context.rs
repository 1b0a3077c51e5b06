//! What the rules of one run read: the project, and the indexes several
//! rules share, each built once on first use rather than once per rule.

use std::sync::OnceLock;

use crate::model::nginx_pool::PoolIndex;
use crate::project::Project;

pub struct RuleContext<'p> {
    pub project: &'p Project,
    pools: OnceLock<PoolIndex<'p>>,
}

impl<'p> RuleContext<'p> {
    pub fn new(project: &'p Project) -> Self {
        Self { project, pools: OnceLock::new() }
    }

    /// How every location uses the upstream pool it proxies to.
    pub fn pools(&self) -> &PoolIndex<'p> {
        self.pools.get_or_init(|| PoolIndex::of(self.project))
    }
}
