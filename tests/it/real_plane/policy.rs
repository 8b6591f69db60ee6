//! `kubectl sandbox policy --apply` against the real API server: server-side apply,
//! conflicts with objects first written by `kubectl apply`, and what each action does at
//! admission.

use serde_json::{Value, json};
use testkit::envtest::ControlPlane;
use testkit::fake_apiserver::objects::pod;

use super::common::{
    PolicyCleanup, expect_exit, gke_plane, sandbox, stderr, try_unsandboxed_pod, wait_for_admission,
};

const BINDING: &str = "validatingadmissionpolicybinding";

fn binding_actions(plane: &ControlPlane) -> Value {
    let binding = plane
        .get(BINDING, None, kubectl_sandbox::POLICY_NAME)
        .unwrap();
    binding["spec"]["validationActions"].clone()
}

#[test]
fn apply_over_objects_created_by_kubectl_apply_names_the_conflict_then_forces_it() {
    let Some(plane) = gke_plane() else { return };
    let _cluster = plane.exclusive();
    let _cleanup = PolicyCleanup(plane);
    let selector = "conflict.test/untrusted=true";
    let printed = expect_exit(
        &sandbox(
            plane,
            &[
                "policy",
                "--action",
                "warn",
                "--untrusted-selector",
                selector,
                "-o",
                "json",
            ],
        ),
        0,
    );
    let objects: Value = serde_json::from_str(&printed).unwrap();
    let applied = plane.kubectl_with_object(&["apply"], &objects);
    assert!(applied.status.success(), "{}", stderr(&applied));

    // kubectl's client-side apply owns fields the server-side apply sets, even where the
    // values agree: the real server answers 409 with one cause per field.
    let refused = sandbox(
        plane,
        &["policy", "--apply", "--untrusted-selector", selector],
    );
    let text = stderr(&refused);
    assert_eq!(refused.status.code(), Some(2), "{text}");
    assert!(
        text.contains("conflict: field manager \"kubectl-client-side-apply\" owns .spec."),
        "{text}"
    );
    assert!(text.contains("--force-conflicts"), "{text}");
    assert!(text.contains("nothing was changed"), "{text}");
    assert!(!text.contains("Status {"), "no debug dump: {text}");
    assert_eq!(binding_actions(plane), json!(["Warn"]), "nothing changed");

    // Forcing takes the fields over, also the `Warn` item kubectl's apply owns in the
    // set-typed validationActions (a plain forced apply kept it: `[Warn, Deny]`, refused).
    let forced = sandbox(
        plane,
        &[
            "policy",
            "--apply",
            "--force-conflicts",
            "--untrusted-selector",
            selector,
        ],
    );
    expect_exit(&forced, 0);
    assert_eq!(binding_actions(plane), json!(["Deny"]));
    let policy: Value = serde_json::from_str(&plane.kubectl_ok(&[
        "get",
        "validatingadmissionpolicy",
        kubectl_sandbox::POLICY_NAME,
        "-o",
        "json",
        "--show-managed-fields",
    ]))
    .unwrap();
    let appliers: Vec<&Value> = policy["metadata"]["managedFields"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["operation"] == "Apply" && m["subresource"].is_null())
        .map(|m| &m["manager"])
        .collect();
    assert_eq!(appliers, [&json!("kubectl-sandbox")], "{policy:#}");
    // The fields are the plugin's now: a later update needs no force.
    expect_exit(
        &sandbox(
            plane,
            &[
                "policy",
                "--apply",
                "--action",
                "audit",
                "--untrusted-selector",
                selector,
            ],
        ),
        0,
    );
    assert_eq!(binding_actions(plane), json!(["Audit"]));
}

#[test]
fn deny_warn_and_audit_do_what_the_readme_says() {
    let Some(plane) = gke_plane() else { return };
    let _cluster = plane.exclusive();
    let _cleanup = PolicyCleanup(plane);
    let label = "actions.test/untrusted";
    let untrusted = plane.namespace("actions-untrusted", &[(label, "true")]);
    let trusted = plane.namespace("actions-trusted", &[]);
    let selector = format!("{label}=true");
    let apply = |action: &str| {
        expect_exit(
            &sandbox(
                plane,
                &[
                    "policy",
                    "--apply",
                    "--action",
                    action,
                    "--untrusted-selector",
                    &selector,
                ],
            ),
            0,
        )
    };

    let out = apply("deny");
    assert!(out.contains("serverside-applied (Deny"), "{out}");
    let refused = wait_for_admission(plane, &untrusted, |admitted, _| !admitted);
    assert!(refused.contains("runtimeClassName: gvisor"), "{refused}");
    assert!(refused.contains(kubectl_sandbox::POLICY_NAME), "{refused}");
    // Sandboxed pods, and namespaces the selector does not match, are admitted.
    let mut sandboxed = pod(&untrusted, "sandboxed");
    sandboxed["spec"]["runtimeClassName"] = json!("gvisor");
    let admitted = plane.kubectl_with_object(&["create", "--dry-run=server"], &sandboxed);
    assert!(admitted.status.success(), "{}", stderr(&admitted));
    assert!(try_unsandboxed_pod(plane, &trusted).0);

    apply("warn");
    let warned = wait_for_admission(plane, &untrusted, |admitted, text| {
        admitted && text.contains("Warning:")
    });
    assert!(warned.contains("runtimeClassName: gvisor"), "{warned}");

    apply("audit");
    wait_for_admission(plane, &untrusted, |admitted, text| {
        admitted && !text.contains("Warning:")
    });
    assert_eq!(binding_actions(plane), json!(["Audit"]));
}
