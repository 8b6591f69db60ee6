//! The fake's objects: stored by collection, listed in pages, changed by PATCH, PUT and POST.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::http::{RecordedRequest, Reply};
use super::kinds::{kind_of, plural_of};
use super::selector::LabelSelector;
use super::status;
use super::table;

/// The continue token the fake hands out for a list that resumes at `offset`.
pub fn continue_token(offset: usize) -> String {
    format!("continue-at-{offset}")
}

fn offset_of(token: &str) -> Option<usize> {
    token.strip_prefix("continue-at-")?.parse().ok()
}

/// A parsed API path: `/api/v1/...` (core group) or `/apis/{group}/{version}/...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourcePath {
    /// Empty for the core group.
    pub group: String,
    pub version: String,
    pub namespace: Option<String>,
    pub plural: String,
    /// Set for single-object paths.
    pub name: Option<String>,
}

impl ResourcePath {
    pub fn parse(path: &str) -> Option<ResourcePath> {
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        let (group, version, rest) = match segments.as_slice() {
            ["api", version, rest @ ..] => ("", *version, rest),
            ["apis", group, version, rest @ ..] => (*group, *version, rest),
            _ => return None,
        };
        let (namespace, plural, name) = match rest {
            [plural] => (None, *plural, None),
            [plural, name] => (None, *plural, Some(*name)),
            ["namespaces", namespace, plural] => (Some(*namespace), *plural, None),
            ["namespaces", namespace, plural, name] => (Some(*namespace), *plural, Some(*name)),
            _ => return None,
        };
        Some(ResourcePath {
            group: group.to_string(),
            version: version.to_string(),
            namespace: namespace.map(str::to_string),
            plural: plural.to_string(),
            name: name.map(str::to_string),
        })
    }

    fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    fn collection(&self) -> Collection {
        (
            self.group.clone(),
            self.version.clone(),
            self.plural.clone(),
        )
    }

    fn key(&self) -> Option<ObjectKey> {
        Some((
            self.namespace.clone().unwrap_or_default(),
            self.name.clone()?,
        ))
    }
}

/// `(group, version, plural)`.
type Collection = (String, String, String);
/// `(namespace or "", name)`: the order lists come out in, like etcd's key order.
type ObjectKey = (String, String);

/// An object with its JSON text, written once when stored: a list page of large objects
/// (the benchmark's 3 KB pods) is then served by copying bytes, not by cloning and
/// serializing every object again for every page.
#[derive(Debug)]
struct Stored {
    object: Value,
    json: String,
}

#[derive(Debug, Default)]
pub struct Store {
    collections: BTreeMap<Collection, BTreeMap<ObjectKey, Stored>>,
    /// Bumped on every change; lists report it as their `metadata.resourceVersion`.
    resource_version: u64,
}

impl Store {
    /// Stores a fixture under the collection its `apiVersion`, `kind` and namespace name.
    pub fn insert(&mut self, object: Value) {
        let path = path_of(&object);
        self.store(&path, object);
    }

    pub fn get(&self, path: &ResourcePath) -> Option<&Value> {
        let stored = self
            .collections
            .get(&path.collection())?
            .get(&path.key()?)?;
        Some(&stored.object)
    }

    pub fn serve_get(&self, path: &ResourcePath, request: &RecordedRequest) -> Reply {
        if path.name.is_some() {
            return match self.get(path) {
                Some(object) => Reply::json(200, object),
                None => Reply::json(404, &status::not_found(path)),
            };
        }
        self.list(path, request)
    }

