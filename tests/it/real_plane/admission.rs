//! `--server-dry-run` and the admission preflight of `migrate --apply` against the real
//! API server's admission: RuntimeClass admission, Pod Security Admission and a
//! ValidatingAdmissionPolicy that refuses fsGroup on gvisor pods the way GKE once did.

use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};
use testkit::envtest::{ControlPlane, Identity, wait_until_state};

use super::common::{deployment, expect_exit, gke_plane, sandbox, sandbox_as};

/// How long a new ValidatingAdmissionPolicy may take to be enforced.
const POLICY_TIMEOUT: Duration = Duration::from_secs(30);

fn gke_json() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/gke/standard-with-sandbox.json")
        .display()
        .to_string()
}

/// The plugin as the admin, or through `kubeconfig`.
fn run(plane: &ControlPlane, kubeconfig: Option<&Path>, args: &[&str]) -> std::process::Output {
    match kubeconfig {
        Some(kubeconfig) => sandbox_as(kubeconfig, args),
        None => sandbox(plane, args),
    }
}

fn explain_args<'a>(gke: &'a str, args: &[&'a str]) -> Vec<&'a str> {
    let mut all = vec![
        "explain-pod",
        "-o",
        "json",
        "--server-dry-run",
        "--gke-json",
        gke,
    ];
    all.extend_from_slice(args);
    all
}

/// `explain-pod -o json --server-dry-run ARGS`, expecting exit `code`.
fn dry_run(plane: &ControlPlane, args: &[&str], code: i32) -> Value {
    let gke = gke_json();
    let output = run(plane, None, &explain_args(&gke, args));
    serde_json::from_str(&expect_exit(&output, code)).unwrap()
}

/// Runs `command` until its JSON report satisfies `done` (a new policy or binding takes a
/// moment to be enforced); the last report.
fn report_when(
    plane: &ControlPlane,
    kubeconfig: Option<&Path>,
    what: &str,
    command: &[&str],
    done: impl Fn(&Value) -> bool,
) -> Value {
    let mut report = Value::Null;
    wait_until_state(what, POLICY_TIMEOUT, || {
        let output = run(plane, kubeconfig, command);
        report = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
        (done(&report), format!("{report:#}"))
    });
    report
}

/// A Deployment of no replicas (no controller makes pods for it, so any pod in the
/// namespace would be one the dry run stored) whose pod spec gets `extra`.
fn workload(ns: &str, name: &str, extra: Value) -> Value {
    let mut object = deployment(ns, name, 0);
    let spec = object["spec"]["template"]["spec"].as_object_mut().unwrap();
    spec.extend(extra.as_object().unwrap().clone());
    object
}

fn pods_in(plane: &ControlPlane, ns: &str) -> Vec<Value> {
    let out = plane.kubectl_ok(&["get", "pods", "-n", ns, "-o", "json"]);
    serde_json::from_str::<Value>(&out).unwrap()["items"]
        .as_array()
        .unwrap()
        .clone()
}

/// GKE's 2021 refusal of fsGroup on sandboxed pods, as a ValidatingAdmissionPolicy bound
/// to one namespace; removed when dropped.
struct FsGroupPolicy<'a> {
    plane: &'a ControlPlane,
    name: String,
}

impl<'a> FsGroupPolicy<'a> {
    fn bind_to(plane: &'a ControlPlane, ns: &str) -> Self {
        let name = format!("gke-sandbox-fsgroup-{ns}");
        plane.create(&json!({
            "apiVersion": "admissionregistration.k8s.io/v1",
            "kind": "ValidatingAdmissionPolicy",
            "metadata": { "name": name },
            "spec": {
                "failurePolicy": "Fail",
                "matchConstraints": { "resourceRules": [{
                    "apiGroups": [""], "apiVersions": ["v1"],
                    "operations": ["CREATE"], "resources": ["pods"],
                }]},
                "validations": [{
                    "expression": "!(has(object.spec.runtimeClassName) && object.spec.runtimeClassName == 'gvisor' \
                        && has(object.spec.securityContext) && has(object.spec.securityContext.fsGroup))",
                    "message": "FSGroup is not supported",
                }],
            },
        }));
        let policy = FsGroupPolicy {
            plane,
            name: name.clone(),
        };
        plane.create(&json!({
            "apiVersion": "admissionregistration.k8s.io/v1",
            "kind": "ValidatingAdmissionPolicyBinding",
            "metadata": { "name": name },
            "spec": {
                "policyName": name,
                "validationActions": ["Deny"],
                "matchResources": { "namespaceSelector": { "matchLabels": {
                    "kubernetes.io/metadata.name": ns,
                }}},
            },
        }));
        policy
    }
}

