//! One word per object: can it move to GKE Sandbox as it is?

use serde::{Deserialize, Serialize};

use super::Finding;

/// Ordered by how much it demands attention, so `--fail-on` is a comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// No finding: only the caveats that apply to every sandboxed pod.
    Compatible,
    /// Runs sandboxed, with findings that change behaviour or need a check.
    CompatibleWithCaveats,
    /// At least one `blocks` finding.
    Blocked,
}

impl Verdict {
    /// The verdict the rules alone give. A refusal by the cluster's own admission (a
    /// server-side dry run of the sandboxed pod) is a further input that can only make an
    /// object `Blocked`; it is combined with this one by the caller that has it.
    pub fn of(findings: &[Finding]) -> Self {
        if findings.iter().any(|f| f.effect.is_blocking()) {
            Verdict::Blocked
        } else if findings.is_empty() {
            Verdict::Compatible
        } else {
            Verdict::CompatibleWithCaveats
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Verdict::Compatible => "compatible",
            Verdict::CompatibleWithCaveats => "compatible with caveats",
            Verdict::Blocked => "blocked",
        }
    }
}
