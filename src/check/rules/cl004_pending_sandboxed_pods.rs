//! CL004: no sandboxed pod is stuck Pending for lack of sandbox capacity.

use crate::check::{Context, Outcome, Rule, Section};
use crate::gke::{GkeCluster, NodePool, commands};
use crate::snapshot::Part;

pub(super) const RULE: Rule = Rule {
    id: "CL004",
    name: "pending-sandboxed-pods",
    section: Section::Cluster,
    fact: "No sandbox nodes: pods stay Pending (FailedScheduling); RuntimeClass scheduling \
           adds nodeSelector sandbox.gke.io/runtime: gvisor at admission (docs/gke-sandbox.md#runtimeclass-scheduling)",
    evaluate,
};

fn evaluate(context: &Context) -> Vec<Outcome> {
    let snapshot = context.snapshot;
    let pods = match &snapshot.pods {
        Part::Known(pods) => pods,
        Part::Unknown(gap) => return vec![Outcome::skip("sandboxed pods", gap)],
    };
    let stuck: Vec<_> = pods
        .iter()
        .filter(|p| p.phase == "Pending" && p.unschedulable.is_some())
        .filter(|p| snapshot.pod_is_sandboxed(p))
        .collect();
    if stuck.is_empty() {
        return vec![Outcome::pass(
            "sandboxed pods",
            "none is waiting for sandbox capacity",
        )];
    }
    let fix = capacity_fix(context, stuck.len());
    stuck
        .into_iter()
        .map(|pod| {
            let mut outcome = Outcome::fail(
                format!("pod {}", pod.key()),
                "sandboxed but Pending: the scheduler found no sandbox node for it",
            )
            .evidence(format!(
                "pod {}: PodScheduled=False Unschedulable: {}",
                pod.key(),
                pod.unschedulable.as_deref().unwrap_or_default()
            ))
            .fix(fix.clone());
            if let Some(owner) = &pod.owner {
                outcome = outcome.evidence(format!("owned by {owner}"));
            }
            outcome
        })
        .collect()
}

fn capacity_fix(context: &Context, waiting: usize) -> String {
    match context.snapshot.gke.known() {
        Some(cluster) if cluster.autopilot => {
            "Autopilot provisions sandbox nodes itself: check the pod's requests fit an Autopilot compute class".into()
        }
        Some(cluster) => match cluster.sandbox_pools().next() {
            Some(pool) => grow_pool(context, cluster, pool, waiting),
            None => "create a sandbox node pool: see NP001".into(),
        },
        None => "add sandbox nodes: create or grow a node pool with --sandbox=type=gvisor".into(),
    }
}

