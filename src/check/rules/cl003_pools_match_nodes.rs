//! CL003: GKE's view of the pools agrees with the nodes' labels.

use crate::check::{Context, Outcome, Rule, Section};
use crate::gke::{GkeCluster, NodePool, commands};
use crate::snapshot::{NODE_POOL_LABEL, SANDBOX_NODE_LABEL};

pub(super) const RULE: Rule = Rule {
    id: "CL003",
    name: "pools-match-nodes",
    section: Section::Cluster,
    fact: "Sandbox nodes carry sandbox.gke.io/runtime=gvisor; their pool is the label \
           cloud.google.com/gke-nodepool (docs/gke-sandbox.md#sandbox-nodes); sandbox is a \
           node-pool setting (docs/gke-sandbox.md#node-pools)",
    evaluate,
};

fn evaluate(context: &Context) -> Vec<Outcome> {
    let Some(cluster) = super::standard_cluster(context) else {
        return vec![];
    };
    // Without nodes CL002 already says SKIP; one SKIP per missing part is enough.
    let Some(nodes) = context.snapshot.nodes.known() else {
        return vec![];
    };
    let mut outcomes = Vec::new();
    for pool in cluster.sandbox_pools() {
        let in_pool: Vec<_> = nodes
            .iter()
            .filter(|n| n.pool.as_deref() == Some(pool.name.as_str()))
            .collect();
        let subject = format!("node pool {}", pool.name);
        let unlabelled: Vec<_> = in_pool.iter().filter(|n| !n.is_sandbox()).collect();
        if in_pool.is_empty() && !pool.may_scale_to_zero() {
            outcomes.push(
                Outcome::warn(
                    subject,
                    "GKE calls it sandboxed but none of its nodes are in the cluster",
                )
                .evidence(format!("no node has {NODE_POOL_LABEL}={}", pool.name))
                .fix(format!(
                    "{} shows its status",
                    commands::display(&commands::node_pool(cluster, "describe", &pool.name, &[]))
                )),
            );
        } else if !unlabelled.is_empty() {
            let mut fail = Outcome::fail(
                subject,
                "GKE calls it sandboxed but some of its nodes lack the sandbox label",
            );
            for node in unlabelled {
                fail = fail.evidence(format!(
                    "node {}: {NODE_POOL_LABEL}={}, {SANDBOX_NODE_LABEL} not gvisor",
                    node.name, pool.name
                ));
            }
            outcomes.push(fail.fix("GKE sets this label; a node without it was changed by hand: recreate it (kubectl drain, then delete the node)"));
        }
    }
    for node in nodes
        .iter()
        .filter(|n| super::mislabelled_sandbox_node(context, n))
    {
        let pool_name = node.pool.as_deref();
        let pool = pool_name.and_then(|p| cluster.node_pools.iter().find(|np| np.name == p));
        outcomes.push(
            Outcome::fail(
                format!("node {}", node.name),
                format!(
                    "labelled {SANDBOX_NODE_LABEL}=gvisor but its pool {} is not a GKE sandbox pool",
                    pool_name.unwrap_or("(none)")
                ),
            )
            .evidence(format!(
                "node {}: {NODE_POOL_LABEL}={}",
                node.name,
                pool_name.unwrap_or("(none)")
            ))
            .fix(unlabel_fix(cluster, pool, &node.name)),
        );
    }
    if outcomes.is_empty() {
        outcomes.push(Outcome::pass(
            "node pools and nodes",
            "every sandbox pool's nodes carry the sandbox label, and no other node does",
        ));
    }
    outcomes
}

