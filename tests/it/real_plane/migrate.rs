//! `kubectl sandbox migrate` against the real API server and controllers: plan, `--apply`
//! (server dry runs, backup, resourceVersion-guarded merge patches), a real 409 from a
//! concurrent write, `--rollback` after the Deployment controller has touched the objects,
//! and `--wait` following a real rollout.

use std::path::Path;
use std::time::{Duration, Instant};

use kubectl_sandbox::apply::{self, Target, WriteStatus};
use kubectl_sandbox::{
    Backup, ClusterWriter, Context, KubeArgs, WorkloadKind, connect, get_workload, plan,
};
use serde_json::Value;
use testkit::envtest::{ControlPlane, wait_until};

use super::common::{
    ROLLOUT_TIMEOUT, SANDBOX_NODE, deployment, expect_exit, gke_plane, sandbox, sandbox_command,
};

fn migrate_json(plane: &ControlPlane, args: &[&str], code: i32) -> Value {
    let mut all = vec!["migrate", "-o", "json"];
    all.extend_from_slice(args);
    serde_json::from_str(&expect_exit(&sandbox(plane, &all), code)).unwrap()
}

fn template_runtime_class(plane: &ControlPlane, ns: &str, name: &str) -> Value {
    plane.get("deployment", Some(ns), name).unwrap()["spec"]["template"]["spec"]["runtimeClassName"]
        .clone()
}

/// The Deployment controller has seen the latest spec of `name`.
fn observed(plane: &ControlPlane, ns: &str, name: &str) -> bool {
    let d = plane.get("deployment", Some(ns), name).unwrap();
    d["status"]["observedGeneration"] == d["metadata"]["generation"]
}

