//! CL004: no sandboxed pod is stuck Pending for lack of sandbox capacity.

use crate::check::{Context, Outcome, Rule, Section};
use crate::snapshot::Part;

pub const RULE: Rule = Rule {
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
            .fix(capacity_fix(context));
            if let Some(owner) = &pod.owner {
                outcome = outcome.evidence(format!("owned by {owner}"));
            }
            outcome
        })
        .collect()
}

fn capacity_fix(context: &Context) -> String {
    match context.snapshot.gke.known() {
        Some(cluster) if cluster.autopilot => {
            "Autopilot provisions sandbox nodes itself: check the pod's requests fit an Autopilot compute class".into()
        }
        Some(cluster) => match cluster.sandbox_pools().next() {
            Some(pool) => format!(
                "add sandbox capacity: gcloud container clusters resize {} --node-pool {} --num-nodes N --location {} (or raise its autoscaling maximum)",
                cluster.name, pool.name, cluster.location
            ),
            None => "create a sandbox node pool: see NP001".into(),
        },
        None => "add sandbox nodes: create or grow a node pool with --sandbox=type=gvisor".into(),
    }
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

    #[test]
    fn fails_each_unschedulable_sandboxed_pod_with_the_resize_command() {
        let out = with_pods(vec![
            pending("a", Some("gvisor"), true),
            pending("b", Some("gvisor"), true),
        ]);
        assert_eq!(statuses(&out), [Status::Fail, Status::Fail]);
        assert!(
            out[0]
                .fix
                .as_deref()
                .unwrap()
                .contains("--node-pool gvisor")
        );
        assert!(out[0].evidence[0].contains("didn't match Pod's node affinity"));
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
