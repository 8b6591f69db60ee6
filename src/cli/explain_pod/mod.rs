//! `kubectl sandbox explain-pod`: which features of a workload GKE Sandbox blocks or
//! degrades, with the exact field and what to do. `-f` explains manifests without a
//! cluster (`files`); POD, TYPE/NAME, -A and -l read a live one (`live`).

mod files;
mod live;

use std::io::BufWriter;

use clap::{Args, ValueEnum};

use super::CliError;
use crate::cli::source_args::{ManifestArgs, SourceArgs};
use crate::exit;
use crate::explain::{Report, Verdict, WorkloadRef};
use crate::render::Palette;
use crate::render::explain_stream::StreamFormat;
use crate::render::explain_table::TableOptions;
use crate::selector::LabelSelector;
use files::FilesInput;
use live::{LiveInput, explain_live};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum OutputFormat {
    Table,
    Json,
    Yaml,
    Sarif,
}

/// The least serious verdict that makes the exit code 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FailOn {
    /// Exit 1 when an object is blocked.
    Blocked,
    /// Exit 1 when an object is blocked or compatible only with caveats.
    Caveat,
}

impl FailOn {
    fn threshold(self) -> Verdict {
        match self {
            FailOn::Blocked => Verdict::Blocked,
            FailOn::Caveat => Verdict::CompatibleWithCaveats,
        }
    }
}

// The subcommand's one-line help is the `ExplainPod` variant's doc in `cli/mod.rs`.
/// `--no-gke` as this command reads it (the flag is shared: `SourceArgs`).
const NO_GKE_HELP: &str = "Do not ask GKE (gcloud) at all: what needs the GKE version or node pools \
     is reported as not known.";

#[derive(Debug, Clone, Args)]
#[command(
    mut_arg("no_gke", |a| a.help(NO_GKE_HELP)),
    after_help = "Effects: blocks (the pod cannot run sandboxed: the only one that makes it \
    blocked), uncertain (refused once; verify on the cluster), version-dependent, \
    not-enforced (runs; a host-kernel control gVisor replaces: keep it), caution, \
    unavailable. Facts: docs/gke-sandbox.md.\n\
    Exit codes: 0 nothing blocked, 1 something blocked (or with caveats under --fail-on caveat), \
    2 bad input (the other inputs are still explained) or no objects in -f, 3 cluster \
    unreachable, 4 incomplete: a list or GKE could not be read, or an admission dry run was not \
    answered (--allow-skip accepts it).\n\n\
    Examples:\n  \
    kubectl sandbox explain-pod -f k8s/ -R -o sarif > explain.sarif\n  \
    kubectl get deploy/web -o yaml | kubectl sandbox explain-pod -f -\n  \
    kubectl sandbox explain-pod deployment/web -n shop\n  \
    kubectl sandbox explain-pod deployment/web -n shop --server-dry-run\n  \
    kubectl sandbox explain-pod -A"
)]
pub(crate) struct ExplainPodArgs {
    /// POD, or TYPE/NAME for pod, deployment, statefulset, daemonset, replicaset, job, cronjob.
    #[arg(value_name = "TYPE/NAME")]
    pub targets: Vec<String>,

    #[command(flatten)]
    pub manifests: ManifestArgs,

    /// The namespace of the targets, and of manifests that name none.
    #[arg(short, long, value_name = "NAMESPACE")]
    pub namespace: Option<String>,

    /// Explain the workloads of every namespace, one line each.
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,

    /// Only objects whose labels match, e.g. app=web,tier!=db.
    #[arg(short = 'l', long, value_name = "SELECTOR")]
    pub selector: Option<LabelSelector>,

    /// Output format. json and yaml carry the schema kubectl-sandbox.dev/explain/v1.
    #[arg(short, long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,

    /// Table without headers, blocks or summary: one row per object, as on check.
    #[arg(long)]
    pub no_headers: bool,

    /// The verdict that makes the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Blocked, value_name = "VERDICT")]
    pub fail_on: FailOn,

    /// Ask the cluster: create each workload's sandboxed pod as a dry run (dryRun=All) and
    /// report what its admission says. One request per workload; needs `create pods`.
    #[arg(long)]
    pub server_dry_run: bool,

    /// Accept an incomplete live run (a list forbidden, gcloud unavailable, an admission
    /// dry run not answered): exit from the verdicts alone instead of 4.
    #[arg(long)]
    pub allow_skip: bool,

