//! `kubectl sandbox explain-pod` against a live-like cluster: the built binary reads a fake
//! Kubernetes API server through a real kubeconfig; the GKE side comes from --gke-json so
//! no gcloud is needed. Live objects bring what files lack: namespace labels, the
//! RuntimeClasses, the GKE version and node pools.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::{Value, json};
use tempfile::TempDir;
use testkit::fake_apiserver::objects::{gvisor_runtime_class, namespace, pod};
use testkit::fake_apiserver::{
    AdmissionRule, Credentials, FakeApiServer, KubeconfigContext, write_kubeconfig,
};

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
    let replica_set = owned_by(
        replica_set("shop", "web-abc", "u1"),
        "apps/v1",
        "Deployment",
        "web",
        "uid-web",
    );
    let owned = owned_by(
        pod("shop", "web-abc-1"),
        "apps/v1",
        "ReplicaSet",
        "web-abc",
        "u1",
    );
    let mut bare = pod("batch", "debug");
    bare["spec"]["hostPID"] = json!(true);
    rig.api.insert_all([replica_set, owned, bare]);

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

/// `object` with a controller ownerReference to `kind/name`.
fn owned_by(mut object: Value, api_version: &str, kind: &str, name: &str, uid: &str) -> Value {
    object["metadata"]["ownerReferences"] = json!([{
        "apiVersion": api_version, "kind": kind, "name": name, "uid": uid, "controller": true
    }]);
    object
}

fn replica_set(namespace: &str, name: &str, uid: &str) -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": { "name": name, "namespace": namespace, "uid": uid },
        "spec": { "selector": { "matchLabels": { "app": name } }, "template": {
            "metadata": { "labels": { "app": name } },
            "spec": { "containers": [limited("nginx:1.27")] },
        }},
    })
}

