//! sysctls: gVisor implements only some (network) sysctls itself, so the values a pod sets
//! may not take effect. The pod runs: a caveat, not a blocker.

use super::Rule;
use crate::explain::{Context, Effect, Hit, Subject};

pub(super) const SYSCTLS: Rule = Rule {
    id: "EP010",
    name: "sysctls",
    fact: "sysctls a pod sets may not take effect inside the sandbox: gVisor implements only some network sysctls itself; the pod runs (docs/gke-sandbox.md#sysctls)",
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
        Effect::NotEnforced,
        subject.pod_security_field("sysctls"),
        format!(
            "the pod sets sysctls ({}): they may not take effect inside the sandbox",
            names.join(", ")
        ),
        "check that the workload works without these values applied (gVisor implements only some network sysctls); keep it on ordinary nodes if it depends on them",
    )]
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
        assert!(hits[0].message.contains("may not take effect"));
        assert_eq!(hits[0].effect, Effect::NotEnforced);
        assert!(
            run(
                &SYSCTLS,
                &pod("  securityContext: {sysctls: []}\n  containers: [{name: c}]\n")
            )
            .is_empty()
        );
        assert!(run(&SYSCTLS, &pod("  containers: [{name: c}]\n")).is_empty());
    }
}
