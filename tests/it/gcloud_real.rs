//! The real gcloud against the GKE API mock on loopback, through `Gcloud::describe_cluster`.
//! Where no gcloud is installed each test says it is skipped and returns.

use std::path::Path;
use std::time::{Duration, Instant};

use kubectl_sandbox::gke_commands as commands;
use kubectl_sandbox::{Gcloud, GkeTarget, SandboxSetting};
use tempfile::TempDir;
use testkit::gke_mock::{Failure, GkeMock, GkeMockBuilder};
use testkit::processes;

const PROJECT: &str = "acme-prod";
const STANDARD: &str = include_str!("../fixtures/gke/standard-with-sandbox.json");
const LEGACY: &str = include_str!("../fixtures/gke/legacy-sandbox-type.json");
const AUTOPILOT: &str = include_str!("../fixtures/gke/autopilot.json");
const DEFAULT_POOL_ONLY: &str = include_str!("../fixtures/gke/default-pool-only.json");

/// Generous: these tests check what gcloud says, never how fast it says it.
const PATIENT: Duration = Duration::from_secs(120);

/// A running mock, the real gcloud pointed at it, and gcloud's own fresh config directory.
struct Rig {
    mock: GkeMock,
    config: TempDir,
    gcloud: Gcloud,
}

fn rig(builder: GkeMockBuilder) -> Option<Rig> {
    let gcloud = match Gcloud::locate() {
        Ok(gcloud) => gcloud,
        Err(gap) => {
            eprintln!("skipped: the real gcloud is needed ({})", gap.reason);
            return None;
        }
    };
    let mock = builder.start();
    let config = tempfile::tempdir().unwrap();
    let gcloud = mock
        .gcloud_env(config.path())
        .into_iter()
        .fold(gcloud, |g, (k, v)| g.with_env(k, v));
    Some(Rig {
        mock,
        config,
        gcloud,
    })
}

fn target(location: &str, cluster: &str) -> GkeTarget {
    GkeTarget {
        project: PROJECT.into(),
        location: location.into(),
        cluster: cluster.into(),
    }
}

#[test]
fn describes_a_standard_cluster_with_a_sandbox_pool() {
    let Some(rig) = rig(GkeMock::builder(PROJECT).cluster("europe-west1", STANDARD)) else {
        return;
    };
    let cluster = rig
        .gcloud
        .describe_cluster(&target("europe-west1", "prod-eu"), PATIENT)
        .unwrap();
    assert_eq!(cluster.name, "prod-eu");
    assert_eq!(cluster.project.as_deref(), Some(PROJECT));
    let sandbox: Vec<&str> = cluster.sandbox_pools().map(|p| p.name.as_str()).collect();
    assert_eq!(sandbox, ["gvisor-pool"]);
    let urls: Vec<String> = rig.mock.requests().into_iter().map(|r| r.url).collect();
    assert_eq!(
        urls,
        ["/v1/projects/acme-prod/locations/europe-west1/clusters/prod-eu?alt=json"]
    );
}

#[test]
fn reads_the_legacy_sandbox_type_and_fills_the_project_from_the_target() {
    let Some(rig) = rig(GkeMock::builder(PROJECT).cluster("europe-west1-b", LEGACY)) else {
        return;
    };
    let cluster = rig
        .gcloud
        .describe_cluster(&target("europe-west1-b", "legacy-eu"), PATIENT)
        .unwrap();
    assert_eq!(cluster.project.as_deref(), Some(PROJECT), "no selfLink");
    let pool = cluster.sandbox_pools().next().expect("a sandbox pool");
    assert_eq!(pool.name, "sandbox-pool");
    assert_eq!(
        pool.sandbox,
        SandboxSetting::Gvisor {
            field: "config.sandboxConfig.sandboxType".into()
        }
    );
}

#[test]
fn describes_an_autopilot_cluster() {
    let Some(rig) = rig(GkeMock::builder(PROJECT).cluster("us-central1", AUTOPILOT)) else {
        return;
    };
    let cluster = rig
        .gcloud
        .describe_cluster(&target("us-central1", "tenants-auto"), PATIENT)
        .unwrap();
    assert!(cluster.autopilot);
}

#[test]
fn describes_a_cluster_with_only_the_default_pool() {
    let Some(rig) = rig(GkeMock::builder(PROJECT).cluster("europe-west1", DEFAULT_POOL_ONLY))
    else {
        return;
    };
    let cluster = rig
        .gcloud
        .describe_cluster(&target("europe-west1", "plain-eu"), PATIENT)
        .unwrap();
    assert_eq!(cluster.node_pools.len(), 1);
    assert_eq!(cluster.sandbox_pools().count(), 0);
}

