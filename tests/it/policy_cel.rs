//! The policy's CEL, evaluated with a CEL interpreter (the `cel` crate) against the same
//! manifests explain-pod reads: the policy refuses what explain-pod calls blocking and
//! admits the rest, so the two cannot drift apart.
//!
//! The evaluation follows the API server's order: `object` is the request's object and
//! `namespaceObject` its namespace (marked untrusted unless a test says otherwise); the
//! policy's `variables` are evaluated in order into `variables`, then the
//! `matchConditions`, then each validation. An evaluation error is a test failure: the
//! `has()` guards must keep absent fields from erroring.

use std::collections::BTreeSet;

use cel::{Context, Program, Value as Cel};
use k8s_openapi::api::admissionregistration::v1::ValidatingAdmissionPolicy;
use kubectl_sandbox::{
    Context as ExplainContext, DEFAULT_UNTRUSTED_SELECTOR, Effect, NamespaceInfo,
    PolicyAction as Action, PolicyOptions, STRICT_POLICY_CEL as STRICT, Verdict, Workload,
    build_policy, explain, explain_rules, parse_objects,
};
use serde_json::{Value, json};

const FIXTURES: &[&str] = &[
    "cronjob-privileged-init.yaml",
    "dashboard-chart.yaml",
    "descheduler-cronjob.yaml",
    "fluent-bit-daemonset.yaml",
    "gpu-job.yaml",
    "istio-pod.yaml",
    "microservice-deployment.yaml",
    "mixed-multidoc.yaml",
    "nginx-deployment.yaml",
    "node-exporter-daemonset.yaml",
    "redis-statefulset.json",
    "restricted-deployment.yaml",
];

fn admission_policy(strict: bool) -> ValidatingAdmissionPolicy {
    build_policy(&PolicyOptions {
        untrusted: DEFAULT_UNTRUSTED_SELECTOR.parse().unwrap(),
        action: Action::Deny,
        strict,
    })
    .policy
}

fn eval(context: &Context, expression: &str) -> Cel {
    let program = Program::compile(expression)
        .unwrap_or_else(|e| panic!("`{expression}` does not compile: {e:?}"));
    program
        .execute(context)
        .unwrap_or_else(|e| panic!("`{expression}` failed to evaluate: {e:?}"))
}

/// The namespace the objects are created in: marked untrusted, nothing else.
fn untrusted_namespace() -> Value {
    namespace_with(json!({"kubectl-sandbox.dev/untrusted": "true"}))
}

fn namespace_with(labels: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "tenant", "labels": labels}})
}

fn refusals(policy: &ValidatingAdmissionPolicy, object: &Value) -> Option<Vec<String>> {
    refusals_in(policy, object, &untrusted_namespace())
}

/// The messages of the validations `object` fails when created in `namespace`; None when
/// a match condition leaves the object alone.
fn refusals_in(
    policy: &ValidatingAdmissionPolicy,
    object: &Value,
    namespace: &Value,
) -> Option<Vec<String>> {
    admit(policy, object, None, namespace)
}

/// The messages of the validations an UPDATE of `old` to `new` fails in an untrusted
/// namespace; None when a match condition leaves the request alone.
fn update_refusals(
    policy: &ValidatingAdmissionPolicy,
    old: &Value,
    new: &Value,
) -> Option<Vec<String>> {
    admit(policy, new, Some(old), &untrusted_namespace())
}

/// One admission request: a CREATE of `object`, or an UPDATE from `old_object` to it.
fn admit(
    policy: &ValidatingAdmissionPolicy,
    object: &Value,
    old_object: Option<&Value>,
    namespace: &Value,
) -> Option<Vec<String>> {
    let spec = policy.spec.as_ref().unwrap();
    let mut context = Context::default();
    context.add_variable("object", object).unwrap();
    let operation = if old_object.is_some() {
        "UPDATE"
    } else {
        "CREATE"
    };
    context
        .add_variable("oldObject", old_object.cloned().unwrap_or(Value::Null))
        .unwrap();
    context
        .add_variable("request", json!({ "operation": operation }))
        .unwrap();
    context.add_variable("namespaceObject", namespace).unwrap();
    let mut variables = serde_json::Map::new();
    context
        .add_variable("variables", Value::Object(variables.clone()))
        .unwrap();
    for variable in spec.variables.iter().flatten() {
        let value = eval(&context, &variable.expression).json().unwrap();
        variables.insert(variable.name.clone(), value);
        context
            .add_variable("variables", Value::Object(variables.clone()))
            .unwrap();
    }
    for condition in spec.match_conditions.iter().flatten() {
        if eval(&context, &condition.expression) != Cel::Bool(true) {
            return None;
        }
    }
    let mut failed = Vec::new();
    for validation in spec.validations.iter().flatten() {
        match eval(&context, &validation.expression) {
            Cel::Bool(true) => {}
            Cel::Bool(false) => failed.push(validation.message.clone().unwrap()),
            other => panic!("`{}` gave {other:?}, not a bool", validation.expression),
        }
    }
    Some(failed)
}

