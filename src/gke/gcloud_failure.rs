//! Turns a failed gcloud run into a [`Gap`] that says what to do next (sans-IO).
//!
//! The patterns match what the real gcloud (SDK 528) prints on stderr, seen against the GKE
//! API mock in `tests/testkit` and with an empty configuration:
//! - no account: `ERROR: (gcloud.container.clusters.describe) You do not currently have an
//!   active account selected.` followed by advice to run `gcloud auth login`;
//! - HTTP errors: `ERROR: (gcloud.container.clusters.describe) ResponseError: code=403,
//!   message=…` (401 and 404 alike); a 404 is followed by `No cluster named 'C' in P.`;
//! - a body that is not JSON: `ERROR: gcloud crashed (InvalidDataFromServerError): Error
//!   decoding response "…" as type Cluster: …`.

use std::time::Duration;

use super::GkeTarget;
use crate::snapshot::Gap;

/// Why gcloud failed, decided from its stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FailureKind {
    Unauthenticated,
    PermissionDenied,
    NotFound,
    UndecodableResponse,
    Other,
}

/// Reads the kind of failure from gcloud's stderr. Credentials come first: an expired login
/// can surface alongside other words.
pub(crate) fn kind(stderr: &str) -> FailureKind {
    let has = |needles: &[&str]| needles.iter().any(|n| stderr.contains(n));
    if has(&[
        "code=401",
        "UNAUTHENTICATED",
        "You do not currently have an active account selected",
        "refreshing your current auth tokens",
        "Reauthentication failed",
        "Could not automatically determine credentials",
        "invalid_grant",
    ]) {
        FailureKind::Unauthenticated
    } else if has(&["code=403", "PERMISSION_DENIED", "does not have permission"]) {
        FailureKind::PermissionDenied
    } else if has(&["code=404", "NOT_FOUND", "No cluster named"]) {
        FailureKind::NotFound
    } else if has(&["InvalidDataFromServerError", "Error decoding response"]) {
        FailureKind::UndecodableResponse
    } else {
        FailureKind::Other
    }
}

/// The Gap for a `clusters describe` that exited non-zero.
pub(crate) fn describe_failed(target: &GkeTarget, exit_code: Option<i32>, stderr: &str) -> Gap {
    let GkeTarget {
        project,
        location,
        cluster,
    } = target;
    let said = error_line(stderr);
    match kind(stderr) {
        FailureKind::PermissionDenied => Gap::new(
            format!("permission denied reading GKE cluster {cluster} in project {project}: {said}"),
            format!(
                "the account needs the permission container.clusters.get on project {project}, \
                 e.g. from the role roles/container.clusterViewer"
            ),
        ),
        FailureKind::NotFound => Gap::new(
            format!(
                "GKE cluster {cluster} was not found in project {project}, location {location}"
            ),
            format!(
                "check --project, --location and --cluster; list clusters with \
                 `gcloud container clusters list --project {project}`"
            ),
        ),
        other => any_command_failed(other, exit_code, &said, "describe"),
    }
}

/// The Gap for a `clusters list --project P` that exited non-zero.
pub(crate) fn list_failed(project: &str, exit_code: Option<i32>, stderr: &str) -> Gap {
    let said = error_line(stderr);
    match kind(stderr) {
        FailureKind::PermissionDenied => Gap::new(
            format!("permission denied listing the GKE clusters of project {project}: {said}"),
            format!(
                "the account needs the permission container.clusters.list on project {project}, \
                 e.g. from the role roles/container.clusterViewer"
            ),
        ),
        FailureKind::NotFound => Gap::new(
            format!("project {project} was not found: {said}"),
            "check --project (the project ID, not its display name): `gcloud projects list`",
        ),
        other => any_command_failed(other, exit_code, &said, "list"),
    }
}

