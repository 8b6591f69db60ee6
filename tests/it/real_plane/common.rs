//! What the real-plane tests share: a GKE-like cluster built from objects, running the
//! plugin against the plane, and cleaning up cluster-scoped objects.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::Duration;

use serde_json::{Value, json};
use testkit::envtest::{self, ControlPlane, wait_until_state};
use testkit::fake_apiserver::objects::{gvisor_runtime_class, node, pod, sandbox_node};

pub const PROJECT: &str = "acme-prod";
pub const LOCATION: &str = "europe-west1";
pub const STANDARD: &str = include_str!("../../fixtures/gke/standard-with-sandbox.json");
/// The nodes of [`STANDARD`]'s two pools.
pub const DEFAULT_NODE: &str = "gke-prod-eu-default-pool-1";
pub const SANDBOX_NODE: &str = "gke-prod-eu-gvisor-pool-1";
/// How long a test waits for the real controllers (seconds on an idle machine).
pub const ROLLOUT_TIMEOUT: Duration = Duration::from_secs(120);

/// A node the real scheduler can place pods on: `node` with capacity.
fn schedulable(mut node: Value) -> Value {
    let capacity = json!({ "cpu": "8", "memory": "32Gi", "pods": "110" });
    node["status"]["capacity"] = capacity.clone();
    node["status"]["allocatable"] = capacity;
    node
}

/// The plane, set up once like the in-cluster side of [`STANDARD`]: GKE's `gvisor`
/// RuntimeClass, one Ready node in `default-pool` and one sandbox node (GKE's label and
/// taint) in `gvisor-pool`. `None` when the test is skipped.
pub fn gke_plane() -> Option<&'static ControlPlane> {
    static SET_UP: OnceLock<()> = OnceLock::new();
    let plane = envtest::plane()?;
    SET_UP.get_or_init(|| {
        plane.create(&gvisor_runtime_class());
        plane.ready_node(&schedulable(node(DEFAULT_NODE, "default-pool")));
        plane.ready_node(&schedulable(sandbox_node(SANDBOX_NODE, "gvisor-pool")));
    });
    Some(plane)
}

/// A kubeconfig for `plane` whose cluster entry has GKE's `gke_PROJECT_LOCATION_CLUSTER`
/// name, as `gcloud container clusters get-credentials` writes it.
pub fn gke_kubeconfig(plane: &ControlPlane, dir: &Path) -> PathBuf {
    let path = dir.join("gke.kubeconfig");
    plane.write_kubeconfig(&path, &format!("gke_{PROJECT}_{LOCATION}_prod-eu"), None);
    path
}

/// The plugin with `args`, as the admin.
pub fn sandbox(plane: &ControlPlane, args: &[&str]) -> Output {
    sandbox_as(plane.admin_kubeconfig(), args)
}

/// The plugin with `args`, through `kubeconfig`.
pub fn sandbox_as(kubeconfig: &Path, args: &[&str]) -> Output {
    sandbox_command(kubeconfig, args)
        .output()
        .expect("the plugin runs")
}

pub fn sandbox_command(kubeconfig: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kubectl-sandbox"));
    command
        .args(args)
        .env("KUBECONFIG", kubeconfig)
        .env("NO_COLOR", "1")
        .env_remove("KUBECTL_SANDBOX_GCLOUD");
    command
}

/// Panics with the plugin's output unless it exited with `code`; its stdout.
pub fn expect_exit(output: &Output, code: i32) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert_eq!(
        output.status.code(),
        Some(code),
        "stdout:\n{stdout}\nstderr:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// An unsandboxed Deployment of `replicas` pods labelled `app: NAME`.
pub fn deployment(namespace: &str, name: &str, replicas: u32) -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": { "name": name, "namespace": namespace, "labels": { "app": name } },
        "spec": {
            "replicas": replicas,
            "selector": { "matchLabels": { "app": name } },
            "template": {
                "metadata": { "labels": { "app": name } },
                "spec": { "containers": [{
                    "name": "app",
                    "image": "registry.example/app:1",
                    "resources": { "limits": { "cpu": "100m", "memory": "128Mi" } },
                }] },
            },
        },
    })
}

/// Removes the admission policy and binding `kubectl sandbox policy --apply` installs when
/// dropped, so a failing policy test does not leave the plane denying for the others.
pub struct PolicyCleanup<'a>(pub &'a ControlPlane);

impl Drop for PolicyCleanup<'_> {
    fn drop(&mut self) {
        let name = kubectl_sandbox::POLICY_NAME;
        for kind in [
            "validatingadmissionpolicybinding",
            "validatingadmissionpolicy",
        ] {
            self.0
                .kubectl(&["delete", kind, name, "--ignore-not-found", "--wait=false"]);
        }
    }
}

/// The API server's admission sees a new or changed binding within about a second, but
/// not at once: a test waits for it before relying on the policy.
const POLICY_SYNC: Duration = Duration::from_secs(30);

/// What a command said on stderr.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A server dry run of an unsandboxed pod in `ns`: (admitted, kubectl's stderr).
pub fn try_unsandboxed_pod(plane: &ControlPlane, ns: &str) -> (bool, String) {
    let out = plane.kubectl_with_object(&["create", "--dry-run=server"], &pod(ns, "probe"));
    (out.status.success(), stderr(&out))
}

/// Waits until the API server's admission does what `expected` says to an unsandboxed pod
/// in `ns`; returns kubectl's stderr.
pub fn wait_for_admission(
    plane: &ControlPlane,
    ns: &str,
    expected: fn(bool, &str) -> bool,
) -> String {
    let mut seen = String::new();
    wait_until_state("admission to follow the binding", POLICY_SYNC, || {
        let (admitted, text) = try_unsandboxed_pod(plane, ns);
        seen = text.clone();
        (
            expected(admitted, &text),
            format!("admitted: {admitted}, {text}"),
        )
    });
    seen
}
