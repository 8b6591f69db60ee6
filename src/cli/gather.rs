//! Getting a `ClusterSnapshot`: from a saved file, or live from the cluster and gcloud.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::CliError;
use super::source_args::{PodArgs, SourceArgs};
use crate::gke::gcloud::Gcloud;
use crate::gke::target::TargetFlags;
use crate::gke::{GkeCluster, GkeTarget};
use crate::k8s;
use crate::snapshot::{
    ClusterSnapshot, Gap, Part, PodScope, SNAPSHOT_SCHEMA, SavedSnapshotError, parse_saved,
};

/// Reads a snapshot written by `kubectl sandbox snapshot` (JSON or YAML); `--gke-json`
/// replaces its GKE part.
/// `text` is the file's content, read with [`read_input`]; `path` names it in messages.
pub(super) fn saved_snapshot(
    path: &Path,
    text: &str,
    source: &SourceArgs,
) -> Result<ClusterSnapshot, CliError> {
    let mut snapshot = parse_saved(text).map_err(|why| {
        let hint = match why {
            SavedSnapshotError::NotASnapshot(_) => {
                "write one with: kubectl sandbox snapshot -o json > FILE"
            }
            SavedSnapshotError::OtherSchema { .. } => {
                "capture it again with this version: kubectl sandbox snapshot"
            }
        };
        CliError::usage(format!("{}: {why}", path.display())).hint(hint)
    })?;
    if let Some(gke_json) = &source.gke_json {
        snapshot.gke = Part::Known(read_gke_json(gke_json)?);
    }
    Ok(snapshot)
}

/// `--gke-json FILE`: a saved `gcloud container clusters describe --format json`.
pub(super) fn read_gke_json(path: &Path) -> Result<GkeCluster, CliError> {
    let text = read_input(path)?;
    GkeCluster::from_describe_json(&text).map_err(|why| {
        CliError::usage(format!("{}: {why}", path.display())).hint(
            "save it with: gcloud container clusters describe CLUSTER --location LOCATION --project PROJECT --format json > FILE",
        )
    })
}

/// A file, or standard input for `-`.
pub(super) fn read_input(path: &Path) -> Result<String, CliError> {
    let result = if path == Path::new("-") {
        std::io::read_to_string(std::io::stdin())
    } else {
        std::fs::read_to_string(path)
    };
    result.map_err(|e| CliError::usage(format!("cannot read {}: {e}", path.display())))
}

/// Reads the cluster and asks GKE at the same time: gcloud runs on a blocking thread while
/// the four Kubernetes lists are read, so the audit takes as long as the slower side.
pub(super) fn live_snapshot(
    source: &SourceArgs,
    pods: &PodArgs,
) -> Result<ClusterSnapshot, CliError> {
    let selector = pods.selector.as_ref().map(|s| s.as_str());
    let reading = Reading::Audit {
        pod_selector: selector,
    };
    block_on(read_live(source, |_| pods.scope(), reading)).map(|(_, snapshot)| snapshot)
}

/// Runs a command's async part on a small runtime: the work is IO-bound and the machine
/// may have two cores.
pub(super) fn block_on<T>(
    future: impl std::future::Future<Output = Result<T, CliError>>,
) -> Result<T, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| CliError::unreachable(format!("cannot start the async runtime: {e}")))?
        .block_on(future)
}

/// How much of the cluster a command needs.
pub(super) enum Reading<'a> {
    /// What check and snapshot audit: everything, pods (matching the selector) and the
    /// admission policies included.
    Audit { pod_selector: Option<&'a str> },
    /// The context a workload is judged in (RuntimeClasses, nodes, namespace labels, GKE):
    /// explain-pod and migrate read their workloads themselves and never look at pods.
    WorkloadContext,
}

