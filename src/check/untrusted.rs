//! Which namespaces the user calls untrusted: by name (`--untrusted`) or by a namespace
//! label selector (`--untrusted-selector`).

use crate::selector::LabelSelector;
use crate::snapshot::NamespaceInfo;

#[derive(Debug, Clone, Default)]
pub struct Untrusted {
    pub names: Vec<String>,
    pub selector: Option<LabelSelector>,
}

impl Untrusted {
    pub fn is_named(&self) -> bool {
        !self.names.is_empty() || self.selector.is_some()
    }

    pub fn includes(&self, namespace: &NamespaceInfo) -> bool {
        self.names.contains(&namespace.name)
            || self
                .selector
                .as_ref()
                .is_some_and(|s| s.matches(&namespace.labels))
    }
}
