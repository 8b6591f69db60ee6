//! A real Kubernetes control plane for tests (etcd, kube-apiserver, and on request
//! kube-controller-manager and kube-scheduler) on loopback, started once per test binary.
//!
//! Follows the envtest convention: the binaries come from the directory in
//! `KUBEBUILDER_ASSETS` (`../shared/envtest/unpack.sh` prints it). When it is unset,
//! [`plane`] prints that the test is skipped and returns `None`. Every process is stopped
//! when the test binary exits (see [`processes`]). Objects a test creates live in its own
//! namespace ([`ControlPlane::namespace`]); cluster-scoped objects are shared, so tests that
//! change them hold [`ControlPlane::exclusive`].

mod certs;
mod cluster;
pub mod processes;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use certs::Certs;

/// The environment variable children inherit (value: the test binary's pid), so a test can
/// see which processes the plane started.
pub const MARKER: &str = "KUBECTL_SANDBOX_ENVTEST";

/// How long the API server gets to answer `/readyz` (a few seconds when the machine is idle).
const START_TIMEOUT: Duration = Duration::from_secs(120);

pub struct ControlPlane {
    dir: PathBuf,
    assets: PathBuf,
    url: String,
    certs: Certs,
    admin_kubeconfig: PathBuf,
    controller_manager: OnceLock<Result<(), String>>,
    scheduler: OnceLock<Result<(), String>>,
    names: AtomicUsize,
    exclusive: Mutex<()>,
}

/// Someone a kubeconfig impersonates (`as:` / `as-groups:`), for RBAC tests.
#[derive(Debug, Clone)]
pub struct Identity {
    pub user: String,
    pub groups: Vec<String>,
}

impl Identity {
    pub fn user(name: &str) -> Identity {
        Identity {
            user: name.into(),
            groups: Vec::new(),
        }
    }
}

static PLANE: OnceLock<Result<ControlPlane, String>> = OnceLock::new();

/// The plane of this test binary, started on first use; `None` (after saying the test is
/// skipped) when `KUBEBUILDER_ASSETS` is not set. Panics when the plane cannot start.
pub fn plane() -> Option<&'static ControlPlane> {
    let Some(assets) = std::env::var_os("KUBEBUILDER_ASSETS").filter(|v| !v.is_empty()) else {
        eprintln!(
            "skipped: KUBEBUILDER_ASSETS is not set; these tests need a real control plane \
             (apt-get install etcd-server; export KUBEBUILDER_ASSETS=$(../shared/envtest/unpack.sh))"
        );
        return None;
    };
    match PLANE.get_or_init(|| ControlPlane::start(PathBuf::from(assets))) {
        Ok(plane) => Some(plane),
        Err(e) => panic!("the real control plane did not start: {e}"),
    }
}

/// A port nobody listens on right now (the OS picks it).
fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free loopback port: {e}"))
}

/// Polls `done` every 100-500 ms until it holds or `timeout` passes (then panics).
pub fn wait_until(what: &str, timeout: Duration, mut done: impl FnMut() -> bool) {
    wait_until_state(what, timeout, || (done(), String::new()));
}

/// Like [`wait_until`], with `poll` also describing the state it saw; the last description
/// is in the panic message.
pub fn wait_until_state(what: &str, timeout: Duration, mut poll: impl FnMut() -> (bool, String)) {
    let mut last = String::new();
    let waited = try_wait_until(what, timeout, || {
        let (done, state) = poll();
        last = state;
        Ok(done)
    });
    if let Err(e) = waited {
        panic!("{e}; last seen: {last}");
    }
}

fn try_wait_until(
    what: &str,
    timeout: Duration,
    mut done: impl FnMut() -> Result<bool, String>,
) -> Result<(), String> {
    let start = Instant::now();
    let mut pause = Duration::from_millis(100);
    loop {
        if done()? {
            return Ok(());
        }
        if start.elapsed() > timeout {
            return Err(format!("timed out after {timeout:?} waiting for {what}"));
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(500));
    }
}

fn tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

