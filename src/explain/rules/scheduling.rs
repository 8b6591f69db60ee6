//! Where the pod can run once it asks for the sandbox. The gvisor RuntimeClass merges its
//! nodeSelector (`sandbox.gke.io/runtime: gvisor`) and toleration into the pod at
//! admission; a pod that asks for other nodes cannot run sandboxed.

use k8s_openapi::api::core::v1::{NodeSelectorRequirement, Toleration};

use super::Rule;
use crate::explain::{Context, Effect, FieldPath, Hit, Subject, WorkloadKind};
use crate::snapshot::{GVISOR_HANDLER, NODE_POOL_LABEL, SANDBOX_NODE_LABEL};

pub(super) const RUNTIME_CLASS_SCHEDULING: Rule = Rule {
    id: "EP020",
    name: "runtime-class-scheduling",
    fact: "the gvisor RuntimeClass merges nodeSelector sandbox.gke.io/runtime=gvisor into the pod at admission and a conflicting pod nodeSelector makes admission reject the pod; sandbox nodes carry that label and their pool is the label cloud.google.com/gke-nodepool (docs/gke-sandbox.md#runtimeclass-scheduling)",
    evaluate: runtime_class_scheduling,
};

fn runtime_class_scheduling(subject: &Subject, context: &Context) -> Vec<Hit> {
    let sandbox = context.sandbox_node_selector();
    let mut hits = Vec::new();
    for (key, value) in subject.node_selector() {
        if sandbox.get(key).is_some_and(|wanted| wanted != value) {
            hits.push(Hit::new(
                Effect::Blocks,
                subject.field("nodeSelector").key(key),
                format!("nodeSelector `{key}: {value}` conflicts with the sandbox RuntimeClass's `{key}: {}`: admission rejects the pod", sandbox[key]),
                format!("remove nodeSelector `{key}`; the RuntimeClass adds the right one"),
            ));
        }
        if key == NODE_POOL_LABEL {
            hits.extend(pool_pin(
                subject.field("nodeSelector").key(key),
                &[value.as_str()],
                context,
            ));
        }
    }
    hits.extend(affinity_conflicts(subject, &sandbox));
    for (_, path, expr) in subject.required_node_expressions() {
        if expr.key == NODE_POOL_LABEL && expr.operator == "In" {
            let pools: Vec<&str> = expr.values.iter().flatten().map(String::as_str).collect();
            hits.extend(pool_pin(path, &pools, context));
        }
    }
    hits
}

/// Whether a requirement on a sandbox label, whose sandbox nodes carry `wanted`, rules
/// them out.
fn excludes_sandbox(expr: &NodeSelectorRequirement, wanted: &str) -> bool {
    let values = expr.values.as_deref().unwrap_or_default();
    match expr.operator.as_str() {
        "In" => !values.iter().any(|v| v == wanted),
        "NotIn" => values.iter().any(|v| v == wanted),
        "DoesNotExist" => true,
        _ => false,
    }
}

/// One hit per required node-affinity term, at the expression that rules sandbox nodes
/// out, when every term does (terms are ORed).
fn affinity_conflicts(
    subject: &Subject,
    sandbox: &std::collections::BTreeMap<String, String>,
) -> Vec<Hit> {
    subject
        .every_required_term(|expr| {
            sandbox
                .get(&expr.key)
                .is_some_and(|wanted| excludes_sandbox(expr, wanted))
        })
        .into_iter()
        .map(|(path, expr)| {
            let what = format!("{} {}", expr.key, expr.operator);
            Hit::new(
                Effect::Blocks,
                path,
                format!("required node affinity `{what}` rules out sandbox nodes: the pod can never be scheduled"),
                "drop the requirement on the sandbox label; the RuntimeClass adds the right nodeSelector",
            )
        })
        .collect()
}

