//! The GKE side of the snapshot: one cluster and its node pools, parsed from the output of
//! `gcloud container clusters describe CLUSTER --format json` (container.googleapis.com v1
//! `Cluster`). Only the fields the rules read are kept; everything else is ignored, as the
//! real responses carry many more fields (shared/gke-api/README.md).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A GKE cluster, normalised from the v1 API shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GkeCluster {
    pub name: String,
    pub location: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    /// `autopilot.enabled`.
    pub autopilot: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub master_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_version: Option<String>,
    /// Zones the cluster's nodes run in (`locations`); a regional cluster has several.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub zones: Vec<String>,
    pub logging: Telemetry,
    pub monitoring: Telemetry,
    pub node_pools: Vec<NodePool>,
}

/// Whether Cloud Logging or Cloud Monitoring is on, and the field that says so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Telemetry {
    pub enabled: bool,
    /// The field and value that decided `enabled`, for the finding's evidence.
    pub evidence: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodePool {
    pub name: String,
    pub sandbox: SandboxSetting,
    /// `config.imageType` as GKE reports it (compare case-insensitively).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub machine_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// `initialNodeCount`: nodes per zone when autoscaling is off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_node_count: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autoscaling: Option<Autoscaling>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// `config.labels`: Kubernetes labels GKE puts on every node of the pool, new ones too.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// `locations`: the pool's zones, when GKE lists them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub zones: Vec<String>,
}

