//! `ClusterSnapshot`: everything the audit knows about one cluster, as plain data.
//!
//! The snapshot is the seam between IO and deciding. The Kubernetes reader
//! (`crate::k8s`) and the gcloud runner (`crate::gke::gcloud`) fill it; the rules in
//! `crate::check` read it and never do IO. `kubectl sandbox snapshot` writes it out so an
//! audit can be repeated offline with `check --from FILE`.
//!
//! Every part may be missing (no permission, no gcloud, cluster not identified). A missing
//! part is a [`Gap`] carrying the reason and what to do about it, so rules can say SKIP with
//! a useful message instead of guessing.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::gke::GkeCluster;

mod admission;
mod saved;

pub(crate) use admission::{
    AdmissionBindingInfo, AdmissionPolicyInfo, NamespaceSelector, SelectorExpression,
};
pub(crate) use saved::{SavedSnapshotError, parse_saved};

/// Version tag written into every snapshot; bump on an incompatible change.
pub const SNAPSHOT_SCHEMA: &str = "kubectl-sandbox.dev/snapshot/v1";

/// The RuntimeClass handler GKE Sandbox installs (docs/gke-sandbox.md#runtimeclass).
pub(crate) const GVISOR_HANDLER: &str = "gvisor";
/// The RuntimeClass name GKE creates for the sandbox (docs/gke-sandbox.md#runtimeclass).
pub(crate) const GVISOR_RUNTIME_CLASS: &str = "gvisor";
/// Node label (and taint key) GKE puts on sandbox nodes (docs/gke-sandbox.md#sandbox-nodes).
pub(crate) const SANDBOX_NODE_LABEL: &str = "sandbox.gke.io/runtime";
/// Node label naming the node's GKE node pool (docs/gke-sandbox.md#sandbox-nodes).
pub(crate) const NODE_POOL_LABEL: &str = "cloud.google.com/gke-nodepool";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterSnapshot {
    /// Always [`SNAPSHOT_SCHEMA`].
    pub schema: String,
    /// RFC 3339 time of capture, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captured_at: Option<String>,
    /// The kubeconfig context the in-cluster data came from, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// Which pods were read: all namespaces or one.
    #[serde(default)]
    pub pod_scope: PodScope,
    pub gke: Part<GkeCluster>,
    pub runtime_classes: Part<Vec<RuntimeClassInfo>>,
    pub nodes: Part<Vec<NodeInfo>>,
    pub namespaces: Part<Vec<NamespaceInfo>>,
    pub pods: Part<Vec<PodInfo>>,
    /// ValidatingAdmissionPolicies (check's PL001); absent from older snapshots.
    #[serde(default = "admission::not_captured")]
    pub admission_policies: Part<Vec<AdmissionPolicyInfo>>,
    /// ValidatingAdmissionPolicyBindings (check's PL001); absent from older snapshots.
    #[serde(default = "admission::not_captured")]
    pub admission_bindings: Part<Vec<AdmissionBindingInfo>>,
}

/// A piece of the snapshot that was either read or could not be.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Part<T> {
    Known(T),
    Unknown(Gap),
}

impl<T> Part<T> {
    pub fn known(&self) -> Option<&T> {
        match self {
            Part::Known(value) => Some(value),
            Part::Unknown(_) => None,
        }
    }

    pub fn gap(&self) -> Option<&Gap> {
        match self {
            Part::Known(_) => None,
            Part::Unknown(gap) => Some(gap),
        }
    }
}

/// Why a part of the snapshot is missing, and what the user can do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gap {
    pub reason: String,
    pub hint: String,
    /// Expected: left out on purpose (`--no-gke`, `-n NS`, a part the command does not use)
    /// or not there to read (an API the server does not serve), so the run is still
    /// complete. Any other gap could not be read: the run is incomplete (exit 4).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub expected: bool,
}

impl Gap {
    /// A part that could not be read (forbidden, gcloud missing or failed, …).
    pub fn new(reason: impl Into<String>, hint: impl Into<String>) -> Self {
        Gap {
            reason: reason.into(),
            hint: hint.into(),
            expected: false,
        }
    }

    /// A part left out on purpose, or with nothing there to read: see [`Gap::expected`].
    pub fn expected(reason: impl Into<String>, hint: impl Into<String>) -> Self {
        Gap {
            expected: true,
            ..Gap::new(reason, hint)
        }
    }

    /// A part the running command had no use for, so it was never asked for.
    pub fn not_read(what: &str) -> Self {
        Gap::expected(
            format!("{what} were not read: this command does not use them"),
            "kubectl sandbox check reads them",
        )
    }
}

