//! `kubectl sandbox check` on a cluster built from objects like a GKE Standard cluster with
//! a sandbox pool, the GKE side from `--gke-json` and from the real gcloud against the mock.

use std::path::Path;

use serde_json::{Value, json};
use testkit::envtest::ControlPlane;
use testkit::fake_apiserver::objects::pod;
use testkit::gke_mock::GkeMock;

use super::common::{
    LOCATION, PROJECT, SANDBOX_NODE, STANDARD, gke_kubeconfig, gke_plane, sandbox_as,
    sandbox_command,
};

/// Every rule the healthy cluster passes, by section: node pools (GKE), cluster, workloads.
const PASSING: &[&str] = &[
    "NP001", "NP002", "NP003", "NP004", "NP005", "NP006", "CL001", "CL002", "CL003", "CL004",
    "WL001",
];

fn statuses(report: &Value, id: &str) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["id"] == id)
        .map(|f| f["status"].as_str().unwrap().to_string())
        .collect()
}

fn fixture_path() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/gke/standard-with-sandbox.json")
        .display()
        .to_string()
}

/// A tenant namespace whose one pod runs under gVisor on the sandbox node, Running.
fn sandboxed_tenant(plane: &ControlPlane) -> String {
    let ns = plane.namespace("check-tenant", &[]);
    let mut web = pod(&ns, "web-1");
    web["spec"]["runtimeClassName"] = json!("gvisor");
    web["spec"]["nodeName"] = json!(SANDBOX_NODE);
    plane.create(&web);
    plane.mark_pod_ready(&ns, "web-1");
    ns
}

fn report(output: &std::process::Output) -> (Value, i32) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    let report = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("JSON on stdout ({e}); stderr: {stderr}"));
    (report, output.status.code().unwrap())
}

fn assert_healthy(report: &Value, code: i32) {
    for id in PASSING {
        assert_eq!(statuses(report, id), ["PASS"], "{id}: {report:#}");
    }
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["cluster"]["gke_cluster"], "prod-eu");
}

#[test]
fn check_with_gke_json_passes_every_section_and_finds_an_unsandboxed_pod() {
    let Some(plane) = gke_plane() else { return };
    let _cluster = plane.exclusive();
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = gke_kubeconfig(plane, dir.path());
    let tenant = sandboxed_tenant(plane);
    let gke_json = fixture_path();
    let check = |ns: &str| {
        report(&sandbox_as(
            &kubeconfig,
            &[
                "check",
                "-o",
                "json",
                "--gke-json",
                &gke_json,
                "--untrusted",
                ns,
            ],
        ))
    };
    let (healthy, code) = check(&tenant);
    assert_healthy(&healthy, code);

    let unsandboxed = plane.namespace("check-unsandboxed", &[]);
    plane.create(&pod(&unsandboxed, "legacy"));
    let (found, code) = check(&unsandboxed);
    assert_eq!(code, 1, "{found:#}");
    assert_eq!(statuses(&found, "WL001"), ["FAIL"], "{found:#}");
}

#[test]
fn check_with_the_real_gcloud_against_the_gke_mock() {
    let Some(plane) = gke_plane() else { return };
    if which::which("gcloud").is_err() {
        eprintln!("skipped: the real gcloud is needed for this test");
        return;
    }
    let _cluster = plane.exclusive();
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = gke_kubeconfig(plane, dir.path());
    let tenant = sandboxed_tenant(plane);
    let mock = GkeMock::builder(PROJECT)
        .cluster(LOCATION, STANDARD)
        .start();
    let config = dir.path().join("gcloud");
    std::fs::create_dir_all(&config).unwrap();
    let output = sandbox_command(
        &kubeconfig,
        &["check", "-o", "json", "--untrusted", &tenant],
    )
    .envs(mock.gcloud_env(&config))
    .output()
    .unwrap();
    let (healthy, code) = report(&output);
    assert_healthy(&healthy, code);
    let describes: Vec<String> = mock
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET")
        .map(|r| r.url)
        .collect();
    assert_eq!(
        describes,
        [format!(
            "/v1/projects/{PROJECT}/locations/{LOCATION}/clusters/prod-eu?alt=json"
        )],
        "the cluster named by the kubeconfig's gke_ entry"
    );
}
