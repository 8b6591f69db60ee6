//! A synthetic GKE cluster of any size, for benchmarks: namespaces (some of them untrusted
//! tenants), nodes in an ordinary and a gVisor pool, GKE's `gvisor` RuntimeClass, and pods
//! shaped like real ones (labels, annotations, a controller, two or three containers with
//! env, resources, probes and volume mounts, conditions and container statuses), about
//! 3.5 KB of JSON each.
//!
//! Deterministic: the same size and seed give the same objects, byte for byte, so a
//! benchmark run can be repeated and compared.

use serde_json::{Value, json};

/// The node pools of the synthetic cluster; they match `tests/fixtures/gke/standard-with-sandbox.json`.
pub const ORDINARY_POOL: &str = "default-pool";
pub const SANDBOX_POOL: &str = "gvisor-pool";
/// Namespaces labelled with this are the untrusted tenants (`--untrusted-selector`).
pub const UNTRUSTED_LABEL: (&str, &str) = ("trust", "untrusted");

/// Pods per namespace and per node, roughly as on a busy production cluster.
const PODS_PER_NAMESPACE: usize = 100;
const PODS_PER_NODE: usize = 30;
/// One namespace in this many is an untrusted tenant, one node in this many is a sandbox node.
const TENANT_EVERY: usize = 4;
const SANDBOX_NODE_EVERY: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyntheticCluster {
    pub pods: usize,
    pub seed: u64,
}

impl SyntheticCluster {
    pub fn new(pods: usize, seed: u64) -> Self {
        SyntheticCluster { pods, seed }
    }

    pub fn namespace_count(&self) -> usize {
        self.pods.div_ceil(PODS_PER_NAMESPACE).max(1)
    }

    pub fn node_count(&self) -> usize {
        self.pods.div_ceil(PODS_PER_NODE).max(2)
    }

