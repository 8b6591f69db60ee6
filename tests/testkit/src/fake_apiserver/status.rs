//! Kubernetes `Status` bodies, worded like the real API server's so clients and error
//! messages built from them look the same as against a cluster.

use serde_json::{Value, json};

use super::store::ResourcePath;

pub fn status(code: u16, reason: &str, message: &str) -> Value {
    json!({
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    })
}

pub fn unauthorized() -> Value {
    status(401, "Unauthorized", "Unauthorized")
}

/// The API server's wording for an RBAC denial, e.g.
/// `pods is forbidden: User "x" cannot list resource "pods" in API group "" at the cluster scope`.
pub fn forbidden(path: &ResourcePath, verb: &str) -> Value {
    let scope = match &path.namespace {
        Some(namespace) => format!("in the namespace \"{namespace}\""),
        None => "at the cluster scope".to_string(),
    };
    let message = format!(
        "{plural} is forbidden: User \"x\" cannot {verb} resource \"{plural}\" in API group \"{group}\" {scope}",
        plural = path.plural,
        group = path.group,
    );
    let mut body = status(403, "Forbidden", &message);
    body["details"] = json!({ "group": path.group, "kind": path.plural });
    body
}

pub fn not_found(path: &ResourcePath) -> Value {
    match &path.name {
        Some(name) => status(
            404,
            "NotFound",
            &format!("{} \"{name}\" not found", path.plural),
        ),
        None => status(
            404,
            "NotFound",
            "the server could not find the requested resource",
        ),
    }
}

pub fn continue_expired() -> Value {
    status(
        410,
        "Expired",
        "The provided continue parameter is too old to display a consistent list result. \
         You can start a new list without the continue parameter.",
    )
}

pub fn conflict(path: &ResourcePath) -> Value {
    status(
        409,
        "Conflict",
        &format!(
            "Operation cannot be fulfilled on {} \"{}\": the object has been modified; \
             please apply your changes to the latest version and try again",
            path.plural,
            path.name.as_deref().unwrap_or_default()
        ),
    )
}

pub fn already_exists(path: &ResourcePath, name: &str) -> Value {
    status(
        409,
        "AlreadyExists",
        &format!("{} \"{name}\" already exists", path.plural),
    )
}

/// Any other injected or unsupported failure.
pub fn generic(code: u16) -> Value {
    let (reason, message) = match code {
        500 => ("InternalError", "Internal error occurred: injected failure"),
        405 => (
            "MethodNotAllowed",
            "the server does not allow this method on the requested resource",
        ),
        415 => (
            "UnsupportedMediaType",
            "the body of the request was in an unknown format",
        ),
        422 => ("Invalid", "the request body is not a valid object"),
        _ => ("Unknown", "injected failure"),
    };
    status(code, reason, message)
}
