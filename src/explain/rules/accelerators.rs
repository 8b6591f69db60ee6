//! Accelerators: GPUs run under GKE Sandbox from a GKE version on (per GPU model since), and
//! TPUs on the TPU models gVisor's TPU proxy supports. The finding depends on what is known:
//! it `blocks` only when the nodes' version is known to be too old for GPUs; otherwise it
//! says what to check (`version-dependent`) or that the version is fine (`caution`: the
//! model still matters).

use super::Rule;
use crate::explain::{Context, Effect, FieldPath, Hit, Subject};
use crate::gke::GkeVersion;

const GPU_RESOURCE: &str = "nvidia.com/gpu";
const TPU_RESOURCE: &str = "google.com/tpu";
const GPU_NODE_LABEL: &str = "cloud.google.com/gke-accelerator";
const TPU_NODE_LABEL_PREFIX: &str = "cloud.google.com/gke-tpu-";
/// GPUs under GKE Sandbox: preview from this version, per GPU model since
/// (docs/gke-sandbox.md#accelerators).
const GPU_SANDBOX_SINCE: GkeVersion = GkeVersion::new(1, 29, 2, 1_108_000);

pub(super) const ACCELERATORS: Rule = Rule {
    id: "EP001",
    name: "accelerators",
    fact: "accelerators were refused under GKE Sandbox in the CIS text's era; GPUs are supported from GKE 1.29.2-gke.1108000 (per GPU model since) and TPUs on the models gVisor supports, so support depends on the version and the model (docs/gke-sandbox.md#accelerators)",
    evaluate: accelerators,
};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Accelerator {
    Gpu,
    Tpu,
}

fn accelerators(subject: &Subject, context: &Context) -> Vec<Hit> {
    let mut found: Vec<(Accelerator, FieldPath, String)> = Vec::new();
    for c in subject.containers() {
        let Some(resources) = c.resources else {
            continue;
        };
        for (name, kind) in [
            (GPU_RESOURCE, Accelerator::Gpu),
            (TPU_RESOURCE, Accelerator::Tpu),
        ] {
            for (list, map) in [
                ("limits", &resources.limits),
                ("requests", &resources.requests),
            ] {
                if map.as_ref().is_some_and(|m| m.contains_key(name)) {
                    found.push((
                        kind,
                        c.path.key("resources").key(list).key(name),
                        format!("container `{}` requests `{name}`", c.name),
                    ));
                }
            }
        }
    }
    for (key, value) in subject.node_selector() {
        if let Some(kind) = accelerator_label(key) {
            found.push((
                kind,
                subject.field("nodeSelector").key(key),
                format!("the pod selects nodes with `{key}={value}`"),
            ));
        }
    }
    for (_, path, expr) in subject.required_node_expressions() {
        if let Some(kind) = accelerator_label(&expr.key) {
            found.push((
                kind,
                path,
                format!("the pod's node affinity requires `{}`", expr.key),
            ));
        }
    }
    // A container that sets the same resource in limits and requests is one finding.
    found.dedup_by(|b, a| a.0 == b.0 && a.2 == b.2);
    found
        .into_iter()
        .map(|(kind, path, what)| match kind {
            Accelerator::Tpu => Hit::new(
                Effect::VersionDependent,
                path,
                format!("{what}: TPUs under GKE Sandbox depend on the TPU model (gVisor supports some, on single-host shapes)"),
                "check that the TPU model and shape are supported under GKE Sandbox before moving the workload",
            ),
            Accelerator::Gpu => gpu_hit(path, what, context.node_version()),
        })
        .collect()
}

fn accelerator_label(key: &str) -> Option<Accelerator> {
    if key == GPU_NODE_LABEL {
        Some(Accelerator::Gpu)
    } else if key.starts_with(TPU_NODE_LABEL_PREFIX) {
        Some(Accelerator::Tpu)
    } else {
        None
    }
}