/// A pin to named node pools, judged against the pools when they are known.
fn pool_pin(path: FieldPath, pools: &[&str], context: &Context) -> Vec<Hit> {
    let names = pools.join(", ");
    let Some(gke) = context.gke.filter(|g| !g.autopilot) else {
        return vec![Hit::new(
            Effect::Caution,
            path,
            format!("the pod is pinned to node pool {names}; the node pools are not known"),
            "check that the pool is a sandbox pool (sandboxConfig type GVISOR)",
        )];
    };
    let known: Vec<_> = pools
        .iter()
        .filter_map(|name| gke.node_pools.iter().find(|p| p.name == *name))
        .collect();
    if known.iter().any(|p| p.is_sandbox()) {
        return Vec::new();
    }
    if known.len() == pools.len() {
        return vec![Hit::new(
            Effect::Blocks,
            path,
            format!(
                "the pod is pinned to node pool {names}, which has no sandbox nodes: it can never be scheduled sandboxed"
            ),
            "pin to a sandbox pool, or drop the pin and let the RuntimeClass choose the nodes",
        )];
    }
    vec![Hit::new(
        Effect::Caution,
        path,
        format!(
            "the pod is pinned to node pool {names}, which cluster {} does not have",
            gke.name
        ),
        "pin to a sandbox pool, or drop the pin and let the RuntimeClass choose the nodes",
    )]
}

pub(super) const DAEMONSET_TOLERATION: Rule = Rule {
    id: "EP021",
    name: "daemonset-toleration",
    fact: "sandbox nodes carry the taint sandbox.gke.io/runtime=gvisor:NoSchedule and DaemonSets do not land on them unless they tolerate it (docs/gke-sandbox.md#sandbox-nodes)",
    evaluate: daemonset_toleration,
};

fn tolerates_sandbox_taint(toleration: &Toleration) -> bool {
    let key = toleration.key.as_deref().unwrap_or_default();
    let exists = toleration.operator.as_deref() == Some("Exists");
    let key_matches = key == SANDBOX_NODE_LABEL || (key.is_empty() && exists);
    let value_matches = exists || toleration.value.as_deref() == Some(GVISOR_HANDLER);
    let effect_matches = matches!(
        toleration.effect.as_deref(),
        None | Some("") | Some("NoSchedule")
    );
    key_matches && value_matches && effect_matches
}

