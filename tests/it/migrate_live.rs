//! `kubectl sandbox migrate` end to end: the built binary against the fake Kubernetes API
//! server (through a real kubeconfig), and the real gcloud against the GKE mock for
//! `--create-node-pool`. Every JSON report is checked against
//! `docs/migrate-report.schema.json`.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};
use tempfile::TempDir;
use testkit::fake_apiserver::objects::{gvisor_runtime_class, namespace, node, sandbox_node};
use testkit::fake_apiserver::{
    AdmissionRule, Credentials, FakeApiServer, KubeconfigContext, write_kubeconfig,
};
use testkit::gke_mock::GkeMock;

const PROJECT: &str = "acme-prod";
const DEFAULT_POOL_ONLY: &str = include_str!("../fixtures/gke/default-pool-only.json");

struct Rig {
    api: FakeApiServer,
    dir: TempDir,
    kubeconfig: PathBuf,
}

fn deployment(name: &str) -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": { "name": name, "namespace": "shop", "labels": { "app": name } },
        "spec": {
            "replicas": 2,
            "selector": { "matchLabels": { "app": name } },
            "template": {
                "metadata": { "labels": { "app": name } },
                "spec": { "containers": [{ "name": "app", "image": "registry.example/app:1",
                    "resources": { "limits": { "cpu": "1", "memory": "1Gi" } } }] }
            }
        }
    })
}

fn path_of(name: &str) -> String {
    format!("/apis/apps/v1/namespaces/shop/deployments/{name}")
}

/// A cluster ready for sandboxed pods, with deployments `web` and `api` in `shop`.
fn rig_with(location: &str, cluster: &str) -> Rig {
    let api = FakeApiServer::start();
    api.insert_all([
        gvisor_runtime_class(),
        node("n-default-1", "default-pool"),
        sandbox_node("n-gvisor-1", "gvisor-pool"),
        namespace("shop"),
        deployment("web"),
        deployment("api"),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let context = KubeconfigContext {
        context_name: "prod".into(),
        cluster_name: format!("gke_{PROJECT}_{location}_{cluster}"),
        server_url: api.url().to_string(),
        credentials: Credentials::Token("t".into()),
    };
    let kubeconfig = write_kubeconfig(dir.path(), &[context], "prod");
    Rig {
        api,
        dir,
        kubeconfig,
    }
}

fn rig() -> Rig {
    rig_with("europe-west1", "prod-eu")
}

/// Fails the test, with the report, when it does not hold to the documented schema.
fn assert_schema(report: &Value) {
    let errors = common::schema_errors("migrate-report.schema.json", report);
    assert!(errors.is_empty(), "{report:#}\n{errors:#?}");
}

impl Rig {
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_kubectl-sandbox"));
        command
            .arg("migrate")
            .args(args)
            .env("KUBECONFIG", &self.kubeconfig)
            .env("NO_COLOR", "1")
            .env_remove("KUBECTL_SANDBOX_GCLOUD")
            .current_dir(self.dir.path())
            .stdin(Stdio::null());
        command
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("the binary runs")
    }

    /// Runs with `-o json --no-gke`; the report (checked against the schema) and the exit
    /// code.
    fn json(&self, args: &[&str]) -> (Value, i32) {
        let mut all = vec!["-o", "json", "--no-gke"];
        all.extend_from_slice(args);
        let output = self.run(&all);
        let stderr = String::from_utf8_lossy(&output.stderr).to_string();
        let report = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("JSON on stdout ({e}); stderr: {stderr}"));
        assert_schema(&report);
        (report, output.status.code().unwrap())
    }

    fn object(&self, name: &str) -> Value {
        self.api.object(&path_of(name)).unwrap()
    }

    /// Requests that change or would change a workload: patches and replaces, dry or not.
    fn writes(&self) -> Vec<testkit::fake_apiserver::RecordedRequest> {
        self.api
            .requests()
            .into_iter()
            .filter(|r| r.method != "GET" && r.method != "POST")
            .collect()
    }
}

