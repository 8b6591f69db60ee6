//! Workload objects as raw JSON: read, listed, patched and replaced exactly as the API
//! server has them. This is the one way every command reads workloads. Why JSON and not
//! typed structs: migrate keeps byte-for-byte backups and sends minimal patches (typed
//! structs would drop fields this version of k8s-openapi does not know), and explain-pod
//! builds its [`Workload`](crate::explain::Workload) from JSON anyway, so a typed read
//! would only add a round trip.

use std::collections::HashSet;

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{Namespace, Pod};
use kube::Resource;
use kube::api::{GetParams, Patch, PatchParams, PostParams};
use kube::core::Request;
use serde_json::Value;

use super::Connection;
use super::error::{ApiError, ApiRequest, ListScope, Verb, classify};
use super::in_order::InOrder;
use super::list::{first_page_names, list_pages, resource_name};
use crate::explain::WorkloadKind;

/// The field manager migrate's writes are recorded under.
pub(crate) const FIELD_MANAGER: &str = "kubectl-sandbox";

/// Where a kind lives in the API, from k8s-openapi's own metadata.
struct Collection {
    /// `/apis/apps/v1/namespaces/NS/deployments`, or across namespaces without `NS`.
    path: String,
    /// `deployments.apps`, as RBAC names it.
    resource: String,
    /// `apps/v1`.
    api_version: String,
}

fn collection(kind: WorkloadKind, namespace: Option<&str>) -> Collection {
    fn of<K: Resource<DynamicType = ()>>(namespace: Option<&str>) -> Collection {
        Collection {
            path: K::url_path(&(), namespace),
            resource: resource_name::<K>(),
            api_version: K::api_version(&()).into_owned(),
        }
    }
    match kind {
        WorkloadKind::Pod => of::<Pod>(namespace),
        WorkloadKind::Deployment => of::<Deployment>(namespace),
        WorkloadKind::StatefulSet => of::<StatefulSet>(namespace),
        WorkloadKind::DaemonSet => of::<DaemonSet>(namespace),
        WorkloadKind::ReplicaSet => of::<ReplicaSet>(namespace),
        WorkloadKind::Job => of::<Job>(namespace),
        WorkloadKind::CronJob => of::<CronJob>(namespace),
    }
}

/// One request about one object: where it goes and how a failure is named.
struct One<'a> {
    connection: &'a Connection,
    collection: Collection,
    namespace: &'a str,
    name: &'a str,
}

impl<'a> One<'a> {
    fn new(
        connection: &'a Connection,
        kind: WorkloadKind,
        namespace: &'a str,
        name: &'a str,
    ) -> Self {
        One {
            connection,
            collection: collection(kind, Some(namespace)),
            namespace,
            name,
        }
    }

    /// The answer, or the failure classified.
    fn answer(&self, verb: Verb, result: Result<Value, kube::Error>) -> Result<Value, ApiError> {
        result.map_err(|error| {
            let request = ApiRequest {
                verb,
                resource: self.collection.resource.clone(),
                scope: ListScope::Namespace(self.namespace),
                name: Some(self.name),
            };
            classify(&error, &request, &self.connection.server)
        })
    }
}

/// One object, as the API server returns it.
pub async fn get_workload(
    connection: &Connection,
    kind: WorkloadKind,
    namespace: &str,
    name: &str,
) -> Result<Value, ApiError> {
    let one = One::new(connection, kind, namespace, name);
    let result = match Request::new(&one.collection.path).get(name, &GetParams::default()) {
        Ok(request) => connection.client.request(request).await,
        Err(error) => Err(kube::Error::BuildRequest(error)),
    };
    one.answer(Verb::Get, result)
}

/// Every object of `kind` in `scope` matching `selector`, in pages, each with its
/// `apiVersion` and `kind` (list items carry none of their own) so every object reads like
/// a manifest, and kept as `trim(object)` as its page arrives: one page of full objects in
/// memory at a time.
pub(crate) async fn list_workloads<U>(
    connection: &Connection,
    kind: WorkloadKind,
    scope: ListScope<'_>,
    selector: Option<&str>,
    mut trim: impl FnMut(Value) -> U,
) -> Result<Vec<U>, ApiError> {
    let namespace = match scope {
        ListScope::Namespace(namespace) => Some(namespace),
        ListScope::Cluster | ListScope::AllNamespaces => None,
    };
    let Collection {
        path,
        resource,
        api_version,
    } = collection(kind, namespace);
    let stamp = |mut item: Value| {
        item["apiVersion"] = Value::String(api_version.clone());
        item["kind"] = Value::String(kind.name().to_string());
        trim(item)
    };
    list_pages(&connection.client, path, selector, stamp)
        .await
        .map_err(|error| {
            let request = ApiRequest {
                verb: Verb::List,
                resource,
                scope,
                name: None,
            };
            classify(&error, &request, &connection.server)
        })
}

