//! ProcMount: GKE lists it as not supported. It is no hardening control (`Unmasked` asks for
//! *less* masking of /proc) and no report has GKE refusing it; inside the sandbox the
//! container sees gVisor's own /proc whatever the field says. So the effect is `caution`:
//! the pod is expected to run, and whether the workload depends on an unmasked /proc
//! (nested container builds do) is a judgement only its owner can make.

use super::Rule;
use crate::explain::{Context, Effect, Hit, Subject};

pub(super) const PROC_MOUNT: Rule = Rule {
    id: "EP014",
    name: "proc-mount",
    fact: "ProcMount is listed by GKE as not supported under the sandbox; the container sees gVisor's own /proc and no refusal is reported (docs/gke-sandbox.md#procmount)",
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
                    Effect::Caution,
                    Subject::security_field(&c, "procMount"),
                    format!(
                        "container `{}` sets procMount: {value}; inside the sandbox it sees gVisor's own /proc",
                        c.name
                    ),
                    "check that the container does not depend on an unmasked host-style /proc (nested container builds do); if it does, keep it on ordinary nodes",
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
    fn proc_mount_unmasked_default_absent() {
        let set = pod("  containers: [{name: c, securityContext: {procMount: Unmasked}}]\n");
        let hits = run(&PROC_MOUNT, &set);
        assert_eq!(
            paths(&hits),
            ["spec.containers[0].securityContext.procMount"]
        );
        assert_eq!(hits[0].effect, Effect::Caution);
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
