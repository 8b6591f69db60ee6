//! Bad input never panics and never hangs: property tests over the manifest reader, the
//! explain-pod engine and the check rules, plus every file of the committed corpus
//! (`tests/fuzz-corpus/`, hostile inputs kept from fuzzing). Longer runs: `fuzz/run.sh`.

use std::collections::BTreeMap;

use kubectl_sandbox::{
    Autoscaling, ClusterSnapshot, Context, Gap, GkeCluster, NamespaceInfo, NodeInfo, NodePool,
    Part, PodInfo, PodScope, RuntimeClassInfo, SNAPSHOT_SCHEMA, SandboxSetting, Summary, Telemetry,
    Untrusted, Workload, explain, parse_objects, run_checks,
};
use proptest::prelude::*;
use serde_json::{Value, json};

/// Reads a manifest and explains every workload in it, as `explain-pod -f` does.
fn read_and_explain(text: &str) {
    if let Ok(objects) = parse_objects("fuzz.yaml", text) {
        for object in objects {
            if let Ok(Some(workload)) = Workload::from_value(&object.value) {
                explain(&workload, Some("default"), &Context::offline());
            }
        }
    }
}

/// Lines that look like Kubernetes YAML, so generated text reaches past the parser.
fn yamlish_line() -> impl Strategy<Value = String> {
    let keys = prop::sample::select(vec![
        "apiVersion: apps/v1",
        "kind: Deployment",
        "kind: CronJob",
        "kind: Pod",
        "kind: List",
        "metadata:",
        "  name: x",
        "spec:",
        "  template:",
        "    spec:",
        "      containers:",
        "      - name: c",
        "        image: postgres:16",
        "        securityContext:",
        "          privileged: true",
        "      hostNetwork: true",
        "      volumes:",
        "      - hostPath: {path: /}",
        "  jobTemplate:",
        "items:",
        "- kind: Pod",
        "---",
        "      securityContext: {fsGroup: 1}",
        "      nodeSelector: {a: b}",
        "&a [*a]",
        "*a",
        "      containers: 5",
        "    spec: []",
        "{",
        "]",
        "\t",
        "? x",
        "!!binary AAAA",
    ]);
    prop_oneof![keys.prop_map(str::to_string), "[ -~]{0,30}"]
}

/// Arbitrary JSON trees whose keys are the ones the rules look at.
fn json_tree() -> impl Strategy<Value = Value> {
    let key = prop::sample::select(vec![
        "spec",
        "template",
        "jobTemplate",
        "containers",
        "initContainers",
        "ephemeralContainers",
        "securityContext",
        "privileged",
        "hostNetwork",
        "hostPID",
        "volumes",
        "hostPath",
        "resources",
        "limits",
        "nvidia.com/gpu",
        "nodeSelector",
        "affinity",
        "tolerations",
        "seccompProfile",
        "fsGroup",
        "sysctls",
        "volumeMounts",
        "mountPropagation",
        "image",
        "name",
        "metadata",
        "annotations",
        "capabilities",
        "add",
        "runtimeClassName",
    ]);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        "[a-zA-Z/.:-]{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(6, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map(key.clone(), inner, 0..6).prop_map(|m| Value::Object(
                m.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
            )),
        ]
    })
}

fn word() -> impl Strategy<Value = String> {
    "[a-z0-9-]{1,8}"
}

fn part<T: std::fmt::Debug + Clone>(
    known: impl Strategy<Value = T>,
) -> impl Strategy<Value = Part<T>> {
    prop_oneof![
        known.prop_map(Part::Known),
        Just(Part::Unknown(Gap::new("not read", "read it"))),
    ]
}

fn pool() -> impl Strategy<Value = NodePool> {
    (
        word(),
        any::<bool>(),
        prop::option::of("[A-Za-z_]{0,15}"),
        prop::option::of("[0-9v.-gke]{0,14}"),
        prop::option::of(0u32..4),
        prop::option::of((any::<bool>(), prop::option::of(0u32..3))),
    )
        .prop_map(
            |(name, sandbox, image_type, version, initial, autoscaling)| NodePool {
                name,
                sandbox: if sandbox {
                    SandboxSetting::Gvisor {
                        field: "config.sandboxConfig.type".into(),
                    }
                } else {
                    SandboxSetting::None
                },
                image_type,
                machine_type: Some("e2-standard-4".into()),
                version,
                initial_node_count: initial,
                autoscaling: autoscaling.map(|(enabled, min_nodes)| Autoscaling {
                    enabled,
                    min_nodes,
                    max_nodes: Some(5),
                    total: false,
                }),
                status: None,
                labels: Default::default(),
                zones: vec![],
            },
        )
}

fn gke() -> impl Strategy<Value = GkeCluster> {
    (
        any::<bool>(),
        prop::option::of("[0-9v.-gke]{0,16}"),
        prop::collection::vec(pool(), 0..4),
        any::<bool>(),
    )
        .prop_map(
            |(autopilot, master_version, node_pools, telemetry)| GkeCluster {
                name: "c".into(),
                location: "europe-west1".into(),
                project: Some("acme-prod".into()),
                autopilot,
                master_version,
                node_version: None,
                zones: vec![],
                logging: Telemetry {
                    enabled: telemetry,
                    evidence: "e".into(),
                },
                monitoring: Telemetry {
                    enabled: !telemetry,
                    evidence: "e".into(),
                },
                node_pools,
            },
        )
}