/// A part of the run that could not be read although nobody opted out of it: what makes a
/// run incomplete (exit 4). Reports list these so a gate says what it could not see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unread {
    /// What was not read: `nodes`, `GKE cluster`, `deployments`.
    pub part: String,
    pub reason: String,
    pub hint: String,
}

impl Unread {
    pub fn new(part: impl Into<String>, gap: &Gap) -> Self {
        Unread {
            part: part.into(),
            reason: gap.reason.clone(),
            hint: gap.hint.clone(),
        }
    }

    /// The unread part of `part`, unless it was read or its gap is expected.
    pub fn of<T>(name: &str, part: &Part<T>) -> Option<Unread> {
        part.gap()
            .filter(|gap| !gap.expected)
            .map(|gap| Unread::new(name, gap))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "namespace")]
pub enum PodScope {
    #[default]
    AllNamespaces,
    Namespace(String),
}

/// A `node.k8s.io/v1` RuntimeClass, trimmed to what the rules read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuntimeClassInfo {
    pub name: String,
    pub handler: String,
    /// `scheduling.nodeSelector`, merged into pods at admission.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub node_selector: BTreeMap<String, String>,
    /// `scheduling.tolerations`, as `key=value:Effect` strings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tolerations: Vec<String>,
}

/// A Node, trimmed to what the rules read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeInfo {
    pub name: String,
    /// The `cloud.google.com/gke-nodepool` label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pool: Option<String>,
    /// The `sandbox.gke.io/runtime` label value, when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sandbox_label: Option<String>,
    /// The `sandbox.gke.io/runtime` taint, as `value:Effect`, when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sandbox_taint: Option<String>,
    pub ready: bool,
    /// `status.nodeInfo.kubeletVersion`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kubelet_version: Option<String>,
}

impl NodeInfo {
    pub fn is_sandbox(&self) -> bool {
        self.sandbox_label.as_deref() == Some(GVISOR_HANDLER)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamespaceInfo {
    pub name: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
}

/// A Pod, trimmed to what the check rules read (explain-pod reads full specs itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PodInfo {
    pub namespace: String,
    pub name: String,
    /// `status.phase`: Pending, Running, Succeeded, Failed, Unknown.
    pub phase: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime_class_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_name: Option<String>,
    /// The controlling owner as `Kind/name`, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// The `PodScheduled=False` condition's message when its reason is `Unschedulable`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unschedulable: Option<String>,
}

impl PodInfo {
    /// Succeeded and Failed pods no longer run anything: coverage counts the others.
    pub fn is_active(&self) -> bool {
        !matches!(self.phase.as_str(), "Succeeded" | "Failed")
    }

    pub fn key(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }
}

impl ClusterSnapshot {
    /// The parts that could not be read although no one left them out, in report order.
    pub fn unread(&self) -> Vec<Unread> {
        [
            Unread::of("GKE cluster", &self.gke),
            Unread::of("runtime classes", &self.runtime_classes),
            Unread::of("nodes", &self.nodes),
            Unread::of("namespaces", &self.namespaces),
            Unread::of("pods", &self.pods),
            Unread::of("admission policies", &self.admission_policies),
            Unread::of("admission policy bindings", &self.admission_bindings),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    /// An empty snapshot whose every part is unknown for `reason`; readers replace parts.
    pub fn unknown(reason: &Gap) -> Self {
        ClusterSnapshot {
            schema: SNAPSHOT_SCHEMA.to_string(),
            captured_at: None,
            context: None,
            pod_scope: PodScope::AllNamespaces,
            gke: Part::Unknown(reason.clone()),
            runtime_classes: Part::Unknown(reason.clone()),
            nodes: Part::Unknown(reason.clone()),
            namespaces: Part::Unknown(reason.clone()),
            pods: Part::Unknown(reason.clone()),
            admission_policies: Part::Unknown(reason.clone()),
            admission_bindings: Part::Unknown(reason.clone()),
        }
    }

    /// Whether a pod runs under gVisor: its RuntimeClass is `gvisor`, or a RuntimeClass of
    /// another name whose handler is `gvisor` (docs/gke-sandbox.md#runtimeclass: a pod runs
    /// sandboxed when `spec.runtimeClassName: gvisor`; the handler selects the runtime).
    pub fn pod_is_sandboxed(&self, pod: &PodInfo) -> bool {
        let Some(class) = pod.runtime_class_name.as_deref() else {
            return false;
        };
        if class == GVISOR_RUNTIME_CLASS {
            return true;
        }
        self.runtime_classes.known().is_some_and(|classes| {
            classes
                .iter()
                .any(|rc| rc.name == class && rc.handler == GVISOR_HANDLER)
        })
    }
}
