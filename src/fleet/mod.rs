//! Auditing many clusters in one run, sans-IO: which clusters make up the fleet (kubeconfig
//! contexts, or a project's GKE clusters matched to contexts), what was captured of each,
//! and the fleet's summary and exit code. The per-cluster audit is `check`'s own
//! (snapshot in, `Report` out); this module only joins the pieces.

mod audit;
mod captured;
mod members;

pub use audit::{ClusterAudit, FLEET_REPORT_SCHEMA, FleetReport, FleetSummary, Row, State};
pub use captured::{CapturedCluster, FLEET_SNAPSHOT_SCHEMA, FleetSnapshot, Reach};
pub use members::{
    KubeContext, Member, get_credentials, members_of_contexts, members_of_project, pick_contexts,
};
