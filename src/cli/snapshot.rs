//! `kubectl sandbox snapshot`: capture everything `check` reads, as one file.

use clap::{Args, ValueEnum};

use super::CliError;
use super::source_args::{PodArgs, SourceArgs};
use crate::render::data;

#[derive(Debug, Clone, Args)]
#[command(after_help = "Examples:\n  \
    kubectl sandbox snapshot > prod-eu.json\n  \
    kubectl sandbox check --from prod-eu.json\n  \
    kubectl sandbox snapshot --all-contexts > fleet.json")]
pub struct SnapshotArgs {
    #[command(flatten)]
    pub source: SourceArgs,

    #[command(flatten)]
    pub pods: PodArgs,

    #[command(flatten)]
    pub fleet: super::fleet::FleetArgs,

    /// Output format.
    #[arg(short = 'o', long, value_enum, default_value_t = Format::Json)]
    pub output: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Json,
    Yaml,
}

pub fn run(args: &SnapshotArgs) -> Result<u8, CliError> {
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
    Ok(crate::exit::OK)
}
