//! The whole result of one audit, as `-o json|yaml` prints it. The schema is versioned
//! (`schema`) and documented in `docs/check-report.schema.json`.

use serde::Serialize;

use super::{Finding, Status, Summary};
use crate::snapshot::{ClusterSnapshot, Unread};

pub(crate) const REPORT_SCHEMA: &str = "kubectl-sandbox.dev/check/v1";

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Report {
    pub schema: &'static str,
    pub cluster: ClusterIdentity,
    pub findings: Vec<Finding>,
    pub summary: Summary,
    /// The `--fail-on` threshold the exit code was decided with.
    pub fail_on: Status,
    /// A part nobody opted out of could not be read: the findings may miss something.
    pub incomplete: bool,
    /// What could not be read, why, and what to do; empty when complete.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unread: Vec<Unread>,
    pub exit_code: u8,
}

/// What decides the exit code besides the findings: `--fail-on` and `--allow-skip`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Gate {
    pub fail_on: Status,
    /// Accept an incomplete run: exit from the findings alone.
    pub allow_skip: bool,
}

impl Gate {
    /// The default gate: FAIL findings and incompleteness fail it.
    #[cfg(test)]
    pub(crate) const STRICT: Gate = Gate {
        fail_on: Status::Fail,
        allow_skip: false,
    };
}

/// Which cluster was audited, as far as it is known.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ClusterIdentity {
    pub context: Option<String>,
    pub gke_cluster: Option<String>,
    pub project: Option<String>,
    pub location: Option<String>,
    pub autopilot: Option<bool>,
    pub captured_at: Option<String>,
}

impl ClusterIdentity {
    pub(crate) fn of(snapshot: &ClusterSnapshot) -> Self {
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
    pub(crate) fn describe(&self) -> String {
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
    /// Audits the snapshot and decides the exit code with the gate (`crate::exit::decide`).
    pub(crate) fn build(
        snapshot: &ClusterSnapshot,
        untrusted: &super::Untrusted,
        gate: Gate,
    ) -> Self {
        let findings = super::run(snapshot, untrusted);
        let summary = Summary::of(&findings);
        let unread = snapshot.unread();
        let exit_code = crate::exit::decide(
            findings.iter().any(|f| f.status >= gate.fail_on),
            !unread.is_empty(),
            gate.allow_skip,
        );
        Report {
            schema: REPORT_SCHEMA,
            cluster: ClusterIdentity::of(snapshot),
            findings,
            summary,
            fail_on: gate.fail_on,
            incomplete: !unread.is_empty(),
            unread,
            exit_code,
        }
    }
}
