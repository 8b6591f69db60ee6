//! Builds the ValidatingAdmissionPolicy and its binding as k8s-openapi values.

use std::collections::BTreeMap;

use k8s_openapi::api::admissionregistration::v1::{
    MatchCondition, MatchResources, NamedRuleWithOperations, ValidatingAdmissionPolicy,
    ValidatingAdmissionPolicyBinding, ValidatingAdmissionPolicyBindingSpec,
    ValidatingAdmissionPolicySpec, Validation, Variable,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::cel::{
    self, NOT_BEING_DELETED, POD_TEMPLATE_CHANGED, RUNTIME_CLASS_GVISOR, RUNTIME_CLASS_MESSAGE,
    STRICT,
};
use crate::selector::LabelSelector;

/// The one name both objects carry, so `--apply` updates them and check finds them.
pub const POLICY_NAME: &str = "kubectl-sandbox-require-gvisor";
/// The field manager of `--apply`'s server-side apply.
pub(crate) const FIELD_MANAGER: &str = "kubectl-sandbox";
/// The namespace label `--untrusted-selector` defaults to (README, "Enforcement").
pub const DEFAULT_UNTRUSTED_SELECTOR: &str = "kubectl-sandbox.dev/untrusted=true";

/// What the binding does with a request the policy refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Refuse the request.
    Deny,
    /// Admit it and warn the client (kubectl prints the message).
    Warn,
    /// Admit it and record the failure in the audit log.
    Audit,
}

impl Action {
    /// The binding's `validationActions` value.
    pub fn validation_action(self) -> &'static str {
        match self {
            Action::Deny => "Deny",
            Action::Warn => "Warn",
            Action::Audit => "Audit",
        }
    }
}

/// The user's choices for the policy.
#[derive(Debug, Clone)]
pub struct PolicyOptions {
    pub untrusted: LabelSelector,
    pub action: Action,
    pub strict: bool,
}

/// The policy and its binding, ready to print or apply.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicySet {
    pub policy: ValidatingAdmissionPolicy,
    pub binding: ValidatingAdmissionPolicyBinding,
}

pub fn build(options: &PolicyOptions) -> PolicySet {
    PolicySet {
        policy: policy(options.strict),
        binding: binding(options),
    }
}

fn metadata() -> ObjectMeta {
    ObjectMeta {
        name: Some(POLICY_NAME.to_string()),
        labels: Some(BTreeMap::from([(
            "app.kubernetes.io/managed-by".to_string(),
            FIELD_MANAGER.to_string(),
        )])),
        ..ObjectMeta::default()
    }
}

fn policy(strict: bool) -> ValidatingAdmissionPolicy {
    let mut validations = vec![validation(RUNTIME_CLASS_GVISOR, RUNTIME_CLASS_MESSAGE)];
    if strict {
        validations.extend(STRICT.iter().map(|r| validation(r.expression, r.message)));
    }
    ValidatingAdmissionPolicy {
        metadata: metadata(),
        spec: Some(ValidatingAdmissionPolicySpec {
            // A policy that cannot be evaluated refuses: an untrusted namespace is the
            // place to fail closed.
            failure_policy: Some("Fail".to_string()),
            match_constraints: Some(MatchResources {
                resource_rules: Some(resource_rules()),
                ..MatchResources::default()
            }),
            match_conditions: Some(vec![
                MatchCondition {
                    name: "not-being-deleted".to_string(),
                    expression: NOT_BEING_DELETED.to_string(),
                },
                MatchCondition {
                    name: "pod-template-changed".to_string(),
                    expression: POD_TEMPLATE_CHANGED.to_string(),
                },
            ]),
            variables: Some(
                cel::VARIABLES
                    .iter()
                    .map(|v| Variable {
                        name: v.name.to_string(),
                        expression: v.expression.to_string(),
                    })
                    .collect(),
            ),
            validations: Some(validations),
            ..ValidatingAdmissionPolicySpec::default()
        }),
        status: None,
    }
}

fn validation(expression: &str, message: &str) -> Validation {
    Validation {
        expression: expression.to_string(),
        message: Some(message.to_string()),
        reason: Some("Forbidden".to_string()),
        ..Validation::default()
    }
}

