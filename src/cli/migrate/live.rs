//! `migrate` against a live cluster: select the workloads, check the cluster can take
//! sandboxed pods (and create the node pool on request), plan, and with `--apply` dry-run,
//! back up, write, restore on failure, and wait. `--rollback DIR` restores a backup.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use crate::cli::CliError;
use crate::cli::gather::{Reading, block_on, read_live};
use crate::cli::kube_args::KubeArgs;
use crate::cli::source_args::SourceArgs;
use crate::dry_run::Admission;
use crate::explain::{Context, WorkloadKind, WorkloadRef};
use crate::gke::commands;
use crate::gke::gcloud::Gcloud;
use crate::k8s::{self, ClusterWriter, ListScope};
use crate::manifest::InputError;
use crate::migrate::admit_all;
use crate::migrate::apply::{self, BackupPlace, Refusals, Target, WriteStatus};
use crate::migrate::backup::{self, Backup};
use crate::migrate::plan;
use crate::migrate::preflight::{Preflight, preflight};
use crate::migrate::report::{Mode, Report, RestoreResult, WorkloadReport};
use crate::snapshot::PodScope;

/// How long creating a node pool may take before gcloud is stopped.
const CREATE_POOL_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// What a live migrate selects and does, from the flags.
pub(super) struct LiveInput<'a> {
    pub source: &'a SourceArgs,
    /// `TYPE/NAME` as given; none with `--all` or `-l`.
    pub targets: &'a [String],
    pub namespace: Option<&'a str>,
    pub selector: Option<&'a str>,
    pub apply: bool,
    /// Dry-run each workload's sandboxed pod in the plan too (`--apply` always does).
    pub server_dry_run: bool,
    /// Past blocking findings, a cluster not ready, a rollback of changed objects.
    pub force: bool,
    /// Accept an incomplete run (`--allow-skip`): an admission not known does not exit 4.
    pub allow_skip: bool,
    pub backup_dir: Option<&'a Path>,
    /// `--wait`, for how long.
    pub wait: Option<Duration>,
    pub pool: PoolInput<'a>,
}

/// `--create-node-pool` and the pool it would create.
pub(super) struct PoolInput<'a> {
    pub create: bool,
    /// Create without asking.
    pub yes: bool,
    pub name: &'a str,
    pub machine_type: Option<&'a str>,
}

/// The report, and for `-o yaml` the changed objects as YAML documents.
pub(super) fn migrate_live(input: &LiveInput<'_>) -> Result<(Report, String), CliError> {
    block_on(live(input))
}

async fn live(input: &LiveInput<'_>) -> Result<(Report, String), CliError> {
    let choose_scope = |connection: &k8s::Connection| {
        PodScope::Namespace(input.namespace.map_or_else(
            || connection.default_namespace().to_string(),
            str::to_string,
        ))
    };
    let (connection, snapshot) =
        read_live(input.source, choose_scope, Reading::WorkloadContext).await?;
    let namespace = match &snapshot.pod_scope {
        PodScope::Namespace(ns) => ns.clone(),
        PodScope::AllNamespaces => connection.default_namespace().to_string(),
    };
    let mut report = Report::new(if input.apply { Mode::Apply } else { Mode::Plan });
    let objects = select(input, &connection, &namespace, &mut report.errors).await?;
    let context = Context::from_snapshot(&snapshot);
    let mut targets = Vec::new();
    // The report's row of each target, kept as the report is built: finding it again per
    // target would make a large migrate quadratic.
    let mut rows = Vec::new();
    let mut yaml = String::new();
    for object in objects {
        let planned = match plan(&object, Some(&namespace), &context, input.force) {
            Ok(Some(planned)) => planned,
            Ok(None) => continue,
            Err(e) => {
                let name = object["metadata"]["name"].as_str().unwrap_or("?");
                let label = WorkloadRef::new(e.kind(), name).to_string();
                report.errors.push(InputError::new(&label, e.to_string()));
                continue;
            }
        };
        if let Some(changed) = planned.migrated(&object) {
            yaml.push_str("---\n");
            yaml.push_str(&crate::render::data::yaml(&manifest_of(changed)));
            targets.push(Target {
                planned: planned.clone(),
                object,
            });
            rows.push(report.workloads.len());
        }
        report.workloads.push(WorkloadReport::new(planned));
    }
    let mut checked = preflight(&snapshot, input.pool.name, input.pool.machine_type);
    if input.pool.create {
        create_node_pool(&input.pool, &mut checked)?;
    }
    report.preflight = Some(checked);
    if input.apply {
        apply_all(input, &connection, &targets, &rows, &mut report).await;
    } else if input.server_dry_run {
        let admissions = admit_all(
            &ClusterWriter {
                connection: &connection,
            },
            &targets,
        )
        .await;
        set_admissions(&mut report, &targets, &rows, admissions);
    }
    report.finish(input.allow_skip);
    Ok((report, yaml))
}

