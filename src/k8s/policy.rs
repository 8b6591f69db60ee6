//! Installing the admission policy and its binding (`policy --apply`): server-side apply
//! of both, after a server dry run of both, so a refusal of either changes nothing.

use k8s_openapi::api::admissionregistration::v1::{
    ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding,
};
use kube::Api;
use kube::api::{Patch, PatchParams};

use super::Connection;
use super::error::{ApiError, ApiRequest, ListScope, Verb, classify};
use crate::policy::{FIELD_MANAGER, POLICY_NAME, PolicySet};

/// The request that was refused, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PolicyRefusal {
    /// `validatingadmissionpolicies` or `validatingadmissionpolicybindings`.
    pub resource: &'static str,
    /// Whether it was the dry run (then nothing was changed).
    pub dry_run: bool,
    pub error: ApiError,
}

/// The API server's version, `v1.33.2-gke.1000`.
pub(crate) async fn server_version(connection: &Connection) -> Result<String, ApiError> {
    match connection.client.apiserver_version().await {
        Ok(info) => Ok(info.git_version),
        Err(error) => {
            let request = ApiRequest {
                verb: Verb::Get,
                resource: "the server version (/version)".to_string(),
                scope: ListScope::Cluster,
                name: None,
            };
            Err(classify(&error, &request, &connection.server))
        }
    }
}

/// Dry-runs both objects, then applies both (field manager kubectl-sandbox);
/// `force_conflicts` takes over fields another manager owns.
pub(crate) async fn apply_policy(
    connection: &Connection,
    set: &PolicySet,
    force_conflicts: bool,
) -> Result<(), PolicyRefusal> {
    let policies = Api::<ValidatingAdmissionPolicy>::all(connection.client.clone());
    let bindings = Api::<ValidatingAdmissionPolicyBinding>::all(connection.client.clone());
    let refused = |resource: &'static str, dry_run: bool| {
        move |error: kube::Error| {
            let request = ApiRequest {
                verb: Verb::Patch,
                resource: format!("{resource}.admissionregistration.k8s.io"),
                scope: ListScope::Cluster,
                name: Some(POLICY_NAME),
            };
            let mut classified = classify(&error, &request, &connection.server);
            if let kube::Error::Api(status) = &error
                && let Some(owners) = conflicting_owners(status)
            {
                classified.message = owners;
            }
            PolicyRefusal {
                resource,
                dry_run,
                error: classified,
            }
        }
    };
    let mut params = PatchParams::apply(FIELD_MANAGER);
    if force_conflicts {
        params = params.force();
        // Without this, items of set-typed lists that another manager wrote would stay.
        super::ownership::take_ownership(&policies, POLICY_NAME, FIELD_MANAGER)
            .await
            .map_err(refused("validatingadmissionpolicies", true))?;
        super::ownership::take_ownership(&bindings, POLICY_NAME, FIELD_MANAGER)
            .await
            .map_err(refused("validatingadmissionpolicybindings", true))?;
    }
    for dry_run in [true, false] {
        let params = if dry_run {
            params.clone().dry_run()
        } else {
            params.clone()
        };
        policies
            .patch(POLICY_NAME, &params, &Patch::Apply(&set.policy))
            .await
            .map_err(refused("validatingadmissionpolicies", dry_run))?;
        bindings
            .patch(POLICY_NAME, &params, &Patch::Apply(&set.binding))
            .await
            .map_err(refused("validatingadmissionpolicybindings", dry_run))?;
    }
    Ok(())
}

/// `conflict: field manager "kubectl-client-side-apply" owns .spec.a, .spec.b`, from the
/// causes of a server-side apply conflict (`conflict with "MANAGER" using GROUP/VERSION`,
/// one per field); `None` for any other answer.
fn conflicting_owners(status: &kube::core::Status) -> Option<String> {
    if status.code != 409 {
        return None;
    }
    let mut owners: Vec<(String, Vec<&str>)> = Vec::new();
    for cause in &status.details.as_ref()?.causes {
        let manager = cause
            .message
            .split('"')
            .nth(1)
            .unwrap_or(&cause.message)
            .to_string();
        match owners.iter_mut().find(|(m, _)| *m == manager) {
            Some((_, fields)) => fields.push(&cause.field),
            None => owners.push((manager, vec![&cause.field])),
        }
    }
    let owners: Vec<String> = owners
        .iter()
        .map(|(manager, fields)| format!("field manager \"{manager}\" owns {}", fields.join(", ")))
        .collect();
    (!owners.is_empty()).then(|| format!("conflict: {}", owners.join("; ")))
}