/// The explain rule IDs of the `--strict` validations `object` fails.
fn strict_refusals(object: &Value) -> BTreeSet<&'static str> {
    strict_refusals_in(object, &untrusted_namespace())
}

fn strict_refusals_in(object: &Value, namespace: &Value) -> BTreeSet<&'static str> {
    let failed =
        refusals_in(&admission_policy(true), object, namespace).expect("the object is matched");
    STRICT
        .iter()
        .filter(|rule| failed.iter().any(|m| m == rule.message))
        .map(|rule| rule.explain_rule)
        .collect()
}

fn explain_blockers(object: &Value) -> BTreeSet<&'static str> {
    explain_blockers_in(object, &untrusted_namespace())
}

/// The `--strict` rule IDs explain-pod reports as blocking for `object`,
/// knowing the labels of its namespace as a live run does.
fn explain_blockers_in(object: &Value, namespace: &Value) -> BTreeSet<&'static str> {
    let strict: BTreeSet<&str> = STRICT.iter().map(|r| r.explain_rule).collect();
    let workload = Workload::from_value(object).unwrap().expect("a workload");
    let name = object["metadata"]["namespace"].as_str().unwrap_or("tenant");
    let namespaces = [NamespaceInfo {
        name: name.to_string(),
        labels: serde_json::from_value(namespace["metadata"]["labels"].clone()).unwrap(),
    }];
    let context = ExplainContext {
        namespaces: Some(&namespaces),
        ..ExplainContext::offline()
    };
    explain(&workload, Some(name), &context)
        .findings
        .into_iter()
        .filter(|f| f.effect == Effect::Blocks)
        .map(|f| f.id)
        .filter(|id| strict.contains(id))
        .collect()
}

fn fixture_objects() -> Vec<(String, Value)> {
    let mut objects = Vec::new();
    for file in FIXTURES {
        let path = format!(
            "{}/tests/fixtures/manifests/{file}",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path).unwrap();
        for object in parse_objects(file, &text).unwrap() {
            if Workload::from_value(&object.value).unwrap().is_some() {
                let name = format!("{file}: {}", object.value["metadata"]["name"]);
                objects.push((name, object.value));
            }
        }
    }
    assert!(objects.len() >= FIXTURES.len(), "{}", objects.len());
    objects
}

/// Where the pod spec sits in each kind.
fn pod_spec(object: &mut Value) -> &mut Value {
    match object["kind"].as_str().unwrap() {
        "Pod" => &mut object["spec"],
        "CronJob" => &mut object["spec"]["jobTemplate"]["spec"]["template"]["spec"],
        _ => &mut object["spec"]["template"]["spec"],
    }
}

fn sandboxed(mut object: Value) -> Value {
    pod_spec(&mut object)["runtimeClassName"] = json!("gvisor");
    object
}

fn pod(spec: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": spec})
}

#[test]
fn every_fixture_without_gvisor_is_refused_and_with_gvisor_admitted() {
    let policy = admission_policy(false);
    for (name, object) in fixture_objects() {
        let refused = refusals(&policy, &object).unwrap();
        assert_eq!(refused.len(), 1, "{name}: {refused:?}");
        assert!(refused[0].contains("runtimeClassName: gvisor"), "{name}");
        assert_eq!(
            refusals(&policy, &sandboxed(object)).unwrap(),
            Vec::<String>::new(),
            "{name}"
        );
    }
}

