//! What a CI gate relies on: a closed stdout never panics, an invalid explicit GKE name and
//! `-f` input with no objects are usage errors (exit 2) before any request, and `version`
//! says what `--version` says.

mod common;

use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};

use common::*;

const BIN: &str = env!("CARGO_BIN_EXE_kubectl-sandbox");
const DEMO: &str = "examples/demo-snapshot.json";
const MANIFESTS: &str = "tests/fixtures/manifests/nginx-deployment.yaml";

/// Runs `command` with stdout a pipe whose read end is closed before the command writes,
/// as `| head -c0` does: the first write finds no reader. Asserts the command ends as grep
/// and kubectl do, killed by SIGPIPE, with no panic on stderr.
fn assert_quiet_on_closed_stdout(mut command: Command, what: &str) {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(Stdio::null())
        .spawn()
        .expect("the binary runs");
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
        "{what}: {stderr}"
    );
    assert_eq!(
        output.status.signal(),
        Some(libc::SIGPIPE),
        "{what}: {:?}, stderr: {stderr}",
        output.status
    );
}

fn binary(args: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    command.args(args).env("NO_COLOR", "1");
    command
}

#[test]
fn every_command_ends_quietly_when_stdout_closes() {
    let offline: &[&[&str]] = &[
        &["check", "--from", DEMO],
        &["check", "--from", DEMO, "-o", "json"],
        &["check", "--from", DEMO, "-o", "yaml"],
        &["check", "--from", DEMO, "--no-headers"],
        &["version"],
        &["--version"],
        &["--help"],
        &["completion", "bash"],
        &["completion", "zsh"],
        &["policy"],
        &["policy", "-o", "json"],
        &["explain-pod", "-f", MANIFESTS],
        &["explain-pod", "-f", MANIFESTS, "-o", "json"],
        &["explain-pod", "-f", MANIFESTS, "-o", "yaml"],
        &["explain-pod", "-f", MANIFESTS, "-o", "sarif"],
        &["migrate", "-f", MANIFESTS],
        &["migrate", "-f", MANIFESTS, "-o", "json"],
    ];
    for args in offline {
        assert_quiet_on_closed_stdout(binary(args), &args.join(" "));
    }
    let rig = rig(None, "europe-west1");
    healthy_cluster(&rig.api, "gvisor-pool");
    for args in [
        &["snapshot", "--no-gke"][..],
        &["snapshot", "--no-gke", "-o", "yaml"],
        &["check", "--no-gke"],
        &["explain-pod", "-A", "--no-gke"],
    ] {
        assert_quiet_on_closed_stdout(rig.command(args), &args.join(" "));
    }
}

#[test]
fn an_invalid_explicit_gke_name_is_a_usage_error_before_any_request() {
    for (flag, value) in [
        ("--project", "p"),
        ("--location", "-europe-west1"),
        ("--cluster", "Prod_EU"),
    ] {
        // A kubeconfig that cannot be read: any attempt to connect would exit 3.
        let given = format!("{flag}={value}");
        let output = binary(&["check", &given, "--kubeconfig", "/nonexistent/config"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{flag} {value}: {stderr}");
        assert!(
            stderr.contains(flag) && stderr.contains("is not a valid"),
            "{stderr}"
        );
    }
}

#[test]
fn explain_pod_on_input_with_no_objects_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let empty_file = dir.path().join("empty.yaml");
    std::fs::write(&empty_file, "# nothing here\n").unwrap();
    let empty_dir = dir.path().join("manifests");
    std::fs::create_dir(&empty_dir).unwrap();
    for path in [&empty_file, &empty_dir] {
        let output = binary(&["explain-pod", "-f", path.to_str().unwrap()])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains(&format!("no objects in {}", path.display())),
            "{stderr}"
        );
        assert!(
            output.stdout.is_empty(),
            "nothing explained, nothing printed"
        );
    }
}

#[test]
fn version_and_the_version_flag_print_the_same_text() {
    let command = binary(&["version"]).output().unwrap();
    let flag = binary(&["--version"]).output().unwrap();
    assert_eq!(command.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&command.stdout),
        String::from_utf8_lossy(&flag.stdout)
    );
}