fn gpu_hit(path: FieldPath, what: String, version: Option<GkeVersion>) -> Hit {
    match version {
        None => Hit::new(
            Effect::VersionDependent,
            path,
            format!(
                "{what}: GPUs under GKE Sandbox depend on the GKE version (preview from {GPU_SANDBOX_SINCE}, per GPU model since); the cluster's version is not known"
            ),
            format!(
                "check that the cluster's nodes run {GPU_SANDBOX_SINCE} or later and that the GPU model is supported under GKE Sandbox"
            ),
        ),
        Some(v) if v < GPU_SANDBOX_SINCE => Hit::new(
            Effect::Blocks,
            path,
            format!(
                "{what}: the nodes run {v}, older than {GPU_SANDBOX_SINCE}, the first GKE version with GPUs under GKE Sandbox"
            ),
            format!(
                "upgrade the cluster to {GPU_SANDBOX_SINCE} or later, or keep GPU workloads on ordinary nodes"
            ),
        ),
        Some(v) => Hit::new(
            Effect::Caution,
            path,
            format!(
                "{what}: the nodes run {v}, which has GPUs under GKE Sandbox (preview from {GPU_SANDBOX_SINCE}); support is per GPU model"
            ),
            "check that the GPU model is supported under GKE Sandbox",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain::rules::testing::{paths, pod, run, run_with};
    use crate::gke::GkeCluster;

    const GPU_POD: &str = "  nodeSelector: {cloud.google.com/gke-accelerator: nvidia-l4}\n  containers: [{name: c, resources: {limits: {nvidia.com/gpu: 1}, requests: {nvidia.com/gpu: 1}}}]\n";

    fn cluster(version: &str) -> GkeCluster {
        let json = format!(
            r#"{{"name":"c","location":"l","currentMasterVersion":"{version}","currentNodeVersion":"{version}","nodePools":[]}}"#
        );
        GkeCluster::from_describe_json(&json).unwrap()
    }

    #[test]
    fn gpu_without_a_known_version_depends_on_it() {
        let hits = run(&ACCELERATORS, &pod(GPU_POD));
        assert_eq!(
            paths(&hits),
            [
                r#"spec.containers[0].resources.limits["nvidia.com/gpu"]"#,
                r#"spec.nodeSelector["cloud.google.com/gke-accelerator"]"#
            ]
        );
        assert!(hits.iter().all(|h| h.effect == Effect::VersionDependent));
        assert!(hits[0].message.contains("not known"));
    }

    #[test]
    fn gpu_with_a_known_version_says_which() {
        let old = cluster("1.28.9-gke.1000000");
        let context = Context {
            gke: Some(&old),
            ..Context::offline()
        };
        let hits = run_with(&ACCELERATORS, &pod(GPU_POD), &context);
        assert!(hits.iter().all(|h| h.effect == Effect::Blocks));
        assert!(hits[0].message.contains("1.28.9-gke.1000000"));

        let new = cluster("1.33.5-gke.1201000");
        let context = Context {
            gke: Some(&new),
            ..Context::offline()
        };
        let hits = run_with(&ACCELERATORS, &pod(GPU_POD), &context);
        assert!(hits.iter().all(|h| h.effect == Effect::Caution));
    }

    #[test]
    fn tpu_depends_on_the_model() {
        let tpu = pod(
            "  affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: cloud.google.com/gke-tpu-topology, operator: In, values: [2x2]}]}]}}}\n  containers: [{name: c, resources: {requests: {google.com/tpu: 4}}}]\n",
        );
        let hits = run(&ACCELERATORS, &tpu);
        assert_eq!(hits.len(), 2);
        assert!(hits.iter().all(|h| h.effect == Effect::VersionDependent));
        assert_eq!(
            hits[1].path.to_string(),
            r#"spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0]"#
        );
    }

    #[test]
    fn ordinary_resources_and_selectors_are_fine() {
        let plain = pod(
            "  nodeSelector: {kubernetes.io/os: linux}\n  containers: [{name: c, resources: {limits: {cpu: \"1\", memory: 1Gi}}}]\n",
        );
        assert!(run(&ACCELERATORS, &plain).is_empty());
        assert!(run(&ACCELERATORS, &pod("  containers: [{name: c}]\n")).is_empty());
    }
}
