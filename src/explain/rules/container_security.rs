//! Kernel-facing settings GKE documents as not supported under the sandbox: sysctls,
//! NoNewPrivileges, bidirectional mount propagation and ProcMount. Whether GKE rejects or
//! ignores each is not known, so the findings say `unsupported` and no more.

use super::Rule;
use crate::explain::{Context, Effect, Hit, Subject};

pub const SYSCTLS: Rule = Rule {
    id: "EP010",
    name: "sysctls",
    fact: "sysctls are not supported by GKE Sandbox (gke-sandbox.md, \"Features GKE Sandbox does not support\")",
    evaluate: sysctls,
};

fn sysctls(subject: &Subject, _: &Context) -> Vec<Hit> {
    let sysctls = subject
        .spec
        .security_context
        .as_ref()
        .and_then(|s| s.sysctls.as_deref())
        .unwrap_or_default();
    if sysctls.is_empty() {
        return Vec::new();
    }
    let names: Vec<&str> = sysctls.iter().map(|s| s.name.as_str()).collect();
    vec![Hit::new(
        Effect::Unsupported,
        subject.pod_security_field("sysctls"),
        format!("the pod sets sysctls: {}", names.join(", ")),
        "remove the sysctls, or keep the workload on ordinary nodes if it depends on them",
    )]
}

pub const NO_NEW_PRIVILEGES: Rule = Rule {
    id: "EP011",
    name: "no-new-privileges",
    fact: "NoNewPrivileges (allowPrivilegeEscalation: false) is not supported by GKE Sandbox (gke-sandbox.md, \"Features GKE Sandbox does not support\")",
    evaluate: no_new_privileges,
};

fn no_new_privileges(subject: &Subject, _: &Context) -> Vec<Hit> {
    subject
        .containers()
        .into_iter()
        .filter(|c| c.security_context.and_then(|s| s.allow_privilege_escalation) == Some(false))
        .map(|c| {
            Hit::new(
                Effect::Unsupported,
                Subject::security_field(&c, "allowPrivilegeEscalation"),
                format!("container `{}` sets allowPrivilegeEscalation: false (NoNewPrivileges)", c.name),
                "remove allowPrivilegeEscalation: false for the sandboxed version; gVisor isolates the container from the host kernel instead",
            )
        })
        .collect()
}

pub const BIDIRECTIONAL_MOUNT_PROPAGATION: Rule = Rule {
    id: "EP012",
    name: "bidirectional-mount-propagation",
    fact: "bidirectional mount propagation (mountPropagation: Bidirectional) is not supported by GKE Sandbox (gke-sandbox.md, \"Features GKE Sandbox does not support\")",
    evaluate: bidirectional_mount_propagation,
};

fn bidirectional_mount_propagation(subject: &Subject, _: &Context) -> Vec<Hit> {
    let mut hits = Vec::new();
    for c in subject.containers() {
        for (i, mount) in c.volume_mounts.iter().enumerate() {
            if mount.mount_propagation.as_deref() == Some("Bidirectional") {
                hits.push(Hit::new(
                    Effect::Unsupported,
                    c.path.key("volumeMounts").index(i).key("mountPropagation"),
                    format!("container `{}` mounts `{}` with Bidirectional propagation", c.name, mount.name),
                    "use mountPropagation: None or HostToContainer, or keep the workload on ordinary nodes",
                ));
            }
        }
    }
    hits
}

pub const PROC_MOUNT: Rule = Rule {
    id: "EP014",
    name: "proc-mount",
    fact: "ProcMount (securityContext.procMount) is not supported by GKE Sandbox (gke-sandbox.md, \"Features GKE Sandbox does not support\")",
    evaluate: proc_mount,
};

fn proc_mount(subject: &Subject, _: &Context) -> Vec<Hit> {
    subject
        .containers()
        .into_iter()
        .filter_map(|c| {
            let value = c.security_context?.proc_mount.as_deref()?;
            // `Default` is what every pod gets; only another value asks for something.
            (value != "Default").then(|| {
                Hit::new(
                    Effect::Unsupported,
                    Subject::security_field(&c, "procMount"),
                    format!("container `{}` sets procMount: {value}", c.name),
                    "remove procMount (or set it to Default) for the sandboxed version",
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain::rules::testing::{paths, pod, run};

    #[test]
    fn sysctls_set_empty_absent() {
        let set = pod(
            "  securityContext: {sysctls: [{name: net.core.somaxconn, value: \"1024\"}]}\n  containers: [{name: c}]\n",
        );
        let hits = run(&SYSCTLS, &set);
        assert_eq!(paths(&hits), ["spec.securityContext.sysctls"]);
        assert!(hits[0].message.contains("net.core.somaxconn"));
        assert!(
            run(
                &SYSCTLS,
                &pod("  securityContext: {sysctls: []}\n  containers: [{name: c}]\n")
            )
            .is_empty()
        );
        assert!(run(&SYSCTLS, &pod("  containers: [{name: c}]\n")).is_empty());
    }

    #[test]
    fn no_new_privileges_false_true_absent() {
        let set = pod(
            "  containers: [{name: a, securityContext: {allowPrivilegeEscalation: true}}, {name: b, securityContext: {allowPrivilegeEscalation: false}}]\n",
        );
        assert_eq!(
            paths(&run(&NO_NEW_PRIVILEGES, &set)),
            ["spec.containers[1].securityContext.allowPrivilegeEscalation"]
        );
        assert!(
            run(
                &NO_NEW_PRIVILEGES,
                &pod(
                    "  containers: [{name: c, securityContext: {allowPrivilegeEscalation: true}}]\n"
                )
            )
            .is_empty()
        );
        assert!(run(&NO_NEW_PRIVILEGES, &pod("  containers: [{name: c}]\n")).is_empty());
    }

    #[test]
    fn mount_propagation_bidirectional_only() {
        let set = pod(
            "  containers: [{name: c, volumeMounts: [{name: a, mountPath: /a, mountPropagation: HostToContainer}, {name: b, mountPath: /b, mountPropagation: Bidirectional}]}]\n",
        );
        assert_eq!(
            paths(&run(&BIDIRECTIONAL_MOUNT_PROPAGATION, &set)),
            ["spec.containers[0].volumeMounts[1].mountPropagation"]
        );
        assert!(run(&BIDIRECTIONAL_MOUNT_PROPAGATION, &pod("  containers: [{name: c, volumeMounts: [{name: a, mountPath: /a, mountPropagation: None}]}]\n")).is_empty());
        assert!(
            run(
                &BIDIRECTIONAL_MOUNT_PROPAGATION,
                &pod("  containers: [{name: c, volumeMounts: [{name: a, mountPath: /a}]}]\n")
            )
            .is_empty()
        );
    }

    #[test]
    fn proc_mount_unmasked_default_absent() {
        let set = pod("  containers: [{name: c, securityContext: {procMount: Unmasked}}]\n");
        assert_eq!(
            paths(&run(&PROC_MOUNT, &set)),
            ["spec.containers[0].securityContext.procMount"]
        );
        assert!(
            run(
                &PROC_MOUNT,
                &pod("  containers: [{name: c, securityContext: {procMount: Default}}]\n")
            )
            .is_empty()
        );
        assert!(run(&PROC_MOUNT, &pod("  containers: [{name: c}]\n")).is_empty());
    }
}