#[test]
fn another_runtime_class_is_refused() {
    let policy = admission_policy(false);
    let kata = pod(json!({"runtimeClassName": "kata", "containers": [{"name": "c"}]}));
    assert_eq!(refusals(&policy, &kata).unwrap().len(), 1);
}

#[test]
fn strict_refuses_exactly_what_explain_pod_reports_on_the_fixtures() {
    let mut refused_somewhere = BTreeSet::new();
    for (name, object) in fixture_objects() {
        let object = sandboxed(object);
        let cel = strict_refusals(&object);
        assert_eq!(cel, explain_blockers(&object), "{name}");
        refused_somewhere.extend(cel);
    }
    // The fixtures exercise the strict rules, not only the easy "nothing found" side.
    assert!(refused_somewhere.contains("EP005"), "{refused_somewhere:?}");
    assert!(refused_somewhere.contains("EP003"), "{refused_somewhere:?}");
}

/// A container named `app` with `extra` fields.
fn container(extra: Value) -> Value {
    let mut container = json!({"name": "app", "image": "nginx:1.27"});
    container
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    container
}

/// A sandboxed Pod with one `app` container, and `spec` fields on top.
fn pod_with(spec: Value) -> Value {
    let mut base = json!({"runtimeClassName": "gvisor", "containers": [container(json!({}))]});
    base.as_object_mut()
        .unwrap()
        .extend(spec.as_object().unwrap().clone());
    pod(base)
}

fn annotated_pod(annotations: Value) -> Value {
    let mut p = pod_with(json!({}));
    p["metadata"]["annotations"] = annotations;
    p
}

