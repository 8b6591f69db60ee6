//! The GKE side: the cluster model (sans-IO), GKE version arithmetic, the cluster's
//! identity, and the one place that runs gcloud.

pub mod commands;
pub(crate) mod gcloud;
pub(crate) mod gcloud_failure;
mod model;
pub(crate) mod names;
pub(crate) mod target;
mod version;

pub(crate) use model::ListedCluster;
pub use model::{Autoscaling, GkeCluster, NodePool, SandboxSetting, Telemetry};
pub use target::GkeTarget;
pub(crate) use version::{AUTOPILOT_SANDBOX_FROM, GkeVersion};
