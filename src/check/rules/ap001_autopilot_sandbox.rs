//! AP001: on Autopilot, GKE Sandbox is built in from a known version; no pools to set up.

use crate::check::{Context, Outcome, Rule, Section};
use crate::gke::{AUTOPILOT_SANDBOX_FROM as BUILT_IN_FROM, GkeVersion, commands};

pub(super) const RULE: Rule = Rule {
    id: "AP001",
    name: "autopilot-sandbox-built-in",
    section: Section::Gke,
    fact: "Autopilot clusters have no node pools to configure: GKE Sandbox is ready to use \
           from GKE 1.27.4-gke.800 (RuntimeClass gvisor is built in). Never recommend \
           creating node pools on Autopilot (docs/gke-sandbox.md#autopilot)",
    evaluate,
};

fn evaluate(context: &Context) -> Vec<Outcome> {
    let Some(cluster) = context.snapshot.gke.known().filter(|c| c.autopilot) else {
        return vec![];
    };
    let subject = format!("cluster {} (Autopilot)", cluster.name);
    let Some(text) = cluster.master_version.as_deref() else {
        return vec![Outcome::warn(
            subject,
            "control-plane version unknown: cannot tell whether GKE Sandbox is built in",
        )];
    };
    let evidence = format!("currentMasterVersion: {text}");
    let outcome = match text.parse::<GkeVersion>() {
        Ok(version) if version >= BUILT_IN_FROM => Outcome::pass(
            subject,
            format!("GKE Sandbox is built in from {BUILT_IN_FROM}; node pools are managed by GKE"),
        ),
        Ok(_) => Outcome::fail(
            subject,
            format!("{text} predates built-in GKE Sandbox ({BUILT_IN_FROM})"),
        )
        .fix(format!(
            "{} (or later)",
            commands::display(&commands::cluster(
                cluster,
                "upgrade",
                &[
                    "--master".into(),
                    "--cluster-version".into(),
                    BUILT_IN_FROM.to_string()
                ],
            ))
        )),
        Err(why) => Outcome::warn(subject, why),
    };
    vec![outcome.evidence(evidence)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Status;
    use crate::check::rules::fixtures::*;
    use crate::snapshot::Part;

    fn on_autopilot(version: &str) -> Vec<Outcome> {
        let mut s = snapshot();
        s.gke = Part::Known(autopilot(version));
        run(&RULE, &s)
    }

    #[test]
    fn boundary_is_inclusive() {
        assert_eq!(statuses(&on_autopilot("1.27.4-gke.800")), [Status::Pass]);
        assert_eq!(statuses(&on_autopilot("1.27.4-gke.799")), [Status::Fail]);
    }

    #[test]
    fn the_fix_never_creates_a_node_pool() {
        let out = on_autopilot("1.26.1-gke.100");
        let fix = out[0].fix.as_deref().unwrap();
        assert!(
            fix.contains("upgrade") && !fix.contains("node-pools"),
            "{fix}"
        );
    }

    #[test]
    fn silent_on_standard_clusters() {
        assert!(run(&RULE, &snapshot()).is_empty());
    }
}