/// One pod per `--strict` rule that uses the feature, and one that names the field with
/// its harmless value: CEL and explain-pod agree on both.
fn feature_cases() -> Vec<(&'static str, Value, Value)> {
    vec![
        (
            "EP002",
            pod_with(json!({"containers": [container(json!({})), {"name": "istio-proxy"}]})),
            pod_with(json!({"containers": [container(json!({})), {"name": "proxy"}]})),
        ),
        (
            "EP002",
            annotated_pod(json!({"sidecar.istio.io/status": "{}"})),
            annotated_pod(json!({"sidecar.istio.io/inject": "false"})),
        ),
        (
            "EP003",
            pod_with(json!({"volumes": [{"name": "h", "hostPath": {"path": "/"}}]})),
            pod_with(json!({"volumes": [{"name": "e", "emptyDir": {}}]})),
        ),
        (
            "EP004",
            pod_with(json!({"hostNetwork": true})),
            pod_with(json!({"hostNetwork": false, "hostPID": false, "hostIPC": false})),
        ),
        (
            "EP004",
            pod_with(json!({"hostPID": true})),
            pod_with(json!({})),
        ),
        (
            "EP004",
            pod_with(json!({"hostIPC": true})),
            pod_with(json!({})),
        ),
        (
            "EP005",
            pod_with(
                json!({"initContainers": [container(json!({"securityContext": {"privileged": true}}))]}),
            ),
            pod_with(
                json!({"containers": [container(json!({"securityContext": {"privileged": false}}))]}),
            ),
        ),
        (
            "EP006",
            pod_with(
                json!({"containers": [container(json!({"volumeDevices": [{"name": "d", "devicePath": "/dev/x"}]}))]}),
            ),
            pod_with(json!({"containers": [container(json!({"volumeDevices": []}))]})),
        ),
        (
            "EP012",
            pod_with(
                json!({"containers": [container(json!({"volumeMounts": [{"name": "v", "mountPath": "/v", "mountPropagation": "Bidirectional"}]}))]}),
            ),
            pod_with(
                json!({"containers": [container(json!({"volumeMounts": [{"name": "v", "mountPath": "/v", "mountPropagation": "HostToContainer"}]}))]}),
            ),
        ),
        (
            "EP017",
            pod_with(json!({"os": {"name": "windows"}})),
            pod_with(json!({"os": {"name": "linux"}})),
        ),
        (
            "EP017",
            pod_with(json!({"nodeSelector": {"kubernetes.io/os": "windows"}})),
            pod_with(json!({"nodeSelector": {"kubernetes.io/os": "linux"}})),
        ),
        (
            "EP017",
            pod_with(
                json!({"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "kubernetes.io/os", "operator": "In", "values": ["windows"]}]}]}}}}),
            ),
            pod_with(
                json!({"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "kubernetes.io/os", "operator": "In", "values": ["windows", "linux"]}]}]}}}}),
            ),
        ),
    ]
}

/// Features that are caveats, not blockers, under the sandbox: the controls that are not
/// enforced inside it, the uncertain fsGroup and the caution procMount. Each pod uses one;
/// `--strict` admits it and explain-pod finds nothing blocking, as with the field's harmless
/// value (the second pod).
fn caveat_cases() -> Vec<(&'static str, Value, Value)> {
    vec![
        (
            "EP007",
            pod_with(json!({"securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}})),
            pod_with(json!({"securityContext": {"seccompProfile": {"type": "Unconfined"}}})),
        ),
        (
            "EP007",
            pod_with(
                json!({"containers": [container(json!({"securityContext": {"seccompProfile": {"type": "Localhost", "localhostProfile": "p"}}}))]}),
            ),
            pod_with(json!({"containers": [container(json!({"securityContext": {}}))]})),
        ),
        (
            "EP008",
            annotated_pod(
                json!({"container.apparmor.security.beta.kubernetes.io/app": "runtime/default"}),
            ),
            annotated_pod(
                json!({"container.apparmor.security.beta.kubernetes.io/app": "unconfined"}),
            ),
        ),
        (
            "EP008",
            pod_with(
                json!({"containers": [container(json!({"securityContext": {"appArmorProfile": {"type": "RuntimeDefault"}}}))]}),
            ),
            pod_with(json!({"securityContext": {"appArmorProfile": {"type": "Unconfined"}}})),
        ),
        (
            "EP009",
            pod_with(json!({"securityContext": {"seLinuxOptions": {"level": "s0:c1"}}})),
            pod_with(json!({"securityContext": {"seLinuxOptions": {}}})),
        ),
        (
            "EP009",
            pod_with(
                json!({"containers": [container(json!({"securityContext": {"seLinuxOptions": {"type": "spc_t"}}}))]}),
            ),
            pod_with(json!({})),
        ),
        (
            "EP010",
            pod_with(
                json!({"securityContext": {"sysctls": [{"name": "net.core.somaxconn", "value": "1024"}]}}),
            ),
            pod_with(json!({"securityContext": {"sysctls": []}})),
        ),
        (
            "EP011",
            pod_with(
                json!({"containers": [container(json!({"securityContext": {"allowPrivilegeEscalation": false}}))]}),
            ),
            pod_with(
                json!({"containers": [container(json!({"securityContext": {"allowPrivilegeEscalation": true}}))]}),
            ),
        ),
        (
            "EP013",
            pod_with(json!({"securityContext": {"fsGroup": 2000}})),
            pod_with(json!({"securityContext": {"runAsUser": 1000}})),
        ),
        (
            "EP014",
            pod_with(
                json!({"containers": [container(json!({"securityContext": {"procMount": "Unmasked"}}))]}),
            ),
            pod_with(
                json!({"containers": [container(json!({"securityContext": {"procMount": "Default"}}))]}),
            ),
        ),
    ]
}

#[test]
fn strict_admits_what_only_gives_caveats() {
    for (rule, using, harmless) in caveat_cases() {
        for object in [&using, &harmless] {
            assert_eq!(strict_refusals(object), BTreeSet::new(), "{rule}: {object}");
            assert_eq!(
                explain_blockers(object),
                BTreeSet::new(),
                "{rule}: {object}"
            );
        }
        let workload = Workload::from_value(&using).unwrap().unwrap();
        let found = explain(&workload, None, &ExplainContext::offline());
        assert!(
            found.findings.iter().any(|f| f.id == rule),
            "{rule}: {using}"
        );
        assert_ne!(found.verdict, Verdict::Blocked, "{rule}");
    }
}

/// A Deployment that follows the "restricted" Pod Security Standard, as charts ship them.
fn restricted_deployment(volumes: Value) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
        "spec": {"template": {"metadata": {"labels": {"app": "web"}}, "spec": {
            "runtimeClassName": "gvisor",
            "securityContext": {"runAsNonRoot": true, "runAsUser": 10001, "seccompProfile": {"type": "RuntimeDefault"}},
            "containers": [{"name": "web", "image": "nginxinc/nginx-unprivileged:1.27",
                "securityContext": {"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true,
                    "capabilities": {"drop": ["ALL"]}},
                "volumeMounts": [{"name": "data", "mountPath": "/data"}]}],
            "volumes": volumes}}}})
}

#[test]
fn strict_admits_a_restricted_profile_pod_and_refuses_a_host_path_one() {
    let policy = admission_policy(true);
    let restricted = restricted_deployment(json!([{"name": "data", "emptyDir": {}}]));
    assert_eq!(
        refusals(&policy, &restricted).unwrap(),
        Vec::<String>::new()
    );
    let host_path =
        restricted_deployment(json!([{"name": "data", "hostPath": {"path": "/var/data"}}]));
    assert_eq!(strict_refusals(&host_path), BTreeSet::from(["EP003"]));
    assert_eq!(explain_blockers(&host_path), BTreeSet::from(["EP003"]));
}

#[test]
fn each_strict_feature_is_refused_alone_and_its_harmless_value_admitted() {
    let mut covered = BTreeSet::new();
    for (rule, using, harmless) in feature_cases() {
        assert_eq!(
            strict_refusals(&using),
            BTreeSet::from([rule]),
            "{rule}: {using}"
        );
        assert_eq!(
            explain_blockers(&using),
            BTreeSet::from([rule]),
            "{rule}: {using}"
        );
        assert_eq!(
            strict_refusals(&harmless),
            BTreeSet::new(),
            "{rule}: {harmless}"
        );
        assert_eq!(
            explain_blockers(&harmless),
            BTreeSet::new(),
            "{rule}: {harmless}"
        );
        covered.insert(rule);
    }
    let all: BTreeSet<&str> = STRICT.iter().map(|r| r.explain_rule).collect();
    assert_eq!(covered, all, "every --strict rule has a case");
}

#[test]
fn an_istio_injected_namespace_refuses_workloads_that_do_not_opt_out() {
    let deployment = |labels: Value| {
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "w"},
               "spec": {"template": {"metadata": {"labels": labels},
                                     "spec": {"runtimeClassName": "gvisor", "containers": [{"name": "c"}]}}}})
    };
    let injected = [
        namespace_with(json!({"istio-injection": "enabled"})),
        namespace_with(json!({"istio.io/rev": "asm-1-24"})),
    ];
    let istio = BTreeSet::from(["EP002"]);
    for namespace in &injected {
        let plain = deployment(json!({"app": "w"}));
        assert_eq!(strict_refusals_in(&plain, namespace), istio, "{namespace}");
        assert_eq!(explain_blockers_in(&plain, namespace), istio, "{namespace}");
        let opted_out = deployment(json!({"sidecar.istio.io/inject": "false"}));
        assert_eq!(strict_refusals_in(&opted_out, namespace), BTreeSet::new());
        assert_eq!(explain_blockers_in(&opted_out, namespace), BTreeSet::new());
    }
    let disabled = namespace_with(json!({"istio-injection": "disabled"}));
    let plain = deployment(json!({}));
    assert_eq!(strict_refusals_in(&plain, &disabled), BTreeSet::new());
    assert_eq!(explain_blockers_in(&plain, &disabled), BTreeSet::new());
}

#[test]
fn strict_rules_mirror_existing_explain_rules() {
    for rule in STRICT {
        assert!(
            explain_rules::ALL.iter().any(|r| r.id == rule.explain_rule),
            "{} is not an explain-pod rule",
            rule.explain_rule
        );
        assert!(
            rule.message.contains(rule.explain_rule),
            "{}",
            rule.explain_rule
        );
    }
}

#[test]
fn the_pod_spec_is_found_in_every_kind() {
    let policy = admission_policy(true);
    let template = json!({"metadata": {"annotations": {"sidecar.istio.io/status": "{}"}}, "spec": {"runtimeClassName": "gvisor", "hostPID": true, "containers": [{"name": "c"}]}});
    for (kind, api_version) in [
        ("Deployment", "apps/v1"),
        ("StatefulSet", "apps/v1"),
        ("DaemonSet", "apps/v1"),
        ("ReplicaSet", "apps/v1"),
        ("Job", "batch/v1"),
    ] {
        let object = json!({"apiVersion": api_version, "kind": kind, "metadata": {"name": "w"}, "spec": {"template": template}});
        assert_eq!(refusals(&policy, &object).unwrap().len(), 2, "{kind}");
    }
    let cron = json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c"}, "spec": {"schedule": "* * * * *", "jobTemplate": {"spec": {"template": template}}}});
    assert_eq!(refusals(&policy, &cron).unwrap().len(), 2);
    // A template without metadata is not an evaluation error.
    let bare = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "w"}, "spec": {"template": {"spec": {"containers": [{"name": "c"}]}}}});
    assert_eq!(refusals(&policy, &bare).unwrap().len(), 1);
}

