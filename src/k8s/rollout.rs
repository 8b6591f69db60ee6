//! `migrate --wait` on the API server: polling the pods of each migrated workload until
//! they run under gVisor on sandbox nodes ([`crate::migrate::wait`] decides).

use std::collections::BTreeSet;
use std::io::Write;
use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::{Node, Pod};
use serde_json::Value;

use super::Connection;
use super::error::ListScope;
use super::list::{read_list, read_list_as};
use crate::explain::WorkloadKind;
use crate::migrate::wait::{Progress, WaitResult, pod_selector, progress};
use crate::snapshot::{GVISOR_HANDLER, SANDBOX_NODE_LABEL};

/// How often pods are read again while waiting.
const POLL: Duration = Duration::from_secs(1);

/// Polls every workload (label, kind, object as written) until all are sandboxed or
/// `timeout` passes; one progress line per workload whenever its count changes, on
/// `progress_out`.
pub async fn follow_rollouts(
    connection: &Connection,
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
        let nodes = read_list::<Node, _>(
            connection,
            ListScope::Cluster,
            Some(&format!("{SANDBOX_NODE_LABEL}={GVISOR_HANDLER}")),
            |node: Node| node.metadata.name,
        )
        .await;
        let sandbox_nodes: BTreeSet<String> = match nodes {
            Ok(names) => names.into_iter().flatten().collect(),
            Err(e) => {
                let reason = format!("cannot list sandbox nodes: {e}");
                return fill(results, WaitResult::Failed { reason });
            }
        };
        for (i, (label, kind, object)) in workloads.iter().enumerate() {
            if results[i].is_some() {
                continue;
            }
            let namespace = object["metadata"]["namespace"].as_str().unwrap_or_default();
            let selector = pod_selector(*kind, object).unwrap_or_default();
            let scope = ListScope::Namespace(namespace);
            match read_list_as::<Pod, Value, Value>(connection, scope, Some(&selector), |pod| pod)
                .await
            {
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
                        reason: format!("cannot list its pods: {e}"),
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
