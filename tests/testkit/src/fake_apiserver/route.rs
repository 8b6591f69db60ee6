//! Turns one request into a reply: auth, injected faults, then the store.

use std::io::Write;
use std::time::Duration;

use serde_json::{Value, json};

use super::http::{RecordedRequest, Reply};
use super::status;
use super::store::{ResourcePath, Store};

/// A failure the test wants the server to show for one resource or path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this HTTP status and the API server's Status body for it.
    Status(u16),
    /// Wait this long before answering normally: a slow server.
    Delay(Duration),
    /// Announce the whole body in `Content-Length`, send half of it, close the connection.
    CutShortBody,
}

/// What the fake's "admission" does to a create (POST) whose body contains `body_contains`:
/// the real server's admission plugins, reduced to their answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdmissionRule {
    /// Refuse with this HTTP status and the message of its Status body.
    Refuse {
        body_contains: String,
        code: u16,
        message: String,
    },
    /// Admit, with this `Warning` header text.
    Warn {
        body_contains: String,
        warning: String,
    },
}

/// Everything the fake serves and how it misbehaves; shared with the connection threads.
pub struct State {
    pub store: Store,
    pub token: Option<String>,
    pub git_version: String,
    /// `(target, fault)`: the target is a resource plural (`pods`) or an exact path.
    pub faults: Vec<(String, Fault)>,
    pub expire_continue_tokens: bool,
    pub admission: Vec<AdmissionRule>,
    pub requests: Vec<RecordedRequest>,
    /// Where to write one line per request, when set.
    pub request_log: Option<Box<dyn Write + Send>>,
}

impl Default for State {
    fn default() -> Self {
        State {
            store: Store::default(),
            token: None,
            git_version: "v1.33.2-gke.1000".to_string(),
            faults: Vec::new(),
            expire_continue_tokens: false,
            admission: Vec::new(),
            requests: Vec::new(),
            request_log: None,
        }
    }
}

/// How to answer: possibly after a delay, which the caller sleeps outside the lock.
pub struct Plan {
    pub delay: Option<Duration>,
    pub reply: Reply,
}

pub fn plan(state: &mut State, request: RecordedRequest) -> Plan {
    if let Some(log) = &mut state.request_log {
        let query: Vec<String> = request
            .query
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let _ = writeln!(
            log,
            "{} {}?{}",
            request.method,
            request.path,
            query.join("&")
        );
        let _ = log.flush();
    }
    state.requests.push(request.clone());
    if !is_authorized(state, &request) {
        return Plan {
            delay: None,
            reply: Reply::json(401, &status::unauthorized()),
        };
    }
    let path = ResourcePath::parse(&request.path);
    let faults: Vec<Fault> = state
        .faults
        .iter()
        .filter(|(target, _)| {
            *target == request.path || path.as_ref().is_some_and(|path| *target == path.plural)
        })
        .map(|(_, fault)| fault.clone())
        .collect();
    let injected_status = faults.iter().find_map(|fault| match fault {
        Fault::Status(code) => Some(*code),
        _ => None,
    });
    // An injected status or a refusal answers instead of the store, so a refused write
    // changes nothing.
    let mut reply = match (injected_status, admit(state, &request)) {
        (Some(code), _) => injected(code, path.as_ref(), &request),
        (None, Err(refusal)) => refusal,
        (None, Ok(warnings)) => {
            let mut reply = answer(state, &request, path.as_ref());
            reply.headers.extend(warnings);
            reply
        }
    };
    if faults.contains(&Fault::CutShortBody) {
        reply.cut_after = Some(reply.body.len() / 2);
    }
    let delay = faults.iter().find_map(|fault| match fault {
        Fault::Delay(delay) => Some(*delay),
        _ => None,
    });
    Plan { delay, reply }
}

