//! `kubectl sandbox policy`: print the admission policy that requires gVisor in untrusted
//! namespaces, or install it with server-side apply (`--apply`).

use clap::{Args, ValueEnum};

use super::CliError;
use super::kube_args::KubeArgs;
use crate::k8s::{self, ErrorKind, PolicyRefusal};
use crate::policy::{
    self, Action, DEFAULT_UNTRUSTED_SELECTOR, POLICY_NAME, PolicyOptions, PolicySet,
};
use crate::selector::LabelSelector;

#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Roll out with --action warn first, then --action deny.\n\n\
    Examples:\n  \
    kubectl sandbox policy > require-gvisor.yaml\n  \
    kubectl sandbox policy --action warn --apply\n  \
    kubectl sandbox policy --untrusted-selector trust=untrusted --strict --apply\n\n\
    Exit codes: 0 printed or applied, 2 bad flag or the cluster refused (older than 1.30, \
    RBAC, conflict; nothing is changed when the dry run fails), 3 cluster unreachable."
)]
pub(crate) struct PolicyArgs {
    #[command(flatten)]
    pub kube: KubeArgs,

    /// Namespaces whose labels match this selector get the policy.
    #[arg(long, value_name = "SELECTOR", default_value = DEFAULT_UNTRUSTED_SELECTOR)]
    pub untrusted_selector: LabelSelector,

    /// What the binding does with a pod that is not sandboxed.
    #[arg(long, value_enum, default_value_t = ActionArg::Deny)]
    pub action: ActionArg,

    /// Also refuse what explain-pod reports as blocking under GKE Sandbox (hardened pods are admitted).
    #[arg(long)]
    pub strict: bool,

    /// Output format of the printed objects.
    #[arg(short = 'o', long, value_enum, default_value_t = Format::Yaml, conflicts_with = "apply")]
    pub output: Format,

    /// Install or update both objects (server-side apply, field manager kubectl-sandbox,
    /// after a server dry run of both).
    #[arg(long)]
    pub apply: bool,

    /// With --apply: take over the fields another field manager set (e.g. `kubectl apply`),
    /// like `kubectl apply --server-side --force-conflicts`, instead of stopping at the
    /// conflict; both objects end exactly as printed.
    #[arg(long, requires = "apply")]
    pub force_conflicts: bool,
}

/// `--action`, the binding's `validationActions`; roll out with warn, then deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ActionArg {
    /// Refuse the request.
    Deny,
    /// Admit it and warn the client (kubectl prints the message).
    Warn,
    /// Admit it and record the failure in the audit log.
    Audit,
}

impl From<ActionArg> for Action {
    fn from(arg: ActionArg) -> Action {
        match arg {
            ActionArg::Deny => Action::Deny,
            ActionArg::Warn => Action::Warn,
            ActionArg::Audit => Action::Audit,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    Yaml,
    Json,
}

pub(super) fn run(args: &PolicyArgs) -> Result<u8, CliError> {
    let set = policy::build(&PolicyOptions {
        untrusted: args.untrusted_selector.clone(),
        action: args.action.into(),
        strict: args.strict,
    });
    if args.apply {
        super::gather::block_on(apply(&args.kube, &set, args.force_conflicts))?;
        println!(
            "validatingadmissionpolicy.admissionregistration.k8s.io/{POLICY_NAME} serverside-applied"
        );
        println!(
            "validatingadmissionpolicybinding.admissionregistration.k8s.io/{POLICY_NAME} serverside-applied ({}, namespaces matching {})",
            Action::from(args.action).validation_action(),
            args.untrusted_selector
        );
        return Ok(crate::exit::OK);
    }
    let text = match args.output {
        Format::Yaml => policy::render::yaml(&set),
        Format::Json => policy::render::json(&set),
    };
    print!("{text}");
    Ok(crate::exit::OK)
}

/// Checks the version, dry-runs both objects, then applies both: a refusal of either is
/// found before anything changes.
async fn apply(kube: &KubeArgs, set: &PolicySet, force_conflicts: bool) -> Result<(), CliError> {
    let connection = k8s::connect(&kube.connect_options())
        .await
        .map_err(|e| CliError::unreachable(e.to_string()))?;
    let version = k8s::server_version(&connection).await.map_err(|e| {
        CliError::unreachable(format!(
            "could not read the version of the API server at {}: {}",
            connection.server, e.message
        ))
        .hint(e.hint)
    })?;
    policy::supports_policies(&version).map_err(|why| {
        CliError::usage(format!("{why}: nothing was applied")).hint(
            "upgrade the control plane to 1.30 or later; until then `kubectl sandbox check` \
             finds unsandboxed pods after the fact",
        )
    })?;
    k8s::apply_policy(&connection, set, force_conflicts)
        .await
        .map_err(refused)
}

fn refused(refusal: PolicyRefusal) -> CliError {
    let PolicyRefusal {
        resource,
        dry_run,
        error,
    } = refusal;
    let when = if dry_run {
        "the server dry run refused"
    } else {
        "the server refused"
    };
    let changed = if dry_run {
        "nothing was changed"
    } else {
        "the dry run had passed; run again"
    };
    let message = format!(
        "{when} {resource}.admissionregistration.k8s.io/{POLICY_NAME}: {}; {changed}",
        error.message
    );
    match error.kind {
        ErrorKind::Forbidden { .. } => CliError::usage(message).hint(format!(
            "ask a cluster admin for RBAC permission to patch {resource}.admissionregistration.k8s.io \
             (`kubectl auth can-i patch {resource}.admissionregistration.k8s.io`), or give them \
             the output of `kubectl sandbox policy`"
        )),
        ErrorKind::Conflict => CliError::usage(message).hint(format!(
            "another tool (e.g. `kubectl apply`) wrote these fields; to take them over run again \
             with --force-conflicts (what `kubectl apply --server-side --force-conflicts` does), \
             or compare first: `kubectl get validatingadmissionpolicy,validatingadmissionpolicybinding \
             {POLICY_NAME} -o yaml`"
        )),
        ErrorKind::Unreachable => CliError::unreachable(message).hint(error.hint),
        ErrorKind::NotFound | ErrorKind::Other => CliError::usage(message).hint(error.hint),
    }
}
