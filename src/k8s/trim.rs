//! Cuts API objects down to the snapshot's trimmed types, page by page, so a read never
//! holds more raw objects than one page. Pods are cut as they are deserialized instead
//! (`pod_fields`).

use k8s_openapi::api::core::v1::{Namespace, Node, Toleration};
use k8s_openapi::api::node::v1::RuntimeClass;

use crate::snapshot::{
    NODE_POOL_LABEL, NamespaceInfo, NodeInfo, RuntimeClassInfo, SANDBOX_NODE_LABEL,
};

pub(super) fn runtime_class(class: RuntimeClass) -> RuntimeClassInfo {
    let scheduling = class.scheduling.unwrap_or_default();
    RuntimeClassInfo {
        name: class.metadata.name.unwrap_or_default(),
        handler: class.handler,
        node_selector: scheduling.node_selector.unwrap_or_default(),
        tolerations: scheduling
            .tolerations
            .unwrap_or_default()
            .iter()
            .map(toleration)
            .collect(),
    }
}

/// `key=value:Effect`, the way `kubectl taint` writes it; parts that are unset are left
/// out (an `Exists` toleration has no value, an empty effect matches every effect).
fn toleration(toleration: &Toleration) -> String {
    let mut text = toleration.key.clone().unwrap_or_default();
    if let Some(value) = toleration
        .value
        .as_deref()
        .filter(|value| !value.is_empty())
    {
        text.push('=');
        text.push_str(value);
    }
    if let Some(effect) = toleration
        .effect
        .as_deref()
        .filter(|effect| !effect.is_empty())
    {
        text.push(':');
        text.push_str(effect);
    }
    text
}

pub(super) fn node(node: Node) -> NodeInfo {
    let mut labels = node.metadata.labels.unwrap_or_default();
    let sandbox_taint = node
        .spec
        .and_then(|spec| spec.taints)
        .unwrap_or_default()
        .into_iter()
        .find(|taint| taint.key == SANDBOX_NODE_LABEL)
        .map(|taint| format!("{}:{}", taint.value.unwrap_or_default(), taint.effect));
    let status = node.status.unwrap_or_default();
    let ready = status
        .conditions
        .unwrap_or_default()
        .iter()
        .any(|condition| condition.type_ == "Ready" && condition.status == "True");
    NodeInfo {
        name: node.metadata.name.unwrap_or_default(),
        pool: labels.remove(NODE_POOL_LABEL),
        sandbox_label: labels.remove(SANDBOX_NODE_LABEL),
        sandbox_taint,
        ready,
        kubelet_version: status.node_info.map(|info| info.kubelet_version),
    }
}

pub(super) fn namespace(namespace: Namespace) -> NamespaceInfo {
    NamespaceInfo {
        name: namespace.metadata.name.unwrap_or_default(),
        labels: namespace.metadata.labels.unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_sandbox_node_shows_label_taint_pool_and_readiness() {
        let node: Node = serde_json::from_value(json!({
            "metadata": {"name": "n1", "labels": {
                "cloud.google.com/gke-nodepool": "sandbox-pool", "sandbox.gke.io/runtime": "gvisor"
            }},
            "spec": {"taints": [
                {"key": "other", "value": "x", "effect": "NoExecute"},
                {"key": "sandbox.gke.io/runtime", "value": "gvisor", "effect": "NoSchedule"}
            ]},
            "status": {
                "conditions": [{"type": "MemoryPressure", "status": "False"}, {"type": "Ready", "status": "False"}],
                "nodeInfo": {"kubeletVersion": "v1.33.2-gke.1000", "architecture": "", "bootID": "",
                    "containerRuntimeVersion": "", "kernelVersion": "", "kubeProxyVersion": "",
                    "machineID": "", "operatingSystem": "", "osImage": "", "systemUUID": ""}
            }
        }))
        .unwrap();
        let info = super::node(node);
        assert_eq!(info.pool.as_deref(), Some("sandbox-pool"));
        assert_eq!(info.sandbox_label.as_deref(), Some("gvisor"));
        assert_eq!(info.sandbox_taint.as_deref(), Some("gvisor:NoSchedule"));
        assert!(!info.ready);
        assert_eq!(info.kubelet_version.as_deref(), Some("v1.33.2-gke.1000"));
    }

    #[test]
    fn runtime_class_tolerations_read_like_taints() {
        let class: RuntimeClass = serde_json::from_value(json!({
            "metadata": {"name": "gvisor"}, "handler": "gvisor",
            "scheduling": {
                "nodeSelector": {"sandbox.gke.io/runtime": "gvisor"},
                "tolerations": [
                    {"key": "sandbox.gke.io/runtime", "operator": "Equal", "value": "gvisor", "effect": "NoSchedule"},
                    {"key": "dedicated", "operator": "Exists"}
                ]
            }
        }))
        .unwrap();
        let info = runtime_class(class);
        assert_eq!(info.handler, "gvisor");
        assert_eq!(info.node_selector["sandbox.gke.io/runtime"], "gvisor");
        assert_eq!(
            info.tolerations,
            ["sandbox.gke.io/runtime=gvisor:NoSchedule", "dedicated"]
        );
    }
}
