//! JSON merge patches (RFC 7396): the one write format migrate sends, and how the plan
//! applies the same patch locally to show and check the result before the server does.

use serde_json::{Map, Value};

use super::Change;
use crate::explain::Segment;

/// RFC 7396: objects merge key by key, `null` deletes, anything else replaces.
pub(crate) fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let Value::Object(target) = target else {
        return;
    };
    for (key, value) in patch {
        if value.is_null() {
            target.remove(key);
        } else {
            merge_patch(target.entry(key.clone()).or_insert(Value::Null), value);
        }
    }
}

/// The merge patch that makes exactly `changes`: each path set to its new value, or to
/// `null` where the field goes. Change paths hold keys only (no list indexes), so every
/// change is expressible as a merge patch.
pub(super) fn patch_of(changes: &[Change]) -> Value {
    let mut patch = Value::Object(Map::new());
    for change in changes {
        let keys: Vec<&str> = change
            .path
            .segments()
            .iter()
            .filter_map(|segment| match segment {
                Segment::Key(key) => Some(key.as_str()),
                Segment::Index(_) => None,
            })
            .collect();
        let Some((last, parents)) = keys.split_last() else {
            continue;
        };
        let mut node = &mut patch;
        for key in parents {
            node = node
                .as_object_mut()
                .map(|map| {
                    map.entry(key.to_string())
                        .or_insert_with(|| Value::Object(Map::new()))
                })
                .expect("patch nodes are objects");
        }
        if let Some(map) = node.as_object_mut() {
            map.insert(
                last.to_string(),
                change.after.clone().unwrap_or(Value::Null),
            );
        }
    }
    patch
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::explain::FieldPath;

    #[test]
    fn merge_patch_replaces_merges_and_deletes() {
        let mut object = json!({"a": {"b": 1, "c": 2}, "d": [1, 2]});
        merge_patch(&mut object, &json!({"a": {"b": null, "e": 3}, "d": [3]}));
        assert_eq!(object, json!({"a": {"c": 2, "e": 3}, "d": [3]}));
    }

    #[test]
    fn a_patch_sets_and_deletes_exactly_the_changed_fields() {
        let spec = FieldPath::of(&["spec", "template", "spec"]);
        let changes = [
            Change {
                path: spec.key("runtimeClassName"),
                before: None,
                after: Some(json!("gvisor")),
            },
            Change {
                path: spec
                    .key("nodeSelector")
                    .key("cloud.google.com/gke-nodepool"),
                before: Some(json!("default-pool")),
                after: None,
            },
        ];
        assert_eq!(
            patch_of(&changes),
            json!({"spec": {"template": {"spec": {
                "runtimeClassName": "gvisor",
                "nodeSelector": {"cloud.google.com/gke-nodepool": null}
            }}}})
        );
    }
}
