//! FSGroup: GKE refused sandboxed pods that set it in 2021 ("FSGroup is not supported");
//! gVisor itself honours the volume's setgid bit, and nothing public says whether current
//! GKE still refuses. So the finding is `uncertain`, with the date, and points at the check
//! that settles it: the cluster's own admission of the sandboxed pod.

use super::Rule;
use crate::explain::{Context, Effect, Hit, Subject};

pub(super) const FS_GROUP: Rule = Rule {
    id: "EP013",
    name: "fs-group",
    fact: "GKE refused sandboxed pods with fsGroup at admission in 2021 (\"FSGroup is not supported\"); no evidence either way for current GKE versions (docs/gke-sandbox.md#fsgroup)",
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
        Effect::Uncertain,
        subject.pod_security_field("fsGroup"),
        format!(
            "fsGroup: {group}: GKE refused such sandboxed pods in 2021 (\"FSGroup is not supported\"); whether current GKE versions still do is not known"
        ),
        "verify on your cluster with a server-side dry run of the sandboxed pod; keep fsGroup if the admission accepts it",
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain::rules::testing::{paths, pod, run};

    #[test]
    fn fs_group_set_is_uncertain_with_its_date() {
        let hits = run(
            &FS_GROUP,
            &pod("  securityContext: {fsGroup: 2000}\n  containers: [{name: c}]\n"),
        );
        assert_eq!(paths(&hits), ["spec.securityContext.fsGroup"]);
        assert_eq!(hits[0].effect, Effect::Uncertain);
        assert!(hits[0].message.contains("2021"), "{}", hits[0].message);
        assert!(hits[0].fix.contains("server-side dry run"));
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
