//! The control plane's processes never outlive the test binary: this binary runs itself
//! again in a role where it starts a child through `envtest::children` and then fails a
//! test or is killed outright, and checks that the child is gone afterwards.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use testkit::envtest::children;
use testkit::processes;

/// Set in the inner run: what it does after starting its child.
const ROLE: &str = "ENVTEST_PROCESSES_ROLE";
/// Marks the inner run's child, so the outer run can look for it.
const TAG: &str = "ENVTEST_PROCESSES_TAG";

/// The inner run: starts `sleep 300` through the spawner, says so, then does `role`.
fn inner(role: &str) {
    let mut sleep = Command::new("sleep");
    sleep.arg("300");
    children::spawn(sleep).expect("sleep starts");
    println!("child started");
    match role {
        "panic" => panic!("a failing test: the child must still be stopped"),
        _ => std::thread::sleep(Duration::from_secs(300)),
    }
}

/// Runs this test again as the inner run with `role`; returns it running, after its child
/// started.
fn outer(test: &str, role: &str, tag: &str) -> std::process::Child {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(ROLE, role)
        .env(TAG, tag)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    assert!(
        lines.any(|l| l.is_ok_and(|l| l.contains("child started"))),
        "the inner run started its child"
    );
    child
}

fn assert_gone(tag: &str) {
    let start = Instant::now();
    while !processes::with_env(TAG, tag).is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "still running: {:?}",
            processes::with_env(TAG, tag)
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_child_stops_when_a_test_panics() {
    if let Ok(role) = std::env::var(ROLE) {
        return inner(&role);
    }
    let tag = format!("panic-{}", std::process::id());
    let run = outer("a_child_stops_when_a_test_panics", "panic", &tag);
    let status = run.wait_with_output().unwrap().status;
    assert!(!status.success(), "the inner test failed");
    assert_gone(&tag);
}

#[test]
fn a_child_stops_when_the_test_binary_is_killed() {
    if let Ok(role) = std::env::var(ROLE) {
        return inner(&role);
    }
    let tag = format!("killed-{}", std::process::id());
    let mut run = outer("a_child_stops_when_the_test_binary_is_killed", "hang", &tag);
    assert!(!processes::with_env(TAG, &tag).is_empty(), "the child runs");
    run.kill().unwrap();
    run.wait().unwrap();
    assert_gone(&tag);
}
