//! `kubectl sandbox check` end to end against live-like parts: the built binary reads a
//! fake Kubernetes API server through a real kubeconfig, and runs the real gcloud against
//! the GKE API mock. One test per verdict the foundation issue names. Where gcloud is not
//! installed, the tests that need it say they are skipped and return.

use std::process::Command;

use crate::common::*;
use serde_json::Value;
use testkit::fake_apiserver::objects::{gvisor_runtime_class, namespace, node, pod};
use testkit::fake_apiserver::{Credentials, FakeApiServer, KubeconfigContext, write_kubeconfig};
use testkit::gke_mock::GkeMock;

#[test]
fn a_standard_cluster_with_a_correct_gvisor_pool_passes() {
    if !gcloud_installed() {
        return;
    }
    let rig = rig(Some(STANDARD), "europe-west1");
    healthy_cluster(&rig.api, "gvisor-pool");
    let (report, code, stderr) = rig.check_json(&["--untrusted", "tenant-a"]);
    assert_eq!(code, 0, "{report:#}\n{stderr}");
    assert_eq!(report["summary"]["fail"], 0);
    for id in [
        "NP001", "NP002", "NP003", "NP004", "NP005", "NP006", "CL001", "CL002", "CL003", "CL004",
        "WL001",
    ] {
        assert_eq!(statuses(&report, id), ["PASS"], "{id}: {report:#}");
    }
    assert_eq!(report["cluster"]["gke_cluster"], "prod-eu");
    assert_eq!(report["cluster"]["context"], "prod", "the renamed context");
    // One gcloud call, for the cluster named by the context's cluster entry.
    let describes: Vec<_> = rig
        .gke
        .as_ref()
        .unwrap()
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET")
        .collect();
    assert_eq!(describes.len(), 1, "{describes:?}");
    assert!(
        describes[0]
            .url
            .starts_with("/v1/projects/acme-prod/locations/europe-west1/clusters/prod-eu")
    );
    // Every list went through the kubeconfig's token, in pages of 500.
    let lists = rig.api.requests();
    assert!(
        lists
            .iter()
            .all(|r| r.query.get("limit").map(String::as_str) == Some("500")),
        "{lists:?}"
    );
    for path in [
        "/api/v1/pods",
        "/api/v1/nodes",
        "/api/v1/namespaces",
        "/apis/node.k8s.io/v1/runtimeclasses",
    ] {
        assert_eq!(rig.api.requests_to(path).len(), 1, "{path}");
    }
}

#[test]
fn a_cluster_without_a_sandbox_pool_fails_with_the_create_command() {
    if !gcloud_installed() {
        return;
    }
    let mut no_sandbox: Value = serde_json::from_str(STANDARD).unwrap();
    no_sandbox["nodePools"][1]["config"]
        .as_object_mut()
        .unwrap()
        .remove("sandboxConfig");
    let rig = rig(Some(&no_sandbox.to_string()), "europe-west1");
    rig.api.insert_all([
        node("n-default-1", "default-pool"),
        node("n-2", "gvisor-pool"),
        namespace("a"),
    ]);
    let (report, code, _) = rig.check_json(&[]);
    assert_eq!(code, 1);
    assert_eq!(statuses(&report, "NP001"), ["FAIL"]);
    let fix = findings(&report, "NP001")[0]["fix"].as_str().unwrap();
    assert_eq!(
        fix,
        "gcloud container node-pools create gvisor-pool --cluster prod-eu --location europe-west1 \
         --project acme-prod --image-type=cos_containerd --sandbox=type=gvisor --machine-type=e2-standard-4"
    );
    assert_eq!(
        statuses(&report, "CL001"),
        ["FAIL"],
        "no RuntimeClass either"
    );
}

