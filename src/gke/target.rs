//! Which GKE cluster to describe: from flags, or from the kubeconfig context's cluster.

/// A GKE cluster's identity: what `gcloud container clusters describe` needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GkeTarget {
    pub project: String,
    pub location: String,
    pub cluster: String,
}
