//! `k8s::connect` and `k8s::read_cluster` against the fake API server, through real
//! kubeconfig files, as the CLI uses them.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

use kubectl_sandbox::{
    ClusterReads, ConnectError, ConnectOptions, Connection, Gap, Part, PodScope, connect,
    read_cluster,
};
use serde_json::json;
use tempfile::TempDir;
use testkit::fake_apiserver::{
    Credentials, FakeApiServer, KubeconfigContext, continue_token, exec_credential_plugin, objects,
    write_kubeconfig,
};

/// A fake server with one of each kind of object, and a kubeconfig pointing at it.
struct Fixture {
    server: FakeApiServer,
    dir: TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let server = FakeApiServer::start();
        server.insert_all([
            objects::gvisor_runtime_class(),
            objects::node("n1", "default-pool"),
            objects::namespace("shop"),
            objects::pod("shop", "web"),
        ]);
        Fixture {
            server,
            dir: TempDir::new().unwrap(),
        }
    }

    fn args_with(&self, credentials: Credentials) -> ConnectOptions {
        let context = KubeconfigContext::new("test", self.server.url(), credentials);
        let path = write_kubeconfig(self.dir.path(), &[context], "test");
        kube_args(path, None)
    }

    async fn connect(&self) -> Connection {
        connect(&self.args_with(Credentials::None)).await.unwrap()
    }

    async fn read(&self, scope: &PodScope, selector: Option<&str>) -> ClusterReads {
        read_cluster(&self.connect().await, scope, selector).await
    }
}

fn kube_args(kubeconfig: PathBuf, context: Option<&str>) -> ConnectOptions {
    ConnectOptions {
        kubeconfig: Some(kubeconfig),
        context: context.map(str::to_string),
        request_timeout: Duration::from_secs(30),
    }
}

fn known<T: std::fmt::Debug>(part: &Part<T>) -> &T {
    part.known()
        .unwrap_or_else(|| panic!("expected a known part, got {part:?}"))
}

fn gap<T: std::fmt::Debug>(part: &Part<T>) -> &Gap {
    part.gap()
        .unwrap_or_else(|| panic!("expected a gap, got {part:?}"))
}

fn assert_other_parts_known(reads: &ClusterReads) {
    assert_eq!(known(&reads.runtime_classes).len(), 1);
    assert_eq!(known(&reads.nodes).len(), 1);
    assert_eq!(known(&reads.namespaces).len(), 1);
}

