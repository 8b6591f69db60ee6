//! No advice the tool prints weakens a security control: every fix of every explain-pod
//! rule (run on pods that make each rule fire), every fix the check rules give on the
//! snapshots below, and every `policy` message is walked and held to that.

use crate::check::rules::fixtures::{self, runtime_class, snapshot};
use crate::explain::{self, Context, Workload};
use crate::gke::GkeCluster;
use crate::manifest::parse_documents;
use crate::snapshot::{ClusterSnapshot, Part};

/// Words that name a hardening control (lower case; `capabilit` covers both spellings).
const CONTROLS: &[&str] = &[
    "seccomp",
    "allowprivilegeescalation",
    "nonewprivileges",
    "capabilit",
    "runasnonroot",
    "readonlyrootfilesystem",
    "apparmor",
    "selinux",
];

/// Words that take a control away or loosen it.
const WEAKENING: &[&str] = &[
    "remove",
    "delete",
    "drop ",
    "disable",
    "unconfined",
    "allowprivilegeescalation: true",
    "runasnonroot: false",
    "readonlyrootfilesystem: false",
];

/// The control and the weakening word, when `advice` names both.
fn weakens(advice: &str) -> Option<(&'static str, &'static str)> {
    let text = advice.to_lowercase();
    let control = CONTROLS.iter().find(|c| text.contains(*c))?;
    let verb = WEAKENING.iter().find(|w| text.contains(*w))?;
    Some((control, verb))
}

fn assert_keeps_controls(who: &str, advice: &str) {
    if let Some((control, verb)) = weakens(advice) {
        panic!("{who} advises `{verb}` on {control}: {advice}");
    }
}

/// Pods that, between them, make every explain-pod rule fire.
const TRIGGERS: &str = r#"
kind: Pod
metadata:
  name: everything
  annotations:
    seccomp.security.alpha.kubernetes.io/pod: runtime/default
    container.apparmor.security.beta.kubernetes.io/app: runtime/default
spec:
  hostNetwork: true
  os: {name: windows}
  nodeSelector: {cloud.google.com/gke-accelerator: nvidia-l4, sandbox.gke.io/runtime: runc, cloud.google.com/gke-nodepool: default-pool}
  securityContext:
    fsGroup: 2000
    sysctls: [{name: net.core.somaxconn, value: "1024"}]
    seccompProfile: {type: RuntimeDefault}
    seLinuxOptions: {level: "s0:c1"}
  volumes: [{name: h, hostPath: {path: /}}]
  containers:
    - name: app
      image: postgres:16
      resources: {limits: {cpu: "1", memory: 1Gi, nvidia.com/gpu: 1}}
      volumeDevices: [{name: d, devicePath: /dev/x}]
      volumeMounts: [{name: h, mountPath: /h, mountPropagation: Bidirectional}]
      securityContext:
        privileged: true
        allowPrivilegeEscalation: false
        procMount: Unmasked
        readOnlyRootFilesystem: true
        runAsNonRoot: true
        capabilities: {add: [NET_ADMIN], drop: [ALL]}
    - name: istio-proxy
---
kind: DaemonSet
metadata: {name: agent}
spec:
  template:
    spec:
      affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: sandbox.gke.io/runtime, operator: DoesNotExist}]}]}}}
      containers: [{name: c, resources: {requests: {google.com/tpu: 1}}}]
"#;

fn cluster(version: &str, pools: &str) -> GkeCluster {
    let json = format!(
        r#"{{"name":"c","location":"l","currentMasterVersion":"{version}","currentNodeVersion":"{version}","nodePools":[{pools}]}}"#
    );
    GkeCluster::from_describe_json(&json).unwrap()
}

#[test]
fn no_explain_rule_advises_weakening_a_control() {
    let workloads: Vec<Workload> = parse_documents(TRIGGERS)
        .unwrap()
        .iter()
        .map(|doc| Workload::from_value(&doc.value).unwrap().unwrap())
        .collect();
    let old = cluster("1.28.9-gke.1000000", r#"{"name":"default-pool"}"#);
    let new = cluster("1.33.5-gke.1201000", "");
    let contexts = [
        Context::offline(),
        Context {
            gke: Some(&old),
            ..Context::offline()
        },
        Context {
            gke: Some(&new),
            ..Context::offline()
        },
    ];
    let mut fired = std::collections::BTreeSet::new();
    for workload in &workloads {
        for context in &contexts {
            for finding in explain::explain(workload, None, context).findings {
                assert_keeps_controls(finding.id, &finding.fix);
                fired.insert(finding.id);
            }
        }
    }
    let every: std::collections::BTreeSet<_> = explain::rules::ALL.iter().map(|r| r.id).collect();
    assert_eq!(fired, every, "every rule's advice was walked");
}

fn check_snapshots() -> Vec<ClusterSnapshot> {
    let mut no_classes = snapshot();
    no_classes.runtime_classes = Part::Known(vec![]);
    let mut runsc = snapshot();
    runsc.runtime_classes = Part::Known(vec![runtime_class("gvisor", "runsc")]);
    let mut no_sandbox_pool = snapshot();
    fixtures::gke_mut(&mut no_sandbox_pool)
        .node_pools
        .truncate(1);
    no_sandbox_pool.nodes = Part::Known(vec![]);
    let mut autopilot = snapshot();
    autopilot.gke = Part::Known(fixtures::autopilot("1.26.1-gke.100"));
    let mut unknown = snapshot();
    unknown.gke = Part::Unknown(fixtures::gap());
    unknown.runtime_classes = Part::Unknown(fixtures::gap());
    unknown.namespaces = Part::Known(vec![fixtures::namespace(
        "tenant",
        &[("kubectl-sandbox.dev/untrusted", "true")],
    )]);
    unknown.pods = Part::Known(vec![fixtures::pod("tenant", "p", None)]);
    vec![
        snapshot(),
        no_classes,
        runsc,
        no_sandbox_pool,
        autopilot,
        unknown,
    ]
}

#[test]
fn no_check_rule_advises_weakening_a_control() {
    let mut fixes = 0;
    for snapshot in check_snapshots() {
        for rule in crate::check::rules::ALL {
            for outcome in fixtures::run(rule, &snapshot) {
                if let Some(fix) = &outcome.fix {
                    assert_keeps_controls(rule.id, fix);
                    fixes += 1;
                }
            }
        }
    }
    assert!(fixes >= 5, "the snapshots reach the rules' fixes: {fixes}");
}

#[test]
fn no_policy_message_advises_weakening_a_control() {
    use crate::policy::cel::{RUNTIME_CLASS_MESSAGE, STRICT};
    assert_keeps_controls("policy", RUNTIME_CLASS_MESSAGE);
    for rule in STRICT {
        assert_keeps_controls(rule.explain_rule, rule.message);
    }
}

#[test]
fn the_detector_catches_the_advice_the_tool_once_gave() {
    for bad in [
        "remove seccompProfile for the sandboxed version",
        "remove allowPrivilegeEscalation: false for the sandboxed version",
        "remove the AppArmor profile for the sandboxed version",
        "set runAsNonRoot: false",
        "drop the capabilities.drop list",
    ] {
        assert!(weakens(bad).is_some(), "{bad}");
    }
    for good in [
        "keep allowPrivilegeEscalation: false (the restricted Pod Security Standard requires it)",
        "use an emptyDir instead of the host's files",
        "set `privileged: false` and add only the capabilities it needs",
    ] {
        assert_eq!(weakens(good), None, "{good}");
    }
}
