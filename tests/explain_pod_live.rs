//! `kubectl sandbox explain-pod` against a live-like cluster: the built binary reads a fake
//! Kubernetes API server through a real kubeconfig; the GKE side comes from --gke-json so
//! no gcloud is needed. Live objects bring what files lack: namespace labels, the
//! RuntimeClasses, the GKE version and node pools.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::{Value, json};
use tempfile::TempDir;
use testkit::fake_apiserver::objects::{gvisor_runtime_class, namespace, pod};
use testkit::fake_apiserver::{Credentials, FakeApiServer, KubeconfigContext, write_kubeconfig};

struct Rig {
    api: FakeApiServer,
    _dir: TempDir,
    kubeconfig: PathBuf,
}

fn gke_json() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/gke/standard-with-sandbox.json")
        .display()
        .to_string()
}

fn rig() -> Rig {
    let api = FakeApiServer::start();
    let dir = tempfile::tempdir().unwrap();
    let context = KubeconfigContext::new("prod", api.url(), Credentials::None);
    let kubeconfig = write_kubeconfig(dir.path(), &[context], "prod");
    let mut shop = namespace("shop");
    shop["metadata"]["labels"] = json!({ "istio-injection": "enabled" });
    api.insert_all([gvisor_runtime_class(), shop, namespace("batch")]);
    Rig {
        api,
        _dir: dir,
        kubeconfig,
    }
}

fn deployment(namespace: &str, name: &str, spec: Value) -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": { "name": name, "namespace": namespace, "uid": format!("uid-{name}") },
        "spec": { "selector": { "matchLabels": { "app": name } }, "template": {
            "metadata": { "labels": { "app": name } },
            "spec": spec,
        }},
    })
}

fn limited(image: &str) -> Value {
    json!({ "name": "app", "image": image, "resources": { "limits": { "cpu": "1", "memory": "1Gi" } } })
}

impl Rig {
    fn run(&self, args: &[&str]) -> Output {
        std::process::Command::new(env!("CARGO_BIN_EXE_kubectl-sandbox"))
            .arg("explain-pod")
            .args(args)
            .args(["--gke-json", &gke_json()])
            .env("KUBECONFIG", &self.kubeconfig)
            .env("NO_COLOR", "1")
            .output()
            .expect("the binary runs")
    }

    fn json(&self, args: &[&str]) -> (Value, i32) {
        let mut all = args.to_vec();
        all.extend(["-o", "json"]);
        let out = self.run(&all);
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        let report = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("JSON on stdout ({e}); stderr: {stderr}"));
        (report, out.status.code().unwrap())
    }
}

