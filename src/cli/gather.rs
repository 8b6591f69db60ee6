//! Getting a `ClusterSnapshot`: from a saved file, or live from the cluster and gcloud.

use std::path::Path;

use super::CliError;
use super::source_args::{PodArgs, SourceArgs};
use crate::gke::GkeCluster;
use crate::snapshot::{ClusterSnapshot, Part, SNAPSHOT_SCHEMA};

/// Reads a snapshot written by `kubectl sandbox snapshot` (JSON or YAML); `--gke-json`
/// replaces its GKE part.
pub fn saved_snapshot(path: &Path, source: &SourceArgs) -> Result<ClusterSnapshot, CliError> {
    let text = read_input(path)?;
    let mut snapshot = parse_snapshot(&text).map_err(|why| {
        CliError::usage(format!(
            "{}: not a kubectl-sandbox snapshot: {why}",
            path.display()
        ))
        .hint("write one with: kubectl sandbox snapshot -o json > FILE")
    })?;
    if snapshot.schema != SNAPSHOT_SCHEMA {
        return Err(CliError::usage(format!(
            "{}: snapshot schema {} is not {SNAPSHOT_SCHEMA}",
            path.display(),
            snapshot.schema
        ))
        .hint("capture it again with this version: kubectl sandbox snapshot"));
    }
    if let Some(gke_json) = &source.gke_json {
        snapshot.gke = Part::Known(read_gke_json(gke_json)?);
    }
    Ok(snapshot)
}

fn parse_snapshot(text: &str) -> Result<ClusterSnapshot, String> {
    if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|e| e.to_string())
    } else {
        serde_saphyr::from_str(text).map_err(|e| e.to_string())
    }
}

/// `--gke-json FILE`: a saved `gcloud container clusters describe --format json`.
pub fn read_gke_json(path: &Path) -> Result<GkeCluster, CliError> {
    let text = read_input(path)?;
    GkeCluster::from_describe_json(&text).map_err(|why| {
        CliError::usage(format!("{}: {why}", path.display())).hint(
            "save it with: gcloud container clusters describe CLUSTER --location LOCATION --project PROJECT --format json > FILE",
        )
    })
}

/// A file, or standard input for `-`.
fn read_input(path: &Path) -> Result<String, CliError> {
    let result = if path == Path::new("-") {
        std::io::read_to_string(std::io::stdin())
    } else {
        std::fs::read_to_string(path)
    };
    result.map_err(|e| CliError::usage(format!("cannot read {}: {e}", path.display())))
}

pub fn live_snapshot(_source: &SourceArgs, _pods: &PodArgs) -> Result<ClusterSnapshot, CliError> {
    Err(CliError::unreachable(
        "live clusters are wired in with the Kubernetes reader",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::fixtures::snapshot;

    #[test]
    fn a_snapshot_round_trips_through_json_and_yaml() {
        let original = snapshot();
        let json = crate::render::data::json(&original);
        assert_eq!(parse_snapshot(&json).unwrap(), original);
        let yaml = crate::render::data::yaml(&original);
        assert_eq!(parse_snapshot(&yaml).unwrap(), original);
    }

    #[test]
    fn garbage_is_not_a_snapshot() {
        assert!(parse_snapshot("{\"schema\": 1}").is_err());
        assert!(parse_snapshot("just: text").is_err());
    }
}
