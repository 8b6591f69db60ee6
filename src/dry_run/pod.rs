//! The pod a workload's controller would create, with `runtimeClassName: gvisor`: what the
//! admission preflight sends as a dry run, so every admission step that would judge the
//! real pod judges this one.

use k8s_openapi::api::core::v1::{Pod, PodSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::explain::{Workload, WorkloadKind};
use crate::snapshot::GVISOR_RUNTIME_CLASS;

/// The sandboxed pod for `workload`, in `namespace` (the workload's own, else this one).
///
/// A controller copies its template's labels, annotations and spec into each pod and names
/// it after itself; a CronJob's template is the one in `jobTemplate`. A bare Pod is sent as
/// it is, without what the server set when it was first created (its node, ephemeral
/// containers, the RuntimeClass overhead), which a new pod would not carry.
pub(crate) fn sandboxed_pod(workload: &Workload, namespace: &str) -> Pod {
    let template = &workload.template_metadata;
    let mut spec = PodSpec {
        runtime_class_name: Some(GVISOR_RUNTIME_CLASS.to_string()),
        ..workload.spec.clone()
    };
    if workload.kind == WorkloadKind::Pod {
        spec.node_name = None;
        spec.ephemeral_containers = None;
        // RuntimeClass admission sets the overhead of the class it admits the pod under and
        // refuses a pod that brings a different one.
        spec.overhead = None;
    }
    Pod {
        metadata: ObjectMeta {
            generate_name: Some(format!("{}-", workload.name)),
            namespace: Some(
                workload
                    .namespace
                    .clone()
                    .unwrap_or_else(|| namespace.to_string()),
            ),
            labels: template.labels.clone(),
            annotations: template.annotations.clone(),
            ..ObjectMeta::default()
        },
        spec: Some(spec),
        status: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain::rules::testing::workload;

    #[test]
    fn a_deployment_gives_its_template_with_the_runtime_class() {
        let deployment = workload(
            "kind: Deployment\nmetadata: {name: web, namespace: shop, labels: {tier: front}}\n\
             spec:\n  template:\n    metadata: {labels: {app: web}, annotations: {team: a}}\n    \
             spec:\n      serviceAccountName: web-sa\n      nodeSelector: {disk: ssd}\n      \
             containers: [{name: c, image: nginx}]\n",
        );
        let pod = sandboxed_pod(&deployment, "default");
        assert_eq!(pod.metadata.generate_name.as_deref(), Some("web-"));
        assert_eq!(pod.metadata.name, None);
        assert_eq!(pod.metadata.namespace.as_deref(), Some("shop"));
        let labels = pod.metadata.labels.unwrap();
        assert_eq!(labels.get("app").map(String::as_str), Some("web"));
        assert!(
            !labels.contains_key("tier"),
            "the workload's own labels stay on it"
        );
        assert_eq!(pod.metadata.annotations.unwrap()["team"], "a");
        let spec = pod.spec.unwrap();
        assert_eq!(spec.runtime_class_name.as_deref(), Some("gvisor"));
        assert_eq!(spec.service_account_name.as_deref(), Some("web-sa"));
        assert_eq!(spec.node_selector.unwrap()["disk"], "ssd");
        assert_eq!(spec.containers[0].image.as_deref(), Some("nginx"));
    }

    #[test]
    fn a_cronjob_gives_the_job_templates_pod_and_takes_the_default_namespace() {
        let cronjob = workload(
            "kind: CronJob\nmetadata: {name: nightly}\nspec:\n  schedule: '@daily'\n  \
             jobTemplate:\n    spec:\n      template:\n        metadata: {labels: {job: nightly}}\n        \
             spec:\n          restartPolicy: Never\n          containers: [{name: c, image: busybox}]\n",
        );
        let pod = sandboxed_pod(&cronjob, "batch");
        assert_eq!(pod.metadata.namespace.as_deref(), Some("batch"));
        assert_eq!(pod.metadata.generate_name.as_deref(), Some("nightly-"));
        assert_eq!(pod.metadata.labels.unwrap()["job"], "nightly");
        let spec = pod.spec.unwrap();
        assert_eq!(spec.restart_policy.as_deref(), Some("Never"));
        assert_eq!(spec.runtime_class_name.as_deref(), Some("gvisor"));
    }

    #[test]
    fn a_bare_pod_loses_what_the_server_set_and_keeps_its_own_choices() {
        let running = workload(
            "kind: Pod\nmetadata:\n  name: web-0\n  namespace: shop\n  uid: 'a1b2'\n  \
             resourceVersion: '99'\n  labels: {app: web}\n\
             spec:\n  nodeName: node-1\n  runtimeClassName: runc-fast\n  overhead: {cpu: 250m}\n  \
             tolerations: [{key: dedicated, operator: Exists}]\n  \
             containers: [{name: c, image: nginx}]\n  \
             ephemeralContainers: [{name: debug, image: busybox}]\n",
        );
        let pod = sandboxed_pod(&running, "default");
        assert_eq!(pod.metadata.generate_name.as_deref(), Some("web-0-"));
        assert_eq!(pod.metadata.uid, None);
        assert_eq!(pod.metadata.resource_version, None);
        let spec = pod.spec.unwrap();
        assert_eq!(spec.runtime_class_name.as_deref(), Some("gvisor"));
        assert_eq!(spec.node_name, None);
        assert_eq!(spec.overhead, None);
        assert_eq!(spec.ephemeral_containers, None);
        assert_eq!(
            spec.tolerations.unwrap()[0].key.as_deref(),
            Some("dedicated")
        );
    }
}
