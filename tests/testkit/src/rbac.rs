//! Kubernetes RBAC, as far as tests need it: the request attributes the API server
//! derives from a request (verb, API group, resource, or a non-resource URL), and whether
//! a ClusterRole's rules allow them. Follows the authorization docs' mapping: GET on a
//! collection is `list`, on an object `get`; POST `create`; PUT `update`; PATCH `patch`;
//! DELETE `delete`; `watch=true` is `watch`.

use serde_json::Value;

use crate::fake_apiserver::RecordedRequest;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    Resource {
        verb: String,
        group: String,
        resource: String,
    },
    NonResource {
        verb: String,
        url: String,
    },
}

impl std::fmt::Display for Access {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Access::Resource {
                verb,
                group,
                resource,
            } => write!(f, "{verb} {resource}.{group}"),
            Access::NonResource { verb, url } => write!(f, "{verb} {url}"),
        }
    }
}

/// The attributes the API server would authorise `request` with.
pub fn access_of(request: &RecordedRequest) -> Access {
    let segments: Vec<&str> = request.path.trim_matches('/').split('/').collect();
    let rest = match segments.as_slice() {
        ["api", "v1", rest @ ..] if !rest.is_empty() => Some(("", rest)),
        ["apis", group, _version, rest @ ..] if !rest.is_empty() => Some((*group, rest)),
        _ => None,
    };
    let Some((group, rest)) = rest else {
        return Access::NonResource {
            verb: request.method.to_lowercase(),
            url: request.path.clone(),
        };
    };
    let rest = match rest {
        ["namespaces", _namespace, more @ ..] if !more.is_empty() => more,
        other => other,
    };
    let (resource, named) = match rest {
        [plural] => (plural.to_string(), false),
        [plural, _name] => (plural.to_string(), true),
        [plural, _name, sub, ..] => (format!("{plural}/{sub}"), true),
        [] => unreachable!("rest is not empty"),
    };
    let verb = match (request.method.as_str(), named) {
        ("GET", _) if request.query.get("watch").is_some_and(|w| w == "true") => "watch",
        ("GET", true) => "get",
        ("GET", false) => "list",
        ("POST", _) => "create",
        ("PUT", _) => "update",
        ("PATCH", _) => "patch",
        ("DELETE", true) => "delete",
        ("DELETE", false) => "deletecollection",
        (other, _) => {
            return Access::NonResource {
                verb: other.to_lowercase(),
                url: request.path.clone(),
            };
        }
    };
    Access::Resource {
        verb: verb.to_string(),
        group: group.to_string(),
        resource,
    }
}

/// Whether any rule of a ClusterRole (as JSON) allows `access`.
pub fn allows(role: &Value, access: &Access) -> bool {
    let listed = |rule: &Value, key: &str, wanted: &str| {
        rule[key]
            .as_array()
            .is_some_and(|items| items.iter().any(|i| i == wanted || i == "*"))
    };
    role["rules"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|rule| match access {
            Access::Resource {
                verb,
                group,
                resource,
            } => {
                listed(rule, "verbs", verb)
                    && listed(rule, "apiGroups", group)
                    && listed(rule, "resources", resource)
            }
            Access::NonResource { verb, url } => {
                listed(rule, "verbs", verb) && listed(rule, "nonResourceURLs", url)
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn request(method: &str, path: &str, query: &[(&str, &str)]) -> RecordedRequest {
        RecordedRequest {
            method: method.into(),
            path: path.into(),
            query: query
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            headers: BTreeMap::new(),
            body: String::new(),
        }
    }

    fn resource(verb: &str, group: &str, resource: &str) -> Access {
        Access::Resource {
            verb: verb.into(),
            group: group.into(),
            resource: resource.into(),
        }
    }

    #[test]
    fn maps_requests_to_rbac_attributes() {
        assert_eq!(
            access_of(&request("GET", "/api/v1/pods", &[])),
            resource("list", "", "pods")
        );
        assert_eq!(
            access_of(&request(
                "GET",
                "/apis/apps/v1/namespaces/a/deployments/web",
                &[]
            )),
            resource("get", "apps", "deployments")
        );
        assert_eq!(
            access_of(&request(
                "PATCH",
                "/apis/batch/v1/namespaces/a/cronjobs/c",
                &[]
            )),
            resource("patch", "batch", "cronjobs")
        );
        assert_eq!(
            access_of(&request(
                "GET",
                "/api/v1/namespaces/a/pods",
                &[("watch", "true")]
            )),
            resource("watch", "", "pods")
        );
        assert_eq!(
            access_of(&request("GET", "/api/v1/namespaces", &[])),
            resource("list", "", "namespaces")
        );
        assert_eq!(
            access_of(&request("GET", "/api/v1/namespaces/a", &[])),
            resource("get", "", "namespaces")
        );
        assert_eq!(
            access_of(&request("GET", "/version", &[])),
            Access::NonResource {
                verb: "get".into(),
                url: "/version".into()
            }
        );
    }

    #[test]
    fn rules_allow_only_what_they_list() {
        let role = serde_json::json!({"rules": [
            {"apiGroups": [""], "resources": ["pods"], "verbs": ["list"]},
            {"nonResourceURLs": ["/version"], "verbs": ["get"]},
        ]});
        assert!(allows(&role, &resource("list", "", "pods")));
        assert!(!allows(&role, &resource("get", "", "pods")));
        assert!(!allows(&role, &resource("list", "", "secrets")));
        assert!(!allows(&role, &resource("list", "apps", "pods")));
        assert!(allows(&role, &access_of(&request("GET", "/version", &[]))));
        assert!(!allows(&role, &access_of(&request("GET", "/apis", &[]))));
    }
}
