//! Command-line parsing and wiring: the only code that knows about both IO and the core.

pub mod explain_pod;
pub mod kube_args;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "kubectl sandbox", bin_name = "kubectl sandbox", version)]
#[command(about = "Audit and adopt GKE Sandbox (gVisor)")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    ExplainPod(explain_pod::ExplainPodArgs),
}

pub fn main() -> u8 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // --help and --version are not errors.
            return if e.use_stderr() {
                crate::exit::USAGE
            } else {
                crate::exit::OK
            };
        }
    };
    match &cli.command {
        Command::ExplainPod(args) => explain_pod::run(args),
    }
}