impl ControlPlane {
    fn start(assets: PathBuf) -> Result<ControlPlane, String> {
        let dir =
            std::env::temp_dir().join(format!("kubectl-sandbox-envtest-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        processes::remove_at_exit(dir.clone());
        let certs = Certs::generate(&dir)?;
        let (etcd_port, peer_port, api_port) = (free_port()?, free_port()?, free_port()?);
        let url = format!("https://127.0.0.1:{api_port}");
        let admin_kubeconfig = dir.join("admin.kubeconfig");
        let plane = ControlPlane {
            dir,
            assets,
            url,
            certs,
            admin_kubeconfig,
            controller_manager: OnceLock::new(),
            scheduler: OnceLock::new(),
            names: AtomicUsize::new(0),
            exclusive: Mutex::new(()),
        };
        plane.write_kubeconfig(&plane.admin_kubeconfig, "envtest", None);
        let etcd_client = format!("http://127.0.0.1:{etcd_port}");
        let etcd_peer = format!("http://127.0.0.1:{peer_port}");
        let etcd = plane.run(
            "etcd",
            &[
                "--name=envtest",
                &format!("--data-dir={}", plane.dir.join("etcd").display()),
                &format!("--listen-client-urls={etcd_client}"),
                &format!("--advertise-client-urls={etcd_client}"),
                &format!("--listen-peer-urls={etcd_peer}"),
                &format!("--initial-advertise-peer-urls={etcd_peer}"),
                &format!("--initial-cluster=envtest={etcd_peer}"),
            ],
        )?;
        let c = &plane.certs;
        let apiserver = plane.run(
            "kube-apiserver",
            &[
                &format!("--etcd-servers={etcd_client}"),
                "--bind-address=127.0.0.1",
                "--advertise-address=127.0.0.1",
                &format!("--secure-port={api_port}"),
                "--service-cluster-ip-range=10.96.0.0/24",
                "--authorization-mode=RBAC",
                &format!("--client-ca-file={}", c.ca_cert.display()),
                &format!("--tls-cert-file={}", c.serving_cert.display()),
                &format!("--tls-private-key-file={}", c.serving_key.display()),
                "--service-account-issuer=https://kubernetes.default.svc",
                &format!(
                    "--service-account-key-file={}",
                    c.service_account_pub.display()
                ),
                &format!(
                    "--service-account-signing-key-file={}",
                    c.service_account_key.display()
                ),
                "--endpoint-reconciler-type=none",
                "--allow-privileged=true",
                "--profiling=false",
            ],
        )?;
        try_wait_until("the API server's /readyz", START_TIMEOUT, || {
            for (name, pid) in [("etcd", etcd), ("kube-apiserver", apiserver)] {
                if let Some(status) = processes::exit_status(pid) {
                    return Err(format!(
                        "{name} exited ({status}):\n{}",
                        tail(&plane.log(name))
                    ));
                }
            }
            Ok(plane
                .kubectl(&["get", "--raw=/readyz", "--request-timeout=5s"])
                .status
                .success())
        })
        .map_err(|e| {
            format!(
                "{e}\nkube-apiserver log:\n{}",
                tail(&plane.log("kube-apiserver"))
            )
        })?;
        Ok(plane)
    }

    fn log(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.log"))
    }

    /// Starts asset `name` with `args`, output to `DIR/NAME.log`; returns its pid.
    fn run(&self, name: &str, args: &[&str]) -> Result<u32, String> {
        let log = std::fs::File::create(self.log(name)).map_err(|e| format!("{name} log: {e}"))?;
        let err = log.try_clone().map_err(|e| format!("{name} log: {e}"))?;
        let mut command = Command::new(self.assets.join(name));
        command
            .args(args)
            .current_dir(&self.dir)
            .env(MARKER, std::process::id().to_string())
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(err);
        processes::spawn(command)
            .map_err(|e| format!("{} could not start: {e}", self.assets.join(name).display()))
    }

    /// The API server's URL, `https://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A kubeconfig for the admin identity (`system:masters`), context and cluster `envtest`.
    pub fn admin_kubeconfig(&self) -> &Path {
        &self.admin_kubeconfig
    }

    /// Writes a kubeconfig for this plane to `path`: one context (named as the cluster entry,
    /// `cluster_name`, e.g. GKE's `gke_PROJECT_LOCATION_CLUSTER`), authenticated as the admin
    /// and impersonating `identity` when given.
    pub fn write_kubeconfig(&self, path: &Path, cluster_name: &str, identity: Option<&Identity>) {
        let mut user = json!({
            "client-certificate": self.certs.admin_cert,
            "client-key": self.certs.admin_key,
        });
        if let Some(identity) = identity {
            user["as"] = json!(identity.user);
            if !identity.groups.is_empty() {
                user["as-groups"] = json!(identity.groups);
            }
        }
        let config = json!({
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{ "name": cluster_name, "cluster": {
                "server": self.url,
                "certificate-authority": self.certs.ca_cert,
            }}],
            "users": [{ "name": "envtest-user", "user": user }],
            "contexts": [{ "name": cluster_name, "context": {
                "cluster": cluster_name,
                "user": "envtest-user",
            }}],
            "current-context": cluster_name,
        });
        std::fs::write(path, serde_json::to_vec_pretty(&config).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }

    /// A kubeconfig (in the plane's directory) impersonating `identity`.
    pub fn kubeconfig_as(&self, identity: &Identity) -> PathBuf {
        let n = self.names.fetch_add(1, Ordering::Relaxed);
        let path = self.dir.join(format!(
            "as-{}-{n}.kubeconfig",
            identity.user.replace([':', '/'], "_")
        ));
        self.write_kubeconfig(&path, "envtest", Some(identity));
        path
    }

    /// Holds off other tests that change cluster-scoped objects (policies, nodes,
    /// RuntimeClasses, cluster roles) or read all of them, for as long as the guard lives.
    pub fn exclusive(&self) -> MutexGuard<'_, ()> {
        self.exclusive.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs the real kubectl as the admin (the output is returned whatever the exit status).
    pub fn kubectl(&self, args: &[&str]) -> Output {
        self.kubectl_with_input(args, None)
    }

    fn kubectl_with_input(&self, args: &[&str], input: Option<&[u8]>) -> Output {
        let mut command = Command::new("kubectl");
        command
            .arg(format!("--kubeconfig={}", self.admin_kubeconfig.display()))
            .args(args)
            .env_remove("KUBECONFIG")
            .stdin(if input.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("kubectl runs");
        if let Some(input) = input {
            use std::io::Write;
            let mut stdin = child.stdin.take().unwrap();
            stdin.write_all(input).expect("kubectl reads its input");
        }
        child.wait_with_output().expect("kubectl finishes")
    }

    /// Runs kubectl as the admin, panicking with its stderr unless it succeeds; its stdout.
    pub fn kubectl_ok(&self, args: &[&str]) -> String {
        let out = self.kubectl(args);
        assert!(
            out.status.success(),
            "kubectl {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// `kubectl ARGS -f -` with `object` as input (e.g. `["create"]`, `["apply"]`).
    pub fn kubectl_with_object(&self, args: &[&str], object: &Value) -> Output {
        let mut args = args.to_vec();
        args.extend(["-f", "-"]);
        self.kubectl_with_input(&args, Some(&serde_json::to_vec(object).unwrap()))
    }

    /// Creates `object` as the admin; returns it as the server stored it.
    pub fn create(&self, object: &Value) -> Value {
        let out = self.kubectl_with_object(&["create", "-o", "json"], object);
        assert!(
            out.status.success(),
            "creating {}: {}",
            object["metadata"]["name"],
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// The object `kind/name` (in `namespace` when given), or `None` when it does not exist.
    pub fn get(&self, kind: &str, namespace: Option<&str>, name: &str) -> Option<Value> {
        let mut args = vec!["get", kind, name, "-o", "json", "--ignore-not-found"];
        if let Some(ns) = namespace {
            args.extend(["-n", ns]);
        }
        let out = self.kubectl_ok(&args);
        (!out.trim().is_empty()).then(|| serde_json::from_str(&out).unwrap())
    }
}
