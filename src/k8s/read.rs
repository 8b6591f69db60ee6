//! Reading the four in-cluster parts of the snapshot, concurrently.

use k8s_openapi::api::core::v1::{Namespace, Node, Pod};
use k8s_openapi::api::node::v1::RuntimeClass;
use kube::Api;

use super::Connection;
use super::failure::{ListScope, ReadFailure};
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
        runtime_classes: Result<Vec<RuntimeClassInfo>, ReadFailure>,
        nodes: Result<Vec<NodeInfo>, ReadFailure>,
        namespaces: Result<Vec<NamespaceInfo>, ReadFailure>,
        pods: Option<Result<Vec<PodInfo>, ReadFailure>>,
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
            .all(|failure| failure.is_some_and(|failure| failure.unreachable));
        let unreachable = all_out_of_reach
            .then(|| failures[0].map(|failure| failure.gap.clone()))
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

fn part<T>(result: Result<T, ReadFailure>) -> Part<T> {
    match result {
        Ok(value) => Part::Known(value),
        Err(failure) => Part::Unknown(failure.gap),
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
pub async fn read_context(connection: &Connection) -> ClusterReads {
    read(connection, None).await
}

async fn read(connection: &Connection, pods: Option<(&PodScope, Option<&str>)>) -> ClusterReads {
    let client = &connection.client;
    let runtime_classes = Api::<RuntimeClass>::all(client.clone());
    let nodes = Api::<Node>::all(client.clone());
    let namespaces = Api::<Namespace>::all(client.clone());
    let cluster = ListScope::Cluster;
    let (runtime_classes, nodes, namespaces, pods) = tokio::join!(
        read_list(
            connection,
            &runtime_classes,
            cluster,
            None,
            trim::runtime_class
        ),
        read_list(connection, &nodes, cluster, None, trim::node),
        read_list(connection, &namespaces, cluster, None, trim::namespace),
        async {
            let (scope, selector) = pods?;
            let (namespace, list_scope) = match scope {
                PodScope::AllNamespaces => (None, ListScope::AllNamespaces),
                PodScope::Namespace(namespace) => {
                    (Some(namespace.as_str()), ListScope::Namespace(namespace))
                }
            };
            // Pods are most of the bytes: only the fields the rules read are deserialized.
            Some(
                read_list_as::<Pod, PodFields, PodInfo>(
                    connection,
                    namespace,
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
