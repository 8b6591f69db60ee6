//! Command-line parsing and wiring: the only code that knows about both IO and the core.

mod check;
pub mod complete_plugin;
mod completion;
mod error;
pub(crate) mod explain_pod;
mod fleet;
mod gather;
pub mod generated;
pub(crate) mod kube_args;
mod migrate;
mod policy;
mod snapshot;
mod source_args;

use clap::{CommandFactory, Parser, Subcommand};

pub(crate) use error::CliError;

/// The exit codes every command shares (`crate::exit`); README "Exit codes".
const EXIT_CODES: &str = "Exit codes: 0 everything read and nothing at or above --fail-on; \
    1 findings at or above --fail-on (check) or a blocked workload (explain-pod); 2 usage or \
    invalid input; 3 cluster unreachable; 4 incomplete: a part could not be read (forbidden, \
    gcloud missing, not logged in or failed), findings still printed, --allow-skip accepts it. \
    A closed stdout (| head) ends the command quietly, killed by SIGPIPE as grep is.";

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
    after_help = EXIT_CODES
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
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
            // The same text as --version.
            print!("{}", Cli::command().render_version());
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

    /// A help text with its line wrapping undone.
    fn unwrapped(help: impl ToString) -> String {
        help.to_string()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn subcommand_help(name: &str) -> String {
        let mut command = Cli::command();
        let subcommand = command
            .find_subcommand_mut(name)
            .expect("the subcommand exists");
        unwrapped(subcommand.render_long_help())
    }

    #[test]
    fn no_gke_help_fits_each_subcommand() {
        for name in ["snapshot", "explain-pod", "migrate"] {
            let help = subcommand_help(name);
            let line = help
                .split("--no-gke")
                .nth(1)
                .expect("--no-gke is documented");
            let text: String = line.chars().take(160).collect();
            assert!(!text.contains("node-pool checks"), "{name}: {text}");
        }
        assert!(subcommand_help("check").contains("node-pool checks are SKIP"));
    }

    #[test]
    fn every_exit_code_text_names_incomplete() {
        let top = unwrapped(Cli::command().render_long_help());
        assert!(top.contains("4 incomplete"), "{top}");
        for name in ["check", "explain-pod", "snapshot"] {
            let help = subcommand_help(name);
            assert!(help.contains("3 cluster unreachable"), "{name}: {help}");
            assert!(help.contains("4 incomplete"), "{name}: {help}");
        }
    }

    #[test]
    fn usage_says_kubectl_sandbox() {
        let help = Cli::command().render_usage().to_string();
        assert!(help.contains("kubectl sandbox"), "{help}");
    }
}
