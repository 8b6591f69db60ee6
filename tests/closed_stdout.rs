//! Every command ends quietly when its stdout closes (`| head`), as grep and kubectl do.
//! Its own test binary with one test, not a module of `tests/it`: a process spawned by a
//! concurrent test could hold a copy of the pipe's read end between its fork and exec, and
//! the write would not fail. `O_CLOEXEC` on Rust's pipes closes that copy only at the exec.

// The live-test rig of `tests/it`; this binary uses only `rig` and `healthy_cluster`, and
// a test binary has no public surface.
#[allow(dead_code, unreachable_pub)]
#[path = "it/common.rs"]
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
