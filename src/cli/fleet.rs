//! Many clusters in one run: `--all-contexts`, `--contexts a,b`, `--project P
//! --all-clusters`. Captures every cluster (Kubernetes reads concurrently, at most
//! `--parallel` at a time, each within `--cluster-timeout`; gcloud one call per project,
//! never two at once), then hands the captures to the sans-IO fleet audit.

use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::CliError;
use super::gather::{assemble, block_on, read_audit};
use super::kube_args::parse_duration;
use super::source_args::{PodArgs, SourceArgs};
use crate::fleet::{
    CapturedCluster, FLEET_SNAPSHOT_SCHEMA, FleetSnapshot, Member, members_of_contexts,
    members_of_project, pick_contexts,
};
use crate::gke::ListedCluster;
use crate::gke::gcloud::Gcloud;
use crate::k8s::{self, AdmissionReads, ClusterReads, ConnectError};
use crate::snapshot::{Gap, PodScope};

#[derive(Debug, Clone, Args)]
pub(crate) struct FleetArgs {
    /// Audit every context of the kubeconfig.
    #[arg(long, help_heading = "Many clusters", conflicts_with_all = ["context", "contexts", "all_clusters", "project", "cluster", "location", "gke_json"])]
    pub all_contexts: bool,

    /// Audit these contexts (comma-separated).
    #[arg(long, value_name = "NAME,…", value_delimiter = ',', help_heading = "Many clusters", conflicts_with_all = ["context", "all_clusters", "project", "cluster", "location", "gke_json"])]
    pub contexts: Option<Vec<String>>,

    /// Audit every GKE cluster of --project, found with one `gcloud container clusters list`.
    #[arg(long, requires = "project", help_heading = "Many clusters", conflicts_with_all = ["context", "cluster", "location", "gke_json", "no_gke"])]
    pub all_clusters: bool,

    /// How many clusters are read at the same time.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..), help_heading = "Many clusters")]
    pub parallel: u16,

    /// How long one cluster may take to read before it is reported unreachable.
    #[arg(long, value_name = "DURATION", default_value = "2m", value_parser = parse_duration, help_heading = "Many clusters")]
    pub cluster_timeout: Duration,
}

impl FleetArgs {
    pub(crate) fn requested(&self) -> bool {
        self.all_contexts || self.contexts.is_some() || self.all_clusters
    }
}

/// Reads every cluster the flags name. Fails only when there is nothing to audit: no
/// kubeconfig or contexts to read, or no cluster list for `--all-clusters`.
pub(super) fn capture(
    fleet: &FleetArgs,
    source: &SourceArgs,
    pods: &PodArgs,
) -> Result<FleetSnapshot, CliError> {
    let gke_asked = !source.no_gke;
    let contexts = match k8s::list_contexts(source.kube.kubeconfig.as_deref()) {
        Ok(contexts) => contexts,
        // A project's clusters need no kubeconfig: they are all reported without context.
        Err(ConnectError::KubeconfigMissing { .. }) if fleet.all_clusters => Vec::new(),
        Err(error) => return Err(CliError::unreachable(error.to_string())),
    };
    let (mut members, projects_to_list) = if fleet.all_clusters {
        let project = source.project.clone().unwrap_or_default();
        let listed = list_clusters(&project, source.gcloud_timeout)
            .map_err(|gap| CliError::unreachable(gap.reason).hint(gap.hint))?;
        (members_of_project(&project, &listed, &contexts), Vec::new())
    } else {
        let picked =
            pick_contexts(&contexts, fleet.contexts.as_deref()).map_err(CliError::usage)?;
        if picked.is_empty() {
            return Err(CliError::usage("the kubeconfig has no contexts to audit")
                .hint("add one with: gcloud container clusters get-credentials CLUSTER --project PROJECT --location LOCATION"));
        }
        let members = members_of_contexts(&picked, gke_asked);
        let projects = if gke_asked {
            projects_of(&members)
        } else {
            Vec::new()
        };
        (members, projects)
    };
    let scope = pods.scope();
    let selector = pods.selector.as_ref().map(|s| s.to_string());
    let reads = block_on(async {
        let gcloud_timeout = source.gcloud_timeout;
        // gcloud runs one project after another on its own thread while clusters are read.
        let lists = tokio::task::spawn_blocking(move || {
            projects_to_list
                .into_iter()
                .map(|project| {
                    let list = list_clusters(&project, gcloud_timeout);
                    (project, list)
                })
                .collect::<Vec<_>>()
        });
        let reads = read_all(&members, source, fleet, &scope, selector).await;
        let lists = lists
            .await
            .map_err(|e| CliError::unreachable(format!("the gcloud task failed: {e}")))?;
        for (project, list) in &lists {
            for member in &mut members {
                member.attach(project, list);
            }
        }
        Ok(reads)
    })?;
    let clusters = members
        .iter()
        .zip(reads)
        .map(|(member, read)| match read {
            None => CapturedCluster::without_context(member, scope.clone()),
            Some(Err(gap)) => CapturedCluster::unreachable(member, gap, scope.clone()),
            Some(Ok(read)) => CapturedCluster::reached(
                member,
                assemble(
                    &read.context,
                    scope.clone(),
                    member.gke.clone(),
                    read.reads,
                    Some(read.admission),
                ),
            ),
        })
        .collect();
    Ok(FleetSnapshot {
        schema: FLEET_SNAPSHOT_SCHEMA.to_string(),
        gke_asked,
        clusters,
    })
}

