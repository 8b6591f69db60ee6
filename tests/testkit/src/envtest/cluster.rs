//! What a real cluster does that a test arranges by hand: namespaces with their `default`
//! ServiceAccount, Ready nodes, pods made Running/Ready as a kubelet would, and the
//! controllers on request.

use std::sync::atomic::Ordering;
use std::time::Duration;

use serde_json::{Value, json};

use super::{ControlPlane, wait_until};

/// Bound on waiting for a controller to make progress.
pub const CONTROLLER_TIMEOUT: Duration = Duration::from_secs(90);

impl ControlPlane {
    /// A new namespace `PREFIX-N` with `labels`, and its `default` ServiceAccount (made here
    /// so pods are admitted without waiting for the controller-manager).
    pub fn namespace(&self, prefix: &str, labels: &[(&str, &str)]) -> String {
        let name = format!("{prefix}-{}", self.names.fetch_add(1, Ordering::Relaxed));
        let labels: serde_json::Map<String, Value> = labels
            .iter()
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect();
        self.create(&json!({
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": { "name": name, "labels": labels },
        }));
        let out = self.kubectl(&["create", "serviceaccount", "default", "-n", &name]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() || stderr.contains("already exists"),
            "default ServiceAccount in {name}: {stderr}"
        );
        name
    }

    /// Creates `node` and makes it what a kubelet would: its `status` (as given, e.g. the
    /// Ready condition) written through the status subresource, and its taints exactly as
    /// given (the API server adds `node.kubernetes.io/not-ready` to a new node).
    pub fn ready_node(&self, node: &Value) {
        let name = node["metadata"]["name"]
            .as_str()
            .expect("the node has a name");
        self.create(node);
        let status = json!({ "status": node["status"] }).to_string();
        self.kubectl_ok(&[
            "patch",
            "node",
            name,
            "--subresource=status",
            "--type=merge",
            "-p",
            &status,
        ]);
        let taints = json!({ "spec": { "taints": node["spec"].get("taints").cloned().unwrap_or(json!([])) } });
        self.kubectl_ok(&[
            "patch",
            "node",
            name,
            "--type=merge",
            "-p",
            &taints.to_string(),
        ]);
    }

    /// Creates `node` unless a node of that name exists (nodes are shared by every test).
    pub fn ensure_ready_node(&self, node: &Value) {
        let name = node["metadata"]["name"]
            .as_str()
            .expect("the node has a name");
        if self.get("node", None, name).is_none() {
            self.ready_node(node);
        }
    }

    /// Marks pod `name` Running and Ready through the status subresource, as its kubelet
    /// would once every container started.
    pub fn mark_pod_ready(&self, namespace: &str, name: &str) {
        let conditions: Vec<Value> = ["PodScheduled", "Initialized", "ContainersReady", "Ready"]
            .iter()
            .map(|t| json!({ "type": t, "status": "True" }))
            .collect();
        let status = json!({ "status": { "phase": "Running", "conditions": conditions } });
        self.kubectl_ok(&[
            "patch",
            "pod",
            name,
            "-n",
            namespace,
            "--subresource=status",
            "--type=merge",
            "-p",
            &status.to_string(),
        ]);
    }

    /// What the kubelets of the hand-made nodes would do: every pod in `namespace` matching
    /// `selector` that the scheduler bound to a node and that is not Ready yet is marked
    /// Running/Ready. Returns how many were marked.
    pub fn kubelet_step(&self, namespace: &str, selector: &str) -> usize {
        let starting: Vec<String> = self
            .pods(namespace, selector)
            .iter()
            .filter(|p| {
                p["spec"]["nodeName"].is_string() && p["metadata"]["deletionTimestamp"].is_null()
            })
            .filter(|p| !is_ready(p))
            .map(|p| p["metadata"]["name"].as_str().unwrap().to_string())
            .collect();
        for name in &starting {
            self.mark_pod_ready(namespace, name);
        }
        starting.len()
    }

    /// The pods in `namespace` matching `selector` (`-l` syntax).
    pub fn pods(&self, namespace: &str, selector: &str) -> Vec<Value> {
        let out = self.kubectl_ok(&["get", "pods", "-n", namespace, "-l", selector, "-o", "json"]);
        let list: Value = serde_json::from_str(&out).unwrap();
        list["items"].as_array().cloned().unwrap_or_default()
    }

    /// Starts kube-controller-manager (once; later calls wait for the same start) and waits
    /// until its ServiceAccount controller has run, the sign that its controllers are up.
    pub fn start_controller_manager(&self) {
        let started = self.controller_manager.get_or_init(|| {
            let c = &self.certs;
            let kubeconfig = self.admin_kubeconfig.display().to_string();
            self.run(
                "kube-controller-manager",
                &[
                    &format!("--kubeconfig={kubeconfig}"),
                    &format!("--authentication-kubeconfig={kubeconfig}"),
                    &format!("--authorization-kubeconfig={kubeconfig}"),
                    "--bind-address=127.0.0.1",
                    "--secure-port=0",
                    &format!("--service-account-private-key-file={}", c.service_account_key.display()),
                    &format!("--root-ca-file={}", c.ca_cert.display()),
                    "--leader-elect=false",
                    "--controllers=*,-nodelifecycle,-nodeipam,-cloud-node-lifecycle,-service-lb-controller,-node-route-controller",
                ],
            )
            .map(|_| ())
        });
        if let Err(e) = started {
            panic!("{e}");
        }
        wait_until(
            "the controller-manager's ServiceAccount controller",
            CONTROLLER_TIMEOUT,
            || {
                self.get("serviceaccount", Some("kube-system"), "default")
                    .is_some()
            },
        );
    }

    /// Starts kube-scheduler (once), which binds pods to the hand-made nodes.
    pub fn start_scheduler(&self) {
        let started = self.scheduler.get_or_init(|| {
            let kubeconfig = self.admin_kubeconfig.display().to_string();
            self.run(
                "kube-scheduler",
                &[
                    &format!("--kubeconfig={kubeconfig}"),
                    &format!("--authentication-kubeconfig={kubeconfig}"),
                    &format!("--authorization-kubeconfig={kubeconfig}"),
                    "--bind-address=127.0.0.1",
                    "--secure-port=0",
                    "--leader-elect=false",
                ],
            )
            .map(|_| ())
        });
        if let Err(e) = started {
            panic!("{e}");
        }
    }
}

fn is_ready(pod: &Value) -> bool {
    pod["status"]["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|c| c["type"] == "Ready" && c["status"] == "True")
}
