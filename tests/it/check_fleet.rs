//! `kubectl sandbox check` over many clusters, end to end: three clusters in one kubeconfig
//! (healthy, failing, unreachable), each healthy or failing one a fake API server, and the
//! real gcloud listing the project's clusters from the GKE API mock. Where gcloud is not
//! installed, each test says it is skipped and returns.

use std::path::PathBuf;
use std::process::{Command, Output};

use crate::common::*;
use serde_json::Value;
use tempfile::TempDir;
use testkit::fake_apiserver::objects::{namespace, node, pod};
use testkit::fake_apiserver::{Credentials, FakeApiServer, KubeconfigContext, write_kubeconfig};
use testkit::gke_mock::GkeMock;

/// A loopback address where nothing listens: connecting is refused at once.
const NOTHING_LISTENS: &str = "http://127.0.0.1:1";

/// The URL the real gcloud requests for `clusters list --project acme-prod`: the API's
/// projects.locations.clusters.list with location `-` (every location).
const LIST_URL: &str = "/v1/projects/acme-prod/locations/-/clusters?alt=json";

struct Fleet {
    healthy: FakeApiServer,
    failing: FakeApiServer,
    gke: GkeMock,
    dir: TempDir,
    kubeconfig: PathBuf,
}

fn context(name: &str, location: &str, cluster: &str, server: &str) -> KubeconfigContext {
    KubeconfigContext {
        context_name: name.into(),
        cluster_name: format!("gke_{PROJECT}_{location}_{cluster}"),
        server_url: server.into(),
        credentials: Credentials::Token(format!("{name}-token")),
    }
}

/// prod (prod-eu: a sandbox pool, its tenant sandboxed), plain (plain-eu: the default
/// pool only, no RuntimeClass, its tenant not sandboxed) and down (tenants-auto, an
/// Autopilot cluster whose API server cannot be reached). The mock also lists legacy-eu,
/// which no context reaches.
fn fleet(with_down: bool) -> Fleet {
    let healthy = FakeApiServer::start();
    healthy.require_token("prod-token");
    healthy_cluster(&healthy, "gvisor-pool");
    let failing = FakeApiServer::start();
    failing.require_token("plain-token");
    failing.insert_all([
        node("n-default-1", "default-pool"),
        namespace("tenant-a"),
        pod("tenant-a", "web-1"),
    ]);
    let gke = GkeMock::builder(PROJECT)
        .cluster("europe-west1", STANDARD)
        .cluster("europe-west1", DEFAULT_POOL_ONLY)
        .cluster("us-central1", AUTOPILOT)
        .cluster("europe-west1-b", LEGACY)
        .start();
    let dir = tempfile::tempdir().unwrap();
    let mut contexts = vec![
        context("prod", "europe-west1", "prod-eu", healthy.url()),
        context("plain", "europe-west1", "plain-eu", failing.url()),
    ];
    if with_down {
        contexts.push(context(
            "down",
            "us-central1",
            "tenants-auto",
            NOTHING_LISTENS,
        ));
    }
    let kubeconfig = write_kubeconfig(dir.path(), &contexts, "prod");
    Fleet {
        healthy,
        failing,
        gke,
        dir,
        kubeconfig,
    }
}

impl Fleet {
    fn run(&self, args: &[&str]) -> Output {
        let config = self.dir.path().join("gcloud");
        std::fs::create_dir_all(&config).unwrap();
        Command::new(env!("CARGO_BIN_EXE_kubectl-sandbox"))
            .args(args)
            .env("KUBECONFIG", &self.kubeconfig)
            .env_remove("KUBECTL_SANDBOX_GCLOUD")
            .envs(self.gke.gcloud_env(&config))
            .output()
            .expect("the binary runs")
    }

    fn json(&self, args: &[&str]) -> (Value, i32) {
        let output = self.run(args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let report = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("JSON on stdout ({e}); stderr: {stderr}"));
        let errors = fleet_schema_errors(&report);
        assert!(errors.is_empty(), "{errors:#?}\n{report:#}");
        (report, output.status.code().unwrap())
    }

