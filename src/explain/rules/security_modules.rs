//! Linux security modules a pod asks for: seccomp, AppArmor, SELinux. GKE documents them as
//! not supported under the sandbox (gVisor filters system calls itself); whether the field
//! is rejected or ignored is not known, so the findings say `unsupported`.
//!
//! A profile of type `Unconfined` asks for no filtering at all, so nothing would be lost:
//! it is treated as the harmless value, like an absent field.

use super::Rule;
use crate::explain::{Context, Effect, FieldPath, Hit, Subject};

const APPARMOR_ANNOTATION_PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";

pub const SECCOMP: Rule = Rule {
    id: "EP007",
    name: "seccomp",
    fact: "Seccomp (seccompProfile) is not supported by GKE Sandbox (gke-sandbox.md, \"Features GKE Sandbox does not support\")",
    evaluate: seccomp,
};

fn confines(profile_type: &str) -> bool {
    profile_type != "Unconfined"
}

fn seccomp(subject: &Subject, _: &Context) -> Vec<Hit> {
    let fix = "remove seccompProfile for the sandboxed version: gVisor's own system-call filter takes its place";
    let mut paths: Vec<(FieldPath, String)> = Vec::new();
    if let Some(profile) = subject
        .spec
        .security_context
        .as_ref()
        .and_then(|s| s.seccomp_profile.as_ref())
        .filter(|p| confines(&p.type_))
    {
        paths.push((
            subject.pod_security_field("seccompProfile"),
            format!("the pod asks for seccomp profile `{}`", profile.type_),
        ));
    }
    for c in subject.containers() {
        if let Some(profile) = c
            .security_context
            .and_then(|s| s.seccomp_profile.as_ref())
            .filter(|p| confines(&p.type_))
        {
            paths.push((
                Subject::security_field(&c, "seccompProfile"),
                format!(
                    "container `{}` asks for seccomp profile `{}`",
                    c.name, profile.type_
                ),
            ));
        }
    }
    paths
        .into_iter()
        .map(|(path, message)| Hit::new(Effect::Unsupported, path, message, fix))
        .collect()
}

pub const APPARMOR: Rule = Rule {
    id: "EP008",
    name: "apparmor",
    fact: "AppArmor (annotations container.apparmor.security.beta.kubernetes.io/* or appArmorProfile) is not supported by GKE Sandbox (gke-sandbox.md, \"Features GKE Sandbox does not support\")",
    evaluate: apparmor,
};

fn apparmor(subject: &Subject, _: &Context) -> Vec<Hit> {
    let fix = "remove the AppArmor profile for the sandboxed version";
    let mut hits = Vec::new();
    for (key, value) in subject.annotations {
        if key.starts_with(APPARMOR_ANNOTATION_PREFIX) && value != "unconfined" {
            hits.push(Hit::new(
                Effect::Unsupported,
                subject.metadata_path.key("annotations").key(key),
                format!("AppArmor profile `{value}` is set by annotation"),
                fix,
            ));
        }
    }
    if let Some(profile) = subject
        .spec
        .security_context
        .as_ref()
        .and_then(|s| s.app_armor_profile.as_ref())
        .filter(|p| confines(&p.type_))
    {
        hits.push(Hit::new(
            Effect::Unsupported,
            subject.pod_security_field("appArmorProfile"),
            format!("the pod asks for AppArmor profile `{}`", profile.type_),
            fix,
        ));
    }
    for c in subject.containers() {
        if let Some(profile) = c
            .security_context
            .and_then(|s| s.app_armor_profile.as_ref())
            .filter(|p| confines(&p.type_))
        {
            hits.push(Hit::new(
                Effect::Unsupported,
                Subject::security_field(&c, "appArmorProfile"),
                format!(
                    "container `{}` asks for AppArmor profile `{}`",
                    c.name, profile.type_
                ),
                fix,
            ));
        }
    }
    hits
}

pub const SELINUX: Rule = Rule {
    id: "EP009",
    name: "selinux",
    fact: "SELinux options (seLinuxOptions) are not supported by GKE Sandbox (gke-sandbox.md, \"Features GKE Sandbox does not support\")",
    evaluate: selinux,
};

