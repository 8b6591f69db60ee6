//! `kubectl sandbox explain-pod -f` end to end: the built binary on the fixture manifests.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/manifests")
        .join(name)
}

fn explain(args: &[&str]) -> Output {
    explain_with_stdin(args, "")
}

fn explain_with_stdin(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubectl-sandbox"))
        .arg("explain-pod")
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn file_arg(name: &str) -> String {
    fixture(name).display().to_string()
}

fn json_of(name: &str) -> (i32, Value) {
    let out = explain(&["-f", &file_arg(name), "-o", "json"]);
    let report = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    (out.status.code().unwrap(), report)
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

/// `(id, effect, path, line)` of every finding of the report's only object.
fn findings(report: &Value) -> Vec<(String, String, String, u64)> {
    report["objects"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["id"].as_str().unwrap().to_string(),
                f["effect"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn has(
    findings: &[(String, String, String, u64)],
    id: &str,
    effect: &str,
    path: &str,
    line: u64,
) -> bool {
    findings
        .iter()
        .any(|f| f.0 == id && f.1 == effect && f.2 == path && f.3 == line)
}

#[test]
fn nginx_is_compatible_with_only_the_universal_caveats() {
    let out = explain(&["-f", &file_arg("nginx-deployment.yaml")]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("Deployment default/web"), "{text}");
    assert!(text.contains("VERDICT: compatible\n"), "{text}");
    assert_eq!(
        text.matches("EP090").count(),
        1,
        "port-forward said once: {text}"
    );
    assert_eq!(text.matches("EP091").count(), 1, "{text}");
    assert_eq!(text.matches("EP092").count(), 1, "{text}");
    assert!(text.contains("Not known:"), "{text}");
    assert!(
        !text.contains('\u{1b}'),
        "NO_COLOR and a pipe mean no colour"
    );
}

#[test]
fn node_exporter_is_blocked_by_host_access() {
    let (code, report) = json_of("node-exporter-daemonset.yaml");
    assert_eq!(code, 1);
    assert_eq!(report["objects"][0]["verdict"], "blocked");
    let f = findings(&report);
    assert!(
        has(&f, "EP004", "blocks", "spec.template.spec.hostNetwork", 16),
        "{f:?}"
    );
    assert!(
        has(&f, "EP004", "blocks", "spec.template.spec.hostPID", 17),
        "{f:?}"
    );
    assert!(
        has(
            &f,
            "EP003",
            "blocks",
            "spec.template.spec.volumes[0].hostPath",
            31
        ),
        "{f:?}"
    );
    assert!(
        has(&f, "EP021", "caution", "spec.template.spec", 15),
        "no sandbox toleration: {f:?}"
    );
    assert!(
        !f.iter().any(|f| f.0 == "EP012"),
        "HostToContainer is not Bidirectional"
    );
}

#[test]
fn a_hardened_microservice_is_compatible_with_caveats() {
    let (code, report) = json_of("microservice-deployment.yaml");
    assert_eq!(code, 0, "nothing blocks it");
    assert_eq!(report["schema"], "kubectl-sandbox.dev/explain/v1");
    let object = &report["objects"][0];
    assert_eq!(object["kind"], "Deployment");
    assert_eq!(object["namespace"], "shop");
    assert_eq!(object["verdict"], "compatible-with-caveats");
    let f = findings(&report);
    assert!(
        has(
            &f,
            "EP013",
            "uncertain",
            "spec.template.spec.securityContext.fsGroup",
            20
        ),
        "{f:?}"
    );
    assert!(
        has(
            &f,
            "EP007",
            "not-enforced",
            "spec.template.spec.securityContext.seccompProfile",
            21
        ),
        "{f:?}"
    );
    assert!(
        has(
            &f,
            "EP011",
            "not-enforced",
            "spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation",
            29
        ),
        "{f:?}"
    );
    assert!(!f.iter().any(|f| f.1 == "blocks"), "{f:?}");
    let fs_group = &object["findings"][0];
    assert!(
        fs_group["fact"]
            .as_str()
            .unwrap()
            .contains("docs/gke-sandbox.md#fsgroup")
    );
    assert!(
        fs_group["fix"]
            .as_str()
            .unwrap()
            .contains("server-side dry run")
    );
    assert_eq!(report["summary"]["blocked"], 0);
}

/// The verdicts of manifests shaped like what teams deploy: hardened workloads (the
/// "restricted" Pod Security Standard, chart-rendered controllers) run sandboxed with
/// caveats; collectors that read the node's files are blocked.
#[test]
fn real_world_manifests_get_truthful_verdicts() {
    for (file, verdict, code) in [
        ("restricted-deployment.yaml", "compatible-with-caveats", 0),
        ("dashboard-chart.yaml", "compatible-with-caveats", 0),
        ("descheduler-cronjob.yaml", "compatible-with-caveats", 0),
        ("node-exporter-daemonset.yaml", "blocked", 1),
        ("fluent-bit-daemonset.yaml", "blocked", 1),
    ] {
        let (exit, report) = json_of(file);
        assert_eq!(exit, code, "{file}");
        assert_eq!(report["objects"][0]["verdict"], verdict, "{file}");
        for finding in report["objects"][0]["findings"].as_array().unwrap() {
            let effect = finding["effect"].as_str().unwrap();
            let fix = finding["fix"].as_str().unwrap();
            if effect == "not-enforced"
                && ["EP007", "EP011"].contains(&finding["id"].as_str().unwrap())
            {
                assert!(fix.starts_with("keep "), "{file}: {fix}");
            }
        }
    }
    let (_, descheduler) = json_of("descheduler-cronjob.yaml");
    let ids: Vec<&str> = descheduler["objects"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["EP007", "EP007", "EP011"],
        "the legacy annotation is read; no limits at all loses nothing"
    );
}

#[test]
fn sarif_levels_follow_the_effects() {
    let out = explain(&[
        "-f",
        &file_arg("restricted-deployment.yaml"),
        "-f",
        &file_arg("fluent-bit-daemonset.yaml"),
        "-o",
        "sarif",
    ]);
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let levels: Vec<(&str, &str)> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["ruleId"].as_str().unwrap(), r["level"].as_str().unwrap()))
        .collect();
    assert_eq!(
        levels,
        [
            ("EP007", "note"),
            ("EP011", "note"),
            ("EP003", "error"),
            ("EP003", "error")
        ]
    );
}

#[test]
fn gpu_job_depends_on_the_unknown_version() {
    let (code, report) = json_of("gpu-job.yaml");
    assert_eq!(code, 0, "nothing is blocked");
    assert_eq!(report["objects"][0]["verdict"], "compatible-with-caveats");
    let f = findings(&report);
    assert!(
        has(
            &f,
            "EP001",
            "version-dependent",
            r#"spec.template.spec.containers[0].resources.limits["nvidia.com/gpu"]"#,
            19
        ),
        "{f:?}"
    );
    assert!(
        report["not_known"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["part"] == "GKE version and node pools")
    );

    let strict = explain(&["-f", &file_arg("gpu-job.yaml"), "--fail-on", "caveat"]);
    assert_eq!(strict.status.code(), Some(1));
}

#[test]
fn istio_injected_pod_is_blocked() {
    let (code, report) = json_of("istio-pod.yaml");
    assert_eq!(code, 1);
    let f = findings(&report);
    assert!(
        has(&f, "EP002", "blocks", "spec.containers[1].name", 23),
        "{f:?}"
    );
    assert!(
        has(
            &f,
            "EP030",
            "caution",
            "spec.initContainers[0].securityContext.capabilities.add[0]",
            15
        ),
        "{f:?}"
    );
}

#[test]
fn cronjob_privileged_init_container_in_sarif() {
    let out = explain(&[
        "-f",
        &file_arg("cronjob-privileged-init.yaml"),
        "-o",
        "sarif",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let privileged = results
        .iter()
        .find(|r| r["ruleId"] == "EP005")
        .expect("EP005 result");
    assert_eq!(privileged["level"], "error");
    let location = &privileged["locations"][0];
    assert!(
        location["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("tests/fixtures/manifests/cronjob-privileged-init.yaml")
    );
    assert_eq!(location["physicalLocation"]["region"]["startLine"], 18);
    assert!(
        location["logicalLocations"][0]["fullyQualifiedName"]
            .as_str()
            .unwrap()
            .ends_with(
                "spec.jobTemplate.spec.template.spec.initContainers[0].securityContext.privileged"
            )
    );
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let index = privileged["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[index]["id"], "EP005");
}

#[test]
fn json_manifests_have_lines_in_sarif() {
    let out = explain(&["-f", &file_arg("redis-statefulset.json"), "-o", "sarif"]);
    assert_eq!(out.status.code(), Some(0), "cautions only");
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let redis = results
        .iter()
        .find(|r| r["ruleId"] == "EP031")
        .expect("the database caution");
    assert_eq!(redis["level"], "warning");
    assert_eq!(
        redis["locations"][0]["physicalLocation"]["region"]["startLine"],
        17
    );
    assert!(
        !results.iter().any(|r| r["message"]["text"]
            .as_str()
            .unwrap()
            .contains("redis_exporter")),
        "the exporter is not a database"
    );
}

#[test]
fn multi_document_file_passes_over_and_counts_non_workloads() {
    let (code, report) = json_of("mixed-multidoc.yaml");
    assert_eq!(code, 0);
    assert_eq!(report["passed_over"]["ConfigMap"], 2);
    assert_eq!(report["passed_over"]["Service"], 1);
    assert_eq!(report["summary"]["passed_over"], 3);
    let object = &report["objects"][0];
    assert_eq!(object["kind"], "StatefulSet");
    assert_eq!(object["source"]["document"], 2);
    assert_eq!(object["source"]["item"], "items[0]");
    assert_eq!(object["source"]["line"], 21);
    let f = findings(&report);
    assert!(
        has(
            &f,
            "EP031",
            "caution",
            "spec.template.spec.containers[0].image",
            35
        ),
        "{f:?}"
    );
}

#[test]
fn a_broken_file_is_reported_with_file_and_line_and_the_others_are_explained() {
    let dir = fixture("");
    let out = explain(&["-f", &dir.display().to_string(), "-o", "json"]);
    assert_eq!(out.status.code(), Some(2), "bad input wins over findings");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["objects"].as_array().unwrap().len(), 12);
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert!(errors[0]["file"].as_str().unwrap().ends_with("broken.yaml"));
    assert_eq!(errors[0]["line"], 11);
    assert!(stderr(&out).contains("broken.yaml:11:"), "{}", stderr(&out));

    let table = explain(&[
        "-f",
        &file_arg("broken.yaml"),
        "-f",
        &file_arg("nginx-deployment.yaml"),
    ]);
    assert_eq!(table.status.code(), Some(2));
    let text = stdout(&table);
    assert!(text.contains("broken.yaml:11:"), "{text}");
    assert!(text.contains("Deployment default/web"), "{text}");
    assert!(text.contains("1 input error"), "{text}");
}

#[test]
fn stdin_and_yaml_output() {
    let manifest = std::fs::read_to_string(fixture("nginx-deployment.yaml")).unwrap();
    let out = explain_with_stdin(&["-f", "-", "-o", "yaml"], &manifest);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(
        text.starts_with("schema: kubectl-sandbox.dev/explain/v1\n"),
        "{text}"
    );
    assert!(
        text.contains("file: '-'") || text.contains("file: \"-\""),
        "{text}"
    );
    assert!(text.contains("verdict: compatible\n"), "{text}");
}

#[test]
fn a_label_selector_filters_manifests() {
    let dir = fixture("").display().to_string();
    let out = explain(&["-f", &dir, "-l", "app=web", "-o", "json"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "the broken file is still bad input"
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let objects = report["objects"].as_array().unwrap();
    assert_eq!(objects.len(), 1, "only the object labelled app=web");
    assert_eq!(objects[0]["name"], "web");

    let out = explain(&[
        "-f",
        &file_arg("nginx-deployment.yaml"),
        "-l",
        "app!=web",
        "-o",
        "json",
    ]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["summary"]["objects"], 0);
    assert_eq!(out.status.code(), Some(0));

    // Many objects, one line each.
    let lines = explain(&["-f", &file_arg("nginx-deployment.yaml"), "-l", "app=web"]);
    let text = stdout(&lines);
    assert!(text.starts_with("NAMESPACE   KIND"), "{text}");
    assert!(
        text.contains("default     Deployment   web    compatible   -"),
        "{text}"
    );
    assert!(!text.contains("VERDICT:"), "{text}");
}

#[test]
fn directories_need_recursive_to_descend() {
    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("apps/web");
    std::fs::create_dir_all(&nested).unwrap();
    std::fs::copy(
        fixture("node-exporter-daemonset.yaml"),
        nested.join("ds.yaml"),
    )
    .unwrap();
    let root = dir.path().display().to_string();

    // Without -R nothing is read: a gate pointed there must not pass.
    let flat = explain(&["-f", &root, "-o", "json"]);
    assert_eq!(flat.status.code(), Some(2));
    assert!(stderr(&flat).contains(&format!("no objects in {root}")));
    assert!(stderr(&flat).contains("-R descends"), "{}", stderr(&flat));

    let deep = explain(&["-f", &root, "-R", "-o", "json"]);
    let report: Value = serde_json::from_slice(&deep.stdout).unwrap();
    assert_eq!(report["summary"]["objects"], 1);
    assert_eq!(deep.status.code(), Some(1));
}

#[test]
fn bad_usage_exits_2() {
    let nothing = explain(&[]);
    assert_eq!(nothing.status.code(), Some(2));
    assert!(stderr(&nothing).contains("nothing to explain"));

    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-kubeconfig").display().to_string();
    let live = explain(&["deployment/web", "-n", "shop", "--kubeconfig", &missing]);
    assert_eq!(live.status.code(), Some(3), "a live target needs a cluster");

    let bad_target = explain(&["service/web"]);
    assert_eq!(bad_target.status.code(), Some(2));
    assert!(stderr(&bad_target).contains("not a workload type"));

    let both = explain(&["web", "-f", &file_arg("nginx-deployment.yaml")]);
    assert_eq!(both.status.code(), Some(2));

    let bad_flag = explain(&["-f", &file_arg("nginx-deployment.yaml"), "-o", "xml"]);
    assert_eq!(bad_flag.status.code(), Some(2));

    let missing = explain(&["-f", "/nonexistent/manifest.yaml"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stdout(&missing).contains("/nonexistent/manifest.yaml: cannot read"));
}

#[test]
fn no_headers_drops_column_titles() {
    let with = stdout(&explain(&["-f", &file_arg("istio-pod.yaml")]));
    let without = stdout(&explain(&[
        "-f",
        &file_arg("istio-pod.yaml"),
        "--no-headers",
    ]));
    assert!(with.contains("ID     EFFECT"));
    assert!(!without.contains("ID     EFFECT"));
    assert!(without.contains("EP002"));
}

fn schema_validator() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/explain-report.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::validator_for(&schema).expect("the schema is valid")
}

#[test]
fn json_output_matches_the_documented_schema() {
    let validator = schema_validator();
    let dir = fixture("").display().to_string();
    for args in [
        vec!["-f", dir.as_str(), "-o", "json"],
        vec!["-f", dir.as_str(), "-n", "team-a", "-o", "json"],
    ] {
        let out = explain(&args);
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&report)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{args:?}: {errors:#?}");
    }
}

#[test]
fn the_schema_rejects_a_report_that_breaks_it() {
    let validator = schema_validator();
    let (_, mut report) = json_of("microservice-deployment.yaml");
    report["objects"][0]["findings"][0]["effect"] = Value::from("rejected-maybe");
    assert!(!validator.is_valid(&report));
}

#[test]
fn yaml_output_carries_the_same_report() {
    let (_, json) = json_of("microservice-deployment.yaml");
    let yaml = stdout(&explain(&[
        "-f",
        &file_arg("microservice-deployment.yaml"),
        "-o",
        "yaml",
    ]));
    let from_yaml: Value = serde_saphyr::from_str(&yaml).expect("-o yaml prints YAML");
    assert_eq!(from_yaml, json);
}

#[test]
fn a_saved_gke_cluster_gives_files_the_version() {
    let gke =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/gke/standard-with-sandbox.json");
    let out = explain(&[
        "-f",
        &file_arg("gpu-job.yaml"),
        "--gke-json",
        &gke.display().to_string(),
        "-o",
        "json",
    ]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = findings(&report);
    assert!(
        f.iter().all(|f| f.0 == "EP001" && f.1 == "caution"),
        "1.33 has GPUs: {f:?}"
    );
    assert!(
        !report["not_known"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["part"] == "GKE version and node pools")
    );
}
