//! The write phase of `migrate --apply`, driven step by step against the fake API server
//! so something can happen between the dry run and the writes: a concurrent change (409),
//! a failing write. And `--wait`, with pods changing in the store while it polls. The
//! report each outcome makes is checked against `docs/migrate-report.schema.json`.

use crate::common;

use std::time::Duration;

use kubectl_sandbox::apply::{self, Target, WriteStatus};
use kubectl_sandbox::migrate_report::{Mode, Report, WorkloadReport};
use kubectl_sandbox::render_data as data;
use kubectl_sandbox::{
    Backup, ClusterWriter, ConnectOptions, Connection, Context, WaitResult, WorkloadKind, connect,
    follow_rollouts, get_workload, plan,
};
use serde_json::{Value, json};
use testkit::fake_apiserver::objects::{pod, sandbox_node};
use testkit::fake_apiserver::{Credentials, FakeApiServer, KubeconfigContext, write_kubeconfig};

fn deployment(name: &str) -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": { "name": name, "namespace": "shop" },
        "spec": {
            "selector": { "matchLabels": { "app": name } },
            "template": { "metadata": { "labels": { "app": name } }, "spec": { "containers": [
                { "name": "app", "resources": { "limits": { "cpu": "1", "memory": "1Gi" } } }
            ] } }
        }
    })
}

fn path_of(name: &str) -> String {
    format!("/apis/apps/v1/namespaces/shop/deployments/{name}")
}

struct Rig {
    api: FakeApiServer,
    dir: tempfile::TempDir,
    runtime: tokio::runtime::Runtime,
    connection: Connection,
}

fn rig() -> Rig {
    let api = FakeApiServer::start();
    api.insert_all([deployment("web"), deployment("api")]);
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = write_kubeconfig(
        dir.path(),
        &[KubeconfigContext {
            context_name: "test".into(),
            cluster_name: "test".into(),
            server_url: api.url().to_string(),
            credentials: Credentials::Token("t".into()),
        }],
        "test",
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let args = ConnectOptions {
        kubeconfig: Some(kubeconfig),
        context: None,
        request_timeout: Duration::from_secs(10),
    };
    let connection = runtime.block_on(connect(&args)).unwrap();
    Rig {
        api,
        dir,
        runtime,
        connection,
    }
}

impl Rig {
    fn writer(&self) -> ClusterWriter<'_> {
        ClusterWriter {
            connection: &self.connection,
        }
    }

    /// Reads and plans `web` then `api`, as `--apply` does, and saves the backup.
    fn targets_and_backup(&self) -> (Vec<Target>, Backup) {
        let targets: Vec<Target> = ["web", "api"]
            .iter()
            .map(|name| {
                let object = self
                    .runtime
                    .block_on(get_workload(
                        &self.connection,
                        WorkloadKind::Deployment,
                        "shop",
                        name,
                    ))
                    .unwrap();
                let planned = plan(&object, None, &Context::offline(), false)
                    .unwrap()
                    .unwrap();
                Target { planned, object }
            })
            .collect();
        let dry = self
            .runtime
            .block_on(apply::dry_run_all(&self.writer(), &targets));
        assert_eq!(dry, [WriteStatus::DryRunPassed, WriteStatus::DryRunPassed]);
        let originals: Vec<(WorkloadKind, &Value)> = targets
            .iter()
            .map(|t| (WorkloadKind::Deployment, &t.object))
            .collect();
        let backup = Backup::create(&self.dir.path().join("b"), "test", "now", &originals).unwrap();
        (targets, backup)
    }

    fn object(&self, name: &str) -> Value {
        self.api.object(&path_of(name)).unwrap()
    }

    /// `web` planned and written as `--apply` reports it before `--wait` follows it.
    fn web_migrated(&self) -> (Vec<Target>, Vec<WriteStatus>) {
        let object = self.object("web");
        let planned = plan(&object, None, &Context::offline(), false)
            .unwrap()
            .unwrap();
        let status = WriteStatus::Migrated {
            resource_version: object["metadata"]["resourceVersion"]
                .as_str()
                .unwrap()
                .to_string(),
        };
        (vec![Target { planned, object }], vec![status])
    }
}

