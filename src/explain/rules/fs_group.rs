//! FSGroup: the one unsupported feature GKE is known to reject at admission.

use super::Rule;
use crate::explain::{Context, Effect, Hit, Subject};

pub const FS_GROUP: Rule = Rule {
    id: "EP013",
    name: "fs-group",
    fact: "FSGroup is not supported by GKE Sandbox and was seen rejected at admission on GKE with `FSGroup is not supported` (gke-sandbox.md, \"Features GKE Sandbox does not support\")",
    evaluate: fs_group,
};

fn fs_group(subject: &Subject, _: &Context) -> Vec<Hit> {
    let Some(group) = subject
        .spec
        .security_context
        .as_ref()
        .and_then(|s| s.fs_group)
    else {
        return Vec::new();
    };
    vec![Hit::new(
        Effect::Blocks,
        subject.pod_security_field("fsGroup"),
        format!("fsGroup: {group} is rejected at admission (\"FSGroup is not supported\")"),
        "remove fsGroup; give the volume's files the right owner another way (an init step, or runAsUser/runAsGroup matching the files)",
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain::rules::testing::{paths, pod, run};

    #[test]
    fn fs_group_set_blocks() {
        let hits = run(
            &FS_GROUP,
            &pod("  securityContext: {fsGroup: 2000}\n  containers: [{name: c}]\n"),
        );
        assert_eq!(paths(&hits), ["spec.securityContext.fsGroup"]);
        assert_eq!(hits[0].effect, Effect::Blocks);
    }

    #[test]
    fn other_pod_security_settings_are_harmless() {
        let harmless = pod(
            "  securityContext: {runAsUser: 1000, runAsNonRoot: true, fsGroupChangePolicy: OnRootMismatch}\n  containers: [{name: c}]\n",
        );
        assert!(run(&FS_GROUP, &harmless).is_empty());
        assert!(run(&FS_GROUP, &pod("  containers: [{name: c}]\n")).is_empty());
    }
}
