//! Each command under the real RBAC authorizer, as a user bound to exactly the ClusterRoles
//! in `deploy/rbac/` (impersonated from the admin), and with one verb less: the command
//! fails and says which permission is missing.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use serde_json::{Value, json};
use testkit::envtest::{ControlPlane, Identity, wait_until};
use testkit::fake_apiserver::objects::pod;

use super::common::{deployment, gke_plane, sandbox_as};

/// RBAC sees a new binding within about a second.
const RBAC_SYNC: Duration = Duration::from_secs(30);

/// A ClusterRole of `deploy/rbac/FILE`, as JSON.
pub(super) fn role(plane: &ControlPlane, file: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("deploy/rbac")
        .join(file);
    let out = plane.kubectl_ok(&[
        "create",
        "--dry-run=client",
        "-o",
        "json",
        "-f",
        path.to_str().unwrap(),
    ]);
    serde_json::from_str(&out).unwrap()
}

/// The three roles, installed once, as `kubectl apply -f deploy/rbac/` would.
fn install_roles(plane: &ControlPlane) {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        for file in ["read.yaml", "migrate.yaml", "policy.yaml"] {
            plane.create(&role(plane, file));
        }
    });
}

/// `role` without `verb` on `resource`, as a new ClusterRole `NAME-without-VERB-RESOURCE`.
fn one_verb_less(plane: &ControlPlane, file: &str, resource: &str, verb: &str) -> String {
    let mut role = role(plane, file);
    let name = format!(
        "{}-without-{verb}-{resource}",
        role["metadata"]["name"].as_str().unwrap()
    );
    role["metadata"]["name"] = json!(name);
    for rule in role["rules"].as_array_mut().unwrap() {
        if rule["resources"]
            .as_array()
            .is_some_and(|r| r.contains(&json!(resource)))
        {
            let others: Vec<Value> = rule["resources"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|r| **r != json!(resource))
                .cloned()
                .collect();
            let verbs: Vec<Value> = rule["verbs"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|v| **v != json!(verb))
                .cloned()
                .collect();
            // The other resources of the rule keep every verb.
            let mut rest = rule.clone();
            rest["resources"] = json!(others);
            rule["resources"] = json!([resource]);
            rule["verbs"] = json!(verbs);
            if !others.is_empty() {
                role["rules"].as_array_mut().unwrap().push(rest);
                break;
            }
        }
    }
    plane.create(&role);
    name
}

/// A user bound to exactly `roles` (cluster-wide), and a kubeconfig impersonating them.
fn user_with(plane: &ControlPlane, user: &str, roles: &[&str], can: &[&str]) -> PathBuf {
    for role in roles {
        plane.kubectl_ok(&[
            "create",
            "clusterrolebinding",
            &format!("{user}-{role}"),
            &format!("--clusterrole={role}"),
            &format!("--user={user}"),
        ]);
    }
    let mut check = vec!["auth", "can-i", "--as", user];
    check.extend_from_slice(can);
    wait_until("RBAC to see the binding", RBAC_SYNC, || {
        plane.kubectl(&check).status.success()
    });
    plane.kubeconfig_as(&Identity::user(user))
}

/// Runs the plugin through `kubeconfig`; asserts it exits 0.
fn succeeds(kubeconfig: &Path, args: &[&str]) {
    let output = sandbox_as(kubeconfig, args);
    assert_eq!(output.status.code(), Some(0), "{}", printed(&output));
}

/// Runs the plugin through `kubeconfig`; asserts it fails and prints `missing`.
fn refused_naming(kubeconfig: &Path, args: &[&str], missing: &str) -> Option<i32> {
    let output = sandbox_as(kubeconfig, args);
    let text = printed(&output);
    assert_ne!(output.status.code(), Some(0), "{text}");
    assert!(
        text.contains(missing),
        "names the missing permission: {text}"
    );
    output.status.code()
}

/// `check -o json` through `kubeconfig`, GKE from the fixture, `ns` untrusted.
fn check_json(kubeconfig: &Path, ns: &str) -> (Value, Option<i32>) {
    let gke = gke_json();
    let args = ["check", "-o", "json", "--gke-json", &gke, "--untrusted", ns];
    let output = sandbox_as(kubeconfig, &args);
    let report = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", printed(&output)));
    (report, output.status.code())
}

fn args(owned: &[String]) -> Vec<&str> {
    owned.iter().map(String::as_str).collect()
}

fn printed(output: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn gke_json() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/gke/standard-with-sandbox.json")
        .display()
        .to_string()
}