#[test]
fn plan_apply_and_rollback_after_the_controller_has_written_status() {
    let Some(plane) = gke_plane() else { return };
    plane.start_controller_manager();
    let ns = plane.namespace("migrate", &[]);
    plane.create(&deployment(&ns, "web", 1));
    plane.create(&deployment(&ns, "api", 1));
    wait_until("the controller to see both", ROLLOUT_TIMEOUT, || {
        observed(plane, &ns, "web") && observed(plane, &ns, "api")
    });
    let before = plane.get("deployment", Some(&ns), "web").unwrap();

    let planned = migrate_json(plane, &["deployment/web", "-n", &ns], 0);
    assert_eq!(planned["workloads"][0]["action"], "migrate", "{planned:#}");
    assert!(
        planned["preflight"]["ready"].as_bool().unwrap(),
        "{planned:#}"
    );
    let after_plan = plane.get("deployment", Some(&ns), "web").unwrap();
    assert_eq!(
        after_plan["metadata"]["resourceVersion"], before["metadata"]["resourceVersion"],
        "a plan writes nothing"
    );

    let dir = tempfile::tempdir().unwrap();
    let backup = dir.path().join("backup");
    let backup_arg = backup.display().to_string();
    let applied = migrate_json(
        plane,
        &["-n", &ns, "--all", "--apply", "--backup-dir", &backup_arg],
        0,
    );
    let statuses: Vec<&Value> = applied["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| &w["write"]["status"])
        .collect();
    assert_eq!(statuses, ["migrated", "migrated"], "{applied:#}");
    for name in ["web", "api"] {
        assert_eq!(template_runtime_class(plane, &ns, name), "gvisor");
    }
    let again = migrate_json(
        plane,
        &[
            "-n",
            &ns,
            "--all",
            "--apply",
            "--backup-dir",
            &format!("{backup_arg}-2"),
        ],
        0,
    );
    let actions: Vec<&Value> = again["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| &w["action"])
        .collect();
    assert_eq!(actions, ["already-done", "already-done"], "{again:#}");

    // The controller writes status (a new resourceVersion) after the migration; rollback
    // must still restore what it saved. (Before the fix it compared resourceVersions and
    // left both alone as "changed after migrate wrote it".)
    wait_until(
        "the controller to see the migration",
        ROLLOUT_TIMEOUT,
        || observed(plane, &ns, "web") && observed(plane, &ns, "api"),
    );
    let rolled_back = migrate_json(plane, &["--rollback", &backup_arg], 0);
    assert_eq!(
        rolled_back["restored"].as_array().unwrap().len(),
        2,
        "{rolled_back:#}"
    );
    for name in ["web", "api"] {
        assert_eq!(template_runtime_class(plane, &ns, name), Value::Null);
    }
    let restored = plane.get("deployment", Some(&ns), "web").unwrap();
    assert_eq!(restored["spec"]["template"], before["spec"]["template"]);
}

#[test]
fn a_concurrent_write_is_a_real_409_and_the_earlier_write_is_undone() {
    let Some(plane) = gke_plane() else { return };
    plane.start_controller_manager();
    let ns = plane.namespace("migrate-409", &[]);
    plane.create(&deployment(&ns, "web", 1));
    plane.create(&deployment(&ns, "api", 1));
    // The controller's first status writes would make a 409 of their own.
    wait_until("the controller to see both", ROLLOUT_TIMEOUT, || {
        observed(plane, &ns, "web") && observed(plane, &ns, "api")
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let args = KubeArgs {
        kubeconfig: Some(plane.admin_kubeconfig().to_path_buf()),
        context: None,
        request_timeout: Duration::from_secs(30),
    };
    let connection = runtime.block_on(connect(&args.connect_options())).unwrap();
    let writer = ClusterWriter {
        connection: &connection,
    };
    let targets: Vec<Target> = ["web", "api"]
        .iter()
        .map(|name| {
            let object = runtime
                .block_on(get_workload(
                    &connection,
                    WorkloadKind::Deployment,
                    &ns,
                    name,
                ))
                .unwrap();
            let planned = plan(&object, None, &Context::offline(), false)
                .unwrap()
                .unwrap();
            Target { planned, object }
        })
        .collect();
    let dry = runtime.block_on(apply::dry_run_all(&writer, &targets));
    assert_eq!(dry, [WriteStatus::DryRunPassed, WriteStatus::DryRunPassed]);
    assert_eq!(
        template_runtime_class(plane, &ns, "web"),
        Value::Null,
        "a dry run writes nothing"
    );
    let dir = tempfile::tempdir().unwrap();
    let originals: Vec<(WorkloadKind, &Value)> = targets
        .iter()
        .map(|t| (WorkloadKind::Deployment, &t.object))
        .collect();
    let mut backup = Backup::create(&dir.path().join("b"), "envtest", "now", &originals).unwrap();
    // Someone scales `api` between the read and the write.
    plane.kubectl_ok(&["scale", "deployment/api", "-n", &ns, "--replicas=3"]);

    let (statuses, stopped) = runtime.block_on(apply::write_all(&writer, &targets, &mut backup));
    assert_eq!(statuses[0], WriteStatus::Restored, "{statuses:?}");
    assert!(
        matches!(statuses[1], WriteStatus::Conflict { .. }),
        "{statuses:?}"
    );
    assert!(stopped.unwrap().contains("deployment/api"));
    let api = plane.get("deployment", Some(&ns), "api").unwrap();
    assert_eq!(api["spec"]["replicas"], 3, "their change stands");
    assert_eq!(
        api["spec"]["template"]["spec"]["runtimeClassName"],
        Value::Null
    );
    assert_eq!(
        template_runtime_class(plane, &ns, "web"),
        Value::Null,
        "web is as it was"
    );
}

#[test]
fn apply_wait_follows_a_real_rollout_onto_the_sandbox_node() {
    let Some(plane) = gke_plane() else { return };
    plane.start_controller_manager();
    plane.start_scheduler();
    let ns = plane.namespace("migrate-wait", &[]);
    plane.create(&deployment(&ns, "web", 2));
    wait_until("the unsandboxed pods to run", ROLLOUT_TIMEOUT, || {
        plane.kubelet_step(&ns, "app=web");
        plane.get("deployment", Some(&ns), "web").unwrap()["status"]["readyReplicas"] == 2
    });
    let dir = tempfile::tempdir().unwrap();
    let backup = dir.path().join("b").display().to_string();
    let mut child = sandbox_command(
        plane.admin_kubeconfig(),
        &[
            "migrate",
            "deployment/web",
            "-n",
            &ns,
            "--apply",
            "--wait",
            "--timeout",
            "2m",
            "--backup-dir",
            &backup,
            "-o",
            "json",
        ],
    )
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    // The kubelet's part while the plugin waits: new pods the scheduler placed become Ready.
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        assert!(
            start.elapsed() < ROLLOUT_TIMEOUT + ROLLOUT_TIMEOUT,
            "the plugin's --timeout bounds this loop"
        );
        plane.kubelet_step(&ns, "app=web");
        std::thread::sleep(Duration::from_millis(300));
    }
    let output = child.wait_with_output().unwrap();
    let report: Value = serde_json::from_str(&expect_exit(&output, 0)).unwrap();
    assert_eq!(
        report["workloads"][0]["wait"]["wait"], "sandboxed",
        "{report:#}"
    );
    let pods = plane.pods(&ns, "app=web");
    let running_sandboxed = pods
        .iter()
        .filter(|p| {
            p["spec"]["runtimeClassName"] == "gvisor" && p["spec"]["nodeName"] == SANDBOX_NODE
        })
        .count();
    assert_eq!(
        running_sandboxed, 2,
        "the real scheduler honoured the RuntimeClass: {pods:#?}"
    );
    assert!(Path::new(&backup).join("index.json").exists());
}
