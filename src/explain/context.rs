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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::{Gap, Part};

    const STANDARD: &str = include_str!("../../tests/fixtures/gke/standard-with-sandbox.json");

    fn class(name: &str, handler: &str, selector: &[(&str, &str)]) -> RuntimeClassInfo {
        RuntimeClassInfo {
            name: name.into(),
            handler: handler.into(),
            node_selector: selector
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            tolerations: Vec::new(),
        }
    }

    #[test]
    fn offline_knows_nothing_and_says_so() {
        let context = Context::offline();
        let parts: Vec<&str> = context.unknowns().iter().map(|u| u.part).collect();
        assert_eq!(
            parts,
            [
                "namespace labels",
                "GKE version and node pools",
                "RuntimeClasses"
            ]
        );
        assert_eq!(context.node_version(), None);
        assert_eq!(
            context.sandbox_node_selector(),
            BTreeMap::from([(SANDBOX_NODE_LABEL.to_string(), "gvisor".to_string())])
        );
    }

    #[test]
    fn the_cluster_runtime_class_decides_the_scheduling() {
        let classes = [
            class("runc-ish", "runc", &[("other", "x")]),
            class(
                "gvisor",
                "gvisor",
                &[("sandbox.gke.io/runtime", "gvisor"), ("pool", "sbx")],
            ),
        ];
        let context = Context {
            runtime_classes: Some(&classes),
            ..Context::offline()
        };
        assert_eq!(context.sandbox_node_selector().len(), 2);
        assert!(
            context
                .unknowns()
                .iter()
                .all(|u| u.part != "RuntimeClasses")
        );
    }

    #[test]
    fn a_snapshot_fills_what_it_read() {
        let mut snapshot = ClusterSnapshot::unknown(&Gap::new("offline", "connect"));
        snapshot.gke = Part::Known(GkeCluster::from_describe_json(STANDARD).unwrap());
        snapshot.namespaces = Part::Known(vec![NamespaceInfo {
            name: "shop".into(),
            labels: BTreeMap::from([("istio-injection".to_string(), "enabled".to_string())]),
        }]);
        let context = Context::from_snapshot(&snapshot);
        assert_eq!(context.node_version(), "1.33.5-gke.1201000".parse().ok());
        assert_eq!(
            context
                .namespace_labels("shop")
                .and_then(|l| l.get("istio-injection")),
            Some(&"enabled".to_string())
        );
        assert_eq!(context.namespace_labels("absent"), None);
        let parts: Vec<&str> = context.unknowns().iter().map(|u| u.part).collect();
        assert_eq!(parts, ["RuntimeClasses"]);
    }
}
