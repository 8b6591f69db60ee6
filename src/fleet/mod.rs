//! Auditing many clusters in one run, sans-IO: which clusters make up the fleet (kubeconfig
//! contexts, or a project's GKE clusters matched to contexts), what was captured of each,
//! and the fleet's summary and exit code. The per-cluster audit is `check`'s own
//! (snapshot in, `Report` out); this module only joins the pieces.

mod audit;
mod captured;
mod members;

pub(crate) use audit::{ClusterAudit, FleetReport, Row, State};
#[cfg(test)]
pub(crate) use captured::Reach;
pub(crate) use captured::{CapturedCluster, FLEET_SNAPSHOT_SCHEMA, FleetSnapshot};
pub(crate) use members::{
    KubeContext, Member, members_of_contexts, members_of_project, pick_contexts,
};
