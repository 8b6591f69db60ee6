//! Changing the cluster, in the order that keeps it safe ([`apply`]), through a
//! [`Writer`] (the API server in `k8s`, a fake in the tests):
//!
//! 0. [`admit_all`]: each target's sandboxed pod is created with `dryRun=All`, so the
//!    cluster's pod admission judges it; a workload whose pods would be refused is skipped
//!    (`--force` writes it anyway) and never sent another request.
//! 1. [`dry_run_all`]: every patch is sent with `dryRun=All` first; the API server runs
//!    admission and validation and stores nothing. Any failure: nothing is written.
//! 2. Every original is saved ([`Backup`]) before the first write.
//! 3. [`write_all`]: one JSON merge patch per object, carrying the resourceVersion the
//!    plan was made from, so a concurrent change makes the server answer 409 instead of
//!    being overwritten. Why a merge patch and not PUT or server-side apply: it sends only
//!    the changed fields (nothing else of the object can be clobbered, even by a client
//!    that knows fewer fields), the resourceVersion precondition comes with it, and
//!    removing a nodeSelector entry is a plain `null`, where server-side apply would only
//!    remove fields this field manager owns.
//! 4. The first failed write stops the run, and the objects already changed are put back
//!    from the backup ([`restore`]).

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{Value, json};

use super::backup::Backup;
use super::writer::{DryRun, ObjectKey, Writer};
use super::{Planned, admit_all};
use crate::dry_run::Admission;
use crate::explain::WorkloadKind;

/// One workload to write: its plan (an `Action::Migrate`) and the object it was made from.
#[derive(Debug, Clone)]
pub struct Target {
    pub planned: Planned,
    pub object: Value,
}

impl Target {
    fn key(&self) -> ObjectKey<'_> {
        let metadata = &self.object["metadata"];
        ObjectKey {
            kind: self.planned.kind,
            namespace: metadata["namespace"].as_str().unwrap_or_default(),
            name: metadata["name"].as_str().unwrap_or_default(),
        }
    }

    /// The plan's patch, made conditional on the object not having changed since.
    fn guarded_patch(&self) -> Value {
        let mut patch = match &self.planned.action {
            super::Action::Migrate { patch, .. } => patch.clone(),
            _ => json!({}),
        };
        patch["metadata"]["resourceVersion"] = self.object["metadata"]["resourceVersion"].clone();
        patch
    }
}

/// What happened to one object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum WriteStatus {
    /// The dry run failed; nothing was written.
    DryRunFailed {
        reason: String,
    },
    /// The dry run passed (and, when another failed, nothing was written).
    DryRunPassed,
    Migrated {
        resource_version: String,
    },
    /// Someone changed the object since it was read: left as they made it.
    Conflict {
        reason: String,
    },
    Failed {
        reason: String,
    },
    /// Changed, then put back from the backup because a later write failed.
    Restored,
    RestoreFailed {
        reason: String,
    },
    /// Not reached: an earlier write failed.
    NotWritten,
    /// Skipped: the cluster's admission refuses its sandboxed pods (see `admission`).
    Refused {
        reason: String,
    },
}

/// Where and under which names [`apply`] saves the originals.
#[derive(Debug, Clone)]
pub struct BackupPlace<'a> {
    pub dir: &'a Path,
    /// The kubeconfig context the objects come from, recorded for `--rollback`.
    pub context: &'a str,
    /// RFC 3339 time of the run.
    pub created_at: &'a str,
}

/// What [`apply`] does with a workload whose sandboxed pod the cluster refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusals {
    Skip,
    /// `--force`: migrate it anyway.
    Write,
}

/// What [`apply`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// The admission preflight's answer per target, in order.
    pub admissions: Vec<Admission>,
    /// One status per target, in order; empty when no request was sent.
    pub statuses: Vec<WriteStatus>,
    /// Set once the backup is complete on disk.
    pub backup_dir: Option<PathBuf>,
    /// Why nothing was written, or why the writes stopped early.
    pub stopped: Option<String>,
}

