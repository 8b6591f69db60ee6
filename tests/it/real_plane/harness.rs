//! The harness itself: the plane answers, hand-made nodes are Ready and untainted, pods
//! are admitted in a fresh namespace and can be made Ready as a kubelet would.

use serde_json::json;
use testkit::envtest;
use testkit::fake_apiserver::objects::{pod, sandbox_node};

#[test]
fn a_hand_made_node_is_ready_and_a_pod_can_be_marked_ready() {
    let Some(plane) = envtest::plane() else {
        return;
    };
    let _cluster = plane.exclusive();
    plane.ensure_ready_node(&sandbox_node("harness-node", "gvisor-pool"));
    let node = plane.get("node", None, "harness-node").unwrap();
    assert_eq!(node["status"]["conditions"][0]["type"], "Ready");
    assert_eq!(
        node["spec"]["taints"],
        json!([{ "key": "sandbox.gke.io/runtime", "value": "gvisor", "effect": "NoSchedule" }])
    );

    let ns = plane.namespace("harness", &[("trust", "untrusted")]);
    let mut p = pod(&ns, "web");
    p["spec"]["nodeName"] = json!("harness-node");
    plane.create(&p);
    plane.mark_pod_ready(&ns, "web");
    let stored = plane.get("pod", Some(&ns), "web").unwrap();
    assert_eq!(stored["status"]["phase"], "Running");
    assert_eq!(stored["spec"]["nodeName"], "harness-node");
}
