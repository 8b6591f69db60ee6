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
    let auditor = user_with(
        plane,
        "auditor@example.com",
        &["kubectl-sandbox-read"],
        &["list", "pods", "-A"],
    );

    let check = sandbox_as(
        &auditor,
        &[
            "check",
            "-o",
            "json",
            "--gke-json",
            &gke,
            "--untrusted",
            &ns,
        ],
    );
    let report: Value = serde_json::from_slice(&check.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", printed(&check)));
    let skipped: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "SKIP")
        .collect();
    assert!(skipped.is_empty(), "everything was readable: {skipped:#?}");
    assert_eq!(
        check.status.code(),
        Some(1),
        "the bare pod is unsandboxed: {report:#}"
    );
    let explain = sandbox_as(
        &auditor,
        &["explain-pod", "-A", "-o", "json", "--gke-json", &gke],
    );
    let explained: Value = serde_json::from_slice(&explain.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", printed(&explain)));
    assert_eq!(explained["not_known"], json!([]), "{explained:#}");
    assert!(
        explained["objects"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["namespace"] == ns.as_str() && o["name"] == "web")
    );

    let without = one_verb_less(plane, "read.yaml", "pods", "list");
    let blind = user_with(
        plane,
        "auditor-without-list-pods@example.com",
        &[&without],
        &["list", "nodes"],
    );
    // check goes on without the pods and reports the sections that needed them as SKIP,
    // naming the permission (its exit code for an incomplete audit is issue 15's).
    let check = sandbox_as(
        &blind,
        &[
            "check",
            "-o",
            "json",
            "--gke-json",
            &gke,
            "--untrusted",
            &ns,
        ],
    );
    let report: Value = serde_json::from_slice(&check.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", printed(&check)));
    let wl001 = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "WL001")
        .unwrap();
    assert_eq!(wl001["status"], "SKIP", "{report:#}");
    assert!(
        wl001["message"]
            .as_str()
            .unwrap()
            .contains("not allowed to list pods at cluster scope"),
        "{wl001:#}"
    );
    assert!(
        wl001["fix"]
            .as_str()
            .unwrap()
            .contains("kubectl auth can-i list pods -A"),
        "{wl001:#}"
    );
    let explain = sandbox_as(&blind, &["explain-pod", "-A", "--gke-json", &gke]);
    let text = printed(&explain);
    assert_ne!(explain.status.code(), Some(0), "{text}");
    assert!(
        text.contains("list pods"),
        "names the missing permission: {text}"
    );
}

#[test]
fn migrate_and_rollback_need_the_read_and_migrate_roles_and_name_a_missing_verb() {
    let Some(plane) = gke_plane() else { return };
    install_roles(plane);
    let ns = plane.namespace("rbac-migrate", &[]);
    plane.create(&deployment(&ns, "web", 1));
    let dir = tempfile::tempdir().unwrap();
    let backup = dir.path().join("b").display().to_string();
    let migrator = user_with(
        plane,
        "migrator@example.com",
        &["kubectl-sandbox-read", "kubectl-sandbox-migrate"],
        &["patch", "deployments", "-A"],
    );
    let apply = sandbox_as(
        &migrator,
        &[
            "migrate",
            "deployment/web",
            "-n",
            &ns,
            "--apply",
            "--backup-dir",
            &backup,
        ],
    );
    assert_eq!(apply.status.code(), Some(0), "{}", printed(&apply));
    let rollback = sandbox_as(&migrator, &["migrate", "--rollback", &backup]);
    assert_eq!(rollback.status.code(), Some(0), "{}", printed(&rollback));

    let without_patch = one_verb_less(plane, "migrate.yaml", "deployments", "patch");
    let no_patch = user_with(
        plane,
        "migrator-without-patch@example.com",
        &["kubectl-sandbox-read", &without_patch],
        &["update", "deployments", "-A"],
    );
    let refused = sandbox_as(
        &no_patch,
        &[
            "migrate",
            "deployment/web",
            "-n",
            &ns,
            "--apply",
            "--backup-dir",
            &format!("{backup}-2"),
        ],
    );
    let text = printed(&refused);
    assert_ne!(refused.status.code(), Some(0), "{text}");
    assert!(
        text.contains("cannot patch resource \"deployments\""),
        "{text}"
    );

    let apply = sandbox_as(
        &migrator,
        &[
            "migrate",
            "deployment/web",
            "-n",
            &ns,
            "--apply",
            "--backup-dir",
            &format!("{backup}-3"),
        ],
    );
    assert_eq!(apply.status.code(), Some(0), "{}", printed(&apply));
    let without_update = one_verb_less(plane, "migrate.yaml", "deployments", "update");
    let no_update = user_with(
        plane,
        "migrator-without-update@example.com",
        &["kubectl-sandbox-read", &without_update],
        &["patch", "deployments", "-A"],
    );
    let refused = sandbox_as(
        &no_update,
        &["migrate", "--rollback", &format!("{backup}-3")],
    );
    let text = printed(&refused);
    assert_ne!(refused.status.code(), Some(0), "{text}");
    assert!(
        text.contains("cannot update resource \"deployments\""),
        "{text}"
    );
}

#[test]
fn policy_apply_needs_the_read_and_policy_roles_and_names_a_missing_verb() {
    let Some(plane) = gke_plane() else { return };
    let _cluster = plane.exclusive();
    let _cleanup = super::common::PolicyCleanup(plane);
    install_roles(plane);
    let selector = "rbac.test/untrusted=true";
    let admin = user_with(
        plane,
        "policy-admin@example.com",
        &["kubectl-sandbox-read", "kubectl-sandbox-policy"],
        &["patch", "validatingadmissionpolicies"],
    );
    let applied = sandbox_as(
        &admin,
        &["policy", "--apply", "--untrusted-selector", selector],
    );
    assert_eq!(applied.status.code(), Some(0), "{}", printed(&applied));

    let without = one_verb_less(plane, "policy.yaml", "validatingadmissionpolicies", "patch");
    let limited = user_with(
        plane,
        "policy-admin-without-patch@example.com",
        &["kubectl-sandbox-read", &without],
        &["patch", "validatingadmissionpolicybindings"],
    );
    let refused = sandbox_as(
        &limited,
        &[
            "policy",
            "--apply",
            "--action",
            "warn",
            "--untrusted-selector",
            selector,
        ],
    );
    let text = printed(&refused);
    assert_eq!(refused.status.code(), Some(2), "{text}");
    assert!(
        text.contains("cannot patch resource \"validatingadmissionpolicies\""),
        "{text}"
    );
    assert!(
        text.contains("kubectl auth can-i patch validatingadmissionpolicies"),
        "{text}"
    );
}