/// Steps 0 to 4 for `targets` (each an `Action::Migrate`). `cluster_ready` is false when
/// the preflight found the cluster cannot take sandboxed pods and `--force` was not given:
/// nothing is sent then.
pub async fn apply(
    writer: &impl Writer,
    targets: &[Target],
    cluster_ready: bool,
    refusals: Refusals,
    place: &BackupPlace<'_>,
) -> Applied {
    if !cluster_ready {
        return Applied {
            stopped: Some(
                "nothing was written: the cluster cannot take sandboxed pods yet (see the preflight; \
                 --create-node-pool adds the capacity, --force writes anyway)"
                    .to_string(),
            ),
            ..Applied::default()
        };
    }
    let admissions = admit_all(writer, targets).await;
    let skipped = |admission: &Admission| admission.is_refused() && refusals == Refusals::Skip;
    let admitted: Vec<Target> = targets
        .iter()
        .zip(&admissions)
        .filter(|(_, admission)| !skipped(admission))
        .map(|(target, _)| target.clone())
        .collect();
    let mut applied = apply_admitted(writer, &admitted, place).await;
    if admitted.len() < targets.len() {
        let mut statuses = std::mem::take(&mut applied.statuses).into_iter();
        applied.statuses = admissions
            .iter()
            .map(|admission| match admission {
                refused if skipped(refused) => WriteStatus::Refused {
                    reason: refused.summary(),
                },
                _ => statuses.next().unwrap_or(WriteStatus::NotWritten),
            })
            .collect();
    }
    applied.admissions = admissions;
    applied
}

/// Steps 1 to 4 for the targets the admission preflight let through.
async fn apply_admitted(
    writer: &impl Writer,
    targets: &[Target],
    place: &BackupPlace<'_>,
) -> Applied {
    let mut applied = Applied::default();
    if targets.is_empty() {
        return applied;
    }
    let dry = dry_run_all(writer, targets).await;
    let failed_dry = dry
        .iter()
        .filter(|s| matches!(s, WriteStatus::DryRunFailed { .. }))
        .count();
    if failed_dry > 0 {
        applied.statuses = dry;
        applied.stopped = Some(format!(
            "nothing was written: {failed_dry} dry run(s) failed"
        ));
        return applied;
    }
    let originals: Vec<(WorkloadKind, &Value)> = targets
        .iter()
        .map(|t| (t.planned.kind, &t.object))
        .collect();
    let mut saved = match Backup::create(place.dir, place.context, place.created_at, &originals) {
        Ok(saved) => saved,
        Err(why) => {
            applied.stopped = Some(format!("nothing was written: {why}"));
            return applied;
        }
    };
    applied.backup_dir = Some(place.dir.to_path_buf());
    let (statuses, stopped) = write_all(writer, targets, &mut saved).await;
    applied.statuses = statuses;
    applied.stopped = stopped.map(|why| {
        format!(
            "stopped at the first failed write ({why}); the objects already changed were restored from the backup"
        )
    });
    applied
}

/// Step 1: every patch with `dryRun=All`, in order; one status per target.
pub async fn dry_run_all(writer: &impl Writer, targets: &[Target]) -> Vec<WriteStatus> {
    let mut statuses = Vec::new();
    for target in targets {
        let result = writer
            .merge_patch(target.key(), &target.guarded_patch(), DryRun::Yes)
            .await;
        statuses.push(match result {
            Ok(_) => WriteStatus::DryRunPassed,
            Err(e) => WriteStatus::DryRunFailed { reason: e.reason },
        });
    }
    statuses
}

