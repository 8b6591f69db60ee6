//! Server-side printing: the `Table` kubectl asks for (`Accept: application/json;as=Table`)
//! when it prints `kubectl get pods` for people, so the real kubectl gets rows and object
//! metadata, as from a real API server, rather than whole pods to print itself.

use serde_json::{Value, json};

/// Does the request ask for a Table first?
pub fn wanted(accept: Option<&String>) -> bool {
    accept.is_some_and(|accept| accept.contains("as=Table"))
}

/// A pod Table with the columns `kubectl get pods -o wide` shows (IP and Node at priority
/// 1), one row per pod with its metadata as the row's object.
pub fn pods<'a>(pods: impl Iterator<Item = &'a Value>, list_metadata: Value) -> Value {
    let column = |name: &str, priority: u8| json!({ "name": name, "type": "string", "format": "", "description": name, "priority": priority });
    let rows: Vec<Value> = pods.map(pod_row).collect();
    json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": list_metadata,
        "columnDefinitions": [
            column("Name", 0), column("Ready", 0), column("Status", 0), column("Restarts", 0),
            column("Age", 0), column("IP", 1), column("Node", 1),
        ],
        "rows": rows,
    })
}

fn pod_row(pod: &Value) -> Value {
    let statuses = pod["status"]["containerStatuses"].as_array();
    let containers = pod["spec"]["containers"].as_array().map_or(0, Vec::len);
    let ready = statuses.map_or(0, |s| s.iter().filter(|c| c["ready"] == true).count());
    let restarts: u64 = statuses.map_or(0, |s| {
        s.iter().filter_map(|c| c["restartCount"].as_u64()).sum()
    });
    let text = |value: &Value| value.as_str().unwrap_or("<none>").to_string();
    json!({
        "cells": [
            pod["metadata"]["name"],
            format!("{ready}/{containers}"),
            pod["status"]["phase"].as_str().unwrap_or("Unknown"),
            restarts.to_string(),
            // The fake keeps no clock; every synthetic object has the same age.
            "10d",
            text(&pod["status"]["podIP"]),
            text(&pod["spec"]["nodeName"]),
        ],
        "object": {
            "kind": "PartialObjectMetadata",
            "apiVersion": "meta.k8s.io/v1",
            "metadata": pod["metadata"],
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pod_row_reads_like_kubectl_get_pods() {
        let pod = json!({
            "metadata": {"name": "web-1", "namespace": "shop"},
            "spec": {"nodeName": "n1", "containers": [{"name": "a"}, {"name": "b"}]},
            "status": {"phase": "Running", "podIP": "10.0.0.1", "containerStatuses": [
                {"name": "a", "ready": true, "restartCount": 2},
                {"name": "b", "ready": false, "restartCount": 1},
            ]},
        });
        let table = pods([&pod].into_iter(), json!({"resourceVersion": "7"}));
        assert_eq!(table["kind"], "Table");
        assert_eq!(
            table["rows"][0]["cells"],
            json!(["web-1", "1/2", "Running", "3", "10d", "10.0.0.1", "n1"])
        );
        assert_eq!(table["rows"][0]["object"]["metadata"]["namespace"], "shop");
        assert!(wanted(Some(
            &"application/json;as=Table;v=v1;g=meta.k8s.io,application/json".to_string()
        )));
        assert!(!wanted(Some(&"application/json".to_string())));
    }
}
