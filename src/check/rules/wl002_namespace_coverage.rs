//! WL002: per namespace, how many running pods are sandboxed (informational).

use std::collections::BTreeMap;

use crate::check::{Context, Outcome, Rule, Section};
use crate::snapshot::Part;

pub const RULE: Rule = Rule {
    id: "WL002",
    name: "namespace-coverage",
    section: Section::Workloads,
    fact: "A pod runs sandboxed when spec.runtimeClassName: gvisor (docs/gke-sandbox.md#runtimeclass); peers check only the node-pool flag, never which workloads run \
           sandboxed (docs/gke-sandbox.md#untrusted-workloads)",
    evaluate,
};

fn evaluate(context: &Context) -> Vec<Outcome> {
    let snapshot = context.snapshot;
    let pods = match &snapshot.pods {
        Part::Known(pods) => pods,
        // WL001 or CL004 already report the missing pods.
        Part::Unknown(_) => return vec![],
    };
    let mut per_namespace: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for pod in pods.iter().filter(|p| p.is_active()) {
        let entry = per_namespace.entry(&pod.namespace).or_default();
        entry.1 += 1;
        if snapshot.pod_is_sandboxed(pod) {
            entry.0 += 1;
        }
    }
    per_namespace
        .into_iter()
        .map(|(namespace, (sandboxed, total))| {
            Outcome::info(
                format!("namespace {namespace}"),
                format!("{sandboxed}/{total} running pod(s) sandboxed"),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Status;
    use crate::check::rules::fixtures::*;

    #[test]
    fn counts_active_pods_per_namespace_in_name_order() {
        let mut s = snapshot();
        let mut done = pod("b", "done", Some("gvisor"));
        done.phase = "Succeeded".into();
        s.pods = Part::Known(vec![
            pod("b", "b1", Some("gvisor")),
            pod("a", "a1", None),
            pod("b", "b2", None),
            done,
        ]);
        let out = run(&RULE, &s);
        assert_eq!(statuses(&out), [Status::Info, Status::Info]);
        assert_eq!(out[0].subject, "namespace a");
        assert_eq!(out[0].message, "0/1 running pod(s) sandboxed");
        assert_eq!(out[1].message, "1/2 running pod(s) sandboxed");
    }

    #[test]
    fn silent_without_pods() {
        let mut s = snapshot();
        s.pods = Part::Unknown(gap());
        assert!(run(&RULE, &s).is_empty());
        s.pods = Part::Known(vec![]);
        assert!(run(&RULE, &s).is_empty());
    }
}
