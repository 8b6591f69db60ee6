//! A mock of the GKE API (container.googleapis.com/v1) on loopback, for the real gcloud.
//!
//! Point gcloud at it with [`GkeMock::gcloud_env`]: gcloud then sends
//! `GET /v1/projects/P/locations/L/clusters/C?alt=json` for `clusters describe`. Serves:
//! - `GET …/locations/L/clusters/C`: a fixture, or 404 with a Google API error body;
//! - `GET …/locations/-/clusters`: the project's clusters, node pools included: what
//!   `gcloud container clusters list --project P` requests (projects.locations.clusters.list
//!   with location `-`, seen with gcloud 528), and what gcloud lists after a 404 to suggest
//!   a name. Every cluster carries `zone`, as the real API fills it: gcloud sorts the list
//!   by (zone, name) and crashes on a cluster without one;
//! - `POST …/clusters/C/nodePools`, then `GET …/locations/L/operations/OP` and
//!   `GET …/clusters/C/nodePools/NAME`: the three requests `gcloud container node-pools
//!   create` makes (seen with gcloud 528). The operation is DONE at once and the new pool
//!   joins the cluster's `nodePools`.
//!
//! A [`Failure`] replaces every answer. The server stops on drop, or at its deadline.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tiny_http::{Header, Request, Response, Server};

/// How the mock misbehaves, for every request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// 401 UNAUTHENTICATED.
    Unauthenticated,
    /// 403 PERMISSION_DENIED, naming `container.clusters.get`.
    PermissionDenied,
    /// Never answers until the mock is dropped.
    Hang,
    /// 200 with a body that is not JSON.
    NotJson,
}

/// One request as the mock received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    pub method: String,
    /// Path and query, e.g. `/v1/projects/p/locations/l/clusters/c?alt=json`.
    pub url: String,
    pub body: String,
}

struct Cluster {
    location: String,
    name: String,
    doc: Value,
}

struct State {
    project: String,
    clusters: Vec<Cluster>,
    operations: Vec<Value>,
    failure: Option<Failure>,
    requests: Vec<RecordedRequest>,
}

pub struct GkeMockBuilder {
    project: String,
    clusters: Vec<Cluster>,
    failure: Option<Failure>,
    deadline: Duration,
}

impl GkeMockBuilder {
    /// Serves `describe_json` (shaped like `clusters describe --format json`) as the cluster
    /// named by its `name` field, in `location`.
    pub fn cluster(mut self, location: &str, describe_json: &str) -> Self {
        let mut doc: Value = serde_json::from_str(describe_json).expect("fixture is JSON");
        if doc.get("zone").is_none() {
            // The API fills the deprecated `zone` with the location, zonal or regional.
            doc["zone"] = json!(location);
        }
        let name = doc["name"]
            .as_str()
            .expect("fixture has a name")
            .to_string();
        self.clusters.push(Cluster {
            location: location.to_string(),
            name,
            doc,
        });
        self
    }

    pub fn failure(mut self, failure: Failure) -> Self {
        self.failure = Some(failure);
        self
    }

