//! Every error path these tests can reach, against the fake API server answering 403,
//! 404, 409 and 500 and against no server at all: what the user reads names what failed,
//! carries the server's words and a next step, and never a Rust debug dump
//! (`Status { status: Some(Failure), … }`, `ServiceError: client error (Connect)`).

use std::process::Command;

use serde_json::json;
use testkit::fake_apiserver::objects::{gvisor_runtime_class, namespace};
use testkit::fake_apiserver::{Credentials, FakeApiServer, KubeconfigContext, write_kubeconfig};

/// A command, the resource whose requests fail, and the words that name what failed.
struct Case {
    args: &'static [&'static str],
    fails: &'static str,
    names: &'static str,
}

const CASES: [Case; 7] = [
    Case {
        args: &[
            "explain-pod",
            "deployment/web",
            "-n",
            "shop",
            "-o",
            "json",
            "--no-gke",
        ],
        fails: "deployments",
        names: "deployment",
    },
    Case {
        args: &["explain-pod", "-A", "-o", "json", "--no-gke"],
        fails: "deployments",
        names: "deployments",
    },
    Case {
        args: &["migrate", "deployment/web", "-n", "shop", "--no-gke"],
        fails: "deployments",
        names: "deployment",
    },
    Case {
        args: &["migrate", "--all", "-n", "shop", "--no-gke", "-o", "json"],
        fails: "deployments",
        names: "deployments",
    },
    Case {
        args: &["check", "--no-gke", "-o", "json"],
        fails: "pods",
        names: "pods",
    },
    Case {
        args: &["snapshot", "--no-gke"],
        fails: "nodes",
        names: "nodes",
    },
    Case {
        args: &["policy", "--apply"],
        fails: "validatingadmissionpolicies",
        names: "validatingadmissionpolicies",
    },
];

/// The words of the fake's Status body for each code, one of which the user must see.
/// A 404 for one object says `not found in namespace shop` (an existing assertion holds
/// it to that); for a whole collection, the server's sentence.
fn server_words(code: u16) -> &'static [&'static str] {
    match code {
        403 => &["is forbidden"],
        404 => &["not found", "could not find the requested resource"],
        500 => &["Internal error occurred"],
        _ => &["injected failure"],
    }
}

fn run(kubeconfig: &std::path::Path, args: &[&str]) -> (Option<i32>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_kubectl-sandbox"))
        .args(args)
        .env("KUBECONFIG", kubeconfig)
        .env("NO_COLOR", "1")
        .env_remove("KUBECTL_SANDBOX_GCLOUD")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.code(), text)
}

/// A Rust debug shape: `Name { `, `Some(`, kube's and hyper's wrappers.
fn debug_dump(text: &str) -> Option<&str> {
    for shape in [
        "Some(",
        "None)",
        "ServiceError",
        "client error (",
        "Error {",
    ] {
        if text.contains(shape) {
            return Some(shape);
        }
    }
    text.match_indices(" { ").find_map(|(at, shape)| {
        let word = text[..at].rsplit(|c: char| !c.is_alphanumeric()).next()?;
        word.starts_with(char::is_uppercase).then_some(shape)
    })
}

fn assert_readable(what: &str, text: &str) {
    if let Some(shape) = debug_dump(text) {
        panic!("{what}: a debug shape `{shape}` reaches the user:\n{text}");
    }
}

/// A next step: a command to run, or what to do again.
fn has_next_step(text: &str) -> bool {
    text.contains('`') || text.contains("again")
}

#[test]
fn api_errors_name_what_failed_the_servers_words_and_a_next_step() {
    for code in [403, 404, 409, 500] {
        for case in &CASES {
            let api = FakeApiServer::start();
            api.insert_all([gvisor_runtime_class(), namespace("shop")]);
            api.insert(json!({
                "apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": "web", "namespace": "shop"},
                "spec": {"template": {"spec": {"containers": [{"name": "web"}]}}}
            }));
            api.fail_on(case.fails, code);
            let dir = tempfile::tempdir().unwrap();
            let context = KubeconfigContext::new("prod", api.url(), Credentials::None);
            let kubeconfig = write_kubeconfig(dir.path(), &[context], "prod");
            let (_, text) = run(&kubeconfig, case.args);
            let what = format!("{} with {code} on {}", case.args.join(" "), case.fails);
            assert_readable(&what, &text);
            assert!(
                text.contains(case.names),
                "{what}: names what failed:\n{text}"
            );
            assert!(
                server_words(code).iter().any(|words| text.contains(words)),
                "{what}: carries the server's words:\n{text}"
            );
            assert!(has_next_step(&text), "{what}: says what to do:\n{text}");
        }
    }
}

#[test]
fn an_unreachable_server_is_said_plainly_by_every_command() {
    let dir = tempfile::tempdir().unwrap();
    // Nothing listens on port 9 of loopback.
    let context = KubeconfigContext::new("gone", "http://127.0.0.1:9", Credentials::None);
    let kubeconfig = write_kubeconfig(dir.path(), &[context], "gone");
    for case in &CASES {
        let (exit, text) = run(&kubeconfig, case.args);
        let what = case.args.join(" ");
        assert_eq!(exit, Some(3), "{what}:\n{text}");
        assert_readable(&what, &text);
        assert!(
            text.contains("127.0.0.1:9"),
            "{what}: names the server:\n{text}"
        );
        assert!(has_next_step(&text), "{what}: says what to do:\n{text}");
    }
}

#[test]
fn the_debug_shape_check_sees_what_it_is_for() {
    assert!(debug_dump("Status { status: Some(Failure), code: 403 }").is_some());
    assert!(debug_dump("ServiceError: client error (Connect)").is_some());
    assert!(debug_dump("Api { code: 1 }").is_some());
    assert!(debug_dump("not allowed to list pods (403 Forbidden: pods is forbidden)").is_none());
    assert!(
        debug_dump("{ \"a\": 1 }").is_none(),
        "JSON is not a debug dump"
    );
}
