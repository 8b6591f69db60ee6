//! `--wait`: following each migrated workload until its pods run under gVisor on sandbox
//! nodes. The decision is sans-IO ([`progress`]); [`follow`] polls the API server.

use std::collections::BTreeSet;
use std::io::Write;
use std::time::{Duration, Instant};

use kube::Client;
use serde::Serialize;
use serde_json::Value;

use crate::explain::WorkloadKind;
use crate::k8s::raw;
use crate::snapshot::{GVISOR_HANDLER, GVISOR_RUNTIME_CLASS, SANDBOX_NODE_LABEL};

/// How often pods are read again while waiting.
const POLL: Duration = Duration::from_secs(1);

/// Where one workload's rollout stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// Pods running (or finished) under gVisor on a sandbox node.
    pub sandboxed: usize,
    /// Pods that count: not failed, not being deleted.
    pub total: usize,
}

impl Progress {
    pub fn done(self) -> bool {
        self.total > 0 && self.sandboxed == self.total
    }
}

/// Counts `pods` against the names of the sandbox nodes.
pub fn progress(pods: &[Value], sandbox_nodes: &BTreeSet<String>) -> Progress {
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
pub fn pod_selector(kind: WorkloadKind, object: &Value) -> Option<String> {
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

/// Polls every workload (label, kind, object as written) until all are sandboxed or
/// `timeout` passes; one progress line per workload whenever its count changes, on
/// `progress_out`.
pub async fn follow(
    client: &Client,
    workloads: &[(String, WorkloadKind, Value)],
    timeout: Duration,
    progress_out: &mut (dyn Write + Send),
) -> Vec<WaitResult> {
    let deadline = Instant::now() + timeout;
    let mut results: Vec<Option<WaitResult>> = vec![None; workloads.len()];
    let mut last: Vec<Option<Progress>> = vec![None; workloads.len()];
    for (i, (_, kind, object)) in workloads.iter().enumerate() {
        if pod_selector(*kind, object).is_none() {
            let reason = if *kind == WorkloadKind::CronJob {
                "a CronJob has no pods until its next run, which will be sandboxed"
            } else {
                "its pods cannot be found: no spec.selector.matchLabels"
            };
            results[i] = Some(WaitResult::NotFollowed {
                reason: reason.to_string(),
            });
        }
    }
    loop {
        let nodes = raw::list_path(
            client,
            "/api/v1/nodes",
            Some(&format!("{SANDBOX_NODE_LABEL}={GVISOR_HANDLER}")),
        )
        .await;
        let sandbox_nodes: BTreeSet<String> = match nodes {
            Ok(nodes) => nodes
                .iter()
                .filter_map(|n| n["metadata"]["name"].as_str().map(str::to_string))
                .collect(),
            Err(e) => {
                let reason = format!("cannot list sandbox nodes: {}", raw::describe(&e));
                return fill(results, WaitResult::Failed { reason });
            }
        };
        for (i, (label, kind, object)) in workloads.iter().enumerate() {
            if results[i].is_some() {
                continue;
            }
            let namespace = object["metadata"]["namespace"].as_str().unwrap_or_default();
            let selector = pod_selector(*kind, object).unwrap_or_default();
            let path = raw::collection_path(WorkloadKind::Pod, Some(namespace));
            match raw::list_path(client, &path, Some(&selector)).await {
                Ok(pods) => {
                    let now = progress(&pods, &sandbox_nodes);
                    if last[i] != Some(now) {
                        let _ = writeln!(
                            progress_out,
                            "{label}: {}/{} pod(s) sandboxed on sandbox nodes",
                            now.sandboxed, now.total
                        );
                        last[i] = Some(now);
                    }
                    if now.done() {
                        results[i] = Some(WaitResult::Sandboxed { pods: now.total });
                    }
                }
                Err(e) => {
                    results[i] = Some(WaitResult::Failed {
                        reason: format!("cannot list its pods: {}", raw::describe(&e)),
                    });
                }
            }
        }
        if results.iter().all(Option::is_some) {
            return results.into_iter().flatten().collect();
        }
        if Instant::now() + POLL > deadline {
            return results
                .into_iter()
                .zip(last)
                .map(|(result, last)| {
                    result.unwrap_or(WaitResult::TimedOut {
                        sandboxed: last.map_or(0, |p| p.sandboxed),
                        total: last.map_or(0, |p| p.total),
                    })
                })
                .collect();
        }
        tokio::time::sleep(POLL).await;
    }
}

fn fill(results: Vec<Option<WaitResult>>, with: WaitResult) -> Vec<WaitResult> {
    results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| with.clone()))
        .collect()
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
