//! What a live cluster knows and a manifest file does not. Every part is optional: the
//! offline `-f` path leaves them empty, the live path fills what it could read, and the
//! rules say "not known" instead of guessing when a part is missing.

use std::collections::BTreeMap;

use crate::gke::{GkeCluster, GkeVersion};
use crate::snapshot::{
    ClusterSnapshot, GVISOR_HANDLER, GVISOR_RUNTIME_CLASS, NamespaceInfo, RuntimeClassInfo,
    SANDBOX_NODE_LABEL,
};

#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'a> {
    /// Every namespace with its labels (Istio injection is a namespace label).
    pub namespaces: Option<&'a [NamespaceInfo]>,
    /// The GKE cluster: its version (GPU support) and node pools (pool pins).
    pub gke: Option<&'a GkeCluster>,
    /// The cluster's RuntimeClasses: the sandbox class's scheduling.
    pub runtime_classes: Option<&'a [RuntimeClassInfo]>,
}

/// A part of the context that was not known, and what the report could not check because
/// of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Unknown {
    pub part: &'static str,
    pub consequence: &'static str,
}

impl<'a> Context<'a> {
    /// Manifests only: nothing about the cluster is known.
    pub fn offline() -> Self {
        Context::default()
    }

    /// Whatever parts of a snapshot were read.
    pub fn from_snapshot(snapshot: &'a ClusterSnapshot) -> Self {
        Context {
            namespaces: snapshot.namespaces.known().map(Vec::as_slice),
            gke: snapshot.gke.known(),
            runtime_classes: snapshot.runtime_classes.known().map(Vec::as_slice),
        }
    }

    /// The labels of `namespace`, when namespaces are known and it exists.
    pub fn namespace_labels(&self, namespace: &str) -> Option<&'a BTreeMap<String, String>> {
        self.namespaces?
            .iter()
            .find(|ns| ns.name == namespace)
            .map(|ns| &ns.labels)
    }

    /// The oldest version the cluster's nodes may run: the lowest pool version, else the
    /// cluster's node version, else its control-plane version.
    pub fn node_version(&self) -> Option<GkeVersion> {
        let gke = self.gke?;
        let pools = gke
            .node_pools
            .iter()
            .filter_map(|p| p.version.as_deref()?.parse().ok())
            .min();
        pools.or_else(|| {
            gke.node_version
                .as_deref()
                .or(gke.master_version.as_deref())?
                .parse()
                .ok()
        })
    }

    /// The nodeSelector the sandbox RuntimeClass merges into pods: the cluster's class with
    /// the gVisor handler when known, else GKE's (`sandbox.gke.io/runtime: gvisor`).
    pub fn sandbox_node_selector(&self) -> BTreeMap<String, String> {
        let known = self.runtime_classes.and_then(|classes| {
            classes
                .iter()
                .find(|rc| rc.name == GVISOR_RUNTIME_CLASS && rc.handler == GVISOR_HANDLER)
                .or_else(|| classes.iter().find(|rc| rc.handler == GVISOR_HANDLER))
        });
        match known {
            Some(rc) if !rc.node_selector.is_empty() => rc.node_selector.clone(),
            _ => BTreeMap::from([(SANDBOX_NODE_LABEL.to_string(), GVISOR_HANDLER.to_string())]),
        }
    }

    /// What the report could not check, for its "not known" lines.
    pub fn unknowns(&self) -> Vec<Unknown> {
        let mut unknown = Vec::new();
        if self.namespaces.is_none() {
            unknown.push(Unknown {
                part: "namespace labels",
                consequence: "Istio injection enabled by a namespace label was not checked",
            });
        }
        if self.gke.is_none() {
            unknown.push(Unknown {
                part: "GKE version and node pools",
                consequence: "GPU support (version-dependent) and node-pool pins were not checked",
            });
        }
        if self.runtime_classes.is_none() {
            unknown.push(Unknown {
                part: "RuntimeClasses",
                consequence: "GKE's default sandbox scheduling (sandbox.gke.io/runtime=gvisor) was assumed",
            });
        }
        unknown
    }
}
