//! Command-line parsing and wiring: the only code that knows about both IO and the core.

mod check;
pub mod complete_plugin;
mod completion;
mod error;
pub mod explain_pod;
mod fleet;
mod fleet_check;
mod gather;
pub mod generated;
pub mod kube_args;
mod migrate;
mod policy;
mod snapshot;
mod source_args;

use clap::{Parser, Subcommand};

pub use error::CliError;

/// Audit and adopt GKE Sandbox (gVisor) on a GKE cluster.
///
/// Joins what GKE says about node pools (gcloud) with what runs in the cluster
/// (RuntimeClasses, sandbox nodes, pods) for the CIS GKE Benchmark item "Consider GKE
/// Sandbox for running untrusted workloads".
#[derive(Debug, Parser)]
#[command(
    name = "kubectl sandbox",
    bin_name = "kubectl sandbox",
    version,
    propagate_version = true,
    disable_help_subcommand = true,
    after_help = "Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, \
                  2 usage or invalid input, 3 cluster or gcloud unreachable when required."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Audit the cluster: node pools (GKE), RuntimeClass, sandbox nodes and workloads.
    Check(check::CheckArgs),
    /// Capture the cluster's snapshot (evidence for auditors; `check --from FILE` later).
    Snapshot(snapshot::SnapshotArgs),
    /// Explain, field by field, what stops a workload from running under GKE Sandbox.
    ExplainPod(explain_pod::ExplainPodArgs),
    /// Move workloads to GKE Sandbox: plan, apply with backup and dry run, roll back.
    Migrate(migrate::MigrateArgs),
    /// Print or apply an admission policy that requires gVisor in untrusted namespaces.
    Policy(policy::PolicyArgs),
    /// Print the version.
    Version,
    /// Print the shell completion script for kubectl-sandbox (bash, zsh, fish, powershell, elvish).
    Completion(completion::CompletionArgs),
}

/// Parses the command line, runs the command and returns the process exit code.
pub fn main() -> u8 {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Snapshot(args) => snapshot::run(&args),
        Command::ExplainPod(args) => Ok(explain_pod::run(&args)),
        Command::Migrate(args) => migrate::run(&args),
        Command::Policy(args) => policy::run(&args),
        Command::Version => {
            println!("kubectl-sandbox {}", env!("CARGO_PKG_VERSION"));
            Ok(crate::exit::OK)
        }
        Command::Completion(args) => completion::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("{error}");
            error.code
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn usage_says_kubectl_sandbox() {
        let help = Cli::command().render_usage().to_string();
        assert!(help.contains("kubectl sandbox"), "{help}");
    }
}