#[test]
fn an_unknown_cluster_is_not_found() {
    let Some(rig) = rig(GkeMock::builder(PROJECT).cluster("europe-west1", STANDARD)) else {
        return;
    };
    let gap = rig
        .gcloud
        .describe_cluster(&target("europe-west1", "nope"), PATIENT)
        .unwrap_err();
    assert_eq!(
        gap.reason,
        "GKE cluster nope was not found in project acme-prod, location europe-west1"
    );
    assert!(
        gap.hint
            .contains("gcloud container clusters list --project acme-prod"),
        "{}",
        gap.hint
    );
}

#[test]
fn permission_denied_names_the_missing_permission() {
    let builder = GkeMock::builder(PROJECT)
        .cluster("europe-west1", STANDARD)
        .failure(Failure::PermissionDenied);
    let Some(rig) = rig(builder) else { return };
    let gap = rig
        .gcloud
        .describe_cluster(&target("europe-west1", "prod-eu"), PATIENT)
        .unwrap_err();
    assert!(gap.reason.contains("code=403"), "{}", gap.reason);
    assert!(gap.hint.contains("container.clusters.get"), "{}", gap.hint);
    assert!(
        gap.hint.contains("roles/container.clusterViewer"),
        "{}",
        gap.hint
    );
}

#[test]
fn unauthenticated_says_how_to_log_in() {
    let builder = GkeMock::builder(PROJECT)
        .cluster("europe-west1", STANDARD)
        .failure(Failure::Unauthenticated);
    let Some(rig) = rig(builder) else { return };
    let gap = rig
        .gcloud
        .describe_cluster(&target("europe-west1", "prod-eu"), PATIENT)
        .unwrap_err();
    assert!(gap.reason.contains("code=401"), "{}", gap.reason);
    assert!(gap.hint.contains("gcloud auth login"), "{}", gap.hint);
}

#[test]
fn no_account_at_all_says_how_to_log_in() {
    let Some(rig) = rig(GkeMock::builder(PROJECT).cluster("europe-west1", STANDARD)) else {
        return;
    };
    // The mock's environment minus the switch that turns credentials off: a fresh
    // configuration with no account, as on a machine where nobody ran `gcloud auth login`.
    let gcloud = Gcloud::locate()
        .unwrap()
        .with_env("CLOUDSDK_CONFIG", rig.config.path())
        .with_env(
            "CLOUDSDK_API_ENDPOINT_OVERRIDES_CONTAINER",
            format!("http://127.0.0.1:{}/", rig.mock.port()),
        );
    let gap = gcloud
        .describe_cluster(&target("europe-west1", "prod-eu"), PATIENT)
        .unwrap_err();
    assert!(
        gap.reason
            .contains("You do not currently have an active account selected"),
        "{}",
        gap.reason
    );
    assert!(gap.hint.contains("gcloud auth login"), "{}", gap.hint);
    assert!(
        rig.mock.requests().is_empty(),
        "gcloud stopped before asking"
    );
}

#[test]
fn a_body_that_is_not_json_is_reported() {
    let builder = GkeMock::builder(PROJECT)
        .cluster("europe-west1", STANDARD)
        .failure(Failure::NotJson);
    let Some(rig) = rig(builder) else { return };
    let gap = rig
        .gcloud
        .describe_cluster(&target("europe-west1", "prod-eu"), PATIENT)
        .unwrap_err();
    assert!(
        gap.reason
            .starts_with("the GKE API answered with something gcloud could not decode"),
        "{}",
        gap.reason
    );
}

/// This test's gcloud processes: the only ones using its fresh config directory.
fn processes_using(config_dir: &Path) -> Vec<u32> {
    processes::with_env("CLOUDSDK_CONFIG", &config_dir.display().to_string())
}

