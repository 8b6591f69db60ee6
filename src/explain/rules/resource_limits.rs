//! CPU and memory limits: under the sandbox they hold only when every container of the pod
//! sets both. A pod where some containers set limits and others do not loses them; a pod
//! where no container sets any loses nothing, so it gets no finding.

use super::Rule;
use crate::explain::{ContainerList, ContainerRef, Context, Effect, Hit, Subject};

pub(super) const RESOURCE_LIMITS: Rule = Rule {
    id: "EP015",
    name: "resource-limits",
    fact: "CPU and memory limits are enforced under GKE Sandbox only when every container of the pod sets them; when no container sets any, nothing is lost (docs/gke-sandbox.md#cpu-and-memory-limits)",
    evaluate: resource_limits,
};

const KINDS: [&str; 2] = ["cpu", "memory"];

/// The limits among cpu and memory that `container` does not set.
fn missing_limits(container: &ContainerRef<'_>) -> Vec<&'static str> {
    let limits = container.resources.and_then(|r| r.limits.as_ref());
    KINDS
        .into_iter()
        .filter(|name| !limits.is_some_and(|l| l.contains_key(*name)))
        .collect()
}

fn resource_limits(subject: &Subject, _: &Context) -> Vec<Hit> {
    // Ephemeral containers cannot carry resources; they do not count towards QoS.
    let counted: Vec<ContainerRef> = subject
        .containers()
        .into_iter()
        .filter(|c| c.list != ContainerList::EphemeralContainers)
        .collect();
    let missing: Vec<Vec<&str>> = counted.iter().map(missing_limits).collect();
    if missing.iter().all(|m| m.len() == KINDS.len()) {
        return Vec::new();
    }
    counted
        .iter()
        .zip(missing)
        .filter(|(_, missing)| !missing.is_empty())
        .map(|(c, missing)| {
            Hit::new(
                Effect::NotEnforced,
                c.path.key("resources").key("limits"),
                format!(
                    "container `{}` sets no {} limit while others set limits, so the pod's CPU and memory limits are not enforced inside the sandbox",
                    c.name,
                    missing.join(" or ")
                ),
                "set resources.limits.cpu and resources.limits.memory on every container",
            )
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
    fn no_container_with_limits_loses_nothing() {
        let none = pod(
            "  initContainers: [{name: i}]\n  containers: [{name: c, resources: {requests: {cpu: 100m}}}]\n",
        );
        assert!(run(&RESOURCE_LIMITS, &none).is_empty());
    }

    #[test]
    fn a_missing_limit_where_others_set_them_is_reported() {
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
