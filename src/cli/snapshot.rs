//! `kubectl sandbox snapshot`: capture everything `check` reads, as one file.

use clap::{Args, ValueEnum};

use super::CliError;
use super::source_args::{PodArgs, SourceArgs};
use crate::render::data;

/// `--no-gke` as this command reads it (the flag is shared: `SourceArgs`).
const NO_GKE_HELP: &str = "Do not ask GKE (gcloud) at all: the snapshot's GKE part is left out, on \
     purpose.";

#[derive(Debug, Clone, Args)]
#[command(
    mut_arg("no_gke", |a| a.help(NO_GKE_HELP)),
    after_help = "Examples:\n  \
    kubectl sandbox snapshot > prod-eu.json\n  \
    kubectl sandbox check --from prod-eu.json\n  \
    kubectl sandbox snapshot --all-contexts > fleet.json\n\n\
    Exit codes: 0 everything read, 2 usage, 3 cluster unreachable, 4 incomplete: a part could \
    not be read (the file records why; --allow-skip accepts it).")]
pub(crate) struct SnapshotArgs {
    #[command(flatten)]
    pub source: SourceArgs,

    #[command(flatten)]
    pub pods: PodArgs,

    #[command(flatten)]
    pub fleet: super::fleet::FleetArgs,

    /// Output format.
    #[arg(short = 'o', long, value_enum, default_value_t = Format::Json)]
    pub output: Format,

    /// Accept an incomplete snapshot (a part forbidden or gcloud unavailable): exit 0
    /// instead of 4. The gaps are recorded in the file either way.
    #[arg(long)]
    pub allow_skip: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    Json,
    Yaml,
}

pub(super) fn run(args: &SnapshotArgs) -> Result<u8, CliError> {
    if args.fleet.requested() {
        // One document holding every cluster's snapshot: `check --from` audits it again.
        let fleet = super::fleet::capture(&args.fleet, &args.source, &args.pods)?;
        print!(
            "{}",
            match args.output {
                Format::Json => data::json(&fleet),
                Format::Yaml => data::yaml(&fleet),
            }
        );
        return Ok(crate::exit::OK);
    }
    let snapshot = super::gather::live_snapshot(&args.source, &args.pods)?;
    let text = match args.output {
        Format::Json => data::json(&snapshot),
        Format::Yaml => data::yaml(&snapshot),
    };
    print!("{text}");
    let unread = snapshot.unread();
    for part in &unread {
        eprintln!(
            "incomplete: could not read {}: {} ({})",
            part.part, part.reason, part.hint
        );
    }
    Ok(crate::exit::decide(
        false,
        !unread.is_empty(),
        args.allow_skip,
    ))
}
