//! Which scheduling constraints of a pod template keep it off sandbox nodes, and must go
//! for the migration to work: a nodeSelector that conflicts with the sandbox RuntimeClass's
//! (admission would reject the pod), a nodeSelector pinning a known non-sandbox node pool,
//! and the same two as required node-affinity expressions. Pins to pools whose kind is not
//! known (no GKE data) are kept: explain-pod's EP020 names them as a caveat.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::Change;
use crate::explain::{Context, FieldPath};
use crate::snapshot::NODE_POOL_LABEL;

const REQUIRED: &str = "requiredDuringSchedulingIgnoredDuringExecution";

/// The removals, as changes relative to the object root; `spec` is the pod template's spec
/// and `spec_path` where it sits.
pub(super) fn pin_removals(spec: &Value, spec_path: &FieldPath, context: &Context) -> Vec<Change> {
    let sandbox = context.sandbox_node_selector();
    let mut changes = Vec::new();
    if let Some(selector) = spec["nodeSelector"].as_object() {
        for (key, value) in selector {
            let text = value.as_str().unwrap_or_default();
            if conflicts(&sandbox, key, text)
                || (key == NODE_POOL_LABEL && is_ordinary(context, &[text]))
            {
                changes.push(Change {
                    path: spec_path.key("nodeSelector").key(key),
                    before: Some(value.clone()),
                    after: None,
                });
            }
        }
    }
    let required_path = spec_path.key("affinity").key("nodeAffinity").key(REQUIRED);
    let required = &spec["affinity"]["nodeAffinity"][REQUIRED];
    if let Some(after) = without_pinning_expressions(required, &sandbox, context) {
        changes.push(Change {
            path: required_path,
            before: Some(required.clone()),
            after,
        });
    }
    changes
}

/// A selector entry the RuntimeClass would contradict: admission rejects the pod.
fn conflicts(sandbox: &BTreeMap<String, String>, key: &str, value: &str) -> bool {
    sandbox.get(key).is_some_and(|wanted| wanted != value)
}

/// Every named pool is known to the cluster and none of them is a sandbox pool. Unknown
/// pools (offline, or a typo) are left alone: the tool does not guess.
fn is_ordinary(context: &Context, pools: &[&str]) -> bool {
    let Some(gke) = context.gke.filter(|g| !g.autopilot) else {
        return false;
    };
    !pools.is_empty()
        && pools.iter().all(|name| {
            gke.node_pools
                .iter()
                .any(|p| p.name == *name && !p.is_sandbox())
        })
}