/// Sandboxed pods could be scheduled onto this node without gVisor: take the label off. A
/// label from the pool's `config.labels` comes back on every new node, so the lasting fix
/// is on the pool; `kubectl label` only mends the nodes there are now.
fn unlabel_fix(cluster: &GkeCluster, pool: Option<&NodePool>, node: &str) -> String {
    let stopgap = format!("kubectl label node {node} {SANDBOX_NODE_LABEL}-");
    let Some(pool) = pool.filter(|p| p.labels.contains_key(SANDBOX_NODE_LABEL)) else {
        return format!("sandboxed pods could be scheduled onto a node without gVisor: {stopgap}");
    };
    // --node-labels replaces all the pool's Kubernetes labels: the others are kept by
    // naming them again.
    let kept: Vec<String> = pool
        .labels
        .iter()
        .filter(|(key, _)| key.as_str() != SANDBOX_NODE_LABEL)
        .map(|(key, value)| format!("{key}={value}"))
        .collect();
    let update = commands::node_pool(
        cluster,
        "update",
        &pool.name,
        &[format!("--node-labels={}", kept.join(","))],
    );
    format!(
        "the label comes from node pool {}'s config.labels, so every new node gets it: {} \
         (--node-labels replaces the pool's labels; the others are kept); until the nodes are \
         recreated: {stopgap}",
        pool.name,
        commands::display(&update)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Status;
    use crate::check::rules::fixtures::*;
    use crate::gke::Autoscaling;
    use crate::snapshot::Part;

    fn with_nodes(nodes: Vec<crate::snapshot::NodeInfo>) -> Vec<Outcome> {
        let mut s = snapshot();
        s.nodes = Part::Known(nodes);
        run(&RULE, &s)
    }

    #[test]
    fn passes_when_gke_and_labels_agree() {
        assert_eq!(statuses(&run(&RULE, &snapshot())), [Status::Pass]);
    }

    #[test]
    fn fails_a_sandbox_pool_node_without_the_label() {
        let out = with_nodes(vec![
            node("n1", "default-pool", false),
            node("g1", "gvisor", false),
        ]);
        assert_eq!(statuses(&out), [Status::Fail]);
        assert_eq!(out[0].subject, "node pool gvisor");
    }

    #[test]
    fn fails_a_sandbox_labelled_node_in_an_ordinary_pool() {
        let out = with_nodes(vec![
            node("n1", "default-pool", true),
            node("g1", "gvisor", true),
        ]);
        assert_eq!(statuses(&out), [Status::Fail]);
        assert_eq!(out[0].subject, "node n1");
        assert_eq!(
            out[0].fix.as_deref(),
            Some(
                "sandboxed pods could be scheduled onto a node without gVisor: kubectl label \
                 node n1 sandbox.gke.io/runtime-"
            )
        );
    }

    #[test]
    fn a_label_from_the_pool_config_is_fixed_on_the_pool_and_on_the_node() {
        let mut s = snapshot();
        s.nodes = Part::Known(vec![
            node("n1", "default-pool", false),
            node("g1", "gvisor", true),
            node("b1", "batch-pool", true),
        ]);
        let mut batch = ordinary_pool("batch-pool");
        batch.labels = [
            ("sandbox.gke.io/runtime".to_string(), "gvisor".to_string()),
            ("team".to_string(), "data".to_string()),
        ]
        .into();
        gke_mut(&mut s).node_pools.push(batch);
        let out = run(&RULE, &s);
        assert_eq!(statuses(&out), [Status::Fail]);
        assert_eq!(
            out[0].fix.as_deref(),
            Some(
                "the label comes from node pool batch-pool's config.labels, so every new node \
                 gets it: gcloud container node-pools update batch-pool --cluster prod \
                 --location europe-west1 --project acme --node-labels=team=data \
                 (--node-labels replaces the pool's labels; the others are kept); until the \
                 nodes are recreated: kubectl label node b1 sandbox.gke.io/runtime-"
            )
        );
    }

    #[test]
    fn an_empty_pool_warns_unless_it_scales_from_zero() {
        assert_eq!(
            statuses(&with_nodes(vec![node("n1", "default-pool", false)])),
            [Status::Warn]
        );
        let mut s = snapshot();
        s.nodes = Part::Known(vec![node("n1", "default-pool", false)]);
        gke_mut(&mut s).node_pools[1].autoscaling = Some(Autoscaling {
            enabled: true,
            min_nodes: Some(0),
            max_nodes: Some(2),
            total: false,
        });
        assert_eq!(statuses(&run(&RULE, &s)), [Status::Pass]);
    }

    #[test]
    fn silent_without_nodes_or_on_autopilot() {
        let mut s = snapshot();
        s.nodes = Part::Unknown(gap());
        assert!(run(&RULE, &s).is_empty());
        let mut s = snapshot();
        s.gke = Part::Known(autopilot("1.34.1-gke.1829001"));
        assert!(run(&RULE, &s).is_empty());
    }
}
