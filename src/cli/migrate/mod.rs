//! `kubectl sandbox migrate`: plan, apply and roll back the move of workloads to GKE
//! Sandbox. `-f` works on manifest files without a cluster (`files`); named or
//! selected live workloads go through `live`.

mod files;
mod live;

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};

use super::CliError;
use crate::cli::kube_args::parse_duration;
use crate::cli::source_args::{ManifestArgs, SourceArgs};
use crate::gke::commands::DEFAULT_SANDBOX_POOL;
use crate::gke::names;
use crate::migrate::Action;
use crate::migrate::report::{Mode, Report};
use crate::render::{Palette, data, migrate_table};
use crate::selector::LabelSelector;
use files::FilesInput;
use live::{LiveInput, PoolInput};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum OutputFormat {
    Table,
    Json,
    /// The changed manifests, in their original order (for GitOps repositories).
    Yaml,
}

// The subcommand's one-line help is the `Migrate` variant's doc in `cli/mod.rs`.
/// `--no-gke` as this command reads it (the flag is shared: `SourceArgs`).
const NO_GKE_HELP: &str = "Do not ask GKE (gcloud) at all: the plan cannot check for a sandbox node \
     pool or give the command to create one.";

#[derive(Debug, Clone, Args)]
#[command(
    mut_arg("no_gke", |a| a.help(NO_GKE_HELP)),
    after_help = "Modes: a plan by default (nothing is changed); --apply changes the \
    cluster (dry run of every change first, backup before the first write, writes guarded by \
    resourceVersion, restore on failure); --rollback DIR restores a backup; -f FILE -o yaml \
    prints the manifests with exactly the change.\n\
    Exit codes: 0 every workload migrated or already done, 1 something skipped, a bare Pod, \
    a failed or restored write, the cluster not ready for sandboxed pods, or --wait timed \
    out; 2 bad input; 3 cluster unreachable; 4 incomplete: a sandboxed pod's admission \
    could not be known (--allow-skip accepts it).\n\n\
    Examples:\n  \
    kubectl sandbox migrate deployment/web -n shop\n  \
    kubectl sandbox migrate -n shop --all --apply --wait\n  \
    kubectl sandbox migrate -f k8s/ -R -o yaml\n  \
    kubectl sandbox migrate --rollback kubectl-sandbox-backup-20261127T091403Z"
)]
pub(crate) struct MigrateArgs {
    /// TYPE/NAME: deployment, statefulset, daemonset, replicaset, job, cronjob (pods are
    /// reported with what to do instead).
    #[arg(value_name = "TYPE/NAME")]
    pub targets: Vec<String>,

    #[command(flatten)]
    pub manifests: ManifestArgs,

    /// The namespace of the workloads (default: the kubeconfig's).
    #[arg(short, long, value_name = "NAMESPACE")]
    pub namespace: Option<String>,

    /// Every workload of the namespace.
    #[arg(long)]
    pub all: bool,

    /// Only workloads whose labels match, e.g. app=web,tier!=db.
    #[arg(short = 'l', long, value_name = "SELECTOR")]
    pub selector: Option<LabelSelector>,

    /// table (the plan), json (schema kubectl-sandbox.dev/migrate/v1) or yaml (the changed
    /// manifests).
    #[arg(short, long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,

    /// Make the changes: dry run of all, backup, guarded writes, restore on failure.
    #[arg(long, conflicts_with = "rollback")]
    pub apply: bool,

    /// Where --apply saves the originals (default: a new kubectl-sandbox-backup-TIMESTAMP).
    #[arg(long, value_name = "DIR", requires = "apply")]
    pub backup_dir: Option<PathBuf>,

    /// After --apply, follow the rollouts until the new pods run on sandbox nodes.
    #[arg(long, requires = "apply")]
    pub wait: bool,

    /// How long --wait follows the rollouts.
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = parse_duration)]
    pub timeout: Duration,

    /// Restore the objects saved in a backup directory written by --apply.
    #[arg(long, value_name = "BACKUP_DIR")]
    pub rollback: Option<PathBuf>,

    /// Ask the cluster whether each workload's sandboxed pod would be admitted: a pod
    /// created as a dry run, one request per workload; needs `create pods`. --apply always
    /// does it, before the first write, and skips a workload whose pod would be refused.
    #[arg(long)]
    pub server_dry_run: bool,

    /// Migrate workloads explain-pod finds blocked, or whose sandboxed pod the cluster
    /// refuses; rollback: restore objects changed since.
    #[arg(long)]
    pub force: bool,

    /// Accept an incomplete run (a sandboxed pod's admission not known: forbidden, quota,
    /// a webhook without dry run, no answer): exit from the plan and writes alone instead
    /// of 4.
    #[arg(long)]
    pub allow_skip: bool,

    /// When the cluster has no sandbox capacity, create the node pool with gcloud (after a
    /// confirmation). Never on Autopilot.
    #[arg(long)]
    pub create_node_pool: bool,

    /// Do not ask before creating the node pool.
    #[arg(long, requires = "create_node_pool")]
    pub yes: bool,

    /// Name of the sandbox node pool to create.
    #[arg(long, value_name = "NAME", default_value = DEFAULT_SANDBOX_POOL)]
    pub pool_name: String,

    /// Machine type of the new pool (default: the machine type of an ordinary pool).
    #[arg(long, value_name = "TYPE")]
    pub machine_type: Option<String>,

    /// The cluster (kubeconfig) and GKE (gcloud, --gke-json) to use. With -f only
    /// --gke-json is used: it tells which node pools are sandbox pools.
    #[command(flatten)]
    pub source: SourceArgs,
}

