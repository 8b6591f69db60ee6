//! CL002: sandbox nodes exist, labelled and tainted as GKE does.

use crate::check::{Context, Outcome, Rule, Section};
use crate::snapshot::{NodeInfo, Part, SANDBOX_NODE_LABEL};

pub(super) const RULE: Rule = Rule {
    id: "CL002",
    name: "sandbox-nodes",
    section: Section::Cluster,
    fact: "Sandbox nodes carry the label sandbox.gke.io/runtime=gvisor and the taint \
           sandbox.gke.io/runtime=gvisor:NoSchedule; with no sandbox nodes, sandboxed pods \
           stay Pending (docs/gke-sandbox.md#sandbox-nodes)",
    evaluate,
};

const EXPECTED_TAINT: &str = "gvisor:NoSchedule";

fn evaluate(context: &Context) -> Vec<Outcome> {
    let nodes = match &context.snapshot.nodes {
        Part::Known(nodes) => nodes,
        Part::Unknown(gap) => return vec![Outcome::skip("sandbox nodes", gap)],
    };
    // A labelled node in an ordinary pool is CL003's: one node, one diagnosis, one fix.
    let sandbox: Vec<_> = nodes
        .iter()
        .filter(|n| n.is_sandbox() && !super::mislabelled_sandbox_node(context, n))
        .collect();
    let subject = "sandbox nodes";
    if sandbox.is_empty() {
        return vec![no_sandbox_nodes(context)];
    }
    let ready = sandbox.iter().filter(|n| n.ready).count();
    let untainted: Vec<_> = sandbox
        .iter()
        .filter(|n| n.sandbox_taint.as_deref() != Some(EXPECTED_TAINT))
        .collect();
    let mut outcomes = Vec::new();
    let summary = format!("{} sandbox node(s), {ready} ready", sandbox.len());
    if untainted.is_empty() {
        outcomes.push(Outcome::pass(
            subject,
            format!("{summary}, labelled and tainted as GKE does"),
        ));
    } else {
        let mut warn = Outcome::warn(
            subject,
            format!(
                "{} sandbox node(s) lack the {SANDBOX_NODE_LABEL}={EXPECTED_TAINT} taint: ordinary pods can land on them",
                untainted.len()
            ),
        )
        .fix(format!(
            "kubectl taint nodes {} {SANDBOX_NODE_LABEL}={EXPECTED_TAINT}{} (GKE sets it on sandbox pools; find what removed it)",
            names(&untainted),
            // A taint of the same key with another value or effect is only replaced so.
            if untainted.iter().any(|n| n.sandbox_taint.is_some()) {
                " --overwrite"
            } else {
                ""
            }
        ));
        for node in untainted {
            warn = warn.evidence(format!(
                "node {}: taint {SANDBOX_NODE_LABEL} = {}",
                node.name,
                node.sandbox_taint.as_deref().unwrap_or("(none)")
            ));
        }
        outcomes.push(warn);
    }
    if ready < sandbox.len() {
        let mut warn = Outcome::warn(
            subject,
            format!(
                "{} of {} sandbox node(s) not Ready",
                sandbox.len() - ready,
                sandbox.len()
            ),
        )
        .fix(format!(
            "kubectl describe nodes {} shows why",
            names(&sandbox.iter().filter(|n| !n.ready).collect::<Vec<_>>())
        ));
        for node in sandbox.iter().filter(|n| !n.ready) {
            warn = warn.evidence(format!("node {}: Ready=False", node.name));
        }
        outcomes.push(warn);
    }
    outcomes
}

