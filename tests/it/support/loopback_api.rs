//! A few fixed lists served on loopback, the way the API server answers a metadata-only
//! list, plus a kubeconfig pointing at it. Just enough for completion; it stops when dropped.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use serde_json::json;

/// The objects served, by collection path.
const COLLECTIONS: [(&str, &[&str]); 3] = [
    ("/api/v1/namespaces", &["default", "tenant-a"]),
    ("/api/v1/namespaces/tenant-a/pods", &["web-0", "web-1"]),
    (
        "/apis/apps/v1/namespaces/tenant-a/deployments",
        &["web", "worker"],
    ),
];

/// One request as received: the URL and its Accept header.
#[derive(Debug, Clone)]
pub struct Seen {
    pub url: String,
    pub accept: String,
}

pub struct LoopbackApi {
    server: Arc<tiny_http::Server>,
    thread: Option<JoinHandle<()>>,
    seen: Arc<Mutex<Vec<Seen>>>,
    pub url: String,
}

impl LoopbackApi {
    pub fn start() -> Self {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
        let url = format!("http://{}", server.server_addr().to_ip().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let thread = {
            let (server, seen) = (server.clone(), seen.clone());
            std::thread::spawn(move || {
                // Ends when `unblock` is called on drop.
                for request in server.incoming_requests() {
                    let accept = request
                        .headers()
                        .iter()
                        .find(|h| h.field.equiv("Accept"))
                        .map(|h| h.value.to_string())
                        .unwrap_or_default();
                    let url = request.url().to_owned();
                    seen.lock().unwrap().push(Seen {
                        url: url.clone(),
                        accept,
                    });
                    let _ = request.respond(answer(&url));
                }
            })
        };
        LoopbackApi {
            server,
            thread: Some(thread),
            seen,
            url,
        }
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for LoopbackApi {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn answer(url: &str) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    let path = url.split('?').next().unwrap_or_default();
    let json_header = tiny_http::Header::from_bytes("Content-Type", "application/json").unwrap();
    match COLLECTIONS
        .iter()
        .find(|(collection, _)| *collection == path)
    {
        Some((_, names)) => {
            let items: Vec<_> = names
                .iter()
                .map(|name| {
                    json!({"apiVersion": "meta.k8s.io/v1", "kind": "PartialObjectMetadata",
                           "metadata": {"name": name}})
                })
                .collect();
            let body = json!({"apiVersion": "meta.k8s.io/v1", "kind": "PartialObjectMetadataList",
                              "metadata": {"resourceVersion": "1"}, "items": items});
            tiny_http::Response::from_data(body.to_string()).with_header(json_header)
        }
        None => {
            let body = json!({"apiVersion": "v1", "kind": "Status", "status": "Failure",
                              "reason": "NotFound", "code": 404, "message": "not served"});
            tiny_http::Response::from_data(body.to_string())
                .with_header(json_header)
                .with_status_code(404)
        }
    }
}

/// Writes a kubeconfig with three contexts: `loopback` (current, namespace tenant-a) reaches
/// `api`; `refused` names a port nobody listens on; `silent` one that accepts and never answers.
pub fn write_kubeconfig(dir: &Path, api: &LoopbackApi, refused: &str, silent: &str) -> PathBuf {
    let path = dir.join("kubeconfig");
    let text = format!(
        "apiVersion: v1
kind: Config
current-context: loopback
clusters:
- name: loopback
  cluster: {{server: \"{api}\"}}
- name: refused
  cluster: {{server: \"{refused}\"}}
- name: silent
  cluster: {{server: \"{silent}\"}}
users:
- name: tester
  user: {{token: test-token}}
contexts:
- name: loopback
  context: {{cluster: loopback, user: tester, namespace: tenant-a}}
- name: refused
  context: {{cluster: refused, user: tester}}
- name: silent
  context: {{cluster: silent, user: tester}}
",
        api = api.url
    );
    std::fs::write(&path, text).unwrap();
    path
}

/// A loopback URL with nothing listening: connections are refused at once.
pub fn refused_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    format!("http://{}", listener.local_addr().unwrap())
}