#[test]
fn pods_whose_controller_is_not_read_are_explained_naming_it_not_skipped() {
    let rig = rig();
    // An Argo Rollout's pods (the tool lists no Rollouts), the pod of a ReplicaSet that is
    // gone, and a ReplicaSet an Argo Rollout owns, with its pod (explained by it).
    let rollout_pod = owned_by(
        pod("shop", "web-1"),
        "argoproj.io/v1alpha1",
        "Rollout",
        "web",
        "uid-rollout",
    );
    let orphan = owned_by(
        pod("shop", "api-1"),
        "apps/v1",
        "ReplicaSet",
        "api-gone",
        "uid-gone",
    );
    let rollout_set = owned_by(
        replica_set("batch", "canary-5d", "uid-canary"),
        "argoproj.io/v1alpha1",
        "Rollout",
        "canary",
        "uid-rollout-2",
    );
    let canary_pod = owned_by(
        pod("batch", "canary-5d-1"),
        "apps/v1",
        "ReplicaSet",
        "canary-5d",
        "uid-canary",
    );
    let mirror = owned_by(
        pod("batch", "kube-proxy-n1"),
        "v1",
        "Node",
        "n1",
        "uid-node",
    );
    rig.api
        .insert_all([rollout_pod, orphan, rollout_set, canary_pod, mirror]);

    let (report, code) = rig.json(&["-A"]);
    assert_eq!(code, 1, "Istio is injected in shop (EP002): not a silent 0");
    let explained: Vec<(&str, &str)> = report["objects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["name"].as_str().unwrap(), o["owner"].as_str().unwrap()))
        .collect();
    assert_eq!(
        explained,
        [
            ("canary-5d", "Rollout/canary"),
            ("api-1", "ReplicaSet/api-gone"),
            ("web-1", "Rollout/web"),
        ],
        "a static pod's Node is no workload to explain"
    );
    assert_eq!(report["summary"]["objects"], 3, "{report:#}");

    let table = String::from_utf8(rig.run(&["-A"]).stdout).unwrap();
    assert!(
        table.contains("Pod shop/web-1: owner: Rollout/web, not read: explained from its pod"),
        "{table}"
    );
    let one = String::from_utf8(rig.run(&["pod/web-1", "-n", "shop"]).stdout).unwrap();
    assert!(
        !one.contains("owner:"),
        "a named target is read itself, whatever owns it: {one}"
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

/// The pods `--server-dry-run` sent: POSTs to the pods collection, with their bodies.
fn dry_runs(api: &FakeApiServer, namespace: &str) -> Vec<Value> {
    api.requests_to(&format!("/api/v1/namespaces/{namespace}/pods"))
        .into_iter()
        .filter(|r| r.method == "POST")
        .map(|r| {
            assert_eq!(r.query.get("dryRun").map(String::as_str), Some("All"));
            serde_json::from_str(&r.body).unwrap()
        })
        .collect()
}

#[test]
fn server_dry_run_sends_the_sandboxed_pod_and_reports_admitted_and_refused() {
    let rig = rig();
    rig.api.insert_all([
        deployment(
            "batch",
            "web",
            json!({ "serviceAccountName": "web-sa", "containers": [limited("nginx:1.27")] }),
        ),
        deployment(
            "batch",
            "agent",
            json!({ "hostPID": false, "containers": [limited("agent:2")] }),
        ),
    ]);
    rig.api.admit_with(AdmissionRule::Warn {
        body_contains: "\"generateName\":\"web-\"".into(),
        warning: "would violate PodSecurity \"restricted:latest\": runAsNonRoot != true".into(),
    });
    let refusal = "pods is forbidden: violates PodSecurity \"baseline:latest\": host namespaces (hostPID=true)";
    rig.api.admit_with(AdmissionRule::Refuse {
        body_contains: "\"generateName\":\"agent-\"".into(),
        code: 403,
        message: refusal.into(),
    });
    let (report, code) = rig.json(&[
        "deployment/web",
        "deployment/agent",
        "-n",
        "batch",
        "--server-dry-run",
    ]);
    assert_eq!(code, 1, "a refused pod is blocked: {report:#}");
    let web = &report["objects"][0];
    assert_eq!(web["verdict"], "compatible");
    assert_eq!(
        web["admission"],
        json!({ "result": "admitted", "warnings": [
            "would violate PodSecurity \"restricted:latest\": runAsNonRoot != true"
        ]})
    );
    let agent = &report["objects"][1];
    assert_eq!(agent["verdict"], "blocked");
    assert_eq!(
        agent["admission"],
        json!({ "result": "refused", "step": "pod-security", "message": refusal })
    );
    let sent = dry_runs(&rig.api, "batch");
    assert_eq!(sent.len(), 2, "one request per workload");
    assert_eq!(sent[0]["kind"], "Pod");
    assert_eq!(sent[0]["metadata"]["generateName"], "web-");
    assert_eq!(sent[0]["metadata"]["labels"]["app"], "web");
    assert_eq!(sent[0]["spec"]["runtimeClassName"], "gvisor");
    assert_eq!(sent[0]["spec"]["serviceAccountName"], "web-sa");
    let errors = common::schema_errors("explain-report.schema.json", &report);
    assert!(errors.is_empty(), "{errors:#?}");

    let table = String::from_utf8(
        rig.run(&["deployment/agent", "-n", "batch", "--server-dry-run"])
            .stdout,
    )
    .unwrap();
    assert!(
        table.contains(&format!(
            "  ADMISSION (server dry run): refused by Pod Security Admission: {refusal}\n  VERDICT: blocked"
        )),
        "{table}"
    );
}

#[test]
fn server_dry_run_without_create_pods_says_which_permission_is_missing() {
    let rig = rig();
    rig.api.insert(deployment(
        "batch",
        "web",
        json!({ "containers": [limited("nginx:1.27")] }),
    ));
    rig.api.admit_with(AdmissionRule::Refuse {
        body_contains: "Pod".into(),
        code: 403,
        message: "pods is forbidden: User \"auditor\" cannot create resource \"pods\" in API group \"\" in the namespace \"batch\"".into(),
    });
    let out = rig.run(&["-A", "--server-dry-run"]);
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(
        table.contains("compatible   -          not known"),
        "{table}"
    );
    assert!(
        table.contains("a dry run needs the same RBAC permission as a real create: `create pods` in namespace batch"),
        "{table}"
    );
    assert!(
        table.contains("incomplete: could not read admission of deployment/web in batch (server dry run): forbidden: pods is forbidden"),
        "{table}"
    );
    assert_eq!(
        out.status.code(),
        Some(4),
        "a limit is neither admitted nor blocked: the run is incomplete"
    );
    let accepted = rig.run(&["-A", "--server-dry-run", "--allow-skip"]);
    assert_eq!(
        accepted.status.code(),
        Some(0),
        "--allow-skip accepts it: nothing is blocked"
    );
    let (report, _) = rig.json(&["-A", "--server-dry-run"]);
    assert_eq!(report["objects"][0]["admission"]["limit"], "forbidden");
    assert_eq!(report["incomplete"], true);
    assert_eq!(
        report["unread"][0]["part"],
        "admission of deployment/web in batch (server dry run)"
    );
    let errors = common::schema_errors("explain-report.schema.json", &report);
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn server_dry_run_is_for_live_workloads_only() {
    let rig = rig();
    let out = rig.run(&[
        "-f",
        "tests/fixtures/manifests/nginx-deployment.yaml",
        "--server-dry-run",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--server-dry-run asks the cluster"));
    assert!(rig.api.requests().is_empty());
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

#[test]
fn a_list_cut_off_midway_keeps_what_it_read_and_names_the_rest_unread() {
    let rig = rig();
    rig.api
        .insert_all((0..600).map(|i| pod("batch", &format!("p{i:03}"))));
    rig.api.expire_continue_tokens();
    let (report, code) = rig.json(&["-A"]);
    assert_eq!(code, 4, "{:#}", report["unread"]);
    assert_eq!(
        report["unread"][0]["part"], "pods",
        "{:#}",
        report["unread"]
    );
    // Each page is explained and written as it arrives: the first one (500 pods) was.
    assert_eq!(report["summary"]["objects"], 500);
    assert_eq!(report["objects"].as_array().unwrap().len(), 500);
    assert_eq!(report["objects"][499]["name"], "p499");
}
