//! Every fault gets a clear answer: the built binary against a fake API server with
//! injected faults, the real gcloud against a failing GKE mock, and broken kubeconfigs.
//! Partial failures keep the report whole (`-o json` stays valid and schema-true, the
//! missing part is a SKIP that says why and what to do); total failures exit 3 with the
//! reason on stderr and nothing on stdout.

use std::process::Command;
use std::time::Duration;

use crate::common::*;
use serde_json::Value;
use testkit::fake_apiserver::objects::pod;
use testkit::fake_apiserver::{Credentials, FakeApiServer, KubeconfigContext, write_kubeconfig};
use testkit::gke_mock::{Failure, GkeMock};

const GKE_JSON: [&str; 2] = [
    "--gke-json",
    "tests/fixtures/gke/standard-with-sandbox.json",
];

fn schema_errors(report: &Value) -> Vec<String> {
    crate::common::schema_errors("check-report.schema.json", report)
}

/// A healthy cluster with one fault injected, audited with `-o json`.
fn audit_with_fault(fault: impl FnOnce(&FakeApiServer), extra: &[&str]) -> (Value, i32) {
    let rig = rig(None, "europe-west1");
    healthy_cluster(&rig.api, "gvisor-pool");
    fault(&rig.api);
    let mut args = GKE_JSON.to_vec();
    args.extend_from_slice(extra);
    let (report, code, stderr) = rig.check_json(&args);
    assert!(
        schema_errors(&report).is_empty(),
        "{:?}",
        schema_errors(&report)
    );
    assert!(
        stderr.is_empty(),
        "partial failures are data, not stderr: {stderr}"
    );
    (report, code)
}

/// A finding's text field (`message`, `fix`).
fn text<'a>(finding: &'a Value, field: &str) -> &'a str {
    finding[field]
        .as_str()
        .unwrap_or_else(|| panic!("{field} is text: {finding}"))
}

fn only<'a>(report: &'a Value, id: &str) -> &'a Value {
    let found = findings(report, id);
    assert_eq!(found.len(), 1, "{id}: {report:#}");
    found[0]
}

#[test]
fn forbidden_pods_name_the_permission_and_the_rest_still_runs() {
    let (report, code) =
        audit_with_fault(|api| api.fail_on("pods", 403), &["--untrusted", "tenant-a"]);
    let skip = only(&report, "CL004");
    assert_eq!(skip["status"], "SKIP");
    assert!(
        text(skip, "message")
            .starts_with("not allowed to list pods at cluster scope (403 Forbidden"),
        "{skip}"
    );
    assert!(
        text(skip, "fix").contains("kubectl auth can-i list pods -A"),
        "{skip}"
    );
    assert_eq!(only(&report, "WL001")["status"], "SKIP");
    assert_eq!(
        only(&report, "CL001")["status"],
        "PASS",
        "RuntimeClasses were still read"
    );
    assert_eq!(
        only(&report, "CL002")["status"],
        "PASS",
        "nodes were still read"
    );
    assert_eq!(
        code, 4,
        "a part that could not be read makes the audit incomplete"
    );
    assert_eq!(report["incomplete"], true);
    assert_eq!(report["unread"][0]["part"], "pods", "{report:#}");
}

#[test]
fn allow_skip_accepts_an_incomplete_audit() {
    let (report, code) = audit_with_fault(
        |api| api.fail_on("pods", 403),
        &["--untrusted", "tenant-a", "--allow-skip"],
    );
    assert_eq!(report["incomplete"], true, "still said in the report");
    assert_eq!(code, 0, "the findings alone decide");
}

#[test]
fn a_cluster_without_the_runtime_class_api_skips_cl001() {
    let (report, _) = audit_with_fault(|api| api.fail_on("runtimeclasses", 404), &[]);
    let skip = only(&report, "CL001");
    assert_eq!(skip["status"], "SKIP");
    assert!(
        text(skip, "message").contains("does not serve RuntimeClasses"),
        "{skip}"
    );
}

#[test]
fn a_server_error_on_nodes_skips_the_node_checks() {
    let (report, _) = audit_with_fault(|api| api.fail_on("nodes", 500), &[]);
    let skip = only(&report, "CL002");
    assert_eq!(skip["status"], "SKIP");
    assert!(
        text(skip, "message").contains("failed to list nodes (500"),
        "{skip}"
    );
    assert!(
        findings(&report, "CL003").is_empty(),
        "one SKIP per missing part"
    );
}

