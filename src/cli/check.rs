//! `kubectl sandbox check`: gather a snapshot (live or saved), audit it, print the report;
//! over many clusters, the fleet audit of what was captured, printed as the fleet table
//! (then each cluster's findings) or as one JSON/YAML document.

use clap::{Args, ValueEnum};

use super::CliError;
use super::fleet::FleetArgs;
use super::source_args::{PodArgs, SourceArgs};
use crate::check::{Gate, Report, Status, Untrusted};
use crate::fleet::{FleetReport, FleetSnapshot};
use crate::render::check_table::{self, TableOptions};
use crate::render::{Palette, data, fleet_table};
use crate::selector::LabelSelector;

/// `--no-gke` as this command reads it (the flag is shared: `SourceArgs`).
const NO_GKE_HELP: &str = "Do not ask GKE (gcloud) at all: the node-pool checks are SKIP, on \
     purpose (the audit still counts as complete).";

#[derive(Debug, Clone, Args)]
#[command(
    mut_arg("no_gke", |a| a.help(NO_GKE_HELP)),
    after_help = "Examples:\n  \
    kubectl sandbox check\n  \
    kubectl sandbox check --untrusted tenant-a --untrusted tenant-b\n  \
    kubectl sandbox check --untrusted-selector trust=untrusted -o json\n  \
    kubectl sandbox check --from snapshot.json --fail-on warn\n  \
    kubectl sandbox check --all-contexts --summary\n  \
    kubectl sandbox check --project acme-prod --all-clusters -o json\n\n\
    Exit codes: 0 everything read and nothing at or above --fail-on, 1 a finding at or above \
    it, 2 usage or invalid input, 3 cluster unreachable, 4 incomplete: a part could not be \
    read (SKIP: forbidden, gcloud missing or failed; --allow-skip accepts it).")]
pub(crate) struct CheckArgs {
    #[command(flatten)]
    pub source: SourceArgs,

    #[command(flatten)]
    pub pods: PodArgs,

    #[command(flatten)]
    pub fleet: FleetArgs,

    /// Audit a snapshot saved by `kubectl sandbox snapshot` instead of a live cluster.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["kubeconfig", "context", "namespace", "selector", "project", "location", "cluster", "no_gke", "all_contexts", "contexts", "all_clusters"])]
    pub from: Option<std::path::PathBuf>,

    /// A namespace whose pods must all run under gVisor (repeatable).
    #[arg(long, value_name = "NAMESPACE", help_heading = "Untrusted workloads")]
    pub untrusted: Vec<String>,

    /// Namespaces whose labels match this selector must run every pod under gVisor.
    #[arg(long, value_name = "SELECTOR", help_heading = "Untrusted workloads")]
    pub untrusted_selector: Option<LabelSelector>,

    /// Output format.
    #[arg(short = 'o', long, value_enum, default_value_t = Format::Table)]
    pub output: Format,

    /// Table without headers, section titles or summary: one row per finding.
    #[arg(long)]
    pub no_headers: bool,

    /// Exit 1 when a finding is at or above this status.
    #[arg(long, value_enum, default_value_t = FailOn::Fail)]
    pub fail_on: FailOn,

    /// Accept an incomplete audit (a cluster unreachable, a part forbidden): exit with what
    /// the findings alone say instead of 4.
    #[arg(long)]
    pub allow_skip: bool,

    /// Many clusters: print only the fleet table, not each cluster's findings.
    #[arg(long, help_heading = "Many clusters")]
    pub summary: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    Table,
    Json,
    Yaml,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FailOn {
    Fail,
    Warn,
}

impl FailOn {
    pub(super) fn status(self) -> Status {
        match self {
            FailOn::Fail => Status::Fail,
            FailOn::Warn => Status::Warn,
        }
    }
}

pub(super) fn run(args: &CheckArgs) -> Result<u8, CliError> {
    if args.fleet.requested() {
        let fleet = super::fleet::capture(&args.fleet, &args.source, &args.pods)?;
        return Ok(print_fleet(&fleet, args));
    }
    let snapshot = match &args.from {
        Some(path) => {
            let text = super::gather::read_input(path)?;
            if let Some(fleet) = super::fleet::parse_fleet_snapshot(&text) {
                let fleet = fleet.map_err(|why| {
                    CliError::usage(format!("{}: not a fleet snapshot: {why}", path.display()))
                })?;
                return Ok(print_fleet(&fleet, args));
            }
            super::gather::saved_snapshot(path, &text, &args.source)?
        }
        None => super::gather::live_snapshot(&args.source, &args.pods)?,
    };
    let untrusted = Untrusted {
        names: args.untrusted.clone(),
        selector: args.untrusted_selector.clone(),
    };
    let gate = Gate {
        fail_on: args.fail_on.status(),
        allow_skip: args.allow_skip,
    };
    let report = Report::build(&snapshot, &untrusted, gate);
    let text = match args.output {
        Format::Table => check_table::render(
            &report,
            &TableOptions {
                palette: Palette::for_stdout(),
                no_headers: args.no_headers,
            },
        ),
        Format::Json => data::json(&report),
        Format::Yaml => data::yaml(&report),
    };
    print!("{text}");
    Ok(report.exit_code)
}

/// Audits the captured fleet, prints it, and returns the fleet's exit code.
fn print_fleet(fleet: &FleetSnapshot, args: &CheckArgs) -> u8 {
    let untrusted = Untrusted {
        names: args.untrusted.clone(),
        selector: args.untrusted_selector.clone(),
    };
    let report = FleetReport::build(fleet, &untrusted, args.fail_on.status(), args.allow_skip);
    let text = match args.output {
        Format::Table => fleet_table::render(
            &report,
            &TableOptions {
                palette: Palette::for_stdout(),
                no_headers: args.no_headers,
            },
            args.summary,
        ),
        Format::Json => data::json(&report),
        Format::Yaml => data::yaml(&report),
    };
    print!("{text}");
    report.summary.exit_code
}
