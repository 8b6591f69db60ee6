//! What a CI gate relies on: an invalid explicit GKE name and `-f` input with no objects
//! are usage errors (exit 2) before any request, and `version` says what `--version` says.
//! (A closed stdout: `tests/closed_stdout.rs`.)

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_kubectl-sandbox");

fn binary(args: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    command.args(args).env("NO_COLOR", "1");
    command
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
