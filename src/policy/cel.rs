//! The policy's CEL, as named constants. Only standard CEL (`has`, `all`, `exists`,
//! `size`, `in`, `startsWith`, the ternary) is used, so the interpreter the tests run
//! (`tests/it/policy_cel.rs`) and the API server read the expressions the same way.
//!
//! Every expression reads the pod spec through `variables.podSpec`, whatever the kind:
//! `object.spec` for a Pod, `object.spec.jobTemplate.spec.template.spec` for a CronJob and
//! `object.spec.template.spec` for the other workloads. Absent fields are guarded with
//! `has()` so a pod that does not mention a feature is never an evaluation error.

/// A CEL variable: evaluated once per request, read as `variables.NAME`.
pub(crate) struct CelVariable {
    pub name: &'static str,
    pub expression: &'static str,
}

/// The variables, in evaluation order: later ones read earlier ones.
pub(crate) const VARIABLES: &[CelVariable] = &[
    CelVariable {
        name: "podSpec",
        expression: "object.kind == 'Pod' ? object.spec : \
                     (object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.spec : \
                     object.spec.template.spec)",
    },
    CelVariable {
        name: "podMetadata",
        expression: "object.kind == 'Pod' ? object.metadata : \
                     (object.kind == 'CronJob' ? \
                     (has(object.spec.jobTemplate.spec.template.metadata) ? object.spec.jobTemplate.spec.template.metadata : {}) : \
                     (has(object.spec.template.metadata) ? object.spec.template.metadata : {}))",
    },
    // Init and ephemeral containers count like containers (docs/gke-sandbox.md).
    CelVariable {
        name: "containers",
        expression: "(has(variables.podSpec.containers) ? variables.podSpec.containers : []) + \
                     (has(variables.podSpec.initContainers) ? variables.podSpec.initContainers : []) + \
                     (has(variables.podSpec.ephemeralContainers) ? variables.podSpec.ephemeralContainers : [])",
    },
];

/// Objects being deleted are left alone: removing a finalizer from an old, unsandboxed
/// Deployment is an UPDATE, and refusing it would wedge the deletion.
pub(crate) const NOT_BEING_DELETED: &str = "!has(object.metadata.deletionTimestamp)";

/// Workloads are checked on UPDATE only when their pod template changes: controllers update
/// whole objects to scale them (the Deployment controller scales an old ReplicaSet to 0 with
/// an UPDATE), and labels, annotations and replicas create no pod. Refusing those would stall
/// every rollout away from an unsandboxed template. A match condition cannot read
/// `variables`, so the template is found here as in `podSpec`.
pub(crate) const POD_TEMPLATE_CHANGED: &str = "request.operation != 'UPDATE' || oldObject == null || \
     object.kind == 'Pod' || \
     (object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template != oldObject.spec.jobTemplate.spec.template : \
     object.spec.template != oldObject.spec.template)";

/// The rule every policy carries: the pod asks for RuntimeClass `gvisor`.
pub(crate) const RUNTIME_CLASS_GVISOR: &str =
    "has(variables.podSpec.runtimeClassName) && variables.podSpec.runtimeClassName == 'gvisor'";

pub(crate) const RUNTIME_CLASS_MESSAGE: &str = "namespaces marked untrusted run pods under GKE Sandbox only: \
     set runtimeClassName: gvisor in the pod spec (spec.template.spec for Deployments, \
     StatefulSets, DaemonSets, ReplicaSets and Jobs; spec.jobTemplate.spec.template.spec for \
     CronJobs); check it first with `kubectl sandbox explain-pod -f FILE`";

/// One `--strict` rule: a feature explain-pod reports as `blocks`, refused at admission. `explain_rule` is the explain-pod rule it mirrors; the tests hold the two
/// to the same verdict on the same fixtures.
pub struct StrictRule {
    pub explain_rule: &'static str,
    /// Passes when the pod does not use the feature.
    pub expression: &'static str,
    pub message: &'static str,
}

