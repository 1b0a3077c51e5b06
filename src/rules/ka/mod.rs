//! KA: keepalive between hops.

mod upstream_keepalive_outlives_backend;

use super::Rule;

pub(super) static RULES: &[&Rule] = &[
    &upstream_keepalive_outlives_backend::RULE, // KA001
];