#[test]
fn the_read_role_is_enough_for_check_and_explain_pod_and_list_pods_is_named_when_missing() {
    let Some(plane) = gke_plane() else { return };
    install_roles(plane);
    let ns = plane.namespace("rbac-read", &[]);
    plane.create(&deployment(&ns, "web", 1));
    plane.create(&pod(&ns, "bare"));
    let gke = gke_json();
    let read = ["kubectl-sandbox-read"];
    let auditor = user_with(plane, "auditor@example.com", &read, &["list", "pods", "-A"]);

    let (report, code) = check_json(&auditor, &ns);
    let findings = report["findings"].as_array().unwrap();
    let skipped: Vec<&Value> = findings.iter().filter(|f| f["status"] == "SKIP").collect();
    assert!(skipped.is_empty(), "everything was readable: {skipped:#?}");
    assert_eq!(code, Some(1), "the bare pod is unsandboxed: {report:#}");
    let explain = sandbox_as(
        &auditor,
        &["explain-pod", "-A", "-o", "json", "--gke-json", &gke],
    );
    let explained: Value = serde_json::from_slice(&explain.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", printed(&explain)));
    assert_eq!(explained["not_known"], json!([]), "{explained:#}");
    let objects = explained["objects"].as_array().unwrap();
    assert!(
        objects
            .iter()
            .any(|o| o["namespace"] == ns.as_str() && o["name"] == "web")
    );

    let without = one_verb_less(plane, "read.yaml", "pods", "list");
    let user = "auditor-without-list-pods@example.com";
    let blind = user_with(plane, user, &[&without], &["list", "nodes"]);
    // check goes on without the pods and reports the sections that needed them as SKIP,
    // naming the permission (its exit code for an incomplete audit is issue 15's).
    let (report, _) = check_json(&blind, &ns);
    let findings = report["findings"].as_array().unwrap();
    let wl001 = findings.iter().find(|f| f["id"] == "WL001").unwrap();
    assert_eq!(wl001["status"], "SKIP", "{report:#}");
    let message = wl001["message"].as_str().unwrap();
    assert!(
        message.contains("not allowed to list pods at cluster scope"),
        "{wl001:#}"
    );
    let fix = wl001["fix"].as_str().unwrap();
    assert!(fix.contains("kubectl auth can-i list pods -A"), "{wl001:#}");
    refused_naming(
        &blind,
        &["explain-pod", "-A", "--gke-json", &gke],
        "list pods",
    );
}

#[test]
fn migrate_and_rollback_need_the_read_and_migrate_roles_and_name_a_missing_verb() {
    let Some(plane) = gke_plane() else { return };
    install_roles(plane);
    let ns = plane.namespace("rbac-migrate", &[]);
    plane.create(&deployment(&ns, "web", 1));
    let dir = tempfile::tempdir().unwrap();
    let backup = |n: u8| dir.path().join(format!("b{n}")).display().to_string();
    let apply = |n: u8| {
        let args = [
            "migrate",
            "deployment/web",
            "-n",
            &ns,
            "--apply",
            "--backup-dir",
        ];
        let mut args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        args.push(backup(n));
        args
    };
    let roles = ["kubectl-sandbox-read", "kubectl-sandbox-migrate"];
    let migrator = user_with(
        plane,
        "migrator@example.com",
        &roles,
        &["patch", "deployments", "-A"],
    );
    succeeds(&migrator, &args(&apply(1)));
    succeeds(&migrator, &["migrate", "--rollback", &backup(1)]);

    let without_patch = one_verb_less(plane, "migrate.yaml", "deployments", "patch");
    let roles = ["kubectl-sandbox-read", without_patch.as_str()];
    let user = "migrator-without-patch@example.com";
    let no_patch = user_with(plane, user, &roles, &["update", "deployments", "-A"]);
    refused_naming(
        &no_patch,
        &args(&apply(2)),
        "cannot patch resource \"deployments\"",
    );

    succeeds(&migrator, &args(&apply(3)));
    let without_update = one_verb_less(plane, "migrate.yaml", "deployments", "update");
    let roles = ["kubectl-sandbox-read", without_update.as_str()];
    let user = "migrator-without-update@example.com";
    let no_update = user_with(plane, user, &roles, &["patch", "deployments", "-A"]);
    let rollback = ["migrate", "--rollback", &backup(3)];
    refused_naming(
        &no_update,
        &rollback,
        "cannot update resource \"deployments\"",
    );
}

#[test]
fn policy_apply_needs_the_read_and_policy_roles_and_names_a_missing_verb() {
    let Some(plane) = gke_plane() else { return };
    let _cluster = plane.exclusive();
    let _cleanup = super::common::PolicyCleanup(plane);
    install_roles(plane);
    let selector = "rbac.test/untrusted=true";
    let apply = ["policy", "--apply", "--untrusted-selector", selector];
    let roles = ["kubectl-sandbox-read", "kubectl-sandbox-policy"];
    let can = ["patch", "validatingadmissionpolicies"];
    let admin = user_with(plane, "policy-admin@example.com", &roles, &can);
    succeeds(&admin, &apply);

    let without = one_verb_less(plane, "policy.yaml", "validatingadmissionpolicies", "patch");
    let roles = ["kubectl-sandbox-read", without.as_str()];
    let user = "policy-admin-without-patch@example.com";
    let limited = user_with(
        plane,
        user,
        &roles,
        &["patch", "validatingadmissionpolicybindings"],
    );
    let missing = "cannot patch resource \"validatingadmissionpolicies\"";
    assert_eq!(refused_naming(&limited, &apply, missing), Some(2));
    let hint = "kubectl auth can-i patch validatingadmissionpolicies";
    refused_naming(&limited, &apply, hint);
}
