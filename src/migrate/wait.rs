//! `--wait`: following each migrated workload until its pods run under gVisor on sandbox
//! nodes. The decision is sans-IO ([`progress`]); `k8s::follow_rollouts` polls the API
//! server.

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::Value;

use crate::explain::WorkloadKind;
use crate::snapshot::GVISOR_RUNTIME_CLASS;

/// Where one workload's rollout stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) struct Progress {
    /// Pods running (or finished) under gVisor on a sandbox node.
    pub sandboxed: usize,
    /// Pods that count: not failed, not being deleted.
    pub total: usize,
}

impl Progress {
    pub(crate) fn done(self) -> bool {
        self.total > 0 && self.sandboxed == self.total
    }
}

/// Counts `pods` against the names of the sandbox nodes.
pub(crate) fn progress(pods: &[Value], sandbox_nodes: &BTreeSet<String>) -> Progress {
    let counted: Vec<&Value> = pods
        .iter()
        .filter(|p| p["metadata"]["deletionTimestamp"].is_null())
        .filter(|p| p["status"]["phase"] != "Failed")
        .collect();
    let sandboxed = counted
        .iter()
        .filter(|p| p["spec"]["runtimeClassName"] == GVISOR_RUNTIME_CLASS)
        .filter(|p| matches!(p["status"]["phase"].as_str(), Some("Running" | "Succeeded")))
        .filter(|p| {
            p["spec"]["nodeName"]
                .as_str()
                .is_some_and(|node| sandbox_nodes.contains(node))
        })
        .count();
    Progress {
        sandboxed,
        total: counted.len(),
    }
}

/// `app=web,tier=front`: the workload's `spec.selector.matchLabels`, which is how its pods
/// are found. `None` for a CronJob (its pods come with the next Job) or no selector.
pub(crate) fn pod_selector(kind: WorkloadKind, object: &Value) -> Option<String> {
    if kind == WorkloadKind::CronJob {
        return None;
    }
    let labels = object["spec"]["selector"]["matchLabels"].as_object()?;
    let pairs: Vec<String> = labels
        .iter()
        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
        .collect();
    (!pairs.is_empty()).then(|| pairs.join(","))
}

/// How one workload's wait ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "wait", rename_all = "kebab-case")]
pub enum WaitResult {
    Sandboxed {
        pods: usize,
    },
    TimedOut {
        sandboxed: usize,
        total: usize,
    },
    /// Nothing to follow now (a CronJob's next run is sandboxed), or the pods cannot be
    /// found by selector.
    NotFollowed {
        reason: String,
    },
    Failed {
        reason: String,
    },
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn pod(class: Option<&str>, node: &str, phase: &str) -> Value {
        json!({"metadata": {"name": "p"}, "spec": {"runtimeClassName": class, "nodeName": node},
            "status": {"phase": phase}})
    }

    #[test]
    fn done_when_every_counted_pod_runs_sandboxed_on_a_sandbox_node() {
        let nodes = BTreeSet::from(["sbx-1".to_string()]);
        let old = pod(None, "std-1", "Running");
        let new = pod(Some("gvisor"), "sbx-1", "Running");
        let pending = pod(Some("gvisor"), "", "Pending");
        let failed = pod(None, "std-1", "Failed");
        assert_eq!(
            progress(&[old, new.clone()], &nodes),
            Progress {
                sandboxed: 1,
                total: 2
            }
        );
        assert!(!progress(&[new.clone(), pending], &nodes).done());
        assert!(progress(&[new, failed], &nodes).done());
        assert!(!progress(&[], &nodes).done(), "no pods yet is not done");
    }

    #[test]
    fn pods_are_found_by_the_match_labels() {
        let d = json!({"spec": {"selector": {"matchLabels": {"app": "web", "tier": "front"}}}});
        assert_eq!(
            pod_selector(WorkloadKind::Deployment, &d).as_deref(),
            Some("app=web,tier=front")
        );
        assert_eq!(pod_selector(WorkloadKind::CronJob, &d), None);
    }
}