#[test]
fn objects_being_deleted_are_left_alone() {
    let mut object = pod(json!({"containers": [{"name": "c"}]}));
    object["metadata"]["deletionTimestamp"] = json!("2026-11-26T00:00:00Z");
    assert_eq!(refusals(&admission_policy(false), &object), None);
}

/// A Deployment of `template_spec`, with `replicas`.
fn deployment(replicas: u32, template_spec: Value) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "w", "labels": {"app": "w"}},
           "spec": {"replicas": replicas, "template": {"metadata": {"labels": {"app": "w"}}, "spec": template_spec}}})
}

#[test]
fn updates_that_keep_the_pod_template_are_left_alone() {
    // The Deployment controller scales an old, unsandboxed ReplicaSet down with an UPDATE of
    // the whole object: refusing it stalled the rollout (issue 14, tests/it/real_plane/rollout.rs).
    let policy = admission_policy(true);
    let unsandboxed =
        json!({"containers": [{"name": "c", "securityContext": {"privileged": true}}]});
    let old = deployment(3, unsandboxed.clone());
    let mut scaled = deployment(0, unsandboxed.clone());
    scaled["metadata"]["annotations"] = json!({"deployment.kubernetes.io/revision": "1"});
    scaled["metadata"]["labels"]["team"] = json!("a");
    assert_eq!(update_refusals(&policy, &old, &scaled), None);
    let mut replica_set = deployment(2, unsandboxed.clone());
    replica_set["kind"] = json!("ReplicaSet");
    let mut scaled_down = replica_set.clone();
    scaled_down["spec"]["replicas"] = json!(0);
    assert_eq!(update_refusals(&policy, &replica_set, &scaled_down), None);
    let cron = |schedule: &str| {
        json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c"},
        "spec": {"schedule": schedule, "jobTemplate": {"spec": {"template": {"spec": unsandboxed.clone()}}}}})
    };
    assert_eq!(
        update_refusals(&policy, &cron("* * * * *"), &cron("0 * * * *")),
        None
    );
}

