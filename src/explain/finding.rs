//! What a rule says about one field of a pod template.

use serde::Serialize;

use super::FieldPath;

/// How a feature behaves under GKE Sandbox. The names say no more than the facts in
/// shared/gke-sandbox.md do:
///
/// - `blocks`: known to stop the pod from running sandboxed: rejected at admission
///   (FSGroup, a conflicting nodeSelector) or never schedulable on a sandbox node.
/// - `unsupported`: GKE documents the feature as not supported under the sandbox; whether
///   GKE rejects the pod or ignores the field is not known, so the tool does not say.
/// - `version-dependent`: supported only from some GKE version, and the version is unknown.
/// - `not-enforced`: the pod runs, but a setting it relies on is not applied.
/// - `unavailable`: a tool or signal people use with the pod does not work.
/// - `caution`: runs, but gVisor changes behaviour or cost: worth a look before moving.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Effect {
    Caution,
    Unavailable,
    NotEnforced,
    VersionDependent,
    Unsupported,
    Blocks,
}

impl Effect {
    pub fn label(self) -> &'static str {
        match self {
            Effect::Blocks => "blocks",
            Effect::Unsupported => "unsupported",
            Effect::VersionDependent => "version-dependent",
            Effect::NotEnforced => "not-enforced",
            Effect::Unavailable => "unavailable",
            Effect::Caution => "caution",
        }
    }

    /// Whether the workload should not be moved to the sandbox as it is.
    pub fn is_blocking(self) -> bool {
        matches!(self, Effect::Blocks | Effect::Unsupported)
    }
}

/// What a rule's evaluation returns for one field; the engine adds the rule's identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub effect: Effect,
    /// From the root of the object, e.g. `spec.template.spec.hostNetwork`.
    pub path: FieldPath,
    /// One line a person can read in a second.
    pub message: String,
    /// The manifest change that resolves it.
    pub fix: String,
}

impl Hit {
    pub fn new(
        effect: Effect,
        path: FieldPath,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Hit {
            effect,
            path,
            message: message.into(),
            fix: fix.into(),
        }
    }
}

/// A hit with the identity of the rule that produced it: what the report carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub id: &'static str,
    pub rule: &'static str,
    pub effect: Effect,
    pub path: FieldPath,
    pub message: String,
    pub fix: String,
    /// The fact the rule rests on, with its source.
    pub fact: &'static str,
}
