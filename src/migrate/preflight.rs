//! Can the cluster take sandboxed pods? RuntimeClass `gvisor`, and sandbox nodes or an
//! autoscaling sandbox pool that can add them; Autopilot needs no pool. When something is
//! missing, the exact `gcloud container node-pools create` for this cluster.

use serde::Serialize;

use crate::gke::{AUTOPILOT_SANDBOX_FROM, GkeVersion, commands};
use crate::snapshot::{ClusterSnapshot, GVISOR_HANDLER, GVISOR_RUNTIME_CLASS};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Preflight {
    /// Whether sandboxed pods can be scheduled now (or as soon as a pool scales up).
    pub ready: bool,
    /// What was found, one line each.
    pub checks: Vec<String>,
    /// What is missing, one line each.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
    /// `gcloud container node-pools create …` that adds the capacity (Standard only), as
    /// an argv (without `gcloud`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_node_pool: Option<Vec<String>>,
    /// Why no command could be given though one is needed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_command: Option<String>,
}

impl Preflight {
    /// The command as a person would type it.
    pub fn command_line(&self) -> Option<String> {
        self.create_node_pool.as_deref().map(commands::display)
    }
}

/// Judges `snapshot`; `pool_name` and `machine_type` (default: an ordinary pool's) fill the
/// node-pool command.
pub(crate) fn preflight(
    snapshot: &ClusterSnapshot,
    pool_name: &str,
    machine_type: Option<&str>,
) -> Preflight {
    let mut checks = Vec::new();
    let mut problems = Vec::new();
    let gke = snapshot.gke.known();
    let autopilot = gke.is_some_and(|g| g.autopilot);
    match snapshot.runtime_classes.known() {
        Some(classes)
            if classes
                .iter()
                .any(|rc| rc.name == GVISOR_RUNTIME_CLASS && rc.handler == GVISOR_HANDLER) =>
        {
            checks.push("RuntimeClass gvisor exists".to_string());
        }
        Some(_) if autopilot => {
            checks.push("Autopilot: RuntimeClass gvisor is built in".to_string());
        }
        Some(_) => problems.push(
            "RuntimeClass gvisor does not exist: GKE makes it with the first sandbox node pool"
                .to_string(),
        ),
        None => problems.push(format!(
            "RuntimeClasses could not be read: {}",
            snapshot
                .runtime_classes
                .gap()
                .map_or("", |g| g.reason.as_str())
        )),
    }
    if let Some(cluster) = gke.filter(|g| g.autopilot) {
        let version = cluster.master_version.as_deref();
        match version.map(str::parse::<GkeVersion>) {
            Some(Ok(v)) if v >= AUTOPILOT_SANDBOX_FROM => checks.push(
                "Autopilot: GKE adds sandbox nodes on demand, no node pool needed".to_string(),
            ),
            Some(Ok(_)) => problems.push(format!(
                "Autopilot control plane {} predates built-in GKE Sandbox ({AUTOPILOT_SANDBOX_FROM}): \
                 upgrade it with {}",
                version.unwrap_or_default(),
                commands::display(&commands::cluster(cluster, "upgrade", &["--master".into()]))
            )),
            _ => problems.push(
                "Autopilot control-plane version unknown: cannot tell whether GKE Sandbox is built in"
                    .to_string(),
            ),
        }
    } else {
        let ready_nodes = snapshot
            .nodes
            .known()
            .map(|nodes| nodes.iter().filter(|n| n.is_sandbox() && n.ready).count());
        let scalable: Vec<&str> = gke
            .into_iter()
            .flat_map(|g| g.sandbox_pools())
            .filter(|p| {
                p.autoscaling
                    .as_ref()
                    .is_some_and(|a| a.enabled && a.max_nodes.unwrap_or(0) > 0)
            })
            .map(|p| p.name.as_str())
            .collect();
        match ready_nodes {
            Some(n) if n > 0 => checks.push(format!("{n} Ready sandbox node(s)")),
            _ if !scalable.is_empty() => checks.push(format!(
                "no Ready sandbox node now; autoscaling sandbox pool {} can add them",
                scalable.join(", ")
            )),
            Some(_) => problems.push(
                "no Ready sandbox node and no autoscaling sandbox pool: sandboxed pods would stay Pending"
                    .to_string(),
            ),
            None => problems.push(format!(
                "nodes could not be read: {}",
                snapshot.nodes.gap().map_or("", |g| g.reason.as_str())
            )),
        }
    }
    let needs_pool = !problems.is_empty() && !autopilot;
    let (create_node_pool, no_command) = match (needs_pool, gke) {
        (false, _) => (None, None),
        (true, Some(cluster)) => {
            let machine = machine_type.or_else(|| commands::ordinary_machine_type(cluster));
            (
                Some(commands::create_sandbox_pool(cluster, pool_name, machine)),
                None,
            )
        }
        (true, None) => (
            None,
            Some(format!(
                "the GKE cluster is not known, so no node-pool command can be given: {}",
                snapshot.gke.gap().map_or("", |g| g.reason.as_str())
            )),
        ),
    };
    Preflight {
        ready: problems.is_empty(),
        checks,
        problems,
        create_node_pool,
        no_command,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gke::GkeCluster;
    use crate::snapshot::{Gap, NodeInfo, Part, RuntimeClassInfo};

    const STANDARD: &str = include_str!("../../tests/fixtures/gke/standard-with-sandbox.json");
    const PLAIN: &str = include_str!("../../tests/fixtures/gke/default-pool-only.json");
    const AUTOPILOT: &str = include_str!("../../tests/fixtures/gke/autopilot.json");

    fn snapshot(gke: &str, gvisor: bool, sandbox_nodes: usize) -> ClusterSnapshot {
        let mut s = ClusterSnapshot::unknown(&Gap::new("test", "none"));
        s.gke = Part::Known(GkeCluster::from_describe_json(gke).unwrap());
        s.runtime_classes = Part::Known(
            gvisor
                .then(|| RuntimeClassInfo {
                    name: "gvisor".into(),
                    handler: "gvisor".into(),
                    node_selector: Default::default(),
                    tolerations: Vec::new(),
                })
                .into_iter()
                .collect(),
        );
        s.nodes = Part::Known(
            (0..sandbox_nodes)
                .map(|i| NodeInfo {
                    name: format!("sbx-{i}"),
                    pool: Some("gvisor-pool".into()),
                    sandbox_label: Some("gvisor".into()),
                    sandbox_taint: None,
                    ready: true,
                    kubelet_version: None,
                })
                .collect(),
        );
        s
    }

    #[test]
    fn a_cluster_with_sandbox_nodes_is_ready() {
        let p = preflight(&snapshot(STANDARD, true, 1), "gvisor-pool", None);
        assert!(p.ready, "{p:?}");
        assert_eq!(p.create_node_pool, None);
    }

    #[test]
    fn a_regional_standard_cluster_without_a_pool_gets_the_command() {
        let p = preflight(&snapshot(PLAIN, false, 0), "gvisor-pool", None);
        assert!(!p.ready);
        assert_eq!(
            p.command_line().unwrap(),
            "gcloud container node-pools create gvisor-pool --cluster plain-eu --location europe-west1 \
             --project acme-prod --image-type=cos_containerd --sandbox=type=gvisor --machine-type=e2-standard-4"
        );
    }

    #[test]
    fn a_zonal_cluster_names_its_zone_and_flags_override() {
        let zonal = PLAIN
            .replace(
                "\"location\": \"europe-west1\"",
                "\"location\": \"europe-west1-b\"",
            )
            .replace("locations/europe-west1/", "locations/europe-west1-b/");
        let p = preflight(&snapshot(&zonal, false, 0), "sbx", Some("n2-standard-8"));
        let line = p.command_line().unwrap();
        assert!(
            line.contains("create sbx --cluster plain-eu --location europe-west1-b "),
            "{line}"
        );
        assert!(line.ends_with("--machine-type=n2-standard-8"), "{line}");
    }

    #[test]
    fn autopilot_never_gets_a_node_pool_command() {
        let p = preflight(&snapshot(AUTOPILOT, false, 0), "gvisor-pool", None);
        assert!(p.ready, "{p:?}");
        assert_eq!(p.create_node_pool, None);
    }

    #[test]
    fn autopilot_older_than_built_in_sandbox_is_not_ready_and_gets_no_pool_command() {
        let old = AUTOPILOT.replace("1.34.1-gke.1829001", "1.27.4-gke.799");
        let p = preflight(&snapshot(&old, false, 0), "gvisor-pool", None);
        assert!(!p.ready, "{p:?}");
        assert!(
            p.problems
                .iter()
                .any(|m| m.contains("predates built-in GKE Sandbox (1.27.4-gke.800)")),
            "{p:?}"
        );
        assert_eq!(p.create_node_pool, None);
        let new = AUTOPILOT.replace("1.34.1-gke.1829001", "1.27.4-gke.800");
        assert!(preflight(&snapshot(&new, true, 0), "gvisor-pool", None).ready);
    }
}
