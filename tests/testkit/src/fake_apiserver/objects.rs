//! Minimal but valid fixture objects; tests adjust fields with `value["spec"][...] = ...`.

use serde_json::{Value, json};

pub fn namespace(name: &str) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": { "name": name },
        "status": { "phase": "Active" },
    })
}

/// A Ready node of GKE node pool `pool`.
pub fn node(name: &str, pool: &str) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "labels": { "cloud.google.com/gke-nodepool": pool },
        },
        "spec": {},
        "status": {
            "conditions": [{ "type": "Ready", "status": "True" }],
            "nodeInfo": { "kubeletVersion": "v1.33.2-gke.1000" },
        },
    })
}

/// A Ready GKE Sandbox node: the label and taint GKE puts on gVisor nodes.
pub fn sandbox_node(name: &str, pool: &str) -> Value {
    let mut node = node(name, pool);
    node["metadata"]["labels"]["sandbox.gke.io/runtime"] = json!("gvisor");
    node["spec"]["taints"] = json!([
        { "key": "sandbox.gke.io/runtime", "value": "gvisor", "effect": "NoSchedule" }
    ]);
    node
}

/// The `gvisor` RuntimeClass as GKE creates it, scheduling included.
pub fn gvisor_runtime_class() -> Value {
    json!({
        "apiVersion": "node.k8s.io/v1",
        "kind": "RuntimeClass",
        "metadata": { "name": "gvisor" },
        "handler": "gvisor",
        "scheduling": {
            "nodeSelector": { "sandbox.gke.io/runtime": "gvisor" },
            "tolerations": [{
                "key": "sandbox.gke.io/runtime",
                "operator": "Equal",
                "value": "gvisor",
                "effect": "NoSchedule",
            }],
        },
    })
}

/// A Running pod with one container.
pub fn pod(namespace: &str, name: &str) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": { "name": name, "namespace": namespace },
        "spec": { "containers": [{ "name": "app", "image": "registry.example/app:1" }] },
        "status": { "phase": "Running" },
    })
}
