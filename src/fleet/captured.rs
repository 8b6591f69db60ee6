//! What was captured of each cluster of the fleet: a snapshot, and whether its API server
//! was reached. `snapshot --all-contexts` writes this; `check --from` reads it back, so a
//! fleet audit can be kept as evidence and repeated offline.

use serde::{Deserialize, Serialize};

use super::members::{Member, get_credentials};
use crate::snapshot::{ClusterSnapshot, Gap, Part, PodScope, SNAPSHOT_SCHEMA};

/// Version tag of the fleet snapshot; bump on an incompatible change.
pub(crate) const FLEET_SNAPSHOT_SCHEMA: &str = "kubectl-sandbox.dev/fleet-snapshot/v1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct FleetSnapshot {
    /// Always [`FLEET_SNAPSHOT_SCHEMA`].
    pub schema: String,
    /// False with `--no-gke`: the GKE gaps were chosen, so they leave no audit incomplete.
    pub gke_asked: bool,
    pub clusters: Vec<CapturedCluster>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct CapturedCluster {
    /// The GKE cluster name when known, else the context.
    pub name: String,
    /// The GKE location, from GKE or from the context's `gke_PROJECT_LOCATION_CLUSTER`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    pub reach: Reach,
    pub snapshot: ClusterSnapshot,
}

/// Whether the cluster's API server was read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub(crate) enum Reach {
    Reached,
    /// Not reachable, not in time, or the credentials were refused.
    Unreachable {
        gap: Gap,
    },
    /// A listed GKE cluster no kubeconfig context reaches; the command adds one.
    NoContext {
        get_credentials: String,
    },
}

impl CapturedCluster {
    /// A cluster whose API server answered; `snapshot` holds what it said.
    pub(crate) fn reached(member: &Member, snapshot: ClusterSnapshot) -> Self {
        CapturedCluster {
            name: member.name(),
            location: location(member),
            reach: Reach::Reached,
            snapshot,
        }
    }

    /// A cluster whose API server could not be read: its GKE side is still audited.
    pub(crate) fn unreachable(member: &Member, gap: Gap, scope: PodScope) -> Self {
        CapturedCluster {
            name: member.name(),
            location: location(member),
            snapshot: outside_view(member, &gap, scope),
            reach: Reach::Unreachable { gap },
        }
    }

    /// A listed GKE cluster without a context: its GKE side is audited, the in-cluster
    /// checks say which command adds the context.
    pub(crate) fn without_context(member: &Member, scope: PodScope) -> Self {
        let command = member
            .target
            .as_ref()
            .map(get_credentials)
            .unwrap_or_else(|| "gcloud container clusters get-credentials".to_string());
        let gap = Gap::new(
            "no kubeconfig context reaches this cluster",
            format!("add one with: {command}"),
        );
        CapturedCluster {
            name: member.name(),
            location: location(member),
            snapshot: outside_view(member, &gap, scope),
            reach: Reach::NoContext {
                get_credentials: command,
            },
        }
    }
}

fn location(member: &Member) -> Option<String> {
    match (member.gke.known(), &member.target) {
        (Some(cluster), _) => Some(cluster.location.clone()),
        (None, Some(target)) => Some(target.location.clone()),
        (None, None) => None,
    }
}

/// The snapshot of a cluster seen from GKE alone: every in-cluster part is the gap.
fn outside_view(member: &Member, gap: &Gap, scope: PodScope) -> ClusterSnapshot {
    ClusterSnapshot {
        schema: SNAPSHOT_SCHEMA.to_string(),
        captured_at: None,
        context: member.context.clone(),
        pod_scope: scope,
        gke: member.gke.clone(),
        runtime_classes: Part::Unknown(gap.clone()),
        nodes: Part::Unknown(gap.clone()),
        namespaces: Part::Unknown(gap.clone()),
        pods: Part::Unknown(gap.clone()),
        admission_policies: Part::Unknown(gap.clone()),
        admission_bindings: Part::Unknown(gap.clone()),
    }
}
