//! Nothing let in: every request the read-only commands make stays inside the ClusterRole
//! `deploy/rbac/read.yaml`, no Secret is ever read, and the kubeconfig's token never shows
//! up in what the tool prints, not even when the server rejects it.

use crate::common::*;
use serde_json::{Value, json};
use testkit::rbac::{access_of, allows};

/// A token no output could contain by chance.
const TOKEN: &str = "tok-7f3a9c1e5b2d8e4f6a0c";

fn role(path: &str) -> Value {
    serde_saphyr::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn workload(kind: &str, group_version: &str, namespace: &str, name: &str) -> Value {
    let pod_spec = json!({ "containers": [{ "name": "app", "image": "app:1" }] });
    let template = json!({ "metadata": { "labels": { "app": name } }, "spec": pod_spec });
    let spec = if kind == "CronJob" {
        json!({ "schedule": "0 * * * *", "jobTemplate": { "spec": { "template": template } } })
    } else {
        json!({ "selector": { "matchLabels": { "app": name } }, "template": template })
    };
    json!({
        "apiVersion": group_version,
        "kind": kind,
        "metadata": { "name": name, "namespace": namespace },
        "spec": spec,
    })
}

fn cluster_with_workloads() -> Rig {
    let rig = rig(None, "europe-west1");
    rig.api.require_token(TOKEN);
    let kubeconfig = std::fs::read_to_string(&rig.kubeconfig).unwrap();
    assert!(
        kubeconfig.contains("secret-token"),
        "the rig's token, replaced here"
    );
    std::fs::write(&rig.kubeconfig, kubeconfig.replace("secret-token", TOKEN)).unwrap();
    healthy_cluster(&rig.api, "gvisor-pool");
    rig.api.insert_all([
        workload("Deployment", "apps/v1", "tenant-a", "web"),
        workload("StatefulSet", "apps/v1", "tenant-a", "db"),
        workload("DaemonSet", "apps/v1", "kube-system", "agent"),
        workload("CronJob", "batch/v1", "tenant-a", "report"),
    ]);
    rig
}

/// Runs a command; returns everything it printed, stdout then stderr.
fn run_printing(rig: &Rig, args: &[&str]) -> String {
    let output = rig.run(args);
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

const READ_ONLY_COMMANDS: &[&[&str]] = &[
    &["check", "-o", "json", "--untrusted", "tenant-a"],
    &["check", "-n", "tenant-a"],
    &["snapshot", "-o", "yaml"],
    &["explain-pod", "-A"],
    &[
        "explain-pod",
        "-n",
        "tenant-a",
        "deployment/web",
        "statefulset/db",
        "cronjob/report",
    ],
    &["explain-pod", "-n", "tenant-a", "web-1", "-o", "json"],
    &[
        "explain-pod",
        "-n",
        "kube-system",
        "daemonset/agent",
        "-o",
        "sarif",
    ],
];

#[test]
fn read_only_commands_stay_inside_the_read_role() {
    let read = role("deploy/rbac/read.yaml");
    for command in READ_ONLY_COMMANDS {
        let rig = cluster_with_workloads();
        let mut args = command.to_vec();
        args.extend([
            "--gke-json",
            "tests/fixtures/gke/standard-with-sandbox.json",
        ]);
        run_printing(&rig, &args);
        let requests = rig.api.requests();
        assert!(!requests.is_empty(), "{command:?} made no request");
        for request in requests {
            let access = access_of(&request);
            assert!(
                allows(&read, &access),
                "{command:?}: {access} ({}) is outside deploy/rbac/read.yaml",
                request.path
            );
            assert!(
                request.method == "GET",
                "{command:?}: a read-only command wrote: {} {}",
                request.method,
                request.path
            );
        }
    }
}

#[test]
fn the_read_role_has_no_secrets_and_no_writes() {
    let read = role("deploy/rbac/read.yaml");
    for rule in read["rules"].as_array().unwrap() {
        let resources = rule["resources"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default();
        assert!(
            !resources.iter().any(|r| r == "secrets" || r == "*"),
            "{rule}"
        );
        for verb in rule["verbs"].as_array().unwrap() {
            assert!(verb == "get" || verb == "list", "{rule}");
        }
    }
}

#[test]
fn the_token_never_appears_in_output() {
    let rig = cluster_with_workloads();
    for command in READ_ONLY_COMMANDS {
        let mut args = command.to_vec();
        args.extend([
            "--gke-json",
            "tests/fixtures/gke/standard-with-sandbox.json",
        ]);
        let printed = run_printing(&rig, &args);
        assert!(!printed.contains(TOKEN), "{command:?} printed the token");
        assert!(!printed.is_empty(), "{command:?} printed nothing");
    }
    // Rejected credentials: the error explains, and still does not echo the token.
    rig.api.require_token("a-different-token");
    let printed = run_printing(&rig, &["check", "--no-gke"]);
    assert!(printed.contains("401"), "{printed}");
    assert!(!printed.contains(TOKEN), "{printed}");
}

/// Runs `command` and asserts that each request is allowed by one of `roles`; returns
/// the requests, so a caller can check that the command did write.
fn requests_within(rig: &Rig, command: &[&str], roles: &[&str]) -> Vec<String> {
    let roles: Vec<Value> = roles.iter().map(|r| role(r)).collect();
    let before = rig.api.requests().len();
    let printed = run_printing(rig, command);
    assert!(!printed.contains(TOKEN), "{command:?} printed the token");
    rig.api.requests()[before..]
        .iter()
        .map(|request| {
            let access = access_of(request);
            assert!(
                roles.iter().any(|r| allows(r, &access)),
                "{command:?}: {access} ({} {}) is outside {roles:?}\n{printed}",
                request.method,
                request.path
            );
            format!("{} {}", request.method, request.path)
        })
        .collect()
}

#[test]
fn migrate_and_rollback_stay_inside_the_read_and_migrate_roles() {
    let rig = cluster_with_workloads();
    let backup = rig.dir.path().join("backup");
    let backup = backup.to_str().unwrap();
    let gke = "tests/fixtures/gke/standard-with-sandbox.json";
    let roles = ["deploy/rbac/read.yaml", "deploy/rbac/migrate.yaml"];
    let migrate = [
        "migrate",
        "-n",
        "tenant-a",
        "--all",
        "--apply",
        "--backup-dir",
        backup,
        "--gke-json",
        gke,
    ];
    let made = requests_within(&rig, &migrate, &roles);
    assert!(
        made.iter()
            .any(|r| r.starts_with("PATCH /apis/apps/v1/namespaces/tenant-a/deployments/web")),
        "{made:#?}"
    );
    assert!(
        made.iter()
            .any(|r| r == "POST /api/v1/namespaces/tenant-a/pods"),
        "the admission preflight: {made:#?}"
    );
    let rollback = ["migrate", "--rollback", backup];
    let made = requests_within(&rig, &rollback, &roles);
    assert!(made.iter().any(|r| r.starts_with("PUT ")), "{made:#?}");
}

#[test]
fn server_dry_run_stays_inside_the_read_and_preflight_roles() {
    let rig = cluster_with_workloads();
    let gke = "tests/fixtures/gke/standard-with-sandbox.json";
    let roles = ["deploy/rbac/read.yaml", "deploy/rbac/preflight.yaml"];
    for command in [
        &["explain-pod", "-A", "--server-dry-run", "--gke-json", gke][..],
        &[
            "migrate",
            "-n",
            "tenant-a",
            "--all",
            "--server-dry-run",
            "--gke-json",
            gke,
        ][..],
    ] {
        let made = requests_within(&rig, command, &roles);
        assert!(
            made.iter()
                .any(|r| r.starts_with("POST /api/v1/namespaces/")),
            "{command:?}: {made:#?}"
        );
    }
}

#[test]
fn policy_apply_stays_inside_the_read_and_policy_roles() {
    let rig = cluster_with_workloads();
    rig.api.set_git_version("v1.33.2-gke.1000");
    let roles = ["deploy/rbac/read.yaml", "deploy/rbac/policy.yaml"];
    let made = requests_within(&rig, &["policy", "--apply"], &roles);
    assert!(
        made.iter().filter(|r| r.starts_with("PATCH ")).count() >= 2,
        "{made:#?}"
    );
}
