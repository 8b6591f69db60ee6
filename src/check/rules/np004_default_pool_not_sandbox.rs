//! NP004: the default pool is not the sandbox pool.

use crate::check::{Context, Outcome, Rule, Section};

pub(super) const RULE: Rule = Rule {
    id: "NP004",
    name: "default-pool-not-sandbox",
    section: Section::Gke,
    fact: "The default pool (the first pool made with the cluster) cannot use GKE Sandbox \
           (docs/gke-sandbox.md#node-pools); GKE names it default-pool",
    evaluate,
};

/// The API does not mark the default pool; GKE gives it this name when it makes the
/// cluster, so the name is the evidence we have (and the finding says so).
const DEFAULT_POOL_NAME: &str = "default-pool";

fn evaluate(context: &Context) -> Vec<Outcome> {
    let Some(cluster) = super::standard_cluster(context) else {
        return vec![];
    };
    let Some(default_pool) = cluster
        .node_pools
        .iter()
        .find(|p| p.name == DEFAULT_POOL_NAME)
    else {
        return vec![];
    };
    let subject = format!("node pool {}", default_pool.name);
    if default_pool.is_sandbox() {
        vec![
            Outcome::fail(
                subject,
                "the default pool reports GKE Sandbox, which GKE does not support on it",
            )
            .evidence("node pool default-pool: config.sandboxConfig = gVisor")
            .fix("run sandboxed workloads on a separate pool made with --sandbox=type=gvisor; keep default-pool ordinary"),
        ]
    } else {
        vec![Outcome::pass(
            subject,
            "the default pool is an ordinary pool, as GKE requires",
        )]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Status;
    use crate::check::rules::fixtures::*;

    #[test]
    fn passes_an_ordinary_default_pool() {
        assert_eq!(statuses(&run(&RULE, &snapshot())), [Status::Pass]);
    }

    #[test]
    fn fails_a_sandboxed_default_pool() {
        let mut s = snapshot();
        gke_mut(&mut s).node_pools[0] = sandbox_pool("default-pool");
        assert_eq!(statuses(&run(&RULE, &s)), [Status::Fail]);
    }

    #[test]
    fn silent_when_there_is_no_pool_named_default_pool() {
        let mut s = snapshot();
        gke_mut(&mut s).node_pools[0].name = "system".into();
        assert!(run(&RULE, &s).is_empty());
    }
}
