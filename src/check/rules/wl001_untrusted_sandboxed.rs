//! WL001: every pod in a namespace named untrusted runs under gVisor.

use crate::check::{Context, Outcome, Rule, Section};
use crate::snapshot::{Part, PodScope};

pub(super) const RULE: Rule = Rule {
    id: "WL001",
    name: "untrusted-pods-sandboxed",
    section: Section::Workloads,
    fact: "A pod runs sandboxed when spec.runtimeClassName: gvisor (docs/gke-sandbox.md#runtimeclass); CIS GKE 5.10.3: consider GKE Sandbox for running untrusted workloads",
    evaluate,
};

/// Enough pod names to act on; the count says how many more there are.
const EVIDENCE_LIMIT: usize = 10;

fn evaluate(context: &Context) -> Vec<Outcome> {
    let untrusted = context.untrusted;
    let snapshot = context.snapshot;
    if !untrusted.is_named() {
        return vec![
            Outcome::info(
                "untrusted namespaces",
                "none named: coverage below is informational, nothing is required to be sandboxed",
            )
            .fix(
                "name them: --untrusted NAMESPACE (repeatable) or --untrusted-selector LABEL=VALUE",
            ),
        ];
    }
    let pods = match &snapshot.pods {
        Part::Known(pods) => pods,
        Part::Unknown(gap) => return vec![Outcome::skip("untrusted namespaces", gap)],
    };
    let namespaces = match (&snapshot.namespaces, &untrusted.selector) {
        (Part::Known(all), _) => all
            .iter()
            .filter(|ns| untrusted.includes(ns))
            .map(|ns| ns.name.clone())
            .collect::<Vec<_>>(),
        // Names alone can be checked without namespace labels; a selector cannot.
        (Part::Unknown(gap), Some(_)) => {
            return vec![Outcome::skip("untrusted namespaces", gap)];
        }
        (Part::Unknown(_), None) => untrusted.names.clone(),
    };
    let mut outcomes = Vec::new();
    for missing in untrusted
        .names
        .iter()
        .filter(|name| snapshot.namespaces.known().is_some() && !namespaces.contains(name))
    {
        outcomes.push(
            Outcome::warn(
                format!("namespace {missing}"),
                "named untrusted but not in the cluster",
            )
            .fix("check the name: kubectl get namespaces"),
        );
    }
    if namespaces.is_empty() && untrusted.selector.is_some() {
        let selector = untrusted
            .selector
            .as_ref()
            .map(|s| s.to_string())
            .unwrap_or_default();
        outcomes.push(
            Outcome::warn(
                "untrusted namespaces",
                format!("no namespace matches {selector}"),
            )
            .fix(format!(
                "kubectl get namespaces -l '{selector}' lists none: check the labels"
            )),
        );
    }
    for namespace in namespaces {
        if let PodScope::Namespace(scope) = &snapshot.pod_scope
            && *scope != namespace
        {
            outcomes.push(Outcome::skip(
                format!("namespace {namespace}"),
                &crate::snapshot::Gap::expected(
                    format!("pods were read only in namespace {scope}"),
                    "run without -n to read every namespace's pods",
                ),
            ));
            continue;
        }
        outcomes.push(judge_namespace(context, &namespace, pods));
    }
    outcomes
}

fn judge_namespace(
    context: &Context,
    namespace: &str,
    pods: &[crate::snapshot::PodInfo],
) -> Outcome {
    let subject = format!("namespace {namespace}");
    let active: Vec<_> = pods
        .iter()
        .filter(|p| p.namespace == namespace && p.is_active())
        .collect();
    let exposed: Vec<_> = active
        .iter()
        .filter(|p| !context.snapshot.pod_is_sandboxed(p))
        .collect();
    if active.is_empty() {
        return Outcome::pass(subject, "untrusted, no running pods");
    }
    if exposed.is_empty() {
        return Outcome::pass(
            subject,
            format!("untrusted, all {} pod(s) run under gVisor", active.len()),
        );
    }
    let mut fail = Outcome::fail(
        subject,
        format!(
            "untrusted, {} of {} pod(s) not sandboxed",
            exposed.len(),
            active.len()
        ),
    )
    .fix(format!(
        "see what blocks it: kubectl sandbox explain-pod -n {namespace} {}; then: kubectl sandbox migrate -n {namespace} --all",
        explain_target(exposed[0])
    ));
    for pod in exposed.iter().take(EVIDENCE_LIMIT) {
        let class = pod.runtime_class_name.as_deref().unwrap_or("(none)");
        let owner = pod
            .owner
            .as_deref()
            .map(|o| format!(", owned by {o}"))
            .unwrap_or_default();
        fail = fail.evidence(format!("pod {}: runtimeClassName {class}{owner}", pod.name));
    }
    if exposed.len() > EVIDENCE_LIMIT {
        fail = fail.evidence(format!("... and {} more", exposed.len() - EVIDENCE_LIMIT));
    }
    fail
}