    /// Every object: the RuntimeClass, the namespaces, the nodes, then the pods.
    pub fn objects(&self) -> impl Iterator<Item = Value> + '_ {
        std::iter::once(gvisor_runtime_class())
            .chain((0..self.namespace_count()).map(|i| self.namespace(i)))
            .chain((0..self.node_count()).map(|i| self.node(i)))
            .chain((0..self.pods).map(|i| self.pod(i)))
    }

    pub fn namespace(&self, index: usize) -> Value {
        let mut labels = json!({ "kubernetes.io/metadata.name": namespace_name(index) });
        if is_tenant(index) {
            labels[UNTRUSTED_LABEL.0] = json!(UNTRUSTED_LABEL.1);
        }
        json!({
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {
                "name": namespace_name(index),
                "uid": uid(self.seed, 1, index),
                "resourceVersion": "1",
                "creationTimestamp": "2026-01-05T09:00:00Z",
                "labels": labels,
            },
            "spec": { "finalizers": ["kubernetes"] },
            "status": { "phase": "Active" },
        })
    }

    pub fn node(&self, index: usize) -> Value {
        let sandbox = is_sandbox_node(index);
        let pool = if sandbox { SANDBOX_POOL } else { ORDINARY_POOL };
        let name = node_name(index);
        let mut labels = json!({
            "cloud.google.com/gke-nodepool": pool,
            "cloud.google.com/machine-family": "e2",
            "kubernetes.io/arch": "amd64",
            "kubernetes.io/hostname": name,
            "kubernetes.io/os": "linux",
            "node.kubernetes.io/instance-type": "e2-standard-8",
            "topology.kubernetes.io/region": "europe-west1",
            "topology.kubernetes.io/zone": format!("europe-west1-{}", ["b", "c", "d"][index % 3]),
        });
        let mut spec =
            json!({ "podCIDR": format!("10.{}.{}.0/24", index / 256 % 256, index % 256) });
        if sandbox {
            labels["sandbox.gke.io/runtime"] = json!("gvisor");
            spec["taints"] = json!([
                { "key": "sandbox.gke.io/runtime", "value": "gvisor", "effect": "NoSchedule" }
            ]);
        }
        json!({
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {
                "name": name,
                "uid": uid(self.seed, 2, index),
                "resourceVersion": "1",
                "creationTimestamp": "2026-01-05T09:00:00Z",
                "labels": labels,
            },
            "spec": spec,
            "status": {
                "capacity": { "cpu": "8", "memory": "32863656Ki", "pods": "110" },
                "allocatable": { "cpu": "7910m", "memory": "29045160Ki", "pods": "110" },
                "conditions": [
                    { "type": "MemoryPressure", "status": "False", "reason": "KubeletHasSufficientMemory" },
                    { "type": "DiskPressure", "status": "False", "reason": "KubeletHasNoDiskPressure" },
                    { "type": "Ready", "status": "True", "reason": "KubeletReady" },
                ],
                "nodeInfo": {
                    "kubeletVersion": "v1.33.5-gke.1201000",
                    "containerRuntimeVersion": "containerd://1.7.27",
                    "osImage": "Container-Optimized OS from Google",
                    "kernelVersion": "6.6.87+",
                    "architecture": "amd64",
                    "operatingSystem": "linux",
                    "bootID": uid(self.seed, 3, index),
                    "machineID": uid(self.seed, 4, index),
                    "systemUUID": uid(self.seed, 5, index),
                    "kubeProxyVersion": "",
                },
            },
        })
    }

    /// Pod `index`. In tenant namespaces nine pods in ten run under gVisor on sandbox
    /// nodes; elsewhere one in twenty does. One pod in fifty is Pending and unschedulable,
    /// one in twenty-five has Succeeded.
    pub fn pod(&self, index: usize) -> Value {
        let mut random =
            Random::new(self.seed ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let namespace_index = index % self.namespace_count();
        let namespace = namespace_name(namespace_index);
        let app = APPS[random.below(APPS.len())];
        let hash = format!("{:08x}", random.next() as u32);
        let replica_set = format!("{app}-{}", &hash[..7]);
        let name = format!("{replica_set}-{index:06}");
        let sandboxed = random.below(20) < if is_tenant(namespace_index) { 18 } else { 1 };
        let pending = index % 50 == 7;
        let succeeded = !pending && index % 25 == 3;
        let node = self.node_for(sandboxed, &mut random);

        // Two containers, sometimes a third (a log shipper).
        let containers: Vec<Value> = (0..2 + usize::from(random.below(4) == 0))
            .map(|c| container(app, c, &mut random))
            .collect();
        let container_statuses: Vec<Value> = containers
            .iter()
            .map(|c| container_status(c, !pending, &mut random))
            .collect();
        let mut spec = json!({
            "containers": containers,
            "volumes": [
                { "name": "config", "configMap": { "name": format!("{app}-config"), "defaultMode": 420 } },
                { "name": "kube-api-access", "projected": { "defaultMode": 420, "sources": [
                    { "serviceAccountToken": { "expirationSeconds": 3607, "path": "token" } },
                ] } },
            ],
            "restartPolicy": "Always",
            "terminationGracePeriodSeconds": 30,
            "dnsPolicy": "ClusterFirst",
            "serviceAccountName": app,
            "securityContext": { "runAsNonRoot": true, "seccompProfile": { "type": "RuntimeDefault" } },
            "schedulerName": "default-scheduler",
            "priority": 0,
            "enableServiceLinks": true,
            "preemptionPolicy": "PreemptLowerPriority",
        });
        if sandboxed {
            spec["runtimeClassName"] = json!("gvisor");
            spec["nodeSelector"] = json!({ "sandbox.gke.io/runtime": "gvisor" });
            spec["tolerations"] = json!([
                { "key": "sandbox.gke.io/runtime", "operator": "Equal", "value": "gvisor", "effect": "NoSchedule" }
            ]);
        }
        if !pending {
            spec["nodeName"] = json!(node);
        }
        json!({
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "name": name,
                "generateName": format!("{replica_set}-"),
                "namespace": namespace,
                "uid": uid(self.seed, 6, index),
                "resourceVersion": format!("{}", 100_000 + index),
                "creationTimestamp": "2026-01-05T09:12:44Z",
                "labels": {
                    "app.kubernetes.io/name": app,
                    "app.kubernetes.io/part-of": "storefront",
                    "app.kubernetes.io/version": format!("1.{}.{}", random.below(30), random.below(10)),
                    "pod-template-hash": &hash[..7],
                    "team": TEAMS[random.below(TEAMS.len())],
                },
                "annotations": {
                    "kubectl.kubernetes.io/restartedAt": "2026-01-05T09:12:00Z",
                    "prometheus.io/scrape": "true",
                    "prometheus.io/port": "9090",
                },
                "ownerReferences": [{
                    "apiVersion": "apps/v1", "kind": "ReplicaSet", "name": replica_set,
                    "uid": uid(self.seed, 7, index / 3), "controller": true, "blockOwnerDeletion": true,
                }],
            },
            "spec": spec,
            "status": status(pending, succeeded, container_statuses, index),
        })
    }

    /// Manifest `index` as a user would apply it: pod `index` without what the cluster
    /// adds (status, uid, owner, node), every other one wrapped in a Deployment.
    pub fn manifest(&self, index: usize) -> Value {
        let mut pod = self.pod(index);
        let object = pod.as_object_mut().expect("a pod is an object");
        object.remove("status");
        let metadata = object["metadata"].as_object_mut().expect("metadata");
        for generated in [
            "uid",
            "resourceVersion",
            "creationTimestamp",
            "ownerReferences",
            "generateName",
        ] {
            metadata.remove(generated);
        }
        object["spec"]
            .as_object_mut()
            .expect("spec")
            .remove("nodeName");
        if index % 2 == 1 {
            return pod;
        }
        let labels = pod["metadata"]["labels"].clone();
        json!({
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": { "name": format!("deploy-{index:06}"), "namespace": pod["metadata"]["namespace"], "labels": labels },
            "spec": {
                "replicas": 3,
                "selector": { "matchLabels": { "app.kubernetes.io/name": labels["app.kubernetes.io/name"] } },
                "template": { "metadata": { "labels": labels, "annotations": pod["metadata"]["annotations"] }, "spec": pod["spec"] },
            },
        })
    }

    /// Deployment `index` as the API server holds it, in `namespace`: the template of
    /// manifest `2 * index` (an even manifest is a Deployment), with a uid and a
    /// resourceVersion. For `migrate` at scale: many Deployments in one namespace.
    pub fn deployment(&self, index: usize, namespace: &str) -> Value {
        let mut deployment = self.manifest(2 * index);
        let metadata = &mut deployment["metadata"];
        metadata["name"] = json!(format!("deploy-{index:06}"));
        metadata["namespace"] = json!(namespace);
        metadata["uid"] = json!(uid(self.seed, 11, index));
        metadata["resourceVersion"] = json!("1");
        deployment
    }

    /// A sandbox node for a sandboxed pod, an ordinary one otherwise. Sandbox nodes are
    /// every fourth (0, 4, 8, ...), so the k-th ordinary node is `k + k / 3 + 1`.
    fn node_for(&self, sandboxed: bool, random: &mut Random) -> String {
        let nodes = self.node_count();
        let sandbox_nodes = nodes.div_ceil(SANDBOX_NODE_EVERY);
        let index = if sandboxed {
            random.below(sandbox_nodes) * SANDBOX_NODE_EVERY
        } else {
            let k = random.below(nodes - sandbox_nodes);
            k + k / (SANDBOX_NODE_EVERY - 1) + 1
        };
        node_name(index)
    }
}