/// One requirement that rules sandbox nodes out.
fn pins_elsewhere(expr: &Value, sandbox: &BTreeMap<String, String>, context: &Context) -> bool {
    let key = expr["key"].as_str().unwrap_or_default();
    let operator = expr["operator"].as_str().unwrap_or_default();
    let values: Vec<&str> = expr["values"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if let Some(wanted) = sandbox.get(key) {
        let excludes = match operator {
            "In" => !values.contains(&wanted.as_str()),
            "NotIn" => values.contains(&wanted.as_str()),
            "DoesNotExist" => true,
            _ => false,
        };
        if excludes {
            return true;
        }
    }
    key == NODE_POOL_LABEL && operator == "In" && is_ordinary(context, &values)
}

/// The required node affinity without its pinning expressions: `None` when nothing pins,
/// `Some(None)` when nothing is left of it, `Some(Some(rest))` otherwise. Only the
/// expressions go, so other requirements of the same term (disk type, zone) still hold.
fn without_pinning_expressions(
    required: &Value,
    sandbox: &BTreeMap<String, String>,
    context: &Context,
) -> Option<Option<Value>> {
    let terms = required["nodeSelectorTerms"].as_array()?;
    let mut removed = false;
    let mut kept_terms = Vec::new();
    for term in terms {
        let mut term = term.clone();
        if let Some(expressions) = term["matchExpressions"].as_array() {
            let kept: Vec<Value> = expressions
                .iter()
                .filter(|e| !pins_elsewhere(e, sandbox, context))
                .cloned()
                .collect();
            if kept.len() == expressions.len() {
                kept_terms.push(term);
                continue;
            }
            removed = true;
            match term.as_object_mut() {
                Some(map) if kept.is_empty() => {
                    map.remove("matchExpressions");
                }
                Some(map) => {
                    map.insert("matchExpressions".into(), json!(kept));
                }
                None => {}
            }
        }
        let empty = term.as_object().is_none_or(|map| {
            map.values()
                .all(|v| v.is_null() || v.as_array().is_some_and(Vec::is_empty))
        });
        if !empty {
            kept_terms.push(term);
        }
    }
    if !removed {
        return None;
    }
    if kept_terms.is_empty() {
        return Some(None);
    }
    let mut rest = required.clone();
    rest["nodeSelectorTerms"] = json!(kept_terms);
    Some(Some(rest))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gke::GkeCluster;

    const STANDARD: &str = include_str!("../../tests/fixtures/gke/standard-with-sandbox.json");

    fn spec_path() -> FieldPath {
        FieldPath::of(&["spec", "template", "spec"])
    }

    fn paths(changes: &[Change]) -> Vec<String> {
        changes.iter().map(|c| c.path.to_string()).collect()
    }

    #[test]
    fn a_conflicting_sandbox_selector_goes_even_offline() {
        let spec = json!({"nodeSelector": {"sandbox.gke.io/runtime": "runc", "disk": "ssd"}});
        let changes = pin_removals(&spec, &spec_path(), &Context::offline());
        assert_eq!(
            paths(&changes),
            [r#"spec.template.spec.nodeSelector["sandbox.gke.io/runtime"]"#]
        );
        assert_eq!(changes[0].before, Some(json!("runc")));
        assert_eq!(changes[0].after, None);
    }

    #[test]
    fn a_pool_pin_goes_only_when_the_pool_is_known_to_be_ordinary() {
        let gke = GkeCluster::from_describe_json(STANDARD).unwrap();
        let context = Context {
            gke: Some(&gke),
            ..Context::offline()
        };
        let pinned = |pool: &str| json!({"nodeSelector": {NODE_POOL_LABEL: pool}});
        assert_eq!(
            pin_removals(&pinned("default-pool"), &spec_path(), &context).len(),
            1
        );
        assert!(pin_removals(&pinned("gvisor-pool"), &spec_path(), &context).is_empty());
        assert!(pin_removals(&pinned("unknown"), &spec_path(), &context).is_empty());
        assert!(
            pin_removals(&pinned("default-pool"), &spec_path(), &Context::offline()).is_empty()
        );
    }

    #[test]
    fn only_the_pinning_expression_of_a_required_term_goes() {
        let gke = GkeCluster::from_describe_json(STANDARD).unwrap();
        let context = Context {
            gke: Some(&gke),
            ..Context::offline()
        };
        let spec = json!({"affinity": {"nodeAffinity": {REQUIRED: {"nodeSelectorTerms": [
            {"matchExpressions": [
                {"key": NODE_POOL_LABEL, "operator": "In", "values": ["default-pool"]},
                {"key": "disk", "operator": "In", "values": ["ssd"]}
            ]}
        ]}}}});
        let changes = pin_removals(&spec, &spec_path(), &context);
        assert_eq!(changes.len(), 1);
        assert_eq!(
            changes[0].after,
            Some(json!({"nodeSelectorTerms": [{"matchExpressions": [
                {"key": "disk", "operator": "In", "values": ["ssd"]}
            ]}]}))
        );
        let alone = json!({"affinity": {"nodeAffinity": {REQUIRED: {"nodeSelectorTerms": [
            {"matchExpressions": [{"key": "sandbox.gke.io/runtime", "operator": "DoesNotExist"}]}
        ]}}}});
        let changes = pin_removals(&alone, &spec_path(), &Context::offline());
        assert_eq!(changes[0].after, None, "nothing left of the requirement");
    }

    #[test]
    fn nothing_pins_nothing_changes() {
        let spec = json!({"nodeSelector": {"sandbox.gke.io/runtime": "gvisor"},
            "affinity": {"nodeAffinity": {REQUIRED: {"nodeSelectorTerms": [
                {"matchExpressions": [{"key": "disk", "operator": "In", "values": ["ssd"]}]}]}}}});
        assert!(pin_removals(&spec, &spec_path(), &Context::offline()).is_empty());
    }
}