#[test]
fn updates_that_change_the_pod_template_are_checked() {
    let policy = admission_policy(false);
    let sandboxed_spec = json!({"runtimeClassName": "gvisor", "containers": [{"name": "c"}]});
    let old = deployment(1, sandboxed_spec);
    // Dropping gvisor from the template, or editing an unsandboxed template, is refused.
    let unsandboxed = deployment(1, json!({"containers": [{"name": "c"}]}));
    assert_eq!(
        update_refusals(&policy, &old, &unsandboxed).unwrap().len(),
        1
    );
    let mut restarted = unsandboxed.clone();
    restarted["spec"]["template"]["metadata"]["annotations"] =
        json!({"kubectl.kubernetes.io/restartedAt": "2026-12-01T00:00:00Z"});
    assert_eq!(
        update_refusals(&policy, &unsandboxed, &restarted)
            .unwrap()
            .len(),
        1
    );
    // Migrating the template to gvisor passes.
    assert_eq!(
        update_refusals(&policy, &unsandboxed, &old).unwrap(),
        Vec::<String>::new()
    );
    let cron = |spec: Value| {
        json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c"},
        "spec": {"schedule": "* * * * *", "jobTemplate": {"spec": {"template": {"spec": spec}}}}})
    };
    let before = cron(json!({"runtimeClassName": "gvisor", "containers": [{"name": "c"}]}));
    let after = cron(json!({"containers": [{"name": "c"}]}));
    assert_eq!(update_refusals(&policy, &before, &after).unwrap().len(), 1);
}
