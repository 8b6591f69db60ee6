//! NP006: Cloud Logging and Cloud Monitoring are on, so gVisor's messages are kept.

use crate::check::{Context, Outcome, Rule, Section};
use crate::gke::commands;

pub(super) const RULE: Rule = Rule {
    id: "NP006",
    name: "logging-monitoring",
    section: Section::Gke,
    fact: "Enabling Cloud Logging and Cloud Monitoring is recommended so gVisor messages are \
           logged (loggingService/loggingConfig, monitoringService/monitoringConfig) \
           (docs/gke-sandbox.md#logging-and-monitoring)",
    evaluate,
};

fn evaluate(context: &Context) -> Vec<Outcome> {
    let Some(cluster) = context.snapshot.gke.known() else {
        return vec![];
    };
    let subject = format!("cluster {}", cluster.name);
    let evidence = [&cluster.logging.evidence, &cluster.monitoring.evidence];
    let mut off = Vec::new();
    let mut flags = Vec::new();
    if !cluster.logging.enabled {
        off.push("Cloud Logging");
        flags.push("--logging=SYSTEM,WORKLOAD".to_string());
    }
    if !cluster.monitoring.enabled {
        off.push("Cloud Monitoring");
        flags.push("--monitoring=SYSTEM".to_string());
    }
    let outcome = if off.is_empty() {
        Outcome::pass(subject, "Cloud Logging and Cloud Monitoring are on")
    } else {
        let (what, verb) = match off.as_slice() {
            [one] => (one.to_string(), "is"),
            _ => (off.join(" and "), "are"),
        };
        Outcome::warn(
            subject,
            format!("{what} {verb} off: gVisor's messages would not be kept"),
        )
        .fix(commands::display(&commands::cluster(
            cluster, "update", &flags,
        )))
    };
    vec![
        outcome
            .evidence(evidence[0].clone())
            .evidence(evidence[1].clone()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Status;
    use crate::check::rules::fixtures::*;

    #[test]
    fn passes_when_both_are_on() {
        assert_eq!(statuses(&run(&RULE, &snapshot())), [Status::Pass]);
    }

    #[test]
    fn warns_and_names_only_what_is_off() {
        let mut s = snapshot();
        gke_mut(&mut s).monitoring.enabled = false;
        let out = run(&RULE, &s);
        assert_eq!(statuses(&out), [Status::Warn]);
        assert_eq!(
            out[0].message,
            "Cloud Monitoring is off: gVisor's messages would not be kept"
        );
        assert_eq!(
            out[0].fix.as_deref(),
            Some(
                "gcloud container clusters update prod --location europe-west1 --project acme \
                 --monitoring=SYSTEM"
            )
        );
    }

    #[test]
    fn names_both_when_both_are_off() {
        let mut s = snapshot();
        gke_mut(&mut s).monitoring.enabled = false;
        gke_mut(&mut s).logging.enabled = false;
        let out = run(&RULE, &s);
        assert!(
            out[0]
                .message
                .starts_with("Cloud Logging and Cloud Monitoring are off"),
            "{}",
            out[0].message
        );
    }

    #[test]
    fn applies_to_autopilot_too() {
        let mut s = snapshot();
        s.gke = crate::snapshot::Part::Known(autopilot("1.34.1-gke.1829001"));
        assert_eq!(statuses(&run(&RULE, &s)), [Status::Pass]);
    }
}
