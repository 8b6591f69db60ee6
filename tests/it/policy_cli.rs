//! `kubectl sandbox policy` end to end with the built binary: the printed objects are
//! valid admissionregistration.k8s.io/v1 objects, `--apply` dry-runs both before writing
//! either with field manager `kubectl-sandbox`, refuses clusters older than 1.30, and
//! check's PL001 sees what it applied.

use std::path::PathBuf;
use std::process::{Command, Output};

use k8s_openapi::api::admissionregistration::v1::{
    ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding,
};
use kubectl_sandbox::parse_objects;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tempfile::TempDir;
use testkit::fake_apiserver::objects::namespace;
use testkit::fake_apiserver::{Credentials, FakeApiServer, KubeconfigContext, write_kubeconfig};

const NAME: &str = "kubectl-sandbox-require-gvisor";
const POLICY_PATH: &str = "/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies/kubectl-sandbox-require-gvisor";
const BINDING_PATH: &str = "/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings/kubectl-sandbox-require-gvisor";

fn run(args: &[&str], kubeconfig: Option<&PathBuf>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kubectl-sandbox"));
    command.args(args).env_remove("KUBECTL_SANDBOX_GCLOUD");
    match kubeconfig {
        Some(path) => command.env("KUBECONFIG", path),
        None => command.env("KUBECONFIG", "/nonexistent/kubeconfig"),
    };
    command.output().expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).to_string()
}

/// Deserialises into the k8s-openapi type and back: a field the type does not know would
/// be lost, so equality means every field is a real admissionregistration.k8s.io/v1 field.
fn round_trips<T: DeserializeOwned + Serialize>(value: &Value) -> T {
    let typed: T = serde_json::from_value(value.clone()).expect("a valid object");
    assert_eq!(&serde_json::to_value(&typed).unwrap(), value);
    typed
}

