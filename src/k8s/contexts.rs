//! Every context of the kubeconfig, for auditing many clusters in one run.

use std::path::Path;

use super::{ConnectError, read_kubeconfig};
use crate::fleet::KubeContext;

/// The contexts of the merged kubeconfig (found as kubectl finds it), in file order, each
/// with its cluster entry's name and server. No credential plugin runs and nothing is sent.
pub(crate) fn list_contexts(kubeconfig: Option<&Path>) -> Result<Vec<KubeContext>, ConnectError> {
    let config = read_kubeconfig(kubeconfig)?;
    let server_of = |cluster: &str| {
        config
            .clusters
            .iter()
            .find(|entry| entry.name == cluster)
            .and_then(|entry| entry.cluster.as_ref())
            .and_then(|cluster| cluster.server.clone())
    };
    Ok(config
        .contexts
        .iter()
        .map(|named| {
            let cluster = named
                .context
                .as_ref()
                .map(|context| context.cluster.clone())
                .unwrap_or_default();
            KubeContext {
                name: named.name.clone(),
                server: server_of(&cluster),
                cluster,
            }
        })
        .collect())
}
