//! Cloud load balancers that pool connections to what they front, and how
//! long they keep an idle one (backend-lifecycle-facts.md "Cloud LBs in front
//! of nginx"). A layer-4 balancer (AWS NLB) passes connections through and
//! is not listed.

/// One kind of load balancer, as `[front] kind` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoadBalancerKind {
    /// The `[front] kind` value.
    pub name: &'static str,
    /// For messages: "AWS Application Load Balancer".
    pub label: &'static str,
    /// Idle timeout toward its targets when nothing configures it.
    pub idle_seconds: u64,
    /// Whether the idle timeout can be configured at all.
    pub fixed: bool,
}

/// AWS Application Load Balancer: `idle_timeout.timeout_seconds`, 60 s
/// default (docs.aws.amazon.com/elasticloadbalancing/latest/application/
/// edit-load-balancer-attributes.html).
pub const AWS_ALB: LoadBalancerKind =
    LoadBalancerKind { name: "aws-alb", label: "AWS Application Load Balancer", idle_seconds: 60, fixed: false };

/// AWS Classic Load Balancer: 60 s front and back (docs.aws.amazon.com/
/// elasticloadbalancing/latest/classic/config-idle-timeout.html).
pub const AWS_ELB: LoadBalancerKind =
    LoadBalancerKind { name: "aws-elb", label: "AWS Classic Load Balancer", idle_seconds: 60, fixed: false };

/// GCP external and internal Application Load Balancers: backend keepalive
/// 600 s, fixed (cloud.google.com/load-balancing/docs/https/
/// request-distribution).
pub const GCP_ALB: LoadBalancerKind =
    LoadBalancerKind { name: "gcp-alb", label: "GCP Application Load Balancer", idle_seconds: 600, fixed: true };

/// Every kind `[front] kind` accepts.
pub const KINDS: [LoadBalancerKind; 3] = [AWS_ALB, AWS_ELB, GCP_ALB];

/// The kind named `name` in hoplint.toml.
pub fn kind(name: &str) -> Option<LoadBalancerKind> {
    KINDS.into_iter().find(|k| k.name == name)
}

impl LoadBalancerKind {
    /// "AWS Classic Load Balancer default idle timeout", or "… fixed idle
    /// timeout" for one that cannot be changed.
    pub fn default_what(self) -> String {
        let which = if self.fixed { "fixed" } else { "default" };
        format!("{} {which} idle timeout", self.label)
    }
}