/// Adding a `--strict` rule is one entry here (and the explain rule it mirrors). The table
/// refuses exactly what blocks a pod under the sandbox (docs/gke-sandbox.md), no more:
/// controls that are only not enforced inside it (seccomp, AppArmor, SELinux,
/// NoNewPrivileges, sysctls), the uncertain fsGroup and the caution procMount are admitted,
/// so a namespace enforcing both the "restricted" Pod Security Standard and `--strict`
/// admits hardened pods. Accelerators (EP001) are left out: GPUs are supported from some
/// GKE versions on, which admission cannot know; the RuntimeClass scheduling conflicts
/// (EP020) are refused by Kubernetes' own RuntimeClass admission.
pub const STRICT: &[StrictRule] = &[
    // The sidecar once injected (a Pod: mutating webhooks run before validation), or the
    // namespace label that will inject it (a workload), unless the pod template opts out.
    StrictRule {
        explain_rule: "EP002",
        expression: "!variables.containers.exists(c, c.name == 'istio-proxy') && \
                     !(has(variables.podMetadata.annotations) && 'sidecar.istio.io/status' in variables.podMetadata.annotations) && \
                     !(namespaceObject != null && has(namespaceObject.metadata.labels) && \
                     (('istio-injection' in namespaceObject.metadata.labels && namespaceObject.metadata.labels['istio-injection'] == 'enabled') || \
                     'istio.io/rev' in namespaceObject.metadata.labels) && \
                     !(has(variables.podMetadata.labels) && 'sidecar.istio.io/inject' in variables.podMetadata.labels && \
                     variables.podMetadata.labels['sidecar.istio.io/inject'] == 'false'))",
        message: "GKE Sandbox does not support an injected Istio sidecar (EP002): label the pod sidecar.istio.io/inject: \"false\"",
    },
    StrictRule {
        explain_rule: "EP003",
        expression: "!has(variables.podSpec.volumes) || variables.podSpec.volumes.all(v, !has(v.hostPath))",
        message: "GKE Sandbox does not support hostPath volumes (EP003): use an emptyDir, a ConfigMap/Secret or a PersistentVolumeClaim",
    },
    StrictRule {
        explain_rule: "EP004",
        expression: "!(has(variables.podSpec.hostNetwork) && variables.podSpec.hostNetwork) && \
                     !(has(variables.podSpec.hostPID) && variables.podSpec.hostPID) && \
                     !(has(variables.podSpec.hostIPC) && variables.podSpec.hostIPC)",
        message: "GKE Sandbox cannot share the host's namespaces (EP004): set hostNetwork, hostPID and hostIPC to false, or run the pod outside this namespace",
    },
    StrictRule {
        explain_rule: "EP005",
        expression: "variables.containers.all(c, !(has(c.securityContext) && has(c.securityContext.privileged) && c.securityContext.privileged))",
        message: "GKE Sandbox does not support privileged containers (EP005): set privileged: false, or run the pod outside this namespace",
    },
    StrictRule {
        explain_rule: "EP006",
        expression: "variables.containers.all(c, !has(c.volumeDevices) || size(c.volumeDevices) == 0)",
        message: "GKE Sandbox does not support volumeDevices (EP006): mount the volume as a filesystem",
    },
    StrictRule {
        explain_rule: "EP012",
        expression: "variables.containers.all(c, !has(c.volumeMounts) || \
                     c.volumeMounts.all(m, !has(m.mountPropagation) || m.mountPropagation != 'Bidirectional'))",
        message: "GKE Sandbox does not support Bidirectional mount propagation (EP012): use None or HostToContainer",
    },
    StrictRule {
        explain_rule: "EP017",
        expression: "!(has(variables.podSpec.os) && variables.podSpec.os.name == 'windows') && \
                     !(has(variables.podSpec.nodeSelector) && 'kubernetes.io/os' in variables.podSpec.nodeSelector && \
                     variables.podSpec.nodeSelector['kubernetes.io/os'] == 'windows') && \
                     !(has(variables.podSpec.affinity) && has(variables.podSpec.affinity.nodeAffinity) && \
                     has(variables.podSpec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution) && \
                     size(variables.podSpec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms) > 0 && \
                     variables.podSpec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms.all(t, \
                     has(t.matchExpressions) && t.matchExpressions.exists(e, e.key == 'kubernetes.io/os' && e.operator == 'In' && \
                     has(e.values) && size(e.values) > 0 && e.values.all(v, v == 'windows'))))",
        message: "GKE Sandbox runs Linux pods only (EP017): run Windows workloads on ordinary Windows nodes, outside this namespace",
    },
];
