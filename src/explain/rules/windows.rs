//! Windows: gVisor runs Linux containers only. A pod that says it is a Windows pod
//! (`spec.os.name: windows`) or can only be scheduled on Windows nodes (nodeSelector
//! `kubernetes.io/os: windows`, or every required node-affinity term asking for it) cannot
//! run sandboxed.

use super::Rule;
use crate::explain::{Context, Effect, FieldPath, Hit, Subject};

const OS_LABEL: &str = "kubernetes.io/os";
const WINDOWS: &str = "windows";

pub(super) const WINDOWS_PODS: Rule = Rule {
    id: "EP017",
    name: "windows",
    fact: "gVisor runs Linux containers only: a Windows pod cannot run sandboxed (docs/gke-sandbox.md#windows)",
    evaluate: windows,
};

const FIX: &str =
    "keep Windows workloads on ordinary Windows nodes; only Linux pods can be sandboxed";

fn windows(subject: &Subject, _: &Context) -> Vec<Hit> {
    let mut found: Vec<(FieldPath, String)> = Vec::new();
    if subject
        .spec
        .os
        .as_ref()
        .is_some_and(|os| os.name == WINDOWS)
    {
        found.push((
            subject.field("os").key("name"),
            "the pod declares spec.os.name: windows".into(),
        ));
    }
    for (key, value) in subject.node_selector() {
        if key == OS_LABEL && value == WINDOWS {
            found.push((
                subject.field("nodeSelector").key(key),
                format!("the pod selects nodes with `{OS_LABEL}={WINDOWS}`"),
            ));
        }
    }
    found.extend(windows_only_affinity(subject));
    found
        .into_iter()
        .map(|(path, what)| {
            Hit::new(
                Effect::Blocks,
                path,
                format!("{what}: gVisor runs Linux containers only"),
                FIX,
            )
        })
        .collect()
}

/// The pod is Windows-only when every required node-affinity term (they are ORed) has an
/// expression `kubernetes.io/os In [windows]` with no other value. One hit per term.
fn windows_only_affinity(subject: &Subject) -> Vec<(FieldPath, String)> {
    subject
        .every_required_term(|expr| {
            let values = expr.values.as_deref().unwrap_or_default();
            expr.key == OS_LABEL
                && expr.operator == "In"
                && !values.is_empty()
                && values.iter().all(|v| v == WINDOWS)
        })
        .into_iter()
        .map(|(path, _)| {
            (
                path,
                format!("the pod's node affinity requires `{OS_LABEL} In [windows]`"),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain::rules::testing::{paths, pod, run};

    #[test]
    fn os_name_and_node_selector_block() {
        let hits = run(
            &WINDOWS_PODS,
            &pod(
                "  os: {name: windows}\n  nodeSelector: {kubernetes.io/os: windows}\n  containers: [{name: c}]\n",
            ),
        );
        assert_eq!(
            paths(&hits),
            ["spec.os.name", r#"spec.nodeSelector["kubernetes.io/os"]"#]
        );
        assert!(hits.iter().all(|h| h.effect == Effect::Blocks));
    }

    #[test]
    fn affinity_blocks_only_when_every_term_wants_windows() {
        let only = pod(
            "  affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: kubernetes.io/os, operator: In, values: [windows]}]}]}}}\n  containers: [{name: c}]\n",
        );
        assert_eq!(
            paths(&run(&WINDOWS_PODS, &only)),
            [
                "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0]"
            ]
        );
        let either = pod(
            "  affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: kubernetes.io/os, operator: In, values: [windows, linux]}]}]}}}\n  containers: [{name: c}]\n",
        );
        assert!(run(&WINDOWS_PODS, &either).is_empty());
        let one_of_two = pod(
            "  affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: kubernetes.io/os, operator: In, values: [windows]}]}, {matchExpressions: [{key: kubernetes.io/arch, operator: In, values: [amd64]}]}]}}}\n  containers: [{name: c}]\n",
        );
        assert!(run(&WINDOWS_PODS, &one_of_two).is_empty());
        let or_a_named_node = pod(
            "  affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: kubernetes.io/os, operator: In, values: [windows]}]}, {matchFields: [{key: metadata.name, operator: In, values: [n1]}]}]}}}\n  containers: [{name: c}]\n",
        );
        assert!(
            run(&WINDOWS_PODS, &or_a_named_node).is_empty(),
            "a term without expressions leaves other nodes open"
        );
    }

    #[test]
    fn linux_pods_are_fine() {
        let linux = pod(
            "  os: {name: linux}\n  nodeSelector: {kubernetes.io/os: linux}\n  containers: [{name: c}]\n",
        );
        assert!(run(&WINDOWS_PODS, &linux).is_empty());
        assert!(run(&WINDOWS_PODS, &pod("  containers: [{name: c}]\n")).is_empty());
    }
}
