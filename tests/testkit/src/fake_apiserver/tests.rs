//! The fake's own tests, through real sockets with a deliberately dumb client.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use serde_json::{Value, json};

use super::*;

struct Answer {
    status: u16,
    content_length: usize,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("JSON body")
    }
}

fn call(
    server: &FakeApiServer,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Answer {
    let address = server.url().trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let mut request = format!(
        "{method} {target} HTTP/1.1\r\nHost: {address}\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).expect("send");
    let mut raw = String::new();
    stream.read_to_string(&mut raw).expect("read");
    let (head, body) = raw.split_once("\r\n\r\n").expect("head and body");
    let status = head[9..12].parse().expect("status code");
    let content_length = head
        .lines()
        .find_map(|line| line.strip_prefix("Content-Length: "))
        .and_then(|length| length.parse().ok())
        .expect("Content-Length");
    Answer {
        status,
        content_length,
        body: body.to_string(),
    }
}

fn get(server: &FakeApiServer, target: &str) -> Answer {
    call(server, "GET", target, &[], "")
}

fn names(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["metadata"]["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_list_paginates_with_continue_tokens() {
    let server = FakeApiServer::start();
    server.insert_all((0..5).map(|i| objects::pod("shop", &format!("web-{i}"))));

    let first = get(&server, "/api/v1/pods?limit=2").json();
    assert_eq!(first["kind"], "PodList");
    assert_eq!(names(&first), ["web-0", "web-1"]);
    assert_eq!(first["metadata"]["continue"], continue_token(2));
    assert_eq!(first["metadata"]["resourceVersion"], "5");

    let second = get(
        &server,
        &format!("/api/v1/pods?limit=2&continue={}", continue_token(2)),
    )
    .json();
    assert_eq!(names(&second), ["web-2", "web-3"]);
    let last = get(
        &server,
        &format!("/api/v1/pods?limit=2&continue={}", continue_token(4)),
    )
    .json();
    assert_eq!(names(&last), ["web-4"]);
    assert_eq!(last["metadata"].get("continue"), None);
    assert_eq!(server.requests_to("/api/v1/pods").len(), 3);
    assert_eq!(server.requests()[1].query["continue"], continue_token(2));
}

#[test]
fn lists_filter_by_namespace_and_label_selector() {
    let server = FakeApiServer::start();
    let mut labelled = objects::pod("shop", "web");
    labelled["metadata"]["labels"] = json!({"app": "web"});
    server.insert_all([
        labelled,
        objects::pod("shop", "db"),
        objects::pod("other", "web"),
    ]);

    assert_eq!(
        names(&get(&server, "/api/v1/namespaces/shop/pods").json()),
        ["db", "web"]
    );
    assert_eq!(
        names(&get(&server, "/api/v1/pods?labelSelector=app%3Dweb").json()),
        ["web"]
    );
    let single = get(&server, "/api/v1/namespaces/other/pods/web");
    assert_eq!(
        (
            single.status,
            single.json()["metadata"]["namespace"].clone()
        ),
        (200, json!("other"))
    );
    assert_eq!(get(&server, "/api/v1/namespaces/other/pods/db").status, 404);
}

#[test]
fn an_injected_403_is_served_with_the_api_servers_status() {
    let server = FakeApiServer::start();
    server.insert(objects::pod("shop", "web"));
    server.fail_on("pods", 403);

    let answer = get(&server, "/api/v1/pods?limit=500");
    assert_eq!(answer.status, 403);
    let status = answer.json();
    assert_eq!(status["kind"], "Status");
    assert_eq!(status["reason"], "Forbidden");
    assert_eq!(
        status["message"],
        r#"pods is forbidden: User "x" cannot list resource "pods" in API group "" at the cluster scope"#
    );
    assert_eq!(get(&server, "/api/v1/nodes").status, 200, "only pods fail");
}

#[test]
fn a_missing_or_wrong_token_gets_401() {
    let server = FakeApiServer::start();
    server.require_token("secret");
    assert_eq!(get(&server, "/api/v1/nodes").status, 401);
    let wrong = call(
        &server,
        "GET",
        "/api/v1/nodes",
        &[("Authorization", "Bearer nope")],
        "",
    );
    assert_eq!(
        (wrong.status, wrong.json()["reason"].clone()),
        (401, json!("Unauthorized"))
    );
    let right = call(
        &server,
        "GET",
        "/api/v1/nodes",
        &[("Authorization", "Bearer secret")],
        "",
    );
    assert_eq!(right.status, 200);
}

#[test]
fn expired_continue_tokens_get_410() {
    let server = FakeApiServer::start();
    server.expire_continue_tokens();
    assert_eq!(get(&server, "/api/v1/pods?limit=1").status, 200);
    let gone = get(
        &server,
        &format!("/api/v1/pods?limit=1&continue={}", continue_token(1)),
    );
    assert_eq!(
        (gone.status, gone.json()["reason"].clone()),
        (410, json!("Expired"))
    );
}

#[test]
fn a_cut_short_body_announces_more_than_it_sends() {
    let server = FakeApiServer::start();
    server.insert(objects::node("n1", "default-pool"));
    server.cut_short_on("nodes");
    let answer = get(&server, "/api/v1/nodes");
    assert_eq!(answer.status, 200);
    assert!(
        answer.body.len() < answer.content_length,
        "{} < {}",
        answer.body.len(),
        answer.content_length
    );
}

#[test]
fn a_dry_run_patch_answers_but_changes_nothing() {
    let server = FakeApiServer::start();
    server.insert(objects::pod("shop", "web"));
    let path = "/api/v1/namespaces/shop/pods/web";
    let merge = [("Content-Type", "application/merge-patch+json")];
    let patch = r#"{"metadata":{"labels":{"sandboxed":"yes"}}}"#;

    let dry = call(
        &server,
        "PATCH",
        &format!("{path}?dryRun=All"),
        &merge,
        patch,
    );
    assert_eq!(dry.status, 200);
    assert_eq!(dry.json()["metadata"]["labels"]["sandboxed"], "yes");
    let stored = server.object(path).unwrap();
    assert_eq!(stored["metadata"].get("labels"), None);
    assert_eq!(stored["metadata"]["resourceVersion"], "1");

    let real = call(&server, "PATCH", path, &merge, patch);
    assert_eq!(real.status, 200);
    let stored = server.object(path).unwrap();
    assert_eq!(stored["metadata"]["labels"]["sandboxed"], "yes");
    assert_eq!(stored["metadata"]["resourceVersion"], "2");

    let recorded = &server.requests()[0];
    assert_eq!(
        (recorded.method.as_str(), recorded.query["dryRun"].as_str()),
        ("PATCH", "All")
    );
    assert_eq!(
        recorded.headers["content-type"],
        "application/merge-patch+json"
    );
    assert_eq!(recorded.body, patch);
}

#[test]
fn server_side_apply_creates_and_needs_a_field_manager() {
    let server = FakeApiServer::start();
    let path = "/apis/apps/v1/namespaces/shop/deployments/web";
    let apply = [("Content-Type", "application/apply-patch+yaml")];
    let body = r#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":2}}"#;

    assert_eq!(call(&server, "PATCH", path, &apply, body).status, 422);
    assert_eq!(server.object(path), None);
    assert_eq!(
        call(
            &server,
            "PATCH",
            &format!("{path}?fieldManager=kubectl-sandbox"),
            &apply,
            body
        )
        .status,
        200
    );
    assert_eq!(server.object(path).unwrap()["spec"]["replicas"], 2);
    assert_eq!(
        get(&server, "/apis/apps/v1/deployments").json()["kind"],
        "DeploymentList"
    );
}

#[test]
fn a_put_with_a_stale_resource_version_conflicts() {
    let server = FakeApiServer::start();
    server.insert(objects::pod("shop", "web"));
    let path = "/api/v1/namespaces/shop/pods/web";
    let mut pod = server.object(path).unwrap();
    pod["metadata"]["labels"] = json!({"a": "b"});
    assert_eq!(
        call(&server, "PUT", path, &[], &pod.to_string()).status,
        200
    );

    // `pod` still carries resourceVersion 1; the store is at 2 now.
    let conflict = call(&server, "PUT", path, &[], &pod.to_string());
    assert_eq!(
        (conflict.status, conflict.json()["reason"].clone()),
        (409, json!("Conflict"))
    );
    assert_eq!(
        server.object(path).unwrap()["metadata"]["resourceVersion"],
        "2"
    );
}

#[test]
fn an_injected_status_stops_a_write() {
    let server = FakeApiServer::start();
    server.insert(objects::pod("shop", "web"));
    server.fail_on("pods", 403);
    let path = "/api/v1/namespaces/shop/pods/web";
    let answer = call(
        &server,
        "PATCH",
        path,
        &[("Content-Type", "application/merge-patch+json")],
        r#"{"metadata":{"labels":{"a":"b"}}}"#,
    );
    assert_eq!(answer.status, 403);
    assert!(
        answer.json()["message"]
            .as_str()
            .unwrap()
            .contains("cannot patch resource \"pods\" in API group \"\" in the namespace \"shop\"")
    );
    assert_eq!(server.object(path).unwrap()["metadata"].get("labels"), None);
}

#[test]
fn version_reports_the_configured_git_version() {
    let server = FakeApiServer::start();
    server.set_git_version("v1.27.4-gke.800");
    let version = get(&server, "/version").json();
    assert_eq!(
        (version["major"].as_str(), version["minor"].as_str()),
        (Some("1"), Some("27"))
    );
    assert_eq!(version["gitVersion"], "v1.27.4-gke.800");
}

#[test]
fn write_kubeconfig_writes_contexts_clusters_and_users() {
    let dir = std::env::temp_dir().join(format!("testkit-kubeconfig-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let contexts = [
        KubeconfigContext {
            context_name: "prod".into(),
            cluster_name: "gke_acme_europe-west1_prod".into(),
            server_url: "http://127.0.0.1:1".into(),
            credentials: Credentials::Token("t0ken".into()),
        },
        KubeconfigContext::new(
            "dev",
            "http://127.0.0.1:2",
            exec_credential_plugin(&dir, "from-exec"),
        ),
    ];
    let path = write_kubeconfig(&dir, &contexts, "prod");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("current-context: \"prod\""), "{text}");
    assert!(
        text.contains(
            "- name: \"gke_acme_europe-west1_prod\"\n  cluster:\n    server: \"http://127.0.0.1:1\""
        ),
        "{text}"
    );
    assert!(
        text.contains("    cluster: \"gke_acme_europe-west1_prod\"\n    user: \"prod-user\""),
        "{text}"
    );
    assert!(text.contains("token: \"t0ken\""), "{text}");
    assert!(text.contains("command: \"/bin/sh\""), "{text}");

    let Credentials::Exec { args, .. } = &contexts[1].credentials else {
        panic!("exec credentials")
    };
    let output = std::process::Command::new("/bin/sh")
        .args(args)
        .output()
        .unwrap();
    let credential: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(credential["status"]["token"], "from-exec");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_accept_loop_wakes_only_for_connections() {
    // The loop used to poll a non-blocking listener and sleep 5 ms between tries, which
    // added up to 5 ms to every request of a sequential client (and woke it ten times in
    // the idle time below); blocking in accept, it wakes once per request.
    let server = FakeApiServer::start();
    std::thread::sleep(Duration::from_millis(50));
    for _ in 0..3 {
        assert_eq!(get(&server, "/version").status, 200);
    }
    assert_eq!(server.accept_wakeups(), 3);
}

#[test]
fn a_dropped_server_stops_accepting() {
    let server = FakeApiServer::start();
    let address = server.address;
    assert_eq!(get(&server, "/version").status, 200);
    drop(server);
    assert!(
        TcpStream::connect(address).is_err(),
        "the listener is closed once the server is dropped"
    );
}

#[test]
fn the_server_stops_by_itself_at_its_deadline() {
    let server = FakeApiServer::start_on(0, Duration::from_millis(100));
    let thread = server.accept_thread.as_ref().expect("accept thread");
    for _ in 0..100 {
        if thread.is_finished() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        thread.is_finished(),
        "the accept loop ended at the deadline"
    );
    assert!(server.stop.load(Ordering::SeqCst));
}