/// What to hand explain-pod: the pod's controller when it has one (`StatefulSet/x` →
/// `statefulset/x`), since that is what gets migrated; the pod itself otherwise.
fn explain_target(pod: &crate::snapshot::PodInfo) -> String {
    match pod.owner.as_deref().and_then(|o| o.split_once('/')) {
        Some((kind, name)) => format!("{}/{name}", kind.to_lowercase()),
        None => format!("pod/{}", pod.name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::fixtures::*;
    use crate::check::{Status, Untrusted};

    fn snap() -> crate::snapshot::ClusterSnapshot {
        let mut s = snapshot();
        s.namespaces = Part::Known(vec![
            namespace("tenant-a", &[("trust", "untrusted")]),
            namespace("tenant-b", &[("trust", "untrusted")]),
            namespace("prod", &[]),
        ]);
        s.pods = Part::Known(vec![
            pod("tenant-a", "a1", Some("gvisor")),
            pod("tenant-a", "a2", Some("gvisor")),
            pod("tenant-b", "b1", Some("gvisor")),
            pod("tenant-b", "b2", None),
            pod("prod", "p1", None),
        ]);
        s
    }

    fn named(names: &[&str]) -> Untrusted {
        Untrusted {
            names: names.iter().map(|n| n.to_string()).collect(),
            selector: None,
        }
    }

    #[test]
    fn info_when_nothing_is_named() {
        let out = run(&RULE, &snap());
        assert_eq!(statuses(&out), [Status::Info]);
        assert!(out[0].fix.as_deref().unwrap().contains("--untrusted"));
    }

    #[test]
    fn passes_a_fully_sandboxed_namespace_and_fails_a_partial_one() {
        let out = run_with(&RULE, &snap(), &named(&["tenant-a", "tenant-b"]));
        assert_eq!(statuses(&out), [Status::Pass, Status::Fail]);
        assert_eq!(out[1].message, "untrusted, 1 of 2 pod(s) not sandboxed");
        assert_eq!(out[1].evidence, ["pod b2: runtimeClassName (none)"]);
        assert!(
            out[1]
                .fix
                .as_deref()
                .unwrap()
                .contains("explain-pod -n tenant-b pod/b2;")
        );
    }

    #[test]
    fn selects_namespaces_by_label() {
        let untrusted = Untrusted {
            names: vec![],
            selector: Some("trust=untrusted".parse().unwrap()),
        };
        let out = run_with(&RULE, &snap(), &untrusted);
        assert_eq!(statuses(&out), [Status::Pass, Status::Fail]);
    }

    #[test]
    fn completed_pods_do_not_count() {
        let mut s = snap();
        if let Part::Known(pods) = &mut s.pods {
            pods[3].phase = "Succeeded".into();
        }
        let out = run_with(&RULE, &s, &named(&["tenant-b"]));
        assert_eq!(statuses(&out), [Status::Pass]);
    }

    #[test]
    fn a_runtime_class_with_the_gvisor_handler_counts_as_sandboxed() {
        let mut s = snap();
        s.runtime_classes = Part::Known(vec![
            runtime_class("gvisor", "gvisor"),
            runtime_class("sandboxed", "gvisor"),
        ]);
        if let Part::Known(pods) = &mut s.pods {
            pods[3].runtime_class_name = Some("sandboxed".into());
        }
        assert_eq!(
            statuses(&run_with(&RULE, &s, &named(&["tenant-b"]))),
            [Status::Pass]
        );
    }

    #[test]
    fn warns_about_a_named_namespace_that_does_not_exist() {
        let out = run_with(&RULE, &snap(), &named(&["tenant-z"]));
        assert_eq!(statuses(&out), [Status::Warn]);
    }

    #[test]
    fn skips_namespaces_outside_the_pod_scope() {
        let mut s = snap();
        s.pod_scope = PodScope::Namespace("tenant-a".into());
        let out = run_with(&RULE, &s, &named(&["tenant-a", "tenant-b"]));
        assert_eq!(statuses(&out), [Status::Pass, Status::Skip]);
    }

    #[test]
    fn a_selector_needs_namespace_labels() {
        let mut s = snap();
        s.namespaces = Part::Unknown(gap());
        let untrusted = Untrusted {
            names: vec![],
            selector: Some("trust=untrusted".parse().unwrap()),
        };
        assert_eq!(statuses(&run_with(&RULE, &s, &untrusted)), [Status::Skip]);
        assert_eq!(
            statuses(&run_with(&RULE, &s, &named(&["tenant-b"]))),
            [Status::Fail],
            "names work without namespace labels"
        );
    }

    #[test]
    fn evidence_is_capped_with_a_count() {
        let mut s = snap();
        s.pods = Part::Known(
            (0..15)
                .map(|i| pod("prod", &format!("p{i}"), None))
                .collect(),
        );
        let out = run_with(&RULE, &s, &named(&["prod"]));
        assert_eq!(out[0].evidence.len(), EVIDENCE_LIMIT + 1);
        assert_eq!(out[0].evidence.last().unwrap(), "... and 5 more");
    }
}