/// A node pool's sandbox setting (docs/gke-sandbox.md#node-pools).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum SandboxSetting {
    /// `sandboxConfig` absent, `{}`, null, or `type: UNSPECIFIED`.
    None,
    /// gVisor, with the field that said so: `sandboxConfig.type` (v1) or the deprecated
    /// `sandboxConfig.sandboxType`.
    Gvisor { field: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Autoscaling {
    pub enabled: bool,
    /// `minNodeCount` (per zone) or `totalMinNodeCount` (whole pool), whichever is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_nodes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_nodes: Option<u32>,
    /// The limits are `total…NodeCount` (the whole pool), not per zone.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub total: bool,
}

impl NodePool {
    pub fn is_sandbox(&self) -> bool {
        matches!(self.sandbox, SandboxSetting::Gvisor { .. })
    }

    /// Whether the pool keeps at least one node at all times: autoscaling with a minimum of
    /// at least one, or a fixed size of at least one (docs/gke-sandbox.md#node-pools: at
    /// least one pool without sandbox that keeps at least one node).
    pub fn keeps_a_node(&self) -> bool {
        match &self.autoscaling {
            Some(a) if a.enabled => a.min_nodes.unwrap_or(0) >= 1,
            _ => self.initial_node_count.unwrap_or(0) >= 1,
        }
    }

    /// Whether the pool may have no nodes right now by design (autoscaling down to zero).
    pub fn may_scale_to_zero(&self) -> bool {
        self.autoscaling
            .as_ref()
            .is_some_and(|a| a.enabled && a.min_nodes.unwrap_or(0) == 0)
    }
}

/// Why a `clusters describe` document could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    #[error("not JSON: {0}")]
    NotJson(#[from] serde_json::Error),
    #[error("not a GKE cluster: the field `{0}` is missing")]
    MissingField(&'static str),
}

/// One cluster of `gcloud container clusters list --format json`, with the API server
/// address a kubeconfig's `server: https://ENDPOINT` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedCluster {
    pub cluster: GkeCluster,
    /// `endpoint`: the control plane's IP address (absent while a cluster is provisioning).
    pub endpoint: Option<String>,
}

impl GkeCluster {
    /// Parses `gcloud container clusters list --format json` output: a JSON array of the
    /// same `Cluster` objects `describe` prints, node pools included.
    pub fn list_from_json(text: &str) -> Result<Vec<ListedCluster>, ParseError> {
        let raw: Vec<api::Cluster> = serde_json::from_str(text)?;
        raw.into_iter()
            .map(|cluster| {
                let endpoint = cluster.endpoint.clone().filter(|e| !e.is_empty());
                Ok(ListedCluster {
                    cluster: cluster.normalise()?,
                    endpoint,
                })
            })
            .collect()
    }

    /// Parses `gcloud container clusters describe --format json` output.
    pub fn from_describe_json(text: &str) -> Result<Self, ParseError> {
        let raw: api::Cluster = serde_json::from_str(text)?;
        raw.normalise()
    }

    /// The pools GKE calls sandboxed.
    pub fn sandbox_pools(&self) -> impl Iterator<Item = &NodePool> {
        self.node_pools.iter().filter(|p| p.is_sandbox())
    }
}

/// The v1 API's field names, as gcloud prints them. Private: the rest of the crate sees
/// only the normalised types above.
mod api {
    use serde::Deserialize;

    use super::{Autoscaling, GkeCluster, NodePool, ParseError, SandboxSetting, Telemetry};

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub(super) struct Cluster {
        name: Option<String>,
        location: Option<String>,
        zone: Option<String>,
        self_link: Option<String>,
        pub(super) endpoint: Option<String>,
        #[serde(default)]
        locations: Vec<String>,
        current_master_version: Option<String>,
        current_node_version: Option<String>,
        autopilot: Option<Autopilot>,
        logging_service: Option<String>,
        logging_config: Option<ComponentHolder>,
        monitoring_service: Option<String>,
        monitoring_config: Option<ComponentHolder>,
        #[serde(default)]
        node_pools: Vec<Pool>,
    }

    #[derive(Deserialize)]
    struct Autopilot {
        #[serde(default)]
        enabled: bool,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct ComponentHolder {
        component_config: Option<ComponentConfig>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct ComponentConfig {
        #[serde(default)]
        enable_components: Vec<String>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Pool {
        name: String,
        config: Option<PoolConfig>,
        initial_node_count: Option<u32>,
        autoscaling: Option<PoolAutoscaling>,
        version: Option<String>,
        status: Option<String>,
        #[serde(default)]
        locations: Vec<String>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct PoolConfig {
        machine_type: Option<String>,
        image_type: Option<String>,
        sandbox_config: Option<SandboxConfig>,
        #[serde(default)]
        labels: std::collections::BTreeMap<String, String>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct SandboxConfig {
        #[serde(rename = "type")]
        kind: Option<String>,
        sandbox_type: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct PoolAutoscaling {
        #[serde(default)]
        enabled: bool,
        min_node_count: Option<u32>,
        total_min_node_count: Option<u32>,
        max_node_count: Option<u32>,
        total_max_node_count: Option<u32>,
    }

    impl Cluster {
        pub(super) fn normalise(self) -> Result<GkeCluster, ParseError> {
            let name = self.name.ok_or(ParseError::MissingField("name"))?;
            let location = self
                .location
                .or(self.zone)
                .ok_or(ParseError::MissingField("location"))?;
            let project = self.self_link.as_deref().and_then(project_from_self_link);
            let logging = telemetry(
                "loggingService",
                self.logging_service.as_deref(),
                "loggingConfig",
                self.logging_config.as_ref(),
            );
            let monitoring = telemetry(
                "monitoringService",
                self.monitoring_service.as_deref(),
                "monitoringConfig",
                self.monitoring_config.as_ref(),
            );
            Ok(GkeCluster {
                name,
                location,
                project,
                autopilot: self.autopilot.is_some_and(|a| a.enabled),
                master_version: self.current_master_version,
                node_version: self.current_node_version,
                zones: self.locations,
                logging,
                monitoring,
                node_pools: self.node_pools.into_iter().map(Pool::normalise).collect(),
            })
        }
    }

    impl Pool {
        fn normalise(self) -> NodePool {
            let config = self.config;
            let sandbox = config
                .as_ref()
                .and_then(|c| c.sandbox_config.as_ref())
                .map_or(SandboxSetting::None, SandboxConfig::setting);
            let (image_type, machine_type, labels) = match config {
                Some(c) => (c.image_type, c.machine_type, c.labels),
                None => (None, None, Default::default()),
            };
            NodePool {
                name: self.name,
                sandbox,
                image_type,
                machine_type,
                version: self.version,
                initial_node_count: self.initial_node_count,
                autoscaling: self.autoscaling.map(|a| Autoscaling {
                    enabled: a.enabled,
                    min_nodes: a.min_node_count.or(a.total_min_node_count),
                    max_nodes: a.max_node_count.or(a.total_max_node_count),
                    total: a.max_node_count.is_none() && a.total_max_node_count.is_some(),
                }),
                status: self.status,
                labels,
                zones: self.locations,
            }
        }
    }

    impl SandboxConfig {
        /// v1 says `type: GVISOR`; older API versions and the CIS audit text say
        /// `sandboxType: gvisor` (docs/gke-sandbox.md#node-pools). Accept both, any case.
        fn setting(&self) -> SandboxSetting {
            if self
                .kind
                .as_deref()
                .is_some_and(|t| t.eq_ignore_ascii_case("gvisor"))
            {
                SandboxSetting::Gvisor {
                    field: "config.sandboxConfig.type".into(),
                }
            } else if self
                .sandbox_type
                .as_deref()
                .is_some_and(|t| t.eq_ignore_ascii_case("gvisor"))
            {
                SandboxSetting::Gvisor {
                    field: "config.sandboxConfig.sandboxType".into(),
                }
            } else {
                SandboxSetting::None
            }
        }
    }

    /// The legacy `*Service` string wins when present ("none" means off); otherwise the
    /// newer `*Config.componentConfig.enableComponents` list decides (empty means off).
    fn telemetry(
        service_field: &str,
        service: Option<&str>,
        config_field: &str,
        config: Option<&ComponentHolder>,
    ) -> Telemetry {
        if let Some(service) = service {
            return Telemetry {
                enabled: !service.is_empty() && service != "none",
                evidence: format!("{service_field}: {service}"),
            };
        }
        let components = config
            .and_then(|c| c.component_config.as_ref())
            .map(|c| c.enable_components.clone())
            .unwrap_or_default();
        Telemetry {
            enabled: !components.is_empty(),
            evidence: if components.is_empty() {
                format!("{service_field} and {config_field} not set")
            } else {
                format!(
                    "{config_field}.componentConfig.enableComponents: [{}]",
                    components.join(", ")
                )
            },
        }
    }

    /// `https://container.googleapis.com/v1/projects/P/locations/L/clusters/C` → `P`.
    fn project_from_self_link(link: &str) -> Option<String> {
        let mut parts = link.split('/');
        parts.find(|p| *p == "projects")?;
        parts.next().filter(|p| !p.is_empty()).map(str::to_string)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STANDARD: &str = include_str!("../../tests/fixtures/gke/standard-with-sandbox.json");
    const AUTOPILOT: &str = include_str!("../../tests/fixtures/gke/autopilot.json");

    fn pool_json(sandbox: &str) -> String {
        format!(
            r#"{{"name":"c","location":"l","nodePools":[{{"name":"p","config":{{"imageType":"COS_CONTAINERD"{sandbox}}}}}]}}"#
        )
    }

    #[test]
    fn a_list_is_the_clusters_with_their_endpoints() {
        let text = format!(
            r#"[{}, {{"name":"up","location":"l","endpoint":"34.1.2.3","nodePools":[]}}]"#,
            STANDARD
        );
        let listed = GkeCluster::list_from_json(&text).unwrap();
        let names: Vec<&str> = listed.iter().map(|l| l.cluster.name.as_str()).collect();
        assert_eq!(names, ["prod-eu", "up"]);
        assert_eq!(listed[0].endpoint, None);
        assert_eq!(listed[1].endpoint.as_deref(), Some("34.1.2.3"));
        assert_eq!(
            listed[0].cluster.node_pools.len(),
            2,
            "pools come with the list"
        );
        assert!(GkeCluster::list_from_json("[]").unwrap().is_empty());
        assert!(
            GkeCluster::list_from_json(STANDARD).is_err(),
            "one object is not a list"
        );
    }

    #[test]
    fn parses_the_standard_sample() {
        let c = GkeCluster::from_describe_json(STANDARD).unwrap();
        assert_eq!(c.name, "prod-eu");
        assert_eq!(c.project.as_deref(), Some("acme-prod"));
        assert!(!c.autopilot);
        assert_eq!(c.node_pools.len(), 2);
        assert!(!c.node_pools[0].is_sandbox());
        assert!(c.node_pools[1].is_sandbox());
        assert!(c.logging.enabled && c.monitoring.enabled);
        assert_eq!(c.zones.len(), 3);
    }

    #[test]
    fn keeps_the_pool_labels_and_whether_limits_are_totals() {
        let text = r#"{"name":"c","location":"l","nodePools":[{"name":"p",
            "config":{"labels":{"sandbox.gke.io/runtime":"gvisor","team":"data"}},
            "autoscaling":{"enabled":true,"totalMinNodeCount":1,"totalMaxNodeCount":9}}]}"#;
        let pool = &GkeCluster::from_describe_json(text).unwrap().node_pools[0];
        assert_eq!(pool.labels["sandbox.gke.io/runtime"], "gvisor");
        assert_eq!(pool.labels["team"], "data");
        let scaling = pool.autoscaling.as_ref().unwrap();
        assert_eq!((scaling.max_nodes, scaling.total), (Some(9), true));
    }

    #[test]
    fn parses_the_autopilot_sample() {
        let c = GkeCluster::from_describe_json(AUTOPILOT).unwrap();
        assert!(c.autopilot);
        assert!(c.logging.enabled);
        assert_eq!(c.master_version.as_deref(), Some("1.34.1-gke.1829001"));
    }

    #[test]
    fn accepts_the_v1_type_field() {
        let c = GkeCluster::from_describe_json(&pool_json(r#","sandboxConfig":{"type":"GVISOR"}"#))
            .unwrap();
        assert_eq!(
            c.node_pools[0].sandbox,
            SandboxSetting::Gvisor {
                field: "config.sandboxConfig.type".into()
            }
        );
    }

    #[test]
    fn accepts_the_legacy_sandbox_type_field() {
        let c = GkeCluster::from_describe_json(&pool_json(
            r#","sandboxConfig":{"sandboxType":"gvisor"}"#,
        ))
        .unwrap();
        assert_eq!(
            c.node_pools[0].sandbox,
            SandboxSetting::Gvisor {
                field: "config.sandboxConfig.sandboxType".into()
            }
        );
    }

    #[test]
    fn absent_empty_null_and_unspecified_sandbox_mean_none() {
        for sandbox in [
            "",
            r#","sandboxConfig":{}"#,
            r#","sandboxConfig":null"#,
            r#","sandboxConfig":{"type":"UNSPECIFIED"}"#,
        ] {
            let c = GkeCluster::from_describe_json(&pool_json(sandbox)).unwrap();
            assert_eq!(c.node_pools[0].sandbox, SandboxSetting::None, "{sandbox}");
        }
    }

    #[test]
    fn keeps_a_node_follows_autoscaling_minimum_or_fixed_size() {
        let mut pool = GkeCluster::from_describe_json(&pool_json(""))
            .unwrap()
            .node_pools[0]
            .clone();
        assert!(!pool.keeps_a_node(), "no size known");
        pool.initial_node_count = Some(1);
        assert!(pool.keeps_a_node());
        pool.autoscaling = Some(Autoscaling {
            enabled: true,
            min_nodes: Some(0),
            max_nodes: Some(3),
            total: false,
        });
        assert!(
            !pool.keeps_a_node(),
            "autoscaling to zero wins over initial count"
        );
        assert!(pool.may_scale_to_zero());
        pool.autoscaling.as_mut().unwrap().min_nodes = Some(1);
        assert!(pool.keeps_a_node());
        assert!(!pool.may_scale_to_zero());
    }

    #[test]
    fn logging_none_is_off_and_missing_config_is_off() {
        let c = GkeCluster::from_describe_json(
            r#"{"name":"c","location":"l","loggingService":"none"}"#,
        )
        .unwrap();
        assert!(!c.logging.enabled);
        assert!(!c.monitoring.enabled);
        assert_eq!(
            c.monitoring.evidence,
            "monitoringService and monitoringConfig not set"
        );
    }

    #[test]
    fn rejects_documents_that_are_not_clusters() {
        assert!(matches!(
            GkeCluster::from_describe_json("[]"),
            Err(ParseError::NotJson(_))
        ));
        assert!(matches!(
            GkeCluster::from_describe_json(r#"{"location":"l"}"#),
            Err(ParseError::MissingField("name"))
        ));
        assert!(GkeCluster::from_describe_json("Listed 0 items.").is_err());
    }
}
