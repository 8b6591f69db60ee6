//! Kind and plural names: fixtures carry a `kind`, paths carry a plural.

/// Kinds whose plural is not simply `lower-case kind + s`, plus the ones the audit lists,
/// so an empty list still gets its proper `XxxList` kind.
const KINDS: &[(&str, &str)] = &[
    ("pods", "Pod"),
    ("nodes", "Node"),
    ("namespaces", "Namespace"),
    ("runtimeclasses", "RuntimeClass"),
    ("deployments", "Deployment"),
    ("statefulsets", "StatefulSet"),
    ("daemonsets", "DaemonSet"),
    ("replicasets", "ReplicaSet"),
    ("jobs", "Job"),
    ("cronjobs", "CronJob"),
    ("validatingadmissionpolicies", "ValidatingAdmissionPolicy"),
    (
        "validatingadmissionpolicybindings",
        "ValidatingAdmissionPolicyBinding",
    ),
];

pub fn plural_of(kind: &str) -> String {
    if let Some((plural, _)) = KINDS.iter().find(|(_, known)| *known == kind) {
        return plural.to_string();
    }
    let lower = kind.to_ascii_lowercase();
    match lower.strip_suffix('y') {
        Some(stem) => format!("{stem}ies"),
        None if lower.ends_with('s') => format!("{lower}es"),
        None => format!("{lower}s"),
    }
}

pub fn kind_of(plural: &str) -> Option<&'static str> {
    KINDS
        .iter()
        .find(|(known, _)| *known == plural)
        .map(|(_, kind)| *kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals_follow_the_api_names() {
        assert_eq!(plural_of("RuntimeClass"), "runtimeclasses");
        assert_eq!(
            plural_of("ValidatingAdmissionPolicy"),
            "validatingadmissionpolicies"
        );
        assert_eq!(plural_of("Service"), "services");
        assert_eq!(plural_of("NetworkPolicy"), "networkpolicies");
    }
}
