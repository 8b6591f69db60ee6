//! Features that reach the host: hostPath volumes, host namespaces, privileged containers,
//! raw block devices and bidirectional mount propagation. The sandbox has its own kernel and
//! mount namespace, so a pod that needs the host's cannot work there: each `blocks`.

use super::Rule;
use crate::explain::{Context, Effect, Hit, Subject};

pub(super) const HOST_PATH: Rule = Rule {
    id: "EP003",
    name: "host-path",
    fact: "hostPath volumes are not supported under GKE Sandbox: the pod cannot use the host's files (docs/gke-sandbox.md#hostpath)",
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
                Effect::Blocks,
                subject.field("volumes").index(i).key("hostPath"),
                format!("volume `{}` is a hostPath volume", volume.name),
                "use an emptyDir, a ConfigMap/Secret or a PersistentVolumeClaim instead of the host's files, or keep the workload on ordinary nodes",
            )
        })
        .collect()
}

pub(super) const HOST_NAMESPACES: Rule = Rule {
    id: "EP004",
    name: "host-namespaces",
    fact: "host namespaces (hostNetwork, hostPID, hostIPC) cannot be shared with a sandbox, which has its own kernel (docs/gke-sandbox.md#host-namespaces)",
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
            Effect::Blocks,
            subject.field(field),
            format!("the pod uses the host's {what} namespace"),
            format!("a pod that needs the host's {what} namespace cannot be sandboxed: keep it on ordinary nodes, or set `{field}: false` if it does not need it"),
        )
    })
    .collect()
}

pub(super) const PRIVILEGED: Rule = Rule {
    id: "EP005",
    name: "privileged",
    fact: "privileged containers are not supported under GKE Sandbox (docs/gke-sandbox.md#privileged)",
    evaluate: privileged,
};

fn privileged(subject: &Subject, _: &Context) -> Vec<Hit> {
    subject
        .containers()
        .into_iter()
        .filter(|c| c.security_context.and_then(|s| s.privileged) == Some(true))
        .map(|c| {
            Hit::new(
                Effect::Blocks,
                Subject::security_field(&c, "privileged"),
                format!("container `{}` is privileged", c.name),
                "a privileged container cannot be sandboxed: keep it on ordinary nodes, or set `privileged: false` and add only the capabilities it needs",
            )
        })
        .collect()
}

pub(super) const VOLUME_DEVICES: Rule = Rule {
    id: "EP006",
    name: "volume-devices",
    fact: "raw block devices (volumeDevices) are not available inside the sandbox (docs/gke-sandbox.md#volume-devices)",
    evaluate: volume_devices,
};

fn volume_devices(subject: &Subject, _: &Context) -> Vec<Hit> {
    subject
        .containers()
        .into_iter()
        .filter(|c| !c.volume_devices.is_empty())
        .map(|c| {
            Hit::new(
                Effect::Blocks,
                c.path.key("volumeDevices"),
                format!("container `{}` uses a raw block device", c.name),
                "mount the volume as a filesystem (volumeMounts, volumeMode: Filesystem) instead, or keep the workload on ordinary nodes",
            )
        })
        .collect()
}

pub(super) const BIDIRECTIONAL_MOUNT_PROPAGATION: Rule = Rule {
    id: "EP012",
    name: "bidirectional-mount-propagation",
    fact: "Bidirectional mount propagation needs the host's mount namespace, which a sandbox does not share (docs/gke-sandbox.md#bidirectional-mount-propagation)",
    evaluate: bidirectional_mount_propagation,
};

fn bidirectional_mount_propagation(subject: &Subject, _: &Context) -> Vec<Hit> {
    let mut hits = Vec::new();
    for c in subject.containers() {
        for (i, mount) in c.volume_mounts.iter().enumerate() {
            if mount.mount_propagation.as_deref() == Some("Bidirectional") {
                hits.push(Hit::new(
                    Effect::Blocks,
                    c.path.key("volumeMounts").index(i).key("mountPropagation"),
                    format!("container `{}` mounts `{}` with Bidirectional propagation", c.name, mount.name),
                    "use mountPropagation: None or HostToContainer, or keep the workload on ordinary nodes",
                ));
            }
        }
    }
    hits
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
        assert_eq!(run(&HOST_PATH, &hit)[0].effect, Effect::Blocks);
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

    #[test]
    fn mount_propagation_bidirectional_only() {
        let set = pod(
            "  containers: [{name: c, volumeMounts: [{name: a, mountPath: /a, mountPropagation: HostToContainer}, {name: b, mountPath: /b, mountPropagation: Bidirectional}]}]\n",
        );
        let hits = run(&BIDIRECTIONAL_MOUNT_PROPAGATION, &set);
        assert_eq!(
            paths(&hits),
            ["spec.containers[0].volumeMounts[1].mountPropagation"]
        );
        assert_eq!(hits[0].effect, Effect::Blocks);
        assert!(run(&BIDIRECTIONAL_MOUNT_PROPAGATION, &pod("  containers: [{name: c, volumeMounts: [{name: a, mountPath: /a, mountPropagation: None}]}]\n")).is_empty());
        assert!(
            run(
                &BIDIRECTIONAL_MOUNT_PROPAGATION,
                &pod("  containers: [{name: c, volumeMounts: [{name: a, mountPath: /a}]}]\n")
            )
            .is_empty()
        );
    }
}
