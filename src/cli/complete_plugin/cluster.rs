//! The cluster-backed candidates. Contexts come from the kubeconfig alone; namespaces, pods
//! and workloads are one small metadata-only list each, bounded by [`TIMEOUT`]. Any error
//! (no kubeconfig, no cluster, no permission, too slow) means no candidates: a completion
//! that prints errors or hangs is worse than none.

use std::fmt::Debug;
use std::time::Duration;

use k8s_openapi::NamespaceResourceScope;
use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{Namespace, Pod};
use kube::api::{Api, ListParams};
use kube::{Client, Resource};
use serde::de::DeserializeOwned;

use super::{Candidate, Scope};
use crate::cli::kube_args::KubeArgs;
use crate::k8s;

/// How long one completion may wait for the API server, credentials included.
pub const TIMEOUT: Duration = Duration::from_secs(2);

/// Enough names to choose from; more would only flood the terminal.
const LIMIT: u32 = 200;

/// The workload types `TYPE/NAME` completes, as kubectl spells them.
const WORKLOAD_TYPES: [(&str, &str); 7] = [
    ("deployment", "Deployment"),
    ("statefulset", "StatefulSet"),
    ("daemonset", "DaemonSet"),
    ("replicaset", "ReplicaSet"),
    ("job", "Job"),
    ("cronjob", "CronJob"),
    ("pod", "Pod"),
];

pub fn contexts(scope: &Scope) -> Vec<Candidate> {
    k8s::read_kubeconfig(scope.kubeconfig.as_deref())
        .map(|config| {
            config
                .contexts
                .into_iter()
                .map(|context| Candidate::plain(context.name))
                .collect()
        })
        .unwrap_or_default()
}

pub fn namespaces(scope: &Scope) -> Vec<Candidate> {
    ask(scope, |client, _| async move {
        names(Api::<Namespace>::all(client)).await
    })
}

pub fn pods(scope: &Scope) -> Vec<Candidate> {
    ask(scope, |client, namespace| async move {
        names(Api::<Pod>::namespaced(client, &namespace)).await
    })
}

/// `TYPE/` first (the user goes on typing), then `TYPE/NAME` for the type typed.
pub fn workloads(scope: &Scope, current: &str) -> Vec<Candidate> {
    let Some((typed, _)) = current.split_once('/') else {
        return WORKLOAD_TYPES
            .iter()
            .map(|(name, kind)| Candidate {
                value: format!("{name}/"),
                description: Some((*kind).to_owned()),
            })
            .collect();
    };
    let typed = typed.to_owned();
    ask(scope, |client, namespace| async move {
        let names = match typed.to_ascii_lowercase().as_str() {
            "deployment" | "deployments" | "deploy" => {
                names_in::<Deployment>(client, &namespace).await
            }
            "statefulset" | "statefulsets" | "sts" => {
                names_in::<StatefulSet>(client, &namespace).await
            }
            "daemonset" | "daemonsets" | "ds" => names_in::<DaemonSet>(client, &namespace).await,
            "replicaset" | "replicasets" | "rs" => names_in::<ReplicaSet>(client, &namespace).await,
            "job" | "jobs" => names_in::<Job>(client, &namespace).await,
            "cronjob" | "cronjobs" | "cj" => names_in::<CronJob>(client, &namespace).await,
            "pod" | "pods" | "po" => names_in::<Pod>(client, &namespace).await,
            _ => Vec::new(),
        };
        names
            .into_iter()
            .map(|name| format!("{typed}/{name}"))
            .collect()
    })
}

/// Connects as the scope says and runs `list` with the namespace to use (`-n`, else the
/// context's), all within [`TIMEOUT`] on a small runtime of its own.
fn ask<F, Fut>(scope: &Scope, list: F) -> Vec<Candidate>
where
    F: FnOnce(Client, String) -> Fut,
    Fut: Future<Output = Vec<String>>,
{
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        return Vec::new();
    };
    // The timer must be made inside the runtime, hence the outer async block.
    let names = runtime.block_on(async {
        tokio::time::timeout(TIMEOUT, async {
            let Some((client, default_namespace)) = connect(scope).await else {
                return Vec::new();
            };
            let namespace = scope.namespace.clone().unwrap_or(default_namespace);
            list(client, namespace).await
        })
        .await
        .unwrap_or_default()
    });
    names.into_iter().map(Candidate::plain).collect()
}

async fn connect(scope: &Scope) -> Option<(Client, String)> {
    let args = KubeArgs {
        kubeconfig: scope.kubeconfig.clone(),
        context: scope.context.clone(),
        request_timeout: TIMEOUT,
    };
    let client = k8s::connect(&args).await.ok()?.client;
    let namespace = client.default_namespace().to_string();
    Some((client, namespace))
}

async fn names_in<K>(client: Client, namespace: &str) -> Vec<String>
where
    K: Resource<DynamicType = (), Scope = NamespaceResourceScope>
        + Clone
        + DeserializeOwned
        + Debug,
{
    names(Api::<K>::namespaced(client, namespace)).await
}

/// One page of names, metadata only: the cheapest list the API server offers.
async fn names<K>(api: Api<K>) -> Vec<String>
where
    K: Resource + Clone + DeserializeOwned + Debug,
{
    api.list_metadata(&ListParams::default().limit(LIMIT))
        .await
        .map(|list| {
            list.items
                .into_iter()
                .filter_map(|item| item.metadata.name)
                .collect()
        })
        .unwrap_or_default()
}