impl Drop for FsGroupPolicy<'_> {
    fn drop(&mut self) {
        for kind in [
            "validatingadmissionpolicybinding",
            "validatingadmissionpolicy",
        ] {
            self.plane.kubectl(&[
                "delete",
                kind,
                &self.name,
                "--ignore-not-found",
                "--wait=false",
            ]);
        }
    }
}

#[test]
fn the_clusters_admission_refuses_admits_and_stores_nothing() {
    let Some(plane) = gke_plane() else { return };
    let ns = plane.namespace("admission", &[]);
    let baseline = plane.namespace(
        "admission-baseline",
        &[("pod-security.kubernetes.io/enforce", "baseline")],
    );
    plane.create(&workload(&ns, "clean", json!({})));
    plane.create(&workload(
        &ns,
        "pinned",
        json!({ "nodeSelector": { "sandbox.gke.io/runtime": "runc" } }),
    ));
    plane.create(&workload(
        &ns,
        "files",
        json!({ "securityContext": { "fsGroup": 2000 } }),
    ));
    plane.create(&workload(&baseline, "tracer", json!({ "hostPID": true })));

    let report = dry_run(
        plane,
        &[
            "deployment/clean",
            "deployment/pinned",
            "deployment/files",
            "-n",
            &ns,
        ],
        1,
    );
    let [clean, pinned, files] = [0, 1, 2].map(|i| &report["objects"][i]);
    assert_eq!(
        clean["admission"],
        json!({ "result": "admitted" }),
        "{clean:#}"
    );
    assert_eq!(clean["verdict"], "compatible");

    assert_eq!(pinned["admission"]["result"], "refused", "{pinned:#}");
    assert_eq!(pinned["admission"]["step"], "runtime-class", "{pinned:#}");
    let message = pinned["admission"]["message"].as_str().unwrap();
    assert!(
        message.contains(
            "conflict: runtimeClass.scheduling.nodeSelector[sandbox.gke.io/runtime] = gvisor"
        ),
        "the server's own words: {message}"
    );
    assert_eq!(pinned["verdict"], "blocked");

    // No policy refuses fsGroup here: this cluster's admission settles the uncertain finding.
    assert_eq!(files["findings"][0]["effect"], "uncertain", "{files:#}");
    assert_eq!(
        files["admission"],
        json!({ "result": "admitted", "settles": ["EP013"] }),
        "{files:#}"
    );
    assert_eq!(files["verdict"], "compatible");

    let report = dry_run(plane, &["deployment/tracer", "-n", &baseline], 1);
    let tracer = &report["objects"][0];
    assert_eq!(tracer["admission"]["step"], "pod-security", "{tracer:#}");
    assert!(
        tracer["admission"]["message"]
            .as_str()
            .unwrap()
            .contains("violates PodSecurity \"baseline:latest\": host namespaces (hostPID=true)"),
        "{tracer:#}"
    );

    assert_eq!(
        pods_in(plane, &ns),
        Vec::<Value>::new(),
        "a dry run stores nothing"
    );
    assert_eq!(pods_in(plane, &baseline), Vec::<Value>::new());
}

#[test]
fn a_policy_refusing_fsgroup_turns_uncertain_into_blocked() {
    let Some(plane) = gke_plane() else { return };
    // check and the policy tests read every ValidatingAdmissionPolicy.
    let _cluster = plane.exclusive();
    let ns = plane.namespace("admission-fsgroup", &[]);
    plane.create(&workload(
        &ns,
        "files",
        json!({ "securityContext": { "fsGroup": 2000 } }),
    ));
    let _policy = FsGroupPolicy::bind_to(plane, &ns);
    let gke = gke_json();
    let report = report_when(
        plane,
        None,
        "the policy to be enforced",
        &explain_args(&gke, &["deployment/files", "-n", &ns]),
        |report| report["objects"][0]["admission"]["result"] == "refused",
    );
    let files = &report["objects"][0];
    assert_eq!(files["findings"][0]["effect"], "uncertain");
    assert_eq!(files["verdict"], "blocked");
    assert_eq!(files["admission"]["step"], "validating-admission-policy");
    assert_eq!(
        files["admission"]["by"],
        format!("gke-sandbox-fsgroup-{ns}").as_str()
    );
    assert!(
        files["admission"]["message"]
            .as_str()
            .unwrap()
            .ends_with("denied request: FSGroup is not supported"),
        "{files:#}"
    );
}