/// The named targets, or every workload no controller owns (`--all`, `-l`).
async fn select(
    input: &LiveInput<'_>,
    connection: &k8s::Connection,
    namespace: &str,
    errors: &mut Vec<InputError>,
) -> Result<Vec<Value>, CliError> {
    let mut objects = Vec::new();
    if !input.targets.is_empty() {
        for text in input.targets {
            let target: WorkloadRef = text.parse().map_err(CliError::usage)?;
            match k8s::get_workload(connection, target.kind, namespace, &target.name).await {
                Ok(object) => objects.push(object),
                Err(error) if error.kind == k8s::ErrorKind::NotFound => {
                    errors.push(InputError::new(text, error.to_string()));
                }
                Err(error) => return Err(cannot_read_workloads(error)),
            }
        }
        return Ok(objects);
    }
    let selector = input.selector;
    let scope = ListScope::Namespace(namespace);
    let outcomes = k8s::list_top_level(
        connection,
        scope,
        selector,
        k8s::Owned::Skip,
        |_, object| object,
        |_, object| objects.push(object),
    )
    .await;
    // Any list not read fails the run: migrate plans nothing from part of a namespace.
    for (_, outcome) in outcomes {
        outcome.map_err(cannot_read_workloads)?;
    }
    Ok(objects)
}

fn cannot_read_workloads(error: k8s::ApiError) -> CliError {
    CliError::unreachable(format!("cannot read the workloads: {}", error.message)).hint(error.hint)
}

/// A live object as a manifest: without the fields the server owns.
fn manifest_of(mut object: Value) -> Value {
    if let Some(map) = object.as_object_mut() {
        map.remove("status");
    }
    if let Some(metadata) = object["metadata"].as_object_mut() {
        for field in [
            "managedFields",
            "resourceVersion",
            "uid",
            "creationTimestamp",
            "generation",
            "selfLink",
        ] {
            metadata.remove(field);
        }
    }
    object
}