const APPS: &[&str] = &[
    "checkout",
    "cart",
    "catalog",
    "payments",
    "search",
    "recommendations",
    "frontend",
    "shipping",
    "currency",
    "email",
    "ads",
    "inventory",
];
const TEAMS: &[&str] = &["web", "platform", "data", "payments", "growth"];

fn namespace_name(index: usize) -> String {
    if is_tenant(index) {
        format!("tenant-{index:04}")
    } else {
        format!("team-{index:04}")
    }
}

fn is_tenant(namespace_index: usize) -> bool {
    namespace_index % TENANT_EVERY == 1
}

fn is_sandbox_node(index: usize) -> bool {
    index.is_multiple_of(SANDBOX_NODE_EVERY)
}

fn node_name(index: usize) -> String {
    let pool = if is_sandbox_node(index) {
        SANDBOX_POOL
    } else {
        ORDINARY_POOL
    };
    format!("gke-prod-eu-{pool}-{:08x}", index)
}

/// A UUID-shaped id, different for every `(kind, index)`.
fn uid(seed: u64, kind: u64, index: usize) -> String {
    let mut random = Random::new(seed ^ (kind << 56) ^ index as u64);
    let (a, b) = (random.next(), random.next());
    format!(
        "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        (b >> 48) & 0xfff,
        b & 0xffff_ffff_ffff
    )
}

