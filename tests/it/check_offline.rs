//! `kubectl sandbox check --from SNAPSHOT` end to end: the built binary, the bundled demo
//! snapshot, every output format, the documented schema and exit codes.

use std::process::{Command, Output};

use serde_json::Value;

const DEMO: &str = "examples/demo-snapshot.json";

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kubectl-sandbox"))
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn json_report(args: &[&str]) -> (Value, i32) {
    let output = run(args);
    let report: Value = serde_json::from_slice(&output.stdout).expect("-o json prints JSON");
    (report, output.status.code().unwrap())
}

fn ids_with_status(report: &Value, status: &str) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == status)
        .map(|f| {
            format!(
                "{} {}",
                f["id"].as_str().unwrap(),
                f["subject"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn the_demo_snapshot_finds_the_planted_problems() {
    let (report, code) = json_report(&[
        "check",
        "--from",
        DEMO,
        "--untrusted-selector",
        "trust=untrusted",
        "-o",
        "json",
    ]);
    assert_eq!(code, 1, "FAIL findings exit 1");
    assert_eq!(
        report["incomplete"], false,
        "the quick start (.ci/run) reads a complete demo"
    );
    assert_eq!(
        ids_with_status(&report, "FAIL"),
        [
            "CL003 node gke-prod-eu-batch-pool-3c4e-d9z1",
            "CL004 pod tenant-initech/initech-batch-7f6e5d4c3-r9s8t",
            "WL001 namespace tenant-globex",
        ]
    );
    assert_eq!(
        ids_with_status(&report, "WARN"),
        // The sandbox-labelled node in batch-pool is CL003's FAIL alone: CL002 does not
        // also ask to taint it.
        ["NP006 cluster prod-eu", "PL001 namespace ci-runners"]
    );
    assert_eq!(report["summary"]["fail"], 3);
    assert_eq!(report["exit_code"], 1);
    assert_eq!(report["cluster"]["gke_cluster"], "prod-eu");
}

#[test]
fn json_output_matches_the_documented_schema() {
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string("docs/check-report.schema.json").unwrap())
            .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema is valid");
    for extra in [
        &[][..],
        &["--untrusted", "tenant-acme"][..],
        &["--fail-on", "warn"][..],
    ] {
        let mut args = vec!["check", "--from", DEMO, "-o", "json"];
        args.extend_from_slice(extra);
        let (report, _) = json_report(&args);
        let errors: Vec<String> = validator
            .iter_errors(&report)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{args:?}: {errors:#?}");
    }
}

#[test]
fn the_schema_rejects_a_report_that_breaks_it() {
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string("docs/check-report.schema.json").unwrap())
            .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let (mut report, _) = json_report(&["check", "--from", DEMO, "-o", "json"]);
    report["findings"][0]["status"] = Value::from("MAYBE");
    assert!(!validator.is_valid(&report));
}

#[test]
fn yaml_output_carries_the_same_report() {
    let (json, _) = json_report(&["check", "--from", DEMO, "-o", "json"]);
    let yaml = stdout(&run(&["check", "--from", DEMO, "-o", "yaml"]));
    let from_yaml: Value = serde_saphyr::from_str(&yaml).expect("-o yaml prints YAML");
    assert_eq!(from_yaml, json);
}

#[test]
fn fail_on_warn_is_stricter_and_nothing_named_untrusted_is_informational() {
    let without_untrusted = run(&["check", "--from", DEMO, "-o", "json"]);
    let report: Value = serde_json::from_slice(&without_untrusted.stdout).unwrap();
    let wl001: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["id"] == "WL001")
        .collect();
    assert_eq!(wl001.len(), 1);
    assert_eq!(wl001[0]["status"], "INFO");
    assert_eq!(
        without_untrusted.status.code(),
        Some(1),
        "CL003 and CL004 still fail"
    );

    let (report, code) = json_report(&["check", "--from", DEMO, "-o", "json", "--fail-on", "warn"]);
    assert_eq!((report["fail_on"].as_str(), code), (Some("WARN"), 1));
}

#[test]
fn the_table_is_plain_when_not_a_terminal_and_ends_with_the_summary() {
    let text = stdout(&run(&[
        "check",
        "--from",
        DEMO,
        "--untrusted-selector",
        "trust=untrusted",
    ]));
    assert!(!text.contains('\u{1b}'), "no colour when stdout is a pipe");
    let last = text.lines().last().unwrap();
    assert_eq!(
        last,
        "prod-eu (europe-west1, context prod-eu): 3 fail, 2 warn, 13 pass, 7 info, 0 skip; exit 1 (--fail-on fail)"
    );
    let no_headers = stdout(&run(&["check", "--from", DEMO, "--no-headers"]));
    assert!(
        no_headers
            .lines()
            .all(|l| l.starts_with(['P', 'F', 'W', 'I', 'S'])),
        "{no_headers}"
    );
}

#[test]
fn gke_json_replaces_the_gke_part_of_a_snapshot() {
    let (report, _) = json_report(&[
        "check",
        "--from",
        DEMO,
        "--gke-json",
        "tests/fixtures/gke/autopilot.json",
        "-o",
        "json",
    ]);
    assert_eq!(report["cluster"]["autopilot"], true);
    let ids: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"AP001"));
    assert!(
        !ids.iter()
            .any(|id| id.starts_with("NP00") && *id != "NP006"),
        "{ids:?}"
    );
}

#[test]
fn bad_input_exits_2_with_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"not\": \"a snapshot\"}").unwrap();
    for args in [
        vec!["check", "--from", bad.to_str().unwrap()],
        vec!["check", "--from", "/nonexistent/snapshot.json"],
        vec!["check", "--from", DEMO, "--gke-json", bad.to_str().unwrap()],
        vec!["check", "--output", "xml"],
        vec!["check", "--untrusted-selector", "a in b"],
        vec!["check", "--request-timeout", "soon"],
        vec!["nonsense"],
    ] {
        let output = run(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?}: nothing on stdout");
        assert!(!output.stderr.is_empty(), "{args:?}: a message on stderr");
    }
    let output = run(&["check", "--from", bad.to_str().unwrap()]);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("hint: write one with: kubectl sandbox snapshot"),
        "{stderr}"
    );
}
