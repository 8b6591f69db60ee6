//! Reading the four in-cluster parts of the snapshot, concurrently.

use k8s_openapi::api::core::v1::{Namespace, Node, Pod};
use k8s_openapi::api::node::v1::RuntimeClass;

use super::Connection;
use super::error::{ApiError, ListScope};
use super::list::{read_list, read_list_as};
use super::pod_fields::PodFields;
use super::trim;
use crate::snapshot::{Gap, NamespaceInfo, NodeInfo, Part, PodInfo, PodScope, RuntimeClassInfo};

/// What [`read_cluster`] could read, part by part.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterReads {
    pub runtime_classes: Part<Vec<RuntimeClassInfo>>,
    pub nodes: Part<Vec<NodeInfo>>,
    pub namespaces: Part<Vec<NamespaceInfo>>,
    pub pods: Part<Vec<PodInfo>>,
    unreachable: Option<Gap>,
}

impl ClusterReads {
    /// Some when no part could be read because the API server could not be reached (or
    /// not in time) or rejected the credentials: the cluster is out of reach, not merely
    /// partly hidden. The CLI exits with `exit::UNREACHABLE` then.
    pub fn unreachable(&self) -> Option<Gap> {
        self.unreachable.clone()
    }

    /// `pods` is None when they were not asked for.
    fn from_results(
        runtime_classes: Result<Vec<RuntimeClassInfo>, ApiError>,
        nodes: Result<Vec<NodeInfo>, ApiError>,
        namespaces: Result<Vec<NamespaceInfo>, ApiError>,
        pods: Option<Result<Vec<PodInfo>, ApiError>>,
    ) -> ClusterReads {
        let mut failures = vec![
            runtime_classes.as_ref().err(),
            nodes.as_ref().err(),
            namespaces.as_ref().err(),
        ];
        if let Some(pods) = &pods {
            failures.push(pods.as_ref().err());
        }
        let all_out_of_reach = failures
            .iter()
            .all(|failure| failure.is_some_and(ApiError::is_unreachable));
        let unreachable = all_out_of_reach
            .then(|| failures[0].map(ApiError::gap))
            .flatten();
        ClusterReads {
            runtime_classes: part(runtime_classes),
            nodes: part(nodes),
            namespaces: part(namespaces),
            pods: pods.map_or_else(|| Part::Unknown(Gap::not_read("pods")), part),
            unreachable,
        }
    }
}

fn part<T>(result: Result<T, ApiError>) -> Part<T> {
    match result {
        Ok(value) => Part::Known(value),
        Err(failure) => Part::Unknown(failure.gap()),
    }
}

/// Lists RuntimeClasses, Nodes, Namespaces and the pods in `scope` (optionally only
/// those matching `pod_label_selector`), all four at once. A part that fails becomes
/// `Part::Unknown` with the reason and what to do; the others are still read.
pub async fn read_cluster(
    connection: &Connection,
    scope: &PodScope,
    pod_label_selector: Option<&str>,
) -> ClusterReads {
    read(connection, Some((scope, pod_label_selector))).await
}

/// RuntimeClasses, Nodes and Namespaces only: the context a workload is judged in
/// (explain-pod, migrate). Pods, most of a cluster's bytes, are left unread.
pub(crate) async fn read_context(connection: &Connection) -> ClusterReads {
    read(connection, None).await
}

async fn read(connection: &Connection, pods: Option<(&PodScope, Option<&str>)>) -> ClusterReads {
    let cluster = ListScope::Cluster;
    let (runtime_classes, nodes, namespaces, pods) = tokio::join!(
        read_list::<RuntimeClass, _>(connection, cluster, None, trim::runtime_class),
        read_list::<Node, _>(connection, cluster, None, trim::node),
        read_list::<Namespace, _>(connection, cluster, None, trim::namespace),
        async {
            let (scope, selector) = pods?;
            let list_scope = ListScope::of(scope);
            // Pods are most of the bytes: only the fields the rules read are deserialized.
            Some(
                read_list_as::<Pod, PodFields, PodInfo>(
                    connection,
                    list_scope,
                    selector,
                    PodInfo::from,
                )
                .await,
            )
        },
    );
    ClusterReads::from_results(runtime_classes, nodes, namespaces, pods)
}