fn container(app: &str, number: usize, random: &mut Random) -> Value {
    let (name, image) = match number {
        0 => (
            app.to_string(),
            format!(
                "europe-docker.pkg.dev/shop/apps/{app}:1.{}.{}",
                random.below(30),
                random.below(10)
            ),
        ),
        1 => (
            "metrics".to_string(),
            "gcr.io/shop/metrics-sidecar:0.9.2".to_string(),
        ),
        _ => (
            "log-shipper".to_string(),
            "fluent/fluent-bit:3.1.4".to_string(),
        ),
    };
    let port = 8080 + number as u16;
    let mut container = json!({
        "name": name,
        "image": image,
        "ports": [{ "name": "http", "containerPort": port, "protocol": "TCP" }],
        "resources": {
            "requests": { "cpu": format!("{}m", 50 * (1 + random.below(8))), "memory": format!("{}Mi", 64 * (1 + random.below(8))) },
            "limits": { "memory": format!("{}Mi", 512 * (1 + random.below(4))) },
        },
        "volumeMounts": [
            { "name": "kube-api-access", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "readOnly": true },
        ],
        "imagePullPolicy": "IfNotPresent",
    });
    // The application container carries the most: env, probe, config, hardening.
    if number == 0 {
        container["env"] = json!([
            { "name": "APP_NAME", "value": app },
            { "name": "POD_NAME", "valueFrom": { "fieldRef": { "apiVersion": "v1", "fieldPath": "metadata.name" } } },
        ]);
        container["readinessProbe"] = json!({
            "httpGet": { "path": "/healthz", "port": port, "scheme": "HTTP" },
            "periodSeconds": 10,
        });
        container["volumeMounts"]
            .as_array_mut()
            .expect("a list")
            .push(json!({ "name": "config", "mountPath": "/etc/app", "readOnly": true }));
        container["securityContext"] =
            json!({ "allowPrivilegeEscalation": false, "capabilities": { "drop": ["ALL"] } });
    }
    container
}

fn container_status(container: &Value, started: bool, random: &mut Random) -> Value {
    let state = if started {
        json!({ "running": { "startedAt": "2026-01-05T09:13:02Z" } })
    } else {
        json!({ "waiting": { "reason": "ContainerCreating" } })
    };
    json!({
        "name": container["name"],
        "image": container["image"],
        "containerID": format!("containerd://{:016x}{:016x}", random.next(), random.next()),
        "ready": started,
        "started": started,
        "restartCount": random.below(3),
        "state": state,
    })
}

