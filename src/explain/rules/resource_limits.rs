//! CPU and memory limits: under the sandbox they hold only when every container sets them.

use super::Rule;
use crate::explain::{ContainerList, Context, Effect, Hit, Subject};

pub const RESOURCE_LIMITS: Rule = Rule {
    id: "EP015",
    name: "resource-limits",
    fact: "CPU and memory limits are enforced under GKE Sandbox only for Guaranteed and Burstable pods whose every container sets limits; otherwise they are not enforced (gke-sandbox.md, \"Features GKE Sandbox does not support\")",
    evaluate: resource_limits,
};

fn resource_limits(subject: &Subject, _: &Context) -> Vec<Hit> {
    subject
        .containers()
        .into_iter()
        // Ephemeral containers cannot carry resources; they do not count towards QoS.
        .filter(|c| c.list != ContainerList::EphemeralContainers)
        .filter_map(|c| {
            let limits = c.resources.and_then(|r| r.limits.as_ref());
            let missing: Vec<&str> = ["cpu", "memory"]
                .into_iter()
                .filter(|name| !limits.is_some_and(|l| l.contains_key(*name)))
                .collect();
            (!missing.is_empty()).then(|| {
                Hit::new(
                    Effect::NotEnforced,
                    c.path.key("resources").key("limits"),
                    format!(
                        "container `{}` sets no {} limit, so the pod's CPU and memory limits are not enforced",
                        c.name,
                        missing.join(" or ")
                    ),
                    "set resources.limits.cpu and resources.limits.memory on every container",
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
    fn every_container_with_both_limits_is_fine() {
        let both = pod(
            "  initContainers: [{name: i, resources: {limits: {cpu: 100m, memory: 64Mi}}}]\n  containers: [{name: c, resources: {limits: {cpu: \"1\", memory: 1Gi}}}]\n",
        );
        assert!(run(&RESOURCE_LIMITS, &both).is_empty());
    }

    #[test]
    fn a_missing_limit_in_any_container_is_reported() {
        let partial = pod(
            "  initContainers: [{name: i}]\n  containers: [{name: c, resources: {limits: {memory: 1Gi}}}]\n",
        );
        let hits = run(&RESOURCE_LIMITS, &partial);
        assert_eq!(
            paths(&hits),
            [
                "spec.containers[0].resources.limits",
                "spec.initContainers[0].resources.limits"
            ]
        );
        assert!(hits[0].message.contains("no cpu limit"));
        assert!(hits[1].message.contains("no cpu or memory limit"));
        assert_eq!(hits[0].effect, Effect::NotEnforced);
    }

    #[test]
    fn ephemeral_containers_do_not_count() {
        let debug = pod(
            "  containers: [{name: c, resources: {limits: {cpu: \"1\", memory: 1Gi}}}]\n  ephemeralContainers: [{name: debugger}]\n",
        );
        assert!(run(&RESOURCE_LIMITS, &debug).is_empty());
    }
}