#[tokio::test]
async fn reads_and_trims_all_four_parts() {
    let fixture = Fixture::new();
    let mut pod = objects::pod("shop", "web-5d8-abc");
    pod["metadata"]["ownerReferences"] = json!([
        {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-5d8", "uid": "1", "controller": true}
    ]);
    pod["spec"]["runtimeClassName"] = json!("gvisor");
    pod["spec"]["nodeName"] = json!("sandbox-1");
    let mut namespace = objects::namespace("mesh");
    namespace["metadata"]["labels"] = json!({"istio-injection": "enabled"});
    fixture.server.insert_all([
        pod,
        namespace,
        objects::sandbox_node("sandbox-1", "sandbox-pool"),
    ]);

    let reads = fixture.read(&PodScope::AllNamespaces, None).await;

    assert_eq!(reads.unreachable(), None);
    let class = &known(&reads.runtime_classes)[0];
    assert_eq!(
        (class.name.as_str(), class.handler.as_str()),
        ("gvisor", "gvisor")
    );
    assert_eq!(
        class.tolerations,
        ["sandbox.gke.io/runtime=gvisor:NoSchedule"]
    );
    let nodes = known(&reads.nodes);
    let sandbox = nodes.iter().find(|node| node.name == "sandbox-1").unwrap();
    assert!(sandbox.is_sandbox() && sandbox.ready);
    assert_eq!(sandbox.pool.as_deref(), Some("sandbox-pool"));
    assert_eq!(sandbox.sandbox_taint.as_deref(), Some("gvisor:NoSchedule"));
    let mesh = known(&reads.namespaces)
        .iter()
        .find(|ns| ns.name == "mesh")
        .unwrap();
    assert_eq!(mesh.labels["istio-injection"], "enabled");
    let pods = known(&reads.pods);
    let sandboxed = pods.iter().find(|pod| pod.name == "web-5d8-abc").unwrap();
    assert_eq!(sandboxed.owner.as_deref(), Some("ReplicaSet/web-5d8"));
    assert_eq!(sandboxed.runtime_class_name.as_deref(), Some("gvisor"));
    assert_eq!(sandboxed.node_name.as_deref(), Some("sandbox-1"));
    assert_eq!(sandboxed.phase, "Running");
}

#[tokio::test]
async fn pods_are_read_in_pages_of_500_following_continue_tokens() {
    let fixture = Fixture::new();
    // 1203 pods in all with the fixture's one.
    fixture.server.insert_all(
        (0..1202).map(|i| objects::pod(&format!("ns-{}", i % 7), &format!("pod-{i:04}"))),
    );

    let reads = fixture.read(&PodScope::AllNamespaces, None).await;

    let pods = known(&reads.pods);
    assert_eq!(pods.len(), 1203);
    let distinct: BTreeSet<String> = pods.iter().map(|pod| pod.key()).collect();
    assert_eq!(distinct.len(), 1203);
    let requests = fixture.server.requests_to("/api/v1/pods");
    let continues: Vec<Option<&str>> = requests
        .iter()
        .map(|request| request.query.get("continue").map(String::as_str))
        .collect();
    let (second, third) = (continue_token(500), continue_token(1000));
    assert_eq!(
        continues,
        [None, Some(second.as_str()), Some(third.as_str())]
    );
    assert!(
        requests
            .iter()
            .all(|request| request.query["limit"] == "500")
    );
}

#[tokio::test]
async fn a_namespace_scope_lists_the_namespaced_path_only() {
    let fixture = Fixture::new();
    fixture.server.insert(objects::pod("other", "api"));

    let reads = fixture
        .read(&PodScope::Namespace("shop".into()), None)
        .await;

    let names: Vec<&str> = known(&reads.pods)
        .iter()
        .map(|pod| pod.name.as_str())
        .collect();
    assert_eq!(names, ["web"]);
    assert_eq!(
        fixture
            .server
            .requests_to("/api/v1/namespaces/shop/pods")
            .len(),
        1
    );
    assert!(fixture.server.requests_to("/api/v1/pods").is_empty());
}

#[tokio::test]
async fn the_pod_label_selector_is_passed_to_the_server() {
    let fixture = Fixture::new();
    let mut labelled = objects::pod("shop", "web-labelled");
    labelled["metadata"]["labels"] = json!({"app": "web"});
    fixture.server.insert(labelled);

    let reads = fixture
        .read(&PodScope::AllNamespaces, Some("app=web"))
        .await;

    let names: Vec<&str> = known(&reads.pods)
        .iter()
        .map(|pod| pod.name.as_str())
        .collect();
    assert_eq!(names, ["web-labelled"]);
    let request = &fixture.server.requests_to("/api/v1/pods")[0];
    assert_eq!(request.query["labelSelector"], "app=web");
    assert!(
        !fixture.server.requests_to("/api/v1/nodes")[0]
            .query
            .contains_key("labelSelector")
    );
}

#[tokio::test]
async fn forbidden_pods_leave_a_gap_naming_the_permission() {
    let fixture = Fixture::new();
    fixture.server.fail_on("pods", 403);

    let reads = fixture.read(&PodScope::AllNamespaces, None).await;

    let gap = gap(&reads.pods);
    assert!(gap.reason.contains("list pods at cluster scope"), "{gap:?}");
    assert!(gap.reason.contains("403"), "{gap:?}");
    assert!(
        gap.hint.contains("kubectl auth can-i list pods -A"),
        "{gap:?}"
    );
    assert!(gap.hint.contains("-n NAMESPACE"), "{gap:?}");
    assert_other_parts_known(&reads);
    assert_eq!(reads.unreachable(), None);
}

#[tokio::test]
async fn forbidden_everywhere_is_not_unreachable() {
    let fixture = Fixture::new();
    for resource in ["runtimeclasses", "nodes", "namespaces", "pods"] {
        fixture.server.fail_on(resource, 403);
    }

    let reads = fixture.read(&PodScope::AllNamespaces, None).await;

    // The server answered and accepted the credentials: every part is a gap, but the
    // cluster was reached.
    assert!(
        gap(&reads.nodes)
            .hint
            .contains("kubectl auth can-i list nodes`")
    );
    assert!(
        gap(&reads.runtime_classes)
            .hint
            .contains("can-i list runtimeclasses.node.k8s.io`")
    );
    assert!(reads.namespaces.gap().is_some() && reads.pods.gap().is_some());
    assert_eq!(reads.unreachable(), None);
}

#[tokio::test]
async fn rejected_credentials_everywhere_make_the_cluster_unreachable() {
    let fixture = Fixture::new();
    fixture.server.require_token("the-right-token");

    let connection = connect(&fixture.args_with(Credentials::Token("an-expired-token".into())))
        .await
        .unwrap();
    let reads = read_cluster(&connection, &PodScope::AllNamespaces, None).await;

    let unreachable = reads.unreachable().expect("unreachable");
    assert!(unreachable.reason.contains("401"), "{unreachable:?}");
    assert!(
        unreachable.hint.contains("get-credentials"),
        "{unreachable:?}"
    );
    assert!(
        unreachable.hint.contains("gke-gcloud-auth-plugin"),
        "{unreachable:?}"
    );
    assert!(reads.nodes.gap().is_some() && reads.pods.gap().is_some());
}

#[tokio::test]
async fn a_refused_connection_makes_the_cluster_unreachable() {
    let closed_port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let dir = TempDir::new().unwrap();
    let url = format!("http://127.0.0.1:{closed_port}");
    let path = write_kubeconfig(
        dir.path(),
        &[KubeconfigContext::new("gone", &url, Credentials::None)],
        "gone",
    );

    let connection = connect(&kube_args(path, None)).await.unwrap();
    let reads = read_cluster(&connection, &PodScope::AllNamespaces, None).await;

    let unreachable = reads.unreachable().expect("unreachable");
    assert!(
        unreachable.reason.contains("could not connect"),
        "{unreachable:?}"
    );
    assert!(unreachable.reason.contains(&url), "{unreachable:?}");
}

#[tokio::test]
async fn runtime_classes_not_served_leave_a_gap_about_the_cluster_version() {
    let fixture = Fixture::new();
    fixture.server.fail_on("runtimeclasses", 404);

    let reads = fixture.read(&PodScope::AllNamespaces, None).await;

    let gap = gap(&reads.runtime_classes);
    assert!(gap.reason.contains("node.k8s.io/v1"), "{gap:?}");
    assert!(gap.hint.contains("1.20"), "{gap:?}");
    assert_eq!(known(&reads.nodes).len(), 1);
    assert_eq!(known(&reads.pods).len(), 1);
    assert_eq!(reads.unreachable(), None);
}

#[tokio::test]
async fn a_server_error_on_nodes_is_a_gap_not_unreachable() {
    let fixture = Fixture::new();
    fixture.server.fail_on("nodes", 500);

    let reads = fixture.read(&PodScope::AllNamespaces, None).await;

    let gap = gap(&reads.nodes);
    assert!(gap.reason.contains("500"), "{gap:?}");
    assert!(gap.hint.contains("readyz"), "{gap:?}");
    assert_eq!(known(&reads.pods).len(), 1);
    assert_eq!(reads.unreachable(), None);
}

#[tokio::test]
async fn a_server_slower_than_the_request_timeout_leaves_a_gap() {
    let fixture = Fixture::new();
    fixture.server.delay_on("pods", Duration::from_secs(20));
    let mut args = fixture.args_with(Credentials::None);
    args.request_timeout = Duration::from_millis(300);

    let reads = read_cluster(
        &connect(&args).await.unwrap(),
        &PodScope::AllNamespaces,
        None,
    )
    .await;

    let gap = gap(&reads.pods);
    assert!(gap.reason.contains("request timeout"), "{gap:?}");
    assert!(gap.hint.contains("--request-timeout"), "{gap:?}");
    assert_other_parts_known(&reads);
    assert_eq!(reads.unreachable(), None, "the other parts answered");
}

#[tokio::test]
async fn a_server_too_slow_everywhere_is_unreachable() {
    let fixture = Fixture::new();
    for resource in ["runtimeclasses", "nodes", "namespaces", "pods"] {
        fixture.server.delay_on(resource, Duration::from_secs(20));
    }
    let mut args = fixture.args_with(Credentials::None);
    args.request_timeout = Duration::from_millis(300);

    let reads = read_cluster(
        &connect(&args).await.unwrap(),
        &PodScope::AllNamespaces,
        None,
    )
    .await;

    let unreachable = reads.unreachable().expect("unreachable");
    assert!(
        unreachable.reason.contains("request timeout"),
        "{unreachable:?}"
    );
}

#[tokio::test]
async fn a_cut_short_body_leaves_a_gap() {
    let fixture = Fixture::new();
    fixture.server.cut_short_on("nodes");

    let reads = fixture.read(&PodScope::AllNamespaces, None).await;

    let gap = gap(&reads.nodes);
    assert!(
        gap.reason
            .starts_with("reading nodes from the API server failed"),
        "{gap:?}"
    );
    assert_eq!(known(&reads.pods).len(), 1);
    assert_eq!(reads.unreachable(), None);
}

#[tokio::test]
async fn an_expired_continue_token_leaves_a_gap_asking_to_retry() {
    let fixture = Fixture::new();
    fixture
        .server
        .insert_all((0..600).map(|i| objects::pod("shop", &format!("pod-{i}"))));
    fixture.server.expire_continue_tokens();

    let reads = fixture.read(&PodScope::AllNamespaces, None).await;

    let gap = gap(&reads.pods);
    assert!(gap.reason.contains("410"), "{gap:?}");
    assert!(gap.hint.contains("run the command again"), "{gap:?}");
    assert_eq!(fixture.server.requests_to("/api/v1/pods").len(), 2);
    assert_other_parts_known(&reads);
}

#[tokio::test]
async fn the_exec_plugins_token_is_what_the_server_sees() {
    let fixture = Fixture::new();
    fixture.server.require_token("token-from-plugin");
    let credentials = exec_credential_plugin(fixture.dir.path(), "token-from-plugin");

    let connection = connect(&fixture.args_with(credentials)).await.unwrap();
    let reads = read_cluster(&connection, &PodScope::AllNamespaces, None).await;

    assert_eq!(known(&reads.pods).len(), 1);
    let requests = fixture.server.requests();
    assert_eq!(requests.len(), 4);
    assert!(
        requests
            .iter()
            .all(|request| request.headers["authorization"] == "Bearer token-from-plugin")
    );
}

#[tokio::test]
async fn a_missing_gke_auth_plugin_says_how_to_install_it() {
    let fixture = Fixture::new();
    // An absolute path that does not exist: the machine running the tests may well have
    // the real plugin on PATH.
    let credentials = Credentials::Exec {
        command: fixture.dir.path().join("gke-gcloud-auth-plugin"),
        args: Vec::new(),
    };

    let error = connect(&fixture.args_with(credentials)).await.unwrap_err();

    assert!(
        matches!(error, ConnectError::ExecPluginMissing { .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.contains("gcloud components install gke-gcloud-auth-plugin"),
        "{message}"
    );
    assert!(
        message.contains("google-cloud-cli-gke-gcloud-auth-plugin"),
        "{message}"
    );
}

#[tokio::test]
async fn a_renamed_context_reports_its_gke_cluster_entry() {
    let server = FakeApiServer::start();
    let dir = TempDir::new().unwrap();
    let context = KubeconfigContext {
        context_name: "prod".into(),
        cluster_name: "gke_P_L_C".into(),
        server_url: server.url().into(),
        credentials: Credentials::None,
    };
    let path = write_kubeconfig(dir.path(), &[context], "prod");

    let connection = connect(&kube_args(path, None)).await.unwrap();

    assert_eq!(connection.context, "prod");
    assert_eq!(connection.cluster, "gke_P_L_C");
    assert_eq!(connection.server, format!("{}/", server.url()));
}

#[tokio::test]
async fn context_flag_picks_among_several() {
    let (first, second) = (FakeApiServer::start(), FakeApiServer::start());
    let dir = TempDir::new().unwrap();
    let contexts = [
        KubeconfigContext::new("first", first.url(), Credentials::None),
        KubeconfigContext::new("second", second.url(), Credentials::None),
    ];
    let path = write_kubeconfig(dir.path(), &contexts, "first");

    let connection = connect(&kube_args(path, Some("second"))).await.unwrap();
    read_cluster(&connection, &PodScope::AllNamespaces, None).await;

    assert_eq!(connection.context, "second");
    assert_eq!(second.requests().len(), 4);
    assert!(first.requests().is_empty());
}

#[tokio::test]
async fn a_missing_kubeconfig_points_to_get_credentials() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("no-such-kubeconfig");

    let error = connect(&kube_args(path.clone(), None)).await.unwrap_err();

    assert!(
        matches!(error, ConnectError::KubeconfigMissing { .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(
        message.contains("gcloud container clusters get-credentials"),
        "{message}"
    );
}

#[tokio::test]
async fn a_malformed_kubeconfig_says_which_file() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("config");
    std::fs::write(&path, "contexts: [this is not: a kubeconfig").unwrap();

    let error = connect(&kube_args(path.clone(), None)).await.unwrap_err();

    assert!(
        matches!(error, ConnectError::KubeconfigMalformed { .. }),
        "{error:?}"
    );
    assert!(
        error.to_string().contains(&path.display().to_string()),
        "{error}"
    );
}

#[tokio::test]
async fn an_unknown_context_lists_the_available_ones() {
    let server = FakeApiServer::start();
    let dir = TempDir::new().unwrap();
    let contexts = [
        KubeconfigContext::new("alpha", server.url(), Credentials::None),
        KubeconfigContext::new("beta", server.url(), Credentials::None),
    ];
    let path = write_kubeconfig(dir.path(), &contexts, "alpha");

    let error = connect(&kube_args(path, Some("gamma"))).await.unwrap_err();

    assert!(
        matches!(error, ConnectError::ContextNotFound { .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains("`gamma`"), "{message}");
    assert!(message.contains("available: alpha, beta"), "{message}");
}
