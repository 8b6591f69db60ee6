//! WL002: per namespace, how many running pods are sandboxed (informational).

use std::collections::BTreeMap;

use crate::check::{Context, Outcome, Rule, Section};
use crate::snapshot::Part;

pub(super) const RULE: Rule = Rule {
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
    // Running pods are counted; the others not yet finished (Pending, Unknown) are said
    // apart, since they run nothing yet.
    let mut per_namespace: BTreeMap<&str, Counts> = BTreeMap::new();
    for pod in pods.iter().filter(|p| p.is_active()) {
        let counts = per_namespace.entry(&pod.namespace).or_default();
        if pod.phase != "Running" {
            counts.not_running += 1;
        } else {
            counts.running += 1;
            counts.sandboxed += usize::from(snapshot.pod_is_sandboxed(pod));
        }
    }
    per_namespace
        .into_iter()
        .map(|(namespace, counts)| {
            let mut message = format!(
                "{}/{} running pod(s) sandboxed",
                counts.sandboxed, counts.running
            );
            if counts.not_running > 0 {
                message.push_str(&format!("; {} not running yet", counts.not_running));
            }
            Outcome::info(format!("namespace {namespace}"), message)
        })
        .collect()
}

#[derive(Default)]
struct Counts {
    sandboxed: usize,
    running: usize,
    not_running: usize,
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
    fn a_pending_pod_is_not_counted_as_running() {
        let mut s = snapshot();
        let mut waiting = pod("a", "waiting", None);
        waiting.phase = "Pending".into();
        s.pods = Part::Known(vec![pod("a", "a1", Some("gvisor")), waiting]);
        let out = run(&RULE, &s);
        assert_eq!(
            out[0].message,
            "1/1 running pod(s) sandboxed; 1 not running yet"
        );
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
