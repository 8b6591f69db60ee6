//! The rig the live end-to-end tests share: a fake Kubernetes API server reached through a
//! real kubeconfig (context renamed, cluster entry keeping GKE's `gke_P_L_C` name), and
//! optionally the GKE API mock that the real gcloud talks to.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::{Value, json};
use tempfile::TempDir;
use testkit::fake_apiserver::objects::{gvisor_runtime_class, namespace, node, pod, sandbox_node};
use testkit::fake_apiserver::{Credentials, FakeApiServer, KubeconfigContext, write_kubeconfig};
use testkit::gke_mock::GkeMock;

pub const PROJECT: &str = "acme-prod";
pub const STANDARD: &str = include_str!("../fixtures/gke/standard-with-sandbox.json");
pub const LEGACY: &str = include_str!("../fixtures/gke/legacy-sandbox-type.json");
pub const AUTOPILOT: &str = include_str!("../fixtures/gke/autopilot.json");
pub const DEFAULT_POOL_ONLY: &str = include_str!("../fixtures/gke/default-pool-only.json");

/// A fake cluster, a kubeconfig whose context is renamed but whose cluster entry keeps
/// GKE's `gke_PROJECT_LOCATION_CLUSTER` name, and (optionally) a GKE mock.
pub struct Rig {
    pub api: FakeApiServer,
    pub gke: Option<GkeMock>,
    pub dir: TempDir,
    pub kubeconfig: PathBuf,
}

pub fn gcloud_installed() -> bool {
    let found = which::which("gcloud").is_ok();
    if !found {
        eprintln!("skipped: the real gcloud is needed for this test");
    }
    found
}

/// The in-cluster side of a healthy Standard cluster: GKE's RuntimeClass, an ordinary
/// and a sandbox node, a tenant namespace whose pod runs under gVisor.
pub fn healthy_cluster(api: &FakeApiServer, sandbox_pool: &str) {
    let mut tenant_pod = pod("tenant-a", "web-1");
    tenant_pod["spec"]["runtimeClassName"] = json!("gvisor");
    api.insert_all([
        gvisor_runtime_class(),
        node("n-default-1", "default-pool"),
        sandbox_node("n-gvisor-1", sandbox_pool),
        namespace("tenant-a"),
        namespace("kube-system"),
        tenant_pod,
        pod("kube-system", "kube-dns-1"),
    ]);
}

pub fn rig(cluster_json: Option<&str>, location: &str) -> Rig {
    let api = FakeApiServer::start();
    api.require_token("secret-token");
    let name = cluster_json
        .map(|j| {
            serde_json::from_str::<Value>(j).unwrap()["name"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .unwrap_or_else(|| "prod-eu".into());
    let gke = cluster_json.map(|j| GkeMock::builder(PROJECT).cluster(location, j).start());
    let dir = tempfile::tempdir().unwrap();
    let context = KubeconfigContext {
        context_name: "prod".into(),
        cluster_name: format!("gke_{PROJECT}_{location}_{name}"),
        server_url: api.url().to_string(),
        credentials: Credentials::Token("secret-token".into()),
    };
    let kubeconfig = write_kubeconfig(dir.path(), &[context], "prod");
    Rig {
        api,
        gke,
        dir,
        kubeconfig,
    }
}

impl Rig {
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_kubectl-sandbox"));
        command
            .args(args)
            .env("KUBECONFIG", &self.kubeconfig)
            .env_remove("KUBECTL_SANDBOX_GCLOUD");
        if let Some(gke) = &self.gke {
            let config = self.dir.path().join("gcloud");
            std::fs::create_dir_all(&config).unwrap();
            command.envs(gke.gcloud_env(&config));
        }
        command
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("the binary runs")
    }

    pub fn check_json(&self, extra: &[&str]) -> (Value, i32, String) {
        let mut args = vec!["check", "-o", "json"];
        args.extend_from_slice(extra);
        let output = self.run(&args);
        let stderr = String::from_utf8_lossy(&output.stderr).to_string();
        let report: Value = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("JSON on stdout ({e}); stderr: {stderr}"));
        (report, output.status.code().unwrap(), stderr)
    }
}

pub fn findings<'a>(report: &'a Value, id: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["id"] == id)
        .collect()
}

pub fn statuses(report: &Value, id: &str) -> Vec<String> {
    findings(report, id)
        .iter()
        .map(|f| f["status"].as_str().unwrap().to_string())
        .collect()
}

/// What `report` breaks of the JSON Schema `docs/{schema_file}`, one line each; empty when
/// the report holds to it.
pub fn schema_errors(schema_file: &str, report: &Value) -> Vec<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("docs")
        .join(schema_file);
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema is valid");
    validator
        .iter_errors(report)
        .map(|e| e.to_string())
        .collect()
}

/// What `report` breaks of `docs/check-fleet-report.schema.json`, whose per-cluster
/// reports are held to `docs/check-report.schema.json` through its `$id`.
pub fn fleet_schema_errors(report: &Value) -> Vec<String> {
    let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
    let read = |name: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(docs.join(name)).unwrap()).unwrap()
    };
    let check = read("check-report.schema.json");
    let id = check["$id"].as_str().unwrap().to_string();
    let registry = jsonschema::Registry::new()
        .add(id, check)
        .expect("the check schema registers")
        .prepare()
        .expect("the registry prepares");
    let validator = jsonschema::options()
        .with_registry(&registry)
        .build(&read("check-fleet-report.schema.json"))
        .expect("the fleet schema is valid");
    validator
        .iter_errors(report)
        .map(|e| e.to_string())
        .collect()
}