    fn list(&self, path: &ResourcePath, request: &RecordedRequest) -> Reply {
        let selector = match request.query.get("labelSelector") {
            Some(text) => match LabelSelector::parse(text) {
                Ok(selector) => Some(selector),
                Err(message) => {
                    return Reply::json(400, &status::status(400, "BadRequest", &message));
                }
            },
            None => None,
        };
        let start = match request
            .query
            .get("continue")
            .filter(|token| !token.is_empty())
        {
            Some(token) => match offset_of(token) {
                Some(offset) => offset,
                None => {
                    return Reply::json(
                        400,
                        &status::status(400, "BadRequest", "invalid continue token"),
                    );
                }
            },
            None => 0,
        };
        let limit = request
            .query
            .get("limit")
            .and_then(|limit| limit.parse::<usize>().ok())
            .filter(|limit| *limit > 0);

        let matching: Vec<&Stored> = self
            .collections
            .get(&path.collection())
            .into_iter()
            .flat_map(|objects| objects.iter())
            .filter(|((namespace, _), _)| path.namespace.as_ref().is_none_or(|ns| ns == namespace))
            .filter(|(_, stored)| {
                selector
                    .as_ref()
                    .is_none_or(|s| s.matches(labels_of(&stored.object)))
            })
            .map(|(_, stored)| stored)
            .collect();
        let end = limit.map_or(matching.len(), |limit| (start + limit).min(matching.len()));
        let page = matching.get(start..end).unwrap_or_default();

        let mut metadata = json!({ "resourceVersion": self.resource_version.to_string() });
        if end < matching.len() {
            metadata["continue"] = json!(continue_token(end));
            metadata["remainingItemCount"] = json!(matching.len() - end);
        }
        if path.plural == "pods" && table::wanted(request.headers.get("accept")) {
            let rows = page.iter().map(|stored| &stored.object);
            return Reply::json(200, &table::pods(rows, metadata));
        }
        let kind = kind_of(&path.plural).map_or("List".to_string(), |kind| format!("{kind}List"));
        let head = json!({ "kind": kind, "apiVersion": path.api_version(), "metadata": metadata });
        let head = head.to_string();
        // `{"apiVersion":...,"metadata":{...}` then `,"items":[...]}`, from the stored text.
        let mut body = String::with_capacity(
            head.len()
                + page
                    .iter()
                    .map(|stored| stored.json.len() + 1)
                    .sum::<usize>()
                + 16,
        );
        body.push_str(&head[..head.len() - 1]);
        body.push_str(",\"items\":[");
        for (number, stored) in page.iter().enumerate() {
            if number > 0 {
                body.push(',');
            }
            body.push_str(&stored.json);
        }
        body.push_str("]}");
        Reply {
            status: 200,
            body,
            cut_after: None,
            headers: Vec::new(),
        }
    }

    /// POST to a collection: creates the object, or 409 when the name is taken.
    pub fn create(&mut self, path: &ResourcePath, request: &RecordedRequest) -> Reply {
        let Some(mut object) = json_object(&request.body) else {
            return Reply::json(422, &status::generic(422));
        };
        // `generateName`: the real server appends five random characters; a counter keeps
        // the fake's names predictable.
        let generated = object["metadata"]["generateName"]
            .as_str()
            .map(|prefix| format!("{prefix}{:05}", self.resource_version + 1));
        let Some(name) = object["metadata"]["name"]
            .as_str()
            .map(str::to_string)
            .or(generated)
        else {
            return Reply::json(422, &status::generic(422));
        };
        let target = ResourcePath {
            name: Some(name.clone()),
            ..path.clone()
        };
        if self.get(&target).is_some() {
            return Reply::json(409, &status::already_exists(path, &name));
        }
        if let Some(namespace) = &path.namespace {
            object["metadata"]["namespace"] = json!(namespace);
        }
        self.commit(&target, object, request, 201)
    }

    /// PUT on an object: replaces it, or 409 when the body's resourceVersion is stale.
    pub fn replace(&mut self, path: &ResourcePath, request: &RecordedRequest) -> Reply {
        let Some(object) = json_object(&request.body) else {
            return Reply::json(422, &status::generic(422));
        };
        let Some(current) = self.get(path) else {
            return Reply::json(404, &status::not_found(path));
        };
        if is_stale(&object, current) {
            return Reply::json(409, &status::conflict(path));
        }
        self.commit(path, object, request, 200)
    }

    /// PATCH on an object. JSON merge patch (RFC 7396) for `merge-patch+json`; a
    /// strategic merge patch is applied as a merge patch too, which is the same for the
    /// maps the tool patches (it would differ for lists keyed by name). Server-side apply
    /// (`apply-patch+yaml`, JSON body) merges the applied fields onto the object, or
    /// creates it.
    pub fn patch(&mut self, path: &ResourcePath, request: &RecordedRequest) -> Reply {
        let content_type = request
            .headers
            .get("content-type")
            .map(String::as_str)
            .unwrap_or("");
        let is_apply = content_type.starts_with("application/apply-patch");
        let is_merge = content_type.starts_with("application/merge-patch+json")
            || content_type.starts_with("application/strategic-merge-patch+json");
        if !is_apply && !is_merge {
            return Reply::json(415, &status::generic(415));
        }
        if is_apply && !request.query.contains_key("fieldManager") {
            return Reply::json(
                422,
                &status::status(
                    422,
                    "Invalid",
                    "fieldManager: Required value: is required for apply patch",
                ),
            );
        }
        let Ok(patch) = serde_json::from_str::<Value>(&request.body) else {
            return Reply::json(422, &status::generic(422));
        };
        let mut object = match (self.get(path), is_apply) {
            (Some(current), _) => current.clone(),
            (None, true) => json!({}),
            (None, false) => return Reply::json(404, &status::not_found(path)),
        };
        if self
            .get(path)
            .is_some_and(|current| is_stale(&patch, current))
        {
            return Reply::json(409, &status::conflict(path));
        }
        merge_patch(&mut object, &patch);
        self.commit(path, object, request, 200)
    }