#[test]
fn the_yaml_is_a_policy_and_a_binding_of_the_v1_types() {
    let output = run(
        &[
            "policy",
            "--untrusted-selector",
            "trust=untrusted",
            "--strict",
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let objects = parse_objects("-", &stdout(&output)).unwrap();
    assert_eq!(objects.len(), 2);
    let policy: ValidatingAdmissionPolicy = round_trips(&objects[0].value);
    let binding: ValidatingAdmissionPolicyBinding = round_trips(&objects[1].value);
    assert_eq!(policy.metadata.name.as_deref(), Some(NAME));
    assert!(
        policy.spec.unwrap().validations.unwrap().len() > 1,
        "--strict adds rules"
    );
    let spec = binding.spec.unwrap();
    assert_eq!(spec.policy_name.as_deref(), Some(NAME));
    assert_eq!(spec.validation_actions.unwrap(), ["Deny"]);
    assert_eq!(
        serde_json::to_value(spec.match_resources.unwrap().namespace_selector).unwrap(),
        json!({"matchLabels": {"trust": "untrusted"}})
    );
}

#[test]
fn the_json_is_a_list_with_the_same_objects_and_the_action() {
    let output = run(&["policy", "-o", "json", "--action", "warn"], None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let list: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(list["kind"], "List");
    let _: ValidatingAdmissionPolicy = round_trips(&list["items"][0]);
    let binding: ValidatingAdmissionPolicyBinding = round_trips(&list["items"][1]);
    assert_eq!(binding.spec.unwrap().validation_actions.unwrap(), ["Warn"]);
    // The default selector is the documented label.
    assert_eq!(
        list["items"][1]["spec"]["matchResources"]["namespaceSelector"],
        json!({"matchLabels": {"kubectl-sandbox.dev/untrusted": "true"}})
    );
}

#[test]
fn a_bad_selector_or_action_is_a_usage_error() {
    for args in [
        &["policy", "--untrusted-selector", "a in b"][..],
        &["policy", "--action", "block"][..],
        &["policy", "--apply", "-o", "json"][..],
    ] {
        assert_eq!(run(args, None).status.code(), Some(2), "{args:?}");
    }
}

struct Rig {
    api: FakeApiServer,
    _dir: TempDir,
    kubeconfig: PathBuf,
}

fn rig() -> Rig {
    let api = FakeApiServer::start();
    api.require_token("secret-token");
    let dir = tempfile::tempdir().unwrap();
    let context = KubeconfigContext {
        context_name: "prod".into(),
        cluster_name: "prod".into(),
        server_url: api.url().to_string(),
        credentials: Credentials::Token("secret-token".into()),
    };
    let kubeconfig = write_kubeconfig(dir.path(), &[context], "prod");
    Rig {
        api,
        _dir: dir,
        kubeconfig,
    }
}

fn patches(api: &FakeApiServer) -> Vec<(String, String, Option<String>)> {
    api.requests()
        .into_iter()
        .filter(|r| r.method == "PATCH")
        .map(|r| {
            assert_eq!(
                r.query.get("fieldManager").map(String::as_str),
                Some("kubectl-sandbox")
            );
            (
                r.path,
                r.headers["content-type"].clone(),
                r.query.get("dryRun").cloned(),
            )
        })
        .collect()
}

#[test]
fn apply_dry_runs_both_objects_then_applies_them() {
    let rig = rig();
    let output = run(
        &[
            "policy",
            "--apply",
            "--action",
            "warn",
            "--untrusted-selector",
            "trust=untrusted",
        ],
        Some(&rig.kubeconfig),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("serverside-applied (Warn, namespaces matching trust=untrusted)")
    );
    let dry = Some("All".to_string());
    let apply = "application/apply-patch+yaml".to_string();
    assert_eq!(
        patches(&rig.api),
        [
            (POLICY_PATH.to_string(), apply.clone(), dry.clone()),
            (BINDING_PATH.to_string(), apply.clone(), dry),
            (POLICY_PATH.to_string(), apply.clone(), None),
            (BINDING_PATH.to_string(), apply, None),
        ]
    );
    let binding = rig.api.object(BINDING_PATH).expect("the binding is stored");
    assert_eq!(binding["spec"]["validationActions"], json!(["Warn"]));
    assert!(rig.api.object(POLICY_PATH).is_some());

    // Rolling out: the same command with deny updates the binding in place.
    let output = run(
        &[
            "policy",
            "--apply",
            "--untrusted-selector",
            "trust=untrusted",
        ],
        Some(&rig.kubeconfig),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let binding = rig.api.object(BINDING_PATH).unwrap();
    assert_eq!(binding["spec"]["validationActions"], json!(["Deny"]));
}

#[test]
fn apply_refuses_a_cluster_older_than_1_30_and_writes_nothing() {
    let rig = rig();
    rig.api.set_git_version("v1.29.8-gke.1031000");
    let output = run(&["policy", "--apply"], Some(&rig.kubeconfig));
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.contains("Kubernetes 1.29") && message.contains("from 1.30"),
        "{message}"
    );
    assert!(message.contains("nothing was applied"), "{message}");
    assert_eq!(patches(&rig.api), []);
}

#[test]
fn a_refused_dry_run_changes_nothing() {
    let rig = rig();
    rig.api.fail_on("validatingadmissionpolicybindings", 403);
    let output = run(&["policy", "--apply"], Some(&rig.kubeconfig));
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.contains("dry run refused") && message.contains("nothing was changed"),
        "{message}"
    );
    assert!(message.contains("kubectl auth can-i patch"), "{message}");
    let writes: Vec<_> = patches(&rig.api)
        .into_iter()
        .filter(|(_, _, dry)| dry.is_none())
        .collect();
    assert_eq!(writes, []);
    assert!(rig.api.object(POLICY_PATH).is_none());
}

#[test]
fn apply_without_a_cluster_exits_3() {
    let output = run(&["policy", "--apply"], None);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
}

fn pl001(rig: &Rig) -> Vec<(String, String)> {
    let output = run(
        &[
            "check",
            "--no-gke",
            "--untrusted-selector",
            "trust=untrusted",
            "-o",
            "json",
        ],
        Some(&rig.kubeconfig),
    );
    let report: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", stderr(&output)));
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["id"] == "PL001")
        .map(|f| {
            (
                f["status"].as_str().unwrap().to_string(),
                f["subject"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn check_sees_the_applied_policy_and_its_action() {
    let rig = rig();
    let mut tenant = namespace("tenant-a");
    tenant["metadata"]["labels"] = json!({"trust": "untrusted"});
    rig.api.insert_all([tenant, namespace("prod")]);
    let warn = |status: &str| vec![(status.to_string(), "namespace tenant-a".to_string())];
    assert_eq!(pl001(&rig), warn("WARN"), "nothing installed yet");

    let apply = |action: &str| {
        let output = run(
            &[
                "policy",
                "--apply",
                "--action",
                action,
                "--untrusted-selector",
                "trust=untrusted",
            ],
            Some(&rig.kubeconfig),
        );
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    };
    apply("warn");
    assert_eq!(pl001(&rig), warn("WARN"), "warn admits unsandboxed pods");
    apply("deny");
    assert_eq!(pl001(&rig), warn("PASS"));
}

#[test]
fn check_skips_pl001_when_the_policies_cannot_be_read() {
    for (status, hint) in [
        (404, "1.30"),
        (
            403,
            "kubectl auth can-i list validatingadmissionpolicies.admissionregistration.k8s.io",
        ),
    ] {
        let rig = rig();
        rig.api.insert(namespace("tenant-a"));
        rig.api.fail_on("validatingadmissionpolicies", status);
        let output = run(
            &["check", "--no-gke", "--untrusted", "tenant-a", "-o", "json"],
            Some(&rig.kubeconfig),
        );
        let report: Value = serde_json::from_slice(&output.stdout).unwrap();
        let finding = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == "PL001")
            .unwrap()
            .clone();
        assert_eq!(finding["status"], "SKIP", "{status}");
        assert!(
            finding["fix"].as_str().unwrap().contains(hint),
            "{finding:#}"
        );
    }
}