/// The failures that read the same whichever `clusters` command gcloud ran.
fn any_command_failed(kind: FailureKind, exit_code: Option<i32>, said: &str, command: &str) -> Gap {
    match kind {
        FailureKind::Unauthenticated => Gap::new(
            format!("gcloud has no valid credentials: {said}"),
            "run `gcloud auth login` (or `gcloud auth application-default login`), then retry; \
             --gke-json FILE reads a saved describe instead",
        ),
        FailureKind::UndecodableResponse => Gap::new(
            format!("the GKE API answered with something gcloud could not decode: {said}"),
            "check gcloud's API endpoint settings and any proxy in between \
             (`gcloud config list`), or pass --gke-json FILE",
        ),
        _ => Gap::new(
            match exit_code {
                Some(code) => format!("gcloud exited with code {code}: {said}"),
                None => format!("gcloud was stopped by a signal: {said}"),
            },
            format!(
                "run the same `gcloud container clusters {command}` yourself to see the whole \
                 error, or pass --gke-json FILE"
            ),
        ),
    }
}

/// The Gap for a gcloud run that was stopped after `after`.
pub(crate) fn timed_out(after: Duration) -> Gap {
    Gap::new(
        format!(
            "gcloud did not finish within {}; it was stopped",
            humane(after)
        ),
        "raise --gcloud-timeout, or check gcloud's network access with \
         `gcloud info --run-diagnostics`",
    )
}

/// The Gap for a gcloud that exited 0 but printed something that is not a cluster.
pub(crate) fn not_a_cluster(problem: &str) -> Gap {
    Gap::new(
        format!("gcloud's output is not a GKE cluster: {problem}"),
        "make sure no gcloud configuration overrides the output format, or pass --gke-json FILE",
    )
}

/// The Gap for no gcloud at all.
pub(crate) fn not_installed(detail: &str) -> Gap {
    Gap::new(
        format!("gcloud was not found: {detail}"),
        "install the Google Cloud CLI (https://cloud.google.com/sdk/docs/install) and run \
         `gcloud auth login`; or pass --gke-json FILE with saved \
         `gcloud container clusters describe --format json` output to work offline",
    )
}

/// gcloud's `ERROR:` line says what went wrong; the lines after it are advice. Without one,
/// the last non-empty line is the best summary.
pub(crate) fn error_line(stderr: &str) -> String {
    let mut lines = stderr.lines().map(str::trim).filter(|l| !l.is_empty());
    lines
        .clone()
        .find(|l| l.starts_with("ERROR:"))
        .or_else(|| lines.next_back())
        .unwrap_or("(nothing on stderr)")
        .to_string()
}

