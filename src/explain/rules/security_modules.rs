//! Linux security modules a pod asks for: AppArmor and SELinux. The host kernel does not
//! apply them to a sandboxed workload, which never talks to it; gVisor's isolation takes
//! their place. The pod runs, so the findings are `not-enforced`, and the settings stay.
//!
//! A profile of type `Unconfined` asks for no confinement at all, so nothing is lost: it is
//! treated as the harmless value, like an absent field.

use super::Rule;
use crate::explain::{Context, Effect, Hit, Subject};

const APPARMOR_ANNOTATION_PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";

fn confines(profile_type: &str) -> bool {
    profile_type != "Unconfined"
}

pub(super) const APPARMOR: Rule = Rule {
    id: "EP008",
    name: "apparmor",
    fact: "an AppArmor profile (annotation or appArmorProfile) is not applied inside the sandbox; no refusal is reported and the pod runs (docs/gke-sandbox.md#apparmor)",
    evaluate: apparmor,
};

fn apparmor(subject: &Subject, _: &Context) -> Vec<Hit> {
    let fix = "keep the AppArmor profile; nothing to change: it still confines the container wherever it runs without the sandbox, and gVisor isolates it inside";
    let mut hits = Vec::new();
    for (key, value) in subject.annotations {
        if key.starts_with(APPARMOR_ANNOTATION_PREFIX) && value != "unconfined" {
            hits.push(Hit::new(
                Effect::NotEnforced,
                subject.metadata_path.key("annotations").key(key),
                format!("AppArmor profile `{value}` is set by annotation: not applied inside the sandbox"),
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
            Effect::NotEnforced,
            subject.pod_security_field("appArmorProfile"),
            format!(
                "the pod asks for AppArmor profile `{}`: not applied inside the sandbox",
                profile.type_
            ),
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
                Effect::NotEnforced,
                Subject::security_field(&c, "appArmorProfile"),
                format!(
                    "container `{}` asks for AppArmor profile `{}`: not applied inside the sandbox",
                    c.name, profile.type_
                ),
                fix,
            ));
        }
    }
    hits
}

pub(super) const SELINUX: Rule = Rule {
    id: "EP009",
    name: "selinux",
    fact: "SELinux options are not applied inside the sandbox; no refusal is reported and the pod runs (docs/gke-sandbox.md#selinux)",
    evaluate: selinux,
};

fn selinux(subject: &Subject, _: &Context) -> Vec<Hit> {
    let fix = "keep the SELinux options; nothing to change: they still apply wherever the pod runs without the sandbox, and gVisor isolates it inside";
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
            Effect::NotEnforced,
            subject.pod_security_field("seLinuxOptions"),
            "the pod sets SELinux options: not applied inside the sandbox",
            fix,
        ));
    }
    for c in subject.containers() {
        if c.security_context
            .and_then(|s| s.se_linux_options.as_ref())
            .is_some_and(is_set)
        {
            hits.push(Hit::new(
                Effect::NotEnforced,
                Subject::security_field(&c, "seLinuxOptions"),
                format!(
                    "container `{}` sets SELinux options: not applied inside the sandbox",
                    c.name
                ),
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
    fn apparmor_annotation_and_fields() {
        let set = workload(
            "kind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    metadata:\n      annotations:\n        container.apparmor.security.beta.kubernetes.io/c: runtime/default\n    spec:\n      securityContext: {appArmorProfile: {type: RuntimeDefault}}\n      containers: [{name: c, securityContext: {appArmorProfile: {type: Localhost, localhostProfile: p}}}]\n",
        );
        let hits = run(&APPARMOR, &set);
        assert!(hits.iter().all(|h| h.effect == Effect::NotEnforced));
        assert!(hits.iter().all(|h| h.fix.starts_with("keep ")));
        assert_eq!(
            paths(&hits),
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