fn selinux(subject: &Subject, _: &Context) -> Vec<Hit> {
    let fix = "remove seLinuxOptions for the sandboxed version";
    let is_set = |o: &k8s_openapi::api::core::v1::SELinuxOptions| {
        o.level.is_some() || o.role.is_some() || o.type_.is_some() || o.user.is_some()
    };
    let mut hits = Vec::new();
    if subject
        .spec
        .security_context
        .as_ref()
        .and_then(|s| s.se_linux_options.as_ref())
        .is_some_and(is_set)
    {
        hits.push(Hit::new(
            Effect::Unsupported,
            subject.pod_security_field("seLinuxOptions"),
            "the pod sets SELinux options",
            fix,
        ));
    }
    for c in subject.containers() {
        if c.security_context
            .and_then(|s| s.se_linux_options.as_ref())
            .is_some_and(is_set)
        {
            hits.push(Hit::new(
                Effect::Unsupported,
                Subject::security_field(&c, "seLinuxOptions"),
                format!("container `{}` sets SELinux options", c.name),
                fix,
            ));
        }
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain::rules::testing::{paths, pod, run, workload};

    #[test]
    fn seccomp_pod_and_container() {
        let set = pod(
            "  securityContext: {seccompProfile: {type: RuntimeDefault}}\n  containers: [{name: c, securityContext: {seccompProfile: {type: Localhost, localhostProfile: p.json}}}]\n",
        );
        assert_eq!(
            paths(&run(&SECCOMP, &set)),
            [
                "spec.securityContext.seccompProfile",
                "spec.containers[0].securityContext.seccompProfile"
            ]
        );
        let unconfined = pod(
            "  securityContext: {seccompProfile: {type: Unconfined}}\n  containers: [{name: c}]\n",
        );
        assert!(run(&SECCOMP, &unconfined).is_empty());
        assert!(
            run(
                &SECCOMP,
                &pod("  containers: [{name: c, securityContext: {}}]\n")
            )
            .is_empty()
        );
    }

    #[test]
    fn apparmor_annotation_and_fields() {
        let set = workload(
            "kind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    metadata:\n      annotations:\n        container.apparmor.security.beta.kubernetes.io/c: runtime/default\n    spec:\n      securityContext: {appArmorProfile: {type: RuntimeDefault}}\n      containers: [{name: c, securityContext: {appArmorProfile: {type: Localhost, localhostProfile: p}}}]\n",
        );
        assert_eq!(
            paths(&run(&APPARMOR, &set)),
            [
                r#"spec.template.metadata.annotations["container.apparmor.security.beta.kubernetes.io/c"]"#,
                "spec.template.spec.securityContext.appArmorProfile",
                "spec.template.spec.containers[0].securityContext.appArmorProfile"
            ]
        );
        let unconfined = workload(
            "kind: Pod\nmetadata:\n  name: p\n  annotations:\n    container.apparmor.security.beta.kubernetes.io/c: unconfined\nspec:\n  securityContext: {appArmorProfile: {type: Unconfined}}\n  containers: [{name: c}]\n",
        );
        assert!(run(&APPARMOR, &unconfined).is_empty());
        assert!(run(&APPARMOR, &pod("  containers: [{name: c}]\n")).is_empty());
    }

    #[test]
    fn selinux_set_empty_absent() {
        let set = pod(
            "  securityContext: {seLinuxOptions: {level: \"s0:c123,c456\"}}\n  initContainers: [{name: i, securityContext: {seLinuxOptions: {type: spc_t}}}]\n  containers: [{name: c}]\n",
        );
        assert_eq!(
            paths(&run(&SELINUX, &set)),
            [
                "spec.securityContext.seLinuxOptions",
                "spec.initContainers[0].securityContext.seLinuxOptions"
            ]
        );
        assert!(
            run(
                &SELINUX,
                &pod("  securityContext: {seLinuxOptions: {}}\n  containers: [{name: c}]\n")
            )
            .is_empty()
        );
        assert!(run(&SELINUX, &pod("  containers: [{name: c}]\n")).is_empty());
    }
}