fn humane(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{}ms", d.as_millis())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target() -> GkeTarget {
        GkeTarget {
            project: "acme-prod".into(),
            location: "europe-west1".into(),
            cluster: "prod-eu".into(),
        }
    }

    // What the real gcloud 528 printed against the mock (see the module docs).
    const NO_ACCOUNT: &str = "ERROR: (gcloud.container.clusters.describe) You do not currently \
        have an active account selected.\nPlease run:\n\n  $ gcloud auth login\n\nto obtain new \
        credentials.\n\nIf you have already logged in with a different account, run:\n\n  $ \
        gcloud config set account ACCOUNT\n\nto select an already authenticated account to use.\n";
    const HTTP_401: &str = "ERROR: (gcloud.container.clusters.describe) ResponseError: code=401, \
        message=Request had invalid authentication credentials.\n";
    const HTTP_403: &str = "ERROR: (gcloud.container.clusters.describe) ResponseError: code=403, \
        message=Required \"container.clusters.get\" permission(s) for \"projects/acme-prod/\
        locations/europe-west1/clusters/prod-eu\".\n";
    const HTTP_404: &str = "ERROR: (gcloud.container.clusters.describe) ResponseError: code=404, \
        message=Not found: projects/acme-prod/locations/europe-west1/clusters/prod-eu.\n\
        No cluster named 'prod-eu' in acme-prod.\n";
    const CRASH: &str = "ERROR: gcloud crashed (InvalidDataFromServerError): Error decoding \
        response \"<html>\" as type Cluster: Expecting value\n\nIf you would like to report this \
        issue, please run the following command:\n  gcloud feedback\n";

    #[test]
    fn classifies_what_gcloud_prints() {
        assert_eq!(kind(NO_ACCOUNT), FailureKind::Unauthenticated);
        assert_eq!(kind(HTTP_401), FailureKind::Unauthenticated);
        assert_eq!(kind(HTTP_403), FailureKind::PermissionDenied);
        assert_eq!(kind(HTTP_404), FailureKind::NotFound);
        assert_eq!(kind(CRASH), FailureKind::UndecodableResponse);
        assert_eq!(kind("ERROR: (gcloud) something else\n"), FailureKind::Other);
    }

    #[test]
    fn unauthenticated_says_how_to_log_in() {
        let gap = describe_failed(&target(), Some(1), NO_ACCOUNT);
        assert!(
            gap.reason
                .contains("You do not currently have an active account")
        );
        assert!(gap.hint.contains("gcloud auth login"));
        assert!(gap.hint.contains("gcloud auth application-default login"));
    }

    #[test]
    fn permission_denied_names_the_permission_and_a_role() {
        let gap = describe_failed(&target(), Some(1), HTTP_403);
        assert!(gap.hint.contains("container.clusters.get"));
        assert!(gap.hint.contains("roles/container.clusterViewer"));
        assert!(gap.hint.contains("acme-prod"));
    }

    #[test]
    fn not_found_says_what_to_check_and_how_to_list() {
        let gap = describe_failed(&target(), Some(1), HTTP_404);
        assert!(gap.reason.contains("prod-eu"));
        assert!(gap.hint.contains("--project, --location and --cluster"));
        assert!(
            gap.hint
                .contains("gcloud container clusters list --project acme-prod")
        );
    }

    #[test]
    fn other_failures_show_the_error_line_and_exit_code() {
        let gap = describe_failed(
            &target(),
            Some(2),
            "warming up\nERROR: (gcloud) boom\nadvice\n",
        );
        assert_eq!(
            gap.reason,
            "gcloud exited with code 2: ERROR: (gcloud) boom"
        );
        let gap = describe_failed(&target(), Some(2), "just this\n\n");
        assert_eq!(gap.reason, "gcloud exited with code 2: just this");
        let gap = describe_failed(&target(), None, "");
        assert_eq!(
            gap.reason,
            "gcloud was stopped by a signal: (nothing on stderr)"
        );
    }

    #[test]
    fn a_failed_list_names_the_list_permission() {
        let stderr = HTTP_403.replace("clusters.describe", "clusters.list");
        let gap = list_failed("acme-prod", Some(1), &stderr);
        assert!(
            gap.reason
                .contains("listing the GKE clusters of project acme-prod")
        );
        assert!(gap.hint.contains("container.clusters.list"), "{}", gap.hint);
        let gap = list_failed("acme-prod", Some(1), "ERROR: (gcloud) boom\n");
        assert!(
            gap.hint.contains("gcloud container clusters list"),
            "{}",
            gap.hint
        );
    }

    #[test]
    fn timeout_names_the_flag() {
        let gap = timed_out(Duration::from_secs(30));
        assert!(gap.reason.contains("30s"));
        assert!(gap.hint.contains("--gcloud-timeout"));
        assert!(
            timed_out(Duration::from_millis(1500))
                .reason
                .contains("1500ms")
        );
    }

    #[test]
    fn not_installed_points_to_the_install_and_offline_mode() {
        let gap = not_installed("no gcloud on PATH");
        assert!(gap.hint.contains("install the Google Cloud CLI"));
        assert!(gap.hint.contains("--gke-json FILE"));
    }
}
