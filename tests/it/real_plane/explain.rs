//! `kubectl sandbox explain-pod` on live objects made by the real controllers: a Deployment
//! with the ReplicaSet and pods the controller-manager creates for it.

use std::path::Path;

use serde_json::{Value, json};
use testkit::envtest::wait_until;
use testkit::fake_apiserver::objects::pod;

use super::common::{ROLLOUT_TIMEOUT, deployment, expect_exit, gke_plane, sandbox};

fn explain(plane: &testkit::envtest::ControlPlane, args: &[&str], code: i32) -> Value {
    let gke_json = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/gke/standard-with-sandbox.json")
        .display()
        .to_string();
    let mut all = vec!["explain-pod", "-o", "json", "--gke-json", &gke_json];
    all.extend_from_slice(args);
    serde_json::from_str(&expect_exit(&sandbox(plane, &all), code)).unwrap()
}

/// (namespace, name) of the objects of `report` in `ns`.
fn names_in<'a>(report: &'a Value, ns: &str) -> Vec<&'a str> {
    report["objects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["namespace"] == ns)
        .map(|o| o["name"].as_str().unwrap())
        .collect()
}

#[test]
fn live_targets_all_namespaces_and_selectors_explain_top_level_workloads() {
    let Some(plane) = gke_plane() else { return };
    plane.start_controller_manager();
    let ns = plane.namespace("explain", &[("istio-injection", "enabled")]);
    let app = format!("{ns}-web");
    plane.create(&deployment(&ns, &app, 2));
    let mut debug = pod(&ns, "debug");
    debug["spec"]["hostPID"] = json!(true);
    plane.create(&debug);
    wait_until("the ReplicaSet's pods", ROLLOUT_TIMEOUT, || {
        plane.pods(&ns, &format!("app={app}")).len() == 2
    });

    let one = explain(plane, &[&format!("deployment/{app}"), "-n", &ns], 1);
    let object = &one["objects"][0];
    assert_eq!(object["kind"], "Deployment");
    assert_eq!(object["findings"][0]["id"], "EP002", "{object:#}");
    assert!(
        object["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("istio-injection=enabled"),
        "the namespace's labels were read: {object:#}"
    );
    assert_eq!(one["not_known"], json!([]), "everything was read: {one:#}");

    let bare = explain(plane, &["debug", "-n", &ns], 1);
    let ids: Vec<&Value> = bare["objects"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| &f["id"])
        .collect();
    assert!(ids.contains(&&json!("EP004")), "hostPID: {bare:#}");

    // The pods and ReplicaSet the controller made are explained through their Deployment.
    let all = explain(plane, &["-A"], 1);
    let mut names = names_in(&all, &ns);
    names.sort();
    assert_eq!(names, ["debug", app.as_str()], "{all:#}");
    let selected = explain(plane, &["-A", "-l", &format!("app={app}")], 1);
    assert_eq!(names_in(&selected, &ns), [app.as_str()], "{selected:#}");
    assert_eq!(
        selected["objects"].as_array().unwrap().len(),
        1,
        "{selected:#}"
    );
}
