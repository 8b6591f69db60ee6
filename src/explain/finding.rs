//! What a rule says about one field of a pod template.

use serde::Serialize;

use super::FieldPath;

/// What a feature does to a pod under GKE Sandbox, as docs/gke-sandbox.md records it. Only
/// `blocks` stops a workload from moving; every other effect is a caveat the pod runs with.
///
/// - `blocks`: the pod is refused or cannot work sandboxed (host namespaces, privileged,
///   hostPath, Windows, a nodeSelector conflicting with the RuntimeClass...).
/// - `uncertain`: GKE refused it once and nothing public says whether it still does; the
///   cluster's own admission settles it (a server-side dry run of the sandboxed pod).
/// - `version-dependent`: supported from some GKE version or accelerator model on, and
///   what the cluster runs is not known.
/// - `not-enforced`: the pod runs; a host-kernel control it sets does not apply inside the
///   sandbox, where gVisor's own isolation replaces it. Keep the control.
/// - `unavailable`: a tool or signal people use with the pod does not work.
/// - `caution`: runs, but gVisor changes behaviour or cost: worth a look before moving.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Effect {
    Caution,
    Unavailable,
    NotEnforced,
    VersionDependent,
    Uncertain,
    Blocks,
}

impl Effect {
    pub fn label(self) -> &'static str {
        match self {
            Effect::Blocks => "blocks",
            Effect::Uncertain => "uncertain",
            Effect::VersionDependent => "version-dependent",
            Effect::NotEnforced => "not-enforced",
            Effect::Unavailable => "unavailable",
            Effect::Caution => "caution",
        }
    }

    /// Whether the workload cannot run sandboxed as it is. Only `blocks` says so: an
    /// uncertain finding is for the cluster's admission to decide, not for a guess.
    pub fn is_blocking(self) -> bool {
        self == Effect::Blocks
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
