//! Reading back a snapshot that `kubectl sandbox snapshot` wrote, as JSON or YAML.

use super::{ClusterSnapshot, SNAPSHOT_SCHEMA};

/// Why a text is not a snapshot this version can audit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum SavedSnapshotError {
    #[error("not a kubectl-sandbox snapshot: {0}")]
    NotASnapshot(String),
    #[error("snapshot schema {found} is not {SNAPSHOT_SCHEMA}")]
    OtherSchema { found: String },
}

/// Parses a saved snapshot: JSON when it starts with `{`, else YAML.
pub(crate) fn parse_saved(text: &str) -> Result<ClusterSnapshot, SavedSnapshotError> {
    let parsed = if text.trim_start().starts_with('{') {
        serde_json::from_str::<ClusterSnapshot>(text).map_err(|e| e.to_string())
    } else {
        serde_saphyr::from_str::<ClusterSnapshot>(text).map_err(|e| e.to_string())
    };
    let snapshot = parsed.map_err(SavedSnapshotError::NotASnapshot)?;
    if snapshot.schema != SNAPSHOT_SCHEMA {
        return Err(SavedSnapshotError::OtherSchema {
            found: snapshot.schema,
        });
    }
    Ok(snapshot)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::fixtures::snapshot;

    #[test]
    fn a_snapshot_round_trips_through_json_and_yaml() {
        let original = snapshot();
        let json = crate::render::data::json(&original);
        assert_eq!(parse_saved(&json).unwrap(), original);
        let yaml = crate::render::data::yaml(&original);
        assert_eq!(parse_saved(&yaml).unwrap(), original);
    }

    #[test]
    fn garbage_is_not_a_snapshot() {
        assert!(parse_saved("{\"schema\": 1}").is_err());
        assert!(parse_saved("just: text").is_err());
    }

    #[test]
    fn another_schema_is_named() {
        let mut old = snapshot();
        old.schema = "kubectl-sandbox.dev/snapshot/v0".to_string();
        let error = parse_saved(&crate::render::data::json(&old)).unwrap_err();
        assert_eq!(
            error,
            SavedSnapshotError::OtherSchema {
                found: "kubectl-sandbox.dev/snapshot/v0".to_string()
            }
        );
    }
}
