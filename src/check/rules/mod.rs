//! The audit rules, in report order. Adding a rule: a new file with its `RULE`, and one
//! line in `ALL`.

use super::{Context, Rule};
use crate::gke::GkeCluster;

mod ap001_autopilot_sandbox;
mod cl001_runtime_class;
mod cl002_sandbox_nodes;
mod cl003_pools_match_nodes;
mod cl004_pending_sandboxed_pods;
mod np001_sandbox_pool_exists;
mod np002_sandbox_pool_image;
mod np003_ordinary_pool_kept;
mod np004_default_pool_not_sandbox;
mod np005_sandbox_pool_version;
mod np006_logging_monitoring;
mod pl001_admission_policy;
mod wl001_untrusted_sandboxed;
mod wl002_namespace_coverage;

#[cfg(test)]
pub(crate) mod fixtures;

pub(crate) const ALL: &[Rule] = &[
    np001_sandbox_pool_exists::RULE,
    np002_sandbox_pool_image::RULE,
    np003_ordinary_pool_kept::RULE,
    np004_default_pool_not_sandbox::RULE,
    np005_sandbox_pool_version::RULE,
    np006_logging_monitoring::RULE,
    ap001_autopilot_sandbox::RULE,
    cl001_runtime_class::RULE,
    cl002_sandbox_nodes::RULE,
    cl003_pools_match_nodes::RULE,
    cl004_pending_sandboxed_pods::RULE,
    wl001_untrusted_sandboxed::RULE,
    wl002_namespace_coverage::RULE,
    pl001_admission_policy::RULE,
];

/// The GKE cluster when it is known and Standard: node-pool rules apply only then
/// (Autopilot has no node pools to configure: docs/gke-sandbox.md#autopilot).
fn standard_cluster<'a>(context: &Context<'a>) -> Option<&'a GkeCluster> {
    context.snapshot.gke.known().filter(|c| !c.autopilot)
}

/// A node with the sandbox label whose pool GKE does not call sandboxed: CL003's finding
/// alone (the label is wrong there), so CL002 does not judge it as a sandbox node.
fn mislabelled_sandbox_node(context: &Context, node: &crate::snapshot::NodeInfo) -> bool {
    let Some(cluster) = standard_cluster(context) else {
        return false;
    };
    node.is_sandbox()
        && node
            .pool
            .as_deref()
            .and_then(|name| cluster.node_pools.iter().find(|p| p.name == name))
            .is_none_or(|pool| !pool.is_sandbox())
}

#[cfg(test)]
mod tests {
    use super::ALL;
    use std::collections::HashSet;

    #[test]
    fn rule_ids_and_names_are_unique_and_well_formed() {
        let ids: HashSet<_> = ALL.iter().map(|r| r.id).collect();
        let names: HashSet<_> = ALL.iter().map(|r| r.name).collect();
        assert_eq!(ids.len(), ALL.len());
        assert_eq!(names.len(), ALL.len());
        for rule in ALL {
            assert!(
                rule.id.len() == 5 && rule.id[2..].chars().all(|c| c.is_ascii_digit()),
                "{}",
                rule.id
            );
            assert!(
                rule.fact.contains("gke-sandbox.md"),
                "{} cites no fact",
                rule.id
            );
        }
    }
}