fn ids(object: &Value) -> Vec<String> {
    object["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_live_deployment_uses_the_namespace_labels_and_the_cluster() {
    let rig = rig();
    rig.api.insert(deployment(
        "shop",
        "web",
        json!({ "containers": [limited("nginx:1.27")] }),
    ));
    let (report, code) = rig.json(&["deployment/web", "-n", "shop"]);
    assert_eq!(code, 1, "{report:#}");
    let object = &report["objects"][0];
    assert_eq!(object["kind"], "Deployment");
    assert_eq!(object["namespace"], "shop");
    assert!(object.get("source").is_none(), "live objects have no file");
    let istio = &object["findings"][0];
    assert_eq!(istio["id"], "EP002");
    assert_eq!(istio["path"], "metadata.namespace");
    assert!(
        istio["message"]
            .as_str()
            .unwrap()
            .contains("istio-injection=enabled")
    );
    assert_eq!(report["not_known"], json!([]), "everything was read");
}

#[test]
fn the_gke_version_and_pools_decide_gpu_and_pins() {
    let rig = rig();
    let mut gpu = limited("trainer:1");
    gpu["resources"]["limits"]["nvidia.com/gpu"] = json!(1);
    rig.api
        .insert(deployment("batch", "train", json!({ "containers": [gpu] })));
    rig.api.insert(deployment(
        "batch",
        "pinned",
        json!({ "nodeSelector": { "cloud.google.com/gke-nodepool": "default-pool" }, "containers": [limited("app:1")] }),
    ));
    let (report, _) = rig.json(&["deployment/train", "deployment/pinned", "-n", "batch"]);
    let train = &report["objects"][0];
    assert_eq!(train["findings"][0]["id"], "EP001");
    assert_eq!(
        train["findings"][0]["effect"], "caution",
        "1.33 has GPUs under GKE Sandbox"
    );
    assert_eq!(train["verdict"], "compatible-with-caveats");
    let pinned = &report["objects"][1];
    assert_eq!(pinned["findings"][0]["id"], "EP020");
    assert_eq!(
        pinned["findings"][0]["effect"], "blocks",
        "default-pool has no sandbox"
    );
}

#[test]
fn all_namespaces_lists_top_level_workloads_one_line_each() {
    let rig = rig();
    rig.api.insert(deployment(
        "shop",
        "web",
        json!({ "containers": [limited("nginx:1.27")] }),
    ));
    let mut owned = pod("shop", "web-abc-1");
    owned["metadata"]["ownerReferences"] = json!([{
        "apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-abc", "uid": "u1", "controller": true
    }]);
    let mut bare = pod("batch", "debug");
    bare["spec"]["hostPID"] = json!(true);
    rig.api.insert_all([owned, bare]);

    let (report, code) = rig.json(&["-A"]);
    assert_eq!(code, 1, "the bare pod uses hostPID");
    let names: Vec<&str> = report["objects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["web", "debug"],
        "the owned pod is explained by its Deployment"
    );
    assert!(ids(&report["objects"][1]).contains(&"EP004".to_string()));

    let table = String::from_utf8(rig.run(&["-A"]).stdout).unwrap();
    assert!(table.starts_with("NAMESPACE   KIND"), "{table}");
    assert!(
        table.contains("batch       Pod          debug   blocked"),
        "{table}"
    );
}

#[test]
fn a_missing_target_is_bad_input_and_the_others_are_explained() {
    let rig = rig();
    rig.api.insert(pod("batch", "worker"));
    let (report, code) = rig.json(&["pod/worker", "cronjob/gone", "-n", "batch"]);
    assert_eq!(code, 2);
    assert_eq!(report["objects"][0]["name"], "worker");
    assert_eq!(report["errors"][0]["file"], "cronjob/gone");
    assert_eq!(
        report["errors"][0]["message"],
        "not found in namespace batch"
    );
}

#[test]
fn an_unreachable_cluster_exits_3() {
    let dir = tempfile::tempdir().unwrap();
    // Nothing listens on port 9 of loopback.
    let context = KubeconfigContext::new("gone", "http://127.0.0.1:9", Credentials::None);
    let kubeconfig = write_kubeconfig(dir.path(), &[context], "gone");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kubectl-sandbox"))
        .args(["explain-pod", "pod/web", "-n", "shop", "--no-gke"])
        .env("KUBECONFIG", &kubeconfig)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("127.0.0.1:9"));
}

#[test]
fn a_forbidden_list_leaves_the_run_incomplete_not_invalid() {
    let rig = rig();
    rig.api.insert(deployment(
        "batch",
        "web",
        json!({ "containers": [limited("web:1")] }),
    ));
    rig.api.fail_on("statefulsets", 403);
    let (report, code) = rig.json(&["-A"]);
    assert_eq!(code, 4, "{report:#}");
    assert_eq!(report["incomplete"], true);
    assert_eq!(report["unread"][0]["part"], "statefulsets", "{report:#}");
    assert_eq!(report["errors"], json!([]), "not bad input");
    assert_eq!(
        report["summary"]["objects"], 1,
        "the rest is still explained"
    );
    let (_, allowed) = rig.json(&["-A", "--allow-skip"]);
    assert_eq!(allowed, 0, "--allow-skip: the verdicts alone decide");
}