fn snapshot() -> impl Strategy<Value = ClusterSnapshot> {
    let node = (
        word(),
        prop::option::of(word()),
        prop::option::of(prop::sample::select(vec!["gvisor", "runsc", ""])),
        any::<bool>(),
    )
        .prop_map(|(name, pool, label, ready)| NodeInfo {
            name,
            pool,
            sandbox_label: label.map(str::to_string),
            sandbox_taint: ready.then(|| "gvisor:NoSchedule".into()),
            ready,
            kubelet_version: None,
        });
    let pod = (
        word(),
        word(),
        prop::sample::select(vec!["Running", "Pending", "Succeeded", "Failed", ""]),
        prop::option::of(prop::sample::select(vec!["gvisor", "runc", "other"])),
        any::<bool>(),
    )
        .prop_map(|(namespace, name, phase, class, unschedulable)| PodInfo {
            namespace,
            name,
            phase: phase.into(),
            runtime_class_name: class.map(str::to_string),
            node_name: None,
            owner: unschedulable.then(|| "ReplicaSet/x".into()),
            unschedulable: unschedulable.then(|| "0/3 nodes".into()),
        });
    let namespace = (word(), prop::collection::btree_map(word(), word(), 0..3))
        .prop_map(|(name, labels)| NamespaceInfo { name, labels });
    let class = (
        word(),
        prop::sample::select(vec!["gvisor", "runsc", "runc"]),
    )
        .prop_map(|(name, handler)| RuntimeClassInfo {
            name,
            handler: handler.into(),
            node_selector: BTreeMap::new(),
            tolerations: vec![],
        });
    (
        part(gke()),
        part(prop::collection::vec(class, 0..3)),
        part(prop::collection::vec(node, 0..5)),
        part(prop::collection::vec(namespace, 0..5)),
        part(prop::collection::vec(pod, 0..12)),
        prop::option::of(word()),
        part(Just(Vec::new())),
        part(Just(Vec::new())),
    )
        .prop_map(
            |(
                gke,
                runtime_classes,
                nodes,
                namespaces,
                pods,
                scope,
                admission_policies,
                admission_bindings,
            )| ClusterSnapshot {
                schema: SNAPSHOT_SCHEMA.into(),
                captured_at: None,
                context: None,
                pod_scope: scope.map_or(PodScope::AllNamespaces, PodScope::Namespace),
                gke,
                runtime_classes,
                nodes,
                namespaces,
                pods,
                admission_policies,
                admission_bindings,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_text_is_read_or_refused_without_panicking(text in "\\PC{0,400}") {
        read_and_explain(&text);
    }

    #[test]
    fn yaml_shaped_text_is_read_or_refused_without_panicking(lines in prop::collection::vec(yamlish_line(), 0..40)) {
        read_and_explain(&lines.join("\n"));
    }

    #[test]
    fn any_pod_template_shape_is_explained_or_refused(spec in json_tree(), kind in prop::sample::select(vec!["Pod", "Deployment", "CronJob", "DaemonSet", "Job"])) {
        let object = match kind {
            "Pod" => json!({"kind": kind, "metadata": {"name": "p"}, "spec": spec}),
            "CronJob" => json!({"kind": kind, "metadata": {"name": "c"}, "spec": {"jobTemplate": {"spec": {"template": {"spec": spec}}}}}),
            _ => json!({"kind": kind, "metadata": {"name": "w"}, "spec": {"template": {"spec": spec}}}),
        };
        if let Ok(Some(workload)) = Workload::from_value(&object) {
            let explanation = explain(&workload, None, &Context::offline());
            // Whatever the shape, every finding points at a field of this object.
            for finding in explanation.findings {
                prop_assert!(finding.path.to_string().starts_with("spec"), "{}", finding.path);
            }
        }
    }

    #[test]
    fn any_snapshot_is_audited_with_counts_that_add_up(snapshot in snapshot(), selector in prop::option::of(word())) {
        let untrusted = Untrusted {
            names: vec!["a".into()],
            selector: selector.map(|s| format!("{s}=x").parse().unwrap()),
        };
        let findings = run_checks(&snapshot, &untrusted);
        let summary = Summary::of(&findings);
        prop_assert_eq!(summary.pass + summary.fail + summary.warn + summary.info + summary.skip, findings.len());
        prop_assert!(findings.iter().all(|f| !f.message.is_empty()));
    }
}

#[test]
fn every_corpus_file_is_read_or_refused_without_panicking() {
    let mut seen = 0;
    for entry in std::fs::read_dir("tests/fuzz-corpus").unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        read_and_explain(&String::from_utf8_lossy(&bytes));
        seen += 1;
    }
    assert!(seen >= 5, "the corpus is committed: {seen} files");
}