pub(super) fn run(args: &MigrateArgs) -> Result<u8, CliError> {
    validate(args)?;
    let (report, yaml) = if let Some(dir) = &args.rollback {
        let report = live::rollback(&args.source.kube, args.force, dir)?;
        (report, String::new())
    } else if !args.manifests.filenames.is_empty() {
        files::migrate_files(&FilesInput {
            manifests: &args.manifests,
            gke_json: args.source.gke_json.as_deref(),
            selector: args.selector.as_ref(),
            namespace: args.namespace.as_deref(),
            force: args.force,
        })?
    } else {
        live::migrate_live(&LiveInput {
            source: &args.source,
            targets: &args.targets,
            namespace: args.namespace.as_deref(),
            selector: args.selector.as_ref().map(LabelSelector::as_str),
            apply: args.apply,
            server_dry_run: args.server_dry_run,
            force: args.force,
            allow_skip: args.allow_skip,
            backup_dir: args.backup_dir.as_deref(),
            wait: args.wait.then_some(args.timeout),
            pool: PoolInput {
                create: args.create_node_pool,
                yes: args.yes,
                name: &args.pool_name,
                machine_type: args.machine_type.as_deref(),
            },
        })?
    };
    warn_if_forced(&report, args.force);
    if args.output != OutputFormat::Table {
        // Machine formats keep stdout parseable; people still see what could not be read.
        for error in &report.errors {
            eprintln!("error: {error}");
        }
        for unread in &report.unread {
            eprintln!(
                "incomplete: could not know the {}: {} ({})",
                unread.part, unread.reason, unread.hint
            );
        }
    }
    match args.output {
        OutputFormat::Table => print(&migrate_table::render(&report, Palette::for_stdout())),
        OutputFormat::Json => print(&data::json(&report)),
        OutputFormat::Yaml if args.rollback.is_some() => print(&data::yaml(&report)),
        OutputFormat::Yaml => print(&yaml),
    }
    Ok(report.exit_code)
}

/// `--force` past blocking findings or an admission refusal is said on stderr too,
/// whatever the output format.
fn warn_if_forced(report: &Report, force: bool) {
    let forced = report
        .workloads
        .iter()
        .filter(
            |w| matches!(&w.planned.action, Action::Migrate { forced, .. } if !forced.is_empty()),
        )
        .count();
    if forced > 0 {
        eprintln!(
            "warning: --force: {forced} workload(s) explain-pod finds blocked are migrated anyway; \
             their pods may be rejected or fail under gVisor"
        );
    }
    if force && report.summary.refused > 0 {
        let are = if report.mode == Mode::Apply {
            "are"
        } else {
            "would be"
        };
        eprintln!(
            "warning: --force: {} workload(s) whose sandboxed pods the cluster's admission refuses \
             {are} migrated anyway; their new pods will not be created until the refusal is lifted",
            report.summary.refused
        );
    }
}

fn validate(args: &MigrateArgs) -> Result<(), CliError> {
    let live_selection = !args.targets.is_empty() || args.all || args.selector.is_some();
    if args.rollback.is_some() {
        if live_selection || !args.manifests.filenames.is_empty() {
            return Err(CliError::usage(
                "--rollback DIR restores a backup; it takes no workloads",
            ));
        }
        return Ok(());
    }
    if !args.manifests.filenames.is_empty() {
        if !args.targets.is_empty() || args.all {
            return Err(CliError::usage(
                "give either -f FILE or workloads (TYPE/NAME, --all), not both",
            ));
        }
        if args.apply || args.create_node_pool {
            return Err(CliError::usage(
                "-f works on files, without a cluster: write the output with -o yaml and apply it with your GitOps tool",
            ));
        }
        return Ok(());
    }
    if !live_selection {
        return Err(CliError::usage(
            "nothing to migrate: give TYPE/NAME, -n NAMESPACE --all, -l SELECTOR or -f FILE|DIR|-",
        ));
    }
    if args.all && !args.targets.is_empty() {
        return Err(CliError::usage(
            "--all takes every workload of the namespace; name no TYPE/NAME with it",
        ));
    }
    names::validate_node_pool(&args.pool_name)
        .map_err(|e| CliError::usage(format!("--pool-name: {e}")))?;
    if let Some(machine) = &args.machine_type {
        names::validate_machine_type(machine)
            .map_err(|e| CliError::usage(format!("--machine-type: {e}")))?;
    }
    Ok(())
}

fn print(text: &str) {
    // A closed pipe (`| head`) is not an error worth reporting.
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}