/// Runs the admission rules on a create: the refusal of the first that refuses, else the
/// `Warning` headers of those that warn.
fn admit(state: &State, request: &RecordedRequest) -> Result<Vec<(String, String)>, Reply> {
    if request.method != "POST" {
        return Ok(Vec::new());
    }
    let mut warnings = Vec::new();
    for rule in &state.admission {
        match rule {
            AdmissionRule::Refuse {
                body_contains,
                code,
                message,
            } if request.body.contains(body_contains.as_str()) => {
                let reason = if *code == 422 { "Invalid" } else { "Forbidden" };
                return Err(Reply::json(*code, &status::status(*code, reason, message)));
            }
            AdmissionRule::Warn {
                body_contains,
                warning,
            } if request.body.contains(body_contains.as_str()) => {
                let quoted = warning.replace('\\', "\\\\").replace('"', "\\\"");
                warnings.push(("Warning".to_string(), format!("299 - \"{quoted}\"")));
            }
            _ => {}
        }
    }
    Ok(warnings)
}

fn is_authorized(state: &State, request: &RecordedRequest) -> bool {
    state.token.as_ref().is_none_or(|token| {
        request.headers.get("authorization") == Some(&format!("Bearer {token}"))
    })
}

fn answer(state: &mut State, request: &RecordedRequest, path: Option<&ResourcePath>) -> Reply {
    match request.path.as_str() {
        "/version" => return Reply::json(200, &version(&state.git_version)),
        "/api" => return Reply::json(200, &json!({"kind": "APIVersions", "versions": ["v1"]})),
        "/api/v1" => return Reply::json(200, &core_resources()),
        "/apis" => {
            return Reply::json(
                200,
                &json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": []}),
            );
        }
        _ => {}
    }
    let Some(path) = path else {
        return Reply::json(
            404,
            &status::status(
                404,
                "NotFound",
                "the server could not find the requested resource",
            ),
        );
    };
    let has_continue = request
        .query
        .get("continue")
        .is_some_and(|token| !token.is_empty());
    if state.expire_continue_tokens && has_continue {
        return Reply::json(410, &status::continue_expired());
    }
    match (request.method.as_str(), path.name.is_some()) {
        ("GET", _) => state.store.serve_get(path, request),
        ("POST", false) => state.store.create(path, request),
        ("PUT", true) => state.store.replace(path, request),
        ("PATCH", true) => state.store.patch(path, request),
        _ => Reply::json(405, &status::generic(405)),
    }
}

fn injected(code: u16, path: Option<&ResourcePath>, request: &RecordedRequest) -> Reply {
    let body = match (code, path) {
        (401, _) => status::unauthorized(),
        (403, Some(path)) => status::forbidden(path, verb(&request.method, path)),
        (404, Some(path)) => status::not_found(path),
        (410, _) => status::continue_expired(),
        _ => status::generic(code),
    };
    Reply::json(code, &body)
}

/// The RBAC verb of a request, as it appears in a 403 message.
fn verb(method: &str, path: &ResourcePath) -> &'static str {
    match (method, path.name.is_some()) {
        ("GET", false) => "list",
        ("GET", true) => "get",
        ("POST", _) => "create",
        ("PUT", _) => "update",
        ("PATCH", _) => "patch",
        ("DELETE", _) => "delete",
        _ => "access",
    }
}

/// Discovery for the core group, which kubectl reads before `get pods` to learn what
/// `pods` means.
fn core_resources() -> Value {
    let resource = |name: &str, singular: &str, kind: &str, namespaced: bool, short: &str| {
        json!({
            "name": name, "singularName": singular, "namespaced": namespaced, "kind": kind,
            "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"],
            "shortNames": [short],
        })
    };
    json!({
        "kind": "APIResourceList",
        "groupVersion": "v1",
        "resources": [
            resource("namespaces", "namespace", "Namespace", false, "ns"),
            resource("nodes", "node", "Node", false, "no"),
            resource("pods", "pod", "Pod", true, "po"),
        ],
    })
}

fn version(git_version: &str) -> Value {
    let numbers: Vec<&str> = git_version
        .trim_start_matches('v')
        .split(['.', '-'])
        .take(2)
        .collect();
    json!({
        "major": numbers.first().copied().unwrap_or_default(),
        "minor": numbers.get(1).copied().unwrap_or_default(),
        "gitVersion": git_version,
        "platform": "linux/amd64",
    })
}
