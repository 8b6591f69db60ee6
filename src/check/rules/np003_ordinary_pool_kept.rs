//! NP003: beside the sandbox pools there is an ordinary pool that keeps at least one node.

use crate::check::{Context, Outcome, Rule, Section};
use crate::gke::{GkeCluster, NodePool, commands};

pub(super) const RULE: Rule = Rule {
    id: "NP003",
    name: "ordinary-pool-kept",
    section: Section::Gke,
    fact: "A cluster with sandbox needs at least two pools, and at least one pool without \
           sandbox that keeps at least one node, even when every workload is sandboxed \
           (docs/gke-sandbox.md#node-pools)",
    evaluate,
};

fn evaluate(context: &Context) -> Vec<Outcome> {
    let Some(cluster) = super::standard_cluster(context) else {
        return vec![];
    };
    if cluster.sandbox_pools().next().is_none() {
        return vec![];
    }
    let subject = format!("cluster {}", cluster.name);
    let ordinary: Vec<_> = cluster
        .node_pools
        .iter()
        .filter(|p| !p.is_sandbox())
        .collect();
    let evidence: Vec<String> = ordinary
        .iter()
        .map(|p| {
            let size = match &p.autoscaling {
                Some(a) if a.enabled => format!("autoscaling min {}", a.min_nodes.unwrap_or(0)),
                _ => format!("initialNodeCount {}", p.initial_node_count.unwrap_or(0)),
            };
            format!("node pool {} (no sandbox): {size}", p.name)
        })
        .collect();
    let mut outcome = if ordinary.is_empty() {
        Outcome::fail(
            subject,
            "every pool is sandboxed: GKE needs an ordinary pool for system workloads",
        )
        .fix(commands::display(&commands::node_pool(
            cluster,
            "create",
            "system-pool",
            &["--num-nodes=1".into()],
        )))
    } else if ordinary.iter().any(|p| p.keeps_a_node()) {
        Outcome::pass(
            subject,
            "an ordinary pool keeps at least one node for system workloads",
        )
    } else {
        Outcome::fail(
            subject,
            "no ordinary pool keeps a node: system workloads may have nowhere to run",
        )
        .fix(keep_a_node(cluster, ordinary[0]))
    };
    outcome.evidence = evidence;
    vec![outcome]
}

/// An autoscaling pool gets a minimum of one (its maximum kept, at least one); a fixed-size
/// pool is resized to one node per zone.
fn keep_a_node(cluster: &GkeCluster, pool: &NodePool) -> String {
    let argv = match pool.autoscaling.as_ref().filter(|a| a.enabled) {
        Some(scaling) => {
            let (min, max) = if scaling.total {
                ("--total-min-nodes", "--total-max-nodes")
            } else {
                ("--min-nodes", "--max-nodes")
            };
            let extra = [
                "--enable-autoscaling".to_string(),
                format!("{min}=1"),
                format!("{max}={}", scaling.max_nodes.unwrap_or(1).max(1)),
            ];
            commands::node_pool(cluster, "update", &pool.name, &extra)
        }
        None => commands::cluster(
            cluster,
            "resize",
            &[
                "--node-pool".into(),
                pool.name.clone(),
                "--num-nodes=1".into(),
            ],
        ),
    };
    commands::display(&argv)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Status;
    use crate::check::rules::fixtures::*;
    use crate::gke::Autoscaling;

    #[test]
    fn passes_with_an_ordinary_pool_that_keeps_a_node() {
        assert_eq!(statuses(&run(&RULE, &snapshot())), [Status::Pass]);
    }

    #[test]
    fn fails_when_every_pool_is_sandboxed() {
        let mut s = snapshot();
        gke_mut(&mut s).node_pools = vec![sandbox_pool("a"), sandbox_pool("b")];
        let out = run(&RULE, &s);
        assert_eq!(statuses(&out), [Status::Fail]);
        assert!(out[0].message.contains("every pool is sandboxed"));
    }

    #[test]
    fn fails_when_the_ordinary_pool_scales_to_zero() {
        let mut s = snapshot();
        gke_mut(&mut s).node_pools[0].autoscaling = Some(Autoscaling {
            enabled: true,
            min_nodes: Some(0),
            max_nodes: Some(5),
            total: false,
        });
        let out = run(&RULE, &s);
        assert_eq!(statuses(&out), [Status::Fail]);
        assert_eq!(
            out[0].evidence,
            ["node pool default-pool (no sandbox): autoscaling min 0"]
        );
    }

    #[test]
    fn a_fixed_size_pool_of_one_node_is_enough() {
        let mut s = snapshot();
        let pool = &mut gke_mut(&mut s).node_pools[0];
        pool.autoscaling = None;
        pool.initial_node_count = Some(1);
        assert_eq!(statuses(&run(&RULE, &s)), [Status::Pass]);
    }

    #[test]
    fn says_nothing_without_a_sandbox_pool() {
        let mut s = snapshot();
        gke_mut(&mut s).node_pools = vec![ordinary_pool("default-pool")];
        assert!(
            run(&RULE, &s).is_empty(),
            "NP001 already fails that cluster"
        );
    }
}