#[test]
fn a_cluster_with_only_the_default_pool_fails() {
    if !gcloud_installed() {
        return;
    }
    let rig = rig(Some(DEFAULT_POOL_ONLY), "europe-west1");
    rig.api
        .insert_all([node("n-default-1", "default-pool"), namespace("a")]);
    let (report, code, _) = rig.check_json(&[]);
    assert_eq!(code, 1);
    assert_eq!(statuses(&report, "NP001"), ["FAIL"]);
    assert!(
        findings(&report, "NP001")[0]["fix"]
            .as_str()
            .unwrap()
            .contains("--cluster plain-eu")
    );
    assert_eq!(statuses(&report, "NP004"), ["PASS"]);
    assert_eq!(
        statuses(&report, "CL002"),
        ["FAIL"],
        "no sandbox nodes and no sandbox pool"
    );
}

#[test]
fn a_legacy_sandbox_type_pool_counts_as_sandboxed() {
    if !gcloud_installed() {
        return;
    }
    let rig = rig(Some(LEGACY), "europe-west1-b");
    healthy_cluster(&rig.api, "sandbox-pool");
    let (report, _, _) = rig.check_json(&[]);
    assert_eq!(statuses(&report, "NP001"), ["PASS"]);
    assert_eq!(
        findings(&report, "NP001")[0]["evidence"][0],
        "node pool sandbox-pool: config.sandboxConfig.sandboxType = gvisor"
    );
    assert_eq!(statuses(&report, "CL003"), ["PASS"]);
}

#[test]
fn an_autopilot_cluster_gets_no_node_pool_checks_and_no_node_pool_fix() {
    if !gcloud_installed() {
        return;
    }
    let rig = rig(Some(AUTOPILOT), "us-central1");
    rig.api
        .insert_all([gvisor_runtime_class(), namespace("a"), pod("a", "p")]);
    let (report, code, _) = rig.check_json(&[]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(statuses(&report, "AP001"), ["PASS"]);
    assert_eq!(
        statuses(&report, "CL002"),
        ["INFO"],
        "Autopilot adds sandbox nodes on demand"
    );
    for id in ["NP001", "NP002", "NP003", "NP004", "NP005", "CL003"] {
        assert!(findings(&report, id).is_empty(), "{id} on Autopilot");
    }
    let text = report.to_string();
    assert!(
        !text.contains("node-pools create"),
        "never a node-pool fix on Autopilot"
    );
}

#[test]
fn without_gcloud_the_gke_checks_skip_and_the_rest_still_runs() {
    let rig = rig(None, "europe-west1");
    healthy_cluster(&rig.api, "gvisor-pool");
    let output = rig
        .command(&["check", "-o", "json"])
        .env(
            "KUBECTL_SANDBOX_GCLOUD",
            rig.dir.path().join("no-such-gcloud"),
        )
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(statuses(&report, "NP001"), ["SKIP"]);
    let skip = findings(&report, "NP001")[0];
    assert!(
        skip["fix"].as_str().unwrap().contains("--gke-json"),
        "{skip}"
    );
    assert_eq!(statuses(&report, "CL001"), ["PASS"]);
    assert_eq!(statuses(&report, "CL002"), ["PASS"]);
    assert_eq!(
        output.status.code(),
        Some(4),
        "gcloud missing leaves the audit incomplete"
    );
    assert_eq!(report["incomplete"], true);
    let allowed = rig
        .command(&["check", "--allow-skip"])
        .env(
            "KUBECTL_SANDBOX_GCLOUD",
            rig.dir.path().join("no-such-gcloud"),
        )
        .output()
        .unwrap();
    assert_eq!(allowed.status.code(), Some(0), "--allow-skip accepts it");
    let table = String::from_utf8_lossy(&allowed.stdout);
    assert!(
        table.contains("incomplete: could not read GKE cluster"),
        "{table}"
    );
    let opted_out = rig.run(&["check", "--no-gke"]);
    assert_eq!(
        opted_out.status.code(),
        Some(0),
        "--no-gke leaves GKE out on purpose: complete"
    );
}

#[test]
fn a_context_that_names_no_gke_cluster_skips_gke_with_the_flags_to_pass() {
    let api = FakeApiServer::start();
    healthy_cluster(&api, "gvisor-pool");
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = write_kubeconfig(
        dir.path(),
        &[KubeconfigContext::new(
            "kind-dev",
            api.url(),
            Credentials::None,
        )],
        "kind-dev",
    );
    let output = Command::new(env!("CARGO_BIN_EXE_kubectl-sandbox"))
        .args(["check", "-o", "json", "--kubeconfig"])
        .arg(&kubeconfig)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let skip = findings(&report, "NP001")[0];
    assert_eq!(skip["status"], "SKIP");
    assert!(
        skip["fix"].as_str().unwrap().contains("--project"),
        "{skip}"
    );
}

#[test]
fn gke_json_replaces_gcloud_for_a_live_cluster() {
    let rig = rig(None, "europe-west1");
    healthy_cluster(&rig.api, "gvisor-pool");
    let output = rig
        .command(&[
            "check",
            "-o",
            "json",
            "--gke-json",
            "tests/fixtures/gke/standard-with-sandbox.json",
        ])
        .env("KUBECTL_SANDBOX_GCLOUD", "/nonexistent/gcloud")
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(statuses(&report, "NP001"), ["PASS"]);
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn an_unreachable_cluster_exits_3_with_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let kubeconfig = write_kubeconfig(
        dir.path(),
        &[KubeconfigContext::new(
            "gone",
            &format!("http://127.0.0.1:{port}"),
            Credentials::None,
        )],
        "gone",
    );
    let output = Command::new(env!("CARGO_BIN_EXE_kubectl-sandbox"))
        .args(["check", "--no-gke", "--kubeconfig"])
        .arg(&kubeconfig)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("error: ") && stderr.contains("\nhint: "),
        "{stderr}"
    );
}