/// Steps 3 and 4: writes in order; on the first failure, stops and restores the objects
/// already changed. `backup` must hold every target's original, in the same order.
/// Returns each target's status and, when the run stopped early, why.
pub async fn write_all(
    writer: &impl Writer,
    targets: &[Target],
    backup: &mut Backup,
) -> (Vec<WriteStatus>, Option<String>) {
    let mut statuses = vec![WriteStatus::NotWritten; targets.len()];
    for (i, target) in targets.iter().enumerate() {
        let result = writer
            .merge_patch(target.key(), &target.guarded_patch(), DryRun::No)
            .await;
        let stopped = match result {
            Ok(written) => {
                let version = written["metadata"]["resourceVersion"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                let generation = written["metadata"]["generation"].as_i64();
                let recorded = backup.record_migrated(i, &version, generation);
                statuses[i] = WriteStatus::Migrated {
                    resource_version: version,
                };
                // A change the backup index does not know of could not be rolled back
                // later: undo it now, with the rest.
                recorded.err()
            }
            Err(e) => {
                let reason = e.reason;
                statuses[i] = if e.conflict {
                    WriteStatus::Conflict {
                        reason: reason.clone(),
                    }
                } else {
                    WriteStatus::Failed {
                        reason: reason.clone(),
                    }
                };
                Some(format!("{}: {reason}", target.planned.label()))
            }
        };
        if let Some(why) = stopped {
            undo(writer, backup, &mut statuses[..=i]).await;
            seal(backup);
            return (statuses, Some(why));
        }
    }
    seal(backup);
    (statuses, None)
}

/// Folds the run's write records into the backup index. Every record is already synced to
/// the journal, which `Backup::open` reads when it is still there, so a failure here loses
/// nothing a rollback needs and changes nothing in the cluster.
fn seal(backup: &Backup) {
    if let Err(e) = backup.seal() {
        eprintln!("warning: {e}; the backup's writes.jsonl still records every write");
    }
}

/// Restores every `Migrated` entry among `statuses` (index = backup entry), newest first.
async fn undo(writer: &impl Writer, backup: &Backup, statuses: &mut [WriteStatus]) {
    for i in (0..statuses.len()).rev() {
        if !matches!(statuses[i], WriteStatus::Migrated { .. }) {
            continue;
        }
        statuses[i] = match restore(writer, backup, i, true).await {
            Ok(()) => WriteStatus::Restored,
            Err(reason) => WriteStatus::RestoreFailed { reason },
        };
    }
}

/// How often a restore is tried when the object keeps changing under it.
const RESTORE_ATTEMPTS: u32 = 5;

/// Puts backup entry `i` back: the saved object replaces the current one (PUT), with the
/// current resourceVersion so the write is conditional. With `guarded`, the object must be
/// as migrate's own write left it: a spec change someone made since (a new generation; in
/// backups without one, any new resourceVersion) is not overwritten. Status and metadata
/// writes by controllers after the migration do not count.
pub async fn restore(
    writer: &impl Writer,
    backup: &Backup,
    i: usize,
    guarded: bool,
) -> Result<(), String> {
    let entry = &backup.index().objects[i];
    let kind: WorkloadKind = entry
        .workload_kind()
        .ok_or_else(|| format!("{}: not a workload kind", entry.kind))?;
    let original = backup.original(i)?;
    let key = ObjectKey {
        kind,
        namespace: &entry.namespace,
        name: &entry.name,
    };
    // A controller writing status between the read and the replace makes a 409 though the
    // spec is as migrate left it: read again and retry, a few times.
    let mut attempts = 0;
    loop {
        attempts += 1;
        let current = writer
            .get(key)
            .await
            .map_err(|e| format!("cannot read it: {}", e.reason))?;
        let current_version = current["metadata"]["resourceVersion"].clone();
        if guarded {
            let changed = match entry.migrated_generation {
                Some(written) => current["metadata"]["generation"].as_i64() != Some(written),
                None => current_version.as_str() != entry.migrated_resource_version.as_deref(),
            };
            if changed {
                return Err(format!(
                    "its spec changed after migrate wrote it (resourceVersion {}, now {}): left as it is",
                    entry.migrated_resource_version.as_deref().unwrap_or("?"),
                    current_version.as_str().unwrap_or("?")
                ));
            }
        }
        let mut body = original.clone();
        body["metadata"]["resourceVersion"] = current_version;
        // Field ownership is the server's to compute; sending the old list would claim it.
        if let Some(metadata) = body["metadata"].as_object_mut() {
            metadata.remove("managedFields");
        }
        match writer.replace(key, &body).await {
            Ok(_) => return Ok(()),
            Err(e) if e.conflict && attempts < RESTORE_ATTEMPTS => continue,
            Err(e) => return Err(e.reason),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain::Context;
    use crate::migrate::fake_writer::{FakeWriter, Request, Step};
    use crate::migrate::plan;
    use crate::migrate::writer::DryRun;

    fn deployment(name: &str) -> Value {
        json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": "shop", "resourceVersion": "10"},
            "spec": {"selector": {"matchLabels": {"app": name}}, "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "app",
                    "resources": {"limits": {"cpu": "1", "memory": "1Gi"}}}]}}}
        })
    }

    fn targets(names: &[&str]) -> Vec<Target> {
        names
            .iter()
            .map(|name| {
                let object = deployment(name);
                let planned = plan(&object, None, &Context::offline(), false)
                    .unwrap()
                    .unwrap();
                assert!(matches!(
                    planned.action,
                    super::super::Action::Migrate { .. }
                ));
                Target { planned, object }
            })
            .collect()
    }

    fn writer(names: &[&str], failures: Vec<(Step, &'static str)>) -> FakeWriter {
        let objects: Vec<Value> = names.iter().map(|name| deployment(name)).collect();
        FakeWriter {
            failures,
            ..FakeWriter::with(&objects)
        }
    }

    fn run<T>(future: impl Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(future)
    }

    fn place(dir: &Path) -> BackupPlace<'_> {
        BackupPlace {
            dir,
            context: "prod",
            created_at: "2026-12-01T07:00:00Z",
        }
    }

    /// The whole sequence for web, api and db, backed up to `backup_dir`.
    fn apply_names(writer: &FakeWriter, cluster_ready: bool, backup_dir: &Path) -> Applied {
        run(apply(
            writer,
            &targets(&NAMES),
            cluster_ready,
            Refusals::Skip,
            &place(backup_dir),
        ))
    }

    fn writes(writer: &FakeWriter) -> Vec<Request> {
        writer
            .requests
            .borrow()
            .iter()
            .filter(|r| {
                !matches!(
                    r,
                    Request::Patch {
                        dry_run: DryRun::Yes,
                        ..
                    } | Request::DryRunPod(_)
                )
            })
            .cloned()
            .collect()
    }

    const NAMES: [&str; 3] = ["web", "api", "db"];

    #[test]
    fn a_failed_dry_run_writes_nothing_and_saves_no_backup() {
        let dir = tempfile::tempdir().unwrap();
        let backup_dir = dir.path().join("b");
        let writer = writer(&NAMES, vec![(Step::DryRun, "api")]);
        let applied = apply_names(&writer, true, &backup_dir);
        assert_eq!(writes(&writer), [], "no request but dry runs");
        assert_eq!(writer.requests.borrow().len(), 6, "every dry run is tried");
        assert!(matches!(
            applied.statuses[..],
            [
                WriteStatus::DryRunPassed,
                WriteStatus::DryRunFailed { .. },
                WriteStatus::DryRunPassed
            ]
        ));
        assert_eq!(
            applied.stopped.as_deref(),
            Some("nothing was written: 1 dry run(s) failed")
        );
        assert!(!backup_dir.exists(), "no backup without a write");
        assert_eq!(writer.object("web"), deployment("web"));
    }

    #[test]
    fn the_backup_is_complete_on_disk_before_the_first_write() {
        let dir = tempfile::tempdir().unwrap();
        let backup_dir = dir.path().join("b");
        let writer = FakeWriter {
            watch_dir: Some(backup_dir.clone()),
            ..writer(&NAMES, Vec::new())
        };
        let applied = apply_names(&writer, true, &backup_dir);
        assert_eq!(
            writer.files_at_first_write.borrow().as_deref(),
            Some(
                &[
                    "001-deployment-shop-web.json".to_string(),
                    "002-deployment-shop-api.json".to_string(),
                    "003-deployment-shop-db.json".to_string(),
                    "index.json".to_string(),
                    // The journal each write is recorded in, made (empty) with the backup.
                    "writes.jsonl".to_string(),
                ][..]
            )
        );
        assert_eq!(applied.backup_dir.as_deref(), Some(backup_dir.as_path()));
        assert_eq!(applied.stopped, None);
        let saved = Backup::open(&backup_dir).unwrap();
        assert_eq!(saved.original(1).unwrap(), deployment("api"));
    }

    #[test]
    fn a_backup_that_cannot_be_saved_stops_before_any_write() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("someone-elses"), "x").unwrap();
        let writer = writer(&NAMES, Vec::new());
        let applied = apply_names(&writer, true, dir.path());
        assert_eq!(writes(&writer), []);
        assert_eq!(applied.backup_dir, None);
        let stopped = applied.stopped.unwrap();
        assert!(stopped.starts_with("nothing was written: "), "{stopped}");
        assert!(stopped.contains("not empty"), "{stopped}");
    }

    #[test]
    fn every_write_is_guarded_by_the_resource_version_it_was_planned_from() {
        let dir = tempfile::tempdir().unwrap();
        let writer = writer(&NAMES, Vec::new());
        let applied = apply_names(&writer, true, &dir.path().join("b"));
        let sent = writes(&writer);
        assert_eq!(sent.len(), 3);
        for request in sent {
            let Request::Patch { patch, .. } = request else {
                panic!("only patches: {request:?}");
            };
            assert_eq!(patch["metadata"]["resourceVersion"], "10");
        }
        assert!(
            applied.statuses.iter().all(|s| *s
                == WriteStatus::Migrated {
                    resource_version: "11".to_string()
                }),
            "{:?}",
            applied.statuses
        );
        assert_eq!(
            writer.object("db")["spec"]["template"]["spec"]["runtimeClassName"],
            "gvisor"
        );
    }

    #[test]
    fn a_change_made_since_the_plan_is_a_conflict_and_what_was_written_goes_back() {
        let dir = tempfile::tempdir().unwrap();
        let writer = FakeWriter {
            changed_before_first_write: Some("api"),
            ..writer(&NAMES, Vec::new())
        };
        let applied = apply_names(&writer, true, &dir.path().join("b"));
        let mut touched = deployment("api");
        touched["metadata"]["resourceVersion"] = json!("11");
        assert!(
            matches!(
                applied.statuses[..],
                [
                    WriteStatus::Restored,
                    WriteStatus::Conflict { .. },
                    WriteStatus::NotWritten
                ]
            ),
            "{:?}",
            applied.statuses
        );
        assert_eq!(writer.object("api"), touched, "their change is kept");
        let stopped = applied.stopped.unwrap();
        assert!(
            stopped.starts_with("stopped at the first failed write (deployment/api: "),
            "{stopped}"
        );
    }

    #[test]
    fn the_first_failed_write_restores_the_objects_already_changed_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let writer = writer(&NAMES, vec![(Step::Write, "db")]);
        let applied = apply_names(&writer, true, &dir.path().join("b"));
        assert!(
            matches!(
                applied.statuses[..],
                [
                    WriteStatus::Restored,
                    WriteStatus::Restored,
                    WriteStatus::Failed { .. }
                ]
            ),
            "{:?}",
            applied.statuses
        );
        let replaced: Vec<String> = writes(&writer)
            .into_iter()
            .filter_map(|r| match r {
                Request::Replace { name, .. } => Some(name),
                _ => None,
            })
            .collect();
        assert_eq!(replaced, ["api", "web"], "newest first");
        for name in ["web", "api"] {
            let mut restored = writer.object(name);
            restored["metadata"]["resourceVersion"] = json!("10");
            assert_eq!(restored, deployment(name), "{name} is as it was");
        }
    }

    #[test]
    fn a_failed_restore_is_reported_and_the_rest_still_restored() {
        let dir = tempfile::tempdir().unwrap();
        let writer = writer(&NAMES, vec![(Step::Write, "db"), (Step::Replace, "api")]);
        let applied = apply_names(&writer, true, &dir.path().join("b"));
        assert!(
            matches!(
                &applied.statuses[..],
                [WriteStatus::Restored, WriteStatus::RestoreFailed { reason }, WriteStatus::Failed { .. }]
                    if reason.contains("Replace of api refused")
            ),
            "{:?}",
            applied.statuses
        );
    }

    #[test]
    fn a_restore_leaves_an_object_someone_changed_after_the_write_alone() {
        let dir = tempfile::tempdir().unwrap();
        let backup_dir = dir.path().join("b");
        let writer = writer(&NAMES, Vec::new());
        apply_names(&writer, true, &backup_dir);
        writer.touch("web");
        let saved = Backup::open(&backup_dir).unwrap();
        let refused = run(restore(&writer, &saved, 0, true)).unwrap_err();
        assert!(
            refused.contains("changed after migrate wrote it"),
            "{refused}"
        );
        run(restore(&writer, &saved, 0, false)).unwrap();
        assert_eq!(
            writer.object("web")["spec"],
            deployment("web")["spec"],
            "forced"
        );
    }

    #[test]
    fn a_cluster_that_cannot_take_sandboxed_pods_gets_no_request() {
        let dir = tempfile::tempdir().unwrap();
        let writer = writer(&NAMES, Vec::new());
        let applied = apply_names(&writer, false, &dir.path().join("b"));
        assert_eq!(*writer.requests.borrow(), []);
        assert!(
            applied
                .stopped
                .unwrap()
                .contains("cannot take sandboxed pods")
        );
        assert!(applied.statuses.is_empty());
    }

    #[test]
    fn every_sandboxed_pod_is_dry_run_before_any_other_request() {
        let dir = tempfile::tempdir().unwrap();
        let writer = writer(&NAMES, Vec::new());
        let applied = run(apply(
            &writer,
            &targets(&NAMES),
            true,
            Refusals::Skip,
            &place(&dir.path().join("b")),
        ));
        let requests = writer.requests.borrow();
        assert_eq!(
            requests[..3],
            [
                Request::DryRunPod("web-".into()),
                Request::DryRunPod("api-".into()),
                Request::DryRunPod("db-".into())
            ]
        );
        assert_eq!(applied.admissions.len(), 3);
        assert!(
            applied
                .statuses
                .iter()
                .all(|s| matches!(s, WriteStatus::Migrated { .. }))
        );
    }

    #[test]
    fn a_refused_workload_gets_no_request_and_the_others_are_migrated() {
        let dir = tempfile::tempdir().unwrap();
        let backup_dir = dir.path().join("b");
        let refusal = "pods is forbidden: violates PodSecurity \"baseline:latest\": host namespaces (hostPID=true)";
        let writer = FakeWriter {
            refused_pods: vec![("api-", refusal)],
            ..writer(&NAMES, Vec::new())
        };
        let applied = run(apply(
            &writer,
            &targets(&NAMES),
            true,
            Refusals::Skip,
            &place(&backup_dir),
        ));
        assert!(
            matches!(
                &applied.statuses[..],
                [
                    WriteStatus::Migrated { .. },
                    WriteStatus::Refused { reason },
                    WriteStatus::Migrated { .. }
                ] if reason.ends_with(refusal)
            ),
            "{:?}",
            applied.statuses
        );
        assert!(
            !writer.requests.borrow().iter().any(|r| matches!(
                r,
                Request::Patch { name, .. } | Request::Replace { name, .. } if name == "api"
            )),
            "not even a dry run of the patch"
        );
        assert_eq!(writer.object("api"), deployment("api"));
        assert_eq!(Backup::open(&backup_dir).unwrap().index().objects.len(), 2);
        assert_eq!(applied.stopped, None);
    }

    #[test]
    fn force_migrates_a_refused_workload() {
        let dir = tempfile::tempdir().unwrap();
        let writer = FakeWriter {
            refused_pods: vec![("api-", "admission webhook \"w\" denied the request: no")],
            ..writer(&NAMES, Vec::new())
        };
        let applied = run(apply(
            &writer,
            &targets(&NAMES),
            true,
            Refusals::Write,
            &place(&dir.path().join("b")),
        ));
        assert!(applied.admissions[1].is_refused());
        assert!(
            applied
                .statuses
                .iter()
                .all(|s| matches!(s, WriteStatus::Migrated { .. })),
            "{:?}",
            applied.statuses
        );
    }
}