/// `--create-node-pool`: runs the preflight's command through gcloud after a
/// confirmation; never on Autopilot (the preflight gives no command there).
fn create_node_pool(pool: &PoolInput<'_>, checked: &mut Preflight) -> Result<(), CliError> {
    let Some(argv) = checked.create_node_pool.clone() else {
        checked
            .checks
            .push("--create-node-pool: no node pool is needed".to_string());
        return Ok(());
    };
    let line = commands::display(&argv);
    if !pool.yes {
        let stdin = std::io::stdin();
        if !stdin.is_terminal() {
            return Err(CliError::usage(format!(
                "--create-node-pool would run `{line}`; there is no terminal to confirm on"
            ))
            .hint("pass --yes to create the node pool without asking"));
        }
        eprint!("Run `{line}`? [y/N] ");
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        let _ = stdin.lock().read_line(&mut answer);
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            return Err(CliError::usage("not creating the node pool: not confirmed"));
        }
    }
    let gcloud =
        Gcloud::locate().map_err(|gap| CliError::unreachable(gap.reason).hint(gap.hint))?;
    let output = gcloud
        .run(&argv, CREATE_POOL_TIMEOUT)
        .map_err(|e| CliError::unreachable(format!("`{line}` did not finish: {e}")))?;
    if !output.status.success() {
        return Err(CliError::unreachable(format!(
            "`{line}` failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    checked.checks.push(format!(
        "created node pool {} with `{line}`; its nodes join the cluster as they start",
        pool.name
    ));
    checked.problems.clear();
    checked.ready = true;
    checked.create_node_pool = None;
    Ok(())
}

/// The engine's dry run, backup, writes and restore on failure; then `--wait`.
async fn apply_all(
    input: &LiveInput<'_>,
    connection: &k8s::Connection,
    targets: &[Target],
    rows: &[usize],
    report: &mut Report,
) {
    let ready = report.preflight.as_ref().is_none_or(|p| p.ready) || input.force;
    let now = k8s_openapi::jiff::Timestamp::now().to_string();
    let dir = input
        .backup_dir
        .map_or_else(|| backup::default_dir(&now), Path::to_path_buf);
    let place = BackupPlace {
        dir: &dir,
        context: &connection.context,
        created_at: &now,
    };
    let writer = ClusterWriter { connection };
    let refusals = if input.force {
        Refusals::Write
    } else {
        Refusals::Skip
    };
    let applied = apply::apply(&writer, targets, ready, refusals, &place).await;
    set_admissions(report, targets, rows, applied.admissions);
    report.stopped = applied.stopped;
    report.backup_dir = applied.backup_dir.map(|dir| dir.display().to_string());
    let statuses = applied.statuses;
    let (migrated, migrated_rows): (Vec<(String, WorkloadKind, Value)>, Vec<usize>) = targets
        .iter()
        .zip(rows)
        .zip(&statuses)
        .filter(|(_, s)| matches!(s, WriteStatus::Migrated { .. }))
        .filter_map(|((t, row), _)| {
            let changed = t.planned.migrated(&t.object)?;
            Some(((t.planned.label(), t.planned.kind, changed), *row))
        })
        .unzip();
    set_statuses(report, rows, statuses);
    if let Some(timeout) = input.wait
        && !migrated.is_empty()
    {
        let mut progress = std::io::stderr();
        let results = k8s::follow_rollouts(connection, &migrated, timeout, &mut progress).await;
        for (row, result) in migrated_rows.into_iter().zip(results) {
            report.workloads[row].wait = Some(result);
        }
    }
}

/// Each target's write status on its row (`rows`: the row of each target, in order).
fn set_statuses(report: &mut Report, rows: &[usize], statuses: Vec<WriteStatus>) {
    for (&row, status) in rows.iter().zip(statuses) {
        report.workloads[row].write = Some(status);
    }
}

/// Each target's admission on its row; one not known makes the run incomplete.
fn set_admissions(
    report: &mut Report,
    targets: &[Target],
    rows: &[usize],
    admissions: Vec<Admission>,
) {
    for ((target, &row), admission) in targets.iter().zip(rows).zip(admissions) {
        // Asked and not answered: the run is incomplete, whatever the plan.
        let namespace = target.object["metadata"]["namespace"]
            .as_str()
            .unwrap_or("default");
        if let Some(unread) =
            admission.unread(&format!("{} in {namespace}", target.planned.label()))
        {
            report.add_unread(unread);
        }
        report.workloads[row].admission = Some(admission);
    }
}

/// `--rollback DIR`: every object migrate changed goes back to its saved version, unless
/// someone changed it since (`--force` restores it anyway).
pub(super) fn rollback(kube: &KubeArgs, force: bool, dir: &Path) -> Result<Report, CliError> {
    let saved = Backup::open(dir).map_err(CliError::usage)?;
    block_on(async {
        let connection = k8s::connect(&kube.connect_options())
            .await
            .map_err(|e| CliError::unreachable(e.to_string()))?;
        if connection.context != saved.index().context && !force {
            return Err(CliError::usage(format!(
                "the backup is of context {}, the kubeconfig's is {}",
                saved.index().context,
                connection.context
            ))
            .hint("pass --context to pick the backup's context, or --force"));
        }
        let mut report = Report::new(Mode::Rollback);
        report.backup_dir = Some(dir.display().to_string());
        for (i, entry) in saved.index().objects.iter().enumerate() {
            if entry.migrated_resource_version.is_none() {
                continue;
            }
            let writer = ClusterWriter {
                connection: &connection,
            };
            let result = apply::restore(&writer, &saved, i, !force).await;
            report.restored.push(RestoreResult {
                object: entry.label(),
                error: result.err(),
            });
        }
        // A restore either happens or says why not: never incomplete.
        report.finish(false);
        Ok(report)
    })
}