/// Pods on CREATE only: a pod's runtimeClassName cannot change, and refusing updates would
/// stop label or finalizer changes on pods that predate the policy. Workloads on CREATE
/// and UPDATE: editing a template is how an unsandboxed pod would come back (the
/// `pod-template-changed` match condition leaves every other UPDATE alone).
fn resource_rules() -> Vec<NamedRuleWithOperations> {
    let rule = |group: &str, resources: &[&str], operations: &[&str]| NamedRuleWithOperations {
        api_groups: Some(vec![group.to_string()]),
        api_versions: Some(vec!["v1".to_string()]),
        operations: Some(operations.iter().map(|o| o.to_string()).collect()),
        resources: Some(resources.iter().map(|r| r.to_string()).collect()),
        ..NamedRuleWithOperations::default()
    };
    vec![
        rule("", &["pods"], &["CREATE"]),
        rule(
            "apps",
            &["deployments", "statefulsets", "daemonsets", "replicasets"],
            &["CREATE", "UPDATE"],
        ),
        rule("batch", &["jobs", "cronjobs"], &["CREATE", "UPDATE"]),
    ]
}

fn binding(options: &PolicyOptions) -> ValidatingAdmissionPolicyBinding {
    ValidatingAdmissionPolicyBinding {
        metadata: metadata(),
        spec: Some(ValidatingAdmissionPolicyBindingSpec {
            policy_name: Some(POLICY_NAME.to_string()),
            validation_actions: Some(vec![options.action.validation_action().to_string()]),
            match_resources: Some(MatchResources {
                namespace_selector: Some(options.untrusted.to_k8s()),
                ..MatchResources::default()
            }),
            ..ValidatingAdmissionPolicyBindingSpec::default()
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(selector: &str, action: Action, strict: bool) -> PolicyOptions {
        PolicyOptions {
            untrusted: selector.parse().unwrap(),
            action,
            strict,
        }
    }

    fn validations(set: &PolicySet) -> &[Validation] {
        set.policy
            .spec
            .as_ref()
            .unwrap()
            .validations
            .as_deref()
            .unwrap()
    }

    #[test]
    fn the_default_policy_only_requires_gvisor() {
        let set = build(&options(DEFAULT_UNTRUSTED_SELECTOR, Action::Deny, false));
        assert_eq!(validations(&set).len(), 1);
        assert_eq!(validations(&set)[0].expression, RUNTIME_CLASS_GVISOR);
        let message = validations(&set)[0].message.as_deref().unwrap();
        assert!(message.contains("runtimeClassName: gvisor"), "{message}");
    }

    #[test]
    fn strict_adds_one_validation_per_rule() {
        let set = build(&options(DEFAULT_UNTRUSTED_SELECTOR, Action::Deny, true));
        assert_eq!(validations(&set).len(), 1 + STRICT.len());
    }

    #[test]
    fn the_action_becomes_the_validation_action() {
        for (action, expected) in [
            (Action::Deny, "Deny"),
            (Action::Warn, "Warn"),
            (Action::Audit, "Audit"),
        ] {
            let set = build(&options("a=b", action, false));
            let spec = set.binding.spec.unwrap();
            assert_eq!(spec.validation_actions.unwrap(), [expected]);
            assert_eq!(spec.policy_name.as_deref(), Some(POLICY_NAME));
        }
    }

    #[test]
    fn the_selector_goes_on_the_binding() {
        let set = build(&options(
            "trust=untrusted,tier in (a,b)",
            Action::Warn,
            false,
        ));
        let selector = set
            .binding
            .spec
            .unwrap()
            .match_resources
            .unwrap()
            .namespace_selector
            .unwrap();
        assert_eq!(
            selector.match_labels.unwrap(),
            BTreeMap::from([("trust".to_string(), "untrusted".to_string())])
        );
        assert_eq!(selector.match_expressions.unwrap()[0].operator, "In");
    }

    #[test]
    fn pods_are_checked_on_create_and_workloads_on_update_too() {
        let set = build(&options("a=b", Action::Deny, false));
        let rules = set
            .policy
            .spec
            .unwrap()
            .match_constraints
            .unwrap()
            .resource_rules
            .unwrap();
        assert_eq!(rules[0].resources.as_deref().unwrap(), ["pods"]);
        assert_eq!(rules[0].operations.as_deref().unwrap(), ["CREATE"]);
        assert_eq!(
            rules[2].operations.as_deref().unwrap(),
            ["CREATE", "UPDATE"]
        );
    }
}
