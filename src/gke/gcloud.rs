//! The one place that runs gcloud.
//!
//! gcloud is run with an argv (never a shell), its own process group, no stdin, prompts
//! disabled and a deadline. It is a shell script that starts Python, so on timeout the whole
//! group is killed: killing only the script would leave Python running. Calls are blocking;
//! a caller on tokio runs them with `spawn_blocking`, next to its Kubernetes reads.

use std::ffi::OsString;
use std::io;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{GkeCluster, GkeTarget, ListedCluster, gcloud_failure, names};
use crate::snapshot::Gap;

/// Environment variable naming the gcloud to run instead of the one on PATH (for tests).
pub(crate) const GCLOUD_OVERRIDE_ENV: &str = "KUBECTL_SANDBOX_GCLOUD";

/// gcloud does not support concurrent invocations (docs/gke-sandbox.md#node-pools): every run
/// in this process takes this lock first.
static ONE_GCLOUD_AT_A_TIME: Mutex<()> = Mutex::new(());

/// How often a running gcloud is checked for having finished.
const POLL_INTERVAL: Duration = Duration::from_millis(50);

/// How long to wait for a killed gcloud to be reaped.
const REAP_GRACE: Duration = Duration::from_secs(2);

/// A located gcloud, plus environment variables to give it.
#[derive(Debug, Clone)]
pub struct Gcloud {
    path: PathBuf,
    env: Vec<(OsString, OsString)>,
    /// Set from another thread to stop a running gcloud (its answer is no longer wanted).
    cancel: Option<Arc<AtomicBool>>,
}

/// Why [`Gcloud::run`] returned no output. A gcloud that ran and failed is not an error
/// here: its exit status and stderr are in the `Output`.
#[derive(Debug, thiserror::Error)]
pub enum GcloudError {
    #[error("could not start {}: {source}", path.display())]
    Spawn { path: PathBuf, source: io::Error },
    #[error("gcloud did not finish within {after:?} and was stopped")]
    TimedOut { after: Duration },
    #[error("lost track of the running gcloud: {0}")]
    Wait(io::Error),
    #[error("gcloud was stopped: its answer was no longer needed")]
    Cancelled,
}

impl Gcloud {
    /// `$KUBECTL_SANDBOX_GCLOUD` if set, else `gcloud` on `$PATH`.
    pub fn locate() -> Result<Gcloud, Gap> {
        Gcloud::locate_with(
            std::env::var_os(GCLOUD_OVERRIDE_ENV),
            std::env::var_os("PATH"),
        )
    }

    /// [`Gcloud::locate`] with the override and the search path given explicitly, so tests
    /// need not change the process environment.
    pub fn locate_with(
        override_path: Option<OsString>,
        search_path: Option<OsString>,
    ) -> Result<Gcloud, Gap> {
        let path = match override_path.filter(|p| !p.is_empty()) {
            Some(path) => {
                let path = PathBuf::from(path);
                if !path.is_file() {
                    return Err(gcloud_failure::not_installed(&format!(
                        "{GCLOUD_OVERRIDE_ENV} is {}, which is not a file",
                        path.display()
                    )));
                }
                path
            }
            None => {
                let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
                which::which_in("gcloud", search_path, cwd)
                    .map_err(|_| gcloud_failure::not_installed("no `gcloud` on PATH"))?
            }
        };
        Ok(Gcloud {
            path,
            env: Vec::new(),
            cancel: None,
        })
    }

