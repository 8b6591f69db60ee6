//! CL001: RuntimeClass `gvisor` exists with handler `gvisor`, as GKE makes it.

use crate::check::{Context, Outcome, Rule, Section};
use crate::snapshot::{GVISOR_HANDLER, GVISOR_RUNTIME_CLASS, Part};

pub(super) const RULE: Rule = Rule {
    id: "CL001",
    name: "runtime-class-gvisor",
    section: Section::Cluster,
    fact: "RuntimeClass gvisor (node.k8s.io/v1), handler gvisor, made by GKE when a sandbox \
           pool exists (built in on Autopilot); runsc is the handler of self-managed gVisor, \
           not GKE (docs/gke-sandbox.md#runtimeclass)",
    evaluate,
};

/// The handler self-managed gVisor installs; GKE's is `gvisor`.
const SELF_MANAGED_HANDLER: &str = "runsc";

fn evaluate(context: &Context) -> Vec<Outcome> {
    let classes = match &context.snapshot.runtime_classes {
        Part::Known(classes) => classes,
        Part::Unknown(gap) => return vec![Outcome::skip("RuntimeClass gvisor", gap)],
    };
    let subject = format!("RuntimeClass {GVISOR_RUNTIME_CLASS}");
    let gvisor = classes.iter().find(|rc| rc.name == GVISOR_RUNTIME_CLASS);
    let self_managed: Vec<_> = classes
        .iter()
        .filter(|rc| rc.handler == SELF_MANAGED_HANDLER)
        .map(|rc| format!("RuntimeClass {}: handler {}", rc.name, rc.handler))
        .collect();
    let outcome = match gvisor {
        Some(rc) if rc.handler == GVISOR_HANDLER => {
            Outcome::pass(subject, "exists with handler gvisor, as GKE makes it")
                .evidence(format!("RuntimeClass {}: handler {}", rc.name, rc.handler))
        }
        Some(rc) => wrong_handler(context, subject, &rc.handler)
            .evidence(format!("RuntimeClass {}: handler {}", rc.name, rc.handler))
            .fix("GKE manages RuntimeClass gvisor: delete the hand-made one and let a sandbox node pool recreate it"),
        None => missing(context, subject),
    };
    let mut outcome = outcome;
    if gvisor.is_none_or(|rc| rc.handler == GVISOR_HANDLER) {
        outcome.evidence.extend(self_managed);
    }
    vec![outcome]
}

/// A `gvisor` RuntimeClass with another handler. GKE's sandbox nodes configure containerd
/// with the handler `gvisor` only and a RuntimeClass's handler is immutable, so on a
/// cluster with a GKE sandbox pool every pod asking for it fails to start: a FAIL. Without
/// one (self-managed gVisor, or nothing known about GKE) it may be deliberate: a WARN.
fn wrong_handler(context: &Context, subject: String, handler: &str) -> Outcome {
    let has_sandbox_pool = context
        .snapshot
        .gke
        .known()
        .is_some_and(|cluster| cluster.sandbox_pools().next().is_some());
    if has_sandbox_pool {
        return Outcome::fail(
            subject,
            format!(
                "handler is {handler}, not gvisor: GKE's sandbox nodes run only the gvisor handler, so every pod asking for RuntimeClass gvisor fails to start"
            ),
        );
    }
    Outcome::warn(
        subject,
        format!(
            "handler is {handler}, not gvisor: {}",
            if handler == SELF_MANAGED_HANDLER {
                "this is self-managed gVisor, not GKE Sandbox"
            } else {
                "pods asking for gvisor will not get GKE Sandbox"
            }
        ),
    )
}

fn missing(context: &Context, subject: String) -> Outcome {
    let outcome = Outcome::fail(subject, "missing: pods cannot ask for GKE Sandbox");
    match context.snapshot.gke.known() {
        Some(cluster) if cluster.autopilot => {
            outcome.fix("Autopilot builds RuntimeClass gvisor in from 1.27.4-gke.800: see AP001")
        }
        Some(cluster) if cluster.sandbox_pools().next().is_some() => outcome.fix(
            "GKE makes RuntimeClass gvisor with the sandbox pool: check that the pool is RUNNING \
             (gcloud container node-pools list) and that nothing deleted the RuntimeClass",
        ),
        _ => outcome
            .fix("create a sandbox node pool (see NP001): GKE then makes RuntimeClass gvisor"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Status;
    use crate::check::rules::fixtures::*;

    fn with_classes(classes: Vec<crate::snapshot::RuntimeClassInfo>) -> Vec<Outcome> {
        let mut s = snapshot();
        s.runtime_classes = Part::Known(classes);
        run(&RULE, &s)
    }

    #[test]
    fn passes_gkes_runtime_class() {
        assert_eq!(statuses(&run(&RULE, &snapshot())), [Status::Pass]);
    }

    #[test]
    fn another_handler_fails_on_a_cluster_with_a_gke_sandbox_pool() {
        for handler in ["runsc", "kata"] {
            let out = with_classes(vec![runtime_class("gvisor", handler)]);
            assert_eq!(statuses(&out), [Status::Fail], "{handler}");
            assert!(
                out[0].message.contains("fails to start"),
                "{}",
                out[0].message
            );
        }
    }

    #[test]
    fn warns_that_runsc_is_self_managed_without_a_gke_sandbox_pool() {
        let mut s = snapshot();
        s.runtime_classes = Part::Known(vec![runtime_class("gvisor", "runsc")]);
        gke_mut(&mut s).node_pools.truncate(1);
        let out = run(&RULE, &s);
        assert_eq!(statuses(&out), [Status::Warn]);
        s.gke = Part::Unknown(gap());
        assert_eq!(statuses(&run(&RULE, &s)), [Status::Warn], "GKE unknown");
        assert!(
            out[0].message.contains("self-managed gVisor"),
            "{}",
            out[0].message
        );
    }

    #[test]
    fn fails_when_missing_and_mentions_other_runsc_classes() {
        let out = with_classes(vec![runtime_class("my-gvisor", "runsc")]);
        assert_eq!(statuses(&out), [Status::Fail]);
        assert_eq!(out[0].evidence, ["RuntimeClass my-gvisor: handler runsc"]);
    }

    #[test]
    fn the_fix_depends_on_whether_a_sandbox_pool_exists() {
        let out = with_classes(vec![]);
        assert!(out[0].fix.as_deref().unwrap().contains("pool is RUNNING"));
        let mut s = snapshot();
        s.runtime_classes = Part::Known(vec![]);
        gke_mut(&mut s).node_pools.truncate(1);
        let out = run(&RULE, &s);
        assert!(out[0].fix.as_deref().unwrap().contains("NP001"));
    }

    #[test]
    fn skips_when_runtime_classes_were_not_readable() {
        let mut s = snapshot();
        s.runtime_classes = Part::Unknown(gap());
        assert_eq!(statuses(&run(&RULE, &s)), [Status::Skip]);
    }
}
