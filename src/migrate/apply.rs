//! Changing the cluster, in the order that keeps it safe:
//!
//! 1. [`dry_run_all`]: every patch is sent with `dryRun=All` first; the API server runs
//!    admission and validation and stores nothing. Any failure: nothing is written.
//! 2. The caller saves every original ([`Backup`]) before the first write.
//! 3. [`write_all`]: one JSON merge patch per object, carrying the resourceVersion the
//!    plan was made from, so a concurrent change makes the server answer 409 instead of
//!    being overwritten. Why a merge patch and not PUT or server-side apply: it sends only
//!    the changed fields (nothing else of the object can be clobbered, even by a client
//!    that knows fewer fields), the resourceVersion precondition comes with it, and
//!    removing a nodeSelector entry is a plain `null`, where server-side apply would only
//!    remove fields this field manager owns.
//! 4. The first failed write stops the run, and the objects already changed are put back
//!    from the backup ([`restore`]).

use kube::Client;
use serde::Serialize;
use serde_json::{Value, json};

use super::Planned;
use super::backup::Backup;
use crate::explain::WorkloadKind;
use crate::k8s::raw;

/// One workload to write: its plan (an `Action::Migrate`) and the object it was made from.
#[derive(Debug, Clone)]
pub struct Target {
    pub planned: Planned,
    pub object: Value,
}

impl Target {
    fn namespace(&self) -> &str {
        self.object["metadata"]["namespace"]
            .as_str()
            .unwrap_or_default()
    }

    fn name(&self) -> &str {
        self.object["metadata"]["name"].as_str().unwrap_or_default()
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
}

/// Step 1: every patch with `dryRun=All`, in order; one status per target.
pub async fn dry_run_all(client: &Client, targets: &[Target]) -> Vec<WriteStatus> {
    let mut statuses = Vec::new();
    for target in targets {
        let result = raw::merge_patch(
            client,
            target.planned.kind,
            target.namespace(),
            target.name(),
            &target.guarded_patch(),
            true,
        )
        .await;
        statuses.push(match result {
            Ok(_) => WriteStatus::DryRunPassed,
            Err(e) => WriteStatus::DryRunFailed {
                reason: raw::describe(&e),
            },
        });
    }
    statuses
}

/// Steps 3 and 4: writes in order; on the first failure, stops and restores the objects
/// already changed. `backup` must hold every target's original, in the same order.
/// Returns each target's status and, when the run stopped early, why.
pub async fn write_all(
    client: &Client,
    targets: &[Target],
    backup: &mut Backup,
) -> (Vec<WriteStatus>, Option<String>) {
    let mut statuses = vec![WriteStatus::NotWritten; targets.len()];
    for (i, target) in targets.iter().enumerate() {
        let result = raw::merge_patch(
            client,
            target.planned.kind,
            target.namespace(),
            target.name(),
            &target.guarded_patch(),
            false,
        )
        .await;
        let stopped = match result {
            Ok(written) => {
                let version = written["metadata"]["resourceVersion"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                let recorded = backup.record_migrated(i, &version);
                statuses[i] = WriteStatus::Migrated {
                    resource_version: version,
                };
                // A change the backup index does not know of could not be rolled back
                // later: undo it now, with the rest.
                recorded.err()
            }
            Err(e) => {
                let reason = raw::describe(&e);
                statuses[i] = if raw::is_conflict(&e) {
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
            undo(client, backup, &mut statuses[..=i]).await;
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
async fn undo(client: &Client, backup: &Backup, statuses: &mut [WriteStatus]) {
    for i in (0..statuses.len()).rev() {
        let WriteStatus::Migrated { resource_version } = &statuses[i] else {
            continue;
        };
        let expected = resource_version.clone();
        statuses[i] = match restore(client, backup, i, Some(&expected)).await {
            Ok(()) => WriteStatus::Restored,
            Err(reason) => WriteStatus::RestoreFailed { reason },
        };
    }
}

/// Puts backup entry `i` back: the saved object replaces the current one (PUT), with the
/// current resourceVersion so the write is conditional. With `expected`, the object must
/// still be at that resourceVersion (migrate's own write): a change someone made since is
/// not overwritten.
pub async fn restore(
    client: &Client,
    backup: &Backup,
    i: usize,
    expected: Option<&str>,
) -> Result<(), String> {
    let entry = &backup.index().objects[i];
    let kind: WorkloadKind = entry
        .workload_kind()
        .ok_or_else(|| format!("{}: not a workload kind", entry.kind))?;
    let original = backup.original(i)?;
    let current = raw::get(client, kind, &entry.namespace, &entry.name)
        .await
        .map_err(|e| format!("cannot read it: {}", raw::describe(&e)))?;
    let current_version = current["metadata"]["resourceVersion"].clone();
    if let Some(expected) = expected
        && current_version.as_str() != Some(expected)
    {
        return Err(format!(
            "it changed after migrate wrote it (resourceVersion {expected}, now {}): left as it is",
            current_version.as_str().unwrap_or("?")
        ));
    }
    let mut body = original;
    body["metadata"]["resourceVersion"] = current_version;
    // Field ownership is the server's to compute; sending the old list would claim it.
    if let Some(metadata) = body["metadata"].as_object_mut() {
        metadata.remove("managedFields");
    }
    raw::replace(client, kind, &entry.namespace, &entry.name, &body)
        .await
        .map(|_| ())
        .map_err(|e| raw::describe(&e))
}