/// The command that makes room for `waiting` more pods in `pool`, at most one node each:
/// an autoscaling pool at its maximum gets a higher maximum, a fixed-size pool a resize.
/// Both gcloud counts are per zone (`--max-nodes`, `--num-nodes`), unless the pool's limit
/// is a total (`--total-max-nodes`).
fn grow_pool(context: &Context, cluster: &GkeCluster, pool: &NodePool, waiting: usize) -> String {
    let zones = pool.zones.len().max(cluster.zones.len()).max(1) as u32;
    let waiting = u32::try_from(waiting).unwrap_or(u32::MAX);
    let per_zone = waiting.div_ceil(zones);
    let nodes_now = context.snapshot.nodes.known().map(|nodes| {
        nodes
            .iter()
            .filter(|n| n.pool.as_deref() == Some(pool.name.as_str()))
            .count() as u32
    });
    if let Some(scaling) = pool.autoscaling.as_ref().filter(|a| a.enabled) {
        let max = scaling.max_nodes.unwrap_or(0);
        let capacity = if scaling.total { max } else { max * zones };
        if let Some(now) = nodes_now.filter(|&now| now < capacity) {
            return format!(
                "node pool {} autoscales and is below its maximum ({now} of {capacity} nodes): \
                 a node may still be coming, or the pods' requests do not fit {}, or a quota \
                 stops the autoscaler: kubectl describe pod shows the scheduler's reason",
                pool.name,
                pool.machine_type.as_deref().unwrap_or("its machine type")
            );
        }
        let (flag, raised) = if scaling.total {
            ("--total-max-nodes", max + waiting)
        } else {
            ("--max-nodes", max + per_zone)
        };
        let update = commands::node_pool(
            cluster,
            "update",
            &pool.name,
            &[
                "--enable-autoscaling".into(),
                flag.into(),
                raised.to_string(),
            ],
        );
        return format!(
            "raise the autoscaling maximum of node pool {} (at {max}{}): {}",
            pool.name,
            if scaling.total { "" } else { " per zone" },
            commands::display(&update)
        );
    }
    let per_zone_now = nodes_now
        .map(|now| now.div_ceil(zones))
        .or(pool.initial_node_count)
        .unwrap_or(0);
    let resize = commands::cluster(
        cluster,
        "resize",
        &[
            "--node-pool".into(),
            pool.name.clone(),
            "--num-nodes".into(),
            (per_zone_now + per_zone).to_string(),
        ],
    );
    format!(
        "add sandbox capacity to node pool {} (fixed size, {per_zone_now} per zone): {}",
        pool.name,
        commands::display(&resize)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Status;
    use crate::check::rules::fixtures::*;

    fn with_pods(pods: Vec<crate::snapshot::PodInfo>) -> Vec<Outcome> {
        let mut s = snapshot();
        s.pods = Part::Known(pods);
        run(&RULE, &s)
    }

    fn pending(name: &str, class: Option<&str>, unschedulable: bool) -> crate::snapshot::PodInfo {
        let mut p = pod("tenant-a", name, class);
        p.phase = "Pending".into();
        p.node_name = None;
        p.unschedulable = unschedulable.then(|| {
            "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.".into()
        });
        p
    }

    fn two_waiting() -> crate::snapshot::ClusterSnapshot {
        let mut s = snapshot();
        s.pods = Part::Known(vec![
            pending("a", Some("gvisor"), true),
            pending("b", Some("gvisor"), true),
        ]);
        s
    }

    #[test]
    fn an_autoscaling_pool_at_its_maximum_gets_a_higher_maximum() {
        // The fixture's sandbox pool autoscales 1..3 per zone in one zone.
        let mut s = two_waiting();
        s.nodes = Part::Known(vec![
            node("g1", "gvisor", true),
            node("g2", "gvisor", true),
            node("g3", "gvisor", true),
        ]);
        let out = run(&RULE, &s);
        assert_eq!(statuses(&out), [Status::Fail, Status::Fail]);
        assert_eq!(
            out[0].fix.as_deref(),
            Some(
                "raise the autoscaling maximum of node pool gvisor (at 3 per zone): gcloud \
                 container node-pools update gvisor --cluster prod --location europe-west1 \
                 --project acme --enable-autoscaling --max-nodes 5"
            )
        );
        assert!(out[0].evidence[0].contains("didn't match Pod's node affinity"));
    }

    #[test]
    fn an_autoscaling_pool_below_its_maximum_is_not_resized() {
        let out = run(&RULE, &two_waiting());
        let fix = out[0].fix.as_deref().unwrap();
        assert!(fix.contains("below its maximum (1 of 3 nodes)"), "{fix}");
        assert!(!fix.contains("gcloud"), "{fix}");
    }

    #[test]
    fn a_fixed_size_pool_is_resized_with_the_count_filled_in() {
        let mut s = two_waiting();
        gke_mut(&mut s).node_pools[1].autoscaling = None;
        let out = run(&RULE, &s);
        assert_eq!(
            out[0].fix.as_deref(),
            Some(
                "add sandbox capacity to node pool gvisor (fixed size, 1 per zone): gcloud \
                 container clusters resize prod --location europe-west1 --project acme \
                 --node-pool gvisor --num-nodes 3"
            )
        );
    }

    #[test]
    fn ignores_unsandboxed_and_merely_starting_pods() {
        let out = with_pods(vec![
            pending("a", None, true),
            pending("b", Some("gvisor"), false),
        ]);
        assert_eq!(statuses(&out), [Status::Pass]);
    }

    #[test]
    fn skips_without_pods() {
        let mut s = snapshot();
        s.pods = Part::Unknown(gap());
        assert_eq!(statuses(&run(&RULE, &s)), [Status::Skip]);
    }
}