fn is_dry_run(request: &testkit::fake_apiserver::RecordedRequest) -> bool {
    request.query.get("dryRun").is_some_and(|v| v == "All")
}

/// `--apply` to `deployment/web` alone, with its backup in `b`.
const APPLY_WEB: [&str; 6] = [
    "deployment/web",
    "-n",
    "shop",
    "--apply",
    "--backup-dir",
    "b",
];

/// The report's workloads, in order.
fn workloads(report: &Value) -> std::slice::Iter<'_, Value> {
    report["workloads"].as_array().unwrap().iter()
}

fn runtime_class(object: &Value) -> &Value {
    &object["spec"]["template"]["spec"]["runtimeClassName"]
}

#[test]
fn a_plan_changes_nothing() {
    let rig = rig();
    let (report, code) = rig.json(&["deployment/web", "-n", "shop"]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["mode"], "plan");
    assert_eq!(report["workloads"][0]["action"], "migrate");
    assert_eq!(
        report["workloads"][0]["changes"][0]["path"],
        "spec.template.spec.runtimeClassName"
    );
    assert!(
        report["preflight"]["ready"].as_bool().unwrap(),
        "{report:#}"
    );
    assert_eq!(
        rig.writes(),
        [],
        "a plan sends no write, not even a dry run"
    );
    assert_eq!(runtime_class(&rig.object("web")), &Value::Null);
}