fn daemonset_toleration(subject: &Subject, _: &Context) -> Vec<Hit> {
    if subject.kind != WorkloadKind::DaemonSet {
        return Vec::new();
    }
    let tolerations = subject.spec.tolerations.as_deref().unwrap_or_default();
    if tolerations.iter().any(tolerates_sandbox_taint) {
        return Vec::new();
    }
    let path = if tolerations.is_empty() {
        subject.spec_path.clone()
    } else {
        subject.field("tolerations")
    };
    vec![Hit::new(
        Effect::Caution,
        path,
        "the DaemonSet does not tolerate the sandbox taint sandbox.gke.io/runtime=gvisor:NoSchedule: its pods never reach sandbox nodes",
        "add the toleration {key: sandbox.gke.io/runtime, operator: Equal, value: gvisor, effect: NoSchedule} if it must run on sandbox nodes",
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain::rules::testing::{paths, pod, run, run_with, workload};
    use crate::gke::GkeCluster;

    const STANDARD: &str = include_str!("../../../tests/fixtures/gke/standard-with-sandbox.json");

    #[test]
    fn conflicting_node_selector_blocks() {
        let hits = run(
            &RUNTIME_CLASS_SCHEDULING,
            &pod("  nodeSelector: {sandbox.gke.io/runtime: runc}\n  containers: [{name: c}]\n"),
        );
        assert_eq!(
            paths(&hits),
            [r#"spec.nodeSelector["sandbox.gke.io/runtime"]"#]
        );
        assert_eq!(hits[0].effect, Effect::Blocks);
        let same = pod(
            "  nodeSelector: {sandbox.gke.io/runtime: gvisor, kubernetes.io/os: linux}\n  containers: [{name: c}]\n",
        );
        assert!(run(&RUNTIME_CLASS_SCHEDULING, &same).is_empty());
        assert!(
            run(
                &RUNTIME_CLASS_SCHEDULING,
                &pod("  containers: [{name: c}]\n")
            )
            .is_empty()
        );
    }

    #[test]
    fn affinity_conflicts_only_when_every_term_does() {
        let all = pod(
            "  affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: sandbox.gke.io/runtime, operator: DoesNotExist}]}]}}}\n  containers: [{name: c}]\n",
        );
        let hits = run(&RUNTIME_CLASS_SCHEDULING, &all);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].effect, Effect::Blocks);
        let one_of_two = pod(
            "  affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: sandbox.gke.io/runtime, operator: NotIn, values: [gvisor]}]}, {matchExpressions: [{key: kubernetes.io/os, operator: In, values: [linux]}]}]}}}\n  containers: [{name: c}]\n",
        );
        assert!(run(&RUNTIME_CLASS_SCHEDULING, &one_of_two).is_empty());
        let harmless = pod(
            "  affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: sandbox.gke.io/runtime, operator: In, values: [gvisor]}]}]}}}\n  containers: [{name: c}]\n",
        );
        assert!(run(&RUNTIME_CLASS_SCHEDULING, &harmless).is_empty());
    }

    #[test]
    fn pool_pin_against_known_and_unknown_pools() {
        let gke = GkeCluster::from_describe_json(STANDARD).unwrap();
        let ordinary = &gke
            .node_pools
            .iter()
            .find(|p| !p.is_sandbox())
            .unwrap()
            .name;
        let sandboxed = &gke.sandbox_pools().next().unwrap().name;
        let pinned = |pool: &str| {
            pod(&format!(
                "  nodeSelector: {{cloud.google.com/gke-nodepool: {pool}}}\n  containers: [{{name: c}}]\n"
            ))
        };
        let context = Context {
            gke: Some(&gke),
            ..Context::offline()
        };

        let hits = run_with(&RUNTIME_CLASS_SCHEDULING, &pinned(ordinary), &context);
        assert_eq!(hits[0].effect, Effect::Blocks);
        assert!(run_with(&RUNTIME_CLASS_SCHEDULING, &pinned(sandboxed), &context).is_empty());
        let hits = run_with(&RUNTIME_CLASS_SCHEDULING, &pinned("gone"), &context);
        assert_eq!(hits[0].effect, Effect::Caution);

        let hits = run(&RUNTIME_CLASS_SCHEDULING, &pinned(ordinary));
        assert_eq!(hits[0].effect, Effect::Caution, "pools unknown offline");
        assert!(hits[0].message.contains("not known"));
    }

    fn daemonset(tolerations: &str) -> crate::explain::Workload {
        workload(&format!(
            "kind: DaemonSet\nmetadata: {{name: d}}\nspec:\n  template:\n    spec:\n{tolerations}      containers: [{{name: c}}]\n"
        ))
    }

    #[test]
    fn daemonset_without_the_toleration_is_noted() {
        let hits = run(&DAEMONSET_TOLERATION, &daemonset(""));
        assert_eq!(paths(&hits), ["spec.template.spec"]);
        let wrong = daemonset(
            "      tolerations: [{key: sandbox.gke.io/runtime, value: gvisor, effect: NoExecute}]\n",
        );
        assert_eq!(
            paths(&run(&DAEMONSET_TOLERATION, &wrong)),
            ["spec.template.spec.tolerations"]
        );
    }

    #[test]
    fn daemonset_with_the_toleration_or_tolerating_all_is_fine() {
        let exact = daemonset(
            "      tolerations: [{key: sandbox.gke.io/runtime, operator: Equal, value: gvisor, effect: NoSchedule}]\n",
        );
        assert!(run(&DAEMONSET_TOLERATION, &exact).is_empty());
        let all = daemonset("      tolerations: [{operator: Exists}]\n");
        assert!(run(&DAEMONSET_TOLERATION, &all).is_empty());
        let not_a_daemonset = pod("  containers: [{name: c}]\n");
        assert!(run(&DAEMONSET_TOLERATION, &not_a_daemonset).is_empty());
    }
}
