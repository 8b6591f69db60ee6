//! `kubectl sandbox explain-pod`: which features of a workload GKE Sandbox blocks or
//! degrades, with the exact field and what to do. `-f` explains manifests without a
//! cluster; the live path (POD, TYPE/NAME, -A, -l) needs the Kubernetes reader.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::cli::kube_args::KubeArgs;
use crate::exit;
use crate::explain::{Context, Report, Verdict, WorkloadKind};
use crate::manifest::read_sources;
use crate::render::explain_table::{self, TableOptions};
use crate::render::sarif;
use crate::selector::LabelSelector;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Table,
    Json,
    Yaml,
    Sarif,
}

/// The least serious verdict that makes the exit code 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
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

/// Explain why a pod or workload can or cannot run under GKE Sandbox (gVisor).
///
/// Every finding names the rule, its effect (blocks, unsupported, version-dependent,
/// not-enforced, unavailable, caution), the exact field, what to do and the fact it rests
/// on. Exit codes: 0 nothing blocked, 1 something blocked (or with caveats under
/// `--fail-on caveat`), 2 bad input (a manifest that does not parse, a bad flag).
#[derive(Debug, Clone, Args)]
pub struct ExplainPodArgs {
    /// POD, or TYPE/NAME for pod, deployment, statefulset, daemonset, replicaset, job, cronjob.
    #[arg(value_name = "TARGET")]
    pub targets: Vec<String>,

    /// Manifest file, directory or `-` for stdin: YAML (multi-document) or JSON, List kinds
    /// too. Repeatable. No cluster is needed.
    #[arg(short = 'f', long = "filename", value_name = "FILE|DIR|-")]
    pub filenames: Vec<PathBuf>,

    /// Descend into directories given with -f.
    #[arg(short = 'R', long)]
    pub recursive: bool,

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

    /// Do not print the column headers of the table.
    #[arg(long)]
    pub no_headers: bool,

    /// The verdict that makes the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Blocked, value_name = "VERDICT")]
    pub fail_on: FailOn,

    #[command(flatten)]
    pub kube: KubeArgs,
}

/// A live target: `web` (a pod) or `deployment/web`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub kind: WorkloadKind,
    pub name: String,
}

pub fn parse_target(text: &str) -> Result<Target, String> {
    let (kind, name) = match text.split_once('/') {
        Some((kind, name)) => (
            WorkloadKind::from_type_name(kind).ok_or_else(|| {
                format!("`{kind}` is not a workload type: use pod, deployment, statefulset, daemonset, replicaset, job or cronjob")
            })?,
            name,
        ),
        None => (WorkloadKind::Pod, text),
    };
    if name.is_empty() {
        return Err(format!("`{text}` names no object"));
    }
    Ok(Target {
        kind,
        name: name.to_string(),
    })
}

fn usage_error(message: &str) -> u8 {
    eprintln!("error: {message}");
    exit::USAGE
}

/// The exit code of a report: bad input first, then the verdicts against `--fail-on`.
pub fn exit_code(report: &Report, fail_on: FailOn) -> u8 {
    if !report.errors.is_empty() {
        exit::USAGE
    } else if report.worst().is_some_and(|v| v >= fail_on.threshold()) {
        exit::FINDINGS
    } else {
        exit::OK
    }
}

pub fn run(args: &ExplainPodArgs) -> u8 {
    if args.filenames.is_empty() {
        return run_live(args);
    }
    if !args.targets.is_empty() || args.all_namespaces {
        return usage_error("give either -f FILE or targets (POD, TYPE/NAME, -A), not both");
    }
    let set = read_sources(
        &args.filenames,
        args.recursive,
        &mut std::io::stdin().lock(),
    );
    let context = Context::offline();
    let report = Report::from_manifests(
        &set.objects,
        set.errors,
        args.selector.as_ref(),
        args.namespace.as_deref(),
        &context,
    );
    match print(&report, args) {
        Ok(()) => exit_code(&report, args.fail_on),
        Err(e) => {
            eprintln!("error: {e}");
            exit::USAGE
        }
    }
}

fn print(report: &Report, args: &ExplainPodArgs) -> Result<(), String> {
    let text = match args.output {
        OutputFormat::Table => explain_table::render(
            report,
            TableOptions {
                no_headers: args.no_headers,
                one_line: args.all_namespaces || args.selector.is_some(),
            },
        ),
        OutputFormat::Json => {
            serde_json::to_string_pretty(report).map_err(|e| e.to_string())? + "\n"
        }
        OutputFormat::Yaml => serde_saphyr::to_string(report).map_err(|e| e.to_string())?,
        OutputFormat::Sarif => {
            serde_json::to_string_pretty(&sarif::render(report)).map_err(|e| e.to_string())? + "\n"
        }
    };
    // Machine formats keep stdout parseable; people still see what could not be read.
    if args.output != OutputFormat::Table {
        for error in &report.errors {
            eprintln!("error: {error}");
        }
    }
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth reporting.
    let _ = stdout.write_all(text.as_bytes());
    Ok(())
}

/// The live path needs the Kubernetes reader, which is not part of this build yet. Until it
/// is, say so plainly and show the equivalent that works today.
fn run_live(args: &ExplainPodArgs) -> u8 {
    if args.targets.is_empty() && !args.all_namespaces && args.selector.is_none() {
        return usage_error(
            "nothing to explain: give POD, TYPE/NAME, -A, -l SELECTOR or -f FILE|DIR|-",
        );
    }
    let targets: Result<Vec<Target>, String> =
        args.targets.iter().map(|t| parse_target(t)).collect();
    let targets = match targets {
        Ok(targets) => targets,
        Err(e) => return usage_error(&e),
    };
    let mut get = String::from("kubectl get");
    if targets.is_empty() {
        get.push_str(" pods,deployments,statefulsets,daemonsets,replicasets,jobs,cronjobs");
    }
    for target in &targets {
        get.push_str(&format!(
            " {}/{}",
            target.kind.name().to_ascii_lowercase(),
            target.name
        ));
    }
    if let Some(ns) = &args.namespace {
        get.push_str(&format!(" -n {ns}"));
    }
    if args.all_namespaces {
        get.push_str(" -A");
    }
    if let Some(selector) = &args.selector {
        get.push_str(&format!(" -l '{selector}'"));
    }
    usage_error(&format!(
        "explain-pod cannot read a live cluster in this build yet; explain the objects as manifests instead:\n  {get} -o yaml | kubectl sandbox explain-pod -f -"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_pods_or_type_slash_name() {
        assert_eq!(
            parse_target("web-0").unwrap(),
            Target {
                kind: WorkloadKind::Pod,
                name: "web-0".into()
            }
        );
        assert_eq!(
            parse_target("deploy/web").unwrap().kind,
            WorkloadKind::Deployment
        );
        assert_eq!(
            parse_target("cronjobs.batch/nightly").unwrap().kind,
            WorkloadKind::CronJob
        );
        assert!(parse_target("service/web").is_err());
        assert!(parse_target("deployment/").is_err());
    }
}
