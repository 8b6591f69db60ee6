//! Seccomp: a profile the pod asks for, by field or by the legacy annotations, is not applied
//! by the host kernel to a sandboxed workload; gVisor's own system-call filter protects the
//! host. The pod runs, so the finding is `not-enforced`, and the profile stays: the Pod
//! Security Standards "restricted" profile requires it.
//!
//! A profile of type `Unconfined` (annotation value `unconfined`) asks for no filtering:
//! nothing is lost, as with an absent field.

use super::Rule;
use crate::explain::{Context, Effect, FieldPath, Hit, Subject};

const POD_ANNOTATION: &str = "seccomp.security.alpha.kubernetes.io/pod";
const CONTAINER_ANNOTATION_PREFIX: &str = "container.seccomp.security.alpha.kubernetes.io/";

pub(super) const SECCOMP: Rule = Rule {
    id: "EP007",
    name: "seccomp",
    fact: "a seccomp profile is not applied by the host kernel inside the sandbox; the pod runs and gVisor filters the host's system calls itself (docs/gke-sandbox.md#seccomp)",
    evaluate: seccomp,
};

const FIX: &str = "keep the profile (the restricted Pod Security Standard requires it); nothing to change: gVisor's own system-call filter protects the host";

fn seccomp(subject: &Subject, _: &Context) -> Vec<Hit> {
    let mut found: Vec<(FieldPath, String)> = Vec::new();
    for (key, value) in subject.annotations {
        let who = if key == POD_ANNOTATION {
            "the pod".to_string()
        } else if let Some(container) = key.strip_prefix(CONTAINER_ANNOTATION_PREFIX) {
            format!("container `{container}`")
        } else {
            continue;
        };
        if value != "unconfined" {
            found.push((
                subject.metadata_path.key("annotations").key(key),
                format!("{who} asks for seccomp profile `{value}` by annotation"),
            ));
        }
    }
    if let Some(profile) = subject
        .spec
        .security_context
        .as_ref()
        .and_then(|s| s.seccomp_profile.as_ref())
        .filter(|p| p.type_ != "Unconfined")
    {
        found.push((
            subject.pod_security_field("seccompProfile"),
            format!("the pod asks for seccomp profile `{}`", profile.type_),
        ));
    }
    for c in subject.containers() {
        if let Some(profile) = c
            .security_context
            .and_then(|s| s.seccomp_profile.as_ref())
            .filter(|p| p.type_ != "Unconfined")
        {
            found.push((
                Subject::security_field(&c, "seccompProfile"),
                format!(
                    "container `{}` asks for seccomp profile `{}`",
                    c.name, profile.type_
                ),
            ));
        }
    }
    found
        .into_iter()
        .map(|(path, what)| {
            Hit::new(
                Effect::NotEnforced,
                path,
                format!("{what}: not applied by the host kernel inside the sandbox"),
                FIX,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain::rules::testing::{paths, pod, run, workload};

    #[test]
    fn seccomp_pod_and_container_fields() {
        let set = pod(
            "  securityContext: {seccompProfile: {type: RuntimeDefault}}\n  containers: [{name: c, securityContext: {seccompProfile: {type: Localhost, localhostProfile: p.json}}}]\n",
        );
        let hits = run(&SECCOMP, &set);
        assert_eq!(
            paths(&hits),
            [
                "spec.securityContext.seccompProfile",
                "spec.containers[0].securityContext.seccompProfile"
            ]
        );
        assert!(hits.iter().all(|h| h.effect == Effect::NotEnforced));
        assert!(hits[0].fix.starts_with("keep the profile"));
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
    fn seccomp_legacy_annotations() {
        let annotated = workload(
            "kind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    metadata:\n      annotations:\n        seccomp.security.alpha.kubernetes.io/pod: runtime/default\n        container.seccomp.security.alpha.kubernetes.io/app: localhost/profiles/app.json\n        container.seccomp.security.alpha.kubernetes.io/debug: unconfined\n        example.com/other: x\n    spec:\n      containers: [{name: app}, {name: debug}]\n",
        );
        let hits = run(&SECCOMP, &annotated);
        assert_eq!(
            paths(&hits),
            [
                r#"spec.template.metadata.annotations["container.seccomp.security.alpha.kubernetes.io/app"]"#,
                r#"spec.template.metadata.annotations["seccomp.security.alpha.kubernetes.io/pod"]"#,
            ]
        );
        assert!(
            hits[0].message.contains("container `app`"),
            "{}",
            hits[0].message
        );
        assert!(hits[1].message.contains("`runtime/default`"));
    }
}
