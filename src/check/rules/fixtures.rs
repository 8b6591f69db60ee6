//! Builders for the small snapshots rule tests need. Test-only.

use crate::check::{Context, Outcome, Rule, Status, Untrusted};
use crate::gke::{Autoscaling, GkeCluster, NodePool, SandboxSetting, Telemetry};
use crate::snapshot::{
    ClusterSnapshot, Gap, NamespaceInfo, NodeInfo, Part, PodInfo, PodScope, RuntimeClassInfo,
    SNAPSHOT_SCHEMA,
};

pub(crate) fn snapshot() -> ClusterSnapshot {
    ClusterSnapshot {
        schema: SNAPSHOT_SCHEMA.into(),
        captured_at: None,
        context: None,
        pod_scope: PodScope::AllNamespaces,
        gke: Part::Known(standard(vec![
            ordinary_pool("default-pool"),
            sandbox_pool("gvisor"),
        ])),
        runtime_classes: Part::Known(vec![runtime_class("gvisor", "gvisor")]),
        nodes: Part::Known(vec![
            node("n1", "default-pool", false),
            node("g1", "gvisor", true),
        ]),
        namespaces: Part::Known(vec![]),
        pods: Part::Known(vec![]),
        admission_policies: Part::Known(vec![]),
        admission_bindings: Part::Known(vec![]),
    }
}

pub(crate) fn gap() -> Gap {
    Gap::new("gcloud was not found", "install the Google Cloud CLI")
}

pub(crate) fn standard(node_pools: Vec<NodePool>) -> GkeCluster {
    GkeCluster {
        name: "prod".into(),
        location: "europe-west1".into(),
        project: Some("acme".into()),
        autopilot: false,
        master_version: Some("1.33.5-gke.1201000".into()),
        node_version: Some("1.33.5-gke.1201000".into()),
        zones: vec!["europe-west1-b".into()],
        logging: Telemetry {
            enabled: true,
            evidence: "loggingService: logging.googleapis.com/kubernetes".into(),
        },
        monitoring: Telemetry {
            enabled: true,
            evidence: "monitoringService: monitoring.googleapis.com/kubernetes".into(),
        },
        node_pools,
    }
}

pub(crate) fn autopilot(version: &str) -> GkeCluster {
    GkeCluster {
        autopilot: true,
        master_version: Some(version.into()),
        ..standard(vec![ordinary_pool("default-pool")])
    }
}

pub(crate) fn ordinary_pool(name: &str) -> NodePool {
    NodePool {
        name: name.into(),
        sandbox: SandboxSetting::None,
        image_type: Some("COS_CONTAINERD".into()),
        machine_type: Some("e2-standard-4".into()),
        version: Some("1.33.5-gke.1201000".into()),
        initial_node_count: Some(1),
        autoscaling: Some(Autoscaling {
            enabled: true,
            min_nodes: Some(1),
            max_nodes: Some(3),
            total: false,
        }),
        status: Some("RUNNING".into()),
        labels: Default::default(),
        zones: vec![],
    }
}

pub(crate) fn sandbox_pool(name: &str) -> NodePool {
    NodePool {
        sandbox: SandboxSetting::Gvisor {
            field: "config.sandboxConfig.type".into(),
        },
        ..ordinary_pool(name)
    }
}

pub(crate) fn runtime_class(name: &str, handler: &str) -> RuntimeClassInfo {
    RuntimeClassInfo {
        name: name.into(),
        handler: handler.into(),
        node_selector: Default::default(),
        tolerations: vec![],
    }
}

pub(crate) fn node(name: &str, pool: &str, sandbox: bool) -> NodeInfo {
    NodeInfo {
        name: name.into(),
        pool: Some(pool.into()),
        sandbox_label: sandbox.then(|| "gvisor".into()),
        sandbox_taint: sandbox.then(|| "gvisor:NoSchedule".into()),
        ready: true,
        kubelet_version: Some("v1.33.5-gke.1201000".into()),
    }
}

pub(crate) fn namespace(name: &str, labels: &[(&str, &str)]) -> NamespaceInfo {
    NamespaceInfo {
        name: name.into(),
        labels: labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

pub(crate) fn pod(namespace: &str, name: &str, runtime_class: Option<&str>) -> PodInfo {
    PodInfo {
        namespace: namespace.into(),
        name: name.into(),
        phase: "Running".into(),
        runtime_class_name: runtime_class.map(str::to_string),
        node_name: Some("n1".into()),
        owner: None,
        unschedulable: None,
    }
}

/// Runs one rule on a snapshot with nothing named untrusted.
pub(crate) fn run(rule: &Rule, snapshot: &ClusterSnapshot) -> Vec<Outcome> {
    run_with(rule, snapshot, &Untrusted::default())
}

pub(crate) fn run_with(
    rule: &Rule,
    snapshot: &ClusterSnapshot,
    untrusted: &Untrusted,
) -> Vec<Outcome> {
    (rule.evaluate)(&Context {
        snapshot,
        untrusted,
    })
}

pub(crate) fn statuses(outcomes: &[Outcome]) -> Vec<Status> {
    outcomes.iter().map(|o| o.status).collect()
}

pub(crate) fn gke_mut(snapshot: &mut ClusterSnapshot) -> &mut GkeCluster {
    match &mut snapshot.gke {
        Part::Known(cluster) => cluster,
        Part::Unknown(_) => panic!("the fixture snapshot has GKE data"),
    }
}