/// Up to `limit` names of `kind` in `namespace`, metadata only, for shell completion:
/// none when they cannot be read (a completion that prints errors is worse than none).
pub(crate) async fn workload_names(
    connection: &Connection,
    kind: WorkloadKind,
    namespace: &str,
    limit: u32,
) -> Vec<String> {
    let path = collection(kind, Some(namespace)).path;
    first_page_names(&connection.client, path, limit)
        .await
        .unwrap_or_default()
}

/// Up to `limit` namespace names, for shell completion; none when they cannot be read.
pub(crate) async fn namespace_names(connection: &Connection, limit: u32) -> Vec<String> {
    first_page_names(&connection.client, Namespace::url_path(&(), None), limit)
        .await
        .unwrap_or_default()
}

/// The kinds [`list_top_level`] lists, owners before what they own.
pub(crate) const OWNERS_FIRST: [WorkloadKind; 7] = [
    WorkloadKind::Deployment,
    WorkloadKind::StatefulSet,
    WorkloadKind::DaemonSet,
    WorkloadKind::CronJob,
    WorkloadKind::Job,
    WorkloadKind::ReplicaSet,
    WorkloadKind::Pod,
];

/// Which owned workloads [`list_top_level`] keeps besides those no controller owns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Owned {
    /// None: migrate must not write what a controller rewrites.
    Skip,
    /// Also those whose controller this tool does not read (a CRD such as an Argo Rollout
    /// or a KubeVirt VM) or that is gone (a deleted ReplicaSet's pods): explain-pod explains
    /// them from themselves rather than not at all.
    UnreadOwners,
}

/// The kinds of [`OWNERS_FIRST`] in the order they are listed: each phase's lists are read
/// at once, after the phases holding their owners (a ReplicaSet's Deployment, a Job's
/// CronJob, a pod's ReplicaSet, Job, StatefulSet or DaemonSet), so every object is kept or
/// dropped as its page arrives.
const PHASES: [&[WorkloadKind]; 3] = [
    &[
        WorkloadKind::Deployment,
        WorkloadKind::StatefulSet,
        WorkloadKind::DaemonSet,
        WorkloadKind::CronJob,
    ],
    &[WorkloadKind::Job, WorkloadKind::ReplicaSet],
    &[WorkloadKind::Pod],
];

/// Every workload in `scope` matching `selector` that no listed controller owns (a
/// Deployment stands for its ReplicaSets and pods), made `keep(kind, object)` as its page
/// arrives and handed to `take` kind by kind in [`OWNERS_FIRST`] order: only one page of
/// full objects is in memory at a time, and what `take` does not hold is not held,
/// whatever the size of the cluster. A list that fails ends its kind early (what it read
/// before has been handed on); each kind's outcome is returned, in the same order.
pub(crate) async fn list_top_level<U>(
    connection: &Connection,
    scope: ListScope<'_>,
    selector: Option<&str>,
    owned: Owned,
    keep: impl Fn(WorkloadKind, Value) -> U,
    mut take: impl FnMut(WorkloadKind, U),
) -> Vec<(WorkloadKind, Result<(), ApiError>)> {
    let mut listed = Listed {
        uids: HashSet::new(),
        complete: Vec::new(),
    };
    let mut outcomes = Vec::new();
    for phase in PHASES {
        let order = InOrder::new(phase.len(), |i: usize, kept| take(phase[i], kept));
        let one = |i: usize| {
            let (listed, keep, order, kind) = (&listed, &keep, &order, phase[i]);
            async move {
                let mut uids = Vec::new();
                let read = list_workloads(connection, kind, scope, selector, |object| {
                    // Pods own no workload: their uids are not needed.
                    if kind != WorkloadKind::Pod
                        && let Some(uid) = object["metadata"]["uid"].as_str()
                    {
                        uids.push(uid.to_string());
                    }
                    let top_level = match crate::explain::controller(&object) {
                        None => true,
                        Some(_) if owned == Owned::Skip => false,
                        Some(owner) => !listed.stands_for(owner),
                    };
                    if top_level {
                        order.push(i, keep(kind, object));
                    }
                })
                .await;
                order.finish(i);
                (kind, read.map(|_| uids))
            }
        };
        let results = match phase.len() {
            4 => {
                let (a, b, c, d) = tokio::join!(one(0), one(1), one(2), one(3));
                vec![a, b, c, d]
            }
            2 => {
                let (a, b) = tokio::join!(one(0), one(1));
                vec![a, b]
            }
            n => {
                let mut results = Vec::new();
                for i in 0..n {
                    results.push(one(i).await);
                }
                results
            }
        };
        for (kind, result) in results {
            let outcome = result.map(|uids| {
                listed.uids.extend(uids);
                // With a selector, a list holds only what matches: nothing is known gone.
                if selector.is_none() {
                    listed.complete.push(kind);
                }
            });
            outcomes.push((kind, outcome));
        }
    }
    outcomes
}

