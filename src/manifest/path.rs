//! Field paths such as `spec.template.spec.initContainers[0].securityContext.privileged`:
//! what every finding points at, and what a document's line map turns into a line.

use std::fmt;

use serde::{Serialize, Serializer};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// A path from the root of a Kubernetes object to one of its fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FieldPath(Vec<Segment>);

impl FieldPath {
    pub fn root() -> Self {
        FieldPath(Vec::new())
    }

    /// Builds a path from dotted keys: `FieldPath::of(&["spec", "template"])`.
    pub fn of(keys: &[&str]) -> Self {
        FieldPath(
            keys.iter()
                .map(|k| Segment::Key((*k).to_string()))
                .collect(),
        )
    }

    pub fn key(&self, key: &str) -> Self {
        let mut next = self.clone();
        next.0.push(Segment::Key(key.to_string()));
        next
    }

    pub fn index(&self, index: usize) -> Self {
        let mut next = self.clone();
        next.0.push(Segment::Index(index));
        next
    }

    pub fn segments(&self) -> &[Segment] {
        &self.0
    }
}

/// A key is written bare when it is a plain identifier, and as `["key"]` otherwise, so an
/// annotation such as `sidecar.istio.io/status` stays one segment.
fn is_plain_key(key: &str) -> bool {
    !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Key(key) if is_plain_key(key) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    f.write_str(key)?;
                }
                Segment::Key(key) => write!(f, "[{key:?}]")?,
                Segment::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

impl Serialize for FieldPath {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_keys_indices_and_dotted_keys() {
        let path = FieldPath::of(&["spec", "template", "spec"])
            .key("initContainers")
            .index(0)
            .key("securityContext")
            .key("privileged");
        assert_eq!(
            path.to_string(),
            "spec.template.spec.initContainers[0].securityContext.privileged"
        );
        let annotation = FieldPath::of(&["metadata", "annotations"]).key("sidecar.istio.io/status");
        assert_eq!(
            annotation.to_string(),
            r#"metadata.annotations["sidecar.istio.io/status"]"#
        );
        assert_eq!(FieldPath::root().to_string(), "");
    }
}
