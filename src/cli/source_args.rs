//! Where the snapshot comes from: a live cluster (kubeconfig + gcloud), a saved snapshot,
//! and optionally a saved `clusters describe` output instead of running gcloud.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::kube_args::{KubeArgs, parse_duration};
use crate::gke::names;

#[derive(Debug, Clone, Args)]
pub(crate) struct SourceArgs {
    #[command(flatten)]
    pub kube: KubeArgs,

    /// GCP project of the cluster (default: from the context's gke_PROJECT_LOCATION_CLUSTER).
    #[arg(long, value_name = "PROJECT", help_heading = "GKE", value_parser = gke_name(names::validate_project))]
    pub project: Option<String>,

    /// Region or zone of the cluster (default: from the context's cluster entry).
    #[arg(long, value_name = "LOCATION", help_heading = "GKE", value_parser = gke_name(names::validate_location))]
    pub location: Option<String>,

    /// GKE cluster name (default: from the context's cluster entry).
    #[arg(long, value_name = "NAME", help_heading = "GKE", value_parser = gke_name(names::validate_cluster))]
    pub cluster: Option<String>,

    /// Read a saved `gcloud container clusters describe --format json` instead of running gcloud.
    #[arg(long, value_name = "FILE", help_heading = "GKE")]
    pub gke_json: Option<PathBuf>,

    /// Do not ask GKE (gcloud) at all: what only GKE tells is left out, on purpose.
    #[arg(long, conflicts_with = "gke_json", help_heading = "GKE")]
    pub no_gke: bool,

    /// How long gcloud may take before it is stopped.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration, help_heading = "GKE")]
    pub gcloud_timeout: Duration,
}

/// An explicit GKE name that breaks GKE's rules is a usage error (exit 2) before any
/// request, as kubectl treats a bad flag value.
fn gke_name(
    validate: fn(&str) -> Result<(), names::NameError>,
) -> impl Fn(&str) -> Result<String, names::NameError> + Clone {
    move |value| validate(value).map(|()| value.to_string())
}

/// `-n`, `-A`, `-l`: which pods are read.
#[derive(Debug, Clone, Args)]
pub(crate) struct PodArgs {
    /// Read pods of this namespace only (default: all namespaces).
    #[arg(short = 'n', long, value_name = "NAMESPACE")]
    pub namespace: Option<String>,

    /// Read pods of every namespace (the default; accepted for kubectl habits).
    #[arg(short = 'A', long, conflicts_with = "namespace")]
    pub all_namespaces: bool,

    /// Read only pods matching this label selector.
    #[arg(short = 'l', long, value_name = "SELECTOR")]
    pub selector: Option<crate::selector::LabelSelector>,
}

impl PodArgs {
    pub(crate) fn scope(&self) -> crate::snapshot::PodScope {
        match &self.namespace {
            Some(ns) => crate::snapshot::PodScope::Namespace(ns.clone()),
            None => crate::snapshot::PodScope::AllNamespaces,
        }
    }
}

/// `-f` and `-R`: manifests from files, directories or stdin, for the commands that work
/// offline on a repository as well as on a live cluster.
#[derive(Debug, Clone, Args)]
pub(crate) struct ManifestArgs {
    /// Manifest file, directory or `-` for stdin: YAML (multi-document) or JSON, List kinds
    /// too. Repeatable. No cluster is needed.
    #[arg(short = 'f', long = "filename", value_name = "FILE|DIR|-")]
    pub filenames: Vec<PathBuf>,

    /// Descend into directories given with -f.
    #[arg(short = 'R', long)]
    pub recursive: bool,
}
