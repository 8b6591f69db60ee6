//! `explain-pod -f`: manifests from files, directories or stdin, explained without a
//! cluster; `--gke-json` stands in for what the cluster would tell.

use std::path::Path;

use crate::cli::CliError;
use crate::cli::gather::read_gke_json;
use crate::cli::source_args::ManifestArgs;
use crate::explain::{Context, ManifestExplainer, Report};
use crate::manifest::read_sources_with;
use crate::selector::LabelSelector;

/// What `-f` reads and how, from the flags.
pub(super) struct FilesInput<'a> {
    pub manifests: &'a ManifestArgs,
    pub gke_json: Option<&'a Path>,
    pub selector: Option<&'a LabelSelector>,
    /// The namespace of manifests that name none.
    pub namespace: Option<&'a str>,
}

pub(super) fn manifest_report(input: &FilesInput) -> Result<Report, CliError> {
    let gke = input.gke_json.map(read_gke_json).transpose()?;
    let context = Context {
        gke: gke.as_ref(),
        ..Context::offline()
    };
    let explainer = ManifestExplainer {
        selector: input.selector,
        default_namespace: input.namespace,
        context: &context,
    };
    // Each object is explained as soon as it is read, and freed there: a manifest of
    // thousands of documents is never held whole.
    let set = read_sources_with(
        &input.manifests.filenames,
        input.manifests.recursive,
        &mut std::io::stdin().lock(),
        |object| explainer.explain(&object),
    );
    // A gate pointed at the wrong path must not pass forever on "0 objects explained".
    if set.objects.is_empty() && set.errors.is_empty() {
        let paths: Vec<String> = input
            .manifests
            .filenames
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        return Err(
            CliError::usage(format!("no objects in {}", paths.join(", "))).hint(
                "check the path; a directory is read for .yaml, .yml and .json files (-R descends)",
            ),
        );
    }
    Ok(Report::from_entries(set.objects, set.errors, &context))
}
