//! Caveats that hold for every sandboxed pod whatever its spec: a report says them once,
//! not once per object.

use serde::Serialize;

use super::Effect;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) struct UniversalCaveat {
    pub id: &'static str,
    pub name: &'static str,
    pub effect: Effect,
    pub message: &'static str,
    pub fact: &'static str,
}

pub(crate) const UNIVERSAL_CAVEATS: &[UniversalCaveat] = &[
    UniversalCaveat {
        id: "EP090",
        name: "port-forward",
        effect: Effect::Unavailable,
        message: "`kubectl port-forward` is not supported for sandboxed pods",
        fact: "port-forward is not supported by GKE Sandbox (docs/gke-sandbox.md#port-forward)",
    },
    UniversalCaveat {
        id: "EP091",
        name: "pod-monitoring-stats",
        effect: Effect::Unavailable,
        message: "pod and container monitoring statistics are not available for sandboxed pods",
        fact: "pod/container monitoring statistics are not available for sandboxed pods (docs/gke-sandbox.md#monitoring-statistics)",
    },
    UniversalCaveat {
        id: "EP092",
        name: "metadata-access",
        effect: Effect::Unavailable,
        message: "sandboxed pods cannot reach cluster metadata or other Google Cloud services the way pods on ordinary nodes do",
        fact: "nodes running sandboxed pods cannot reach cluster metadata or other Google Cloud services the way ordinary nodes do (docs/gke-sandbox.md#metadata-access)",
    },
];