/// The `--apply` report of `targets` written with `statuses` (and `waits`, in order, for
/// the ones migrated), as `-o json` prints it; fails the test unless it holds to the schema.
fn apply_report(
    targets: &[Target],
    statuses: &[WriteStatus],
    waits: &[WaitResult],
    stopped: Option<String>,
) -> Value {
    let mut report = Report::new(Mode::Apply);
    let mut waits = waits.iter();
    for (target, status) in targets.iter().zip(statuses) {
        let mut row = WorkloadReport::new(target.planned.clone());
        if matches!(status, WriteStatus::Migrated { .. }) {
            row.wait = waits.next().cloned();
        }
        row.write = Some(status.clone());
        report.workloads.push(row);
    }
    report.backup_dir = Some("b".into());
    report.stopped = stopped;
    report.finish(false);
    let json: Value = serde_json::from_str(&data::json(&report)).unwrap();
    let errors = common::schema_errors("migrate-report.schema.json", &json);
    assert!(errors.is_empty(), "{json:#}\n{errors:#?}");
    json
}

#[test]
fn a_conflict_is_not_overwritten_and_the_earlier_write_is_undone() {
    let rig = rig();
    let (targets, mut backup) = rig.targets_and_backup();
    let web_before = rig.object("web");
    // Someone scales `api` between the dry run and the write.
    let mut theirs = rig.object("api");
    theirs["spec"]["replicas"] = json!(5);
    rig.api.insert(theirs);
    let theirs = rig.object("api");

    let (statuses, stopped) =
        rig.runtime
            .block_on(apply::write_all(&rig.writer(), &targets, &mut backup));
    assert_eq!(statuses[0], WriteStatus::Restored);
    assert!(
        matches!(statuses[1], WriteStatus::Conflict { .. }),
        "{statuses:?}"
    );
    let report = apply_report(&targets, &statuses, &[], stopped.clone());
    assert_eq!(report["workloads"][1]["write"]["status"], "conflict");
    assert_eq!(report["summary"]["restored"], 1);
    assert!(stopped.unwrap().contains("deployment/api"));
    assert_eq!(rig.object("api"), theirs, "their change stands");
    assert_eq!(
        rig.object("web")["spec"],
        web_before["spec"],
        "web is as it was"
    );
}

#[test]
fn a_failed_write_midway_leaves_the_cluster_as_it_was() {
    let rig = rig();
    let (targets, mut backup) = rig.targets_and_backup();
    let before: Vec<Value> = ["web", "api"]
        .iter()
        .map(|n| rig.object(n)["spec"].clone())
        .collect();
    rig.api.fail_on(&path_of("api"), 500);

    let (statuses, stopped) =
        rig.runtime
            .block_on(apply::write_all(&rig.writer(), &targets, &mut backup));
    assert!(stopped.is_some());
    assert_eq!(statuses[0], WriteStatus::Restored);
    assert!(
        matches!(statuses[1], WriteStatus::Failed { .. }),
        "{statuses:?}"
    );
    let report = apply_report(&targets, &statuses, &[], stopped);
    assert_eq!(report["workloads"][0]["write"]["status"], "restored");
    assert_eq!(report["summary"]["failed"], 1);
    assert_eq!(report["exit_code"], 1);
    let after: Vec<Value> = ["web", "api"]
        .iter()
        .map(|n| rig.object(n)["spec"].clone())
        .collect();
    assert_eq!(after, before);
    let index = Backup::open(&rig.dir.path().join("b")).unwrap();
    assert!(index.index().objects[0].migrated_resource_version.is_some());
}