/// Connects, then reads the cluster while gcloud describes the GKE side. `scope` picks
/// the namespace scope once the connection (and so the context's namespace) is known. The
/// connection is returned too, for commands that read more (explain-pod's targets).
pub(super) async fn read_live(
    source: &SourceArgs,
    scope: impl FnOnce(&k8s::Connection) -> PodScope,
    reading: Reading<'_>,
) -> Result<(k8s::Connection, ClusterSnapshot), CliError> {
    // Each ConnectError already says what to do next (get-credentials, the contexts
    // there are, how to install the auth plugin).
    let connection = k8s::connect(&source.kube.connect_options())
        .await
        .map_err(|e| CliError::unreachable(e.to_string()))?;
    let scope = scope(&connection);
    let cancel_gcloud = Arc::new(AtomicBool::new(false));
    let gke = start_gke(source, &connection.cluster, Arc::clone(&cancel_gcloud));
    let (reads, admission) = match reading {
        Reading::Audit { pod_selector } => {
            let (reads, admission) = read_audit(&connection, &scope, pod_selector).await;
            (reads, Some(admission))
        }
        Reading::WorkloadContext => (k8s::read_context(&connection).await, None),
    };
    if let Some(gap) = reads.unreachable() {
        // No audit without the cluster: stop gcloud now rather than wait for its answer.
        cancel_gcloud.store(true, Ordering::SeqCst);
        let _ = gke.await;
        return Err(CliError::unreachable(gap.reason).hint(gap.hint));
    }
    let gke = gke.await.unwrap_or_else(|e| {
        Part::Unknown(Gap::new(
            format!("the gcloud task failed: {e}"),
            "run again",
        ))
    });
    let snapshot = assemble(&connection.context, scope, gke, reads, admission);
    Ok((connection, snapshot))
}

/// What check audits in the cluster, read at once: the four lists and the admission
/// policies.
pub(super) async fn read_audit(
    connection: &k8s::Connection,
    scope: &PodScope,
    pod_selector: Option<&str>,
) -> (k8s::ClusterReads, k8s::AdmissionReads) {
    tokio::join!(
        k8s::read_cluster(connection, scope, pod_selector),
        k8s::read_admission(connection),
    )
}

/// The snapshot of what was read; `admission` is None when the command did not read it.
pub(super) fn assemble(
    context: &str,
    scope: PodScope,
    gke: Part<GkeCluster>,
    reads: k8s::ClusterReads,
    admission: Option<k8s::AdmissionReads>,
) -> ClusterSnapshot {
    let (admission_policies, admission_bindings) = match admission {
        Some(admission) => (admission.policies, admission.bindings),
        None => (
            Part::Unknown(Gap::not_read("admission policies")),
            Part::Unknown(Gap::not_read("admission policy bindings")),
        ),
    };
    ClusterSnapshot {
        schema: SNAPSHOT_SCHEMA.to_string(),
        captured_at: Some(k8s_openapi::jiff::Timestamp::now().to_string()),
        context: Some(context.to_string()),
        pod_scope: scope,
        gke,
        runtime_classes: reads.runtime_classes,
        nodes: reads.nodes,
        namespaces: reads.namespaces,
        pods: reads.pods,
        admission_policies,
        admission_bindings,
    }
}

/// The GKE part: a saved file, nothing (`--no-gke`), or one gcloud call on a blocking
/// thread. Anything that goes wrong becomes a gap, never an error: the in-cluster audit
/// still runs.
fn start_gke(
    source: &SourceArgs,
    kubeconfig_cluster: &str,
    cancel: Arc<AtomicBool>,
) -> tokio::task::JoinHandle<Part<GkeCluster>> {
    let ready = |part| tokio::spawn(async move { part });
    if source.no_gke {
        return ready(Part::Unknown(Gap::expected(
            "GKE was not asked (--no-gke)",
            "run without --no-gke, or pass --gke-json FILE",
        )));
    }
    if let Some(path) = &source.gke_json {
        return ready(match read_gke_json(path) {
            Ok(cluster) => Part::Known(cluster),
            Err(e) => Part::Unknown(Gap::new(e.message, e.hint.unwrap_or_default())),
        });
    }
    let flags = TargetFlags {
        project: source.project.clone(),
        location: source.location.clone(),
        cluster: source.cluster.clone(),
    };
    let target = match GkeTarget::resolve(&flags, Some(kubeconfig_cluster)) {
        Ok(target) => target,
        Err(gap) => return ready(Part::Unknown(gap)),
    };
    let timeout = source.gcloud_timeout;
    tokio::task::spawn_blocking(move || {
        let describe = |gcloud: Gcloud| {
            gcloud
                .with_cancel(cancel)
                .describe_cluster(&target, timeout)
        };
        match Gcloud::locate().and_then(describe) {
            Ok(cluster) => Part::Known(cluster),
            Err(gap) => Part::Unknown(gap),
        }
    })
}
