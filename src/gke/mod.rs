//! The GKE side: the cluster model (sans-IO), GKE version arithmetic, the cluster's
//! identity, and the one place that runs gcloud.

pub mod commands;
pub mod gcloud;
pub mod gcloud_failure;
mod model;
pub mod names;
pub mod target;
mod version;

pub use model::{
    Autoscaling, GkeCluster, ListedCluster, NodePool, ParseError, SandboxSetting, Telemetry,
};
pub use target::GkeTarget;
pub use version::{AUTOPILOT_SANDBOX_FROM, GkeVersion};