#[test]
fn a_slow_pod_list_past_the_request_timeout_is_a_skip() {
    let (report, _) = audit_with_fault(
        |api| api.delay_on("pods", Duration::from_secs(5)),
        &["--request-timeout", "1s"],
    );
    let skip = only(&report, "CL004");
    assert!(
        text(skip, "message").contains("within the request timeout"),
        "{skip}"
    );
    assert!(text(skip, "fix").contains("--request-timeout"), "{skip}");
}

#[test]
fn a_body_cut_short_is_a_skip_not_a_crash() {
    let (report, _) = audit_with_fault(
        |api| api.cut_short_on("namespaces"),
        &["--untrusted-selector", "trust=untrusted"],
    );
    let skip = only(&report, "WL001");
    assert_eq!(skip["status"], "SKIP", "a selector needs namespace labels");
    assert!(
        text(skip, "message").starts_with("reading namespaces from the API server failed"),
        "{skip}"
    );
}

#[test]
fn an_expired_continue_token_says_to_run_again() {
    let (report, _) = audit_with_fault(
        |api| {
            api.insert_all((0..600).map(|i| pod("bulk", &format!("p{i}"))));
            api.expire_continue_tokens();
        },
        &[],
    );
    let skip = only(&report, "CL004");
    assert!(
        text(skip, "message").contains("continue token expired"),
        "{skip}"
    );
    assert!(
        text(skip, "fix").contains("run the command again"),
        "{skip}"
    );
}

/// Runs check against a kubeconfig that cannot give a working cluster; returns stderr.
fn unreachable(kubeconfig: &std::path::Path, extra: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_kubectl-sandbox"))
        .args(["check", "--no-gke", "-o", "json", "--kubeconfig"])
        .arg(kubeconfig)
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(output.stdout.is_empty(), "nothing half-written on stdout");
    assert!(stderr.starts_with("error: "), "{stderr}");
    stderr
}

#[test]
fn every_list_timing_out_means_the_cluster_is_unreachable() {
    let rig = rig(None, "europe-west1");
    for resource in ["pods", "nodes", "namespaces", "runtimeclasses"] {
        rig.api.delay_on(resource, Duration::from_secs(5));
    }
    let stderr = unreachable(&rig.kubeconfig, &["--request-timeout", "1s"]);
    assert!(stderr.contains("within the request timeout"), "{stderr}");
}

#[test]
fn a_missing_kubeconfig_points_to_get_credentials() {
    let stderr = unreachable(std::path::Path::new("/nonexistent/kubeconfig"), &[]);
    assert!(
        stderr.contains("gcloud container clusters get-credentials"),
        "{stderr}"
    );
}

#[test]
fn a_malformed_kubeconfig_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config");
    std::fs::write(&path, "apiVersion: v1\nclusters: [ this is not: yaml").unwrap();
    let stderr = unreachable(&path, &[]);
    assert!(stderr.contains(path.to_str().unwrap()), "{stderr}");
}

#[test]
fn an_unknown_context_lists_the_contexts_there_are() {
    let rig = rig(None, "europe-west1");
    let stderr = unreachable(&rig.kubeconfig, &["--context", "staging"]);
    assert!(
        stderr.contains("staging") && stderr.contains("prod"),
        "{stderr}"
    );
}

#[test]
fn a_missing_auth_plugin_says_how_to_install_it() {
    let api = FakeApiServer::start();
    let dir = tempfile::tempdir().unwrap();
    let plugin = Credentials::Exec {
        command: "gke-gcloud-auth-plugin-not-installed-here".into(),
        args: vec![],
    };
    let kubeconfig = write_kubeconfig(
        dir.path(),
        &[KubeconfigContext::new("gke", api.url(), plugin)],
        "gke",
    );
    let stderr = unreachable(&kubeconfig, &[]);
    assert!(
        stderr.contains("gke-gcloud-auth-plugin-not-installed-here"),
        "{stderr}"
    );
    assert!(stderr.contains("not installed"), "{stderr}");
}

