//! Reading ValidatingAdmissionPolicies and their bindings for check's PL001.

use k8s_openapi::api::admissionregistration::v1::{
    ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use kube::Resource;

use super::Connection;
use super::error::{ErrorKind, ListScope};
use super::list::read_list;
use crate::snapshot::{
    AdmissionBindingInfo, AdmissionPolicyInfo, Gap, NamespaceSelector, Part, SelectorExpression,
};

/// The two admission parts of the snapshot.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AdmissionReads {
    pub policies: Part<Vec<AdmissionPolicyInfo>>,
    pub bindings: Part<Vec<AdmissionBindingInfo>>,
}

/// Lists both kinds at once. A 404 means the cluster predates the v1 API (1.30): a gap
/// that says so, not a transport problem.
pub(crate) async fn read_admission(connection: &Connection) -> AdmissionReads {
    let (policies, bindings) = tokio::join!(
        read::<ValidatingAdmissionPolicy, _>(connection, policy),
        read::<ValidatingAdmissionPolicyBinding, _>(connection, binding),
    );
    AdmissionReads { policies, bindings }
}

async fn read<K, T>(connection: &Connection, trim: fn(K) -> T) -> Part<Vec<T>>
where
    K: Resource<DynamicType = ()> + serde::de::DeserializeOwned,
{
    match read_list::<K, T>(connection, ListScope::Cluster, None, trim).await {
        Ok(items) => Part::Known(items),
        // Nothing there to read: not a gap that makes the audit incomplete.
        Err(error) if error.kind == ErrorKind::NotFound => Part::Unknown(Gap::expected(
            format!(
                "the API server does not serve {} (admissionregistration.k8s.io/v1, 404 Not Found)",
                K::plural(&())
            ),
            "ValidatingAdmissionPolicy is GA from Kubernetes 1.30; check the version with \
             `kubectl version` and upgrade the control plane to enforce GKE Sandbox at admission",
        )),
        Err(error) => Part::Unknown(error.gap()),
    }
}

fn policy(policy: ValidatingAdmissionPolicy) -> AdmissionPolicyInfo {
    AdmissionPolicyInfo {
        name: policy.metadata.name.unwrap_or_default(),
        validations: policy
            .spec
            .and_then(|spec| spec.validations)
            .unwrap_or_default()
            .into_iter()
            .map(|v| v.expression)
            .collect(),
    }
}

fn binding(binding: ValidatingAdmissionPolicyBinding) -> AdmissionBindingInfo {
    let spec = binding.spec.unwrap_or_default();
    AdmissionBindingInfo {
        name: binding.metadata.name.unwrap_or_default(),
        policy_name: spec.policy_name.unwrap_or_default(),
        validation_actions: spec.validation_actions.unwrap_or_default(),
        namespace_selector: spec
            .match_resources
            .and_then(|m| m.namespace_selector)
            .map(namespace_selector),
    }
}

fn namespace_selector(selector: LabelSelector) -> NamespaceSelector {
    NamespaceSelector {
        match_labels: selector.match_labels.unwrap_or_default(),
        match_expressions: selector
            .match_expressions
            .unwrap_or_default()
            .into_iter()
            .map(|e| SelectorExpression {
                key: e.key,
                operator: e.operator,
                values: e.values.unwrap_or_default(),
            })
            .collect(),
    }
}