    /// gcloud was run once, for the one project, with the URL the real gcloud asks for.
    fn assert_one_list(&self) {
        let urls: Vec<String> = self.gke.requests().into_iter().map(|r| r.url).collect();
        assert_eq!(urls, [LIST_URL], "one `clusters list`, no describe");
    }
}

/// `name:state` of every cluster, in the report's order.
fn states(report: &Value) -> Vec<String> {
    report["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{}:{}",
                c["name"].as_str().unwrap(),
                c["state"].as_str().unwrap()
            )
        })
        .collect()
}

fn cluster_statuses(report: &Value, index: usize, id: &str) -> Vec<String> {
    statuses(&report["clusters"][index]["report"], id)
}

#[test]
fn the_table_shows_every_cluster_then_each_ones_findings() {
    if !gcloud_installed() {
        return;
    }
    let fleet = fleet(true);
    let output = fleet.run(&["check", "--all-contexts", "--untrusted", "tenant-a"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(1),
        "plain-eu's failures win over the unreachable cluster\n{stdout}"
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].starts_with("CLUSTER        LOCATION       STATE         MODE"),
        "{stdout}"
    );
    let row = |cluster: &str| -> Vec<&str> {
        lines
            .iter()
            .find(|l| l.starts_with(&format!("{cluster} ")))
            .unwrap_or_else(|| panic!("a row for {cluster}: {stdout}"))
            .split_whitespace()
            .collect()
    };
    assert_eq!(
        row("prod-eu"),
        // PL001 warns: tenant-a is untrusted but no admission policy enforces it.
        [
            "prod-eu",
            "europe-west1",
            "ok",
            "Standard",
            "gvisor-pool",
            "1/1",
            "0",
            "1",
            "0",
            "WARN"
        ]
    );
    let plain = row("plain-eu");
    assert_eq!(
        plain[..6],
        ["plain-eu", "europe-west1", "ok", "Standard", "none", "0/1"]
    );
    assert_ne!(plain[6], "0", "plain-eu fails: {stdout}");
    let down = row("tenants-auto");
    assert_eq!(
        down[..4],
        ["tenants-auto", "us-central1", "unreachable", "Autopilot"]
    );
    for heading in [
        "=== prod-eu (context prod) ===",
        "=== plain-eu (context plain) ===",
        "=== tenants-auto (context down) ===",
    ] {
        assert!(stdout.contains(heading), "{heading}\n{stdout}");
    }
    assert!(
        stdout.contains("unreachable, only its GKE side was audited: "),
        "{stdout}"
    );
    let last = lines.last().unwrap();
    assert!(
        last.starts_with("3 clusters: 2 ok, 1 unreachable; ")
            && last.ends_with("exit 1 (--fail-on fail)"),
        "{last}"
    );
    fleet.assert_one_list();
    // Each reachable cluster was read once, through its own context's token.
    for api in [&fleet.healthy, &fleet.failing] {
        assert_eq!(api.requests_to("/api/v1/nodes").len(), 1);
    }

    let summary = fleet.run(&["check", "--contexts", "prod,down", "--summary"]);
    let text = String::from_utf8_lossy(&summary.stdout);
    assert_eq!(
        summary.status.code(),
        Some(4),
        "no finding, one cluster unreachable: incomplete\n{text}"
    );
    assert!(
        !text.contains("==="),
        "--summary prints no findings\n{text}"
    );
    assert!(text.contains("tenants-auto: unreachable"), "{text}");
    let accepted = fleet.run(&[
        "check",
        "--contexts",
        "prod,down",
        "--summary",
        "--allow-skip",
    ]);
    assert_eq!(accepted.status.code(), Some(0), "--allow-skip accepts it");
}