    /// The cluster (kubeconfig) and GKE (gcloud, --gke-json) to read. With -f only
    /// --gke-json is used: it tells the GKE version and node pools without a cluster.
    #[command(flatten)]
    pub source: SourceArgs,
}

/// The exit code of a report: bad input first, then the verdicts against `--fail-on`,
/// then what could not be read (`exit::decide`).
pub(crate) fn exit_code(report: &Report, fail_on: FailOn, allow_skip: bool) -> u8 {
    if !report.errors.is_empty() {
        return exit::USAGE;
    }
    let findings = report.worst().is_some_and(|v| v >= fail_on.threshold());
    exit::decide(findings, report.incomplete, allow_skip)
}

pub(crate) fn run(args: &ExplainPodArgs) -> u8 {
    let report = if args.manifests.filenames.is_empty() {
        live_report(args)
    } else {
        manifest_report(args)
    };
    let report = report.inspect(|report| print_problems(report, args));
    match report {
        Ok(report) => exit_code(&report, args.fail_on, args.allow_skip),
        Err(error) => {
            eprintln!("{error}");
            error.code
        }
    }
}

/// Explains the `-f` manifests and writes the report to stdout object by object.
fn manifest_report(args: &ExplainPodArgs) -> Result<Report, CliError> {
    if !args.targets.is_empty() || args.all_namespaces {
        return Err(CliError::usage(
            "give either -f FILE or targets (POD, TYPE/NAME, -A), not both",
        ));
    }
    if args.server_dry_run {
        return Err(CliError::usage(
            "--server-dry-run asks the cluster about live workloads (POD, TYPE/NAME, -A, -l), not -f manifests",
        ));
    }
    files::explain_files(
        &FilesInput {
            manifests: &args.manifests,
            gke_json: args.source.gke_json.as_deref(),
            selector: args.selector.as_ref(),
            namespace: args.namespace.as_deref(),
        },
        stream_format(args),
        BufWriter::new(std::io::stdout().lock()),
    )
}

/// How the report is written, object by object as they are explained.
fn stream_format(args: &ExplainPodArgs) -> StreamFormat {
    match args.output {
        OutputFormat::Table => StreamFormat::Table(table_options(args)),
        OutputFormat::Json => StreamFormat::Json,
        OutputFormat::Yaml => StreamFormat::Yaml,
        OutputFormat::Sarif => StreamFormat::Sarif,
    }
}

/// Explains live workloads and writes the report to stdout object by object.
fn live_report(args: &ExplainPodArgs) -> Result<Report, CliError> {
    if args.targets.is_empty() && !args.all_namespaces && args.selector.is_none() {
        return Err(CliError::usage(
            "nothing to explain: give POD, TYPE/NAME, -A, -l SELECTOR or -f FILE|DIR|-",
        ));
    }
    let targets = args
        .targets
        .iter()
        .map(|t| t.parse())
        .collect::<Result<Vec<WorkloadRef>, String>>()
        .map_err(CliError::usage)?;
    if args.all_namespaces && !targets.is_empty() {
        return Err(CliError::usage(
            "-A explains every workload; name targets with -n NAMESPACE instead",
        ));
    }
    let input = LiveInput {
        source: &args.source,
        targets: &targets,
        namespace: args.namespace.as_deref(),
        all_namespaces: args.all_namespaces,
        selector: args.selector.as_ref().map(LabelSelector::as_str),
        server_dry_run: args.server_dry_run,
    };
    let out = BufWriter::new(std::io::stdout().lock());
    explain_live(&input, stream_format(args), out)
}

fn table_options(args: &ExplainPodArgs) -> TableOptions {
    TableOptions {
        palette: Palette::for_stdout(),
        no_headers: args.no_headers,
        one_line: args.all_namespaces || args.selector.is_some(),
    }
}

/// Machine formats and bare rows keep stdout parseable; people still see what could not
/// be read, on stderr.
fn print_problems(report: &Report, args: &ExplainPodArgs) {
    if args.output != OutputFormat::Table || args.no_headers {
        for error in &report.errors {
            eprintln!("error: {error}");
        }
        for unread in &report.unread {
            eprintln!(
                "incomplete: could not read {}: {} ({})",
                unread.part, unread.reason, unread.hint
            );
        }
    }
}