#[test]
fn migrate_apply_skips_the_refused_workload_and_migrates_the_others() {
    let Some(plane) = gke_plane() else { return };
    let _cluster = plane.exclusive();
    let ns = plane.namespace("admission-migrate", &[]);
    plane.create(&workload(&ns, "web", json!({})));
    plane.create(&workload(
        &ns,
        "files",
        json!({ "securityContext": { "fsGroup": 2000 } }),
    ));
    let _policy = FsGroupPolicy::bind_to(plane, &ns);
    let gke = gke_json();
    let dir = tempfile::tempdir().unwrap();
    let backup = dir.path().join("backup");
    // The plan asks the same question first, until the new policy is enforced.
    report_when(
        plane,
        None,
        "the policy to be enforced",
        &[
            "migrate",
            "-n",
            &ns,
            "--all",
            "--server-dry-run",
            "-o",
            "json",
            "--gke-json",
            &gke,
        ],
        |plan| plan["summary"]["refused"] == 1,
    );
    let output = sandbox(
        plane,
        &[
            "migrate",
            "-n",
            &ns,
            "--all",
            "--apply",
            "-o",
            "json",
            "--gke-json",
            &gke,
            "--backup-dir",
            backup.to_str().unwrap(),
        ],
    );
    let report: Value = serde_json::from_str(&expect_exit(&output, 1)).unwrap();
    let row = |name: &str| {
        report["workloads"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["name"] == name)
            .cloned()
            .unwrap()
    };
    assert_eq!(row("files")["write"]["status"], "refused", "{report:#}");
    assert!(
        row("files")["write"]["reason"]
            .as_str()
            .unwrap()
            .ends_with("FSGroup is not supported"),
        "says why: {report:#}"
    );
    assert_eq!(row("web")["write"]["status"], "migrated", "{report:#}");
    let runtime_class = |name: &str| {
        plane.get("deployment", Some(&ns), name).unwrap()["spec"]["template"]["spec"]
            ["runtimeClassName"]
            .clone()
    };
    assert_eq!(runtime_class("web"), "gvisor");
    assert_eq!(runtime_class("files"), Value::Null, "nothing written to it");
}

/// The ClusterRole of `deploy/rbac/FILE` under a name of this test's own (the RBAC tests
/// install the roles under their real names); its name.
fn own_role(plane: &ControlPlane, file: &str, ns: &str) -> String {
    let mut role = super::rbac::role(plane, file);
    let name = format!("{}-{ns}", role["metadata"]["name"].as_str().unwrap());
    role["metadata"]["name"] = json!(name);
    plane.create(&role);
    name
}

#[test]
fn without_create_pods_the_dry_run_says_which_permission_is_missing() {
    let Some(plane) = gke_plane() else { return };
    let ns = plane.namespace("admission-rbac", &[]);
    plane.create(&workload(&ns, "web", json!({})));
    let user = format!("auditor-{ns}");
    let read = own_role(plane, "read.yaml", &ns);
    plane.kubectl_ok(&[
        "create",
        "clusterrolebinding",
        &user,
        &format!("--clusterrole={read}"),
        &format!("--user={user}"),
    ]);
    let auditor = plane.kubeconfig_as(&Identity::user(&user));
    let gke = gke_json();
    let command = explain_args(&gke, &["deployment/web", "-n", &ns]);
    let report = report_when(
        plane,
        Some(&auditor),
        "the read binding to take effect",
        &command,
        |report| report["objects"][0]["admission"].is_object(),
    );
    let admission = &report["objects"][0]["admission"];
    assert_eq!(admission["result"], "not-known", "{report:#}");
    assert_eq!(admission["limit"], "forbidden");
    assert!(
        admission["message"].as_str().unwrap().contains(&format!(
            "cannot create resource \"pods\" in API group \"\" in the namespace \"{ns}\""
        )),
        "{admission:#}"
    );
    assert!(
        admission["hint"]
            .as_str()
            .unwrap()
            .contains("deploy/rbac/preflight.yaml"),
        "{admission:#}"
    );

    let preflight = own_role(plane, "preflight.yaml", &ns);
    plane.kubectl_ok(&[
        "create",
        "clusterrolebinding",
        &format!("{user}-preflight"),
        &format!("--clusterrole={preflight}"),
        &format!("--user={user}"),
    ]);
    report_when(
        plane,
        Some(&auditor),
        "the binding to take effect",
        &command,
        |report| report["objects"][0]["admission"]["result"] == "admitted",
    );
    for binding in [user.clone(), format!("{user}-preflight")] {
        plane.kubectl(&[
            "delete",
            "clusterrolebinding",
            &binding,
            "--ignore-not-found",
        ]);
    }
}
