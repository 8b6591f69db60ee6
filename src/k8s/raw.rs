//! Workload objects as raw JSON: read, patched and replaced exactly as the API server has
//! them. Migrate keeps byte-for-byte backups and sends minimal patches, so it works on
//! `serde_json::Value` rather than typed structs, which would drop fields this version of
//! k8s-openapi does not know.

use kube::Client;
use kube::api::{GetParams, ListParams, Patch, PatchParams, PostParams};
use kube::core::Request;
use serde_json::Value;

use super::PAGE_SIZE;
use crate::explain::WorkloadKind;

/// The field manager migrate's writes are recorded under.
pub const FIELD_MANAGER: &str = "kubectl-sandbox";

/// `/apis/apps/v1/namespaces/NS/deployments`: the collection of `kind` in `namespace`
/// (all namespaces when `None`).
pub fn collection_path(kind: WorkloadKind, namespace: Option<&str>) -> String {
    let (api, plural) = match kind {
        WorkloadKind::Pod => ("/api/v1", "pods"),
        WorkloadKind::Deployment => ("/apis/apps/v1", "deployments"),
        WorkloadKind::StatefulSet => ("/apis/apps/v1", "statefulsets"),
        WorkloadKind::DaemonSet => ("/apis/apps/v1", "daemonsets"),
        WorkloadKind::ReplicaSet => ("/apis/apps/v1", "replicasets"),
        WorkloadKind::Job => ("/apis/batch/v1", "jobs"),
        WorkloadKind::CronJob => ("/apis/batch/v1", "cronjobs"),
    };
    match namespace {
        Some(ns) => format!("{api}/namespaces/{ns}/{plural}"),
        None => format!("{api}/{plural}"),
    }
}

/// One object, as the API server returns it.
pub async fn get(
    client: &Client,
    kind: WorkloadKind,
    namespace: &str,
    name: &str,
) -> Result<Value, kube::Error> {
    let request = Request::new(collection_path(kind, Some(namespace)))
        .get(name, &GetParams::default())
        .map_err(kube::Error::BuildRequest)?;
    client.request(request).await
}

/// Every object of `kind` in `namespace` (all namespaces when `None`) matching
/// `selector`, in pages, each with its `apiVersion` and `kind` (list items carry none of
/// their own), so every object reads like a manifest.
pub async fn list(
    client: &Client,
    kind: WorkloadKind,
    namespace: Option<&str>,
    selector: Option<&str>,
) -> Result<Vec<Value>, kube::Error> {
    let mut items = list_path(client, &collection_path(kind, namespace), selector).await?;
    let api_version = collection_path(kind, None)
        .trim_start_matches("/apis/")
        .trim_start_matches("/api/")
        .rsplit_once('/')
        .map(|(group_version, _)| group_version.to_string())
        .unwrap_or_default();
    for item in &mut items {
        item["apiVersion"] = Value::String(api_version.clone());
        item["kind"] = Value::String(kind.name().to_string());
    }
    Ok(items)
}

/// Every object of the collection at `path` (e.g. `/api/v1/nodes`) matching `selector`.
pub async fn list_path(
    client: &Client,
    path: &str,
    selector: Option<&str>,
) -> Result<Vec<Value>, kube::Error> {
    let mut params = ListParams::default().limit(PAGE_SIZE);
    params.label_selector = selector.map(str::to_string);
    let request = Request::new(path);
    let mut items = Vec::new();
    loop {
        let page: Value = client
            .request(request.list(&params).map_err(kube::Error::BuildRequest)?)
            .await?;
        items.extend(page["items"].as_array().cloned().unwrap_or_default());
        match page["metadata"]["continue"]
            .as_str()
            .filter(|t| !t.is_empty())
        {
            Some(token) => params.continue_token = Some(token.to_string()),
            None => return Ok(items),
        }
    }
}

/// A JSON merge patch. Put `metadata.resourceVersion` in the patch to make it
/// conditional: the API server answers 409 Conflict if the object changed since.
pub async fn merge_patch(
    client: &Client,
    kind: WorkloadKind,
    namespace: &str,
    name: &str,
    patch: &Value,
    dry_run: bool,
) -> Result<Value, kube::Error> {
    let params = PatchParams {
        dry_run,
        field_manager: Some(FIELD_MANAGER.to_string()),
        ..PatchParams::default()
    };
    let request = Request::new(collection_path(kind, Some(namespace)))
        .patch(name, &params, &Patch::Merge(patch))
        .map_err(kube::Error::BuildRequest)?;
    client.request(request).await
}

/// Replaces the object (PUT); the body's `metadata.resourceVersion` makes it conditional.
pub async fn replace(
    client: &Client,
    kind: WorkloadKind,
    namespace: &str,
    name: &str,
    object: &Value,
) -> Result<Value, kube::Error> {
    let params = PostParams {
        dry_run: false,
        field_manager: Some(FIELD_MANAGER.to_string()),
    };
    let body = serde_json::to_vec(object).map_err(kube::Error::SerdeError)?;
    let request = Request::new(collection_path(kind, Some(namespace)))
        .replace(name, &params, body)
        .map_err(kube::Error::BuildRequest)?;
    client.request(request).await
}

/// A short reason for a failed request: the API server's message when it sent one.
pub fn describe(error: &kube::Error) -> String {
    match error {
        kube::Error::Api(status) => format!("{} ({})", status.message, status.code),
        other => other.to_string(),
    }
}

/// Whether the failure is a 409 Conflict: the object changed since it was read.
pub fn is_conflict(error: &kube::Error) -> bool {
    matches!(error, kube::Error::Api(status) if status.code == 409)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collection_paths_follow_the_api_groups() {
        assert_eq!(
            collection_path(WorkloadKind::Deployment, Some("shop")),
            "/apis/apps/v1/namespaces/shop/deployments"
        );
        assert_eq!(
            collection_path(WorkloadKind::CronJob, None),
            "/apis/batch/v1/cronjobs"
        );
        assert_eq!(
            collection_path(WorkloadKind::Job, None),
            "/apis/batch/v1/jobs"
        );
        assert_eq!(
            collection_path(WorkloadKind::Pod, Some("a")),
            "/api/v1/namespaces/a/pods"
        );
    }
}