#[test]
fn a_hanging_api_is_stopped_and_no_gcloud_process_is_left() {
    let builder = GkeMock::builder(PROJECT)
        .cluster("europe-west1", STANDARD)
        .failure(Failure::Hang);
    let Some(rig) = rig(builder) else { return };
    let config_dir = rig.config.path().to_path_buf();
    let gcloud = rig.gcloud.clone();
    let describe = std::thread::spawn(move || {
        gcloud.describe_cluster(&target("europe-west1", "prod-eu"), Duration::from_secs(8))
    });
    // Wait (bounded) until gcloud is inside the hung request, to see its processes alive.
    let give_up = Instant::now() + PATIENT;
    let mut alive = Vec::new();
    while Instant::now() < give_up && !describe.is_finished() {
        if !rig.mock.requests().is_empty() {
            alive = processes_using(&config_dir);
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let gap = describe.join().unwrap().unwrap_err();
    assert!(
        gap.reason.starts_with("gcloud did not finish within 8s"),
        "{}",
        gap.reason
    );
    assert!(gap.hint.contains("--gcloud-timeout"), "{}", gap.hint);
    assert!(!alive.is_empty(), "gcloud was seen running during the hang");
    assert_eq!(
        processes_using(&config_dir),
        Vec::<u32>::new(),
        "all killed"
    );
}

#[test]
fn a_missing_gcloud_is_a_gap_with_install_advice() {
    let gap = Gcloud::locate_with(Some("/nonexistent/bin/gcloud".into()), None).unwrap_err();
    assert!(
        gap.reason.contains("/nonexistent/bin/gcloud"),
        "{}",
        gap.reason
    );
    assert!(
        gap.hint.contains("install the Google Cloud CLI"),
        "{}",
        gap.hint
    );
    assert!(gap.hint.contains("--gke-json FILE"), "{}", gap.hint);
    let gap = Gcloud::locate_with(None, Some("".into())).unwrap_err();
    assert!(gap.reason.contains("no `gcloud` on PATH"), "{}", gap.reason);
}

#[test]
fn creating_a_sandbox_pool_succeeds_against_the_mock() {
    let Some(rig) = rig(GkeMock::builder(PROJECT).cluster("europe-west1", DEFAULT_POOL_ONLY))
    else {
        return;
    };
    let before = rig
        .gcloud
        .describe_cluster(&target("europe-west1", "plain-eu"), PATIENT)
        .unwrap();
    let argv = commands::create_sandbox_pool(
        &before,
        commands::DEFAULT_SANDBOX_POOL,
        commands::ordinary_machine_type(&before),
    );
    let output = rig.gcloud.run(&argv, PATIENT).unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let created = rig
        .mock
        .requests()
        .into_iter()
        .find(|r| r.method == "POST")
        .expect("a create request");
    assert_eq!(
        created.url,
        "/v1/projects/acme-prod/locations/europe-west1/clusters/plain-eu/nodePools?alt=json"
    );
    let body: serde_json::Value = serde_json::from_str(&created.body).unwrap();
    assert_eq!(
        body["nodePool"]["config"]["sandboxConfig"]["type"],
        "GVISOR"
    );
    assert_eq!(body["nodePool"]["config"]["imageType"], "cos_containerd");
    assert_eq!(body["nodePool"]["config"]["machineType"], "e2-standard-4");
    let after = rig
        .gcloud
        .describe_cluster(&target("europe-west1", "plain-eu"), PATIENT)
        .unwrap();
    let sandbox: Vec<&str> = after.sandbox_pools().map(|p| p.name.as_str()).collect();
    assert_eq!(sandbox, ["gvisor-pool"]);
}

#[test]
fn lists_every_cluster_of_the_project_with_its_pools_in_one_request() {
    let builder = GkeMock::builder(PROJECT)
        .cluster("europe-west1", STANDARD)
        .cluster("us-central1", AUTOPILOT);
    let Some(rig) = rig(builder) else { return };
    let listed = rig.gcloud.list_clusters(PROJECT, PATIENT).unwrap();
    let names: Vec<&str> = listed.iter().map(|l| l.cluster.name.as_str()).collect();
    assert_eq!(
        names,
        ["prod-eu", "tenants-auto"],
        "gcloud sorts by zone, then name"
    );
    assert_eq!(listed[0].cluster.sandbox_pools().count(), 1);
    assert_eq!(listed[1].cluster.project.as_deref(), Some(PROJECT));
    let urls: Vec<String> = rig.mock.requests().into_iter().map(|r| r.url).collect();
    assert_eq!(
        urls,
        ["/v1/projects/acme-prod/locations/-/clusters?alt=json"]
    );
}

#[test]
fn a_list_refused_names_the_list_permission() {
    let builder = GkeMock::builder(PROJECT)
        .cluster("europe-west1", STANDARD)
        .failure(Failure::PermissionDenied);
    let Some(rig) = rig(builder) else { return };
    let gap = rig.gcloud.list_clusters(PROJECT, PATIENT).unwrap_err();
    assert!(gap.reason.contains("code=403"), "{}", gap.reason);
    assert!(gap.hint.contains("container.clusters.list"), "{}", gap.hint);
}
