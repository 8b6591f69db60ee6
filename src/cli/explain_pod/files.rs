//! `explain-pod -f`: manifests from files, directories or stdin, explained without a
//! cluster; `--gke-json` stands in for what the cluster would tell.

use super::ExplainPodArgs;
use crate::cli::CliError;
use crate::cli::gather::read_gke_json;
use crate::explain::{Context, ManifestExplainer, Report};
use crate::manifest::read_sources_with;

pub(super) fn manifest_report(args: &ExplainPodArgs) -> Result<Report, CliError> {
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
    let gke = args
        .source
        .gke_json
        .as_deref()
        .map(read_gke_json)
        .transpose()?;
    let context = Context {
        gke: gke.as_ref(),
        ..Context::offline()
    };
    let explainer = ManifestExplainer {
        selector: args.selector.as_ref(),
        default_namespace: args.namespace.as_deref(),
        context: &context,
    };
    // Each object is explained as soon as it is read, and freed there: a manifest of
    // thousands of documents is never held whole.
    let set = read_sources_with(
        &args.manifests.filenames,
        args.manifests.recursive,
        &mut std::io::stdin().lock(),
        |object| explainer.explain(&object),
    );
    Ok(Report::from_entries(set.objects, set.errors, &context))
}
