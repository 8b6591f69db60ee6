//! The few fields of a Pod the check rules read, deserialized straight from the list's
//! JSON. serde skips everything else (containers, env, probes, volumes, container
//! statuses: most of a pod's 3 KB) without allocating for it, where a full
//! `k8s_openapi` Pod would build every string and map first only to drop them.

use serde::Deserialize;

use crate::snapshot::PodInfo;

/// A Pod as the rules see it. Every field may be missing or `null`, as in the API.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PodFields {
    metadata: Option<Metadata>,
    spec: Option<Spec>,
    status: Option<Status>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Metadata {
    name: Option<String>,
    namespace: Option<String>,
    owner_references: Option<Vec<OwnerReference>>,
    labels: Option<Labels>,
}

/// The one label read: the other labels are skipped unread.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Labels {
    #[serde(rename = "pod-template-hash")]
    pod_template_hash: Option<String>,
}

/// The pod's controller as `Kind/name`. A Deployment's ReplicaSet is named
/// `DEPLOYMENT-HASH`, HASH being the pod's `pod-template-hash` label: the Deployment is
/// named instead, since that is what a person changes (and no extra list call is needed).
pub(super) fn controller(kind: &str, name: &str, pod_template_hash: Option<&str>) -> String {
    let deployment = pod_template_hash
        .filter(|_| kind == "ReplicaSet")
        .and_then(|hash| name.strip_suffix(hash)?.strip_suffix('-'))
        .filter(|deployment| !deployment.is_empty());
    match deployment {
        Some(deployment) => format!("Deployment/{deployment}"),
        None => format!("{kind}/{name}"),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct OwnerReference {
    kind: String,
    name: String,
    controller: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Spec {
    runtime_class_name: Option<String>,
    node_name: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Status {
    phase: Option<String>,
    conditions: Option<Vec<Condition>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Condition {
    #[serde(rename = "type")]
    type_: String,
    status: String,
    reason: Option<String>,
    message: Option<String>,
}

impl From<PodFields> for PodInfo {
    fn from(pod: PodFields) -> PodInfo {
        let metadata = pod.metadata.unwrap_or_default();
        let spec = pod.spec.unwrap_or_default();
        let status = pod.status.unwrap_or_default();
        let hash = metadata.labels.and_then(|l| l.pod_template_hash);
        let owner = metadata
            .owner_references
            .unwrap_or_default()
            .into_iter()
            .find(|owner| owner.controller == Some(true))
            .map(|owner| controller(&owner.kind, &owner.name, hash.as_deref()));
        let unschedulable = status
            .conditions
            .unwrap_or_default()
            .into_iter()
            .find(|condition| {
                condition.type_ == "PodScheduled"
                    && condition.status == "False"
                    && condition.reason.as_deref() == Some("Unschedulable")
            })
            .map(|condition| condition.message.unwrap_or_default());
        PodInfo {
            namespace: metadata.namespace.unwrap_or_default(),
            name: metadata.name.unwrap_or_default(),
            phase: status.phase.unwrap_or_else(|| "Unknown".to_string()),
            runtime_class_name: spec.runtime_class_name,
            node_name: spec.node_name,
            owner,
            unschedulable,
        }
    }
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::core::v1::Pod;
    use serde_json::{Value, json};
    use testkit::synthetic::SyntheticCluster;

    use super::*;

    fn info(pod: &Value) -> PodInfo {
        PodInfo::from(serde_json::from_value::<PodFields>(pod.clone()).unwrap())
    }

    /// How pods were trimmed before: from a full `k8s_openapi` Pod. The fields read here
    /// must give the same answer.
    fn info_from_full_pod(pod: &Value) -> PodInfo {
        let pod: Pod = serde_json::from_value(pod.clone()).unwrap();
        let spec = pod.spec.unwrap_or_default();
        let status = pod.status.unwrap_or_default();
        PodInfo {
            namespace: pod.metadata.namespace.unwrap_or_default(),
            name: pod.metadata.name.unwrap_or_default(),
            phase: status.phase.unwrap_or_else(|| "Unknown".to_string()),
            runtime_class_name: spec.runtime_class_name,
            node_name: spec.node_name,
            owner: pod
                .metadata
                .owner_references
                .unwrap_or_default()
                .into_iter()
                .find(|owner| owner.controller == Some(true))
                .map(|owner| {
                    let labels = pod.metadata.labels.as_ref();
                    let hash = labels.and_then(|l| l.get("pod-template-hash"));
                    controller(&owner.kind, &owner.name, hash.map(String::as_str))
                }),
            unschedulable: status
                .conditions
                .unwrap_or_default()
                .into_iter()
                .find(|c| {
                    c.type_ == "PodScheduled"
                        && c.status == "False"
                        && c.reason.as_deref() == Some("Unschedulable")
                })
                .map(|c| c.message.unwrap_or_default()),
        }
    }

    #[test]
    fn a_pod_keeps_its_controller_and_unschedulable_message() {
        let pod = json!({
            "metadata": {
                "name": "web-1", "namespace": "shop",
                "ownerReferences": [
                    {"apiVersion": "v1", "kind": "ConfigMap", "name": "cfg", "uid": "1"},
                    {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-5d8", "uid": "2", "controller": true}
                ]
            },
            "spec": {"containers": [], "runtimeClassName": "gvisor"},
            "status": {"phase": "Pending", "conditions": [{
                "type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                "message": "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector."
            }]}
        });
        let info = info(&pod);
        assert_eq!(info.owner.as_deref(), Some("ReplicaSet/web-5d8"));
        assert_eq!(info.phase, "Pending");
        assert_eq!(info.runtime_class_name.as_deref(), Some("gvisor"));
        assert_eq!(
            info.unschedulable.as_deref(),
            Some("0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.")
        );
        assert_eq!(info, info_from_full_pod(&pod));
    }

    #[test]
    fn a_deployment_pod_names_the_deployment_not_its_replicaset() {
        let pod = json!({
            "metadata": {
                "name": "ads-29b95db-x7k2p", "namespace": "shop",
                "labels": {"app": "ads", "pod-template-hash": "29b95db"},
                "ownerReferences": [
                    {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "ads-29b95db", "uid": "2", "controller": true}
                ]
            }
        });
        assert_eq!(info(&pod).owner.as_deref(), Some("Deployment/ads"));
        assert_eq!(info(&pod), info_from_full_pod(&pod));
        assert_eq!(
            controller("ReplicaSet", "solo", Some("29b95db")),
            "ReplicaSet/solo"
        );
        assert_eq!(
            controller("StatefulSet", "db-1", Some("1")),
            "StatefulSet/db-1"
        );
    }

    #[test]
    fn a_pod_without_status_is_unknown_and_schedulable() {
        let pod = json!({"metadata": {"name": "p", "namespace": "n"}});
        let info = info(&pod);
        assert_eq!(
            (info.phase.as_str(), info.unschedulable, info.owner),
            ("Unknown", None, None)
        );
    }

    #[test]
    fn nulls_read_like_missing_fields() {
        let pod = json!({
            "metadata": {"name": "p", "namespace": "n", "ownerReferences": null},
            "spec": {"containers": [], "runtimeClassName": null, "nodeName": null},
            "status": {"phase": null, "conditions": null}
        });
        assert_eq!(info(&pod), info_from_full_pod(&pod));
    }

    #[test]
    fn synthetic_pods_trim_as_full_pods_did() {
        let cluster = SyntheticCluster::new(600, 11);
        for index in 0..cluster.pods {
            let pod = cluster.pod(index);
            assert_eq!(info(&pod), info_from_full_pod(&pod), "pod {index}");
        }
    }
}
