//! A Deployment migrated under the deny policy: the real Deployment controller must be able
//! to finish the rollout.

use serde_json::Value;
use testkit::envtest::{wait_until, wait_until_state};

use super::common::{
    PolicyCleanup, ROLLOUT_TIMEOUT, deployment, expect_exit, gke_plane, sandbox, stderr,
    wait_for_admission,
};

fn replica_sets(plane: &testkit::envtest::ControlPlane, ns: &str) -> Vec<Value> {
    let out = plane.kubectl_ok(&["get", "replicasets", "-n", ns, "-o", "json"]);
    serde_json::from_str::<Value>(&out).unwrap()["items"]
        .as_array()
        .cloned()
        .unwrap()
}

fn sandboxed(rs: &Value) -> bool {
    rs["spec"]["template"]["spec"]["runtimeClassName"] == "gvisor"
}

/// Guards the bug of issue 14: the policy validated every UPDATE of a ReplicaSet, so the
/// Deployment controller's scale-down of the old, unsandboxed ReplicaSet was denied and it
/// stayed at full size. On the policy before the fix this test times out waiting for the
/// old ReplicaSet to reach 0 replicas (checked once by hand:
/// "old replicas 2 ready 2; new replicas 1 ready 1", and the controller-manager's log names
/// the policy's message).
#[test]
fn a_rollout_under_the_deny_policy_scales_the_old_replica_set_to_zero() {
    let Some(plane) = gke_plane() else { return };
    let _cluster = plane.exclusive();
    let _cleanup = PolicyCleanup(plane);
    plane.start_controller_manager();
    plane.start_scheduler();
    let label = "rollout-under-deny.test/untrusted";
    let ns = plane.namespace("rollout-deny", &[(label, "true")]);
    plane.create(&deployment(&ns, "web", 2));
    wait_until("the unsandboxed pods to be ready", ROLLOUT_TIMEOUT, || {
        plane.kubelet_step(&ns, "app=web");
        let rs = replica_sets(plane, &ns);
        rs.len() == 1 && rs[0]["status"]["readyReplicas"] == 2
    });

    expect_exit(
        &sandbox(
            plane,
            &[
                "policy",
                "--apply",
                "--untrusted-selector",
                &format!("{label}=true"),
            ],
        ),
        0,
    );
    // The rollout proves something only once admission enforces the policy, which the API
    // server picks up a moment after it is written.
    wait_for_admission(plane, &ns, |admitted, _| !admitted);
    // The backup goes with the test: removed when `backups` is dropped.
    let backups = tempfile::tempdir().unwrap();
    let backup_dir = backups.path().join("backup").display().to_string();
    let migrate = sandbox(
        plane,
        &[
            "migrate",
            "deployment/web",
            "-n",
            &ns,
            "--apply",
            "--backup-dir",
            &backup_dir,
        ],
    );
    expect_exit(&migrate, 0);

    wait_until_state("the rollout to finish", ROLLOUT_TIMEOUT, || {
        plane.kubelet_step(&ns, "app=web");
        let rs = replica_sets(plane, &ns);
        let old_scaled_down = rs
            .iter()
            .filter(|r| !sandboxed(r))
            .all(|r| r["spec"]["replicas"] == 0);
        let new_ready = rs
            .iter()
            .any(|r| sandboxed(r) && r["status"]["readyReplicas"] == 2);
        let state: Vec<String> = rs
            .iter()
            .map(|r| {
                format!(
                    "{} (gvisor: {}) replicas {} ready {}",
                    r["metadata"]["name"],
                    sandboxed(r),
                    r["spec"]["replicas"],
                    r["status"]["readyReplicas"]
                )
            })
            .collect();
        (old_scaled_down && new_ready, state.join("; "))
    });
    // The deny policy still refuses an unsandboxed pod created by hand.
    let mut pod = testkit::fake_apiserver::objects::pod(&ns, "by-hand");
    pod["metadata"]["labels"] = serde_json::json!({ "by": "hand" });
    let refused = plane.kubectl_with_object(&["create"], &pod);
    assert!(!refused.status.success());
    let said = stderr(&refused);
    assert!(said.contains("runtimeClassName: gvisor"), "{said}");
}