/// The controllers the lists read, to tell an owned workload that is explained through
/// its owner from one whose owner is not read.
struct Listed {
    /// The uids of every object listed so far (all of them, owned or not).
    uids: HashSet<String>,
    /// The kinds whose list was read whole: an owner of such a kind that is not in it is
    /// gone. A kind not read (yet, or forbidden) may hold it.
    complete: Vec<WorkloadKind>,
}

impl Listed {
    /// Whether `owner` is explained in place of what it owns: it is listed, or it may be
    /// (a list forbidden or filtered by a selector), or it is the Node of a mirror pod
    /// (a static pod the kubelet runs: no workload to migrate).
    fn stands_for(&self, owner: &Value) -> bool {
        let kind = owner["kind"].as_str().unwrap_or_default();
        if kind == "Node" {
            return true;
        }
        let api_version = owner["apiVersion"].as_str().unwrap_or_default();
        let Some(listed_kind) = OWNERS_FIRST
            .into_iter()
            .find(|k| k.name() == kind && collection(*k, None).api_version == api_version)
        else {
            return false;
        };
        let uid = owner["uid"].as_str().unwrap_or_default();
        self.uids.contains(uid) || !self.complete.contains(&listed_kind)
    }
}

/// A JSON merge patch. Put `metadata.resourceVersion` in the patch to make it
/// conditional: the API server answers 409 Conflict if the object changed since.
pub(super) async fn merge_patch(
    connection: &Connection,
    kind: WorkloadKind,
    namespace: &str,
    name: &str,
    patch: &Value,
    dry_run: bool,
) -> Result<Value, ApiError> {
    let params = PatchParams {
        dry_run,
        field_manager: Some(FIELD_MANAGER.to_string()),
        ..PatchParams::default()
    };
    let one = One::new(connection, kind, namespace, name);
    let result = match Request::new(&one.collection.path).patch(name, &params, &Patch::Merge(patch))
    {
        Ok(request) => connection.client.request(request).await,
        Err(error) => Err(kube::Error::BuildRequest(error)),
    };
    one.answer(Verb::Patch, result)
}

/// Replaces the object (PUT); the body's `metadata.resourceVersion` makes it conditional.
pub(super) async fn replace(
    connection: &Connection,
    kind: WorkloadKind,
    namespace: &str,
    name: &str,
    object: &Value,
) -> Result<Value, ApiError> {
    let params = PostParams {
        dry_run: false,
        field_manager: Some(FIELD_MANAGER.to_string()),
    };
    let one = One::new(connection, kind, namespace, name);
    let body = serde_json::to_vec(object).expect("JSON values serialise");
    let result = match Request::new(&one.collection.path).replace(name, &params, body) {
        Ok(request) => connection.client.request(request).await,
        Err(error) => Err(kube::Error::BuildRequest(error)),
    };
    one.answer(Verb::Update, result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collections_come_from_the_api_groups() {
        let deployments = collection(WorkloadKind::Deployment, Some("shop"));
        assert_eq!(
            deployments.path,
            "/apis/apps/v1/namespaces/shop/deployments"
        );
        assert_eq!(deployments.resource, "deployments.apps");
        assert_eq!(deployments.api_version, "apps/v1");
        assert_eq!(
            collection(WorkloadKind::CronJob, None).path,
            "/apis/batch/v1/cronjobs"
        );
        let pods = collection(WorkloadKind::Pod, Some("a"));
        assert_eq!(pods.path, "/api/v1/namespaces/a/pods");
        assert_eq!(pods.api_version, "v1");
    }
}
