//! What `migrate` reports, in every mode: the plan per workload, the preflight, and for
//! `--apply` what was written, restored and waited for. `-o json` prints it as it is; the
//! schema is versioned (`schema`) and documented in `docs/migrate-report.schema.json`.

use serde::Serialize;

use super::apply::WriteStatus;
use super::preflight::Preflight;
use super::wait::WaitResult;
use super::{Action, Planned};
use crate::dry_run::Admission;
use crate::exit;
use crate::manifest::InputError;
use crate::snapshot::Unread;

pub const MIGRATE_SCHEMA: &str = "kubectl-sandbox.dev/migrate/v1";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    Plan,
    Apply,
    Rollback,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema: &'static str,
    pub mode: Mode,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preflight: Option<Preflight>,
    pub workloads: Vec<WorkloadReport>,
    /// Inputs that could not be read or changed (files, targets): exit 2.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<InputError>,
    /// Something asked of the cluster was not answered (a sandboxed pod's admission):
    /// exit 4 unless `--allow-skip`.
    pub incomplete: bool,
    /// What was not answered, why, and what to do; empty when complete.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unread: Vec<Unread>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backup_dir: Option<String>,
    /// Why `--apply` wrote nothing or stopped early.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
    /// Rollback: what happened to each saved object.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub restored: Vec<RestoreResult>,
    pub summary: Summary,
    pub exit_code: u8,
}

#[derive(Debug, Clone, Serialize)]
pub struct WorkloadReport {
    #[serde(flatten)]
    pub planned: Planned,
    /// The manifest file and line, for `-f`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// What the cluster's admission said of the sandboxed pod (`--apply`, `--server-dry-run`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admission: Option<Admission>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub write: Option<WriteStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wait: Option<WaitResult>,
}

impl WorkloadReport {
    pub fn new(planned: Planned) -> Self {
        WorkloadReport {
            planned,
            file: None,
            line: None,
            admission: None,
            write: None,
            wait: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RestoreResult {
    pub object: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub migrate: usize,
    pub skip: usize,
    pub already_done: usize,
    pub bare_pod: usize,
    /// Workloads whose sandboxed pod the cluster's admission refuses (skipped by
    /// `--apply` unless `--force`).
    pub refused: usize,
    /// `--apply`: objects written and kept.
    pub migrated: usize,
    /// `--apply`: objects written, then put back from the backup.
    pub restored: usize,
    pub failed: usize,
}

impl Report {
    pub fn new(mode: Mode) -> Self {
        Report {
            schema: MIGRATE_SCHEMA,
            mode,
            preflight: None,
            workloads: Vec::new(),
            errors: Vec::new(),
            incomplete: false,
            unread: Vec::new(),
            backup_dir: None,
            stopped: None,
            restored: Vec::new(),
            summary: Summary::default(),
            exit_code: exit::OK,
        }
    }

    /// Records a question the cluster did not answer: the report is incomplete.
    pub fn add_unread(&mut self, unread: Unread) {
        self.incomplete = true;
        self.unread.push(unread);
    }

    /// Counts, and the exit code: 2 for bad input; 1 when anything was skipped, is a bare
    /// Pod, would be refused by the cluster's admission, failed, was restored, timed out,
    /// or the cluster cannot take sandboxed pods; then 4 when incomplete, unless
    /// `allow_skip` (`exit::decide`); 0 when every workload is (or would be) migrated or
    /// already was.
    pub fn finish(&mut self, allow_skip: bool) {
        let mut s = Summary::default();
        for w in &self.workloads {
            match &w.planned.action {
                Action::Migrate { .. } => s.migrate += 1,
                Action::Skip { .. } => s.skip += 1,
                Action::AlreadyDone { .. } => s.already_done += 1,
                Action::BarePod { .. } => s.bare_pod += 1,
            }
            if w.admission.as_ref().is_some_and(Admission::is_refused) {
                s.refused += 1;
            }
            match &w.write {
                Some(WriteStatus::Migrated { .. }) => s.migrated += 1,
                Some(WriteStatus::Restored) => s.restored += 1,
                Some(
                    WriteStatus::Failed { .. }
                    | WriteStatus::Conflict { .. }
                    | WriteStatus::DryRunFailed { .. }
                    | WriteStatus::RestoreFailed { .. },
                ) => s.failed += 1,
                _ => {}
            }
        }
        s.failed += self.restored.iter().filter(|r| r.error.is_some()).count();
        self.summary = s;
        let waited_badly = self.workloads.iter().any(|w| {
            matches!(
                w.wait,
                Some(WaitResult::TimedOut { .. } | WaitResult::Failed { .. })
            )
        });
        let unready = self.preflight.as_ref().is_some_and(|p| !p.ready);
        let findings = s.skip + s.bare_pod + s.refused + s.failed + s.restored > 0
            || self.stopped.is_some()
            || waited_badly
            || unready;
        self.exit_code = if self.errors.is_empty() {
            exit::decide(findings, self.incomplete, allow_skip)
        } else {
            exit::USAGE
        };
    }
}