    /// Stores the result unless the request is a dry run, and answers with it.
    fn commit(
        &mut self,
        path: &ResourcePath,
        mut object: Value,
        request: &RecordedRequest,
        code: u16,
    ) -> Reply {
        object["metadata"]["name"] = json!(path.name);
        if let Some(namespace) = &path.namespace {
            object["metadata"]["namespace"] = json!(namespace);
        }
        if request
            .query
            .get("dryRun")
            .is_some_and(|value| value == "All")
        {
            return Reply::json(code, &object);
        }
        let stored = self.store(path, object);
        Reply::json(code, &stored)
    }

    fn store(&mut self, path: &ResourcePath, mut object: Value) -> Value {
        self.resource_version += 1;
        object["metadata"]["resourceVersion"] = json!(self.resource_version.to_string());
        let key = path.key().expect("a stored object has a name");
        let json = object.to_string();
        self.collections
            .entry(path.collection())
            .or_default()
            .insert(
                key,
                Stored {
                    object: object.clone(),
                    json,
                },
            );
        object
    }
}

/// Where a fixture object lives, from its `apiVersion`, `kind` and metadata.
fn path_of(object: &Value) -> ResourcePath {
    let api_version = object["apiVersion"]
        .as_str()
        .expect("fixture needs apiVersion");
    let kind = object["kind"].as_str().expect("fixture needs kind");
    let name = object["metadata"]["name"]
        .as_str()
        .expect("fixture needs metadata.name");
    let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
    ResourcePath {
        group: group.to_string(),
        version: version.to_string(),
        namespace: object["metadata"]["namespace"].as_str().map(str::to_string),
        plural: plural_of(kind),
        name: Some(name.to_string()),
    }
}

fn labels_of(object: &Value) -> BTreeMap<&str, &str> {
    object["metadata"]["labels"]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(key, value)| Some((key.as_str(), value.as_str()?)))
        .collect()
}

fn json_object(body: &str) -> Option<Value> {
    serde_json::from_str::<Value>(body)
        .ok()
        .filter(Value::is_object)
}

/// Optimistic concurrency: a body that names a resourceVersion must name the current one.
fn is_stale(body: &Value, current: &Value) -> bool {
    match body["metadata"]["resourceVersion"].as_str() {
        Some(sent) => Some(sent) != current["metadata"]["resourceVersion"].as_str(),
        None => false,
    }
}

/// RFC 7396: objects merge key by key, `null` deletes, anything else replaces. Written
/// here on purpose rather than taken from `kubectl_sandbox::migrate`: the fake server
/// stands in for the API server, so it must not share the code it is testing.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = json!({});
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_core_group_and_namespaced_paths() {
        let path = ResourcePath::parse("/apis/apps/v1/namespaces/shop/deployments/web").unwrap();
        assert_eq!(path.group, "apps");
        assert_eq!(path.namespace.as_deref(), Some("shop"));
        assert_eq!(path.plural, "deployments");
        assert_eq!(path.name.as_deref(), Some("web"));
        let namespace = ResourcePath::parse("/api/v1/namespaces/shop").unwrap();
        assert_eq!(
            (namespace.plural.as_str(), namespace.name.as_deref()),
            ("namespaces", Some("shop"))
        );
        assert_eq!(
            ResourcePath::parse("/api/v1/namespaces/shop/pods/web/log"),
            None
        );
    }

    #[test]
    fn merge_patch_replaces_merges_and_deletes() {
        let mut object = json!({"a": {"b": 1, "c": 2}, "d": [1, 2]});
        merge_patch(&mut object, &json!({"a": {"b": null, "e": 3}, "d": [3]}));
        assert_eq!(object, json!({"a": {"c": 2, "e": 3}, "d": [3]}));
    }
}