    /// Adds an environment variable for every gcloud this runs (e.g. `CLOUDSDK_CONFIG`).
    pub fn with_env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Stops any gcloud this runs, group and all, once `flag` is set.
    pub fn with_cancel(mut self, flag: Arc<AtomicBool>) -> Self {
        self.cancel = Some(flag);
        self
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `gcloud ARGV… --quiet` and returns what it printed, whatever its exit status.
    /// After `timeout` (zero: no limit) gcloud's whole process group is killed.
    pub fn run(&self, argv: &[String], timeout: Duration) -> Result<Output, GcloudError> {
        let _only_one = ONE_GCLOUD_AT_A_TIME
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut args: Vec<&str> = argv.iter().map(String::as_str).collect();
        // Never wait on a question nobody will answer.
        args.push("--quiet");
        let mut expression = duct::cmd(&self.path, &args)
            .env("CLOUDSDK_CORE_DISABLE_PROMPTS", "1")
            .stdin_null()
            .stdout_capture()
            .stderr_capture()
            .unchecked()
            .before_spawn(|command| {
                // Its own group, so a timeout can stop the script and the Python it starts.
                command.process_group(0);
                Ok(())
            });
        for (key, value) in &self.env {
            expression = expression.env(key, value);
        }
        let handle = expression.start().map_err(|source| GcloudError::Spawn {
            path: self.path.clone(),
            source,
        })?;
        let group = handle.pids()[0];
        let deadline = (!timeout.is_zero()).then(|| Instant::now() + timeout);
        loop {
            if handle.try_wait().map_err(GcloudError::Wait)?.is_some() {
                return handle.into_output().map_err(GcloudError::Wait);
            }
            if self
                .cancel
                .as_ref()
                .is_some_and(|c| c.load(Ordering::SeqCst))
            {
                kill_process_group(group);
                let _ = handle.wait_timeout(REAP_GRACE);
                return Err(GcloudError::Cancelled);
            }
            if let Some(deadline) = deadline {
                let now = Instant::now();
                if now >= deadline {
                    kill_process_group(group);
                    // Reap the script. Its output pipes close when the group dies; a process
                    // that left the group could hold them open, so do not wait forever. The
                    // result does not matter: the run has timed out either way.
                    let _ = handle.wait_timeout(REAP_GRACE);
                    return Err(GcloudError::TimedOut { after: timeout });
                }
                std::thread::sleep(POLL_INTERVAL.min(deadline - now));
            } else {
                std::thread::sleep(POLL_INTERVAL);
            }
        }
    }

    /// `gcloud container clusters describe` for `target`: the cluster and its node pools in
    /// one call (docs/gke-sandbox.md#node-pools). Every failure is a Gap that says what to do.
    pub fn describe_cluster(
        &self,
        target: &GkeTarget,
        timeout: Duration,
    ) -> Result<GkeCluster, Gap> {
        target.validate().map_err(|e| {
            Gap::new(
                format!("refusing to run gcloud: {e}"),
                "fix --project, --location or --cluster",
            )
        })?;
        let output = self
            .run(&describe_argv(target), timeout)
            .map_err(|e| self.run_failed(e))?;
        cluster_from_output(target, &output)
    }

    /// `gcloud container clusters list --project P`: every cluster of the project, node
    /// pools included, in one call. gcloud asks the API's `projects.locations.clusters.list`
    /// with location `-` (all locations): `GET /v1/projects/P/locations/-/clusters`.
    pub fn list_clusters(
        &self,
        project: &str,
        timeout: Duration,
    ) -> Result<Vec<ListedCluster>, Gap> {
        names::validate_project(project)
            .map_err(|e| Gap::new(format!("refusing to run gcloud: {e}"), "fix --project"))?;
        let output = self
            .run(&list_argv(project), timeout)
            .map_err(|e| self.run_failed(e))?;
        clusters_from_list_output(project, &output)
    }

    fn run_failed(&self, error: GcloudError) -> Gap {
        match error {
            GcloudError::TimedOut { after } => gcloud_failure::timed_out(after),
            other => Gap::new(
                other.to_string(),
                format!(
                    "check that {} is a working Google Cloud CLI (`gcloud version`), or pass \
                     --gke-json FILE",
                    self.path.display()
                ),
            ),
        }
    }
}

/// `container clusters list --project P --format json`.
pub(crate) fn list_argv(project: &str) -> Vec<String> {
    [
        "container",
        "clusters",
        "list",
        "--project",
        project,
        "--format",
        "json",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// Reads a finished `clusters list`; clusters without a selfLink get the listed project.
fn clusters_from_list_output(project: &str, output: &Output) -> Result<Vec<ListedCluster>, Gap> {
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(gcloud_failure::list_failed(
            project,
            output.status.code(),
            &stderr,
        ));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut listed = GkeCluster::list_from_json(&stdout)
        .map_err(|e| gcloud_failure::not_a_cluster(&e.to_string()))?;
    for entry in &mut listed {
        entry
            .cluster
            .project
            .get_or_insert_with(|| project.to_string());
    }
    Ok(listed)
}

/// `container clusters describe CLUSTER --location L --project P --format json`.
pub(crate) fn describe_argv(target: &GkeTarget) -> Vec<String> {
    [
        "container",
        "clusters",
        "describe",
        &target.cluster,
        "--location",
        &target.location,
        "--project",
        &target.project,
        "--format",
        "json",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// Reads a finished `clusters describe`: a failure becomes a Gap; a success becomes the
/// cluster, with the project taken from the target when the JSON has no selfLink.
fn cluster_from_output(target: &GkeTarget, output: &Output) -> Result<GkeCluster, Gap> {
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(gcloud_failure::describe_failed(
            target,
            output.status.code(),
            &stderr,
        ));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut cluster = GkeCluster::from_describe_json(&stdout)
        .map_err(|e| gcloud_failure::not_a_cluster(&e.to_string()))?;
    cluster
        .project
        .get_or_insert_with(|| target.project.clone());
    Ok(cluster)
}

/// Sends SIGKILL to every process in gcloud's group. The group id is the script's pid, which
/// is not reused while the script is unreaped or any member of its group lives.
fn kill_process_group(group: u32) {
    let Ok(group) = libc::pid_t::try_from(group) else {
        return;
    };
    // SAFETY: killpg only sends a signal; it touches no memory of this process. ESRCH (the
    // group already exited) is the one expected failure and needs no handling.
    unsafe {
        libc::killpg(group, libc::SIGKILL);
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::process::ExitStatusExt;
    use std::process::ExitStatus;

    use super::*;

    fn target() -> GkeTarget {
        GkeTarget {
            project: "acme-prod".into(),
            location: "us-central1".into(),
            cluster: "tenants-auto".into(),
        }
    }

    fn output(code: i32, stdout: &str, stderr: &str) -> Output {
        Output {
            status: ExitStatus::from_raw(code << 8),
            stdout: stdout.as_bytes().to_vec(),
            stderr: stderr.as_bytes().to_vec(),
        }
    }

    #[test]
    fn argv_is_the_documented_describe() {
        assert_eq!(
            describe_argv(&target()).join(" "),
            "container clusters describe tenants-auto --location us-central1 \
             --project acme-prod --format json"
        );
    }

    #[test]
    fn argv_is_the_documented_list() {
        assert_eq!(
            list_argv("acme-prod").join(" "),
            "container clusters list --project acme-prod --format json"
        );
    }

    #[test]
    fn a_list_fills_missing_projects_and_a_failure_is_classified() {
        let json = format!(
            "[{}, {}]",
            include_str!("../../tests/fixtures/gke/autopilot.json"),
            include_str!("../../tests/fixtures/gke/standard-with-sandbox.json")
        );
        let listed = clusters_from_list_output("other", &output(0, &json, "")).unwrap();
        let projects: Vec<_> = listed.iter().map(|l| l.cluster.project.clone()).collect();
        assert_eq!(projects, [Some("other".into()), Some("acme-prod".into())]);
        let stderr =
            "ERROR: (gcloud.container.clusters.list) ResponseError: code=403, message=no\n";
        let gap = clusters_from_list_output("other", &output(1, "", stderr)).unwrap_err();
        assert!(gap.hint.contains("container.clusters.list"), "{}", gap.hint);
    }

    #[test]
    fn success_without_self_link_takes_the_project_from_the_target() {
        let json = include_str!("../../tests/fixtures/gke/autopilot.json");
        let cluster = cluster_from_output(&target(), &output(0, json, "")).unwrap();
        assert_eq!(cluster.project.as_deref(), Some("acme-prod"));
        assert!(cluster.autopilot);
    }

    #[test]
    fn success_keeps_the_project_of_the_self_link() {
        let json = include_str!("../../tests/fixtures/gke/standard-with-sandbox.json");
        let mut other = target();
        other.project = "other-project".into();
        let cluster = cluster_from_output(&other, &output(0, json, "")).unwrap();
        assert_eq!(cluster.project.as_deref(), Some("acme-prod"));
    }

    #[test]
    fn success_that_is_not_json_is_a_gap() {
        let gap = cluster_from_output(&target(), &output(0, "Listed 0 items.", "")).unwrap_err();
        assert!(
            gap.reason
                .starts_with("gcloud's output is not a GKE cluster: not JSON")
        );
    }

    #[test]
    fn failure_is_classified() {
        let stderr = "ERROR: (gcloud.container.clusters.describe) ResponseError: code=404, \
                      message=Not found\n";
        let gap = cluster_from_output(&target(), &output(1, "", stderr)).unwrap_err();
        assert!(
            gap.hint
                .contains("gcloud container clusters list --project acme-prod")
        );
    }

    #[test]
    fn an_invalid_target_never_runs_gcloud() {
        let gcloud = Gcloud {
            path: PathBuf::from("/nonexistent/gcloud"),
            env: Vec::new(),
            cancel: None,
        };
        let mut bad = target();
        bad.cluster = "--verbosity=debug".into();
        let gap = gcloud
            .describe_cluster(&bad, Duration::from_secs(1))
            .unwrap_err();
        assert!(
            gap.reason.starts_with("refusing to run gcloud"),
            "{}",
            gap.reason
        );
    }

    #[test]
    fn a_missing_override_is_not_installed() {
        let gap = Gcloud::locate_with(Some("/nonexistent/gcloud".into()), None).unwrap_err();
        assert!(gap.reason.contains("/nonexistent/gcloud"));
        assert!(gap.hint.contains("--gke-json FILE"));
    }

    #[test]
    fn an_empty_search_path_finds_no_gcloud() {
        let gap = Gcloud::locate_with(None, Some(OsString::new())).unwrap_err();
        assert!(gap.reason.contains("no `gcloud` on PATH"));
    }
}
