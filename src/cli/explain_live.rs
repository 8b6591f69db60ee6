//! `explain-pod` against a live cluster: read the targets (or every top-level workload with
//! `-A`/`-l`), and the context a manifest lacks (namespace labels, RuntimeClasses, the GKE
//! cluster), then run the same engine as `-f`.

use std::fmt::Debug;

use k8s_openapi::NamespaceResourceScope;
use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::Pod;
use kube::{Api, Client, Resource, ResourceExt};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::CliError;
use super::explain_pod::{ExplainPodArgs, Target};
use super::gather::{Reading, block_on, read_live};
use crate::explain::{Context, ObjectReport, Report, Workload, WorkloadKind, explain};
use crate::k8s::{self, ListScope, read_list};
use crate::manifest::ManifestError;
use crate::snapshot::{PodScope, Unread};

/// Reads what the flags name and explains it. Errors are for a cluster out of reach; a
/// missing target is an error inside the report (exit 2), like an unreadable manifest.
pub fn explain_live(args: &ExplainPodArgs, targets: &[Target]) -> Result<Report, CliError> {
    block_on(live(args, targets))
}

async fn live(args: &ExplainPodArgs, targets: &[Target]) -> Result<Report, CliError> {
    let choose_scope = |connection: &k8s::Connection| match (&args.namespace, args.all_namespaces) {
        (_, true) => PodScope::AllNamespaces,
        (Some(namespace), false) => PodScope::Namespace(namespace.clone()),
        (None, false) => PodScope::Namespace(connection.client.default_namespace().to_string()),
    };
    // Namespace labels, RuntimeClasses and the GKE cluster come with the read `check` uses.
    let (connection, snapshot) =
        read_live(&args.source, choose_scope, Reading::WorkloadContext).await?;
    let client = connection.client.clone();
    let namespace = args
        .namespace
        .clone()
        .unwrap_or_else(|| client.default_namespace().to_string());
    let (workloads, errors, unread) = if targets.is_empty() {
        let selector = args.selector.as_ref().map(|s| s.as_str());
        list_top_level(&connection, &snapshot.pod_scope, selector).await
    } else {
        get_targets(&client, &namespace, targets).await
    };
    let context = Context::from_snapshot(&snapshot);
    let mut report = Report::new(&context);
    report.errors = errors;
    for part in snapshot.unread().into_iter().chain(unread) {
        report.add_unread(part);
    }
    for workload in workloads {
        let explanation = explain(&workload, Some(&namespace), &context);
        report
            .objects
            .push(ObjectReport::new(&workload, explanation, None, None));
    }
    report.summarise();
    Ok(report)
}

/// The workloads read, the targets that failed, and the lists that could not be read.
type Found = (Vec<Workload>, Vec<ManifestError>, Vec<Unread>);

async fn get_targets(client: &Client, namespace: &str, targets: &[Target]) -> Found {
    let mut found = (Vec::new(), Vec::new(), Vec::new());
    for target in targets {
        let result = match target.kind {
            WorkloadKind::Pod => get::<Pod>(client, namespace, &target.name).await,
            WorkloadKind::Deployment => get::<Deployment>(client, namespace, &target.name).await,
            WorkloadKind::StatefulSet => get::<StatefulSet>(client, namespace, &target.name).await,
            WorkloadKind::DaemonSet => get::<DaemonSet>(client, namespace, &target.name).await,
            WorkloadKind::ReplicaSet => get::<ReplicaSet>(client, namespace, &target.name).await,
            WorkloadKind::Job => get::<Job>(client, namespace, &target.name).await,
            WorkloadKind::CronJob => get::<CronJob>(client, namespace, &target.name).await,
        };
        let label = format!(
            "{}/{}",
            target.kind.name().to_ascii_lowercase(),
            target.name
        );
        match result {
            Ok(workload) => found.0.push(workload),
            Err(message) => found.1.push(ManifestError::new(&label, message)),
        }
    }
    found
}

async fn get<K>(client: &Client, namespace: &str, name: &str) -> Result<Workload, String>
where
    K: Resource<Scope = NamespaceResourceScope, DynamicType = ()>
        + Clone
        + DeserializeOwned
        + Serialize
        + Debug,
{
    let api: Api<K> = Api::namespaced(client.clone(), namespace);
    let object = api.get(name).await.map_err(|e| match e {
        kube::Error::Api(status) if status.code == 404 => {
            format!("not found in namespace {namespace}")
        }
        other => format!("cannot read it: {other}"),
    })?;
    workload_of(&object)
}

fn workload_of<K>(object: &K) -> Result<Workload, String>
where
    K: Resource<DynamicType = ()> + Serialize,
{
    match Workload::from_resource(object) {
        Ok(Some(workload)) => Ok(workload),
        Ok(None) => Err(format!("{} is not a workload kind", K::kind(&()))),
        Err(e) => Err(e.to_string()),
    }
}

/// Every workload in scope that no controller owns: a Deployment explains its ReplicaSets
/// and pods, so they are not listed again.
async fn list_top_level(
    connection: &k8s::Connection,
    scope: &PodScope,
    selector: Option<&str>,
) -> Found {
    let (pods, deployments, statefulsets, daemonsets, replicasets, jobs, cronjobs) = tokio::join!(
        list::<Pod>(connection, scope, selector),
        list::<Deployment>(connection, scope, selector),
        list::<StatefulSet>(connection, scope, selector),
        list::<DaemonSet>(connection, scope, selector),
        list::<ReplicaSet>(connection, scope, selector),
        list::<Job>(connection, scope, selector),
        list::<CronJob>(connection, scope, selector),
    );
    let mut found = (Vec::new(), Vec::new(), Vec::new());
    for (workloads, errors, unread) in [
        deployments,
        statefulsets,
        daemonsets,
        cronjobs,
        jobs,
        replicasets,
        pods,
    ] {
        found.0.extend(workloads);
        found.1.extend(errors);
        found.2.extend(unread);
    }
    found
}

async fn list<K>(connection: &k8s::Connection, scope: &PodScope, selector: Option<&str>) -> Found
where
    K: Resource<Scope = NamespaceResourceScope, DynamicType = ()>
        + Clone
        + DeserializeOwned
        + Serialize
        + Debug,
{
    let client = connection.client.clone();
    let (api, list_scope) = match scope {
        PodScope::AllNamespaces => (Api::<K>::all(client), ListScope::AllNamespaces),
        PodScope::Namespace(ns) => (Api::<K>::namespaced(client, ns), ListScope::Namespace(ns)),
    };
    let plural = K::plural(&()).to_string();
    let read = read_list(connection, &api, list_scope, selector, |object: K| {
        let owned = object
            .owner_references()
            .iter()
            .any(|o| o.controller == Some(true));
        let label = format!(
            "{}/{}",
            K::kind(&()).to_ascii_lowercase(),
            object.name_any()
        );
        (!owned).then(|| workload_of(&object).map_err(|e| ManifestError::new(&label, e)))
    })
    .await;
    match read {
        Ok(objects) => {
            let (workloads, errors): (Vec<_>, Vec<_>) =
                objects.into_iter().flatten().partition(Result::is_ok);
            (
                workloads.into_iter().filter_map(Result::ok).collect(),
                errors.into_iter().filter_map(Result::err).collect(),
                Vec::new(),
            )
        }
        // A list that could not be read (forbidden) leaves the run incomplete, not invalid.
        Err(failure) => (
            Vec::new(),
            Vec::new(),
            vec![Unread::new(plural, &failure.gap)],
        ),
    }
}