#[test]
fn apply_dry_runs_everything_first_backs_up_writes_and_a_second_run_changes_nothing() {
    let rig = rig();
    let (report, code) = rig.json(&["-n", "shop", "--all", "--apply", "--backup-dir", "b"]);
    assert_eq!(code, 0, "{report:#}");
    let writes = rig.writes();
    assert_eq!(writes.len(), 4, "{writes:#?}");
    let first_write = writes.iter().position(|r| !is_dry_run(r)).unwrap();
    assert_eq!(first_write, 2, "both dry runs come before the first write");
    let requests = rig.api.requests();
    let pod_dry_runs: Vec<usize> = requests
        .iter()
        .enumerate()
        .filter(|(_, r)| r.method == "POST" && r.path == "/api/v1/namespaces/shop/pods")
        .map(|(i, r)| {
            assert!(is_dry_run(r), "{r:?}");
            i
        })
        .collect();
    let first_patch = requests.iter().position(|r| r.method == "PATCH").unwrap();
    assert_eq!(pod_dry_runs.len(), 2, "one sandboxed pod per workload");
    assert!(
        pod_dry_runs.iter().all(|&i| i < first_patch),
        "the admission preflight comes first"
    );
    for request in &writes {
        assert_eq!(request.method, "PATCH");
        assert_eq!(
            request.headers["content-type"],
            "application/merge-patch+json"
        );
        assert_eq!(request.query["fieldManager"], "kubectl-sandbox");
        let patch: Value = serde_json::from_str(&request.body).unwrap();
        assert!(
            patch["metadata"]["resourceVersion"].is_string(),
            "guarded: {patch}"
        );
    }
    for name in ["web", "api"] {
        assert_eq!(runtime_class(&rig.object(name)), "gvisor");
    }
    let index: Value = serde_json::from_str(
        &std::fs::read_to_string(rig.dir.path().join("b/index.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(index["objects"].as_array().unwrap().len(), 2);
    assert!(index["objects"][0]["migrated_resource_version"].is_string());

    let before = rig.writes().len();
    let (again, code) = rig.json(&["-n", "shop", "--all", "--apply", "--backup-dir", "b2"]);
    assert_eq!(code, 0, "{again:#}");
    let actions: Vec<&Value> = workloads(&again).map(|w| &w["action"]).collect();
    assert_eq!(actions, ["already-done", "already-done"]);
    assert_eq!(rig.writes().len(), before, "the second run writes nothing");
    assert!(!rig.dir.path().join("b2").exists(), "nor a backup");
}

#[test]
fn one_failing_dry_run_means_zero_writes() {
    let rig = rig();
    let original = rig.object("web");
    rig.api.fail_on(&path_of("api"), 422);
    let (report, code) = rig.json(&["-n", "shop", "--all", "--apply", "--backup-dir", "b"]);
    assert_eq!(code, 1, "{report:#}");
    assert!(
        report["stopped"]
            .as_str()
            .unwrap()
            .contains("nothing was written")
    );
    let writes = rig.writes();
    assert!(writes.iter().all(is_dry_run), "{writes:#?}");
    assert_eq!(rig.object("web"), original);
    assert!(
        !rig.dir.path().join("b").exists(),
        "no backup without a write"
    );
    let api = workloads(&report).find(|w| w["name"] == "api").unwrap();
    assert_eq!(api["write"]["status"], "dry-run-failed");
}

#[test]
fn apply_wait_reports_a_rollout_that_does_not_finish_in_time() {
    let rig = rig();
    let mut args = APPLY_WEB.to_vec();
    args.extend(["--wait", "--timeout", "0s"]);
    let (report, code) = rig.json(&args);
    assert_eq!(code, 1, "{report:#}");
    let web = &report["workloads"][0];
    assert_eq!(web["write"]["status"], "migrated");
    assert!(web["write"]["resource_version"].is_string(), "{report:#}");
    assert_eq!(web["wait"]["wait"], "timed-out");
    assert!(report["backup_dir"].is_string());
}

#[test]
fn rollback_restores_the_saved_specs_byte_for_byte() {
    let rig = rig();
    let (report, code) = rig.json(&["-n", "shop", "--all", "--apply", "--backup-dir", "b"]);
    assert_eq!(code, 0, "{report:#}");
    let (report, code) = rig.json(&["--rollback", "b"]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["restored"].as_array().unwrap().len(), 2);
    let backup = rig.dir.path().join("b");
    let index: Value =
        serde_json::from_str(&std::fs::read_to_string(backup.join("index.json")).unwrap()).unwrap();
    for entry in index["objects"].as_array().unwrap() {
        let (file, name) = (
            entry["file"].as_str().unwrap(),
            entry["name"].as_str().unwrap(),
        );
        let saved: Value =
            serde_json::from_str(&std::fs::read_to_string(backup.join(file)).unwrap()).unwrap();
        let now = rig.object(name);
        assert_eq!(
            serde_json::to_string(&now["spec"]).unwrap(),
            serde_json::to_string(&saved["spec"]).unwrap()
        );
        assert_eq!(
            saved["spec"],
            deployment(name)["spec"],
            "the backup is the original"
        );
    }
}

#[test]
fn rollback_leaves_an_object_changed_since_alone() {
    let rig = rig();
    rig.json(&APPLY_WEB);
    let mut theirs = rig.object("web");
    theirs["spec"]["replicas"] = json!(7);
    rig.api.insert(theirs);
    let (report, code) = rig.json(&["--rollback", "b"]);
    assert_eq!(code, 1, "{report:#}");
    assert!(
        report["restored"][0]["error"]
            .as_str()
            .unwrap()
            .contains("changed after migrate")
    );
    assert_eq!(rig.object("web")["spec"]["replicas"], 7);
}

#[test]
fn bare_pods_are_reported_with_advice_and_nothing_is_written() {
    let rig = rig();
    rig.api
        .insert(testkit::fake_apiserver::objects::pod("shop", "debug"));
    let (report, code) = rig.json(&["pod/debug", "-n", "shop", "--apply", "--backup-dir", "b"]);
    assert_eq!(code, 1);
    assert_eq!(report["workloads"][0]["action"], "bare-pod");
    assert!(
        report["workloads"][0]["advice"]
            .as_str()
            .unwrap()
            .contains("cannot change")
    );
    assert_eq!(rig.writes(), []);
}

#[test]
fn a_bare_pod_already_under_gvisor_is_done_and_exits_0() {
    let rig = rig();
    let mut pod = testkit::fake_apiserver::objects::pod("shop", "sandboxed");
    pod["spec"]["runtimeClassName"] = json!("gvisor");
    rig.api.insert(pod);
    let (report, code) = rig.json(&["pod/sandboxed", "-n", "shop"]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["workloads"][0]["action"], "already-done");
    assert_eq!(report["summary"]["bare_pod"], 0);
    assert_eq!(rig.writes(), []);
}

#[test]
fn yaml_output_of_a_manifest_is_the_input_plus_exactly_the_change() {
    let input = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/manifests/nginx-deployment.yaml");
    let output = Command::new(env!("CARGO_BIN_EXE_kubectl-sandbox"))
        .args(["migrate", "-o", "yaml", "-f"])
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let before = std::fs::read_to_string(&input).unwrap();
    let after = String::from_utf8(output.stdout).unwrap();
    let added: Vec<&str> = after
        .lines()
        .filter(|l| l.trim() == "runtimeClassName: gvisor")
        .collect();
    assert_eq!(added.len(), 1, "{after}");
    let without: Vec<&str> = after
        .lines()
        .filter(|l| l.trim() != "runtimeClassName: gvisor")
        .collect();
    assert_eq!(without, before.lines().collect::<Vec<_>>());
}

#[test]
fn yaml_output_edits_the_text_that_was_parsed_even_from_a_file_that_reads_once() {
    // /dev/stdin on a pipe gives its text once: a second read of the file (as the plan
    // once made) finds it empty.
    let input = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/manifests/nginx-deployment.yaml");
    let before = std::fs::read_to_string(&input).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubectl-sandbox"))
        .args(["migrate", "-o", "yaml", "-f", "/dev/stdin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), before.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    let after = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(after.contains("runtimeClassName: gvisor"), "{after}");
    assert_eq!(after.lines().count(), before.lines().count() + 1, "{after}");
}

#[test]
fn a_cluster_without_sandbox_capacity_gets_the_node_pool_command_and_no_writes() {
    let rig = rig_without_capacity();
    let gke = rig.dir.path().join("cluster.json");
    std::fs::write(&gke, DEFAULT_POOL_ONLY).unwrap();
    let output = rig.run(&[
        "-n",
        "shop",
        "--all",
        "--apply",
        "-o",
        "json",
        "--gke-json",
        gke.to_str().unwrap(),
    ]);
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_schema(&report);
    assert_eq!(output.status.code(), Some(1), "{report:#}");
    assert_eq!(report["preflight"]["ready"], false);
    let argv: Vec<&str> = report["preflight"]["create_node_pool"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert_eq!(
        argv.join(" "),
        "container node-pools create gvisor-pool --cluster plain-eu --location europe-west1 \
         --project acme-prod --image-type=cos_containerd --sandbox=type=gvisor --machine-type=e2-standard-4"
    );
    assert_eq!(rig.writes(), []);
}

fn gcloud_installed() -> bool {
    let found = which::which("gcloud").is_ok();
    if !found {
        eprintln!("skipped: the real gcloud is needed for this test");
    }
    found
}

/// A Standard cluster with no sandbox pool: no RuntimeClass gvisor, no sandbox node.
fn rig_without_capacity() -> Rig {
    let api = FakeApiServer::start();
    api.insert_all([
        namespace("shop"),
        node("n-1", "default-pool"),
        deployment("web"),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = write_kubeconfig(
        dir.path(),
        &[KubeconfigContext {
            context_name: "prod".into(),
            cluster_name: format!("gke_{PROJECT}_europe-west1_plain-eu"),
            server_url: api.url().to_string(),
            credentials: Credentials::Token("t".into()),
        }],
        "prod",
    );
    Rig {
        api,
        dir,
        kubeconfig,
    }
}

fn mock() -> GkeMock {
    GkeMock::builder(PROJECT)
        .cluster("europe-west1", DEFAULT_POOL_ONLY)
        .start()
}

fn with_gcloud_env(rig: &Rig, mock: &GkeMock, args: &[&str]) -> Output {
    let config = rig.dir.path().join("gcloud");
    std::fs::create_dir_all(&config).unwrap();
    rig.command(args)
        .envs(mock.gcloud_env(&config))
        .output()
        .unwrap()
}

#[test]
fn create_node_pool_runs_the_real_gcloud_against_the_mock() {
    if !gcloud_installed() {
        return;
    }
    let (rig, mock) = (rig_without_capacity(), mock());
    let output = with_gcloud_env(
        &rig,
        &mock,
        &[
            "deployment/web",
            "-n",
            "shop",
            "--create-node-pool",
            "--yes",
            "-o",
            "json",
        ],
    );
    let report: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stderr)));
    assert_schema(&report);
    assert_eq!(output.status.code(), Some(0), "{report:#}");
    assert_eq!(report["preflight"]["ready"], true);
    let created = mock
        .requests()
        .into_iter()
        .find(|r| r.method == "POST")
        .expect("a node-pool create request");
    assert_eq!(
        created.url,
        "/v1/projects/acme-prod/locations/europe-west1/clusters/plain-eu/nodePools?alt=json"
    );
    let body: Value = serde_json::from_str(&created.body).unwrap();
    assert_eq!(body["nodePool"]["name"], "gvisor-pool");
    assert_eq!(
        body["nodePool"]["config"]["sandboxConfig"]["type"],
        "GVISOR"
    );
    assert_eq!(body["nodePool"]["config"]["machineType"], "e2-standard-4");
}

#[test]
fn create_node_pool_without_a_terminal_or_yes_refuses() {
    if !gcloud_installed() {
        return;
    }
    let (rig, mock) = (rig_without_capacity(), mock());
    let output = with_gcloud_env(
        &rig,
        &mock,
        &["deployment/web", "-n", "shop", "--create-node-pool"],
    );
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--yes"), "{stderr}");
    assert!(mock.requests().iter().all(|r| r.method != "POST"));
}

#[test]
fn a_bad_pool_name_never_reaches_gcloud() {
    let rig = rig();
    let output = rig.run(&[
        "deployment/web",
        "-n",
        "shop",
        "--create-node-pool",
        "--yes",
        "--pool-name",
        "--verbosity=debug",
    ]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn force_migrates_a_blocked_manifest_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("host.yaml");
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: agent\nspec:\n  template:\n    spec:\n      hostNetwork: true\n      containers:\n        - name: agent\n";
    std::fs::write(&file, text).unwrap();
    let run = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_kubectl-sandbox"))
            .args(["migrate", "-o", "json", "-f"])
            .arg(&file)
            .args(extra)
            .output()
            .unwrap()
    };
    let plain = run(&[]);
    let report: Value = serde_json::from_slice(&plain.stdout).unwrap();
    assert_schema(&report);
    assert_eq!(plain.status.code(), Some(1));
    assert_eq!(report["workloads"][0]["action"], "skip");
    assert_eq!(report["workloads"][0]["reasons"][0]["id"], "EP004");

    let forced = run(&["--force"]);
    let report: Value = serde_json::from_slice(&forced.stdout).unwrap();
    assert_schema(&report);
    assert_eq!(forced.status.code(), Some(0), "{report:#}");
    assert_eq!(report["workloads"][0]["action"], "migrate");
    assert_eq!(report["workloads"][0]["forced"][0]["id"], "EP004");
    assert!(String::from_utf8_lossy(&forced.stderr).contains("warning: --force"));
}

/// `migrate -f tests/fixtures/manifests -o json`: every action but already-done, caveats,
/// file and line, and the one broken file as an error (exit 2).
fn plan_of_the_fixture_manifests() -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_kubectl-sandbox"))
        .args(["migrate", "-o", "json", "-f"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/manifests"))
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(2),
        "broken.yaml is an input error"
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn a_plan_of_files_holds_to_the_schema() {
    let report = plan_of_the_fixture_manifests();
    assert_schema(&report);
    assert_eq!(report["mode"], "plan");
    assert!(
        report.get("preflight").is_none(),
        "no cluster, no preflight"
    );
    let actions: std::collections::BTreeSet<&str> = workloads(&report)
        .map(|w| w["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["bare-pod", "migrate", "skip"].into_iter().collect(),
        "{report:#}"
    );
    assert!(report["workloads"][0]["line"].is_u64(), "{report:#}");
    assert!(report["errors"][0]["file"].is_string(), "{report:#}");
}

/// `migrate -f` on manifests teams deploy: hardened workloads are migrated with their
/// caveats shown (never skipped for their hardening), the plan says which pods are
/// replaced, and the host-reading DaemonSet is skipped with its blockers.
#[test]
fn hardened_workloads_are_migrated_with_caveats_and_collectors_skipped() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/manifests");
    let run = |format: &str| {
        Command::new(env!("CARGO_BIN_EXE_kubectl-sandbox"))
            .args(["migrate", "-o", format, "-f"])
            .arg(dir.join("restricted-deployment.yaml"))
            .arg("-f")
            .arg(dir.join("descheduler-cronjob.yaml"))
            .arg("-f")
            .arg(dir.join("fluent-bit-daemonset.yaml"))
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };
    let output = run("json");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_schema(&report);
    let actions: Vec<(&str, &str)> = workloads(&report)
        .map(|w| (w["name"].as_str().unwrap(), w["action"].as_str().unwrap()))
        .collect();
    assert_eq!(
        actions,
        [
            ("web", "migrate"),
            ("descheduler", "migrate"),
            ("fluent-bit", "skip")
        ]
    );
    let web = &report["workloads"][0];
    assert_eq!(web["caveats"][0]["id"], "EP007");
    assert!(web["rollout"].as_str().unwrap().contains("rolling update"));
    assert!(
        report["workloads"][1]["rollout"]
            .as_str()
            .unwrap()
            .contains("next scheduled run")
    );
    assert_eq!(report["workloads"][2]["reasons"][0]["id"], "EP003");
    assert_eq!(output.status.code(), Some(1), "a skip is exit 1");

    let table = String::from_utf8(run("table").stdout).unwrap();
    assert!(
        table.contains("pods: every pod is replaced by a rolling update"),
        "{table}"
    );
    assert!(table.contains("caveat EP011 not-enforced"), "{table}");
}

#[test]
fn the_schema_rejects_a_report_that_breaks_it() {
    let report = plan_of_the_fixture_manifests();
    assert_schema(&report);
    let migrating = workloads(&report)
        .position(|w| w["action"] == "migrate")
        .unwrap();
    // Each breaks the report (given the index of a workload to migrate) in one way.
    type Breaking = fn(&mut Value, usize);
    let breaks: [(&str, Breaking); 7] = [
        ("a misspelled workload field", |r, i| {
            r["workloads"][i]["namepsace"] = json!("shop");
        }),
        ("an unknown top-level field", |r, _| {
            r["warnings"] = json!([]);
        }),
        ("an unknown mode", |r, _| r["mode"] = json!("dry-run")),
        ("an unknown action", |r, i| {
            r["workloads"][i]["action"] = json!("migrated");
        }),
        ("a field of another action", |r, i| {
            r["workloads"][i]["advice"] = json!("recreate it");
        }),
        ("an unknown write status", |r, i| {
            r["workloads"][i]["write"] = json!({"status": "written"});
        }),
        ("a summary count missing", |r, _| {
            r["summary"].as_object_mut().unwrap().remove("bare_pod");
        }),
    ];
    for (what, breaking) in breaks {
        let mut broken = report.clone();
        breaking(&mut broken, migrating);
        assert!(
            !common::schema_errors("migrate-report.schema.json", &broken).is_empty(),
            "{what} is accepted"
        );
    }
    // The write status that was misspelled above, spelled right, is accepted.
    let mut written = report;
    written["workloads"][migrating]["write"] =
        json!({"status": "migrated", "resource_version": "7"});
    assert_schema(&written);
}

#[test]
fn the_plan_table_shows_the_diff_and_ends_with_the_summary() {
    let rig = rig();
    let mut pinned = deployment("batch");
    pinned["spec"]["template"]["spec"]["nodeSelector"] = json!({"sandbox.gke.io/runtime": "runc"});
    rig.api.insert(pinned);
    let output = rig.run(&["-n", "shop", "--all", "--no-gke"]);
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(text.starts_with("PREFLIGHT\n"), "{text}");
    assert!(
        text.contains("+ spec.template.spec.runtimeClassName: gvisor"),
        "{text}"
    );
    assert!(
        text.contains(r#"- spec.template.spec.nodeSelector["sandbox.gke.io/runtime"]: runc"#),
        "{text}"
    );
    let last = text.lines().last().unwrap();
    assert_eq!(
        last,
        "3 to migrate, 0 skipped, 0 already done, 0 bare pod(s); nothing was changed (--apply makes the changes); exit 0"
    );
    assert_eq!(rig.writes(), []);
}

#[test]
fn autopilot_needs_no_node_pool_and_none_is_created() {
    let rig = rig_without_capacity();
    let gke = rig.dir.path().join("autopilot.json");
    std::fs::write(&gke, include_str!("../fixtures/gke/autopilot.json")).unwrap();
    let output = rig.run(&[
        "deployment/web",
        "-n",
        "shop",
        "--create-node-pool",
        "--yes",
        "-o",
        "json",
        "--gke-json",
        gke.to_str().unwrap(),
    ]);
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_schema(&report);
    assert_eq!(output.status.code(), Some(0), "{report:#}");
    assert_eq!(report["preflight"]["ready"], true);
    assert!(
        report["preflight"].get("create_node_pool").is_none(),
        "{report:#}"
    );
}

#[test]
fn yaml_output_of_live_objects_is_the_changed_manifests() {
    let rig = rig();
    let output = rig.run(&[
        "deployment/web",
        "deployment/api",
        "-n",
        "shop",
        "--no-gke",
        "-o",
        "yaml",
    ]);
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    let documents: Vec<&str> = text
        .split("---\n")
        .filter(|d| !d.trim().is_empty())
        .collect();
    assert_eq!(documents.len(), 2, "{text}");
    assert!(
        documents[0].contains("name: web") && documents[1].contains("name: api"),
        "{text}"
    );
    assert_eq!(
        text.matches("runtimeClassName: gvisor").count(),
        2,
        "{text}"
    );
    assert!(
        !text.contains("resourceVersion"),
        "server-owned fields are left out: {text}"
    );
    assert_eq!(rig.writes(), []);
}

/// `api`'s sandboxed pod is refused the way a ValidatingAdmissionPolicy refuses it.
const API_REFUSAL: &str = "pods \"api-x7k2p\" is forbidden: ValidatingAdmissionPolicy 'no-fsgroup' \
    with binding 'no-fsgroup' denied request: FSGroup is not supported";

fn refuse_api(rig: &Rig) {
    rig.api.admit_with(AdmissionRule::Refuse {
        body_contains: "\"generateName\":\"api-\"".into(),
        code: 403,
        message: API_REFUSAL.into(),
    });
}

#[test]
fn apply_skips_a_workload_whose_sandboxed_pod_is_refused_and_migrates_the_others() {
    let rig = rig();
    refuse_api(&rig);
    let (report, code) = rig.json(&["-n", "shop", "--all", "--apply", "--backup-dir", "b"]);
    assert_eq!(code, 1, "a refused workload is not a success: {report:#}");
    let row = |name: &str| {
        report["workloads"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["name"] == name)
            .unwrap()
            .clone()
    };
    let api = row("api");
    assert_eq!(
        api["admission"],
        json!({ "result": "refused", "step": "validating-admission-policy",
                "by": "no-fsgroup", "message": API_REFUSAL })
    );
    assert_eq!(api["write"]["status"], "refused");
    assert_eq!(row("web")["admission"]["result"], "admitted");
    assert_eq!(row("web")["write"]["status"], "migrated");
    assert_eq!(report["summary"]["refused"], 1);
    assert_eq!(report["summary"]["migrated"], 1);
    assert_eq!(runtime_class(&rig.object("web")), "gvisor");
    assert_eq!(runtime_class(&rig.object("api")), &Value::Null);
    assert!(
        !rig.writes().iter().any(|r| r.path == path_of("api")),
        "nothing is sent to the refused workload, not even a dry run"
    );

    let table = String::from_utf8(rig.run(&["-n", "shop", "--all", "--no-gke"]).stdout).unwrap();
    assert!(
        !table.contains("ADMISSION"),
        "a plan asks only with --server-dry-run: {table}"
    );
}

#[test]
fn force_migrates_a_refused_workload_loudly_and_the_plan_asks_with_server_dry_run() {
    let rig = rig();
    refuse_api(&rig);
    let plan = rig.run(&["-n", "shop", "--all", "--no-gke", "--server-dry-run"]);
    assert_eq!(plan.status.code(), Some(1));
    let table = String::from_utf8(plan.stdout).unwrap();
    assert!(
        table.contains(&format!(
            "ADMISSION (server dry run): refused by ValidatingAdmissionPolicy no-fsgroup: {API_REFUSAL}"
        )),
        "{table}"
    );
    assert!(table.contains("1 refused by admission"), "{table}");
    assert_eq!(
        runtime_class(&rig.object("api")),
        &Value::Null,
        "a plan writes nothing"
    );

    let forced = rig.run(&[
        "-n",
        "shop",
        "--all",
        "--no-gke",
        "--apply",
        "--force",
        "--backup-dir",
        "b",
    ]);
    let stderr = String::from_utf8_lossy(&forced.stderr);
    assert!(
        stderr.contains("warning: --force: 1 workload(s) whose sandboxed pods the cluster's admission refuses are migrated anyway"),
        "{stderr}"
    );
    assert_eq!(runtime_class(&rig.object("api")), "gvisor");
}

#[test]
fn an_admission_not_known_makes_the_run_incomplete_and_apply_still_migrates_saying_so() {
    let rig = rig();
    rig.api.admit_with(AdmissionRule::Refuse {
        body_contains: "\"generateName\":\"api-\"".into(),
        code: 403,
        message: "pods \"api-x\" is forbidden: exceeded quota: pods, requested: pods=1, used: pods=10, limited: pods=10".into(),
    });
    let (plan, code) = rig.json(&["-n", "shop", "--all", "--server-dry-run"]);
    assert_eq!(code, 4, "quota leaves api's admission not known: {plan:#}");
    assert_eq!(plan["incomplete"], true);
    assert_eq!(
        plan["unread"][0]["part"],
        "admission of deployment/api in shop (server dry run)"
    );
    assert!(
        plan["unread"][0]["reason"]
            .as_str()
            .unwrap()
            .starts_with("quota exceeded: "),
        "{plan:#}"
    );
    let accepted = rig.run(&[
        "-n",
        "shop",
        "--all",
        "--no-gke",
        "--server-dry-run",
        "--allow-skip",
    ]);
    assert_eq!(accepted.status.code(), Some(0));

    let applied = rig.run(&[
        "-n",
        "shop",
        "--all",
        "--no-gke",
        "--apply",
        "--backup-dir",
        "b",
    ]);
    assert_eq!(applied.status.code(), Some(4));
    let table = String::from_utf8(applied.stdout).unwrap();
    assert!(
        table.contains("admission not known: its new pods will tell"),
        "the row says api was migrated without an answer: {table}"
    );
    assert!(
        table.contains("incomplete: could not know the admission of deployment/api in shop"),
        "{table}"
    );
    assert_eq!(
        runtime_class(&rig.object("api")),
        "gvisor",
        "a limit is not a refusal: the workload is migrated"
    );
}
