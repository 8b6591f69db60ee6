//! The pod template of any supported workload kind, and the path from the object's root to
//! it, so findings name the field as it is written in that kind
//! (`spec.jobTemplate.spec.template.spec...` for a CronJob).

use std::fmt;

use k8s_openapi::api::core::v1::{PodSpec, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::FieldPath;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum WorkloadKind {
    Pod,
    Deployment,
    StatefulSet,
    DaemonSet,
    ReplicaSet,
    Job,
    CronJob,
}

impl WorkloadKind {
    pub const ALL: [WorkloadKind; 7] = [
        WorkloadKind::Pod,
        WorkloadKind::Deployment,
        WorkloadKind::StatefulSet,
        WorkloadKind::DaemonSet,
        WorkloadKind::ReplicaSet,
        WorkloadKind::Job,
        WorkloadKind::CronJob,
    ];

    pub fn name(self) -> &'static str {
        match self {
            WorkloadKind::Pod => "Pod",
            WorkloadKind::Deployment => "Deployment",
            WorkloadKind::StatefulSet => "StatefulSet",
            WorkloadKind::DaemonSet => "DaemonSet",
            WorkloadKind::ReplicaSet => "ReplicaSet",
            WorkloadKind::Job => "Job",
            WorkloadKind::CronJob => "CronJob",
        }
    }

    /// The `kind` field's value, exactly as Kubernetes spells it.
    pub fn from_kind(kind: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == kind)
    }

    /// kubectl's `TYPE` forms: `deployment`, `deployments`, `deploy`, `Deployment`...
    pub fn from_type_name(text: &str) -> Option<Self> {
        let lower = text.to_ascii_lowercase();
        let kind = match lower.split('.').next().unwrap_or_default() {
            "pod" | "pods" | "po" => WorkloadKind::Pod,
            "deployment" | "deployments" | "deploy" => WorkloadKind::Deployment,
            "statefulset" | "statefulsets" | "sts" => WorkloadKind::StatefulSet,
            "daemonset" | "daemonsets" | "ds" => WorkloadKind::DaemonSet,
            "replicaset" | "replicasets" | "rs" => WorkloadKind::ReplicaSet,
            "job" | "jobs" => WorkloadKind::Job,
            "cronjob" | "cronjobs" | "cj" => WorkloadKind::CronJob,
            _ => return None,
        };
        Some(kind)
    }

    /// Where the pod template (its `metadata` and `spec`) sits in an object of this kind.
    /// A Pod is its own template.
    pub fn template_path(self) -> FieldPath {
        match self {
            WorkloadKind::Pod => FieldPath::root(),
            WorkloadKind::CronJob => FieldPath::of(&["spec", "jobTemplate", "spec", "template"]),
            _ => FieldPath::of(&["spec", "template"]),
        }
    }
}

impl fmt::Display for WorkloadKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One workload, reduced to what the rules read: its identity and its pod template.
#[derive(Debug, Clone, PartialEq)]
pub struct Workload {
    pub kind: WorkloadKind,
    pub name: String,
    pub namespace: Option<String>,
    /// The pod template's metadata (the Pod's own for a Pod): labels, annotations.
    pub template_metadata: ObjectMeta,
    /// The pod template's spec (the Pod's own for a Pod).
    pub spec: PodSpec,
}

/// Why an object of a supported kind could not be read as one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkloadError {
    #[error("{kind} has no `{path}`")]
    MissingTemplate { kind: WorkloadKind, path: FieldPath },
    #[error("{kind} `{path}` is not a valid pod template: {reason}")]
    InvalidTemplate {
        kind: WorkloadKind,
        path: FieldPath,
        reason: String,
    },
}

impl WorkloadError {
    /// The kind of the workload that could not be read.
    pub fn kind(&self) -> WorkloadKind {
        match self {
            WorkloadError::MissingTemplate { kind, .. }
            | WorkloadError::InvalidTemplate { kind, .. } => *kind,
        }
    }
}

impl Workload {
    pub fn template_path(&self) -> FieldPath {
        self.kind.template_path()
    }

