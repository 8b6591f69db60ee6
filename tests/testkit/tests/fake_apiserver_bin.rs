//! The standalone `fake-apiserver` program serves a synthetic cluster, writes a kubeconfig
//! that points at it, logs requests and stops by itself.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

use serde_json::Value;

/// A GET over a fresh connection; the fake closes it after the answer.
fn get(address: &str, path: &str) -> Value {
    let mut stream = TcpStream::connect(address).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {address}\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    serde_json::from_str(body).unwrap()
}

#[test]
fn serves_the_synthetic_cluster_in_pages_and_logs_each_request() {
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig.yaml");
    let log = dir.path().join("requests.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_fake-apiserver"))
        .args(["--pods", "120", "--serve-for", "60", "--kubeconfig"])
        .arg(&kubeconfig)
        .arg("--request-log")
        .arg(&log)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut ready = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut ready)
        .unwrap();
    let url = ready.strip_prefix("READY ").unwrap().trim().to_string();
    let address = url.strip_prefix("http://").unwrap();

    let first = get(address, "/api/v1/pods?limit=100");
    assert_eq!(first["kind"], "PodList");
    assert_eq!(first["items"].as_array().unwrap().len(), 100);
    let token = first["metadata"]["continue"].as_str().unwrap();
    let rest = get(address, &format!("/api/v1/pods?limit=100&continue={token}"));
    assert_eq!(rest["items"].as_array().unwrap().len(), 20);
    assert!(rest["metadata"].get("continue").is_none());
    let nodes = get(address, "/api/v1/nodes");
    assert_eq!(nodes["items"].as_array().unwrap().len(), 4);
    let discovery = get(address, "/api/v1");
    assert_eq!(discovery["kind"], "APIResourceList");

    let config = std::fs::read_to_string(&kubeconfig).unwrap();
    assert!(config.contains(&format!("server: \"{url}\"")), "{config}");
    assert!(config.contains("gke_bench-project_europe-west1_prod-eu"));
    let logged = std::fs::read_to_string(&log).unwrap();
    assert_eq!(logged.lines().count(), 4, "{logged}");
    assert!(
        logged.starts_with("GET /api/v1/pods?limit=100\n"),
        "{logged}"
    );

    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn stops_by_itself_after_serve_for() {
    let status = Command::new(env!("CARGO_BIN_EXE_fake-apiserver"))
        .args(["--pods", "10", "--serve-for", "1"])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
}