#[test]
fn json_is_one_document_with_a_report_per_cluster() {
    if !gcloud_installed() {
        return;
    }
    let fleet = fleet(true);
    let (report, code) = fleet.json(&[
        "check",
        "--all-contexts",
        "--untrusted",
        "tenant-a",
        "-o",
        "json",
    ]);
    assert_eq!(code, 1, "plain-eu fails");
    assert_eq!(
        states(&report),
        [
            "prod-eu:complete",
            "plain-eu:complete",
            "tenants-auto:unreachable",
        ]
    );
    assert_eq!(report["clusters"][0]["report"]["exit_code"], 0);
    assert_eq!(cluster_statuses(&report, 1, "NP001"), ["FAIL"]);
    assert_eq!(cluster_statuses(&report, 1, "WL001"), ["FAIL"]);
    // The unreachable Autopilot cluster's GKE side was still audited.
    assert_ne!(
        cluster_statuses(&report, 2, "AP001"),
        ["SKIP"],
        "{report:#}"
    );
    assert_eq!(cluster_statuses(&report, 2, "CL001"), ["SKIP"]);
    let problem = report["clusters"][2]["problems"][0]["reason"]
        .as_str()
        .unwrap();
    assert!(problem.contains("127.0.0.1:1"), "{problem}");
    let summary = &report["summary"];
    assert_eq!(summary["exit_code"], 1);
    assert_eq!(summary["unreachable"], 1);
    assert_eq!(summary["rows"][0]["untrusted_covered"], 1);
    assert_eq!(summary["rows"][1]["untrusted_covered"], 0);
    fleet.assert_one_list();
}

#[test]
fn named_contexts_are_audited_alone_and_an_unknown_one_is_a_usage_error() {
    if !gcloud_installed() {
        return;
    }
    let fleet = fleet(true);
    let (report, code) = fleet.json(&["check", "--contexts", "prod", "-o", "json"]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(states(&report), ["prod-eu:complete"]);
    let (report, code) = fleet.json(&["check", "--contexts", "prod,plain", "-o", "json"]);
    assert_eq!(code, 1, "plain-eu fails, every cluster was read");
    assert_eq!(report["summary"]["clusters"], 2);

    let output = fleet.run(&["check", "--contexts", "prod,nope"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("context `nope` is not in the kubeconfig (available: prod, plain, down)"),
        "{stderr}"
    );
}

#[test]
fn a_project_cluster_without_a_context_gets_the_get_credentials_command() {
    if !gcloud_installed() {
        return;
    }
    let fleet = fleet(false);
    let (report, code) = fleet.json(&[
        "check",
        "--project",
        PROJECT,
        "--all-clusters",
        "-o",
        "json",
    ]);
    // In gcloud's order: by zone (location), then name.
    assert_eq!(
        states(&report),
        [
            "plain-eu:complete",
            "prod-eu:complete",
            "legacy-eu:no_context",
            "tenants-auto:no_context",
        ]
    );
    assert_eq!(code, 1, "plain-eu fails; two clusters were not read");
    assert_eq!(
        report["clusters"][2]["get_credentials"],
        "gcloud container clusters get-credentials legacy-eu --project acme-prod --location europe-west1-b"
    );
    // Its GKE side still ran: the legacy cluster has a sandbox pool.
    assert_eq!(cluster_statuses(&report, 2, "NP001"), ["PASS"]);
    assert_eq!(cluster_statuses(&report, 2, "CL001"), ["SKIP"]);
    assert_eq!(report["clusters"][1]["context"], "prod");
    fleet.assert_one_list();
}

#[test]
fn a_fleet_snapshot_is_audited_again_offline() {
    if !gcloud_installed() {
        return;
    }
    let fleet = fleet(true);
    let output = fleet.run(&["snapshot", "--all-contexts"]);
    assert_eq!(output.status.code(), Some(0));
    let saved = fleet.dir.path().join("fleet.json");
    std::fs::write(&saved, &output.stdout).unwrap();
    let (live, live_code) = fleet.json(&["check", "--all-contexts", "-o", "json"]);
    drop(fleet.healthy);
    drop(fleet.failing);
    let offline = Command::new(env!("CARGO_BIN_EXE_kubectl-sandbox"))
        .args(["check", "--from"])
        .arg(&saved)
        .args(["-o", "json"])
        .env("KUBECTL_SANDBOX_GCLOUD", "/nonexistent/gcloud")
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&offline.stdout).unwrap();
    assert_eq!(offline.status.code(), Some(live_code));
    assert_eq!(states(&report), states(&live));
    assert_eq!(report["summary"]["rows"], live["summary"]["rows"]);
}
