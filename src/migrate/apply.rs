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
            return (statuses, Some(why));
        }
    }
    (statuses, None)
}

/// Restores every `Migrated` entry among `statuses` (index = backup entry), newest first.
async fn undo(client: &Client, backup: &Backup, statuses: &mut [WriteStatus]) {
    for i in (0..statuses.len()).rev() {
        if !matches!(statuses[i], WriteStatus::Migrated { .. }) {
            continue;
        }
        statuses[i] = match restore(client, backup, i, true).await {
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
    client: &Client,
    backup: &Backup,
    i: usize,
    guarded: bool,
) -> Result<(), String> {
    let entry = &backup.index().objects[i];
    let kind: WorkloadKind = entry
        .workload_kind()
        .ok_or_else(|| format!("{}: not a workload kind", entry.kind))?;
    let original = backup.original(i)?;
    // A controller writing status between the read and the replace makes a 409 though the
    // spec is as migrate left it: read again and retry, a few times.
    let mut attempts = 0;
    loop {
        attempts += 1;
        let current = raw::get(client, kind, &entry.namespace, &entry.name)
            .await
            .map_err(|e| format!("cannot read it: {}", raw::describe(&e)))?;
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
        match raw::replace(client, kind, &entry.namespace, &entry.name, &body).await {
            Ok(_) => return Ok(()),
            Err(e) if raw::is_conflict(&e) && attempts < RESTORE_ATTEMPTS => continue,
            Err(e) => return Err(raw::describe(&e)),
        }
    }
}
