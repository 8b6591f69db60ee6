//! The whole result of one audit, as `-o json|yaml` prints it. The schema is versioned
//! (`schema`) and documented in `docs/check-report.schema.json`.

use serde::Serialize;

use super::{Finding, Status, Summary};
use crate::snapshot::ClusterSnapshot;

pub const REPORT_SCHEMA: &str = "kubectl-sandbox.dev/check/v1";

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema: &'static str,
    pub cluster: ClusterIdentity,
    pub findings: Vec<Finding>,
    pub summary: Summary,
    /// The `--fail-on` threshold the exit code was decided with.
    pub fail_on: Status,
    pub exit_code: u8,
}

/// Which cluster was audited, as far as it is known.
#[derive(Debug, Clone, Serialize)]
pub struct ClusterIdentity {
    pub context: Option<String>,
    pub gke_cluster: Option<String>,
    pub project: Option<String>,
    pub location: Option<String>,
    pub autopilot: Option<bool>,
    pub captured_at: Option<String>,
}

impl ClusterIdentity {
    pub fn of(snapshot: &ClusterSnapshot) -> Self {
        let gke = snapshot.gke.known();
        ClusterIdentity {
            context: snapshot.context.clone(),
            gke_cluster: gke.map(|c| c.name.clone()),
            project: gke.and_then(|c| c.project.clone()),
            location: gke.map(|c| c.location.clone()),
            autopilot: gke.map(|c| c.autopilot),
            captured_at: snapshot.captured_at.clone(),
        }
    }

    /// `prod-eu (europe-west1, context gke_…)`, or what is known of it.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(location) = &self.location {
            parts.push(location.clone());
        }
        if let Some(context) = &self.context {
            parts.push(format!("context {context}"));
        }
        let name = self.gke_cluster.as_deref().unwrap_or("cluster");
        if parts.is_empty() {
            name.to_string()
        } else {
            format!("{name} ({})", parts.join(", "))
        }
    }
}

impl Report {
    /// Audits the snapshot and decides the exit code against `fail_on`.
    pub fn build(
        snapshot: &ClusterSnapshot,
        untrusted: &super::Untrusted,
        fail_on: Status,
    ) -> Self {
        let findings = super::run(snapshot, untrusted);
        let summary = Summary::of(&findings);
        let exit_code = if findings.iter().any(|f| f.status >= fail_on) {
            crate::exit::FINDINGS
        } else {
            crate::exit::OK
        };
        Report {
            schema: REPORT_SCHEMA,
            cluster: ClusterIdentity::of(snapshot),
            findings,
            summary,
            fail_on,
            exit_code,
        }
    }
}