fn status(pending: bool, succeeded: bool, container_statuses: Vec<Value>, index: usize) -> Value {
    let ip = format!(
        "10.{}.{}.{}",
        100 + index / 65536 % 100,
        index / 256 % 256,
        index % 256
    );
    if pending {
        return json!({
            "phase": "Pending",
            "qosClass": "Burstable",
            "conditions": [{
                "type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                "lastTransitionTime": "2026-01-05T09:12:44Z",
                "message": "0/40 nodes are available: 40 node(s) didn't match Pod's node affinity/selector. preemption: 0/40 nodes are available: 40 Preemption is not helpful for scheduling.",
            }],
        });
    }
    let ready = if succeeded { "False" } else { "True" };
    json!({
        "phase": if succeeded { "Succeeded" } else { "Running" },
        "qosClass": "Burstable",
        "hostIP": "10.132.0.17",
        "podIP": ip,
        "podIPs": [{ "ip": ip }],
        "startTime": "2026-01-05T09:12:44Z",
        "conditions": [
            { "type": "Ready", "status": ready, "lastTransitionTime": "2026-01-05T09:13:05Z" },
            { "type": "ContainersReady", "status": ready, "lastTransitionTime": "2026-01-05T09:13:05Z" },
            { "type": "PodScheduled", "status": "True", "lastTransitionTime": "2026-01-05T09:12:44Z" },
        ],
        "containerStatuses": container_statuses,
    })
}

/// The GKE node-pool side of the synthetic cluster is `tests/fixtures/gke/standard-with-sandbox.json`;
/// the RuntimeClass is GKE's.
fn gvisor_runtime_class() -> Value {
    super::fake_apiserver::objects::gvisor_runtime_class()
}

/// SplitMix64: tiny, seedable, and good enough to vary fixtures.
struct Random(u64);

impl Random {
    fn new(seed: u64) -> Self {
        Random(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_cluster() {
        let a: Vec<Value> = SyntheticCluster::new(300, 7).objects().collect();
        let b: Vec<Value> = SyntheticCluster::new(300, 7).objects().collect();
        assert_eq!(a, b);
        let other: Vec<Value> = SyntheticCluster::new(300, 8).objects().collect();
        assert_ne!(a, other);
    }

    #[test]
    fn counts_and_pod_size_are_realistic() {
        let cluster = SyntheticCluster::new(1000, 1);
        let objects: Vec<Value> = cluster.objects().collect();
        let pods: Vec<&Value> = objects.iter().filter(|o| o["kind"] == "Pod").collect();
        assert_eq!(pods.len(), 1000);
        assert_eq!(cluster.namespace_count(), 10);
        assert_eq!(cluster.node_count(), 34);
        let bytes: usize = pods.iter().map(|p| p.to_string().len()).sum();
        let average = bytes / pods.len();
        assert!(
            (3000..=4000).contains(&average),
            "average pod is {average} bytes"
        );
        let names: std::collections::BTreeSet<String> = pods
            .iter()
            .map(|p| format!("{}/{}", p["metadata"]["namespace"], p["metadata"]["name"]))
            .collect();
        assert_eq!(names.len(), 1000, "pod names are unique");
    }

    #[test]
    fn sandboxed_pods_run_on_sandbox_nodes_and_tenants_are_mostly_sandboxed() {
        let cluster = SyntheticCluster::new(2000, 3);
        let (mut sandboxed, mut tenant_pods, mut tenant_sandboxed) = (0, 0, 0);
        for index in 0..cluster.pods {
            let pod = cluster.pod(index);
            let is_sandboxed = pod["spec"]["runtimeClassName"] == "gvisor";
            if is_sandboxed {
                sandboxed += 1;
                if let Some(node) = pod["spec"]["nodeName"].as_str() {
                    assert!(node.contains(SANDBOX_POOL), "{node}");
                }
            } else if let Some(node) = pod["spec"]["nodeName"].as_str() {
                assert!(node.contains(ORDINARY_POOL), "{node}");
            }
            if pod["metadata"]["namespace"]
                .as_str()
                .unwrap()
                .starts_with("tenant-")
            {
                tenant_pods += 1;
                tenant_sandboxed += usize::from(is_sandboxed);
            }
        }
        assert!(sandboxed > 0 && sandboxed < cluster.pods);
        assert!(
            tenant_sandboxed * 10 > tenant_pods * 8,
            "{tenant_sandboxed} of {tenant_pods}"
        );
        assert!(
            tenant_sandboxed < tenant_pods,
            "some tenant pods are not sandboxed"
        );
    }
}