/// The GKE side failing in the real gcloud: NP001 carries gcloud's reason as a SKIP.
fn gke_skip(failure: Failure, extra: &[&str]) -> Option<Value> {
    if !gcloud_installed() {
        return None;
    }
    let mut rig = rig(None, "europe-west1");
    rig.gke = Some(
        GkeMock::builder(PROJECT)
            .cluster("europe-west1", STANDARD)
            .failure(failure)
            .start(),
    );
    healthy_cluster(&rig.api, "gvisor-pool");
    let (report, code, _) = rig.check_json(extra);
    assert!(schema_errors(&report).is_empty());
    assert_eq!(
        code, 4,
        "gcloud trouble is a SKIP that leaves the audit incomplete: {report:#}"
    );
    assert_eq!(report["unread"][0]["part"], "GKE cluster", "{report:#}");
    assert_eq!(
        only(&report, "CL001")["status"],
        "PASS",
        "the cluster side still ran"
    );
    Some(only(&report, "NP001").clone())
}

#[test]
fn gcloud_unauthenticated_says_to_log_in() {
    let Some(skip) = gke_skip(Failure::Unauthenticated, &[]) else {
        return;
    };
    assert_eq!(skip["status"], "SKIP");
    assert!(text(&skip, "fix").contains("gcloud auth login"), "{skip}");
}

#[test]
fn gcloud_permission_denied_names_the_permission() {
    let Some(skip) = gke_skip(Failure::PermissionDenied, &[]) else {
        return;
    };
    assert!(
        text(&skip, "message").starts_with("permission denied reading GKE cluster prod-eu"),
        "{skip}"
    );
    assert!(
        text(&skip, "fix").contains("container.clusters.get"),
        "{skip}"
    );
}

#[test]
fn gcloud_not_found_says_how_to_list_clusters() {
    if !gcloud_installed() {
        return;
    }
    let mut rig = rig(None, "europe-west1");
    rig.gke = Some(
        GkeMock::builder(PROJECT)
            .cluster("europe-west1", STANDARD)
            .start(),
    );
    healthy_cluster(&rig.api, "gvisor-pool");
    let (report, _, _) = rig.check_json(&["--cluster", "nope"]);
    let skip = only(&report, "NP001");
    assert!(text(skip, "message").contains("was not found"), "{skip}");
    assert!(
        text(skip, "fix").contains("gcloud container clusters list --project acme-prod"),
        "{skip}"
    );
}

#[test]
fn gcloud_garbage_is_a_skip() {
    let Some(skip) = gke_skip(Failure::NotJson, &[]) else {
        return;
    };
    assert!(
        text(&skip, "message").contains("could not decode"),
        "{skip}"
    );
}

#[test]
fn a_hung_gcloud_is_stopped_after_the_gcloud_timeout() {
    let Some(skip) = gke_skip(Failure::Hang, &["--gcloud-timeout", "3s"]) else {
        return;
    };
    assert!(
        text(&skip, "message").starts_with("gcloud did not finish within 3s; it was stopped"),
        "{skip}"
    );
    assert!(text(&skip, "fix").contains("--gcloud-timeout"), "{skip}");
}

#[test]
fn flag_values_that_could_smuggle_a_gcloud_flag_never_reach_gcloud() {
    if !gcloud_installed() {
        return;
    }
    for (flag, value) in [
        (
            "--project",
            "--impersonate-service-account=evil@x.iam.gserviceaccount.com",
        ),
        ("--cluster", "-v"),
        ("--location", "europe-west1 --verbosity=debug"),
        ("--cluster", "prod;rm -rf /"),
    ] {
        let mut rig = rig(None, "europe-west1");
        rig.gke = Some(
            GkeMock::builder(PROJECT)
                .cluster("europe-west1", STANDARD)
                .start(),
        );
        healthy_cluster(&rig.api, "gvisor-pool");
        let arg = format!("{flag}={value}");
        // An explicit value GKE would refuse is a usage error before any request.
        let output = rig.run(&["check", &arg]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{arg}: {stderr}");
        assert!(
            stderr.contains(&format!("for '{flag} <")) && stderr.contains("is not a valid"),
            "{arg}: {stderr}"
        );
        assert!(rig.api.requests().is_empty(), "{arg}: the cluster was read");
        assert!(
            rig.gke.as_ref().unwrap().requests().is_empty(),
            "{arg}: gcloud was run"
        );
    }
}
