//! Features that reach the host: hostPath volumes, host namespaces, privileged containers
//! and raw block devices. GKE documents each as not supported under the sandbox; whether
//! GKE rejects the pod or ignores the field is not known, so they are `unsupported`.

use super::Rule;
use crate::explain::{Context, Effect, Hit, Subject};

pub const HOST_PATH: Rule = Rule {
    id: "EP003",
    name: "host-path",
    fact: "hostPath storage is not supported by GKE Sandbox (gke-sandbox.md, \"Features GKE Sandbox does not support\", CIS text quoting the GKE docs)",
    evaluate: host_path,
};

fn host_path(subject: &Subject, _: &Context) -> Vec<Hit> {
    subject
        .spec
        .volumes
        .iter()
        .flatten()
        .enumerate()
        .filter(|(_, volume)| volume.host_path.is_some())
        .map(|(i, volume)| {
            Hit::new(
                Effect::Unsupported,
                subject.field("volumes").index(i).key("hostPath"),
                format!("volume `{}` is a hostPath volume", volume.name),
                "use an emptyDir, a ConfigMap/Secret or a PersistentVolumeClaim instead of the host's files",
            )
        })
        .collect()
}

pub const HOST_NAMESPACES: Rule = Rule {
    id: "EP004",
    name: "host-namespaces",
    fact: "host namespaces (hostNetwork, hostPID, hostIPC) are not supported by GKE Sandbox (gke-sandbox.md, \"Features GKE Sandbox does not support\")",
    evaluate: host_namespaces,
};

fn host_namespaces(subject: &Subject, _: &Context) -> Vec<Hit> {
    let spec = subject.spec;
    [
        ("hostNetwork", spec.host_network, "network"),
        ("hostPID", spec.host_pid, "process"),
        ("hostIPC", spec.host_ipc, "IPC"),
    ]
    .into_iter()
    .filter(|(_, value, _)| *value == Some(true))
    .map(|(field, _, what)| {
        Hit::new(
            Effect::Unsupported,
            subject.field(field),
            format!("the pod uses the host's {what} namespace"),
            format!("remove `{field}: true`; a pod that needs the host's {what} namespace cannot be sandboxed"),
        )
    })
    .collect()
}

pub const PRIVILEGED: Rule = Rule {
    id: "EP005",
    name: "privileged",
    fact: "privileged containers (securityContext.privileged: true) are not supported by GKE Sandbox (gke-sandbox.md, \"Features GKE Sandbox does not support\")",
    evaluate: privileged,
};

fn privileged(subject: &Subject, _: &Context) -> Vec<Hit> {
    subject
        .containers()
        .into_iter()
        .filter(|c| c.security_context.and_then(|s| s.privileged) == Some(true))
        .map(|c| {
            Hit::new(
                Effect::Unsupported,
                Subject::security_field(&c, "privileged"),
                format!("container `{}` is privileged", c.name),
                "drop `privileged: true`; grant only the capabilities the container needs",
            )
        })
        .collect()
}

pub const VOLUME_DEVICES: Rule = Rule {
    id: "EP006",
    name: "volume-devices",
    fact: "volume devices (containers[].volumeDevices) are not supported by GKE Sandbox (gke-sandbox.md, \"Features GKE Sandbox does not support\")",
    evaluate: volume_devices,
};

fn volume_devices(subject: &Subject, _: &Context) -> Vec<Hit> {
    subject
        .containers()
        .into_iter()
        .filter(|c| !c.volume_devices.is_empty())
        .map(|c| {
            Hit::new(
                Effect::Unsupported,
                c.path.key("volumeDevices"),
                format!("container `{}` uses a raw block device", c.name),
                "mount the volume as a filesystem (volumeMounts, volumeMode: Filesystem) instead",
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain::rules::testing::{paths, pod, run, workload};

    #[test]
    fn host_path_present_absent() {
        let hit = pod(
            "  volumes:\n    - name: proc\n      hostPath: {path: /proc}\n    - name: tmp\n      emptyDir: {}\n  containers: [{name: c}]\n",
        );
        assert_eq!(paths(&run(&HOST_PATH, &hit)), ["spec.volumes[0].hostPath"]);
        assert_eq!(run(&HOST_PATH, &hit)[0].effect, Effect::Unsupported);
        let harmless = pod("  volumes: [{name: tmp, emptyDir: {}}]\n  containers: [{name: c}]\n");
        assert!(run(&HOST_PATH, &harmless).is_empty());
        assert!(run(&HOST_PATH, &pod("  containers: [{name: c}]\n")).is_empty());
    }

    #[test]
    fn host_namespaces_true_false_absent() {
        let all = pod(
            "  hostNetwork: true\n  hostPID: true\n  hostIPC: true\n  containers: [{name: c}]\n",
        );
        assert_eq!(
            paths(&run(&HOST_NAMESPACES, &all)),
            ["spec.hostNetwork", "spec.hostPID", "spec.hostIPC"]
        );
        let off = pod(
            "  hostNetwork: false\n  hostPID: false\n  hostIPC: false\n  containers: [{name: c}]\n",
        );
        assert!(run(&HOST_NAMESPACES, &off).is_empty());
        assert!(run(&HOST_NAMESPACES, &pod("  containers: [{name: c}]\n")).is_empty());
    }

    #[test]
    fn host_namespaces_path_follows_the_kind() {
        let ds = workload(
            "kind: DaemonSet\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      hostPID: true\n      containers: [{name: c}]\n",
        );
        assert_eq!(
            paths(&run(&HOST_NAMESPACES, &ds)),
            ["spec.template.spec.hostPID"]
        );
    }

    #[test]
    fn privileged_in_any_container_list() {
        let cj = workload(
            "kind: CronJob\nmetadata: {name: j}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          initContainers: [{name: i, securityContext: {privileged: true}}]\n          containers: [{name: c, securityContext: {privileged: false}}]\n          ephemeralContainers: [{name: e, securityContext: {privileged: true}}]\n",
        );
        assert_eq!(
            paths(&run(&PRIVILEGED, &cj)),
            [
                "spec.jobTemplate.spec.template.spec.initContainers[0].securityContext.privileged",
                "spec.jobTemplate.spec.template.spec.ephemeralContainers[0].securityContext.privileged"
            ]
        );
        assert!(
            run(
                &PRIVILEGED,
                &pod("  containers: [{name: c, securityContext: {privileged: false}}]\n")
            )
            .is_empty()
        );
        assert!(run(&PRIVILEGED, &pod("  containers: [{name: c}]\n")).is_empty());
    }

    #[test]
    fn volume_devices_present_empty_absent() {
        let dev =
            pod("  containers: [{name: c, volumeDevices: [{name: d, devicePath: /dev/xvda}]}]\n");
        assert_eq!(
            paths(&run(&VOLUME_DEVICES, &dev)),
            ["spec.containers[0].volumeDevices"]
        );
        assert!(
            run(
                &VOLUME_DEVICES,
                &pod("  containers: [{name: c, volumeDevices: []}]\n")
            )
            .is_empty()
        );
        assert!(run(&VOLUME_DEVICES, &pod("  containers: [{name: c}]\n")).is_empty());
    }
}
