//! ValidatingAdmissionPolicies and their bindings, trimmed to what check's PL001 reads.
//!
//! Snapshots written before these parts existed still load: the fields default to a
//! [`Gap`] saying they were not captured, so PL001 says SKIP instead of "no policy".

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Gap, Part};

/// A `admissionregistration.k8s.io/v1` ValidatingAdmissionPolicy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdmissionPolicyInfo {
    pub name: String,
    /// `spec.validations[].expression`, in order: PL001 asks whether one requires gVisor.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub validations: Vec<String>,
}

/// A `admissionregistration.k8s.io/v1` ValidatingAdmissionPolicyBinding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdmissionBindingInfo {
    pub name: String,
    pub policy_name: String,
    /// `Deny`, `Warn`, `Audit`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub validation_actions: Vec<String>,
    /// `spec.matchResources.namespaceSelector`; None selects every namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace_selector: Option<NamespaceSelector>,
}

/// A `metav1.LabelSelector` as data, matched locally against namespace labels.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamespaceSelector {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub match_labels: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub match_expressions: Vec<SelectorExpression>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelectorExpression {
    pub key: String,
    /// `In`, `NotIn`, `Exists`, `DoesNotExist`.
    pub operator: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

impl NamespaceSelector {
    /// Label selector semantics: every term holds; an empty selector matches everything.
    /// An unknown operator matches nothing, as the API server would reject it anyway.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        let labels_hold = self
            .match_labels
            .iter()
            .all(|(key, value)| labels.get(key) == Some(value));
        labels_hold
            && self.match_expressions.iter().all(|e| {
                let value = labels.get(&e.key);
                match e.operator.as_str() {
                    "In" => value.is_some_and(|v| e.values.contains(v)),
                    "NotIn" => value.is_none_or(|v| !e.values.contains(v)),
                    "Exists" => value.is_some(),
                    "DoesNotExist" => value.is_none(),
                    _ => false,
                }
            })
    }

    /// `kubectl`'s selector text, for evidence: `a=b,c in (d),!e`.
    pub fn to_text(&self) -> String {
        let labels = self.match_labels.iter().map(|(k, v)| format!("{k}={v}"));
        let expressions = self
            .match_expressions
            .iter()
            .map(|e| match e.operator.as_str() {
                "In" => format!("{} in ({})", e.key, e.values.join(",")),
                "NotIn" => format!("{} notin ({})", e.key, e.values.join(",")),
                "Exists" => e.key.clone(),
                "DoesNotExist" => format!("!{}", e.key),
                other => format!("{} {other} ({})", e.key, e.values.join(",")),
            });
        labels.chain(expressions).collect::<Vec<_>>().join(",")
    }
}

/// The value of an admission part missing from a snapshot saved by an older version.
pub(super) fn not_captured<T>() -> Part<T> {
    Part::Unknown(Gap::new(
        "the snapshot was saved without admission policies",
        "capture it again with this version: kubectl sandbox snapshot -o json > FILE",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn expression(key: &str, operator: &str, values: &[&str]) -> SelectorExpression {
        SelectorExpression {
            key: key.into(),
            operator: operator.into(),
            values: values.iter().map(|v| v.to_string()).collect(),
        }
    }

    #[test]
    fn an_empty_selector_matches_every_namespace() {
        assert!(NamespaceSelector::default().matches(&labels(&[])));
    }

    #[test]
    fn labels_and_expressions_must_all_hold() {
        let selector = NamespaceSelector {
            match_labels: labels(&[("trust", "untrusted")]),
            match_expressions: vec![
                expression("tier", "In", &["a", "b"]),
                expression("legacy", "DoesNotExist", &[]),
                expression("env", "NotIn", &["prod"]),
            ],
        };
        assert!(selector.matches(&labels(&[("trust", "untrusted"), ("tier", "a")])));
        assert!(!selector.matches(&labels(&[("trust", "untrusted"), ("tier", "c")])));
        assert!(!selector.matches(&labels(&[("tier", "a")])));
        assert!(!selector.matches(&labels(&[
            ("trust", "untrusted"),
            ("tier", "a"),
            ("legacy", "")
        ])));
        assert!(!selector.matches(&labels(&[
            ("trust", "untrusted"),
            ("tier", "a"),
            ("env", "prod")
        ])));
        assert_eq!(
            selector.to_text(),
            "trust=untrusted,tier in (a,b),!legacy,env notin (prod)"
        );
    }

    #[test]
    fn an_unknown_operator_matches_nothing() {
        let selector = NamespaceSelector {
            match_labels: BTreeMap::new(),
            match_expressions: vec![expression("a", "Gt", &["1"])],
        };
        assert!(!selector.matches(&labels(&[("a", "2")])));
    }
}
