//! Taking over the fields other field managers own, before a forced server-side apply.
//!
//! A forced apply takes over the fields whose values conflict, but the other managers keep
//! what they own without conflict: the items of a set-typed list (such as a binding's
//! `validationActions`) they wrote stay next to the applied ones, so changing `Warn` to
//! `Deny` over an object first written by `kubectl apply` ends as `[Warn, Deny]`, which
//! the API server refuses. Like kubectl's upgrade of client-side-applied objects, the
//! managers' entries are merged into one Apply entry of ours first; the apply then
//! removes whatever its configuration leaves out.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{FieldsV1, ManagedFieldsEntry};
use kube::api::{Api, Patch, PatchParams};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// The managed fields with every main-resource entry merged into one Apply entry of
/// `manager`; subresource entries (status) are kept. `None` when there is nothing to take.
pub(super) fn merged_into(
    entries: &[ManagedFieldsEntry],
    manager: &str,
) -> Option<Vec<ManagedFieldsEntry>> {
    let (main, subresources): (Vec<&ManagedFieldsEntry>, Vec<&ManagedFieldsEntry>) = entries
        .iter()
        .partition(|e| e.subresource.as_deref().unwrap_or("").is_empty());
    let ours = |e: &&ManagedFieldsEntry| {
        e.manager.as_deref() == Some(manager) && e.operation.as_deref() == Some("Apply")
    };
    if main.iter().all(ours) {
        return None;
    }
    let mut fields = json!({});
    for entry in &main {
        if let Some(FieldsV1(value)) = &entry.fields_v1 {
            union(&mut fields, value);
        }
    }
    let mut merged = vec![ManagedFieldsEntry {
        manager: Some(manager.to_string()),
        operation: Some("Apply".to_string()),
        api_version: main.iter().find_map(|e| e.api_version.clone()),
        fields_type: Some("FieldsV1".to_string()),
        fields_v1: Some(FieldsV1(fields)),
        time: main
            .iter()
            .filter_map(|e| e.time.clone())
            .max_by_key(|t| t.0),
        subresource: None,
    }];
    merged.extend(subresources.into_iter().cloned());
    Some(merged)
}

/// Adds the field set `from` to `into` (both `f:name: {...}` trees).
fn union(into: &mut Value, from: &Value) {
    if let (Some(into), Some(from)) = (into.as_object_mut(), from.as_object()) {
        for (key, value) in from {
            union(into.entry(key.clone()).or_insert_with(|| json!({})), value);
        }
    }
}

/// How often the take-over is tried when the object changes between the read and the write.
const ATTEMPTS: u32 = 5;

/// Makes `manager` the Apply owner of every field of object `name`, guarded by its
/// resourceVersion. Nothing is written when the object does not exist or is ours already.
/// The API server writes a ValidatingAdmissionPolicy's status (its type checking) on its
/// own soon after every change, so a 409 here is expected now and then: read again, retry.
pub(super) async fn take_ownership<K>(
    api: &Api<K>,
    name: &str,
    manager: &str,
) -> Result<(), kube::Error>
where
    K: kube::Resource + Clone + DeserializeOwned + std::fmt::Debug,
{
    let mut attempts = 0;
    loop {
        attempts += 1;
        let Some(object) = api.get_opt(name).await? else {
            return Ok(());
        };
        let meta = object.meta();
        let Some(entries) =
            merged_into(meta.managed_fields.as_deref().unwrap_or_default(), manager)
        else {
            return Ok(());
        };
        let patch = json!({ "metadata": {
            "resourceVersion": meta.resource_version,
            "managedFields": entries,
        }});
        match api
            .patch(name, &PatchParams::default(), &Patch::Merge(&patch))
            .await
        {
            Ok(_) => return Ok(()),
            Err(kube::Error::Api(status)) if status.code == 409 && attempts < ATTEMPTS => continue,
            Err(error) => return Err(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(
        manager: &str,
        operation: &str,
        fields: Value,
        subresource: Option<&str>,
    ) -> ManagedFieldsEntry {
        ManagedFieldsEntry {
            manager: Some(manager.into()),
            operation: Some(operation.into()),
            api_version: Some("admissionregistration.k8s.io/v1".into()),
            fields_type: Some("FieldsV1".into()),
            fields_v1: Some(FieldsV1(fields)),
            subresource: subresource.map(Into::into),
            time: None,
        }
    }

    #[test]
    fn other_managers_fields_become_one_apply_entry_and_status_stays() {
        let entries = [
            entry(
                "kubectl-client-side-apply",
                "Update",
                json!({"f:spec": {"f:validationActions": {}}}),
                None,
            ),
            entry(
                "kubectl-sandbox",
                "Apply",
                json!({"f:spec": {"f:policyName": {}}}),
                None,
            ),
            entry(
                "status-controller",
                "Apply",
                json!({"f:status": {}}),
                Some("status"),
            ),
        ];
        let merged = merged_into(&entries, "kubectl-sandbox").unwrap();
        assert_eq!(merged.len(), 2);
        assert_eq!(merged[0].manager.as_deref(), Some("kubectl-sandbox"));
        assert_eq!(merged[0].operation.as_deref(), Some("Apply"));
        assert_eq!(
            merged[0].fields_v1.as_ref().unwrap().0,
            json!({"f:spec": {"f:validationActions": {}, "f:policyName": {}}})
        );
        assert_eq!(merged[1], entries[2]);
    }

    #[test]
    fn nothing_to_take_when_every_field_is_ours() {
        let entries = [
            entry("kubectl-sandbox", "Apply", json!({"f:spec": {}}), None),
            entry(
                "status-controller",
                "Apply",
                json!({"f:status": {}}),
                Some("status"),
            ),
        ];
        assert_eq!(merged_into(&entries, "kubectl-sandbox"), None);
    }
}
