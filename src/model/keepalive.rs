//! The keepalive comparisons between a proxy and its backend (RULES.md KA001,
//! KA002): on a pooled connection the sender must give up first, or a
//! request is sent on a connection the backend is closing.

use std::collections::HashSet;

use crate::model::hop::{Hop, HopKind};
use crate::model::hops::HopGraph;
use crate::model::nginx_pool::PoolIndex;
use crate::model::setting::{Millis, Setting};
use crate::project::Project;

/// Whether the proxy holds idle connections at least as long as the backend
/// does (KA001). A backend idle time of 0 closes after every response, so
/// nothing is reused and nothing races.
pub fn idle_outlives(proxy: Millis, backend: Millis) -> bool {
    backend > Millis(0) && proxy >= backend
}

/// Whether the proxy sends more requests on one connection than the backend
/// serves on it (KA002). `None`: the backend has no cap.
pub fn requests_exceed(proxy: u64, backend: Option<u64>) -> bool {
    backend.is_some_and(|cap| proxy > cap)
}

/// Whether the proxy's pool is effectively on (RULES.md "Pool effectively
/// on"): it has one, and for an nginx upstream at least one location using
/// it speaks HTTP/1.1 without `Connection: close`.
pub fn pool_on(pools: &PoolIndex<'_>, proxy: &Hop) -> bool {
    if !has_pool(proxy) || proxy.kind != HopKind::NginxUpstream {
        return has_pool(proxy);
    }
    pools.used(upstream_name(proxy))
}

/// Whether the proxy sets up a pool at all (an nginx upstream's explicit
/// `keepalive` or the version's default; ingress-nginx's connections).
pub fn has_pool(proxy: &Hop) -> bool {
    proxy.settings.pool.as_ref().and_then(|p| p.value).unwrap_or(false)
}

/// The name of an nginx upstream hop (`file:upstream NAME`).
pub fn upstream_name(proxy: &Hop) -> &str {
    proxy.id.rsplit("upstream ").next().unwrap_or_default()
}

/// The linked proxies whose pool is effectively on: decided while the
/// project (its nginx trees) is at hand, read by reports that have only the
/// graph.
#[derive(Debug, Default)]
pub struct PooledProxies(HashSet<String>);

impl PooledProxies {
    pub fn of(project: &Project, graph: &HopGraph) -> Self {
        let pools = PoolIndex::of(project);
        let proxies = graph.links.iter().filter_map(|l| graph.hop(&l.proxy));
        Self(proxies.filter(|proxy| pool_on(&pools, proxy)).map(|proxy| proxy.id.clone()).collect())
    }

    pub fn contains(&self, proxy: &Hop) -> bool {
        self.0.contains(&proxy.id)
    }
}

/// How a linked pair fares on one comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The backend may give up first.
    Breaks,
    /// The proxy gives up first, or the backend never does.
    Holds,
    /// A side lacks the setting or its value is unknown, or the proxy does
    /// not reuse connections.
    NotComparable,
}

/// KA001's comparison of two idle timeouts; `pooled`: see [`pool_on`].
pub fn idle_verdict(proxy: Option<&Setting<Millis>>, backend: Option<&Setting<Millis>>, pooled: bool) -> Verdict {
    verdict(proxy, backend, pooled, |p, b| b.is_some_and(|b| idle_outlives(p, b)))
}

/// KA002's comparison of two per-connection request caps; `pooled`: see
/// [`pool_on`].
pub fn requests_verdict(proxy: Option<&Setting<u64>>, backend: Option<&Setting<u64>>, pooled: bool) -> Verdict {
    verdict(proxy, backend, pooled, requests_exceed)
}

/// `breaks` sees the proxy's bounded value and the backend's (`None`:
/// unbounded). An unbounded proxy value is left to the rules, which do not
/// judge it either.
fn verdict<T: Copy>(
    proxy: Option<&Setting<T>>,
    backend: Option<&Setting<T>>,
    pooled: bool,
    breaks: impl Fn(T, Option<T>) -> bool,
) -> Verdict {
    let (Some(proxy), Some(backend)) = (proxy, backend) else { return Verdict::NotComparable };
    match proxy.value {
        Some(p) if pooled && proxy.is_known() && backend.is_known() => {
            if breaks(p, backend.value) {
                Verdict::Breaks
            } else {
                Verdict::Holds
            }
        }
        _ => Verdict::NotComparable,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_mismatch_needs_a_backend_that_reuses_connections() {
        assert!(idle_outlives(Millis::from_secs(60), Millis::from_secs(2)));
        assert!(idle_outlives(Millis::from_secs(60), Millis::from_secs(60)), "a tie races too");
        assert!(!idle_outlives(Millis::from_secs(58), Millis::from_secs(60)));
        assert!(!idle_outlives(Millis::from_secs(60), Millis(0)), "0 closes after every response");
    }

    #[test]
    fn requests_mismatch_needs_a_backend_cap() {
        assert!(requests_exceed(1000, Some(100)));
        assert!(!requests_exceed(100, Some(100)));
        assert!(!requests_exceed(10_000, None), "no cap");
    }

    #[test]
    fn verdicts_compare_only_known_values_on_a_used_pool() {
        let secs = |s| Setting::default(Millis::from_secs(s), "test");
        let unknown = Setting::unknown("placeholder");
        assert_eq!(idle_verdict(Some(&secs(60)), Some(&secs(2)), true), Verdict::Breaks);
        assert_eq!(idle_verdict(Some(&secs(30)), Some(&secs(75)), true), Verdict::Holds);
        assert_eq!(idle_verdict(Some(&secs(60)), Some(&secs(2)), false), Verdict::NotComparable);
        assert_eq!(idle_verdict(Some(&unknown), Some(&secs(2)), true), Verdict::NotComparable);
        assert_eq!(idle_verdict(Some(&secs(60)), Some(&unknown), true), Verdict::NotComparable);
        assert_eq!(idle_verdict(Some(&secs(60)), None, true), Verdict::NotComparable);
        let never = Setting::default_unbounded("no idle limit");
        assert_eq!(idle_verdict(Some(&secs(60)), Some(&never), true), Verdict::Holds);
        let uncapped = Setting::default_unbounded("no cap");
        assert_eq!(requests_verdict(Some(&Setting::default(1000, "t")), Some(&uncapped), true), Verdict::Holds);
        let cap = Setting::default(100, "t");
        assert_eq!(requests_verdict(Some(&Setting::default(1000, "t")), Some(&cap), true), Verdict::Breaks);
    }
}