#[test]
fn wait_follows_the_pods_until_they_run_sandboxed() {
    let rig = rig();
    rig.api.insert(sandbox_node("sbx-1", "gvisor-pool"));
    let mut old = pod("shop", "web-old");
    old["metadata"]["labels"] = json!({"app": "web"});
    old["spec"]["nodeName"] = json!("std-1");
    rig.api.insert(old.clone());
    let workloads = vec![(
        "deployment/web".to_string(),
        WorkloadKind::Deployment,
        deployment("web"),
    )];
    let connection = rig.connection.clone();
    let handle = rig.runtime.spawn(async move {
        let mut lines = Vec::new();
        let wait = Duration::from_secs(60);
        let results = follow_rollouts(&connection, &workloads, wait, &mut lines).await;
        (results, String::from_utf8(lines).unwrap())
    });
    // Once the wait has looked at least once, the rollout replaces the pod.
    let pods_path = "/api/v1/namespaces/shop/pods";
    for _ in 0..200 {
        if !rig.api.requests_to(pods_path).is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    assert!(
        !rig.api.requests_to(pods_path).is_empty(),
        "the wait read the pods"
    );
    let mut new = old;
    new["spec"]["runtimeClassName"] = json!("gvisor");
    new["spec"]["nodeName"] = json!("sbx-1");
    rig.api.insert(new);

    let (results, lines) = rig.runtime.block_on(handle).unwrap();
    assert_eq!(results, [WaitResult::Sandboxed { pods: 1 }]);
    let (targets, statuses) = rig.web_migrated();
    let report = apply_report(&targets, &statuses, &results, None);
    assert_eq!(report["workloads"][0]["wait"]["wait"], "sandboxed");
    assert!(lines.contains("deployment/web: 0/1"), "{lines}");
    assert!(lines.contains("deployment/web: 1/1"), "{lines}");
}

#[test]
fn wait_gives_up_at_the_timeout() {
    let rig = rig();
    let mut old = pod("shop", "web-old");
    old["metadata"]["labels"] = json!({"app": "web"});
    rig.api.insert(old);
    let workloads = vec![(
        "deployment/web".to_string(),
        WorkloadKind::Deployment,
        deployment("web"),
    )];
    let results = rig.runtime.block_on(follow_rollouts(
        &rig.connection,
        &workloads,
        Duration::ZERO,
        &mut std::io::sink(),
    ));
    assert_eq!(
        results,
        [WaitResult::TimedOut {
            sandboxed: 0,
            total: 1
        }]
    );
    let (targets, statuses) = rig.web_migrated();
    let report = apply_report(&targets, &statuses, &results, None);
    assert_eq!(report["exit_code"], 1, "a timed-out wait is a finding");
}

#[test]
fn the_server_gone_after_the_dry_run_changes_nothing_and_the_backup_is_complete() {
    let rig = rig();
    let (targets, mut backup) = rig.targets_and_backup();
    // Every original is on disk before the first write is tried.
    let saved = Backup::open(&rig.dir.path().join("b")).unwrap();
    assert_eq!(saved.index().objects.len(), 2);
    for entry in &saved.index().objects {
        let original: Value = serde_json::from_str(
            &std::fs::read_to_string(rig.dir.path().join("b").join(&entry.file)).unwrap(),
        )
        .unwrap();
        assert_eq!(original["metadata"]["name"], json!(entry.name));
    }
    let Rig {
        api,
        runtime,
        connection,
        ..
    } = rig;
    drop(api);

    let (statuses, stopped) = runtime.block_on(apply::write_all(
        &ClusterWriter {
            connection: &connection,
        },
        &targets,
        &mut backup,
    ));
    assert!(
        stopped.is_some(),
        "the apply stops at the first failed write"
    );
    assert!(
        matches!(statuses[0], WriteStatus::Failed { .. }),
        "{statuses:?}"
    );
    assert_eq!(
        statuses[1],
        WriteStatus::NotWritten,
        "nothing after the failure is tried"
    );
    let report = apply_report(&targets, &statuses, &[], stopped);
    assert_eq!(report["workloads"][1]["write"]["status"], "not-written");
}