#[test]
fn wrong_credentials_exit_3() {
    let rig = rig(None, "europe-west1");
    rig.api.require_token("another-token");
    let output = rig.run(&["check", "--no-gke"]);
    assert_eq!(
        output.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn a_snapshot_audited_later_gives_the_same_findings() {
    let rig = rig(None, "europe-west1");
    healthy_cluster(&rig.api, "gvisor-pool");
    let gke = [
        "--gke-json",
        "tests/fixtures/gke/standard-with-sandbox.json",
    ];
    let snapshot = rig.run(&[&["snapshot", "-o", "yaml"][..], &gke[..]].concat());
    assert_eq!(snapshot.status.code(), Some(0));
    let path = rig.dir.path().join("snap.yaml");
    std::fs::write(&path, &snapshot.stdout).unwrap();

    let (live, _, _) = rig.check_json(&gke);
    let saved = Command::new(env!("CARGO_BIN_EXE_kubectl-sandbox"))
        .args(["check", "-o", "json", "--from"])
        .arg(&path)
        .output()
        .unwrap();
    let saved: Value = serde_json::from_slice(&saved.stdout).unwrap();
    assert_eq!(saved["findings"], live["findings"]);
    assert!(
        saved["cluster"]["captured_at"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );
}

#[test]
fn an_unreachable_cluster_stops_a_running_gcloud_instead_of_waiting_for_it() {
    if !gcloud_installed() {
        return;
    }
    use std::time::{Duration, Instant};
    use testkit::gke_mock::Failure;
    let mut rig = rig(None, "europe-west1");
    rig.gke = Some(
        GkeMock::builder(PROJECT)
            .cluster("europe-west1", STANDARD)
            .failure(Failure::Hang)
            .start(),
    );
    // The cluster rejects the kubeconfig's token, but only after gcloud is under way.
    rig.api.require_token("another-token");
    rig.api.delay_on("pods", Duration::from_secs(2));
    let mut child = rig
        .command(&["check", "--gcloud-timeout", "10m"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Bounded: were gcloud awaited, this would take the ten-minute gcloud timeout.
    let give_up = Instant::now() + Duration::from_secs(90);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > give_up {
            child.kill().unwrap();
            panic!("check waited for a hung gcloud although the cluster was unreachable");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(status.code(), Some(3));
    let config = rig.dir.path().join("gcloud");
    let left = testkit::processes::with_env("CLOUDSDK_CONFIG", config.to_str().unwrap());
    assert!(left.is_empty(), "gcloud processes left running: {left:?}");
}
