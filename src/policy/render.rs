//! The policy and binding as text: two YAML documents, or a JSON `List`; either can be
//! piped to `kubectl apply -f -`.

use serde_json::json;

use super::PolicySet;

pub(crate) fn yaml(set: &PolicySet) -> String {
    format!(
        "{}---\n{}",
        crate::render::data::yaml(&set.policy),
        crate::render::data::yaml(&set.binding)
    )
}

pub(crate) fn json(set: &PolicySet) -> String {
    crate::render::data::json(&json!({
        "apiVersion": "v1",
        "kind": "List",
        "items": [set.policy, set.binding],
    }))
}