    /// Stop serving after this long even if never dropped (default 120 s).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    pub fn start(self) -> GkeMock {
        let server = Server::http("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let port = server.server_addr().to_ip().expect("an IP listener").port();
        let state = Arc::new(Mutex::new(State {
            project: self.project.clone(),
            clusters: self.clusters,
            operations: Vec::new(),
            failure: self.failure,
            requests: Vec::new(),
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let state = Arc::clone(&state);
            let stop = Arc::clone(&stop);
            let end = Instant::now() + self.deadline;
            std::thread::spawn(move || serve(&server, &state, &stop, end, port))
        };
        GkeMock {
            port,
            project: self.project,
            state,
            stop,
            thread: Some(thread),
        }
    }
}

pub struct GkeMock {
    port: u16,
    project: String,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl GkeMock {
    /// A mock for `project`, with no clusters yet.
    pub fn builder(project: &str) -> GkeMockBuilder {
        GkeMockBuilder {
            project: project.to_string(),
            clusters: Vec::new(),
            failure: None,
            deadline: Duration::from_secs(120),
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn project(&self) -> &str {
        &self.project
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state.lock().unwrap().requests.clone()
    }

    /// The environment that makes the real gcloud talk to this mock without credentials,
    /// prompts, or the user's own configuration (`config_dir` should be a fresh directory).
    pub fn gcloud_env(&self, config_dir: &std::path::Path) -> Vec<(String, String)> {
        [
            ("CLOUDSDK_CONFIG", config_dir.display().to_string()),
            (
                "CLOUDSDK_API_ENDPOINT_OVERRIDES_CONTAINER",
                format!("http://127.0.0.1:{}/", self.port),
            ),
            ("CLOUDSDK_AUTH_DISABLE_CREDENTIALS", "true".to_string()),
            ("CLOUDSDK_CORE_PROJECT", self.project.clone()),
            ("CLOUDSDK_CORE_DISABLE_PROMPTS", "1".to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }
}

impl Drop for GkeMock {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(server: &Server, state: &Mutex<State>, stop: &AtomicBool, end: Instant, port: u16) {
    // Requests left unanswered on purpose (Failure::Hang); dropped when the mock stops.
    let mut hung: Vec<Request> = Vec::new();
    while !stop.load(Ordering::SeqCst) && Instant::now() < end {
        let mut request = match server.recv_timeout(Duration::from_millis(50)) {
            Ok(Some(request)) => request,
            Ok(None) => continue,
            Err(_) => break,
        };
        let mut body = String::new();
        let _ = request.as_reader().read_to_string(&mut body);
        let recorded = RecordedRequest {
            method: request.method().as_str().to_uppercase(),
            url: request.url().to_string(),
            body,
        };
        let answer = {
            let mut state = state.lock().unwrap();
            state.requests.push(recorded.clone());
            answer(&mut state, &recorded, port)
        };
        match answer {
            None => hung.push(request),
            Some((status, content_type, text)) => {
                let header = Header::from_bytes("Content-Type", content_type).expect("header");
                let _ = request.respond(
                    Response::from_string(text)
                        .with_status_code(status)
                        .with_header(header),
                );
            }
        }
    }
    drop(hung);
}

type Answer = Option<(u16, &'static str, String)>;

fn answer(state: &mut State, request: &RecordedRequest, port: u16) -> Answer {
    let path = request.url.split('?').next().unwrap_or_default();
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match state.failure {
        Some(Failure::Hang) => return None,
        Some(Failure::NotJson) => {
            return Some((
                200,
                "text/html",
                "<html><body>Service Unavailable</body></html>".into(),
            ));
        }
        Some(Failure::Unauthenticated) => {
            return error(
                401,
                "UNAUTHENTICATED",
                "Request had invalid authentication credentials. Expected OAuth 2 access \
                 token, login cookie or other valid authentication credential."
                    .into(),
            );
        }
        Some(Failure::PermissionDenied) => {
            let resource = segments.get(1..).unwrap_or_default().join("/");
            return error(
                403,
                "PERMISSION_DENIED",
                format!("Required \"container.clusters.get\" permission(s) for \"{resource}\"."),
            );
        }
        None => {}
    }
    let not_found = || {
        error(
            404,
            "NOT_FOUND",
            format!(
                "Not found: {}.",
                segments.get(1..).unwrap_or_default().join("/")
            ),
        )
    };
    let method = request.method.as_str();
    match segments.as_slice() {
        ["v1", "projects", p, "locations", l, rest @ ..] if *p == state.project => {
            match (method, rest) {
                ("GET", ["clusters"]) if *l == "-" => {
                    let clusters: Vec<&Value> = state.clusters.iter().map(|c| &c.doc).collect();
                    ok(json!({ "clusters": clusters }))
                }
                ("GET", ["clusters", c]) => match find(state, l, c) {
                    Some(cluster) => ok(cluster.doc.clone()),
                    None => not_found(),
                },
                ("GET", ["clusters", c, "nodePools", n]) => find(state, l, c)
                    .and_then(|cluster| pool(&cluster.doc, n).cloned())
                    .map_or_else(not_found, ok),
                ("POST", ["clusters", c, "nodePools"]) => {
                    create_pool(state, l, c, &request.body, port).map_or_else(not_found, ok)
                }
                ("GET", ["operations", op]) => state
                    .operations
                    .iter()
                    .find(|o| o["name"] == *op)
                    .cloned()
                    .map_or_else(not_found, ok),
                _ => not_found(),
            }
        }
        _ => not_found(),
    }
}

fn find<'a>(state: &'a mut State, location: &str, name: &str) -> Option<&'a mut Cluster> {
    state
        .clusters
        .iter_mut()
        .find(|c| c.location == location && c.name == name)
}

fn pool<'a>(cluster: &'a Value, name: &str) -> Option<&'a Value> {
    cluster["nodePools"]
        .as_array()?
        .iter()
        .find(|p| p["name"] == name)
}

/// Adds the requested pool to the cluster and records a finished operation for it.
fn create_pool(
    state: &mut State,
    location: &str,
    cluster: &str,
    body: &str,
    port: u16,
) -> Option<Value> {
    let project = state.project.clone();
    let mut new_pool = serde_json::from_str::<Value>(body).ok()?["nodePool"].take();
    let pool_name = new_pool["name"].as_str()?.to_string();
    new_pool["status"] = json!("RUNNING");
    let target = find(state, location, cluster)?;
    match target.doc["nodePools"].as_array_mut() {
        Some(pools) => pools.push(new_pool),
        None => target.doc["nodePools"] = json!([new_pool]),
    }
    let op_name = format!("operation-{}", state.operations.len() + 1);
    let base = format!("http://127.0.0.1:{port}/v1/projects/{project}/locations/{location}");
    let operation = json!({
        "name": op_name,
        "zone": location,
        "operationType": "CREATE_NODE_POOL",
        "status": "DONE",
        "selfLink": format!("{base}/operations/{op_name}"),
        "targetLink": format!("{base}/clusters/{cluster}/nodePools/{pool_name}"),
    });
    state.operations.push(operation.clone());
    Some(operation)
}

fn ok(doc: Value) -> Answer {
    Some((200, "application/json", doc.to_string()))
}

/// A Google API error body, as the real API sends it.
fn error(code: u16, status: &str, message: String) -> Answer {
    let body = json!({ "error": { "code": code, "message": message, "status": status } });
    Some((code, "application/json", body.to_string()))
}