    /// Reads any Kubernetes object; `Ok(None)` when its kind is not a workload (ConfigMap,
    /// Service...), so callers can pass it over and count it.
    pub fn from_value(object: &Value) -> Result<Option<Workload>, WorkloadError> {
        let Some(kind) = object["kind"].as_str().and_then(WorkloadKind::from_kind) else {
            return Ok(None);
        };
        let text = |v: &Value| v.as_str().map(str::to_string);
        let name = text(&object["metadata"]["name"])
            .or_else(|| text(&object["metadata"]["generateName"]))
            .unwrap_or_default();
        let namespace = text(&object["metadata"]["namespace"]);
        let path = kind.template_path();
        let invalid = |e: serde_json::Error| WorkloadError::InvalidTemplate {
            kind,
            path: path.clone(),
            reason: e.to_string(),
        };
        // Read straight from the borrowed value: cloning the template first cost more than
        // the rules themselves on a 10,000-document manifest.
        let template = match kind {
            WorkloadKind::Pod => PodTemplateSpec {
                metadata: Option::<ObjectMeta>::deserialize(&object["metadata"])
                    .map_err(invalid)?,
                spec: Option::<PodSpec>::deserialize(&object["spec"]).map_err(invalid)?,
            },
            _ => {
                let template = pointer(object, &path).ok_or(WorkloadError::MissingTemplate {
                    kind,
                    path: path.clone(),
                })?;
                PodTemplateSpec::deserialize(template).map_err(invalid)?
            }
        };
        let Some(spec) = template.spec else {
            return Err(WorkloadError::MissingTemplate {
                kind,
                path: path.key("spec"),
            });
        };
        Ok(Some(Workload {
            kind,
            name,
            namespace,
            template_metadata: template.metadata.unwrap_or_default(),
            spec,
        }))
    }

    /// Reads a typed object from the API (`Pod`, `Deployment`...) through the same path as
    /// manifests, so both give the same findings.
    pub fn from_resource<T: Serialize>(object: &T) -> Result<Option<Workload>, WorkloadError> {
        // k8s-openapi types always serialise; a failure would mean no kind, i.e. `None`.
        let value = serde_json::to_value(object).unwrap_or(Value::Null);
        Workload::from_value(&value)
    }
}

fn pointer<'a>(value: &'a Value, path: &FieldPath) -> Option<&'a Value> {
    path.segments()
        .iter()
        .try_fold(value, |node, segment| match segment {
            super::Segment::Key(key) => node.get(key.as_str()),
            super::Segment::Index(i) => node.get(*i),
        })
}

/// The ownerReference of the controller that owns `object` (a Deployment's ReplicaSet, a
/// CronJob's Job, a Rollout's ReplicaSet...), if any.
pub(crate) fn controller(object: &Value) -> Option<&Value> {
    object["metadata"]["ownerReferences"]
        .as_array()?
        .iter()
        .find(|owner| owner["controller"] == Value::Bool(true))
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::batch::v1::CronJob;
    use serde_json::json;

    #[test]
    fn not_a_workload_is_none() {
        let config_map =
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}});
        assert_eq!(Workload::from_value(&config_map), Ok(None));
    }

    #[test]
    fn a_pod_is_its_own_template() {
        let pod = json!({"kind": "Pod", "metadata": {"name": "p", "namespace": "n"},
            "spec": {"containers": [{"name": "c", "image": "nginx"}]}});
        let w = Workload::from_value(&pod).unwrap().unwrap();
        assert_eq!(w.kind, WorkloadKind::Pod);
        assert_eq!(w.namespace.as_deref(), Some("n"));
        assert_eq!(w.template_path(), FieldPath::root());
        assert_eq!(w.spec.containers[0].name, "c");
    }

    #[test]
    fn a_cronjob_template_is_two_levels_down() {
        let cj = json!({"kind": "CronJob", "metadata": {"name": "nightly"}, "spec": {"schedule": "@daily",
            "jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "c"}]}}}}}});
        let w = Workload::from_value(&cj).unwrap().unwrap();
        assert_eq!(
            w.template_path().to_string(),
            "spec.jobTemplate.spec.template"
        );
        let typed: CronJob = serde_json::from_value(cj).unwrap();
        assert_eq!(Workload::from_resource(&typed).unwrap().unwrap(), w);
    }

    #[test]
    fn a_deployment_without_template_is_an_error() {
        let d = json!({"kind": "Deployment", "metadata": {"name": "d"}, "spec": {}});
        assert!(matches!(
            Workload::from_value(&d),
            Err(WorkloadError::MissingTemplate { .. })
        ));
    }

    #[test]
    fn a_wrongly_typed_field_is_an_error() {
        let d = json!({"kind": "Deployment", "metadata": {"name": "d"}, "spec": {"template":
            {"spec": {"hostNetwork": "yes", "containers": []}}}});
        assert!(matches!(
            Workload::from_value(&d),
            Err(WorkloadError::InvalidTemplate { .. })
        ));
    }

    #[test]
    fn kubectl_type_names() {
        assert_eq!(
            WorkloadKind::from_type_name("deploy"),
            Some(WorkloadKind::Deployment)
        );
        assert_eq!(
            WorkloadKind::from_type_name("cronjobs.batch"),
            Some(WorkloadKind::CronJob)
        );
        assert_eq!(WorkloadKind::from_type_name("Pod"), Some(WorkloadKind::Pod));
        assert_eq!(WorkloadKind::from_type_name("service"), None);
    }
}