/// The nodes' names, space-separated, as kubectl takes several.
fn names(nodes: &[&&NodeInfo]) -> String {
    nodes
        .iter()
        .map(|n| n.name.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

fn no_sandbox_nodes(context: &Context) -> Outcome {
    let subject = "sandbox nodes";
    let evidence = format!("no node has the label {SANDBOX_NODE_LABEL}=gvisor");
    let Some(cluster) = context.snapshot.gke.known() else {
        return Outcome::warn(subject, "none: sandboxed pods will stay Pending")
            .evidence(evidence)
            .fix("create a sandbox node pool (NP001) or, on Autopilot, schedule a pod with runtimeClassName: gvisor");
    };
    if cluster.autopilot {
        return Outcome::info(
            subject,
            "none yet: Autopilot adds sandbox nodes when a sandboxed pod is scheduled",
        )
        .evidence(evidence);
    }
    let pools: Vec<_> = cluster.sandbox_pools().collect();
    if pools.is_empty() {
        return Outcome::fail(subject, "none, and no sandbox node pool: see NP001")
            .evidence(evidence);
    }
    if pools.iter().any(|p| p.may_scale_to_zero()) {
        return Outcome::info(
            subject,
            "none now: a sandbox pool autoscales from zero and adds nodes when sandboxed pods wait",
        )
        .evidence(evidence);
    }
    Outcome::fail(
        subject,
        "none, though GKE has a sandbox pool that should keep nodes: see CL003",
    )
    .evidence(evidence)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Status;
    use crate::check::rules::fixtures::*;
    use crate::gke::Autoscaling;

    #[test]
    fn passes_labelled_tainted_ready_nodes() {
        let out = run(&RULE, &snapshot());
        assert_eq!(statuses(&out), [Status::Pass]);
        assert!(out[0].message.starts_with("1 sandbox node(s), 1 ready"));
    }

    #[test]
    fn warns_on_a_missing_taint_and_on_not_ready_nodes() {
        let mut s = snapshot();
        if let Part::Known(nodes) = &mut s.nodes {
            nodes[1].sandbox_taint = None;
            nodes[1].ready = false;
        }
        let out = run(&RULE, &s);
        assert_eq!(statuses(&out), [Status::Warn, Status::Warn]);
        assert_eq!(
            out[0].evidence,
            ["node g1: taint sandbox.gke.io/runtime = (none)"]
        );
        assert_eq!(
            out[0].fix.as_deref(),
            Some(
                "kubectl taint nodes g1 sandbox.gke.io/runtime=gvisor:NoSchedule (GKE sets it \
                 on sandbox pools; find what removed it)"
            ),
            "names the node, not NODE"
        );
        assert_eq!(
            out[1].fix.as_deref(),
            Some("kubectl describe nodes g1 shows why")
        );
    }

    #[test]
    fn a_labelled_node_in_an_ordinary_pool_is_left_to_cl003() {
        let mut s = snapshot();
        let mut stray = node("b1", "batch-pool", true);
        stray.sandbox_taint = None;
        s.nodes = Part::Known(vec![node("g1", "gvisor", true), stray]);
        gke_mut(&mut s).node_pools.push(ordinary_pool("batch-pool"));
        let out = run(&RULE, &s);
        assert_eq!(statuses(&out), [Status::Pass], "{out:?}");
        assert!(out[0].message.starts_with("1 sandbox node(s)"), "{out:?}");
    }

    #[test]
    fn no_nodes_is_info_when_the_pool_scales_from_zero() {
        let mut s = snapshot();
        s.nodes = Part::Known(vec![node("n1", "default-pool", false)]);
        gke_mut(&mut s).node_pools[1].autoscaling = Some(Autoscaling {
            enabled: true,
            min_nodes: Some(0),
            max_nodes: Some(4),
            total: false,
        });
        assert_eq!(statuses(&run(&RULE, &s)), [Status::Info]);
    }

    #[test]
    fn no_nodes_fails_when_the_pool_should_keep_some() {
        let mut s = snapshot();
        s.nodes = Part::Known(vec![node("n1", "default-pool", false)]);
        assert_eq!(statuses(&run(&RULE, &s)), [Status::Fail]);
    }

    #[test]
    fn no_nodes_on_autopilot_is_expected() {
        let mut s = snapshot();
        s.nodes = Part::Known(vec![]);
        s.gke = Part::Known(autopilot("1.34.1-gke.1829001"));
        assert_eq!(statuses(&run(&RULE, &s)), [Status::Info]);
    }

    #[test]
    fn no_nodes_without_gke_data_warns() {
        let mut s = snapshot();
        s.nodes = Part::Known(vec![]);
        s.gke = Part::Unknown(gap());
        assert_eq!(statuses(&run(&RULE, &s)), [Status::Warn]);
    }
}
