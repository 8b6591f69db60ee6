//! The cluster-backed candidates. Contexts come from the kubeconfig alone; namespaces, pods
//! and workloads are one small metadata-only list each, bounded by [`TIMEOUT`]. Any error
//! (no kubeconfig, no cluster, no permission, too slow) means no candidates: a completion
//! that prints errors or hangs is worse than none.

use std::time::Duration;

use super::{Candidate, Scope};
use crate::explain::WorkloadKind;
use crate::k8s::{self, ConnectOptions, Connection};

/// How long one completion may wait for the API server, credentials included.
pub(super) const TIMEOUT: Duration = Duration::from_secs(2);

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

pub(super) fn contexts(scope: &Scope) -> Vec<Candidate> {
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

pub(super) fn namespaces(scope: &Scope) -> Vec<Candidate> {
    ask(scope, |connection, _| async move {
        k8s::namespace_names(&connection, LIMIT).await
    })
}

pub(super) fn pods(scope: &Scope) -> Vec<Candidate> {
    ask(scope, |connection, namespace| async move {
        k8s::workload_names(&connection, WorkloadKind::Pod, &namespace, LIMIT).await
    })
}

/// `TYPE/` first (the user goes on typing), then `TYPE/NAME` for the type typed.
pub(super) fn workloads(scope: &Scope, current: &str) -> Vec<Candidate> {
    let Some((typed, _)) = current.split_once('/') else {
        return WORKLOAD_TYPES
            .iter()
            .map(|(name, kind)| Candidate {
                value: format!("{name}/"),
                description: Some((*kind).to_owned()),
            })
            .collect();
    };
    // kubectl's type forms, without a group: `deployments.apps/` is not offered names.
    let kind = (!typed.contains('.'))
        .then(|| WorkloadKind::from_type_name(typed))
        .flatten();
    let Some(kind) = kind else {
        return Vec::new();
    };
    let typed = typed.to_owned();
    ask(scope, |connection, namespace| async move {
        let names = k8s::workload_names(&connection, kind, &namespace, LIMIT).await;
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
    F: FnOnce(Connection, String) -> Fut,
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
            let options = ConnectOptions {
                kubeconfig: scope.kubeconfig.clone(),
                context: scope.context.clone(),
                request_timeout: TIMEOUT,
            };
            let Ok(connection) = k8s::connect(&options).await else {
                return Vec::new();
            };
            let namespace = (scope.namespace.clone())
                .unwrap_or_else(|| connection.default_namespace().to_string());
            list(connection, namespace).await
        })
        .await
        .unwrap_or_default()
    });
    names.into_iter().map(Candidate::plain).collect()
}