/// The projects the members belong to, each once, in order.
fn projects_of(members: &[Member]) -> Vec<String> {
    let mut projects: Vec<String> = Vec::new();
    for target in members.iter().filter_map(|m| m.target.as_ref()) {
        if !projects.contains(&target.project) {
            projects.push(target.project.clone());
        }
    }
    projects
}

fn list_clusters(project: &str, timeout: Duration) -> Result<Vec<ListedCluster>, Gap> {
    Gcloud::locate()?.list_clusters(project, timeout)
}

/// What one cluster's API server said.
struct ClusterRead {
    context: String,
    reads: ClusterReads,
    admission: AdmissionReads,
}

/// Reads every member that has a context, at most `--parallel` at once; a member without
/// a context is None.
async fn read_all(
    members: &[Member],
    source: &SourceArgs,
    fleet: &FleetArgs,
    scope: &PodScope,
    selector: Option<String>,
) -> Vec<Option<Result<ClusterRead, Gap>>> {
    let permits = Arc::new(Semaphore::new(usize::from(fleet.parallel)));
    let mut tasks = JoinSet::new();
    for (index, member) in members.iter().enumerate() {
        let Some(context) = member.context.clone() else {
            continue;
        };
        let mut kube = source.kube.connect_options();
        kube.context = Some(context);
        let permits = Arc::clone(&permits);
        let scope = scope.clone();
        let selector = selector.clone();
        let timeout = fleet.cluster_timeout;
        tasks.spawn(async move {
            // The semaphore is never closed, so acquiring cannot fail.
            let _permit = permits.acquire_owned().await.ok();
            let read = read_one(&kube, &scope, selector.as_deref(), timeout).await;
            (index, read)
        });
    }
    let mut reads: Vec<Option<Result<ClusterRead, Gap>>> = members.iter().map(|_| None).collect();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((index, read)) => reads[index] = Some(read),
            // A panicked read cannot be tied to its cluster; the others still count.
            Err(error) => eprintln!("warning: reading one cluster failed: {error}"),
        }
    }
    reads
}

async fn read_one(
    kube: &k8s::ConnectOptions,
    scope: &PodScope,
    selector: Option<&str>,
    timeout: Duration,
) -> Result<ClusterRead, Gap> {
    let work = async {
        let connection = k8s::connect(kube).await.map_err(|e| {
            Gap::new(
                e.to_string(),
                "fix the context, or leave it out with --contexts NAME,…",
            )
        })?;
        let (reads, admission) = read_audit(&connection, scope, selector).await;
        if let Some(gap) = reads.unreachable() {
            return Err(gap);
        }
        Ok(ClusterRead {
            context: connection.context,
            reads,
            admission,
        })
    };
    let bounded = (!timeout.is_zero()).then_some(timeout);
    match bounded {
        None => work.await,
        Some(limit) => tokio::time::timeout(limit, work).await.unwrap_or_else(|_| {
            Err(Gap::new(
                format!(
                    "the cluster was not read within {:.0?}; it was left out",
                    limit
                ),
                "raise --cluster-timeout, or check the cluster with `kubectl get --raw /readyz`",
            ))
        }),
    }
}

/// A fleet snapshot, when `text` is one (`snapshot --all-contexts` wrote it).
pub(super) fn parse_fleet_snapshot(text: &str) -> Option<Result<FleetSnapshot, String>> {
    #[derive(serde::Deserialize)]
    struct Tag {
        schema: String,
    }
    let is_json = text.trim_start().starts_with('{');
    let tag: Option<Tag> = if is_json {
        serde_json::from_str(text).ok()
    } else {
        serde_saphyr::from_str(text).ok()
    };
    if tag?.schema != FLEET_SNAPSHOT_SCHEMA {
        return None;
    }
    Some(if is_json {
        serde_json::from_str(text).map_err(|e| e.to_string())
    } else {
        serde_saphyr::from_str(text).map_err(|e| e.to_string())
    })
}
